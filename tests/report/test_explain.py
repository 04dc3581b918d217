"""Explanations: specific, correct facts drawn from the result (tiny networks and the real scenarios)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cablesim
from cablesim.cli import cli
from cablesim.report.explain import _pct, explain, paragraphs


@pytest.fixture(scope="module")
def tonga():
    return cablesim.simulate(cablesim.find_scenario("tonga-2022"))


@pytest.fixture(scope="module")
def alexandria():
    return cablesim.simulate(cablesim.find_scenario("alexandria-2008"))


# ------------------------------------------------------------------------------ tiny networks


def test_cut_off_country_and_its_only_cable(branchy, run):
    r = run(
        branchy, [{"cut": {"cables": ["x"], "near": [-1.5, 2.0], "radius_km": 30}}], core=["CCC"]
    )
    text = explain(r)
    assert (
        "Country BBB was cut off from the core: its only international cable, X, was broken" in text
    )
    assert "X was cut about" in text
    assert "b1, Country BBB" in text
    assert "between a branching unit at sea and b1, Country BBB" in text
    assert "No other country lost any traffic." in text


def test_far_side_of_the_cut_and_what_carries_the_rest(branchy, run):
    # the trunk bu--c1 fails: B keeps half, over its own cable X to A and on over Y
    r = run(
        branchy,
        [{"cut": {"cables": ["x"], "near": [0.0, 3.0], "radius_km": 30}}],
        core=["CCC"],
        measure="capacity",
    )
    text = explain(r)
    b = r.country("BBB")
    assert f"Country BBB lost {_pct(b['loss_pct'])} of its capacity to the core" in text
    assert "from 10.0 Tbps to 5.0 Tbps" in text
    assert (
        "X was cut, but its landing at b1 is on the far side of the break and still joins "
        "Country BBB to the core"
    ) in text
    # A's remaining capacity leaves over Y; Y took the traffic that X carried before
    para_a = next(p for p in paragraphs(r) if p.startswith("Country AAA lost"))
    assert "leaves mostly over Y" in para_a
    assert "moved onto cables that did not fail, above all Y (for Country BBB)" in text


def test_landlocked_country_shares_its_neighbours_loss(make_network, run):
    net = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")])},
        links=[("LLL", "AAA", 1.0, "sourced")],  # (an assumed link only: satellite)
        hubs={("LLL", 0): (-3.0, 0.0)},
    )
    r = run(net, [{"degrade": {"cable": "x", "fraction": 0.95}}], core=["CCC"])
    c = r.countries.set_index("iso3")
    # transit bought over the land link rides x beyond AAA: hit, less than AAA's own circuits
    assert c.at["LLL", "status"] in ("degraded", "severe")
    assert 0 < c.at["LLL", "loss_pct"] <= c.at["AAA", "loss_pct"]
    text = explain(r)
    assert "X stayed up but kept only 5.0% of its capacity." in text
    assert (
        "Country LLL has no coast and no cable of its own: its traffic reaches the sea over land "
        "links through its neighbours (share of its capacity to the core before: Country AAA "
        "100%), so it "
        f"shares the losses of Country AAA (−{_pct(c.at['AAA', 'loss_pct'])})"
    ) in text
    assert (
        "X, which carried about 100% of its capacity to the core, kept only 5.0% of its capacity"
        in text
    )


def test_chokepoint_event_names_the_chokepoint(strait_net, run):
    net = strait_net
    text = explain(run(net, [{"chokepoint": "strait"}], core=["CCC"], measure="capacity"))
    assert (
        "The strait was closed, so every cable crossing it failed there: one segment of one cable"
        in text
    )
    assert "Its only international cable" not in text
    assert "Country AAA lost 77% of its capacity to the core, from 13.0 Tbps to 3.0 Tbps" in text
    assert "What it has left leaves mostly over Z (100%)" in text


# ------------------------------------------------------------------------------ the real scenarios


def test_tonga(tonga):
    text = explain(tonga)
    assert (
        "Tonga was cut off from the core: its only international cable, Tonga Cable, was broken"
        in text
    )
    assert "Tonga Cable was cut about 37 km from Nuku'alofa, Tonga" in text
    assert "between Nuku'alofa, Tonga and Suva, Fiji" in text
    assert "no land border" in text
    assert "15 January 2022" in text
    assert ("all in place at once" in text) == tonga.scenario.is_timeline


def test_alexandria(alexandria):
    text = explain(alexandria)
    egy = alexandria.country("EGY")
    assert egy["status"] in ("degraded", "severe")
    assert (
        f"Egypt could no longer send {_pct(egy['loss_pct'])} of its traffic in the first days "
        f"({_pct(egy['loss_pct_rerouted'])} once traffic is rerouted"
    ) in text
    assert f"It lost {_pct(egy['capacity_loss_pct'])} of its capacity to the core" in text
    assert "about 8 km from Alexandria, Egypt" in text
    assert "FLAG Europe-Asia (FEA)" in text
    assert "SeaMeWe-4" in text
    assert "FALCON" in text
    assert "near Bandar Abbas, Iran" in text
    # Egypt keeps capacity through its landings beyond the cut, at Suez
    egypt = next(p for p in paragraphs(alexandria) if p.startswith("Egypt could no longer"))
    assert "far side of the break" in egypt
    assert "Suez" in egypt
    assert "SeaMeWe-3" in egypt  # the surviving direct route carries part of the rest
    # the worst hit is explained, with its own numbers
    worst = alexandria.affected.iloc[0]
    assert f"{worst['name']} could no longer send {_pct(worst['loss_pct'])} of its traffic" in text


def test_suez_names_the_land_crossing():
    r = cablesim.simulate(cablesim.find_scenario("suez-closure"))
    text = explain(r)
    assert "The Egyptian land crossing (Suez) was closed" in text
    assert "passed through Egypt from one landing station to another over land" in text


def test_cli_explain_and_markdown(tmp_path):
    runner = CliRunner()
    res = runner.invoke(cli, ["explain", "tonga-2022"], catch_exceptions=False)
    assert res.exit_code == 0
    assert "Tonga Cable" in res.output
    assert "cut off" in res.output
    res = runner.invoke(cli, ["explain", "tonga-2022", "--json"], catch_exceptions=False)
    data = json.loads(res.output)
    assert data["as_of"] == "2022-01-15"
    assert any("Tonga was cut off" in p for p in data["paragraphs"])
    res = runner.invoke(cli, ["explain", "no-such-scenario"])
    assert res.exit_code == 2
    assert "no such scenario" in res.output
    # `run -o x.md` includes the explanation
    md = tmp_path / "red.md"
    res = runner.invoke(cli, ["run", "red-sea-2024", "-o", str(md)], catch_exceptions=False)
    assert res.exit_code == 0
    text = md.read_text(encoding="utf-8")
    assert "## Explanation" in text
    # Mocha (Africa-1, planned in 2021 and not in service in 2026) is not in the 2024 network
    assert "in the Red Sea, about 132 km from Al Hudaydah, Yemen" in text
