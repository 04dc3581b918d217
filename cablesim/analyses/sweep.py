"""Criticality sweeps (N-1, N-2) and minimal cuts: which elements matter most.

Sweeps, in the manner of power-grid contingency analysis
--------------------------------------------------------
:func:`sweep` fails every element of one kind in turn (``k=1``) or pairs of
elements (``k=2``) and measures every country, with the same semantics as a
scenario (:func:`cablesim.engine.simulate`): failing a

* ``cable`` fails all its segments (the ``cable`` event);
* ``segment`` fails that one segment;
* ``landing-point`` fails every segment ending at the station and loses the
  station (the ``landing_point`` event);
* ``chokepoint`` fails every segment crossing the area and splits the
  domestic backhaul across it (the ``chokepoint`` event);
* ``land-link`` fails the land links between two countries (the ``land_link``
  event ``{between: [A, B]}``): one element per pair of countries joined by land
  (an element ``"CHN-KAZ"``, the two ISO3 codes sorted).

For each failure: the countries isolated (no route to the core left; only
those that had one), the countries with a severe loss
(:data:`cablesim.engine.metrics.SEVERE_PCT` or more, not isolated), the capacity to
the core lost (sum over countries of baseline minus remaining, Tbit/s), the
worst-hit country and its loss, and the **impact**: the sum over countries
of their loss as a fraction (an element that isolates one country and halves
two others scores 2.0: "country-equivalents cut off"). Elements are ranked by
impact by default (``rank_by``: ``impact``, ``isolated``, ``capacity``,
``people`` = loss weighted by population, ``synergy``). For pairs, the
**synergy** is the pair's joint effect beyond the worse single: the sum over
countries of the loss the pair causes beyond the larger of its two members'
single losses there (two cables of a two-cable country score high; two
unrelated cables, or a harmful cable paired with any other, score 0). Pairs
are ranked by synergy by default, and a pair with no synergy (below
:data:`SYNERGY_FLOOR`), whose result one member alone explains, is dropped:
the N-1 sweep already shows it. For every country the sweep also
names the element whose failure hurts it most: the cause of its worst case.

Pairs (``k=2``) are pruned: of the ``n`` elements there are n(n-1)/2 pairs
(90,000 for cables), most of which do nothing together that they do not do
apart. The pairs swept are (1) every pair among the ``pair_pool`` elements
of highest single-failure impact, and (2) for every country, every pair
among the ``per_country`` elements whose single failure hurts it most (so
that the two cables of a two-cable country are always tried together).

Speed: the engine's baseline flows are reused, only the touched (country,
region) flows are recomputed, on integer arrays (see :mod:`cablesim.engine.batch`);
the full N-1 sweep over every cable takes a few seconds. ``workers`` spreads
it over local processes, ``scheduler`` over a Dask cluster; the results are
identical to the serial run.

Minimal cuts
------------
:func:`minimal_cut` answers the adversary's question: the fewest cables (or
segments) whose failure isolates a country from the core. See its doc.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from cablesim import parallel
from cablesim._elements import no_land_link_message
from cablesim._format import plain_record as _clean
from cablesim.engine import batch as _batch
from cablesim.engine import metrics
from cablesim.engine import state as _state
from cablesim.engine.state import Options
from cablesim.exceptions import CableSimError, UnknownNameError
from cablesim.network import Network, load_network
from cablesim.scenario import DEFAULT_CORE, Event
from cablesim.scenario.failures import apply_events

KINDS = ("cable", "landing-point", "chokepoint", "segment", "land-link")
RANK_BY = ("impact", "isolated", "capacity", "people", "synergy")
PAIR_POOL = 40
"""k=2: every pair among this many elements of highest single-failure impact is swept."""

SYNERGY_FLOOR = 0.001
"""k=2: pairs whose synergy is below this (0.1% of one country's capacity) are dropped."""
PER_COUNTRY = 4
"""k=2: for every country, every pair among the elements that hurt it most is swept."""

RECORD_COLUMNS = (
    "rank",
    "element",
    "kind",
    "name",
    "elements",
    "segments_failed",
    "isolated",
    "severe",
    "n_isolated",
    "n_severe",
    "n_degraded",
    "capacity_lost_tbps",
    "traffic_lost_tbps",
    "impact",
    "synergy",
    "people_affected",
    "worst_country",
    "worst_loss_pct",
)


# ------------------------------------------------------------------------------ worker state


@dataclass
class _SweepState:
    ev: _batch.Evaluator
    by: str
    edges: dict[str, np.ndarray] = field(default_factory=dict)
    nodes: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _segments_by_node(network: Network) -> dict[str, list[str]]:
    segs = network.segments
    out: dict[str, list[str]] = {}
    for sid, a, b in zip(segs["segment_id"], segs["from_node"], segs["to_node"], strict=True):
        out.setdefault(a, []).append(sid)
        if b != a:
            out.setdefault(b, []).append(sid)
    return out


def _build_sweep(network: Network, *, by: str, options: Options) -> _SweepState:
    ev = _batch.Evaluator(network, options=options)
    state = _SweepState(ev, by)
    segs = network.segments
    if by == "cable":
        for cid, ids in segs.groupby("cable_id", sort=False)["segment_id"]:
            state.edges[cid] = ev.edges_of(ids)
    elif by == "segment":
        for sid in segs["segment_id"]:
            state.edges[sid] = ev.edges_of([sid])
    elif by == "landing-point":
        for node, ids in _segments_by_node(network).items():
            if node in set(network.landing_points["landing_point_id"]):
                state.edges[node] = ev.edges_of(ids)
                state.nodes[node] = (node,)
    elif by == "land-link":
        for pair, ids in land_link_pairs(network).items():
            state.edges[pair] = ev.edges_of(ids)
    return state


def land_link_pairs(network: Network) -> dict[str, list[str]]:
    """Pair of countries joined by land (``"CHN-KAZ"``: ISO3 codes sorted) -> its land links
    in service, in pair order."""
    t = network.terrestrial_links
    out: dict[str, list[str]] = {}
    for lid, a, b in zip(t["link_id"], t["from_iso3"], t["to_iso3"], strict=True):
        out.setdefault("-".join(sorted((a, b))), []).append(lid)
    return dict(sorted(out.items()))


def element_event(network: Network, kind: str, element: str) -> Event:
    """The scenario event equivalent to failing one element (for ``cable``,
    ``landing-point``, ``chokepoint`` and ``land-link``)."""
    if kind == "cable":
        return Event("cable", {"id": element}, f"cable {element} fails")
    if kind == "landing-point":
        return Event("landing_point", {"id": element}, f"station {element} lost")
    if kind == "chokepoint":
        return Event("chokepoint", {"id": element}, f"chokepoint {element} closed")
    if kind == "land-link":
        a, b = element.split("-", 1)
        return Event("land_link", {"between": (a, b)}, f"land links between {a} and {b} cut")
    raise CableSimError(f"no scenario event for a {kind}")  # pragma: no cover


def _evaluate_general(
    state: _SweepState, combo: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Failures through :func:`cablesim.scenario.failures.apply_events` (chokepoints: split backhaul too)."""

    ev = state.ev
    net = ev.network
    failures = apply_events(net, [element_event(net, state.by, e) for e in combo])
    split = _state.split(net, ev.backhaul, failures.closed_areas)
    if split is None and not failures.degraded:
        edges = ev.edges_of(set(failures.segments) | set(failures.links))
        vals, reach = ev.evaluate([edges])
        vals, reach = vals[0], reach[0]
        capv = ev.country_values(ev.task_values([edges]))[0]
    else:
        after = _state.after_state(net, failures, ev.options)
        capv = ev.country_values(after.task_values()[None, :])[0]
        vals = (
            ev.traffic_values(after.cap_after, comp_after=after.comp_after, lost=failures.nodes)
            if ev.traffic is not None
            else capv.copy()
        )
        reach = after.reach.copy()
    capv, _ = _apply_lost(ev, capv, reach.copy(), set(failures.nodes))
    return (*_apply_lost(ev, vals, reach, set(failures.nodes)), capv)


def _apply_lost(
    ev: _batch.Evaluator, vals: np.ndarray, reach: np.ndarray, lost: set[str]
) -> tuple[np.ndarray, np.ndarray]:
    """A country that loses every node (stations and hubs) has nothing left."""
    if not lost:
        return vals, reach
    comp = ev.comp
    for i, c in enumerate(ev.countries):
        nodes = set(comp.node_ids[comp.country_nodes[c]])
        if nodes and nodes <= lost:
            vals[i] = 0.0
            reach[i] = False
    return vals, reach


def _sweep_chunk(
    state: _SweepState, combos: list[tuple[str, ...]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values (traffic served, or capacity), reachability and capacity values per combo."""
    ev = state.ev
    if state.by == "chokepoint":
        out = [_evaluate_general(state, combo) for combo in combos]
        return tuple(np.vstack([o[i] for o in out]) for i in range(3))
    configs = [np.unique(np.concatenate([state.edges[e] for e in combo])) for combo in combos]
    vals, reach = ev.evaluate(configs)
    capv = ev.country_values(ev.task_values(configs)) if ev.traffic is not None else vals.copy()
    if state.nodes:
        for k, combo in enumerate(combos):
            lost = {n for e in combo for n in state.nodes.get(e, ())}
            capv[k], _ = _apply_lost(ev, capv[k], reach[k].copy(), lost)
            vals[k], reach[k] = _apply_lost(ev, vals[k], reach[k], lost)
    return vals, reach, capv


# ------------------------------------------------------------------------------ result


@dataclass
class SweepResult:
    """Outcome of :func:`sweep`.

    Attributes
    ----------
    records
        One row per element (or pair) swept, ranked (columns
        :data:`RECORD_COLUMNS`): ``isolated`` and ``severe`` are lists of ISO3
        codes; ``worst_country`` is ``None`` when nobody loses anything.
    worst_by_country
        Per country: the element whose failure hurts it most (``element``,
        ``loss_pct``, ``isolated``), i.e. the cause of its worst case;
        ``element`` is ``None`` when no element changes anything for it.
    by, k
        What was swept.
    complete
        False when the sweep was interrupted (Ctrl-C): the records cover the
        elements finished.
    """

    by: str
    k: int
    records: pd.DataFrame
    worst_by_country: pd.DataFrame
    elements_total: int
    as_of: Any
    rank_by: str = "impact"
    complete: bool = True
    notes: list[str] = field(default_factory=list)
    loss: np.ndarray | None = field(default=None, repr=False)  # elements x countries, percent
    countries: list[str] = field(default_factory=list, repr=False)
    measure: str = "traffic"  # what the losses measure (cablesim.measures.headline)

    def __repr__(self) -> str:
        top = ", ".join(self.records["element"].head(3))
        return (
            f"<SweepResult {self.by} k={self.k}: {len(self.records)} of {self.elements_total} "
            f"swept{'' if self.complete else ' (interrupted)'}; top: {top}>"
        )

    def top(self, n: int = 10) -> pd.DataFrame:
        """The ``n`` highest-ranked records."""
        return self.records.head(n)

    def to_dict(self, *, top: int | None = None) -> dict[str, Any]:
        """JSON-ready plain data (``top`` limits the records)."""
        recs = self.records if top is None else self.records.head(top)
        return {
            "sweep": {
                "by": self.by,
                "k": self.k,
                "as_of": str(self.as_of),
                "rank_by": self.rank_by,
                "elements_swept": len(self.records),
                "elements_total": self.elements_total,
                "complete": self.complete,
            },
            "records": [_clean(r) for r in recs.to_dict("records")],
            "worst_by_country": [_clean(r) for r in self.worst_by_country.to_dict("records")],
            "notes": list(self.notes),
        }


# ------------------------------------------------------------------------------ the sweep


def _elements(network: Network, by: str) -> tuple[list[str], dict[str, str]]:
    if by == "cable":
        df = network.cables.sort_values("cable_id")
        return df["cable_id"].tolist(), dict(zip(df["cable_id"], df["name"], strict=True))
    if by == "segment":
        segs = network.segments
        names = dict(zip(network.cables["cable_id"], network.cables["name"], strict=True))
        labels = {
            s: f"{names.get(c, c)}: {a} - {b}"
            for s, c, a, b in zip(
                segs["segment_id"],
                segs["cable_id"],
                segs["from_node"],
                segs["to_node"],
                strict=True,
            )
        }
        return segs["segment_id"].tolist(), labels
    if by == "landing-point":
        lps = network.landing_points.sort_values("landing_point_id")
        return lps["landing_point_id"].tolist(), dict(
            zip(lps["landing_point_id"], lps["name"], strict=True)
        )
    if by == "land-link":
        names = network.country_names
        t = network.terrestrial_links
        kinds = dict(zip(t["link_id"], t["kind"], strict=True))
        labels = {}
        for pair, ids in land_link_pairs(network).items():
            a, b = pair.split("-", 1)
            which = sorted({kinds[i] for i in ids})
            what = "assumed" if which == ["border"] else "/".join(which)
            labels[pair] = f"{names.get(a, a)}–{names.get(b, b)} land link ({what})" + (
                f" x{len(ids)}" if len(ids) > 1 else ""
            )
        return list(labels), labels
    cps = network.chokepoints.sort_values("chokepoint_id")
    return cps["chokepoint_id"].tolist(), dict(zip(cps["chokepoint_id"], cps["name"], strict=True))


def _resolve_elements(
    network: Network, by: str, wanted: Sequence[str], known: list[str]
) -> list[str]:
    out = []
    present = set(known)
    for name in wanted:
        if by == "cable":
            e = network.resolve_cable(name)
        elif by == "landing-point":
            e = network.resolve_landing_point(name)
        elif by == "chokepoint":
            e = network.resolve_chokepoint(name)
        elif by == "land-link":
            e = _land_link_element(network, name, known)
        else:
            e = name
        if e not in present:
            raise UnknownNameError(name, known, kind=f"{by} in service at {network.as_of}")
        out.append(e)
    return list(dict.fromkeys(out))


def _land_link_element(network: Network, name: str, known: list[str]) -> str:
    """The element of a land-link sweep named by two countries ("KAZ-CHN", "Kazakhstan,
    China") or by one of its links' ids."""
    links = network.terrestrial_links
    row = links[links["link_id"] == name]
    if len(row):
        return "-".join(sorted((row["from_iso3"].iloc[0], row["to_iso3"].iloc[0])))
    sep = "," if "," in name else "-"
    parts = [x for x in name.split(sep) if x.strip()]
    if len(parts) != 2:
        raise UnknownNameError(
            name,
            known,
            kind=f"land link in service at {network.as_of}",
            message=f"{name!r}: name a land link by its two countries, e.g. KAZ-CHN",
        )
    a, b = (network.resolve_country(x) for x in parts)
    pair = "-".join(sorted((a, b)))
    if pair not in known:
        raise UnknownNameError(
            name, (), kind="land link", message=no_land_link_message(network, a, b)
        )
    return pair


def _run(
    network: Network,
    by: str,
    combos: list[tuple[str, ...]],
    *,
    options: Options,
    workers,
    scheduler,
    progress,
    label,
) -> tuple[list[tuple[str, ...]], np.ndarray, np.ndarray, bool, np.ndarray]:
    ctx = parallel.make_context(network, _build_sweep, by=by, options=options)
    state = parallel.get_state(ctx)
    n_c = len(state.ev.countries)
    if not combos:
        return [], np.zeros((0, n_c)), np.zeros((0, n_c), dtype=bool), False, np.zeros((0, n_c))
    per = 2 if by == "chokepoint" else 25
    size = parallel.chunk_size(
        len(combos), workers if not scheduler else 8, target=6, lo=1, hi=per * 8
    )
    parts = parallel.chunks(combos, size)
    run = parallel.run_batches(
        ctx,
        _sweep_chunk,
        parts,
        sizes=[len(p) for p in parts],
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        description=label,
    )
    done_combos, vals, reach, capv = [], [], [], []
    for p, r in zip(parts, run.results, strict=True):
        if r is None:
            continue
        done_combos.extend(p)
        vals.append(r[0])
        reach.append(r[1])
        capv.append(r[2])
    if not vals:
        empty = np.zeros((0, n_c))
        return [], empty, np.zeros((0, n_c), dtype=bool), run.interrupted, empty
    return done_combos, np.vstack(vals), np.vstack(reach), run.interrupted, np.vstack(capv)


def _records(
    ev: _batch.Evaluator,
    by: str,
    combos: list[tuple[str, ...]],
    vals: np.ndarray,
    reach: np.ndarray,
    labels: dict[str, str],
    n_segments: dict[str, int],
    population: np.ndarray,
    rank_by: str,
    *,
    single: dict[str, np.ndarray] | None = None,
    capacity: np.ndarray | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    b = ev.baseline
    cb = ev.capacity_baseline
    capv = vals if capacity is None else capacity
    cap_lost = np.where(ev.reach0[None, :], np.maximum(cb[None, :] - capv, 0.0), 0.0)
    ok = ev.reach0 & (b > 0)
    safe_b = np.where(b > 0, b, 1.0)
    loss = np.where(ok[None, :], 100.0 * (1.0 - vals / safe_b[None, :]), 0.0).clip(0.0, 100.0)
    iso = ev.reach0[None, :] & ~reach
    severe = ~iso & ev.reach0[None, :] & (loss >= metrics.SEVERE_PCT)
    degraded = (
        ~iso & ev.reach0[None, :] & (loss >= metrics.DEGRADED_PCT) & (loss < metrics.SEVERE_PCT)
    )
    lost = np.where(ev.reach0[None, :], np.maximum(b[None, :] - vals, 0.0), 0.0)
    countries = np.array(ev.countries, dtype=object)
    rows = []
    for k, combo in enumerate(combos):
        li = loss[k]
        # worst: largest loss, then largest capacity lost, then iso3
        order = np.lexsort((countries, -lost[k], -li))
        w = order[0]
        has = li[w] > 0 or iso[k, w]
        rows.append(
            {
                "element": " + ".join(combo),
                "kind": by,
                "name": " + ".join(labels.get(e, e) for e in combo),
                "elements": list(combo),
                "segments_failed": int(sum(n_segments.get(e, 0) for e in combo)),
                "isolated": sorted(countries[iso[k]].tolist()),
                "severe": sorted(countries[severe[k]].tolist()),
                "n_isolated": int(iso[k].sum()),
                "n_severe": int(severe[k].sum()),
                "n_degraded": int(degraded[k].sum()),
                "capacity_lost_tbps": round(float(cap_lost[k].sum()), 3),
                "traffic_lost_tbps": round(float(lost[k].sum()), 4),
                "impact": round(float(li.sum() / 100.0), 4),
                "synergy": round(_synergy(li, [single.get(e) for e in combo]), 4)
                if single is not None and len(combo) > 1
                else 0.0,
                "people_affected": round(float((li / 100.0 * population).sum()), 0),
                "worst_country": countries[w] if has else None,
                "worst_loss_pct": round(float(li[w]), 2) if has else 0.0,
            }
        )
    df = pd.DataFrame(rows, columns=[c for c in RECORD_COLUMNS if c != "rank"])
    keys = {
        "impact": ["impact", "n_isolated", "capacity_lost_tbps"],
        "isolated": ["n_isolated", "n_severe", "impact"],
        "capacity": ["capacity_lost_tbps", "impact", "n_isolated"],
        "people": ["people_affected", "impact", "n_isolated"],
        "synergy": ["synergy", "impact", "n_isolated"],
    }[rank_by]
    if len(df):
        df = df.sort_values(
            [*keys, "element"], ascending=[False, False, False, True], kind="stable"
        )
    order_idx = df.index.to_numpy()
    df = df.reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df, loss[order_idx] if len(order_idx) else loss


def _synergy(pair_loss: np.ndarray, single_losses: list[np.ndarray | None]) -> float:
    """Sum over countries of the pair's loss beyond the worse single loss, as a fraction."""
    known = [x for x in single_losses if x is not None]
    worse = np.max(np.vstack(known), axis=0) if known else np.zeros_like(pair_loss)
    return float(np.clip(pair_loss - worse, 0.0, None).sum() / 100.0)


def _worst_by_country(
    ev: _batch.Evaluator,
    records: pd.DataFrame,
    loss: np.ndarray,
    vals: np.ndarray,
    reach: np.ndarray,
) -> pd.DataFrame:
    names = ev.network.country_names
    rows = []
    ok = ev.reach0 & (ev.baseline > 0)
    for i, c in enumerate(ev.countries):
        if not ok[i]:
            continue
        row = {
            "iso3": c,
            "name": names.get(c, c),
            "baseline_tbps": round(float(ev.capacity_baseline[i]), 3),
            "element": None,
            "element_name": None,
            "loss_pct": 0.0,
            "isolated": False,
            "demand_tbps": round(float(ev.baseline[i]), 4) if ev.traffic is not None else None,
        }
        if len(records):
            col = loss[:, i]
            iso = ~reach[:, i]
            key = np.lexsort((np.arange(len(col)), -iso.astype(int), -col))
            k = key[0]
            if col[k] > 0 or iso[k]:
                row.update(
                    element=records["element"].iat[k],
                    element_name=records["name"].iat[k],
                    loss_pct=round(float(col[k]), 2),
                    isolated=bool(iso[k]),
                )
        rows.append(row)
    df = pd.DataFrame(
        rows,
        columns=[
            "iso3",
            "name",
            "baseline_tbps",
            "element",
            "element_name",
            "loss_pct",
            "isolated",
            "demand_tbps",
        ],
    )
    df = df.sort_values(["isolated", "loss_pct", "iso3"], ascending=[False, False, True])
    return df.reset_index(drop=True)


def sweep(
    network: Network | None = None,
    by: str = "cable",
    *,
    k: int = 1,
    elements: Sequence[str] | None = None,
    core: tuple[str, ...] = DEFAULT_CORE,
    backhaul: str = "landmass",
    routing: str = "corridor",
    rank_by: str | None = None,
    pair_pool: int = PAIR_POOL,
    per_country: int = PER_COUNTRY,
    workers: int | None = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
    measure: str = "traffic",
) -> SweepResult:
    """Fail every element (``k=1``) or pairs of elements (``k=2``) in turn; rank them.

    Parameters
    ----------
    network
        The network (default: the bundled one at the snapshot date).
    by
        ``"cable"``, ``"segment"``, ``"landing-point"``, ``"chokepoint"`` or ``"land-link"``
        (the land links between each pair of countries joined by land).
    k
        1 (each element alone) or 2 (pairs, pruned: see the module doc).
    elements
        Restrict to these elements (ids or names); default every one in service.
    core, backhaul, routing
        As for :func:`cablesim.engine.metrics.country_metrics`.
    rank_by
        ``"impact"`` (the default for ``k=1``), ``"isolated"``, ``"capacity"``,
        ``"people"`` or ``"synergy"`` (the default for ``k=2``: the pair's loss beyond
        the worse single, see the module doc; pairs without synergy are dropped).
    pair_pool, per_country
        Pruning of pairs (``k=2``), see the module doc.
    workers
        Local processes (1: serial, the default; 0: one per CPU).
    scheduler
        Address of a Dask scheduler (``tcp://host:port``).
    progress
        Progress bar on stderr (default: when stderr is a terminal).
    measure
        ``"traffic"`` (default): losses are shares of traffic lost in the first days, as
        :func:`cablesim.engine.simulate` reports them; ``"capacity"``: capacity losses.

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> import cablesim
    >>> from cablesim.analyses.sweep import sweep
    >>> r = sweep(cablesim.load_network(2022), "cable", elements=["tonga-cable", "seamewe-5"])
    >>> r.records.set_index("element").at["tonga-cable", "isolated"]
    ['TON']
    """
    if by not in KINDS:
        raise UnknownNameError(by, KINDS, kind="sweep kind")
    if k not in (1, 2):
        raise CableSimError(f"k must be 1 or 2, not {k}")
    if rank_by is None:
        rank_by = "synergy" if k == 2 else "impact"
    if rank_by not in RANK_BY:
        raise UnknownNameError(rank_by, RANK_BY, kind="ranking")
    network = network if network is not None else load_network()
    workers = parallel.resolve_workers(workers)
    known, labels = _elements(network, by)
    chosen = known if elements is None else _resolve_elements(network, by, elements, known)
    segs = network.segments
    if by == "cable":
        n_segments = segs.groupby("cable_id").size().to_dict()
    elif by == "segment":
        n_segments = dict.fromkeys(segs["segment_id"], 1)
    elif by == "landing-point":
        n_segments = {n: len(v) for n, v in _segments_by_node(network).items()}
    elif by == "land-link":
        n_segments = dict.fromkeys(known, 0)  # no cable segment fails
    else:
        n_segments = {}
    options = Options(core=core, backhaul=backhaul, routing=routing, measure=measure)
    opts = {
        "options": options,
        "workers": workers,
        "scheduler": scheduler,
        "progress": progress,
    }
    state = parallel.get_state(parallel.make_context(network, _build_sweep, by=by, options=options))
    ev = state.ev
    pop = (
        network.countries.set_index("iso3")["population"]
        .reindex(ev.countries)
        .fillna(0)
        .to_numpy(float)
    )
    combos = [(e,) for e in chosen]
    done, vals, reach, interrupted, capv = _run(
        network, by, combos, label=f"sweep {by} (N-1)", **opts
    )
    notes = []
    single = None
    if k == 2 and not interrupted:
        recs1, loss1 = _records(
            ev, by, done, vals, reach, labels, n_segments, pop, "impact", capacity=capv
        )
        single = {e: loss1[i] for i, e in enumerate(recs1["element"])}
        pool = set(recs1["element"].head(pair_pool))
        pairs = {tuple(sorted(p)) for p in _pairs(sorted(pool))}
        for i in range(loss1.shape[1]):
            col = loss1[:, i]
            top = [
                recs1["element"].iat[j]
                for j in np.argsort(-col, kind="stable")[:per_country]
                if col[j] > 0
            ]
            pairs |= {tuple(sorted(p)) for p in _pairs(sorted(top))}
        combos = sorted(pairs)
        notes.append(
            f"k=2: {len(combos):,} pairs of {len(chosen) * (len(chosen) - 1) // 2:,}: every pair "
            f"among the {pair_pool} elements of highest single impact, and for every country "
            f"every pair among the {per_country} elements that hurt it most."
        )
        done, vals, reach, interrupted, capv = _run(
            network, by, combos, label=f"sweep {by} (N-2)", **opts
        )
    total = len(combos)
    records, loss = _records(
        ev, by, done, vals, reach, labels, n_segments, pop, rank_by, single=single, capacity=capv
    )
    if single is not None and len(records):
        keep = (records["synergy"] >= SYNERGY_FLOOR).to_numpy()
        if not keep.all():
            notes.append(
                f"{int((~keep).sum()):,} pairs dropped: one member alone explains their result "
                f"(synergy below {SYNERGY_FLOOR:g})."
            )
        records = records[keep].reset_index(drop=True)
        records["rank"] = np.arange(1, len(records) + 1)
        loss = loss[keep]
    order = {e: j for j, e in enumerate(" + ".join(c) for c in done)}
    idx = np.array([order[e] for e in records["element"]], dtype=np.int64)
    worst = _worst_by_country(
        ev, records, loss, vals[idx] if len(idx) else vals, reach[idx] if len(idx) else reach
    )
    if interrupted:
        notes.append(f"Interrupted: {len(records):,} of {total:,} swept; the ranking covers those.")
    notes.append(
        f"Ranked by {rank_by}; impact = sum over countries of the loss as a fraction "
        "(country-equivalents cut off). Isolated = no route to the core left."
    )
    return SweepResult(
        by=by,
        k=k,
        records=records,
        worst_by_country=worst,
        elements_total=total,
        as_of=network.as_of,
        rank_by=rank_by,
        complete=not interrupted,
        notes=notes,
        loss=loss,
        countries=list(ev.countries),
        measure=measure,
    )


def _pairs(items: Sequence[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(items) for b in items[i + 1 :]]


# ------------------------------------------------------------------------------ minimal cut


@dataclass
class CutResult:
    """Outcome of :func:`minimal_cut`.

    Attributes
    ----------
    country
        ISO3 code.
    by
        ``"cable"`` or ``"segment"``.
    cuts
        The best cut first, then the alternatives: each a dict with
        ``elements`` (ids), ``names`` and ``size``, and for ``by="cable"``
        ``events``: the cut as scenario events (``{cable: id}``, and
        ``{land_link: {id: ...}}`` for land links) that replay it. Empty when
        the country cannot be cut off this way (see ``reason``).
    reason
        Why there is no cut (already isolated; joined to the core by land).
    """

    country: str
    by: str
    cuts: list[dict[str, Any]]
    reason: str | None = None
    as_of: Any = None

    @property
    def best(self) -> list[str]:
        """Elements of the smallest cut (empty if none)."""
        return list(self.cuts[0]["elements"]) if self.cuts else []

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data."""
        return {
            "country": self.country,
            "by": self.by,
            "as_of": str(self.as_of),
            "reason": self.reason,
            "cuts": [dict(c) for c in self.cuts],
        }


def minimal_cut(
    network: Network | None,
    country: str,
    *,
    by: str = "cable",
    alternatives: int = 2,
    core: tuple[str, ...] = DEFAULT_CORE,
    backhaul: str = "landmass",
    land_links: bool = False,
) -> CutResult:
    """The fewest cables (or segments) whose failure isolates ``country`` from the core.

    Isolated means what it means in a scenario: no route at all from any of
    the country's stations or land hubs to a station or hub of a core
    country (another one, for a core country). Domestic backhaul cannot be
    cut, nor land links (unless ``land_links``: then each link counts as one
    element).

    The problem is solved exactly as a small integer program (scipy's HiGHS):
    a 0/1 variable per element (failed or not) and a potential per node of
    the contracted graph, 0 on the country's nodes and 1 on the core's; each
    edge forces its element to fail when its ends' potentials differ, and
    unlimited edges force them equal. With binary elements this is exactly
    "no surviving route", so the minimum is the smallest cut. For
    ``by="segment"`` it is the classic minimum edge cut (its size equals the
    unit-capacity maximum flow, Menger's theorem); for ``by="cable"`` a cable
    with many segments counts once, which no max-flow can express, hence the
    integer program.

    The alternatives are the next-smallest distinct cuts: each further solve
    forbids every earlier cut as a whole (``sum of its elements <= size - 1``),
    so each alternative is a different minimal cut, not a superset of one.

    Parameters
    ----------
    network
        The network (default: the bundled one).
    country
        ISO3 code or name.
    by
        ``"cable"`` or ``"segment"``.
    alternatives
        How many alternative cuts to list after the best.
    core, backhaul
        As for :func:`cablesim.engine.metrics.country_metrics`.
    land_links
        Let land links be cut (each counts as one element).

    Returns
    -------
    CutResult

    Examples
    --------
    >>> import cablesim
    >>> from cablesim.analyses.sweep import minimal_cut
    >>> minimal_cut(cablesim.load_network(2022), "Tonga").best
    ['tonga-cable']
    """

    if by not in ("cable", "segment"):
        raise UnknownNameError(by, ("cable", "segment"), kind="cut unit")
    if alternatives < 0:
        raise CableSimError(f"alternatives must be 0 or more, not {alternatives}")
    network = network if network is not None else load_network()
    iso = network.resolve_country(country)
    comp = _state.compiled(network, Options(core=core, backhaul=backhaul, routing="any"))
    if iso not in comp.country_flow_nodes:
        return CutResult(
            iso,
            by,
            [],
            reason=f"{iso} has no station or land link in the model",
            as_of=network.as_of,
        )
    src = comp.country_flow_nodes[iso]
    sink_c = [c for c in core if c != iso and c in comp.core_nodes]
    sink = np.setdiff1d(
        np.unique(np.concatenate([comp.flow_of[comp.core_nodes[c]] for c in sink_c]))
        if sink_c
        else np.array([], np.int64),
        src,
    )
    if not len(sink):
        return CutResult(
            iso, by, [], reason="no core country to be cut off from", as_of=network.as_of
        )
    fu, fv = comp.flow_of[comp.edge_u], comp.flow_of[comp.edge_v]
    live = (fu != fv) & (comp.edge_cap > 0)
    seg = comp.edge_kind == 0
    if by == "cable":
        label = np.where(seg, comp.edge_cable, comp.edge_ids)
    else:
        label = comp.edge_ids.copy()
    cuttable = live & (seg | land_links)
    elements, elem_of = np.unique(label[cuttable], return_inverse=True)
    n_el, n_nodes = len(elements), comp.n_flow
    adj = sp.coo_matrix((np.ones(int(live.sum())), (fu[live], fv[live])), shape=(n_nodes, n_nodes))
    _, lab = connected_components(adj, directed=False)
    if not np.isin(lab[src], lab[sink]).any():
        return CutResult(
            iso, by, [], reason=f"{iso} is already cut off from the core", as_of=network.as_of
        )
    # variables: x (elements, binary) then p (node potentials, 0..1)
    n_var = n_el + n_nodes
    lo = np.zeros(n_var)
    hi = np.ones(n_var)
    hi[n_el + src] = 0.0
    lo[n_el + sink] = 1.0
    cu, cv = fu[cuttable], fv[cuttable]
    m = len(cu)
    # cuttable edge j: p_u - p_v - x_e <= 0 and p_v - p_u - x_e <= 0
    r_cut = np.repeat(np.arange(2 * m), 3)
    c_cut = np.column_stack(
        [n_el + np.r_[cu, cv], n_el + np.r_[cv, cu], np.r_[elem_of, elem_of]]
    ).ravel()
    v_cut = np.tile([1.0, -1.0, -1.0], 2 * m)
    fixed = live & ~cuttable
    fa, fb = fu[fixed], fv[fixed]
    r_fix = 2 * m + np.repeat(np.arange(len(fa)), 2)  # uncuttable: p_u - p_v == 0
    c_fix = np.column_stack([n_el + fa, n_el + fb]).ravel()
    v_fix = np.tile([1.0, -1.0], len(fa))
    n_base = 2 * m + len(fa)
    base_lb = np.r_[np.full(2 * m, -np.inf), np.zeros(len(fa))]
    base_ub = np.zeros(n_base)
    integrality = np.r_[np.ones(n_el), np.zeros(n_nodes)]
    cost = np.r_[np.ones(n_el), np.zeros(n_nodes)]
    names = dict(zip(network.cables["cable_id"], network.cables["name"], strict=True))
    link_ids = set(network.terrestrial_links["link_id"])
    seg_cable = dict(zip(network.segments["segment_id"], network.segments["cable_id"], strict=True))
    cuts: list[dict[str, Any]] = []
    forbid: list[np.ndarray] = []
    reason = None
    for _ in range(alternatives + 1):
        # no earlier cut may be chosen whole: sum of its x <= size - 1
        r_fb = np.concatenate([np.full(len(f), n_base + q) for q, f in enumerate(forbid)] or [[]])
        c_fb = np.concatenate(forbid or [[]])
        a_mat = sp.csr_matrix(
            (
                np.r_[v_cut, v_fix, np.ones(len(c_fb))],
                (
                    np.r_[r_cut, r_fix, r_fb].astype(np.int64),
                    np.r_[c_cut, c_fix, c_fb].astype(np.int64),
                ),
            ),
            shape=(n_base + len(forbid), n_var),
        )
        lb_c = np.r_[base_lb, np.full(len(forbid), -np.inf)]
        ub_c = np.r_[base_ub, [len(f) - 1.0 for f in forbid]]
        res = milp(
            cost,
            constraints=LinearConstraint(a_mat, lb_c, ub_c),
            integrality=integrality,
            bounds=Bounds(lo, hi),
        )
        if res.status != 0 or res.x is None:
            if not cuts:
                reason = (
                    f"{iso} cannot be cut off by cutting {by}s alone: land links join it to "
                    "the core"
                    if not land_links
                    else f"no cut found ({res.message})"
                )
            break
        chosen = np.flatnonzero(res.x[:n_el] > 0.5)
        forbid.append(chosen)
        ids = sorted(str(elements[i]) for i in chosen)
        cut = {
            "elements": ids,
            "size": len(ids),
            "names": [names.get(e, names.get(seg_cable.get(e, ""), e)) for e in ids],
        }
        if by == "cable":  # the cut as scenario events, to replay it (cablesim run)
            cut["events"] = [
                {"land_link": {"id": e}} if e in link_ids else {"cable": e} for e in ids
            ]
        cuts.append(cut)
    return CutResult(iso, by, cuts, reason=reason, as_of=network.as_of)
