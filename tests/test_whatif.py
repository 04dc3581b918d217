"""What-if cables: the add: forms, their errors, the extended network and the sea router."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

import cablesim
from cablesim._geo import haversine_km
from cablesim.engine import traffic as _traffic
from cablesim.exceptions import CableSimError, ScenarioError
from cablesim.network import whatif as _whatif
from cablesim.scenario import _add


@pytest.fixture
def two(make_network):
    """A (a1) reaches the core C (c1) over cable X (10 Tbps) only; B (b1) is a third country."""
    return make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
            "b1": ("BBB", 2.0, 3.0, 0),
        },
        cables={"x": (10.0, [("a1", "c1")]), "z": (3.0, [("b1", "c1")])},
    )


def _run(net, events, add=None, **top):
    doc = {"name": "t", "options": {"core": ["CCC"]}, "events": events, **top}
    if add is not None:
        doc["add"] = add
    sc = cablesim.load_scenario(doc, network=net)
    return cablesim.simulate(sc, network=net)


# ------------------------------------------------------------------------------ hypothetical cables


def test_hypothetical_cable_between_existing_stations(two):
    add = [{"name": "Second route", "landing_points": ["a1", "c1"], "capacity_tbps": 7}]
    r = _run(two, [{"cable": "x"}], add=add)
    a = r.country("AAA")
    assert a["baseline_tbps"] == pytest.approx(17.0)
    assert a["remaining_tbps"] == pytest.approx(7.0)  # the new cable survives the loss of X
    assert a["capacity_loss_pct"] == pytest.approx(100 * 10 / 17, abs=0.01)
    # the new cable is a direct route to the core: A's circuits on it survive, and the
    # protected share of those on X moves onto it in the first days (issue 22); all of A's
    # traffic is back after rerouting
    assert a["loss_pct"] == pytest.approx((1 - _traffic.PROTECTED) * 100 * 10 / 17, abs=0.05)
    assert a["loss_pct_rerouted"] == 0.0
    rec = _whatif.added(r.network)[0]
    assert rec["cable_id"] == "second-route"
    assert rec["kind"] == "hypothetical"
    assert rec["countries"] == ["AAA", "CCC"]
    assert rec["route_inferred"] is True
    assert any("What-if: hypothetical cable Second route" in n for n in r.notes)
    # the given network is untouched
    assert set(two.cables["cable_id"]) == {"x", "z"}
    assert len(two.segments) == 2
    # without the cable, A is cut off
    assert _run(two, [{"cable": "x"}]).country("AAA")["status"] == "isolated"


def test_new_landing_point_gets_country_and_landmass(two):
    # a place 20 km off A's station: inside A's 0.5-degree stand-in polygon
    add = [{"id": "spur", "landing_points": [[0.1, 0.1], "b1"], "capacity_tbps": 2}]
    r = _run(two, [{"cable": "z"}], add=add)
    lp = r.network.landing_points.set_index("landing_point_id").loc["spur-landing-1"]
    assert lp["iso3"] == "AAA"
    assert int(lp["landmass"]) == 0
    # B lost Z but reaches the core through the spur to A and on over X (2 Tbps)
    assert r.country("BBB")["remaining_tbps"] == pytest.approx(2.0)


def test_events_may_cut_an_added_cable(two):
    add = [{"id": "extra", "landing_points": ["a1", "c1"], "capacity_tbps": 7}]
    r = _run(two, [{"cable": "extra"}], add=add)
    assert r.country("AAA")["remaining_tbps"] == pytest.approx(10.0)


def test_extend_is_idempotent_and_cached(two):
    spec = _add.validate_add(
        _checker(two), [{"id": "e", "landing_points": ["a1", "c1"], "capacity_tbps": 1}], ("add",)
    )
    ext = _whatif.extend(two, spec)
    assert _whatif.extend(two, spec) is ext
    assert _whatif.extend(ext, spec) is ext
    assert "e" in set(ext.cables["cable_id"])
    assert "e" not in set(two.cables["cable_id"])


def _checker(net, text="name: t\n"):
    from cablesim.scenario import _Checker, _parse_yaml

    return _Checker(_parse_yaml(text, "<string>"), net)


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("add", "where", "message"),
    [
        ("  - cable: 2afrika\n", "<string>:4: add[0].cable", "did you mean '2africa'"),
        (
            "  - name: n\n    landing_points: [nukualofa-tonga, apia-samoa]\n",
            "<string>:4: add[0].capacity_tbps",
            "is required",
        ),
        (
            "  - name: n\n    landing_points: [nukualofa-tonga, apia-samoa]\n    capacity_tbps: -1\n",
            "<string>:6: add[0].capacity_tbps",
            "must be greater than 0",
        ),
        (
            "  - name: n\n    landing_points: [nukualofa-tonga, [10.0, -30.0]]\n    capacity_tbps: 5\n",
            "<string>:5: add[0].landing_points[1]",
            "from the nearest country",
        ),
        (
            "  - name: n\n    landing_points: [nukualofa-tonga, apia-samoaa]\n    capacity_tbps: 5\n",
            "<string>:5: add[0].landing_points[1]",
            "did you mean 'apia-samoa'",
        ),
        (
            "  - name: n\n    landing_points: [nukualofa-tonga]\n    capacity_tbps: 5\n",
            "<string>:5: add[0].landing_points",
            "two or more landing points",
        ),
        (
            "  - name: n\n    landing_points: [nukualofa-tonga, apia-samoa]\n    capacity: 5\n",
            "<string>:6: add[0].capacity",
            "did you mean 'capacity_tbps'",
        ),
        (
            "  - name: n\n    id: Bad Id\n    landing_points: [nukualofa-tonga, apia-samoa]\n    capacity_tbps: 5\n",
            "<string>:5: add[0].id",
            "lower-case letters",
        ),
        (
            "  - name: n\n    id: tonga-cable\n    landing_points: [nukualofa-tonga, apia-samoa]\n    capacity_tbps: 5\n",
            "<string>:5: add[0].id",
            "already a cable of the dataset",
        ),
        (
            "  - name: n\n    landing_points: [nukualofa-tonga, apia-samoa]\n    capacity_tbps: 5\n"
            "    route: [[1, 2]]\n",
            "<string>:7: add[0].route",
            "two or more [lat, lon] points",
        ),
        (
            "  - name: n\n    landing_points: [nukualofa-tonga, apia-samoa]\n    capacity_tbps: 5\n"
            "    route: [[1, 2], [100, 2]]\n",
            "<string>:7: add[0].route[1][0]",
            "between -90 and 90",
        ),
        ("  - cable: 2africa\n  - cable: 2Africa\n", "<string>:5: add[1].cable", "added twice"),
        ("  - landing: x\n", "<string>:4: add[0]", "give either 'cable: ID'"),
        ("  42\n", "<string>:3: add", "must be a list of cables to add"),
    ],
)
def test_bad_add_items_report_file_line_field(world, add, where, message):
    text = "name: t\nevents: [{cable: tonga-cable}]\nadd:\n" + add
    with pytest.raises(ScenarioError) as err:
        cablesim.load_scenario(text, network=world)
    assert where in str(err.value), str(err.value)
    assert message in str(err.value)


def test_planned_cable_needs_a_catalog(two, world):
    ck = _checker(world)
    spec = _add.validate_add(ck, [{"cable": "2africa"}], ("add",))
    with pytest.raises(CableSimError, match="no catalog"):
        _whatif.extend(two, spec)


# ------------------------------------------------------------------------------ planned cables


def test_planned_cable_enters_the_network():
    # 2Africa was planned in the June 2021 snapshot (it is in service in today's network)
    world = cablesim.load_network("2021-06-30")
    assert "2africa" not in set(world.cables["cable_id"])
    sc = cablesim.load_scenario(
        {
            "name": "t",
            "add": [{"cable": "2Africa", "capacity_tbps": 100}],
            "events": [{"cable": "2africa"}],
        },
        network=world,
    )
    assert sc.add == ({"kind": "planned", "cable_id": "2africa", "capacity_tbps": 100.0},)
    r = cablesim.simulate(sc, network=world)
    assert "2africa" in set(r.network.cables["cable_id"])
    assert "2africa" not in set(world.cables["cable_id"])  # the shared network is unchanged
    assert (
        r.network.segments.loc[r.network.segments["cable_id"] == "2africa", "capacity_tbps"]
        .eq(100)
        .all()
    )
    rec = _whatif.added(r.network)[0]
    assert rec["kind"] == "planned"
    assert not rec["already_in_service"]
    assert {"ZAF", "EGY", "GBR", "NGA"} <= set(rec["countries"])
    assert "2africa" in set(r.failed_cables["cable_id"])


@pytest.mark.slow  # two simulations of the 2024 world network
def test_adding_2africa_changes_west_africa():
    base = cablesim.simulate(cablesim.find_scenario("west-africa-2024")).countries.set_index("iso3")
    r = cablesim.simulate(cablesim.find_scenario("whatif-2africa"))
    what = r.countries.set_index("iso3")
    lit = r.network.cables.set_index("cable_id").at["2africa", "capacity_tbps"]
    # a cable entering service is lit at a small share of its 180 Tbit/s design
    assert 5 < lit < 20
    for iso in ("CIV", "NGA"):  # both hit in the March 2024 cuts, both on 2Africa
        assert base.at[iso, "status"] in ("degraded", "severe")
        assert what.at[iso, "baseline_tbps"] == pytest.approx(
            base.at[iso, "baseline_tbps"] + lit, rel=0.01
        )
        assert what.at[iso, "loss_pct"] < base.at[iso, "loss_pct"] - 3


def test_hypothetical_second_cable_saves_tonga():
    r = cablesim.simulate(cablesim.find_scenario("whatif-tonga-second-cable"))
    assert r.country("TON")["status"] != "isolated"
    # all of Tonga's traffic now leaves through Apia: at most the new cable's 10 Tbit/s,
    # and no more than Samoa itself keeps toward the core
    c = r.countries.set_index("iso3")
    assert 0 < c.at["TON", "remaining_tbps"] <= 10.0
    assert c.at["TON", "remaining_tbps"] == pytest.approx(
        min(10.0, c.at["WSM", "remaining_tbps"]), rel=0.01
    )
    rec = _whatif.added(r.network)[0]
    assert rec["countries"] == ["TON", "WSM"]
    assert rec["route_inferred"]
    assert 800 < rec["length_km"] < 1000  # Nuku'alofa to Apia is ~890 km


# ------------------------------------------------------------------------------ routes over water


def test_waypoints_are_at_sea(world):
    land, _ = _whatif._land(world.countries)
    lat = np.array([v[0] for v in _whatif.SEA_WAYPOINTS.values()])
    lon = np.array([v[1] for v in _whatif.SEA_WAYPOINTS.values()])
    on_land = [
        k
        for k, inside in zip(
            _whatif.SEA_WAYPOINTS, shapely.contains_xy(land, lon, lat), strict=True
        )
        if inside
    ]
    assert not on_land
    graph = _whatif._wp_graph(world.countries)
    assert all(graph[n] for n in graph), "every waypoint has a neighbour"


def _pos(world, lp):
    p = world.all_landing_points.set_index("landing_point_id").loc[lp, "geometry"]
    return p.y, p.x


def test_sea_route_goes_around_land(world):
    a, b = _pos(world, "bude-united-kingdom"), _pos(world, "mumbai-india")
    coords, method = _whatif.sea_route(a, b, countries=world.countries)
    assert "strait-of-gibraltar" in method
    assert "bab-el-mandeb" in method
    assert "Egypt" in method
    km = float(haversine_km(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1]).sum())
    direct = float(haversine_km(a[1], a[0], b[1], b[0]))
    assert direct < km < 1.6 * direct
    coords, method = _whatif.sea_route(_pos(world, "mombasa-kenya"), b, countries=world.countries)
    assert method == "great circle"


def test_route_crossing_chokepoints_is_reported(world):
    sc = cablesim.load_scenario(
        {
            "name": "t",
            "events": [{"cable": "seamewe-5"}],
            "add": [
                {
                    "name": "Jeddah-Marseille",
                    "landing_points": ["jeddah-saudi-arabia", "marseille-france"],
                    "capacity_tbps": 50,
                }
            ],
        },
        network=world,
    )
    rec = _whatif.added(cablesim.simulate(sc, network=world).network)[0]
    assert {"suez", "red-sea"} & set(rec["chokepoints"])
    assert "gulf-of-suez" in rec["route_method"]


def test_given_route_is_used(world):
    route = [[21.4, 39.1], [27.0, 34.5], [29.3, 32.7], [31.6, 32.3], [38.0, 5.0], [43.2, 5.3]]
    sc = cablesim.load_scenario(
        {
            "name": "t",
            "events": [{"cable": "seamewe-5"}],
            "add": [
                {
                    "name": "drawn",
                    "landing_points": ["jeddah-saudi-arabia", "marseille-france"],
                    "capacity_tbps": 50,
                    "route": route,
                }
            ],
        },
        network=world,
    )
    rec = _whatif.added(cablesim.simulate(sc, network=world).network)[0]
    assert rec["route_inferred"] is False
    assert rec["route_method"] == "given"


# ------------------------------------------------------------------------------ candidates


def test_parse_candidate_forms(world, tmp_path):
    assert _add.parse_candidate("2africa", world)[0]["kind"] == "planned"
    spec = _add.parse_candidate("nukualofa-tonga;-13.83,-171.76@12.5", world)[0]
    assert spec["kind"] == "hypothetical"
    assert spec["capacity_tbps"] == 12.5
    assert spec["landing_points"] == [["id", "nukualofa-tonga"], ["point", -13.83, -171.76]]
    f = tmp_path / "c.yaml"
    f.write_text(
        "add:\n  - cable: equiano\n  - name: x\n    landing_points: [apia-samoa, suva-fiji]\n"
        "    capacity_tbps: 3\n"
    )
    assert [s["cable_id"] for s in _add.parse_candidate(str(f), world)] == ["equiano", "x"]
    f.write_text("- name: x\n  landing_points: [apia-samoa, suva-fiji]\n  capacity_tbps: zero\n")
    with pytest.raises(CableSimError, match=r"c.yaml:3: \[0\].capacity_tbps: must be a number"):
        _add.parse_candidate(str(f), world)
    with pytest.raises(CableSimError, match="must be a number, got 'lots'"):
        _add.parse_candidate("apia-samoa;suva-fiji@lots", world)
    with pytest.raises(CableSimError, match="no such file"):
        _add.parse_candidate(str(tmp_path / "missing.yaml"), world)
