"""Reports of a result: terminal, JSON, CSV, Markdown, and the plain-language summary.

A report only consumes a :class:`~cablesim.simulate.Result`; it computes nothing
new about the network. Files are written atomically and never over an input.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from cablesim.exceptions import OutputError
from cablesim.scenario import Scenario
from cablesim.simulate import Result

STATUS_STYLE = {
    "isolated": "bold white on red",
    "severe": "bold red",
    "degraded": "yellow",
    "unaffected": "green",
}


# ------------------------------------------------------------------------------ writing files


def _scenario_file(scenario: Scenario) -> list[str]:
    """The scenario's own file, which no output may overwrite (none for a dict or a string)."""
    return [] if scenario.source in ("<dict>", "<string>") else [scenario.source]


def _refuse_inputs(target: Path, protect: Iterable[str | os.PathLike[str]]) -> None:
    for p in protect:
        try:
            same = target.exists() and Path(p).exists() and target.resolve() == Path(p).resolve()
        except OSError:
            continue
        if same:
            raise OutputError(f"refusing to overwrite the input file {target}")


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename).

    Parameters
    ----------
    path
        Target file.
    data
        Text (written as UTF-8) or bytes.
    protect
        Input files that must never be overwritten (e.g. the scenario file).

    Raises
    ------
    OutputError
        If ``path`` is one of ``protect``, is a directory, or cannot be written.
    """
    from cablesim import _safeio

    return _safeio.write_atomic(path, data, inputs=protect)


# ------------------------------------------------------------------------------ narrative


def plural(n: int, word: str, words: str | None = None) -> str:
    """``"1 segment"``, ``"2 segments"``."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def _fmt_tbps(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:,.1f}"
    return f"{v:.3g}"


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
    if len(fc) == 0:
        bits.append("No cable segment or land link failed.")
    else:
        txt = (
            f"{plural(s['segments_failed'], 'segment')} of {plural(len(fc) - len(deg), 'cable')} "
            "failed"
        )
        if len(whole):
            txt += f" ({len(whole)} along {'its' if len(whole) == 1 else 'their'} whole length)"
        if len(part):
            txt += f"; {plural(len(part), 'cable')} lost only part of their route"
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
        bits.append(
            f"{plural(len(s['severe']), 'country', 'countries')} lost half or more of their capacity "
            "to the core and "
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
        f"In all, {_fmt_tbps(s['capacity_lost_tbps'])} Tbps of country-to-core capacity was lost "
        f"across {len(c)} countries in the model."
    )
    return " ".join(bits)


# ------------------------------------------------------------------------------ tables


def affected_table(result: Result, *, all_countries: bool = False) -> pd.DataFrame:
    """The countries table as shown in reports (affected only unless ``all_countries``)."""
    c = result.countries if all_countries else result.affected
    cols = [
        "iso3",
        "name",
        "status",
        "loss_pct",
        "baseline_tbps",
        "remaining_tbps",
        "international_tbps_baseline",
        "international_tbps",
        "latency_ms_baseline",
        "latency_ms",
    ]
    out = c[cols].reset_index(drop=True)
    out.insert(4, "worst_region", [worst_region(d) for d in c["loss_pct_by_region"]])
    return out


def worst_region(losses: dict[str, float]) -> str:
    """``"Europe 36%"``: the core region toward which a country lost most ('' when none)."""
    if not losses:
        return ""
    region = max(losses, key=lambda r: (losses[r], r))
    return f"{region} {losses[region]:.0f}%" if losses[region] > 0 else ""


def to_json(result: Result) -> str:
    """The result as JSON text (:meth:`Result.to_dict`)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def to_csv(result: Result) -> str:
    """One row per country, every metric column."""
    buf = io.StringIO()
    c = result.countries.drop(columns="loss_pct_by_region")
    by_region = pd.DataFrame(list(result.countries["loss_pct_by_region"]), index=c.index)
    by_region.columns = [f"loss_pct_to_{r.lower().replace(' ', '_')}" for r in by_region.columns]
    pd.concat([c, by_region], axis=1).to_csv(buf, index=False, float_format="%.6g")
    return buf.getvalue()


def _md_table(df: pd.DataFrame) -> str:
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "–"
        if isinstance(v, float):
            return f"{v:,.2f}"
        return str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def _md_title(scenario: Scenario) -> list[str]:
    """The opening lines of a Markdown report: the scenario's name and description."""
    out = [f"# {scenario.name}", ""]
    if scenario.description:
        out += [scenario.description.strip(), ""]
    return out


def _md_closing(warnings: Sequence[str], notes: Sequence[str]) -> list[str]:
    """The closing lines of a Markdown report: warnings (if any), assumptions, data credit."""
    out: list[str] = []
    if warnings:
        out += ["## Warnings", ""] + [f"- {w}" for w in warnings] + [""]
    out += ["## Assumptions", ""] + [f"- {n}" for n in notes]
    out += ["", "Data: TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0), Natural Earth.", ""]
    return out


def to_markdown(result: Result, *, explanation: str | None = None) -> str:
    """A Markdown report: summary, events, failed cables, affected countries, notes."""
    sc = result.scenario
    out = _md_title(sc)
    out += [
        f"Network as of **{result.network.as_of}**; core: {', '.join(sc.core)}; backhaul: "
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
            f"- {eff.event.label}: {plural(len(eff.segments), 'segment')}"
            + (f", {plural(len(eff.links), 'land link')}" if eff.links else "")
        )
    out += ["", "## Failed cables", ""]
    if len(result.failed_cables):
        out.append(_md_table(result.failed_cables))
    else:
        out.append("None.")
    out += ["", "## Affected countries", ""]
    aff = affected_table(result)
    out.append(_md_table(aff) if len(aff) else "None.")
    if len(result.cut_off_places):
        places = result.cut_off_places.assign(
            stations=result.cut_off_places["stations"].map(", ".join)
        )[["iso3", "name", "n_stations", "stations"]]
        out += ["", "## Places cut off inside connected countries", "", _md_table(places)]
    if explanation:
        out += ["", "## Explanation", "", explanation]
    out += ["", *_md_closing(result.warnings, result.notes)]
    return "\n".join(out)


def render_terminal(
    result: Result, *, console=None, all_countries: bool = False, limit: int = 40
) -> None:
    """Print a readable report with rich (plain text when not a terminal)."""
    from rich.console import Console
    from rich.table import Table

    from cablesim._text import esc

    con = console or Console()
    sc = result.scenario
    con.print(
        f"[bold]{esc(sc.name)}[/bold]  (network as of {result.network.as_of}, "
        f"core {', '.join(sc.core)}, backhaul {sc.backhaul})"
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
            t.add_row(esc(r.name), seg, _fmt_tbps(r.capacity_tbps), _fmt_tbps(r.design_tbps))
        con.print()
        con.print(t)
    aff = affected_table(result, all_countries=all_countries)
    con.print()
    if len(aff):
        t = Table(
            title=f"{'Countries' if all_countries else 'Affected countries'} (capacity to the core)",
            title_justify="left",
            show_edge=False,
        )
        for col in (
            "country",
            "status",
            "loss %",
            "worst toward",
            "before Tbps",
            "after Tbps",
            "intl Tbps after",
            "RTT ms before",
            "RTT ms after",
        ):
            t.add_column(col, justify="left" if col in ("country", "status") else "right")
        for r in aff.head(limit).itertuples():
            t.add_row(
                esc(f"{r.name} ({r.iso3})"),
                f"[{STATUS_STYLE[r.status]}]{r.status}[/]",
                f"{r.loss_pct:.1f}",
                esc(r.worst_region),
                _fmt_tbps(r.baseline_tbps),
                _fmt_tbps(r.remaining_tbps),
                _fmt_tbps(r.international_tbps),
                _fmt_ms(r.latency_ms_baseline),
                _fmt_ms(r.latency_ms),
            )
        con.print(t)
        if len(aff) > limit:
            con.print(f"  … and {len(aff) - limit} more (use -o FILE.csv for all)", style="dim")
    else:
        con.print("No country lost 10% or more of its capacity to the core.")
    con.print()
    con.print("[bold]Summary[/bold]")
    con.print(esc(summary_paragraph(result)))
    con.print()
    con.print("[bold]Assumptions[/bold]", style="dim")
    for n in result.notes:
        con.print(f"  - {esc(n)}", style="dim")


def _fmt_ms(v: float) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.0f}"


def write_result(
    result: Result, path: str | os.PathLike[str], *, explanation: str | None = None
) -> Path:
    """Write the result to ``path`` as JSON, CSV or Markdown by its suffix (atomically).

    Never overwrites the scenario file the result came from.
    """
    p = Path(path)
    protect = _scenario_file(result.scenario)
    _refuse_inputs(p, protect)
    suffix = p.suffix.lower()
    if suffix == ".json":
        text = to_json(result)
    elif suffix == ".csv":
        text = to_csv(result)
    elif suffix in (".md", ".markdown"):
        text = to_markdown(result, explanation=explanation)
    else:
        raise OutputError(
            f"{p}: unknown output format {suffix or '(none)'!r}; use .json, .csv or .md"
        )
    return write_atomic(p, text, protect=protect)


def write_html(result: Result, path: str | os.PathLike[str]) -> Path:
    """Write a self-contained HTML report of ``result`` (see :mod:`cablesim._html`)."""
    from cablesim import _html

    protect = _scenario_file(result.scenario)
    return write_atomic(path, _html.render(result), protect=protect)
