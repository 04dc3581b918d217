"""Traffic served: every country's demand competing for the capacity that survives.

The capacity view (:mod:`cablesim.engine.flows`) asks how much capacity each
country keeps toward the core, each country alone. This module asks how much
of each country's *traffic* (:mod:`cablesim.engine.demand`) is still carried when
all countries' traffic competes for what survives. Both use the same compiled
network, route corridors and core hubs.

Routes
    Each (country, core region) *task* gets a set of routes: the paths of a
    decomposition of its maximum flow within its corridor (the engine's flow
    problem, with directions), widest first, at most :data:`TOP_PATHS` of them.
    Every cable pair carries its full capacity in each direction (fibre is
    full duplex); traffic is counted from the country toward the core.
Baseline
    The demand of a task (:mod:`cablesim.engine.demand`) is spread over its baseline
    routes in proportion to their width. The demand level is set so that the
    network's links run at :data:`cablesim.engine.demand.UTILIZATION` on average
    (capacity-weighted; traffic times the hops of its routes over the total
    capacity), each country capped at :func:`cablesim.engine.demand.peak_for` of
    what its routes carry when every country sends in proportion to its GDP,
    its split over the regions unchanged (when every country reaches its cap
    first, the level stays below the target: the level reached is reported).
    The demand is what the intact network carries: a route through a link that
    its share would overfill carries that link's share of it (every route on
    the link the same share), so no link runs over its capacity before any
    event, and losses are shares of that demand.
*immediate* horizon (the first days; the headline)
    How capacity is really bought and restored (issue 22). A task's baseline
    routes (:func:`baseline_routes`) are its routes over sourced capacity
    (cables from its own landings and sourced land links), else every route;
    a country with no cable exit of its own (a cable only to land neighbours
    is a border crossing, not an exit: :func:`_transit_borders`) buys transit
    over land from a neighbour that has one (an assumed border link counts as
    capacity it bought), and where no neighbour has one either, and no
    sourced land link leads out, it runs on satellite, which a cut elsewhere
    does not touch; a small territory with a land link
    (:data:`SMALL_TERRITORY_KM2`) buys over land. Capacity is bought as
    **circuits on one system**, end to end from the buyer's landing to the
    far-end city of that system (the route's *first leg*, the longest prefix
    one system carries), and a buyer picks a far-end city in the region its
    traffic is for (Freetown buys ACE to Lisbon or Penmarch for Europe, not
    ACE to Lagos and another system on; Beirut buys CADMOS to Cyprus, a
    member state of the European Union: :data:`EUROPEAN_UNION`): where a
    task has such routes they are its baseline routes. A cut breaks
    every circuit crossing the failed segment, whatever spare capacity others
    hold on the link (:func:`keep_share`: a pair keeps ``dcap / dcap0`` of
    its circuits). On the first leg nobody but the buyer restores a broken
    circuit; beyond its far-end city the hub's carriers restore the share
    :data:`PROTECTED` of what breaks, onto the capacity left on the hub's own
    routes toward the region and never more (a hub cut off from the region
    restores nothing; the route keeps the smaller of the two shares:
    :func:`_route_keep`). Of the traffic on a country's broken circuits, the
    same share belongs to owners holding protection or other circuits, and
    moves onto the country's surviving circuits as far as they have room at
    the busy hour (:data:`BUSY_HOUR` times the mean traffic, at the mean
    utilization ``u``); the rest is lost in the first days: :func:`first_days`.
    Emergency capacity is bought later (the rerouted horizon). The protected
    share is fitted on the shared incidents with leave-one-incident-out
    cross-validation (``cablesim history --fit``); the utilization and the
    busy-hour factor stay sourced.
*rerouted* horizon (after :data:`REROUTE_DAYS` days)
    Emergency capacity has been bought. The traffic on circuits that survive
    end to end stays with their owners (a country's surviving circuits do not
    pass to strangers' displaced traffic); satellite traffic stays on
    satellite. The rest of the demand takes what is left (spare and freed
    capacity) on any route in its corridor: the task's baseline routes plus
    the routes of its maximum flow on the surviving network. That allocation is
    **max-min fair in the share of demand served** (each task's served traffic
    divided by its demand is maximised lexicographically from the smallest),
    computed by progressive filling: each step is a linear program solved with
    HiGHS (``scipy.optimize.linprog``) that raises the common level of the
    tasks not yet frozen; tasks all of whose routes cross a saturated link are
    then frozen at the level reached (when none is, those whose fairness
    constraint has a non-zero dual). A linear program rather than an exact
    water-filling because tasks have several routes: which route a task uses
    is part of the answer. Weighting by demand is
    how TCP shares a congested link (per flow, and flows grow with users);
    plain max-min fairness in Tbit/s would let a small country keep all of its
    traffic on a link full of everybody else's. Where a closed area splits a
    land mass, the waiting traffic takes routes of the split network, on whose
    links the surviving traffic is fixed pair by pair. The first days'
    protection and the hubs' restoration are bounded country by country, not
    jointly, so where everybody's displaced traffic shares what survives, the
    rerouted loss can exceed the first days' (the small networks of 2008:
    Lebanon 27% then 42% in January 2008; docs/validation.md).

Headline: the immediate horizon. What sources report (outage trackers,
operators' statements, the press) is mostly the first days after a cut.

Exact reuse: when no link's surviving capacity falls below its baseline load,
every task keeps its baseline traffic in both horizons (nothing is solved);
when the immediate horizon serves everybody, so does the rerouted one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from cablesim._geo import haversine_km
from cablesim._memo import Memo
from cablesim.engine import _disk
from cablesim.engine import demand as _demand
from cablesim.engine import flows as _engine

TOP_PATHS = 12
"""Routes kept per (country, core region) task: the widest paths of its maximum flow."""
REROUTE_DAYS = 7
"""Days after a cut from which timelines use the rerouted horizon: capacity bought on
other systems or restoration agreed between operators (an assumption: operators report
restoration over 'days to a couple of weeks')."""
PROTECTED = 0.25
"""FITTED, the model's one fitted parameter (``cablesim history --fit``, leave-one-
incident-out cross-validation on the shared incidents; docs/validation.md): the share of
broken circuits' traffic that is protected in the first days. On the buyer's own system
(its circuit from its landing to the system's far-end city) it is the share whose owners
hold protection or other circuits of their own (restoration bought in advance, capacity
spread over several systems) and move it there, as far as those surviving circuits have
room at the busy hour; beyond the far-end city (Fujairah, Mumbai, Marseille...) it is
also the share the hub's carriers restore from their own protection, onto the capacity
left on the hub's own routes toward the region. The rest belongs to operators holding
nothing else and is lost until emergency capacity is bought: a surviving circuit of one
operator does not carry a stranger's traffic. 1 would make a country one operator
holding all its circuits; 0, every circuit its own operator. Not sourced: no public
figure gives it. One share for every market and date: a split by income group, a trend
over the years, a separate share for the hubs' carriers or a share growing with the
number of systems a market spreads over fitted no better out of sample
(docs/validation.md). 0.25 is the value of the grid (0 to 1 by 0.05) whose neighbourhood
scores best (0.15 to 0.3 score within 0.001 of it in sample); the leave-one-out folds
chose 0.2 to 0.3."""
BUSY_HOUR = _demand.PEAK_TO_MEAN
"""Busy-hour traffic over the mean: the sourced peak over mean utilization, 0.55 / 0.275
= 2 (:data:`cablesim.engine.demand.PEAK_TO_MEAN`). Surviving circuits take moved traffic
up to the busy-hour traffic they can carry. Sourced, not fitted (the fit is flat in it:
docs/validation.md's sensitivity table)."""
FAR_END_KM = 3000.0
"""A far-end city is *in the destination region* when it lies in a country of that region
within this distance of one of the region's core hubs (Lisbon, Marseille, Stockholm for
Europe; Chennai, Jakarta, Manila for Asia): overseas territories that carry their
mother country's region (Mayotte, Réunion, French Guiana are "Europe") are not
Europe's doorstep. An assumption, not fitted: about the span of Europe around its hubs."""
EUROPEAN_UNION: dict[str, tuple[str, str | None]] = {
    **dict.fromkeys(("BEL", "DEU", "FRA", "ITA", "LUX", "NLD"), ("1958-01-01", None)),
    **dict.fromkeys(("DNK", "IRL"), ("1973-01-01", None)),
    "GBR": ("1973-01-01", "2020-01-31"),
    "GRC": ("1981-01-01", None),
    **dict.fromkeys(("ESP", "PRT"), ("1986-01-01", None)),
    **dict.fromkeys(("AUT", "FIN", "SWE"), ("1995-01-01", None)),
    **dict.fromkeys(
        ("CYP", "CZE", "EST", "HUN", "LTU", "LVA", "MLT", "POL", "SVK", "SVN"),
        ("2004-05-01", None),
    ),
    **dict.fromkeys(("BGR", "ROU"), ("2007-01-01", None)),
    "HRV": ("2013-07-01", None),
}
"""Member states of the European Union: ISO3 -> (joined, left or ``None``). A far-end
city in a member state at the network's date is in Europe for the far-end rule
(:func:`_reaches_region`), whatever region the UN geoscheme gives its country: the
European market a circuit is bought into is the Union's (its carriers and exchanges, one
regulation). Of the members only Cyprus lies outside the geoscheme's Europe (Western
Asia): a circuit from Beirut or Tartous to Cyprus (CADMOS, UGARIT) reaches Europe's
doorstep, as one from Freetown to Lisbon does. Sourced (the Union's list of its member
countries and the dates they joined, european-union.europa.eu; the United Kingdom left
on 31 January 2020), not fitted."""
SMALL_TERRITORY_KM2 = 1000.0
"""Countries smaller than this (land area, km²) with a land link (Gibraltar, Monaco,
San Marino, Andorra, the Vatican, Liechtenstein, Macao...) are served over land: their
own exits are their land links to the neighbour (an assumption: such territories buy
their connectivity from the neighbour's operators, even where a cable lands)."""

HORIZONS = ("immediate", "rerouted")
HEADLINE = "immediate"
"""The horizon of ``loss_pct``: sources report mostly the first days."""
MAX_STEPS = 60
"""Progressive-filling steps before the remaining tasks are frozen at the level reached."""
_EPS = 1e-9
ROUTES_KEPT = 20_000
"""Routes of changed capacities kept per compiled network (least recently used out)."""


@dataclass
class Routes:
    """Routes of the tasks (internal): paths over directed flow pairs (2 * pair + direction)."""

    task: np.ndarray  # path -> task
    width: np.ndarray  # path -> flow of the decomposition (Tbit/s)
    idx: np.ndarray  # concatenated directed pairs of all paths
    ptr: np.ndarray  # path k's pairs: idx[ptr[k]:ptr[k+1]]
    M: sp.csr_matrix  # directed pairs x paths
    hop_index: tuple | None = field(default=None, repr=False)  # _hops, computed once

    @property
    def n(self) -> int:
        return len(self.task)


@dataclass
class Model:
    """Demand and baseline traffic of a compiled network (internal; cached)."""

    comp: _engine.Compiled
    demand: np.ndarray  # per task, Tbit/s
    routes: Routes
    x0: np.ndarray  # baseline traffic per path
    load0: np.ndarray  # per directed pair
    dcap0: np.ndarray  # capacity per directed pair
    served0: dict  # horizon -> per task served on the intact network
    pair_cable: sp.csr_matrix  # pairs x systems: capacity of each system on the pair
    utilization: float  # the target
    achieved: float  # the intact network's mean utilization with this demand
    satellite: np.ndarray  # per task: no sourced capacity (served by satellite in the first days)
    first_leg: np.ndarray  # per hop of every route (routes.idx): on the route's first system
    legs: tuple | None = field(default=None, repr=False)  # first legs and the rest (_legs)
    hub: tuple | None = field(default=None, repr=False)  # hubs of the later legs (_route_keep)


def directed_capacity(comp: _engine.Compiled, edge_cap: np.ndarray) -> np.ndarray:
    """Capacity (Tbit/s) of every directed flow pair (each direction the pair's full capacity).

    Each pair's capacity is the sum of its edges' in edge order (the product with
    the pairs x edges incidence, kept per compiled network).
    """
    inc = comp.memo.get("pair-edges", lambda: _engine._incidence(comp).T.tocsr())
    cap = inc @ np.asarray(edge_cap, dtype=float)
    return np.repeat(cap, 2)


def _task_max_flow(comp: _engine.Compiled, edge_cap: np.ndarray, t: int):
    """Signed flow on every live pair of task ``t``'s maximum flow (Tbit/s), or ``None``.

    The engine's one max-flow (:func:`cablesim.engine.flows.max_flow`, on the task's
    :class:`~cablesim.engine.flows.TaskGraph`), with the task's sources and sinks.
    """
    solved = _engine.max_flow(comp, edge_cap, t)
    if solved is None:
        return None
    c = comp.countries[comp.task_country[t]]
    src = comp.country_flow_nodes[c]
    sink = np.setdiff1d(comp.region_nodes[comp.task_region[t]], src)
    return solved[0], solved[1], src, sink


def _decompose(comp: _engine.Compiled, solved, top: int) -> list[tuple[np.ndarray, float]]:
    """The widest paths (directed pairs, width) of a task's maximum flow."""
    live, f, src, sink = solved
    out: dict[int, dict[int, list]] = {}
    for p, fl in zip(live, f, strict=True):
        if abs(fl) <= _EPS:
            continue
        a, b = int(comp.pair_u[p]), int(comp.pair_v[p])
        if fl > 0:
            out.setdefault(a, {})[b] = [fl, 2 * int(p)]
        else:
            out.setdefault(b, {})[a] = [-fl, 2 * int(p) + 1]
    sinks = set(sink.tolist())
    total = float(np.abs(f).sum())
    paths: list[tuple[np.ndarray, float]] = []
    for _ in range(top * 4):
        if len(paths) >= top:
            break
        starts = [(sum(e[0] for e in out.get(s, {}).values()), s) for s in src.tolist()]
        starts = [s for s in starts if s[0] > _EPS]
        if not starts:
            break
        node = max(starts)[1]
        seen = {node}
        hops: list[tuple[int, int]] = []
        ok = True
        while node not in sinks:
            nxt = [(e[0], b) for b, e in out.get(node, {}).items() if e[0] > _EPS and b not in seen]
            if not nxt:
                ok = False
                break
            b = max(nxt)[1]
            hops.append((node, b))
            seen.add(b)
            node = b
        if not ok:  # a circulation or dead end: drop its last hop and retry
            if hops:
                a, b = hops[-1]
                out[a][b][0] = 0.0
            else:
                for e in out.get(node, {}).values():
                    e[0] = 0.0
            continue
        width = min(out[a][b][0] for a, b in hops)
        for a, b in hops:
            out[a][b][0] -= width
        if width > _EPS:
            paths.append((np.array([out[a][b][1] for a, b in hops], dtype=np.int64), width))
        if total and width < 1e-4 * total:
            break
    return paths


def _routes(comp: _engine.Compiled, per_task: list[list[tuple[np.ndarray, float]]]) -> Routes:
    task, width, parts = [], [], []
    for t, paths in enumerate(per_task):
        for pairs, w in paths:
            task.append(t)
            width.append(w)
            parts.append(pairs)
    lens = np.array([len(p) for p in parts], dtype=np.int64)
    ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    idx = np.concatenate(parts) if parts else np.array([], dtype=np.int64)
    return _routes_of(comp, np.array(task, dtype=np.int64), np.array(width, dtype=float), idx, ptr)


def _routes_of(
    comp: _engine.Compiled, task: np.ndarray, width: np.ndarray, idx: np.ndarray, ptr: np.ndarray
) -> Routes:
    """The routes from their arrays (paths' tasks, widths, concatenated directed pairs)."""
    lens = np.diff(ptr)
    col = np.repeat(np.arange(len(task)), lens)
    M = sp.csr_matrix((np.ones(len(idx)), (idx, col)), shape=(2 * len(comp.pair_u), len(task)))
    return Routes(task=task, width=width, idx=idx, ptr=ptr, M=M)


def _hops(routes: Routes) -> tuple:
    """The routes' pairs hop by hop: paths ordered longest first, and for hop ``j`` the
    pair of each path that has one (a prefix of that order). Kept on the routes object
    (computed at most once per thread that races for it: the same value either way)."""
    if routes.hop_index is None:
        routes.hop_index = _make_hops(routes)
    return routes.hop_index


def _make_hops(routes: Routes) -> tuple:
    lens = np.diff(routes.ptr)
    order = np.argsort(-lens, kind="stable")
    hops = []
    for j in range(int(lens.max()) if len(lens) else 0):
        n_j = int((lens > j).sum())
        hops.append(routes.idx[routes.ptr[order[:n_j]] + j])
    return order, hops


def _path_min(routes: Routes, values: np.ndarray) -> np.ndarray:
    """Per path, the minimum of ``values`` (per directed pair) over its pairs.

    ``values`` may have more axes after the first (one column per capacity vector):
    the minimum is then taken column by column. Computed hop by hop (a minimum is
    exact whatever the order).
    """
    if not routes.n:
        return np.zeros((0, *np.shape(values)[1:]))
    order, hops = _hops(routes)
    acc = values[hops[0]]
    for h in hops[1:]:
        part = acc[: len(h)]
        np.minimum(part, values[h], out=part)
    out = np.empty_like(acc)
    out[order] = acc
    return out


def _pair_cable(comp: _engine.Compiled, edge_cap: np.ndarray) -> sp.csr_matrix:
    """Pairs x systems: capacity of each cable (or land link) on each flow pair."""
    ok = np.flatnonzero(comp.pair_of_edge >= 0)
    systems, sys_idx = np.unique(comp.edge_cable[ok], return_inverse=True)
    return sp.csr_matrix(
        (edge_cap[ok], (comp.pair_of_edge[ok], sys_idx)), shape=(len(comp.pair_u), len(systems))
    )


def model(comp: _engine.Compiled, *, utilization: float | None = None) -> Model:
    """Demand, routes and baseline traffic of ``comp`` (cached on it, per utilization).

    Parameters
    ----------
    utilization
        Average utilization of the intact network; default
        :data:`cablesim.engine.demand.UTILIZATION`.
    """
    u = _demand.UTILIZATION if utilization is None else float(utilization)
    # kept on the compiled network (like its graphs): one model per utilization, the
    # routes of the intact network shared by all
    return comp.memo.get(("traffic-model", u), lambda: _stored_model(comp, u))


def baseline_paths(comp: _engine.Compiled) -> Routes:
    """The routes of every task on the intact network (cached on ``comp``)."""

    def solve() -> dict[str, np.ndarray]:
        per_task = []
        for t in range(len(comp.task_country)):
            solved = _task_max_flow(comp, comp.edge_cap, t)
            per_task.append(_decompose(comp, solved, TOP_PATHS) if solved else [])
        r = _routes(comp, per_task)
        return {"task": r.task, "width": r.width, "idx": r.idx, "ptr": r.ptr}

    def fits(a: dict[str, np.ndarray]) -> bool:
        n = len(a["task"])
        return (
            len(a["width"]) == n
            and len(a["ptr"]) == n + 1
            and int(a["ptr"][-1]) == len(a["idx"])
            and (not n or int(a["task"].max()) < len(comp.task_country))
            and (not len(a["idx"]) or int(a["idx"].max()) < 2 * len(comp.pair_u))
        )

    def build() -> Routes:
        a = _disk.cached(
            comp.network, "routes", (comp.backhaul, comp.core, comp.routing, TOP_PATHS), solve, fits
        )
        return _routes_of(comp, a["task"], a["width"], a["idx"], a["ptr"])

    return comp.memo.get("traffic-routes", build)


def _stored_model(comp: _engine.Compiled, u: float) -> Model:
    """:func:`_build_model`, kept on disk for the bundled network (:mod:`._disk`)."""
    if (
        _engine.compile_network(comp.network, comp.backhaul, comp.core, routing=comp.routing)
        is not comp
    ):
        return _build_model(comp, u)
    keys = (
        "demand",
        "x0",
        "load0",
        "dcap0",
        "immediate",
        "rerouted",
        "satellite",
        "first_leg",
    )

    def solve() -> dict[str, np.ndarray]:
        m = _build_model(comp, u)
        return {
            "demand": m.demand,
            "x0": m.x0,
            "load0": m.load0,
            "dcap0": m.dcap0,
            "immediate": m.served0["immediate"],
            "rerouted": m.served0["rerouted"],
            "satellite": m.satellite,
            "first_leg": m.first_leg,
            "achieved": np.array(m.achieved),
        }

    routes = baseline_paths(comp)
    n_tasks, n_dir = len(comp.task_country), 2 * len(comp.pair_u)
    sizes = {
        "demand": n_tasks,
        "x0": routes.n,
        "load0": n_dir,
        "dcap0": n_dir,
        "immediate": n_tasks,
        "rerouted": n_tasks,
        "satellite": n_tasks,
        "first_leg": len(routes.idx),
    }

    def fits(a: dict[str, np.ndarray]) -> bool:
        return all(a[k].shape == (sizes[k],) for k in keys) and a["achieved"].shape == ()

    a = _disk.cached(
        comp.network, "traffic", (comp.backhaul, comp.core, comp.routing, TOP_PATHS, u), solve, fits
    )
    return Model(
        comp=comp,
        demand=a["demand"],
        routes=routes,
        x0=a["x0"],
        load0=a["load0"],
        dcap0=a["dcap0"],
        served0={"immediate": a["immediate"], "rerouted": a["rerouted"]},
        pair_cable=_pair_cable(comp, comp.edge_cap),
        utilization=u,
        achieved=float(a["achieved"]),
        satellite=a["satellite"],
        first_leg=a["first_leg"],
    )


def _build_model(comp: _engine.Compiled, u: float) -> Model:
    net = comp.network
    routes = baseline_paths(comp)
    weights = _demand.demand_weights(net)
    tasks = {
        c: [(int(t), int(comp.task_region[t])) for t in comp.country_tasks[c]]
        for c in comp.countries
    }
    shares = _demand.task_shares(net, comp.countries, comp.regions, tasks)
    unit = np.zeros(len(comp.task_country))
    for c, sh in shares.items():
        w = float(weights.get(c, 0.0))
        for t, s in sh.items():
            unit[t] = w * s
    # tasks without a route carry nothing (and count for no demand)
    has_route = np.bincount(routes.task, minlength=len(unit)) > 0
    unit = np.where(has_route, unit, 0.0)
    dcap0 = directed_capacity(comp, comp.edge_cap)
    total_cap = float(dcap0[0::2].sum())
    hops = np.diff(routes.ptr).astype(float)
    wsum = np.bincount(routes.task, weights=routes.width, minlength=len(unit))
    # baseline routes (where capacity is bought), in tiers (see the module docstring)
    first_leg = _first_leg(comp, routes)
    used, satellite = _tiers(comp, routes, first_leg)
    wsum = np.bincount(routes.task, weights=routes.width * used, minlength=len(unit))
    share = np.where(used, routes.width, 0.0) / np.where(wsum > 0, wsum, 1.0)[routes.task]
    # when every country pushes in proportion to its GDP over its baseline routes, the
    # scale at which each route's busiest link is full: what a task's routes carry is its
    # unit times the width-weighted fill scale of its routes, and a country's ceiling is
    # the peak utilization of what all its routes carry, split over its regions as its
    # demand is (a ceiling per region squeezed the traffic of every route through a busy
    # chokepoint: India sent 6% of its traffic to Europe on the 2025 network)
    load_unit = routes.M @ (unit[routes.task] * share)
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.where(load_unit > 0, dcap0 / load_unit, np.inf)
    path_fill = np.minimum(_path_min(routes, fill), 1e30)
    task_fill = np.bincount(routes.task, weights=share * path_fill, minlength=len(unit))
    n_c = len(comp.countries)
    carries = np.bincount(comp.task_country, weights=unit * task_fill, minlength=n_c)
    units = np.bincount(comp.task_country, weights=unit, minlength=n_c)
    split = unit / np.where(units > 0, units, 1.0)[comp.task_country]
    ceiling = _demand.peak_for(u) * carries[comp.task_country] * split

    def demand_at(k: float) -> np.ndarray:
        return np.minimum(unit * k, ceiling)

    mean_hops = np.bincount(routes.task, weights=share * hops, minlength=len(unit))

    def util(k: float) -> float:
        return float((demand_at(k) * mean_hops).sum() / total_cap)

    lo, hi = 0.0, 1.0
    while util(hi) < u and hi < 1e15 and util(hi) < util(hi * 4):
        lo, hi = hi, hi * 4
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if util(mid) < u else (lo, mid)
    # (when every country is at its ceiling first, the level reached is below u: kept as is)
    demand = demand_at(hi)
    # baseline routing: in proportion to the widths of the baseline routes
    x0 = demand[routes.task] * share
    load0 = routes.M @ x0
    # demand is what the intact network carries: a route through a link that its share
    # of the GDP-shaped demand would overfill carries that link's share of it (every
    # route on the link the same share; no link runs over its capacity at baseline)
    with np.errstate(divide="ignore", invalid="ignore"):
        fits = np.where(load0 > dcap0, dcap0 / load0, 1.0)
    if (fits < 1.0).any():
        x0 = x0 * _path_min(routes, fits)
        load0 = routes.M @ x0
        demand = np.bincount(routes.task, weights=x0, minlength=len(unit))
    m = Model(
        comp=comp,
        demand=demand,
        routes=routes,
        x0=x0,
        load0=load0,
        dcap0=dcap0,
        served0={},
        pair_cable=_pair_cable(comp, comp.edge_cap),
        utilization=u,
        achieved=float((x0 * hops).sum() / total_cap),
        satellite=satellite,
        first_leg=first_leg,
    )
    # what the intact network carries: all of it
    m.served0["immediate"] = immediate(m, comp.edge_cap)
    m.served0["rerouted"] = m.served0["immediate"].copy()
    return m


def _first_leg(comp: _engine.Compiled, r: Routes) -> np.ndarray:
    """Per hop of every route (``r.idx``): whether it lies on the route's first system.

    The first leg is the longest prefix of the route that one cable system (or land
    link) carries on every pair: the circuit its buyer holds from its landing to the
    far-end city of that system.
    """
    out = np.zeros(len(r.idx), dtype=bool)
    if not r.n:
        return out
    alive = _pair_cable(comp, comp.edge_cap).tocsr()
    alive.data = (alive.data > 0).astype(float)
    alive.eliminate_zeros()
    lens = np.diff(r.ptr)
    common = alive[r.idx[r.ptr[:-1]] // 2]  # paths x systems
    out[r.ptr[:-1]] = True
    going = np.ones(r.n, dtype=bool)
    for j in range(1, int(lens.max())):
        rows = np.flatnonzero(going & (lens > j))
        if not len(rows):
            break
        nxt = common[rows].multiply(alive[r.idx[r.ptr[rows] + j] // 2]).tocsr()
        still = np.asarray(nxt.getnnz(axis=1)).ravel() > 0
        out[r.ptr[rows[still]] + j] = True
        going[:] = False
        going[rows[still]] = True
        common = sp.lil_matrix(common.shape)
        common[rows[still]] = nxt[still]
        common = common.tocsr()
    return out


def _single_system(comp: _engine.Compiled, r: Routes, edge_cap: np.ndarray) -> np.ndarray:
    """Per path: whether one cable system (or land link) alive on every pair carries it all."""
    alive = _pair_cable(comp, edge_cap)
    alive.data = (alive.data > 0).astype(float)
    alive.eliminate_zeros()
    undirected = sp.csr_matrix(
        (np.ones(len(r.idx)), (np.repeat(np.arange(r.n), np.diff(r.ptr)), r.idx // 2)),
        shape=(r.n, len(comp.pair_u)),
    )
    counts = (undirected @ alive).tocsr()
    need = np.diff(r.ptr)
    out = np.zeros(r.n, dtype=bool)
    rows = np.repeat(np.arange(r.n), np.diff(counts.indptr))
    hit = counts.data >= need[rows] - 1e-9
    out[rows[hit]] = True
    return out


def _small_territories(comp: _engine.Compiled) -> np.ndarray:
    """Per country of ``comp``: land area under :data:`SMALL_TERRITORY_KM2`."""
    lm = comp.network.landmasses
    if "area_km2" not in lm.columns or not len(lm):
        return np.zeros(len(comp.countries), dtype=bool)
    area = lm.groupby("iso3")["area_km2"].sum()
    return np.array(
        [float(area.get(k, np.inf)) < SMALL_TERRITORY_KM2 for k in comp.countries], dtype=bool
    )


def baseline_routes(comp: _engine.Compiled, r: Routes) -> np.ndarray:
    """Per path: whether it is one of its task's baseline routes (where capacity is bought).

    Tiers, the first one a task has routes in: (1) its *own exits*: routes over sourced
    capacity whose first leg (the buyer's circuit on one system, :func:`_first_leg`)
    reaches the task's core region, or that one system carries all the way; (2) every
    route over sourced capacity (a country whose own systems end elsewhere buys on from
    their far-end cities); (3) every route. A route relying on an assumed border link (no
    source gives it) is never in tiers 1-2: it stands for the local connection of two
    neighbours, not for capacity anyone is known to have bought, except for a country
    with no cable exit of its own, which buys transit over land from a neighbour that
    has one (:func:`_transit_borders`). A small territory (:data:`SMALL_TERRITORY_KM2`)
    with a land link has its routes starting on a land link (assumed or sourced) as its
    own exits.
    """
    return _tiers(comp, r, _first_leg(comp, r))[0]


def _transit_borders(comp: _engine.Compiled) -> tuple[np.ndarray, np.ndarray]:
    """Per finite edge: a land link between a country with a cable exit of its own (in
    service on ``comp``) and one without; and per country of ``comp``: it has none (it buys
    transit over land from a neighbour that has one).

    A cable exit is a system landing in the country and in another that is not one of
    its land neighbours (:meth:`cablesim.network.Network.land_borders`): a cable only to
    land neighbours is a border crossing, not an exit to the world (the Kerch Strait
    cable from Crimea to Russia was Ukraine's one landing; Uruguay's cables ended in
    Argentina and Brazil until Firmina, Uganda's on Lake Albert end in the DR Congo).
    """
    seg = (comp.edge_kind == 0) & (comp.edge_cap > 0)
    cab = np.concatenate([comp.edge_cable[seg], comp.edge_cable[seg]])
    iso = np.concatenate([comp.node_iso3[comp.edge_u[seg]], comp.node_iso3[comp.edge_v[seg]]])
    countries = set(comp.countries)
    landed: dict[str, set[str]] = {}
    for c, k in zip(cab.tolist(), iso.tolist(), strict=True):
        if k in countries:
            landed.setdefault(c, set()).add(k)
    borders = comp.network.land_borders()
    with_exit = {
        k
        for ks in landed.values()
        for k in ks
        if any(o != k and frozenset((k, o)) not in borders for o in ks)
    }
    cable_less = np.array([c not in with_exit for c in comp.countries], dtype=bool)
    a = np.isin(comp.node_iso3[comp.edge_u], list(with_exit))
    b = np.isin(comp.node_iso3[comp.edge_v], list(with_exit))
    return (comp.edge_kind == 1) & (a != b), cable_less


def _reaches_region(comp: _engine.Compiled, r: Routes, first_leg: np.ndarray) -> np.ndarray:
    """Per path: its first leg ends in the task's core region (the far-end city of the
    buyer's circuit is where its traffic is for): in a country of that region (for
    Europe, or a member state of the European Union at the network's date:
    :data:`EUROPEAN_UNION`), within :data:`FAR_END_KM` of one of its core hubs."""
    end = _far_end_nodes(comp, r, first_leg)
    c = comp.network.countries
    region_of = dict(zip(c["iso3"], c["region"].astype(str), strict=True))
    when = comp.network.as_of.isoformat()
    for k, (joined, left) in EUROPEAN_UNION.items():
        if joined <= when and (left is None or when < left):
            region_of[k] = "Europe"
    end_iso = comp.node_iso3[end]
    end_region = np.array([region_of.get(k, "") for k in end_iso], dtype=object)
    want = np.asarray(comp.regions, dtype=object)[comp.task_region[r.task]]
    xy = comp.network.nodes(backhaul=comp.backhaul).loc[comp.node_ids, ["x", "y"]]
    x, y = xy["x"].to_numpy(dtype=float), xy["y"].to_numpy(dtype=float)
    near = np.zeros(r.n, dtype=bool)
    for ri, members in enumerate(comp.region_countries):
        hubs = np.concatenate([comp.core_nodes[k] for k in members if k in comp.core_nodes])
        rows = np.flatnonzero(comp.task_region[r.task] == ri)
        if not len(hubs) or not len(rows):
            continue
        e = end[rows]
        km = haversine_km(x[e][:, None], y[e][:, None], x[hubs][None, :], y[hubs][None, :])
        near[rows] = km.min(axis=1) <= FAR_END_KM
    return (end_region == want) & near


def _far_end_nodes(comp: _engine.Compiled, r: Routes, first_leg: np.ndarray) -> np.ndarray:
    """Per path: the graph node where its first leg ends (the far-end city of the buyer's
    circuit; one graph node stands for each flow node, its country and place)."""
    path = np.repeat(np.arange(r.n), np.diff(r.ptr))
    n_first = np.bincount(path, weights=first_leg, minlength=r.n).astype(np.int64)
    last = r.idx[r.ptr[:-1] + np.maximum(n_first, 1) - 1]
    end = np.where(last % 2 == 0, comp.pair_v[last // 2], comp.pair_u[last // 2])
    rep = np.zeros(comp.n_flow, dtype=np.int64)
    rep[comp.flow_of[::-1]] = np.arange(len(comp.flow_of))[::-1]
    return rep[end]


def _tiers(
    comp: _engine.Compiled, r: Routes, first_leg: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`baseline_routes`, and per task whether it is in tier 3 only (no sourced
    capacity: its country has no cable, no neighbour with one and no sourced land link
    toward that region, and is served by satellite in the first days: :func:`first_days`)."""
    n_tasks = len(comp.task_country)
    if not r.n:
        return np.zeros(0, dtype=bool), np.zeros(n_tasks, dtype=bool)
    links = comp.network.terrestrial_links
    border_ids = set(links.loc[links["kind"] == "border", "link_id"])
    is_land = comp.edge_kind == 1
    is_border = is_land & np.isin(comp.edge_ids, list(border_ids))
    transit, cable_less = _transit_borders(comp)
    # capacity of every directed pair counting only some of its edges
    cap = comp.edge_cap
    sourced = directed_capacity(comp, np.where(is_border, 0.0, cap))
    with_transit = directed_capacity(comp, np.where(is_border & ~transit, 0.0, cap))
    any_land = directed_capacity(comp, np.where(is_land, cap, 0.0))
    buys_transit = cable_less[comp.task_country[r.task]]
    unsourced = np.where(
        buys_transit,
        _path_min(r, with_transit) < r.width * (1 - 1e-9),
        _path_min(r, sourced) < r.width * (1 - 1e-9),
    )
    # capacity is bought as circuits from the country's landing on its own systems (and
    # sourced land links) to the far-end cities of those systems, in the destination
    # region where it can be
    direct = _single_system(comp, r, comp.edge_cap)
    own = (direct | _reaches_region(comp, r, first_leg)) & ~unsourced
    # small territories with a land link: served over land
    small = _small_territories(comp)[comp.task_country[r.task]]
    over_land = small & (any_land[r.idx[r.ptr[:-1]]] > 0)
    has_land = np.bincount(r.task, weights=over_land, minlength=n_tasks) > 0
    own = np.where(has_land[r.task], over_land, own)
    has_own = np.bincount(r.task, weights=own, minlength=n_tasks) > 0
    has_sourced = np.bincount(r.task, weights=~unsourced, minlength=n_tasks) > 0
    tier2 = ~has_own[r.task] & has_sourced[r.task] & ~unsourced
    tier3 = ~has_own[r.task] & ~has_sourced[r.task]
    has_route = np.bincount(r.task, minlength=n_tasks) > 0
    satellite = has_route & ~has_own & ~has_sourced
    return own | tier2 | tier3, satellite


def immediate(m: Model, edge_cap: np.ndarray, broken: np.ndarray | None = None) -> np.ndarray:
    """Traffic served per task in the first days after a change of capacities (Tbit/s).

    ``broken``: per path, routes cut otherwise (through a split land mass). One
    capacity vector; :func:`immediate_many` is the same for many at once.
    """
    dcap = directed_capacity(m.comp, edge_cap)
    cut = None if broken is None else np.asarray(broken, dtype=bool)[:, None]
    return _immediate(m, dcap[:, None], cut)[:, 0]


def immediate_many(m: Model, dcaps: np.ndarray) -> np.ndarray:
    """:func:`immediate` for many capacity vectors at once (K x tasks, Tbit/s).

    ``dcaps``: K x directed pairs, the capacities (:func:`directed_capacity`); no
    broken routes.
    """
    dcaps = np.atleast_2d(np.asarray(dcaps, dtype=float))
    return np.ascontiguousarray(_immediate(m, np.ascontiguousarray(dcaps.T), None).T)


def _immediate(m: Model, dc: np.ndarray, broken: np.ndarray | None) -> np.ndarray:
    """The first-days rule (module docstring), one column per capacity vector.

    ``dc``: directed pairs x K capacities; ``broken``: paths x K or ``None``.
    Returns tasks x K traffic served (Tbit/s).
    """
    avail = _avail(m, dc, broken)
    return first_days(m, _kept(m, dc, broken, avail=avail), avail=avail)


def _avail(m: Model, dc: np.ndarray, broken: np.ndarray | None) -> np.ndarray:
    """Per task (x K): the capacity left on its baseline routes (Tbit/s; summed over the
    routes, so an upper bound where they share a link): what protection can restore
    onto (an assumed border link, capacity nobody is known to hold, is not)."""
    r = m.routes
    n_t, k = len(m.demand), dc.shape[1]
    if not r.n or not k:
        return np.zeros((n_t, k))
    left = np.where((m.x0 > _EPS)[:, None], _path_min(r, dc), 0.0)
    if broken is not None:
        left = np.where(broken, 0.0, left)
    cols = np.arange(k)[None, :]
    flat = (np.broadcast_to(r.task[:, None], left.shape) * k + cols).ravel()
    return np.bincount(flat, weights=left.ravel(), minlength=n_t * k).reshape(n_t, k)


def _kept(
    m: Model,
    dc: np.ndarray,
    broken: np.ndarray | None,
    protected: float | None = None,
    *,
    avail: np.ndarray | None = None,
) -> np.ndarray:
    """Per task (x K): the baseline traffic whose circuits survive (tasks x K, Tbit/s).

    A route's circuits are spread over the systems of its links in proportion to their
    capacity; a cut breaks those on the failed systems (:func:`keep_share`), whoever
    holds spare capacity elsewhere on the link. ``avail``: :func:`_avail` of the same
    columns, if already computed (what the hubs restore onto: :func:`_route_keep`).
    """
    r = m.routes
    n_t, k = len(m.demand), dc.shape[1]
    if not r.n or not k:
        return np.zeros((n_t, k))
    if avail is None:
        avail = _avail(m, dc, broken)
    p = PROTECTED if protected is None else protected
    keep = _route_keep(m, keep_share(m, dc), p, avail)
    if broken is not None:
        keep = np.where(broken, 0.0, keep)
    kept = m.x0[:, None] * keep
    cols = np.arange(k)[None, :]
    flat = (np.broadcast_to(r.task[:, None], kept.shape) * k + cols).ravel()
    return np.bincount(flat, weights=kept.ravel(), minlength=n_t * k).reshape(n_t, k)


def _surviving_paths(m: Model, dcap: np.ndarray) -> np.ndarray:
    """Per path: its baseline traffic on circuits that survive end to end (Tbit/s): the
    traffic times the smallest share of circuits surviving on its pairs
    (:func:`keep_share`). No pair carries more than it has left (the baseline fits the
    network, and a pair keeps ``dcap / dcap0`` of its circuits)."""
    return m.x0 * _path_min(m.routes, keep_share(m, dcap, margin=0.0))


def _route_keep(m: Model, rho: np.ndarray, protected: float, avail: np.ndarray) -> np.ndarray:
    """Per path (x K): the share of its baseline traffic kept in the first days.

    ``rho``: per directed pair (x K), the share of its circuits that survive; ``avail``:
    per task (x K), the capacity left on its routes (:func:`_avail`). On the route's
    first system (its buyer's own circuit) nothing else restores a broken circuit;
    beyond that system's far-end city the hub's carriers restore the share
    ``protected`` of what breaks, onto the capacity left on the hub's own routes toward
    the same region and never more: where the circuits of all the routes through a hub
    need more than that capacity, each gets the share ``protected`` times the part that
    fits (a hub cut off from the region restores nothing). The route keeps the smaller
    of the two shares.
    """
    r = m.routes
    if not r.n:
        return np.zeros((0, *np.shape(rho)[1:]))
    if m.legs is None:
        m.legs = _legs(r, m.first_leg)
    f_idx, f_starts, l_idx, l_starts, l_paths = m.legs
    s_first = np.minimum.reduceat(rho[f_idx], f_starts, axis=0)
    if not len(l_idx):
        return s_first
    s_later = np.minimum.reduceat(rho[l_idx], l_starts, axis=0)  # the paths l_paths
    if m.hub is None:
        hub = _hub_tasks(m.comp, r, m.first_leg)[l_paths]
        at = np.flatnonzero(hub >= 0)
        m.hub = (at, hub[at], m.x0[l_paths][at, None])
    at, hub, x0 = m.hub
    s_mid = s_first[l_paths]
    # what the hubs are asked to restore: the traffic reaching each far-end city on
    # surviving circuits whose onward circuits broke
    need = protected * x0 * (s_mid[at] * (1.0 - s_later[at]))
    n_t, k = avail.shape
    flat = (hub[:, None] * k + np.arange(k)[None, :]).ravel()
    asked = np.bincount(flat, weights=need.ravel(), minlength=n_t * k).reshape(n_t, k)
    fits = np.where(asked > _EPS, np.minimum(1.0, avail / np.maximum(asked, _EPS)), 1.0)
    restored = np.full_like(s_later, protected)
    restored[at] *= fits[hub]
    out = s_first.copy()
    out[l_paths] = np.minimum(s_mid, 1.0 - (1.0 - restored) * (1.0 - s_later))
    return out


def _hub_tasks(comp: _engine.Compiled, r: Routes, first_leg: np.ndarray) -> np.ndarray:
    """Per path: the task of its first leg's far-end country toward the path's region
    (the hub whose carriers restore beyond it: :func:`_route_keep`), or -1 where that
    country has no such task (a core country of the region)."""
    end_iso = comp.node_iso3[_far_end_nodes(comp, r, first_leg)]
    task_of = {
        (c, int(comp.task_region[t])): int(t) for c, ts in comp.country_tasks.items() for t in ts
    }
    regions = comp.task_region[r.task].tolist()
    return np.array(
        [task_of.get((c, g), -1) for c, g in zip(end_iso.tolist(), regions, strict=True)],
        dtype=np.int64,
    )


def _legs(r: Routes, first_leg: np.ndarray) -> tuple:
    """The routes' hops split into first legs and the rest: (first-leg pairs, start of each
    path's, later pairs, start of each path's that has some, those paths)."""
    path = np.repeat(np.arange(r.n), np.diff(r.ptr))
    n_first = np.bincount(path, weights=first_leg, minlength=r.n).astype(np.int64)
    n_later = np.diff(r.ptr) - n_first
    f_starts = np.concatenate([[0], np.cumsum(n_first)[:-1]]).astype(np.int64)
    l_paths = np.flatnonzero(n_later > 0)
    l_starts = np.concatenate([[0], np.cumsum(n_later[l_paths])[:-1]]).astype(np.int64)
    return r.idx[first_leg], f_starts, r.idx[~first_leg], l_starts, l_paths


def first_days(
    m: Model,
    kept: np.ndarray,
    *,
    avail: np.ndarray | None = None,
    protected: float | None = None,
    busy_hour: float | None = None,
) -> np.ndarray:
    """Traffic served per task in the first days from the traffic its surviving circuits
    carried (tasks x K, Tbit/s; module docstring).

    A country keeps the traffic ``K`` of its surviving circuits. Of the traffic on its
    broken circuits, ``D - K`` with ``D`` its demand, the share ``p`` (:data:`PROTECTED`)
    belongs to owners holding protection or other circuits; it moves onto the surviving
    circuits as far as they have room at the busy hour: they were bought for ``K`` at the
    mean utilization ``u`` and carry ``K / (busy_hour * u)`` at the busy hour
    (:data:`BUSY_HOUR`). So ``served = K + min(p (D - K), K / (busy_hour * u) - K)``. The
    rest waits for emergency capacity; nobody else restores a stranger's circuits. Tasks
    served by satellite (:func:`_tiers`) keep their traffic. ``avail`` (per task,
    Tbit/s): the capacity left on its routes, a ceiling on what moves (an isolated country
    keeps nothing).
    """
    p = PROTECTED if protected is None else protected
    bh = BUSY_HOUR if busy_hour is None else busy_hour
    kept = np.asarray(kept, dtype=float)
    d = m.demand.reshape((-1,) + (1,) * (kept.ndim - 1))
    return first_days_rule(
        np.minimum(kept, d), d, m.satellite.reshape(d.shape), p, bh * m.utilization, avail
    )


def first_days_rule(
    kept: np.ndarray,
    d: np.ndarray,
    satellite: np.ndarray,
    p: np.ndarray | float,
    scale: np.ndarray | float,
    avail: np.ndarray | None,
) -> np.ndarray:
    """The first-days rule of :func:`first_days` on arrays that broadcast together (the
    fit, :mod:`cablesim.analyses.history`, evaluates it at many parameter points):
    ``kept`` (<= ``d``), ``d`` the demand, ``p`` the protected share, ``scale`` the
    busy-hour factor times the mean utilization."""
    room = np.maximum(kept / np.maximum(scale, _EPS) - kept, 0.0)
    moved = np.minimum(p * (d - kept), room)
    if avail is not None:  # onto capacity that survives on its routes, never more
        moved = np.minimum(moved, np.asarray(avail, dtype=float))
    served = np.minimum(kept + np.maximum(moved, 0.0), d)
    return np.where(satellite, d, served)


def _after_columns(
    m: Model, edge_cap: np.ndarray, comp_after: _engine.Compiled | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """One capacity vector as the columns :func:`_kept` and :func:`_avail` read: the
    directed capacities (pairs x 1) and the routes broken by a split land mass (paths x
    1, ``None`` without a split)."""
    dc = directed_capacity(m.comp, edge_cap)[:, None]
    t = _broken_by_split(m, comp_after)
    return dc, None if t is None else t[:, None]


def _broken_by_split(m: Model, comp_after: _engine.Compiled | None) -> np.ndarray | None:
    """Per path: it passes through a land mass that ``comp_after`` splits (a closed area:
    its transit is cut); ``None`` without a split."""
    if comp_after is None or comp_after is m.comp:
        return None
    return _transit_through(m, _split_flow_nodes(m.comp, comp_after))


def first_days_avail(
    m: Model, edge_cap: np.ndarray, *, comp_after: _engine.Compiled | None = None
) -> np.ndarray:
    """Per task: the capacity left on its routes after a change (Tbit/s), the ``avail``
    of :func:`first_days`. Arguments as for :func:`served_after`."""
    return _avail(m, *_after_columns(m, edge_cap, comp_after))[:, 0]


def first_days_kept(
    m: Model,
    edge_cap: np.ndarray,
    *,
    comp_after: _engine.Compiled | None = None,
    lost_tasks: np.ndarray | None = None,
    protected: float | None = None,
) -> np.ndarray:
    """Per task: the baseline traffic whose circuits survive a change (Tbit/s): the input
    of :func:`first_days` (which :func:`immediate_after` applies), for a fit that varies
    its parameters without re-running the network. Arguments as for :func:`served_after`."""
    kept = _kept(m, *_after_columns(m, edge_cap, comp_after), protected)[:, 0]
    if lost_tasks is not None and lost_tasks.any():
        kept = np.where(lost_tasks, 0.0, kept)
    return kept


def fair_share(routes: Routes, dcap: np.ndarray, demand: np.ndarray, *, with_paths: bool = False):
    """Max-min fair traffic per task (share of demand served) over ``routes`` (Tbit/s).

    Progressive filling; each step one HiGHS linear program (see the module docstring).
    Among the fair allocations the one with the fewest hops is taken (a tiny cost per
    hop), i.e. traffic takes the shortest routes that fairness allows.

    Returns
    -------
    served, or (served, path flows) with ``with_paths``
    """
    n_tasks = len(demand)
    served = np.zeros(n_tasks)
    xfull = np.zeros(routes.n)
    empty = (served, xfull) if with_paths else served
    if not routes.n:
        return empty
    live = _path_min(routes, dcap) > _EPS
    if not live.any():
        return empty
    paths = np.flatnonzero(live)
    ptask = routes.task[paths]
    tasks = np.unique(ptask[demand[ptask] > _EPS])
    if not len(tasks):
        return empty
    paths = paths[np.isin(ptask, tasks)]
    ptask = routes.task[paths]
    M = routes.M[:, paths]
    rows = np.flatnonzero(np.asarray(M.getnnz(axis=1)).ravel() > 0)
    M = M[rows]
    cap = dcap[rows]
    tpos = np.searchsorted(tasks, ptask)
    nt, npth = len(tasks), len(paths)
    T = sp.csr_matrix((np.ones(npth), (tpos, np.arange(npth))), shape=(nt, npth))
    d = demand[tasks]
    active = np.ones(nt, dtype=bool)
    level = np.zeros(nt)
    zero_col = sp.csr_matrix((M.shape[0], 1))
    hops = np.diff(routes.ptr)[paths].astype(float)
    hop_cost = 1e-6 * hops / max(float(d.sum()), _EPS)
    x = np.zeros(npth)
    for _ in range(MAX_STEPS):
        if not active.any():
            break
        a = np.flatnonzero(active)
        f = np.flatnonzero(~active)
        blocks = [
            sp.hstack([M, zero_col]),
            sp.hstack([T, sp.csr_matrix((nt, 1))]),
            sp.hstack([-T[a], sp.csr_matrix(d[a][:, None])]),
        ]
        rhs = [cap, d, np.zeros(len(a))]
        if len(f):
            blocks.append(sp.hstack([-T[f], sp.csr_matrix((len(f), 1))]))
            rhs.append(-level[f] * d[f] * (1 - 1e-9))
        A = sp.vstack(blocks).tocsc()
        c = np.zeros(npth + 1)
        c[:-1] = hop_cost
        c[-1] = -1.0
        res = linprog(
            c,
            A_ub=A,
            b_ub=np.concatenate(rhs),
            bounds=[(0, None)] * npth + [(0, 1)],
            method="highs",
        )
        if res.status != 0:
            break
        lam = float(res.x[-1])
        x = res.x[:-1]
        if lam >= 1 - 1e-9:
            level[a] = 1.0
            active[:] = False
            break
        # blocked: every route of the task crosses a saturated link in this solution
        load = M @ x
        sat = load >= cap - 1e-9 * np.maximum(1.0, cap)
        path_sat = np.asarray(M.T @ sat.astype(float)).ravel() > 0
        free = np.bincount(tpos, weights=~path_sat, minlength=nt)
        binding = free[a] == 0
        if not binding.any():
            start = M.shape[0] + nt
            duals = np.asarray(res.ineqlin.marginals[start : start + len(a)])
            binding = np.abs(duals) > 1e-9
        if not binding.any():
            binding[:] = True
        level[a[binding]] = lam
        active[a[binding]] = False
    served[tasks] = level * d
    if with_paths:
        xfull[paths] = np.maximum(x, 0.0)
        return served, xfull
    return served


def _extra_routes(
    m: Model, edge_cap: np.ndarray, tasks: np.ndarray, comp: _engine.Compiled | None = None
) -> Routes:
    """Routes of the given tasks' maximum flows on the changed capacities."""
    comp = comp or m.comp
    per_task: list[list] = [[] for _ in range(len(m.demand))]
    # cached on the compiled network they are solved on (a split network is cached with
    # its closure), by the task and the capacities in its corridor (exact reuse)
    cache = comp.memo.get("traffic-extra-routes", lambda: Memo(maxsize=ROUTES_KEPT))
    for t in tasks:
        t = int(t)
        mask = comp.corridor[t] if comp.corridor is not None else slice(None)
        key = (t, hash(np.asarray(edge_cap)[mask].tobytes()))
        per_task[t] = cache.get(key, lambda t=t: _paths_of(comp, edge_cap, t))
    return _routes(comp, per_task)


def _paths_of(comp: _engine.Compiled, edge_cap: np.ndarray, t: int) -> list:
    solved = _task_max_flow(comp, edge_cap, t)
    return _decompose(comp, solved, TOP_PATHS) if solved else []


def _subset(r: Routes, keep: np.ndarray) -> Routes:
    """The routes with ``keep`` (boolean per path)."""
    k = np.flatnonzero(keep)
    lens = np.diff(r.ptr)[k]
    idx = (
        np.concatenate([r.idx[r.ptr[i] : r.ptr[i + 1]] for i in k])
        if len(k)
        else np.array([], dtype=np.int64)
    )
    return Routes(
        task=r.task[k],
        width=r.width[k],
        idx=idx,
        ptr=np.concatenate([[0], np.cumsum(lens)]).astype(np.int64),
        M=r.M[:, k].tocsr(),
    )


def _merge(a: Routes, b: Routes) -> Routes:
    if not b.n:
        return a
    return Routes(
        task=np.concatenate([a.task, b.task]),
        width=np.concatenate([a.width, b.width]),
        idx=np.concatenate([a.idx, b.idx]),
        ptr=np.concatenate([a.ptr, b.ptr[1:] + a.ptr[-1]]),
        M=sp.hstack([a.M, b.M]).tocsr(),
    )


def served_after(
    m: Model,
    edge_cap: np.ndarray,
    *,
    comp_after: _engine.Compiled | None = None,
    lost_tasks: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Traffic served per task in both horizons after a change of capacities (Tbit/s).

    Parameters
    ----------
    edge_cap
        Capacity of every finite edge after the events (Tbit/s).
    comp_after
        The network compiled with a split backhaul (a closed area splits a land
        mass), or ``None``. Baseline routes crossing a split hub are broken.
    lost_tasks
        Boolean per task: its country is lost (all its nodes failed).
    """
    r = m.routes
    comp = m.comp
    dcap = directed_capacity(comp, edge_cap)
    split = comp_after is not None and comp_after is not comp
    broken = _broken_by_split(m, comp_after)
    imm = _immediate_after(m, dcap, split, broken, lost_tasks)
    if not split and not _hurt(m, dcap).any() and (lost_tasks is None or not lost_tasks.any()):
        return {"immediate": imm, "rerouted": m.served0["rerouted"].copy()}
    if not split and (imm >= m.served0["rerouted"] - 1e-9).all():
        return {"immediate": imm, "rerouted": m.served0["rerouted"].copy()}
    demand = m.served0["rerouted"]
    if lost_tasks is not None:
        demand = np.where(lost_tasks, 0.0, demand)
    # the traffic on circuits that survive end to end stays with their owners (a
    # country's surviving circuits do not pass to strangers' displaced traffic), and
    # satellite traffic on satellite; the rest waits for emergency capacity, bought on
    # what is left (spare and freed capacity) and shared out max-min fairly
    own = _surviving_paths(m, dcap)
    if broken is not None:  # transit through a split land mass is cut
        own = np.where(broken, 0.0, own)
    kept = np.minimum(np.bincount(r.task, weights=own, minlength=len(demand)), demand)
    waiting = (kept < demand - 1e-9) & ~m.satellite
    short = np.flatnonzero(waiting)
    on = np.where((waiting | m.satellite)[r.task], own, m.x0)
    fixed = r.M @ np.where(demand[r.task] > 0, on, 0.0)
    if split:
        # routes on the split network only; the fixed traffic moved onto its links
        ca = comp_after
        routes = _extra_routes(m, edge_cap, short, comp=ca)
        left = directed_capacity(ca, edge_cap) - _onto(comp, ca, fixed, edge_cap)
    else:
        # the waiting tasks' baseline routes, and new ones
        routes = _merge(_subset(r, waiting[r.task]), _extra_routes(m, edge_cap, short))
        left = dcap - fixed
    sub = fair_share(routes, np.maximum(left, 0.0), np.where(waiting, demand - kept, 0.0))
    rr = np.where(waiting, kept + sub, demand)
    return {"immediate": imm, "rerouted": rr}


def _onto(
    comp: _engine.Compiled, ca: _engine.Compiled, load: np.ndarray, edge_cap: np.ndarray
) -> np.ndarray:
    """A load per directed pair of ``comp`` (Tbit/s) as a load per directed pair of ``ca``,
    the same network's edges compiled with a split land mass: each pair's load is spread
    over its edges in proportion to their capacity, and each edge's load added to its pair
    in ``ca``, in the same direction."""
    e = np.flatnonzero((comp.pair_of_edge >= 0) & (ca.pair_of_edge >= 0))
    q = comp.pair_of_edge[e]
    cap = np.asarray(edge_cap, dtype=float)[e]
    pair_cap = np.bincount(q, weights=cap, minlength=len(comp.pair_u))[q]
    share = np.divide(cap, pair_cap, out=np.zeros_like(cap), where=pair_cap > 0)
    # the load from the edge's first end to its second, and back
    forward = comp.flow_of[comp.edge_u[e]] == comp.pair_u[q]
    there = np.where(forward, load[2 * q], load[2 * q + 1]) * share
    back = np.where(forward, load[2 * q + 1], load[2 * q]) * share
    q2 = ca.pair_of_edge[e]
    forward = ca.flow_of[ca.edge_u[e]] == ca.pair_u[q2]
    out = np.zeros(2 * len(ca.pair_u))
    np.add.at(out, np.where(forward, 2 * q2, 2 * q2 + 1), there)
    np.add.at(out, np.where(forward, 2 * q2 + 1, 2 * q2), back)
    return out


def immediate_after(
    m: Model,
    edge_cap: np.ndarray,
    *,
    comp_after: _engine.Compiled | None = None,
    lost_tasks: np.ndarray | None = None,
) -> np.ndarray:
    """Traffic served per task in the headline (immediate) horizon after a change (Tbit/s).

    The one function behind ``loss_pct`` in :func:`cablesim.engine.simulate`, sweeps and
    Monte Carlo (:mod:`cablesim.engine.batch`). When no link's capacity falls below its
    baseline load, every task keeps its baseline traffic. Arguments as for
    :func:`served_after`.
    """
    comp = m.comp
    split = comp_after is not None and comp_after is not comp
    return _immediate_after(
        m, directed_capacity(comp, edge_cap), split, _broken_by_split(m, comp_after), lost_tasks
    )


def _immediate_after(
    m: Model,
    dcap: np.ndarray,
    split: bool,
    broken: np.ndarray | None,
    lost_tasks: np.ndarray | None,
) -> np.ndarray:
    """:func:`immediate_after` from the directed capacities and the routes a split land
    mass breaks (:func:`_broken_by_split`), which :func:`served_after` reads too."""
    if split:
        # transit through a split land mass is cut in the immediate horizon
        cut = None if broken is None else broken[:, None]
        imm = np.minimum(_immediate(m, dcap[:, None], cut)[:, 0], m.served0["immediate"])
    elif not _hurt(m, dcap).any():
        imm = m.served0["immediate"].copy()
    else:
        imm = np.minimum(_immediate(m, dcap[:, None], None)[:, 0], m.served0["immediate"])
    if lost_tasks is not None and lost_tasks.any():
        imm = np.where(lost_tasks, 0.0, imm)
    return imm


def keep_share(
    m: Model, dcap: np.ndarray, *, rows: np.ndarray | None = None, margin: float = _EPS
) -> np.ndarray:
    """Per directed pair: the share of its baseline traffic whose circuits survive a change.

    Circuits are bought end to end on one system: a pair keeps the share of its capacity
    that survives, ``min(1, dcap / dcap0)``, whatever spare capacity others hold on it.
    ``rows``: the directed pairs ``dcap`` gives (default all); ``margin``: capacities
    within it of the baseline count as intact (0 for a bound that must not exceed the
    share).
    """
    sel = slice(None) if rows is None else rows
    shape = (-1,) + (1,) * (np.ndim(dcap) - 1)  # one column per capacity vector
    load0 = m.load0[sel].reshape(shape)
    need = m.dcap0[sel].reshape(shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((load0 > _EPS) & (dcap < need - margin), dcap / need, 1.0)


def immediate_after_many(m: Model, dcaps: np.ndarray) -> np.ndarray:
    """:func:`immediate_after` for many capacity vectors (K x directed pairs; no split, none
    lost): K x tasks, Tbit/s."""
    dcaps = np.atleast_2d(np.asarray(dcaps, dtype=float))
    out = np.tile(m.served0["immediate"], (dcaps.shape[0], 1))
    hurt = _hurt(m, dcaps.T).any(axis=0)
    if hurt.any():
        out[hurt] = np.minimum(immediate_many(m, dcaps[hurt]), m.served0["immediate"])
    return out


def _hurt(m: Model, dcap: np.ndarray) -> np.ndarray:
    """Per directed pair (and capacity vector, one per column): its baseline traffic no
    longer all fits (:func:`keep_share`)."""
    shape = (-1,) + (1,) * (np.ndim(dcap) - 1)
    return (dcap < m.dcap0.reshape(shape) - _EPS) & (keep_share(m, dcap) < 1.0)


def _split_flow_nodes(comp: _engine.Compiled, comp_after: _engine.Compiled) -> np.ndarray:
    """Flow nodes of ``comp`` whose members are no longer one node in ``comp_after``."""
    pairs = np.unique(np.stack([comp.flow_of, comp_after.flow_of], axis=1), axis=0)
    counts = np.bincount(pairs[:, 0], minlength=comp.n_flow)
    return np.flatnonzero(counts > 1)


def _transit_through(m: Model, nodes: np.ndarray) -> np.ndarray | None:
    """Per path: whether it passes through one of ``nodes`` (not as its first node)."""
    if not len(nodes):
        return None
    r = m.routes
    comp = m.comp
    p = r.idx // 2
    d = r.idx % 2
    head = np.where(d == 0, comp.pair_v[p], comp.pair_u[p])  # node each hop enters
    last = np.zeros(len(r.idx), dtype=bool)
    last[r.ptr[1:] - 1] = True
    inner = np.isin(head, nodes) & ~last
    return np.bincount(np.repeat(np.arange(r.n), np.diff(r.ptr)), weights=inner, minlength=r.n) > 0


def notes(measure: str = "traffic", model: Model | None = None) -> list[str]:
    """The traffic model's assumptions, as sentences for a report (``model``: adds its level)."""
    head = (
        "Headline loss (loss_pct) = share of demand no longer carried in the first days "
        "(loss_pct_immediate)"
        if measure == "traffic"
        else "Headline loss (loss_pct) = capacity loss (options: {measure: capacity}); traffic "
        "losses (loss_pct_immediate, loss_pct_rerouted) are not computed with this measure"
    )
    return [
        f"{head}. Baseline routes (where capacity is bought): a country's routes over sourced "
        "capacity (cables from its landings, sourced land links), in proportion to their "
        "capacity, those whose first system reaches the destination region (for Europe, "
        "a member state of the European Union counts) where it has any; "
        "a country with no cable exit (a cable only to land neighbours is a border crossing) "
        "buys transit over land from a neighbour with one "
        "(assumed border links included), and with neither, nor a sourced land link, runs on "
        "satellite (a cut elsewhere does not touch it); a territory under "
        f"{SMALL_TERRITORY_KM2:,.0f} km² with a land link buys over land. First days: capacity "
        "is bought as circuits on one system from the buyer's landing to that system's far-end "
        "city; a cut breaks every circuit on the failed segment whatever spare others hold. "
        "Nobody but the buyer restores its own circuit; beyond the far-end city the hub's "
        f"carriers restore {PROTECTED:.0%} of what breaks, onto the capacity left on the "
        "hub's own routes toward the region and never more; of the traffic on a country's "
        "broken circuits, the same share belongs to owners holding other circuits and moves "
        "onto the surviving ones as far as they have room at the busy hour "
        f"({BUSY_HOUR:g} x the mean, bought at {_demand.UTILIZATION:.1%} mean utilization), "
        "the rest is lost. That share is the one parameter FITTED on the shared incidents (cablesim history --fit, leave-one-"
        "incident-out cross-validation in docs/validation.md). After rerouting (from day "
        f"{REROUTE_DAYS}, loss_pct_rerouted; emergency capacity bought): traffic on "
        "circuits that survive end to end stays with their owners, satellite traffic on "
        "satellite; the rest gets a max-min fair share of demand of what is left on every "
        "corridor route that survives (HiGHS linear programs, progressive filling); "
        "countries whose circuits all survive keep their traffic.",
        *(
            [
                f"Demand on this network: {model.demand.sum():,.0f} Tbit/s in all; the intact "
                f"network's links run at {model.achieved:.1%} on average"
                + (
                    f" (below the {model.utilization:.1%} target: every country is at its "
                    "peak-utilization cap first)"
                    if model.achieved < model.utilization - 1e-3
                    else ""
                )
                + "."
            ]
            if model is not None
            else []
        ),
    ]
