"""The network model and its graph contract.

A :class:`Network` is the world's cable system at one date: the bundled tables
filtered to what was in service then. Its graph view is written once here.

Graph contract
--------------
:meth:`Network.to_networkx` returns a :class:`networkx.MultiGraph` with

nodes
    * landing points (id = TeleGeography landing-point id), ``kind="landing_point"``;
    * branching units (id = ``"bu:{cable_id}:{k}"``), ``kind="branching_unit"``;
    * land hubs, the terrestrial end points (id = ``"land:{iso3}:{k}"``, one per
      land mass of a country that has stations or land links), ``kind="land"``.

    Every node carries ``iso3`` (``None`` for branching units), ``x`` (longitude,
    degrees) and ``y`` (latitude, degrees).

edges (keyed by ``segment_id``)
    * cable segments: ``cable_id``, ``segment_id``, ``capacity_tbps``,
      ``length_km``, ``kind="segment"``;
    * terrestrial links: ``cable_id = "terrestrial:{link_id}"``,
      ``segment_id = link_id``, ``kind="terrestrial"``;
    * backhaul (see :data:`BACKHAUL_MODES`): ``cable_id = "backhaul:{iso3}"``,
      ``segment_id = "backhaul:{landing_point_id}"``, ``capacity_tbps = inf``,
      ``length_km`` = geodesic distance from the station to its hub,
      ``kind="backhaul"``.

Units: capacities in Tbit/s, lengths in km, coordinates in degrees (EPSG:4326).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from cablesim import dataset
from cablesim._geo import haversine_km
from cablesim.exceptions import (
    CableSimError,
    UnknownCableError,
    UnknownCountryError,
    UnknownNameError,
)

BACKHAUL_MODES = ("landmass", "country", "none")
"""How a country's stations are joined on land.

``landmass`` (default): the stations on one land mass of a country are joined
to that land mass's hub, with unlimited capacity (domestic backhaul is assumed
not to be the bottleneck); islands are joined only by cables. ``country``: all
stations of a country are joined, islands included. ``none``: stations are not
joined at all (the cables alone; land links then reach only inland hubs).
"""


NODE_ATTRS = ("kind", "iso3", "x", "y")
EDGE_ATTRS = ("kind", "cable_id", "segment_id", "capacity_tbps", "length_km")


def _as_date(value: dt.date | dt.datetime | int | str | None) -> dt.date:
    """Normalise an as-of value: a date, a year (its last day) or an ISO date string."""
    if value is None:
        return dataset.SNAPSHOT_DATE
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        year = int(value)
        if not 1850 <= year <= 2100:
            raise CableSimError(f"as_of year {year} is out of range (1850-2100)")
        return dt.date(year, 12, 31)
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise CableSimError(f"as_of {value!r} is neither a date (YYYY-MM-DD) nor a year") from None


@dataclass(frozen=True, eq=False)
class Network:
    """The cable network as of one date.

    Build one with :func:`load_network`. Treat the tables as read-only: the
    analysis functions never modify them and rely on that.

    Attributes
    ----------
    countries, landmasses, landing_points, cables, segments, branching_units,
    chokepoints, terrestrial_links
        GeoDataFrames with the columns written in :mod:`cablesim._schema`,
        restricted to what was in service at ``as_of``.
    as_of
        The date of the network.
    """

    countries: gpd.GeoDataFrame
    landmasses: gpd.GeoDataFrame
    landing_points: gpd.GeoDataFrame
    cables: pd.DataFrame
    segments: gpd.GeoDataFrame
    branching_units: gpd.GeoDataFrame
    chokepoints: gpd.GeoDataFrame
    terrestrial_links: gpd.GeoDataFrame
    as_of: dt.date
    info: dict[str, Any] = field(default_factory=dict, repr=False)
    catalog: dict[str, gpd.GeoDataFrame] | None = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        return (
            f"<Network as of {self.as_of}: {len(self.cables)} cables, "
            f"{len(self.segments)} segments, {len(self.landing_points)} landing points, "
            f"{self.landing_points['iso3'].nunique()} countries with stations, "
            f"{len(self.terrestrial_links)} land links>"
        )

    # ---------------------------------------------------------------- lookups
    @functools.cached_property
    def _cable_names(self) -> dict[str, str]:
        out = {}
        for cid, name in zip(self.cables["cable_id"], self.cables["name"], strict=True):
            out[cid.lower()] = cid
            out.setdefault(name.lower(), cid)
        return out

    def resolve_cable(self, name_or_id: str, *, all_dates: bool = False) -> str:
        """Return the cable id for an id or a name (case-insensitive).

        Raises
        ------
        UnknownCableError
            With the closest ids and names as suggestions. A cable that exists
            in the dataset but not at this network's date is named as such.
        """
        key = str(name_or_id).strip().lower()
        if key in self._cable_names:
            return self._cable_names[key]
        allc = self.catalog["cables"] if self.catalog else self.cables
        for cid, name, rfs in zip(allc["cable_id"], allc["name"], allc["rfs_date"], strict=True):
            if key in (cid.lower(), name.lower()):
                if all_dates:
                    return cid
                when = (
                    f"ready for service {rfs}"
                    if rfs is not None and not pd.isna(rfs)
                    else "no service date"
                )
                raise UnknownCableError(
                    name_or_id,
                    (),
                    message=(
                        f"cable {cid!r} is not in service at {self.as_of} ({when}); "
                        "set as_of to a later date, or bring it in with 'add:'"
                    ),
                )
        raise UnknownCableError(
            name_or_id, list(self.cables["cable_id"]) + list(self.cables["name"])
        )

    def resolve_landing_point(self, name_or_id: str) -> str:
        """Return the landing-point id for an id or a 'City, Country' name (case-insensitive)."""
        key = str(name_or_id).strip().lower()
        lps = self._all_landing_points
        ids = {i.lower(): i for i in lps["landing_point_id"]}
        if key in ids:
            return ids[key]
        names = {n.lower(): i for n, i in zip(lps["name"], lps["landing_point_id"], strict=True)}
        if key in names:
            return names[key]
        raise UnknownNameError(
            name_or_id, list(lps["landing_point_id"]) + list(lps["name"]), kind="landing point"
        )

    def resolve_country(self, name_or_code: str) -> str:
        """Return the ISO3 code for a code (alpha-3) or an English name."""
        key = str(name_or_code).strip()
        codes = set(self.countries["iso3"])
        if key.upper() in codes:
            return key.upper()
        names = {
            n.lower(): c
            for n, c in zip(self.countries["name"], self.countries["iso3"], strict=True)
        }
        if key.lower() in names:
            return names[key.lower()]
        raise UnknownCountryError(name_or_code, sorted(codes) + sorted(self.countries["name"]))

    def resolve_chokepoint(self, chokepoint_id: str) -> str:
        """Return the chokepoint id (case-insensitive)."""
        ids = {c.lower(): c for c in self.chokepoints["chokepoint_id"]}
        key = str(chokepoint_id).strip().lower()
        if key in ids:
            return ids[key]
        raise UnknownNameError(
            chokepoint_id, list(self.chokepoints["chokepoint_id"]), kind="chokepoint"
        )

    @functools.cached_property
    def _all_landing_points(self) -> gpd.GeoDataFrame:
        return self.catalog["landing_points"] if self.catalog else self.landing_points

    @functools.cached_property
    def country_names(self) -> dict[str, str]:
        """ISO3 -> name."""
        return dict(zip(self.countries["iso3"], self.countries["name"], strict=True))

    @functools.cached_property
    def model_countries(self) -> list[str]:
        """ISO3 codes of the countries present in the graph (stations or land links), sorted."""
        present = (
            set(self.landing_points["iso3"])
            | set(self.terrestrial_links["from_iso3"])
            | set(self.terrestrial_links["to_iso3"])
        )
        return sorted(present)

    # ---------------------------------------------------------------- graph
    def nodes(self, *, backhaul: str = "landmass") -> pd.DataFrame:
        """Node table of the graph contract: index node id, columns kind, iso3, x, y, landmass."""
        _check_backhaul(backhaul)
        key = f"nodes:{backhaul}"
        if key not in self._cache:
            lp = self.landing_points
            parts = [
                pd.DataFrame(
                    {
                        "node": lp["landing_point_id"].to_numpy(),
                        "kind": "landing_point",
                        "iso3": lp["iso3"].to_numpy(),
                        "x": lp.geometry.x.to_numpy(),
                        "y": lp.geometry.y.to_numpy(),
                        "landmass": lp["landmass"].to_numpy(),
                    }
                )
            ]
            bu = self.branching_units
            parts.append(
                pd.DataFrame(
                    {
                        "node": bu["node_id"].to_numpy(),
                        "kind": "branching_unit",
                        "iso3": None,
                        "x": bu.geometry.x.to_numpy(),
                        "y": bu.geometry.y.to_numpy(),
                        "landmass": -1,
                    }
                )
            )
            hubs = self._hubs(backhaul)
            parts.append(hubs)
            self._cache[key] = pd.concat(parts, ignore_index=True).set_index("node")
        return self._cache[key]

    def _hubs(self, backhaul: str) -> pd.DataFrame:
        links = self.terrestrial_links
        used = set(list(links["from_node"]) + list(links["to_node"]))
        if backhaul == "landmass":
            used |= {
                f"land:{i}:{k}"
                for i, k in zip(
                    self.landing_points["iso3"], self.landing_points["landmass"], strict=True
                )
            }
        elif backhaul == "country":
            used |= {f"land:{i}:0" for i in self.landing_points["iso3"]}
        lm = self.landmasses
        ids = "land:" + lm["iso3"] + ":" + lm["landmass"].astype(str)
        keep = ids.isin(used).to_numpy()
        return pd.DataFrame(
            {
                "node": ids[keep].to_numpy(),
                "kind": "land",
                "iso3": lm["iso3"][keep].to_numpy(),
                "x": lm["hub_lon"][keep].to_numpy(),
                "y": lm["hub_lat"][keep].to_numpy(),
                "landmass": lm["landmass"][keep].to_numpy(),
            }
        )

    def edges(self, *, backhaul: str = "landmass") -> pd.DataFrame:
        """Edge table of the graph contract: u, v, key, kind, cable_id, segment_id, capacity_tbps, length_km."""
        _check_backhaul(backhaul)
        key = f"edges:{backhaul}"
        if key not in self._cache:
            s = self.segments
            parts = [
                pd.DataFrame(
                    {
                        "u": s["from_node"].to_numpy(),
                        "v": s["to_node"].to_numpy(),
                        "kind": "segment",
                        "cable_id": s["cable_id"].to_numpy(),
                        "segment_id": s["segment_id"].to_numpy(),
                        "capacity_tbps": s["capacity_tbps"].to_numpy(dtype=float),
                        "length_km": s["length_km"].to_numpy(dtype=float),
                    }
                )
            ]
            t = self.terrestrial_links
            parts.append(
                pd.DataFrame(
                    {
                        "u": t["from_node"].to_numpy(),
                        "v": t["to_node"].to_numpy(),
                        "kind": "terrestrial",
                        "cable_id": ("terrestrial:" + t["link_id"]).to_numpy(),
                        "segment_id": t["link_id"].to_numpy(),
                        "capacity_tbps": t["capacity_tbps"].to_numpy(dtype=float),
                        "length_km": t["length_km"].to_numpy(dtype=float),
                    }
                )
            )
            if backhaul != "none":
                lp = self.landing_points
                k = lp["landmass"].to_numpy() if backhaul == "landmass" else np.zeros(len(lp), int)
                hub_ids = "land:" + lp["iso3"] + ":" + pd.Series(k, index=lp.index).astype(str)
                nodes = self.nodes(backhaul=backhaul)
                hx = nodes.loc[hub_ids, "x"].to_numpy()
                hy = nodes.loc[hub_ids, "y"].to_numpy()
                dist = haversine_km(lp.geometry.x.to_numpy(), lp.geometry.y.to_numpy(), hx, hy)
                parts.append(
                    pd.DataFrame(
                        {
                            "u": lp["landing_point_id"].to_numpy(),
                            "v": hub_ids.to_numpy(),
                            "kind": "backhaul",
                            "cable_id": ("backhaul:" + lp["iso3"]).to_numpy(),
                            "segment_id": ("backhaul:" + lp["landing_point_id"]).to_numpy(),
                            "capacity_tbps": math.inf,
                            "length_km": np.round(dist, 3),
                        }
                    )
                )
            self._cache[key] = pd.concat(parts, ignore_index=True)
        return self._cache[key]

    def to_networkx(self, *, backhaul: str = "landmass"):
        """The network as a :class:`networkx.MultiGraph` following the graph contract.

        Parameters
        ----------
        backhaul
            One of :data:`BACKHAUL_MODES`.
        """
        import networkx as nx

        graph = nx.MultiGraph(as_of=self.as_of.isoformat(), backhaul=backhaul)
        nodes = self.nodes(backhaul=backhaul)
        graph.add_nodes_from(
            (n, {"kind": r.kind, "iso3": r.iso3, "x": float(r.x), "y": float(r.y)})
            for n, r in zip(nodes.index, nodes.itertuples(index=False), strict=True)
        )
        e = self.edges(backhaul=backhaul)
        graph.add_edges_from(
            (
                r.u,
                r.v,
                r.segment_id,
                {
                    "kind": r.kind,
                    "cable_id": r.cable_id,
                    "segment_id": r.segment_id,
                    "capacity_tbps": float(r.capacity_tbps),
                    "length_km": float(r.length_km),
                },
            )
            for r in e.itertuples(index=False)
        )
        return graph

    # ---------------------------------------------------------------- geo views
    def to_geodataframes(self) -> dict[str, gpd.GeoDataFrame]:
        """The network's tables as GeoDataFrames (copies), keyed by table name."""
        return {name: getattr(self, name).copy() for name in dataset.TABLE_NAMES}

    @classmethod
    def from_geodataframes(
        cls, tables: dict[str, gpd.GeoDataFrame], *, as_of=None, info: dict[str, Any] | None = None
    ) -> Network:
        """Build a network from tables with the bundled schema (no date filtering).

        ``from_geodataframes(net.to_geodataframes(), as_of=net.as_of)`` gives back
        an equal network.
        """
        missing = [t for t in dataset.TABLE_NAMES if t not in tables]
        if missing:
            raise CableSimError(f"from_geodataframes: missing tables {missing}")
        return cls(
            **{t: tables[t] for t in dataset.TABLE_NAMES},
            as_of=_as_date(as_of),
            info=dict(info or {}),
        )

    def segment_index(self) -> shapely.STRtree:
        """A spatial index over the segment geometries (in :attr:`segments` order)."""
        if "strtree" not in self._cache:
            self._cache["strtree"] = shapely.STRtree(self.segments.geometry.to_numpy())
        return self._cache["strtree"]


def _check_backhaul(backhaul: str) -> None:
    if backhaul not in BACKHAUL_MODES:
        raise UnknownNameError(backhaul, BACKHAUL_MODES, kind="backhaul mode")


def in_service(cables: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Boolean mask of the cables in service at ``as_of`` (RFS on or before it).

    Cables with no RFS date (three Canary Islands cables) count as in service
    from the snapshot date on, never earlier.
    """
    rfs = pd.to_datetime(cables["rfs_date"], errors="coerce")
    known = rfs.notna().to_numpy()
    dated = np.zeros(len(cables), dtype=bool)
    dated[known] = rfs[known].dt.date.to_numpy() <= as_of
    return np.where(known, dated, as_of >= dataset.SNAPSHOT_DATE)


def _capacity_as_of(cables: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Cables with ``capacity_tbps`` as of ``as_of``: the design at RFS where the figure is later."""
    year = cables["capacity_year"].astype("Float64").fillna(0).to_numpy(dtype=float)
    early = year > as_of.year
    if not early.any():
        return cables
    return cables.assign(
        capacity_tbps=np.where(early, cables["capacity_at_rfs_tbps"], cables["capacity_tbps"])
    )


def capacity_in_service(cables: pd.DataFrame, as_of: dt.date) -> float:
    """Total design capacity (Tbit/s) of the cables in service at ``as_of``, as of that date."""
    live = _capacity_as_of(cables[in_service(cables, as_of)], as_of)
    return float(live["capacity_tbps"].sum())


def land_link_scale(cables: pd.DataFrame, as_of: dt.date) -> float:
    """Factor applied to the land-link capacities for a network as of ``as_of`` (at most 1).

    The land-link figures describe 2021-2026 (:data:`cablesim.dataset.LAND_LINK_REFERENCE_DATE`).
    Cross-border terrestrial capacity is lit as international traffic grows, so
    for an earlier network it is scaled by the growth of the submarine network
    itself: the total capacity of the cables in service at ``as_of`` over the
    total at the reference date (214.6 / 14,851 Tbit/s for January 2008).

    Parameters
    ----------
    cables
        The full cable table (every cable of the dataset, with RFS dates).
    as_of
        The network's date.
    """
    ref = capacity_in_service(cables, dataset.LAND_LINK_REFERENCE_DATE)
    if ref <= 0:
        return 1.0
    return min(1.0, capacity_in_service(cables, as_of) / ref)


def filter_network(
    tables: dict[str, gpd.GeoDataFrame],
    as_of: dt.date,
    *,
    extra_cables: Iterable[str] = (),
    info: dict[str, Any] | None = None,
) -> Network:
    """Restrict the full tables to the cables in service at ``as_of`` (plus ``extra_cables``)."""
    cables = tables["cables"]
    keep = in_service(cables, as_of) | cables["cable_id"].isin(list(extra_cables)).to_numpy()
    cables = _capacity_as_of(cables[keep].reset_index(drop=True), as_of)
    ids = set(cables["cable_id"])
    segs = tables["segments"]
    segs = segs[segs["cable_id"].isin(ids)].reset_index(drop=True)
    cap = dict(zip(cables["cable_id"], cables["capacity_tbps"], strict=True))
    segs = segs.assign(capacity_tbps=segs["cable_id"].map(cap).astype(float))
    links = tables["terrestrial_links"]
    scale = land_link_scale(tables["cables"], as_of)
    if scale < 1.0:
        # whole Gbit/s (the engine's unit), at least 1
        scaled = np.maximum(np.round(links["capacity_tbps"].to_numpy(float) * scale, 3), 0.001)
        links = links.assign(capacity_tbps=scaled)
    nodes = set(segs["from_node"]) | set(segs["to_node"])
    lps = tables["landing_points"]
    lps = lps[lps["landing_point_id"].isin(nodes)].reset_index(drop=True)
    bus = tables["branching_units"]
    bus = bus[bus["node_id"].isin(nodes)].reset_index(drop=True)
    return Network(
        countries=tables["countries"],
        landmasses=tables["landmasses"],
        landing_points=lps,
        cables=cables,
        segments=segs,
        branching_units=bus,
        chokepoints=tables["chokepoints"],
        terrestrial_links=links,
        as_of=as_of,
        info={**(info or {}), "land_link_scale": scale},
        catalog=tables,
    )


@functools.lru_cache(maxsize=8)
def _load_network_cached(as_of: dt.date, data: str | None) -> Network:
    tables = dataset.load_tables(data)
    info = dict(dataset.manifest(data))
    info["data_dir"] = data
    return filter_network(tables, as_of, info=info)


def load_network(
    as_of: dt.date | int | str | None = None, *, data: str | os.PathLike[str] | None = None
) -> Network:
    """Load the bundled network as it was at ``as_of``.

    Parameters
    ----------
    as_of
        A date, an ISO date string or a year (meaning its last day). The
        default is the snapshot date (June 2021), planned cables excluded.
    data
        A dataset directory other than the bundled one (see
        :func:`cablesim.dataset.data_dir`).

    Returns
    -------
    Network
        Shared and cached: do not modify its tables.

    Examples
    --------
    >>> import cablesim
    >>> net = cablesim.load_network(2008)
    >>> "seamewe-4" in set(net.cables["cable_id"])
    True
    """
    directory = str(dataset.data_dir(data))  # resolves CABLESIM_DATA too: part of the cache key
    if as_of is None:
        date = dt.date.fromisoformat(dataset.manifest(directory)["snapshot_date"])
    else:
        date = _as_date(as_of)
    first = dataset.load_tables(directory)["cables"]["rfs_date"].dropna().min()
    if date < first:
        raise CableSimError(f"as_of {date} is before the first cable of the dataset ({first})")
    return _load_network_cached(date, directory)
