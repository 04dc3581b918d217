"""Sweeps and minimal cuts: tiny networks with known answers, and facts on the real network."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import cablesim
from cablesim import parallel
from cablesim.analyses.sweep import element_event, minimal_cut, sweep
from cablesim.cli import cli
from cablesim.engine.state import Options
from cablesim.network import load_network
from cablesim.scenario.failures import event_effect


@pytest.fixture
def star(make_network):
    """A (two cables x, y of 10 to the core C), B (one cable z of 5, through A), D (one cable w of 4).

    a1 --x(10)-- c1, a1 --y(10)-- c1, b1 --z(5)-- a1, d1 --w(4)-- c1.  Core: CCC.
    """
    return make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", -2.0, 0.0, 0),
            "c1": ("CCC", 2.0, 0.0, 0),
            "d1": ("DDD", 2.0, 2.0, 0),
        },
        cables={
            "x": (10.0, [("a1", "c1")]),
            "y": (10.0, [("a1", "c1")]),
            "z": (5.0, [("b1", "a1")]),
            "w": (4.0, [("d1", "c1")]),
        },
    )


CORE = ("CCC",)


def test_tiny_sweep_ranking_and_worst_cases(star):
    # the capacity view; with traffic, x and y cost A nothing (its demand fits the other)
    r = sweep(star, "cable", core=CORE, measure="capacity")
    t = sweep(star, "cable", core=CORE).records.set_index("element")
    assert t.at["x", "severe"] == []
    assert t.at["z", "isolated"] == ["BBB"]
    rec = r.records.set_index("element")
    # z isolates B, w isolates D (impact 1 each; z loses more capacity), x and y halve A
    assert r.records["element"].tolist() == ["z", "w", "x", "y"]
    assert r.records["rank"].tolist() == [1, 2, 3, 4]
    assert rec.at["z", "isolated"] == ["BBB"]
    assert rec.at["w", "isolated"] == ["DDD"]
    assert rec.at["x", "isolated"] == []
    assert rec.at["x", "severe"] == ["AAA"]
    assert rec.at["x", "worst_country"] == "AAA"
    assert rec.at["x", "worst_loss_pct"] == pytest.approx(50.0)
    assert rec.at["z", "capacity_lost_tbps"] == pytest.approx(5.0)
    assert rec.at["x", "capacity_lost_tbps"] == pytest.approx(10.0)
    assert rec.at["z", "impact"] == pytest.approx(1.0)
    assert rec.at["x", "impact"] == pytest.approx(0.5)
    worst = r.worst_by_country.set_index("iso3")
    assert worst.at["BBB", "element"] == "z"
    assert worst.at["BBB", "isolated"]
    assert worst.at["DDD", "element"] == "w"
    assert worst.at["AAA", "element"] == "x"
    assert worst.at["AAA", "loss_pct"] == pytest.approx(50.0)


def test_tiny_sweep_rank_by_capacity(star):
    r = sweep(star, "cable", core=CORE, rank_by="capacity")
    assert r.records["element"].tolist() == ["x", "y", "z", "w"]


def test_tiny_n2_finds_the_pair_that_isolates_a(star):
    r = sweep(star, "cable", k=2, core=CORE, measure="capacity")
    top = r.records.iloc[0]
    assert top["elements"] == ["x", "y"]
    assert top["isolated"] == ["AAA", "BBB"]
    assert top["impact"] == pytest.approx(2.0)
    assert r.worst_by_country.set_index("iso3").at["AAA", "element"] == "x + y"
    # together x and y do what neither does alone, beyond the worse single in each country:
    # AAA 100% - 50%, BBB 100% - 0%; z and w are merely additive: dropped (one explains each)
    rec = r.records.set_index("element")
    assert rec.at["x + y", "synergy"] == pytest.approx(1.5)
    assert "w + z" not in rec.index
    assert "x + z" not in rec.index
    assert (
        sweep(star, "cable", k=2, core=CORE, rank_by="synergy").records["element"].iat[0] == "x + y"
    )


def test_tiny_sweep_matches_simulate(star):
    r = sweep(star, "cable", core=CORE)
    for cid in ("x", "z", "w"):
        sim = cablesim.simulate(
            cablesim.load_scenario(
                {"name": "t", "events": [{"cable": cid}], "options": {"core": list(CORE)}},
                network=star,
            ),
            network=star,
        )
        summary = sim.summary()
        rec = r.records.set_index("element").loc[cid]
        assert rec["isolated"] == sorted(summary["isolated"])
        assert rec["severe"] == sorted(summary["severe"])
        assert rec["capacity_lost_tbps"] == pytest.approx(summary["capacity_lost_tbps"], abs=1e-3)


def test_tiny_minimal_cut(star):
    assert minimal_cut(star, "AAA", core=CORE).cuts[0]["elements"] == ["x", "y"]
    b = minimal_cut(star, "BBB", core=CORE, alternatives=3)
    assert [c["elements"] for c in b.cuts] == [["z"], ["x", "y"]]  # nothing else cuts B off
    assert minimal_cut(star, "DDD", core=CORE, by="segment").best == ["w#1"]


def test_cable_cut_counts_a_cable_once(make_network):
    # cable m reaches the core twice (m#1 to c1, m#2 to c2), cable n once: 2 cables but 3 segments
    # (c2 on the core's hub land mass: since issue 15 only the hub is core)
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "c1": ("CCC", 2.0, 1.0, 0),
            "c2": ("CCC", 2.0, -1.0, 0),
        },
        cables={"m": (10.0, [("a1", "c1"), ("a1", "c2")]), "n": (10.0, [("a1", "c1")])},
    )
    assert minimal_cut(net, "AAA", core=CORE).best == ["m", "n"]
    seg = minimal_cut(net, "AAA", core=CORE, by="segment")
    assert seg.cuts[0]["size"] == 3
    # Menger: the segment cut equals the unit-capacity max flow (networkx)
    import networkx as nx

    g = nx.Graph()
    for s in net.segments.itertuples():
        g.add_edge(
            s.from_node,
            s.to_node,
            capacity=g.get_edge_data(s.from_node, s.to_node, {"capacity": 0})["capacity"] + 1,
        )
    g.add_edge("c1", "T", capacity=99)
    g.add_edge("c2", "T", capacity=99)
    assert nx.maximum_flow_value(g, "a1", "T") == 3


def test_minimal_cut_reasons(star, make_network):
    linked = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 2.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")])},
        links=[("AAA", "CCC", 1.0)],
    )
    res = minimal_cut(linked, "AAA", core=CORE)
    assert res.cuts == []
    assert "land links" in res.reason
    assert minimal_cut(linked, "AAA", core=CORE, land_links=True).best == ["border:AAA-CCC:0", "x"]


# ------------------------------------------------------------------------------ real network


@pytest.fixture(scope="module")
def world2021():
    """The June 2021 snapshot: the Red Sea facts below are about that network (on today's,
    2Africa and the cables since 2021 absorb any single Red Sea cable in traffic terms)."""
    return load_network("2021-06-30")


@pytest.fixture(scope="module")
def cable_sweep(world2021):
    return sweep(world2021, "cable")


@pytest.mark.slow
def test_full_cable_sweep_facts(world2021, cable_sweep):
    world = world2021
    r = cable_sweep
    assert r.complete
    assert len(r.records) == len(world.cables) == r.elements_total
    assert set(r.records["element"]) == set(world.cables["cable_id"])
    top = r.records.head(15)
    # the single cables of single-cable countries rank high (they isolate someone)
    assert (top["n_isolated"] > 0).sum() >= 3
    worst = r.worst_by_country.set_index("iso3")
    assert worst.at["TON", "element"] == "tonga-cable"
    assert worst.at["TON", "isolated"]
    rec = r.records.set_index("element")
    assert rec.at["tonga-cable", "isolated"] == ["TON"]
    # json records carry the documented keys
    d = r.to_dict(top=3)
    assert {
        "element",
        "kind",
        "isolated",
        "capacity_lost_tbps",
        "worst_country",
        "worst_loss_pct",
    } <= set(d["records"][0])


@pytest.mark.slow
def test_red_sea_systems_rank_high_in_the_cable_sweep(cable_sweep):
    top = cable_sweep.records.head(15)
    # the systems through Egypt and the Red Sea rank high
    red_sea = {
        "asia-africa-europe-1-aae-1",
        "seamewe-5",
        "seamewe-4",
        "flag-europe-asia-fea",
        "imewe",
        "europe-india-gateway-eig",
        "peace-cable",
        "tegrid",
        "aden-djibouti",
    }
    assert red_sea & set(top["element"])


@pytest.mark.parametrize(
    ("by", "elements"),
    [
        ("cable", ["seamewe-5", "tonga-cable", "asia-africa-europe-1-aae-1"]),
        # the same check for the other element kinds: four more world simulations and sweeps
        pytest.param(
            "landing-point", ["suva-fiji", "fujairah-united-arab-emirates"], marks=pytest.mark.slow
        ),
        pytest.param("chokepoint", ["suez", "bab-el-mandeb"], marks=pytest.mark.slow),
    ],
)
def test_sweep_equals_scenarios(world, by, elements):
    """Each element's record is what a scenario failing that element reports."""
    r = sweep(world, by, elements=elements)
    rec = r.records.set_index("element")
    for e in elements:
        ev = element_event(world, by, e)
        key = {"cable": "cable", "landing-point": "landing_point", "chokepoint": "chokepoint"}[by]
        sim = cablesim.simulate(
            cablesim.load_scenario({"name": e, "events": [{key: ev.params["id"]}]}, network=world),
            network=world,
        )
        s = sim.summary()
        assert rec.at[e, "isolated"] == sorted(s["isolated"]), e
        assert rec.at[e, "severe"] == sorted(s["severe"]), e
        assert rec.at[e, "capacity_lost_tbps"] == pytest.approx(
            s["capacity_lost_tbps"], abs=0.02
        ), e  # summary sums rounded values
        c = sim.countries[~sim.countries["was_isolated"]].set_index("iso3")
        i = {iso: j for j, iso in enumerate(r.countries)}
        k = list(r.records["element"]).index(e)
        got = r.loss[k, [i[x] for x in c.index]]
        assert np.allclose(got, c["loss_pct"].to_numpy(), atol=0.006), e


@pytest.mark.slow  # every cable and a seventh of the landing points of the world network
def test_element_failures_are_the_scenario_events(world):
    """The precomputed element -> segments maps fail exactly what the events fail."""
    for by, sample in (
        ("cable", list(world.cables["cable_id"])),
        ("landing-point", list(world.landing_points["landing_point_id"])[::7]),
    ):
        state = sweep.__globals__["_build_sweep"](world, by=by, options=Options())
        for e in sample:
            eff = event_effect(world, element_event(world, by, e))
            assert np.array_equal(state.edges[e], state.ev.edges_of(eff.segments)), e


@pytest.mark.slow
def test_parallel_and_dask_equal_serial(world):
    from distributed import LocalCluster

    els = list(world.cables.sort_values("capacity_tbps")["cable_id"].iloc[::12])
    serial = sweep(world, "cable", elements=els)
    pooled = sweep(world, "cable", elements=els, workers=2)
    assert serial.to_dict() == pooled.to_dict()
    with LocalCluster(n_workers=2, processes=False, dashboard_address=":0") as cluster:
        dask = sweep(world, "cable", elements=els, scheduler=cluster.scheduler_address)
    assert serial.to_dict() == dask.to_dict()


def test_ctrl_c_keeps_finished_results(world, monkeypatch):
    calls = {"n": 0}
    real = sweep.__globals__["_sweep_chunk"]

    def flaky(state, combos):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(state, combos)

    monkeypatch.setitem(sweep.__globals__, "_sweep_chunk", flaky)
    monkeypatch.setattr(parallel, "chunk_size", lambda *a, **k: 5)
    els = list(world.cables["cable_id"][:30])
    r = sweep(world, "cable", elements=els)
    assert not r.complete
    assert len(r.records) == 10  # two chunks of 5 finished before the interrupt
    assert any("Interrupted" in n for n in r.notes)


def test_real_minimal_cuts(world):
    ton = minimal_cut(world, "Tonga", alternatives=1)
    assert ton.best == ["tonga-cable"]
    assert len(ton.cuts) == 2
    assert ton.cuts[1]["size"] >= 2
    assert "tonga-cable" not in ton.cuts[1]["elements"]
    fra = minimal_cut(world, "FRA")
    assert fra.cuts == []
    assert "land links" in fra.reason


def test_bad_input(world):
    with pytest.raises(cablesim.CableSimError, match="sweep kind"):
        sweep(world, "cables")
    with pytest.raises(cablesim.UnknownCableError, match="did you mean"):
        sweep(world, "cable", elements=["tonga-cabel"])
    with pytest.raises(cablesim.CableSimError, match="k must be 1 or 2"):
        sweep(world, "cable", k=3)


def test_cli_sweep_json_and_csv(tmp_path):
    runner = CliRunner()
    res = runner.invoke(
        cli,
        [
            "sweep",
            "--element",
            "tonga-cable",
            "--element",
            "seamewe-5",
            "--json",
            "-o",
            str(tmp_path / "s.csv"),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    rec = {r["element"]: r for r in data["records"]}
    assert rec["tonga-cable"]["isolated"] == ["TON"]
    assert rec["tonga-cable"]["kind"] == "cable"
    assert "tonga-cable" in (tmp_path / "s.csv").read_text()
    res = runner.invoke(cli, ["minimal-cut", "Tonga", "--json"])
    assert res.exit_code == 0
    assert json.loads(res.stdout)["cuts"][0]["elements"] == ["tonga-cable"]
    res = runner.invoke(cli, ["sweep", "--by", "chokepoint", "--element", "nowhere"])
    assert res.exit_code == 2
    assert "unknown chokepoint" in res.output
    res = runner.invoke(cli, ["sweep", "--element", "tonga-cable", "-o", str(tmp_path / "s.txt")])
    assert res.exit_code == 2
    assert ".json" in res.output
