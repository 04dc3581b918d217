"""The 2026 layer of the bundled dataset: the Severed cable table merged into the 2021 snapshot.

The bundled network is TeleGeography's snapshot of June 2021. The Severed
dataset (MIT licence, ``severed/cables.json`` of the raw sources) lists the
cables in service in early 2026 with TeleGeography ids, landing-station slugs
and drawn routes, but no station coordinates. :func:`build_layer` merges it:

* **Cables** are matched by id (``saba-statia-...`` is the 2021 index's
  ``sabastatia-...``). A 2021 cable the 2026 table lists keeps its 2021 route
  and stations; its 2026 RFS year goes into ``rfs_year_2026``. A 2021 cable
  the 2026 table does not list is kept and given a ``withdrawn_date``: the 2026
  snapshot date if it was in service in June 2021 (when it went out of service
  is unknown; it is last known absent then), the 2021 snapshot date if it was
  only planned then (not known to have entered service). A cable with no 2021
  id is a new row (``snapshot`` = the 2026 date) built from its 2026 route.
* **Landing stations** are matched by slug (the 2021 slugs without their
  numeric prefix). A station with no 2021 slug is *placed* by
  :func:`place_station` (rule and measured error in its docstring and in the
  manifest); its country comes from the slug's country part.
* **Capacities** of new cables follow the precedence of the 2021 table: a
  figure Severed cites (press or Wikipedia, verified or estimated) is
  ``sourced``; otherwise the fallback model of the capacity sources (era x
  length class, the coherent retrofit for 1997-2012 cables) gives an
  ``estimated`` figure. Severed's own RFS-year heuristic is not a source and is
  never used.

:func:`snapshot_view` gives the tables a network of a given date is filtered
from: the 2021 rows as they were for dates before the 2021 snapshot, all rows
with the 2026 RFS years after it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cablesim._geo import haversine_km
from cablesim.dataset._layers import (
    COUNTRY_KM,
    ROUTE_KM,
    SNAPSHOT_2026_DATE,
    _km_geom,
    _rfs_date_2026,
    km_to,
)
from cablesim.dataset._reference import _ERA_TABLE, COHERENT_RETROFIT_YEAR, era_of
from cablesim.dataset._topology import build_cable_topology

SOURCE_2026 = (
    "Severed (MIT licence): cables in service in early 2026, from TeleGeography's map data"
)

FREE_END_KM = 10.0
"""A route end farther than this from every other part of the route is a free end (where
TeleGeography draws a landing); the join tolerance of :mod:`cablesim.dataset._topology`."""
TAKEN_KM = 10.0
"""A free route end within this distance of a known station of the cable is that station's."""
SAME_PLACE_KM = 0.5
"""Two stations of one cable are never placed closer than this. Where the topology still
snaps a placed station onto another station's place, the placed one is dropped (logged)."""

_ERA_TABLE_KEY = "era x length-class table"


# --------------------------------------------------------------------------------- reading


def read_cables(source: Path) -> list[dict[str, Any]]:
    """The Severed cable table (``severed/cables.json``)."""
    return json.loads((source / "severed" / "cables.json").read_text(encoding="utf-8"))


def strip_prefix(slug: str) -> str:
    """A TeleGeography landing-point slug without its numeric prefix ('3678-t-b-d-...')."""
    return re.sub(r"^\d+-", "", slug)


def slugify(text: str) -> str:
    """TeleGeography's slug of a name: accented letters dropped, other runs of
    non-alphanumerics to '-' ("Côte d'Ivoire" -> 'cte-divoire', "Congo, Dem. Rep." ->
    'congo-dem-rep-')."""
    text = unicodedata.normalize("NFC", text).lower().replace("'", "").replace("’", "")
    text = "".join(ch for ch in text if ch.isascii())
    return re.sub(r"[^a-z0-9]+", "-", text).lstrip("-")


def _nearest_on(geom: shapely.Geometry, lon: float, lat: float) -> tuple[float, float]:
    """The point of ``geom`` nearest to (lon, lat), in lon/lat."""
    local = _km_geom(lon, lat, geom)
    p = shapely.ops.nearest_points(shapely.Point(0, 0), local)[1]
    kx = 111.32 * np.cos(np.radians(lat))
    x = (lon + p.x / kx + 180.0) % 360.0 - 180.0
    return float(x), float(lat + p.y / 110.57)


# --------------------------------------------------------------------------------- placement


def free_ends(route: shapely.Geometry) -> list[tuple[float, float]]:
    """The free ends of a drawn route: part ends farther than :data:`FREE_END_KM` from
    every other part (and from the part's other end)."""
    parts = [p for p in shapely.get_parts(route) if not p.is_empty and len(p.coords) > 1]
    out: list[tuple[float, float]] = []
    for i, part in enumerate(parts):
        coords = np.asarray(part.coords)
        ends = [tuple(coords[0][:2]), tuple(coords[-1][:2])]
        if haversine_km(*ends[0], *ends[1]) <= FREE_END_KM:
            continue  # a closed ring: no free end
        for lon, lat in ends:
            near = [
                j
                for j, other in enumerate(parts)
                if j != i and km_to(lon, lat, other) <= FREE_END_KM
            ]
            if not near:
                out.append((float(lon), float(lat)))
    return out


def place_station(
    route: shapely.Geometry | None,
    country: shapely.Geometry,
    taken: list[tuple[float, float]],
    hint: tuple[float, float] | None,
) -> tuple[float, float, str]:
    """Place a station whose coordinates are unknown on its cable's route, in its country.

    The rule, first that applies:

    1. ``route end``: the free ends of the drawn route (TeleGeography draws each
       landing as the end of a route part) within :data:`COUNTRY_KM` of the
       country, not already a known station of the cable (within
       :data:`TAKEN_KM`); of several, the one nearest the station's Severed metro
       (``hint``) where known, else the one nearest the country (ties: west to east).
    2. ``route near metro``: the point of the route nearest the metro, where the
       metro lies within :data:`ROUTE_KM` of the route and that point within
       :data:`COUNTRY_KM` of the country.
    3. ``route near country``: the vertex of the route nearest the country, within
       :data:`COUNTRY_KM` of it and not a known station's place (of equals, the one
       farthest from the known stations).
    4. ``metro``: the metro's coordinates; ``country``: the point of the country
       nearest the route. The topology then attaches the station with an
       inferred segment.

    The error of the rule, measured by placing each 2021 station of the 2026
    cables with its coordinates hidden (:func:`placement_error`), is written to
    the manifest and to ``data/README.md``.

    Returns
    -------
    tuple
        (lon, lat, rule)
    """
    has_route = route is not None and not route.is_empty

    def free(lon: float, lat: float) -> bool:
        return all(haversine_km(lon, lat, tx, ty) > SAME_PLACE_KM for tx, ty in taken)

    if has_route:
        cands = []
        for lon, lat in free_ends(route):
            d_country = km_to(lon, lat, country)
            if d_country > COUNTRY_KM:
                continue
            if any(haversine_km(lon, lat, tx, ty) <= TAKEN_KM for tx, ty in taken):
                continue
            d_hint = haversine_km(lon, lat, *hint) if hint else 0.0
            cands.append((d_hint, d_country, lon, lat))
        if cands:
            cands.sort()
            return cands[0][2], cands[0][3], "route end"
        if hint and km_to(*hint, route) <= ROUTE_KM:
            lon, lat = _nearest_on(route, *hint)
            if km_to(lon, lat, country) <= COUNTRY_KM and free(lon, lat):
                return lon, lat, "route near metro"
        spot = _route_vertex(route, country, taken)
        if spot is not None:
            return spot[0], spot[1], "route near country"
    if hint and km_to(*hint, country) <= COUNTRY_KM and free(*hint):
        return hint[0], hint[1], "metro"
    if has_route:
        _, b = shapely.ops.nearest_points(route, country)
        return float(b.x), float(b.y), "country"
    p = country.representative_point()
    return float(p.x), float(p.y), "country"


def _route_vertex(
    route: shapely.Geometry, country: shapely.Geometry, taken: list[tuple[float, float]]
) -> tuple[float, float] | None:
    """The vertex of the route nearest the country (whole km) among those within
    :data:`COUNTRY_KM` of it and not at a station of the cable (:data:`SAME_PLACE_KM`);
    of equals, the one farthest from the cable's stations (then west to east)."""
    best = None
    for lon, lat in shapely.get_coordinates(route):
        d = km_to(lon, lat, country)
        if d > COUNTRY_KM:
            continue
        gap = min((haversine_km(lon, lat, tx, ty) for tx, ty in taken), default=0.0)
        if taken and gap <= SAME_PLACE_KM:
            continue
        key = (round(d), -round(gap), lon, lat)
        if best is None or key < best:
            best = key
    return None if best is None else (float(best[2]), float(best[3]))


def _metro_hints(
    entry: dict[str, Any], metros: dict[str, dict], known: _Countries
) -> dict[str, tuple[float, float]]:
    """Station slug -> its Severed metro's coordinates: the metro at the station's place in
    Severed's segment chain (stations in list order) where the chain has one metro per
    station, else the metro whose id is the station's city part."""
    segs = entry.get("segments") or []
    stations = entry.get("landingStationIds") or []
    chain = [segs[0]["from"]] + [s["to"] for s in segs] if segs else []
    out: dict[str, tuple[float, float]] = {}
    if len(chain) == len(stations):
        for s, m in zip(stations, chain, strict=True):
            if m in metros:
                out[s] = (float(metros[m]["lng"]), float(metros[m]["lat"]))
    for s in stations:
        parsed = known.of(s)
        if s not in out and parsed is not None and parsed[0] in metros:
            m = metros[parsed[0]]
            out[s] = (float(m["lng"]), float(m["lat"]))
    return out


def _route(entry: dict[str, Any]) -> shapely.Geometry | None:
    path = entry.get("path") or {}
    geom = path.get("geometry") if path.get("type") == "Feature" else path
    if not geom or not geom.get("coordinates"):
        return None
    return shapely.geometry.shape(geom)


# --------------------------------------------------------------------------------- the build


class _Countries:
    """Slug country part -> (source country name, allowed iso3 codes, polygons)."""

    def __init__(self, lps: pd.DataFrame, countries: gpd.GeoDataFrame) -> None:
        self.by_slug: dict[str, tuple[str, list[str]]] = {}
        groups: dict[str, dict[str, int]] = {}
        for name, iso in zip(lps["source_country"], lps["iso3"], strict=True):
            if name:
                groups.setdefault(name, {}).setdefault(iso, 0)
                groups[name][iso] += 1
        for name, isos in groups.items():
            ordered = sorted(isos, key=lambda i: (-isos[i], i))
            self.by_slug[slugify(name)] = (name, ordered)
        for iso, name in zip(countries["iso3"], countries["name"], strict=True):
            self.by_slug.setdefault(slugify(name), (name, [iso]))
        self.geom = dict(zip(countries["iso3"], countries.geometry, strict=True))
        self._suffixes = sorted(self.by_slug, key=len, reverse=True)

    def of(self, slug: str) -> tuple[str, str, list[str]] | None:
        """(city part, source country name, allowed iso3) of a station slug."""
        for suffix in self._suffixes:
            if slug.endswith("-" + suffix):
                name, isos = self.by_slug[suffix]
                return slug[: -len(suffix) - 1], name, isos
        return None

    def polygon(self, isos: list[str]) -> shapely.Geometry:
        return shapely.union_all([self.geom[i] for i in isos if i in self.geom])


def build_layer(
    source: Path,
    *,
    lps: gpd.GeoDataFrame,
    cables: pd.DataFrame,
    segments: gpd.GeoDataFrame,
    bus: gpd.GeoDataFrame,
    quality: list[dict[str, Any]],
    countries: gpd.GeoDataFrame,
    snapshot: dt.date,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Merge the 2026 table into the 2021 tables (returns new frames; inputs untouched).

    Returns
    -------
    dict
        ``landing_points``, ``cables``, ``segments``, ``branching_units``,
        ``quality`` (the 2021 frames with the new rows and the snapshot
        columns), ``new_capacity_ids`` (new cable ids, whose capacities
        :func:`capacities` gives) and ``stats`` (counts and the placement error,
        for the manifest).
    """

    entries = read_cables(source)
    metros = {m["id"]: m for m in json.loads((source / "severed" / "metros.json").read_text())}
    old_ids = set(cables["cable_id"])

    lp_index = {strip_prefix(s): s for s in lps["landing_point_id"]}
    matched_ids = match_ids(entries, cables, lp_index)

    def match_id(cid: str) -> str:
        return matched_ids.get(cid, cid)

    by_id = {match_id(e["id"]): e for e in entries}
    xy = {r.landing_point_id: (r.geometry.x, r.geometry.y) for r in lps.itertuples()}
    known_country = _Countries(lps, countries)

    # ---- 2021 rows: snapshot columns, RFS of 2026, withdrawn where absent
    cables = cables.copy()
    cables["snapshot"] = snapshot.isoformat()
    cables["in_2026"] = cables["cable_id"].isin(by_id)
    cables["rfs_year_2026"] = [
        by_id[c].get("rfsYear") if c in by_id else None for c in cables["cable_id"]
    ]
    cables["cable_id_2026"] = [
        by_id[c]["id"] if c in by_id and by_id[c]["id"] != c else None for c in cables["cable_id"]
    ]
    for c, new_id in zip(cables["cable_id"], cables["cable_id_2026"], strict=True):
        if isinstance(new_id, str):
            log(f"2026: cable {c} is listed in 2026 as {new_id}")
    withdrawn = []
    for cid, planned in zip(cables["cable_id"], cables["planned"], strict=True):
        if cid in by_id:
            withdrawn.append(None)
        else:
            withdrawn.append(snapshot if planned else SNAPSHOT_2026_DATE)
    cables["withdrawn_date"] = withdrawn
    changed = cables[
        cables["in_2026"] & (cables["rfs_year_2026"].astype("Float64") != cables["rfs_year"])
    ]
    for r in changed.itertuples():
        log(f"2026: cable {r.cable_id}: RFS {r.rfs_year} (2021 snapshot) -> {r.rfs_year_2026}")
    absent = cables[~cables["in_2026"]]
    log(
        f"2026: {len(absent)} cables of the 2021 snapshot are not in the 2026 table, kept with a "
        f"withdrawn date ({int(absent['planned'].sum())} planned in 2021: never in service after "
        f"it; the others: in service until {SNAPSHOT_2026_DATE})"
    )

    # ---- new cables
    slugs_2026 = {s for e in entries for s in e.get("landingStationIds") or []}
    matched = {s for s in slugs_2026 if s in lp_index}
    new_entries = [e for e in entries if match_id(e["id"]) not in old_ids]
    blocked: set[str] = set()
    say_final = log
    for _attempt in range(4):
        notes: list[str] = []
        log = notes.append
        new_lps: dict[str, dict[str, Any]] = {}
        new_cables, new_segs, new_bus, new_quality = [], [], [], []
        unbuilt: list[str] = []
        rules: dict[str, int] = {}
        for e in sorted(new_entries, key=lambda e: e["id"]):
            cid = e["id"]
            route = _route(e)
            hints = _metro_hints(e, metros, known_country)
            members: list[str] = []
            places: list[tuple[str, float, float]] = []
            taken: list[tuple[float, float]] = []
            for s in e.get("landingStationIds") or []:
                if s in lp_index:
                    lid = lp_index[s]
                    members.append(lid)
                    places.append((lid, *xy[lid]))
                    taken.append(xy[lid])
            for s in e.get("landingStationIds") or []:
                if s in lp_index or s in members:
                    continue
                if s in blocked:
                    rules["dropped"] = rules.get("dropped", 0) + 1
                    continue
                if s in new_lps:  # a new station shared with a cable placed before
                    members.append(s)
                    places.append((s, new_lps[s]["lon"], new_lps[s]["lat"]))
                    taken.append((new_lps[s]["lon"], new_lps[s]["lat"]))
                    continue
                parsed = known_country.of(s)
                if parsed is None:
                    log(f"2026: station {s} of {cid}: no known country in its slug; dropped")
                    continue
                city, cname, isos = parsed
                lon, lat, rule = place_station(
                    route, known_country.polygon(isos), taken, hints.get(s)
                )
                off_route = route is not None and (
                    rule == "country" or km_to(lon, lat, route) > ROUTE_KM
                )
                if off_route or any(
                    haversine_km(lon, lat, tx, ty) <= SAME_PLACE_KM for tx, ty in taken
                ):
                    why = "its route does not reach its country" if off_route else "no place left"
                    log(f"2026: station {s} of {cid}: {why} (rule '{rule}'); dropped")
                    rules["dropped"] = rules.get("dropped", 0) + 1
                    continue
                rules[rule] = rules.get(rule, 0) + 1
                iso3 = min(
                    isos, key=lambda i: (km_to(lon, lat, known_country.geom[i]), isos.index(i))
                )
                if rule not in ("route end",):
                    log(f"2026: station {s} of {cid} placed by rule '{rule}' in {iso3}")
                new_lps[s] = {
                    "landing_point_id": s,
                    "name": f"{city.replace('-', ' ').title()}, {cname}",
                    "city": city.replace("-", " ").title(),
                    "source_country": cname,
                    "iso3": iso3,
                    "is_tbd": city.startswith("t-b-d"),
                    "lon": round(lon, 6),
                    "lat": round(lat, 6),
                    "placement": rule,
                    "cable": cid,
                }
                members.append(s)
                places.append((s, new_lps[s]["lon"], new_lps[s]["lat"]))
                taken.append((lon, lat))
            members = list(dict.fromkeys(members))
            placed_here = {
                p[0] for p in places if p[0] in new_lps and new_lps[p[0]]["cable"] == cid
            }
            topo = build_cable_topology(cid, route, places)
            while True:
                merged = {
                    n
                    for seg in topo.segments
                    if seg.length_km == 0
                    for n in (seg.from_node, seg.to_node)
                    if n in placed_here
                }
                if not merged:
                    break
                drop = max(merged)
                log(f"2026: station {drop} of {cid}: snapped onto another station's place; dropped")
                rules[new_lps[drop]["placement"]] -= 1
                rules["dropped"] = rules.get("dropped", 0) + 1
                del new_lps[drop]
                placed_here.discard(drop)
                members.remove(drop)
                places = [p for p in places if p[0] != drop]
                topo = build_cable_topology(cid, route, places)
            if len(members) < 2:
                log(
                    f"2026: cable {cid}: {len(members)} station(s) placed or matched; not added "
                    "(a cable needs two)"
                )
                for s in placed_here:
                    rules[new_lps[s]["placement"]] -= 1
                    rules["dropped"] = rules.get("dropped", 0) + 1
                    del new_lps[s]
                unbuilt.append(cid)
                continue
            year = e.get("rfsYear")
            rfs_date = _rfs_date_2026(year)
            new_cables.append(
                {
                    "cable_id": cid,
                    "name": e.get("name") or cid,
                    "rfs_year": year,
                    "rfs_month": None,
                    "rfs_date": rfs_date,
                    "planned": False,
                    "length_stated_km": float(e["lengthKm"]) if e.get("lengthKm") else None,
                    "length_measured_km": round(topo.route_km, 3),
                    "owners": list(e.get("owners") or []),
                    "url": None,
                    "n_landing_points": len(members),
                    "landing_point_ids": members,
                    "snapshot": SNAPSHOT_2026_DATE.isoformat(),
                    "in_2026": True,
                    "rfs_year_2026": year,
                    "cable_id_2026": None,
                    "withdrawn_date": None,
                }
            )
            segs, bu, q = topo.rows(cid, has_route=route is not None, n_landing_points=len(members))
            new_segs += segs
            new_bus += bu
            new_quality.append(q)

        far = _far_stations(new_lps, new_cables, new_segs)
        if not far:
            break
        log = say_final
        for slug, km in sorted(far.items()):
            log(f"2026: station {slug}: {km:,.0f} km from the drawn route of its cables; dropped")
        blocked |= set(far)

    log = say_final
    for note in notes:
        log(note)
    in_old_cables = {
        s
        for e in entries
        if match_id(e["id"]) in old_ids
        for s in e.get("landingStationIds") or []
        if s not in lp_index
    } - set(new_lps)
    lps = lps.copy()
    lps["snapshot"] = snapshot.isoformat()
    lps["placement"] = "telegeography"
    if new_lps:
        add = pd.DataFrame(list(new_lps.values()))
        add = gpd.GeoDataFrame(
            add.drop(columns=["lon", "lat", "cable"]),
            geometry=gpd.points_from_xy(add["lon"], add["lat"]),
            crs=4326,
        )
        add["snapshot"] = SNAPSHOT_2026_DATE.isoformat()
        add["tg_numeric_id"] = -1
        lps = gpd.GeoDataFrame(pd.concat([lps, add], ignore_index=True), crs=4326)
    segments = segments.copy()
    segments["snapshot"] = snapshot.isoformat()
    if new_segs:
        ns = gpd.GeoDataFrame(new_segs, geometry="geometry", crs=4326)
        ns["snapshot"] = SNAPSHOT_2026_DATE.isoformat()
        segments = gpd.GeoDataFrame(pd.concat([segments, ns], ignore_index=True), crs=4326)
    if new_bus:
        bus = gpd.GeoDataFrame(
            pd.concat([bus, gpd.GeoDataFrame(new_bus, geometry="geometry", crs=4326)]),
            crs=4326,
        ).reset_index(drop=True)
    cables = pd.concat([cables, pd.DataFrame(new_cables)], ignore_index=True)

    error = placement_error(entries, lps=lps, lp_index=lp_index, metros=metros, known=known_country)
    stats = {
        "date": SNAPSHOT_2026_DATE.isoformat(),
        "source": SOURCE_2026,
        "cables_listed": len(entries),
        "cables_matched": len(entries) - len(new_entries),
        "cables_new": len(new_cables),
        "cables_new_not_added": len(unbuilt),
        "cables_absent_2026": len(absent),
        "cables_absent_2026_planned_2021": int(absent["planned"].sum()),
        "rfs_updated": len(changed),
        "station_slugs": len(slugs_2026),
        "station_slugs_matched": len(matched),
        "stations_new": len(new_lps),
        "stations_placed_by_rule": {k: v for k, v in sorted(rules.items()) if v},
        "stations_of_2021_cables_not_added": len(in_old_cables),
        "placement_error_km": error,
    }
    log(
        f"2026: {stats['cables_new']} new cables, {stats['stations_new']} new stations placed "
        f"({rules}); {len(matched)} of {len(slugs_2026)} station slugs match 2021; placement "
        f"error (2021 stations re-placed) median {error['median']} km, 90th percentile {error['p90']} km"
    )
    return {
        "landing_points": lps,
        "cables": cables,
        "segments": segments,
        "branching_units": bus,
        "quality": quality + new_quality,
        "new_capacity_ids": [c["cable_id"] for c in new_cables],
        "stats": stats,
    }


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def match_ids(
    entries: list[dict[str, Any]], cables: pd.DataFrame, lp_index: dict[str, str]
) -> dict[str, str]:
    """2026 id -> 2021 id of the same cable, among the 2021 cables no 2026 id names directly:

    1. the same id or name once everything but letters and digits is dropped ('tt1' is
       'tt-1', 'saba-statia-...' is 'sabastatia-...');
    2. else the same stations listed under a new id: at least two shared stations, the
       2021 stations all among the 2026 ones or the two sets overlapping by half or more
       (shared / all), and RFS years at most a year apart (FLAG Europe-Asia is 'fea').
       Best overlap first; each cable matched once.
    """
    old = set(cables["cable_id"])
    direct = {e["id"] for e in entries} & old
    by_key: dict[str, str] = {}
    for cid, name in zip(cables["cable_id"], cables["name"], strict=True):
        if cid not in direct:
            by_key.setdefault(_key(cid), cid)
            by_key.setdefault(_key(name), cid)
    out = {}
    for e in entries:
        cid = e["id"]
        if cid in old:
            out[cid] = cid
        else:
            hit = by_key.get(_key(cid)) or by_key.get(_key(e.get("name") or ""))
            if hit is not None and hit not in out.values():
                out[cid] = hit
    free = cables[~cables["cable_id"].isin(set(out.values()))]
    pairs = []
    for e in entries:
        if e["id"] in out:
            continue
        b = {lp_index[s] for s in e.get("landingStationIds") or [] if s in lp_index}
        for cid, ids, year in zip(
            free["cable_id"], free["landing_point_ids"], free["rfs_year"], strict=True
        ):
            a = set(ids)
            shared = len(a & b)
            if shared < 2:
                continue
            overlap = shared / len(a | b)
            near = year is None or pd.isna(year) or abs(int(year) - int(e["rfsYear"])) <= 1
            if near and (a <= b or overlap >= 0.5):
                pairs.append((-overlap, e["id"], cid))
    used: set[str] = set()
    for _, new_id, cid in sorted(pairs):
        if new_id not in out and cid not in used:
            out[new_id] = cid
            used.add(cid)
    for e in entries:
        out.setdefault(e["id"], e["id"])
    return out


def _far_stations(
    new_lps: dict[str, dict[str, Any]], new_cables: list[dict], new_segs: list[dict]
) -> dict[str, float]:
    """Placed stations farther than :data:`ROUTE_KM` from every drawn (not inferred)
    segment of their cables, with that distance (km)."""
    drawn: dict[str, list] = {}
    for seg in new_segs:
        if not seg["inferred"]:
            drawn.setdefault(seg["cable_id"], []).append(seg["geometry"])
    far: dict[str, float] = {}
    for c in new_cables:
        for m in c["landing_point_ids"]:
            if m in new_lps and c["cable_id"] in drawn:
                geom = shapely.union_all(drawn[c["cable_id"]])
                d = km_to(new_lps[m]["lon"], new_lps[m]["lat"], geom)
                far[m] = min(far.get(m, np.inf), d)
    return {m: d for m, d in far.items() if d > ROUTE_KM}


def placement_error(
    entries: list[dict[str, Any]],
    *,
    lps: pd.DataFrame,
    lp_index: dict[str, str],
    metros: dict[str, dict],
    known: _Countries,
) -> dict[str, Any]:
    """Error of :func:`place_station`: each 2021 station of each 2026 cable is placed with its
    own coordinates hidden (the cable's other 2021 stations known) and compared with them.

    Returns
    -------
    dict
        ``n`` placements, ``median``, ``p90`` (km), ``within_10_km`` and ``within_50_km``
        (shares) and the count per rule.
    """
    xy = {
        r.landing_point_id: (r.geometry.x, r.geometry.y)
        for r in lps.itertuples()
        if r.placement == "telegeography"
    }
    iso = dict(zip(lps["landing_point_id"], lps["source_country"], strict=True))
    errors: list[float] = []
    rules: dict[str, int] = {}
    for e in entries:
        route = _route(e)
        hints = _metro_hints(e, metros, known)
        stations = [s for s in e.get("landingStationIds") or [] if s in lp_index]
        for s in stations:
            lid = lp_index[s]
            parsed = known.of(s)
            if parsed is None or lid not in xy or not iso.get(lid):
                continue
            _, _, isos = parsed
            taken = [xy[lp_index[o]] for o in stations if o != s]
            lon, lat, rule = place_station(route, known.polygon(isos), taken, hints.get(s))
            rules[rule] = rules.get(rule, 0) + 1
            errors.append(float(haversine_km(lon, lat, *xy[lid])))
    err = np.array(errors) if errors else np.array([np.nan])
    return {
        "n": len(errors),
        "median": round(float(np.median(err)), 1),
        "p90": round(float(np.percentile(err, 90)), 1),
        "within_10_km": round(float(np.mean(err <= 10)), 3),
        "within_50_km": round(float(np.mean(err <= 50)), 3),
        "by_rule": dict(sorted(rules.items())),
    }


# --------------------------------------------------------------------------------- capacities


def _length_class(length_km: float | None, n_countries: int, n_stations: int) -> str:
    """The fallback model's length class ('Length n.a.': 4+ countries long; one country or at
    most 2 stations short; else medium)."""
    if length_km is None or pd.isna(length_km):
        if n_countries >= 4:
            return "long"
        return "short" if n_countries <= 1 or n_stations <= 2 else "medium"
    return "short" if length_km < 1000 else ("medium" if length_km < 5000 else "long")


def capacities(
    source: Path, cables: pd.DataFrame, lps: pd.DataFrame, log: Callable[[str], None]
) -> pd.DataFrame:
    """Capacity columns of the new 2026 cables, by the precedence of the 2021 table.

    A design figure Severed cites (press or Wikipedia, verified or estimated) is
    ``sourced`` (spread 1.5). Otherwise the capacity sources' fallback model
    (``capacity/README.md``): the era x length-class table at RFS (no RFS year:
    2003-2008), and for 1997-2012 cables the coherent retrofit, max(design,
    fibre pairs x 4 Tbps) with 2 pairs (4 for long 1997-2002 cables), holding from
    2013 (spread 3). Severed's RFS-year heuristic figures are not used.
    """

    sev = {e["id"]: e for e in read_cables(source)}
    iso = dict(zip(lps["landing_point_id"], lps["iso3"], strict=True))
    rows = []
    for r in cables.itertuples():
        s = sev[r.cable_id]
        rfs = None if r.rfs_year is None or pd.isna(r.rfs_year) else int(r.rfs_year)
        era = era_of(rfs) if rfs is not None else "2003-2008"
        fp = None
        if (
            s.get("capacitySource") in ("press", "wikipedia")
            and s.get("capacityConfidence") in ("verified", "estimated")
            and s.get("designCapacityTbps")
        ):
            value = at_rfs = float(s["designCapacityTbps"])
            basis, spread, year = "sourced", 1.5, rfs
            text = (
                f"Severed dataset ({s['capacitySource']}, {s['capacityConfidence']}): "
                f"{s.get('sourceUrl') or ''}"
            ).strip()
            fp = int(s["fiberPairs"]) if s.get("fiberPairs") else None
        else:
            n_countries = len({iso.get(m) for m in r.landing_point_ids})
            klass = _length_class(r.length_stated_km, n_countries, len(r.landing_point_ids))
            at_rfs = float(_ERA_TABLE[era][klass])
            value, year, potential = at_rfs, rfs, "design (coherent era)"
            if era in ("1997-2002", "2003-2008", "2009-2012"):
                pairs = 4 if era == "1997-2002" and klass == "long" else 2
                retro = pairs * 4.0
                potential = "max(design, fibre pairs x 4 Tbps retrofit)"
                if retro > at_rfs:
                    value = retro
                    year = max(rfs or COHERENT_RETROFIT_YEAR, COHERENT_RETROFIT_YEAR)
            elif era == "<=1996":
                potential = "design (no upgrade assumed before 1997)"
            basis, spread = "estimated", 3.0
            text = f"estimated: {potential} on {_ERA_TABLE_KEY} ({era}, {klass} cable)"
        rows.append(
            {
                "cable_id": r.cable_id,
                "capacity_tbps": value,
                "capacity_year": year,
                "capacity_at_rfs_tbps": at_rfs,
                "capacity_basis": basis,
                "capacity_source": text,
                "capacity_spread": spread,
                "fiber_pairs": fp,
                "lit_capacity_tbps": None,
                "lit_capacity_year": None,
            }
        )
    out = pd.DataFrame(rows)
    log(
        f"2026: capacities of the new cables: {int((out['capacity_basis'] == 'sourced').sum())} "
        f"sourced (Severed cites press or Wikipedia), "
        f"{int((out['capacity_basis'] == 'estimated').sum())} estimated by the fallback model"
    )
    return out


def readme_section(info: dict[str, Any]) -> list[str]:
    """The data README's section on the snapshots (empty for a dataset of one snapshot)."""
    snaps = info.get("snapshots") or []
    merge = snaps[-1].get("merge") if snaps else None
    if not merge:
        return []
    base, err = snaps[0], merge["placement_error_km"]
    rules = ", ".join(f"{k} {v}" for k, v in merge["stations_placed_by_rule"].items())
    return [
        "## Snapshots",
        "",
        "| snapshot | source | cables | landing points | segments |",
        "| --- | --- | ---: | ---: | ---: |",
        *(
            f"| {s['date']} | {s['source']} | {s['cables']:,} | {s['landing_points']:,} | "
            f"{s['segments']:,} |"
            for s in snaps
        ),
        "",
        f"Every cable, landing point and segment row says in `snapshot` which one it comes from. A "
        f"network dated before {base['date']} is the {base['date'][:4]} snapshot alone; from that "
        f"date on it is the merged network; the default network is 'today', {info['today']}.",
        "",
        f"- **Cables**: the 2026 table lists {merge['cables_listed']}; {merge['cables_matched']} "
        f"match a {base['date'][:4]} id (same id, or the same id or name once punctuation is "
        f"dropped) and keep their {base['date'][:4]} route and stations; {merge['cables_new']} "
        f"are new rows built from their 2026 route like the others "
        f"({merge.get('cables_new_not_added', 0)} more are not added: fewer than two of their "
        f"stations could be matched or placed). {merge['rfs_updated']} RFS "
        f"years differ in 2026 (`rfs_year_2026`, used by the merged network). "
        f"{merge['cables_absent_2026']} cables of {base['date'][:4]} are absent in 2026 and kept "
        f"with a `withdrawn_date`: in service until {merge['date']} if they were in "
        f"{base['date'][:4]}, never after {base['date']} if only planned then "
        f"({merge['cables_absent_2026_planned_2021']}).",
        f"- **Stations**: {merge['station_slugs_matched']:,} of the {merge['station_slugs']:,} "
        f"station slugs of 2026 match a {base['date'][:4]} slug (numeric prefix dropped). Stations "
        f"of new cables with no {base['date'][:4]} slug are placed on their cable's drawn route "
        f"within {COUNTRY_KM:g} km of their country (the slug's country part), first rule that "
        "applies: a free route end not already a station of the cable (nearest the station's "
        "Severed metro where known); the route point nearest the metro; the route vertex nearest "
        "the country; stations none of these places, or that end up more than "
        f"{ROUTE_KM:g} km from the drawn route, are dropped ({rules}). `placement` names the "
        f"rule. **Error of the rule**: re-placing the {err['n']:,} {base['date'][:4]} stations of "
        f"the 2026 cables with their coordinates hidden puts them a median {err['median']:g} km "
        f"from their true place, {err['within_10_km']:.0%} within 10 km, "
        f"{err['within_50_km']:.0%} within 50 km, 90th percentile {err['p90']:g} km. "
        f"{merge['stations_of_2021_cables_not_added']} new stations of matched cables are not "
        f"added (those cables keep their {base['date'][:4]} topology).",
        "- **Capacity** of new cables: a figure Severed cites (press or Wikipedia) is `sourced`; "
        "else the fallback model of the capacity sources (era x length class, coherent retrofit "
        "for 1997-2012); Severed's heuristic figures are never used.",
        "",
    ]
