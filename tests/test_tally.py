"""Monte Carlo memory stays bounded with the same numbers (issue 14, item 11)."""

from __future__ import annotations

import numpy as np
import pytest

from cablesim import parallel
from cablesim.analyses import risk
from cablesim.analyses import tally as _tally
from cablesim.engine import batch as _batch


def test_tally_rebuilds_the_dense_columns_exactly():
    rng = np.random.default_rng(4)
    n, c = 97, 11
    worst = np.where(rng.random((n, c)) < 0.2, rng.uniform(50, 100, (n, c)), -1.0)
    iso = rng.random((n, c)) < 0.05
    tally = _tally.Tally(c)
    for lo in range(0, n, 10):
        tally.add(_tally.Chunk.of(lo, worst[lo : lo + 10], iso[lo : lo + 10]))
    assert tally.trials == n
    assert np.array_equal(tally.isolated, iso.sum(axis=0))
    for k in range(c):
        assert np.array_equal(tally.column(k), worst[:, k])
    assert tally.recorded() == int((worst >= 0).sum())  # only the losses above the floor


@pytest.mark.slow  # two Monte Carlo runs on the world network
def test_bounded_flow_cache_gives_the_same_numbers(world, monkeypatch):
    """A tiny cache bound (restarts all the time) changes nothing in the result."""
    free = risk.montecarlo(world, trials=40, seed=2, chunk=40, progress=False)
    parallel._STATE.clear()
    monkeypatch.setattr(_batch, "_CACHE_BYTES", 64 * 1024)
    bounded = risk.montecarlo(world, trials=40, seed=2, chunk=40, progress=False)
    state = next(iter(parallel._STATE.values()))
    limit = _batch._CACHE_BYTES // (8 * state.ev._tpf.shape[1] + 1)
    assert len(state.ev._entries) <= limit + 1
    assert bounded.to_dict() == free.to_dict()
    assert bounded.tally == free.tally
    parallel._STATE.clear()


def test_tally_does_not_depend_on_the_order_chunks_finish():
    """Chunks streamed in as workers finish them (any order) give the same tally."""
    rng = np.random.default_rng(7)
    n, c = 120, 9
    worst = np.where(rng.random((n, c)) < 0.3, rng.uniform(50, 100, (n, c)), -1.0)
    iso = rng.random((n, c)) < 0.05
    chunks = [_tally.Chunk.of(lo, worst[lo : lo + 25], iso[lo : lo + 25]) for lo in range(0, n, 25)]
    in_order, shuffled = _tally.Tally(c), _tally.Tally(c)
    for ch in chunks:
        in_order.add(ch)
    for k in rng.permutation(len(chunks)):
        shuffled.add(chunks[k])
    assert shuffled == in_order
    for k in range(c):
        assert np.array_equal(shuffled.column(k), worst[:, k])
    gap = _tally.Tally(c)  # an interrupted run: the middle chunk never finished
    for ch in (chunks[3], chunks[0], chunks[4], chunks[1]):
        gap.add(ch)
    kept = np.concatenate([worst[0:50], worst[75:]])
    assert gap.trials == len(kept)
    for k in range(c):
        assert np.array_equal(gap.column(k), kept[:, k])


def test_bands_are_numpy_percentiles_in_fixed_memory():
    """The capacity-draw bands: numpy's percentiles of the losses at 0.01 point, fixed memory."""
    rng = np.random.default_rng(3)
    x = np.where(rng.random((3001, 4)) < 0.2, 100.0, rng.uniform(0, 100, (3001, 4)))
    x[:, 3] = 0.0
    bands = _tally.Bands(4, 50.0)
    size = bands.counts.nbytes
    for k in rng.permutation(np.arange(0, len(x), 97)):  # chunks in any order
        bands.add(x[k : k + 97])
    assert bands.counts.nbytes == size  # memory does not grow with the draws
    assert bands.n == len(x)
    assert np.array_equal(bands.above, (x >= 50.0).sum(axis=0))  # exact, not rounded
    for j in range(4):
        for q in (0, 5, 50, 95, 100):
            got = bands.percentile(j, q)
            assert got == pytest.approx(np.percentile(np.round(x[:, j], 2), q), abs=1e-9)
            assert abs(got - np.percentile(x[:, j], q)) <= 0.005 + 1e-9
    assert np.isnan(_tally.Bands(1, 50.0).percentile(0, 50))


class _Held:
    """A batch result that can be watched by a weak reference."""

    def __init__(self, i):
        self.i = i


def _make(state, payload):
    return _Held(payload)


def _build(network):
    return None


@pytest.mark.parametrize("workers", [1, 2])
def test_run_batches_streams_results_without_keeping_them(branchy, workers):
    """With ``collect``, each batch's value is handed over once and not kept anywhere (the
    network only travels to the workers: a tiny one does)."""
    import gc
    import weakref

    ctx = parallel.make_context(branchy, _build)
    seen, refs = [], []

    def collect(i, value):
        seen.append((i, value.i))
        refs.append(weakref.ref(value))

    run = parallel.run_batches(
        ctx, _make, list(range(12)), workers=workers, progress=False, collect=collect
    )
    gc.collect()
    assert sorted(seen) == [(i, i) for i in range(12)]
    assert run.results == [True] * 12
    assert run.done == 12
    assert all(r() is None for r in refs)  # no batch value outlived its collect call


def test_capacity_uncertainty_bands_match_the_exact_draws(world):
    """Streamed bands agree with numpy's percentiles over all the draws kept in memory."""
    import cablesim

    sc = cablesim.load_scenario({"name": "s5", "events": [{"cable": "seamewe-5"}]}, network=world)
    u = risk.capacity_uncertainty(sc, world, trials=8, seed=4, progress=False)
    state = next(
        s for s in parallel._STATE.values() if isinstance(s, risk._CUState)
    )  # the state the run used
    draws = risk._cu_chunk(state, (4, 0, 8))
    df = u.countries.set_index("iso3")
    assert u.trials == 8
    assert len(df)
    for j, c in enumerate(state.candidates):
        iso = state.ev.countries[c]
        if iso not in df.index:
            continue
        for q in (5, 50, 95):
            exact = round(float(np.percentile(draws[:, j], q)), 2)
            assert df.at[iso, f"loss_p{q}"] == pytest.approx(exact, abs=0.0100001)
        assert df.at[iso, "p_severe"] == (draws[:, j] >= 50).mean()


def test_montecarlo_capacity_measure(world):
    """``measure="capacity"`` (what the memory benchmark runs at 100,000 trials) is reported."""
    import cablesim

    r = risk.montecarlo(world, trials=20, seed=1, measure="capacity", progress=False)
    assert r.to_dict()["model"]["loss_of"] == "capacity"
    assert r.trials == 20
    assert r.tally.trials == 20
    with pytest.raises(cablesim.CableSimError, match="measure"):
        risk.montecarlo(world, trials=5, measure="bytes")
