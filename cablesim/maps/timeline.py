"""Figures of a timeline: the loss over time, and one impact map per change point."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.patches import Patch

from cablesim import measures as _measures
from cablesim._text import clean
from cablesim.analyses.timeline import TimelineResult
from cablesim.exceptions import CableSimError
from cablesim.maps._aid import timeline_subtitle
from cablesim.maps._figure import ATTRIBUTION, new_figure, parse_region, plain_text
from cablesim.maps.world import legend_items, legend_title, plot_impact


@plain_text
def plot_timeline(
    tl: TimelineResult,
    *,
    ax=None,
    countries: Sequence[str] | None = None,
    n: int = 8,
    value: str = "loss_pct",
    title: str | None = None,
):
    """Chart of the worst-hit countries' loss over time (the measure the tables show).

    Parameters
    ----------
    tl
        From :func:`simulate_timeline`.
    ax
        Draw into these axes (else a new figure).
    countries
        ISO3 codes to draw (default: the ``n`` worst hit, :meth:`TimelineResult.worst`).
        Only countries whose line moves are drawn and listed in the legend.
    value
        The column of :attr:`TimelineResult.long` to draw: ``"loss_pct"`` (default,
        the headline: traffic lost in the first days unless the scenario measures
        capacity), ``"capacity_loss_pct"`` or ``"remaining_tbps"``; the axis is
        labelled with its measure (:mod:`cablesim.measures`).
    title
        Title (default: the scenario's name and the measure).

    Returns
    -------
    fig, ax
    """
    if value not in ("loss_pct", "capacity_loss_pct", "remaining_tbps"):
        raise CableSimError(
            f"value {value!r}: use 'loss_pct', 'capacity_loss_pct' or 'remaining_tbps'"
        )
    m = _measures.measure(value, headline_of=tl.scenario.measure)
    if ax is None:
        fig, _ = new_figure((12, 6.5), 120, rect=None)
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    codes = list(countries) if countries is not None else tl.worst(n)
    lg = tl.long.set_index(["iso3", "date"])
    dates = [st.start for st in tl.states]
    last = tl.states[-1].start if tl.states else tl.start
    tail = (
        last + dt.timedelta(days=max(7, int(0.08 * max((last - dates[0]).days, 1))))
        if dates
        else last
    )
    xs = [*dates, tail]
    names = tl.network.country_names
    drawn = 0
    for iso in codes:
        ys = [float(lg.loc[(iso, d.isoformat())][value]) for d in dates]
        if not ys or max(ys) - min(ys) < 0.05:  # a line that never moves says nothing
            continue
        drawn += 1
        ax.step(
            xs,
            [*ys, ys[-1]],
            where="post",
            linewidth=2,
            label=clean(f"{names.get(iso, iso)} ({iso})"),
        )
    ev = tl.scenario.events
    starts: dict[dt.date, list[str]] = {}
    for s in tl.schedule:
        starts.setdefault(s.start, []).append(ev[s.index].label)
        if s.end is not None:
            ax.axvline(s.end, color="#1b7837", linestyle=":", linewidth=0.8, alpha=0.7)
    span = max((tail - dates[0]).days, 1) if dates else 1
    placed: list[tuple[dt.date, int]] = []
    for day in sorted(starts):
        labels = starts[day]
        ax.axvline(day, color="#b00020", linestyle="--", linewidth=0.8, alpha=0.7)
        text = labels[0] if len(labels) == 1 else f"{len(labels)} events: {labels[0]}…"
        # labels of events close in time go on different levels so they never overlap
        near = {lvl for d, lvl in placed if abs((day - d).days) < 0.03 * span}
        level = min(k for k in range(len(placed) + 1) if k not in near)
        placed.append((day, level))
        ax.annotate(
            clean(_short(text, 40)),
            (day, 0.03 + 0.32 * (level % 3)),
            xycoords=("data", "axes fraction"),
            xytext=(-2 - 9 * (level // 3), 0),
            textcoords="offset points",
            rotation=90,
            va="bottom",
            ha="right",
            fontsize=7,
            color="#b00020",
            gid="event-label",
        )
    if m.unit == "%":
        ax.set_ylim(-3, 105)
    ax.set_ylabel(clean(m.label))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_ha("right")
    ax.grid(alpha=0.3)
    what = m.label.replace(" (%)", "").replace(" (Tbit/s)", "")
    ax.set_title(clean(title or f"{tl.scenario.name}: {what}, over time"), fontsize=11)
    if drawn:
        ax.legend(loc="upper right", fontsize=8, ncol=2)
    ax.text(
        0.0,
        -0.2,
        "dashed red: event starts; dotted green: repairs",
        transform=ax.transAxes,
        fontsize=7,
        color="#555555",
    )
    fig.tight_layout()
    return fig, ax


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@plain_text
def plot_timeline_map(
    tl: TimelineResult,
    *,
    region: Any = None,
    ncols: int | None = None,
    states: Sequence[int] | None = None,
    panel_size: tuple[float, float] | None = None,
    dpi: float | None = None,
):
    """Small multiples: one impact map per change point (:func:`cablesim.plot_impact`).

    Parameters
    ----------
    tl
        From :func:`simulate_timeline`.
    region
        Zoom every panel (see :func:`cablesim.parse_region`).
    ncols
        Panels per row (default: up to 3).
    states
        Which states to draw (indices; default all, at most 12).
    panel_size
        Size of one panel in inches (default: from the region's shape).

    Returns
    -------
    fig, axes
    """
    idx = list(states) if states is not None else list(range(min(len(tl.states), 12)))
    if not idx:
        raise CableSimError("the timeline has no state to draw")
    if panel_size is None:
        box = parse_region(region) if region is not None else None
        if box is None:
            aspect = 2.0
        else:
            w, s, e, n = box
            aspect = (e - w) * math.cos(math.radians((s + n) / 2.0)) / max(n - s, 1.0)
        height = 4.0
        panel_size = (min(max(height * aspect * 1.05, 3.2), 9.0), height + 0.5)
    ncols = ncols or min(4 if panel_size[0] < 4.5 else 3, len(idx))
    nrows = math.ceil(len(idx) / ncols)
    fig, _ = new_figure((panel_size[0] * ncols, panel_size[1] * nrows + 0.8), dpi or 110, rect=None)
    axes = []
    for k, i in enumerate(idx):
        st = tl.states[i]
        ax = fig.add_subplot(nrows, ncols, k + 1)
        plot_impact(
            st.result,
            ax=ax,
            region=region,
            legend=False,
            attribution=False,
            title="",
            labels=4,
        )
        for text in ax.texts:  # the impact subtitle: what changed, and who is hit, on two lines
            if text.get_transform() == ax.transAxes and text.get_position()[1] > 1.0:
                text.set_text(clean(timeline_subtitle(st)))
                text.set_fontsize(7.5)
                text.set_linespacing(1.25)
        ax.set_title(
            f"{st.start} (day {st.day})", loc="left", fontsize=10, fontweight="bold", pad=26
        )
        axes.append(ax)
    handles = [  # one colour legend for every panel
        Patch(facecolor=c, edgecolor="#999999", linewidth=0.5, label=lab)
        for c, lab in legend_items()
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=min(len(handles), 4),
        fontsize=8,
        title=legend_title(tl.scenario.measure),
        title_fontsize=8.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.02),
    ).set_gid("timeline-legend")
    fig.suptitle(clean(tl.scenario.name), fontsize=12)
    fig.text(0.5, 0.005, ATTRIBUTION, ha="center", fontsize=6, color="#666666")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.12, top=0.90, wspace=0.04, hspace=0.38)
    return fig, axes


def default_region(tl: TimelineResult) -> tuple[float, float, float, float] | None:
    """A box around every failed segment of the timeline (padded), or None for the world."""
    boxes = []
    for st in tl.states:
        fs = st.result.failed_segments
        if len(fs):
            boxes.append(fs.total_bounds)
        aff = st.result.affected
        if len(aff):
            c = tl.network.countries
            sub = c[c["iso3"].isin(aff["iso3"])]
            if len(sub):
                boxes.append(sub.total_bounds)
    if not boxes:
        return None
    b = np.array(boxes)
    w, s, e, n = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    if e - w > 200:
        return None
    pad = 5.0
    return (max(w - pad, -180.0), max(s - pad, -85.0), min(e + pad, 180.0), min(n + pad, 85.0))
