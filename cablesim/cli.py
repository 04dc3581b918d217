"""The ``cablesim`` command: a thin shell over the Python API.

Exit codes: 0 success, 2 bad input (scenario, arguments, names), 1 internal
error, 130 interrupted. No traceback without ``--debug``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from cablesim.exceptions import CableSimError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Group(click.Group):
    """Runs commands with cablesim's error policy."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = ctx.params.get("debug") or (ctx.obj or {}).get("debug")
        from cablesim._safeio import guard_inputs

        try:
            with guard_inputs():  # no output may overwrite a file the command read
                return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except CableSimError as exc:
            if debug:
                raise
            _error(str(exc))
            ctx.exit(EXIT_INPUT)
        except KeyboardInterrupt:
            _error("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            ctx.exit(EXIT_OK)
        except Exception as exc:
            if debug:
                raise
            _error(
                f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)"
            )
            ctx.exit(EXIT_INTERNAL)


def _error(msg: str) -> None:
    from cablesim._text import clean

    click.secho(f"error: {clean(msg)}", fg="red", err=True)


def _console():
    from cablesim._text import console as Console

    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 120)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Use the dataset in DIR (e.g. one made by 'cablesim data import-telegeography'); "
    "same as CABLESIM_DATA=DIR.",
)
@click.version_option(package_name="cablesim")
@click.pass_context
def cli(ctx: click.Context, debug: bool, data_dir: str | None) -> None:
    """cablesim: what happens to whom if submarine cables are cut."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if data_dir is not None:
        _use_data(ctx, data_dir)


def _use_data(ctx: click.Context, data_dir: str) -> None:
    """Point CABLESIM_DATA at ``data_dir`` for this command (restored afterwards, caches cleared)."""
    import os

    from cablesim import dataset, network

    previous = os.environ.get("CABLESIM_DATA")
    os.environ["CABLESIM_DATA"] = str(dataset.data_dir(data_dir))
    network._load_network_cached.cache_clear()  # keyed without the directory

    def restore() -> None:
        if previous is None:
            os.environ.pop("CABLESIM_DATA", None)
        else:
            os.environ["CABLESIM_DATA"] = previous
        network._load_network_cached.cache_clear()

    ctx.call_on_close(restore)


# ------------------------------------------------------------------------------ run / check


def _load(scenario: str):
    from cablesim.scenario import find_scenario, load_scenario

    return load_scenario(find_scenario(scenario))


@cli.command()
@click.argument("scenario")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    multiple=True,
    help="Write the result to FILE (.json, .csv or .md by suffix). Repeatable.",
)
@click.option(
    "--all", "all_countries", is_flag=True, help="List every country, not only the affected."
)
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False),
    help="Draw the impact map to FILE (.png, .svg or .pdf).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False),
    help="Write a self-contained HTML report to FILE.",
)
@click.option(
    "--plot",
    "plot_file",
    type=click.Path(dir_okay=False),
    help="Timelines: chart of the worst-hit countries' capacity over time.",
)
@click.option("--dpi", type=click.IntRange(30, 1200), default=None, help="Map resolution.")
@click.option("--size", default=None, help="Map size in inches, WIDTHxHEIGHT (e.g. 16x9).")
@click.option(
    "--region",
    default=None,
    help="Zoom the map: a named region (middle-east, west-africa...) or lon0,lat0,lon1,lat1.",
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
) -> None:
    """Run SCENARIO (a file, or the name of a bundled scenario such as alexandria-2008)."""
    from cablesim import report
    from cablesim.simulate import simulate

    sc = _load(scenario)
    map_opts = {"dpi": dpi, "size": size, "region": region}
    if "compare" in sc.document:
        click.echo(
            f"note: {scenario} has a compare: block; this runs its first side only "
            f"(`cablesim compare {scenario}` runs both)",
            err=True,
        )
    if sc.is_timeline:
        from cablesim import timeline

        timeline.run_cli(
            sc,
            as_json=as_json,
            output=output,
            plot_file=plot_file,
            map_file=map_file,
            html_file=html_file,
            map_options=map_opts,
            console=_console(),
        )
        return
    if plot_file:
        raise CableSimError("--plot is for timelines (events with 'at' or 'repair_days')")
    result = simulate(sc)
    for out in output:
        explanation = None
        if out.lower().endswith((".md", ".markdown")):
            from cablesim.explain import explain

            explanation = explain(result)
        path = report.write_result(result, out, explanation=explanation)
        click.echo(f"wrote {path}", err=True)
    if map_file:
        from cablesim import maps

        click.echo(f"wrote {maps.save_impact_map(result, map_file, **map_opts)}", err=True)
    if html_file:
        click.echo(f"wrote {report.write_html(result, html_file)}", err=True)
    if as_json:
        click.echo(report.to_json(result), nl=False)
    else:
        report.render_terminal(result, console=_console(), all_countries=all_countries)


@cli.command()
@click.argument("scenario", nargs=-1, required=True)
def check(scenario: tuple[str, ...]) -> None:
    """Validate SCENARIO files without running them."""
    from cablesim._text import clean
    from cablesim.exceptions import ScenarioError
    from cablesim.report import plural

    problems = []
    for s in scenario:
        try:
            sc = _load(s)
            click.echo(
                clean(
                    f"ok: {sc.source}: {sc.name!r}, {plural(len(sc.events), 'event')}"
                    + (f", as of {sc.as_of}" if sc.as_of else "")
                )
            )
        except CableSimError as exc:  # go on: every file is checked and reported
            problems.append(str(exc))
    if problems:
        raise ScenarioError([p for msg in problems for p in (msg.split("\n  ")[1:] or [msg])])


# ------------------------------------------------------------------------------ data


@cli.group(cls=_Group)
def data() -> None:
    """The bundled dataset: info and validation."""


@data.command("info")
@click.option("--json", "as_json", is_flag=True)
def data_info(as_json: bool) -> None:
    """Counts and provenance of the dataset."""
    from cablesim import dataset

    m = dataset.manifest()
    counts = m["counts"]
    info = {
        "cables": counts["cables"],
        "landing_points": counts["landing_points"],
        "segments": counts["segments"],
        "countries": counts["countries"],
        "countries_with_landing_points": m["countries_with_landing_points"],
        "chokepoints": counts["chokepoints"],
        "terrestrial_links": counts["terrestrial_links"],
        "branching_units": counts["branching_units"],
        "snapshot_date": m["snapshot_date"],
        "licence": m["licence"],
        "sources": m["sources"],
        "inferred_share": m["inferred_share"],
        "built": m["built"],
        "data_dir": str(dataset.data_dir()),
    }
    if as_json:
        _echo_json(info)
        return
    click.echo(f"cablesim dataset in {info['data_dir']} (built {info['built']})")
    for k in (
        "cables",
        "landing_points",
        "segments",
        "branching_units",
        "countries",
        "countries_with_landing_points",
        "chokepoints",
        "terrestrial_links",
    ):
        click.echo(f"  {k.replace('_', ' '):<32}{info[k]:>8,}")
    click.echo(f"  inferred share of route length   {info['inferred_share']:>8.2%}")
    click.echo(f"snapshot: TeleGeography, {info['snapshot_date']}; licence: {info['licence']}")
    for v in info["sources"].values():
        click.echo(f"  - {v}")


@data.command("build")
@click.option(
    "--source",
    default="../shared/data",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The raw-data directory.",
)
@click.option(
    "--out",
    default="data",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to write the dataset.",
)
@click.option("--quiet", is_flag=True, help="Do not print the build log.")
def data_build(source: str, out: str, quiet: bool) -> None:
    """Derive the dataset from the raw sources (TeleGeography, Natural Earth, capacities)."""
    from cablesim import dataset

    info = dataset.build(source, out, echo=None if quiet else click.echo)
    click.echo(
        f"wrote {out}: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in info["counts"].items())
    )
    if info["validation_problems"]:
        for p in info["validation_problems"]:
            click.secho(f"FAIL {p}", fg="red")
        sys.exit(EXIT_INTERNAL)


@data.command("validate")
def data_validate() -> None:
    """Run every integrity check; exit 1 listing each failure."""
    from cablesim import dataset

    problems = dataset.validate()
    if problems:
        for p in problems:
            click.secho(f"FAIL {p}", fg="red")
        click.echo(f"{len(problems)} problems")
        sys.exit(EXIT_INTERNAL)
    m = dataset.manifest()
    click.echo(
        f"ok: {m['counts']['cables']} cables, {m['counts']['segments']} segments, "
        f"{m['counts']['landing_points']} landing points: every check passed"
    )


# ------------------------------------------------------------------------------ cables


@cli.command()
@click.option("--country", help="ISO3 code or name: cables landing there.")
@click.option("--search", help="Text in the cable's id or name.")
@click.option("--as-of", "as_of", help="Date (YYYY-MM-DD) or year; default the snapshot.")
@click.option("--json", "as_json", is_flag=True)
def cables(country: str | None, search: str | None, as_of: str | None, as_json: bool) -> None:
    """List cables in service (optionally by country or text)."""
    from cablesim.network import load_network

    net = load_network(as_of)
    df = net.cables
    if country:
        iso = net.resolve_country(country)
        lps = net.landing_points
        ids = set(lps.loc[lps["iso3"] == iso, "landing_point_id"])
        segs = net.segments
        on = set(segs.loc[segs["from_node"].isin(ids) | segs["to_node"].isin(ids), "cable_id"])
        df = df[df["cable_id"].isin(on)]
    if search:
        s = search.lower()
        df = df[
            df["cable_id"].str.lower().str.contains(s, regex=False)
            | df["name"].str.lower().str.contains(s, regex=False)
        ]
    df = df.sort_values("name")
    cols = [
        "cable_id",
        "name",
        "rfs_year",
        "n_landing_points",
        "length_measured_km",
        "capacity_tbps",
        "capacity_basis",
    ]
    if as_json:
        _echo_json(
            [
                {k: (None if v != v else v) for k, v in r.items()}
                for r in df[cols].to_dict("records")
            ]
        )
        return
    from rich.table import Table

    t = Table(show_edge=False)
    for c, j in (
        ("cable", "left"),
        ("id", "left"),
        ("RFS", "right"),
        ("stations", "right"),
        ("km", "right"),
        ("Tbps", "right"),
        ("capacity", "left"),
    ):
        t.add_column(c, justify=j)
    for r in df.itertuples():
        t.add_row(
            r.name,
            r.cable_id,
            str(r.rfs_year or ""),
            str(r.n_landing_points),
            f"{r.length_measured_km:,.0f}",
            f"{r.capacity_tbps:g}",
            r.capacity_basis,
        )
    con = _console()
    con.print(t)
    con.print(f"{len(df)} cables in service at {net.as_of}", style="dim")


@cli.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
def cable(name: str, as_json: bool) -> None:
    """Detail of one cable: landing points, segments, capacity and its source."""
    import pandas as pd

    from cablesim import dataset
    from cablesim.network import filter_network

    tables = dataset.load_tables()
    net = filter_network(tables, dataset.SNAPSHOT_DATE, extra_cables=tables["cables"]["cable_id"])
    cid = net.resolve_cable(name)
    row = net.cables[net.cables["cable_id"] == cid].iloc[0]
    segs = net.segments[net.segments["cable_id"] == cid]
    lp = tables["landing_points"].set_index("landing_point_id")
    stations = [
        {"landing_point_id": i, "name": lp.at[i, "name"], "iso3": lp.at[i, "iso3"]}
        for i in row["landing_point_ids"]
    ]
    info = {
        "cable_id": cid,
        "name": row["name"],
        "rfs_year": None
        if row["rfs_year"] is None or row["rfs_year"] != row["rfs_year"]
        else int(row["rfs_year"]),
        "planned": bool(row["planned"]),
        "owners": list(row["owners"]),
        "length_stated_km": None
        if row["length_stated_km"] != row["length_stated_km"]
        else row["length_stated_km"],
        "length_measured_km": float(row["length_measured_km"]),
        "capacity_tbps": float(row["design_tbps"]),
        "capacity_basis": row["capacity_basis"],
        "capacity_source": row["capacity_source"],
        "lit_tbps_stated": None
        if pd.isna(row["lit_capacity_tbps"])
        else float(row["lit_capacity_tbps"]),
        "lit_year_stated": None
        if pd.isna(row["lit_capacity_year"])
        else int(row["lit_capacity_year"]),
        "lit_tbps_estimated": float(row["capacity_tbps"]),
        # a cable planned at the snapshot is estimated as lit on its first day
        "lit_estimated_as_of": str(
            max(net.as_of, row["rfs_date"]) if pd.notna(row["rfs_date"]) else net.as_of
        ),
        "landing_points": stations,
        "segments": [
            {
                "segment_id": s.segment_id,
                "from": s.from_node,
                "to": s.to_node,
                "length_km": float(s.length_km),
                "inferred": bool(s.inferred),
            }
            for s in segs.itertuples()
        ],
    }
    if as_json:
        _echo_json(info)
        return
    click.secho(f"{info['name']} ({cid})", bold=True)
    click.echo(
        f"  ready for service: {info['rfs_year'] or 'unknown'}"
        + ("  (planned at snapshot)" if info["planned"] else "")
    )
    click.echo(
        f"  length: {info['length_measured_km']:,.0f} km measured"
        + (f", {info['length_stated_km']:,.0f} km stated" if info["length_stated_km"] else "")
    )
    click.echo(
        f"  design capacity: {info['capacity_tbps']:g} Tbps ({info['capacity_basis']}): "
        f"{info['capacity_source']}"
    )
    stated = (
        f"; stated lit {info['lit_tbps_stated']:g} Tbps"
        + (f" in {info['lit_year_stated']}" if info["lit_year_stated"] else "")
        if info["lit_tbps_stated"] is not None
        else ""
    )
    click.echo(
        f"  lit capacity (model estimate) on {info['lit_estimated_as_of']}: "
        f"{info['lit_tbps_estimated']:g} Tbps{stated}"
    )
    if info["owners"]:
        click.echo(f"  owners: {', '.join(info['owners'])}")
    click.echo(f"  landing points ({len(stations)}):")
    for s in stations:
        click.echo(f"    {s['iso3']}  {s['name']}  [{s['landing_point_id']}]")
    click.echo(f"  segments ({len(info['segments'])}):")
    for s in info["segments"]:
        click.echo(
            f"    {s['segment_id']:<28} {s['from']} – {s['to']}  {s['length_km']:,.0f} km"
            + ("  (inferred)" if s["inferred"] else "")
        )


# ------------------------------------------------------------------------------ more commands
# Each concern registers its own subcommands from its own module.


def _register() -> None:
    from cablesim import _cli_history, _cli_maps, _cli_plan, _cli_sweep

    for mod in (_cli_maps, _cli_sweep, _cli_history, _cli_plan):
        mod.register(cli)


_register()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    try:
        cli.main(args=argv, prog_name="cablesim", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return EXIT_OK
        return code if isinstance(code, int) else EXIT_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
