"""Formatting shared by every output: plain JSON-ready records, plurals, Tbit/s, tables."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cablesim.exceptions import UnknownCountryError


def missing(v: Any) -> bool:
    """Whether a value was not computed (None or NaN): shown as "–" by every formatter."""
    return v is None or (isinstance(v, float) and math.isnan(v))


def plain_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``record`` with numpy scalars unwrapped, NaN as None, dates as ISO text,
    tuples as lists."""
    out = {}
    for k, v in record.items():
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and math.isnan(v):
            v = None
        elif isinstance(v, dt.date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out


def country_record(countries: pd.DataFrame, iso3: str) -> dict[str, Any]:
    """The row of ``iso3`` (any case) in a per-country table, as a :func:`plain_record`.

    Raises
    ------
    UnknownCountryError
        When the table has no row for ``iso3``.
    """
    row = countries[countries["iso3"] == (iso3.upper() if iso3.isascii() else iso3)]
    if row.empty:
        raise UnknownCountryError(iso3, countries["iso3"].tolist())
    return plain_record(row.iloc[0].to_dict())


def plural(n: int, word: str, words: str | None = None) -> str:
    """``"1 segment"``, ``"2 segments"``."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def fmt_tbps(v: float) -> str:
    if missing(v):
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:,.1f}"
    return f"{v:.3g}"


_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MD_BLOCK = re.compile(r"^(\s*)(?:([-+>=#])|(\d+)([.)]))")


def _block_mark(m: re.Match) -> str:
    """A heading, quote, list or rule mark at a line's start, escaped."""
    if m.group(2):
        return m.group(1) + "\\" + m.group(2)
    return m.group(1) + m.group(3) + "\\" + m.group(4)


def md_escape(text: Any, *, multiline: bool = False) -> str:
    """``text`` (a name, a label: user or data text) as literal Markdown.

    HTML is written as entities (``<script>`` shows as text), Markdown's marks
    (links, emphasis, headings, lists, tables, code) are escaped with backslashes,
    so no name can make a heading, a link (``javascript:``...) or a raw tag. Line
    breaks become spaces unless ``multiline``.

    Examples
    --------
    >>> print(md_escape("<script>x</script> [a](javascript:b)"))
    &lt;script&gt;x&lt;/script&gt; \\[a\\](javascript:b)
    """
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_INLINE.sub(r"\\\1", s)
    lines = s.splitlines() or [""]
    lines = [_MD_BLOCK.sub(_block_mark, ln) for ln in lines]
    return "\n".join(lines) if multiline else " ".join(ln.strip() for ln in lines)


def md_table(df: pd.DataFrame) -> str:
    def cell(v: Any) -> str:
        if missing(v):
            return "–"
        if isinstance(v, float):
            return f"{v:,.2f}"
        return md_escape(v)

    lines = [
        "| " + " | ".join(md_escape(c) for c in df.columns) + " |",
        "|" + "---|" * len(df.columns),
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def fmt_pct(v: float) -> str:
    """``"36.4"``: a percentage to one decimal, ``"–"`` where it was not computed (NaN)."""
    return "–" if missing(v) else f"{v:.1f}"


def fmt_pct_whole(v: float) -> str:
    """``"36%"``: a percentage rounded to a whole number, ``"–"`` where it was not
    computed (NaN)."""
    return "–" if missing(v) else f"{v:.0f}%"


def fmt_ms(v: float) -> str:
    return "–" if missing(v) else f"{v:.0f}"


def worst_region(losses: dict[str, float]) -> str:
    """``"Europe 36%"``: the core region toward which a country lost most ('' when none)."""
    if not losses:
        return ""
    region = max(losses, key=lambda r: (losses[r], r))
    return f"{region} {losses[region]:.0f}%" if losses[region] > 0 else ""
