"""Benchmark: the fast engine against the plain approach, side by side, in one run.

* fast: the full N-1 sweep over every cable in service (every country's
  capacity to the core after each cable fails), serial and with 2 workers;
* plain: networkx maximum flow for every (country, core region), from
  scratch, on a graph rebuilt for each scenario (:mod:`cablesim.engine.reference`),
  on a few of the same scenarios, extrapolated per scenario;
* equality: on those scenarios the two agree for every country.

Also times a 10,000-trial Monte Carlo (``--mc-trials``). Run from the
repository root::

    python benchmarks/bench_engine.py [--plain 5] [--mc-trials 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

import cablesim
from cablesim import parallel, risk
from cablesim.engine import batch as _batch
from cablesim.engine.reference import plain_flows
from cablesim.scenario import DEFAULT_CORE
from cablesim.sweep import sweep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plain", type=int, default=5, help="scenarios for the plain approach")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--mc-trials", type=int, default=10_000, help="0 to skip")
    args = ap.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    t = time.perf_counter()
    net = cablesim.load_network()
    print(f"network: {net!r} (loaded in {time.perf_counter() - t:.2f} s)")

    t = time.perf_counter()
    ev = _batch.Evaluator(net, core=DEFAULT_CORE)
    t_build = time.perf_counter() - t
    cables = sorted(net.cables["cable_id"])
    segs = net.segments
    configs = [ev.edges_of(segs.loc[segs["cable_id"] == c, "segment_id"]) for c in cables]
    t = time.perf_counter()
    vals, _ = ev.evaluate(configs)
    t_eval = time.perf_counter() - t
    per_fast = t_eval / len(cables)
    print(
        f"\nfast engine: compile + baseline {t_build:.2f} s; {len(cables)} cable failures x "
        f"{len(ev.countries)} countries in {t_eval:.2f} s = {1000 * per_fast:.2f} ms per scenario"
    )

    for w in (1, args.workers):
        parallel._STATE.clear()
        net._cache.clear()
        t = time.perf_counter()
        r = sweep(net, "cable", workers=w, progress=False)
        print(
            f"  cablesim sweep --by cable, workers={w}: {time.perf_counter() - t:.2f} s wall "
            f"({len(r.records)} cables, compile and baseline included)"
        )

    rng = np.random.default_rng(0)
    pick = sorted(rng.choice(len(cables), size=args.plain, replace=False))
    t_plain = 0.0
    worst = 0.0
    for i in pick:
        failed = set(segs.loc[segs["cable_id"] == cables[i], "segment_id"])
        t = time.perf_counter()
        plain = plain_flows(net, failed, core=DEFAULT_CORE)
        dt = time.perf_counter() - t
        t_plain += dt
        diff = max(abs(plain[c] - vals[i][j]) for j, c in enumerate(ev.countries))
        worst = max(worst, diff)
        print(f"  plain networkx, {cables[i]}: {dt:.2f} s; largest difference {diff:.2e} Tbps")
    per_plain = t_plain / len(pick)
    print(
        f"\nplain approach: {per_plain:.2f} s per scenario (mean of {len(pick)}), "
        f"full N-1 extrapolated: {per_plain * len(cables) / 60:.1f} min"
    )
    print(
        f"speed ratio per scenario: {per_plain / per_fast:,.0f}x; results equal: "
        f"{'yes' if worst < 1e-6 else 'NO'} (largest difference {worst:.1e} Tbps)"
    )

    if args.mc_trials:
        for w in (1, args.workers):
            parallel._STATE.clear()
            net._cache.clear()
            t = time.perf_counter()
            r = risk.montecarlo(net, trials=args.mc_trials, seed=1, workers=w, progress=False)
            print(
                f"\nMonte Carlo {args.mc_trials:,} trials, workers={w}: {time.perf_counter() - t:.1f} s; "
                f"P(isolated) Tonga {r.country('TON')['p_isolated']:.3f}, "
                f"France {r.country('FRA')['p_isolated']:.3f}"
            )


if __name__ == "__main__":
    main()
