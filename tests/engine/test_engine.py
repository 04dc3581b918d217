"""The fast engine equals the plain approach (networkx maximum flow, from scratch) on real data.

The oracle runs on ``regional`` (tests/conftest.py): a third of the world network, its
European core, every kind of element (branching units, land links, split backhaul), at a
third of the cost; the world network itself is checked by the stored-output and
real-world tests.
"""

from __future__ import annotations

import numpy as np
import pytest

import cablesim
from cablesim.analyses import risk
from cablesim.engine import batch as _batch
from cablesim.engine import flows as _engine
from cablesim.engine import metrics
from cablesim.engine.reference import plain_flows, plain_reach
from cablesim.engine.state import Options, after_state
from cablesim.scenario.failures import Failures

CORE = ("GBR", "DEU", "FRA", "NLD")
"""The core of ``regional``: the European hubs of the default core."""


@pytest.fixture(scope="module")
def ev(regional):
    return _batch.Evaluator(regional, core=CORE, measure="capacity")


def test_capacities_are_whole_gbps(world):
    """Why exact equality is expected: the engine rounds up to whole Gbit/s, a no-op on this data."""
    caps = (
        np.r_[
            world.segments["capacity_tbps"].to_numpy(float),
            world.terrestrial_links["capacity_tbps"].to_numpy(float),
        ]
        * 1000
    )
    assert np.allclose(caps, np.round(caps))


@pytest.mark.slow
@pytest.mark.parametrize(
    "cable",
    [
        "equiano",  # Saint Helena's only cable
        "2africa",
        "imewe",
        "west-africa-cable-system-wacs",
        "eastern-africa-submarine-system-eassy",
    ],
)
def test_engine_equals_networkx(regional, ev, cable):
    segs = regional.segments
    failed = set(segs.loc[segs["cable_id"] == cable, "segment_id"])
    vals, _ = ev.evaluate([ev.edges_of(failed)])
    engine = dict(zip(ev.countries, vals[0], strict=True))
    flows = _engine.flows_after(ev.comp, ev.capacity_after(ev.edges_of(failed)))
    # the countries the failure touches, and a spread of the others
    changed = [c for c in ev.countries if abs(engine[c] - ev.baseline[ev.country_index[c]]) > 1e-9]
    sample = sorted(set(changed) | set(ev.countries[::29]) | {"FRA", "SHN", "EGY"})
    plain = plain_flows(regional, failed, core=CORE, countries=sample)
    for c in sample:
        assert engine[c] == pytest.approx(plain[c], abs=1e-6), c
        assert flows[c] == pytest.approx(engine[c], abs=1e-9), c


@pytest.mark.slow
def test_engine_equals_networkx_any_routing(regional):
    ev_any = _batch.Evaluator(regional, core=CORE, routing="any", measure="capacity")
    segs = regional.segments
    failed = set(segs.loc[segs["cable_id"] == "imewe", "segment_id"])
    vals, _ = ev_any.evaluate([ev_any.edges_of(failed)])
    sample = ["EGY", "IND", "LKA", "SHN", "PAK", "ZAF"]
    plain = plain_flows(regional, failed, core=CORE, routing="any", countries=sample)
    for c in sample:
        assert vals[0][ev_any.country_index[c]] == pytest.approx(plain[c], abs=1e-6), c


@pytest.mark.slow
def test_fast_paths_equal_the_engine_on_random_sets(regional, ev):
    """Both evaluation paths (sweep: direct; Monte Carlo: subset reuse) equal flows_after and
    reachable on random multi-segment failures, shared pairs included."""
    rng = np.random.default_rng(4)
    n_seg = len(regional.segments)
    segs = regional.segments["segment_id"].to_numpy()
    # sets from 1 to 25 segments, plus sets forced to hold two edges on one flow pair
    pairs = ev.comp.pair_of_edge[:n_seg]
    uniq, counts = np.unique(pairs[pairs >= 0], return_counts=True)
    multi = uniq[counts > 1]
    configs = [
        ev.edges_of(rng.choice(segs, size=int(rng.integers(1, 26)), replace=False))
        for _ in range(25)
    ]
    for p in multi[:5]:
        configs.append(np.flatnonzero(pairs == p)[:2])
    assert any(ev.shares_pair(c) for c in configs)
    vals, reach = ev.evaluate(configs, reach="all")
    for k, cfg in enumerate(configs):
        cap = ev.capacity_after(cfg)
        ref = _engine.flows_after(ev.comp, cap)
        ref_reach = _engine.reachable(ev.comp, cap)
        prep = ev.prepare(cfg)
        for i, c in enumerate(ev.countries):
            assert vals[k, i] == pytest.approx(ref[c], abs=1e-9), (k, c)
            assert reach[k, i] == ref_reach[c], (k, c)
            if i % 7 == 0:
                assert ev.country_value(i, prep) == pytest.approx(ref[c], abs=1e-9), (k, c)


def test_one_solve_path(regional, ev):
    """simulate's FlowSolver and the batch evaluator solve on the same cached task graphs, and
    rewriting the changed pairs on them equals a graph built afresh for the new capacities."""
    comp = ev.comp
    rng = np.random.default_rng(2)
    segs = regional.segments["segment_id"].to_numpy()
    failed = set(rng.choice(segs, size=40, replace=False))
    degraded = dict.fromkeys(rng.choice(regional.cables["cable_id"].to_numpy(), size=6), 0.37)
    cap = _engine.edge_capacity_after(comp, failed, degraded)
    solver = _engine.FlowSolver(comp, cap)
    edges = ev.edges_of(failed)
    failed_only = _engine.FlowSolver(comp, ev.capacity_after(edges))
    grown = _engine.FlowSolver(comp, comp.edge_cap * 1.5)  # above the compiled capacities
    none = np.array([], dtype=np.int64)
    for t in range(0, ev.n_tasks, 9):
        assert ev._graph(t) is _engine.task_graph(comp, t)
        for s, c in ((solver, cap), (grown, comp.edge_cap * 1.5)):
            fresh = _engine.TaskGraph(comp, t, _engine.pair_capacity(comp, c, t), big=2**31 - 1)
            value, flow = s.task_flow(t, with_edges=True)
            v0, f0 = fresh.solve(none, np.array([]), with_flow=True)
            assert value == v0, t
            assert np.array_equal(flow, f0), t
        value, flow = ev.solve(t, edges, with_flow=True)
        v1, f1 = failed_only.task_flow(t, with_edges=True)
        assert value == v1, t
        assert np.array_equal(flow, f1), t


def test_a_task_graph_without_arcs(branchy):
    """A task whose corridor holds no capacity solves to 0, whatever changes."""
    comp = _engine.compile_network(branchy, "landmass", ("CCC",))
    n_pairs = len(comp.pair_u)
    g = _engine.TaskGraph(comp, 0, np.zeros(n_pairs))
    pairs = np.arange(n_pairs)
    assert g.capacity(pairs).tolist() == [0.0] * n_pairs
    assert g.solve(pairs, np.ones(n_pairs), with_flow=True)[0] == 0.0
    full = _engine.task_graph(comp, 0)
    assert full.capacity(pairs).tolist() == _engine.pair_capacity(comp, comp.edge_cap, 0).tolist()


def test_reach_equals_networkx(regional, ev):
    """The one reachability test (metrics and the batch evaluator) against networkx components."""
    segs = regional.segments
    rng = np.random.default_rng(6)
    cases = [
        set(segs.loc[segs["cable_id"] == "equiano", "segment_id"]),
        set(rng.choice(segs["segment_id"].to_numpy(), size=100, replace=False)),
    ]
    for k, failed in enumerate(cases):
        cap = ev.capacity_after(ev.edges_of(failed))
        got = dict(zip(ev.countries, ev.reach(ev.comp, cap).tolist(), strict=True))
        assert got == _engine.reachable(ev.comp, cap)
        assert got == plain_reach(regional, failed, core=CORE)
        if k == 0:
            assert not got["SHN"]
            assert got["FRA"]


@pytest.mark.slow
def test_monte_carlo_instants_equal_simulate(regional, ev):
    """The batch evaluator's two paths (sweep: direct; Monte Carlo: subset reuse) give what
    :func:`cablesim.engine.metrics.country_metrics` reports for the same failure sets."""
    fw = risk.fault_weights(regional)
    p = fw["weight"].to_numpy() / fw["weight"].sum()
    rng = np.random.default_rng(12)
    for _ in range(3):
        failed = set(rng.choice(fw["segment_id"].to_numpy(), size=15, replace=False, p=p))
        cfg = ev.edges_of(failed)
        vals, reach = ev.evaluate([cfg], reach="all")
        prep = ev.prepare(cfg)
        table = metrics.country_metrics(
            regional, Failures(segments=frozenset(failed)), core=CORE, measure="capacity"
        ).set_index("iso3")
        for i, c in enumerate(ev.countries):
            assert table.at[c, "remaining_tbps"] == pytest.approx(vals[0, i], abs=6e-4), c
            assert table.at[c, "isolated"] == (not reach[0, i]), c
            if i % 5 == 0:
                assert ev.country_value(i, prep) == pytest.approx(vals[0, i], abs=1e-9), c


def test_loss_upper_bound_is_an_upper_bound(regional, ev):
    rng = np.random.default_rng(8)
    segs = regional.segments["segment_id"].to_numpy()
    configs = [ev.edges_of(rng.choice(segs, size=12, replace=False)) for _ in range(15)]
    ub = ev.loss_upper_bounds(configs)
    vals, _ = ev.evaluate(configs)
    b = ev.baseline
    loss = np.where(b > 0, 100 * (1 - vals / np.where(b > 0, b, 1)), 0)
    assert (ub >= loss - 1e-6).all()


@pytest.mark.slow
@pytest.mark.parametrize("chokepoint", ["suez", "english-channel"])
def test_engine_equals_networkx_on_closures(regional, chokepoint):
    """Closed areas split backhaul (Egypt's two coasts): the oracle models it independently."""
    net = regional
    doc = {
        "name": chokepoint,
        "events": [{"chokepoint": chokepoint}],
        "options": {"core": list(CORE)},
    }
    sc = cablesim.load_scenario(doc, network=net)
    res = cablesim.simulate(sc, network=net)
    fails = cablesim.apply_events(net, sc.events)
    assert fails.closed_areas, "the scenario closes an area"
    table = res.countries.set_index("iso3")
    changed = table.index[table["remaining_tbps"] < table["baseline_tbps"] - 1e-9]
    sample = sorted(set(changed[::3]) | set(table.index[::37]) | {"EGY", "FRA", "GBR"})
    sample = [c for c in sample if c in table.index]
    plain = plain_flows(
        net,
        set(fails.segments) | set(fails.links),
        core=sc.core,
        countries=sample,
        closed=fails.closed_areas,
    )
    for c in sample:
        assert table.at[c, "remaining_tbps"] == pytest.approx(plain[c], abs=6e-4), c  # 3 decimals
    after = after_state(net, fails, Options(core=sc.core))
    assert after.split is not None, "the closure splits a land mass"
    reach = plain_reach(
        net, set(fails.segments) | set(fails.links), core=sc.core, closed=fails.closed_areas
    )
    assert dict(zip(after.comp.countries, after.reach.tolist(), strict=True)) == reach
    if chokepoint == "suez":
        whole = plain_flows(net, set(fails.segments), core=sc.core, countries=sample)
        differ = [c for c in sample if abs(whole[c] - plain[c]) > 1e-6]
        assert len(differ) >= 3, "splitting Egypt's backhaul must matter to the oracle too"
