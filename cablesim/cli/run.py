"""``cablesim run`` and ``cablesim check``: one scenario (or a timeline), and validation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from cablesim import maps, report
from cablesim._format import plural
from cablesim.analyses.timeline import simulate_timeline
from cablesim.cli._base import (
    FIGURE_FORMATS,
    RESULT_FORMATS,
    OutputPath,
    _console,
    _echo,
    _echo_json_text,
    _load,
    cli,
)
from cablesim.engine.simulate import scenario_warnings, simulate
from cablesim.exceptions import CableSimError, ScenarioError
from cablesim.report.timeline import render_terminal, to_json
from cablesim.scenario.noop_warnings import default_network_phrase


@cli.command()
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "-o",
    "--output",
    type=OutputPath(*RESULT_FORMATS),
    multiple=True,
    help="Write the result to FILE (.json, .csv, .md, .html, .gpkg or .geojson by suffix). Repeatable.",
)
@click.option(
    "--all", "all_countries", is_flag=True, help="List every country, not only the affected."
)
@click.option(
    "--map",
    "map_file",
    type=OutputPath(*FIGURE_FORMATS),
    help="Draw the impact map to FILE (.png, .svg or .pdf).",
)
@click.option(
    "--html",
    "html_file",
    type=OutputPath(".html", ".htm"),
    help="Write a self-contained HTML report to FILE.",
)
@click.option(
    "--plot",
    "plot_file",
    type=OutputPath(*FIGURE_FORMATS),
    help="Timelines: chart of the worst-hit countries' loss over time (the measure of the tables).",
)
@click.option("--dpi", type=click.IntRange(30, 1200), default=None, help="Map resolution.")
@click.option("--size", default=None, help="Map size in inches, WIDTHxHEIGHT (e.g. 16x9).")
@click.option(
    "--region",
    default=None,
    help="Zoom the map: a named region (middle-east, west-africa...) or lon0,lat0,lon1,lat1.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Leave the assumptions block out of the terminal report (files keep it).",
)
def run(
    scenario: str,
    as_json: bool,
    output: tuple[str, ...],
    all_countries: bool,
    map_file: str | None,
    html_file: str | None,
    plot_file: str | None,
    dpi: int | None,
    size: str | None,
    region: str | None,
    quiet: bool,
) -> None:
    """Run SCENARIO (a file, or the name of a bundled scenario such as alexandria-2008)."""
    sc = _load(scenario)
    map_opts = {"dpi": dpi, "size": size, "region": region}
    if "compare" in sc.document:
        _echo(
            f"note: {scenario} has a compare: block; this runs its first side only "
            f"(`cablesim compare {scenario}` runs both)",
            err=True,
        )
    if sc.is_timeline:
        gis = [o for o in output if Path(o).suffix.lower() in (".gpkg", ".geojson")]
        if gis:
            raise CableSimError(
                f"{gis[0]}: a timeline has no single impact layer; write .json, .csv, .md or "
                ".html (or run one state of it as a scenario)"
            )
        _run_timeline(
            sc,
            as_json=as_json,
            output=output,
            plot_file=plot_file,
            map_file=map_file,
            html_file=html_file,
            map_options=map_opts,
            console=_console(),
            assumptions=not quiet,
        )
        return
    if plot_file:
        raise CableSimError("--plot is for timelines (events with 'at' or 'repair_days')")
    result = simulate(sc)
    for out in output:
        explanation = report.explain(result) if out.lower().endswith((".md", ".markdown")) else None
        path = report.write(result, out, explanation=explanation)
        _echo(f"wrote {path}", err=True)
    if map_file:
        _echo(f"wrote {maps.save_impact_map(result, map_file, **map_opts)}", err=True)
    if html_file:
        _echo(f"wrote {report.write(result, html_file)}", err=True)
    if as_json:
        _echo_json_text(report.to_json(result), nl=False)
    else:
        report.render_terminal(
            result, console=_console(), all_countries=all_countries, assumptions=not quiet
        )


@cli.command()
@click.argument("scenario", nargs=-1, required=True)
def check(scenario: tuple[str, ...]) -> None:
    """Validate SCENARIO files without running them."""
    problems = []
    for s in scenario:
        try:
            sc = _load(s)
            _echo(
                f"ok: {sc.source}: {sc.name!r}, {plural(len(sc.events), 'event')}"
                + (f", as of {sc.as_of}" if sc.as_of else f", as of {default_network_phrase()}")
            )
            for w in scenario_warnings(sc):
                _echo(f"warning: {w}", err=True)
        except CableSimError as exc:  # go on: every file is checked and reported
            problems.append(str(exc))
    if problems:
        raise ScenarioError([p for msg in problems for p in (msg.split("\n  ")[1:] or [msg])])


def _run_timeline(
    sc,
    *,
    as_json: bool = False,
    output: Sequence[str] = (),
    plot_file: str | None = None,
    map_file: str | None = None,
    html_file: str | None = None,
    map_options: Mapping[str, Any] | None = None,
    console=None,
    assumptions: bool = True,
):
    """What ``cablesim run`` does with a timeline scenario (files, then the report)."""
    tl = simulate_timeline(sc)
    opts = dict(map_options or {})
    protect = report.inputs_of(tl)
    for out in output:
        _echo(f"wrote {report.write(tl, out)}", err=True)
    if plot_file:
        maps.check_suffix(plot_file)
        fig, _ = maps.plot_timeline(tl)
        _echo(
            f"wrote {maps.save_figure(fig, plot_file, dpi=opts.get('dpi'), protect=protect)}",
            err=True,
        )
    if map_file:
        maps.check_suffix(map_file)
        region = opts.get("region") or maps.default_region(tl)
        fig, _ = maps.plot_timeline_map(tl, region=region, dpi=opts.get("dpi"))
        _echo(
            f"wrote {maps.save_figure(fig, map_file, dpi=opts.get('dpi'), protect=protect)}",
            err=True,
        )
    if html_file:
        peak = tl.peak
        _echo(
            f"wrote {report.write(peak.result, html_file)} (the state of {peak.start}, the worst)",
            err=True,
        )
    if as_json:
        _echo_json_text(to_json(tl), nl=False)
    else:
        render_terminal(tl, console=console, assumptions=assumptions)
    return tl
