"""Traffic served: demand competing for what survives (cablesim.engine.traffic, cablesim.engine.demand)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import cablesim
from cablesim._geo import haversine_km
from cablesim._memo import Memo
from cablesim.engine import demand as _demand
from cablesim.engine import flows as _engine
from cablesim.engine import state as _state
from cablesim.engine import traffic as _traffic
from cablesim.exceptions import ScenarioError
from cablesim.network import Network


def _rows(r):
    return r.countries.set_index("iso3")


def _compiled(net):
    """The tiny network compiled toward the core C, and its traffic model."""
    comp = _engine.compile_network(net, "landmass", ("CCC",))
    return comp, _traffic.model(comp)


def _starts_on(comp, r, cable: str) -> np.ndarray:
    """Per route of ``r``: ``cable`` is one of the systems of its first pair."""
    first = r.idx[r.ptr[:-1]] // 2
    return np.array([cable in comp.edge_cable[comp.pair_of_edge == p] for p in first], dtype=bool)


def test_two_countries_sharing_one_surviving_trunk_split_it_fairly(make_network, run):
    # A and B each have a private cable to the core C and share a thin trunk through a
    # branching unit; both private cables fail, so the trunk is all they have left
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", 0.0, 2.0, 0),
            "c1": ("CCC", 5.0, 1.0, 0),
        },
        branching_units={"bu:t:1": (2.0, 1.0)},
        cables={
            "pa": (10.0, [("a1", "c1")]),
            "pb": (10.0, [("b1", "c1")]),
            "t": (1.0, [("a1", "bu:t:1"), ("b1", "bu:t:1"), ("bu:t:1", "c1")]),
        },
    )
    r = run(net, [{"cable": "pa"}, {"cable": "pb"}], core=["CCC"])
    c = _rows(r)
    for col in ("loss_pct_immediate", "loss_pct_rerouted"):
        assert c.at["AAA", col] > 0
        assert c.at["AAA", col] == pytest.approx(c.at["BBB", col], abs=0.05)
    # the rerouted flow fills the trunk: together they are served exactly its capacity
    comp, m = _compiled(net)
    served = _traffic.served_after(m, _engine.edge_capacity_after(comp, {"pa#1", "pb#1"}, {}))[
        "rerouted"
    ]
    assert served.sum() == pytest.approx(1.0, rel=1e-6)


def test_fair_share_matches_a_hand_solution():
    # one link of capacity 1 shared by demands 1 and 3: max-min fair in share of demand
    # gives both 25% (0.25 and 0.75); a second link lets the first get more only if free
    import scipy.sparse as sp

    routes = _traffic.Routes(
        task=np.array([0, 1]),
        width=np.array([1.0, 1.0]),
        idx=np.array([0, 0]),
        ptr=np.array([0, 1, 2]),
        M=sp.csr_matrix(np.array([[1.0, 1.0], [0.0, 0.0]])),
    )
    served = _traffic.fair_share(routes, np.array([1.0, 0.0]), np.array([1.0, 3.0]))
    assert served == pytest.approx([0.25, 0.75], abs=1e-6)
    # task 0 also has a private link of capacity 0.5: it takes it, task 1 takes the rest
    routes2 = _traffic.Routes(
        task=np.array([0, 1, 0]),
        width=np.array([1.0, 1.0, 1.0]),
        idx=np.array([0, 0, 2]),
        ptr=np.array([0, 1, 2, 3]),
        M=sp.csr_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]])),
    )
    served = _traffic.fair_share(routes2, np.array([1.0, 0.0, 0.5]), np.array([1.0, 3.0]))
    # task 1 fills the shared link at 1/3 of its demand; task 0 then goes on alone on its
    # private link to 0.5
    assert served == pytest.approx([0.5, 1.0], abs=1e-6)


def test_landlocked_country_loses_like_its_coastal_neighbour(make_network, run):
    net = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")]), "y": (10.0, [("a1", "c1")])},
        links=[("LLL", "AAA", 10.0, "sourced")],
        hubs={("LLL", 0): (-3.0, 0.0)},
    )
    r = run(net, [{"cable": "x"}, {"degrade": {"cable": "y", "fraction": 0.9}}], core=["CCC"])
    c = _rows(r)
    assert c.at["LLL", "loss_pct_rerouted"] > 10
    # the same surviving capacity, shared: the same share of demand lost after rerouting
    assert c.at["LLL", "loss_pct_rerouted"] == pytest.approx(
        c.at["AAA", "loss_pct_rerouted"], abs=0.1
    )
    # in the first days both lose: AAA its own circuits, LLL the transit it bought on them
    assert c.at["LLL", "loss_pct"] > 10
    assert c.at["AAA", "loss_pct"] > 10


def _first_days_loss(kept_share: float, protected: float = _traffic.PROTECTED) -> float:
    """The first-days rule by hand: percent lost by a country keeping ``kept_share`` of
    its circuits, the share ``protected`` of the rest moving onto them as far as they have
    room at the busy hour (cablesim.engine.traffic.first_days)."""
    room = kept_share / (_traffic.BUSY_HOUR * _demand.UTILIZATION) - kept_share
    served = kept_share + min(protected * (1 - kept_share), room)
    return 100 * (1 - min(1.0, served))


def test_unprotected_traffic_of_broken_circuits_waits_for_rerouting(make_network, run):
    # four equal cables: one cut leaves A three quarters of its circuits, room enough for
    # its busy-hour traffic (busy-hour factor times the mean utilization); the protected
    # share of the broken circuits' traffic moves there, the rest is lost in the first
    # days (its owners hold no other circuit) and back after rerouting
    net = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={
            "x": (10.0, [("a1", "c1")]),
            "y": (10.0, [("a1", "c1")]),
            "w": (10.0, [("a1", "c1")]),
            "v": (10.0, [("a1", "c1")]),
        },
    )
    assert _traffic.BUSY_HOUR * _demand.UTILIZATION <= 3 / 4
    r = run(net, [{"cable": "x"}], core=["CCC"])
    a = r.country("AAA")
    assert a["capacity_loss_pct"] == pytest.approx(25.0, abs=0.01)
    assert a["loss_pct"] == pytest.approx(25.0 * (1 - _traffic.PROTECTED), abs=0.05)
    assert a["loss_pct"] == pytest.approx(_first_days_loss(3 / 4), abs=0.05)
    assert a["loss_pct_rerouted"] == 0.0
    assert a["demand_tbps"] > 0
    # with every broken circuit's owner holding others (protected share 1), nothing is lost
    comp, m = _compiled(net)
    cap = comp.edge_cap.copy()
    cap[comp.edge_cable == "x"] = 0.0
    kept = _traffic.first_days_kept(m, cap, protected=1.0)
    assert kept.sum() == pytest.approx(0.75 * m.demand.sum())
    served = _traffic.first_days(m, kept, protected=1.0)
    assert served == pytest.approx(m.demand)
    assert _traffic.first_days(m, kept, protected=0.0) == pytest.approx(kept)
    # the capacity view keeps the old figure as its headline
    rc = run(net, [{"cable": "x"}], core=["CCC"], measure="capacity")
    assert rc.country("AAA")["loss_pct"] == pytest.approx(25.0, abs=0.01)
    assert rc.country("AAA")["status"] == "degraded"
    # three of four cut: the quarter left has less room at the busy hour than a protected
    # share of one half needs, so more than the unprotected half is lost
    cap[np.isin(comp.edge_cable, ["x", "y", "w"])] = 0.0
    served = _traffic.first_days(m, _traffic.first_days_kept(m, cap, protected=0.5), protected=0.5)
    loss = 100 * (1 - served.sum() / m.demand.sum())
    assert loss > 100 * 0.5 * 3 / 4
    assert loss == pytest.approx(_first_days_loss(1 / 4, protected=0.5), abs=0.05)
    # and a run at the fitted share follows the same rule
    a2 = run(net, [{"cable": "x"}, {"cable": "y"}, {"cable": "w"}], core=["CCC"]).country("AAA")
    assert a2["loss_pct"] == pytest.approx(_first_days_loss(1 / 4), abs=0.05)


def test_cut_on_an_idle_cable_changes_nothing(make_network, run):
    # z joins two of D's stations on one land mass (a domestic cable): no international
    # route rides it
    net = make_network(
        stations={
            "d1": ("DDD", 0.0, 0.0, 0),
            "d2": ("DDD", 0.0, 0.5, 0),
            "e1": ("EEE", 0.0, 1.0, 0),
            "c1": ("CCC", 4.0, 0.5, 0),
        },
        cables={
            "dc": (10.0, [("d1", "c1")]),
            "ec": (10.0, [("e1", "c1")]),
            "z": (10.0, [("d1", "d2")]),
        },
    )
    r = run(net, [{"cable": "z"}], core=["CCC"])
    c = _rows(r)
    assert (c[["loss_pct", "loss_pct_immediate", "loss_pct_rerouted"]] == 0).all().all()
    assert (c["served_tbps"] == c["demand_tbps"]).all()


def test_small_country_loses_at_once_and_recovers_after_rerouting(make_network, run):
    # X rides trunk t (X and Y on a branch each to the core C); its only other way out is a
    # small cable to Z, whose own cable reaches C: a change of cable at Z's station
    net = make_network(
        stations={
            "x1": ("XXX", 0.0, 0.0, 0),
            "y1": ("YYY", 0.0, 4.0, 0),
            "z1": ("ZZZ", 1.0, -2.0, 0),
            "c1": ("CCC", 6.0, 1.0, 0),
        },
        branching_units={"bu:t:1": (3.0, 1.0)},
        cables={
            "t": (20.0, [("x1", "bu:t:1"), ("y1", "bu:t:1"), ("bu:t:1", "c1")]),
            "xz": (5.0, [("x1", "z1")]),
            "zc": (20.0, [("z1", "c1")]),
        },
    )
    r = run(net, [{"cut": {"cables": ["t"], "near": [0.5, 1.5], "radius_km": 20}}], core=["CCC"])
    assert set(r.failed_segments["segment_id"]) == {"t#1"}
    x = r.country("XXX")
    # its circuits on t are lost; what rides xz-zc and its own protection stay
    assert x["loss_pct_immediate"] > 25
    assert x["loss_pct"] == x["loss_pct_immediate"]
    assert x["loss_pct_rerouted"] == 0.0
    assert not x["isolated"]


def test_circuit_across_a_cut_segment_is_lost_whatever_others_hold(make_network, run):
    # A rides trunk t (through a branching unit shared with B) and a thin cable s of its
    # own; B also has a wide cable w of its own, nearly idle. The trunk fails next to the
    # core: A's circuits on t are lost in the first days, and neither B's spare capacity on
    # w nor anybody else's restores them; A keeps s and its own protection
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", 0.0, 2.0, 0),
            "c1": ("CCC", 6.0, 1.0, 0),
        },
        branching_units={"bu:t:1": (3.0, 1.0)},
        cables={
            "t": (10.0, [("a1", "bu:t:1"), ("b1", "bu:t:1"), ("bu:t:1", "c1")]),
            "s": (0.1, [("a1", "c1")]),
            "w": (1000.0, [("b1", "c1")]),
        },
    )
    r = run(net, [{"cut": {"cables": ["t"], "near": [1.0, 4.5], "radius_km": 20}}], core=["CCC"])
    assert set(r.failed_segments["segment_id"]) == {"t#3"}
    comp, m = _compiled(net)
    t = comp.country_tasks["AAA"]
    on_s = m.x0[(np.isin(m.routes.task, t))]
    widths = m.routes.width[np.isin(m.routes.task, t)]
    kept = float(on_s[widths < 1].sum() / on_s.sum())  # the share riding s
    a = r.country("AAA")
    # protection restores onto what survives on its routes: s's 0.1 Tbit/s at most
    d = a["demand_tbps"]
    by_rule = 1 - _first_days_loss(kept) / 100
    expect = 100 * (1 - min(by_rule, kept + 0.1 / d))
    assert a["loss_pct"] == pytest.approx(expect, abs=0.1)
    assert a["loss_pct"] > 50
    # after rerouting A buys capacity on the surviving systems
    assert a["loss_pct_rerouted"] < a["loss_pct"]


def test_country_with_its_own_second_system_keeps_its_traffic(make_network, run):
    # A holds circuits on two systems x and y of its own (room for its busy hour on y
    # alone) and B only on x. When x fails, A's operators holding protection on y move
    # their traffic there (all of it when every owner holds some: protected share 1; the
    # fitted share otherwise); B has nothing left to move onto and loses all of it
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", 0.0, 2.0, 0),
            "c1": ("CCC", 6.0, 1.0, 0),
        },
        branching_units={"bu:x:1": (3.0, 1.0)},
        cables={
            "x": (10.0, [("a1", "bu:x:1"), ("b1", "bu:x:1"), ("bu:x:1", "c1")]),
            "y": (40.0, [("a1", "c1")]),
        },
    )
    comp, m = _compiled(net)
    cap = np.where(comp.edge_cable == "x", 0.0, comp.edge_cap)
    a, b = comp.country_tasks["AAA"], comp.country_tasks["BBB"]
    for share in (1.0, 0.5, 0.0):
        kept = _traffic.first_days_kept(m, cap, protected=share)
        served = _traffic.first_days(m, kept, protected=share)
        on_x = m.demand[a].sum() - kept[a].sum()
        assert on_x > 0
        assert served[a].sum() == pytest.approx(kept[a].sum() + share * on_x)
        assert served[b].sum() == 0.0
    r = run(net, [{"cable": "x"}], core=["CCC"])
    lost_on_x = 100 * on_x / m.demand[a].sum()
    assert r.country("AAA")["loss_pct"] == pytest.approx(
        (1 - _traffic.PROTECTED) * lost_on_x, abs=0.5
    )
    assert r.country("BBB")["loss_pct"] == pytest.approx(100.0)


def test_satellite_only_country_is_untouched_by_a_cut_elsewhere(make_network, run):
    # L has no cable and no sourced land link, and its one neighbour M has no cable
    # either (M reaches A's cables over a sourced land link): L ran on satellite, so A's
    # cables failing do not touch it in the first days, while M, on fibre through A, loses
    net = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")]), "y": (10.0, [("a1", "c1")])},
        links=[("LLL", "MMM", 10.0, "border"), ("MMM", "AAA", 10.0, "sourced")],
        hubs={("LLL", 0): (-2.0, 0.0), ("MMM", 0): (-1.0, 0.0)},
    )
    comp, m = _compiled(net)
    assert m.demand[comp.country_tasks["LLL"]].sum() > 0
    assert m.satellite[comp.country_tasks["LLL"]].all()
    assert not m.satellite[comp.country_tasks["AAA"]].any()
    assert not m.satellite[comp.country_tasks["MMM"]].any()
    r = run(net, [{"cable": "x"}, {"cable": "y"}], core=["CCC"])
    assert r.country("AAA")["loss_pct"] > 50
    assert r.country("LLL")["loss_pct"] == 0.0
    assert r.country("MMM")["loss_pct"] > 50
    # nor once traffic is rerouted: satellite is not in the competition for what survives
    assert r.country("LLL")["loss_pct_rerouted"] == 0.0


def test_rerouting_does_not_give_a_countrys_surviving_circuits_away(make_network, run):
    # A holds its circuits on x; B on y, and borders A. When y fails, B's traffic waits
    # in the first days; once emergency capacity is bought it takes what x has spare,
    # not A's own circuits (max-min fairness over all of x's capacity took two thirds of
    # A's traffic)
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", 0.0, 2.0, 0),
            "c1": ("CCC", 5.0, 1.0, 0),
        },
        cables={"x": (4.0, [("a1", "c1")]), "y": (20.0, [("b1", "c1")])},
        links=[("AAA", "BBB", 20.0, "border")],
    )
    r = run(net, [{"cable": "y"}], core=["CCC"])
    a, b = r.country("AAA"), r.country("BBB")
    assert a["loss_pct"] == a["loss_pct_rerouted"] == 0.0
    assert b["loss_pct"] == 100.0
    # B gets x's spare capacity: x minus A's traffic
    spare = 4.0 - a["demand_tbps"]
    assert b["served_tbps"] == 0.0
    assert b["loss_pct_rerouted"] == pytest.approx(100 * (1 - spare / b["demand_tbps"]), abs=0.1)


def test_country_without_a_cable_buys_transit_from_its_neighbour(make_network, run):
    # L (landlocked, no sourced link) borders A, whose two cables reach the core: its
    # traffic rides A's circuits, and a cut of A's cables hits L as it hits A; a cut of
    # a cable elsewhere (B's) does not
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", 0.0, 4.0, 0),
            "c1": ("CCC", 6.0, 1.0, 0),
        },
        cables={
            "x": (10.0, [("a1", "c1")]),
            "y": (10.0, [("a1", "c1")]),
            "z": (10.0, [("b1", "c1")]),
        },
        links=[("LLL", "AAA", 10.0, "border")],
        hubs={("LLL", 0): (-3.0, 0.0)},
    )
    comp, m = _compiled(net)
    assert not m.satellite[comp.country_tasks["LLL"]].any()
    assert m.demand[comp.country_tasks["LLL"]].sum() > 0
    hit = run(net, [{"cable": "x"}], core=["CCC"])
    assert hit.country("LLL")["loss_pct"] > 5
    assert hit.country("AAA")["loss_pct"] > 5
    assert run(net, [{"cable": "z"}], core=["CCC"]).country("LLL")["loss_pct"] == 0.0


def test_circuits_are_bought_to_a_far_end_in_the_destination_region(make_network, run):
    # S's cable s runs north to P, a country of the core's region, and south to H (its own
    # region); from H a much wider cable w reaches the core. S buys its circuits on s to
    # P (Freetown buys ACE to Lisbon, not ACE to Lagos and another system on): a cut of s
    # north of S costs it its circuits, however wide the way through H
    shape = {
        "stations": {
            "s1": ("SSS", 0.0, 0.0, 0),
            "p1": ("PPP", 0.0, 10.0, 0),
            "h1": ("HHH", 0.0, -5.0, 0),
            "c1": ("CCC", 5.0, 12.0, 0),
        },
        "cables": {
            "s": (2.0, [("h1", "s1"), ("s1", "p1")]),
            "pc": (50.0, [("p1", "c1")]),
            "w": (50.0, [("h1", "c1")]),
        },
    }
    regions = {"CCC": "Europe", "PPP": "Europe", "SSS": "Africa", "HHH": "Africa"}
    net = make_network(**shape, regions=regions)
    cut = [{"cut": {"cables": ["s"], "near": [5.0, 0.0], "radius_km": 20}}]
    comp, m = _compiled(net)
    r = m.routes
    t = comp.country_tasks["SSS"]
    mine = np.isin(r.task, t)
    used = _traffic.baseline_routes(comp, r)
    # the route south through H is there (and wider), but carries none of S's circuits
    assert (mine & ~used).any()
    assert m.x0[mine & ~used].sum() == 0.0
    res = run(net, cut, core=["CCC"])
    assert set(res.failed_segments["segment_id"]) == {"s#2"}
    s = res.country("SSS")
    assert s["loss_pct"] == pytest.approx(100.0)  # no circuit left to move onto
    assert s["loss_pct_rerouted"] == pytest.approx(0.0, abs=0.05)
    # with every country in one region, the wider route through H is bought as well
    res1 = run(make_network(**shape), cut, core=["CCC"])
    assert res1.country("SSS")["loss_pct"] < s["loss_pct"]


def test_a_far_territory_of_the_core_region_is_not_its_doorstep(make_network):
    # T carries the core's region ("Europe", as Mayotte or Réunion do) but lies far from
    # the core's hubs (beyond FAR_END_KM): S's system ending there is not a circuit to
    # Europe, and S buys on every sourced route (the wider one through H as well)
    stations = {
        "s1": ("SSS", 0.0, 0.0, 0),
        "t1": ("TTT", 0.0, -5.0, 0),
        "h1": ("HHH", 0.0, 5.0, 0),
        "c1": ("CCC", 0.0, 40.0, 0),
    }
    cables = {
        "s": (2.0, [("s1", "t1")]),
        "tc": (50.0, [("t1", "c1")]),
        "hs": (2.0, [("s1", "h1")]),
        "w": (50.0, [("h1", "c1")]),
    }
    regions = {"CCC": "Europe", "TTT": "Europe", "SSS": "Africa", "HHH": "Africa"}
    comp, m = _compiled(make_network(stations=stations, cables=cables, regions=regions))
    r = m.routes
    reach = _traffic._reaches_region(comp, r, m.first_leg)
    assert haversine_km(0.0, -5.0, 0.0, 40.0) > _traffic.FAR_END_KM
    mine = np.isin(r.task, comp.country_tasks["SSS"])
    assert mine.any()
    assert not reach[mine].any()
    # the same territory next to the core is its doorstep
    near = dict(stations, t1=("TTT", 0.0, 35.0, 0), s1=("SSS", 0.0, 30.0, 0))
    comp2, m2 = _compiled(make_network(stations=near, cables=cables, regions=regions))
    r2 = m2.routes
    reach2 = _traffic._reaches_region(comp2, r2, m2.first_leg)
    mine2 = np.isin(r2.task, comp2.country_tasks["SSS"])
    on_s = _starts_on(comp2, r2, "s")
    assert (mine2 & on_s).any()
    assert reach2[mine2 & on_s].all()


def test_a_hub_cut_off_from_the_region_restores_nothing_beyond_it(make_network, run):
    # S buys its circuits on s to the hub H; from H two systems h and g share the pair to
    # the core C (S also borders Q, whose cable reaches C: S is never isolated, but an
    # assumed border carries none of its circuits). Beyond H the hub's carriers restore
    # the protected share of what breaks onto what H keeps toward the core: half of the
    # pair when h alone fails, nothing when both fail
    net = make_network(
        stations={
            "s1": ("SSS", 0.0, 0.0, 0),
            "h1": ("HHH", 0.0, 5.0, 0),
            "c1": ("CCC", 6.0, 5.0, 0),
            "q1": ("QQQ", -3.0, 0.0, 0),
        },
        cables={
            "s": (2.0, [("s1", "h1")]),
            "h": (50.0, [("h1", "c1")]),
            "g": (50.0, [("h1", "c1")]),
            "q": (50.0, [("q1", "c1")]),
        },
        links=[("SSS", "QQQ", 10.0, "border")],
    )
    p = _traffic.PROTECTED
    one = run(net, [{"cable": "h"}], core=["CCC"]).country("SSS")
    both = run(net, [{"cable": "h"}, {"cable": "g"}], core=["CCC"])
    # half its onward circuits break and the hub restores p of them; S's own protection
    # moves onto what it keeps
    assert one["loss_pct"] == pytest.approx(_first_days_loss(1 - (1 - p) / 2), abs=0.1)
    assert not both.country("SSS")["isolated"]
    assert both.country("SSS")["loss_pct"] == pytest.approx(100.0)  # not 100 * (1 - p)
    assert both.country("SSS")["loss_pct_rerouted"] < 50  # over Q once capacity is bought


def test_a_cable_only_to_a_land_neighbour_is_a_border_crossing(make_network, run):
    # U's one cable k ends in R, whose land touches U's: U has no cable exit of its own
    # and buys transit over land from its neighbours, R and P, each with a cable to the
    # core C; a cut of R's cable costs U part of its traffic, not all of it. With R
    # overseas (not a land neighbour) k is U's exit and the same cut costs U all of it
    # beyond R, where R's carriers have nothing left to restore onto
    def net(r_lon: float):
        return make_network(
            stations={
                "u1": ("UUU", 0.0, 0.0, 0),
                "r1": ("RRR", r_lon, 0.0, 0),
                "p1": ("PPP", 0.0, -4.0, 0),
                "c1": ("CCC", 8.0, 0.0, 0),
            },
            cables={
                "k": (10.0, [("u1", "r1")]),
                "rc": (10.0, [("r1", "c1")]),
                "pc": (10.0, [("p1", "c1")]),
            },
            links=[("UUU", "RRR", 10.0, "border"), ("UUU", "PPP", 10.0, "border")],
        )

    near, far = net(1.0), net(4.0)
    assert frozenset(("UUU", "RRR")) in near.land_borders()
    assert frozenset(("UUU", "RRR")) not in far.land_borders()
    comp, _ = _compiled(near)
    assert _traffic._transit_borders(comp)[1][comp.countries.index("UUU")]
    comp, _ = _compiled(far)
    assert not _traffic._transit_borders(comp)[1][comp.countries.index("UUU")]
    cut = [{"cable": "rc"}]
    assert 5 < run(near, cut, core=["CCC"]).country("UUU")["loss_pct"] < 75
    assert run(far, cut, core=["CCC"]).country("UUU")["loss_pct"] == pytest.approx(100.0)


def test_small_territory_with_a_land_border_is_served_over_land(make_network, run):
    # G is a small territory (under SMALL_TERRITORY_KM2) with a cable g of its own and a
    # land border with S, which has its own cables: G buys its connectivity over the border,
    # so G's one cable failing costs it nothing while S's routes stand
    net = make_network(
        stations={
            "g1": ("GGG", 0.0, 0.0, 0),
            "s1": ("SSS", 0.0, 2.0, 0),
            "c1": ("CCC", 6.0, 1.0, 0),
        },
        cables={"g": (10.0, [("g1", "c1")]), "s": (50.0, [("s1", "c1")])},
        links=[("GGG", "SSS", 10.0, "border")],
        areas={"GGG": 7.0},
    )
    area = net.landmasses.groupby("iso3")["area_km2"].sum()
    assert area["GGG"] < _traffic.SMALL_TERRITORY_KM2
    r = run(net, [{"cable": "g"}], core=["CCC"])
    assert r.country("GGG")["loss_pct"] == 0.0
    assert not r.country("GGG")["isolated"]
    # the same cut costs a territory above the threshold its circuits on g
    net2 = make_network(
        stations={
            "g1": ("GGG", 0.0, 0.0, 0),
            "s1": ("SSS", 0.0, 2.0, 0),
            "c1": ("CCC", 6.0, 1.0, 0),
        },
        cables={"g": (10.0, [("g1", "c1")]), "s": (50.0, [("s1", "c1")])},
        links=[("GGG", "SSS", 10.0, "border")],
    )
    assert run(net2, [{"cable": "g"}], core=["CCC"]).country("GGG")["loss_pct"] > 50


@pytest.mark.parametrize(
    ("kind", "first_days"),
    [("border", 100.0), ("sourced", _first_days_loss(0.5))],
)
def test_assumed_border_link_carries_no_baseline_traffic(make_network, run, kind, first_days):
    # A has its own cable x to the core C and a land link to B, which has its own cable y.
    # An assumed link (no source) carries none of A's traffic before the cut: when x
    # fails, A loses everything in the first days and gets it back over B after
    # rerouting. A sourced link is capacity A's operators bought: half its circuits ride
    # it (the two routes are as wide) and stay.
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", 0.0, 3.0, 0),
            "c1": ("CCC", 5.0, 1.0, 0),
        },
        cables={"x": (10.0, [("a1", "c1")]), "y": (10.0, [("b1", "c1")])},
        links=[("AAA", "BBB", 10.0, kind)],
    )
    r = run(net, [{"cable": "x"}], core=["CCC"])
    a = r.country("AAA")
    assert a["loss_pct_immediate"] == pytest.approx(first_days, abs=0.05)
    assert a["loss_pct_rerouted"] == pytest.approx(0.0, abs=0.05)
    assert not a["isolated"]


def test_measure_option_is_validated():
    with pytest.raises(ScenarioError, match="measure"):
        cablesim.load_scenario(
            {"name": "t", "events": [{"cable": "tonga-cable"}], "options": {"measure": "bits"}},
            resolve=False,
        )


def test_demand_shares_follow_the_documented_rule():
    assert _demand.primary_regions("Africa", "Western Africa") == ("Europe",)
    assert _demand.primary_regions("Americas", "South America") == ("Americas",)
    assert _demand.primary_regions("Asia", "Western Asia") == ("Europe",)
    assert set(_demand.primary_regions("Asia", "South-Eastern Asia")) == {"Asia", "Europe"}
    assert _demand.peak_for(_demand.UTILIZATION) == pytest.approx(_demand.PEAK_UTILIZATION)


def test_a_busy_chokepoint_does_not_change_where_a_country_sends_its_traffic(make_network):
    # A, B, C and D (Africa) reach the European hub E over one trunk and the Asian hub S
    # over cables of their own. When every country sends in proportion to its size the
    # trunk fills long before their own cables do; a ceiling per destination squeezed
    # their Europe traffic (46% of it, not 75%). A country buys capacity for its traffic:
    # its whole demand is capped, its split stays the documented one
    africa = ("AAA", "BBB", "CCC", "DDD")
    net = make_network(
        stations={
            **{f"{k.lower()[0]}1": (k, 0.0, 2.0 * i, 0) for i, k in enumerate(africa)},
            "e1": ("EEE", 8.0, 3.0, 0),
            "s1": ("SSS", -8.0, 0.0, 0),
        },
        branching_units={"bu:t:1": (4.0, 3.0)},
        cables={
            "t": (24.0, [(f"{k.lower()[0]}1", "bu:t:1") for k in africa] + [("bu:t:1", "e1")]),
            **{f"s{k.lower()[0]}": (40.0, [(f"{k.lower()[0]}1", "s1")]) for k in africa},
        },
        regions=dict.fromkeys(africa, "Africa") | {"EEE": "Europe", "SSS": "Asia"},
    )
    comp = _engine.compile_network(net, "landmass", ("EEE", "SSS"))
    m = _traffic.model(comp)
    assert m.achieved == pytest.approx(_demand.UTILIZATION)
    for iso in africa:
        t = comp.country_tasks[iso]
        regions = [comp.regions[comp.task_region[i]] for i in t]
        share = m.demand[t][regions.index("Europe")] / m.demand[t].sum()
        assert share == pytest.approx(_demand.PRIMARY_SHARE, rel=1e-3)
    # no link runs over its capacity at baseline
    assert (m.load0 <= m.dcap0 * (1 + 1e-9)).all()


def test_real_network_demand_and_utilization(world):
    comp = _engine.compile_network(world, "landmass", cablesim.scenario.DEFAULT_CORE)
    m = _traffic.model(comp)
    # the intact network carries (almost) all demand, below or at the target utilization
    assert m.served0["immediate"].sum() >= 0.95 * m.demand.sum()
    assert 0.05 < m.achieved <= _demand.UTILIZATION + 1e-6
    c = np.array(comp.countries)[comp.task_country]
    per = {k: m.demand[c == k].sum() for k in ("USA", "DEU", "NGA", "TON")}
    assert per["USA"] > per["DEU"] > per["NGA"] > per["TON"] > 0
    # Nigeria's demand goes mostly to Europe
    t = comp.country_tasks["NGA"]
    regions = [comp.regions[comp.task_region[i]] for i in t]
    eu = m.demand[t][regions.index("Europe")]
    assert eu >= 0.5 * m.demand[t].sum()
    # India sends a good part of its traffic to Europe (to "Singapore, Hong Kong and
    # Europe" in the sources), not the 6% a ceiling per destination left it
    t = comp.country_tasks["IND"]
    regions = [comp.regions[comp.task_region[i]] for i in t]
    assert m.demand[t][regions.index("Europe")] >= 0.15 * m.demand[t].sum()


def test_simulate_headline_is_traffic_and_isolation_unchanged(world):
    r = cablesim.simulate({"name": "Tonga", "as_of": 2022, "events": [{"cable": "tonga-cable"}]})
    t = r.country("TON")
    assert t["isolated"]
    assert t["loss_pct"] == 100.0
    assert t["served_tbps"] == 0.0
    assert t["capacity_loss_pct"] == 100.0
    assert "traffic_lost_tbps" in r.summary()


def test_batch_evaluator_equals_simulate_and_bounds_hold(world):
    from cablesim.engine import batch as _batch

    ev = _batch.Evaluator(world, core=cablesim.scenario.DEFAULT_CORE)
    for cid in ("seamewe-5", "asia-africa-europe-1-aae-1", "tonga-cable"):
        r = cablesim.simulate({"name": cid, "events": [{"cable": cid}]}, world)
        c = r.countries.set_index("iso3")
        edges = ev.edges_of(world.segments.loc[world.segments["cable_id"] == cid, "segment_id"])
        vals, _ = ev.evaluate([edges])
        b = ev.baseline
        loss = np.where(b > 0, 100 * (1 - vals[0] / np.where(b > 0, b, 1)), 0).clip(0, 100)
        got = dict(zip(ev.countries, loss, strict=True))
        for iso in c.index[~c["was_isolated"]]:
            assert got[iso] == pytest.approx(c.at[iso, "loss_pct"], abs=0.006), (cid, iso)
        bound = ev.traffic_loss_bounds([edges])[0]
        assert (bound >= loss - 1e-6).all(), cid


def test_utilization_is_a_parameter_not_module_state(make_network):
    # a sensitivity run passes the mean utilization; the sourced default stays as it is
    net = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")])},
    )
    doc = {"name": "t", "events": [{"cable": "x"}], "options": {"core": ["CCC"]}}
    sc = cablesim.load_scenario(doc, network=net)
    low = cablesim.simulate(sc, network=net)
    high = cablesim.simulate(sc, network=net, utilization=0.4)
    assert _demand.UTILIZATION == 0.275
    assert high.country("AAA")["demand_tbps"] == pytest.approx(
        low.country("AAA")["demand_tbps"] * 0.4 / 0.275, rel=1e-3
    )
    assert any("40.0% average utilization" in n for n in high.notes)
    assert any("27.5% average utilization" in n for n in low.notes)


def test_many_failure_sets_at_once_equal_one_by_one(world):
    """immediate_many / immediate_after_many: bit for bit what immediate / immediate_after give."""
    comp = _engine.compile_network(world, "landmass", cablesim.scenario.DEFAULT_CORE)
    m = _traffic.model(comp)
    r = m.routes
    # the hop-by-hop minimum is the plain per-route minimum
    v = np.random.default_rng(0).random(len(m.dcap0))
    assert np.array_equal(_traffic._path_min(r, v), np.minimum.reduceat(v[r.idx], r.ptr[:-1]))
    # the pairs' capacities are the incidence product
    cap = comp.edge_cap * np.random.default_rng(1).random(len(comp.edge_cap))
    want = np.repeat(np.asarray(_engine._incidence(comp).T @ cap).ravel(), 2)
    assert np.array_equal(_traffic.directed_capacity(comp, cap), want)
    rng = np.random.default_rng(2)
    caps = [comp.edge_cap.copy()]
    for n in (1, 3, 10, 30, 100):
        for _ in range(6):
            c = comp.edge_cap.copy()
            c[rng.choice(len(c), n, replace=False)] = 0.0
            caps.append(c)
    c = comp.edge_cap * rng.uniform(0.3, 1.0, len(comp.edge_cap))  # degraded, not failed
    caps.append(c)
    dcaps = np.array([_traffic.directed_capacity(comp, c) for c in caps])
    one = np.array([_traffic.immediate(m, c) for c in caps])
    assert np.array_equal(_traffic.immediate_many(m, dcaps), one)
    one = np.array([_traffic.immediate_after(m, c) for c in caps])
    assert np.array_equal(_traffic.immediate_after_many(m, dcaps), one)


def test_batch_traffic_values_many_and_bounds(world):
    """The Monte Carlo's evaluation of many sets equals the one-by-one one; bounds hold."""
    from cablesim.analyses import risk

    state = risk._build_mc(world, options=_state.Options())
    ev = state.ev
    configs = []
    for i in range(3):
        rng = np.random.default_rng(np.random.SeedSequence(4, spawn_key=(i,)))
        configs += risk._sample(state, rng, 1.0, risk.FAULTS_PER_YEAR)
    many = ev.traffic_values_many(configs)
    one = np.array([ev.traffic_values(ev.capacity_after(c)) for c in configs])
    assert np.array_equal(many, one)
    b = ev.baseline
    loss = np.where(b > 0, 100 * (1 - one / np.where(b > 0, b, 1)), 0).clip(0, 100)
    assert (ev.traffic_loss_bounds(configs) >= loss - 1e-9).all()


def test_loads_move_onto_the_split_network_pair_by_pair(world):
    """The rerouted horizon of a closure that splits a land mass fixes the surviving
    traffic on the split network's links: a load per pair, spread over the pair's edges by
    capacity, lands on the split network's pairs in the same direction."""
    sc = cablesim.load_scenario(cablesim.scenario.find_scenario("suez-closure"))
    net = cablesim.load_network(sc.as_of)
    failures = cablesim.apply_events(net, sc.events)
    after = _state.after_state(net, failures, _state.Options(core=sc.core))
    comp, ca, cap = after.comp, after.comp_after, after.cap_after
    assert ca is not comp
    assert len(ca.pair_u) > len(comp.pair_u)
    # every pair full in both directions: the split network's pairs full too
    moved = _traffic._onto(comp, ca, _traffic.directed_capacity(comp, cap), cap)
    assert moved == pytest.approx(_traffic.directed_capacity(ca, cap), rel=1e-9, abs=1e-12)
    # a load one way only stays one way, and nothing is lost on the way
    one_way = _traffic.directed_capacity(comp, cap)
    one_way[1::2] = 0.0
    moved = _traffic._onto(comp, ca, one_way, cap)
    assert moved.sum() == pytest.approx(one_way.sum(), rel=1e-9)
    assert (np.minimum(moved[0::2], moved[1::2]) == 0).all()


def test_split_routes_reused_across_runs_give_the_same_answer(world):
    """A closure that splits a land mass: the split network is compiled once and cached on
    the network with its routes; a warm run rebuilds nothing and answers exactly as a cold one."""
    sc = cablesim.load_scenario(cablesim.scenario.find_scenario("suez-closure"))
    net = cablesim.load_network(sc.as_of)
    _state._split_cache(net).clear()
    # no state shared with an earlier test's run (the memo the engine makes, if none yet)
    net.memo("engine:states", lambda: Memo(maxsize=_state.STATES_KEPT)).clear()
    cold = cablesim.simulate(sc, net).to_dict()
    failures = cablesim.apply_events(net, sc.events)
    after = _state.after_state(net, failures, _state.Options(core=sc.core))
    assert after.comp_after is not after.comp
    routes = after.comp_after.memo.get("traffic-extra-routes", dict)
    n = len(routes)
    assert n
    warm = cablesim.simulate(sc, net).to_dict()
    again = _state.after_state(net, failures, _state.Options(core=sc.core))
    assert again.comp_after is after.comp_after  # the split network was not compiled again
    assert len(routes) == n  # every route came from the cache
    assert warm == cold


def test_a_member_state_of_the_eu_outside_europe_is_its_doorstep(make_network):
    # Cyprus is in Western Asia in the UN geoscheme and a member state of the European
    # Union since 1 May 2004: a circuit from S (Beirut) to Cyprus is a circuit to Europe
    # from that date, and S buys it rather than the wider route through H (Tartous,
    # Alexandria) that other systems carry on
    stations = {
        "s1": ("SSS", 35.5, 33.9, 0),
        "y1": ("CYP", 33.0, 34.7, 0),
        "h1": ("HHH", 35.9, 34.9, 0),
        "c1": ("CCC", 5.4, 43.3, 0),
    }
    cables = {
        "s": (2.0, [("s1", "y1")]),
        "yc": (50.0, [("y1", "c1")]),
        "hs": (6.0, [("s1", "h1")]),
        "w": (50.0, [("h1", "c1")]),
    }
    regions = {"CCC": "Europe", "CYP": "Asia", "SSS": "Asia", "HHH": "Asia"}
    net = make_network(stations=stations, cables=cables, regions=regions)
    assert net.as_of >= dt.date(2004, 5, 1)
    assert _traffic.EUROPEAN_UNION["CYP"][0] == "2004-05-01"
    before = Network.from_geodataframes(net.to_geodataframes(), as_of=dt.date(2003, 1, 1))
    for network, member in ((net, True), (before, False)):
        comp, m = _compiled(network)
        r = m.routes
        mine = np.isin(r.task, comp.country_tasks["SSS"])
        via_cyprus = _starts_on(comp, r, "s")
        assert (mine & via_cyprus).any()
        assert (mine & ~via_cyprus).any()
        reach = _traffic._reaches_region(comp, r, m.first_leg)
        assert reach[mine & via_cyprus].all() == member
        on_cyprus = m.x0[mine & via_cyprus].sum() / m.x0[mine].sum()
        # a member's doorstep: all of S's traffic on its circuit to Cyprus; before, over
        # every sourced route in proportion to its capacity (the wider one through H too)
        if member:
            assert on_cyprus == pytest.approx(1.0)
        else:
            assert on_cyprus < 0.5
