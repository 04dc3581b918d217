"""The validation report of the history suite (the body of ``docs/validation.md``)."""

from __future__ import annotations

from cablesim._format import fmt_pct_whole
from cablesim.analyses.history import (
    BANDS,
    SEVERITY_CLASSES,
    TARGETS,
    HistoryReport,
    table_correlation,
)

START, END = "<!-- scores:start -->", "<!-- scores:end -->"
"""Markers around the generated scores in ``docs/validation.md``."""


def to_markdown(report: HistoryReport) -> str:
    """The validation report as Markdown (the body of ``docs/validation.md``)."""
    out = [
        "## Scores",
        "",
        f"**{report.summary_line()}.**",
        "",
        "| incident | date | reported facts in band | cut-off hit | calm where absorbed | "
        "false isolations | ordering |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in report.events:
        hit, n_cut = e.cut_off_hits
        calm = ("yes" if e.calm else "**no**") if e.calm_expected else "–"
        out.append(
            f"| {e.scenario.name} | {e.result.network.as_of} | {e.in_band} of {len(e.table)} | "
            f"{f'{hit} of {n_cut}' if n_cut else '–'} | {calm} | "
            f"{', '.join(e.false_alarms) or 'none'} | "
            f"{'–' if e.ordering is None else f'{e.ordering:.0%}'} |"
        )
    if report.not_scored:
        out += ["", "Not replayed (nothing of theirs in the network at their date):", ""]
        out += [f"- {eid}: {why}" for eid, why in report.not_scored]
    for e in report.events:
        toward = e.metric_toward
        extra = f" table | model loss toward {toward} |" if toward else ""
        out += [
            "",
            f"### {e.scenario.name}",
            "",
            "| country | reported | band | model loss | capacity lost worst toward | model status | "
            "agrees |" + extra,
            "|---|---|---|---:|---|---|---|" + ("---:|---:|" if toward else ""),
        ]
        for r in e.table.itertuples():
            cells = ""
            if toward:
                cells = f" {fmt_pct_whole(r.metric)} | {fmt_pct_whole(r.model_loss_toward_pct)} |"
            out.append(
                f"| {r.name} ({r.iso3}) | {r.severity} | {r.band} | {fmt_pct_whole(r.model_loss_pct)} | "
                f"{r.model_worst_toward} | {r.model_status} | "
                f"{'yes' if r.in_band else '**no**'} |" + cells
            )
        whole = table_correlation(e.table, "model_loss_pct")
        if toward and e.rank_correlation is not None and whole is not None:
            out += [
                "",
                f"The table counts one carrier's traffic with each country, so it is compared "
                f"with each country's traffic toward {toward} in the first days: rank "
                f"correlation {e.rank_correlation:+.2f} (with the countries' whole traffic, "
                f"{whole:+.2f}).",
            ]
        others = e.result.affected
        others = others[~others["iso3"].isin(e.table["iso3"])]
        if len(others):
            listed = ", ".join(f"{r.iso3} {r.loss_pct:.0f}%" for r in others.head(12).itertuples())
            out += [
                "",
                f"Also hit in the model, not in the sources: {listed}"
                + (f" and {len(others) - 12} more" if len(others) > 12 else "")
                + ".",
            ]
    misses = [(e, r) for e in report.events for r in e.table.itertuples() if not r.in_band]
    if misses:
        out += [
            "",
            "## Misses",
            "",
            "One line per reported fact outside its band: the headline (first days), the "
            "rerouted horizon and the capacity loss, to show which part of the model misses.",
            "",
        ]
        for e, r in misses:
            out.append(
                f"- {e.scenario.name}: {r.name} ({r.iso3}) reported {r.severity} ({r.band}); "
                f"model {fmt_pct_whole(r.model_loss_pct)} {r.model_status} in the first days, "
                f"{fmt_pct_whole(r.model_loss_rerouted_pct)} rerouted, "
                f"capacity loss {fmt_pct_whole(r.model_capacity_loss_pct)}: {_why(r)}."
            )
    if report.fit is not None:
        out += ["", fit_markdown(report.fit).rstrip("\n")]
    if report.sensitivity:
        out += [
            "",
            "## Sensitivity to the utilization parameter",
            "",
            "The history suite rerun with the demand level set for other mean utilizations "
            "(`cablesim.engine.demand.UTILIZATION`; the peak cap scales with it, 2x the mean). "
            "The level reached is lower when every country hits its cap first.",
            "",
            "| target utilization | reached (default network) | facts in band | cut-off hit | "
            "calm where absorbed | false isolations | ordering |",
            "|---:|---:|---|---|---|---|---|",
        ]
        for u, reached, summ in report.sensitivity:
            order = summ["mean_ordering"]
            out.append(
                f"| {u:.1%} | {reached:.1%} | {summ['in_band']} of {summ['reported_facts']} | "
                f"{summ['cut_off_hits']} of {summ['cut_off_reported']} | {summ['absorbed_calm']} "
                f"of {summ['absorbed_events']} | {summ['false_alarms']} | "
                f"{'–' if order is None else f'{order:.0%}'} |"
            )
    return "\n".join(out) + "\n"


def _why(r) -> str:
    """Which part of the model a miss comes from, read off its three figures."""
    loss, cap = r.model_loss_pct, r.model_capacity_loss_pct
    if r.model_status == "not in model":
        return "the country is not in the model"
    if loss > BANDS[r.severity][1]:
        if cap != cap or cap < 5:
            return (
                "too high: its circuits ride routes the cut crosses while its capacity to "
                "the core hardly falls (baseline routes through the cut: route choice, or "
                "transit bought from a hit neighbour)"
            )
        return (
            "too high: the traffic of its broken circuits is lost but for the protected "
            "share (its operators restored more, or held capacity the model does not see)"
        )
    if loss > 0 and loss < 5:
        return "too low: most of its circuits survive or are protected"
    if cap == cap and cap < 1 and loss < 5:
        return (
            "the cut does not reach its routes in the model (cut placed on a branch, or its "
            "traffic rides cables and land links the cut spares; regional hubs and "
            "congestion of others' capacity are not modelled)"
        )
    if loss < 5:
        return (
            "its capacity falls, but on routes it did not buy its circuits on (beyond their "
            "far-end cities, restored in part by the hubs' carriers, or routes not in its "
            "baseline)"
        )
    return "too low: part of its circuits survive on other systems"


def fit_markdown(fit) -> str:
    """The fit's section of the validation report (also ``cablesim history --fit``)."""

    def cell(s: dict) -> str:
        return "–" if s["rate"] is None else f"{s['hit']} of {s['of']} ({s['rate']:.0%})"

    out = [
        "## The fit: in-sample and leave-one-incident-out",
        "",
        "Fitted on a grid (`cablesim.analyses.history.FIT_GRID`), every point scored on "
        "every incident; objective: the mean of the four class hit rates, averaged over "
        "each grid point and its neighbours (the rank correlation with the per-country "
        "table is reported, not fitted to). "
        "Cross-validated: each incident scored with the parameters fitted on the others. "
        f"Fitted: {', '.join(f'`{k}`' for k in fit.names)}; the other parameters of the rule "
        "are sourced (their sensitivity is shown all the same).",
        "",
        "| | " + " | ".join(SEVERITY_CLASSES) + " | rank correlation (per-country table) | "
        "absorbed incidents calm | false isolations |",
        "|---|" + "---|" * (len(SEVERITY_CLASSES) + 3),
        "| target | "
        + " | ".join(f"≥ {TARGETS[k]:.0%}" for k in SEVERITY_CLASSES)
        + " | ≥ 0.5 | – | ≤ 3 |",
    ]
    for label, s in (("in-sample", fit.in_sample), ("cross-validated", fit.cross_validated)):
        rho = "–" if s["rank_correlation"] is None else f"{s['rank_correlation']:+.2f}"
        calm = s["absorbed_incidents_calm"]
        out.append(
            f"| {label} | "
            + " | ".join(cell(s[k]) for k in SEVERITY_CLASSES)
            + f" | {rho} | {calm[0]} of {calm[1]} | {s['false_isolations']} |"
        )
    out += [
        "",
        "| parameter | fitted (all incidents) | folds: min | max | std |",
        "|---|---:|---:|---:|---:|",
    ]
    for k, v in fit.spread().items():
        out.append(f"| `{k}` | {v['fitted']:g} | {v['min']:g} | {v['max']:g} | {v['std']:g} |")
    for k, rows in fit.sensitivity.items():
        out += [
            "",
            f"Sensitivity to `{k}` ({'fitted' if k in fit.names else 'sourced, not fitted'}; "
            "the others at their fitted or sourced values, in-sample):",
            "",
            "| value | " + " | ".join(SEVERITY_CLASSES) + " | rank correlation | objective |",
            "|---:|" + "---|" * (len(SEVERITY_CLASSES) + 2),
        ]
        for v, s in rows:
            rho = "–" if s["rank_correlation"] is None else f"{s['rank_correlation']:+.2f}"
            out.append(
                f"| {v:g} | "
                + " | ".join(cell(s[c]) for c in SEVERITY_CLASSES)
                + f" | {rho} | {s['objective']:.3f} |"
            )
    return "\n".join(out) + "\n"


def update_markdown(report: HistoryReport, existing: str | None) -> str:
    """Put the generated scores into ``existing`` between the score markers.

    Text outside the markers (the written analysis) is kept; without markers
    (or no existing text) the result is the scores alone, between markers.
    """
    block = f"{START}\n{to_markdown(report)}{END}"
    if existing and START in existing and END in existing:
        head, rest = existing.split(START, 1)
        _, tail = rest.split(END, 1)
        return head + block + tail
    return block + "\n"
