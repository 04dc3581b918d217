"""Reports of a timeline: JSON, CSV, Markdown and the terminal."""

from __future__ import annotations

import io
import json

import pandas as pd
from rich.console import Console
from rich.table import Table

from cablesim import measures as _measures
from cablesim._format import fmt_tbps, md_escape, md_table
from cablesim._text import esc
from cablesim.analyses.timeline import TimelineResult, TimelineState
from cablesim.report.result import (
    STATUS_STYLE,
    _md_closing,
    _md_title,
    no_country_line,
    summary_paragraph,
)


def to_json(tl: TimelineResult) -> str:
    """The timeline as JSON text (:meth:`TimelineResult.to_dict`)."""
    return (
        json.dumps(tl.to_dict(), indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n"
    )


def to_csv(tl: TimelineResult) -> str:
    """One row per (change point, country)."""
    buf = io.StringIO()
    tl.long.to_csv(buf, index=False, float_format="%.6g")
    return buf.getvalue()


STATE_COLUMNS = (
    "iso3",
    "name",
    "status",
    "loss_pct_immediate",
    "capacity_loss_pct",
    "baseline_tbps",
    "remaining_tbps",
)
"""The measures of each change point's table (headings from :mod:`cablesim.measures`)."""


def _what_changed(tl: TimelineResult, st: TimelineState) -> list[str]:
    ev = tl.scenario.events
    out = [f"starts: {ev[i].label}" for i in st.started]
    out += [f"repaired: {ev[i].label}" for i in st.repaired]
    return out


def to_markdown(tl: TimelineResult, *, limit: int = 25, explanation: str | None = None) -> str:
    """A Markdown report: schedule, one table per change point, recovery, assumptions.

    ``explanation`` (the plain-language account of the worst state, as
    :func:`write` gives it) goes in a section of its own.
    """

    sc = tl.scenario
    out = _md_title(sc)
    out += [
        f"Timeline from **{tl.start}**, network as of **{tl.network.as_of}**; core: "
        f"{', '.join(sc.core)}.",
        "",
        "## Events and repairs",
        "",
    ]
    sched = pd.DataFrame(
        [
            {
                "event": s.event.label,
                "starts": s.start.isoformat(),
                "repaired": s.end.isoformat() if s.end else "not repaired",
                "days": s.repair_days,
                "repair time from": s.basis,
            }
            for s in tl.schedule
        ]
    )
    out += [md_table(sched), ""]
    out += [
        "Columns of the tables below:",
        "",
        _measures.markdown_glossary(STATE_COLUMNS[2:], headline_of=sc.measure),
        "",
    ]
    for st in tl.states:
        out += [f"## {st.start} (day {st.day}): {md_escape(st.label)}", ""]
        out += [f"- {md_escape(c)}" for c in _what_changed(tl, st)] + [""]
        out += [summary_paragraph(st.result), ""]
        aff = st.result.affected[list(STATE_COLUMNS)]
        if len(aff):
            out += [md_table(aff.head(limit).reset_index(drop=True)), ""]
    rec = tl.recovery()
    out += ["## Recovery", ""]
    out += [
        f"Worst loss: {_measures.headline(sc.measure).label}.",
        "",
        md_table(rec) if len(rec) else no_country_line(sc.measure) + " at any time.",
        "",
    ]
    if explanation:
        peak = tl.peak
        out += [f"## Explanation of the worst state ({peak.start}, day {peak.day})", ""]
        out += [explanation, ""]
    out += _md_closing(tl.warnings, tl.notes)
    return "\n".join(out)


def render_terminal(
    tl: TimelineResult, *, console=None, limit: int = 12, assumptions: bool = True
) -> None:
    """Print the timeline: schedule, a table per change point, the worst-hit countries over time.

    ``assumptions=False`` leaves out the assumptions block (``cablesim run --quiet``)."""

    con = console or Console()
    sc = tl.scenario
    con.print(
        f"[bold]{esc(sc.name)}[/bold]  (timeline from {tl.start}, network as of {tl.network.as_of}, "
        f"core {esc(', '.join(sc.core))})"
    )
    if sc.description:
        con.print(esc(sc.description.strip()), style="dim")
    con.print()
    t = Table(title="Events and repairs", title_justify="left", show_edge=False)
    for col in ("event", "starts", "repaired", "days", "repair time from"):
        t.add_column(col, justify="right" if col == "days" else "left")
    for s in tl.schedule:
        t.add_row(
            esc(s.event.label),
            s.start.isoformat(),
            s.end.isoformat() if s.end else "never",
            "" if s.repair_days is None else str(s.repair_days),
            esc(s.basis),
        )
    con.print(t)
    for st in tl.states:
        con.print()
        until = f" until {st.end}" if st.end else ""
        con.print(f"[bold]{st.start}[/bold] (day {st.day}{until}): {esc(st.label)}")
        for c in _what_changed(tl, st):
            con.print(f"  • {esc(c)}")
        aff = st.result.affected
        if len(aff):
            tt = Table(show_edge=False)
            for key in STATE_COLUMNS[1:]:
                tt.add_column(
                    _measures.short(key),
                    justify="left" if key in ("name", "status") else "right",
                )
            for r in aff.head(limit).itertuples():
                tt.add_row(
                    esc(f"{r.name} ({r.iso3})"),
                    f"[{STATUS_STYLE[r.status]}]{r.status}[/]",
                    f"{r.loss_pct_immediate:.1f}",
                    f"{r.capacity_loss_pct:.1f}",
                    fmt_tbps(r.baseline_tbps),
                    fmt_tbps(r.remaining_tbps),
                )
            con.print(tt)
            if len(aff) > limit:
                con.print(f"  … and {len(aff) - limit} more", style="dim")
        else:
            con.print(f"  {no_country_line(sc.measure)}.")
        con.print(f"  {esc(summary_paragraph(st.result))}", style="dim")
    worst = tl.worst(10)
    if worst:
        con.print()
        t = Table(
            title=f"Worst hit over time: {_measures.headline(sc.measure).label}",
            title_justify="left",
            show_edge=False,
        )
        t.add_column("country")
        for st in tl.states:
            t.add_column(st.start.strftime("%d %b %y"), justify="right")
        lg = tl.long.set_index(["iso3", "date"])
        names = tl.network.country_names
        for iso in worst:
            cells = []
            for st in tl.states:
                r = lg.loc[(iso, st.start.isoformat())]
                cells.append(f"[{STATUS_STYLE[r['status']]}]{r['loss_pct']:.0f}[/]")
            t.add_row(esc(f"{names.get(iso, iso)} ({iso})"), *cells)
        con.print(t)
    for w in tl.warnings:
        con.print(f"[yellow]! {esc(w)}[/yellow]")
    if not assumptions:
        return
    con.print()
    con.print("[bold]Assumptions[/bold]", style="dim")
    for n in tl.notes:
        con.print(f"  - {esc(n)}", style="dim")
