"""Monte Carlo risk: statistics, the fault model, exactness, determinism and the known contrasts."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

import cablesim
from cablesim.analyses import risk
from cablesim.cli import cli
from cablesim.engine.state import Options
from cablesim.scenario import DEFAULT_CORE


def test_wilson_known_values():
    lo, hi = risk.wilson(0, 10)
    assert lo == 0.0
    assert hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = risk.wilson(5, 10)
    assert (lo, hi) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert risk.wilson(10, 10)[1] == 1.0


def test_quantile_ci_order_statistics():
    x = np.arange(1, 101, dtype=float)
    est, lo, hi = risk.quantile_ci(x, 0.5)
    assert est == 50.0
    assert lo == 40.0
    assert hi == 61.0
    est, lo, hi = risk.quantile_ci(x, 0.99)
    assert est == 99.0
    assert hi == 100.0
    assert lo <= 99.0


def test_fault_weights_favour_shallow_water(make_network):
    # a1 -- bu (deep, long) -- c1; and a short coastal cable a1 -- c1
    net = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 20.0, 0.0, 0)},
        branching_units={"bu:x:1": (10.0, 0.0)},
        cables={"x": (10.0, [("a1", "bu:x:1"), ("bu:x:1", "c1")]), "y": (1.0, [("a1", "c1")])},
    )
    fw = risk.fault_weights(net).set_index("segment_id")
    assert fw["weight"].sum() == pytest.approx(1.0)
    # a segment with one landing end has 80 km of shallow water, one with two ends 160 km
    assert fw.at["x#1", "shallow_km"] == pytest.approx(risk.SHALLOW_KM)
    assert fw.at["y#1", "shallow_km"] == pytest.approx(2 * risk.SHALLOW_KM)
    shallow = fw["shallow_km"] / fw["shallow_km"].sum()
    length = fw["length_km"] / fw["length_km"].sum()
    expected = risk.SHALLOW_SHARE * shallow + (1 - risk.SHALLOW_SHARE) * length
    assert np.allclose(fw["weight"], expected)


def test_repair_time_distribution():
    rng = np.random.default_rng(0)
    d = rng.lognormal(math.log(risk.REPAIR_MEDIAN_DAYS), risk._repair_sigma(), 200_000)
    assert np.median(d) == pytest.approx(risk.REPAIR_MEDIAN_DAYS, rel=0.02)
    assert np.percentile(d, 95) == pytest.approx(risk.REPAIR_P95_DAYS, rel=0.03)


@pytest.fixture(scope="module")
def mc_state(world):
    return risk._build_mc(world, options=Options(core=DEFAULT_CORE))


@pytest.mark.slow
@pytest.mark.parametrize("floor", [10.0, 50.0])
def test_trials_equal_brute_force(mc_state, floor):
    """The bounded search finds exactly the worst state that evaluating every instant finds."""
    ev = mc_state.ev
    b = ev.baseline
    for i in range(2):
        rng = np.random.default_rng(np.random.SeedSequence(11, spawn_key=(i,)))
        configs = risk._sample(mc_state, rng, 1.0, risk.FAULTS_PER_YEAR)
        worst, iso = risk._trial(mc_state, configs, floor)
        vals, reach = ev.evaluate(configs, reach="all")  # every instant, every country, exactly
        loss = np.where(mc_state.eligible, 100 * (1 - vals / np.where(b > 0, b, 1)), 0).clip(0, 100)
        brute = loss.max(axis=0)
        assert np.array_equal(iso, (ev.reach0 & ~reach).any(axis=0) & mc_state.eligible)
        above = brute >= floor
        assert np.allclose(worst[above], brute[above], atol=1e-6)
        assert (worst[~above] == -1).all()


def test_trials_never_cut_more_than_sampled(mc_state):
    rng = np.random.default_rng(3)
    configs = risk._sample(mc_state, rng, 2.0, risk.FAULTS_PER_YEAR)
    assert configs
    assert all(len(c) and (np.diff(c) > 0).all() for c in configs)
    # about 175 faults a year, about 17 days each: about ten under repair at any time
    assert 3 < np.mean([len(c) for c in configs]) < 25


@pytest.mark.slow
def test_tonga_far_more_at_risk_than_france(world):
    r = risk.montecarlo(world, trials=400, seed=5)
    ton, fra = r.country("TON"), r.country("FRA")
    assert ton["p_isolated"] > 0.05
    assert fra["p_isolated"] == 0.0
    assert ton["p_isolated_lo"] > fra["p_isolated_hi"]
    assert ton["p_severe"] >= ton["p_isolated"]
    assert r.trials == 400
    assert r.complete


@pytest.mark.slow
def test_same_seed_same_numbers_whatever_the_workers(regional):
    """Serial, a process pool and Dask give the same tally (on a third of the world network:
    the equality does not need all of it)."""
    from distributed import LocalCluster

    core = ("GBR", "DEU", "FRA", "NLD")
    serial = risk.montecarlo(regional, trials=60, seed=9, chunk=7, core=core)
    pooled = risk.montecarlo(regional, trials=60, seed=9, workers=2, chunk=13, core=core)
    assert serial.tally == pooled.tally
    assert serial.tally.trials == 60
    with LocalCluster(n_workers=2, processes=False, dashboard_address=":0") as cluster:
        dask = risk.montecarlo(
            regional, trials=60, seed=9, scheduler=cluster.scheduler_address, chunk=11, core=core
        )
    assert serial.tally == dask.tally
    assert serial.to_dict() == dask.to_dict()
    other = risk.montecarlo(regional, trials=60, seed=10, core=core)
    assert serial.tally != other.tally


def test_interrupt_keeps_finished_trials(world, monkeypatch):
    calls = {"n": 0}
    real = risk._mc_chunk

    def flaky(state, payload):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(state, payload)

    monkeypatch.setattr(risk, "_mc_chunk", flaky)
    r = risk.montecarlo(world, trials=30, seed=1, chunk=10)
    assert not r.complete
    assert r.trials == 10
    assert r.trials_requested == 30
    assert any("Interrupted" in n for n in r.notes)


@pytest.mark.slow
def test_capacity_uncertainty_band(regional):
    r = risk.capacity_uncertainty("tonga-2022", trials=3, seed=2)
    assert r.country("TON")["loss_pct"] == 100.0
    assert r.country("TON")["loss_p5"] == 100.0  # structural: no capacity draw reconnects Tonga
    doc = {"name": "i", "events": [{"cable": "imewe"}], "options": {"core": ["GBR", "FRA"]}}
    sc = cablesim.load_scenario(doc, network=regional)  # the bands' arithmetic: a third will do
    u = risk.capacity_uncertainty(sc, regional, trials=12, seed=4)
    sim = cablesim.simulate(sc, network=regional).countries.set_index("iso3")
    df = u.countries.set_index("iso3")
    for iso in df.index:  # the nominal column is the scenario's capacity loss
        assert df.at[iso, "loss_pct"] == pytest.approx(sim.at[iso, "capacity_loss_pct"], abs=0.011)
    assert (df["loss_p5"] <= df["loss_p50"]).all()
    assert (df["loss_p50"] <= df["loss_p95"]).all()
    assert (df["loss_p95"] > df["loss_p5"]).any()  # estimated capacities do move the losses
    again = risk.capacity_uncertainty(sc, regional, trials=12, seed=4, workers=2)
    assert u.to_dict() == again.to_dict()


def test_bad_arguments(world, monkeypatch):
    import distributed

    with pytest.raises(cablesim.CableSimError, match="trials"):
        risk.montecarlo(world, trials=0)
    with pytest.raises(cablesim.CableSimError, match="years"):
        risk.montecarlo(world, trials=5, years=0)

    def unreachable(address, **kwargs):
        raise OSError(f"Timed out trying to connect to {address}")

    monkeypatch.setattr(distributed, "Client", unreachable)
    with pytest.raises(cablesim.CableSimError, match="cannot reach the Dask scheduler"):
        risk.montecarlo(world, trials=5, scheduler="tcp://127.0.0.1:9")


@pytest.mark.slow  # a Monte Carlo run on the world network
def test_cli_montecarlo_json(tmp_path):
    res = CliRunner().invoke(
        cli,
        ["montecarlo", "--trials", "40", "--seed", "2", "--json", "-o", str(tmp_path / "mc.csv")],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["model"]["trials"] == 40
    assert data["model"]["seed"] == 2
    row = data["countries"][0]
    assert {
        "iso3",
        "p_isolated",
        "p_isolated_lo",
        "p_isolated_hi",
        "p_severe",
        "loss_p50",
        "loss_p90",
        "loss_p99",
        "loss_p99_lo",
        "loss_p99_hi",
    } <= set(row)
    assert "TON" in (tmp_path / "mc.csv").read_text()
