"""Map decisions that make an impact map read right (used by :mod:`cablesim.maps`).

* :func:`failed_parts`: a segment failed by an area, a chokepoint or a cut is drawn in red only
  where the event's shape meets it (plus a margin); the rest of that segment, out of service
  but not broken there, is drawn apart. Whole-cable, station and country events fail whole
  segments and are drawn whole.
* :func:`central_longitude`: the world map's centre meridian keeps every country the scenario
  hits (and every failed segment) away from the map's edge.
* :func:`place_legend`: the legend goes to the corner of the map where it hides no country
  the scenario hits.
* :func:`timeline_subtitle`: a two-line subtitle of a timeline panel that stays readable.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import shapely

from cablesim._geo import wrap_variants
from cablesim.engine import metrics

__all__ = ["central_longitude", "failed_parts", "hit_points", "place_legend", "timeline_subtitle"]

#: Margin (degrees, about 10 km) around an event's shape kept red on a failed segment.
RED_MARGIN_DEG = 0.1

#: A hit country closer than this (degrees of longitude) to the map's edge counts as cut by it.
EDGE_MARGIN_DEG = 20.0

#: Centre meridians tried for a world map, in order of preference.
CENTRES = (0.0, 150.0, -150.0, 60.0, -90.0, 100.0)


def failed_parts(result) -> tuple[np.ndarray, np.ndarray]:
    """The failed segments split into (broken parts, rest of those segments).

    Returns
    -------
    broken, rest
        Arrays of lon/lat line geometries: what to draw bold red, and the remainder of
        segments whose break is only part of their length.
    """
    fs = result.failed_segments
    if not len(fs):
        empty = np.array([], dtype=object)
        return empty, empty
    geom_of = dict(zip(fs["segment_id"], fs.geometry, strict=True))
    areas: dict[str, list] = {}
    whole: set[str] = set()
    for eff in result.failures.effects:
        shaped = eff.shape is not None and eff.event.kind in ("cut", "area", "chokepoint")
        for sid in eff.segments:
            if shaped:
                areas.setdefault(sid, []).append(eff.shape)
            else:
                whole.add(sid)
    broken, rest = [], []
    for sid, geom in geom_of.items():
        if geom is None or sid in whole or sid not in areas:
            broken.append(geom)
            continue
        zone = shapely.union_all(
            [v.buffer(RED_MARGIN_DEG) for s in areas[sid] for v in wrap_variants(s)]
        )
        inside = shapely.intersection(geom, zone)
        if inside.is_empty or inside.length >= 0.98 * geom.length:
            broken.append(geom)
            continue
        broken.append(inside)
        outside = shapely.difference(geom, zone)
        if not outside.is_empty:
            rest.append(outside)
    return np.array(broken, dtype=object), np.array(rest, dtype=object)


def hit_points(result, label_points: dict[str, tuple[float, float]]) -> list[tuple[float, float]]:
    """(lon, lat) of every country the scenario newly hits (isolated, severe or degraded)."""
    c = result.countries
    hit = c[~c["was_isolated"] & (c["status"] != "unaffected")]
    return [label_points[i] for i in hit["iso3"] if i in label_points]


def _edge_count(lons: np.ndarray, centre: float) -> int:
    if not len(lons):
        return 0
    off = np.abs(((lons - centre + 180.0) % 360.0) - 180.0)  # 0 at the centre, 180 at the edge
    return int((off > 180.0 - EDGE_MARGIN_DEG).sum())


def central_longitude(result, label_points: dict[str, tuple[float, float]]) -> float | None:
    """The centre meridian (of :data:`CENTRES`) that keeps hit countries off the edge.

    ``None`` when the default centre (0) already does.
    """
    lons = [lon for lon, _ in hit_points(result, label_points)]
    fs = result.failed_segments
    if len(fs):
        coords = shapely.get_coordinates(fs.geometry.to_numpy())
        lons += list(coords[:, 0])
    lons_a = np.asarray(lons, dtype=float)
    if not len(lons_a) or _edge_count(lons_a, 0.0) == 0:
        return None
    best = min(CENTRES, key=lambda c: (_edge_count(lons_a, c), CENTRES.index(c)))
    return None if best == 0.0 else best


def place_legend(ax, fig, handles, points_xy: list[tuple[float, float]], **kw: Any):
    """Draw the legend in the first corner that hides none of ``points_xy`` (data coords).

    Tries lower left, lower right, upper left, upper right; if each hides some, takes the
    corner that hides fewest.
    """
    canvas = fig.canvas
    renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else fig._get_renderer()
    pix = [tuple(ax.transData.transform(p)) for p in points_xy]
    best, best_n = None, None
    for loc in ("lower left", "lower right", "upper left", "upper right"):
        leg = ax.legend(handles=handles, loc=loc, **kw)
        bb = leg.get_window_extent(renderer).expanded(1.04, 1.04)
        n = sum(1 for x, y in pix if bb.contains(x, y))
        if n == 0:
            return leg
        if best_n is None or n < best_n:
            best, best_n = loc, n
    return ax.legend(handles=handles, loc=best, **kw)


def timeline_subtitle(state, width: int = 64) -> str:
    """Two short lines: what changed at this change point, and who is cut off or hit."""

    s = state.result.summary()
    names = state.result.network.country_names
    cut = [names.get(i, i) for i in s["isolated"]]
    n_hit = len(s["isolated"]) + len(s["severe"]) + len(s["degraded"])
    line2 = (
        "cut off: " + (", ".join(cut[:3]) + (f" +{len(cut) - 3}" if len(cut) > 3 else ""))
        if cut
        else "no country cut off"
    ) + f" · {n_hit} lost ≥{metrics.DEGRADED_PCT:g} %"
    line1 = textwrap.shorten(str(state.label), width=width, placeholder="…")
    return f"{line1}\n{line2}"
