"""The validation report of the history suite (the body of ``docs/validation.md``)."""

from __future__ import annotations

from cablesim.history import HistoryReport

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
    for e in report.events:
        out += [
            "",
            f"### {e.scenario.name}",
            "",
            "| country | reported | band | model loss | worst toward | model status | agrees |",
            "|---|---|---|---:|---|---|---|",
        ]
        for r in e.table.itertuples():
            loss = "–" if r.model_loss_pct != r.model_loss_pct else f"{r.model_loss_pct:.0f}%"
            out.append(
                f"| {r.name} ({r.iso3}) | {r.severity} | {r.band} | {loss} | {r.model_worst_toward} | "
                f"{r.model_status} | "
                f"{'yes' if r.in_band else '**no**'} |"
            )
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
