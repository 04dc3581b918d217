"""CLI commands for compare, resilience and data import-telegeography (issue 7)."""

from __future__ import annotations

import click

from cablesim import dataset, maps, report
from cablesim.analyses import plan
from cablesim.cli._base import (
    FIGURE_FORMATS,
    OutputPath,
    _console,
    _echo,
    _echo_json,
    _echo_json_text,
    _load,
    _secho,
)
from cablesim.exceptions import CableSimError
from cablesim.network import load_network
from cablesim.report import compare as rcompare
from cablesim.scenario import DEFAULT_CORE


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""

    @cli.command()
    @click.argument("scenario_a")
    @click.argument("scenario_b", required=False)
    @click.option(
        "--as-of", "as_of", help="Compare with the same scenario on the network of this date."
    )
    @click.option(
        "--add",
        "add",
        multiple=True,
        help="Compare with the same scenario plus this cable (a planned cable id; repeatable).",
    )
    @click.option(
        "--without-add", is_flag=True, help="Compare with the same scenario without its add: list."
    )
    @click.option(
        "--country",
        "countries",
        multiple=True,
        help="Explain this country (ISO3 or name; repeatable).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
    @click.option(
        "-o",
        "--output",
        type=OutputPath(".json", ".csv", ".md", ".markdown"),
        multiple=True,
        help="Write the comparison to FILE (.json, .csv or .md). Repeatable.",
    )
    @click.option(
        "--map",
        "map_file",
        type=OutputPath(*FIGURE_FORMATS),
        help="Draw the map of the difference to FILE (.png, .svg or .pdf).",
    )
    @click.option(
        "--region", default=None, help="Zoom the map: a named region or lon0,lat0,lon1,lat1."
    )
    @click.option("--dpi", type=click.IntRange(30, 1200), default=None, help="Map resolution.")
    def compare(
        scenario_a: str,
        scenario_b: str | None,
        as_of: str | None,
        add: tuple[str, ...],
        without_add: bool,
        countries: tuple[str, ...],
        as_json: bool,
        output: tuple[str, ...],
        map_file: str | None,
        region: str | None,
        dpi: int | None,
    ) -> None:
        """The same events on two networks, side by side per country.

        SCENARIO_B is a second scenario file; or use --as-of / --add / --without-add
        to vary SCENARIO_A, or give SCENARIO_A a compare: block.
        """
        a = _load(scenario_a)
        b = _load(scenario_b) if scenario_b else None
        if b is not None and (as_of or add or without_add):
            raise CableSimError(
                "give either a second scenario or --as-of/--add/--without-add, not both"
            )
        if add and without_add:
            raise CableSimError("give either --add or --without-add")
        add_list = [{"cable": c} for c in add] if add else ([] if without_add else None)
        comp = plan.compare(a, b, as_of=as_of, add=add_list, countries=list(countries) or None)
        for out in output:
            _echo(f"wrote {report.write(comp, out)}", err=True)
        if map_file:
            _echo(
                f"wrote {maps.save_difference_map(comp, map_file, dpi=dpi, region=region)}",
                err=True,
            )
        if as_json:
            _echo_json_text(rcompare.to_json(comp), nl=False)
        else:
            rcompare.render_terminal(comp, console=_console())

    @cli.command()
    @click.argument("country")
    @click.option(
        "--add",
        "candidates",
        multiple=True,
        required=True,
        help="A candidate: a planned cable id, 'LAT,LON;LAT,LON@TBPS' (landing points may also "
        "be ids) or a YAML file with an add: list. Repeatable.",
    )
    @click.option("--as-of", "as_of", help="Network date (default: today, the latest snapshot).")
    @click.option(
        "--core", help="Comma-separated ISO3 codes of the core (default: the standard core)."
    )
    @click.option(
        "--isolation",
        is_flag=True,
        help="Also estimate each candidate's isolation probability (Monte Carlo model, if installed).",
    )
    @click.option("--samples", type=click.IntRange(100, 1_000_000), default=2000, show_default=True)
    @click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=0, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print the ranking as JSON.")
    def resilience(
        country: str,
        candidates: tuple[str, ...],
        as_of: str | None,
        core: str | None,
        isolation: bool,
        samples: int,
        seed: int,
        as_json: bool,
    ) -> None:
        """Rank candidate new cables by how much they reduce COUNTRY's worst single-failure loss."""
        net = load_network(as_of)
        core_codes = (
            tuple(net.resolve_country(c) for c in core.split(",") if c.strip())
            if core
            else DEFAULT_CORE
        )
        res = plan.resilience(
            country,
            list(candidates),
            network=net,
            core=core_codes,
            isolation=isolation,
            samples=samples,
            seed=seed,
        )
        if as_json:
            _echo_json(res.to_dict())
        else:
            rcompare.render_resilience(res, console=_console())

    data_group = cli.commands.get("data")
    if isinstance(data_group, click.Group):

        @data_group.command("import-telegeography")
        @click.argument("directory", type=click.Path(file_okay=False))
        @click.option(
            "--out",
            type=click.Path(file_okay=False),
            default=None,
            help="Dataset directory to write (default: the user data directory).",
        )
        @click.option(
            "--snapshot-date", default=None, help="Date of the copy, YYYY-MM-DD (default: today)."
        )
        @click.option("--quiet", is_flag=True, help="Do not print the build log.")
        @click.option(
            "--force", is_flag=True, help="Write into a non-empty --out that is not a dataset."
        )
        def import_telegeography(
            directory: str, out: str | None, snapshot_date: str | None, quiet: bool, force: bool
        ) -> None:
            """Build a dataset from a newer copy of TeleGeography's cable and landing-point files.

            DIRECTORY holds cable/ and landing-point/ (API v2 layout), or api/v3/... (newer layout).
            Use the result with 'cablesim --data DIR ...' or CABLESIM_DATA=DIR.
            """
            info = dataset.import_telegeography(
                directory,
                out,
                snapshot_date=snapshot_date,
                echo=None if quiet else _echo,
                force=force,
            )
            imp = info["import"]
            dst = out or dataset.user_data_dir()
            _echo(
                f"wrote {dst}: {info['counts']['cables']} cables, {info['counts']['segments']} segments, "
                f"{info['counts']['landing_points']} landing points ({imp['layout']} layout)"
            )
            _echo(
                f"  vs the reference dataset: {len(imp['cables_added'])} cables added, "
                f"{len(imp['cables_removed'])} removed"
            )
            problems = info["validation_problems"]
            if problems:
                _secho(
                    f"  validation: {len(problems)} problems (see {dst}/build_log.txt)", fg="yellow"
                )
            else:
                _echo("  validation: every check passed; quality report in quality_report.md")
            _echo(f"  use it with: cablesim --data {dst} ...  (or CABLESIM_DATA={dst})")
