"""Turn table records into JSON-ready plain Python values (one place for every report)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from cablesim.exceptions import UnknownCountryError

if TYPE_CHECKING:
    import pandas as pd


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
