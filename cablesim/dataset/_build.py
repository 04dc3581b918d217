"""Building the dataset from the raw sources (public entry point :func:`build`).

The raw sources (TeleGeography's cable map snapshot of June 2021, Natural
Earth 1:50m countries, published cable capacities, the Severed dataset's
sourced capacities and terrestrial links) are read only by :func:`build`,
which writes the derived tables described in :mod:`cablesim.dataset._schema` as
GeoParquet files plus a manifest and a data-quality report. Everything else
reads the derived tables through :func:`load_tables`.

Build it with::

    cablesim data build --source ../shared/data --out data   # or: python -m cablesim data build
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from cablesim import _io as _safeio
from cablesim._geo import circle, haversine_km, touching
from cablesim.dataset import _closedborders, _landdates, _reference, _severed, _upgrades
from cablesim.dataset._chokepoints import CHOKEPOINTS, chokepoint_polygons
from cablesim.dataset._layers import SNAPSHOT_DATE
from cablesim.dataset._reference import _ERA_PER_PAIR, _ERA_TABLE, COHERENT_RETROFIT_YEAR, _norm
from cablesim.dataset._schema import TABLES, markdown_table
from cablesim.dataset._topology import build_cable_topology
from cablesim.dataset._validate import validate
from cablesim.exceptions import DataError

LICENCE = "CC BY-NC-SA 3.0 (TeleGeography Submarine Cable Map data); Natural Earth: public domain"

BORDER_LINK_TBPS = 1.0
"""Assumed capacity of one cross-border land link where no sourced figure exists.

One terabit per second stands for a few dense-wavelength systems across a
border. It is an assumption, flagged as such in every report; the sourced
links of the Severed dataset replace it where they exist.
"""

LANDMASS_JOIN_KM = 25.0
"""Polygons of one country closer than this are one land mass (bridges, tunnels, short links)."""

SYNTHETIC_RADIUS_KM = 5.0
"""Radius of the stand-in polygon of a territory too small for the 1:50m polygons."""


_NAME_ALIASES = {
    "Ascension and Tristan da Cunha": "SHN",
    "Cape Verde": "CPV",
    "Christmas Island": "CXR",
    "Cocos (Keeling) Islands": "CCK",
    "Congo, Dem. Rep.": "COD",
    "Congo, Rep.": "COG",
    "French Guiana": "GUF",
    "Gibraltar": "GIB",
    "Guadeloupe": "GLP",
    "Martinique": "MTQ",
    "Mayotte": "MYT",
    "Réunion": "REU",
    "Saint Barthélemy": "BLM",
    "Sint Eustatius and Saba": "BES",
    "Tokelau": "TKL",
    "Virgin Islands (U.K.)": "VGB",
    "Virgin Islands (U.S.)": "VIR",
    "Netherlands Antilles": None,  # historical: resolved by polygon (CUW, SXM, BES)
}

# Territories with an ISO code that Natural Earth 1:50m folds into another unit:
# iso3 -> (name, parent ADM0_A3, bounding box lon_min, lat_min, lon_max, lat_max).
# Whole polygons of the parent inside the box become the territory.
_CARVE_OUTS = {
    "GUF": ("French Guiana", "FRA", (-55.0, 1.5, -51.0, 6.5)),
    "GLP": ("Guadeloupe", "FRA", (-62.0, 15.8, -60.9, 16.6)),
    "MTQ": ("Martinique", "FRA", (-61.3, 14.3, -60.7, 15.0)),
    "MYT": ("Mayotte", "FRA", (44.9, -13.2, 45.4, -12.5)),
    "REU": ("Réunion", "FRA", (55.1, -21.5, 55.9, -20.8)),
    "CXR": ("Christmas Island", "IOA", (105.4, -10.7, 105.8, -10.3)),
    "CCK": ("Cocos (Keeling) Islands", "IOA", (96.7, -12.3, 97.0, -11.7)),
    # Bonaire, Sint Eustatius and Saba (Caribbean Netherlands): not mainland Netherlands
    "BES": ("Bonaire, Sint Eustatius and Saba", "NLD", (-68.6, 11.8, -62.8, 17.8)),
}

# Units that ISO 3166 does not list separately, merged into the member state.
_MERGES = {"SOL": "SOM", "CYN": "CYP", "KAS": "IND", "ATC": "AUS"}

# Places where the polygon is right and the name is not (Hong Kong and Macao
# stations that TeleGeography files under "China"): polygon wins when the
# polygon's unit belongs to the named sovereign. See _assign_country.


def _split_name(name: str) -> tuple[str, str]:
    """'City, Country' -> (city, country), knowing the countries with a comma in them."""
    for special in ("Congo, Dem. Rep.", "Congo, Rep."):
        if name.endswith(", " + special):
            return name[: -len(special) - 2], special
    if ", " in name:
        city, country = name.rsplit(", ", 1)
        return city, country
    return name, ""


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _parse_rfs(text: str | None) -> tuple[int | None, int | None]:
    if not text:
        return None, None
    months = {
        m: i
        for i, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ],
            start=1,
        )
    }
    year = re.search(r"(19|20)\d\d", text)
    month = next((months[w] for w in re.findall(r"[A-Za-z]+", text.lower()) if w in months), None)
    return (int(year.group()) if year else None), month


def _parse_length(text: str | None) -> float | None:
    if not text:
        return None
    m = re.search(r"[\d,\.]+", text)
    if not m:
        return None
    try:
        value = float(m.group().replace(",", ""))
    except ValueError:
        return None
    return value if value > 0 else None


class _Log:
    """Collects build messages (printed and kept in data/build_log.txt)."""

    def __init__(self, echo: Callable[[str], None] | None) -> None:
        self.lines: list[str] = []
        self.echo = echo

    def __call__(self, msg: str) -> None:
        self.lines.append(msg)
        if self.echo is not None:
            self.echo(msg)


_ISO2_MISSING = {"FRA": "FR", "NOR": "NO"}
"""ISO 3166-1 alpha-2 codes Natural Earth 1:50m marks "-99" (France and Norway: their units
include overseas parts with codes of their own)."""


def _iso2(value: Any, iso3: str = "") -> str:
    """Natural Earth's ISO_A2 when it is a code ("-99" marks none; see :data:`_ISO2_MISSING`)."""
    text = str(value or "")
    if len(text) == 2 and text.isascii() and text.isalpha():
        return text
    return _ISO2_MISSING.get(iso3, "")


def _other_names(row: Any) -> str:
    """Natural Earth's ADMIN and NAME_LONG of a unit where they differ from NAME, '; '-joined."""
    name = str(row["NAME"])
    out = []
    for col in ("ADMIN", "NAME_LONG"):
        n = row.get(col)
        if isinstance(n, str) and n.strip() and n != name and n not in out:
            out.append(n.strip())
    return "; ".join(out)


def _countries(source: Path, log: _Log) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Natural Earth units -> countries table (merges and carve-outs applied).

    Returns the table and a lookup of normalised names -> iso3.
    """
    ne = gpd.read_file(source / "naturalearth" / "ne_50m_admin_0_countries.geojson")
    ne = ne.set_crs(4326, allow_override=True)
    iso = np.where(ne["ISO_A3"].astype(str).str.fullmatch(r"[A-Z]{3}"), ne["ISO_A3"], ne["ADM0_A3"])
    ne["iso3"] = iso
    ne["iso3"] = ne["iso3"].replace(_MERGES)
    names: dict[str, str] = {}
    for col in ("ADMIN", "NAME", "NAME_LONG"):
        for n, code in zip(ne[col], ne["iso3"], strict=True):
            if isinstance(n, str) and n:
                names.setdefault(_norm(n), code)
    rows = []
    for code, grp in ne.groupby("iso3", sort=True):
        main = grp.sort_values("POP_EST", ascending=False).iloc[0]
        geom = shapely.union_all(grp.geometry.to_numpy())
        rows.append(
            {
                "iso3": code,
                "name": str(main["NAME"]),
                "iso2": _iso2(main.get("ISO_A2"), code),
                "other_names": _other_names(main),
                "region": str(main["REGION_UN"]),
                "subregion": str(main["SUBREGION"]),
                "population": int(grp["POP_EST"].fillna(0).sum()),
                "income_group": str(main["INCOME_GRP"]),
                "gdp_musd": float(grp["GDP_MD_EST"].fillna(0).clip(lower=0).sum()),
                "geometry": geom,
                "synthetic_polygon": False,
                "sovereign": str(main["SOVEREIGNT"]),
            }
        )
        if code in _MERGES.values():
            merged = [a for a, b in _MERGES.items() if b == code and a in set(ne["ADM0_A3"])]
            if merged:
                log(f"countries: merged {merged} into {code} (ISO 3166 lists no separate code)")
    df = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326).set_index("iso3", drop=False)
    for code, (name, parent, box) in _CARVE_OUTS.items():
        if parent not in df.index:
            continue
        parent_row = df.loc[parent].copy()
        parts = list(shapely.get_parts(parent_row["geometry"]))
        bbox = shapely.box(*box)
        inside = [p for p in parts if bbox.contains(p)]
        if not inside:
            continue
        rest = [p for p in parts if not bbox.contains(p)]
        if rest:
            df.at[parent, "geometry"] = shapely.MultiPolygon(rest) if len(rest) > 1 else rest[0]
        else:
            df = df.drop(index=parent)
        df.loc[code] = {
            "iso3": code,
            "name": name,
            "iso2": "",
            "other_names": "",
            "region": parent_row["region"],
            "subregion": parent_row["subregion"],
            "population": 0,
            "income_group": parent_row["income_group"],
            "gdp_musd": 0.0,
            "geometry": shapely.union_all(inside),
            "synthetic_polygon": False,
            "sovereign": parent_row["sovereign"],
        }
        names[_norm(name)] = code
        log(f"countries: carved {code} ({name}) out of {parent} ({len(inside)} polygons)")
    return df.reset_index(drop=True), names


def _assign_country(
    name_iso: str | None,
    point: shapely.Point,
    countries: gpd.GeoDataFrame,
    tree: shapely.STRtree,
) -> tuple[str | None, str | None, float]:
    """Return (polygon iso3, nearest-polygon iso3 if not inside, distance km to it)."""
    hits = tree.query(point, predicate="intersects")
    if len(hits):
        codes = countries.iloc[hits]["iso3"].tolist()
        if name_iso in codes:
            return name_iso, None, 0.0
        return codes[0], None, 0.0
    idx = tree.nearest(point)
    geom = countries.geometry.iloc[idx]
    near = shapely.ops.nearest_points(point, geom)[1]
    return None, countries.iloc[idx]["iso3"], float(haversine_km(point.x, point.y, near.x, near.y))


def _landing_points(
    telegeography: Path,
    countries: gpd.GeoDataFrame,
    names: dict[str, str],
    log: _Log,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Landing points (from the TeleGeography directory) with their country; adds synthetic
    polygons for missing territories."""

    raw = _read_json(telegeography / "landing-point" / "landing-point-geo.json")
    sovereign = dict(zip(countries["iso3"], countries["sovereign"], strict=True))
    rows = []
    synthetic: dict[str, list[shapely.Point]] = {}
    tree = shapely.STRtree(countries.geometry.to_numpy())
    seen: set[str] = set()
    for feat in raw["features"]:
        props = feat["properties"]
        if props["slug"] in seen:  # the file repeats a few stations (one per cable); keep the first
            continue
        seen.add(props["slug"])
        lon, lat = feat["geometry"]["coordinates"][:2]
        point = shapely.Point(round(float(lon), 6), round(float(lat), 6))
        city, country_name = _split_name(props["name"])
        is_tbd = city.strip().lower().startswith("t.b.d")
        name_iso = _NAME_ALIASES.get(country_name, names.get(_norm(country_name)))
        poly_iso, near_iso, near_km = _assign_country(name_iso, point, countries, tree)
        found = poly_iso or near_iso
        iso3 = found
        if name_iso is None:
            if country_name not in _NAME_ALIASES:
                log(
                    f"landing point {props['slug']}: country name {country_name!r} unknown; "
                    f"polygon gives {found}"
                )
        elif found != name_iso:
            same_sovereign = found is not None and sovereign.get(found) == sovereign.get(name_iso)
            territory_missing = name_iso not in set(countries["iso3"])
            if territory_missing:
                iso3 = name_iso
                synthetic.setdefault(name_iso, []).append(point)
                log(
                    f"landing point {props['slug']}: {country_name} ({name_iso}) has no 1:50m polygon "
                    f"(point is {'in' if poly_iso else 'near'} {found}); name kept, stand-in polygon added"
                )
            elif same_sovereign and (poly_iso is not None or near_km <= LANDMASS_JOIN_KM):
                iso3 = found
                where = "in" if poly_iso else f"{near_km:.0f} km from"
                log(
                    f"landing point {props['slug']}: name says {country_name} ({name_iso}), "
                    f"point lies {where} {found}; polygon kept (same sovereign)"
                )
            else:
                iso3 = name_iso
                where = "in" if poly_iso else f"{near_km:.0f} km from"
                log(
                    f"landing point {props['slug']}: name says {country_name} ({name_iso}), point lies "
                    f"{where} {found}; name kept"
                )
        if iso3 is None:
            raise DataError(f"landing point {props['slug']} has no country")
        rows.append(
            {
                "landing_point_id": props["slug"],
                "name": props["name"],
                "city": city,
                "source_country": country_name,
                "iso3": iso3,
                "is_tbd": bool(is_tbd),
                "geometry": point,
                "tg_numeric_id": int(props["id"]),
            }
        )
    lps = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    extra = []
    for code, points in sorted(synthetic.items()):
        geom = shapely.union_all([circle(p.x, p.y, SYNTHETIC_RADIUS_KM) for p in points])
        name = next(k for k, v in _NAME_ALIASES.items() if v == code)
        parent = None
        hits = tree.query(points[0], predicate="intersects")
        if len(hits):
            parent = countries.iloc[hits[0]]
        extra.append(
            {
                "iso3": code,
                "name": name,
                "iso2": "",
                "other_names": "",
                "region": parent["region"] if parent is not None else "",
                "subregion": parent["subregion"] if parent is not None else "",
                "population": 0,
                "gdp_musd": 0.0,
                "geometry": geom,
                "synthetic_polygon": True,
                "income_group": parent["income_group"] if parent is not None else "",
                "sovereign": parent["sovereign"] if parent is not None else name,
            }
        )
    if extra:
        ex = gpd.GeoDataFrame(extra, geometry="geometry", crs=4326)
        # carve the stand-in out of the unit it sits in, so polygons do not overlap
        for _, row in ex.iterrows():
            mask = countries.geometry.intersects(row.geometry)
            countries.loc[mask, "geometry"] = countries.loc[mask, "geometry"].difference(
                row.geometry
            )
        countries = pd.concat([countries, ex], ignore_index=True)
    return lps, countries


def _landmasses(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Cluster each country's polygons into land masses (gaps under LANDMASS_JOIN_KM join)."""

    rows = []
    eq_area = "+proj=cea +lon_0=0 +lat_ts=30 +datum=WGS84 +units=m"
    for iso3, geom in zip(countries["iso3"], countries.geometry, strict=True):
        parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
        graph = nx.Graph()
        graph.add_nodes_from(range(len(parts)))
        if len(parts) > 1:
            tree = shapely.STRtree(parts)
            pad = LANDMASS_JOIN_KM / 111.0
            for i, part in enumerate(parts):
                lat = abs(part.centroid.y)
                pad_lon = pad / max(np.cos(np.radians(min(lat, 80.0))), 0.2)
                box = shapely.box(
                    part.bounds[0] - pad_lon,
                    part.bounds[1] - pad,
                    part.bounds[2] + pad_lon,
                    part.bounds[3] + pad,
                )
                for j in tree.query(box):
                    if j <= i:
                        continue
                    a, b = shapely.ops.nearest_points(part, parts[j])
                    if haversine_km(a.x, a.y, b.x, b.y) <= LANDMASS_JOIN_KM:
                        graph.add_edge(i, int(j))
        areas = gpd.GeoSeries(parts, crs=4326).to_crs(eq_area).area.to_numpy() / 1e6
        clusters = []
        for comp in nx.connected_components(graph):
            comp = sorted(comp)
            largest = max(comp, key=lambda k: areas[k])
            hub = parts[largest].representative_point()
            clusters.append((float(areas[comp].sum()), comp, hub))
        clusters.sort(key=lambda c: (-c[0], c[2].x, c[2].y))
        for k, (area, comp, hub) in enumerate(clusters):
            rows.append(
                {
                    "landmass_id": f"{iso3}:{k}",
                    "iso3": iso3,
                    "landmass": k,
                    "area_km2": area,
                    "hub_lon": round(hub.x, 5),
                    "hub_lat": round(hub.y, 5),
                    "geometry": shapely.MultiPolygon([parts[i] for i in comp]),
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def assign_landmass(points: gpd.GeoDataFrame, landmasses: gpd.GeoDataFrame) -> np.ndarray:
    """Landmass index of each point within its own country (containing or nearest polygon)."""
    out = np.zeros(len(points), dtype=int)
    by_country = {iso: g for iso, g in landmasses.groupby("iso3", sort=False)}  # noqa: C416
    for i, (iso3, pt) in enumerate(zip(points["iso3"], points.geometry, strict=True)):
        g = by_country.get(iso3)
        if g is None or len(g) == 1:
            continue
        dist = [
            shapely.distance(geom, pt) * np.cos(np.radians(pt.y)) if not geom.contains(pt) else -1
            for geom in g.geometry
        ]
        out[i] = int(g["landmass"].iloc[int(np.argmin(dist))])
    return out


PUBLISHED_AT_RFS_YEARS = 4
"""A published figure dated within this many years of RFS is taken as the design at RFS."""


def _capacities(
    source: Path, cable_ids: list[str], rfs_years: dict[str, int | None], log: _Log
) -> pd.DataFrame:
    """Capacity per cable with its basis, source, spread and the year from which it holds.

    ``capacity_tbps`` holds from ``capacity_year`` on; before, the network uses
    ``capacity_at_rfs_tbps`` (the design at ready-for-service): a published
    figure dated within :data:`PUBLISHED_AT_RFS_YEARS` of RFS, else fibre pairs
    x the era's per-pair value, else the era x length table.
    """
    cap = pd.read_csv(source / "capacity" / "cable_capacity.csv").set_index("cable_id")
    est = pd.read_csv(source / "capacity" / "cable_capacity_estimated.csv").set_index("cable_id")
    sev = {c["id"]: c for c in _read_json(source / "severed" / "cables.json")}
    notes = pd.read_csv(source / "capacity" / "cable_capacity_notes.csv").set_index("cable_id")
    rows = []
    for cid in cable_ids:
        key = cid if cid in cap.index else cid.replace("saba-statia", "sabastatia")
        pub = cap.loc[key] if key in cap.index else None
        e = est.loc[key] if key in est.index else None
        s = sev.get(cid)
        fp = pub["fiber_pairs"] if pub is not None and pd.notna(pub["fiber_pairs"]) else None
        lit = (
            pub["lit_capacity_tbps"]
            if pub is not None and pd.notna(pub["lit_capacity_tbps"])
            else None
        )
        lit_year = None
        if lit is not None and key in notes.index and pd.notna(notes.at[key, "lit_capacity_year"]):
            lit_year = int(notes.at[key, "lit_capacity_year"])
        if pub is not None and pd.notna(pub["design_capacity_tbps"]):
            value, basis, spread = float(pub["design_capacity_tbps"]), "published", 1.0
            text = str(pub["source"])
            if pd.notna(pub["year_of_figure"]):
                text = f"{text} (figure of {int(pub['year_of_figure'])})"
        elif (
            s is not None
            and s.get("capacitySource") in ("press", "wikipedia")
            and s.get("capacityConfidence") in ("verified", "estimated")
            and s.get("designCapacityTbps")
        ):
            value, basis, spread = float(s["designCapacityTbps"]), "sourced", 1.5
            text = f"Severed dataset ({s['capacitySource']}, {s['capacityConfidence']}): {s.get('sourceUrl') or ''}".strip()
            if fp is None and s.get("fiberPairs"):
                fp = int(s["fiberPairs"])
        elif e is not None:
            value, basis, spread = float(e["est_potential_2021_tbps"]), "estimated", 3.0
            text = (
                f"estimated: {e['potential_basis']} on {e['design_basis']} "
                f"({e['era']}, {e['length_class']} cable)"
            )
        else:
            value, basis, spread = 1.0, "estimated", 3.0
            text = "estimated: no capacity row for this cable; 1 Tbps assumed"
            log(f"capacity: {cid} has no row in the capacity tables; 1 Tbps assumed")
        rfs = rfs_years.get(cid)
        rfs = None if rfs is None or pd.isna(rfs) else int(rfs)
        year = rfs
        if basis == "published" and pd.notna(pub["year_of_figure"]):
            year = int(pub["year_of_figure"])
        elif (
            basis == "estimated"
            and e is not None
            and str(e["potential_basis"]).startswith("max(")
            and value > float(e["est_design_at_rfs_tbps"])
            and rfs is not None
        ):
            year = max(rfs, COHERENT_RETROFIT_YEAR)  # the retrofit value holds from then
        if e is not None and (year is None or rfs is None or year > rfs + PUBLISHED_AT_RFS_YEARS):
            era, klass = str(e["era"]), str(e["length_class"])
            if basis == "estimated":
                at_rfs = float(e["est_design_at_rfs_tbps"])
            elif fp is not None and era in _ERA_PER_PAIR:
                at_rfs = min(value, float(fp) * _ERA_PER_PAIR[era])
            else:
                at_rfs = min(value, _ERA_TABLE.get(era, {}).get(klass, value))
        else:
            at_rfs = value
        upgrade = _upgrades.STATED_UPGRADES.get(cid)
        if upgrade is not None and basis == "published" and (year is None or year < upgrade[0]):
            # a later upgrade stated in the sources: the design before it holds until then
            at_rfs = min(at_rfs, value)
            before = value
            value, year = value + upgrade[1], upgrade[0]
            text = (
                f"{text}; from {year} {value:g} Tbps: {before:g} + {upgrade[1]:g} added "
                f"({upgrade[3]})"
            )
            log(f"capacity: {cid} from {year}: {value:g} Tbps, an upgrade stated in {upgrade[2]}")
        rows.append(
            {
                "cable_id": cid,
                "capacity_tbps": value,
                "capacity_year": year,
                "capacity_at_rfs_tbps": float(at_rfs),
                "capacity_basis": basis,
                "capacity_source": text,
                "capacity_spread": spread,
                "fiber_pairs": int(fp) if fp is not None else None,
                "lit_capacity_tbps": float(lit) if lit is not None else None,
                "lit_capacity_year": lit_year,
            }
        )
    return pd.DataFrame(rows)


def _merged_routes(features: list[dict[str, Any]], log: _Log) -> dict[str, shapely.Geometry]:
    """One MultiLineString per cable id; features repeating a slug are parts of one route."""
    parts: dict[str, list] = {}
    for f in features:
        geom = shapely.geometry.shape(f["geometry"])
        parts.setdefault(f["properties"]["slug"], []).extend(shapely.get_parts(geom))
    repeated = sorted(
        slug for slug in parts if sum(f["properties"]["slug"] == slug for f in features) > 1
    )
    if repeated:
        log(
            f"routes: cable-geo.json draws {len(repeated)} cables in several features, merged: "
            + ", ".join(repeated)
        )
    return {slug: shapely.MultiLineString(lines) for slug, lines in parts.items()}


def _cables_and_segments(
    telegeography: Path,
    lps: gpd.GeoDataFrame,
    log: _Log,
    *,
    snapshot: dt.date = SNAPSHOT_DATE,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, list[dict[str, Any]]]:

    tg = telegeography / "cable"
    index = _read_json(tg / "all.json")
    geo = _read_json(tg / "cable-geo.json")
    routes = _merged_routes(geo["features"], log)
    lp_xy = {r.landing_point_id: (r.geometry.x, r.geometry.y) for r in lps.itertuples()}
    cables, segments, bus, quality = [], [], [], []
    for entry in sorted(index, key=lambda e: e["id"]):
        cid = entry["id"]
        # the index spells one id differently from its detail file and route
        # ("sabastatia-..." vs "saba-statia-..."); the index id is kept
        file_id = (
            cid if (tg / f"{cid}.json").is_file() else cid.replace("sabastatia", "saba-statia")
        )
        detail = _read_json(tg / f"{file_id}.json")
        route_id = cid if cid in routes else file_id
        cid_out = cid
        members = list(dict.fromkeys(lp["id"] for lp in detail.get("landing_points", [])))
        unknown = [m for m in members if m not in lp_xy]
        if unknown:
            log(
                f"cable {cid}: landing points missing from the landing-point file: {unknown}; dropped"
            )
            members = [m for m in members if m in lp_xy]
        topo = build_cable_topology(
            cid_out, routes.get(route_id), [(m, *lp_xy[m]) for m in members]
        )
        year, month = _parse_rfs(detail.get("rfs"))
        rfs_date = dt.date(year, month or 7, 1) if year else None
        planned = rfs_date is not None and rfs_date > snapshot
        owners = [o.strip() for o in (detail.get("owners") or "").split(",") if o.strip()]
        cables.append(
            {
                "cable_id": cid_out,
                "name": detail.get("name") or entry["name"],
                "rfs_year": year,
                "rfs_month": month,
                "rfs_date": rfs_date,
                "planned": planned,
                "length_stated_km": _parse_length(detail.get("length")),
                "length_measured_km": round(topo.route_km, 3),
                "owners": owners,
                "url": detail.get("url") or None,
                "n_landing_points": len(members),
                "landing_point_ids": members,
            }
        )
        segs, bu, q = topo.rows(
            cid_out, has_route=route_id in routes, n_landing_points=len(members)
        )
        segments += segs
        bus += bu
        quality.append(q)
    seg_df = gpd.GeoDataFrame(segments, geometry="geometry", crs=4326)
    bu_df = gpd.GeoDataFrame(bus, geometry="geometry", crs=4326)
    return pd.DataFrame(cables), seg_df, bu_df, quality


def _terrestrial(
    source: Path, countries: gpd.GeoDataFrame, landmasses: gpd.GeoDataFrame, log: _Log
) -> gpd.GeoDataFrame:
    """Sourced cross-border links (Severed) plus one assumed link per land border."""
    metros = {m["id"]: m for m in _read_json(source / "severed" / "metros.json")}
    ne = gpd.read_file(source / "naturalearth" / "ne_50m_admin_0_countries.geojson")
    a2 = {}
    for code2, code3, adm in zip(ne["ISO_A2"], ne["ISO_A3"], ne["ADM0_A3"], strict=True):
        iso = code3 if re.fullmatch(r"[A-Z]{3}", str(code3)) else adm
        if re.fullmatch(r"[A-Z]{2}", str(code2)):
            a2[code2] = _MERGES.get(iso, iso)
    a2.update({"FR": "FRA", "NO": "NOR", "XK": "KOS"})
    valid = set(countries["iso3"])
    hubs = {(r.iso3, r.landmass): (r.hub_lon, r.hub_lat) for r in landmasses.itertuples()}
    rows = []
    pairs_sourced: set[frozenset[str]] = set()
    metro_rows = []
    for link in _read_json(source / "severed" / "terrestrial.json"):
        a, b = metros.get(link["from"]), metros.get(link["to"])
        if a is None or b is None:
            log(f"terrestrial: link {link['id']} names an unknown metro; skipped")
            continue
        ia, ib = a2.get(a["countryCode"]), a2.get(b["countryCode"])
        if ia is None or ib is None or ia not in valid or ib not in valid:
            log(
                f"terrestrial: link {link['id']}: country code {a['countryCode']}/{b['countryCode']} "
                "unknown; skipped"
            )
            continue
        if ia == ib:
            continue  # domestic backbone: covered by the backhaul rule
        metro_rows.append((link, a, b, ia, ib))
    if metro_rows:
        pts = gpd.GeoDataFrame(
            {"iso3": [r[3] for r in metro_rows] + [r[4] for r in metro_rows]},
            geometry=[shapely.Point(r[1]["lng"], r[1]["lat"]) for r in metro_rows]
            + [shapely.Point(r[2]["lng"], r[2]["lat"]) for r in metro_rows],
            crs=4326,
        )
        lm = assign_landmass(pts, landmasses)
        n = len(metro_rows)
        for k, (link, a, b, ia, ib) in enumerate(metro_rows):
            la, lb = int(lm[k]), int(lm[n + k])
            rows.append(
                {
                    "link_id": f"sourced:{link['id']}",
                    "from_iso3": ia,
                    "to_iso3": ib,
                    "from_node": f"land:{ia}:{la}",
                    "to_node": f"land:{ib}:{lb}",
                    "kind": "sourced",
                    "capacity_tbps": float(link["capacityTbps"]),
                    "length_km": float(
                        link.get("distanceKm")
                        or haversine_km(a["lng"], a["lat"], b["lng"], b["lat"])
                    ),
                    "confidence": str(link.get("confidence") or "estimated"),
                    "source": f"Severed dataset: {link.get('source', '')} {link.get('sourceUrl', '')}".strip(),
                    "geometry": shapely.LineString([(a["lng"], a["lat"]), (b["lng"], b["lat"])]),
                }
            )
            pairs_sourced.add(frozenset((ia, ib)))
    defaults = border_defaults(rows, countries)
    income = dict(zip(countries["iso3"], countries["income_group"], strict=True))
    # land borders: landmasses of two countries that touch
    lm_geoms = landmasses.reset_index(drop=True)
    left, right = touching(lm_geoms.geometry.to_numpy())
    seen: dict[tuple[str, str], int] = {}
    closed_pairs: set[str] = set()
    for i, j in sorted(zip(left.tolist(), right.tolist(), strict=True)):
        ra, rb = lm_geoms.iloc[i], lm_geoms.iloc[j]
        if ra.iso3 >= rb.iso3:
            continue
        if frozenset((ra.iso3, rb.iso3)) in pairs_sourced:
            continue
        if _closedborders.closed(ra.iso3, rb.iso3):
            closed_pairs.add(f"{ra.iso3}-{rb.iso3}")
            continue
        k = seen.get((ra.iso3, rb.iso3), 0)
        seen[(ra.iso3, rb.iso3)] = k + 1
        (xa, ya), (xb, yb) = hubs[(ra.iso3, ra.landmass)], hubs[(rb.iso3, rb.landmass)]
        group = max(income.get(ra.iso3, ""), income.get(rb.iso3, ""))  # the poorer end
        cap, n_src = defaults.get(group, (BORDER_LINK_TBPS, 0))
        why = (
            f"median of the {n_src} sourced cross-border links whose poorer end is '{group}'"
            if n_src
            else "fallback default"
        )
        rows.append(
            {
                "link_id": f"border:{ra.iso3}-{rb.iso3}:{k}",
                "from_iso3": ra.iso3,
                "to_iso3": rb.iso3,
                "from_node": f"land:{ra.iso3}:{ra.landmass}",
                "to_node": f"land:{rb.iso3}:{rb.landmass}",
                "kind": "border",
                "capacity_tbps": cap,
                "length_km": round(float(haversine_km(xa, ya, xb, yb)), 3),
                "confidence": "assumed",
                "source": f"assumed: the two countries share a land border (Natural Earth 1:50m); "
                f"{cap:g} Tbps = {why}",
                "geometry": shapely.LineString([(xa, ya), (xb, yb)]),
            }
        )
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    log(
        f"terrestrial: {int((out['kind'] == 'sourced').sum())} sourced cross-border links, "
        f"{int((out['kind'] == 'border').sum())} assumed border links; no link across the "
        f"closed borders {', '.join(sorted(closed_pairs)) or 'none'} (_closedborders)"
    )
    return _landdates.date_links(out, _landdates.read_service_dates(source), log)


BORDER_POOL_MIN = 5
"""Income groups with fewer sourced links than this borrow the next poorer group's."""


def border_defaults(
    links: list[dict[str, Any]], countries: pd.DataFrame
) -> dict[str, tuple[float, int]]:
    """Assumed capacity of an unsourced border link, by the income group of its poorer end.

    The median capacity of the sourced cross-border links whose poorer end is
    in the same World Bank income group (Natural Earth INCOME_GRP); groups
    with fewer than :data:`BORDER_POOL_MIN` sourced links are pooled with the
    next poorer group (the poorest with the next richer).

    Returns
    -------
    dict
        Income group -> (capacity in Tbit/s, number of sourced links behind it).
    """
    income = dict(zip(countries["iso3"], countries["income_group"], strict=True))
    by_group: dict[str, list[float]] = {}
    for link in links:
        if link["kind"] != "sourced":
            continue
        group = max(income.get(link["from_iso3"], ""), income.get(link["to_iso3"], ""))
        if group:
            by_group.setdefault(group, []).append(float(link["capacity_tbps"]))
    groups = sorted(g for g in set(income.values()) if g)
    out: dict[str, tuple[float, int]] = {}
    for i, g in enumerate(groups):
        pool = list(by_group.get(g, []))
        j = i
        while len(pool) < BORDER_POOL_MIN and j + 1 < len(groups):
            j += 1
            pool += by_group.get(groups[j], [])
        j = i
        while len(pool) < BORDER_POOL_MIN and j > 0:
            j -= 1
            pool += by_group.get(groups[j], [])
        if pool:
            out[g] = (float(np.median(pool)), len(pool))
    return out


def _chokepoints(segments: gpd.GeoDataFrame) -> gpd.GeoDataFrame:

    polys = chokepoint_polygons()
    rows = []
    tree = shapely.STRtree(segments.geometry.to_numpy())
    for cp in CHOKEPOINTS:
        poly = polys[cp.chokepoint_id]
        hits = tree.query(poly, predicate="intersects")
        rows.append(
            {
                "chokepoint_id": cp.chokepoint_id,
                "name": cp.name,
                "description": cp.description,
                "holds": cp.holds,
                "source": cp.source,
                "n_cables": int(segments.iloc[hits]["cable_id"].nunique()),
                "geometry": poly,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def build(
    source: str | os.PathLike[str] | None,
    out: str | os.PathLike[str],
    *,
    echo: Callable[[str], None] | None = print,
    telegeography: str | os.PathLike[str] | None = None,
    reference: str | os.PathLike[str] | None = None,
    snapshot: dt.date | None = None,
) -> dict[str, Any]:
    """Derive the bundled dataset from the raw sources and write it to ``out``.

    Parameters
    ----------
    source
        The raw-data directory (``../shared/data`` seen from the project root),
        holding ``telegeography/``, ``naturalearth/``, ``capacity/`` and ``severed/``.
    out
        Directory to write the tables, ``manifest.json``, ``quality_report.md``
        and ``build_log.txt`` into. Existing table files there are replaced
        atomically; nothing else is touched.
    echo
        Called with each build-log line (``None`` for silence).
    telegeography
        The TeleGeography directory (default ``source/telegeography``).
    reference
        A dataset directory supplying the countries, capacities and land links
        instead of ``source`` (used by :mod:`cablesim.dataset._tgimport` to import a
        newer TeleGeography copy; ``source`` may then be ``None``).
    snapshot
        Date of the TeleGeography copy (default :data:`SNAPSHOT_DATE`).

    Returns
    -------
    dict
        The manifest written.
    """
    src = Path(source) if source is not None else None
    tg = (
        Path(telegeography)
        if telegeography is not None
        else (src / "telegeography" if src else None)
    )
    if tg is not None and not tg.is_dir():
        raise DataError(
            f"the raw-data folder {tg} is missing: the raw sources (TeleGeography's cable map, "
            "Natural Earth, Severed) are not in the package; get them as described in "
            "data/README.md (the project keeps them beside the checkout, e.g. ../shared/data) "
            "and pass --source DIR"
        )
    if tg is None or not (tg / "cable" / "cable-geo.json").is_file():
        raise DataError(
            f"{tg or src} does not look like TeleGeography data (no cable/cable-geo.json)"
        )
    if src is None and reference is None:
        raise DataError("build needs the raw-data directory (source) or a reference dataset")
    ref = None
    if reference is not None:
        ref = _reference.read_reference(reference)
    snapshot = snapshot or SNAPSHOT_DATE
    dst = Path(out)
    dst.mkdir(parents=True, exist_ok=True)
    log = _Log(echo)
    countries, names = (
        _countries(src, log) if ref is None else _reference.reference_countries(ref, log)
    )
    lps, countries = _landing_points(tg, countries, names, log)
    landmasses = _landmasses(countries)
    lps["landmass"] = assign_landmass(lps, landmasses)
    cables, segments, bus, quality = _cables_and_segments(tg, lps, log, snapshot=snapshot)
    rfs = dict(zip(cables["cable_id"], cables["rfs_year"], strict=True))
    caps = (
        _capacities(src, cables["cable_id"].tolist(), rfs, log)
        if ref is None
        else _reference.reference_capacities(ref, cables, lps, log)
    )
    layer = _layer_2026(src if ref is None else None, lps, cables, segments, bus, quality,
                        countries, snapshot, log)  # fmt: skip
    if layer is not None:
        lps, cables, segments, bus, quality = (
            layer[k] for k in ("landing_points", "cables", "segments", "branching_units", "quality")
        )
        lps["landmass"] = assign_landmass(lps, landmasses)
        new = cables[cables["cable_id"].isin(layer["new_capacity_ids"])]
        caps = pd.concat([caps, _severed.capacities(src, new, lps, log)], ignore_index=True)
    cables = cables.merge(caps, on="cable_id", how="left")
    segments = segments.merge(cables[["cable_id", "capacity_tbps"]], on="cable_id", how="left")
    links = (
        _terrestrial(src, countries, landmasses, log)
        if ref is None
        else _reference.reference_links(ref, log)
    )
    chokepoints = _chokepoints(segments)
    counts = lps.groupby("iso3").size()
    countries["n_landing_points"] = countries["iso3"].map(counts).fillna(0).astype(int)
    # keep only the land masses that matter to the model: the main one and those with stations
    used = set(zip(lps["iso3"], lps["landmass"], strict=True)) | {
        (iso, 0) for iso in countries["iso3"]
    }
    for node in list(links["from_node"]) + list(links["to_node"]):
        _, iso, k = node.split(":")
        used.add((iso, int(k)))
    landmasses = landmasses[
        [(i, k) in used for i, k in zip(landmasses["iso3"], landmasses["landmass"], strict=True)]
    ].reset_index(drop=True)

    tables = {
        "countries": countries,
        "landmasses": landmasses,
        "landing_points": lps,
        "cables": cables,
        "segments": segments,
        "branching_units": bus,
        "chokepoints": chokepoints,
        "terrestrial_links": links,
    }
    extra_cols = {"cables": ["landing_point_ids"], "landing_points": ["tg_numeric_id"]}
    for name, df in tables.items():
        cols = [c.name for c in TABLES[name]] + extra_cols.get(name, [])
        frame = df[cols].copy()
        for col in TABLES[name]:
            if col.dtype in ("int",) and col.nullable:
                frame[col.name] = frame[col.name].astype("Int64")
            elif col.dtype == "str" and col.nullable:
                frame[col.name] = frame[col.name].astype(object)
        if name != "countries":
            frame = frame.sort_values(cols[0], kind="stable").reset_index(drop=True)
        else:
            frame = frame.sort_values("iso3").reset_index(drop=True)
        if "geometry" in frame.columns:
            frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
        tables[name] = frame
        with _safeio.atomic_path(dst / f"{name}.parquet") as tmp:
            frame.to_parquet(tmp, index=False)

    problems = validate(tables)
    report = _quality_report(tables, quality)
    info = {
        "name": "cablesim bundled dataset",
        "built": dt.date.today().isoformat(),
        "snapshot_date": snapshot.isoformat(),
        "licence": LICENCE,
        "sources": {
            "telegeography": "TeleGeography Submarine Cable Map data, API v2, snapshot of June 2021 (CC BY-NC-SA 3.0)",
            "naturalearth": "Natural Earth 1:50m Admin 0 countries (public domain)",
            "capacity": "Published cable capacities with cited sources, and a documented fallback estimate",
            "severed": "Severed (MIT licence, 2026): the 2026 layer (cables in service in early 2026), sourced cable capacities and cross-border terrestrial links",
            "landlinks": "Land-link service dates (landlinks/service_dates.csv of the shared sources): the year the first fibre on 34 cross-border routes entered service, each with its source",
        },
        "assumptions": {
            "border_link_tbps_fallback": BORDER_LINK_TBPS,
            "border_link_tbps_by_income_group": {
                g: v[0] for g, v in border_defaults(links.to_dict("records"), countries).items()
            },
            "landmass_join_km": LANDMASS_JOIN_KM,
            "synthetic_polygon_radius_km": SYNTHETIC_RADIUS_KM,
        },
        "counts": {name: len(df) for name, df in tables.items()},
        "snapshots": _snapshots(snapshot, tables, layer),
        "today": (layer["stats"]["date"] if layer else snapshot.isoformat()),
        "countries_with_landing_points": int(lps["iso3"].nunique()),
        "inferred_share": report["inferred_share"],
        "validation_problems": problems,
    }
    _write_text(dst / "manifest.json", json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    _write_text(dst / "quality_report.md", report["markdown"])
    _write_text(dst / "build_log.txt", "\n".join(log.lines) + "\n")
    readme = dst / "README.md"
    _write_text(readme, _data_readme(info))
    if problems:
        log(f"validation: {len(problems)} problems")
        for p in problems:
            log("  " + p)
    return info


def _layer_2026(src, lps, cables, segments, bus, quality, countries, snapshot, log):
    """The 2026 layer (:mod:`cablesim.dataset._severed`) where the sources hold it; else the
    snapshot columns alone (one snapshot) set on the tables in place, and None."""
    if src is not None and (src / "severed" / "cables.json").is_file():
        return _severed.build_layer(
            src, lps=lps, cables=cables, segments=segments, bus=bus, quality=quality,
            countries=countries, snapshot=snapshot, log=log,
        )  # fmt: skip
    for df in (lps, cables, segments):
        df["snapshot"] = snapshot.isoformat()
    lps["placement"] = "telegeography"
    cables["in_2026"] = False
    cables["rfs_year_2026"] = None
    cables["cable_id_2026"] = None
    cables["withdrawn_date"] = None
    return None


def _snapshots(snapshot: dt.date, tables: dict[str, Any], layer: dict | None) -> list[dict]:
    """The manifest's list of snapshots: date, source and row counts of each."""
    out = []
    for date in sorted(set(tables["cables"]["snapshot"])):
        row = {
            "date": date,
            "source": "TeleGeography Submarine Cable Map"
            if date == snapshot.isoformat()
            else _severed.SOURCE_2026,
        }
        for name in ("cables", "landing_points", "segments"):
            row[name] = int((tables[name]["snapshot"] == date).sum())
        out.append(row)
    if layer is not None:
        out[-1]["merge"] = layer["stats"]
    return out


def _write_text(path: Path, text: str) -> None:
    _safeio.write_atomic(path, text)


def _quality_report(
    tables: dict[str, gpd.GeoDataFrame], quality: list[dict[str, Any]]
) -> dict[str, Any]:
    q = pd.DataFrame(quality)
    total = float(q["route_km"].sum())
    inferred = float(q["inferred_km"].sum())
    share = inferred / total if total else 0.0
    with_inf = q[q["inferred_km"] > 0].sort_values("inferred_km", ascending=False)
    moved = [
        (c, lp, km)
        for c, mv in zip(q["cable_id"], q["moved"], strict=True)
        for lp, km in mv
        if km > 5
    ]
    attached = [
        (c, lp, km) for c, at in zip(q["cable_id"], q["attached"], strict=True) for lp, km in at
    ]
    lines = [
        "# Data-quality report",
        "",
        "Written by `cablesim data build`. TeleGeography gives each cable's landing points",
        "as an unordered set and its route as drawn lines; the build derives the segment topology from",
        "the drawing (see the README). Where the drawing is incomplete, it bridges with straight",
        "*inferred* segments, listed here.",
        "",
        f"- route length of all segments: {total:,.0f} km",
        f"- inferred length: {inferred:,.0f} km (**{share:.2%}** of the total)",
        f"- cables with inferred segments: {len(with_inf)} of {len(q)}",
        f"- cables without a drawn route: {int((~q['has_route']).sum())}",
        f"- dead-end route spurs pruned (lead to no landing point): {q['pruned_km'].sum():,.0f} km",
        f"- landing points moved more than 5 km to snap onto their route: {len(moved)}",
        f"- landing points attached to a route far away with an inferred segment: {len(attached)}",
        "",
        "## Cables with inferred segments",
        "",
        "| cable | inferred km | route km | share |",
        "| --- | ---: | ---: | ---: |",
    ]
    for r in with_inf.itertuples():
        lines.append(
            f"| {r.cable_id} | {r.inferred_km:,.0f} | {r.route_km:,.0f} | "
            f"{r.inferred_km / r.route_km if r.route_km else 0:.0%} |"
        )
    lines += [
        "",
        "## Landing points attached with an inferred segment",
        "",
        "| cable | landing point | distance to route (km) |",
        "| --- | --- | ---: |",
    ]
    lines += [f"| {c} | {lp} | {km:,.0f} |" for c, lp, km in sorted(attached)]
    lines += [
        "",
        "## Landing points moved more than 5 km onto their route",
        "",
        "| cable | landing point | moved (km) |",
        "| --- | --- | ---: |",
    ]
    lines += [f"| {c} | {lp} | {km:,.1f} |" for c, lp, km in sorted(moved)]
    return {"inferred_share": round(share, 5), "markdown": "\n".join(lines) + "\n"}


def _data_readme(info: dict[str, Any]) -> str:
    counts = info["counts"]
    parts = [
        "# cablesim bundled dataset",
        "",
        "Derived by `cablesim data build --source ../shared/data --out data` from the",
        "sources below; do not edit by hand (this README is generated too). Tables are GeoParquet",
        "(lon/lat, EPSG:4326). `manifest.json` holds counts and provenance, `quality_report.md` the",
        "topology's data-quality report, `build_log.txt` every disagreement the build resolved.",
        "",
        "## Sources and licences",
        "",
        "- **TeleGeography Submarine Cable Map** data (API v2, snapshot of June 2021): cable routes,",
        "  landing points, ready-for-service dates, owners. © TeleGeography, licensed under",
        "  [Creative Commons Attribution-NonCommercial-ShareAlike 3.0](https://creativecommons.org/licenses/by-nc-sa/3.0/)",
        "  (CC BY-NC-SA 3.0). The derived tables here (landing points, cables, segments, branching",
        "  units) are an adaptation and are shared under the same licence: attribution required, no",
        "  commercial use.",
        "- **Natural Earth** 1:50m Admin 0 countries: public domain (naturalearthdata.com).",
        "- **Published cable capacities** (`capacity/` of the project's shared sources): design",
        "  capacities with the cited source of each figure, and a documented fallback estimate.",
        "- **Severed** (open-source web app, MIT licence, 2026; © its authors, built from",
        "  TeleGeography's map data as of early 2026): the 2026 layer (cables in service in early",
        "  2026 with their routes, RFS years and station slugs), sourced capacities of cables that",
        "  have no published figure above, and sourced cross-border terrestrial links.",
        "- **Land-link service dates** (`landlinks/service_dates.csv` of the project's shared",
        "  sources, collected for cablesim in 2026 from public pages: news, operator releases,",
        "  the Severed records): the year the first fibre on 34 cross-border routes entered",
        "  service, each with its basis, a short verbatim quote and the source URL (kept in each",
        "  link's `service_source`).",
        "",
        *_severed.readme_section(info),
        "## Counts",
        "",
        "| table | rows |",
        "| --- | ---: |",
    ]
    parts += [f"| {name} | {n:,} |" for name, n in counts.items()]
    parts += [
        "",
        f"Countries with landing points: {info['countries_with_landing_points']}. Inferred share of "
        f"route length: {info['inferred_share']:.2%}.",
        "",
        "## How the tables are derived",
        "",
        "- **Countries**: Natural Earth units keyed by ISO 3166-1 alpha-3 (ADM0_A3 where Natural Earth",
        "  has no ISO code). Somaliland, Northern Cyprus, Siachen and Ashmore-Cartier are merged into",
        "  the ISO member state. French overseas departments and Australia's Indian Ocean territories,",
        "  which 1:50m folds into France / one unit, are carved out by their ISO codes. Territories too",
        f"  small for 1:50m (Gibraltar, Tokelau, Bonaire-St Eustatius-Saba) get a {SYNTHETIC_RADIUS_KM:g} km",
        "  circle around their stations (`synthetic_polygon`).",
        "- **Landing points**: country from the polygon the point lies in (or is nearest to), cross-",
        "  checked with the country in TeleGeography's name. Where they disagree: the polygon wins",
        "  when both belong to one sovereign (Hong Kong and Macao stations filed under China);",
        "  otherwise the name wins (points on a border or offshore near a neighbour). Every",
        "  disagreement is in `build_log.txt`.",
        f"- **Land masses**: a country's polygons closer than {LANDMASS_JOIN_KM:g} km to each other count as one",
        "  land mass (bridges, tunnels, short domestic links); k = 0 is the largest. Each has a hub",
        "  point where the backhaul and the land links meet.",
        "- **Segments**: built from each cable's drawn route: parts joined at shared endpoints,",
        "  T-junctions and across the antimeridian; landing points snapped onto the route (or",
        "  attached with an inferred segment when far from it); dead-end spurs pruned; remaining",
        "  gaps bridged with straight inferred segments. Every segment carries its cable's capacity.",
        "- **Capacity** of a cable: the published design figure with its source; else a figure the",
        "  Severed dataset cites (press or Wikipedia); else the fallback estimate of potential",
        "  capacity c. 2021 (`estimated: <rule>`). `capacity_at_rfs_tbps` is the design at",
        "  ready-for-service, used for networks dated before the figure's year. An upgrade the",
        "  capacity notes state with its year and size (EIG: 24.3 Tbit/s added in 2020) raises",
        "  the design from that year (`cablesim/dataset/_upgrades.py`).",
        "  `lit_capacity_tbps` and `lit_capacity_year` are the stated lit figures (26 cables).",
        "  A loaded network carries each cable's *estimated lit* capacity at its date, derived",
        "  from these columns (`cablesim.network.lit_model`: the median launch share of design,",
        "  growing at the growth rate of the capacity in service); the tables hold the figures.",
        "- **Terrestrial links**: Severed's sourced cross-border links between metros, and, for",
        "  every pair of countries sharing a land border with no sourced link, one assumed link",
        "  between the two land-mass hubs (`confidence: assumed`), but none across a border closed",
        "  to all traffic since before any fibre (Armenia-Turkey, Armenia-Azerbaijan, Israel-Lebanon,",
        "  Israel-Syria, the two Koreas: `cablesim/dataset/_closedborders.py`, each with its source);",
        "  an assumed link's capacity is the median of the",
        "  sourced links whose poorer end has the same World Bank income group (the figure and its",
        "  basis are in each link's `source`). All land-link figures describe lit capacity in",
        "  early 2026; networks of earlier dates shrink them at the lit-capacity growth rate",
        "  (see `cablesim.network.land_link_scale`).",
        "- **Land-link service dates**: a row of `landlinks/service_dates.csv` with a Severed id",
        "  dates that link; a row naming two countries (a border route not in the Severed file)",
        "  dates every land link between them (the assumed border link, or the sourced link);",
        "  where several rows date one link the earliest holds (the first fibre on that border;",
        "  later routes are named in `service_source`). `service_date` is 1 July of the year.",
        "  A network holds a dated link from that date only (`cablesim.network.land_links_in_service`):",
        "  a network of 2005 has no Kazakhstan-China link (2012). **Undated links** (no row:",
        "  most sourced links, domestic-to-domestic backbones of neighbouring countries and old",
        "  European bundles, and the assumed border links of borders with no dated route) are",
        "  assumed in service at every date; only their capacity shrinks for earlier dates.",
        "- **Chokepoints**: polygons drawn from coordinates in `cablesim/_chokepoints.py`, each",
        "  citing what defines it.",
        "",
        "## Tables",
    ]
    for name in TABLES:
        parts += ["", f"### {name}", "", markdown_table(name)]
    parts += [
        "",
        "`cables` also keeps `landing_point_ids` (the cable's landing points, a list) and",
        "`landing_points` keeps `tg_numeric_id` (TeleGeography's numeric id).",
        "",
    ]
    return "\n".join(parts)
