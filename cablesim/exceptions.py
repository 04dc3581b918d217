"""The one exception family of cablesim.

Every error cablesim raises on purpose is a :class:`CableSimError`. The leaves
also subclass the builtin a Python user would expect (``ValueError``,
``KeyError``, ``FileNotFoundError``), so ``except ValueError`` keeps working.
The CLI turns any of them into one red line and an exit code of 2.
"""

from __future__ import annotations

import contextvars
import difflib
from collections.abc import Iterable


class CableSimError(Exception):
    """Base class of every error cablesim raises deliberately."""

    def __str__(self) -> str:  # KeyError quotes its message; we never want that
        return str(self.args[0]) if self.args else ""


class DataError(CableSimError, ValueError):
    """The bundled or user dataset is missing, malformed or fails validation."""


MAX_SHOWN = 50
"""Problems a :class:`ScenarioError` message lists; the rest are counted ("and 9,950 more")."""


class ScenarioError(CableSimError, ValueError):
    """A scenario document is invalid.

    Parameters
    ----------
    problems
        Every problem found, each already formatted as ``file:line: field: message``.
    what
        What the document is ("scenario", "events file").
    """

    def __init__(self, problems: list[str] | str, *, what: str = "scenario") -> None:
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        head = (
            f"invalid {what}"
            if len(self.problems) == 1
            else (f"invalid {what} ({len(self.problems):,} problems)")
        )
        shown = self.problems[:MAX_SHOWN]
        if len(self.problems) > MAX_SHOWN:  # a capped list: the first ones, then a count
            shown.append(f"... and {len(self.problems) - MAX_SHOWN:,} more")
        super().__init__(head + ":\n  " + "\n  ".join(shown))


class UnknownNameError(CableSimError, KeyError):
    """A name or id (cable, landing point, chokepoint, country...) is not known."""

    kind = "name"

    def __init__(
        self,
        name: str,
        choices: Iterable[str] = (),
        *,
        kind: str | None = None,
        message: str | None = None,
        suggestions: list[str] | None = None,
    ) -> None:
        self.name = name
        if kind is not None:
            self.kind = kind
        self.suggestions = (
            list(suggestions) if suggestions is not None else did_you_mean(name, choices)
        )
        msg = message or f"unknown {self.kind} {name!r}"
        if self.suggestions:
            msg += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)


class UnknownCableError(UnknownNameError):
    """An unknown cable id or name."""

    kind = "cable"


class UnknownCountryError(UnknownNameError):
    """An unknown country code or name."""

    kind = "country"


class OutputError(CableSimError, OSError):
    """An output could not be written, or writing it would clobber an input."""


SUGGESTIONS_LEFT: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "cablesim_suggestions_left", default=None
)
"""Remaining "did you mean" searches (``None``: no limit); see :mod:`cablesim._lookup`."""


def did_you_mean(name: str, choices: Iterable[str], *, n: int = 3) -> list[str]:
    """Return up to ``n`` of ``choices`` closest to ``name`` (case-insensitive).

    Parameters
    ----------
    name
        What the user typed.
    choices
        The valid ids or names.
    n
        How many suggestions at most.
    """
    left = SUGGESTIONS_LEFT.get()
    if left is not None:  # a budget is set (cablesim._lookup.suggestions_budget)
        if left[0] <= 0:
            return []
        left[0] -= 1
    choices = list(dict.fromkeys(choices))
    lower: dict[str, str] = {}
    for c in choices:  # the first spelling wins (ids are listed before names)
        lower.setdefault(str(c).lower(), str(c))
    key = str(name).lower()
    hits = difflib.get_close_matches(key, list(lower), n=n, cutoff=0.6)
    if len(hits) < n:  # substring matches help with long TeleGeography ids
        for low, _orig in lower.items():
            if key and key in low and low not in hits:
                hits.append(low)
            if len(hits) >= n:
                break
    return [lower[h] for h in hits]
