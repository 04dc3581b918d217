"""The report of one scenario's result: terminal, JSON, CSV, Markdown, the summary paragraph.

A report only consumes a :class:`~cablesim.engine.simulate.Result`; it computes nothing
new about the network.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence

import pandas as pd
from rich.console import Console
from rich.table import Table

from cablesim import measures as _measures
from cablesim._format import fmt_ms, fmt_pct, fmt_tbps, md_escape, md_table, plural, worst_region
from cablesim._text import esc
from cablesim.engine import metrics
from cablesim.engine.simulate import Result
from cablesim.scenario import Scenario

STATUS_STYLE = {
    "isolated": "bold white on red",
    "severe": "bold red",
    "degraded": "yellow",
    "unaffected": "green",
}


# ------------------------------------------------------------------------------ narrative


def _names(result: Result, codes: list[str], limit: int = 8) -> str:
    names = result.network.country_names
    items = [names.get(c, c) for c in codes]
    if len(items) > limit:
        items = [*items[:limit], f"{len(codes) - limit} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def place_names(places: pd.DataFrame, limit: int = 6) -> str:
    """``"Guningtou and Lake Ci (Taiwan); Maywick (United Kingdom)"`` for cut-off places."""
    items = []
    for r in places.head(limit).itertuples():
        st = list(r.stations)
        shown = st if len(st) <= 3 else [*st[:3], f"{len(st) - 3} more stations"]
        where = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        items.append(f"{where} ({r.name})")
    if len(places) > limit:
        items.append(f"{len(places) - limit} more places")
    return "; ".join(items)


def summary_paragraph(result: Result) -> str:
    """One paragraph saying what the scenario did, computed from the result."""
    s = result.summary()
    c = result.countries
    fc = result.failed_cables
    whole = fc[fc["whole"] & (fc["segments_failed"] > 0)]
    part = fc[~fc["whole"] & (fc["segments_failed"] > 0)]
    deg = fc[fc["segments_failed"] == 0]
    bits = []
    n_links = len(result.failures.links)
    if len(fc) == 0:
        bits.append(
            f"No cable segment failed; {plural(n_links, 'land link')} "
            f"{'was' if n_links == 1 else 'were'} cut."
            if n_links
            else "No cable segment or land link failed."
        )
    else:
        txt = (
            f"{plural(s['segments_failed'], 'segment')} of {plural(len(fc) - len(deg), 'cable')} "
            "failed"
        )
        if len(whole):
            txt += f" ({len(whole)} along {'its' if len(whole) == 1 else 'their'} whole length)"
        if len(part):
            txt += f"; {plural(len(part), 'cable')} lost only part of their route"
        if n_links:
            txt += f", and {plural(n_links, 'land link')} {'was' if n_links == 1 else 'were'} cut"
        bits.append(txt + ".")
        if len(deg):
            bits.append(f"{plural(len(deg), 'cable')} lost part of their capacity.")
    if s["isolated"]:
        bits.append(f"Cut off from the core: {_names(result, s['isolated'])}.")
    else:
        bits.append("No country was cut off from the core.")
    if len(result.cut_off_places):
        bits.append(f"Cut off inside connected countries: {place_names(result.cut_off_places)}.")
    new = c[~c["was_isolated"] & (c["status"].isin(["severe", "degraded"]))]
    if len(new):
        worst = new.sort_values("loss_pct", ascending=False).head(3)
        parts = [f"{r.name} ({r.loss_pct:.0f}%)" for r in worst.itertuples()]
        what = (
            "of their traffic in the first days"
            if result.scenario.measure == "traffic"
            else "of their capacity to the core"
        )
        bits.append(
            f"{plural(len(s['severe']), 'country', 'countries')} lost half or more {what} and "
            f"{len(s['degraded'])} lost 10-50%; the worst hit: {', '.join(parts)}."
        )
    lat = c.dropna(subset=["latency_change_ms"])
    lat = lat[lat["latency_change_ms"] > 1.0].sort_values("latency_change_ms", ascending=False)
    if len(lat):
        r = lat.iloc[0]
        bits.append(
            f"Routes lengthened for {plural(len(lat), 'country', 'countries')}; {r['name']}'s round trip "
            "to the core "
            f"grew from {r['latency_ms_baseline']:.0f} to {r['latency_ms']:.0f} ms."
        )
    bits.append(
        f"In all, {fmt_tbps(s['capacity_lost_tbps'])} Tbps of country-to-core capacity was lost "
        f"across {len(c)} countries in the model"
        + (
            f", and {fmt_tbps(s['traffic_lost_tbps'])} Tbps of traffic (estimated demand) "
            "could no longer be carried in the first days."
            if "traffic_lost_tbps" in s and result.scenario.measure == "traffic"
            else "."
        )
    )
    return " ".join(bits)


# ------------------------------------------------------------------------------ tables


def affected_table(result: Result, *, all_countries: bool = False) -> pd.DataFrame:
    """The countries table as shown in reports (affected only unless ``all_countries``).

    Traffic columns first, then capacity, then latency: no ``loss_pct`` (the headline
    is one of ``loss_pct_immediate`` and ``capacity_loss_pct``, as ``status`` says).
    """
    c = result.countries if all_countries else result.affected
    cols = [
        "iso3",
        "name",
        "status",
        "loss_pct_immediate",
        "loss_pct_rerouted",
        "demand_tbps",
        "served_tbps",
        "capacity_loss_pct",
        "baseline_tbps",
        "remaining_tbps",
        "international_tbps_baseline",
        "international_tbps",
        "latency_ms_baseline",
        "latency_ms",
    ]
    out = c[cols].reset_index(drop=True)
    out.insert(8, "capacity_worst_region", [worst_region(d) for d in c["loss_pct_by_region"]])
    return out


TERMINAL_COLUMNS = (
    "name",
    "status",
    "loss_pct_immediate",
    "loss_pct_rerouted",
    "demand_tbps",
    "capacity_loss_pct",
    "capacity_worst_region",
    "baseline_tbps",
    "remaining_tbps",
    "latency_ms",
)
"""The measures of the terminal's country table, in order (headings from :mod:`cablesim.measures`)."""


def no_country_line(measure: str) -> str:
    """``"No country lost 10% or more of its traffic in the first days"`` (no final stop)."""
    what = _measures.headline(measure).label.replace(" (%)", "").replace(" lost", "")
    return f"No country lost {metrics.DEGRADED_PCT:g}% or more of its {what}"


def to_json(result: Result) -> str:
    """The result as JSON text (:meth:`Result.to_dict`)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_csv(result: Result) -> str:
    """One row per country: the columns of :meth:`Result.to_frame` (one per measure and region)."""
    buf = io.StringIO()
    result.to_frame().to_csv(buf, index=False, float_format="%.6g")
    return buf.getvalue()


def _md_title(scenario: Scenario) -> list[str]:
    """The opening lines of a Markdown report: the scenario's name and description."""
    out = [f"# {md_escape(scenario.name)}", ""]  # names are text, never markup
    if scenario.description:
        out += [md_escape(scenario.description.strip(), multiline=True), ""]
    return out


def _md_closing(warnings: Sequence[str], notes: Sequence[str]) -> list[str]:
    """The closing lines of a Markdown report: warnings (if any), assumptions, data credit."""
    out: list[str] = []
    if warnings:
        out += ["## Warnings", ""] + [f"- {md_escape(w)}" for w in warnings] + [""]
    out += ["## Assumptions", ""] + [f"- {n}" for n in notes]
    out += ["", "Data: TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0), Natural Earth.", ""]
    return out


def columns_note(result: Result) -> str:
    """What the columns of the affected-countries table mean (Markdown report)."""
    return _measures.markdown_glossary(
        list(affected_table(result).columns), headline_of=result.scenario.measure
    )


def to_markdown(result: Result, *, explanation: str | None = None) -> str:
    """A Markdown report: summary, events, failed cables, affected countries, notes."""
    sc = result.scenario
    out = _md_title(sc)
    out += [
        f"Network as of **{result.network.as_of}**"
        + (" (no as_of: the dataset's snapshot)" if sc.as_of is None else "")
        + f"; core: {', '.join(sc.core)}; backhaul: "
        f"{sc.backhaul}.",
        "",
        "## Summary",
        "",
        summary_paragraph(result),
        "",
        "## Events",
        "",
    ]
    for eff in result.failures.effects:
        out.append(
            f"- {md_escape(eff.event.label)}: {plural(len(eff.segments), 'segment')}"
            + (f", {plural(len(eff.links), 'land link')}" if eff.links else "")
        )
    out += ["", "## Failed cables", ""]
    if len(result.failed_cables):
        out.append(md_table(result.failed_cables))
    else:
        out.append("None.")
    out += ["", "## Affected countries", "", columns_note(result), ""]
    aff = affected_table(result)
    out.append(md_table(aff) if len(aff) else "None.")
    if len(result.cut_off_places):
        places = result.cut_off_places.assign(
            stations=result.cut_off_places["stations"].map(", ".join)
        )[["iso3", "name", "n_stations", "stations"]]
        out += ["", "## Places cut off inside connected countries", "", md_table(places)]
    if explanation:
        out += ["", "## Explanation", "", explanation]
    out += ["", *_md_closing(result.warnings, result.notes)]
    return "\n".join(out)


def render_terminal(
    result: Result,
    *,
    console=None,
    all_countries: bool = False,
    limit: int = 40,
    assumptions: bool = True,
) -> None:
    """Print a readable report with rich (plain text when not a terminal).

    ``assumptions=False`` (``cablesim run --quiet``) leaves out the assumptions block; it
    stays in every file written.
    """
    con = console or Console()
    sc = result.scenario
    con.print(
        f"[bold]{esc(sc.name)}[/bold]  (network as of {result.network.as_of}"
        + (" (no as_of: the dataset's snapshot)" if sc.as_of is None else "")
        + f", core {esc(', '.join(sc.core))}, backhaul {esc(sc.backhaul)})"
    )
    if sc.description:
        con.print(esc(sc.description.strip()), style="dim")
    con.print()
    con.print("[bold]Events[/bold]")
    for eff in result.failures.effects:
        con.print(
            f"  • {esc(eff.event.label)}: {plural(len(eff.segments), 'segment')} failed"
            + (f", {plural(len(eff.links), 'land link')}" if eff.links else "")
        )
    for w in result.warnings:
        con.print(f"  [yellow]! {esc(w)}[/yellow]")
    if len(result.failed_cables):
        t = Table(title="Failed cables", title_justify="left", show_edge=False)
        head = "lit Tbps (est.)" if result.network.capacity_basis == "lit" else "Tbps"
        cols = ("cable", "segments failed", head, "design Tbps")
        for col in cols:
            t.add_column(col, justify="right" if col != "cable" else "left")
        for r in result.failed_cables.head(limit).itertuples():
            seg = f"{r.segments_failed}/{r.segments_total}"
            if r.degraded_to_pct is not None and not (
                isinstance(r.degraded_to_pct, float) and math.isnan(r.degraded_to_pct)
            ):
                seg += f" (capacity to {r.degraded_to_pct:g}%)"
            t.add_row(esc(r.name), seg, fmt_tbps(r.capacity_tbps), fmt_tbps(r.design_tbps))
        con.print()
        con.print(t)
    aff = affected_table(result, all_countries=all_countries)
    con.print()
    if len(aff):
        head = _measures.headline(result.scenario.measure)
        t = Table(
            title=f"{'Countries' if all_countries else 'Affected countries'} (status from "
            f"{head.label.replace(' (%)', '')}; capacity = capacity to the core within the "
            "country's route corridor, as if every cable were its own: compare with its "
            "traffic)",
            title_justify="left",
            show_edge=False,
        )
        for key in TERMINAL_COLUMNS:
            col = _measures.short(key)
            t.add_column(
                col,
                justify="left" if key in ("name", "status") else "right",
                no_wrap=key in ("name", "status"),
            )
        for r in aff.head(limit).itertuples():
            t.add_row(
                esc(f"{r.name} ({r.iso3})"),
                f"[{STATUS_STYLE[r.status]}]{r.status}[/]",
                fmt_pct(r.loss_pct_immediate),  # "–" where the traffic model did not run
                fmt_pct(r.loss_pct_rerouted),
                fmt_tbps(r.demand_tbps),
                fmt_pct(r.capacity_loss_pct),
                esc(r.capacity_worst_region),
                fmt_tbps(r.baseline_tbps),
                fmt_tbps(r.remaining_tbps),
                fmt_ms(r.latency_ms),
            )
        con.print(t)
        if len(aff) > limit:
            con.print(f"  … and {len(aff) - limit} more (use -o FILE.csv for all)", style="dim")
    else:
        con.print(no_country_line(result.scenario.measure) + ".")
    con.print()
    con.print("[bold]Summary[/bold]")
    con.print(esc(summary_paragraph(result)))
    if not assumptions:
        return
    con.print()
    con.print("[bold]Assumptions[/bold]", style="dim")
    for n in result.notes:
        con.print(f"  - {esc(n)}", style="dim")
