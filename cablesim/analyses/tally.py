"""Monte Carlo aggregates kept in bounded memory (issue 14, item 11).

A fault trial records, for every country, its worst loss over the period
(``-1`` when below the loss floor) and whether it was cut off. Kept as dense
``trials x countries`` arrays, plus the evaluator's caches, that grew without
bound. Each chunk of trials is reduced at once to a :class:`Chunk`: the
isolation count per country and only the losses at or above the floor
(sparse: trial, country, loss); a :class:`Tally` adds chunks as they finish,
in any order (the trials finished are numbered consecutively in trial order,
so the tally does not depend on the order). The summary's numbers are exactly
those of the dense arrays: a country's column is rebuilt on demand
(:meth:`Tally.column`) with ``-1`` elsewhere.

Capacity draws (:func:`cablesim.analyses.risk.capacity_uncertainty`) keep, per
country, a fixed histogram of the loss at 0.01 percentage point
(:class:`Bands`): 10,001 counts whatever the number of draws.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Bands", "Chunk", "Tally"]


@dataclass(frozen=True)
class Chunk:
    """Trials ``lo`` to ``hi``: isolation counts and the losses at or above the floor."""

    lo: int
    hi: int
    isolated: np.ndarray  # int64 count per country
    trial: np.ndarray  # int64 trial index of each recorded loss
    country: np.ndarray  # int32 country index
    loss: np.ndarray  # float64 percent

    @classmethod
    def of(cls, lo: int, worst: np.ndarray, isolated: np.ndarray) -> Chunk:
        """Reduce dense ``trials x countries`` arrays of trials ``lo, lo + 1, ...``."""
        rows, cols = np.nonzero(worst >= 0)
        return cls(
            lo=int(lo),
            hi=int(lo) + len(worst),
            isolated=isolated.sum(axis=0).astype(np.int64),
            trial=(rows + int(lo)).astype(np.int64),
            country=cols.astype(np.int32),
            loss=worst[rows, cols].astype(np.float64),
        )


@dataclass
class Tally:
    """The sum of chunks: trials done, isolation counts, sparse worst losses."""

    n_countries: int
    trials: int = 0
    isolated: np.ndarray = field(default=None)  # type: ignore[assignment]
    _parts: list[Chunk] = field(default_factory=list, repr=False)
    _by_country: dict[int, tuple[np.ndarray, np.ndarray]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.isolated is None:
            self.isolated = np.zeros(self.n_countries, dtype=np.int64)

    def add(self, chunk: Chunk) -> None:
        """Add the trials of ``chunk`` (in any order; gaps left by unfinished chunks close up)."""
        self._parts.append(chunk)
        self.trials += chunk.hi - chunk.lo
        self.isolated += chunk.isolated
        self._by_country = None

    def _index(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        if self._by_country is None:
            parts = sorted(self._parts, key=lambda p: p.lo)
            starts = np.cumsum([0] + [p.hi - p.lo for p in parts])
            trial = np.concatenate(
                [p.trial - p.lo + s for p, s in zip(parts, starts, strict=False)]
                or [np.zeros(0, np.int64)]
            )
            country = np.concatenate([p.country for p in parts] or [np.zeros(0, np.int32)])
            loss = np.concatenate([p.loss for p in parts] or [np.zeros(0)])
            order = np.argsort(country, kind="stable")
            bounds = np.searchsorted(country[order], np.arange(self.n_countries + 1))
            self._by_country = {
                c: (trial[order[a:b]], loss[order[a:b]])
                for c, (a, b) in enumerate(itertools.pairwise(bounds))
                if b > a
            }
        return self._by_country

    def column(self, c: int) -> np.ndarray:
        """Worst loss of country ``c`` in every trial (``-1`` below the floor)."""
        out = np.full(self.trials, -1.0)
        hit = self._index().get(int(c))
        if hit is not None:
            out[hit[0]] = hit[1]
        return out

    def recorded(self) -> int:
        """Number of (trial, country) losses kept: the memory used grows with this only."""
        return sum(len(p.loss) for p in self._parts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tally):
            return NotImplemented
        if (self.n_countries, self.trials) != (other.n_countries, other.trials):
            return False
        if not np.array_equal(self.isolated, other.isolated):
            return False
        a, b = self._index(), other._index()
        return a.keys() == b.keys() and all(
            np.array_equal(a[c][0], b[c][0]) and np.array_equal(a[c][1], b[c][1]) for c in a
        )


BINS = 10_001
"""Histogram bins of :class:`Bands`: losses 0.00, 0.01, ..., 100.00 percent."""


class Bands:
    """Loss distributions of several countries over draws, in memory fixed by the bins.

    Each loss (percent, 0-100) is counted in the bin of its value rounded to
    0.01 point; the count at or above ``threshold`` is kept exactly, from the
    unrounded values. Quantiles are those of :func:`numpy.percentile` (linear
    interpolation) over the rounded values: within 0.005 point of the
    quantiles of the exact values. Adding draws in any order gives the same
    bands.

    Parameters
    ----------
    n_countries
        Number of columns of the draws added.
    threshold
        Losses at or above it are counted in :attr:`above` (exactly).
    """

    def __init__(self, n_countries: int, threshold: float) -> None:
        self.threshold = float(threshold)
        self.counts = np.zeros((n_countries, BINS), dtype=np.int64)
        self.above = np.zeros(n_countries, dtype=np.int64)
        self.n = 0

    def add(self, draws: np.ndarray) -> None:
        """Count ``draws`` (draws x countries, percent)."""
        draws = np.asarray(draws, dtype=float).reshape(-1, self.counts.shape[0])
        if not len(draws):
            return
        b = np.clip(np.rint(draws * 100.0), 0, BINS - 1).astype(np.int64)
        flat = (np.arange(self.counts.shape[0])[None, :] * BINS + b).ravel()
        counts = self.counts + np.bincount(flat, minlength=self.counts.size).reshape(
            self.counts.shape
        )
        above = self.above + (draws >= self.threshold).sum(axis=0)
        self.counts, self.above, self.n = counts, above, self.n + len(draws)

    def percentile(self, j: int, q: float) -> float:
        """The ``q`` percentile (0-100) of country ``j``'s losses (NaN without draws)."""
        if not self.n:
            return float("nan")
        cum = np.cumsum(self.counts[j])
        h = (self.n - 1) * q / 100.0
        k = math.floor(h)
        lo = int(np.searchsorted(cum, k, side="right"))
        hi = int(np.searchsorted(cum, min(k + 1, self.n - 1), side="right"))
        return (lo + (h - k) * (hi - lo)) / 100.0
