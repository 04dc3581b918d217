"""Many failure sets on one network, fast: the batch evaluator of the engine.

Used by :mod:`cablesim.analyses.sweep` and :mod:`cablesim.analyses.risk` (which run it in
batches through :mod:`cablesim.parallel`).

:class:`Evaluator`
    Capacity to the core of every country after each of many failure sets
    (sets of failed edges), with the semantics of
    :func:`cablesim.engine.metrics.country_metrics` (``tests/test_sweep.py`` and
    ``tests/engine/test_engine.py`` check they agree) but without its per-scenario
    overhead (no pandas, no latency or first-hop capacity):

    * a (country, core region) *task* of the engine (see
      :mod:`cablesim.engine.flows`) is touched by a failure only if its baseline
      flow no longer fits. For one failed edge this is precomputed for all
      edges at once (``D``, edges x tasks, and the excess flow ``X``); for a
      set of edges on distinct flow pairs the set touches a task exactly when
      one of its edges does (capacities of distinct pairs do not interact).
      Sets with two edges on one pair are checked directly;
    * a touched task is solved on the engine's prebuilt CSR graph of that task,
      with the failed pairs' capacities rewritten
      (:class:`cablesim.engine.flows.TaskGraph`, the one solve path, which
      :func:`cablesim.engine.simulate` uses too), with scipy's Dinic;
      results are cached by the failed edges in the task's corridor, the
      only ones its value depends on (sweeps: :meth:`Evaluator.task_values`);
    * for many overlapping sets (Monte Carlo), :meth:`Evaluator.task_value`
      solves the smallest interacting subset and reuses it while its flow
      still fits, and :meth:`Evaluator.loss_upper_bounds` bounds every
      country's loss without solving anything;
    * a country's value is the mean over its tasks, computed like the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from cablesim.engine import flows as _engine
from cablesim.engine import state as _state
from cablesim.engine import traffic as _traffic
from cablesim.engine.state import Options
from cablesim.network import Network
from cablesim.scenario import DEFAULT_CORE

_EPS = 1e-9
_MAX_BITS = 62
_CACHE_MAX = 400_000
_MANY = 16
"""Failure sets evaluated together by :meth:`Evaluator.traffic_values_many`."""
_CACHE_BYTES = 256 * 2**20
"""Memory the flow cache may hold (each entry keeps a flow on every pair); then it restarts."""


# ------------------------------------------------------------------------------ evaluator


@dataclass
class _Prepared:
    edges: np.ndarray  # unique failed edges
    on_pair: np.ndarray  # those on a flow pair (not inside a contracted node)
    pairs: np.ndarray  # their unique pairs
    inv: np.ndarray  # on_pair -> index in pairs
    shared: bool  # two edges on one pair


@dataclass
class _Entry:
    value: float  # Tbit/s
    flow: np.ndarray  # |flow| on every pair, Gbit/s


class Evaluator:
    """Capacity to the core of every country after many failure sets (see the module doc).

    Parameters
    ----------
    network
        The network (not modified).
    core, backhaul, routing, measure
        As for :func:`cablesim.engine.metrics.country_metrics`.
    options
        All of them as one :class:`cablesim.engine.state.Options` (they are then
        ignored; its ``utilization`` sets the demand model's).

    Attributes
    ----------
    countries
        ISO3 codes, the column order of every result.
    baseline
        Capacity to the core of every country before any failure (Tbit/s).
    reach0
        Whether each country has a route to the core before any failure.
    """

    def __init__(
        self,
        network: Network,
        *,
        core: tuple[str, ...] = DEFAULT_CORE,
        backhaul: str = "landmass",
        routing: str = "corridor",
        measure: str = "traffic",
        options: Options | None = None,
    ) -> None:
        if options is None:
            options = Options(core=core, backhaul=backhaul, routing=routing, measure=measure)
        self.network = network
        self.options = options
        self.measure = measure = options.measure
        self.core = options.core
        self.backhaul = options.backhaul
        self.routing = options.routing
        comp = _state.compiled(network, options)
        base = _engine.baseline(comp)
        self.comp = comp
        self.countries: list[str] = list(comp.countries)
        self.country_index = {c: i for i, c in enumerate(self.countries)}
        self.edge_index = {e: i for i, e in enumerate(comp.edge_ids)}
        n_e, n_p, n_t = len(comp.edge_ids), len(comp.pair_u), len(comp.task_country)
        self.n_tasks = n_t
        gb = _engine.to_gbps(comp.edge_cap)
        pair = comp.pair_of_edge
        valid = pair >= 0
        self._pair = pair
        if comp.corridor is not None:
            red = comp.corridor.astype(np.int64) * gb[None, :]
        else:
            red = np.broadcast_to(gb[None, :], (n_t, n_e))
        self._red = np.asarray(red)  # Gbit/s a task loses on the edge's pair when the edge fails
        inc = sp.csr_matrix(
            (np.ones(int(valid.sum())), (np.flatnonzero(valid), pair[valid])), shape=(n_e, n_p)
        )
        self._task_pc = np.asarray(inc.T @ self._red.T).T.round()  # tasks x pairs, Gbit/s
        self._tpf = base.task_pair_flow
        self._tv0 = base.task_value.copy()
        pv = pair[valid]
        excess = np.zeros((n_t, n_e))
        excess[:, valid] = self._tpf[:, pv] - (self._task_pc[:, pv] - self._red[:, valid])
        excess[excess <= _EPS] = 0.0
        self.D = np.ascontiguousarray(
            excess.T > 0
        )  # edges x tasks: the edge alone touches the task
        self.X = sp.csr_matrix(
            excess.T
        )  # edges x tasks: baseline flow that no longer fits (Gbit/s)
        self.task_country = comp.task_country
        self.tasks_of = [
            comp.country_tasks.get(c, np.array([], dtype=np.int64)) for c in self.countries
        ]
        n_tasks_of = np.bincount(comp.task_country, minlength=len(self.countries))
        w = 1.0 / np.maximum(n_tasks_of[comp.task_country], 1)
        self._agg = sp.csr_matrix(
            (w, (np.arange(n_t), comp.task_country)), shape=(n_t, len(self.countries))
        )
        self.baseline = np.array([base.values[c] for c in self.countries])
        if not np.array_equal(
            self.country_values(self._tv0[None, :])[0], self.baseline
        ):  # pragma: no cover
            raise RuntimeError(
                "cablesim.engine.batch is out of step with the engine's country values"
            )
        self.reach0 = self.reach(comp, comp.edge_cap)
        self._entries: dict[tuple, _Entry] = {}
        self._exact: dict[tuple, float] = {}
        self.stats = {"solves": 0, "resolved": 0, "shared_pair_sets": 0}
        self.capacity_baseline = self.baseline
        self.traffic = None
        if measure == "traffic":
            # values are traffic served (headline horizon), as cablesim.engine.metrics reports them
            self.traffic = _state.traffic_model(network, options)
            self.baseline = self.traffic_values(comp.edge_cap)
            self._traffic_baseline()
            self._edge_traffic_loss = self._edge_bounds()

    # -------------------------------------------------------------- traffic
    def traffic_values(
        self,
        cap: np.ndarray,
        *,
        comp_after: _engine.Compiled | None = None,
        lost: set[str] | frozenset[str] = frozenset(),
    ) -> np.ndarray:
        """Traffic served per country (Tbit/s, headline horizon) with edge capacities ``cap``.

        The same function as :func:`cablesim.engine.metrics.country_metrics`
        (:func:`cablesim.engine.traffic.immediate_after`), summed per country.
        """
        comp = self.comp
        lost_tasks = None
        if lost:
            lost_tasks = np.zeros(len(comp.task_country), dtype=bool)
            for i, c in enumerate(self.countries):
                nodes = set(comp.node_ids[comp.country_nodes[c]])
                if nodes and nodes <= set(lost):
                    lost_tasks |= comp.task_country == i
        served = _traffic.immediate_after(
            self.traffic, cap, comp_after=comp_after, lost_tasks=lost_tasks
        )
        return np.bincount(comp.task_country, weights=served, minlength=len(self.countries))

    def traffic_values_many(self, configs: Sequence[np.ndarray]) -> np.ndarray:
        """Traffic served per country (K x countries, Tbit/s, headline horizon) after each
        failure set (arrays of edge indices): :meth:`traffic_values`, many sets at once."""
        comp = self.comp
        out = np.zeros((len(configs), len(self.countries)))
        agg = (np.arange(len(configs)) * len(self.countries))[:, None] + comp.task_country[None, :]
        for lo in range(0, len(configs), _MANY):
            part = configs[lo : lo + _MANY]
            dcaps = np.array(
                [
                    _traffic.directed_capacity(comp, self.capacity_after(np.asarray(c, np.int64)))
                    for c in part
                ]
            )
            served = _traffic.immediate_after_many(self.traffic, dcaps)
            k = len(part)
            out[lo : lo + k] = np.bincount(
                agg[:k].ravel(), weights=served.ravel(), minlength=k * len(self.countries)
            ).reshape(k, len(self.countries))
        return out

    def _traffic_baseline(self) -> None:
        """What the screening bounds need from the intact network's first-days traffic.

        ``_kept0``: per route, the baseline traffic it keeps on the intact network
        (less than its baseline traffic only on a link over capacity at baseline);
        ``_grant_pct``: per country, the traffic its displaced routes get back on
        spare capacity on the intact network (percent of its baseline), which any
        change may take away.
        """
        m = self.traffic
        r = m.routes
        self._kept0 = m.x0 * _traffic._path_min(r, _traffic.keep_share(m, m.dcap0))
        kept_t = np.bincount(r.task, weights=self._kept0, minlength=self.n_tasks)
        grant_t = np.maximum(m.served0["immediate"] - kept_t, 0.0)
        grant_c = np.bincount(self.task_country, weights=grant_t, minlength=len(self.countries))
        b = np.where(self.baseline > 0, self.baseline, 1.0)
        self._grant_pct = 100.0 * grant_c / b

    def _edge_bounds(self) -> sp.csr_matrix:
        """Edges x countries: upper bound (percent) on the first-days loss when the edge alone
        fails.

        A route keeps its baseline traffic times the smallest share its links keep
        (``rho``, the link's capacity over its baseline load when that is below 1),
        so it loses at most its baseline traffic times the sum, over its links, of
        the drop of their share; the bound sums that over the two directions of the
        edge's pair and the routes through each. ``_edge_hurts`` (per edge) records
        which edges lower some share (then every country may also lose what it got
        back on spare capacity at baseline, ``_grant_pct``).
        """
        m, comp = self.traffic, self.comp
        r = m.routes
        n_p = len(comp.pair_u)
        pair = self._pair
        valid = np.flatnonzero(pair >= 0)
        p = pair[valid]
        rows = np.stack([2 * p, 2 * p + 1], axis=1).ravel()
        # capacity left on the pair without the edge (conservative by 1e-6 against rounding)
        cap_wo = np.repeat(np.maximum(m.dcap0[2 * p] - comp.edge_cap[valid] - 1e-6, 0.0), 2)
        rho0 = _traffic.keep_share(m, m.dcap0)[rows]
        rho = _traffic.keep_share(m, cap_wo, rows=rows, margin=0.0)
        drop = np.maximum(rho0 - rho, 0.0)
        hit = drop > 0
        self._edge_hurts = np.zeros(len(comp.edge_ids), dtype=bool)
        self._edge_hurts[np.repeat(valid, 2)[hit]] = True
        # directed pairs x countries: baseline traffic of the routes through the pair
        pc = sp.csr_matrix(
            (m.x0, (np.arange(r.n), self.task_country[r.task])),
            shape=(r.n, len(self.countries)),
        )
        b = np.where(self.baseline > 0, self.baseline, 1.0)
        per_row = (r.M @ pc) @ sp.diags(100.0 / b)
        sel = sp.csr_matrix(
            (drop[hit], (np.repeat(valid, 2)[hit], rows[hit])),
            shape=(len(comp.edge_ids), 2 * n_p),
        )
        return (sel @ per_row).tocsr()

    def traffic_loss_bounds(self, configs: Sequence[np.ndarray]) -> np.ndarray:
        """Upper bound on every country's headline traffic loss (percent, K x countries).

        A country keeps at least the traffic that its routes crossing no link whose
        capacity fell below its baseline load keep on the intact network; it may
        lose the rest, and what its displaced traffic got back on spare capacity
        on the intact network (``_grant_pct``). A set that hurts no link loses
        nothing (every task keeps its baseline traffic).
        """
        m = self.traffic
        r = m.routes
        b = np.where(self.baseline > 0, self.baseline, 1.0)
        # sets whose edges lie on distinct pairs: the sum of the edges' own bounds (a pair's
        # capacity depends on its own edges only; a union of hit routes is at most the sum)
        lens = np.array([len(c) for c in configs])
        flat = (
            np.concatenate([np.asarray(c, dtype=np.int64) for c in configs])
            if lens.sum()
            else np.array([], dtype=np.int64)
        )
        rows = np.repeat(np.arange(len(configs)), lens)
        pe = self._pair[flat]
        ok = pe >= 0
        key = rows[ok] * len(self.comp.pair_u) + pe[ok]
        uk, counts = np.unique(key, return_counts=True)
        shared = np.zeros(len(configs), dtype=bool)
        shared[uk[counts > 1] // len(self.comp.pair_u)] = True
        act = sp.csr_matrix(
            (np.ones(len(flat)), (rows, flat)), shape=(len(configs), len(self.comp.edge_ids))
        )
        hurts = (act @ self._edge_hurts.astype(float)) > 0
        out = np.asarray((act @ self._edge_traffic_loss).todense())
        out += np.where(hurts[:, None], self._grant_pct[None, :], 0.0)
        out = np.minimum(100.0, out + 1e-6)
        for k in np.flatnonzero(shared):
            cfg = configs[k]
            cap = self.capacity_after(np.unique(np.asarray(cfg, np.int64)))
            dcap = _traffic.directed_capacity(self.comp, cap)
            # any pair whose capacity changed and whose traffic may no longer fit (conservative)
            rho = _traffic.keep_share(m, np.maximum(dcap - 1e-6, 0.0), margin=0.0)
            if not ((dcap < m.dcap0) & (rho < 1.0)).any():
                out[k] = 0.0
                continue
            lost = np.maximum(self._kept0 - m.x0 * _traffic._path_min(r, rho), 0.0)
            lost_t = np.bincount(r.task, weights=lost, minlength=self.n_tasks)
            lost_c = np.bincount(self.task_country, weights=lost_t, minlength=len(self.countries))
            out[k] = np.minimum(100.0, 100.0 * lost_c / b + self._grant_pct + 1e-6)
        return out

    # -------------------------------------------------------------- basics
    def edges_of(self, ids: Iterable[str]) -> np.ndarray:
        """Sorted edge indices of segment / land-link ids (unknown ids are ignored)."""
        idx = self.edge_index
        return np.array(sorted({idx[i] for i in ids if i in idx}), dtype=np.int64)

    def capacity_after(self, edges: np.ndarray) -> np.ndarray:
        """Edge capacities (Tbit/s) with ``edges`` failed."""
        cap = self.comp.edge_cap.copy()
        cap[np.asarray(edges, dtype=np.int64)] = 0.0
        return cap

    def country_values(self, task_values: np.ndarray) -> np.ndarray:
        """Countries' capacity to the core (K x countries) from task values (K x tasks).

        The mean over each country's tasks, computed as the engine does (same
        order, same rounding), so that thresholds such as a loss of exactly
        50% fall on the same side.
        """
        tv = np.atleast_2d(np.asarray(task_values, dtype=float))
        out = np.zeros((tv.shape[0], len(self.countries)))
        for i, tasks in enumerate(self.tasks_of):
            if len(tasks):
                out[:, i] = [row.mean() for row in tv[:, tasks]]
        return out

    def _country_bounds(self, task_values: np.ndarray) -> np.ndarray:
        """Like :meth:`country_values`, fast (a sparse product; may differ in the last bits)."""
        return np.asarray((self._agg.T @ np.asarray(task_values).T).T)

    def reach(self, comp: _engine.Compiled, cap: np.ndarray) -> np.ndarray:
        """Whether each country has any route at all to a core node of another country.

        :func:`cablesim.engine.flows.reach` (``comp`` is this evaluator's compiled
        network, or it compiled with a split backhaul: same countries, same order).
        """
        return _engine.reach(comp, cap)

    # -------------------------------------------------------------- solving
    def _graph(self, t: int) -> _engine.TaskGraph:
        return _engine.task_graph(self.comp, t)

    def _pairs_after(
        self, t: int, edges: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Pairs of ``edges``, task ``t``'s capacity left on each (Gbit/s), and the edge -> pair map."""
        pe = self._pair[edges]
        ok = pe >= 0
        pairs, inv = np.unique(pe[ok], return_inverse=True)
        cut = np.zeros(len(pairs))
        np.add.at(cut, inv, self._red[t, edges[ok]])
        return pairs, self._task_pc[t, pairs] - cut, ok, inv

    def solve(
        self, t: int, edges: Sequence[int], *, with_flow: bool = False
    ) -> tuple[float, np.ndarray | None]:
        """Value (Tbit/s) of task ``t`` with ``edges`` failed; optionally |flow| on every pair."""
        edges = np.asarray(edges, dtype=np.int64)
        pairs, caps, _, _ = self._pairs_after(t, edges)
        self.stats["solves"] += 1
        return self._graph(t).solve(pairs, caps, with_flow=with_flow)

    def _exact_task(self, t: int, edges: np.ndarray) -> float:
        corr = self.comp.corridor
        rel = edges if corr is None else edges[corr[t, edges]]
        key = (t, tuple(int(e) for e in np.sort(rel)))
        v = self._exact.get(key)
        if v is None:
            if len(self._exact) > _CACHE_MAX:
                self._exact.clear()
            v = self._exact[key] = self.solve(t, key[1])[0]
        return v

    def _exact_set(self, edges: np.ndarray) -> np.ndarray:
        """Task values after failing ``edges`` (any set, shared pairs included), exactly."""
        out = self._tv0.copy()
        dirty = self.excess(edges) > 0
        for t in np.flatnonzero(dirty):
            out[t] = self._exact_task(int(t), edges)
        return out

    def excess(self, edges: np.ndarray) -> np.ndarray:
        """Per task, the baseline flow (Gbit/s) that no longer fits after failing ``edges``."""
        pe = self._pair[edges]
        ok = pe >= 0
        if not ok.any():
            return np.zeros(self.n_tasks)
        pairs, inv = np.unique(pe[ok], return_inverse=True)
        cut = np.zeros((self.n_tasks, len(pairs)))
        np.add.at(cut.T, inv, self._red[:, edges[ok]].T)
        over = self._tpf[:, pairs] - (self._task_pc[:, pairs] - cut)
        return np.where(over > _EPS, over, 0.0).sum(axis=1)

    def shares_pair(self, edges: np.ndarray) -> bool:
        """Whether two of ``edges`` (distinct) lie on one flow pair."""
        pe = self._pair[np.unique(edges)]
        pe = pe[pe >= 0]
        return len(np.unique(pe)) < len(pe)

    def task_values(self, configs: Sequence[np.ndarray]) -> np.ndarray:
        """Task values (K x tasks, Tbit/s) after each failure set (arrays of edge indices).

        Every task touched by a set is solved on that set (cached by the failed
        edges in its corridor, the only ones its value depends on).
        """
        out = np.tile(self._tv0, (len(configs), 1))
        for k, cfg in enumerate(configs):
            edges = np.unique(np.asarray(cfg, dtype=np.int64))
            if not len(edges):
                continue
            if self.shares_pair(edges):
                self.stats["shared_pair_sets"] += 1
                out[k] = self._exact_set(edges)
                continue
            for t in np.flatnonzero(self.D[edges].any(axis=0)):
                out[k, t] = self._exact_task(int(t), edges)
        return out

    def evaluate(
        self, configs: Sequence[np.ndarray], *, reach: str = "isolated"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Country values and reachability after each failure set.

        Parameters
        ----------
        configs
            Failure sets, each an array of edge indices.
        reach
            ``"isolated"`` (default): compute reachability only where a
            country that had a route is left with no capacity (isolation
            implies zero capacity); elsewhere it is the baseline's.
            ``"all"``: compute it for every set.

        Returns
        -------
        values, reach
            ``values`` (K x countries, Tbit/s); ``reach`` (K x countries, bool).
        """
        if self.traffic is not None:
            vals = self.traffic_values_many(configs)
            rch = np.tile(self.reach0, (len(configs), 1))
            for k in range(len(configs)):
                if reach == "all" or ((vals[k] <= 0) & self.reach0).any():
                    rch[k] = self.reach(
                        self.comp, self.capacity_after(np.asarray(configs[k], np.int64))
                    )
            return vals, rch
        vals = self.country_values(self.task_values(configs))
        rch = np.tile(self.reach0, (len(configs), 1))
        for k in range(len(configs)):
            if reach == "all" or ((vals[k] <= 0) & self.reach0).any():
                rch[k] = self.reach(
                    self.comp, self.capacity_after(np.asarray(configs[k], np.int64))
                )
        return vals, rch

    # -------------------------------------------------------------- many overlapping sets
    def prepare(self, edges: np.ndarray) -> _Prepared:
        """Precomputed pair structure of one failure set, for :meth:`task_value`."""
        edges = np.unique(np.asarray(edges, dtype=np.int64))
        pe = self._pair[edges]
        ok = pe >= 0
        pairs, inv = np.unique(pe[ok], return_inverse=True)
        return _Prepared(edges, edges[ok], pairs, inv, len(pairs) < int(ok.sum()))

    def task_value(self, t: int, prep: _Prepared) -> float:
        """Value of task ``t`` after a failure set, reusing solutions of its subsets.

        Start from the edges that touch the task individually (``S``); solve
        with ``S`` failed (cached by ``S``). If that flow still fits with the
        whole set failed, it is the answer: failing more can only lower the
        value, and that flow remains feasible. Otherwise add the edges whose
        pairs it overflows to ``S`` and repeat; ``S`` grows each round, so this
        ends (at worst with ``S`` = the set). The sets met are small and recur
        across overlapping failure sets, so most queries are cache hits.
        """
        edges = prep.edges
        if not len(edges):
            return float(self._tv0[t])
        on_pair, pairs, inv = prep.on_pair, prep.pairs, prep.inv
        caps = self._task_pc[t, pairs] - np.bincount(
            inv, weights=self._red[t, on_pair], minlength=len(pairs)
        )
        s = edges[self.D[edges, t]]
        if not len(s):
            if not prep.shared:
                return float(self._tv0[t])
            over = self._tpf[t, pairs] > caps + _EPS
            if not over.any():
                return float(self._tv0[t])
            s = on_pair[over[inv]]
        self.stats["resolved"] += 1
        for _ in range(len(edges) + 1):
            key = (t, *s.tolist())
            entry = self._entries.get(key)
            if entry is None:
                if len(self._entries) > min(
                    _CACHE_MAX, _CACHE_BYTES // (8 * self._tpf.shape[1] + 1)
                ):
                    self._entries.clear()  # bounded memory; a cache only, the values are the same
                value, flow = self.solve(t, s, with_flow=True)
                entry = self._entries[key] = _Entry(value, flow)
            over = entry.flow[pairs] > caps + _EPS
            if not over.any():
                return entry.value
            grown = np.union1d(s, on_pair[over[inv]])
            if len(grown) == len(s):  # pragma: no cover - cannot happen (see above)
                break
            s = grown
        return self._exact_task(t, edges)  # pragma: no cover

    def loss_upper_bounds(
        self, configs: Sequence[np.ndarray], *, shared: Sequence[bool] | None = None
    ) -> np.ndarray:
        """Upper bound on every country's loss (percent, K x countries) after each set.

        Removing, without rerouting, the baseline flow that no longer fits
        leaves a feasible flow, so a task keeps at least its baseline value
        minus that excess. For edges on distinct pairs the excess is the sum
        of the edges' own (matrix ``X``); sets sharing a pair are computed
        directly (``shared``, if given, says which sets do; otherwise the
        sets must hold unique edges).
        """
        k_n = len(configs)
        if not k_n:
            return np.zeros((0, len(self.countries)))
        lens = np.array([len(c) for c in configs])
        rows = np.repeat(np.arange(k_n), lens)
        flat = (
            np.concatenate([np.asarray(c, dtype=np.int64) for c in configs])
            if lens.sum()
            else np.array([], dtype=np.int64)
        )
        act = sp.csr_matrix(
            (np.ones(len(flat)), (rows, flat)), shape=(k_n, len(self.comp.edge_ids))
        )
        exc = np.asarray((act @ self.X).todense())
        if shared is None:  # two distinct edges of one set on one pair (sets hold unique edges)
            pe = self._pair[flat]
            ok = pe >= 0
            key = rows[ok] * len(self.comp.pair_u) + pe[ok]
            uk, counts = np.unique(key, return_counts=True)
            shared = np.zeros(k_n, dtype=bool)
            shared[uk[counts > 1] // len(self.comp.pair_u)] = True
        for k in np.flatnonzero(shared):
            exc[k] = self.excess(np.unique(np.asarray(configs[k], dtype=np.int64)))
        low = np.maximum(self._tv0[None, :] - exc / _engine.GBPS, 0.0)
        vals = self._country_bounds(low)
        b = self.baseline
        with np.errstate(invalid="ignore", divide="ignore"):
            loss = np.where(b > 0, 100.0 * (1.0 - vals / np.where(b > 0, b, 1.0)), 0.0)
        return np.clip(loss + 1e-6, 0.0, 100.0)

    def country_value(self, c: int, prep: _Prepared) -> float:
        """Exact capacity to the core of country ``c`` (index) after a prepared failure set."""
        tasks = self.tasks_of[c]
        if not len(tasks):
            return 0.0
        return float(np.mean([self.task_value(int(t), prep) for t in tasks]))
