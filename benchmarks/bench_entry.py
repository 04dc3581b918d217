"""One engine, no work twice (issue 21 items 3-4): this tree against an older one, interleaved.

Each measurement runs in a fresh process, alternately with the code of this
tree ("after") and of another checkout ("before", e.g. a ``git worktree`` of
main before the change), ``--rounds`` times; the median of each is printed
with the ratio before / after. Wall time and CPU time (user + system of the
process) are both given: on a machine loaded by other work the CPU time is the
fairer figure.

* ``warm <scenario>``: one scenario simulated again on a network that already
  ran it (best of 5); "(state not kept)": the values derived from its
  after-state are forgotten before each run (the engine's work on a warm
  network), else the repeat (the web app's click on a scenario run before);
* ``cold run tonga-2022``: ``python -m cablesim run tonga-2022 --json`` as a
  new process (import, load, compile, baseline, traffic model, run). "after"
  reads the engine's disk cache (``CABLESIM_CACHE_DIR``, filled by a first run
  that is not counted);
* ``sweep N-1``: :func:`cablesim.analyses.sweep.sweep` of every cable of today's network,
  in-process, the network loaded and its baseline built first (as a warm
  session or the web app has them);
* ``monte carlo``: :func:`cablesim.analyses.risk.montecarlo`, 200 trials, in-process, same.

Usage::

    git worktree add --detach /tmp/cablesim-main main
    python benchmarks/bench_entry.py --before /tmp/cablesim-main [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WARM = """
import json, time, cablesim
sc = cablesim.load_scenario(cablesim.find_scenario({name!r}))
net = cablesim.load_network(sc.as_of)
cablesim.simulate(sc, net)
best_w, best_c = 1e9, 1e9
for _ in range(5):
    if {fresh!r}:  # the after-states' values forgotten: the engine's work, not a repeat
        net.memo("engine:states", dict).clear()
    w, c = time.perf_counter(), time.process_time()
    cablesim.simulate(sc, net)
    best_w = min(best_w, time.perf_counter() - w)
    best_c = min(best_c, time.process_time() - c)
print(json.dumps({{"wall": best_w, "cpu": best_c}}))
"""

SWEEP = """
import json, time, cablesim
try:
    from cablesim.analyses.sweep import sweep
except ImportError:  # a tree before the re-layout
    from cablesim.sweep import sweep
from cablesim.engine import flows
net = cablesim.load_network()
flows.baseline(flows.compile_network(net, "landmass", cablesim.scenario.DEFAULT_CORE))
w, c = time.perf_counter(), time.process_time()
sweep(net, "cable", progress=False)
print(json.dumps({"wall": time.perf_counter() - w, "cpu": time.process_time() - c}))
"""

MONTECARLO = """
import json, time, cablesim
try:
    from cablesim.analyses.risk import montecarlo
except ImportError:  # a tree before the re-layout
    from cablesim.risk import montecarlo
from cablesim.engine import flows
net = cablesim.load_network()
flows.baseline(flows.compile_network(net, "landmass", cablesim.scenario.DEFAULT_CORE))
w, c = time.perf_counter(), time.process_time()
montecarlo(net, trials=200, seed=1, progress=False)
print(json.dumps({"wall": time.perf_counter() - w, "cpu": time.process_time() - c}))
"""


def _env(tree: Path, cache: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)
    env["CABLESIM_CACHE_DIR"] = cache
    return env


def _snippet(tree: Path, code: str, cache: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_env(tree, cache),
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cold(tree: Path, cache: str) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "cablesim", "run", "tonga-2022", "--json"],
        env=_env(tree, cache),
        cwd=tree,
        capture_output=True,
        check=True,
    )
    wall = time.perf_counter() - w
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, help="checkout of the older code")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="names of the measurements to run")
    args = ap.parse_args()
    before, after = Path(args.before).resolve(), ROOT
    cache = tempfile.mkdtemp(prefix="cablesim-bench-cache-")
    _cold(after, cache)  # fills the disk cache (not counted)
    cases = {
        **{
            f"warm {name}{' (state not kept)' if fresh else ''}": (
                lambda tree, name=name, fresh=fresh: _snippet(
                    tree, WARM.format(name=name, fresh=fresh), cache
                )
            )
            for name in ("suez-closure", "tonga-2022", "hormuz-closure")
            for fresh in (True, False)
        },
        "cold run tonga-2022": lambda tree: _cold(tree, cache),
        "sweep N-1 (cables)": lambda tree: _snippet(tree, SWEEP, cache),
        "monte carlo 200": lambda tree: _snippet(tree, MONTECARLO, cache),
    }
    if args.only:
        cases = {k: v for k, v in cases.items() if k in args.only}
    print("| what | before wall | after wall | ratio | before CPU | after CPU | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, fn in cases.items():
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for _ in range(args.rounds):  # interleaved
            runs["before"].append(fn(before))
            runs["after"].append(fn(after))
        med = {
            k: {m: statistics.median(r[m] for r in v) for m in ("wall", "cpu")}
            for k, v in runs.items()
        }
        b, a = med["before"], med["after"]
        print(
            f"| {name} | {_fmt(b['wall'])} | {_fmt(a['wall'])} | {b['wall'] / a['wall']:.2f}x "
            f"| {_fmt(b['cpu'])} | {_fmt(a['cpu'])} | {b['cpu'] / a['cpu']:.2f}x |",
            flush=True,
        )
    print(f"\nload average at the end: {os.getloadavg()}")
    return 0


def _fmt(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


if __name__ == "__main__":
    raise SystemExit(main())
