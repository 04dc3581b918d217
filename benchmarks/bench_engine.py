"""Benchmark: the fast engine against the plain approach, side by side, in one run.

* fast: the full N-1 sweep over every cable in service (every country's
  capacity to the core after each cable fails), serial and with 2 workers;
* plain: networkx maximum flow for every (country, core region), from
  scratch, on a graph rebuilt for each scenario (:mod:`cablesim.engine.reference`),
  on a few of the same scenarios, extrapolated per scenario;
* equality: on those scenarios the two agree for every country.

Also times a 10,000-trial Monte Carlo (``--mc-trials``), and the one engine
(issue 16, ``--one-engine`` for that section alone), each against the way it
was done before, kept here as the baseline:

* one solve of a (country, region) task after a failure: the one solve path
  (:class:`cablesim.engine.flows.TaskGraph`, the changed pairs rewritten on the
  task's cached graph), as :func:`cablesim.engine.simulate` (``FlowSolver``) and the
  batch evaluator call it, against building the task's graph afresh for the
  new capacities (what ``FlowSolver.task_flow`` did);
* reachability of every country: :func:`cablesim.engine.flows.reach` against
  the per-country, per-task test ``metrics`` used;
* a closure's after-state (the split backhaul compiled, the capacities and the
  reachability after): once per run, against once in ``country_metrics`` and
  again in ``cut_off_places``.

Run from the repository root::

    python benchmarks/bench_engine.py [--plain 5] [--mc-trials 10000] [--workers 2]
    python benchmarks/bench_engine.py --one-engine
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
import scipy.sparse as sp
from _timing import best  # benchmarks/_timing.py (this script's folder)
from scipy.sparse.csgraph import connected_components, maximum_flow

import cablesim
from cablesim import parallel
from cablesim.analyses import risk
from cablesim.analyses.sweep import sweep
from cablesim.engine import batch as _batch
from cablesim.engine import flows as _engine
from cablesim.engine import metrics
from cablesim.engine.flowview import FlowView
from cablesim.engine.reference import plain_flows
from cablesim.engine.state import Options, after_state
from cablesim.scenario import DEFAULT_CORE


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plain", type=int, default=5, help="scenarios for the plain approach")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--mc-trials", type=int, default=10_000, help="0 to skip")
    ap.add_argument("--one-engine", action="store_true", help="only the one-engine section")
    args = ap.parse_args()

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )
    t = time.perf_counter()
    net = cablesim.load_network()
    print(f"network: {net!r} (loaded in {time.perf_counter() - t:.2f} s)")
    one_engine(net)
    if args.one_engine:
        return

    t = time.perf_counter()
    ev = _batch.Evaluator(net, core=DEFAULT_CORE, measure="capacity")  # what networkx computes
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


# ------------------------------------------------------------------------------ one engine


def _best(fn, repeat: int = 5) -> float:
    return best(fn, repeat)


_INCIDENCE: dict[int, sp.csr_matrix] = {}


def _incidence(comp: _engine.Compiled) -> sp.csr_matrix:
    """Edges x pairs incidence matrix (built once, as the former engine kept it)."""
    if id(comp) not in _INCIDENCE:
        ok = np.flatnonzero(comp.pair_of_edge >= 0)
        _INCIDENCE[id(comp)] = sp.csr_matrix(
            (np.ones(len(ok)), (ok, comp.pair_of_edge[ok])),
            shape=(len(comp.edge_ids), len(comp.pair_u)),
        )
    return _INCIDENCE[id(comp)]


def _rebuilt_solve(comp: _engine.Compiled, cap: np.ndarray, t: int) -> float:
    """Baseline: one task's maximum flow on a graph built afresh (the former ``task_flow``)."""
    c = comp.countries[comp.task_country[t]]
    src = comp.country_flow_nodes[c]
    sink = np.setdiff1d(comp.region_nodes[comp.task_region[t]], src)
    gbps = _engine.to_gbps(cap)
    if comp.corridor is not None:
        gbps = gbps * comp.corridor[t]
    pc = np.asarray(_incidence(comp).T @ gbps).round().astype(np.int64)
    live = np.flatnonzero(pc > 0)
    u, v, w = comp.pair_u[live], comp.pair_v[live], pc[live]
    big = int(min(int(w.sum()) + 1, 2**31 - 1))
    n = comp.n_flow + 2
    rows = np.concatenate([u, v, np.full(len(src), n - 2), sink])
    cols = np.concatenate([v, u, src, np.full(len(sink), n - 1)])
    data = np.concatenate([w, w, np.full(len(src) + len(sink), big)])
    graph = sp.csr_matrix(
        (data.astype(np.int32), (rows.astype(np.int32), cols.astype(np.int32))), shape=(n, n)
    )
    return maximum_flow(graph, n - 2, n - 1, method="dinic").flow_value / _engine.GBPS


def _per_country_reach(comp: _engine.Compiled, cap: np.ndarray) -> dict[str, bool]:
    """Baseline: reachability one country and one task at a time (the former ``metrics`` way)."""
    live = np.asarray(_incidence(comp).T @ _engine.to_gbps(cap)).round() > 0
    n = comp.n_flow
    adj = sp.coo_matrix(
        (np.ones(int(live.sum())), (comp.pair_u[live], comp.pair_v[live])), shape=(n, n)
    )
    _, component = connected_components(adj, directed=False)
    out = {}
    for c in comp.countries:
        src = comp.country_flow_nodes.get(c)
        out[c] = bool(src is not None and len(src)) and any(
            np.isin(
                component[src],
                component[
                    np.setdiff1d(comp.region_nodes[comp.task_region[t]], comp.country_flow_nodes[c])
                ],
            ).any()
            for t in comp.country_tasks[c]
        )
    return out


def one_engine(net: cablesim.Network) -> None:
    """The one-engine figures (issue 16): each against the former way, in this run."""
    print("\none engine (issue 16)")
    comp = _engine.compile_network(net, "landmass", tuple(DEFAULT_CORE))
    _engine.baseline(comp)
    segs = net.segments
    failed = set(segs.loc[segs["cable_id"] == "seamewe-5", "segment_id"])
    cap = _engine.edge_capacity_after(comp, failed, {})
    tasks = np.flatnonzero(_engine.dirty_tasks(comp, cap))
    ev = _batch.Evaluator(net, core=DEFAULT_CORE, measure="capacity")
    edges = ev.edges_of(failed)
    solver = _engine.FlowSolver(comp, cap)
    for t in tasks:  # the same values, and the graphs cached as a run leaves them
        assert solver.task_flow(int(t))[0] == _rebuilt_solve(comp, cap, int(t))
        assert ev.solve(int(t), edges)[0] == solver.task_flow(int(t))[0]
    k = len(tasks)
    t_old = _best(lambda: [_rebuilt_solve(comp, cap, int(t)) for t in tasks]) / k
    t_sim = _best(lambda: [solver.task_flow(int(t)) for t in tasks]) / k
    t_ev = _best(lambda: [ev.solve(int(t), edges) for t in tasks]) / k
    print(
        f"  one solve after SeaMeWe-5 fails (mean of {k} touched tasks): simulate "
        f"(FlowSolver) {1e6 * t_sim:.0f} us, batch evaluator {1e6 * t_ev:.0f} us; graph built "
        f"afresh (before) {1e6 * t_old:.0f} us: {t_old / t_sim:.2f}x"
    )
    none = np.array([], dtype=np.int64)
    t_first = (
        _best(
            lambda: [
                _engine.TaskGraph(comp, int(t), _engine.pair_capacity(comp, cap, int(t))).solve(
                    none, np.array([])
                )
                for t in tasks
            ]
        )
        / k
    )
    print(
        f"  a first solve on a new compiled network (a closure's split one): graph built and "
        f"solved {1e6 * t_first:.0f} us; before {1e6 * t_old:.0f} us: {t_old / t_first:.2f}x"
    )
    graph_bytes = sum(
        sum(a.nbytes for a in vars(g).values() if isinstance(a, np.ndarray))
        for g in comp._graphs.values()
    )
    print(
        f"  cached task graphs: {len(comp._graphs)} of {len(comp.task_country)} tasks, "
        f"{graph_bytes / 2**20:.1f} MiB"
    )

    assert dict(zip(comp.countries, _engine.reach(comp, cap).tolist(), strict=True)) == (
        _per_country_reach(comp, cap)
    )
    t_new = _best(lambda: _engine.reach(comp, cap), 20)
    t_old = _best(lambda: _per_country_reach(comp, cap), 5)
    print(
        f"  reachability of all {len(comp.countries)} countries: {1e3 * t_new:.2f} ms; "
        f"per country and task (before) {1e3 * t_old:.1f} ms: {t_old / t_new:.0f}x"
    )

    sc = cablesim.load_scenario(cablesim.find_scenario("suez-closure"))
    snet = cablesim.load_network(sc.as_of)
    fails = cablesim.apply_events(snet, sc.events)
    core = tuple(sc.core)
    after = after_state(snet, fails, Options(core=core))  # the split cached, as after a first run
    assert after.split is not None
    t_once = _best(lambda: after_state(snet, fails, Options(core=core)))
    t_places = _best(lambda: metrics.cut_off_places(snet, fails, core=core, after=after))
    t_places_own = _best(lambda: metrics.cut_off_places(snet, fails, core=core))
    print(
        f"  suez-closure after-state (split backhaul compiled, reachability): "
        f"{1e3 * t_once:.1f} ms, built once a run (before: twice, {2e3 * t_once:.1f} ms)"
    )
    print(
        f"  cut_off_places given the run's after-state {1e3 * t_places:.2f} ms; building its "
        f"own (before) {1e3 * t_places_own:.1f} ms: {t_places_own / t_places:.0f}x"
    )
    t_view = _best(lambda: FlowView.of(snet, after.comp, after.comp_after, after.cap_after), 3)
    t_view_own = _best(lambda: FlowView.build(snet, fails, core=core), 3)
    print(
        f"  explain's flow view from the run's after-state {1e3 * t_view:.1f} ms; "
        f"splitting the backhaul again (before) {1e3 * t_view_own:.0f} ms: "
        f"{t_view_own / t_view:.0f}x"
    )
    t_run = _best(lambda: cablesim.simulate(sc, network=snet), 3)
    print(f"  simulate suez-closure warm (mostly the traffic model): {1e3 * t_run:.0f} ms")


if __name__ == "__main__":
    main()
