"""Monte Carlo memory stays bounded with the same numbers (issue 14, item 11)."""

from __future__ import annotations

import numpy as np
import pytest

from cablesim import _tally, parallel, risk
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
