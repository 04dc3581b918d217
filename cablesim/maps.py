"""Static maps of results and networks (matplotlib, no network access).

Every plot function has the OSMnx shape ``plot_x(obj, *, ax=None, ...) -> (fig, ax)``
and every file goes through :func:`save_figure`. Nothing here opens a window:
figures are plain :class:`matplotlib.figure.Figure` objects drawn with the Agg
canvas (pyplot is never imported), fonts are matplotlib's bundled DejaVu, and
no tile or web resource is fetched.

Projection
----------
Maps use the Equal Earth projection (pyproj) centred on
``central_longitude``. Geometries are shifted relative to that meridian and
clipped at the seam 180 degrees away, so cables and countries crossing the
antimeridian (Fiji, Russia, trans-Pacific cables) are drawn whole. World maps
centre on Greenwich unless the failed segments lie in the Pacific; regional
maps centre on the region.

Colours
-------
Countries take the colour of their status and loss (see :func:`country_colors`),
with the same thresholds as the report tables: unaffected (loss under
:data:`cablesim.metrics.DEGRADED_PCT`) neutral grey, the loss bins
:data:`LOSS_BINS` from pale yellow to brown, isolated countries deep purple,
and countries with no route even before the event (or not in the model) very
light grey. Surviving cables are thin grey, failed segments bold red.
"""

from __future__ import annotations

import functools
import io
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from cablesim import _limits, metrics
from cablesim.exceptions import CableSimError, OutputError, UnknownNameError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from cablesim.network import Network
    from cablesim.simulate import Result

DEFAULT_SIZE = (16.0, 9.0)
"""Default figure size in inches (width, height)."""
DEFAULT_DPI = 120
"""Default resolution: 16 inches x 120 dpi = 1920 px wide."""

ISOLATED_COLOR = "#3b0a57"
UNAFFECTED_COLOR = "#cfcfcf"
NO_DATA_COLOR = "#f2f2f2"
OCEAN_COLOR = "#eaf1f7"
BORDER_COLOR = "#ffffff"
CABLE_COLOR = "#8a8a8a"
FAILED_COLOR = "#e3000f"
DEGRADED_CABLE_COLOR = "#ff8c00"
EVENT_COLOR = "#111111"
LOSS_BINS = (metrics.DEGRADED_PCT, 25.0, metrics.SEVERE_PCT, 75.0, 100.0)
"""Edges (percent) of the loss classes of the choropleth; the first is the
degraded threshold and the third the severe one, as in the tables."""
LOSS_COLORS = ("#fee391", "#fdb04b", "#e8641b", "#9a3409")
"""Fill of each loss class (``LOSS_BINS[i]`` to ``LOSS_BINS[i + 1]``)."""

ATTRIBUTION = (
    "Cable data: TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0); borders: Natural Earth."
)

REGIONS: dict[str, tuple[float, float, float, float]] = {
    "world": (-180.0, -60.0, 180.0, 85.0),
    "europe": (-25.0, 34.0, 45.0, 71.0),
    "mediterranean": (-8.0, 29.0, 38.0, 47.0),
    "middle-east": (24.0, 10.0, 64.0, 42.0),
    "red-sea": (30.0, 10.0, 52.0, 31.0),
    "gulf": (45.0, 20.0, 62.0, 32.0),
    "north-africa": (-20.0, 15.0, 40.0, 38.0),
    "west-africa": (-26.0, -8.0, 16.0, 28.0),
    "east-africa": (22.0, -30.0, 62.0, 20.0),
    "southern-africa": (5.0, -38.0, 45.0, -5.0),
    "africa": (-26.0, -38.0, 60.0, 38.0),
    "south-asia": (58.0, -2.0, 100.0, 37.0),
    "south-east-asia": (90.0, -12.0, 132.0, 25.0),
    "east-asia": (100.0, 15.0, 150.0, 50.0),
    "pacific-islands": (140.0, -30.0, 215.0, 15.0),
    "oceania": (105.0, -50.0, 185.0, 5.0),
    "caribbean": (-90.0, 8.0, -58.0, 28.0),
    "north-america": (-170.0, 10.0, -50.0, 72.0),
    "south-america": (-95.0, -58.0, -30.0, 15.0),
    "north-atlantic": (-82.0, 20.0, 12.0, 66.0),
    "baltic": (8.0, 53.0, 32.0, 66.0),
}
"""Named regions: (west lon, south lat, east lon, north lat) in degrees; an east
longitude above 180 means the box crosses the antimeridian."""


@functools.cache
def _transformer(standard_parallel: float | None = None):
    from pyproj import Transformer

    if standard_parallel is None:
        crs = "+proj=eqearth +lon_0=0 +datum=WGS84 +units=m +no_defs"
    else:
        crs = f"+proj=eqc +lat_ts={standard_parallel:.6f} +lon_0=0 +datum=WGS84 +units=m +no_defs"
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


@dataclass(frozen=True)
class MapProjection:
    """The map projection: Equal Earth for the world, equirectangular for regions.

    Calling it projects longitudes and latitudes (degrees) to map coordinates
    (metres), the coordinates every map of this module is drawn in.

    Attributes
    ----------
    central_longitude
        The centre meridian (degrees); the seam lies 180 degrees away.
    standard_parallel
        ``None`` for Equal Earth (world maps); else an equirectangular
        projection true to scale at this latitude (regional maps, where it
        keeps shapes near the centre undistorted).

    Examples
    --------
    >>> x, y = MapProjection(0.0)(0.0, 0.0)
    >>> float(x), float(y)
    (0.0, 0.0)
    """

    central_longitude: float = 0.0
    standard_parallel: float | None = None

    @property
    def name(self) -> str:
        """Human name of the projection."""
        if self.standard_parallel is None:
            return "Equal Earth projection"
        return f"equirectangular projection true at {self.standard_parallel:.0f}°"

    def __call__(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        rel = (lon - self.central_longitude + 180.0) % 360.0 - 180.0
        x, y = _transformer(self.standard_parallel).transform(rel, lat)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def _project_rel(self, coords: np.ndarray) -> np.ndarray:
        x, y = _transformer(self.standard_parallel).transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def geometries(
        self, geoms: Any, *, tolerance: float = 0.0, segmentize_deg: float | None = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Project lon/lat geometries, cut at the seam opposite the central meridian.

        Parameters
        ----------
        geoms
            Array-like of shapely geometries in degrees.
        tolerance
            Simplify the projected parts to this tolerance (metres); 0 keeps every vertex.
        segmentize_deg
            Add vertices so no edge is longer than this (degrees) before projecting,
            so straight lon/lat edges bend as they should.

        Returns
        -------
        parts, index
            The projected single-part geometries and, for each, the position of
            its source geometry in ``geoms``.
        """
        g = np.asarray(geoms, dtype=object)
        if not len(g):
            return np.array([], dtype=object), np.array([], dtype=np.int64)
        ok = ~(shapely.is_missing(g) | shapely.is_empty(g))
        bounds = np.full((len(g), 4), np.nan)
        bounds[ok] = shapely.bounds(g[ok])
        lon0 = self.central_longitude
        out_parts, out_idx = [], []
        for k in (-360.0, 0.0, 360.0):
            shift = k - lon0
            lo, hi = bounds[:, 0] + shift, bounds[:, 2] + shift
            touch = ok & (hi > -180.0) & (lo < 180.0)
            if not touch.any():
                continue
            sel = np.flatnonzero(touch)
            moved = shapely.transform(g[sel], lambda c, s=shift: c + np.array([s, 0.0]))
            inside = (lo[sel] >= -180.0) & (hi[sel] <= 180.0)
            if (~inside).any():
                moved = moved.copy()
                moved[~inside] = shapely.clip_by_rect(moved[~inside], -180.0, -90.0, 180.0, 90.0)
            parts, pidx = shapely.get_parts(moved, return_index=True)
            keep = ~shapely.is_empty(parts)
            keep &= shapely.get_type_id(parts) != 0  # clipping can leave stray points
            out_parts.append(parts[keep])
            out_idx.append(sel[pidx[keep]])
        if not out_parts:
            return np.array([], dtype=object), np.array([], dtype=np.int64)
        parts = np.concatenate(out_parts)
        idx = np.concatenate(out_idx)
        order = np.argsort(idx, kind="stable")
        parts, idx = parts[order], idx[order]
        if segmentize_deg:
            parts = shapely.segmentize(parts, segmentize_deg)
        parts = shapely.transform(parts, self._project_rel)
        if tolerance > 0:
            parts = shapely.simplify(parts, tolerance, preserve_topology=False)
            keep = ~shapely.is_empty(parts)
            parts, idx = parts[keep], idx[keep]
        return parts, idx

    def outline(self, n: int = 181) -> np.ndarray:
        """The edge of the projected globe as an (n, 2) array (metres)."""
        lat = np.linspace(-90.0, 90.0, n)
        rel = np.concatenate([np.full(n, -180.0), np.full(n, 180.0)])
        lats = np.concatenate([lat, lat[::-1]])
        x, y = _transformer(self.standard_parallel).transform(rel, lats)
        return np.column_stack([x, y])

    def box(self, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """Projected extent (xmin, ymin, xmax, ymax) of a lon/lat box, densely sampled."""
        lon0, lat0, lon1, lat1 = bbox
        lon = np.linspace(lon0, lon1, 121)
        lat = np.linspace(lat0, lat1, 121)
        lons = np.concatenate([lon, lon, np.full(121, lon0), np.full(121, lon1)])
        lats = np.concatenate([np.full(121, lat0), np.full(121, lat1), lat, lat])
        rel = lons - self.central_longitude
        rel = np.clip(rel - 360.0 * np.round(rel.mean() / 360.0), -180.0, 180.0)
        x, y = _transformer(self.standard_parallel).transform(rel, lats)
        return float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y))


def parse_region(region: str | Sequence[float] | None) -> tuple[float, float, float, float] | None:
    """A region as a (west, south, east, north) box in degrees, or ``None`` for the world.

    Parameters
    ----------
    region
        A name of :data:`REGIONS`, ``"lon0,lat0,lon1,lat1"`` (west, south,
        east, north; an east longitude smaller than the west one crosses the
        antimeridian), or four numbers.

    Raises
    ------
    UnknownNameError
        For an unknown region name (with suggestions).
    CableSimError
        For a malformed box.
    """
    if region is None:
        return None
    if isinstance(region, str):
        text = region.strip()
        if not any(ch.isdigit() for ch in text):
            key = text.lower().replace("_", "-").replace(" ", "-")
            if key == "world":
                return None
            if key not in REGIONS:
                raise UnknownNameError(region, list(REGIONS), kind="region")
            return REGIONS[key]
        bits = [b for b in text.replace(";", ",").split(",") if b.strip()]
        try:
            values = [float(b) for b in bits]
        except ValueError:
            raise CableSimError(
                f"region {region!r}: expected a region name or lon0,lat0,lon1,lat1 "
                f"(degrees), e.g. 30,10,52,31; names: {', '.join(REGIONS)}"
            ) from None
    else:
        values = [float(v) for v in region]
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise CableSimError(f"region {region!r}: need four numbers lon0,lat0,lon1,lat1 (degrees)")
    lon0, lat0, lon1, lat1 = values
    if not (-180.0 <= lon0 <= 360.0 and -180.0 <= lon1 <= 360.0):
        raise CableSimError(f"region {region!r}: longitudes must lie within -180..180")
    if not (-90.0 <= lat0 < lat1 <= 90.0):
        raise CableSimError(f"region {region!r}: latitudes must satisfy -90 <= south < north <= 90")
    if lon1 <= lon0:
        lon1 += 360.0
    if lon1 - lon0 > 360.0 or lon1 == lon0:
        raise CableSimError(f"region {region!r}: the box must be narrower than the whole world")
    return lon0, lat0, lon1, lat1


def _circular_mean_lon(lons: np.ndarray) -> float:
    a = np.radians(lons)
    return float(np.degrees(np.arctan2(np.sin(a).mean(), np.cos(a).mean())))


def choose_projection(
    obj: Result | Network | None = None,
    *,
    region: Any = None,
    central_longitude: float | None = None,
) -> MapProjection:
    """The projection a map of ``obj`` uses (the same choice the plot functions make).

    Parameters
    ----------
    obj
        A :class:`~cablesim.simulate.Result` (world maps centre on the
        Pacific when its failed segments lie there), a network, or ``None``.
    region
        See :func:`parse_region`: a regional map centres on the region.
    central_longitude
        Overrides the choice.
    """
    box = parse_region(region)
    if central_longitude is not None:
        lat = None if box is None else float(np.clip((box[1] + box[3]) / 2.0, -75.0, 75.0))
        return MapProjection(float(central_longitude), lat)
    if box is not None:
        mid = (box[0] + box[2]) / 2.0
        lat = float(np.clip((box[1] + box[3]) / 2.0, -75.0, 75.0))
        return MapProjection(float((mid + 180.0) % 360.0 - 180.0), lat)
    failed = getattr(obj, "failed_segments", None)
    if failed is not None and len(failed):
        coords = shapely.get_coordinates(failed.geometry.to_numpy())
        if len(coords):
            mean = _circular_mean_lon(coords[:, 0])
            if abs(mean) > 120.0:
                return MapProjection(150.0)
    return MapProjection(0.0)


# ------------------------------------------------------------------------------ figure helpers


def _parse_size(size: str | Sequence[float] | None) -> tuple[float, float] | None:
    if size is None:
        return None
    if isinstance(size, str):
        bits = size.lower().replace("×", "x").split("x")
        try:
            w, h = (float(b) for b in bits)
        except ValueError:
            raise CableSimError(
                f"size {size!r}: expected WIDTHxHEIGHT in inches, e.g. 16x9"
            ) from None
    else:
        w, h = (float(v) for v in size)
    if not (1.0 <= w <= 100.0 and 1.0 <= h <= 100.0):
        raise CableSimError(f"size {size!r}: width and height must be 1-100 inches")
    return w, h


def _new_figure(size: tuple[float, float], dpi: float) -> tuple[Figure, Axes]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _limits.check_pixels(size[0], size[1], dpi)  # --size x --dpi bounded in total pixels
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.055, 0.98, 0.85))
    return fig, ax


def _figure_size(
    box: tuple[float, float, float, float] | None,
    proj: MapProjection,
    size: tuple[float, float] | None,
) -> tuple[float, float]:
    if size is not None:
        return size
    x0, y0, x1, y1 = _extent(proj, box)
    aspect = (x1 - x0) / max(y1 - y0, 1.0)
    width = DEFAULT_SIZE[0]
    height = (width * 0.98) / aspect / 0.85
    if height > 14.0:  # a tall region: narrower, never under 14 in (1680 px at the default dpi)
        height = 14.0
        width = max(14.0, height * 0.85 * aspect / 0.98)
    return float(width), float(max(height, 6.0))


def _prepare_axes(
    ax: Axes | None, box, proj: MapProjection, size, dpi
) -> tuple[Figure, Axes, bool]:
    if ax is None:
        fig, ax = _new_figure(_figure_size(box, proj, _parse_size(size)), dpi or DEFAULT_DPI)
        created = True
    else:
        fig = ax.figure
        created = False
    ax.set_axis_off()
    ax.set_aspect("equal")
    return fig, ax, created


def _extent(proj: MapProjection, box) -> tuple[float, float, float, float]:
    if box is None:
        out = proj.outline()
        x0, y0 = out.min(axis=0)
        x1, y1 = out.max(axis=0)
        y0 = max(y0, float(proj(0.0, -60.0)[1]))  # Antarctica holds no cable station
        return float(x0), y0, float(x1), float(y1)
    return proj.box(box)


def _set_extent(ax: Axes, proj: MapProjection, box) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = _extent(proj, box)
    mx, my = 0.01 * (x1 - x0), 0.01 * (y1 - y0)
    ax.set_xlim(x0 - mx, x1 + mx)
    ax.set_ylim(y0 - my, y1 + my)
    return x0, y0, x1, y1


def _tolerance(ax: Axes, fig: Figure, extent) -> float:
    """Half a pixel in map units, to simplify geometries without visible change."""
    width_px = max(fig.get_figwidth() * fig.dpi * ax.get_position().width, 200.0)
    return 0.5 * (extent[2] - extent[0]) / width_px


def _polygon_paths(parts: np.ndarray, idx: np.ndarray) -> tuple[list, np.ndarray]:
    """Matplotlib paths (one per source geometry) from projected polygon parts."""
    from matplotlib.path import Path as MPath

    polys = shapely.get_type_id(parts) == 3
    parts, idx = parts[polys], idx[polys]
    if not len(parts):
        return [], np.array([], dtype=np.int64)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), MPath.LINETO, dtype=np.uint8)
    starts = np.flatnonzero(np.r_[True, ring_of[1:] != ring_of[:-1]])
    ends = np.r_[starts[1:] - 1, len(coords) - 1]
    codes[starts] = MPath.MOVETO
    codes[ends] = MPath.CLOSEPOLY
    feature_of_vertex = idx[ring_part[ring_of]]
    cuts = np.flatnonzero(feature_of_vertex[1:] != feature_of_vertex[:-1]) + 1
    features = feature_of_vertex[np.r_[0, cuts]]
    paths = [
        MPath(v, c) for v, c in zip(np.split(coords, cuts), np.split(codes, cuts), strict=True)
    ]
    return paths, features


def _line_segments(parts: np.ndarray, idx: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    lines = np.isin(shapely.get_type_id(parts), (1, 2))
    parts, idx = parts[lines], idx[lines]
    if not len(parts):
        return [], np.array([], dtype=np.int64)
    coords, of = shapely.get_coordinates(parts, return_index=True)
    cuts = np.flatnonzero(of[1:] != of[:-1]) + 1
    return np.split(coords, cuts), idx


def _draw_background(
    ax: Axes, proj: MapProjection, network: Network, facecolors: Sequence[str], tolerance: float
) -> None:
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Polygon as MPolygon

    ax.add_patch(
        MPolygon(
            proj.outline(),
            closed=True,
            facecolor=OCEAN_COLOR,
            edgecolor="#b8c7d3",
            linewidth=0.6,
            zorder=0,
        )
    )
    parts, idx = _projected(network, "countries", proj, tolerance)
    paths, feats = _polygon_paths(parts, idx)
    coll = PathCollection(
        paths,
        facecolors=[facecolors[i] for i in feats],
        edgecolors=BORDER_COLOR,
        linewidths=0.35,
        zorder=1,
    )
    coll.set_gid("countries")
    ax.add_collection(coll)


def _projected(network: Network, table: str, proj: MapProjection, tolerance: float):
    """Projected geometries of one of the network's tables, cached on the network."""
    key = (
        f"maps:{table}:{proj.central_longitude:.3f}:{tolerance:.0f}:{len(getattr(network, table))}"
    )
    cache = network._cache
    if key not in cache:
        geoms = getattr(network, table).geometry.to_numpy()
        seg = None if table == "countries" else 1.0
        cache[key] = proj.geometries(geoms, tolerance=tolerance, segmentize_deg=seg)
    return cache[key]


def _draw_lines(
    ax: Axes,
    proj: MapProjection,
    geoms: np.ndarray,
    *,
    colors: Any,
    widths: Any,
    zorder: float,
    gid: str,
    tolerance: float = 0.0,
    halo: float | None = None,
    cached: tuple[np.ndarray, np.ndarray] | None = None,
    **kw: Any,
):
    from matplotlib import patheffects
    from matplotlib.collections import LineCollection

    parts, idx = cached if cached is not None else proj.geometries(geoms, tolerance=tolerance)
    segs, feats = _line_segments(parts, idx)
    if not segs:
        return None
    colors = np.asarray(colors, dtype=object) if not isinstance(colors, str) else colors
    widths = np.asarray(widths, dtype=float) if np.ndim(widths) else widths
    coll = LineCollection(
        segs,
        colors=colors if isinstance(colors, str) else list(colors[feats]),
        linewidths=widths if np.ndim(widths) == 0 else widths[feats],
        zorder=zorder,
        capstyle="round",
        joinstyle="round",
        **kw,
    )
    if halo:
        coll.set_path_effects(
            [patheffects.Stroke(linewidth=halo, foreground="white"), patheffects.Normal()]
        )
    coll.set_gid(gid)
    ax.add_collection(coll)
    return coll


def _label_points(network: Network) -> dict[str, tuple[float, float]]:
    """A lon/lat point inside each country's largest part (cached)."""
    key = "maps:label-points"
    if key not in network._cache:
        out = {}
        for iso, geom in zip(network.countries["iso3"], network.countries.geometry, strict=True):
            if geom is None or geom.is_empty:
                continue
            parts = shapely.get_parts(geom)
            big = parts[int(np.argmax(shapely.area(parts)))]
            p = big.representative_point()
            out[iso] = (p.x, p.y)
        network._cache[key] = out
    return network._cache[key]


def _in_box(lon: float, lat: float, box) -> bool:
    if box is None:
        return True
    lon0, lat0, lon1, lat1 = box
    if not lat0 <= lat <= lat1:
        return False
    return any(lon0 <= lon + k <= lon1 for k in (-360.0, 0.0, 360.0))


_LABEL_SPOTS = (
    (0, 6, "center", "bottom"),
    (0, -6, "center", "top"),
    (9, 0, "left", "center"),
    (-9, 0, "right", "center"),
    (0, 16, "center", "bottom"),
    (0, -16, "center", "top"),
    (16, 0, "left", "center"),
    (-16, 0, "right", "center"),
)


def _place_labels(
    ax: Axes,
    fig: Figure,
    proj: MapProjection,
    items: list[tuple[float, float, str]],
    *,
    fontsize: float,
    limit: int,
    avoid: Sequence[tuple[float, float]] = (),
    boxes: list | None = None,
    style: str = "normal",
    dot: bool = True,
) -> list:
    """Draw labels (lon, lat, text) in order, skipping any that would overlap one already placed.

    ``avoid`` holds map points (projected) that no label may cover (the cut markers);
    ``boxes`` collects the display boxes taken so far (shared between calls).
    """
    from matplotlib import patheffects
    from matplotlib.transforms import Bbox

    canvas = fig.canvas
    renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else fig._get_renderer()
    boxes = [] if boxes is None else boxes
    for x, y in avoid:
        px, py = ax.transData.transform((x, y))
        boxes.append(Bbox.from_extents(px - 9, py - 9, px + 9, py + 9))
    placed = []
    axbox = ax.get_window_extent(renderer)
    for lon, lat, text in items:
        if len(placed) >= limit:
            break
        x, y = proj(lon, lat)
        for dx, dy, ha, va in _LABEL_SPOTS:
            t = ax.annotate(
                text,
                (float(x), float(y)),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                color="#111111",
                zorder=8,
                fontweight="normal" if style == "italic" else "bold",
                fontstyle=style,
                annotation_clip=True,
            )
            t.set_path_effects([patheffects.withStroke(linewidth=2.6, foreground="white")])
            bb = t.get_window_extent(renderer).expanded(1.05, 1.1)
            fits = axbox.contains(bb.x0, bb.y0) and axbox.contains(bb.x1, bb.y1)
            if fits and not any(bb.overlaps(b) for b in boxes):
                break
            t.remove()
            t = None
        if t is None:
            continue
        if dot:
            ax.plot([float(x)], [float(y)], marker="o", markersize=2.5, color="#111111", zorder=8)
        boxes.append(bb)
        placed.append(t)
    return placed


def _finish(
    ax: Axes, title: str | None, subtitle: str | None, attribution: bool, proj: MapProjection
) -> None:
    if title:
        ax.set_title(title, loc="left", fontsize=15, fontweight="bold", pad=22 if subtitle else 8)
    if subtitle:
        ax.text(
            0.0,
            1.008,
            subtitle,
            transform=ax.transAxes,
            fontsize=10.5,
            color="#444444",
            ha="left",
            va="bottom",
        )
    if attribution:
        ax.text(
            1.0,
            -0.006,
            f"{ATTRIBUTION} Map: cablesim, {proj.name}.",
            transform=ax.transAxes,
            fontsize=8,
            color="#555555",
            ha="right",
            va="top",
        )


# ------------------------------------------------------------------------------ colours


def loss_color(loss_pct: float, status: str) -> str:
    """Map colour of a country with this loss (percent) and status.

    The same colour is used by the map, its legend and the HTML table.
    """
    if status == "isolated":
        return ISOLATED_COLOR
    if status == "unaffected" or loss_pct != loss_pct:
        return UNAFFECTED_COLOR
    for lo, hi, col in zip(LOSS_BINS[:-1], LOSS_BINS[1:], LOSS_COLORS, strict=True):
        if lo <= loss_pct < hi:
            return col
    return LOSS_COLORS[-1]


def country_colors(result: Result) -> dict[str, str]:
    """ISO3 -> fill colour of every country of the model in ``result`` (see :func:`loss_color`).

    Countries with no route to the core even before the events get
    :data:`NO_DATA_COLOR`, as do countries outside the model (absent from the dict).
    """
    out = {}
    for r in result.countries.itertuples():
        out[r.iso3] = NO_DATA_COLOR if r.was_isolated else loss_color(float(r.loss_pct), r.status)
    return out


def legend_items(result: Result | None = None) -> list[tuple[str, str]]:
    """(colour, label) of every class of the choropleth, in legend order."""
    items = [(UNAFFECTED_COLOR, f"unaffected (loss under {LOSS_BINS[0]:g} %)")]
    for lo, hi, col in zip(LOSS_BINS[:-1], LOSS_BINS[1:], LOSS_COLORS, strict=True):
        word = (
            "severe, " if lo >= metrics.SEVERE_PCT else "degraded, " if lo == LOSS_BINS[0] else ""
        )
        items.append((col, f"{word}{lo:g}–{hi:g} % lost"))
    items.append((ISOLATED_COLOR, "cut off from the core (100 %)"))
    items.append((NO_DATA_COLOR, "no route before / not modelled"))
    return items


# ------------------------------------------------------------------------------ impact map


def _event_marks(result: Result) -> list[dict[str, Any]]:
    """Where to mark each event: a point (lon, lat), a shape to outline, a label."""
    net = result.network
    lps = net._all_landing_points.set_index("landing_point_id")
    cps = net.chokepoints.set_index("chokepoint_id")
    marks = []
    for eff in result.failures.effects:
        ev, p = eff.event, eff.event.params
        m: dict[str, Any] = {"kind": ev.kind, "shape": eff.shape, "point": None, "label": None}
        if ev.kind == "cut":
            near = p["near"]
            if near[0] == "point":
                m["point"] = (near[2], near[1])
            elif near[0] == "chokepoint":
                c = cps.at[near[1], "geometry"].representative_point()
                m["point"], m["label"] = (c.x, c.y), cps.at[near[1], "name"]
            else:
                g = lps.at[near[1], "geometry"]
                m["point"] = (g.x, g.y)
        elif ev.kind == "area":
            m["point"] = (p["center"][1], p["center"][0])
        elif ev.kind == "chokepoint":
            c = cps.at[p["id"], "geometry"].representative_point()
            m["point"], m["label"] = (c.x, c.y), cps.at[p["id"], "name"]
        elif ev.kind == "landing_point":
            g = lps.at[p["id"], "geometry"]
            m["point"], m["marker"] = (g.x, g.y), "s"
        elif ev.kind == "country":
            geom = net.countries.loc[net.countries["iso3"] == p["id"], "geometry"]
            m["shape"] = geom.iloc[0] if len(geom) else None
        marks.append(m)
    return marks


def _worst_items(result: Result, box) -> list[tuple[float, float, str]]:
    pts = _label_points(result.network)
    c = result.countries
    new = c[~c["was_isolated"] & (c["status"] != "unaffected")]
    items = []
    for r in new.itertuples():  # already sorted isolated first, then by loss
        if r.iso3 not in pts:
            continue
        lon, lat = pts[r.iso3]
        if not _in_box(lon, lat, box):
            continue
        text = f"{r.name}\ncut off" if r.status == "isolated" else f"{r.name}\n−{r.loss_pct:.0f} %"
        items.append((lon, lat, text))
    return items


def impact_subtitle(result: Result) -> str:
    """The one-line headline under an impact map's title (date and what failed)."""
    from cablesim.report import plural

    net = result.network
    s = result.summary()
    n_cables = int((result.failed_cables["segments_failed"] > 0).sum())
    new_aff = len(s["isolated"]) + len(s["severe"]) + len(s["degraded"])
    names = [net.country_names.get(i, i) for i in s["isolated"]]
    cut = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    n_deg = len(result.failures.degraded)
    failed = f"{plural(s['segments_failed'], 'segment')} of {plural(n_cables, 'cable')} failed"
    if n_deg:
        failed = (failed + " · " if s["segments_failed"] else "") + (
            f"{plural(n_deg, 'cable')} at reduced capacity"
        )
    return (
        f"Network as of {net.as_of.isoformat()} · {failed} · cut off: {cut or 'none'} · "
        f"{plural(new_aff, 'country', 'countries')} lost {metrics.DEGRADED_PCT:g} % or more"
    )


def _small_country_dots(
    ax: Axes, proj: MapProjection, result: Result, colors: dict[str, str], tol: float, box
) -> None:
    net = result.network
    parts, idx = _projected(net, "countries", proj, tol)
    area = np.bincount(idx, weights=shapely.area(parts), minlength=len(net.countries))
    px_area = (2.0 * tol) ** 2
    pts = _label_points(net)
    c = result.countries
    hit = c[~c["was_isolated"] & (c["status"] != "unaffected")]
    pos = {iso: i for i, iso in enumerate(net.countries["iso3"])}
    xs, ys, cs = [], [], []
    for iso in hit["iso3"]:
        i = pos.get(iso)
        if i is None or iso not in pts or area[i] > 40.0 * px_area:
            continue
        lon, lat = pts[iso]
        if not _in_box(lon, lat, box):
            continue
        x, y = proj(lon, lat)
        xs.append(float(x))
        ys.append(float(y))
        cs.append(colors[iso])
    if xs:
        ax.scatter(
            xs,
            ys,
            s=55,
            c=cs,
            edgecolors="#111111",
            linewidths=0.9,
            zorder=7.5,
            gid="small-countries",
        )


def plot_impact(
    result: Result,
    *,
    ax: Axes | None = None,
    region: Any = None,
    size: str | Sequence[float] | None = None,
    dpi: float | None = None,
    central_longitude: float | None = None,
    labels: int | None = None,
    title: str | None = None,
    legend: bool = True,
    attribution: bool = True,
) -> tuple[Figure, Axes]:
    """Draw the impact of a scenario: loss per country, failed segments, events.

    Parameters
    ----------
    result
        From :func:`cablesim.simulate`.
    ax
        Draw into these axes (else a new figure of ``size`` at ``dpi``).
    region
        Zoom to a region (see :func:`parse_region`); the world by default.
    size
        Figure size in inches, ``"WxH"`` or ``(w, h)``; default 16x9 (the
        height follows the region's shape when zoomed).
    dpi
        Resolution of the new figure (default :data:`DEFAULT_DPI`).
    central_longitude
        Centre meridian (default: see :func:`choose_projection`).
    labels
        How many of the worst-hit countries to label (default 10 for the
        world, 20 for a region).
    title
        Title (default: the scenario's name and date).
    legend, attribution
        Draw the legend and the data attribution.

    Returns
    -------
    fig, ax
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    net = result.network
    box = parse_region(region)
    proj = choose_projection(result, region=region, central_longitude=central_longitude)
    fig, ax, _ = _prepare_axes(ax, box, proj, size, dpi)
    extent = _set_extent(ax, proj, box)
    tol = _tolerance(ax, fig, extent)
    colors = country_colors(result)
    faces = [colors.get(i, NO_DATA_COLOR) for i in net.countries["iso3"]]
    _draw_background(ax, proj, net, faces, tol)
    # surviving cables
    segs = net.segments
    failed_ids = set(result.failed_segments["segment_id"])
    cached = _projected(net, "segments", proj, tol)
    alive = ~segs["segment_id"].isin(failed_ids).to_numpy()
    keep = alive[cached[1]]
    width = 0.45 if box is None else 0.7
    _draw_lines(
        ax,
        proj,
        None,
        colors=CABLE_COLOR,
        widths=width,
        zorder=2,
        gid="surviving-cables",
        cached=(cached[0][keep], cached[1][keep]),
        alpha=0.8,
    )
    deg = result.failures.degraded
    if deg:
        dmask = segs["cable_id"].isin(list(deg)).to_numpy() & alive
        dk = dmask[cached[1]]
        _draw_lines(
            ax,
            proj,
            None,
            colors=DEGRADED_CABLE_COLOR,
            widths=1.6,
            zorder=3,
            gid="degraded-cables",
            cached=(cached[0][dk], cached[1][dk]),
            linestyles="--",
        )
    # events
    marks = _event_marks(result)
    shapes = [m["shape"] for m in marks if m["shape"] is not None]
    if shapes:
        from matplotlib.collections import PathCollection

        parts, idx = proj.geometries(np.array(shapes, dtype=object), segmentize_deg=0.25)
        paths, _ = _polygon_paths(parts, idx)
        ax.add_collection(
            PathCollection(
                paths,
                facecolors=(0, 0, 0, 0.06),
                edgecolors=EVENT_COLOR,
                linewidths=1.1,
                linestyles="--",
                zorder=4,
                gid="event-areas",
            )
        )
    # failed segments, bold red over a white casing
    fs = result.failed_segments
    if len(fs):
        _draw_lines(
            ax,
            proj,
            fs.geometry.to_numpy(),
            colors=FAILED_COLOR,
            widths=2.4 if box is None else 3.0,
            zorder=5,
            gid="failed-segments",
            halo=4.4 if box is None else 5.2,
            tolerance=tol / 2,
        )
    # countries too small to see at this scale get a dot in their colour
    _small_country_dots(ax, proj, result, colors, tol, box)
    # cut points
    pts = [m for m in marks if m["point"] is not None]
    avoid = [tuple(float(v) for v in proj(*m["point"])) for m in pts]
    for m in pts:
        x, y = proj(*m["point"])
        ax.plot(
            [float(x)],
            [float(y)],
            marker=m.get("marker", "X"),
            markersize=11,
            markerfacecolor="#ffffff" if m.get("marker") == "s" else FAILED_COLOR,
            markeredgecolor=EVENT_COLOR,
            markeredgewidth=1.4,
            linestyle="none",
            zorder=7,
            gid="cut-points",
        )
    taken: list = []
    named = [(*m["point"], m["label"]) for m in pts if m["label"] and _in_box(*m["point"], box)]
    _place_labels(
        ax,
        fig,
        proj,
        named,
        fontsize=9,
        limit=len(named),
        avoid=avoid,
        boxes=taken,
        style="italic",
        dot=False,
    )
    limit = labels if labels is not None else (10 if box is None else 20)
    if limit:
        _place_labels(
            ax,
            fig,
            proj,
            _worst_items(result, box),
            fontsize=9 if box is None else 10.5,
            limit=limit,
            boxes=taken,
        )
    if legend:
        handles = [
            Patch(facecolor=c, edgecolor="#999999", linewidth=0.5, label=lab)
            for c, lab in legend_items(result)
        ]
        handles += [
            Line2D([], [], color=CABLE_COLOR, lw=1.0, label="cable in service"),
            Line2D([], [], color=FAILED_COLOR, lw=3.0, label="failed segment"),
        ]
        if deg:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=DEGRADED_CABLE_COLOR,
                    lw=1.6,
                    ls="--",
                    label="cable with reduced capacity",
                )
            )
        if pts:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=FAILED_COLOR,
                    marker="X",
                    markeredgecolor=EVENT_COLOR,
                    markersize=9,
                    ls="none",
                    label="cut point / event centre",
                )
            )
        if shapes:
            handles.append(
                Patch(
                    facecolor=(0, 0, 0, 0.06),
                    edgecolor=EVENT_COLOR,
                    ls="--",
                    label="event area / chokepoint",
                )
            )
        leg = ax.legend(
            handles=handles,
            loc="lower left",
            fontsize=8.5,
            title_fontsize=9.5,
            title="Capacity to the core lost",
            frameon=True,
            framealpha=0.92,
            borderpad=0.7,
        )
        leg.set_zorder(9)
    if title is None:
        title = result.scenario.name
    _finish(ax, title, impact_subtitle(result), attribution, proj)
    return fig, ax


# ------------------------------------------------------------------------------ network map


def _capacity_style(cap: np.ndarray):
    """Norm, colour map and line widths for cable capacities (log scale)."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap, LogNorm

    lo = 1.0
    hi = max(float(np.nanmax(cap)) if len(cap) else 10.0, 10.0)
    norm = LogNorm(vmin=lo, vmax=hi)
    cmap = ListedColormap(
        colormaps["plasma_r"](np.linspace(0.12, 0.95, 256)), name="cablesim-capacity"
    )
    c = np.clip(np.nan_to_num(cap, nan=lo), lo, hi)
    widths = 0.35 + 1.8 * np.log10(c) / math.log10(hi)
    return norm, cmap, widths


def plot_network(
    network: Network,
    *,
    ax: Axes | None = None,
    region: Any = None,
    size: str | Sequence[float] | None = None,
    dpi: float | None = None,
    central_longitude: float | None = None,
    title: str | None = None,
    chokepoints: bool = True,
    land_links: bool = True,
    legend: bool = True,
    attribution: bool = True,
) -> tuple[Figure, Axes]:
    """Draw the cable network: cables coloured and sized by capacity, chokepoints labelled.

    Parameters
    ----------
    network
        From :func:`cablesim.load_network` (any ``as_of``).
    ax, region, size, dpi, central_longitude, title, legend, attribution
        As for :func:`plot_impact`.
    chokepoints
        Outline and label the chokepoints.
    land_links
        Draw the terrestrial links (schematic straight lines).

    Returns
    -------
    fig, ax
    """
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D

    box = parse_region(region)
    proj = choose_projection(network, region=region, central_longitude=central_longitude)
    fig, ax, _ = _prepare_axes(ax, box, proj, size, dpi)
    extent = _set_extent(ax, proj, box)
    tol = _tolerance(ax, fig, extent)
    in_model = set(network.model_countries)
    faces = [
        UNAFFECTED_COLOR if i in in_model else NO_DATA_COLOR for i in network.countries["iso3"]
    ]
    _draw_background(ax, proj, network, faces, tol)
    if land_links and len(network.terrestrial_links):
        _draw_lines(
            ax,
            proj,
            network.terrestrial_links.geometry.to_numpy(),
            colors="#9c7b55",
            widths=0.6,
            zorder=2,
            gid="land-links",
            linestyles=(0, (2, 2)),
            alpha=0.8,
        )
    segs = network.segments
    cap = segs["capacity_tbps"].to_numpy(dtype=float)
    norm, cmap, widths = _capacity_style(cap)
    parts, idx = _projected(network, "segments", proj, tol)
    order = np.argsort(cap[idx], kind="stable")  # big cables on top
    parts, idx = parts[order], idx[order]
    colors = np.array([cmap(norm(v)) for v in cap], dtype=object)
    from matplotlib.colors import to_hex

    colors = np.array([to_hex(c) for c in colors], dtype=object)
    segs_xy, feats = _line_segments(parts, idx)
    from matplotlib.collections import LineCollection

    coll = LineCollection(
        segs_xy, colors=list(colors[feats]), linewidths=widths[feats], zorder=3, capstyle="round"
    )
    coll.set_gid("cables")
    ax.add_collection(coll)
    lp = network.landing_points
    x, y = proj(lp.geometry.x.to_numpy(), lp.geometry.y.to_numpy())
    ax.scatter(x, y, s=3, color="#253494", zorder=4, linewidths=0, gid="landing-points")
    if chokepoints and len(network.chokepoints):
        cp = network.chokepoints
        cparts, cidx = proj.geometries(cp.geometry.to_numpy(), segmentize_deg=0.25)
        paths, _ = _polygon_paths(cparts, cidx)
        ax.add_collection(
            PathCollection(
                paths,
                facecolors=(0.1, 0.1, 0.1, 0.10),
                edgecolors="#111111",
                linewidths=1.0,
                linestyles="--",
                zorder=5,
                gid="chokepoints",
            )
        )
        items = []
        for r in cp.itertuples():
            p = r.geometry.representative_point()
            if _in_box(p.x, p.y, box):
                items.append((p.x, p.y, r.name))
        _place_labels(ax, fig, proj, items, fontsize=8 if box is None else 10, limit=len(items))
    if legend:
        handles = [
            Line2D([], [], color="#9c7b55", lw=0.8, ls=(0, (2, 2)), label="land link (schematic)"),
            Line2D([], [], color="#253494", marker="o", ms=3, ls="none", label="landing station"),
        ]
        if chokepoints:
            from matplotlib.patches import Patch

            handles.append(
                Patch(
                    facecolor=(0.1, 0.1, 0.1, 0.10),
                    edgecolor="#111111",
                    ls="--",
                    label="chokepoint",
                )
            )
        leg = ax.legend(handles=handles, loc="lower left", fontsize=8.5, framealpha=0.92)
        leg.set_zorder(9)
        from matplotlib.cm import ScalarMappable

        cax = ax.inset_axes((0.66, 0.05, 0.3, 0.022))
        cb = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
        cb.set_label(
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5},
            label=(
                "cable design capacity (Tbps, log scale; also line width)"
                if network.capacity_basis != "lit"
                else "cable lit capacity, estimated (Tbps, log scale; also line width)"
            ),
            fontsize=8.5,
        )
        cb.ax.xaxis.set_label_position("top")
        cb.ax.tick_params(labelsize=8)
    if title is None:
        title = f"The submarine cable network as of {network.as_of.isoformat()}"
    subtitle = (
        f"{len(network.cables)} cables · {len(network.segments)} segments · "
        f"{len(network.landing_points)} landing stations · "
        f"{network.landing_points['iso3'].nunique()} countries with stations · "
        f"{len(network.terrestrial_links)} land links"
    )
    _finish(ax, title, subtitle, attribution, proj)
    return fig, ax


def plot_dependencies(
    network: Network,
    iso3: str,
    *,
    table: pd.DataFrame | None = None,
    ax: Axes | None = None,
    region: Any = None,
    size: str | Sequence[float] | None = None,
    dpi: float | None = None,
    central_longitude: float | None = None,
    top: int = 12,
    attribution: bool = True,
    **options: Any,
) -> tuple[Figure, Axes]:
    """Draw what one country depends on: its cables coloured by the loss their failure causes.

    Parameters
    ----------
    network
        The network.
    iso3
        The country (code or name).
    table
        From :func:`cablesim.depends.country_dependencies` (computed with
        ``options`` when not given).
    top
        Label this many of the cables and chokepoints it depends on most.
    ax, region, size, dpi, central_longitude, attribution
        As for :func:`plot_impact`.

    Returns
    -------
    fig, ax
    """
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.collections import PathCollection
    from matplotlib.colors import Normalize

    from cablesim import depends

    iso3 = network.resolve_country(iso3)
    if table is None:
        table = depends.country_dependencies(network, iso3, **options)
    box = parse_region(region)
    if central_longitude is None and box is None:
        lon = _label_points(network).get(iso3, (0.0, 0.0))[0]
        central_longitude = 150.0 if abs(lon) > 120.0 else 0.0
    proj = choose_projection(network, region=region, central_longitude=central_longitude)
    fig, ax, _ = _prepare_axes(ax, box, proj, size, dpi)
    extent = _set_extent(ax, proj, box)
    tol = _tolerance(ax, fig, extent)
    faces = ["#f5c542" if i == iso3 else UNAFFECTED_COLOR for i in network.countries["iso3"]]
    _draw_background(ax, proj, network, faces, tol)
    segs = network.segments
    cables = table[(table["kind"] == "cable") & (table["loss_pct"] > 0)].set_index("id")["loss_pct"]
    loss = segs["cable_id"].map(cables).to_numpy(dtype=float)
    cached = _projected(network, "segments", proj, tol)
    other = np.isnan(loss)[cached[1]]
    _draw_lines(
        ax,
        proj,
        None,
        colors=CABLE_COLOR,
        widths=0.4,
        zorder=2,
        gid="other-cables",
        cached=(cached[0][other], cached[1][other]),
        alpha=0.6,
    )
    cmap = colormaps["OrRd"]
    norm = Normalize(0.0, 100.0)
    used = ~np.isnan(loss)
    if used.any():
        sel = used[cached[1]]
        order = np.argsort(loss[cached[1][sel]], kind="stable")
        parts = cached[0][sel][order]
        idx = cached[1][sel][order]
        colors = np.array([cmap(0.25 + 0.75 * norm(v)) for v in loss], dtype=object)
        widths = 1.0 + 2.5 * np.nan_to_num(loss) / 100.0
        _draw_lines(
            ax,
            proj,
            None,
            colors=colors,
            widths=widths,
            zorder=4,
            gid="dependency-cables",
            cached=(parts, idx),
        )
    cps = table[table["kind"] == "chokepoint"].set_index("id")["loss_pct"]
    cp = network.chokepoints
    cparts, cidx = proj.geometries(cp.geometry.to_numpy(), segmentize_deg=0.25)
    paths, feats = _polygon_paths(cparts, cidx)
    cp_loss = cp["chokepoint_id"].map(cps).fillna(0.0).to_numpy()
    ax.add_collection(
        PathCollection(
            paths,
            facecolors=[cmap(0.25 + 0.75 * norm(cp_loss[i])) for i in feats],
            edgecolors="#111111",
            linewidths=0.9,
            zorder=5,
            gid="chokepoints",
        )
    )
    items = []
    strong = table[table["loss_pct"] > 0].head(top)
    pts = {r.chokepoint_id: r.geometry.representative_point() for r in cp.itertuples()}
    for r in strong.itertuples():
        if r.kind == "chokepoint":
            p = pts[r.id]
            lon, lat = p.x, p.y
        elif r.kind == "cable":
            g = shapely.union_all(segs.loc[segs["cable_id"] == r.id, "geometry"].to_numpy())
            p = (
                shapely.line_interpolate_point(shapely.line_merge(g), 0.5, normalized=True)
                if g.geom_type in ("LineString", "MultiLineString")
                else g.representative_point()
            )
            if p.is_empty:
                continue
            lon, lat = p.x, p.y
        else:
            continue
        if _in_box(lon, lat, box):
            items.append((lon, lat, f"{r.name}\n−{r.loss_pct:.0f} %"))
    _place_labels(ax, fig, proj, items, fontsize=8.5 if box is None else 10, limit=top)
    cax = ax.inset_axes((0.03, 0.06, 0.28, 0.025))
    cb = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
    cb.set_label(
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5},
        label="capacity to the core lost if it fails or closes (%)",
        fontsize=8.5,
    )
    cb.ax.tick_params(labelsize=8)
    name = network.country_names.get(iso3, iso3)
    _finish(
        ax,
        f"What {name} depends on",
        f"Network as of {network.as_of.isoformat()} · "
        "cables and chokepoints coloured by the share of its capacity to the core lost "
        "when each one fails on its own",
        attribution,
        proj,
    )
    return fig, ax


# ------------------------------------------------------------------------------ saving

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def figure_bytes(fig: Figure, fmt: str, *, dpi: float | None = None) -> bytes:
    """Render a figure to PNG, SVG or PDF bytes (deterministic metadata, text kept as text in SVG)."""
    import matplotlib

    buf = io.BytesIO()
    meta = {
        "png": {"Software": "cablesim"},
        "svg": {"Date": None, "Creator": "cablesim"},
        "pdf": {"CreationDate": None, "Creator": "cablesim"},
    }[fmt]
    _limits.check_pixels(*fig.get_size_inches(), dpi or fig.dpi)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "cablesim"}):
        fig.savefig(buf, format=fmt, dpi=dpi or fig.dpi, metadata=meta, facecolor="white")
    return buf.getvalue()


def save_figure(
    fig: Figure,
    path: str | os.PathLike[str],
    *,
    dpi: float | None = None,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write a figure atomically as PNG, SVG or PDF (by the file's suffix).

    Raises
    ------
    OutputError
        For another suffix, or when ``path`` is one of ``protect``.
    """
    from cablesim.report import write_atomic

    p = Path(path)
    return write_atomic(p, figure_bytes(fig, _map_format(p), dpi=dpi), protect=protect)


def _map_format(p: Path) -> str:
    """The figure format named by the suffix of ``p`` (``OutputError`` for another suffix)."""
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"{p}: unknown map format {p.suffix or '(none)'!r}; use .png, .svg or .pdf"
        )
    return fmt


def save_impact_map(
    result: Result,
    path: str | os.PathLike[str],
    *,
    dpi: float | None = None,
    size: str | Sequence[float] | None = None,
    region: Any = None,
    **options: Any,
) -> Path:
    """Draw :func:`plot_impact` and write it to ``path`` (``.png``, ``.svg`` or ``.pdf``).

    Never overwrites the scenario file. Other keyword options go to :func:`plot_impact`.
    """
    from cablesim.report import _scenario_file

    _check_suffix(path)
    fig, _ = plot_impact(result, region=region, size=size, dpi=dpi, **options)
    return save_figure(fig, path, dpi=dpi, protect=_scenario_file(result.scenario))


def save_network_map(
    network: Network,
    path: str | os.PathLike[str],
    *,
    dpi: float | None = None,
    size: str | Sequence[float] | None = None,
    region: Any = None,
    **options: Any,
) -> Path:
    """Draw :func:`plot_network` and write it to ``path`` (``.png``, ``.svg`` or ``.pdf``)."""
    _check_suffix(path)
    fig, _ = plot_network(network, region=region, size=size, dpi=dpi, **options)
    return save_figure(fig, path, dpi=dpi)


def save_dependency_map(
    network: Network,
    iso3: str,
    path: str | os.PathLike[str],
    *,
    dpi: float | None = None,
    size: str | Sequence[float] | None = None,
    region: Any = None,
    **options: Any,
) -> Path:
    """Draw :func:`plot_dependencies` and write it to ``path``."""
    _check_suffix(path)
    fig, _ = plot_dependencies(network, iso3, region=region, size=size, dpi=dpi, **options)
    return save_figure(fig, path, dpi=dpi)


def _check_suffix(path: str | os.PathLike[str]) -> None:
    p = Path(path)
    _map_format(p)
    if not p.parent.exists():
        raise OutputError(f"cannot write {p}: folder {p.parent} does not exist")


def to_svg(fig: Figure) -> str:
    """The figure as SVG text (for embedding in HTML)."""
    return figure_bytes(fig, "svg").decode("utf-8")


__all__ = [
    "ATTRIBUTION",
    "DEFAULT_DPI",
    "DEFAULT_SIZE",
    "LOSS_BINS",
    "LOSS_COLORS",
    "REGIONS",
    "MapProjection",
    "choose_projection",
    "country_colors",
    "figure_bytes",
    "legend_items",
    "loss_color",
    "parse_region",
    "plot_dependencies",
    "plot_impact",
    "plot_network",
    "save_dependency_map",
    "save_figure",
    "save_impact_map",
    "save_network_map",
    "to_svg",
]
