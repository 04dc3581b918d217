"""The map of a comparison: the difference in loss between two networks (B minus A)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.cm import ScalarMappable

from cablesim._text import clean
from cablesim.analyses.plan import Comparison
from cablesim.maps._figure import (
    ATTRIBUTION,
    NO_DATA_COLOR,
    OCEAN_COLOR,
    check_suffix,
    new_figure,
    parse_region,
    plain_text,
    save_figure,
)
from cablesim.network import whatif as _whatif


@plain_text
def plot_difference(comp: Comparison, *, ax=None, region: Any = None, title: str | None = None):
    """Map of the difference in loss (B minus A, percentage points) per country.

    Green: the country loses less on B; red: more. Uses Natural Earth polygons
    in plain longitude/latitude.

    Returns
    -------
    fig, ax
    """
    if ax is None:
        fig, ax = new_figure((14, 7.5), 110, rect=(0.02, 0.08, 0.96, 0.84))
    else:
        fig = ax.figure
    countries = comp.a.network.countries
    d = comp.table.set_index("iso3")["d_loss_pct"]
    vmax = max(10.0, float(np.nanmax(np.abs(d.to_numpy()))) if len(d) else 10.0)
    norm = mcolors.TwoSlopeNorm(vmin=-vmax, vcenter=0.0, vmax=vmax)
    cmap = mcolors.LinearSegmentedColormap.from_list(
        "cablesim_diff", ["#1a9850", "#f7f7f7", "#d73027"]
    )
    vals = countries["iso3"].map(d)
    colors = [NO_DATA_COLOR if pd.isna(v) else mcolors.to_hex(cmap(norm(v))) for v in vals]
    ax.set_facecolor(OCEAN_COLOR)
    countries.plot(ax=ax, color=colors, edgecolor="white", linewidth=0.3)
    for res, color, width in ((comp.a, "#7b3294", 1.6), (comp.b, "#e66101", 1.0)):
        fs = res.failed_segments
        if len(fs):
            fs.plot(ax=ax, color=color, linewidth=width)
    for r in _whatif.added(comp.b.network) + _whatif.added(comp.a.network):
        net = comp.b.network if r in _whatif.added(comp.b.network) else comp.a.network
        segs = net.segments[net.segments["cable_id"] == r["cable_id"]]
        if len(segs):
            segs.plot(ax=ax, color="#2166ac", linewidth=1.2, linestyle="--")
    box = parse_region(region) if region is not None else None
    if box is not None:
        ax.set_xlim(box[0], min(box[2], 180.0))
        ax.set_ylim(box[1], box[3])
    else:
        ax.set_xlim(-180, 180)
        ax.set_ylim(-60, 85)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    sm = ScalarMappable(norm=norm, cmap=cmap)
    cb = fig.colorbar(sm, ax=ax, orientation="horizontal", fraction=0.04, pad=0.02)
    cb.set_label(
        clean(
            f"loss on B minus loss on A (percentage points); A = {comp.label_a}, B = {comp.label_b}"
        ),
        fontsize=8,
    )
    ax.set_title(
        clean(title or f"{comp.a.scenario.name}: {comp.label_b} vs {comp.label_a}"), fontsize=11
    )
    fig.text(
        0.5,
        0.01,
        ATTRIBUTION + " Failed segments: purple A, orange B; dashed blue: added cables.",
        ha="center",
        fontsize=6,
        color="#666666",
    )
    return fig, ax


def save_difference_map(
    comp: Comparison, path: str | os.PathLike[str], *, dpi: float | None = None, region: Any = None
) -> Path:
    """Draw :func:`plot_difference` and write it (``.png``, ``.svg`` or ``.pdf``)."""

    check_suffix(path)
    fig, _ = plot_difference(comp, region=region)
    protect = [s for s in (comp.a.scenario.source, comp.b.scenario.source) if Path(s).exists()]
    return save_figure(fig, path, dpi=dpi, protect=protect)
