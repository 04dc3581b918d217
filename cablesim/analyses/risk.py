"""Monte Carlo risk: random cable faults over a period, and uncertain capacities.

Fault model (:func:`montecarlo`)
--------------------------------
* **How many.** Faults arrive as a Poisson process of :data:`FAULTS_PER_YEAR`
  (175) a year over the whole network: the industry's figure is about
  150-200 faults a year worldwide (International Cable Protection Committee,
  ICPC; TeleGeography's submarine cable FAQ), about two-thirds of them from
  fishing and ship anchors.
* **Where.** A fault fails one cable segment (the model's unit: the stretch
  of a cable between two stations or branching units). Fishing and anchoring
  faults happen in shallow water, on the continental shelf. The data carry no
  bathymetry, so the shallow length of a segment is estimated as the first
  :data:`SHALLOW_KM` (80 km, about the average width of the continental
  shelf) at each end that is a landing station, capped at the segment's
  length; ends at branching units are deep. A share :data:`SHALLOW_SHARE`
  (two-thirds) of faults falls on segments in proportion to their shallow
  length, the rest (natural hazards, component faults, abrasion) in
  proportion to their whole length. See :func:`fault_weights`.
* **How long.** Each fault lasts a repair time drawn from a lognormal
  distribution with median :data:`REPAIR_MEDIAN_DAYS` (14 days) and 95th
  percentile :data:`REPAIR_P95_DAYS` (45 days): industry statements put a
  typical repair at one to three weeks once a repair ship is on site, and
  much longer where ships are scarce (the West African repairs of 2024 took
  over a month). Land links do not fail in this model.
* **What is measured.** Each trial draws the faults of ``years`` years
  (plus a :data:`BURN_IN_DAYS` lead-in, so that the period starts with the
  faults still under repair from before, as in a steady state) and records,
  for every country, the **worst state over the period**: its largest loss
  of capacity to the core at any instant, and whether it was isolated (no
  route to the core at all) at any instant. The worst state is exact: the
  set of failed segments only grows at a fault's arrival, so only the
  instants right after arrivals not followed by another arrival before a
  repair need checking.
* **Resolution.** Worst losses below the floor ``loss_floor`` (default
  :data:`LOSS_FLOOR_PCT`, 50%: the ``severe`` threshold) are not computed
  exactly: a provable upper bound (the baseline flow minus what no longer
  fits, without rerouting) shows them to be below it, and they are reported
  as ``< floor``. Everything at or above the floor (isolation, severe loss,
  quantiles at or above it) is exact. A lower floor (``--loss-floor 10``)
  resolves smaller losses and adds P(degraded), at several times the cost:
  many countries lose 10% at some instant of a year.

Per country the report gives P(isolated), P(severe) (a loss of
:data:`cablesim.engine.metrics.SEVERE_PCT` or more at some instant, isolation
included), P(degraded or worse) when the floor allows, and the worst-loss
quantiles p50, p90 and p99 over trials, each with a 95% confidence interval:
Wilson score intervals for the probabilities, distribution-free
order-statistic intervals for the quantiles.

Reproducibility: trial ``i`` draws from ``numpy.random.SeedSequence(seed,
spawn_key=(i,))`` (the ``i``-th child of ``SeedSequence(seed)``), so the
numbers depend on the seed only, not on the number of workers or on how the
trials are split.

Capacity uncertainty (:func:`capacity_uncertainty`)
---------------------------------------------------
Estimated capacities are drawn from a lognormal distribution around the
estimate whose 90% range is [estimate / spread, estimate x spread]
(``cables.capacity_spread``; published figures have a spread of 1 and do not
vary), one draw per cable, and the scenario is evaluated for every draw: each
country's loss in that scenario becomes a band (p5, p50, p95).

Memory: both stream. Each chunk of fault trials is reduced to isolation
counts and the sparse losses at or above the floor (:class:`cablesim.analyses.tally.Tally`);
each chunk of capacity draws is counted in a fixed histogram per country at
0.01 point (:class:`cablesim.analyses.tally.Bands`: the bands are within 0.005 point of
the exact percentiles before rounding). No per-trial or per-draw object is kept.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binom

from cablesim import _limits, parallel
from cablesim._format import country_record
from cablesim._format import plain_record as _clean
from cablesim.analyses import tally as _tally
from cablesim.engine import batch as _batch
from cablesim.engine import flows as _engine
from cablesim.engine import metrics
from cablesim.engine import state as _state
from cablesim.engine.simulate import network_for
from cablesim.engine.state import Options
from cablesim.exceptions import CableSimError
from cablesim.network import Network, load_network
from cablesim.scenario import DEFAULT_CORE, Event, Scenario, find_scenario, load_scenario
from cablesim.scenario.failures import apply_events

FAULTS_PER_YEAR = 175.0
"""Cable faults a year worldwide (ICPC / TeleGeography: about 150-200)."""
SHALLOW_KM = 80.0
"""Length (km) at each landing end of a segment counted as shallow water."""
SHALLOW_SHARE = 2.0 / 3.0
"""Share of faults in shallow water (fishing and anchoring: about two-thirds)."""
REPAIR_MEDIAN_DAYS = 14.0
"""Median repair time (days)."""
REPAIR_P95_DAYS = 45.0
"""95th percentile of the repair time (days)."""
BURN_IN_DAYS = 120.0
"""Faults starting this long before the period may still be under repair in it."""
LOSS_FLOOR_PCT = metrics.SEVERE_PCT
"""Default floor: worst losses below it are reported as ``< floor`` (see the module doc)."""
QUANTILES = (0.5, 0.9, 0.99)
DAYS_PER_YEAR = 365.25
_Z95 = 1.959963984540054
_Z90 = 1.6448536269514722


# ------------------------------------------------------------------------------ statistics


def wilson(successes: int, n: int, *, z: float = _Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95% by default)."""
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    lo = 0.0 if successes <= 0 else max(0.0, centre - half)
    hi = 1.0 if successes >= n else min(1.0, centre + half)
    return (lo, hi)


def quantile_ci(values: np.ndarray, q: float, *, level: float = 0.95) -> tuple[float, float, float]:
    """The ``q`` quantile of ``values`` and a distribution-free confidence interval.

    The interval is between order statistics ``x(l)`` and ``x(u)`` with ``l``,
    ``u`` the binomial(n, q) quantiles at (1 - level)/2 and (1 + level)/2:
    the true quantile lies between them with probability about ``level``.
    """

    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if not n:
        return (math.nan, math.nan, math.nan)
    est = float(x[min(n - 1, max(0, math.ceil(q * n) - 1))])
    lo = int(binom.ppf((1 - level) / 2, n, q))
    hi = int(binom.ppf((1 + level) / 2, n, q)) + 1
    return est, float(x[min(n - 1, max(0, lo - 1))]), float(x[min(n - 1, max(0, hi - 1))])


# ------------------------------------------------------------------------------ fault model


def fault_weights(
    network: Network, *, shallow_km: float = SHALLOW_KM, shallow_share: float = SHALLOW_SHARE
) -> pd.DataFrame:
    """Probability that a fault falls on each segment (see the module doc).

    Returns
    -------
    pandas.DataFrame
        ``segment_id``, ``cable_id``, ``length_km``, ``shallow_km``, ``weight``
        (summing to 1), in the order of ``network.segments``.
    """
    segs = network.segments
    kind = network.nodes()["kind"]
    ends = segs["from_node"].map(kind).eq("landing_point").to_numpy().astype(int) + segs[
        "to_node"
    ].map(kind).eq("landing_point").to_numpy().astype(int)
    length = segs["length_km"].to_numpy(dtype=float)
    shallow = np.minimum(length, shallow_km * ends)
    w = np.zeros(len(segs))
    if shallow.sum() > 0:
        w += shallow_share * shallow / shallow.sum()
    else:
        shallow_share = 0.0
    if length.sum() > 0:
        w += (1 - shallow_share) * length / length.sum()
    total = w.sum()
    return pd.DataFrame(
        {
            "segment_id": segs["segment_id"].to_numpy(),
            "cable_id": segs["cable_id"].to_numpy(),
            "length_km": length,
            "shallow_km": shallow,
            "weight": w / total if total > 0 else w,
        }
    )


def _repair_sigma() -> float:
    """Log-scale spread of the repair time, from its median and 95th percentile."""
    return math.log(REPAIR_P95_DAYS / REPAIR_MEDIAN_DAYS) / _Z90


@dataclass
class _MCState:
    ev: _batch.Evaluator
    seg_edge: np.ndarray
    cumw: np.ndarray
    eligible: np.ndarray


def _build_mc(network: Network, *, options: Options) -> _MCState:
    ev = _batch.Evaluator(network, options=options)
    fw = fault_weights(network)
    seg_edge = np.array([ev.edge_index[s] for s in fw["segment_id"]], dtype=np.int64)
    cumw = np.cumsum(fw["weight"].to_numpy())
    if len(cumw):
        cumw /= cumw[-1]
    eligible = ev.reach0 & (ev.baseline > 0)
    return _MCState(ev, seg_edge, cumw, eligible)


def _sample(
    state: _MCState, rng: np.random.Generator, years: float, faults_per_year: float
) -> list[np.ndarray]:
    """The failure sets of one trial that can hold a worst state (see the module doc)."""
    period = years * DAYS_PER_YEAR
    n = rng.poisson(faults_per_year * (period + BURN_IN_DAYS) / DAYS_PER_YEAR)
    seg = np.minimum(np.searchsorted(state.cumw, rng.random(n), side="right"), len(state.cumw) - 1)
    start = rng.uniform(-BURN_IN_DAYS, period, n)
    end = start + rng.lognormal(math.log(REPAIR_MEDIAN_DAYS), _repair_sigma(), n)
    keep = end > 0
    if not keep.any():
        return []
    edges, start, end = state.seg_edge[seg[keep]], np.maximum(start[keep], 0.0), end[keep]
    times = np.unique(start)
    act = (start[None, :] <= times[:, None]) & (end[None, :] > times[:, None])
    min_end = np.where(act, end[None, :], np.inf).min(axis=1)
    nxt = np.append(times[1:], np.inf)
    maximal = (min_end <= nxt) | (nxt == np.inf)
    return [np.unique(edges[row]) for row in act[maximal]]


def _trial(
    state: _MCState, configs: list[np.ndarray], floor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Worst loss (percent; -1 when below the floor) and isolation of every country."""
    ev = state.ev
    n_c = len(ev.countries)
    worst = np.full(n_c, -1.0)
    isolated = np.zeros(n_c, dtype=bool)
    if not configs:
        return worst, isolated
    if ev.traffic is not None:  # traffic served (no solver: the headline is immediate)
        ub = ev.traffic_loss_bounds(configs)
        ub[:, ~state.eligible] = 0.0
        need = np.flatnonzero((ub >= floor).any(axis=1))
        if not len(need):
            return worst, isolated
        vals = ev.traffic_values_many([configs[k] for k in need])
        b = ev.baseline
        with np.errstate(invalid="ignore", divide="ignore"):
            loss = np.where(b > 0, 100.0 * (1.0 - vals / np.where(b > 0, b, 1.0)), 0.0)
        loss = np.clip(loss, 0.0, 100.0)
        loss[:, ~state.eligible] = 0.0
        best = loss.max(axis=0)
        worst = np.where(best >= floor, best, -1.0)
        # isolation (no path at all) implies nothing served: look only where an eligible
        # country not yet found isolated in this trial is served nothing
        for j, k in enumerate(need):
            ask = (vals[j] <= 0) & state.eligible & ~isolated
            if ask.any():
                isolated |= ask & ~ev.reach(ev.comp, ev.capacity_after(configs[k]))
        return worst, isolated
    preps: dict[int, _batch._Prepared] = {}
    ub = ev.loss_upper_bounds(configs)
    ub[:, ~state.eligible] = 0.0
    full = 100.0 - 1e-9
    reach_at: dict[int, np.ndarray] = {}
    b = ev.baseline
    for c in np.flatnonzero(ub.max(axis=0) >= floor):
        order = np.argsort(-ub[:, c], kind="stable")
        best = -1.0
        for k in order:
            bound = ub[k, c]
            if bound < floor:
                break
            need_iso = best >= full and not isolated[c]
            if bound <= best and not (need_iso and bound >= full):
                break
            if k not in preps:
                preps[k] = ev.prepare(configs[k])
            v = ev.country_value(int(c), preps[k])
            loss = min(100.0, max(0.0, 100.0 * (1.0 - v / b[c])))
            best = max(best, loss)
            if loss >= full and not isolated[c]:
                if k not in reach_at:
                    reach_at[k] = ev.reach(ev.comp, ev.capacity_after(configs[k]))
                isolated[c] = not reach_at[k][c]
            if isolated[c] and best >= full:
                break
        worst[c] = best if best >= floor else -1.0
    return worst, isolated


def _mc_chunk(
    state: _MCState,
    payload: tuple[int, int, int, float, float, float],
) -> _tally.Chunk:
    seed, lo, hi, years, fpy, floor = payload
    worst = np.empty((hi - lo, len(state.ev.countries)))
    iso = np.empty((hi - lo, len(state.ev.countries)), dtype=bool)
    for j, i in enumerate(range(lo, hi)):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
        worst[j], iso[j] = _trial(state, _sample(state, rng, years, fpy), floor)
    return _tally.Chunk.of(lo, worst, iso)  # only the losses above the floor travel back


# ------------------------------------------------------------------------------ results


@dataclass
class RiskResult:
    """Outcome of :func:`montecarlo`.

    Attributes
    ----------
    countries
        One row per country: iso3, name, trials, p_isolated (+ _lo, _hi),
        p_severe (+ _lo, _hi), p_degraded (+ _lo, _hi), loss_p50, loss_p90,
        loss_p99 (percent, each with _lo and _hi; ``NaN`` where below
        :data:`LOSS_FLOOR_PCT`), sorted by risk.
    trials
        Trials finished (fewer than asked when interrupted).
    complete
        False when the run was interrupted (Ctrl-C): the numbers cover the
        finished trials.
    """

    countries: pd.DataFrame
    trials: int
    trials_requested: int
    seed: int
    years: float
    faults_per_year: float
    loss_floor: float
    as_of: dt.date
    complete: bool = True
    notes: list[str] = field(default_factory=list)
    tally: _tally.Tally | None = field(default=None, repr=False)
    measure: str = "traffic"

    def country(self, iso3: str) -> dict[str, Any]:
        """The record of one country."""
        return country_record(self.countries, iso3)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data."""
        return {
            "model": {
                "kind": "faults",
                "trials": self.trials,
                "trials_requested": self.trials_requested,
                "complete": self.complete,
                "seed": self.seed,
                "years": self.years,
                "faults_per_year": self.faults_per_year,
                "as_of": self.as_of.isoformat(),
                "shallow_km": SHALLOW_KM,
                "shallow_share": SHALLOW_SHARE,
                "repair_median_days": REPAIR_MEDIAN_DAYS,
                "repair_p95_days": REPAIR_P95_DAYS,
                "loss_floor_pct": self.loss_floor,
                "measure": "worst state over the period",
                "loss_of": self.measure,
            },
            "countries": [_clean(r) for r in self.countries.to_dict("records")],
            "notes": list(self.notes),
        }


def _summarise(
    ev: _batch.Evaluator,
    eligible: np.ndarray,
    tally: _tally.Tally,
    floor: float,
) -> pd.DataFrame:
    n = tally.trials
    names = ev.network.country_names
    rows = []
    for c in np.flatnonzero(eligible):
        w = tally.column(c)
        row: dict[str, Any] = {
            "iso3": ev.countries[c],
            "name": names.get(ev.countries[c], ev.countries[c]),
            "trials": n,
        }
        probs = [
            ("p_isolated", int(tally.isolated[c])),
            ("p_severe", int((w >= metrics.SEVERE_PCT).sum())),
        ]
        if floor <= metrics.DEGRADED_PCT:
            probs.append(("p_degraded", int((w >= metrics.DEGRADED_PCT).sum())))
        for key, hits in probs:
            lo, hi = wilson(hits, n)
            row[key], row[f"{key}_lo"], row[f"{key}_hi"] = (hits / n if n else math.nan), lo, hi
        for q in QUANTILES:
            name = f"loss_p{round(q * 100)}"
            est, lo, hi = quantile_ci(w, q)
            row[name], row[f"{name}_lo"], row[f"{name}_hi"] = (
                round(x, 2) if x >= floor else math.nan for x in (est, lo, hi)
            )
        rows.append(row)
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    keys = [k for k in ("p_isolated", "p_severe", "p_degraded") if k in df.columns]
    df = df.sort_values([*keys, "iso3"], ascending=[*(False for _ in keys), True])
    return df.reset_index(drop=True)


def montecarlo(
    network: Network | None = None,
    *,
    trials: int = 1000,
    seed: int = 0,
    years: float = 1.0,
    faults_per_year: float = FAULTS_PER_YEAR,
    core: tuple[str, ...] = DEFAULT_CORE,
    backhaul: str = "landmass",
    routing: str = "corridor",
    loss_floor: float = LOSS_FLOOR_PCT,
    measure: str = "traffic",
    workers: int | None = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
    chunk: int | None = None,
) -> RiskResult:
    """Random faults over ``years``: each country's chance of isolation and of a severe loss.

    Parameters
    ----------
    network
        The network (default: the bundled one at the snapshot date).
    trials
        Number of simulated periods.
    seed
        Seed of the random draws (same seed, same numbers, whatever ``workers``).
    years
        Length of each simulated period.
    faults_per_year
        Rate of faults over the whole network.
    core, backhaul, routing
        As for :func:`cablesim.engine.metrics.country_metrics`.
    loss_floor
        Worst losses below this (percent) are reported as ``< loss_floor``
        rather than computed (see the module doc); lower is finer and slower.
    measure
        What a loss is a loss of: ``"traffic"`` (default: traffic served in the
        first days, as :func:`cablesim.engine.simulate` reports it) or ``"capacity"``
        (capacity to the core; several times faster).
    workers
        Local processes (``0``: one per CPU).
    scheduler
        Address of a Dask scheduler (``tcp://host:port``) to run the trials on.
    progress
        Progress bar on stderr (default: when stderr is a terminal).
    chunk
        Trials per batch sent to a worker (default: automatic). Does not change the numbers.

    Returns
    -------
    RiskResult

    Examples
    --------
    >>> import cablesim
    >>> from cablesim.analyses.risk import montecarlo
    >>> r = montecarlo(trials=200, seed=1)
    >>> r.country("TON")["p_isolated"] > r.country("FRA")["p_isolated"]
    True
    """
    if trials < 1:
        raise CableSimError(f"trials must be at least 1, not {trials}")
    if not 0 < years <= _limits.MAX_YEARS:
        raise CableSimError(
            f"years must be positive and at most {_limits.MAX_YEARS:g}, not {years}"
        )
    if not 0 <= seed <= _limits.MAX_SEED:
        raise CableSimError(f"seed must be between 0 and {_limits.MAX_SEED}, not {seed}")
    if not faults_per_year >= 0:
        raise CableSimError(f"faults_per_year must be 0 or more, not {faults_per_year}")
    if not 0 < loss_floor <= 100:
        raise CableSimError(f"loss_floor must be in (0, 100], not {loss_floor}")
    if measure not in ("traffic", "capacity"):
        raise CableSimError(f"measure must be 'traffic' or 'capacity', not {measure!r}")
    network = network if network is not None else load_network()
    workers = parallel.resolve_workers(workers)
    ctx = parallel.make_context(
        network,
        _build_mc,
        options=Options(core=core, backhaul=backhaul, routing=routing, measure=measure),
    )
    state = parallel.get_state(ctx)
    size = chunk or parallel.chunk_size(
        trials, workers if not scheduler else 8, target=6, lo=10, hi=250
    )
    bounds = [(lo, min(trials, lo + size)) for lo in range(0, trials, size)]
    payloads = [
        (int(seed), lo, hi, float(years), float(faults_per_year), float(loss_floor))
        for lo, hi in bounds
    ]
    tally = _tally.Tally(len(state.ev.countries))
    run = parallel.run_batches(  # streamed: each chunk is added to the tally and dropped
        ctx,
        _mc_chunk,
        payloads,
        sizes=[hi - lo for lo, hi in bounds],
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        description=f"Monte Carlo ({trials:,} trials)",
        collect=lambda _i, part: tally.add(part),
    )
    notes = [
        f"{faults_per_year:g} faults a year over the network (industry: about 150-200 worldwide), "
        f"two-thirds in shallow water (first {SHALLOW_KM:g} km from each landing), the rest by length.",
        f"Repair time lognormal, median {REPAIR_MEDIAN_DAYS:g} days, 95th percentile {REPAIR_P95_DAYS:g} days.",
        f"Worst state over each {years:g}-year period; worst losses below {loss_floor:g}% are shown as "
        f"< {loss_floor:g}. 95% intervals: Wilson (probabilities), order statistics (quantiles).",
    ]
    if run.interrupted:
        notes.append(
            f"Interrupted: {tally.trials:,} of {trials:,} trials finished; the numbers cover those."
        )
    return RiskResult(
        countries=_summarise(state.ev, state.eligible, tally, loss_floor),
        trials=tally.trials,
        trials_requested=trials,
        seed=int(seed),
        years=float(years),
        faults_per_year=float(faults_per_year),
        loss_floor=float(loss_floor),
        as_of=network.as_of,
        complete=not run.interrupted,
        notes=notes,
        tally=tally,
        measure=measure,
    )


# ------------------------------------------------------------------------------ capacity uncertainty


@dataclass
class _CUState:
    ev: _batch.Evaluator
    comp_after: _engine.Compiled
    cable_of_edge: np.ndarray  # cable index per edge, -1 for land links
    sigma: np.ndarray  # per cable, log-scale spread
    keep: np.ndarray  # per edge: capacity share left by the scenario (0 failed, <1 degraded)
    candidates: np.ndarray  # country indices whose value can change
    touched: dict[int, np.ndarray]  # task -> whether it can change
    lost: np.ndarray  # countries that lose every node


def _build_cu(network: Network, *, options: Options, events: tuple[Event, ...]) -> _CUState:
    ev = _batch.Evaluator(network, options=options)
    comp = ev.comp
    failures = apply_events(network, list(events))
    after = _state.after_state(network, failures, options)
    comp_after = after.comp_after
    failed = tuple(sorted(set(failures.segments) | set(failures.links)))
    degraded = tuple(sorted(failures.degraded.items()))
    lost_nodes = tuple(sorted(failures.nodes))
    split = (
        None
        if after.split is None
        else tuple(
            zip(
                after.split["u"],
                after.split["v"],
                after.split["length_km"].astype(float),
                strict=True,
            )
        )
    )
    backhaul = options.backhaul
    cables = network.cables
    index = {c: i for i, c in enumerate(cables["cable_id"])}
    cable_of_edge = np.array(
        [
            index.get(c, -1) if k == 0 else -1
            for c, k in zip(comp.edge_cable, comp.edge_kind, strict=True)
        ],
        dtype=np.int64,
    )
    spread = cables["capacity_spread"].fillna(1.0).to_numpy(dtype=float)
    sigma = np.log(np.maximum(spread, 1.0)) / _Z90
    keep = np.ones(len(comp.edge_ids))
    deg = dict(degraded)
    if deg:
        keep *= np.array([deg.get(c, 1.0) for c in comp.edge_cable])
    keep[ev.edges_of(failed)] = 0.0
    changed = keep < 1.0
    if split is not None:  # edges at stations whose backhaul changed
        bh = comp.network.edges(backhaul=backhaul)
        old = bh[bh["kind"] == "backhaul"].set_index("u")["v"]
        new = pd.Series([v for _, v, _ in split], index=[u for u, _, _ in split])
        moved = {u for u in old.index if new.get(u) != old[u]}
        moved_idx = np.flatnonzero(np.isin(comp.node_ids, list(moved)))
        changed |= np.isin(comp.edge_u, moved_idx) | np.isin(comp.edge_v, moved_idx)
    touched = {}
    cand = set()
    for t in range(len(comp.task_country)):
        rel = changed if comp.corridor is None else changed & comp.corridor[t]
        if rel.any():
            touched[t] = True
            cand.add(int(comp.task_country[t]))
    lost_set = set(lost_nodes)
    lost = np.array(
        [
            bool(len(comp.country_nodes[c]))
            and set(comp.node_ids[comp.country_nodes[c]]) <= lost_set
            for c in ev.countries
        ]
    )
    cand |= set(np.flatnonzero(lost).tolist())
    candidates = np.array(
        sorted(c for c in cand if ev.baseline[c] > 0 and ev.reach0[c]), dtype=np.int64
    )
    return _CUState(ev, comp_after, cable_of_edge, sigma, keep, candidates, touched, lost)


def _cu_value(comp: _engine.Compiled, t: int, gb: np.ndarray) -> float:
    """Task ``t``'s maximum flow with edge capacities ``gb`` (Gbit/s), above or below the
    intact ones, on its cached open-ended graph."""
    g = _engine.task_graph(comp, t, open_ended=True)
    pc = _engine.pair_capacity_gbps(comp, gb, t)
    return g.solve(g.live, pc[g.live])[0]


def _cu_values(state: _CUState, factors: np.ndarray) -> np.ndarray:
    """Loss (percent) of every candidate country for one draw of cable capacity factors."""
    ev = state.ev
    comp = ev.comp
    f = np.where(state.cable_of_edge >= 0, factors[np.maximum(state.cable_of_edge, 0)], 1.0)
    cap = comp.edge_cap * f
    gb = _engine.to_gbps(cap)
    gb_after = _engine.to_gbps(cap * state.keep)
    out = np.zeros(len(state.candidates))
    for j, c in enumerate(state.candidates):
        tasks = ev.tasks_of[c]
        if state.lost[c]:
            out[j] = 100.0
            continue
        before = [_cu_value(comp, int(t), gb) for t in tasks]
        after = [
            _cu_value(state.comp_after, int(t), gb_after) if int(t) in state.touched else b
            for t, b in zip(tasks, before, strict=True)
        ]
        b, a = float(np.mean(before)), float(np.mean(after))
        out[j] = min(100.0, max(0.0, 100.0 * (1.0 - a / b))) if b > 0 else 0.0
    return out


def _cu_chunk(state: _CUState, payload: tuple[int, int, int]) -> np.ndarray:
    seed, lo, hi = payload
    rows = []
    for i in range(lo, hi):
        if i < 0:  # the nominal capacities
            factors = np.ones(len(state.sigma))
        else:
            rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))
            factors = np.exp(rng.standard_normal(len(state.sigma)) * state.sigma)
        rows.append(_cu_values(state, factors))
    return np.vstack(rows) if rows else np.zeros((0, len(state.candidates)))


@dataclass
class UncertaintyResult:
    """Outcome of :func:`capacity_uncertainty`.

    Attributes
    ----------
    countries
        One row per country the scenario can affect: iso3, name, loss_pct
        (with the estimated capacities), loss_p5, loss_p50, loss_p95 (over
        the draws), p_severe with its Wilson interval (p_severe_lo, _hi).
    """

    scenario: Scenario
    countries: pd.DataFrame
    trials: int
    trials_requested: int
    seed: int
    as_of: dt.date
    complete: bool = True
    notes: list[str] = field(default_factory=list)

    def country(self, iso3: str) -> dict[str, Any]:
        """The record of one country."""
        return country_record(self.countries, iso3)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data."""
        return {
            "model": {
                "kind": "capacity-uncertainty",
                "scenario": self.scenario.name,
                "trials": self.trials,
                "trials_requested": self.trials_requested,
                "complete": self.complete,
                "seed": self.seed,
                "as_of": self.as_of.isoformat(),
            },
            "countries": [_clean(r) for r in self.countries.to_dict("records")],
            "notes": list(self.notes),
        }


def capacity_uncertainty(
    scenario: Scenario | str | Mapping[str, Any],
    network: Network | None = None,
    *,
    trials: int = 200,
    seed: int = 0,
    workers: int | None = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
    routing: str = "corridor",
) -> UncertaintyResult:
    """Each country's loss in one scenario as a band over uncertain capacities.

    Estimated cable capacities are drawn around their estimate (lognormal,
    90% of draws within [estimate / spread, estimate x spread]; see the module
    doc) and the scenario is evaluated for each draw.

    Parameters
    ----------
    scenario
        A :class:`Scenario`, a bundled scenario name, a file or a document.
    network
        The network (default: the scenario's).
    trials
        Number of capacity draws.
    seed
        Seed (same seed, same numbers, whatever ``workers``).
    workers, scheduler, progress
        As for :func:`montecarlo`.
    routing
        As for :func:`cablesim.engine.metrics.country_metrics`.

    Returns
    -------
    UncertaintyResult
    """

    if trials < 1:
        raise CableSimError(f"trials must be at least 1, not {trials}")
    if not isinstance(scenario, Scenario):
        if isinstance(scenario, str) and "\n" not in scenario:
            scenario = find_scenario(scenario)
        scenario = load_scenario(scenario, network=network)
    net = network_for(scenario, network)
    workers = parallel.resolve_workers(workers)
    ctx = parallel.make_context(
        net,
        _build_cu,
        options=Options(core=scenario.core, backhaul=scenario.backhaul, routing=routing),
        events=tuple(scenario.events),
    )
    state = parallel.get_state(ctx)
    nominal = _cu_chunk(state, (int(seed), -1, 0))[0]
    size = parallel.chunk_size(trials, workers if not scheduler else 8, target=6, lo=2, hi=100)
    bounds = [(lo, min(trials, lo + size)) for lo in range(0, trials, size)]
    bands = _tally.Bands(len(state.candidates), metrics.SEVERE_PCT)
    run = parallel.run_batches(  # streamed: each chunk of draws is counted and dropped
        ctx,
        _cu_chunk,
        [(int(seed), lo, hi) for lo, hi in bounds],
        sizes=[hi - lo for lo, hi in bounds],
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        description=f"capacity draws ({trials:,})",
        collect=lambda _i, part: bands.add(part),
    )
    n = bands.n
    names = net.country_names
    rows = []
    for j, c in enumerate(state.candidates):
        iso = state.ev.countries[c]
        hits = int(bands.above[j])
        lo, hi = wilson(hits, n)
        rows.append(
            {
                "iso3": iso,
                "name": names.get(iso, iso),
                "loss_pct": round(float(nominal[j]), 2),
                "loss_p5": round(bands.percentile(j, 5), 2) if n else math.nan,
                "loss_p50": round(bands.percentile(j, 50), 2) if n else math.nan,
                "loss_p95": round(bands.percentile(j, 95), 2) if n else math.nan,
                "p_severe": hits / n if n else math.nan,
                "p_severe_lo": lo,
                "p_severe_hi": hi,
            }
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "iso3",
            "name",
            "loss_pct",
            "loss_p5",
            "loss_p50",
            "loss_p95",
            "p_severe",
            "p_severe_lo",
            "p_severe_hi",
        ],
    )
    df = df[(df["loss_pct"] > 0) | (df["loss_p95"] > 0)]
    df = df.sort_values(
        ["loss_pct", "loss_p95", "iso3"], ascending=[False, False, True]
    ).reset_index(drop=True)
    notes = [
        "Estimated capacities drawn from a lognormal around the estimate, 90% of draws within "
        "[estimate / spread, estimate x spread] (cables.capacity_spread); published ones fixed; "
        "land links fixed.",
        f"{n:,} draws; bands are the 5th, 50th and 95th percentiles of the loss over the draws "
        "(each loss counted to 0.01 point).",
    ]
    if run.interrupted:
        notes.append(f"Interrupted: {n:,} of {trials:,} draws finished; the bands cover those.")
    return UncertaintyResult(
        scenario=scenario,
        countries=df,
        trials=n,
        trials_requested=trials,
        seed=int(seed),
        as_of=net.as_of,
        complete=not run.interrupted,
        notes=notes,
    )
