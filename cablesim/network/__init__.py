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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from cablesim import _limits, _lookup, _names, dataset
from cablesim._geo import haversine_km, touching
from cablesim._memo import Memo
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
        GeoDataFrames with the columns written in :mod:`cablesim.dataset._schema`,
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
    _cache: Memo = field(default_factory=Memo, repr=False, compare=False)

    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        """The value of ``fn()`` computed once per network and kept under ``key``.

        The only writer of the network's cache: derived tables, compiled flow
        graphs, projections and the like are memoised here, so a network stays
        immutable in every other respect. Keys are namespaced by their owner
        (``"nodes:..."``, ``"compiled:..."``, ``"maps:..."``). Thread-safe: a value is
        built once even when several threads ask for it (:class:`cablesim._memo.Memo`).
        """
        return self._cache.get(key, fn)

    def __repr__(self) -> str:
        return (
            f"<Network as of {self.as_of}: {len(self.cables)} cables, "
            f"{len(self.segments)} segments, {len(self.landing_points)} landing points, "
            f"{self.landing_points['iso3'].nunique()} countries with stations, "
            f"{len(self.terrestrial_links)} land links>"
        )

    @property
    def capacity_basis(self) -> str | None:
        """What the cables' ``capacity_tbps`` counts: ``"lit"`` (estimated lit capacity) or
        ``"design"`` for a network from :func:`filter_network`, ``None`` for one built by hand
        (capacities as given). Not the cables' ``capacity_basis`` column (where a figure
        comes from)."""
        return self.info.get("capacity_basis")

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
        _limits.check_name(name_or_id, "cable")  # before any matching or suggestion
        key = str(name_or_id).strip().lower()
        if key in self._cable_names:
            return self._cable_names[key]
        alias = self.name_index("cables").resolve(key)
        if alias is not None:
            return alias
        hit = _lookup.cables(self).get(key)  # one dict look-up, not a scan of every cable
        if hit is None:
            alias = self.name_index("catalog_cables").resolve(key)
            hit = _lookup.cables(self).get(alias.lower()) if alias is not None else None
        if hit is not None:
            cid, _ = hit
            if all_dates:
                return cid
            raise UnknownCableError(
                name_or_id, (), message=f"cable {cid!r} {self._why_not_in_service(cid)}"
            )
        typed = str(name_or_id).strip()
        id_like = typed == typed.lower() and " " not in typed  # suggest in the form typed
        if self.catalog is not None:  # every date (one search): one not in service is dated
            idx = self.name_index("catalog_cables")
            ranked = idx.suggest(key)
            active = set(self.cables["cable_id"]) if ranked else set()
            if any(c not in active for c in ranked):
                shown = [
                    repr(c if id_like else idx.display(c))
                    + ("" if c in active else f" ({self._service_note(c)})")
                    for c in ranked
                ]
                err = UnknownCableError(
                    name_or_id,
                    (),
                    message=f"unknown cable {typed!r}; did you mean {', '.join(shown)}?",
                    suggestions=[],
                )
                err.suggestions = [c if id_like else idx.display(c) for c in ranked]
                raise err
            hints = [c if id_like else idx.display(c) for c in ranked]
            raise UnknownCableError(name_or_id, (), suggestions=hints)
        hints = self.name_index("cables").suggest(key, names=not id_like)
        raise UnknownCableError(name_or_id, (), suggestions=hints)

    def _service_note(self, cable_id: str) -> str:
        """A short note on a cable not in this network: "ready for service 2024-07-01"."""
        text = self._why_not_in_service(cable_id)
        if "ready for service" in text:
            return "ready for service " + text.split("ready for service ")[1].split(";")[0]
        return text.split(";")[0].removeprefix("is ").removeprefix("was ")

    def service_dates(self, cable_id: str) -> tuple[dt.date | None, dt.date | None]:
        """A cable's ready-for-service and withdrawal dates as the network of this day reads
        them (``None`` where the data has none, or for a cable the dataset lacks)."""
        rfs = withdrawn = None
        if self.catalog is not None:  # the dates the network of this day uses
            view = dataset.snapshot_view(self.catalog, self.as_of)["cables"]
            row = view[view["cable_id"] == cable_id]
            if len(row):
                rfs = row["rfs_date"].iloc[0]
                if "withdrawn_date" in row.columns:
                    withdrawn = row["withdrawn_date"].iloc[0]
        rfs = None if rfs is None or pd.isna(rfs) else pd.Timestamp(rfs).date()
        withdrawn = None if withdrawn is None or pd.isna(withdrawn) else pd.Timestamp(withdrawn)
        return rfs, None if withdrawn is None else withdrawn.date()

    def _why_not_in_service(self, cable_id: str) -> str:
        """ "is not in service yet at DATE (ready for service ...)" or why else it is not."""
        rfs, withdrawn = self.service_dates(cable_id)
        if rfs is not None and rfs > self.as_of:
            return (
                f"is not in service yet at {self.as_of}: ready for service {rfs}; "
                f"set as_of to {rfs} or later, or bring it in with 'add:'"
            )
        if withdrawn is not None and withdrawn <= self.as_of:
            return f"was withdrawn from service on {withdrawn}, before {self.as_of}"
        if rfs is None:
            return (
                f"is not in service at {self.as_of} (no service date in the data); "
                "bring it in with 'add:'"
            )
        return f"is not in the network of {self.as_of}; bring it in with 'add:'"

    def resolve_landing_point(self, name_or_id: str) -> str:
        """Return the landing-point id for an id or a 'City, Country' name (case-insensitive)."""
        _limits.check_name(name_or_id, "landing point")
        key = str(name_or_id).strip().lower()
        ids, names = _lookup.landing_points(self)
        if key in ids:
            return ids[key]
        if key in names:
            return names[key]
        places = _lookup.landing_point_places(self).get(key, ())
        if len(places) == 1:  # a place one station alone bears: "Zafarana", "Mombasa"
            return places[0]
        if places:
            lps = self.all_landing_points.set_index("landing_point_id")["name"]
            shown = ", ".join(repr(str(lps.get(p, p))) for p in places[:6])
            err = UnknownNameError(
                name_or_id,
                (),
                kind="landing point",
                message=f"{len(places)} landing points are at {str(name_or_id).strip()!r}: "
                f"{shown}{' ...' if len(places) > 6 else ''}; write one of them",
                suggestions=[],
            )
            err.places = places
            raise err
        raise UnknownNameError(
            name_or_id, _lookup.choices(self, "landing point"), kind="landing point"
        )

    def resolve_country(self, name_or_code: str) -> str:
        """Return the ISO3 code for a code (alpha-3) or an English name."""
        _limits.check_name(name_or_code, "country")
        key = str(name_or_code).strip()
        codes, names = _lookup.countries(self)
        if key.isascii() and key.upper() in codes:  # "ıND" (dotless i) is not "IND"
            return key.upper()
        if key.lower() in names:
            return names[key.lower()]
        idx = self.name_index("countries")
        # as written, then its official forms ("Congo (the Democratic Republic of the)")
        for form in _names.country_forms(key):
            alias = idx.resolve(form)
            if alias is not None:
                return alias
        raise UnknownCountryError(name_or_code, (), suggestions=idx.suggest(key, names=True))

    def resolve_chokepoint(self, chokepoint_id: str) -> str:
        """Return the chokepoint id for an id, a display name or a common alias
        (``"Strait of Hormuz"``, ``"strait-of-malacca"``; case-insensitive)."""
        _limits.check_name(chokepoint_id, "chokepoint")
        ids = {c.lower(): c for c in self.chokepoints["chokepoint_id"]}
        key = str(chokepoint_id).strip().lower()
        if key in ids:
            return ids[key]
        idx = self.name_index("chokepoints")
        alias = idx.resolve(key)
        if alias is not None:
            return alias
        hint = idx.suggest(key)
        raise UnknownNameError(
            chokepoint_id,
            (),
            kind="chokepoint",
            suggestions=hint,
            message=None
            if hint
            else (
                f"unknown chokepoint {chokepoint_id!r}; known chokepoints: "
                + ", ".join(self.chokepoints["chokepoint_id"])
                + " ('cablesim chokepoints' lists them)"
            ),
        )

    def land_links_between(self, a: str, b: str) -> list[str]:
        """Ids of the land links in service between the countries ``a`` and ``b`` (ISO3)."""
        t = self.terrestrial_links
        fa, tb = t["from_iso3"].to_numpy(), t["to_iso3"].to_numpy()
        mask = ((fa == a) & (tb == b)) | ((fa == b) & (tb == a))
        return t.loc[mask, "link_id"].tolist()

    def land_link_neighbours(self, iso3: str) -> list[str]:
        """The countries joined to ``iso3`` by a land link in service (sorted ISO3 codes)."""
        t = self.terrestrial_links
        out = set(t.loc[t["from_iso3"] == iso3, "to_iso3"]) | set(
            t.loc[t["to_iso3"] == iso3, "from_iso3"]
        )
        return sorted(out)

    def land_borders(self) -> frozenset[frozenset[str]]:
        """The pairs of countries (ISO3) whose land touches: a land border, open or
        closed, whatever links the dataset has across it (Natural Earth 1:50m, the test
        the dataset build uses for its assumed border links). Computed once per network."""

        def build() -> frozenset[frozenset[str]]:
            lm = self.landmasses
            if not len(lm):
                return frozenset()
            iso = lm["iso3"].to_numpy()
            left, right = touching(lm.geometry.to_numpy())
            return frozenset(
                frozenset((iso[i], iso[j]))
                for i, j in zip(left, right, strict=True)
                if iso[i] != iso[j]
            )

        return self.memo("network:land-borders", build)

    def resolve_land_link(self, link_id: str) -> str:
        """Return the id of a land link in service (``sourced:terr-56-almaty-urumqi``,
        ``border:CHN-PAK:0``; case-insensitive)."""
        ids = {str(i).lower(): i for i in self.terrestrial_links["link_id"]}
        key = str(link_id).strip().lower()
        if key in ids:
            return ids[key]
        raise UnknownNameError(
            link_id, list(ids.values()), kind=f"land link in service at {self.as_of}"
        )

    def name_index(self, kind: str):
        """The alias index (:mod:`cablesim._names`) of ``kind``, built once per network."""
        return self.memo(f"names:{kind}", lambda: _names.build_index(self, kind))

    @functools.cached_property
    def all_landing_points(self) -> gpd.GeoDataFrame:
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
        return self.memo(f"nodes:{backhaul}", lambda: self._node_table(backhaul))

    def _node_table(self, backhaul: str) -> pd.DataFrame:
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
        return pd.concat(parts, ignore_index=True).set_index("node")

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
        return self.memo(f"edges:{backhaul}", lambda: self._edge_table(backhaul))

    def _edge_table(self, backhaul: str) -> pd.DataFrame:
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
        return pd.concat(parts, ignore_index=True)

    def to_networkx(self, *, backhaul: str = "landmass"):
        """The network as a :class:`networkx.MultiGraph` following the graph contract.

        Parameters
        ----------
        backhaul
            One of :data:`BACKHAUL_MODES`.
        """

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
        return self.memo("strtree", lambda: shapely.STRtree(self.segments.geometry.to_numpy()))


def _check_backhaul(backhaul: str) -> None:
    if backhaul not in BACKHAUL_MODES:
        raise UnknownNameError(backhaul, BACKHAUL_MODES, kind="backhaul mode")


def _service_start(cables: pd.DataFrame) -> np.ndarray:
    """Day each cable enters service (``datetime64[D]``): its RFS date, or the
    snapshot date for the cables with none (three Canary Islands cables)."""
    rfs = pd.to_datetime(cables["rfs_date"], errors="coerce")
    return np.where(
        rfs.notna().to_numpy(),
        rfs.to_numpy(dtype="datetime64[D]"),
        np.datetime64(dataset.SNAPSHOT_DATE),
    )


def in_service(cables: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Boolean mask of the cables in service at ``as_of`` (RFS on or before it).

    Cables with no RFS date (three Canary Islands cables) count as in service
    from the snapshot date on, never earlier. A cable with a ``withdrawn_date``
    (a 2021 cable not in the 2026 table, :mod:`cablesim.dataset._severed`) is out of
    service from that date on.
    """
    day = np.datetime64(as_of, "D")
    return (_service_start(cables) <= day) & ~dataset.withdrawn_mask(cables, day)


def _design_in(cables: pd.DataFrame, year: int | np.ndarray) -> np.ndarray:
    """Design capacity (Tbit/s) of each cable in ``year``: the design at RFS where the figure
    dates from later. ``year`` may be a column of years (one row of results per year)."""
    fig_year = cables["capacity_year"].astype("Float64").fillna(0).to_numpy(dtype=float)
    return np.where(
        fig_year > year,
        cables["capacity_at_rfs_tbps"].to_numpy(dtype=float),
        cables["capacity_tbps"].to_numpy(dtype=float),
    )


def _capacity_as_of(cables: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Cables with ``capacity_tbps`` as of ``as_of``: the design at RFS where the figure is later."""
    return cables.assign(capacity_tbps=_design_in(cables, as_of.year))


def _decimal_year(days: np.ndarray) -> np.ndarray:
    """Dates (``datetime64[D]``) as years with a fraction: 1 January is ``year + 0``."""
    year = days.astype("datetime64[Y]")
    day_of_year = (days - year.astype("datetime64[D]")).astype(float)
    return year.astype(float) + 1970 + day_of_year / 365.25


CAPACITY_BASES = ("lit", "design")
"""What a cable's ``capacity_tbps`` means in a network: estimated lit capacity (default) or design."""
LIT_AT_RFS_WINDOW_YEARS = 1
"""A stated lit figure dated within this many years of RFS counts as lit at launch."""
GROWTH_FIT_FROM = 2000
"""First year of the log-linear fit of capacity in service (:func:`lit_model`)."""


@dataclass(frozen=True)
class LitModel:
    """How much of a cable's design capacity is lit at a date (see :func:`lit_capacity`).

    Attributes
    ----------
    at_rfs
        Lit share of the design at ready-for-service: the median over the cables
        whose sources state both a design figure and a lit figure dated within
        :data:`LIT_AT_RFS_WINDOW_YEARS` of RFS.
    growth
        Annual growth rate of lit capacity: the log-linear growth of the total
        design capacity in service, 1 January of each year from
        :data:`GROWTH_FIT_FROM` to the snapshot year.
    n_points
        Number of cables behind ``at_rfs``.
    years
        First and last year of the growth fit.
    """

    at_rfs: float
    growth: float
    n_points: int
    years: tuple[int, int]

    def full_after_years(self) -> float:
        """Age (years) at which a cable is fully lit under this model."""
        if self.at_rfs >= 1 or self.growth <= 0:
            return 0.0
        return math.log(1 / self.at_rfs) / math.log1p(self.growth)

    def describe(self) -> str:
        """One sentence for the reports' assumptions."""
        return (
            f"a cable is lit at {self.at_rfs:.1%} of its design at ready-for-service (median of "
            f"{self.n_points} cables with a stated lit figure at launch) and its lit capacity "
            f"grows {self.growth:.0%} a year (growth of the capacity in service, "
            f"{self.years[0]}-{self.years[1]}) up to its design, which it reaches after "
            f"{self.full_after_years():.1f} years (an upgrade raises the design; what it adds "
            "is lit at the same pace, from what was lit then); where a source states a lit "
            "figure for a year, it grows from that figure at the same rate"
        )


def lit_model(cables: pd.DataFrame) -> LitModel:
    """The lit-capacity model derived from a full cable table (computed once per network load).

    Parameters
    ----------
    cables
        The dataset's whole cable table (with RFS dates, design capacities and
        the stated lit figures with their years).
    """
    cables = dataset.base_rows(cables)  # the oldest snapshot's cables, for every date
    lit = cables["lit_capacity_tbps"].astype(float)
    lit_year = cables["lit_capacity_year"].astype("Float64")
    rfs = cables["rfs_year"].astype("Float64")
    launch = (
        (cables["capacity_basis"] == "published")
        & lit.notna()
        & lit_year.notna()
        & rfs.notna()
        & ((lit_year - rfs).abs() <= LIT_AT_RFS_WINDOW_YEARS).fillna(False)
    ).to_numpy(dtype=bool)
    shares = (lit / cables["capacity_at_rfs_tbps"].astype(float)).to_numpy()[launch]
    at_rfs = float(np.median(shares)) if len(shares) else 1.0
    built = rfs[~cables["planned"].astype(bool)].dropna()
    last = int(built.max()) if len(built) else GROWTH_FIT_FROM
    years = np.arange(GROWTH_FIT_FROM, max(last, GROWTH_FIT_FROM + 1) + 1)
    total = _capacity_in_service_on(cables, [dt.date(int(y), 1, 1) for y in years])
    ok = total > 0
    growth = (
        float(np.expm1(np.polyfit(years[ok], np.log(total[ok]), 1)[0])) if ok.sum() > 1 else 0.0
    )
    return LitModel(
        at_rfs=min(at_rfs, 1.0),
        growth=max(growth, 0.0),
        n_points=len(shares),
        years=(int(years[0]), int(years[-1])),
    )


def lit_capacity(cables: pd.DataFrame, as_of: dt.date, model: LitModel) -> np.ndarray:
    """Estimated lit capacity (Tbit/s) of each cable at ``as_of``, at most its design then.

    A cable is lit gradually: at ready-for-service with ``model.at_rfs`` of its
    design at RFS, then growing ``model.growth`` a year (traffic growth) up to its
    design as of ``as_of``. An upgrade (a later design figure, a coherent retrofit)
    raises that ceiling from its year on; the capacity it adds is lit as traffic
    grows, from what was lit when it came (at most the old ceiling), not all at once
    (a 2002 cable of 0.04 Tbit/s estimated at a retrofit of 8 from 2013 is not
    8 Tbit/s lit in 2013, and FLAG Europe-Asia, lit to its estimated 3.2 Tbit/s
    by 2009, is 3.4 Tbit/s in March 2013, not the 8.1 of a curve that never met
    its ceiling). Where a source states a lit figure and its year, that figure
    replaces the launch share: lit = figure x (1 + growth) ^ (years since).

    Parameters
    ----------
    cables
        Cables with ``capacity_tbps`` holding the design as of ``as_of``
        (:func:`filter_network` does this), ``capacity_at_rfs_tbps``, ``rfs_date``,
        ``lit_capacity_tbps`` and ``lit_capacity_year``.
    as_of
        The network's date.
    model
        From :func:`lit_model`.
    """
    design = cables["capacity_tbps"].to_numpy(dtype=float)
    start = _decimal_year(_service_start(cables))
    now = float(_decimal_year(np.array([as_of], dtype="datetime64[D]"))[0])
    rate = math.log1p(model.growth)
    # the lit curve: from the launch lit (a share of the design at RFS) at RFS, or from a
    # figure stated for a year (holding at mid-year)
    at_rfs = np.minimum(cables["capacity_at_rfs_tbps"].to_numpy(dtype=float), design)
    base, since = at_rfs * model.at_rfs, start
    stated = cables["lit_capacity_tbps"].astype(float).to_numpy()
    year = cables["lit_capacity_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    anchored = ~np.isnan(stated) & ~np.isnan(year)
    base = np.where(anchored, stated, base)
    since = np.where(anchored, year + 0.5, since)

    def grown(value: np.ndarray, since: np.ndarray, until: float | np.ndarray) -> np.ndarray:
        steps = rate * (until - since)
        steps = np.where(anchored, np.clip(steps, -50, 50), np.clip(steps, 0, 50))
        return value * np.exp(steps)

    lit = np.minimum(grown(base, since, now), design)
    # an upgrade raises the ceiling from its year on: the lit capacity grows on from what
    # was lit then (at most the old ceiling), it does not jump to where an uncapped
    # curve would be
    step = cables["capacity_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    before = cables["capacity_at_rfs_tbps"].to_numpy(dtype=float)
    raised = ~np.isnan(step) & (step > since) & (step <= now) & (design > before)
    if raised.any():
        at_step = np.minimum(grown(base, since, step)[raised], before[raised])
        lit[raised] = np.minimum(
            at_step * np.exp(np.minimum(rate * (now - step[raised]), 50.0)), design[raised]
        )
    return np.maximum(np.round(lit, 3), 0.001)  # whole Gbit/s (the engine's unit), at least 1


def capacity_in_service(cables: pd.DataFrame, as_of: dt.date) -> float:
    """Total design capacity (Tbit/s) of the cables in service at ``as_of``, as of that date."""
    return float(_capacity_in_service_on(cables, [as_of])[0])


def _capacity_in_service_on(cables: pd.DataFrame, dates: list[dt.date]) -> np.ndarray:
    """:func:`capacity_in_service` for several dates at once."""
    day = np.array(dates, dtype="datetime64[D]")[:, None]
    years = np.array([d.year for d in dates], dtype=float)[:, None]
    live = (_service_start(cables)[None, :] <= day) & ~dataset.withdrawn_mask(cables, day)
    return np.where(live, _design_in(cables, years), 0.0).sum(axis=1)


def land_link_scale(
    cables: pd.DataFrame, as_of: dt.date, *, model: LitModel | None = None
) -> float:
    """Factor applied to the land-link capacities for a network as of ``as_of`` (at most 1).

    The land-link figures describe lit capacity in early 2026
    (:data:`cablesim.dataset.LAND_LINK_REFERENCE_DATE`). Cross-border fibre is
    lit as international traffic grows, so for an earlier network they shrink
    at the lit-capacity growth rate of :func:`lit_model` (27% a year on the
    bundled data: 1/76 in January 2008, 0.34 in mid-2021), the same rate at
    which the cables' lit capacity grows.

    Parameters
    ----------
    cables
        The full cable table (every cable of the dataset, with RFS dates).
    as_of
        The network's date.
    model
        ``lit_model(cables)``, when the caller already has it.
    """
    years = (dataset.LAND_LINK_REFERENCE_DATE - as_of).days / 365.25
    if years <= 0:
        return 1.0
    growth = (model or lit_model(cables)).growth
    return float(min(1.0, math.exp(-years * math.log1p(growth))))


def land_links_in_service(links: pd.DataFrame, as_of: dt.date) -> np.ndarray:
    """Boolean mask of the land links in service at ``as_of``.

    A dated link (``service_date``, from the service year of
    :mod:`cablesim.dataset._landdates`) is in service from that date on; an undated
    one (no ``service_date``, or a table without the column) is assumed in service
    at every date.
    """
    if "service_date" not in links.columns:
        return np.ones(len(links), dtype=bool)
    start = pd.to_datetime(links["service_date"], errors="coerce")
    valid = start.notna().to_numpy()
    days = np.where(valid, start.to_numpy(dtype="datetime64[D]"), np.datetime64("1900-01-01"))
    return days <= np.datetime64(as_of, "D")


def filter_network(
    tables: dict[str, gpd.GeoDataFrame],
    as_of: dt.date,
    *,
    extra_cables: Iterable[str] = (),
    info: dict[str, Any] | None = None,
    capacity: str = "lit",
) -> Network:
    """Restrict the full tables to the cables in service at ``as_of`` (plus ``extra_cables``)
    and the land links in service then (:func:`land_links_in_service`).

    With ``capacity="lit"`` (default) a cable's ``capacity_tbps`` is its
    estimated lit capacity at ``as_of`` (:func:`lit_capacity`); with
    ``"design"``, its design capacity then. ``design_tbps`` holds the design
    either way.
    """
    if capacity not in CAPACITY_BASES:
        raise CableSimError(
            f"capacity must be one of {', '.join(CAPACITY_BASES)}, got {capacity!r}"
        )
    catalog, tables = tables, dataset.snapshot_view(tables, as_of)
    # the lit model and the land-link scale come from the oldest snapshot alone, whatever the date
    base_cables = dataset.base_rows(catalog["cables"])
    cables = tables["cables"]
    keep = in_service(cables, as_of) | cables["cable_id"].isin(list(extra_cables)).to_numpy()
    cables = _capacity_as_of(cables[keep].reset_index(drop=True), as_of)
    model = lit_model(base_cables)
    cables = cables.assign(
        design_tbps=cables["capacity_tbps"],
        capacity_tbps=(
            lit_capacity(cables, as_of, model) if capacity == "lit" else cables["capacity_tbps"]
        ),
    )
    ids = set(cables["cable_id"])
    segs = tables["segments"]
    segs = segs[segs["cable_id"].isin(ids)].reset_index(drop=True)
    cap = dict(zip(cables["cable_id"], cables["capacity_tbps"], strict=True))
    segs = segs.assign(capacity_tbps=segs["cable_id"].map(cap).astype(float))
    links = tables["terrestrial_links"]
    links = links[land_links_in_service(links, as_of)].reset_index(drop=True)
    scale = land_link_scale(base_cables, as_of, model=model)
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
        info={
            **(info or {}),
            "land_link_scale": scale,
            "capacity_basis": capacity,
            "lit_model": model,
        },
        catalog=catalog,
    )


_NETWORKS = Memo(maxsize=8)
"""Networks loaded, by date, dataset, capacity basis and manifest time: one object per key
even when several threads load the same date at once (the engine's caches hang on it)."""


def _load_network_cached(as_of: dt.date, data: str, capacity: str, stamp: float) -> Network:
    return _NETWORKS.get(
        (as_of, data, capacity, stamp), lambda: _load_network(as_of, data, capacity)
    )


def _load_network(as_of: dt.date, data: str, capacity: str) -> Network:
    # ``stamp`` (the manifest's mtime, as dataset.load_tables keys its cache) is only part
    # of the key: a dataset rewritten in place is loaded anew
    tables = dataset.load_tables(data)
    dataset.check_usable(dataset.data_dir(data), tables)  # never run on a dataset validate rejects
    info = dict(dataset.manifest(data))
    info["data_dir"] = data
    return filter_network(tables, as_of, info=info, capacity=capacity)


def load_network(
    as_of: dt.date | int | str | None = None,
    *,
    data: str | os.PathLike[str] | None = None,
    capacity: str = "lit",
) -> Network:
    """Load the bundled network as it was at ``as_of``.

    Parameters
    ----------
    as_of
        A date, an ISO date string or a year (meaning its last day). The
        default is "today": the latest date the data supports (the manifest's
        ``today``, the 2026 snapshot's date for the bundled data). Before the
        2021 snapshot's date the network is that snapshot's; from it on, the
        merged network (:func:`cablesim.dataset.snapshot_view`).
    data
        A dataset directory other than the bundled one (see
        :func:`cablesim.dataset.data_dir`).
    capacity
        ``"lit"`` (default): each cable carries its estimated lit capacity at
        ``as_of`` (:func:`lit_capacity`); ``"design"``: its design capacity.

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
        m = dataset.manifest(directory)
        date = dt.date.fromisoformat(m.get("today") or m["snapshot_date"])
    else:
        date = _as_date(as_of)
    first = dataset.load_tables(directory)["cables"]["rfs_date"].dropna().min()
    if date < first:
        raise CableSimError(f"as_of {date} is before the first cable of the dataset ({first})")
    stamp = (Path(directory) / "manifest.json").stat().st_mtime
    return _load_network_cached(date, directory, capacity, stamp)
