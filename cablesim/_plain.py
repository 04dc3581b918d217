"""Turn table records into JSON-ready plain Python values (one place for every report)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np


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
