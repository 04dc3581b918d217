"""Turn one cable's drawn route and landing points into a segment graph.

TeleGeography gives, per cable, an *unordered* set of landing points and a
drawn route (a lon/lat MultiLineString whose parts meet at branching units,
sometimes only approximately). Which landing point connects to which is only
in the geometry. :func:`build_cable_topology` recovers it:

1. **Join** the route parts: endpoints closer than ``join_tolerance_km`` become
   one node (placed at their mean); then an endpoint lying within the
   tolerance of another part's *interior* splits that part there (a
   T-junction). Closest joins go first. A join over a real gap that would close
   a cycle shorter than four tolerances is refused: that is the far end of a
   short landing stub (or of a whole short cable) lying near the polyline it
   starts from, not a junction; ends that touch always join (a ring drawn
   closed). All distances are great-circle distances on unit vectors, so parts
   ending at longitude +180 and starting again at -180 join like any others.
2. **Snap** every landing point (closest first) onto the nearest point of the
   drawn route. A free route end (a leaf that is no landing point yet) is
   preferred when it is at most ``join_tolerance_km`` farther than that point,
   so a branch drawn towards a station keeps its station; any other route node
   within 1 km more is preferred to splitting the route right next to it.
   Within ``snap_tolerance_km`` the landing point becomes a node at that place
   (``moved``); a second landing point at a place already taken is linked to
   the first by a zero-length inferred segment. Beyond the tolerance the
   landing point keeps its own place and is attached to that route point by an
   inferred great-circle segment (``attached``).
3. **Bridge** what is still disconnected: the components are joined like a
   minimum spanning tree (Kruskal over components) by inferred great-circle
   segments between their closest points, which may split a polyline (a new
   branching unit). Components that touch (parts crossing each other) are
   joined at one node instead. Without a route this is the great-circle
   minimum spanning tree of the landing points.
4. **Prune** dead ends: every part of the graph that hangs on a single edge and
   holds no landing point (leaf spurs, repeatedly; unused loops; stray parts)
   and every self-loop is dropped; its drawn length is summed in ``pruned_km``.
5. **Contract** nodes of degree two that are no landing point, merging their
   polylines. Non-landing-point nodes that remain are branching units; that
   includes the few degree-two joints where a drawn polyline meets an inferred
   one, which are kept so that :attr:`Segment.inferred` stays exact.

Segments are numbered in breadth-first order from the landing point with the
smallest id, and branching units in the order that walk meets them.

Geometry is kept in unwrapped longitudes while building (a polyline never
jumps by 360 degrees) and is split at +/-180 degrees only on output.
Everything is deterministic: the same input gives the same ids in the same
order, whatever the order of the landing points.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree

from cablesim._geo import GEOD, geodesic_length_km, haversine_km

__all__ = ["BranchingUnit", "CableTopology", "Segment", "build_cable_topology"]

#: Longest piece (km) a polyline segment is cut into for nearest-point searches.
_DENSIFY_KM = 5.0
#: Two places closer than this (km) are the same place.
_SAME_PLACE_KM = 1e-3
#: Vertex spacing (km) of the great-circle geometry of inferred segments.
_GREAT_CIRCLE_STEP_KM = 100.0
#: A landing point takes a route node (not a landing point) up to this much farther (km)
#: than the nearest route point, rather than splitting the route next to it.
_NODE_SNAP_KM = 1.0
#: Components closer than this (km) are joined at one node rather than by a bridge.
_TOUCH_KM = 0.1
#: Joins closing a cycle shorter than this many join tolerances are refused.
_SHORT_CYCLE = 4.0
#: Upper bound on query x sub-segment pairs evaluated at once.
_CHUNK = 400_000


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class Segment:
    """One edge of a cable's segment graph.

    Attributes
    ----------
    segment_id
        ``f"{cable_id}#{k}"`` with ``k = 1..n`` in a deterministic order.
    from_node, to_node
        Landing point ids or branching unit ids (``bu:<cable>:<k>``).
    geometry
        The drawn route between the two nodes in lon/lat degrees, first
        coordinate at ``from_node``, last at ``to_node``. A MultiLineString only
        where the segment crosses the antimeridian (split there so every
        longitude stays in [-180, 180]).
    length_km
        Geodesic length of ``geometry``.
    inferred
        True for segments the build drew itself (straight great-circle bridges
        over gaps, attachments of far landing points, links between landing
        points that share a place).
    """

    segment_id: str
    from_node: str
    to_node: str
    geometry: shapely.LineString | shapely.MultiLineString
    length_km: float
    inferred: bool


@dataclass(frozen=True)
class BranchingUnit:
    """A node of the segment graph that is no landing point."""

    node_id: str
    lon: float
    lat: float


@dataclass(frozen=True)
class CableTopology:
    """The segment graph of one cable and how it was built.

    Attributes
    ----------
    cable_id
        The cable.
    segments
        The edges; they join all landing points into one connected graph
        (empty when the cable has fewer than two distinct landing points).
    branching_units
        The nodes that are not landing points.
    route_km
        Total length of ``segments``.
    inferred_km
        Length of the inferred segments.
    pruned_km
        Drawn route length dropped as dead ends leading to no landing point.
    moved
        ``(landing_point_id, km)`` for every landing point snapped onto the
        route, with the (geodesic) snap distance; sorted by id.
    attached
        ``(landing_point_id, km)`` for every landing point too far from the
        route, attached by an inferred segment of that length; sorted by id.
    """

    cable_id: str
    segments: list[Segment]
    branching_units: list[BranchingUnit]
    route_km: float
    inferred_km: float
    pruned_km: float
    moved: list[tuple[str, float]]
    attached: list[tuple[str, float]]

    def rows(
        self, cable_id: str, *, has_route: bool, n_landing_points: int
    ) -> tuple[list[dict], list[dict], dict]:
        """The table rows of this topology: segments, branching units and its quality record.

        ``cable_id`` is the id the rows carry (it may differ from :attr:`cable_id`, e.g. a
        route feature merged under another slug).
        """
        segments = [
            {
                "segment_id": s.segment_id,
                "cable_id": cable_id,
                "from_node": s.from_node,
                "to_node": s.to_node,
                "length_km": round(s.length_km, 3),
                "inferred": s.inferred,
                "geometry": s.geometry,
            }
            for s in self.segments
        ]
        bus = [
            {"node_id": b.node_id, "cable_id": cable_id, "geometry": shapely.Point(b.lon, b.lat)}
            for b in self.branching_units
        ]
        quality = {
            "cable_id": cable_id,
            "route_km": self.route_km,
            "inferred_km": self.inferred_km,
            "pruned_km": self.pruned_km,
            "moved": self.moved,
            "attached": self.attached,
            "has_route": has_route,
            "n_landing_points": n_landing_points,
        }
        return segments, bus, quality


# --------------------------------------------------------------------------- small helpers


def _xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Unit vectors of lon/lat degrees, shape ``(n, 3)``."""
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    cos_phi = np.cos(phi)
    return np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def _lonlat(xyz: np.ndarray) -> tuple[float, float]:
    """Lon/lat degrees of one (not necessarily unit) vector."""
    x, y, z = (float(v) for v in xyz)
    return math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y)))


def _wrap_lon(lon: float) -> float:
    """Longitude in [-180, 180), keeping +180 as given."""
    if -180.0 <= lon <= 180.0:
        return float(lon)
    return float((lon + 180.0) % 360.0 - 180.0)


def _align_lon(lon: float, ref: float) -> float:
    """``lon`` shifted by a multiple of 360 degrees to lie within 180 of ``ref``."""
    return lon + 360.0 * round((ref - lon) / 360.0)


def unwrap(coords: np.ndarray) -> np.ndarray:
    """Make longitudes continuous (no step over 180 degrees) and drop repeated vertices."""
    coords = np.array(coords, dtype=float)[:, :2]
    if len(coords) > 1:
        step = np.diff(coords[:, 0])
        shift = -360.0 * np.round(step / 360.0)
        coords[1:, 0] += np.cumsum(shift)
        keep = np.ones(len(coords), dtype=bool)
        keep[1:] = np.any(np.abs(np.diff(coords, axis=0)) > 1e-12, axis=1)
        coords = coords[keep]
    return coords


def _geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two places."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def _polyline_km(coords: np.ndarray) -> float:
    """Geodesic length of an (unwrapped) polyline."""
    if len(coords) < 2:
        return 0.0
    return float(GEOD.line_length(coords[:, 0], coords[:, 1])) / 1000.0


def _great_circle(lon1: float, lat1: float, lon2: float, lat2: float) -> np.ndarray:
    """Vertices along the geodesic between two places, unwrapped, ends exact."""
    dist = float(haversine_km(lon1, lat1, lon2, lat2))
    n_mid = math.ceil(dist / _GREAT_CIRCLE_STEP_KM) - 1
    pts = [(lon1, lat1)]
    if n_mid > 0:
        pts.extend(GEOD.npts(lon1, lat1, lon2, lat2, n_mid))
    pts.append((lon2, lat2))
    out = unwrap(np.asarray(pts, dtype=float))
    if len(out) == 1:  # both ends at the same place: a zero-length segment
        out = np.vstack([out, out])
    return out


def to_geometry(coords: np.ndarray) -> shapely.LineString | shapely.MultiLineString:
    """A lon/lat geometry of an unwrapped polyline, split where it crosses +/-180."""
    coords = np.array(coords, dtype=float)
    coords[:, 0] -= 360.0 * math.floor((coords[0, 0] + 180.0) / 360.0)
    if np.all((coords[:, 0] >= -180.0) & (coords[:, 0] <= 180.0)):
        return shapely.LineString(coords)
    parts: list[list[tuple[float, float]]] = []
    offset = 0.0  # the current part's coordinates are ``coords - offset``
    current = [(coords[0, 0], coords[0, 1])]
    for (lon0, lat0), (lon1, lat1) in itertools.pairwise(coords):
        while not (offset - 180.0 <= lon1 <= offset + 180.0):
            edge = offset + 180.0 if lon1 > offset + 180.0 else offset - 180.0
            frac = (edge - lon0) / (lon1 - lon0)
            lat = lat0 + frac * (lat1 - lat0)
            current.append((edge - offset, lat))
            parts.append(current)
            offset += 360.0 if edge > offset else -360.0
            current = [(edge - offset, lat)]
            lon0, lat0 = edge, lat
        current.append((lon1 - offset, lat1))
    parts.append(current)
    lines = []
    for part in parts:
        arr = unwrap(np.asarray(part))
        if len(arr) >= 2:
            lines.append(arr)
    if not lines:  # a zero-length piece on the antimeridian itself
        return shapely.LineString(np.vstack([parts[-1][0], parts[-1][0]]))
    if len(lines) == 1:
        return shapely.LineString(lines[0])
    return shapely.MultiLineString(lines)


# --------------------------------------------------------------------------- the working graph


class _Dense:
    """A polyline cut into pieces of at most ``_DENSIFY_KM`` for nearest-point searches."""

    __slots__ = ("cum_km", "seg", "seg_km", "t0", "t1", "xyz")

    def __init__(self, coords: np.ndarray) -> None:
        a, b = coords[:-1], coords[1:]
        self.seg_km = haversine_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
        n = np.maximum(1, np.ceil(self.seg_km / _DENSIFY_KM)).astype(int)
        seg = np.repeat(np.arange(len(a)), n)
        k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        self.seg = seg
        self.t0 = k / n[seg]
        self.t1 = (k + 1) / n[seg]
        pts = a[seg] + self.t0[:, None] * (b[seg] - a[seg])
        pts = np.vstack([pts, coords[-1:]])
        self.xyz = _xyz(pts[:, 0], pts[:, 1])
        self.cum_km = np.concatenate([[0.0], np.cumsum(self.seg_km[seg] / n[seg])])


class _Edge:
    """A polyline between two nodes; ``coords`` are unwrapped, ends at the nodes."""

    __slots__ = ("_dense", "coords", "inferred", "tag", "u", "v")

    def __init__(self, u: int, v: int, coords: np.ndarray, inferred: bool, tag: int) -> None:
        self.u = u
        self.v = v
        self.coords = coords
        self.inferred = inferred
        self.tag = tag
        self._dense: _Dense | None = None

    @property
    def dense(self) -> _Dense:
        if self._dense is None:
            self._dense = _Dense(self.coords)
        return self._dense

    def other(self, node: int) -> int:
        return self.v if node == self.u else self.u


@dataclass(frozen=True)
class _Loc:
    """A point on an edge: segment ``seg`` of ``edge`` at fraction ``t``."""

    dist_km: float
    edge: int
    seg: int
    t: float
    lon: float  # unwrapped like the edge's coordinates
    lat: float


class _Graph:
    """A small mutable multigraph of polylines with integer node and edge ids."""

    def __init__(self) -> None:
        self.pos: dict[int, tuple[float, float]] = {}
        self.lp: dict[int, str | None] = {}
        self.adj: dict[int, dict[int, None]] = {}  # node -> incident edge ids (ordered)
        self.edges: dict[int, _Edge] = {}
        self._next_node = 0
        self._next_edge = 0

    # -- construction
    def add_node(self, lon: float, lat: float, lp: str | None = None) -> int:
        n = self._next_node
        self._next_node += 1
        self.pos[n] = (_wrap_lon(lon), float(lat))
        self.lp[n] = lp
        self.adj[n] = {}
        return n

    def add_edge(self, u: int, v: int, coords: np.ndarray, *, inferred: bool, tag: int = -1) -> int:
        e = self._next_edge
        self._next_edge += 1
        self.edges[e] = _Edge(u, v, coords, inferred, tag)
        self.adj[u][e] = None
        self.adj[v][e] = None
        return e

    def remove_edge(self, e: int) -> _Edge:
        edge = self.edges.pop(e)
        self.adj[edge.u].pop(e, None)
        self.adj[edge.v].pop(e, None)
        return edge

    def remove_node(self, n: int) -> None:
        for e in list(self.adj[n]):
            self.remove_edge(e)
        del self.pos[n], self.lp[n], self.adj[n]

    def degree(self, n: int) -> int:
        return sum(2 if self.edges[e].u == self.edges[e].v else 1 for e in self.adj[n])

    def components(self) -> list[list[int]]:
        """Connected components as sorted node lists, ordered by smallest node."""
        seen: dict[int, None] = {}
        out = []
        for start in sorted(self.pos):
            if start in seen:
                continue
            comp = [start]
            seen[start] = None
            i = 0
            while i < len(comp):
                n = comp[i]
                i += 1
                for e in self.adj[n]:
                    w = self.edges[e].other(n)
                    if w not in seen:
                        seen[w] = None
                        comp.append(w)
            out.append(sorted(comp))
        return out

    # -- geometry edits
    def _with_end(self, coords: np.ndarray, node: int, at_start: bool) -> np.ndarray:
        """``coords`` extended (if needed) so that one end sits exactly on ``node``."""
        lon, lat = self.pos[node]
        ref = coords[0] if at_start else coords[-1]
        point = np.array([[_align_lon(lon, ref[0]), lat]])
        if np.all(np.abs(point[0] - ref) <= 1e-12):
            return coords
        return np.vstack([point, coords]) if at_start else np.vstack([coords, point])

    def merge_nodes(self, keep: int, drop: int) -> None:
        """Move every edge end at ``drop`` to ``keep`` (with a connector) and remove ``drop``."""
        if keep == drop:
            return
        for e in list(self.adj[drop]):
            edge = self.remove_edge(e)
            coords = edge.coords
            u, v = edge.u, edge.v
            if u == drop:
                coords, u = self._with_end(coords, keep, at_start=True), keep
            if v == drop:
                coords, v = self._with_end(coords, keep, at_start=False), keep
            self.add_edge(u, v, coords, inferred=edge.inferred, tag=edge.tag)
        if self.lp[keep] is None:
            self.lp[keep] = self.lp[drop]
        del self.pos[drop], self.lp[drop], self.adj[drop]

    def place(self, loc: _Loc) -> int:
        """The node at ``loc``: an end node of its edge, or a new node splitting the edge."""
        edge = self.edges[loc.edge]
        dense = edge.dense
        along = float(dense.seg_km[: loc.seg].sum() + loc.t * dense.seg_km[loc.seg])
        total = float(dense.seg_km.sum())
        if along <= _SAME_PLACE_KM:
            return edge.u
        if total - along <= _SAME_PLACE_KM:
            return edge.v
        self.remove_edge(loc.edge)
        node = self.add_node(loc.lon, loc.lat)
        c, i = edge.coords, loc.seg
        point = np.array([[loc.lon, loc.lat]])
        first = unwrap(np.vstack([c[: i + 1], point]))
        second = unwrap(np.vstack([point, c[i + 1 :]]))
        self.add_edge(edge.u, node, first, inferred=edge.inferred, tag=edge.tag)
        self.add_edge(node, edge.v, second, inferred=edge.inferred, tag=edge.tag)
        return node

    # -- searches
    def nearest(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        edge_ids: Sequence[int],
        *,
        exclude_node: int | None = None,
        exclude_km: float = 0.0,
    ) -> list[_Loc | None]:
        """Nearest point on the given edges for each query place (None if no edges).

        Pieces of edges incident to ``exclude_node`` lying within ``exclude_km``
        (along the edge) of that node are ignored.
        """
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        if not edge_ids:
            return [None] * len(lon)
        p0, p1, owner, sub = [], [], [], []
        masks = []
        for e in edge_ids:
            edge = self.edges[e]
            dense = edge.dense
            p0.append(dense.xyz[:-1])
            p1.append(dense.xyz[1:])
            owner.append(np.full(len(dense.seg), e))
            sub.append(np.arange(len(dense.seg)))
            keep = np.ones(len(dense.seg), dtype=bool)
            if exclude_node is not None:
                total = dense.cum_km[-1]
                if edge.u == exclude_node:
                    keep &= dense.cum_km[1:] > exclude_km
                if edge.v == exclude_node:
                    keep &= total - dense.cum_km[:-1] > exclude_km
            masks.append(keep)
        mask = np.concatenate(masks)
        if not mask.any():
            return [None] * len(lon)
        a = np.concatenate(p0)[mask]
        b = np.concatenate(p1)[mask]
        owner_arr = np.concatenate(owner)[mask]
        sub_arr = np.concatenate(sub)[mask]
        d = b - a
        dd = np.maximum(np.einsum("ij,ij->i", d, d), 1e-30)
        ad = np.einsum("ij,ij->i", a, d)
        q = _xyz(lon, lat)
        out: list[_Loc | None] = []
        step = max(1, _CHUNK // len(a))
        for start in range(0, len(q), step):
            qc = q[start : start + step]
            qd = qc @ d.T
            qa = qc @ a.T
            t = np.clip((qd - ad) / dd, 0.0, 1.0)
            # |q - a - t d|^2 for unit q and a
            dist2 = 2.0 - 2.0 * qa - 2.0 * t * (qd - ad) + t * t * dd
            best = np.argmin(dist2, axis=1)
            for row, j in enumerate(best):
                e = int(owner_arr[j])
                k = int(sub_arr[j])
                dense = self.edges[e].dense
                seg = int(dense.seg[k])
                frac = float(dense.t0[k] + t[row, j] * (dense.t1[k] - dense.t0[k]))
                c = self.edges[e].coords
                plon, plat = c[seg] + frac * (c[seg + 1] - c[seg])
                qi = start + row
                dist = float(haversine_km(lon[qi], lat[qi], plon, plat))
                out.append(_Loc(dist, e, seg, frac, float(plon), float(plat)))
        return out


# --------------------------------------------------------------------------- build steps


def _route_parts(route: shapely.Geometry | None) -> list[np.ndarray]:
    """The route's line parts as unwrapped coordinate arrays (degenerate ones dropped)."""
    if route is None or route.is_empty:
        return []
    out = []
    for part in shapely.get_parts(route):
        if not isinstance(part, shapely.LineString) or part.is_empty:
            continue
        coords = np.asarray(part.coords, dtype=float)[:, :2]
        coords[:, 0] = [_wrap_lon(x) for x in coords[:, 0]]
        coords = unwrap(coords)
        if len(coords) >= 2:
            out.append(coords)
    return out


def _landing_points(
    landing_points: Iterable[tuple[str, float, float]],
) -> dict[str, tuple[float, float]]:
    """Landing points by id (first occurrence wins), sorted by id."""
    seen: dict[str, tuple[float, float]] = {}
    for lp_id, lon, lat in landing_points:
        seen.setdefault(str(lp_id), (_wrap_lon(float(lon)), float(lat)))
    return dict(sorted(seen.items()))


def _path_within(g: _Graph, src: int, targets: dict[int, float], radius_km: float) -> bool:
    """Whether some ``t`` in ``targets`` is within ``radius_km - targets[t]`` of ``src`` along edges."""
    best = {src: 0.0}
    heap = [(0.0, src)]
    while heap:
        dist, n = heapq.heappop(heap)
        if dist > best.get(n, math.inf):
            continue
        if n in targets and dist + targets[n] <= radius_km:
            return True
        for e in g.adj[n]:
            edge = g.edges[e]
            w = edge.other(n)
            step = dist + float(edge.dense.cum_km[-1])
            if step <= radius_km and step < best.get(w, math.inf):
                best[w] = step
                heapq.heappush(heap, (step, w))
    return False


def _join_parts(g: _Graph, parts: list[np.ndarray], tol_km: float) -> None:
    """Add the parts as edges; join them at shared endpoints and T-junctions (step 1).

    Shared endpoints are joined first, then T-junctions, closest first. A join
    over a real gap (more than ``_TOUCH_KM``) that would close a cycle shorter
    than ``_SHORT_CYCLE * tol_km`` is refused: that is the far end of a short
    stub (or of a whole short cable) lying near the polyline it starts from,
    not a junction. Ends that touch are always joined (a ring drawn closed).
    """
    ends: list[int] = []
    for coords in parts:
        u = g.add_node(*coords[0])
        v = g.add_node(*coords[-1])
        g.add_edge(u, v, coords, inferred=False)
        ends.extend([u, v])
    if not ends:
        return
    short_cycle_km = _SHORT_CYCLE * tol_km
    lon = np.array([g.pos[n][0] for n in ends])
    lat = np.array([g.pos[n][1] for n in ends])
    candidates: list[tuple[float, int, int, int]] = []  # (km, kind, end, other end)
    gaps = haversine_km(lon[:, None], lat[:, None], lon[None, :], lat[None, :])
    for i, j in zip(*np.nonzero(np.triu(gaps <= tol_km, 1)), strict=True):
        candidates.append((float(gaps[i, j]), 0, int(i), int(j)))
    for i, n in enumerate(ends):
        (loc,) = g.nearest(lon[i], lat[i], list(g.edges), exclude_node=n, exclude_km=2 * tol_km)
        if loc is not None and loc.dist_km <= tol_km:
            candidates.append((loc.dist_km, 1, i, -1))
    candidates.sort(key=lambda c: (c[1], c[0], c[2], c[3]))  # shared ends first
    node_of = list(ends)  # end index -> its current node
    members: dict[int, list[int]] = {n: [i] for i, n in enumerate(ends)}
    anchored: set[int] = set()  # nodes on the interior of a polyline keep their place

    def merge(a: int, b: int) -> None:
        group = members.pop(a, []) + members.pop(b, [])
        if a in anchored or b in anchored:
            keep, drop = (a, b) if a in anchored else (b, a)
        else:
            mean = _xyz(lon[group], lat[group]).mean(axis=0)
            keep = g.add_node(*_lonlat(mean))
            g.merge_nodes(keep, a)
            drop = b
        g.merge_nodes(keep, drop)
        members[keep] = group
        for i in group:
            node_of[i] = keep

    for gap, kind, i, j in candidates:
        n = node_of[i]
        if kind == 0:
            m = node_of[j]
            if m != n and (gap <= _TOUCH_KM or not _path_within(g, n, {m: 0.0}, short_cycle_km)):
                merge(n, m)
            continue
        (loc,) = g.nearest(*g.pos[n], list(g.edges), exclude_node=n, exclude_km=2 * tol_km)
        if loc is None or loc.dist_km > tol_km:
            continue
        edge = g.edges[loc.edge]
        along = float(edge.dense.seg_km[: loc.seg].sum() + loc.t * edge.dense.seg_km[loc.seg])
        rest = float(edge.dense.seg_km.sum()) - along
        if loc.dist_km > _TOUCH_KM and _path_within(
            g, n, {edge.u: along, edge.v: rest}, short_cycle_km
        ):
            continue
        target = g.place(loc)
        if target == n:
            continue
        if target not in members:
            members[target] = []
            anchored.add(target)
        merge(target, n)


def _place_landing_points(
    g: _Graph,
    lps: dict[str, tuple[float, float]],
    snap_km: float,
    slack_km: float,
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Snap or attach every landing point onto the drawn route (step 2)."""
    moved: list[tuple[str, float]] = []
    attached: list[tuple[str, float]] = []
    if not g.edges:
        for lp_id, (lon, lat) in lps.items():
            g.add_node(lon, lat, lp_id)
        return moved, attached

    def candidate(lon: float, lat: float, loc: _Loc) -> tuple[float, int | None]:
        """Distance to the chosen route place and the existing node chosen (if any)."""
        nodes = [n for n in sorted(g.pos) if g.lp[n] is None and g.adj[n]]
        if nodes:
            nlon = np.array([g.pos[n][0] for n in nodes])
            nlat = np.array([g.pos[n][1] for n in nodes])
            dist = haversine_km(lon, lat, nlon, nlat)
            leaf = np.array([g.degree(n) == 1 for n in nodes])
            for pick, slack in ((leaf, slack_km), (~leaf, _NODE_SNAP_KM)):
                if pick.any():
                    k = int(np.argmin(np.where(pick, dist, np.inf)))
                    if dist[k] <= loc.dist_km + slack:
                        return float(dist[k]), nodes[k]
        return loc.dist_km, None

    ids = list(lps)
    lon = np.array([lps[i][0] for i in ids])
    lat = np.array([lps[i][1] for i in ids])
    drawn = [e for e, edge in g.edges.items() if not edge.inferred]
    first = g.nearest(lon, lat, drawn)
    order = sorted(
        range(len(ids)),
        key=lambda i: (candidate(lon[i], lat[i], first[i])[0], ids[i]),  # type: ignore[arg-type]
    )
    for i in order:
        lp_id = ids[i]
        drawn = [e for e, edge in g.edges.items() if not edge.inferred]
        (loc,) = g.nearest(lon[i], lat[i], drawn)
        assert loc is not None
        dist, node = candidate(lon[i], lat[i], loc)
        if node is None:
            node = g.place(loc)
        km = _geodesic_km(float(lon[i]), float(lat[i]), *g.pos[node])
        if dist <= snap_km:
            moved.append((lp_id, km))
            if g.lp[node] is None:
                g.lp[node] = lp_id
            else:  # two landing points at one place: a zero-length link
                twin = g.add_node(*g.pos[node], lp_id)
                plon, plat = g.pos[node]
                g.add_edge(node, twin, np.array([[plon, plat], [plon, plat]]), inferred=True)
        else:
            attached.append((lp_id, km))
            own = g.add_node(lon[i], lat[i], lp_id)
            plon, plat = g.pos[node]
            g.add_edge(node, own, _great_circle(plon, plat, lon[i], lat[i]), inferred=True)
    return sorted(moved), sorted(attached)


def _bridge_components(g: _Graph) -> None:
    """Join the components like a minimum spanning tree with inferred segments (step 4)."""
    comps = g.components()
    if len(comps) <= 1:
        return
    label = {n: c for c, nodes in enumerate(comps) for n in nodes}
    for edge in g.edges.values():
        edge.tag = label[edge.u]
    clouds = []
    for c, nodes in enumerate(comps):
        pts = [_xyz([g.pos[n][0] for n in nodes], [g.pos[n][1] for n in nodes])]
        pts.extend(edge.dense.xyz for edge in g.edges.values() if edge.tag == c)
        clouds.append(np.vstack(pts))
    trees = [cKDTree(pts) for pts in clouds]
    pairs = []
    for i in range(len(comps)):
        for j in range(i + 1, len(comps)):
            small, big = (i, j) if len(clouds[i]) <= len(clouds[j]) else (j, i)
            dist, idx = trees[big].query(clouds[small])
            k = int(np.argmin(dist))
            point = {small: clouds[small][k], big: clouds[big][int(idx[k])]}
            pairs.append((float(dist[k]), i, j, point[i], point[j]))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    root = list(range(len(comps)))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    def nearest_in(c: int, lon: float, lat: float) -> tuple[float, float, _Loc | None]:
        """The place of component ``c`` nearest to (lon, lat), and where it is on an edge."""
        edges = [e for e, edge in g.edges.items() if edge.tag == c]
        if not edges:  # a component without edges is a single node
            return *g.pos[comps[c][0]], None
        (loc,) = g.nearest(lon, lat, edges)
        assert loc is not None
        return loc.lon, loc.lat, loc

    for _, i, j, xi, _ in pairs:
        if find(i) == find(j):
            continue
        root[max(find(i), find(j))] = min(find(i), find(j))
        lon_i, lat_i = _lonlat(xi)
        for _ in range(2):  # refine the pair found among densified vertices
            lon_j, lat_j, loc_j = nearest_in(j, lon_i, lat_i)
            lon_i, lat_i, loc_i = nearest_in(i, lon_j, lat_j)
        lon_j, lat_j, loc_j = nearest_in(j, lon_i, lat_i)
        a = comps[i][0] if loc_i is None else g.place(loc_i)
        b = comps[j][0] if loc_j is None else g.place(loc_j)
        (alon, alat), (blon, blat) = g.pos[a], g.pos[b]
        gap = float(haversine_km(alon, alat, blon, blat))
        if gap <= _TOUCH_KM and (g.lp[a] is None or g.lp[b] is None):
            keep, drop = (a, b) if g.lp[b] is None else (b, a)
            g.merge_nodes(keep, drop)
        else:
            g.add_edge(a, b, _great_circle(alon, alat, blon, blat), inferred=True, tag=-2)


def _prune(g: _Graph) -> float:
    """Drop self-loops and everything hanging on one edge without a landing point."""
    pruned = 0.0

    def drop(e: int) -> None:
        nonlocal pruned
        edge = g.remove_edge(e)
        if not edge.inferred:
            pruned += _polyline_km(edge.coords)

    for e in [e for e, edge in g.edges.items() if edge.u == edge.v]:
        drop(e)
    for comp in g.components():
        if not any(g.lp[n] is not None for n in comp):
            for n in comp:
                for e in list(g.adj[n]):
                    drop(e)
    # bridges (Tarjan, iterative; parallel edges are no bridges) and their sides' landing points
    disc: dict[int, int] = {}
    low: dict[int, int] = {}
    n_lp: dict[int, int] = {}
    cut: list[tuple[int, int, int, int]] = []  # (bridge edge, parent, child, root)
    clock = 0
    for root in sorted(g.pos):
        if root in disc or not g.adj[root]:
            continue
        disc[root] = low[root] = clock
        clock += 1
        n_lp[root] = int(g.lp[root] is not None)
        stack = [(root, -1, iter(list(g.adj[root])))]
        while stack:
            node, parent_edge, it = stack[-1]
            for e in it:
                if e == parent_edge:
                    continue
                w = g.edges[e].other(node)
                if w not in disc:
                    disc[w] = low[w] = clock
                    clock += 1
                    n_lp[w] = int(g.lp[w] is not None)
                    stack.append((w, e, iter(list(g.adj[w]))))
                    break
                low[node] = min(low[node], disc[w])
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    n_lp[parent] += n_lp[node]
                    if low[node] > disc[parent]:
                        cut.append((parent_edge, parent, node, root))
    for e, parent, child, root in cut:
        if e not in g.edges:
            continue
        if n_lp[child] == 0:
            side = child
        elif n_lp[root] - n_lp[child] == 0:
            side = parent
        else:
            continue
        drop(e)
        todo, seen = [side], {side}
        while todo:
            n = todo.pop()
            for f in list(g.adj[n]):
                w = g.edges[f].other(n)
                drop(f)
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
    for n in [n for n in g.pos if not g.adj[n] and g.lp[n] is None]:
        g.remove_node(n)
    return pruned


def _contract(g: _Graph) -> None:
    """Merge the two polylines at every degree-2 node that is no landing point."""
    for n in sorted(g.pos):
        if g.lp[n] is not None or len(g.adj[n]) != 2:
            continue
        e1, e2 = (g.edges[e] for e in g.adj[n])
        if e1.u == e1.v or e2.u == e2.v or e1.inferred != e2.inferred:
            continue
        id1, id2 = g.adj[n]
        c1 = e1.coords if e1.v == n else e1.coords[::-1]
        c2 = e2.coords if e2.u == n else e2.coords[::-1]
        a, b = e1.other(n), e2.other(n)
        c2 = c2.copy()
        c2[:, 0] += _align_lon(c2[0, 0], c1[-1, 0]) - c2[0, 0]
        coords = unwrap(np.vstack([c1, c2[1:]]))
        g.remove_edge(id1)
        g.remove_edge(id2)
        g.add_edge(a, b, coords, inferred=e1.inferred)
        del g.pos[n], g.lp[n], g.adj[n]


def _assemble(
    cable_id: str,
    g: _Graph,
    *,
    pruned_km: float,
    moved: list[tuple[str, float]],
    attached: list[tuple[str, float]],
) -> CableTopology:
    """Name the nodes and order the segments by a breadth-first walk from the first landing point."""
    lp_nodes = sorted((lp, n) for n, lp in g.lp.items() if lp is not None)
    names: dict[int, str] = {}
    units: list[BranchingUnit] = []
    segments: list[Segment] = []
    route_km = inferred_km = 0.0

    def name(n: int) -> str:
        if n not in names:
            lon, lat = g.pos[n]
            names[n] = f"bu:{cable_id}:{len(units) + 1}"
            units.append(BranchingUnit(names[n], lon, lat))
        return names[n]

    for n, lp in g.lp.items():
        if lp is not None:
            names[n] = lp

    def key(n: int, e: int) -> tuple:
        w = g.edges[e].other(n)
        lon, lat = g.pos[w]
        c = g.edges[e].coords if g.edges[e].u == n else g.edges[e].coords[::-1]
        return (
            g.lp[w] is None,
            g.lp[w] or "",
            round(lon, 9),
            round(lat, 9),
            len(c),
            tuple(np.round(c[1], 9)),
        )

    done: set[int] = set()
    visited: set[int] = set()
    for _, start in lp_nodes:
        if start in visited or not g.adj[start]:
            continue
        visited.add(start)
        queue = [start]
        while queue:
            n = queue.pop(0)
            for e in sorted(g.adj[n], key=lambda e, n=n: key(n, e)):
                if e in done:
                    continue
                done.add(e)
                edge = g.edges[e]
                w = edge.other(n)
                coords = edge.coords if edge.u == n else edge.coords[::-1]
                geometry = to_geometry(coords)
                length = geodesic_length_km(geometry)
                from_name = name(n)
                segments.append(
                    Segment(
                        f"{cable_id}#{len(segments) + 1}",
                        from_name,
                        name(w),
                        geometry,
                        length,
                        edge.inferred,
                    )
                )
                route_km += length
                inferred_km += length if edge.inferred else 0.0
                if w not in visited:
                    visited.add(w)
                    queue.append(w)
    return CableTopology(
        cable_id=cable_id,
        segments=segments,
        branching_units=units,
        route_km=route_km,
        inferred_km=inferred_km,
        pruned_km=pruned_km,
        moved=moved,
        attached=attached,
    )


# --------------------------------------------------------------------------- entry point


def build_cable_topology(
    cable_id: str,
    route: shapely.MultiLineString | shapely.LineString | None,
    landing_points: Sequence[tuple[str, float, float]],
    *,
    join_tolerance_km: float = 10.0,
    snap_tolerance_km: float = 50.0,
) -> CableTopology:
    """Build the segment graph of one cable from its drawn route and landing points.

    Parameters
    ----------
    cable_id
        The cable's id; used in segment ids (``f"{cable_id}#{k}"``) and branching
        unit ids (``f"bu:{cable_id}:{k}"``).
    route
        The drawn route in lon/lat degrees (a LineString or a MultiLineString of
        parts that meet, sometimes only approximately, at branching units), or
        None / empty when the cable has no drawn route.
    landing_points
        ``(landing_point_id, lon, lat)``, unordered. A repeated id is collapsed
        (its first place wins).
    join_tolerance_km
        Route ends closer than this to each other, or to the interior of another
        part, are joined there. Also the slack by which a free route end may be
        farther than the nearest route point and still be preferred for snapping.
    snap_tolerance_km
        Landing points closer than this to the route are moved onto it; farther
        ones are attached with an inferred segment.

    Returns
    -------
    CableTopology
        The segments join all landing points into one connected graph. A cable
        with fewer than two distinct landing points has no segments (its whole
        route counts as pruned). Without a route the landing points are joined
        by the geodesic minimum spanning tree of inferred segments (and are
        neither ``moved`` nor ``attached``). Two landing points at one place
        are joined by a zero-length inferred segment where needed.

    Notes
    -----
    See the module docstring for the steps. Distances are great-circle
    (haversine) distances on unit vectors, so they are right across the
    antimeridian and at high latitude; polylines are searched after cutting
    them into pieces of at most 5 km, and points found lie exactly on the
    drawn lon/lat line. Lengths are geodesic (WGS84).
    """
    if join_tolerance_km < 0 or snap_tolerance_km < 0:
        raise ValueError("tolerances must be non-negative")
    lps = _landing_points(landing_points)
    g = _Graph()
    _join_parts(g, _route_parts(route), join_tolerance_km)
    moved, attached = _place_landing_points(g, lps, snap_tolerance_km, join_tolerance_km)
    if len(lps) < 2:
        pruned = sum(_polyline_km(e.coords) for e in g.edges.values() if not e.inferred)
        return CableTopology(cable_id, [], [], 0.0, 0.0, pruned, moved, attached)
    _bridge_components(g)
    pruned = _prune(g)
    _contract(g)
    return _assemble(cable_id, g, pruned_km=pruned, moved=moved, attached=attached)
