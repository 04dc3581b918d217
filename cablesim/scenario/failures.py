"""What an event fails: from scenario events to failed segments, links and nodes.

A segment fails when its geometry intersects the event's area (a circle for
``cut`` and ``area``, the polygon for ``chokepoint``). A lost landing station
fails every segment that ends at it; a lost country fails all its stations,
their segments and its land links. ``degrade`` keeps the cable up with a
fraction of its capacity. ``land_link`` fails the land links between two countries,
those whose route passes near a place, or one by id (:func:`land_links_near`). Nothing
here modifies the network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely

from cablesim._geo import circle, haversine_km, wrap_variants
from cablesim.network import Network
from cablesim.scenario import Event
from cablesim.scenario import noop_warnings as _noop


@dataclass(frozen=True)
class EventEffect:
    """What one event failed."""

    event: Event
    segments: tuple[str, ...]
    links: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    shape: shapely.Geometry | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failures:
    """Everything a set of events fails, as plain ids.

    Attributes
    ----------
    segments
        Failed cable segment ids.
    links
        Failed terrestrial link ids.
    nodes
        Lost landing points and land hubs.
    degraded
        Cable id -> share of capacity that remains (0 < share < 1).
    effects
        Per event, what it failed.
    """

    segments: frozenset[str] = frozenset()
    links: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    degraded: dict[str, float] = field(default_factory=dict)
    effects: tuple[EventEffect, ...] = ()

    @property
    def closed_areas(self) -> list[shapely.Geometry]:
        """Areas closed to everything (chokepoints and ``area`` events): they also split
        domestic backhaul running across them (``cut`` events touch only the named cables)."""
        return [
            e.shape
            for e in self.effects
            if e.shape is not None and e.event.kind in ("chokepoint", "area")
        ]

    @property
    def warnings(self) -> list[str]:
        """Warnings of every event (e.g. a cut that hit nothing)."""
        return [w for e in self.effects for w in e.warnings]

    def union(self, other: Failures) -> Failures:
        """Both sets of failures together (degradations multiply)."""
        deg = dict(self.degraded)
        for cid, share in other.degraded.items():
            deg[cid] = deg.get(cid, 1.0) * share
        return Failures(
            self.segments | other.segments,
            self.links | other.links,
            self.nodes | other.nodes,
            deg,
            self.effects + other.effects,
        )


def _query(
    network: Network, shape: shapely.Geometry, cables: Iterable[str] | None = None
) -> list[str]:
    tree = network.segment_index()
    hits: set[int] = set()
    for variant in wrap_variants(shape):
        hits.update(int(i) for i in tree.query(variant, predicate="intersects"))
    segs = network.segments
    idx = sorted(hits)
    if cables is not None:
        wanted = set(cables)
        idx = [i for i in idx if segs["cable_id"].iat[i] in wanted]
    return [segs["segment_id"].iat[i] for i in idx]


def _segments_at(network: Network, nodes: set[str]) -> list[str]:
    segs = network.segments
    mask = segs["from_node"].isin(nodes).to_numpy() | segs["to_node"].isin(nodes).to_numpy()
    return segs.loc[mask, "segment_id"].tolist()


def nearest_km(network: Network, cable_id: str, lat: float, lon: float) -> float:
    """Closest approach (km) of a cable's drawn route to a point (``inf`` without one)."""
    segs = network.segments[network.segments["cable_id"] == cable_id]
    best = np.inf
    for geom in segs.geometry:
        coords = shapely.get_coordinates(geom)
        if len(coords):
            best = min(best, float(np.min(haversine_km(coords[:, 0], coords[:, 1], lon, lat))))
    return best


def _swapped_hint(
    network: Network, label: str, lat: float, lon: float, radius_km: float, cables=None
) -> str | None:
    """One warning when [lat, lon] fails nothing but [lon, lat] would: the two swapped."""
    if abs(lon) > 90 or lat == lon:
        return None
    segs = _query(network, circle(lat, lon, radius_km), cables)  # centre at (lat=lon, lon=lat)
    if not segs:
        return None
    names = dict(zip(network.cables["cable_id"], network.cables["name"], strict=True))
    hit = list(dict.fromkeys(names.get(s.split("#")[0], s.split("#")[0]) for s in segs))
    shown = ", ".join(hit[:4]) + (f" and {len(hit) - 4} more" if len(hit) > 4 else "")
    return (
        f"{label}: fails nothing within {radius_km:g} km of [{lat:g}, {lon:g}] ([lat, lon]), "
        f"but at [{lon:g}, {lat:g}] it would cut {shown}: lat and lon swapped? "
        f"write [{lon:g}, {lat:g}]"
    )


def event_effect(network: Network, event: Event) -> EventEffect:
    """Return what one event fails on ``network``."""
    k, p = event.kind, event.params
    if k in ("cut", "area"):
        if k == "area":
            lat, lon = p["center"]
            shape = circle(lon, lat, p["radius_km"])
            segs = tuple(_query(network, shape))
            warn = ()
            if not segs:
                swapped = _swapped_hint(network, event.label, lat, lon, p["radius_km"])
                warn = (swapped or _noop.nothing_failed_warning(network, event.label, lat, lon),)
            return EventEffect(event, segs, shape=shape, warnings=warn)
        near = p["near"]
        if near[0] == "point":
            lat, lon = near[1], near[2]
            shape = circle(lon, lat, p["radius_km"])
        elif near[0] == "chokepoint":
            cp = network.chokepoints
            shape = cp.loc[cp["chokepoint_id"] == near[1], "geometry"].iloc[0]
            c = shape.representative_point()
            lat, lon = c.y, c.x
        else:
            lps = network.all_landing_points
            pt = lps.loc[lps["landing_point_id"] == near[1], "geometry"].iloc[0]
            lat, lon = pt.y, pt.x
            shape = circle(lon, lat, p["radius_km"])
        active = set(network.cables["cable_id"])
        present = [c for c in p["cables"] if c in active]
        segs = _query(network, shape, present)
        warnings = []
        for cid in p["cables"]:
            if cid not in active:
                warnings.append(
                    f"{event.label}: {cid} is not in service at {network.as_of}; nothing to cut"
                )
            elif not any(s.startswith(cid + "#") for s in segs):
                km = nearest_km(network, cid, lat, lon)
                warnings.append(
                    f"{event.label}: {cid} passes no closer than {km:,.0f} km; "
                    "no segment of it failed (widen radius_km?)"
                )
        if not segs and not warnings:
            warnings.append(_noop.nothing_failed_warning(network, event.label, lat, lon))
        if not segs and present and near[0] == "point":  # one hint instead of one per cable
            swapped = _swapped_hint(network, event.label, lat, lon, p["radius_km"], present)
            if swapped:
                warnings = [w for w in warnings if "not in service" in w] + [swapped]
        return EventEffect(event, tuple(segs), shape=shape, warnings=tuple(warnings))
    if k == "chokepoint":
        cp = network.chokepoints
        shape = cp.loc[cp["chokepoint_id"] == p["id"], "geometry"].iloc[0]
        segs = tuple(_query(network, shape))
        c = shape.representative_point()
        warn = (
            ()
            if segs
            else (
                _noop.nothing_failed_warning(
                    network,
                    event.label,
                    c.y,
                    c.x,
                    advice=f"no cable in service crosses it at {network.as_of}",
                ),
            )
        )
        return EventEffect(event, segs, shape=shape, warnings=warn)
    if k == "cable":
        segs = network.segments.loc[network.segments["cable_id"] == p["id"], "segment_id"].tolist()
        warn = () if segs else (f"{event.label}: {p['id']} is not in service at {network.as_of}",)
        return EventEffect(event, tuple(segs), warnings=warn)
    if k == "landing_point":
        node = p["id"]
        segs = _segments_at(network, {node})
        warn = (
            () if segs else (f"{event.label}: no cable in service lands there at {network.as_of}",)
        )
        return EventEffect(event, tuple(segs), nodes=(node,), warnings=warn)
    if k == "country":
        iso3 = p["id"]
        lps = network.landing_points
        stations = set(lps.loc[lps["iso3"] == iso3, "landing_point_id"])
        lm = network.landmasses
        hubs = {f"land:{iso3}:{k}" for k in lm.loc[lm["iso3"] == iso3, "landmass"]}
        links = network.terrestrial_links
        mask = (links["from_iso3"] == iso3) | (links["to_iso3"] == iso3)
        return EventEffect(
            event,
            tuple(_segments_at(network, stations)),
            links=tuple(links.loc[mask, "link_id"]),
            nodes=tuple(sorted(stations | hubs)),
        )
    if k == "land_link":
        return _land_link_effect(network, event)
    if k == "degrade":
        return EventEffect(event, ())
    raise ValueError(f"unknown event kind {k!r}")  # pragma: no cover - validated earlier


def land_links_near(
    network: Network, lat: float, lon: float, radius_km: float
) -> tuple[list[str], shapely.Geometry]:
    """The land links whose route passes within ``radius_km`` of (lat, lon), and the circle.

    Only links with a route count: the sourced links, drawn as the straight line between
    their two metros (a schematic route: the fibre follows roads and railways between them).
    The assumed border links join two countries' hubs by a line that is no route; they are
    cut by their two countries (``between``).
    """
    shape = circle(lon, lat, radius_km)
    t = network.terrestrial_links
    routed = (t["kind"] == "sourced").to_numpy()
    geoms = t.geometry.to_numpy()
    hit = np.zeros(len(t), dtype=bool)
    for variant in wrap_variants(shape):
        hit |= shapely.intersects(geoms, variant)
    return t.loc[hit & routed, "link_id"].tolist(), shape


def _nearest_land_link(network: Network, lat: float, lon: float) -> str:
    """'<id> (<km> km away)' for the routed land link nearest (lat, lon), or ''."""
    t = network.terrestrial_links
    t = t[t["kind"] == "sourced"]
    if t.empty:
        return ""
    best = (np.inf, "")
    for lid, geom in zip(t["link_id"], t.geometry, strict=True):
        coords = shapely.get_coordinates(geom.segmentize(0.1))  # a vertex every 0.1 degree
        best = min(best, (float(np.min(haversine_km(coords[:, 0], coords[:, 1], lon, lat))), lid))
    return f"{best[1]} ({best[0]:,.0f} km away)"


def _land_link_effect(network: Network, event: Event) -> EventEffect:
    p = event.params
    when = network.as_of
    if "between" in p:
        a, b = p["between"]
        links = network.land_links_between(a, b)
        warn = () if links else (f"{event.label}: no land link between {a} and {b} at {when}",)
        return EventEffect(event, (), links=tuple(links), warnings=warn)
    if "id" in p:
        present = p["id"] in set(network.terrestrial_links["link_id"])
        warn = () if present else (f"{event.label}: {p['id']} is not in service at {when}",)
        return EventEffect(event, (), links=(p["id"],) if present else (), warnings=warn)
    lat, lon = p["near"]
    links, shape = land_links_near(network, lat, lon, p["radius_km"])
    warn = ()
    if not links:
        nearest = _nearest_land_link(network, lat, lon)
        warn = (
            f"{event.label}: no land link with a route passes there at {when}"
            + (f"; the nearest is {nearest} (widen radius_km?)" if nearest else "")
            + "; assumed border links have no route: cut them with between: [A, B]",
        )
    return EventEffect(event, (), links=tuple(links), shape=shape, warnings=warn)


def apply_events(network: Network, events: Iterable[Event]) -> Failures:
    """Everything ``events`` fail on ``network``, as :class:`Failures`."""
    effects = []
    segs: set[str] = set()
    links: set[str] = set()
    nodes: set[str] = set()
    degraded: dict[str, float] = {}
    active = set(network.cables["cable_id"])
    for ev in events:
        eff = event_effect(network, ev)
        if ev.kind == "degrade":
            cid = ev.params["cable"]
            if cid in active:
                degraded[cid] = degraded.get(cid, 1.0) * (1.0 - ev.params["fraction"])
            else:
                eff = EventEffect(
                    ev, (), warnings=(f"{ev.label}: {cid} is not in service at {network.as_of}",)
                )
        effects.append(eff)
        segs.update(eff.segments)
        links.update(eff.links)
        nodes.update(eff.nodes)
    for cid, share in list(degraded.items()):
        if share <= 0:
            degraded.pop(cid)
            segs.update(network.segments.loc[network.segments["cable_id"] == cid, "segment_id"])
    return Failures(frozenset(segs), frozenset(links), frozenset(nodes), degraded, tuple(effects))
