"""Benchmark: the traffic model (demand competing for what survives) against the capacity view.

* one scenario warm on the world network, traffic headline against
  ``options: {measure: capacity}`` (the capacity-only model) in the same run;
* the full N-1 cable sweep (traffic served per country after each cable fails),
  serial and with ``--workers``;
* a Monte Carlo of ``--mc-trials`` one-year trials with ``--workers``.

Run from the repository root::

    python benchmarks/bench_traffic.py [--workers 2] [--mc-trials 10000]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _timing import best  # benchmarks/_timing.py (this script's folder)

import cablesim
from cablesim.analyses import risk
from cablesim.analyses.sweep import sweep
from cablesim.engine import flows as _engine
from cablesim.engine import traffic as _traffic
from cablesim.scenario import DEFAULT_CORE

SCENARIOS = ("alexandria-2008", "suez-closure", "red-sea-2024", "tonga-2022", "west-africa-2024")


def _best(fn, repeat: int = 3) -> float:
    return best(fn, repeat)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--mc-trials", type=int, default=10_000, help="0 to skip")
    args = ap.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}")
    root = Path(__file__).resolve().parents[1] / "scenarios"
    for name in SCENARIOS:
        sc = cablesim.load_scenario(root / f"{name}.yaml")
        net = cablesim.load_network(sc.as_of)
        doc = dict(sc.document)
        doc["options"] = {**(doc.get("options") or {}), "measure": "capacity"}
        cap_sc = cablesim.load_scenario(doc, network=net)
        t0 = time.perf_counter()
        cablesim.simulate(sc, net)
        first = time.perf_counter() - t0
        warm = _best(lambda sc=sc, net=net: cablesim.simulate(sc, net))
        plain = _best(lambda s=cap_sc, net=net: cablesim.simulate(s, net))
        print(
            f"{name:18s} first {first:6.2f} s  warm {warm * 1000:7.1f} ms  "
            f"capacity-only {plain * 1000:7.1f} ms  ratio {warm / plain:5.2f}"
        )
    net = cablesim.load_network()
    comp = _engine.compile_network(net, "landmass", DEFAULT_CORE)
    t0 = time.perf_counter()
    m = _traffic.model(comp)
    print(
        f"traffic model build (routes, demand): {time.perf_counter() - t0:.2f} s; "
        f"{m.routes.n} routes, demand {m.demand.sum():.0f} Tbit/s, "
        f"mean utilization reached {m.achieved:.1%}"
    )
    for workers in (1, args.workers):
        t0 = time.perf_counter()
        r = sweep(net, "cable", workers=workers, progress=False)
        print(
            f"sweep --by cable, {len(r.records)} cables, workers={workers}: "
            f"{time.perf_counter() - t0:.1f} s"
        )
    if args.mc_trials:
        t0 = time.perf_counter()
        res = risk.montecarlo(net, trials=args.mc_trials, workers=args.workers, progress=False)
        print(
            f"montecarlo {res.trials} trials, workers={args.workers}: "
            f"{time.perf_counter() - t0:.1f} s"
        )


if __name__ == "__main__":
    main()
