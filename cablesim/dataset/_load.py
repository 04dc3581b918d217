"""Where the dataset lives, loading its tables and validating them (public through
:mod:`cablesim.dataset`)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from cablesim import _io
from cablesim.dataset._datacheck import check_columns, read_manifest
from cablesim.dataset._schema import TABLES
from cablesim.dataset._where import data_dir
from cablesim.exceptions import DataError

TABLE_NAMES = tuple(TABLES)

__all__ = ["TABLE_NAMES", "data_dir", "load_tables", "manifest"]


def manifest(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The dataset's manifest: provenance, licence, snapshot date and counts."""
    return read_manifest(data_dir(path))  # a broken manifest is a DataError naming the file


_OPTIONAL_COUNTRY_COLUMNS = ("iso2", "other_names")
"""Country columns a dataset built before them lacks (read as empty: no extra aliases)."""


@functools.lru_cache(maxsize=4)
def _load_cached(directory: str, mtime_key: float) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    tables: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {}
    for name in TABLE_NAMES:
        file = Path(directory) / f"{name}.parquet"
        if not file.is_file():
            raise DataError(f"dataset {directory} lacks table {name!r} ({file.name})")
        try:
            has_geo = any(c.name == "geometry" for c in TABLES[name])
            tables[name] = gpd.read_parquet(file) if has_geo else pd.read_parquet(file)
        except Exception as exc:  # pragma: no cover - corrupt file
            raise DataError(f"cannot read {file}: {exc}") from exc
        if name == "countries":  # a dataset built before the name columns: no extra aliases
            for col in _OPTIONAL_COUNTRY_COLUMNS:
                if col not in tables[name].columns:
                    tables[name][col] = ""
        check_columns(name, file, tables[name])  # a dropped column, or another table's file
    return tables


def load_tables(path: str | os.PathLike[str] | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Load every table of the dataset (cached; callers must not mutate them).

    Parameters
    ----------
    path
        Dataset directory; see :func:`data_dir`.

    Returns
    -------
    dict
        Table name to GeoDataFrame, with the columns of :data:`cablesim.dataset._schema.TABLES`.
    """
    directory = data_dir(path)
    for name in ("manifest", *TABLE_NAMES):  # no command may write its output over them
        _io.note_input(directory / (f"{name}.parquet" if name != "manifest" else "manifest.json"))
    mtime = (directory / "manifest.json").stat().st_mtime
    return _load_cached(str(directory), mtime)


# --------------------------------------------------------------------------------------------
# the build


# TeleGeography's country names that Natural Earth writes differently (or not at all).
