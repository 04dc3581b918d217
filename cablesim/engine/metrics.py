"""Country metrics: capacity to the core, isolation, status, first-hop capacity, latency.

Definitions (also in the README and in every report's notes):

capacity to the core (``baseline_tbps``, ``remaining_tbps``)
    The maximum flow from all of a country's nodes (stations and land hubs)
    to all nodes of the core countries other than itself, with every cable
    segment's and land link's capacity as its edge capacity and domestic
    backhaul unlimited (per the backhaul mode), over the routes in the
    country's corridor: routes whose round trip to a core country is at most
    twice the shortest plus 25 ms (:data:`cablesim.engine.flows.ROUTE_STRETCH`).
``loss_pct``
    The headline: with ``measure="traffic"`` (default) the share of the country's
    demand no longer carried in the headline horizon
    (:data:`cablesim.engine.traffic.HEADLINE`, the first days; see :mod:`cablesim.engine.traffic`);
    with ``measure="capacity"`` the capacity loss.
``loss_pct_immediate``, ``loss_pct_rerouted``
    Share of demand (carried by the intact network) no longer carried in the first
    days (baseline routes kept) and after rerouting (surviving circuits kept by their
    owners, the traffic still waiting in a fair flow over what is left). ``NaN`` with
    ``measure="capacity"``: the traffic model is not run.
``demand_tbps``, ``served_tbps``
    The country's international traffic demand as the intact network carries it,
    and what is still carried in the headline horizon (Tbit/s, model estimates;
    ``NaN`` with ``measure="capacity"``).
``capacity_loss_pct``
    ``100 * (1 - remaining / baseline)``; 0 when the baseline is 0.
``isolated``
    No path at all to any core country. A country may keep a path yet lose
    all capacity in its corridor (loss 100%, status ``severe``).
``status``
    ``isolated``; ``severe`` (loss >= :data:`SEVERE_PCT`); ``degraded``
    (loss >= :data:`DEGRADED_PCT`); ``unaffected`` otherwise.
``international_tbps``
    First-hop view: capacity of the country's cables that still join one of its
    stations to another country, plus its live land links.
``loss_pct_by_region``
    The loss toward each core region separately (``loss_pct`` is their mean
    in capacity terms): India lost far more toward Europe than toward Asia in
    January 2008.
``latency_ms``
    Round-trip time over the shortest surviving route to the nearest core node
    (see :mod:`cablesim.engine.flows`); ``NaN`` when isolated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cablesim.engine import flows as _engine
from cablesim.engine import state as _state
from cablesim.engine import traffic as _traffic
from cablesim.engine.state import Options
from cablesim.network import Network
from cablesim.scenario.failures import Failures

SEVERE_PCT = 50.0
"""Loss of capacity to the core (percent) from which a country's status is ``severe``."""
DEGRADED_PCT = 10.0
"""Loss (percent) from which a country's status is ``degraded``."""
STATUSES = ("isolated", "severe", "degraded", "unaffected")

COLUMNS = (
    "iso3",
    "name",
    "region",
    "baseline_tbps",
    "remaining_tbps",
    "loss_pct",
    "isolated",
    "was_isolated",
    "status",
    "international_tbps_baseline",
    "international_tbps",
    "latency_ms_baseline",
    "latency_ms",
    "latency_change_ms",
    "loss_pct_by_region",
    "loss_pct_immediate",
    "loss_pct_rerouted",
    "capacity_loss_pct",
    "demand_tbps",
    "served_tbps",
)
MEASURES = ("traffic", "capacity")


def status_of(loss_pct: float, isolated: bool) -> str:
    """The status word for a loss and an isolation flag (thresholds in this module)."""
    if isolated:
        return "isolated"
    if loss_pct >= SEVERE_PCT:
        return "severe"
    if loss_pct >= DEGRADED_PCT:
        return "degraded"
    return "unaffected"


def failed_edges(network: Network, failures: Failures) -> set[str]:
    """Ids of the finite edges (segments and land links) a set of failures removes."""
    return set(failures.segments) | set(failures.links)


def country_metrics(
    network: Network,
    failures: Failures,
    *,
    core: tuple[str, ...],
    backhaul: str = "landmass",
    routing: str = "corridor",
    incremental: bool = True,
    measure: str = "traffic",
    utilization: float | None = None,
    after: AfterState | None = None,
    options: Options | None = None,
) -> pd.DataFrame:
    """Per-country metrics before and after ``failures``.

    Parameters
    ----------
    network
        The network (not modified).
    failures
        From :func:`cablesim.scenario.failures.apply_events`.
    core
        ISO3 codes of the core countries.
    backhaul
        Backhaul mode, see :data:`cablesim.network.BACKHAUL_MODES`.
    routing
        ``"corridor"`` (default): only routes within a country's route corridor
        count (see :func:`cablesim.engine.flows.corridors`); ``"any"``: every route.
    incremental
        Reuse baseline flows where a failure cannot change them (exact).
    measure
        What ``loss_pct`` and the status measure: ``"traffic"`` (default) or
        ``"capacity"`` (see :data:`MEASURES` and the module docstring).
    utilization
        Mean utilization of the intact network for the demand model; default
        :data:`cablesim.engine.demand.UTILIZATION`.
    after
        The network after ``failures`` from :func:`cablesim.engine.state.after_state` with the same
        arguments, when the caller already built it (:func:`cablesim.engine.simulate`
        shares one with :func:`cut_off_places`); built here otherwise.
    options
        All of ``core`` ... ``utilization`` as one :class:`cablesim.engine.state.Options`
        (they are then ignored); ``after.options`` when ``after`` is given.

    Returns
    -------
    pandas.DataFrame
        One row per country of the model, columns :data:`COLUMNS`, sorted by
        status severity then loss.
    """
    if options is None:
        options = _state.Options(
            core=core,
            backhaul=backhaul,
            routing=routing,
            measure=measure,
            utilization=utilization,
            incremental=incremental,
        )
    after = _checked(after, network, failures, options)
    if after.options != options:  # same state, other measure or demand level
        after = after.with_options(options)
    core, backhaul, measure = options.core, options.backhaul, options.measure
    comp = after.comp
    base = _engine.baseline(comp)
    task_after = after.task_values()
    values_after = _engine.country_values(comp, task_after)
    # the capacity measure needs no traffic model: its traffic columns are left empty (NaN)
    traffic = _traffic_after(after) if measure == "traffic" else _NO_TRAFFIC
    region_loss = _region_losses(comp, base.task_value, task_after)
    reach = dict(zip(comp.countries, after.reach.tolist(), strict=True))
    reach_before = _cached(
        network,
        f"reach:{backhaul}:{','.join(core)}",
        lambda: _engine.reachable(comp, comp.edge_cap),
    )
    # a lost country (all stations and hubs gone) has nothing left by definition
    lost_nodes = set(failures.nodes)
    intl_before = _cached(
        network,
        f"intl:{backhaul}:{','.join(core)}",
        lambda: _engine.international_tbps(comp, comp.edge_cap),
    )
    intl_after = after.international_tbps()
    lat_before = _cached(
        network, f"lat:{backhaul}:{','.join(core)}", lambda: _engine.latency_ms(comp, comp.edge_cap)
    )
    lat_after = after.latency_ms()
    names = network.country_names
    region = dict(zip(network.countries["iso3"], network.countries["subregion"], strict=True))
    rows = []
    for c in comp.countries:
        b = base.values[c]
        r = values_after[c]
        nodes = set(comp.node_ids[comp.country_nodes[c]])
        if nodes and nodes <= lost_nodes:
            r = 0.0
        cap_loss = 100.0 * (1.0 - r / b) if b > 0 else 0.0
        cap_loss = max(0.0, min(100.0, cap_loss))
        demand, served, t_loss = traffic[c] if traffic is not _NO_TRAFFIC else _NO_TRAFFIC_ROW
        loss = cap_loss if measure == "capacity" else t_loss[_traffic.HEADLINE]
        isolated = not reach[c] or bool(nodes and nodes <= lost_nodes)
        was = not reach_before[c]
        lb, la = lat_before.get(c, np.nan), lat_after.get(c, np.nan)
        if isolated:
            la = np.nan
        rows.append(
            {
                "iso3": c,
                "name": names.get(c, c),
                "region": region.get(c, ""),
                "baseline_tbps": round(b, 3),
                "remaining_tbps": round(r, 3),
                "loss_pct": round(loss, 2),
                "isolated": bool(isolated),
                "was_isolated": bool(was),
                "status": status_of(loss, isolated),
                "international_tbps_baseline": round(intl_before.get(c, 0.0), 3),
                "international_tbps": round(intl_after.get(c, 0.0), 3),
                "latency_ms_baseline": round(lb, 2) if np.isfinite(lb) else np.nan,
                "latency_ms": round(la, 2) if np.isfinite(la) else np.nan,
                "latency_change_ms": round(la - lb, 2)
                if np.isfinite(la) and np.isfinite(lb)
                else np.nan,
                "loss_pct_by_region": region_loss.get(c, {}),
                "loss_pct_immediate": round(t_loss["immediate"], 2),
                "loss_pct_rerouted": round(t_loss["rerouted"], 2),
                "capacity_loss_pct": round(cap_loss, 2),
                "demand_tbps": round(demand, 4),
                "served_tbps": round(0.0 if isolated and demand == demand else served, 4),
            }
        )
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    order = {s: i for i, s in enumerate(STATUSES)}
    df["_o"] = df["status"].map(order)
    df = df.sort_values(["_o", "loss_pct", "iso3"], ascending=[True, False, True]).drop(
        columns="_o"
    )
    return df.reset_index(drop=True)


_NO_TRAFFIC: dict = {}
_NO_TRAFFIC_ROW = (np.nan, np.nan, dict.fromkeys(_traffic.HORIZONS, np.nan))


def _traffic_after(after: AfterState) -> dict[str, tuple[float, float, dict[str, float]]]:
    """Per country: demand carried by the intact network, served after (headline horizon),
    and the loss (percent) in each horizon."""
    comp = after.comp
    model = _state.traffic_model(after.network, after.options)
    served = after.served()
    out = {}
    for c, tasks in comp.country_tasks.items():
        losses = {}
        for h in _traffic.HORIZONS:
            before = float(model.served0[h][tasks].sum())
            now = float(served[h][tasks].sum())
            losses[h] = max(0.0, min(100.0, 100.0 * (1.0 - now / before))) if before > 0 else 0.0
        out[c] = (
            float(model.served0[_traffic.HEADLINE][tasks].sum()),
            float(served[_traffic.HEADLINE][tasks].sum()),
            losses,
        )
    return out


AfterState = _state.AfterState
"""The network after a set of failures (:class:`cablesim.engine.state.AfterState`)."""


def _checked(
    after: AfterState | None,
    network: Network,
    failures: Failures,
    options: Options,
    *,
    any_routing: bool = False,
) -> AfterState:
    """``after``, or a new one; refuses a state built for other failures or settings.

    ``any_routing``: any routing will do (reachability ignores the corridors).
    """
    if after is None:
        return _state.after_state(network, failures, options)
    if (
        after.comp.network is not network
        or (after.failures is not failures and after.failures != failures)
        or after.core != options.core
        or after.backhaul != options.backhaul
        or (not any_routing and after.routing != options.routing)
    ):
        raise ValueError("the after-state was built for another network, failures or settings")
    return after


PLACE_COLUMNS = ("iso3", "name", "stations", "n_stations", "landing_point_ids")


def cut_off_places(
    network: Network,
    failures: Failures,
    *,
    core: tuple[str, ...],
    backhaul: str = "landmass",
    after: AfterState | None = None,
) -> pd.DataFrame:
    """Places cut off from the core inside countries that are not cut off as a whole.

    A place is a group of a country's landing stations joined by domestic
    backhaul (an island, or one side of a closed area) that had a route to a
    core country before ``failures`` and has none after, while the country
    itself keeps one: Kinmen when its cables fail, Shetland, the Andaman
    Islands. Lost stations (``station`` and ``country`` events) are not places
    cut off: they are gone.

    Parameters
    ----------
    network, failures, core, backhaul
        As for :func:`country_metrics`.
    after
        The network after ``failures`` (:func:`cablesim.engine.state.after_state`, any routing), when
        the caller already built it; built here otherwise.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PLACE_COLUMNS`: the country, the station names (without
        the country), their number and ids; largest places first.
    """
    after = _checked(
        after,
        network,
        failures,
        _state.Options(core=core, backhaul=backhaul),
        any_routing=True,
    )
    comp, comp_after = after.comp, after.comp_after
    reach_before = _cached(
        network,
        f"reachnode:{backhaul}:{','.join(core)}",
        lambda: _engine.reaching_nodes(comp, _engine.components(comp, comp.edge_cap)),
    )
    reach_after = _engine.reaching_nodes(comp_after, after.label)
    country_reach = dict(zip(comp.countries, after.reach.tolist(), strict=True))
    lps = network.landing_points
    idx = pd.Series(np.arange(len(comp.node_ids)), index=comp.node_ids)
    ids = lps["landing_point_id"].to_numpy()
    gi = idx.reindex(ids).to_numpy()
    ok = ~np.isnan(gi) & ~np.isin(ids, list(failures.nodes))
    gi = gi[ok].astype(np.int64)
    lost = reach_before[comp.flow_of[gi]] & ~reach_after[comp_after.flow_of[gi]]
    if not lost.any():
        return pd.DataFrame(columns=list(PLACE_COLUMNS))
    sub = lps[ok].loc[lost].assign(_place=comp_after.flow_of[gi[lost]])
    names = network.country_names
    rows = []
    for (iso3, _), g in sub.groupby(["iso3", "_place"], sort=False):
        if not country_reach.get(iso3, False):
            continue  # the whole country is cut off: reported as isolated
        stations = sorted(str(n).rsplit(",", 1)[0].strip() for n in g["name"])
        rows.append(
            {
                "iso3": iso3,
                "name": names.get(iso3, iso3),
                "stations": stations,
                "n_stations": len(stations),
                "landing_point_ids": sorted(g["landing_point_id"]),
            }
        )
    out = pd.DataFrame(rows, columns=list(PLACE_COLUMNS))
    return out.sort_values(["n_stations", "iso3"], ascending=[False, True]).reset_index(drop=True)


def _region_losses(
    comp: _engine.Compiled, before: np.ndarray, after: np.ndarray
) -> dict[str, dict[str, float]]:
    """Per country, its loss (percent) of capacity toward each core region."""
    out: dict[str, dict[str, float]] = {}
    for c, tasks in comp.country_tasks.items():
        losses = {}
        for t in tasks:
            b = before[t]
            region = comp.regions[comp.task_region[t]]
            losses[region] = round(max(0.0, 100.0 * (1.0 - after[t] / b)), 2) if b > 0 else 0.0
        out[c] = losses
    return out


def _cached(network: Network, key: str, fn):
    return network.memo(key, fn)
