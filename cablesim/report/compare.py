"""Reports of a comparison (the same events on two networks) and of a resilience ranking."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from cablesim import measures as _measures
from cablesim._format import fmt_tbps, md_escape, md_table
from cablesim._text import esc
from cablesim.analyses.plan import Comparison, Resilience, hit_rows
from cablesim.network import whatif as _whatif
from cablesim.report.result import STATUS_STYLE


def to_json(comp: Comparison) -> str:
    """The comparison as JSON text."""
    return (
        json.dumps(comp.to_dict(), indent=2, ensure_ascii=False, allow_nan=False, default=str)
        + "\n"
    )


def to_csv(comp: Comparison) -> str:
    """The side-by-side table as CSV."""
    buf = io.StringIO()
    comp.table.to_csv(buf, index=False, float_format="%.6g")
    return buf.getvalue()


def _head(comp: Comparison) -> str:
    """The label of the loss compared (the scenario's headline measure)."""
    return _measures.headline(comp.a.scenario.measure).label


def to_markdown(comp: Comparison, *, limit: int = 30) -> str:
    """A Markdown report of a comparison."""

    out = [
        f"# {md_escape(comp.a.scenario.name)}: {md_escape(comp.label_a)} vs "
        f"{md_escape(comp.label_b)}",
        "",
        "The same events on two networks. A = " + md_escape(comp.label_a) + ", B = "
        f"{md_escape(comp.label_b)}; "
        f"loss_pct_a, loss_pct_b: {_head(comp)} on A and on B; d_loss_pct = loss on B minus "
        "loss on A in percentage points (negative: B fares better); remaining_tbps_a, "
        f"remaining_tbps_b: {_measures.label('remaining_tbps')} on A and on B.",
        "",
        "## Events",
        "",
    ]
    out += [f"- {md_escape(e.label)}" for e in comp.a.scenario.events]
    out += ["", "## Countries", ""]
    t = hit_rows(comp.table)
    cols = [
        "iso3",
        "name",
        "status_a",
        "status_b",
        "loss_pct_a",
        "loss_pct_b",
        "d_loss_pct",
        "remaining_tbps_a",
        "remaining_tbps_b",
    ]
    out += [
        md_table(t[cols].head(limit).reset_index(drop=True)) if len(t) else "No country affected.",
        "",
    ]
    if comp.explanations:
        out += ["## Why", ""] + [f"- {e['text']}" for e in comp.explanations.values()] + [""]
    out += ["## Assumptions", ""] + [f"- {n}" for n in comp.to_dict()["notes"]] + [""]
    return "\n".join(out)


def render_terminal(comp: Comparison, *, console=None, limit: int = 25) -> None:
    """Print a comparison with rich."""

    con = console or Console()
    con.print(f"[bold]{esc(comp.a.scenario.name)}[/bold]")
    con.print(
        f"A = {esc(comp.label_a)}   B = {esc(comp.label_b)}   (the same {len(comp.a.scenario.events)} events)"
    )
    for side, net in (("A", comp.a.network), ("B", comp.b.network)):
        for r in _whatif.added(net):
            con.print(
                f"  {side} adds {esc(r['name'])} ({r['capacity_tbps']:g} Tbps, "
                f"{esc(', '.join(r['countries']))})",
                style="dim",
            )
    t = hit_rows(comp.table)
    con.print()
    if len(t):
        head = _measures.headline(comp.a.scenario.measure)
        tt = Table(
            title=f"{head.label[0].upper()}{head.label[1:]}: A vs B (Δ pp = B minus A; "
            "negative: B fares better)",
            title_justify="left",
            show_edge=False,
        )
        cap = _measures.short("remaining_tbps")
        for col in (
            "country",
            "A status",
            "B status",
            f"A {head.short}",
            f"B {head.short}",
            "Δ pp",
            f"A {cap}",
            f"B {cap}",
        ):
            tt.add_column(
                col, justify="left" if col in ("country", "A status", "B status") else "right"
            )
        for r in t.head(limit).itertuples():
            d = r.d_loss_pct
            dstyle = "green" if d < -0.5 else ("red" if d > 0.5 else "")
            tt.add_row(
                esc(f"{r.name} ({r.iso3})"),
                _styled(r.status_a, STATUS_STYLE),
                _styled(r.status_b, STATUS_STYLE),
                _num(r.loss_pct_a),
                _num(r.loss_pct_b),
                f"[{dstyle}]{d:+.1f}[/]" if dstyle else f"{d:+.1f}",
                fmt_tbps(r.remaining_tbps_a),
                fmt_tbps(r.remaining_tbps_b),
            )
        con.print(tt)
        if len(t) > limit:
            con.print(f"  … and {len(t) - limit} more (use -o FILE.csv for all)", style="dim")
    else:
        con.print("No country lost 10% or more on either network.")
    sa, sb = comp.a.summary(), comp.b.summary()
    con.print()
    con.print(
        f"A: {len(sa['isolated'])} isolated, {len(sa['severe'])} severe, {len(sa['degraded'])} degraded, "
        f"{sa['capacity_lost_tbps']:,.1f} Tbps of capacity to the core lost.   B: "
        f"{len(sb['isolated'])} isolated, {len(sb['severe'])} severe, {len(sb['degraded'])} "
        f"degraded, {sb['capacity_lost_tbps']:,.1f} Tbps of capacity to the core lost."
    )
    if comp.explanations:
        con.print()
        con.print("[bold]Why[/bold]")
        for e in comp.explanations.values():
            con.print(f"  • {esc(e['text'])}")


def _styled(status: str, styles: Mapping[str, str]) -> str:
    style = styles.get(status)
    return f"[{style}]{esc(status)}[/]" if style else esc(status)


def _num(v: Any) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:.1f}"


def render_resilience(res: Resilience, *, console=None) -> None:
    """Print a resilience ranking with rich."""

    con = console or Console()
    name = res.network.country_names.get(res.iso3, res.iso3)
    t = res.today
    con.print(
        f"[bold]{esc(name)} ({esc(res.iso3)})[/bold]: {t['baseline_tbps']:g} Tbps to the core "
        f"as of {res.network.as_of}; worst single failure today: {esc(t['name'] or 'none')} "
        f"(-{t['loss_pct']:.1f}%, {t['remaining_tbps']:g} Tbps left)"
        + (
            f"; P(isolated) today {t['isolation_probability']:.2%}"
            if t.get("isolation_probability") is not None
            else ""
        )
    )
    tt = Table(show_edge=False)
    for col in (
        "#",
        "candidate",
        "Tbps",
        "km",
        "lands",
        "capacity Tbps",
        "worst failure",
        "worst loss %",
        "better by pp",
    ):
        tt.add_column(
            col, justify="left" if col in ("candidate", "worst failure", "lands") else "right"
        )
    show_iso = res.ranking["isolation_probability"].notna().any()
    if show_iso:
        tt.add_column("P(isolated)", justify="right")
    for r in res.ranking.itertuples():
        cells = [
            str(r.rank),
            esc(r.candidate),
            f"{r.capacity_tbps:g}",
            f"{r.length_km:,.0f}" + ("*" if r.route_inferred else ""),
            "yes" if r.lands else "no",
            fmt_tbps(r.baseline_tbps),
            esc(r.worst_cable or "–"),
            f"{r.worst_loss_pct:.1f}",
            f"{r.reduction_pp:+.1f}",
        ]
        if show_iso:
            cells.append(
                "–" if r.isolation_probability is None else f"{r.isolation_probability:.3%}"
            )
        tt.add_row(*cells)
    con.print(tt)
    if res.ranking["route_inferred"].any():
        con.print("  * route drawn by cablesim over water (approximate length)", style="dim")
    for n in res.notes:
        con.print(f"  - {esc(n)}", style="dim")
