"""Planning: compare two networks under the same events, N-1 and the resilience ranking."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cablesim
from cablesim import maps
from cablesim.analyses import plan
from cablesim.cli import cli
from cablesim.exceptions import CableSimError, ScenarioError
from cablesim.report import compare as rcompare


@pytest.fixture
def pair(make_network):
    """A (a1) reaches the core C (c1) over cable X (10 Tbps) and cable Y (5 Tbps)."""
    return make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 4.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")]), "y": (5.0, [("a1", "c1")])},
    )


def test_single_failures_are_exact(pair):
    n1 = plan.single_failures(pair, "AAA", core=("CCC",))
    assert n1[["cable_id", "remaining_tbps", "loss_pct"]].values.tolist() == [
        ["x", 5.0, pytest.approx(66.67, abs=0.01)],
        ["y", 10.0, pytest.approx(33.33, abs=0.01)],
    ]
    assert n1["lands"].all()
    w = plan.worst_single_failure(pair, "AAA", core=("CCC",))
    assert (w["cable_id"], w["baseline_tbps"], w["remaining_tbps"]) == ("x", 15.0, 5.0)


def test_resilience_ranks_candidates_on_a_tiny_network(pair):
    cands = [
        {
            "kind": "hypothetical",
            "cable_id": "small",
            "name": "small",
            "capacity_tbps": 1.0,
            "landing_points": [["id", "a1"], ["id", "c1"]],
            "route": None,
        },
        {
            "kind": "hypothetical",
            "cable_id": "big",
            "name": "big",
            "capacity_tbps": 20.0,
            "landing_points": [["id", "a1"], ["id", "c1"]],
            "route": None,
        },
    ]
    res = plan.resilience("AAA", cands, network=pair, core=("CCC",))
    r = res.ranking.set_index("cable_id")
    assert res.today["loss_pct"] == pytest.approx(66.67, abs=0.01)
    # with 'big', losing X leaves 25 Tbps (no loss against today's 15); losing 'big' itself leaves 15
    assert r.at["big", "worst_loss_pct"] == 0.0
    assert r.at["big", "worst_remaining_tbps"] == 15.0
    assert r.at["big", "reduction_pp"] == pytest.approx(66.67, abs=0.01)
    # with 'small', losing X leaves 6 of today's 15
    assert r.at["small", "worst_loss_pct"] == pytest.approx(60.0)
    assert r.at["small", "gain_tbps"] == pytest.approx(1.0)
    assert res.ranking["cable_id"].tolist() == ["big", "small"]
    assert res.ranking["rank"].tolist() == [1, 2]
    assert json.loads(json.dumps(res.to_dict()))["ranking"][0]["cable_id"] == "big"


def test_compare_a_variant_with_an_added_cable(pair):
    # the capacity view; with traffic A's demand fits the 5 Tbps left (both unaffected)
    doc = {
        "name": "t",
        "options": {"core": ["CCC"], "measure": "capacity"},
        "events": [{"cable": "x"}],
    }
    a = cablesim.load_scenario(doc, network=pair)
    b = cablesim.load_scenario(
        {**doc, "add": [{"id": "z", "landing_points": ["a1", "c1"], "capacity_tbps": 15}]},
        network=pair,
    )
    comp = plan.compare(a, b, network=pair)
    row = comp.table.set_index("iso3").loc["AAA"]
    # A: 5 of 15 Tbps left (67% lost); B: 20 of 30 (33% lost)
    assert (row["status_a"], row["status_b"]) == ("severe", "degraded")
    assert row["remaining_tbps_a"] == 5.0
    assert row["remaining_tbps_b"] == 20.0
    assert row["d_loss_pct"] == pytest.approx(-100 / 3, abs=0.01)
    assert comp.focus == ["AAA"]
    e = comp.explanations["AAA"]
    assert [c["cable_id"] for c in e["only_b"]] == ["z"]
    assert e["failed_a"] == ["x"]
    assert "1 cable lands there only on" in e["text"]


# ------------------------------------------------------------------------------ 2008 vs 2021


@pytest.fixture(scope="module")
def alexandria():
    return plan.compare(cablesim.find_scenario("compare-alexandria-2008-2021"))


def test_egypt_and_india_became_more_resilient(alexandria):
    t = alexandria.table.set_index("iso3")
    assert t.at["EGY", "status_a"] in ("degraded", "severe")
    assert t.at["EGY", "loss_pct_b"] < t.at["EGY", "loss_pct_a"] - 10
    for iso in ("EGY", "IND"):
        assert t.at[iso, "loss_pct_b"] <= t.at[iso, "loss_pct_a"]
        assert t.at[iso, "remaining_tbps_b"] > 5 * t.at[iso, "remaining_tbps_a"]
    assert alexandria.label_a == "the 2008-01-30 network"
    assert alexandria.label_b == "the 2021 network"
    assert alexandria.focus == ["EGY", "IND", "SAU", "ARE", "PAK"]


def test_india_hit_in_2008_and_less_in_2021(alexandria):
    t = alexandria.table.set_index("iso3")
    assert t.at["IND", "status_a"] in ("degraded", "severe")
    assert t.at["IND", "loss_pct_b"] < t.at["IND", "loss_pct_a"] - 10


def test_the_why_names_the_cables_added_since(alexandria):
    egy = alexandria.explanations["EGY"]
    added = {c["cable_id"] for c in egy["only_b"]}
    assert {"asia-africa-europe-1-aae-1", "seamewe-5", "europe-india-gateway-eig", "imewe"} <= added
    assert all(c["rfs_year"] > 2008 for c in egy["only_b"])
    assert "Asia Africa Europe-1 (AAE-1)" in egy["text"]
    assert "SeaMeWe-5" in egy["text"]
    ind = alexandria.explanations["IND"]
    assert {"bay-of-bengal-gateway-bbg", "asia-africa-europe-1-aae-1"} <= {
        c["cable_id"] for c in ind["only_b"]
    }
    # the same three cables fail on both networks
    assert set(egy["failed_a"]) == set(egy["failed_b"])
    assert {"flag-europe-asia-fea", "seamewe-4"} <= set(egy["failed_a"])
    assert egy["worst_single_failure_b"]["loss_pct"] < egy["worst_single_failure_a"]["loss_pct"]


def test_compare_outputs(alexandria, tmp_path):
    data = json.loads(rcompare.to_json(alexandria))
    assert data["a"]["as_of"] == "2008-01-30"
    assert data["b"]["as_of"] == "2021-06-30"
    assert "EGY" in data["explanations"]
    assert rcompare.to_csv(alexandria).startswith("iso3,name,status_a,status_b")
    md = rcompare.to_markdown(alexandria)
    assert "## Why" in md
    assert "| EGY |" in md
    path = maps.save_difference_map(alexandria, tmp_path / "d.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


# ------------------------------------------------------------------------------ compare: block and CLI


@pytest.mark.parametrize(
    ("block", "where", "message"),
    [
        (
            "  as_of: 2021-06-30\n  contries: [EGY]\n",
            "<string>:5: compare.contries",
            "did you mean 'countries'",
        ),
        ("  name: x\n", "<string>:3: compare", "names no variant"),
        ("  as_of: 20211-06-30\n", "<string>:4: compare.as_of", "must be a date"),
        (
            "  as_of: 2021-06-30\n  countries: [EGYPTE]\n",
            "<string>:5: compare.countries[0]",
            "unknown country",
        ),
        (
            "  add: [{cable: 2afrca}]\n",
            "<string>:4: compare.add[0].cable",
            "did you mean '2africa'",
        ),
    ],
)
def test_bad_compare_blocks(world, block, where, message):
    text = "name: t\nevents: [{cable: tonga-cable}]\ncompare:\n" + block
    with pytest.raises(ScenarioError) as err:
        cablesim.load_scenario(text, network=world)
    assert where in str(err.value), str(err.value)
    assert message in str(err.value)


def test_nothing_to_compare(pair):
    sc = cablesim.load_scenario(
        {"name": "t", "options": {"core": ["CCC"]}, "events": [{"cable": "x"}]}, network=pair
    )
    with pytest.raises(CableSimError, match="nothing to compare with"):
        plan.compare(sc)


def test_cli_compare_and_resilience(tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "compare",
            "tonga-2022",
            "whatif-tonga-second-cable",
            "--json",
            "-o",
            str(tmp_path / "c.md"),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output[res.output.index("{") :])
    ton = next(c for c in data["countries"] if c["iso3"] == "TON")
    assert (ton["status_a"], ton["status_b"]) == ("isolated", "unaffected")
    assert "Tonga-Samoa link" in (tmp_path / "c.md").read_text()
    res = runner.invoke(cli, ["compare", "tonga-2022"])
    assert res.exit_code == 2
    assert "nothing to compare with" in res.output
    res = runner.invoke(
        cli,
        [
            "resilience",
            "Tonga",
            "--as-of",
            "2022-01-15",
            "--json",
            "--add",
            "nukualofa-tonga;apia-samoa@10",
            "--add",
            "nukualofa-tonga;-17.7,178.0@1",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["today"]["loss_pct"] == 100.0
    assert [r["capacity_tbps"] for r in data["ranking"]] == [10.0, 1.0]
    res = runner.invoke(cli, ["resilience", "TON", "--add", "apia-samoa;suva-fiji@-4"])
    assert res.exit_code == 2
    assert "must be greater than 0" in res.output


@pytest.mark.slow  # two simulations of the 2024 world network, one with 2Africa added
def test_cli_compare_with_an_added_cable():
    res = CliRunner().invoke(cli, ["compare", "west-africa-2024", "--add", "2africa"])
    assert res.exit_code == 0, res.output
    assert "Côte d'Ivoire" in res.output  # "(CIV)" may wrap in a narrow table
    assert "2Africa" in res.output


@pytest.mark.slow
def test_resilience_with_the_monte_carlo_isolation_probability():
    net = cablesim.load_network("2022-01-15")
    res = plan.resilience(
        "TON", ["nukualofa-tonga;apia-samoa@10"], network=net, isolation=True, samples=100, seed=3
    )
    p_today = res.today["isolation_probability"]
    p_with = res.ranking.iloc[0]["isolation_probability"]
    assert p_today > 0.02  # a single-cable country is cut off in some simulated years
    assert p_with < p_today  # a second cable on another route makes that rarer
    assert any("simulated years" in n for n in res.notes)
