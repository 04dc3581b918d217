"""CLI commands for sweep, minimal-cut and montecarlo (issue 5)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.table import Table

from cablesim import _limits, measures, report
from cablesim._elements import element_kind_and_name, is_land_link
from cablesim._text import esc
from cablesim.analyses import risk
from cablesim.analyses import sweep as sw
from cablesim.analyses.sweep import minimal_cut
from cablesim.cli._base import TABLE_FORMATS, OutputPath, _console, _echo, _echo_json, _secho
from cablesim.exceptions import CableSimError
from cablesim.network import load_network

_WORKERS_HELP = (
    "Local worker processes (default 1: serial, the engine is fast; 0: one per CPU). "
    "Results do not depend on it."
)
_SCHEDULER_HELP = "Run on an existing Dask cluster: its scheduler address, tcp://HOST:PORT."


def _check_scheduler(value: str | None) -> str | None:
    try:
        return _limits.check_scheduler(value)  # at once, not after loading the network
    except CableSimError as exc:
        raise click.BadParameter(str(exc)) from None


def _write(path: str, data: dict[str, Any], table=None) -> None:

    _echo(f"wrote {report.write(data, path, table=table)}", err=True)


def _exit_if_interrupted(complete: bool, notes: list[str]) -> None:
    """After a run cut short by Ctrl-C (its output printed): say so and exit with code 130."""
    if not complete:
        interrupted = [n for n in notes if n.startswith("Interrupted")]
        _secho(interrupted[-1] if interrupted else "Interrupted.", fg="yellow", err=True)
        raise SystemExit(130)


def _run_options(f):
    """The output and execution options shared by sweep and montecarlo."""
    f = click.option(
        "--scheduler",
        default=None,
        help=_SCHEDULER_HELP,
        callback=lambda ctx, param, value: _check_scheduler(value),
    )(f)
    f = click.option(
        "--workers", type=click.IntRange(0), default=1, show_default=True, help=_WORKERS_HELP
    )(f)
    f = click.option(
        "-o", "--output", type=OutputPath(*TABLE_FORMATS), help="Write to FILE (.json or .csv)."
    )(f)
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(f)


def _pct(x: Any) -> str:
    return "-" if x is None or x != x else f"{x:.1f}"


def _load(as_of: str | None):

    return load_network(as_of)


def register(cli: click.Group) -> None:
    """Add this module's commands to the ``cablesim`` group."""

    @cli.command("sweep")
    @click.option(
        "--by",
        type=click.Choice(["cable", "landing-point", "chokepoint", "segment", "land-link"]),
        default="cable",
        show_default=True,
        help="What fails in turn (land-link: the land links between each pair of countries).",
    )
    @click.option(
        "--k",
        "k",
        type=click.IntRange(1, 2),
        default=1,
        show_default=True,
        help="1: each element alone (N-1); 2: pairs (N-2, pruned).",
    )
    @click.option(
        "--as-of", "as_of", help="Date (YYYY-MM-DD) or year; default today (the latest snapshot)."
    )
    @click.option(
        "--element",
        "elements",
        multiple=True,
        help="Sweep only these elements (repeatable; a land link by its two countries, "
        "e.g. KAZ-CHN); default all in service.",
    )
    @click.option(
        "--rank-by",
        type=click.Choice(["impact", "isolated", "capacity", "people", "synergy"]),
        default=None,
        help="impact = sum of countries' loss fractions; people = weighted by population; "
        "synergy (k=2) = the pair's loss beyond the worse single, summed over countries "
        "[default: impact for k=1, synergy for k=2].",
    )
    @click.option(
        "--top",
        type=click.IntRange(1),
        default=None,
        help="Show (and write) only the N highest-ranked elements [terminal default 20].",
    )
    @_run_options
    @click.option(
        "--pair-pool",
        type=click.IntRange(2),
        default=None,
        help="k=2: pairs among this many top single elements [40].",
    )
    @click.option(
        "--per-country",
        type=click.IntRange(2),
        default=None,
        help="k=2: pairs among each country's this many worst elements [4].",
    )
    def sweep_cmd(
        by: str,
        k: int,
        as_of: str | None,
        elements: tuple[str, ...],
        rank_by: str | None,
        top: int | None,
        as_json: bool,
        output: str | None,
        workers: int,
        scheduler: str | None,
        pair_pool: int | None,
        per_country: int | None,
    ) -> None:
        """Fail every cable (station, chokepoint, segment, land link) in turn and rank them by impact.

        For each: the countries isolated, those with a severe loss, the capacity
        to the core lost, the worst-hit country. Then, per country, the element
        whose failure hurts it most.
        """
        net = _load(as_of)
        opts = {}
        if pair_pool is not None:
            opts["pair_pool"] = pair_pool
        if per_country is not None:
            opts["per_country"] = per_country
        res = sw.sweep(
            net,
            by,
            k=k,
            elements=list(elements) or None,
            rank_by=rank_by,
            workers=workers,
            scheduler=scheduler,
            **opts,
        )
        data = res.to_dict(top=top)
        if output:
            _write(output, data, res.records if top is None else res.records.head(top))
        if as_json:
            _echo_json(data)
        else:
            _render_sweep(res, top or 20)
        _exit_if_interrupted(res.complete, res.notes)

    @cli.command("minimal-cut")
    @click.argument("country")
    @click.option(
        "--by", type=click.Choice(["cable", "segment"]), default="cable", show_default=True
    )
    @click.option(
        "--alternatives",
        type=click.IntRange(0, 50),
        default=2,
        show_default=True,
        help="How many next-best distinct cuts to list.",
    )
    @click.option(
        "--land-links", is_flag=True, help="Allow cutting land links too (one element each)."
    )
    @click.option(
        "--as-of", "as_of", help="Date (YYYY-MM-DD) or year; default today (the latest snapshot)."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    def minimal_cut_cmd(
        country: str, by: str, alternatives: int, land_links: bool, as_of: str | None, as_json: bool
    ) -> None:
        """The fewest cables (or segments) whose failure cuts COUNTRY off from the core."""
        net = _load(as_of)
        res = minimal_cut(net, country, by=by, alternatives=alternatives, land_links=land_links)
        if as_json:
            _echo_json(res.to_dict())
            return

        name = net.country_names.get(res.country, res.country)
        if not res.cuts:
            hint = (
                "; add --land-links to let land links be cut too"
                if not land_links and "land links" in (res.reason or "")
                else ""
            )
            _echo(f"{name} ({res.country}): {res.reason}{hint}")
            return

        best = res.cuts[0]
        n_land = sum(is_land_link(net, e) for e in best["elements"])
        t = Table(
            title=f"{esc(name)} ({esc(res.country)}): cut off by failing "
            + (
                f"{best['size']} {by}{'s' if best['size'] != 1 else ''}"
                if not n_land
                else f"{best['size']} elements: {best['size'] - n_land} {by}s and "
                f"{n_land} land links"
            ),
            title_justify="left",
            show_edge=False,
        )
        for col in ("cut", "kind", "name", "id"):
            t.add_column(col, no_wrap=col in ("id", "cut"), overflow="fold")
        for i, cut in enumerate(res.cuts):
            head = "best" if i == 0 else f"alternative {i}"
            for j, e in enumerate(cut["elements"]):
                kind, label = element_kind_and_name(net, e)
                t.add_row(
                    f"{head} ({cut['size']})" if j == 0 else "", esc(kind), esc(label), esc(e)
                )
            if i + 1 < len(res.cuts):
                t.add_section()
        con = _console()
        if not sys.stdout.isatty():  # piped: one line per element, names and ids whole
            con.width = 1000
        con.print(t)
        if n_land and n_land == best["size"]:
            con.print("Only land links cut it off: no cable failure alone can.", style="dim")
        elif n_land:
            con.print(
                f"{n_land} land links must fail too: cables alone cannot cut "
                f"{esc(name)} off (without --land-links there is no cut).",
                style="dim",
            )
        if n_land and best.get("events"):
            con.print(
                "The best cut as scenario events (cablesim run): "
                + json.dumps(best["events"], ensure_ascii=False),
                style="dim",
                markup=False,
            )

    @cli.command("montecarlo")
    @click.option(
        "--trials", type=click.IntRange(1, _limits.MAX_TRIALS), default=1000, show_default=True
    )
    @click.option(
        "--seed",
        type=click.IntRange(0, _limits.MAX_SEED),
        default=0,
        show_default=True,
        help="Same seed, same numbers, whatever the number of workers.",
    )
    @click.option(
        "--years",
        type=click.FloatRange(min=0, max=_limits.MAX_YEARS, min_open=True),
        default=1.0,
        show_default=True,
        help="Length of each simulated period (faults mode).",
    )
    @click.option(
        "--faults-per-year",
        type=click.FloatRange(min=0, max=_limits.MAX_FAULTS_PER_YEAR),
        default=None,
        help="Faults a year over the network [175].",
    )
    @click.option(
        "--loss-floor",
        type=click.FloatRange(0, 100, min_open=True),
        default=None,
        help="Worst losses below this percent are shown as '<' (finer is slower) [50].",
    )
    @click.option(
        "--capacity-uncertainty",
        "scenario",
        default=None,
        metavar="SCENARIO",
        help="Instead of random faults: SCENARIO's loss as a band over uncertain capacities.",
    )
    @click.option(
        "--as-of",
        "as_of",
        help="Date (YYYY-MM-DD) or year (faults mode); default today (the latest snapshot).",
    )
    @click.option(
        "--top",
        type=click.IntRange(1),
        default=25,
        show_default=True,
        help="Countries shown in the terminal.",
    )
    @_run_options
    def montecarlo_cmd(
        trials: int,
        seed: int,
        years: float,
        faults_per_year: float | None,
        loss_floor: float | None,
        scenario: str | None,
        as_of: str | None,
        top: int,
        as_json: bool,
        output: str | None,
        workers: int,
        scheduler: str | None,
    ) -> None:
        """Random cable faults: each country's chance of isolation and severe loss.

        Faults follow a documented model (about 175 a year, two-thirds in
        shallow water near landings, lognormal repair times; see
        cablesim.analyses.risk). Each trial records every country's worst state over
        the period. With --capacity-uncertainty SCENARIO, capacities are drawn
        within their documented spread instead, giving a band on each
        country's loss in that scenario.
        """
        rate = risk.FAULTS_PER_YEAR if faults_per_year is None else faults_per_year
        if not scenario and rate * years > _limits.MAX_FAULTS_PER_TRIAL:  # before any work
            raise click.BadParameter(
                f"{rate:g} faults a year for {years:g} years is {rate * years:,.0f} faults a "
                f"period; the limit is {_limits.MAX_FAULTS_PER_TRIAL:,} (fewer --years or a "
                "lower --faults-per-year)",
                param_hint="'--faults-per-year' / '--years'",
            )
        if scenario:
            res = risk.capacity_uncertainty(
                scenario, trials=trials, seed=seed, workers=workers, scheduler=scheduler
            )
        else:
            kw = {}
            if faults_per_year is not None:
                kw["faults_per_year"] = faults_per_year
            if loss_floor is not None:
                kw["loss_floor"] = loss_floor
            res = risk.montecarlo(
                _load(as_of),
                trials=trials,
                seed=seed,
                years=years,
                workers=workers,
                scheduler=scheduler,
                **kw,
            )
        data = res.to_dict()
        if output:
            _write(output, data, res.countries)
        if as_json:
            _echo_json(data)
        elif scenario:
            _render_uncertainty(res, top)
        else:
            _render_risk(res, top)
        _exit_if_interrupted(res.complete, res.notes)


# ------------------------------------------------------------------------------ rendering


def _render_sweep(res, top: int) -> None:
    con = _console()
    t = Table(
        title=f"{esc(res.by)} failures (k={res.k}), ranked by {esc(res.rank_by)}", show_edge=False
    )
    cols = [
        ("#", "right"),
        (esc(res.by), "left"),
        ("isolated", "left"),
        ("severe", "right"),
        (measures.short("capacity_lost_tbps"), "right"),
        ("impact", "right"),
    ]
    if res.k == 2:
        cols.append(("synergy", "right"))
    for col, j in (*cols, ("worst hit", "left")):
        t.add_column(col, justify=j)
    for r in res.records.head(top).itertuples():
        iso = ", ".join(r.isolated) if r.isolated else ""
        worst = f"{r.worst_country} {r.worst_loss_pct:.0f}%" if r.worst_country else ""
        cells = [
            str(r.rank),
            esc(r.name),
            esc(iso),
            str(r.n_severe),
            f"{r.capacity_lost_tbps:,.1f}",
            f"{r.impact:.2f}",
        ]
        if res.k == 2:
            cells.append(f"{r.synergy:+.2f}")
        t.add_row(*cells, esc(worst))
    con.print(t)
    w = res.worst_by_country
    w = w[w["element"].notna()].head(top)
    if len(w):
        t2 = Table(
            title="each country's worst case: the failure that hurts it most", show_edge=False
        )
        loss_col = measures.short("loss_pct", headline_of=res.measure)
        for col, j in (("country", "left"), (loss_col, "right"), ("caused by", "left")):
            t2.add_column(col, justify=j)
        for r in w.itertuples():
            loss = "isolated" if r.isolated else f"{r.loss_pct:.1f}"
            t2.add_row(
                esc(f"{r.name} ({r.iso3})"),
                loss,
                esc(r.element_name),
            )
        con.print(t2)
    con.print(
        (
            f"{len(res.records):,} of {res.elements_total:,} swept at {res.as_of}. "
            if res.k == 1
            else f"{res.elements_total:,} pairs swept at {res.as_of}, "
            f"{len(res.records):,} with synergy listed. "
        )
        + " ".join(res.notes),
        style="dim",
        markup=False,
    )


def _render_risk(res, top: int) -> None:

    con = _console()
    df = res.countries.head(top)
    floor = res.loss_floor
    t = Table(
        title=f"risk over {res.years:g} year(s): {res.trials:,} trials, seed {res.seed}",
        show_edge=False,
    )
    cols = [("country", "left"), ("P(isolated) [95% CI]", "right"), ("P(severe) [95% CI]", "right")]
    if "p_degraded" in df.columns:
        cols.append(("P(degraded)", "right"))
    cols += [("worst loss p50", "right"), ("p90", "right"), ("p99 [95% CI]", "right")]
    for col, j in cols:
        t.add_column(col, justify=j)

    def prob(r, key):
        return f"{100 * r[key]:.2f}% [{100 * r[key + '_lo']:.2f}-{100 * r[key + '_hi']:.2f}]"

    def q(v):
        return f"<{floor:g}" if v is None or v != v else f"{v:.0f}"

    for r in df.to_dict("records"):
        row = [esc(f"{r['name']} ({r['iso3']})"), prob(r, "p_isolated"), prob(r, "p_severe")]
        if "p_degraded" in df.columns:
            row.append(f"{100 * r['p_degraded']:.1f}%")
        row += [
            q(r["loss_p50"]),
            q(r["loss_p90"]),
            f"{q(r['loss_p99'])} [{q(r['loss_p99_lo'])}-{q(r['loss_p99_hi'])}]",
        ]
        t.add_row(*row)
    con.print(t)
    for n in res.notes:
        con.print(n, style="dim", markup=False)


def _render_uncertainty(res, top: int) -> None:

    con = _console()
    t = Table(
        title=f"{esc(res.scenario.name)}: loss with uncertain capacities ({res.trials:,} draws)",
        show_edge=False,
    )
    for col in ("country", "loss % (estimate)", "p5", "p50", "p95", "P(severe)"):
        t.add_column(col, justify="left" if col == "country" else "right")
    for r in res.countries.head(top).to_dict("records"):
        t.add_row(
            esc(f"{r['name']} ({r['iso3']})"),
            _pct(r["loss_pct"]),
            _pct(r["loss_p5"]),
            _pct(r["loss_p50"]),
            _pct(r["loss_p95"]),
            f"{100 * r['p_severe']:.0f}%",
        )
    con.print(t)
    for n in res.notes:
        con.print(n, style="dim", markup=False)
