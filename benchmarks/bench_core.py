"""Benchmark: loading the bundled network and running one scenario on the world network.

Prints each timing with a ratio against a plain baseline measured in the same run:

* load: warm ``load_network`` (cached tables, cached network) against a cold
  read of every GeoParquet table (what a naive loader does on every call);
* one scenario: ``simulate`` with the engine's exact reuse of baseline flows
  (only the (country, region) flows a failure can change are recomputed)
  against the same engine recomputing every flow from scratch;
* graph work of one scenario: ``country_metrics`` alone.

Run: ``python benchmarks/bench_core.py``
"""

from __future__ import annotations

import platform
import statistics
import time

import geopandas as gpd

import cablesim
from cablesim import dataset
from cablesim.engine import metrics
from cablesim.scenario.failures import apply_events


def best(fn, repeat=5):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main() -> None:
    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    directory = dataset.data_dir()

    def cold():
        for name in dataset.TABLE_NAMES:
            f = directory / f"{name}.parquet"
            (gpd.read_parquet(f) if name != "cables" else __import__("pandas").read_parquet(f))

    t0 = time.perf_counter()
    cablesim.load_network()
    first = time.perf_counter() - t0
    cold_t, _ = best(cold, 3)
    warm_t, _ = best(lambda: cablesim.load_network(), 20)
    other_t, _ = best(lambda: cablesim.load_network("2015-01-01"), 1)
    print(
        f"load_network first call: {first:.3f} s; warm: {warm_t * 1000:.2f} ms; "
        f"another date (tables cached): {other_t * 1000:.1f} ms; cold table read: {cold_t:.3f} s "
        f"(warm is {cold_t / warm_t:,.0f}x faster)"
    )

    for name in ("alexandria-2008", "suez-closure", "tonga-2022"):
        sc = cablesim.load_scenario(cablesim.find_scenario(name))
        net = cablesim.load_network(sc.as_of)
        cablesim.simulate(sc, net)  # warm the caches (corridors, baseline flows)
        fast, _ = best(lambda sc=sc, net=net: cablesim.simulate(sc, net))
        plain, _ = best(lambda sc=sc, net=net: cablesim.simulate(sc, net, incremental=False), 3)
        fail = apply_events(net, sc.events)
        graph, _ = best(
            lambda net=net, fail=fail, sc=sc: metrics.country_metrics(
                net, fail, core=sc.core, backhaul=sc.backhaul
            )
        )
        print(
            f"{name:<18} simulate warm {fast * 1000:7.1f} ms (graph work {graph * 1000:6.1f} ms); "
            f"recomputing every flow {plain * 1000:7.1f} ms; ratio {plain / fast:5.1f}x"
        )


if __name__ == "__main__":
    main()
