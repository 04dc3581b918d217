"""CLI commands for validation against history (``cablesim history``)."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from cablesim import report as rep
from cablesim._format import fmt_pct_whole
from cablesim._text import esc
from cablesim.analyses import history as hist
from cablesim.cli._base import OutputPath, _console, _echo, _echo_json
from cablesim.report.history import fit_markdown, update_markdown


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""

    @cli.command()
    @click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
    @click.option(
        "--dir",
        "directory",
        type=click.Path(file_okay=False, exists=True),
        help="Incident files to score (default: the bundled scenarios/history).",
    )
    @click.option(
        "--markdown",
        "markdown",
        type=OutputPath(),
        help="Write the scores as Markdown into FILE, between its score markers "
        "(text outside them is kept), e.g. docs/validation.md.",
    )
    @click.option(
        "--events",
        "events",
        type=click.Path(dir_okay=False),
        help="Score the incidents of an events file in the schema of the shared "
        "events.yaml instead of the bundled scenarios/history (each incident's named "
        "cables cut near its located cuts, on the network of its date).",
    )
    @click.option(
        "--fit",
        "do_fit",
        is_flag=True,
        help="Fit the first-days parameters on the incidents (coarse grid) and print the "
        "in-sample and leave-one-incident-out cross-validated scores, the fitted values "
        "and their spread, and a sensitivity table per parameter.",
    )
    def history(
        as_json: bool,
        directory: str | None,
        markdown: str | None,
        events: str | None,
        do_fit: bool,
    ) -> None:
        """Replay documented incidents and score the model against what was reported."""
        if events and directory:
            raise click.UsageError("--events and --dir are alternatives; give one")
        report = hist.run_events(events) if events else hist.run_history(directory)
        fitted = hist.fit(report) if (do_fit or markdown) else None
        if markdown:
            target = Path(markdown)
            existing = target.read_text(encoding="utf-8") if target.is_file() else None
            report.fit = fitted
            text = update_markdown(report, existing)
            _echo(f"wrote {rep.write(text, target)}", err=True)
        if as_json:
            out = report.to_dict()
            if fitted is not None:
                out["fit"] = fitted.to_dict()
            _echo_json(out)
            return
        if do_fit and fitted is not None:
            _echo(fit_markdown(fitted))
            return

        con = _console()
        for e in report.events:
            t = Table(
                title=f"{esc(e.scenario.name)} (network as of {e.result.network.as_of})",
                title_justify="left",
                show_edge=False,
            )
            toward = e.metric_toward
            for col, j in (
                ("country", "left"),
                ("reported", "left"),
                ("band", "right"),
                ("model loss", "right"),
                ("capacity lost worst toward", "right"),
                ("model status", "left"),
                ("agrees", "left"),
                *((("table", "right"), (f"loss toward {toward}", "right")) if toward else ()),
            ):
                t.add_column(col, justify=j)
            for r in e.table.itertuples():
                t.add_row(
                    esc(f"{r.name} ({r.iso3})"),
                    esc(r.severity),
                    esc(r.band),
                    fmt_pct_whole(r.model_loss_pct),
                    esc(r.model_worst_toward),
                    esc(r.model_status),
                    "[green]yes[/]" if r.in_band else "[red]no[/]",
                    *(
                        (fmt_pct_whole(r.metric), fmt_pct_whole(r.model_loss_toward_pct))
                        if toward
                        else ()
                    ),
                )
            con.print(t)
            extra = []
            if e.rank_correlation is not None:
                extra.append(
                    f"rank correlation with the table {e.rank_correlation:+.2f}"
                    + (f" (its traffic toward {esc(toward)})" if toward else "")
                )
            if e.calm_expected:
                extra.append(
                    "absorbed by the network: "
                    + ("model calm" if e.calm else "[red]model not calm[/]")
                )
            if e.false_alarms:
                extra.append(f"[red]false isolations: {esc(', '.join(e.false_alarms))}[/]")
            if e.ordering is not None:
                extra.append(f"ordering agreement {e.ordering:.0%}")
            if extra:
                con.print("  " + "; ".join(extra))
            if e.skipped:
                con.print("  [yellow]as replayed:[/] " + esc("; ".join(e.skipped)))
            con.print()
        for eid, why in report.not_scored:
            con.print(f"[yellow]not replayed:[/] {esc(eid)}: {esc(why)}")
        if report.not_scored:
            con.print()
        con.print(f"[bold]Summary:[/bold] {esc(report.summary_line())}.")
