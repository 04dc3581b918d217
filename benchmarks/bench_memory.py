"""Benchmark: peak memory of a Monte Carlo fault run as the number of trials grows.

Each size runs in a fresh process (``python -c`` calling
:func:`cablesim.analyses.risk.montecarlo`, seed 0) and reports its peak resident memory
(``ru_maxrss`` of the run's process, and of its worker processes when
``--workers`` is above 1) and wall time. While it runs, a thread samples the
resident memory of the process and its workers every ``--every`` seconds,
with the number of trials added to the running totals so far, so a run cut
short still gives the memory curve up to where it got. The plain baseline is
the smallest run: the network, the evaluator and its state, i.e. what any run
needs. Bounded memory means the peak stops growing with the trials (issue 14,
item 11: it grew about 130 KB a trial, 1.4 GB at 10,000).

``--measure capacity`` measures losses of capacity to the core, several times
faster a trial than the default ``traffic``; the aggregation that must stay
bounded (chunks of trials streamed into :class:`cablesim.analyses.tally.Tally`, the
evaluator's bounded caches) is the same code for both.

Run: ``python benchmarks/bench_memory.py [--measure M] [--workers N] [--every S]
[--log FILE] [TRIALS ...]`` (default 100 10000 100000). Each line printed is
also appended to ``--log`` as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

CODE = """
import json, os, resource, sys, threading, time
from cablesim.analyses import tally as _tally, risk

trials, measure, workers, every = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
done = {"trials": 0}
add = _tally.Tally.add


def counting_add(self, chunk):  # the parent's running totals: trials streamed in so far
    add(self, chunk)
    done["trials"] = self.trials


_tally.Tally.add = counting_add


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


t0 = time.perf_counter()
peak = {"tree": 0.0}


def sample(final=False):
    me = rss_mb(os.getpid())
    kids = [rss_mb(k) for k in children(os.getpid())]
    tree = me + sum(kids)
    peak["tree"] = max(peak["tree"], tree)
    print(json.dumps({
        "sample": True, "s": round(time.perf_counter() - t0, 1), "trials_done": done["trials"],
        "rss_mb": round(me, 1), "workers_mb": [round(k, 1) for k in kids],
        "tree_mb": round(tree, 1),
        "hwm_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }), flush=True)


stop = threading.Event()


def loop():
    while not stop.wait(every):
        sample()


threading.Thread(target=loop, daemon=True).start()
r = risk.montecarlo(trials=trials, seed=0, measure=measure, workers=workers, progress=False)
stop.set()
print(json.dumps({
    "trials": r.trials,
    "measure": measure,
    "workers": workers,
    "seconds": time.perf_counter() - t0,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "workers_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "tree_peak_sampled_mb": peak["tree"],
    "losses_kept": r.tally.recorded(),
    "tonga_p_isolated": r.country("TON")["p_isolated"],
}), flush=True)
"""


def run(trials: int, measure: str, workers: int, every: float, log) -> dict:
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CODE, str(trials), measure, str(workers), str(every)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    rec: dict = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.strip()
        if not line.startswith("{"):
            continue
        rec = json.loads(line)
        rec["size"] = trials
        if log:
            log.write(json.dumps(rec) + "\n")
            log.flush()
        if rec.get("sample"):
            print(
                f"  [{trials:,} {measure}] {rec['s']:7.0f} s: {rec['trials_done']:>7,} trials done, "
                f"RSS {rec['rss_mb']:.0f} MB (+ workers {rec['workers_mb']}), "
                f"peak so far {rec['hwm_mb']:.0f} MB",
                flush=True,
            )
    if proc.wait() != 0:
        raise SystemExit(f"the {trials:,}-trial run failed (exit {proc.returncode})")
    rec["wall"] = time.perf_counter() - t
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trials", nargs="*", type=int, default=[100, 10_000, 100_000])
    ap.add_argument("--measure", choices=("traffic", "capacity"), default="traffic")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--every", type=float, default=30.0, help="seconds between samples")
    ap.add_argument("--log", help="append every record (JSON lines) to this file")
    args = ap.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"Python {platform.python_version()}, measure {args.measure}, workers {args.workers}",
        flush=True,
    )
    log = open(args.log, "a") if args.log else None  # noqa: SIM115
    base = None
    for n in args.trials:
        rec = run(n, args.measure, args.workers, args.every, log)
        base = base or rec["peak_mb"]
        print(
            f"{n:>8,} trials: peak {rec['peak_mb']:7.0f} MB ({rec['peak_mb'] / base:4.2f}x the "
            f"{args.trials[0]:,}-trial run), workers' peak {rec['workers_peak_mb']:.0f} MB, "
            f"{rec['seconds']:7.1f} s, {rec['losses_kept']:,} losses kept, "
            f"P(Tonga isolated) {rec['tonga_p_isolated']:.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
