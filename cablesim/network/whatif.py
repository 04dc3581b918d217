"""What-if cables: the ``add:`` forms of a scenario and the extended network they make.

A scenario's top-level ``add:`` list brings cables into its network::

    add:
      - cable: 2africa              # a cable of the dataset, by id or name: included even when
        capacity_tbps: 180          # its ready-for-service date is after as_of (override optional)
      - name: Red Sea bypass        # a hypothetical cable
        id: red-sea-bypass          # optional; default: made from the name
        landing_points: [jeddah-saudi-arabia, [31.2, 29.9], marseille-france]
        capacity_tbps: 200
        route: [[21.5, 39.1], [27.0, 34.5], [31.6, 32.3]]   # optional drawn route, [lat, lon]

A hypothetical cable joins its landing points in the order given (a festoon:
first to second, second to third...). Landing points are existing stations
(ids or names, in service or not) or ``[lat, lon]`` places; a new place gets the
country of the polygon it lies in (or the nearest one within
:data:`MAX_COAST_KM`) and that country's nearest land mass. With a ``route``,
the landing points are snapped onto it exactly as the dataset build snaps
TeleGeography's stations onto their drawn routes. Without one, each leg is
drawn over water (:func:`sea_route`): the great circle when it stays at sea,
else the shortest chain of great circles through :data:`SEA_WAYPOINTS`
(hand-placed points at sea off capes and in straits, checked against the
country polygons), and as a last resort the great circle over land. Such a
route is flagged ``route_inferred`` and is good enough to measure length and
to test which chokepoints the cable crosses, not to plan a survey.

:func:`extend` builds a new :class:`~cablesim.network.Network` (the given one is
never modified); the result is cached on the given network and is idempotent
(extending an extended network with the same list returns it unchanged).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops

from cablesim import dataset
from cablesim._geo import GEOD, haversine_km, wrap_variants
from cablesim._memo import Memo
from cablesim.exceptions import CableSimError, UnknownNameError
from cablesim.network import Network, filter_network

MAX_COAST_KM = 100.0
"""A new ``[lat, lon]`` landing point must lie in a country or within this distance of one."""

STEP_KM = 10.0
"""Spacing of the points tested against land along a route leg."""
COAST_KM = 30.0
"""Land within this distance of a landing point is the cable's shore end, not an obstacle."""
ISLAND_KM = 30.0
"""Land a leg may cross elsewhere (small islands a real cable would skirt) and still count as at sea."""
MAX_LEG_KM = 7000.0
"""Longest great-circle leg between two waypoints considered by the sea router."""

SEA_WAYPOINTS: dict[str, tuple[float, float]] = {
    # (lat, lon), each at sea (tests check them against the country polygons)
    # Europe and the Mediterranean
    "norwegian-sea": (65.0, 3.0),
    "north-sea": (55.0, 3.0),
    "skagerrak": (57.8, 8.5),
    "off-skagen": (57.9, 10.9),
    "kattegat": (57.0, 11.5),
    "oresund": (55.9, 12.7),
    "great-belt": (55.3, 11.0),
    "fehmarn-belt": (54.6, 11.3),
    "arkona-basin": (54.9, 13.6),
    "baltic-sea": (55.5, 17.5),
    "english-channel": (50.0, -2.5),
    "celtic-sea": (49.0, -8.0),
    "off-ireland": (52.0, -12.0),
    "off-iceland": (62.0, -20.0),
    "bay-of-biscay": (45.5, -6.0),
    "off-finisterre": (43.5, -10.5),
    "off-lisbon": (38.5, -10.5),
    "gulf-of-cadiz": (36.0, -7.5),
    "strait-of-gibraltar": (35.96, -5.55),
    "alboran-sea": (36.0, -3.5),
    "balearic-sea": (38.0, 5.0),
    "sardinia-channel": (37.9, 9.5),
    "sicily-channel": (36.4, 12.8),
    "ionian-sea": (37.0, 18.0),
    "south-of-crete": (34.3, 25.0),
    "levantine-sea": (33.5, 32.0),
    "off-port-said": (31.6, 32.3),
    # Red Sea, Arabian Sea, the Gulf and South Asia
    "gulf-of-suez": (29.3, 32.7),
    "red-sea-north": (27.0, 34.5),
    "red-sea-central": (21.0, 38.5),
    "red-sea-south": (15.0, 41.5),
    "bab-el-mandeb": (12.55, 43.35),
    "gulf-of-aden": (12.5, 47.0),
    "arabian-sea-west": (14.0, 55.0),
    "arabian-sea": (15.0, 62.0),
    "off-ras-al-hadd": (23.0, 60.5),
    "gulf-of-oman": (24.6, 58.2),
    "strait-of-hormuz": (26.5, 56.8),
    "hormuz-west": (26.05, 55.6),
    "persian-gulf": (27.0, 51.5),
    "persian-gulf-north": (29.0, 49.5),
    "off-mumbai": (18.5, 71.5),
    "laccadive-sea": (7.0, 76.0),
    "south-of-sri-lanka": (5.0, 80.5),
    "bay-of-bengal": (15.0, 88.0),
    "central-indian-ocean": (-5.0, 70.0),
    "south-indian-ocean": (-30.0, 80.0),
    # South-East and East Asia
    "andaman-sea": (8.0, 94.5),
    "malacca-north": (6.0, 97.5),
    "strait-of-malacca": (3.0, 100.5),
    "singapore-strait": (1.15, 104.3),
    "karimata-strait": (-2.0, 108.8),
    "south-china-sea-south": (5.0, 108.0),
    "south-china-sea": (12.0, 112.0),
    "java-sea": (-5.0, 110.0),
    "java-sea-east": (-5.0, 112.0),
    "flores-sea": (-7.5, 120.0),
    "makassar-strait": (-3.0, 117.8),
    "makassar-north": (0.5, 118.8),
    "celebes-sea": (3.0, 122.0),
    "banda-sea": (-6.0, 127.0),
    "lombok-strait": (-8.8, 115.8),
    "south-of-java": (-10.0, 112.0),
    "timor-sea": (-11.0, 127.0),
    "arafura-sea": (-10.0, 135.0),
    "luzon-strait": (20.5, 121.0),
    "taiwan-strait": (24.0, 119.5),
    "east-china-sea": (29.0, 125.0),
    "korea-strait": (34.6, 128.8),
    "south-of-japan": (33.0, 137.0),
    "off-tokyo": (34.0, 141.0),
    "west-of-guam": (13.0, 143.5),
    # Oceania and the Pacific
    "coral-sea": (-16.0, 153.0),
    "tasman-sea": (-37.0, 160.0),
    "bass-strait": (-39.5, 145.5),
    "great-australian-bight": (-36.0, 130.0),
    "off-perth": (-32.0, 114.0),
    "north-of-fiji": (-15.0, 178.0),
    "south-pacific": (-20.0, -160.0),
    "north-of-new-zealand": (-33.0, 175.0),
    "central-pacific": (0.0, -150.0),
    "west-pacific": (0.0, 160.0),
    "north-of-hawaii": (23.5, -157.0),
    "north-pacific": (35.0, -160.0),
    "south-of-aleutians": (50.0, 175.0),
    "off-california": (34.0, -122.0),
    "off-oregon": (44.0, -126.0),
    # Africa
    "south-of-madagascar": (-27.0, 46.0),
    "mozambique-channel": (-18.0, 41.0),
    "off-durban": (-30.0, 32.0),
    "off-port-elizabeth": (-35.0, 26.0),
    "off-cape-agulhas": (-36.0, 20.0),
    "off-cape-town": (-34.0, 17.0),
    "off-namibia": (-24.0, 12.5),
    "off-angola": (-12.0, 11.5),
    "gulf-of-guinea": (2.0, 4.0),
    "off-abidjan": (4.0, -4.0),
    "off-liberia": (4.5, -9.5),
    "off-guinea-bissau": (10.5, -17.5),
    "off-dakar": (14.5, -18.5),
    "west-of-canaries": (28.0, -19.0),
    "off-morocco": (33.0, -10.0),
    # the Americas and the Atlantic
    "equatorial-atlantic": (0.0, -25.0),
    "mid-atlantic": (45.0, -35.0),
    "off-brazil-northeast": (-5.0, -33.0),
    "off-brazil-southeast": (-24.0, -42.0),
    "off-river-plate": (-36.0, -54.0),
    "drake-passage": (-57.5, -66.0),
    "off-chile": (-33.0, -73.0),
    "off-peru": (-12.0, -78.5),
    "gulf-of-panama": (8.5, -79.5),
    "off-colon": (9.6, -79.9),
    "caribbean-sea": (15.0, -75.0),
    "gulf-of-mexico": (25.0, -90.0),
    "straits-of-florida": (24.0, -81.0),
    "east-of-bahamas": (26.0, -74.0),
    "off-new-york": (39.5, -71.0),
    "off-nova-scotia": (43.0, -62.0),
}
"""Hand-placed points at sea used to route hypothetical cables around land."""

LAND_CROSSINGS: tuple[tuple[str, str, str], ...] = (
    (
        "off-port-said",
        "gulf-of-suez",
        "Egypt (Mediterranean to Red Sea over land, as real cables do)",
    ),
    ("off-colon", "gulf-of-panama", "Panama (Caribbean to Pacific over land, as real cables do)"),
)
"""Waypoint pairs joined over land, the way real cables cross Egypt and Panama."""


# ------------------------------------------------------------------------------ validation


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "new-cable"


def catalog(net, table: str) -> pd.DataFrame:
    return net.catalog[table] if net.catalog is not None else getattr(net, table)


# ------------------------------------------------------------------------------ candidates (CLI)


# ------------------------------------------------------------------------------ geography


def country_at(network, lon: float, lat: float) -> tuple[str | None, float]:
    """The country a place lies in, or the nearest within :data:`MAX_COAST_KM`.

    Returns
    -------
    iso3, km
        ``iso3`` is ``None`` when no country is near enough; ``km`` is the
        distance to the country (0 inside).
    """
    iso3, km = nearest_country(network, lon, lat)
    return (iso3 if km <= MAX_COAST_KM else None), km


def nearest_country(network, lon: float, lat: float) -> tuple[str, float]:
    """The country a place lies in (distance 0) or the nearest one, with the distance in km."""

    tree = _cached(
        network,
        "whatif:country-tree",
        lambda: shapely.STRtree(network.countries.geometry.to_numpy()),
    )
    pt = shapely.Point(lon, lat)
    hits = tree.query(pt, predicate="intersects")
    if len(hits):
        return str(network.countries["iso3"].iloc[int(hits[0])]), 0.0
    idx = int(tree.nearest(pt))
    near = shapely.ops.nearest_points(pt, network.countries.geometry.iloc[idx])[1]
    return str(network.countries["iso3"].iloc[idx]), float(haversine_km(lon, lat, near.x, near.y))


def _cached(network, key: str, fn):
    return network.memo(key, fn)


_LANDS = Memo(maxsize=4)
"""The land of a country table (its union, prepared, and the sea-waypoint graph over it),
keyed by the table's content: the dataset's one table in practice."""


def _land(countries: gpd.GeoDataFrame):
    key = hashlib.sha1(b"".join(shapely.to_wkb(countries.geometry.to_numpy()))).hexdigest()
    return _LANDS.get(key, lambda: _make_land(countries))


def _make_land(countries: gpd.GeoDataFrame):
    land = shapely.union_all(countries.geometry.to_numpy())
    shapely.prepare(land)
    return land, Memo()


def _gc(lon1: float, lat1: float, lon2: float, lat2: float, step_km: float) -> np.ndarray:
    """Points along the great circle (lon/lat, longitudes continuous), ends included."""
    dist = float(haversine_km(lon1, lat1, lon2, lat2))
    n_mid = max(0, math.ceil(dist / step_km) - 1)
    pts = [(lon1, lat1)]
    if n_mid:
        pts.extend(GEOD.npts(lon1, lat1, lon2, lat2, n_mid))
    pts.append((lon2, lat2))
    arr = np.asarray(pts, dtype=float)
    if len(arr) > 1:
        step = np.diff(arr[:, 0])
        arr[1:, 0] += np.cumsum(-360.0 * np.round(step / 360.0))
    return arr


def _land_km(land, pts: np.ndarray, dist_km: float, free_start: bool, free_end: bool) -> float:
    """Length (km) of a sampled leg over land, not counting the shore ends of landing points."""
    n = len(pts)
    if n < 3:
        return 0.0
    lon = (pts[:, 0] + 180.0) % 360.0 - 180.0
    on = shapely.contains_xy(land, lon, pts[:, 1])
    pos = np.linspace(0.0, dist_km, n)
    if free_start:
        on &= pos > COAST_KM
    if free_end:
        on &= pos < dist_km - COAST_KM
    return float(on.sum()) * dist_km / (n - 1)


def _wp_graph(countries: gpd.GeoDataFrame) -> dict[str, dict[str, float]]:
    land, cache = _land(countries)
    return cache.get("graph", lambda: _make_wp_graph(land))


def _make_wp_graph(land) -> dict[str, dict[str, float]]:
    names = list(SEA_WAYPOINTS)
    graph: dict[str, dict[str, float]] = {n: {} for n in names}
    for i, a in enumerate(names):
        la, oa = SEA_WAYPOINTS[a]
        for b in names[i + 1 :]:
            lb, ob = SEA_WAYPOINTS[b]
            d = float(haversine_km(oa, la, ob, lb))
            if d > MAX_LEG_KM:
                continue
            if _land_km(land, _gc(oa, la, ob, lb, STEP_KM), d, False, False) <= ISLAND_KM:
                graph[a][b] = graph[b][a] = d
    for a, b, _ in LAND_CROSSINGS:
        (la, oa), (lb, ob) = SEA_WAYPOINTS[a], SEA_WAYPOINTS[b]
        graph[a][b] = graph[b][a] = float(haversine_km(oa, la, ob, lb))
    return graph


def sea_route(
    a: tuple[float, float], b: tuple[float, float], *, countries: gpd.GeoDataFrame
) -> tuple[np.ndarray, str]:
    """A route over water between two coastal places.

    Parameters
    ----------
    a, b
        ``(lat, lon)`` of the two ends (landing points).
    countries
        The country polygons that stand for land.

    Returns
    -------
    coords, method
        Lon/lat vertices with continuous longitudes (every ~50 km), and how the
        route was drawn: ``"great circle"`` (it stays at sea), ``"sea waypoints:
        a, b, ..."`` or ``"great circle over land (no sea route found)"``.
    """
    land, _ = _land(countries)
    (la, oa), (lb, ob) = a, b
    d = float(haversine_km(oa, la, ob, lb))
    if _land_km(land, _gc(oa, la, ob, lb, STEP_KM), d, True, True) <= ISLAND_KM:
        return _gc(oa, la, ob, lb, 50.0), "great circle"
    graph = _wp_graph(countries)
    dist: dict[str, float] = {"A": 0.0}
    prev: dict[str, str] = {}
    heap = [(0.0, "A")]
    crossings = {frozenset((x, y)): txt for x, y, txt in LAND_CROSSINGS}

    def neighbours(node: str) -> Iterable[tuple[str, float]]:
        if node == "A":
            yield from _end_links(land, (la, oa))
            return
        yield from graph[node].items()
        lat, lon = SEA_WAYPOINTS[node]
        dd = float(haversine_km(lon, lat, ob, lb))
        if (
            dd <= MAX_LEG_KM
            and _land_km(land, _gc(lon, lat, ob, lb, STEP_KM), dd, False, True) <= ISLAND_KM
        ):
            yield "B", dd

    while heap:
        du, u = heapq.heappop(heap)
        if u == "B":
            break
        if du > dist.get(u, math.inf):
            continue
        for v, w in neighbours(u):
            nd = du + w
            if nd < dist.get(v, math.inf):
                dist[v] = nd
                prev[v] = u
                heapq.heappush(heap, (nd, v))
    if "B" not in prev:
        return _gc(oa, la, ob, lb, 50.0), "great circle over land (no sea route found)"
    path = ["B"]
    while path[-1] != "A":
        path.append(prev[path[-1]])
    path.reverse()
    where = {"A": (la, oa), "B": (lb, ob), **SEA_WAYPOINTS}
    coords = [np.array([[oa, la]])]
    for u, v in itertools.pairwise(path):
        (lu, ou), (lv, ov) = where[u], where[v]
        leg = _gc(ou, lu, ov, lv, 50.0)
        leg[:, 0] += 360.0 * round((coords[-1][-1, 0] - leg[0, 0]) / 360.0)
        coords.append(leg[1:])
    names = [n for n in path if n not in ("A", "B")]
    over = [crossings[frozenset(p)] for p in itertools.pairwise(path) if frozenset(p) in crossings]
    method = "sea waypoints: " + ", ".join(names) + (f"; crosses {'; '.join(over)}" if over else "")
    return np.vstack(coords), method


def _end_links(land, end: tuple[float, float]) -> Iterable[tuple[str, float]]:
    lat, lon = end
    for name, (wl, wo) in SEA_WAYPOINTS.items():
        d = float(haversine_km(lon, lat, wo, wl))
        if (
            d <= MAX_LEG_KM
            and _land_km(land, _gc(lon, lat, wo, wl, STEP_KM), d, True, False) <= ISLAND_KM
        ):
            yield name, d


# ------------------------------------------------------------------------------ extending


def cache_key(add: Sequence[Mapping[str, Any]]) -> str:
    """A stable text key of an ``add`` list (for caches)."""
    return json.dumps(list(add), sort_keys=True, default=str)


def extend(network, add: Sequence[Mapping[str, Any]]):
    """The network with the cables of ``add`` brought in (a new network; ``network`` is unchanged).

    Parameters
    ----------
    network
        The network to extend; planned cables come from its catalog (the full
        dataset tables), so it must have one when ``add`` names planned cables.
    add
        Normalised specs from :func:`validate_add` (``Scenario.add``).

    Returns
    -------
    Network
        With ``info["added"]``: one record per added cable (id, name, kind,
        capacity, length, countries, route_inferred, route_method, chokepoints
        crossed, already_in_service).
    """

    if not add:
        return network
    key = cache_key(add)
    if network.info.get("whatif_key") == key:
        return network
    return network.memo(f"whatif:{key}", lambda: _extended(network, add, key))


def _extended(network, add: Sequence[Mapping[str, Any]], key: str):
    """The network with the ``add`` specs brought in (uncached; see :func:`extend`)."""
    planned = [s for s in add if s["kind"] == "planned"]
    new = [s for s in add if s["kind"] == "hypothetical"]
    in_service = set(network.cables["cable_id"])
    base = network
    if planned:
        if network.catalog is None:
            raise CableSimError(
                "this network has no catalog of the dataset's cables, so planned cables "
                "cannot be added to it (use a network from load_network)"
            )
        known = set(network.catalog["cables"]["cable_id"])
        missing = [s["cable_id"] for s in planned if s["cable_id"] not in known]
        if missing:
            raise UnknownNameError(missing[0], sorted(known), kind="cable")
        base = filter_network(
            network.catalog,
            network.as_of,
            extra_cables=[s["cable_id"] for s in planned],
            info=network.info,
            capacity=network.capacity_basis or "lit",
        )
        overrides = {s["cable_id"]: s["capacity_tbps"] for s in planned if s["capacity_tbps"]}
        if overrides:
            cables = base.cables.copy()
            segs = base.segments.copy()
            for cid, cap in overrides.items():
                cables.loc[
                    cables["cable_id"] == cid,
                    ["capacity_tbps", "capacity_at_rfs_tbps", "design_tbps"],
                ] = cap
                cables.loc[cables["cable_id"] == cid, "capacity_basis"] = "what-if"
                cables.loc[cables["cable_id"] == cid, "capacity_source"] = (
                    "what-if: capacity given in the scenario"
                )
                segs.loc[segs["cable_id"] == cid, "capacity_tbps"] = cap
            base = _replace(base, cables=cables, segments=segs)
    tables = {
        name: getattr(base, name)
        for name in ("landing_points", "cables", "segments", "branching_units")
    }
    catalog = dict(base.catalog) if base.catalog is not None else None
    methods: dict[str, str] = {}
    for spec in new:
        methods[spec["cable_id"]], rows = _hypothetical_rows(base, spec, tables)
        for name, frame in rows.items():
            if len(frame):
                tables[name] = _concat(tables[name], frame)
                if catalog is not None:
                    known_ids = set(catalog[name].iloc[:, 0])
                    fresh = frame[~frame.iloc[:, 0].isin(known_ids)]
                    catalog[name] = _concat(catalog[name], fresh)
    records = []
    for spec in add:
        records.append(
            _record(
                base, tables, spec, spec["cable_id"] in in_service, methods.get(spec["cable_id"])
            )
        )
    info = dict(network.info)
    info["whatif_key"] = key
    info["added"] = records
    out = Network(
        countries=base.countries,
        landmasses=base.landmasses,
        landing_points=tables["landing_points"],
        cables=tables["cables"],
        segments=tables["segments"],
        branching_units=tables["branching_units"],
        chokepoints=base.chokepoints,
        terrestrial_links=base.terrestrial_links,
        as_of=network.as_of,
        info=info,
        catalog=catalog,
    )
    return out


def _replace(net, **tables):

    parts = {
        name: getattr(net, name)
        for name in (
            "countries",
            "landmasses",
            "landing_points",
            "cables",
            "segments",
            "branching_units",
            "chokepoints",
            "terrestrial_links",
        )
    }
    parts.update(tables)
    return Network(**parts, as_of=net.as_of, info=dict(net.info), catalog=net.catalog)


def _concat(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    b = b.reindex(columns=a.columns)
    if isinstance(a, gpd.GeoDataFrame):
        out = pd.concat([pd.DataFrame(a), pd.DataFrame(b)], ignore_index=True)
        return gpd.GeoDataFrame(out, geometry="geometry", crs=a.crs)
    return pd.concat([a, b], ignore_index=True)


def _hypothetical_rows(
    net, spec: Mapping[str, Any], tables: dict[str, pd.DataFrame]
) -> tuple[str, dict[str, pd.DataFrame]]:

    cid = spec["cable_id"]
    allp = net.catalog["landing_points"] if net.catalog is not None else net.landing_points
    present = set(tables["landing_points"]["landing_point_id"])
    lp_rows = []
    stations: list[tuple[str, float, float]] = []
    names = net.country_names
    for k, lp in enumerate(spec["landing_points"], start=1):
        if lp[0] == "id":
            row = allp[allp["landing_point_id"] == lp[1]]
            if row.empty:
                raise UnknownNameError(lp[1], list(allp["landing_point_id"]), kind="landing point")
            pt = row.geometry.iloc[0]
            stations.append((lp[1], pt.x, pt.y))
            if lp[1] not in present:
                lp_rows.append(row.iloc[0].to_dict())
                present.add(lp[1])
            continue
        lat, lon = float(lp[1]), float(lp[2])
        iso, km = country_at(net, lon, lat)
        if iso is None:
            raise CableSimError(
                f"{cid}: landing point {lat:g}, {lon:g} is {km:,.0f} km from any country"
            )
        lp_id = f"{cid}-landing-{k}"
        country = names.get(iso, iso)
        lp_rows.append(
            {
                "landing_point_id": lp_id,
                "name": f"{spec['name']} landing {k}, {country}",
                "city": f"{spec['name']} landing {k}",
                "source_country": country,
                "iso3": iso,
                "landmass": 0,
                "is_tbd": False,
                "geometry": shapely.Point(lon, lat),
            }
        )
        stations.append((lp_id, lon, lat))
    lps = gpd.GeoDataFrame(lp_rows, geometry="geometry", crs=4326) if lp_rows else None
    if lps is not None:
        fresh = lps["landing_point_id"].str.startswith(f"{cid}-landing-")
        if fresh.any():
            lps.loc[fresh, "landmass"] = dataset.assign_landmass(lps[fresh], net.landmasses)
    if spec.get("route"):
        coords = np.array([[lon, lat] for lat, lon in spec["route"]], dtype=float)
        route = dataset.to_geometry(dataset.unwrap(coords))
        method, inferred = "given", False
    else:
        legs, methods = [], []
        for (_, ox, oy), (_, px, py) in itertools.pairwise(stations):
            coords, m = sea_route((oy, ox), (py, px), countries=net.countries)
            legs.append(dataset.to_geometry(coords))
            methods.append(m)
        parts = [g for leg in legs for g in shapely.get_parts(leg)]
        route = shapely.MultiLineString(parts)
        method, inferred = " | ".join(methods), True
    topo = dataset.build_cable_topology(cid, route, stations)
    seg_rows = [
        {
            "segment_id": s.segment_id,
            "cable_id": cid,
            "from_node": s.from_node,
            "to_node": s.to_node,
            "length_km": round(s.length_km, 3),
            "capacity_tbps": float(spec["capacity_tbps"]),
            "inferred": bool(inferred or s.inferred),
            "geometry": s.geometry,
        }
        for s in topo.segments
    ]
    bu_rows = [
        {"node_id": b.node_id, "cable_id": cid, "geometry": shapely.Point(b.lon, b.lat)}
        for b in topo.branching_units
    ]
    members = list(dict.fromkeys(s[0] for s in stations))
    as_of = net.as_of
    cable = {
        "cable_id": cid,
        "name": spec["name"],
        "rfs_year": as_of.year,
        "rfs_month": as_of.month,
        "rfs_date": as_of,
        "planned": True,
        "length_stated_km": None,
        "length_measured_km": round(topo.route_km, 3),
        "owners": [],
        "url": None,
        "n_landing_points": len(members),
        "capacity_tbps": float(spec["capacity_tbps"]),
        "capacity_at_rfs_tbps": float(spec["capacity_tbps"]),
        "capacity_basis": "what-if",
        "capacity_source": "what-if: hypothetical cable, capacity given in the scenario",
        "capacity_spread": 1.0,
        "fiber_pairs": None,
        "lit_capacity_tbps": None,
        "lit_capacity_year": None,
        "design_tbps": float(spec["capacity_tbps"]),
        "landing_point_ids": members,
    }
    empty_geo = gpd.GeoDataFrame({"geometry": []}, geometry="geometry", crs=4326)
    return method, {
        "landing_points": lps if lps is not None else empty_geo,
        "cables": pd.DataFrame([cable]),
        "segments": gpd.GeoDataFrame(seg_rows, geometry="geometry", crs=4326),
        "branching_units": gpd.GeoDataFrame(bu_rows, geometry="geometry", crs=4326)
        if bu_rows
        else empty_geo,
    }


def _record(
    net, tables: dict[str, pd.DataFrame], spec: Mapping[str, Any], already: bool, method: str | None
) -> dict[str, Any]:
    cid = spec["cable_id"]
    cables = tables["cables"]
    row = cables[cables["cable_id"] == cid].iloc[0]
    segs = tables["segments"][tables["segments"]["cable_id"] == cid]
    lps = tables["landing_points"].set_index("landing_point_id")
    nodes = set(segs["from_node"]) | set(segs["to_node"])
    countries = sorted({lps.at[n, "iso3"] for n in nodes if n in lps.index})
    cps = []
    for cp_id, shape in zip(
        net.chokepoints["chokepoint_id"], net.chokepoints.geometry, strict=True
    ):
        if any(shapely.intersects(v, g) for v in wrap_variants(shape) for g in segs.geometry):
            cps.append(cp_id)
    rfs = row.get("rfs_date")
    hypothetical = spec["kind"] == "hypothetical"
    return {
        "cable_id": cid,
        "name": str(row["name"]),
        "kind": spec["kind"],
        "capacity_tbps": float(row["capacity_tbps"]),
        "length_km": round(float(segs["length_km"].sum()), 1),
        "countries": countries,
        "landing_points": list(row["landing_point_ids"]),
        "rfs_date": None if hypothetical or rfs is None or pd.isna(rfs) else dt.date.isoformat(rfs),
        "already_in_service": bool(already),
        "route_inferred": bool(hypothetical and not spec.get("route")),
        "route_method": method if hypothetical else "drawn (TeleGeography)",
        "chokepoints": cps,
    }


def added(network) -> list[dict[str, Any]]:
    """The records of the cables a what-if brought into ``network`` (empty when none)."""
    return list(network.info.get("added") or [])


def notes(network) -> list[str]:
    """Sentences for a report's assumptions describing the added cables."""
    out = []
    for r in added(network):
        where = ", ".join(r["countries"])
        if r["kind"] == "planned":
            txt = (
                f"What-if: {r['name']} ({r['cable_id']}) is included"
                + (f" (ready for service {r['rfs_date']})" if r["rfs_date"] else "")
                + (" (it is already in service at this date)" if r["already_in_service"] else "")
                + f": {r['capacity_tbps']:g} Tbps, landing in {where}."
            )
        else:
            how = (
                "route drawn by cablesim over water, an approximation"
                if r["route_inferred"]
                else "route as given"
            )
            txt = (
                f"What-if: hypothetical cable {r['name']} ({r['cable_id']}): {r['capacity_tbps']:g} Tbps, "
                f"{r['length_km']:,.0f} km, landing in {where}; {how} ({r['route_method']})."
            )
        if r["chokepoints"]:
            txt += f" It crosses: {', '.join(r['chokepoints'])}."
        out.append(txt)
    return out


def describe_spec(spec: Mapping[str, Any]) -> str:
    """A short label of one spec (for tables)."""
    if spec["kind"] == "planned":
        cap = f" at {spec['capacity_tbps']:g} Tbps" if spec.get("capacity_tbps") else ""
        return f"{spec['cable_id']}{cap}"
    ends = []
    for lp in spec["landing_points"]:
        ends.append(lp[1] if lp[0] == "id" else f"{lp[1]:g},{lp[2]:g}")
    return f"{spec['name']} ({' – '.join(ends)}, {spec['capacity_tbps']:g} Tbps)"


__all__ = [
    "LAND_CROSSINGS",
    "SEA_WAYPOINTS",
    "added",
    "country_at",
    "describe_spec",
    "extend",
    "nearest_country",
    "notes",
    "sea_route",
]
