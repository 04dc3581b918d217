"""World maps: the impact of a result, the network, a country's dependencies.

Each takes data and returns ``(fig, ax)``; projection, colours and the figure
set-up are those of :mod:`cablesim.maps` (see its docstring).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from matplotlib import colormaps, patheffects
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import ListedColormap, LogNorm, Normalize, to_hex
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patches import Polygon as MPolygon
from matplotlib.path import Path as MPath
from matplotlib.ticker import FuncFormatter, NullFormatter
from matplotlib.transforms import Bbox

from cablesim import measures as _measures
from cablesim._format import plural
from cablesim._io import scenario_file
from cablesim._text import clean
from cablesim.analyses import depends
from cablesim.engine import metrics
from cablesim.engine.simulate import Result
from cablesim.maps import _aid
from cablesim.maps._figure import (
    ATTRIBUTION,
    BORDER_COLOR,
    CABLE_COLOR,
    DEGRADED_CABLE_COLOR,
    EVENT_COLOR,
    FAILED_COLOR,
    ISOLATED_COLOR,
    LOSS_BINS,
    LOSS_COLORS,
    NO_DATA_COLOR,
    OCEAN_COLOR,
    OUT_OF_SERVICE_COLOR,
    UNAFFECTED_COLOR,
    MapProjection,
    _label_points,
    _prepare_axes,
    _set_extent,
    _tolerance,
    check_suffix,
    choose_projection,
    parse_region,
    plain_text,
    save_figure,
)
from cablesim.network import Network

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# ------------------------------------------------------------------------------ figure helpers


def _polygon_paths(parts: np.ndarray, idx: np.ndarray) -> tuple[list, np.ndarray]:
    """Matplotlib paths (one per source geometry) from projected polygon parts."""

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
    coll.cablesim_features = feats  # row of network.countries of each path (HTML tooltips)
    ax.add_collection(coll)


def _projected(network: Network, table: str, proj: MapProjection, tolerance: float):
    """Projected geometries of one of the network's tables, cached on the network."""
    key = (
        f"maps:{table}:{proj.central_longitude:.3f}:{tolerance:.0f}:{len(getattr(network, table))}"
    )
    seg = None if table == "countries" else 1.0
    return network.memo(
        key,
        lambda: proj.geometries(
            getattr(network, table).geometry.to_numpy(), tolerance=tolerance, segmentize_deg=seg
        ),
    )


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
    coll.cablesim_features = feats  # row of the drawn table of each path (HTML tooltips)
    ax.add_collection(coll)
    return coll


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
    (12, 12, "left", "bottom"),  # diagonals: room beside a cut mark or a station square
    (-12, 12, "right", "bottom"),
    (12, -12, "left", "top"),
    (-12, -12, "right", "top"),
)


LABEL_REACH_PX = 6.0
"""A country's label must touch its country: its text box within this many pixels of it."""


def _country_shapes(network: Network, proj: MapProjection, tol: float) -> dict[str, Any]:
    """ISO3 -> the country's projected outline (a shapely geometry in map units)."""
    parts, idx = _projected(network, "countries", proj, tol)
    isos = network.countries["iso3"].to_numpy()
    out: dict[str, list] = {}
    for part, i in zip(parts, idx, strict=True):
        out.setdefault(str(isos[int(i)]), []).append(part)
    return {k: shapely.GeometryCollection(v) for k, v in out.items()}


def _touches(ax: Axes, bb: Bbox, shape: Any, reach_px: float) -> bool:
    """Whether a text box (display) lies within ``reach_px`` of a projected shape."""
    inv = ax.transData.inverted()
    (x0, y0), (x1, y1) = inv.transform([(bb.x0, bb.y0), (bb.x1, bb.y1)])
    sx = abs(x1 - x0) / max(bb.width, 1e-9)  # map units per pixel
    box = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return bool(shape.distance(box) <= reach_px * sx)


def _place_labels(
    ax: Axes,
    fig: Figure,
    proj: MapProjection,
    items: Sequence[tuple],
    *,
    fontsize: float,
    limit: int,
    avoid: Sequence[tuple[float, float]] = (),
    boxes: list | None = None,
    style: str = "normal",
    dot: bool = True,
    shapes: dict[str, Any] | None = None,
) -> list:
    """Draw labels (lon, lat, text[, iso3]) in order, skipping any that would overlap one already placed.

    ``avoid`` holds map points (projected) that no label may cover (the cut markers);
    ``boxes`` collects the display boxes taken so far (shared between calls). A
    label with an ``iso3`` gets the gid ``label:<iso3>``, and with ``shapes``
    (:func:`_country_shapes`) it is only placed where its text touches its
    country (within :data:`LABEL_REACH_PX`), never over a neighbour alone.
    """

    canvas = fig.canvas
    renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else fig._get_renderer()
    boxes = [] if boxes is None else boxes
    for x, y in avoid:
        px, py = ax.transData.transform((x, y))
        boxes.append(Bbox.from_extents(px - 9, py - 9, px + 9, py + 9))
    placed = []
    axbox = ax.get_window_extent(renderer)
    for item in items:
        if len(placed) >= limit:
            break
        lon, lat, text = item[:3]
        iso3 = item[3] if len(item) > 3 else None
        shape = shapes.get(iso3) if shapes is not None and iso3 is not None else None
        x, y = proj(lon, lat)
        for dx, dy, ha, va in _LABEL_SPOTS:
            t = ax.annotate(
                clean(text),
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
            near = shape is None or _touches(ax, bb, shape, LABEL_REACH_PX)
            if fits and near and not any(bb.overlaps(b) for b in boxes):
                break
            t.remove()
            t = None
        if t is None:
            continue
        if iso3 is not None:
            t.set_gid(f"label:{iso3}")
        if dot:
            ax.plot([float(x)], [float(y)], marker="o", markersize=2.5, color="#111111", zorder=8)
        boxes.append(bb)
        placed.append(t)
    return placed


def _plain_ticks(cb) -> None:
    """Colour-bar ticks as plain numbers (``0.1``, ``1``, ``10``), not ``10^0``.

    The figures draw text with mathematics parsing off (:func:`plain_text`), so
    the log scale's default ``$\\mathdefault{10^{0}}$`` labels would show raw.
    """
    axis = cb.ax.xaxis if cb.orientation == "horizontal" else cb.ax.yaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
    axis.set_minor_formatter(NullFormatter())


def _finish(
    ax: Axes, title: str | None, subtitle: str | None, attribution: bool, proj: MapProjection
) -> None:
    if title:
        ax.set_title(
            clean(title), loc="left", fontsize=15, fontweight="bold", pad=22 if subtitle else 8
        )
    if subtitle:
        ax.text(
            0.0,
            1.008,
            clean(subtitle),
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
    """(colour, label) of every class of the choropleth, in legend order.

    The classes are of the headline loss (``loss_pct``); the legend's title,
    :func:`legend_title`, says which measure that is.
    """
    items = [(UNAFFECTED_COLOR, f"unaffected (loss under {LOSS_BINS[0]:g} %)")]
    for lo, hi, col in zip(LOSS_BINS[:-1], LOSS_BINS[1:], LOSS_COLORS, strict=True):
        word = (
            "severe, " if lo >= metrics.SEVERE_PCT else "degraded, " if lo == LOSS_BINS[0] else ""
        )
        items.append((col, f"{word}{lo:g}–{hi:g} %"))
    items.append((ISOLATED_COLOR, "cut off from the core (100 %)"))
    items.append((NO_DATA_COLOR, "no route before / not modelled"))
    return items


def _headline_what(result: Result) -> str:
    """``"traffic in the first days"`` or ``"capacity to the core"``: what the loss is of."""
    label = _measures.headline(result.scenario.measure).label
    return label.replace(" (%)", "").replace(" lost", "")


def legend_title(measure: str = "traffic") -> str:
    """The title of the choropleth's legend: ``"Traffic lost in the first days (%)"``.

    ``measure`` is the scenario's (``result.scenario.measure``); the label is
    :func:`cablesim.measures.headline`'s.
    """
    lab = _measures.headline(measure).label
    return lab[0].upper() + lab[1:]


# ------------------------------------------------------------------------------ impact map


def _event_marks(result: Result) -> list[dict[str, Any]]:
    """Where to mark each event: a point (lon, lat), a shape to outline, a label."""
    net = result.network
    lps = net.all_landing_points.set_index("landing_point_id")
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


def _worst_items(result: Result, box) -> list[tuple[float, float, str, str]]:
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
        items.append((lon, lat, text, r.iso3))
    return items


def impact_subtitle(result: Result) -> str:
    """The one-line headline under an impact map's title (date and what failed)."""

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
        f"{plural(new_aff, 'country', 'countries')} lost {metrics.DEGRADED_PCT:g} % or more of "
        f"their {_headline_what(result)}"
    )


def _small_country_dots(
    ax: Axes, proj: MapProjection, result: Result, colors: dict[str, str], tol: float, box
) -> int:
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
    return len(xs)


@plain_text
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
        From :func:`cablesim.engine.simulate`.
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
    broken, rest = _aid.failed_parts(result)
    if len(rest):  # the rest of a segment broken only in part: out of service, not broken there
        _draw_lines(
            ax,
            proj,
            rest,
            colors=OUT_OF_SERVICE_COLOR,
            widths=1.1 if box is None else 1.5,
            zorder=4.5,
            gid="failed-segments-rest",
            tolerance=tol / 2,
            linestyles=(0, (3, 2)),
        )
    if len(fs):
        _draw_lines(
            ax,
            proj,
            broken,
            colors=FAILED_COLOR,
            widths=2.4 if box is None else 3.0,
            zorder=5,
            gid="failed-segments",
            halo=4.4 if box is None else 5.2,
            tolerance=tol / 2,
        )
    # failed land links (land_link and country events): dashed red on their schematic line
    lk = result.network.terrestrial_links
    cut_links = lk[lk["link_id"].isin(list(result.failures.links))]
    if len(cut_links):
        _draw_lines(
            ax,
            proj,
            cut_links.geometry.to_numpy(),
            colors=FAILED_COLOR,
            widths=2.0 if box is None else 2.6,
            zorder=5,
            gid="failed-land-links",
            linestyles=(0, (2, 1.5)),
        )
    # countries too small to see at this scale get a dot in their colour
    n_dots = _small_country_dots(ax, proj, result, colors, tol, box)
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
            # hollow: drawn over the failed segments, it must not hide them
            markerfacecolor="none",
            markeredgecolor=EVENT_COLOR,
            markeredgewidth=1.6,
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
            shapes=_country_shapes(net, proj, tol),
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
        if len(cut_links):
            handles.append(
                Line2D(
                    [], [], color=FAILED_COLOR, lw=2.0, ls=(0, (2, 1.5)), label="failed land link"
                )
            )
        if len(rest):
            handles.append(
                Line2D(
                    [],
                    [],
                    color=OUT_OF_SERVICE_COLOR,
                    lw=1.3,
                    ls=(0, (3, 2)),
                    label="rest of a segment broken elsewhere",
                )
            )
        if n_dots:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    markersize=8,
                    markerfacecolor=LOSS_COLORS[-1],
                    markeredgecolor="#111111",
                    ls="none",
                    label="small country hit (circle in its colour)",
                )
            )
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
        if any(m.get("marker", "X") == "X" for m in pts):
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="X",
                    markerfacecolor="none",
                    markeredgecolor=EVENT_COLOR,
                    markeredgewidth=1.4,
                    markersize=9,
                    ls="none",
                    label="cut point / event centre",
                )
            )
        if any(m.get("marker") == "s" for m in pts):
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="s",
                    markerfacecolor="none",
                    markeredgecolor=EVENT_COLOR,
                    markeredgewidth=1.4,
                    markersize=9,
                    ls="none",
                    label="landing station lost",
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
        hit = [
            tuple(float(v) for v in proj(lon, lat))
            for lon, lat in _aid.hit_points(result, _label_points(net))
            if _in_box(lon, lat, box)
        ]
        # nor the failed segments and the event marks (a Pacific cut is in open ocean)
        if len(fs):
            mid = shapely.line_interpolate_point(fs.geometry.to_numpy(), 0.5, normalized=True)
            hit += [tuple(float(v) for v in proj(p.x, p.y)) for p in mid if _in_box(p.x, p.y, box)]
        hit += avoid
        leg = _aid.place_legend(  # in a corner where it hides nothing the scenario hits
            ax,
            fig,
            handles,
            hit,
            fontsize=8.5,
            title_fontsize=9.5,
            title=legend_title(result.scenario.measure),
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

    lo = 1.0
    hi = max(float(np.nanmax(cap)) if len(cap) else 10.0, 10.0)
    norm = LogNorm(vmin=lo, vmax=hi)
    cmap = ListedColormap(
        colormaps["plasma_r"](np.linspace(0.12, 0.95, 256)), name="cablesim-capacity"
    )
    c = np.clip(np.nan_to_num(cap, nan=lo), lo, hi)
    widths = 0.35 + 1.8 * np.log10(c) / math.log10(hi)
    return norm, cmap, widths


@plain_text
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

    colors = np.array([to_hex(c) for c in colors], dtype=object)
    segs_xy, feats = _line_segments(parts, idx)

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
        _plain_ticks(cb)
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


@plain_text
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
        From :func:`cablesim.analyses.depends.country_dependencies` (computed with
        ``options`` when not given).
    top
        Label this many of the cables and chokepoints it depends on most.
    ax, region, size, dpi, central_longitude, attribution
        As for :func:`plot_impact`.

    Returns
    -------
    fig, ax
    """

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
    _plain_ticks(cb)
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

    check_suffix(path)
    fig, _ = plot_impact(result, region=region, size=size, dpi=dpi, **options)
    return save_figure(fig, path, dpi=dpi, protect=scenario_file(result.scenario))


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
    check_suffix(path)
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
    check_suffix(path)
    fig, _ = plot_dependencies(network, iso3, region=region, size=size, dpi=dpi, **options)
    return save_figure(fig, path, dpi=dpi)


__all__ = [
    "country_colors",
    "impact_subtitle",
    "legend_items",
    "legend_title",
    "loss_color",
    "plot_dependencies",
    "plot_impact",
    "plot_network",
    "save_dependency_map",
    "save_impact_map",
    "save_network_map",
]
