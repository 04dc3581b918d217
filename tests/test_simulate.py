"""Flows, statuses and cuts on tiny hand-built networks whose answers are known by construction."""

from __future__ import annotations

import copy

import pytest

import cablesim
from cablesim.engine import metrics
from cablesim.engine import traffic as _traffic


def test_baseline_flows_are_the_max_flow(branchy, run):
    r = run(branchy, [{"cable": {"id": "y", "label": "noop"}}], core=["CCC"])
    base = r.countries.set_index("iso3")["baseline_tbps"]
    assert base["AAA"] == pytest.approx(15.0)
    assert base["BBB"] == pytest.approx(10.0)


def test_cut_only_the_cut_segments_side_feels_it(branchy, run):
    # the branch to B fails: B is cut off, A keeps everything
    r = run(
        branchy, [{"cut": {"cables": ["x"], "near": [-1.5, 2.0], "radius_km": 30}}], core=["CCC"]
    )
    c = r.countries.set_index("iso3")
    assert r.failed_segments["segment_id"].tolist() == ["x#3"]
    assert c.at["BBB", "status"] == "isolated"
    assert c.at["AAA", "status"] == "unaffected"
    assert c.at["AAA", "remaining_tbps"] == pytest.approx(15.0)
    assert c.at["AAA", "international_tbps"] == pytest.approx(15.0)


def test_trunk_cut_shares_the_survivor(branchy, run):
    # the trunk bu--c1 fails: B still reaches the core through a1 and cable Y (5 of its 10)
    # the capacity view (measure: capacity); the traffic headline is in test_traffic.py
    r = run(
        branchy,
        [{"cut": {"cables": ["x"], "near": [0.0, 3.0], "radius_km": 30}}],
        core=["CCC"],
        measure="capacity",
    )
    c = r.countries.set_index("iso3")
    assert c.at["BBB", "remaining_tbps"] == pytest.approx(5.0)
    assert c.at["BBB", "loss_pct"] == pytest.approx(50.0)
    assert c.at["BBB", "status"] == "severe"
    assert c.at["AAA", "remaining_tbps"] == pytest.approx(5.0)
    assert c.at["AAA", "status"] == "severe"
    # first-hop view: B's cable X still joins it to A, so B keeps 10 Tbps of international capacity
    assert c.at["BBB", "international_tbps"] == pytest.approx(10.0)
    # the route to the core got longer for B
    assert c.at["BBB", "latency_ms"] > c.at["BBB", "latency_ms_baseline"]


def test_degrade_and_status_thresholds(branchy, run):
    r = run(
        branchy, [{"degrade": {"cable": "y", "fraction": 0.4}}], core=["CCC"], measure="capacity"
    )
    c = r.countries.set_index("iso3")
    assert c.at["AAA", "remaining_tbps"] == pytest.approx(13.0)
    assert c.at["AAA", "status"] == "degraded"  # 13.3% loss of capacity
    # in traffic, A keeps the circuits on 13.35 of its 15 Tbps, room enough for its busy
    # hour: the protected share of the broken ones moves there, the rest waits for
    # rerouting; 11% of the capacity lost, under 10% of the traffic (a protected share
    # of at least 0.1)
    t = run(branchy, [{"degrade": {"cable": "y", "fraction": 0.33}}], core=["CCC"])
    a = t.country("AAA")
    assert a["capacity_loss_pct"] == pytest.approx(11.0, abs=0.01)
    assert a["loss_pct"] == pytest.approx((1 - _traffic.PROTECTED) * 11.0, abs=0.05)
    assert _traffic.PROTECTED >= 0.1
    assert a["status"] == "unaffected"  # under 10%
    assert a["loss_pct_rerouted"] == 0.0
    assert metrics.status_of(9.99, False) == "unaffected"
    assert metrics.status_of(10.0, False) == "degraded"
    assert metrics.status_of(50.0, False) == "severe"
    assert metrics.status_of(0.0, True) == "isolated"


def test_landing_point_loss_breaks_the_trunk_through_it(make_network, run):
    # a1 -- m1 -- c1: losing the station m1 in the middle cuts A off
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "m1": ("MMM", 2.0, 0.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
        },
        cables={"x": (10.0, [("a1", "m1"), ("m1", "c1")])},
    )
    r = run(net, [{"landing_point": "m1"}], core=["CCC"])
    c = r.countries.set_index("iso3")
    assert c.at["AAA", "status"] == "isolated"
    assert c.at["MMM", "status"] == "isolated"
    assert set(r.failed_segments["segment_id"]) == {"x#1", "x#2"}


def test_transit_dependency_through_a_neighbour(make_network, run):
    # landlocked L has one land link to coastal A; A's only cable goes to the core
    net = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")])},
        links=[("LLL", "AAA", 1.0)],
        hubs={("LLL", 0): (-3.0, 0.0)},
    )
    base = run(
        net, [{"degrade": {"cable": "x", "fraction": 0.5}}], core=["CCC"]
    ).countries.set_index("iso3")
    assert base.at["LLL", "baseline_tbps"] == pytest.approx(1.0)
    # 5 Tbps left still carry L's 1 Tbps once rerouted; in the first days L loses part of
    # its traffic on A's broken circuits, less than A does (A's carriers restore a share
    # of L's beyond the land link)
    assert base.at["LLL", "loss_pct_rerouted"] == 0.0
    assert 0 < base.at["LLL", "loss_pct"] < base.at["AAA", "loss_pct"]
    r = run(net, [{"cable": "x"}], core=["CCC"]).countries.set_index("iso3")
    assert r.at["LLL", "status"] == "isolated"
    assert r.at["AAA", "status"] == "isolated"
    # first-hop view of L: its land link still reaches A, so its international capacity stays
    assert r.at["LLL", "international_tbps"] == pytest.approx(1.0)
    # losing the country A (stations and land links) isolates L as well
    r2 = run(net, [{"country": "AAA"}], core=["CCC"]).countries.set_index("iso3")
    assert r2.at["LLL", "status"] == "isolated"
    assert r2.at["LLL", "international_tbps"] == 0


@pytest.mark.parametrize(("kind", "expected"), [("border", 0.0), ("sourced", 1.0)])
def test_assumed_border_links_carry_only_their_own_countries(make_network, run, kind, expected):
    # landlocked X -- Y -- coastal Z (cable to the core C). X-Y is an assumed border link;
    # Y-Z is assumed or sourced. X's traffic may cross Y on to Z only over a sourced link:
    # an assumed link stands for the neighbours' own connection, not a transit corridor.
    net = make_network(
        stations={"z1": ("ZZZ", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={"x": (10.0, [("z1", "c1")])},
        links=[("XXX", "YYY", 1.0), ("YYY", "ZZZ", 2.0, kind)],
        hubs={("XXX", 0): (-6.0, 0.0), ("YYY", 0): (-3.0, 0.0)},
    )
    c = run(net, [{"degrade": {"cable": "x", "fraction": 0.5}}], core=["CCC"]).countries
    c = c.set_index("iso3")
    assert c.at["YYY", "baseline_tbps"] == pytest.approx(2.0)  # its own link to Z
    assert c.at["XXX", "baseline_tbps"] == pytest.approx(expected)
    assert not c.at["XXX", "isolated"]  # a route exists; it is the capacity that does not count


@pytest.mark.parametrize(
    ("backhaul", "expected"),
    [("landmass", 4.0), ("country", 5.0), ("none", 0.0)],
)
def test_backhaul_modes(make_network, backhaul, expected, run):
    # E reaches the core only through D's station d2. D: d1, d2 on the mainland, d3 on an island.
    # d1--c1 carries 4, d3--c1 carries 6, e1--d2 carries 5.
    net = make_network(
        stations={
            "d1": ("DDD", 0.0, 0.0, 0),
            "d2": ("DDD", 0.5, 0.5, 0),
            "d3": ("DDD", 1.0, 3.0, 1),
            "c1": ("CCC", 4.0, 0.0, 0),
            "e1": ("EEE", -2.0, 0.5, 0),
        },
        cables={"p": (4.0, [("d1", "c1")]), "q": (6.0, [("d3", "c1")]), "r": (5.0, [("e1", "d2")])},
    )
    r = run(net, [{"degrade": {"cable": "q", "fraction": 0.1}}], core=["CCC"], backhaul=backhaul)
    c = r.countries.set_index("iso3")
    assert c.at["EEE", "baseline_tbps"] == pytest.approx(expected)
    # D itself reaches the core with everything it has in every mode: its nodes are all sources
    assert c.at["DDD", "baseline_tbps"] == pytest.approx(10.0)


def test_simulate_never_mutates_the_network(branchy, run):
    before = {
        k: copy.deepcopy(getattr(branchy, k)) for k in ("segments", "cables", "landing_points")
    }
    run(branchy, [{"cable": "x"}, {"degrade": {"cable": "y", "fraction": 0.5}}], core=["CCC"])
    for k, df in before.items():
        assert getattr(branchy, k).equals(df), k


def test_incremental_equals_full_recompute(branchy):
    sc = cablesim.load_scenario(
        {
            "name": "t",
            "events": [{"cut": {"cables": ["x"], "near": [0.0, 3.0]}}],
            "options": {"core": ["CCC"]},
        },
        network=branchy,
    )
    a = cablesim.simulate(sc, network=branchy).countries
    b = cablesim.simulate(sc, network=branchy, incremental=False).countries
    assert a.equals(b)


def test_chokepoint_fails_every_segment_crossing(strait_net, run):
    net = strait_net
    r = run(net, [{"chokepoint": "strait"}], core=["CCC"])
    assert r.failed_segments["segment_id"].tolist() == ["x#1"]
    c = r.countries.set_index("iso3")
    assert c.at["AAA", "remaining_tbps"] == pytest.approx(3.0)


def _island_net(make_network):
    # A: mainland a1, a2 and an island a3 (land mass 1) joined to a2 by cable "isl";
    # the core country C has an island c2 joined to its mainland c1 by cable "cisl"
    return make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "a2": ("AAA", 0.5, 0.5, 0),
            "a3": ("AAA", 1.0, -2.0, 1),
            "c1": ("CCC", 4.0, 0.0, 0),
            "c2": ("CCC", 5.0, 3.0, 1),
            "d1": ("DDD", 6.0, 0.0, 0),
        },
        cables={
            "x": (10.0, [("a1", "c1")]),
            "isl": (2.0, [("a2", "a3")]),
            "cisl": (3.0, [("c1", "c2")]),
            "y": (5.0, [("d1", "c1")]),
        },
    )


def test_an_island_cut_off_inside_a_connected_country(make_network, run):
    net = _island_net(make_network)
    r = run(net, [{"cable": "isl"}], core=["CCC"])
    assert r.country("AAA")["status"] == "unaffected"  # the mainland keeps its route
    places = r.cut_off_places
    assert places["iso3"].tolist() == ["AAA"]
    assert places.iloc[0]["landing_point_ids"] == ["a3"]
    assert places.iloc[0]["stations"] == ["a3"]  # the name without ", Country AAA"
    assert r.summary()["places_cut_off"] == 1
    assert r.to_dict()["cut_off_places"][0]["iso3"] == "AAA"
    # an island of a core country that reaches no other core node is cut off too
    r2 = run(net, [{"cable": "cisl"}], core=["CCC", "DDD"])
    assert r2.country("CCC")["status"] == "unaffected"
    assert r2.cut_off_places["landing_point_ids"].tolist() == [["c2"]]
    # the same cables intact: nothing cut off; a whole country cut off is not a "place"
    assert run(
        net, [{"degrade": {"cable": "y", "fraction": 0.5}}], core=["CCC"]
    ).cut_off_places.empty
    r3 = run(net, [{"cable": "x"}], core=["CCC"])
    assert r3.country("AAA")["status"] == "isolated"
    assert r3.cut_off_places.empty
    # a lost station is gone, not cut off
    assert run(net, [{"landing_point": "a3"}], core=["CCC"]).cut_off_places.empty


def test_cut_off_places_in_reports(make_network, run):
    from cablesim import report

    r = run(_island_net(make_network), [{"cable": "isl"}], core=["CCC"])
    assert "Cut off inside connected countries: a3 (Country AAA)." in report.summary_paragraph(r)
    md = report.to_markdown(r)
    assert "## Places cut off inside connected countries" in md
    assert "| AAA | Country AAA | 1 | a3 |" in md
