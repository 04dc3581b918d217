"""The scenario checker: collects every problem with its file, line and field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from cablesim import _limits
from cablesim._text import is_blank
from cablesim.exceptions import CableSimError, UnknownNameError, did_you_mean
from cablesim.scenario._parse import _Doc, _fmt_path


class _Checker:
    def __init__(self, doc: _Doc, network) -> None:
        self.doc = doc
        self.net = network
        self.problems: list[str] = []

    def err(self, path: tuple, msg: str) -> None:
        self.problems.append(f"{self.doc.where(path)}: {_fmt_path(path)}: {msg}")

    def unknown_keys(self, mapping: Mapping, allowed: tuple[str, ...], path: tuple) -> None:
        prev: tuple[Any, Any] | None = None
        for key, value in mapping.items():
            if key not in allowed:
                split = flow_split_hint(prev, key, value)
                hint = [] if split else did_you_mean(str(key), allowed, n=1)
                extra = (
                    split
                    or (f"; did you mean {hint[0]!r}?" if hint else "")
                    or f"; allowed: {', '.join(allowed)}"
                )
                self.err((*path, key), f"unknown key{extra}")
            prev = (key, value)

    # ---- value checks
    def text(self, value: Any, path: tuple, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.err(path, "is required")
            return None
        if not isinstance(value, str) or is_blank(value):
            self.err(path, f"must be non-empty text, got {value!r}")
            return None
        return value.strip()

    def number(
        self,
        value: Any,
        path: tuple,
        *,
        positive: bool = True,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.err(path, f"must be a number, got {value!r}")
            return None
        try:
            v = float(value)
        except OverflowError:
            v = float("inf")
        if v != v or v in (float("inf"), float("-inf")):
            self.err(path, f"must be a finite number, got {value!r}")
            return None
        if positive and v <= 0:
            self.err(path, f"must be greater than 0, got {value!r}")
            return None
        if (low is not None and v < low) or (high is not None and v > high):
            if low is None:
                bound = f"between 0 (excluded) and {high:g}" if positive else f"at most {high:g}"
            elif high is None:
                bound = f"at least {low:g}"
            else:
                bound = f"between {low:g} and {high:g}"
            self.err(path, f"must be {bound}, got {value!r}")
            return None
        return v

    def latlon(self, value: Any, path: tuple) -> tuple[float, float] | None:
        hint = split_name_hint(value)
        if hint:
            self.err(path, f"must be [lat, lon] or a place name, got {value!r}{hint}")
            return None
        if not isinstance(value, list | tuple) or len(value) != 2:
            self.err(path, f"must be [lat, lon], got {value!r}")
            return None
        lat = self.number(value[0], (*path, 0), positive=False, low=-90, high=90)
        lon = self.number(value[1], (*path, 1), positive=False, low=-180, high=180)
        return None if lat is None or lon is None else (lat, lon)

    def choice(self, value: Any, choices: tuple[str, ...], path: tuple) -> str | None:
        """``value`` if it is one of ``choices``, else an error at ``path`` and ``None``."""
        if isinstance(value, str) and value in choices:
            return value
        self.err(path, f"must be one of {', '.join(choices)}, got {value!r}")
        return None

    def date(self, value: Any, path: tuple, *, allow_offset: bool = False) -> dt.date | int | None:
        out = self._date(value, path, allow_offset=allow_offset)
        if isinstance(out, dt.date) and not _limits.date_in_range(out):
            self.err(path, f"must be a date between 1850 and 2100, got {out.isoformat()}")
            return None
        return out

    def _date(self, value: Any, path: tuple, *, allow_offset: bool = False) -> dt.date | int | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, bool):
            self.err(path, f"must be a date, got {value!r}")
            return None
        if isinstance(value, int):
            if allow_offset and 0 <= value <= 36500:
                return value
            if not allow_offset and 1850 <= value <= 2100:
                return dt.date(value, 12, 31)
            what = "a day offset (0-36500) or a date" if allow_offset else "a year (1850-2100)"
            self.err(path, f"must be {what}, got {value!r}")
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            if value.strip().isascii() and value.strip().isdigit() and not allow_offset:
                return self.date(int(value.strip()), path)
        self.err(
            path,
            f"must be a date (YYYY-MM-DD){' or a day offset' if allow_offset else ' or a year'}, "
            f"got {value!r}",
        )
        return None

    def resolve(self, fn, value: Any, path: tuple) -> str | None:
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
            self.err(path, f"must be a name or id, got {value!r}{split_name_hint(value)}")
            return None
        if self.net is None:
            return str(value)
        try:
            return fn(str(value))
        except UnknownNameError as exc:
            self.err(path, str(exc))
        except CableSimError as exc:
            self.err(path, str(exc))
        return None


def split_name_hint(value: Any) -> str:
    """A hint when YAML split a name at its comma: ``[Mombasa, Kenya]`` is a list of two.

    Returns ``'; YAML read [Mombasa, Kenya] as a list: quote the name, "Mombasa, Kenya"'``
    for a list of 2 or 3 texts that are not all numbers, else ``""``.
    """
    if not isinstance(value, list | tuple) or not 2 <= len(value) <= 3:
        return ""
    if not all(isinstance(v, str) and v.strip() for v in value):
        return ""
    joined = ", ".join(v.strip() for v in value)
    return (
        f"; YAML reads [{joined}] as a list of {len(value)} names: to name one place, quote it: "
        f'"{joined}"'
    )


def flow_split_hint(prev: tuple[Any, Any] | None, key: Any, value: Any) -> str:
    """A hint when YAML split ``{near: Mombasa, Kenya}`` into ``near: Mombasa`` and ``Kenya:``."""
    if value is not None or prev is None or not isinstance(prev[1], str) or not str(key).strip():
        return ""
    joined = f"{prev[1].strip()}, {str(key).strip()}"
    return f'; inside {{...}} YAML splits {joined!r} at the comma: quote it, {prev[0]}: "{joined}"'


def _in_line_order(problems: list[str]) -> list[str]:
    """``problems`` (``file:line: ...``) sorted by line; those without a line keep their place
    at the top, in the order found."""

    def line(p: str) -> int:
        m = re.match(r"^.*?:(\d+): ", p)
        return int(m.group(1)) if m else 0

    return sorted(problems, key=line)


def _place_error(net, name: str, exc: UnknownNameError) -> str:
    """The message for a place that is neither a chokepoint nor a landing point.

    A name too long to search, or a place several stations share, keeps the landing-point
    message; otherwise suggestions come from both chokepoints and landing points.
    """
    if len(name) > _limits.MAX_NAME_CHARS or getattr(exc, "places", None):
        return str(exc)
    choices = list(net.chokepoints["chokepoint_id"]) + list(
        net.all_landing_points["landing_point_id"]
    )
    return str(UnknownNameError(name, choices, kind="chokepoint or landing point"))


def place_center(net, name: str, *, strict: bool = False) -> tuple[float, float] | str:
    """(lat, lon) of a chokepoint or a landing point named ``name``, or the error text.

    Parameters
    ----------
    net
        The network whose chokepoints and landing points (of every date) are searched.
    name
        A chokepoint's id, name or alias, or a landing point's id or place name.
    strict
        Name a chokepoint only by one of its aliases, not by the loose key that drops
        generic words (free text such as "the Baltic Sea" is not the Danish straits).
    """
    cp = net.name_index("chokepoints").resolve(name.strip(), strict=strict)
    if cp is not None:
        cps = net.chokepoints
        pt = cps.loc[cps["chokepoint_id"] == cp, "geometry"].iloc[0].representative_point()
        return (float(pt.y), float(pt.x))
    try:
        lp = net.resolve_landing_point(name)
    except UnknownNameError as exc:
        return _place_error(net, name, exc)
    lps = net.all_landing_points
    pt = lps.loc[lps["landing_point_id"] == lp, "geometry"].iloc[0]
    return (float(pt.y), float(pt.x))
