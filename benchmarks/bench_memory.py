"""Benchmark: peak memory of a Monte Carlo fault run as the number of trials grows.

Each size runs in a fresh process (``python -c`` calling
:func:`cablesim.risk.montecarlo` serially, seed 0) and reports that process's
peak resident memory (``ru_maxrss``) and wall time. The plain baseline is the
same run with 100 trials: the network, the evaluator and its state, i.e. what
any run needs. Bounded memory means the peak stops growing with the trials
(issue 14, item 11: it grew about 130 KB a trial, 1.4 GB at 10,000).

Run: ``python benchmarks/bench_memory.py [TRIALS ...]`` (default 100 10000 100000;
100,000 trials take about half an hour on one core).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time

CODE = """
import json, resource, sys, time
from cablesim import risk
t = time.perf_counter()
r = risk.montecarlo(trials=int(sys.argv[1]), seed=0, progress=False)
print(json.dumps({
    "trials": r.trials,
    "seconds": time.perf_counter() - t,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "losses_kept": r.tally.recorded(),
    "tonga_p_isolated": r.country("TON")["p_isolated"],
}))
"""


def run(trials: int) -> dict:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(trials)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    rec = json.loads(out.stdout.strip().splitlines()[-1])
    rec["wall"] = time.perf_counter() - t
    return rec


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 10_000, 100_000]
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    base = None
    for n in sizes:
        rec = run(n)
        base = base or rec["peak_mb"]
        print(
            f"{n:>8,} trials: peak {rec['peak_mb']:7.0f} MB ({rec['peak_mb'] / base:4.2f}x the "
            f"{sizes[0]:,}-trial run), {rec['seconds']:7.1f} s, "
            f"{rec['losses_kept']:,} losses kept, P(Tonga isolated) {rec['tonga_p_isolated']:.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
