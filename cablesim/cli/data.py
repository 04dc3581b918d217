"""``cablesim data ...``, ``cablesim cables`` and ``cablesim cable``: the dataset and its cables."""

from __future__ import annotations

import sys

import click
import pandas as pd
from rich.table import Table

from cablesim import dataset
from cablesim._text import esc
from cablesim.cli._base import EXIT_INTERNAL, _console, _echo, _echo_json, _LazyGroup, _secho, cli
from cablesim.network import filter_network, load_network


@cli.group(
    cls=_LazyGroup,
    lazy={
        "import-telegeography": (
            "cablesim.cli.plan",
            "Build a dataset from a newer copy of TeleGeography's cable and landing-point files.",
        )
    },
)
def data() -> None:
    """The bundled dataset: info and validation."""


@data.command("info")
@click.option("--json", "as_json", is_flag=True, help="Print the counts and provenance as JSON.")
def data_info(as_json: bool) -> None:
    """Counts and provenance of the dataset."""
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
        "today": m.get("today", m["snapshot_date"]),
        "snapshots": m.get("snapshots", []),
        "licence": m["licence"],
        "sources": m["sources"],
        "inferred_share": m["inferred_share"],
        "built": m["built"],
        "data_dir": str(dataset.data_dir()),
    }
    if as_json:
        _echo_json(info)
        return
    _echo(f"cablesim dataset in {info['data_dir']} (built {info['built']})")
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
        _echo(f"  {k.replace('_', ' '):<32}{info[k]:>8,}")
    _echo(f"  inferred share of route length   {info['inferred_share']:>8.2%}")
    _echo(f"snapshot: TeleGeography, {info['snapshot_date']}; licence: {info['licence']}")
    for snap in info["snapshots"]:
        _echo(
            f"  snapshot {snap['date']}: {snap['cables']:,} cables, {snap['landing_points']:,} "
            f"landing points, {snap['segments']:,} segments ({snap['source']})"
        )
        merge = snap.get("merge")
        if merge:
            err = merge["placement_error_km"]
            _echo(
                f"    {merge['cables_listed']} cables listed: {merge['cables_matched']} matched to "
                f"{info['snapshot_date'][:4]}, {merge['cables_new']} new; {merge['rfs_updated']} RFS "
                f"years updated; {merge['cables_absent_2026']} {info['snapshot_date'][:4]} cables "
                f"absent (kept, withdrawn); {merge['station_slugs_matched']} of "
                f"{merge['station_slugs']} station slugs matched, {merge['stations_new']} stations "
                f"placed (error median {err['median']:g} km, 90th percentile {err['p90']:g} km)"
            )
    _echo(f"default network (today): {info['today']}")
    for v in info["sources"].values():
        _echo(f"  - {v}")


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
    info = dataset.build(source, out, echo=None if quiet else _echo)
    _echo(
        f"wrote {out}: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in info["counts"].items())
    )
    if info["validation_problems"]:
        for p in info["validation_problems"]:
            _secho(f"FAIL {p}", fg="red")
        sys.exit(EXIT_INTERNAL)


@data.command("validate")
def data_validate() -> None:
    """Run every integrity check; exit 1 listing each failure."""
    problems = dataset.validate()
    if problems:
        for p in problems:
            _secho(f"FAIL {p}", fg="red")
        _echo(f"{len(problems)} problems")
        sys.exit(EXIT_INTERNAL)
    m = dataset.manifest()
    _echo(
        f"ok: {m['counts']['cables']} cables, {m['counts']['segments']} segments, "
        f"{m['counts']['landing_points']} landing points: every check passed"
    )


# ------------------------------------------------------------------------------ cables


@cli.command()
@click.option("--country", help="ISO3 code or name: cables landing there.")
@click.option("--search", help="Text in the cable's id or name.")
@click.option(
    "--as-of", "as_of", help="Date (YYYY-MM-DD) or year; default today (the latest snapshot)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def cables(country: str | None, search: str | None, as_of: str | None, as_json: bool) -> None:
    """List cables in service (optionally by country or text)."""
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
        if c == "id":  # ids are what the user copies: never truncated, piped or not
            t.add_column(c, justify=j, no_wrap=True, overflow="fold")
        else:
            t.add_column(c, justify=j)
    for r in df.itertuples():
        t.add_row(
            esc(r.name),
            esc(r.cable_id),
            "" if pd.isna(r.rfs_year) else esc(r.rfs_year),
            esc(r.n_landing_points),
            f"{r.length_measured_km:,.0f}",
            f"{r.capacity_tbps:g}",
            esc(r.capacity_basis),
        )
    con = _console()
    if not sys.stdout.isatty():  # piped: one line per cable, the id whole
        con.width = 1000
    con.print(t)
    con.print(f"{len(df)} cables in service at {net.as_of}", style="dim")


@cli.command()
@click.argument("name")
@click.option(
    "--as-of",
    "as_of",
    help="Date (YYYY-MM-DD) or year of the estimated lit capacity; default today (the latest "
    "snapshot), as for 'cables'.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the cable's record (and segments) as JSON."
)
def cable(name: str, as_of: str | None, as_json: bool) -> None:
    """Detail of one cable: landing points, segments, capacity and its source."""
    tables = dataset.load_tables()
    date = load_network(as_of).as_of  # the date 'cables' uses for the same --as-of
    net = filter_network(tables, date, extra_cables=tables["cables"]["cable_id"])
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
    _secho(f"{info['name']} ({cid})", bold=True)
    _echo(
        f"  ready for service: {info['rfs_year'] or 'unknown'}"
        + ("  (planned at snapshot)" if info["planned"] else "")
    )
    _echo(
        f"  length: {info['length_measured_km']:,.0f} km measured"
        + (f", {info['length_stated_km']:,.0f} km stated" if info["length_stated_km"] else "")
    )
    _echo(
        f"  design capacity: {info['capacity_tbps']:g} Tbps ({info['capacity_basis']}): "
        f"{info['capacity_source']}"
    )
    stated = (
        f"; stated lit {info['lit_tbps_stated']:g} Tbps"
        + (f" in {info['lit_year_stated']}" if info["lit_year_stated"] else "")
        if info["lit_tbps_stated"] is not None
        else ""
    )
    _echo(
        f"  lit capacity (model estimate) on {info['lit_estimated_as_of']}: "
        f"{info['lit_tbps_estimated']:g} Tbps{stated}"
    )
    if info["owners"]:
        _echo(f"  owners: {', '.join(info['owners'])}")
    _echo(f"  landing points ({len(stations)}):")
    for s in stations:
        _echo(f"    {s['iso3']}  {s['name']}  [{s['landing_point_id']}]")
    _echo(f"  segments ({len(info['segments'])}):")
    for s in info["segments"]:
        _echo(
            f"    {s['segment_id']:<28} {s['from']} – {s['to']}  {s['length_km']:,.0f} km"
            + ("  (inferred)" if s["inferred"] else "")
        )
