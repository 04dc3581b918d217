"""Timelines: change points, compound states, repairs, their defaults, reports and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

import cablesim
from cablesim.analyses import timeline
from cablesim.analyses.timeline import simulate_timeline
from cablesim.cli import cli
from cablesim.exceptions import ScenarioError
from cablesim.report import timeline as rtimeline

D = dt.date


@pytest.fixture
def pair(make_network):
    """A (a1) reaches the core C (c1) over cable X (10 Tbps) and cable Y (5 Tbps)."""
    return make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")]), "y": (5.0, [("a1", "c1")])},
    )


def _tl(net, events, **top):
    doc = {
        "name": "t",
        "as_of": "2024-01-01",
        "options": {"core": ["CCC"]},
        "events": events,
        **top,
    }
    return simulate_timeline(cablesim.load_scenario(doc, network=net), network=net)


def test_compound_state_and_recovery_on_a_tiny_network(pair):
    # the capacity view (no rerouting change point); the traffic timeline is tested below
    tl = _tl(
        pair,
        [
            {"cable": {"id": "x", "at": 0, "repair_days": 10, "label": "X fails"}},
            {"cable": {"id": "y", "at": "2024-01-06", "until": "2024-01-26", "label": "Y fails"}},
        ],
        options={"core": ["CCC"], "measure": "capacity"},
    )
    got = [
        (
            s.start,
            s.day,
            s.active,
            s.result.country("AAA")["remaining_tbps"],
            s.result.country("AAA")["status"],
        )
        for s in tl.states
    ]
    assert got == [
        (D(2024, 1, 1), 0, (0,), 5.0, "severe"),  # X down: 5 of 15 left
        (D(2024, 1, 6), 5, (0, 1), 0.0, "isolated"),  # Y fails on top of the unrepaired X
        (D(2024, 1, 11), 10, (1,), 10.0, "degraded"),  # X repaired
        (D(2024, 1, 26), 25, (), 15.0, "unaffected"),  # everything repaired
    ]
    assert [s.end for s in tl.states] == [D(2024, 1, 6), D(2024, 1, 11), D(2024, 1, 26), None]
    assert tl.states[1].started == (1,)
    assert tl.states[2].repaired == (0,)
    status = tl.table["status"].loc["AAA"].tolist()
    assert status == ["severe", "isolated", "degraded", "unaffected"]
    assert tl.table["remaining_tbps"].loc["AAA"].tolist() == [5.0, 0.0, 10.0, 15.0]
    rec = tl.recovery().set_index("iso3").loc["AAA"]
    assert rec["worst_status"] == "isolated"
    assert rec["worst_date"] == "2024-01-06"
    assert rec["recovered"] == "2024-01-26"
    assert rec["days_affected"] == 25
    assert tl.peak.start == D(2024, 1, 6)
    assert tl.worst(3) == ["AAA"]


def test_a_repeated_state_reuses_its_result(pair):
    tl = _tl(
        pair,
        [
            {"cable": {"id": "x", "at": 0, "repair_days": 30}},
            {"cable": {"id": "y", "at": 5, "repair_days": 5}},
        ],
        options={"core": ["CCC"], "measure": "capacity"},
    )
    assert [s.active for s in tl.states] == [(0,), (0, 1), (0,), ()]
    assert tl.states[0].result is tl.states[2].result
    # traffic: X's state on day 10 is past the first days (rerouted), day 7 adds a state
    tt = _tl(
        pair,
        [
            {"cable": {"id": "x", "at": 0, "repair_days": 30}},
            {"cable": {"id": "y", "at": 5, "repair_days": 5}},
        ],
    )
    assert [(s.active, s.rerouted) for s in tt.states] == [
        ((0,), False),
        ((0, 1), False),
        ((0,), True),
        ((), False),
    ]
    assert [s.day for s in tt.states] == [0, 5, 10, 30]


def test_repair_options_none_and_days(pair):
    tl = _tl(
        pair,
        [{"cable": {"id": "x", "at": 3}}],
        options={"core": ["CCC"], "repair": "none", "measure": "capacity"},
    )
    assert len(tl.states) == 1
    assert tl.states[0].end is None
    assert tl.schedule[0].basis.startswith("not repaired")
    tl = _tl(pair, [{"cable": {"id": "x", "at": 3}}], options={"core": ["CCC"], "repair": 7})
    assert [s.start for s in tl.states] == [D(2024, 1, 4), D(2024, 1, 11)]
    assert tl.schedule[0].repair_days == 7


def test_json_of_a_timeline_is_plain_data(pair):
    tl = _tl(
        pair,
        [{"cable": {"id": "x", "at": 0, "repair_days": 2}}],
        options={"core": ["CCC"], "measure": "capacity"},
    )
    data = json.loads(rtimeline.to_json(tl))
    assert [s["start"] for s in data["states"]] == ["2024-01-01", "2024-01-03"]
    assert data["scenario"]["events"][0]["repair_basis"] == "given: repair_days 2"
    assert data["states"][0]["countries"][0]["iso3"] == "AAA"
    assert "AAA" in rtimeline.to_csv(tl)
    md = rtimeline.to_markdown(tl)
    assert "## 2024-01-01 (day 0)" in md
    assert "## Recovery" in md


# ------------------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            "name: t\nevents:\n  - cable:\n      id: x\n      at: 5\n",
            "<string>:5: events[0].cable.at",
            "counts from the scenario's as_of, which is missing",
        ),
        (
            "name: t\nas_of: 2024-02-01\nevents:\n  - cable:\n      id: x\n      at: 2024-01-01\n",
            "<string>:6: events[0].cable.at",
            "is before the scenario's as_of (2024-02-01)",
        ),
        (
            "name: t\nas_of: 2024-02-01\nevents:\n  - cable:\n      id: x\n      at: 3\n      until: 2024-02-02\n",
            "<string>:7: events[0].cable.until",
            "must be after the event's start (2024-02-04)",
        ),
        (
            "name: t\nas_of: 2024-02-01\noptions:\n  repair: sometimes\nevents:\n  - cable: x\n",
            "<string>:4: options.repair",
            "must be 'table'",
        ),
        (
            "name: t\nas_of: 2024-02-01\nevents:\n  - cable:\n      id: x\n      repair_days: -2\n",
            "<string>:6: events[0].cable.repair_days",
            "must be greater than 0",
        ),
    ],
)
def test_bad_timing_is_reported_with_file_line_and_field(pair, text, where, message):
    with pytest.raises(ScenarioError) as err:
        cablesim.load_scenario(text, network=pair)
    assert where in str(err.value)
    assert message in str(err.value)


# ------------------------------------------------------------------------------ default repairs


def _event(world, event, as_of="2024-03-01"):
    return cablesim.load_scenario(
        {"name": "t", "as_of": as_of, "events": [event]}, network=world
    ).events[0]


def test_default_repair_by_zone_depth_and_conflict(world):
    red_sea = _event(world, {"area": {"center": [13.5, 42.9], "radius_km": 20}})
    days, basis = timeline.default_repair(world, red_sea, D(2024, 2, 24))
    assert days == 120
    assert "conflict zone red-sea-2023" in basis
    # the same place before the attacks on shipping began: the ordinary regional default
    days, basis = timeline.default_repair(world, red_sea, D(2019, 1, 1))
    assert days == timeline.REPAIR_ZONES["south-asia-middle-east"].shallow_days
    abidjan = _event(world, {"area": {"center": [5.0, -4.0], "radius_km": 10}})
    days, basis = timeline.default_repair(world, abidjan, D(2024, 3, 14))
    assert days == timeline.REPAIR_ZONES["africa"].shallow_days
    assert "shallow water" in basis
    deep = _event(world, {"area": {"center": [0.0, -15.0], "radius_km": 10}})  # mid-Atlantic
    days, basis = timeline.default_repair(world, deep, D(2024, 3, 14))
    assert "deep water" in basis
    assert (
        days
        == timeline.REPAIR_ZONES[
            timeline.SUBREGION_ZONE.get(
                world.countries.set_index("iso3").loc[
                    basis_country(world, 0.0, -15.0), "subregion"
                ],
                "other",
            )
        ].deep_days
    )


def basis_country(world, lat, lon):
    from cablesim.network.whatif import nearest_country

    return nearest_country(world, lon, lat)[0]


def test_every_subregion_of_the_data_has_a_zone(world):
    missing = set(world.countries["subregion"]) - set(timeline.SUBREGION_ZONE) - {"Antarctica", ""}
    assert not missing


# ------------------------------------------------------------------------------ the 2024 crisis


@pytest.fixture
def crisis(crisis_2024):
    return crisis_2024


def test_red_sea_then_west_africa_compound_state(crisis):
    by_day = {s.start: s for s in crisis.states}
    ev = crisis.scenario.events
    march = by_day[D(2024, 3, 14)]
    labels = {ev[i].label.split(":")[0] for i in march.active}
    assert labels == {"Red Sea", "West Africa"}  # the Red Sea cuts are still unrepaired
    failed = set(march.result.failed_cables["cable_id"])
    assert {
        "seacomtata-tgn-eurasia",
        "asia-africa-europe-1-aae-1",
        "west-africa-cable-system-wacs",
        "mainone",
        "sat-3wasc",
        "africa-coast-to-europe-ace",
    } <= failed
    # the May event breaks SEACOM a second time, in the south, while the Red Sea cut remains
    may = by_day[D(2024, 5, 12)]
    seacom = may.result.failed_segments
    assert (seacom["cable_id"] == "seacomtata-tgn-eurasia").sum() >= 2
    assert crisis.states[-1].active == ()
    assert crisis.states[-1].start == D(2024, 6, 23)
    assert crisis.schedule[0].repair_days == 120  # the Red Sea conflict-zone default


def test_west_africa_recovers_as_repairs_land(crisis):
    civ = crisis.table["remaining_tbps"].loc["CIV"]
    # the change points of events (the traffic timeline adds rerouting points between them)
    days = [s.start.isoformat() for s in crisis.states if s.started or s.repaired]
    feb, mar, apr4, apr11, apr18, apr25 = (civ[d] for d in days[:6])
    assert mar < feb  # the landslide costs Côte d'Ivoire capacity
    assert mar <= apr4 <= apr11 <= apr18 <= apr25  # each repair gives some back
    assert apr25 == pytest.approx(feb, rel=1e-6)  # all four West African cables repaired
    assert crisis.table["remaining_tbps"].loc["CIV"].iloc[-1] == pytest.approx(
        crisis.states[-1].result.country("CIV")["baseline_tbps"]
    )


def test_cli_timeline_outputs(tmp_path):
    runner = CliRunner()
    out = [str(tmp_path / f"t.{ext}") for ext in ("json", "csv", "md")]
    args = ["run", "red-sea-west-africa-2024", "--json", "--plot", str(tmp_path / "p.png")]
    for o in out:
        args += ["-o", o]
    res = runner.invoke(cli, args)
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "t.json").read_text())
    # 9 change points of events, and 3 rerouting points (REROUTE_DAYS after a cut that lasts)
    assert len(data["states"]) == 12
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "t.csv").read_text().startswith("date,day,iso3")
    md = (tmp_path / "t.md").read_text()
    peak = max(data["states"], key=lambda s: s["summary"]["capacity_lost_tbps"])
    assert f"## Explanation of the worst state ({peak['start']}" in md
    assert "This account of" in md.split("## Explanation of the worst state")[1]
    res = runner.invoke(cli, ["run", "red-sea-west-africa-2024", "--plot", str(tmp_path / "p.txt")])
    assert res.exit_code == 2
    assert "unknown map format" in res.output


@pytest.mark.slow  # a 12-state world timeline again, drawn as a strip of maps
def test_cli_timeline_map_strip(tmp_path):
    res = CliRunner().invoke(
        cli, ["run", "red-sea-west-africa-2024", "--map", str(tmp_path / "m.png")]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "m.png").read_bytes()[:4] == b"\x89PNG"
    # one section per change point; the landslide's state ends when traffic is rerouted
    assert "2024-03-14 (day 19 until 2024-03-21)" in res.output


def test_traffic_timeline_reroutes_after_the_first_days(pair):
    # traffic: immediate at the cut, rerouted from REROUTE_DAYS on, repaired at the repair date
    from cablesim.engine.traffic import REROUTE_DAYS

    tl = _tl(pair, [{"cable": {"id": "x", "at": 0, "repair_days": 20}}], options={"core": ["CCC"]})
    assert [s.day for s in tl.states] == [0, REROUTE_DAYS, 20]
    assert [s.rerouted for s in tl.states] == [False, True, False]
    first, later = tl.states[0].result.country("AAA"), tl.states[1].result.country("AAA")
    assert first["loss_pct"] == first["loss_pct_immediate"]
    assert later["loss_pct"] == later["loss_pct_rerouted"]
    assert tl.states[2].result.country("AAA")["loss_pct"] == 0.0
