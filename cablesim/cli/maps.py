"""CLI commands for maps, HTML report, explain and depends (issue 4)."""

from __future__ import annotations

import math
import shutil
import textwrap

import click
from rich.table import Table

from cablesim import maps, report
from cablesim._text import esc
from cablesim.analyses import depends as dep
from cablesim.cli._base import (
    FIGURE_FORMATS,
    TABLE_FORMATS,
    OutputPath,
    _console,
    _echo,
    _echo_json,
    _load,
)
from cablesim.engine.simulate import simulate
from cablesim.exceptions import CableSimError
from cablesim.network import load_network
from cablesim.report.explain import paragraphs


def _map_options(f):
    f = click.option(
        "--region",
        default=None,
        help="Zoom: a named region (middle-east, west-africa...) or lon0,lat0,lon1,lat1.",
    )(f)
    f = click.option("--size", default=None, help="Map size in inches, WIDTHxHEIGHT (e.g. 16x9).")(
        f
    )
    f = click.option("--dpi", type=click.IntRange(30, 1200), default=None, help="Map resolution.")(
        f
    )
    return f


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""

    @cli.command("map")
    @click.option(
        "--as-of",
        "as_of",
        default=None,
        help="Date (YYYY-MM-DD) or year; default today (the latest snapshot).",
    )
    @click.option(
        "-o",
        "--output",
        type=OutputPath(*FIGURE_FORMATS),
        default=None,
        help="Write the map to FILE (.png, .svg or .pdf); default network-<date>.png.",
    )
    @_map_options
    def map_cmd(
        as_of: str | None, output: str | None, region: str | None, size: str | None, dpi: int | None
    ) -> None:
        """Draw the cable network: cables by capacity, chokepoints labelled."""
        net = load_network(as_of)
        path = output or f"network-{net.as_of.isoformat()}.png"
        _echo(
            f"wrote {maps.save_network_map(net, path, dpi=dpi, size=size, region=region)}", err=True
        )

    @cli.command()
    @click.argument("scenario")
    @click.option("--json", "as_json", is_flag=True, help="Print {scenario, paragraphs} as JSON.")
    def explain(scenario: str, as_json: bool) -> None:
        """Tell in plain language what happens in SCENARIO, and why."""
        result = simulate(_load(scenario))
        paras = paragraphs(result)
        if as_json:
            _echo_json(
                {
                    "scenario": result.scenario.name,
                    "as_of": result.network.as_of.isoformat(),
                    "paragraphs": paras,
                }
            )
            return

        width = min(shutil.get_terminal_size((100, 20)).columns, 100)
        _echo("\n\n".join(textwrap.fill(p, width=width) for p in paras))

    @cli.command()
    @click.argument("country", required=False)
    @click.option("--matrix", is_flag=True, help="Every country x every chokepoint (loss %).")
    @click.option(
        "--as-of",
        "as_of",
        default=None,
        help="Date (YYYY-MM-DD) or year; default today (the latest snapshot).",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.option(
        "--all", "show_all", is_flag=True, help="List every row, also those with no loss."
    )
    @click.option(
        "--map",
        "map_file",
        type=OutputPath(*FIGURE_FORMATS),
        default=None,
        help="Draw what COUNTRY depends on to FILE (.png, .svg or .pdf).",
    )
    @click.option(
        "-o",
        "--output",
        type=OutputPath(*TABLE_FORMATS),
        default=None,
        help="Write the table to FILE (.csv or .json).",
    )
    @_map_options
    def depends(
        country: str | None,
        matrix: bool,
        as_of: str | None,
        as_json: bool,
        show_all: bool,
        map_file: str | None,
        output: str | None,
        region: str | None,
        size: str | None,
        dpi: int | None,
    ) -> None:
        """What COUNTRY's capacity to the core depends on: each chokepoint and cable.

        The loss is the share of its capacity to the core lost when that
        chokepoint closes, or that cable fails, on its own. With --matrix, the
        chokepoint losses of every country (CSV or JSON with -o).
        """
        if matrix == bool(country):
            raise CableSimError("give a COUNTRY, or --matrix (not both)")
        net = load_network(as_of)
        if matrix:
            if map_file:
                raise CableSimError(
                    "--map draws one country's dependencies; leave it out with --matrix"
                )
            _matrix(dep.dependency_matrix(net), output, as_json)
            return
        table = dep.country_dependencies(net, country)
        shown = table if show_all else table[table["loss_pct"] > 0]
        if output:
            _write_table(table, output)
        if map_file:
            path = maps.save_dependency_map(
                net, table.attrs["iso3"], map_file, table=table, dpi=dpi, size=size, region=region
            )
            _echo(f"wrote {path}", err=True)
        if as_json:
            _echo_json({**table.attrs, "dependencies": _records(shown)})
            return
        _print_country(table, shown, limit=None if show_all else 40)


def _records(df) -> list[dict]:

    out = []
    for r in df.to_dict("records"):
        out.append({k: None if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()})
    return out


def _write_table(df, output: str, *, index: bool = False) -> None:

    _echo(f"wrote {report.write(df, output, index=index)}", err=True)


def _matrix(m, output: str | None, as_json: bool) -> None:
    names = m.attrs.get("names", {})
    table = m.copy()
    table.insert(0, "name", [names.get(i, i) for i in table.index])
    table.attrs = dict(m.attrs)
    table.attrs.pop("names", None)
    if output:
        _write_table(table, output, index=True)
    if as_json:
        _echo_json(
            {
                "as_of": m.attrs.get("as_of"),
                "unit": "loss_pct",
                "rows": _records(table.reset_index()),
            }
        )
        return
    if output:
        return

    worst = table.drop(columns="name").max(axis=1).sort_values(ascending=False)
    cols = list(m.columns)
    t = Table(
        title=f"Loss of capacity to the core (%) when each chokepoint closes, as of "
        f"{esc(m.attrs.get('as_of'))}",
        title_justify="left",
        show_edge=False,
    )
    t.add_column("country")
    for c in cols:
        t.add_column(esc(c), justify="right")
    for iso in worst.index:
        if worst[iso] <= 0:
            continue
        t.add_row(
            esc(f"{names.get(iso, iso)} ({iso})"),
            *[(f"{table.at[iso, c]:.0f}" if table.at[iso, c] >= 0.5 else "·") for c in cols],
        )
    con = _console()
    con.print(t)
    con.print(
        f"{int((worst > 0).sum())} of {len(worst)} countries depend on at least one chokepoint; "
        "use -o FILE.csv for the full table",
        style="dim",
    )


def _tbps(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}" if v >= 1 else f"{v:.3g}"


def _print_country(table, shown, *, limit: int | None = 40) -> None:

    a = table.attrs
    con = _console()
    t = Table(
        title=f"What {esc(a['name'])} ({esc(a['iso3'])}) depends on: "
        f"{_tbps(a['baseline_tbps'])} Tbps to the core as of {esc(a['as_of'])}",
        title_justify="left",
        show_edge=False,
    )
    for col, j in (
        ("kind", "left"),
        ("name", "left"),
        ("loss %", "right"),
        ("lost Tbps", "right"),
        ("left Tbps", "right"),
    ):
        t.add_column(col, justify=j)
    rows = shown if limit is None else shown.head(limit)
    for r in rows.itertuples():
        style = (
            "bold red"
            if r.isolated
            else ("red" if r.loss_pct >= 50 else "yellow" if r.loss_pct >= 10 else "")
        )
        t.add_row(
            esc(r.kind),
            esc(r.name),
            f"[{style}]{r.loss_pct:.1f}[/]" if style else f"{r.loss_pct:.1f}",
            _tbps(r.lost_tbps),
            _tbps(r.remaining_tbps),
        )
    con.print(t)
    if len(shown) > len(rows):
        con.print(
            f"  … and {len(shown) - len(rows)} more rows hidden (--all shows them all, "
            "-o FILE.csv writes them)",
            style="dim",
        )
    if not len(shown):
        con.print("No single chokepoint or cable failure costs it any capacity.")
    con.print(
        "Each row: the loss when that chokepoint closes, or that cable fails, on its own.",
        style="dim",
    )
