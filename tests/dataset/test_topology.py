"""Tests of the per-cable segment graph on tiny routes with answers known by construction."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest
import shapely

from cablesim._geo import GEOD, geodesic_length_km, haversine_km
from cablesim.dataset._topology import CableTopology, Segment, build_cable_topology

# --------------------------------------------------------------------------- helpers


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance between two places."""
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def _line_km(*coords: tuple[float, float]) -> float:
    """Geodesic length of a polyline given as (lon, lat) pairs (longitudes may pass 180)."""
    lons, lats = zip(*coords, strict=True)
    return float(GEOD.line_length(lons, lats)) / 1000.0


def _ends(segment: Segment) -> tuple[tuple[float, float], tuple[float, float]]:
    parts = list(getattr(segment.geometry, "geoms", [segment.geometry]))
    return parts[0].coords[0], parts[-1].coords[-1]


def _check(topo: CableTopology, landing_points: list[tuple[str, float, float]]) -> nx.MultiGraph:
    """Invariants every topology must satisfy; returns its graph."""
    lps = {lp_id: (lon, lat) for lp_id, lon, lat in landing_points}
    bus = {b.node_id: (b.lon, b.lat) for b in topo.branching_units}
    moved = dict(topo.moved)
    graph = nx.MultiGraph()
    graph.add_nodes_from(lps)
    for k, seg in enumerate(topo.segments, start=1):
        assert seg.segment_id == f"{topo.cable_id}#{k}"
        assert seg.from_node in lps or seg.from_node in bus
        assert seg.to_node in lps or seg.to_node in bus
        minx, _, maxx, _ = seg.geometry.bounds
        assert minx >= -180.0
        assert maxx <= 180.0
        assert seg.length_km == pytest.approx(geodesic_length_km(seg.geometry), abs=1e-9)
        # the geometry runs from from_node's place to to_node's place
        for node, (lon, lat) in zip((seg.from_node, seg.to_node), _ends(seg), strict=True):
            if node in bus:
                assert haversine_km(*bus[node], lon, lat) < 1e-6
            elif node in moved:
                assert _km(*lps[node], lon, lat) == pytest.approx(moved[node], abs=1e-6)
            else:  # attached or joined by a spanning tree: at its own place
                assert haversine_km(*lps[node], lon, lat) < 1e-6
        graph.add_edge(seg.from_node, seg.to_node)
    assert topo.route_km == pytest.approx(sum(s.length_km for s in topo.segments))
    assert topo.inferred_km == pytest.approx(sum(s.length_km for s in topo.segments if s.inferred))
    if len(lps) >= 2:
        assert nx.is_connected(graph)
        assert {n for n in graph if n not in lps} <= set(bus)
    return graph


def _segment(topo: CableTopology, a: str, b: str) -> Segment:
    (seg,) = [s for s in topo.segments if {s.from_node, s.to_node} == {a, b}]
    return seg


EQUATOR_DEG_KM = _km(0, 0, 1, 0)  # 111.32 km


# --------------------------------------------------------------------------- joining parts


def test_two_parts_sharing_an_endpoint_make_one_segment() -> None:
    route = shapely.MultiLineString([[(0, 0), (1, 0)], [(1, 0), (2, 0)]])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0)]
    topo = build_cable_topology("c", route, lps)
    _check(topo, lps)
    (seg,) = topo.segments
    assert {seg.from_node, seg.to_node} == {"a", "b"}
    assert not seg.inferred
    assert seg.length_km == pytest.approx(2 * EQUATOR_DEG_KM, rel=1e-6)
    assert topo.branching_units == []
    assert topo.inferred_km == 0.0
    assert topo.pruned_km == 0.0
    assert topo.moved == [("a", pytest.approx(0.0, abs=1e-6)), ("b", pytest.approx(0.0, abs=1e-6))]
    assert topo.attached == []


def test_parts_meeting_only_approximately_are_joined_without_inference() -> None:
    # a 2.2 km gap, well inside the 10 km join tolerance
    route = shapely.MultiLineString([[(0, 0), (1, 0)], [(1.02, 0), (2, 0)]])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0)]
    topo = build_cable_topology("c", route, lps)
    _check(topo, lps)
    (seg,) = topo.segments
    assert not seg.inferred
    assert seg.length_km == pytest.approx(2 * EQUATOR_DEG_KM, rel=1e-3)


def test_t_junction_gives_one_branching_unit_and_three_segments() -> None:
    trunk = [(0, 0), (2, 0)]
    branch = [(1, 1), (1, 0)]  # ends on the interior of the trunk
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0), ("c", 1.0, 1.0)]
    topo = build_cable_topology("t", shapely.MultiLineString([trunk, branch]), lps)
    _check(topo, lps)
    (bu,) = topo.branching_units
    assert bu.node_id == "bu:t:1"
    assert (bu.lon, bu.lat) == pytest.approx((1.0, 0.0), abs=1e-9)
    assert len(topo.segments) == 3
    assert _segment(topo, "a", bu.node_id).length_km == pytest.approx(EQUATOR_DEG_KM, rel=0.005)
    assert _segment(topo, "b", bu.node_id).length_km == pytest.approx(EQUATOR_DEG_KM, rel=0.005)
    assert _segment(topo, "c", bu.node_id).length_km == pytest.approx(_km(1, 0, 1, 1), rel=0.005)
    assert not any(s.inferred for s in topo.segments)


def test_t_junction_within_tolerance_of_the_trunk() -> None:
    # the branch stops 3.3 km short of the trunk
    route = shapely.MultiLineString([[(0, 0), (2, 0)], [(1, 1), (1, 0.03)]])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0), ("c", 1.0, 1.0)]
    topo = build_cable_topology("t", route, lps)
    _check(topo, lps)
    (bu,) = topo.branching_units
    assert (bu.lon, bu.lat) == pytest.approx((1.0, 0.0), abs=1e-6)
    assert topo.inferred_km == 0.0
    assert _segment(topo, "c", bu.node_id).length_km == pytest.approx(_km(1, 0, 1, 1), rel=0.005)


def test_short_stub_is_not_joined_back_to_the_trunk() -> None:
    # a 5.5 km landing stub: its far end lies near the trunk too, but is no junction
    route = shapely.MultiLineString([[(0, 0), (2, 0)], [(1, 0), (1, 0.05)]])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0), ("c", 1.0, 0.05)]
    topo = build_cable_topology("s", route, lps)
    graph = _check(topo, lps)
    assert len(topo.segments) == 3
    assert nx.is_forest(nx.Graph(graph))
    assert graph.number_of_edges() == 3
    assert _segment(topo, "c", topo.branching_units[0].node_id).length_km == pytest.approx(
        _km(1, 0, 1, 0.05), rel=1e-3
    )


def test_closed_ring_keeps_both_ways() -> None:
    ring = [(0, 0), (1, 1), (2, 0), (1, -1), (0, 0)]
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0)]
    topo = build_cable_topology("r", shapely.LineString(ring), lps)
    _check(topo, lps)
    assert len(topo.segments) == 2
    assert all({s.from_node, s.to_node} == {"a", "b"} for s in topo.segments)
    assert topo.route_km == pytest.approx(_line_km(*ring), rel=1e-6)
    assert topo.pruned_km == 0.0


# --------------------------------------------------------------------------- landing points


def test_landing_point_in_the_middle_of_a_trunk_splits_it() -> None:
    route = shapely.LineString([(0, 0), (2, 0)])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0), ("m", 1.0, 0.05)]  # 5.5 km off the trunk
    topo = build_cable_topology("m", route, lps)
    graph = _check(topo, lps)
    assert topo.branching_units == []
    assert len(topo.segments) == 2
    assert graph.degree("m") == 2
    assert dict(topo.moved)["m"] == pytest.approx(_km(1, 0.05, 1, 0), rel=1e-3)
    assert _segment(topo, "a", "m").length_km == pytest.approx(EQUATOR_DEG_KM, rel=1e-4)
    assert _segment(topo, "m", "b").length_km == pytest.approx(EQUATOR_DEG_KM, rel=1e-4)


def test_far_landing_point_is_attached_with_an_inferred_segment() -> None:
    route = shapely.LineString([(0, 0), (4, 0)])
    lps = [("a", 0.0, 0.0), ("b", 4.0, 0.0), ("far", 2.0, 2.713)]  # 300 km north
    topo = build_cable_topology("f", route, lps)
    _check(topo, lps)
    expected = _km(2, 0, 2, 2.713)
    assert expected == pytest.approx(300.0, abs=0.5)
    assert topo.attached == [("far", pytest.approx(expected, rel=0.005))]
    assert [lp for lp, _ in topo.moved] == ["a", "b"]
    (bu,) = topo.branching_units
    assert (bu.lon, bu.lat) == pytest.approx((2.0, 0.0), abs=1e-6)
    link = _segment(topo, "far", bu.node_id)
    assert link.inferred
    assert link.length_km == pytest.approx(expected, rel=1e-4)
    assert topo.inferred_km == pytest.approx(expected, rel=1e-4)
    assert len(topo.segments) == 3


def test_snap_distance_is_right_at_high_latitude() -> None:
    route = shapely.LineString([(10, 78), (20, 78)])
    lps = [("a", 10.0, 78.0), ("b", 20.0, 78.0), ("m", 15.0, 78.1)]
    topo = build_cable_topology("h", route, lps)
    _check(topo, lps)
    # the drawn line is the parallel 78N: its nearest point to m is (15, 78)
    assert dict(topo.moved)["m"] == pytest.approx(_km(15, 78.1, 15, 78), rel=0.01)


def test_branch_drawn_towards_a_station_keeps_it() -> None:
    # the trunk passes 6.1 km from the station, the branch drawn to it ends 7.2 km away
    route = shapely.MultiLineString([[(0, 0), (2, 0)], [(1, 0), (1.5, 0.12)]])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0), ("s", 1.5, 0.055)]
    topo = build_cable_topology("k", route, lps)
    _check(topo, lps)
    assert topo.pruned_km == 0.0
    assert dict(topo.moved)["s"] == pytest.approx(_km(1.5, 0.055, 1.5, 0.12), rel=1e-6)
    (bu,) = topo.branching_units
    assert _segment(topo, bu.node_id, "s").length_km == pytest.approx(
        _km(1, 0, 1.5, 0.12), rel=1e-6
    )


def test_landing_point_next_to_a_junction_takes_it() -> None:
    # 0.4 km from the junction at (1, 0): no sub-kilometre segment is made
    route = shapely.MultiLineString([[(0, 0), (1, 0)], [(1, 0), (2, 0)], [(1, 0), (1, 1)]])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0), ("c", 1.0, 1.0), ("j", 1.003, 0.002)]
    topo = build_cable_topology("j", route, lps)
    graph = _check(topo, lps)
    assert topo.branching_units == []
    assert graph.degree("j") == 3
    assert min(s.length_km for s in topo.segments) > 100


def test_two_landing_points_at_one_place_share_it() -> None:
    route = shapely.LineString([(0, 0), (1, 0)])
    lps = [("a", 0.0, 0.0), ("a2", 0.0, 0.0), ("b", 1.0, 0.0)]
    topo = build_cable_topology("d", route, lps)
    _check(topo, lps)
    link = _segment(topo, "a", "a2")
    assert link.length_km == pytest.approx(0.0, abs=1e-6)
    assert topo.route_km == pytest.approx(EQUATOR_DEG_KM, rel=1e-6)


def test_duplicate_landing_points_are_collapsed() -> None:
    route = shapely.LineString([(0, 0), (1, 0)])
    lps = [("a", 0.0, 0.0), ("b", 1.0, 0.0), ("a", 0.0, 0.0)]
    topo = build_cable_topology("d", route, lps)
    _check(topo, lps)
    assert len(topo.segments) == 1
    assert [lp for lp, _ in topo.moved] == ["a", "b"]


def test_single_landing_point_gives_no_segments() -> None:
    route = shapely.LineString([(0, 0), (1, 0)])
    topo = build_cable_topology("one", route, [("a", 0.0, 0.0)])
    assert topo.segments == []
    assert topo.branching_units == []
    assert topo.route_km == 0.0
    assert topo.pruned_km == pytest.approx(EQUATOR_DEG_KM, rel=1e-6)


# --------------------------------------------------------------------------- antimeridian


def test_route_across_the_antimeridian_is_one_split_segment() -> None:
    east = [(178, -18), (179, -18.2), (180, -18.5)]
    west = [(-180, -18.5), (-179, -18.7), (-178, -19)]
    lps = [("fiji", 178.0, -18.0), ("tonga", -178.0, -19.0)]
    topo = build_cable_topology("x", shapely.MultiLineString([east, west]), lps)
    _check(topo, lps)
    (seg,) = topo.segments
    assert not seg.inferred
    assert isinstance(seg.geometry, shapely.MultiLineString)
    assert len(seg.geometry.geoms) == 2
    coords = np.vstack([np.asarray(p.coords) for p in seg.geometry.geoms])
    assert np.all(np.abs(coords[:, 0]) <= 180.0)
    continuous = [(178, -18), (179, -18.2), (180, -18.5), (181, -18.7), (182, -19)]
    assert seg.length_km == pytest.approx(_line_km(*continuous), rel=1e-9)
    assert topo.route_km < 500  # not the long way round


def test_parts_meeting_near_the_antimeridian_are_joined() -> None:
    # the TeleGeography way: one part stops at +179.9998, the next starts at -179.9998
    east = [(178, -18), (179.9998, -18.5)]
    west = [(-179.9998, -18.5001), (-178, -19)]
    lps = [("fiji", 178.0, -18.0), ("tonga", -178.0, -19.0)]
    topo = build_cable_topology("x", shapely.MultiLineString([east, west]), lps)
    _check(topo, lps)
    (seg,) = topo.segments
    assert isinstance(seg.geometry, shapely.MultiLineString)
    assert seg.length_km == pytest.approx(_line_km((178, -18), (180, -18.5), (182, -19)), rel=1e-4)


def test_landing_point_snaps_across_the_antimeridian() -> None:
    route = shapely.LineString([(178, 0), (180, 0)])
    # 11 km east of the route's end, on the other side of the antimeridian
    lps = [("a", 178.0, 0.0), ("b", -179.9, 0.0)]
    topo = build_cable_topology("x", route, lps)
    _check(topo, lps)
    assert dict(topo.moved)["b"] == pytest.approx(_km(180, 0, -179.9, 0), rel=1e-3)
    assert topo.route_km == pytest.approx(2 * EQUATOR_DEG_KM, rel=1e-4)


# --------------------------------------------------------------------------- gaps and spurs


def test_gap_between_parts_is_bridged_by_one_inferred_segment() -> None:
    route = shapely.MultiLineString([[(0, 0), (1, 0)], [(1.5, 0), (2.5, 0)]])
    lps = [("a", 0.0, 0.0), ("b", 2.5, 0.0)]
    topo = build_cable_topology("g", route, lps)
    _check(topo, lps)
    (bridge,) = [s for s in topo.segments if s.inferred]
    assert bridge.length_km == pytest.approx(_km(1, 0, 1.5, 0), rel=0.005)
    assert topo.inferred_km == pytest.approx(bridge.length_km)
    assert topo.route_km == pytest.approx(2.5 * EQUATOR_DEG_KM, rel=1e-4)
    # the two joints between drawn and inferred polylines stay nodes
    assert len(topo.segments) == 3
    assert len(topo.branching_units) == 2


def test_bridge_lands_on_the_interior_of_a_polyline() -> None:
    trunk = [(0, 0), (4, 0)]
    island = [(2, 1), (2, 3)]  # a separate part, 1 degree north of the trunk
    lps = [("a", 0.0, 0.0), ("b", 4.0, 0.0), ("c", 2.0, 3.0)]
    topo = build_cable_topology("i", shapely.MultiLineString([trunk, island]), lps)
    _check(topo, lps)
    (bridge,) = [s for s in topo.segments if s.inferred]
    assert bridge.length_km == pytest.approx(_km(2, 0, 2, 1), rel=1e-4)
    places = sorted((round(b.lon, 6), round(b.lat, 6)) for b in topo.branching_units)
    assert places == [(2.0, 0.0), (2.0, 1.0)]


def test_dead_end_spur_is_pruned() -> None:
    trunk = [(0, 0), (2, 0)]
    spur = [(1, 0), (1, -1)]  # leads to no landing point
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0)]
    topo = build_cable_topology("p", shapely.MultiLineString([trunk, spur]), lps)
    _check(topo, lps)
    (seg,) = topo.segments  # the spur's junction is contracted away
    assert seg.length_km == pytest.approx(2 * EQUATOR_DEG_KM, rel=1e-6)
    assert topo.branching_units == []
    assert topo.pruned_km == pytest.approx(_km(1, 0, 1, -1), rel=1e-4)


def test_dead_end_loop_is_pruned() -> None:
    stem = [(1, 0), (1, -1)]
    loop = [(1, -1), (1.5, -1.5), (0.5, -1.5), (1, -1)]  # a ring with no landing point
    route = shapely.MultiLineString([[(0, 0), (2, 0)], stem, loop])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0)]
    topo = build_cable_topology("l", route, lps)
    _check(topo, lps)
    assert len(topo.segments) == 1
    assert topo.pruned_km == pytest.approx(_line_km(*stem) + _line_km(*loop), rel=1e-6)


def test_overshoot_beyond_the_last_landing_point_is_pruned() -> None:
    route = shapely.LineString([(0, 0), (3, 0)])
    lps = [("a", 0.0, 0.0), ("b", 2.0, 0.0)]
    topo = build_cable_topology("o", route, lps)
    _check(topo, lps)
    (seg,) = topo.segments
    assert seg.length_km == pytest.approx(2 * EQUATOR_DEG_KM, rel=1e-4)
    assert topo.pruned_km == pytest.approx(EQUATOR_DEG_KM, rel=1e-4)


# --------------------------------------------------------------------------- no route


@pytest.mark.parametrize("route", [None, shapely.MultiLineString(), shapely.LineString()])
def test_without_a_route_the_landing_points_form_a_spanning_tree(route) -> None:
    lps = [("w", 0.0, 0.0), ("x", 1.0, 0.0), ("y", 3.0, 0.0), ("z", 1.0, 1.0)]
    topo = build_cable_topology("n", route, lps)
    graph = _check(topo, lps)
    assert all(s.inferred for s in topo.segments)
    assert {frozenset((s.from_node, s.to_node)) for s in topo.segments} == {
        frozenset("wx"),
        frozenset("xz"),
        frozenset("xy"),
    }
    assert nx.is_tree(nx.Graph(graph))
    expected = _km(0, 0, 1, 0) + _km(1, 0, 1, 1) + _km(1, 0, 3, 0)
    assert topo.route_km == pytest.approx(expected, rel=1e-6)
    assert topo.inferred_km == pytest.approx(expected, rel=1e-6)
    assert topo.moved == []
    assert topo.attached == []
    assert topo.branching_units == []


def test_spanning_tree_across_the_antimeridian_takes_the_short_way() -> None:
    lps = [("a", 179.5, 10.0), ("b", -179.5, 10.0)]
    topo = build_cable_topology("n", None, lps)
    _check(topo, lps)
    (seg,) = topo.segments
    assert seg.length_km == pytest.approx(_km(179.5, 10, -179.5, 10), rel=1e-6)
    assert isinstance(seg.geometry, shapely.MultiLineString)


# --------------------------------------------------------------------------- determinism


def _network() -> tuple[shapely.MultiLineString, list[tuple[str, float, float]]]:
    parts = [
        [(0, 0), (2, 0), (4, 0.5)],
        [(2, 2), (2.02, 0.01)],
        [(4, 0.5), (6, 0), (8, 0)],
        [(6, 0), (6, -2)],
        [(8.3, 0), (9, 0)],
        [(5, 3), (5, 2.5)],
    ]
    lps = [
        ("p", 0.0, 0.0),
        ("q", 2.0, 2.0),
        ("r", 6.0, -2.0),
        ("s", 9.0, 0.0),
        ("t", 5.0, 3.0),
        ("u", 1.0, -3.0),
    ]
    return shapely.MultiLineString(parts), lps


def test_output_is_deterministic_and_independent_of_landing_point_order() -> None:
    route, lps = _network()
    first = build_cable_topology("det", route, lps)
    _check(first, lps)
    shuffled = [*lps, lps[2]]
    random.Random(7).shuffle(shuffled)
    again = build_cable_topology("det", route, shuffled)
    assert again == first
    assert [s.segment_id for s in first.segments] == [
        f"det#{k}" for k in range(1, len(first.segments) + 1)
    ]
    assert [b.node_id for b in first.branching_units] == [
        f"bu:det:{k}" for k in range(1, len(first.branching_units) + 1)
    ]
    assert first.attached == [("u", pytest.approx(_km(1, -3, 1, 0), rel=1e-4))]


def test_tolerances_are_keyword_only_and_checked() -> None:
    route, lps = _network()
    with pytest.raises(TypeError):
        build_cable_topology("k", route, lps, 10.0)  # type: ignore[misc]
    with pytest.raises(ValueError, match="non-negative"):
        build_cable_topology("k", route, lps, join_tolerance_km=-1.0)

    # a zero join tolerance leaves the 0.54 km gap between (2.02, 0.01) and the trunk
    # to be bridged too, on top of the 33 km gap (8, 0)-(8.3, 0) and the island of t
    def bridges(topo: CableTopology) -> list[float]:
        return sorted(s.length_km for s in topo.segments if s.inferred and "u" not in (s.to_node,))

    # the island's end (5, 2.5) to the closest point of the drawn line (4, 0.5)-(6, 0)
    x = np.linspace(0.0, 1.0, 20_001)
    ones = np.ones_like(x)
    island_km = float(GEOD.inv(5 * ones, 2.5 * ones, 4 + 2 * x, 0.5 - 0.5 * x)[2].min()) / 1000
    default = build_cable_topology("k", route, lps)
    assert bridges(default) == [
        pytest.approx(_km(8, 0, 8.3, 0), rel=1e-4),
        pytest.approx(island_km, rel=1e-3),
    ]
    strict = build_cable_topology("k", route, lps, join_tolerance_km=0.0)
    _check(strict, lps)
    assert bridges(strict) == [pytest.approx(0.537, abs=0.005), *bridges(default)]
