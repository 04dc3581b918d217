"""The dependency lens: exact answers on tiny networks, and facts on the real network."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

import cablesim
from cablesim.analyses import depends
from cablesim.cli import cli
from cablesim.exceptions import CableSimError, UnknownCountryError


@pytest.fixture
def strait_net(make_network):
    """A reaches the core C over X (10, through the strait) and Z (3, around it).

    B hangs off A by a land link of 2 and has no cable of its own.
    """
    return make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
            "c2": ("CCC", 4.0, 3.0, 0),
        },
        cables={"x": (10.0, [("a1", "c1")]), "z": (3.0, [("a1", "c2")])},
        links=[("BBB", "AAA", 2.0)],
        hubs={("BBB", 0): (-3.0, 0.0)},
        chokepoints={
            "strait": [(1.9, -1.0), (2.1, -1.0), (2.1, 1.0), (1.9, 1.0)],
            "elsewhere": [(1.9, 10.0), (2.1, 10.0), (2.1, 11.0), (1.9, 11.0)],
        },
    )


def test_country_dependencies_known_answer(strait_net):
    d = depends.country_dependencies(strait_net, "AAA", core=["CCC"])
    assert d.attrs["iso3"] == "AAA"
    assert d.attrs["baseline_tbps"] == pytest.approx(13.0)
    assert list(d.columns) == list(depends.COLUMNS)
    rows = d.set_index("id")
    assert rows.at["strait", "loss_pct"] == pytest.approx(100 * 10 / 13, abs=0.01)
    assert rows.at["strait", "remaining_tbps"] == pytest.approx(3.0)
    assert rows.at["x", "loss_pct"] == pytest.approx(100 * 10 / 13, abs=0.01)
    assert rows.at["z", "loss_pct"] == pytest.approx(100 * 3 / 13, abs=0.01)
    assert rows.at["elsewhere", "loss_pct"] == 0.0
    assert rows.at["x", "kind"] == "cable"
    assert rows.at["strait", "kind"] == "chokepoint"
    assert d["loss_pct"].is_monotonic_decreasing
    assert not d["isolated"].any()


def test_landlocked_country_depends_on_its_land_link(strait_net):
    d = depends.country_dependencies(strait_net, "BBB", core=["CCC"]).set_index("id")
    link = d[d["kind"] == "land link"]
    assert len(link) == 1
    assert link["loss_pct"].iloc[0] == 100.0
    assert bool(link["isolated"].iloc[0])
    assert link["name"].iloc[0] == "land link to Country AAA"
    # B's 2 Tbps fit in either of A's cables, except that X alone carries it across the strait
    assert d.at["strait", "loss_pct"] == 0.0  # Z (3 Tbps) still carries all of B's 2
    assert d.at["x", "loss_pct"] == 0.0


def test_dependency_matrix_known_answer(strait_net):
    m = depends.dependency_matrix(strait_net, core=["CCC"])
    assert list(m.columns) == ["strait", "elsewhere"]
    assert m.index.name == "iso3"
    assert "CCC" not in m.index  # the only core country has no other core to reach
    assert m.at["AAA", "strait"] == pytest.approx(76.92)
    assert m.at["BBB", "strait"] == 0.0
    assert (m["elsewhere"] == 0).all()
    assert m.attrs["names"]["AAA"] == "Country AAA"


def test_errors(strait_net):
    with pytest.raises(UnknownCountryError, match="did you mean"):
        depends.country_dependencies(strait_net, "AAB", core=["CCC"])
    with pytest.raises(CableSimError, match="no route to the core"):
        depends.country_dependencies(strait_net, "CCC", core=["CCC"])


@pytest.mark.slow
def test_real_network_egypt_depends_on_the_egyptian_approaches_more_than_france(world):
    egy = depends.country_dependencies(world, "EGY").set_index("id")
    fra = depends.country_dependencies(world, "FRA").set_index("id")
    assert egy.at["alexandria", "loss_pct"] > fra.at["alexandria", "loss_pct"] + 20
    assert egy.at["alexandria", "loss_pct"] > egy.at["english-channel", "loss_pct"]
    assert fra.at["english-channel", "loss_pct"] > egy.at["english-channel", "loss_pct"]
    # the cables Egypt depends on include the big Red Sea systems
    cables = egy[egy["kind"] == "cable"]
    assert {"seamewe-5", "asia-africa-europe-1-aae-1"} <= set(cables.index)


@pytest.mark.slow  # the dependency matrix against full simulations of the world network
def test_real_matrix_agrees_with_simulate(world):
    m = depends.dependency_matrix(world, chokepoints=["suez", "malacca"])
    assert m.shape[1] == 2
    assert len(m) > 150
    for cp in ("suez", "malacca"):
        r = cablesim.simulate({"name": cp, "events": [{"chokepoint": cp}]}, world)
        # the matrix is still the capacity view (not converted to traffic yet)
        loss = r.countries.set_index("iso3").loc[m.index, "capacity_loss_pct"]
        pd.testing.assert_series_equal(m[cp], loss, check_names=False, atol=0.01)
    assert m.at["SGP", "malacca"] > m.at["SGP", "suez"]


def test_a_country_on_one_cable_depends_on_it_wholly(branchy):
    """B hangs off cable X alone (as Tonga off the Tonga Cable in 2022: tests/cli below)."""
    d = depends.country_dependencies(branchy, "Country BBB", core=("CCC",))
    top = d.iloc[0]
    assert (top["id"], top["loss_pct"], bool(top["isolated"])) == ("x", 100.0, True)
    assert d.attrs["iso3"] == "BBB"
    a = depends.country_dependencies(branchy, "AAA", core=("CCC",)).set_index("id")
    assert a.at["x", "loss_pct"] == pytest.approx(100 * 10 / 15, abs=0.01)  # Y (5) of 15 stays
    assert not a.at["x", "isolated"]


@pytest.mark.slow  # Tonga's dependency lens on the 2022 world network, and a map
def test_cli_depends(tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        cli,
        ["depends", "TON", "--as-of", "2022", "--json", "--map", str(tmp_path / "ton.png")],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["iso3"] == "TON"
    assert data["dependencies"][0]["id"] == "tonga-cable"
    assert all(r["loss_pct"] > 0 for r in data["dependencies"])
    with Image.open(tmp_path / "ton.png") as im:
        assert im.size[0] >= 1600
    res = runner.invoke(cli, ["depends", "TON", "--as-of", "2022"], catch_exceptions=False)
    assert res.exit_code == 0
    assert "Tonga Cable" in res.output
    assert "100.0" in res.output
    res = runner.invoke(cli, ["depends", "TON", "--matrix"])
    assert res.exit_code == 2
    assert "not both" in res.output
    res = runner.invoke(cli, ["depends", "Atlantis"])
    assert res.exit_code == 2
    assert "unknown country" in res.output


@pytest.mark.slow
def test_cli_matrix_files(tmp_path, world):
    runner = CliRunner()
    out = tmp_path / "m.csv"
    res = runner.invoke(cli, ["depends", "--matrix", "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0
    m = pd.read_csv(out, index_col="iso3")
    assert m.columns[0] == "name"
    assert set(world.chokepoints["chokepoint_id"]) <= set(m.columns)
    assert m.at["EGY", "alexandria"] > m.at["FRA", "alexandria"]
    res = runner.invoke(
        cli, ["depends", "--matrix", "-o", str(tmp_path / "m.json")], catch_exceptions=False
    )
    data = json.loads((tmp_path / "m.json").read_text())
    egy = next(r for r in data["rows"] if r["iso3"] == "EGY")
    assert egy["alexandria"] == pytest.approx(m.at["EGY", "alexandria"])
    res = runner.invoke(cli, ["depends", "--matrix", "-o", str(tmp_path / "m.xlsx")])
    assert res.exit_code == 2
    assert "unknown output format '.xlsx'; use .json or .csv" in res.output
