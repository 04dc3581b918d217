"""Monte Carlo aggregates kept in bounded memory (issue 14, item 11).

A fault trial records, for every country, its worst loss over the period
(``-1`` when below the loss floor) and whether it was cut off. Kept as dense
``trials x countries`` arrays, plus the evaluator's caches, that grew without
bound. Each chunk of trials is reduced at once to a :class:`Chunk`: the
isolation count per country and only the losses at or above the floor
(sparse: trial, country, loss); a :class:`Tally` adds chunks in trial order.
The summary's numbers are exactly those of the dense arrays: a country's
column is rebuilt on demand (:meth:`Tally.column`) with ``-1`` elsewhere.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Chunk", "Tally"]


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
        """Add the trials of ``chunk`` (chunks are renumbered consecutively as added)."""
        shift = self.trials - chunk.lo
        self.trials += chunk.hi - chunk.lo
        self.isolated += chunk.isolated
        self._parts.append(
            Chunk(
                chunk.lo + shift,
                chunk.hi + shift,
                chunk.isolated,
                chunk.trial + shift,
                chunk.country,
                chunk.loss,
            )
        )
        self._by_country = None

    def _index(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        if self._by_country is None:
            trial = np.concatenate([p.trial for p in self._parts] or [np.zeros(0, np.int64)])
            country = np.concatenate([p.country for p in self._parts] or [np.zeros(0, np.int32)])
            loss = np.concatenate([p.loss for p in self._parts] or [np.zeros(0)])
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
