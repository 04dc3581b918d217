"""Formatting shared by every output: plain JSON-ready records, plurals, Tbit/s, tables."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cablesim.exceptions import UnknownCountryError


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
    row = countries[countries["iso3"] == iso3.upper()]
    if row.empty:
        raise UnknownCountryError(iso3, countries["iso3"].tolist())
    return plain_record(row.iloc[0].to_dict())


def plural(n: int, word: str, words: str | None = None) -> str:
    """``"1 segment"``, ``"2 segments"``."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def fmt_tbps(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:,.1f}"
    return f"{v:.3g}"


def md_table(df: pd.DataFrame) -> str:
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        if isinstance(v, float):
            return f"{v:,.2f}"
        return str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def fmt_ms(v: float) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0f}"


def worst_region(losses: dict[str, float]) -> str:
    """``"Europe 36%"``: the core region toward which a country lost most ('' when none)."""
    if not losses:
        return ""
    region = max(losses, key=lambda r: (losses[r], r))
    return f"{region} {losses[region]:.0f}%" if losses[region] > 0 else ""
