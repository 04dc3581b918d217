"""The one figure set-up of every cablesim figure, and the one save path.

Everything the maps and charts share lives here: the figure factory
(:func:`new_figure`, an Agg canvas, pyplot never imported), sizes and
resolution, the colours of the loss classes, the attribution line, the Equal
Earth projection and named regions, and :func:`save_figure` (PNG, SVG or PDF by
suffix, written atomically through :func:`cablesim._io.write_atomic`).
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

import matplotlib
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from pyproj import Transformer

from cablesim import _limits
from cablesim._io import write_atomic
from cablesim._text import clean
from cablesim.engine import metrics
from cablesim.exceptions import CableSimError, OutputError, UnknownNameError
from cablesim.maps import _aid

if TYPE_CHECKING:  # annotations only
    from cablesim.engine.simulate import Result
    from cablesim.network import Network

MAP_RECT = (0.01, 0.055, 0.98, 0.85)
"""Axes rectangle of a single map (room for the title above and the notes below)."""

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
OUT_OF_SERVICE_COLOR = "#4a4a4a"  # the rest of a segment broken elsewhere (dashed)
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
                err = UnknownNameError(region, list(REGIONS), kind="region")
                raise UnknownNameError(
                    region,
                    (),
                    kind="region",
                    suggestions=err.suggestions,
                    message=f"unknown region {region!r} (regions: {', '.join(REGIONS)}, "
                    "or lon0,lat0,lon1,lat1)",
                )
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
        A :class:`~cablesim.engine.simulate.Result` (world maps centre on the
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
    if hasattr(obj, "failures") and hasattr(obj, "countries"):  # keep hit countries off the edge
        centre = _aid.central_longitude(obj, _label_points(obj.network))
        if centre is not None:
            return MapProjection(centre)
    failed = getattr(obj, "failed_segments", None)
    if failed is not None and len(failed):
        coords = shapely.get_coordinates(failed.geometry.to_numpy())
        if len(coords):
            mean = _circular_mean_lon(coords[:, 0])
            if abs(mean) > 120.0:
                return MapProjection(150.0)
    return MapProjection(0.0)


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


def plain_text(func):
    """Decorate a ``plot_x`` function: every text of its figure is plain text.

    Names in a figure come from scenarios and data: matplotlib reads ``$...$``
    in a text as mathematics (``$\\foo$`` fails the drawing) and would draw
    control characters as missing glyphs. The texts are created with
    mathematics parsing off (``text.parse_math``), and when the figure is done
    each text is set to plain text and cleaned (:func:`cablesim._text.clean`),
    also on axes the caller passed in.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any):
        with matplotlib.rc_context({"text.parse_math": False}):
            fig, ax = func(*args, **kwargs)
            for t in fig.findobj(Text):
                t.set_parse_math(False)
                text = t.get_text()
                if clean(text) != text:
                    t.set_text(clean(text))
        return fig, ax

    return wrapper


def new_figure(
    size: tuple[float, float],
    dpi: float,
    *,
    rect: tuple[float, float, float, float] | None = MAP_RECT,
) -> tuple[Figure, Axes | None]:
    """The one figure set-up of cablesim: an Agg-backed figure (pyplot never imported).

    Parameters
    ----------
    size
        Width and height in inches.
    dpi
        Resolution.
    rect
        The axes rectangle in figure fractions; ``None`` for a figure without
        axes (the caller lays out panels).

    Returns
    -------
    (Figure, Axes or None)
    """
    _limits.check_pixels(size[0], size[1], dpi)  # --size x --dpi bounded in total pixels
    fig = Figure(figsize=size, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(rect) if rect is not None else None
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
        fig, ax = new_figure(_figure_size(box, proj, _parse_size(size)), dpi or DEFAULT_DPI)
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


FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def figure_bytes(fig: Figure, fmt: str, *, dpi: float | None = None) -> bytes:
    """Render a figure to PNG, SVG or PDF bytes (deterministic metadata, text kept as text in SVG)."""

    _limits.check_pixels(*fig.get_size_inches(), dpi or fig.dpi)
    buf = io.BytesIO()
    meta = {
        "png": {"Software": "cablesim"},
        "svg": {"Date": None, "Creator": "cablesim"},
        "pdf": {"CreationDate": None, "Creator": "cablesim"},
    }[fmt]
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

    p = Path(path)
    return write_atomic(p, figure_bytes(fig, _map_format(p), dpi=dpi), inputs=protect)


def _map_format(p: Path) -> str:
    """The figure format named by the suffix of ``p`` (``OutputError`` for another suffix)."""
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"{p}: unknown map format {p.suffix or '(none)'!r}; use .png, .svg or .pdf"
        )
    return fmt


def check_suffix(path: str | os.PathLike[str]) -> None:
    p = Path(path)
    _map_format(p)
    if not p.parent.exists():
        raise OutputError(f"cannot write {p}: folder {p.parent} does not exist")


def to_svg(fig: Figure) -> str:
    """The figure as SVG text (for embedding in HTML)."""
    return figure_bytes(fig, "svg").decode("utf-8")


def _label_points(network: Network) -> dict[str, tuple[float, float]]:
    """A lon/lat point inside each country's largest part (cached)."""
    return network.memo("maps:label-points", lambda: _largest_part_points(network))


def _largest_part_points(network: Network) -> dict[str, tuple[float, float]]:
    out = {}
    for iso, geom in zip(network.countries["iso3"], network.countries.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        parts = shapely.get_parts(geom)
        big = parts[int(np.argmax(shapely.area(parts)))]
        p = big.representative_point()
        out[iso] = (p.x, p.y)
    return out
