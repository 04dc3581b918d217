"""Every integrity check of a dataset (public through :mod:`cablesim.dataset`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx

from cablesim.dataset import _layers
from cablesim.dataset._datacheck import bundled
from cablesim.dataset._load import load_tables
from cablesim.dataset._schema import TABLES
from cablesim.exceptions import DataError


def validate(tables: dict[str, gpd.GeoDataFrame] | None = None) -> list[str]:
    """Run every integrity check on a dataset and return the failures.

    Checks: every table has its schema's columns; ids unique; references
    resolve; every cable's segments are connected and join all its landing
    points; every landing point has a country; capacities and lengths are
    positive; geometries are valid and non-empty.

    Parameters
    ----------
    tables
        As returned by :func:`load_tables`; the bundled dataset by default.

    Returns
    -------
    list of str
        One line per failure; empty when the dataset is sound.
    """

    if tables is None:
        tables = load_tables()
    problems: list[str] = []
    for name, cols in TABLES.items():
        if name not in tables:
            problems.append(f"missing table {name}")
            continue
        df = tables[name]
        for col in cols:
            if col.name not in df.columns:
                problems.append(f"{name}: missing column {col.name}")
            elif not col.nullable and col.dtype not in ("list[str]",) and df[col.name].isna().any():
                bad = df.loc[df[col.name].isna()].iloc[:, 0].tolist()[:5]
                problems.append(f"{name}: {col.name} is empty for {bad}")
        if problems and problems[-1].startswith(f"{name}: missing column"):
            continue
        key = cols[0].name
        dup = df[key][df[key].duplicated()].tolist()
        if dup:
            problems.append(f"{name}: duplicate {key}: {dup[:5]}")
        if "geometry" in df.columns:
            geoms = df.geometry
            bad = df.loc[geoms.isna() | geoms.is_empty | ~geoms.is_valid, key].tolist()
            if bad:
                problems.append(f"{name}: invalid or empty geometry for {bad[:5]}")
    if problems:
        return problems

    countries = set(tables["countries"]["iso3"])
    lps = tables["landing_points"]
    cables = tables["cables"]
    segs = tables["segments"]
    bus = set(tables["branching_units"]["node_id"])
    lp_ids = set(lps["landing_point_id"])
    missing = sorted(set(lps["iso3"]) - countries)
    if missing:
        problems.append(f"landing_points: iso3 not in countries: {missing}")
    unknown_cables = sorted(set(segs["cable_id"]) - set(cables["cable_id"]))
    if unknown_cables:
        problems.append(f"segments: cable_id not in cables: {unknown_cables[:5]}")
    nodes = set(segs["from_node"]) | set(segs["to_node"])
    dangling = sorted(nodes - lp_ids - bus)
    if dangling:
        problems.append(
            f"segments: nodes that are neither landing points nor branching units: {dangling[:5]}"
        )
    for col in ("capacity_tbps", "length_km"):
        bad = segs.loc[~(segs[col] > 0), "segment_id"].tolist()
        if bad:
            problems.append(f"segments: {col} not positive for {bad[:5]}")
    bad = cables.loc[~(cables["capacity_tbps"] > 0), "cable_id"].tolist()
    if bad:
        problems.append(f"cables: capacity_tbps not positive for {bad[:5]}")
    links = tables["terrestrial_links"]
    bad = links.loc[~(links["capacity_tbps"] > 0), "link_id"].tolist()
    if bad:
        problems.append(f"terrestrial_links: capacity_tbps not positive for {bad[:5]}")
    missing = sorted((set(links["from_iso3"]) | set(links["to_iso3"])) - countries)
    if missing:
        problems.append(f"terrestrial_links: iso3 not in countries: {missing}")

    members = _cable_members(tables)
    by_cable = {cid: g for cid, g in segs.groupby("cable_id", sort=False)}  # noqa: C416 (groupby has .keys)
    for cid, lp_list in members.items():
        if len(lp_list) < 2:
            continue
        g = by_cable.get(cid)
        if g is None:
            problems.append(f"cable {cid}: no segments for {len(lp_list)} landing points")
            continue
        graph = nx.Graph()
        graph.add_edges_from(zip(g["from_node"], g["to_node"], strict=True))
        if not nx.is_connected(graph):
            problems.append(
                f"cable {cid}: segments form {nx.number_connected_components(graph)} pieces"
            )
        absent = [lp for lp in lp_list if lp not in graph]
        if absent:
            problems.append(f"cable {cid}: landing points not joined: {absent}")
    return problems + _layers.validate_layer(tables)


def _cable_members(tables: dict[str, gpd.GeoDataFrame]) -> dict[str, list[str]]:
    """Cable id -> its landing point ids, from the cables' ``landing_point_ids`` side table."""
    cables = tables["cables"]
    out: dict[str, list[str]] = {}
    for cid, ids in zip(cables["cable_id"], cables["landing_point_ids"], strict=True):
        out[cid] = list(ids)
    return out


def check_usable(directory: str | Path, tables: dict[str, Any]) -> None:
    """Refuse a user dataset that :func:`cablesim.dataset.validate` rejects (once per version)."""
    directory = Path(directory)
    if bundled(directory):
        return
    mtime = max(p.stat().st_mtime for p in directory.iterdir() if p.is_file())
    problems = _problems(str(directory), mtime, tables)
    if problems:
        shown = "; ".join(problems[:3])
        raise DataError(
            f"dataset {directory} fails validation ({len(problems)} problem(s): {shown:.400}); "
            f"see 'cablesim --data {directory} data validate'"
        )


_seen: dict[tuple[str, float], tuple[str, ...]] = {}


def _problems(directory: str, mtime: float, tables: dict[str, Any]) -> tuple[str, ...]:
    key = (directory, mtime)
    if key not in _seen:
        try:
            _seen[key] = tuple(validate(tables))
        except Exception as exc:  # a table too broken to check is a problem in itself
            _seen[key] = (f"cannot be checked: {type(exc).__name__}: {exc!s:.200}",)
    return _seen[key]
