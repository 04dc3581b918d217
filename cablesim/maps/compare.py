"""The map of a comparison: the difference in loss between two networks (B minus A)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import shapely
from matplotlib.cm import ScalarMappable
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from cablesim import measures as _measures
from cablesim._text import clean
from cablesim.analyses.plan import Comparison
from cablesim.maps._figure import (
    CABLE_COLOR,
    NO_DATA_COLOR,
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
from cablesim.maps.world import _draw_background, _draw_lines, _finish, _projected
from cablesim.network import whatif as _whatif

BETTER_COLOR = "#2166ac"
"""Blue: the country loses less on B than on A (B is better for it)."""
WORSE_COLOR = "#b2182b"
"""Red: the country loses more on B."""
NEUTRAL_COLOR = "#d9d9d9"
"""No difference: the grey of an unaffected country on the impact map."""
ADDED_COLOR = "#00a087"
"""A cable that B adds (drawn bold over a white casing)."""
FAILED_A_COLOR = "#7b3294"
FAILED_B_COLOR = "#e66101"


@plain_text
def plot_difference(
    comp: Comparison,
    *,
    ax=None,
    region: Any = None,
    title: str | None = None,
    size: Any = None,
    dpi: float | None = None,
):
    """Map of the difference in loss (B minus A, percentage points) per country.

    The same projection as the impact map (:func:`cablesim.maps.plot_impact`),
    titled "A vs B" as the terminal report is; a diverging palette whose ends
    say which way is better: blue, the country loses less on B; red, more.
    The cables B adds are drawn bold, and every symbol is in the legend.

    Returns
    -------
    fig, ax
    """
    net = comp.b.network
    box = parse_region(region)
    proj = choose_projection(comp.a, region=region)
    fig, ax, _ = _prepare_axes(ax, box, proj, size, dpi)
    extent = _set_extent(ax, proj, box)
    tol = _tolerance(ax, fig, extent)
    d = comp.table.set_index("iso3")["d_loss_pct"]
    finite = d.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    vmax = max(10.0, float(np.abs(finite).max()) if len(finite) else 10.0)
    norm = mcolors.TwoSlopeNorm(vmin=-vmax, vcenter=0.0, vmax=vmax)
    cmap = mcolors.LinearSegmentedColormap.from_list(
        "cablesim_diff", [BETTER_COLOR, NEUTRAL_COLOR, WORSE_COLOR]
    )
    vals = net.countries["iso3"].map(d)
    faces = [NO_DATA_COLOR if pd.isna(v) else mcolors.to_hex(cmap(norm(v))) for v in vals]
    _draw_background(ax, proj, net, faces, tol)
    cached = _projected(net, "segments", proj, tol)
    _draw_lines(
        ax,
        proj,
        None,
        colors=CABLE_COLOR,
        widths=0.4,
        zorder=2,
        gid="cables",
        cached=cached,
        alpha=0.7,
    )
    handles = [Line2D([], [], color=CABLE_COLOR, lw=1.0, label="cable in service")]
    for res, color, width, side in (
        (comp.a, FAILED_A_COLOR, 2.6, "A"),
        (comp.b, FAILED_B_COLOR, 1.4, "B"),
    ):
        fs = res.failed_segments
        if len(fs):
            _draw_lines(
                ax,
                proj,
                fs.geometry.to_numpy(),
                colors=color,
                widths=width,
                zorder=4,
                gid=f"failed-{side.lower()}",
                tolerance=tol / 2,
            )
            handles.append(Line2D([], [], color=color, lw=width, label=f"failed on {side}"))
    added_names = []
    for side, res in (("B", comp.b), ("A", comp.a)):
        for r in _whatif.added(res.network):
            mine = res.network.segments[res.network.segments["cable_id"] == r["cable_id"]]
            if not len(mine):
                continue
            _draw_lines(
                ax,
                proj,
                mine.geometry.to_numpy(),
                colors=ADDED_COLOR,
                widths=3.2,
                zorder=5,
                gid="added-cables",
                tolerance=tol / 2,
                halo=5.6,
            )
            added_names.append(f"{r['name']} (added on {side})")
    if added_names:
        handles.append(
            Line2D([], [], color=ADDED_COLOR, lw=3.2, label=clean("; ".join(added_names)))
        )
    # countries too small to see get a dot in their colour when B differs for them
    pts = _label_points(net)
    parts, idx = _projected(net, "countries", proj, tol)
    area = np.bincount(idx, weights=shapely.area(parts), minlength=len(net.countries))
    dots = [
        (iso, float(v))
        for iso, v, a in zip(net.countries["iso3"], vals, area, strict=True)
        if not pd.isna(v) and abs(v) >= 1.0 and a <= 40.0 * (2.0 * tol) ** 2 and iso in pts
    ]
    if dots:
        xy = np.array([proj(*pts[iso]) for iso, _ in dots], dtype=float).reshape(-1, 2)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=55,
            c=[mcolors.to_hex(cmap(norm(v))) for _, v in dots],
            edgecolors="#111111",
            linewidths=0.9,
            zorder=7.5,
            gid="small-countries",
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=8,
                markerfacecolor=NEUTRAL_COLOR,
                markeredgecolor="#111111",
                ls="none",
                label="small country (dot in its colour)",
            )
        )
    handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#999999", label="not in the model"))
    leg = ax.legend(handles=handles, loc="lower left", fontsize=8, framealpha=0.92)
    leg.set_zorder(9)
    cax = ax.inset_axes((0.62, 0.09, 0.34, 0.022))
    cb = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=cax, orientation="horizontal")
    head = _measures.headline(comp.a.scenario.measure).label.replace(" (%)", "")
    cb.set_label(
        clean(f"{head}: B minus A (percentage points)"),
        fontsize=8.5,
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.5},
    )
    cb.ax.xaxis.set_label_position("top")
    cb.ax.tick_params(labelsize=8)
    for x, text, color, ha in (
        (0.0, "← B better", BETTER_COLOR, "left"),
        (1.0, "B worse →", WORSE_COLOR, "right"),
    ):
        cb.ax.text(
            x,
            -1.9,
            text,
            transform=cb.ax.transAxes,
            fontsize=8,
            color=color,
            ha=ha,
            va="top",
            fontweight="bold",
        )
    _finish(
        ax,
        title or f"{comp.a.scenario.name}: A vs B",
        f"A = {comp.label_a}, B = {comp.label_b} · the same events on both networks",
        True,
        proj,
    )
    return fig, ax


def save_difference_map(
    comp: Comparison, path: str | os.PathLike[str], *, dpi: float | None = None, region: Any = None
) -> Path:
    """Draw :func:`plot_difference` and write it (``.png``, ``.svg`` or ``.pdf``)."""

    check_suffix(path)
    fig, _ = plot_difference(comp, region=region, dpi=dpi)
    protect = [s for s in (comp.a.scenario.source, comp.b.scenario.source) if Path(s).exists()]
    return save_figure(fig, path, dpi=dpi, protect=protect)
