"""The snapshot layers of a dataset at run time: views of a date, withdrawals, checks.

A bundled table holds two snapshots (TeleGeography's of June 2021 and the Severed table
of early 2026, merged by :mod:`cablesim.dataset._severed` at build time). This module
reads them: :func:`snapshot_view` gives the tables a network of a date is filtered from,
:func:`withdrawn_mask` the cables out of service by a date, :func:`validate_layer` checks
a user dataset's 2026 layer. It imports nothing of the build pipeline, so loading a
network does not load it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import shapely

SNAPSHOT_DATE = dt.date(2021, 6, 30)
"""Date of the TeleGeography snapshot: cables with a later RFS are 'planned'."""

LAND_LINK_REFERENCE_DATE = dt.date(2026, 1, 1)
"""Date the land links' figures describe (Severed, early 2026; the assumed border
default is the median of those figures). Earlier networks scale them by the
growth of the submarine network (:func:`cablesim.network.land_link_scale`)."""

SNAPSHOT_2026_DATE = dt.date(2026, 1, 1)
"""Date of the Severed cable table ("as of early 2026"): the first day of 2026. A cable it
lists with RFS year 2026 counts as in service from this date (it is listed as in service)."""

COUNTRY_KM = 30.0
"""A placed station lies within this distance of its country's polygons (drawn route ends
stop offshore; 1:50m coasts are coarse). Checked by :func:`validate_layer`."""
ROUTE_KM = 50.0
"""Every new station lies within this distance of its cable's drawn route (the snap
tolerance of :mod:`cablesim.dataset._topology`). Checked by :func:`validate_layer`."""


def _km_geom(lon: float, lat: float, geom: shapely.Geometry) -> shapely.Geometry:
    """``geom`` in a local equirectangular frame in km centred on (lon, lat)."""
    kx = 111.32 * np.cos(np.radians(lat))

    def f(xy: np.ndarray) -> np.ndarray:
        dx = (xy[:, 0] - lon + 180.0) % 360.0 - 180.0
        return np.column_stack([dx * kx, (xy[:, 1] - lat) * 110.57])

    return shapely.transform(geom, f)


def km_to(lon: float, lat: float, geom: shapely.Geometry) -> float:
    """Approximate distance (km) from a point to a geometry (local frame; good to a few
    per cent below a few hundred km)."""
    if geom is None or geom.is_empty:
        return float("inf")
    return float(shapely.Point(0, 0).distance(_km_geom(lon, lat, geom)))


def _rfs_date_2026(year: int | None) -> dt.date | None:
    """RFS date of a year the 2026 table states: 1 July (no month is given), or the 2026
    snapshot date where that is earlier (the cable is listed as in service then)."""
    if year is None or pd.isna(year):
        return None
    return min(dt.date(int(year), 7, 1), SNAPSHOT_2026_DATE)


# --------------------------------------------------------------------------------- views


def has_layers(cables: pd.DataFrame) -> bool:
    """Whether a cable table carries the snapshot columns (the bundled one does)."""
    return "snapshot" in cables.columns and "rfs_year_2026" in cables.columns


def base_date(cables: pd.DataFrame) -> dt.date | None:
    """Date of the oldest snapshot of a table (the 2021 snapshot for the bundled data)."""
    if not has_layers(cables) or not cables["snapshot"].notna().any():
        return None
    return dt.date.fromisoformat(str(cables["snapshot"].dropna().min()))


def latest_date(cables: pd.DataFrame) -> dt.date | None:
    """Date of the newest snapshot of a table ("today" for the bundled data)."""
    if not has_layers(cables) or not cables["snapshot"].notna().any():
        return None
    return dt.date.fromisoformat(str(cables["snapshot"].dropna().max()))


_VIEWS: dict[tuple[int, str], tuple[Any, dict[str, Any]]] = {}
_BASE: dict[int, tuple[pd.DataFrame, pd.DataFrame]] = {}


def base_rows(cables: pd.DataFrame) -> pd.DataFrame:
    """The rows of the oldest snapshot (and rows of none), as stored; the table itself where
    it has one snapshot. Cached per table: the same table gives the same object."""
    base = base_date(cables)
    if base is None or latest_date(cables) == base:
        return cables
    hit = _BASE.get(id(cables))
    if hit is not None and hit[0] is cables:
        return hit[1]
    keep = (cables["snapshot"].isna() | (cables["snapshot"] == base.isoformat())).to_numpy()
    out = cables[keep].reset_index(drop=True)
    if len(_BASE) > 8:
        _BASE.clear()
    _BASE[id(cables)] = (cables, out)
    return out


def snapshot_view(tables: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """The tables a network as of ``as_of`` is filtered from (cached per tables and view).

    Before the oldest snapshot's date: that snapshot's rows only, as it states them
    (the 2021 network). From it on: every row, with the RFS year of the 2026 table
    where it states one (a changed year gives 1 July of it, or the 2026 snapshot
    date if earlier) and ``planned`` relative to the newest snapshot. Cables not in
    the 2026 table leave service at their ``withdrawn_date`` (see
    :func:`cablesim.network.in_service`). Tables without the snapshot columns are
    returned unchanged.
    """
    cables = tables["cables"]
    base = base_date(cables)
    if base is None or latest_date(cables) == base:
        return tables
    which = "base" if as_of < base else "merged"
    key = (id(tables["cables"]), which)
    hit = _VIEWS.get(key)
    if hit is not None and hit[0] is tables["cables"]:
        return hit[1]
    if which == "base":
        # rows of no snapshot (hypothetical cables a what-if adds) stay in every view
        view = dict(tables)
        view["cables"] = base_rows(cables)
        ids = set(view["cables"]["cable_id"])
        for name in ("segments", "branching_units"):
            t = tables[name]
            view[name] = t[t["cable_id"].isin(ids)].reset_index(drop=True)
        lp = tables["landing_points"]
        if "snapshot" in lp.columns:
            lp_keep = lp["snapshot"].isna() | (lp["snapshot"] == base.isoformat())
            view["landing_points"] = lp[lp_keep].reset_index(drop=True)
    else:
        new = cables["rfs_year_2026"].astype("Float64")
        old = cables["rfs_year"].astype("Float64")
        change = (new.notna() & (old.isna() | (new != old))).fillna(False).to_numpy(dtype=bool)
        rfs_year = cables["rfs_year"].astype("Int64").copy()
        rfs_month = cables["rfs_month"].astype("Int64").copy()
        rfs_date = cables["rfs_date"].astype(object).copy()
        rfs_year[change] = new[change].astype("Int64")
        rfs_month[change] = pd.NA
        rfs_date[change] = [_rfs_date_2026(int(y)) for y in new[change]]
        latest = latest_date(cables)
        planned = np.array([d is not None and not pd.isna(d) and d > latest for d in rfs_date])
        view = dict(tables)
        view["cables"] = cables.assign(
            rfs_year=rfs_year, rfs_month=rfs_month, rfs_date=rfs_date, planned=planned
        )
    if len(_VIEWS) > 8:
        _VIEWS.clear()
    _VIEWS[key] = (tables["cables"], view)
    return view


def withdrawn_mask(cables: pd.DataFrame, day: np.ndarray) -> np.ndarray:
    """True where a cable has left service by ``day`` (``datetime64[D]``, broadcastable
    against the rows): its ``withdrawn_date`` is on or before it."""
    if "withdrawn_date" not in cables.columns:
        return np.zeros(len(cables), dtype=bool)
    end = pd.to_datetime(cables["withdrawn_date"], errors="coerce")
    valid = end.notna().to_numpy()
    end_days = np.where(valid, end.to_numpy(dtype="datetime64[D]"), np.datetime64("9999-12-31"))
    return end_days <= day


def snapshot_note(network: Any) -> str:
    """Which snapshot(s) a network comes from, with their dates (for the assumptions)."""
    catalog = network.catalog["cables"] if network.catalog is not None else network.cables
    base, latest = base_date(catalog), latest_date(catalog)
    if base is None or base == latest:
        when = base.isoformat() if base else "June 2021"
        return f"TeleGeography snapshot of {when}"
    if network.as_of < base:
        return (
            f"the TeleGeography snapshot of {base} alone (the network before that date; cables "
            "retired before it are missing, cables added to the map after it are left out)"
        )
    return (
        f"the TeleGeography snapshot of {base} merged with the Severed table of cables in "
        f"service on {latest} (cables new since {base.year} with their routes and placed "
        f"stations, RFS years as of {latest.year}; cables of {base.year} not listed in "
        f"{latest.year} count in service until {latest} if they were then, never if only planned)"
    )


# --------------------------------------------------------------------------------- validation


def validate_layer(tables: dict[str, Any]) -> list[str]:
    """Checks of the 2026 layer: each new cable with two or more stations has segments,
    and some of them follow its drawn route (Severed draws every one; the inferred
    share of each cable is in the quality report); each new station lies
    within :data:`ROUTE_KM` of a drawn segment of its cable and within
    :data:`COUNTRY_KM` of its country."""
    cables, segs, lps = tables["cables"], tables["segments"], tables["landing_points"]
    if not has_layers(cables) or "snapshot" not in lps.columns:
        return []
    latest = latest_date(cables)
    if latest == base_date(cables):
        return []
    problems: list[str] = []
    new = cables[cables["snapshot"] == latest.isoformat()]
    by_cable = {c: g for c, g in segs.groupby("cable_id", sort=False)}  # noqa: C416
    drawn: dict[str, shapely.Geometry] = {}
    for cid, ids in zip(new["cable_id"], new["landing_point_ids"], strict=True):
        g = by_cable.get(cid)
        if len(ids) >= 2 and g is None:
            problems.append(f"2026 cable {cid}: no segments")
            continue
        if g is None:
            continue
        if g["inferred"].all():
            problems.append(f"2026 cable {cid}: no segment follows its drawn route")
        drawn[cid] = shapely.union_all(g.loc[~g["inferred"]].geometry.to_numpy())
    countries = dict(zip(tables["countries"]["iso3"], tables["countries"].geometry, strict=True))
    members: dict[str, list[str]] = {}
    for cid, ids in zip(cables["cable_id"], cables["landing_point_ids"], strict=True):
        for m in ids:
            members.setdefault(m, []).append(cid)
    placed = lps[lps["snapshot"] == latest.isoformat()]
    for r in placed.itertuples():
        x, y = r.geometry.x, r.geometry.y
        d_country = km_to(x, y, countries.get(r.iso3))
        if d_country > COUNTRY_KM:
            problems.append(
                f"2026 station {r.landing_point_id}: {d_country:,.0f} km from {r.iso3} "
                f"(at most {COUNTRY_KM:g})"
            )
        routes = [drawn[c] for c in members.get(r.landing_point_id, []) if c in drawn]
        routes = [g for g in routes if g is not None and not g.is_empty]
        if routes:
            d_route = min(km_to(x, y, g) for g in routes)
            if d_route > ROUTE_KM:
                problems.append(
                    f"2026 station {r.landing_point_id}: {d_route:,.0f} km from its cable's "
                    f"route (at most {ROUTE_KM:g})"
                )
    return problems
