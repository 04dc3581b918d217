"""Reference readers: the rules and tables a build takes from outside TeleGeography.

A build reads the Natural Earth countries, the published capacities and the
terrestrial links either from the raw sources (the bundled build) or from a
*reference* dataset (an import of a newer TeleGeography copy keeps the bundled
countries, capacities and links). This module holds the readers of a reference
dataset and the rules both paths share: the name normalisation used to match
country names, and the fallback capacity model by era and length class
(``capacity/README.md`` of the sources, "Fallback model").
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from cablesim.dataset._load import data_dir
from cablesim.dataset._schema import TABLES
from cablesim.exceptions import DataError


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


# The fallback model's design capacity at RFS (Tbit/s) by era and length class, and its
# per-fibre-pair values (capacity/README.md of the sources, "Fallback model", step 1).
_ERA_TABLE = {
    "<=1996": {"short": 0.005, "medium": 0.01, "long": 0.01},
    "1997-2002": {"short": 0.04, "medium": 1.28, "long": 3.2},
    "2003-2008": {"short": 1.0, "medium": 2.56, "long": 2.56},
    "2009-2012": {"short": 0.64, "medium": 1.28, "long": 3.84},
    "2013-2017": {"short": 4.0, "medium": 20.0, "long": 55.0},
    "2018-2021": {"short": 14.0, "medium": 36.0, "long": 76.0},
    "2022+": {"short": 16.0, "medium": 48.0, "long": 160.0},
}
_ERA_PER_PAIR = {
    "<=1996": 0.005,
    "1997-2002": 0.64,
    "2003-2008": 1.0,
    "2009-2012": 1.28,
    "2013-2017": 10.0,
    "2018-2021": 18.0,
    "2022+": 16.0,
}


def era_of(year: int) -> str:
    """The capacity era of a year (the fallback model's eras)."""
    for era, last in (
        ("<=1996", 1996),
        ("1997-2002", 2002),
        ("2003-2008", 2008),
        ("2009-2012", 2012),
        ("2013-2017", 2017),
        ("2018-2021", 2021),
    ):
        if year <= last:
            return era
    return "2022+"


# ------------------------------------------------------------------------------ reference tables


def read_reference(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """The tables of a reference dataset, read fresh (not the shared cache)."""
    directory = data_dir(path)
    out: dict[str, Any] = {}
    for name in TABLES:
        file = directory / f"{name}.parquet"
        if not file.is_file():
            raise DataError(f"reference dataset {directory} lacks {file.name}")
        has_geo = any(c.name == "geometry" for c in TABLES[name])
        out[name] = gpd.read_parquet(file) if has_geo else pd.read_parquet(file)
    out["_dir"] = directory
    return out


def reference_countries(
    ref: dict[str, Any], log: Callable[[str], None]
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Countries and the name lookup of :func:`cablesim.dataset._countries`, from a reference dataset.

    Names come from the reference's country names and from the country part
    of its landing points' names (TeleGeography's spelling). ``sovereign``
    groups the countries whose stations the reference build already resolved
    by polygon across names (Hong Kong and Macao under China...).
    """

    countries = ref["countries"].copy()
    names: dict[str, str] = {}
    for n, code in zip(countries["name"], countries["iso3"], strict=True):
        names.setdefault(_norm(str(n)), code)
    lps = ref["landing_points"]
    by_name = lps.groupby("source_country")["iso3"].agg(lambda s: s.value_counts().index[0])
    for n, code in by_name.items():
        names[_norm(str(n))] = code
    parent = {c: c for c in countries["iso3"]}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for n, code in zip(lps["source_country"], lps["iso3"], strict=True):
        named = names.get(_norm(str(n)))
        if named and named != code and named in parent and code in parent:
            parent[find(code)] = find(named)
    countries["sovereign"] = [find(c) for c in countries["iso3"]]
    log(f"reference: {len(countries)} countries and {len(names)} country names from {ref['_dir']}")
    return gpd.GeoDataFrame(countries, geometry="geometry", crs=4326), names


def _era(year: int | None) -> str:

    return era_of(int(year)) if year is not None else "2003-2008"


def estimate_capacity(
    rfs_year: int | None, length_km: float | None, n_countries: int, n_landing_points: int
) -> tuple[float, float, str]:
    """The fallback estimate of ``../shared/data/capacity/README.md`` for a cable the reference lacks.

    Returns
    -------
    at_rfs, potential, rule
        Design at ready-for-service (era x length table), potential c. 2021
        (cables of 1997-2012 retrofitted to at least 4 Tbps per fibre pair with
        2 pairs, 4 for long cables of 1997-2002) and the rule as text.
    """

    era = _era(rfs_year)
    if length_km is None or not np.isfinite(length_km):
        klass = (
            "long"
            if n_countries >= 4
            else ("short" if n_countries <= 1 or n_landing_points <= 2 else "medium")
        )
    else:
        klass = "short" if length_km < 1000 else ("medium" if length_km < 5000 else "long")
    design = float(_ERA_TABLE[era][klass])
    potential = design
    rule = "era x length table"
    if era in ("1997-2002", "2003-2008", "2009-2012"):
        pairs = 4 if era == "1997-2002" and klass == "long" else 2
        if pairs * 4.0 > design:
            potential, rule = (
                pairs * 4.0,
                f"max(design, {pairs} fibre pairs x 4 Tbps) on the era x length table",
            )
    return (
        design,
        potential,
        f"estimated: {rule} ({era}, {klass} cable; not in the reference dataset)",
    )


def reference_capacities(
    ref: dict[str, Any], cables: pd.DataFrame, lps: gpd.GeoDataFrame, log: Callable[[str], None]
) -> pd.DataFrame:
    """Capacity columns for ``cables``: the reference's where it knows the cable, else the estimate."""

    known = ref["cables"].set_index("cable_id")
    cols = [
        c.name
        for c in TABLES["cables"]
        if c.name.startswith("capacity")
        or c.name in ("fiber_pairs", "lit_capacity_tbps", "lit_capacity_year")
    ]
    cols = [c for c in cols if c in known.columns]
    iso = dict(zip(lps["landing_point_id"], lps["iso3"], strict=True))
    rows = []
    new = []
    for r in cables.itertuples():
        if r.cable_id in known.index:
            row = {"cable_id": r.cable_id, **{c: known.at[r.cable_id, c] for c in cols}}
        else:
            year = None if r.rfs_year is None or pd.isna(r.rfs_year) else int(r.rfs_year)
            n_c = len({iso.get(m) for m in r.landing_point_ids} - {None})
            at_rfs, pot, text = estimate_capacity(
                year, r.length_stated_km, n_c, int(r.n_landing_points)
            )
            row = {
                "cable_id": r.cable_id,
                "capacity_tbps": pot,
                "capacity_at_rfs_tbps": at_rfs,
                "capacity_basis": "estimated",
                "capacity_source": text,
                "capacity_spread": 3.0,
                "fiber_pairs": None,
                "lit_capacity_tbps": None,
                "lit_capacity_year": None,
            }
            if "capacity_year" in cols:
                row["capacity_year"] = year
            new.append(r.cable_id)
        rows.append(row)
    if new:
        log(
            f"capacity: {len(new)} cables not in the reference dataset get the fallback estimate: "
            f"{', '.join(new[:20])}{' ...' if len(new) > 20 else ''}"
        )
    return pd.DataFrame(rows)


def reference_links(ref: dict[str, Any], log: Callable[[str], None]) -> gpd.GeoDataFrame:
    """The reference's terrestrial links, unchanged (they depend on countries only)."""
    links = ref["terrestrial_links"].copy()
    for col in ("service_year", "service_date", "service_basis", "service_source"):
        if col not in links.columns:  # a reference built before the land links had dates
            links[col] = None
    log(f"terrestrial: {len(links)} links from the reference dataset")
    return gpd.GeoDataFrame(links, geometry="geometry", crs=4326)


COHERENT_RETROFIT_YEAR = 2013
"""Year from which retrofits of older cables with coherent 100G terminals are assumed."""
