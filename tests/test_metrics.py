"""Per-country metrics (cablesim.engine.metrics): capacity to the core, isolation, latency, on known answers."""

from __future__ import annotations

import pytest

import cablesim
from cablesim.engine import metrics
from cablesim.engine.state import Options, after_state
from cablesim.scenario.failures import apply_events


def _metrics(net, events, core=("CCC",)):
    f = apply_events(net, [cablesim.Event(k, p, "e") for k, p in events])
    return metrics.country_metrics(net, f, core=core).set_index("iso3")


def test_branch_loses_its_only_route(branchy):
    m = _metrics(branchy, [("cable", {"id": "x"})])
    assert m.at["BBB", "baseline_tbps"] == pytest.approx(10.0)
    assert m.at["BBB", "remaining_tbps"] == 0.0
    assert bool(m.at["BBB", "isolated"])
    assert m.at["BBB", "status"] == "isolated"


def test_two_cables_one_left(branchy):
    m = _metrics(branchy, [("cable", {"id": "x"})])
    assert m.at["AAA", "baseline_tbps"] == pytest.approx(15.0)  # 10 on X + 5 on Y
    assert m.at["AAA", "remaining_tbps"] == pytest.approx(5.0)
    assert not bool(m.at["AAA", "isolated"])
    assert m.at["AAA", "latency_change_ms"] == pytest.approx(0.0, abs=0.01)


def test_nothing_failed_nothing_lost(branchy):
    m = _metrics(branchy, [("degrade", {"cable": "y", "fraction": 0.0})])
    assert (m["remaining_tbps"] == m["baseline_tbps"]).all()


def test_status_thresholds_are_ordered():
    assert 0 < metrics.DEGRADED_PCT < metrics.SEVERE_PCT < 100


def _split_net(make_network):
    # A: a1 and a2 on one land mass, a strait between them; only a1 has a cable to the core C
    return make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "a2": ("AAA", 0.0, 4.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
            "d1": ("DDD", 6.0, 0.0, 0),
        },
        cables={"x": (10.0, [("a1", "c1")]), "y": (5.0, [("d1", "c1")])},
        chokepoints={"strait": [(-1.0, 1.9), (1.0, 1.9), (1.0, 2.1), (-1.0, 2.1)]},
    )


def test_a_closure_builds_its_after_state_once(make_network, run, monkeypatch):
    """simulate compiles the split backhaul once and shares it between both measurements."""
    from cablesim.engine import flows

    net = _split_net(make_network)
    compiled = []
    real = flows.compile_network

    def counting(*args, **kwargs):
        if kwargs.get("backhaul_edges") is not None:
            compiled.append(kwargs["backhaul_edges"])
        return real(*args, **kwargs)

    monkeypatch.setattr(flows, "compile_network", counting)
    r = run(net, [{"chokepoint": "strait"}], core=["CCC"])
    assert len(compiled) == 1
    assert r.country("AAA")["status"] == "unaffected"  # a1 keeps its cable
    assert r.cut_off_places["landing_point_ids"].tolist() == [["a2"]]  # a2 lost its backhaul


def test_after_state_is_shared_and_checked(make_network):
    net = _split_net(make_network)
    f = apply_events(net, [cablesim.Event("chokepoint", {"id": "strait"}, "e")])
    after = after_state(net, f, Options(core=("CCC",)))
    assert after.split is not None
    assert after.comp_after is not after.comp
    assert dict(zip(after.comp.countries, after.reach.tolist(), strict=True)) == {
        "AAA": True,
        "CCC": False,  # the only core country: no other core node to reach
        "DDD": True,
    }
    shared = metrics.country_metrics(net, f, core=("CCC",), after=after)
    assert shared.equals(metrics.country_metrics(net, f, core=("CCC",)))
    places = metrics.cut_off_places(net, f, core=("CCC",), after=after)
    assert places.equals(metrics.cut_off_places(net, f, core=("CCC",)))
    assert places["landing_point_ids"].tolist() == [["a2"]]
    other = apply_events(net, [cablesim.Event("cable", {"id": "x"}, "e")])
    with pytest.raises(ValueError, match="another network, failures or settings"):
        metrics.country_metrics(net, other, core=("CCC",), after=after)
    with pytest.raises(ValueError, match="another network"):
        metrics.cut_off_places(net, f, core=("DDD",), after=after)
