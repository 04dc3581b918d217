"""Many failure sets on one network, fast; and running batches locally or on Dask.

Used by :mod:`cablesim.sweep` and :mod:`cablesim.risk`. Two parts:

:class:`Evaluator`
    Capacity to the core of every country after each of many failure sets
    (sets of failed edges), with the semantics of
    :func:`cablesim.metrics.country_metrics` (``tests/test_sweep.py`` and
    ``tests/test_engine.py`` check they agree) but without its per-scenario
    overhead (no pandas, no latency or first-hop capacity):

    * a (country, core region) *task* of the engine (see
      :mod:`cablesim._engine`) is touched by a failure only if its baseline
      flow no longer fits. For one failed edge this is precomputed for all
      edges at once (``D``, edges x tasks, and the excess flow ``X``); for a
      set of edges on distinct flow pairs the set touches a task exactly when
      one of its edges does (capacities of distinct pairs do not interact).
      Sets with two edges on one pair are checked directly;
    * a touched task is solved on a prebuilt CSR graph whose failed pairs'
      capacities are rewritten (:class:`_TaskGraph`), with scipy's Dinic;
      results are cached by the failed edges in the task's corridor, the
      only ones its value depends on (sweeps: :meth:`Evaluator.task_values`);
    * for many overlapping sets (Monte Carlo), :meth:`Evaluator.task_value`
      solves the smallest interacting subset and reuses it while its flow
      still fits, and :meth:`Evaluator.loss_upper_bounds` bounds every
      country's loss without solving anything;
    * a country's value is the mean over its tasks, computed like the engine.

:func:`run_batches`
    Runs ``func(state, payload)`` over payloads serially, in a process pool,
    or on a Dask cluster, with a progress bar and a clean stop on Ctrl-C
    that keeps the finished results. A worker builds its state (network,
    compiled engine, baseline) once from a small picklable :class:`Context`:
    for the bundled network it loads it itself from ``(as_of, data dir)``;
    forked local workers inherit the parent's.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import multiprocessing as mp
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, maximum_flow

from cablesim import _engine, _procs
from cablesim.exceptions import CableSimError
from cablesim.network import Network, load_network

_EPS = 1e-9
_MAX_BITS = 62
_CACHE_MAX = 400_000
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


class _TaskGraph:
    """The flow graph of one task in CSR form, with the positions of each pair's two arcs.

    Solving after a change only rewrites the capacities of the changed pairs:
    the same integer problem as :meth:`cablesim._engine.FlowSolver.task_flow`,
    without rebuilding the graph for every query.
    """

    def __init__(
        self, comp: _engine.Compiled, t: int, pair_cap: np.ndarray, *, big: int | None = None
    ) -> None:
        c = comp.countries[comp.task_country[t]]
        src = comp.country_flow_nodes[c]
        sink = np.setdiff1d(comp.region_nodes[comp.task_region[t]], src)
        live = np.flatnonzero(pair_cap > 0)
        self.n_pairs = len(pair_cap)
        self.empty = not len(sink) or not len(live)
        n = comp.n_flow + 2
        self.shape = (n, n)
        self.S, self.T = n - 2, n - 1
        cap = pair_cap[live].astype(np.int64)
        if big is None:
            big = int(min(int(cap.sum()) + 1, 2**31 - 1))
        u, v = comp.pair_u[live], comp.pair_v[live]
        rows = np.concatenate([u, v, np.full(len(src), self.S), sink])
        cols = np.concatenate([v, u, src, np.full(len(sink), self.T)])
        order = np.lexsort((cols, rows))
        inv = np.empty_like(order)
        inv[order] = np.arange(len(order))
        self.indices = cols[order].astype(np.int32)
        self.indptr = np.searchsorted(rows[order], np.arange(n + 1)).astype(np.int32)
        data = np.concatenate([cap, cap, np.full(len(src) + len(sink), big)])
        self.data = data[order].astype(np.int32)
        m = len(live)
        self.local = np.full(len(pair_cap), -1, dtype=np.int64)
        self.local[live] = np.arange(m)
        self.fwd = inv[:m]
        self.bwd = inv[m : 2 * m]
        self.live = live

    def solve(
        self, pairs: np.ndarray, caps: np.ndarray, *, with_flow: bool = False
    ) -> tuple[float, np.ndarray | None]:
        """Max flow (Tbit/s) with the capacities of ``pairs`` set to ``caps`` (Gbit/s)."""
        flow = np.zeros(self.n_pairs) if with_flow else None
        if self.empty:
            return 0.0, flow
        data = self.data.copy()
        j = self.local[pairs]
        ok = j >= 0
        data[self.fwd[j[ok]]] = caps[ok]
        data[self.bwd[j[ok]]] = caps[ok]
        graph = sp.csr_matrix((data, self.indices, self.indptr), shape=self.shape, copy=False)
        res = maximum_flow(graph, self.S, self.T, method="dinic")
        value = res.flow_value / _engine.GBPS
        if with_flow:
            f = res.flow
            if np.array_equal(f.indptr, self.indptr) and np.array_equal(f.indices, self.indices):
                flow[self.live] = np.abs(f.data[self.fwd])
            else:  # pragma: no cover - another scipy layout
                f = f.tocsr()
                u = np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))[self.fwd]
                flow[self.live] = np.abs(np.asarray(f[u, self.indices[self.fwd]]).ravel())
        return value, flow


class Evaluator:
    """Capacity to the core of every country after many failure sets (see the module doc).

    Parameters
    ----------
    network
        The network (not modified).
    core, backhaul, routing
        As for :func:`cablesim.metrics.country_metrics`.

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
        core: tuple[str, ...],
        backhaul: str = "landmass",
        routing: str = "corridor",
    ) -> None:
        self.network = network
        self.core = tuple(core)
        self.backhaul = backhaul
        self.routing = routing
        comp = _engine.compile_network(network, backhaul, self.core, routing=routing)
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
            raise RuntimeError("cablesim._batch is out of step with the engine's country values")
        self._reach_cache: dict[int, tuple] = {}
        self.reach0 = self.reach(comp, comp.edge_cap)
        self._entries: dict[tuple, _Entry] = {}
        self._exact: dict[tuple, float] = {}
        self._graphs: dict[int, _TaskGraph] = {}
        self.stats = {"solves": 0, "resolved": 0, "shared_pair_sets": 0}

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

        The same test as :meth:`cablesim._engine.FlowSolver.reachable_core`, for
        all countries at once.
        """
        key = id(comp)
        if key not in self._reach_cache:
            src, owner = [], []
            for i, c in enumerate(self.countries):
                nodes = comp.country_flow_nodes.get(c, np.array([], dtype=np.int64))
                src.append(nodes)
                owner.append(np.full(len(nodes), i))
            has_tasks = np.array([len(comp.country_tasks.get(c, ())) > 0 for c in self.countries])
            core_sinks = {}
            for c in comp.core:
                if c in self.country_index and c in comp.country_flow_nodes:
                    others = [
                        comp.country_flow_nodes[k]
                        for k in comp.core
                        if k != c and k in comp.country_flow_nodes
                    ]
                    sink = np.unique(np.concatenate(others)) if others else np.array([], np.int64)
                    core_sinks[self.country_index[c]] = (
                        comp.country_flow_nodes[c],
                        np.setdiff1d(sink, comp.country_flow_nodes[c]),
                    )
            if len(self._reach_cache) > 8:
                self._reach_cache.clear()
            self._reach_cache[key] = (
                comp,
                np.concatenate(src).astype(np.int64),
                np.concatenate(owner).astype(np.int64),
                has_tasks,
                core_sinks,
            )
        _, src, owner, has_tasks, core_sinks = self._reach_cache[key]
        gb = _engine.to_gbps(cap)
        ok = comp.pair_of_edge >= 0
        pc = np.bincount(comp.pair_of_edge[ok], weights=gb[ok], minlength=len(comp.pair_u))
        live = pc > 0
        n = comp.n_flow
        adj = sp.coo_matrix(
            (np.ones(int(live.sum())), (comp.pair_u[live], comp.pair_v[live])), shape=(n, n)
        )
        _, lab = connected_components(adj, directed=False)
        core_lab = np.unique(lab[comp.core_flow_nodes])
        hit = np.isin(lab[src], core_lab)
        out = np.bincount(owner[hit], minlength=len(self.countries)) > 0
        for ci, (mine, sink) in core_sinks.items():
            out[ci] = bool(len(sink)) and bool(np.isin(lab[mine], lab[sink]).any())
        return out & has_tasks

    # -------------------------------------------------------------- solving
    def _graph(self, t: int) -> _TaskGraph:
        g = self._graphs.get(t)
        if g is None:
            g = self._graphs[t] = _TaskGraph(self.comp, t, self._task_pc[t])
        return g

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


# ------------------------------------------------------------------------------ batches


@dataclass(frozen=True)
class Context:
    """What a worker needs to build its state: the network and options (small, picklable).

    Attributes
    ----------
    builder
        A module-level function ``builder(network, **options) -> state``.
    as_of, data
        Where a worker loads the bundled network from; ``network`` is used
        instead when it is not the bundled one.
    """

    builder: Callable[..., Any]
    options: tuple[tuple[str, Any], ...]
    as_of: Any = None
    data: str | None = None
    network: Network | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """Identity of the state this context builds."""
        net = "bundled" if self.network is None else f"net{id(self.network)}"
        raw = repr(
            (
                self.builder.__module__,
                self.builder.__qualname__,
                self.options,
                str(self.as_of),
                self.data,
                net,
            )
        )
        return hashlib.sha1(raw.encode()).hexdigest()


def make_context(network: Network, builder: Callable[..., Any], **options: Any) -> Context:
    """A :class:`Context` for ``network``: by date and data dir when it is the bundled one."""
    data = network.info.get("data_dir") if network.info else None
    try:
        same = (
            "data_dir" in (network.info or {}) and load_network(network.as_of, data=data) is network
        )
    except CableSimError:
        same = False
    if same:
        return Context(builder, tuple(sorted(options.items())), as_of=network.as_of, data=data)
    return Context(builder, tuple(sorted(options.items())), network=network)


_STATE: dict[str, Any] = {}
_STATE_LOCK = threading.Lock()
_WORKER_CONTEXT: Context | None = None


def get_state(context: Context) -> Any:
    """The state of ``context`` in this process (built once)."""
    key = context.key
    state = _STATE.get(key)
    if state is None:
        with _STATE_LOCK:
            state = _STATE.get(key)
            if state is None:
                if len(_STATE) > 4:
                    _STATE.clear()
                net = (
                    context.network
                    if context.network is not None
                    else load_network(context.as_of, data=context.data)
                )
                state = _STATE[key] = context.builder(net, **dict(context.options))
    return state


def _init_worker(context: Context) -> None:  # pragma: no cover - runs in worker processes
    global _WORKER_CONTEXT
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _procs.die_with_parent()  # and a worker never outlives its parent
    _WORKER_CONTEXT = context


def _pool_call(
    func: Callable[[Any, Any], Any], payload: Any
) -> Any:  # pragma: no cover - in workers
    assert _WORKER_CONTEXT is not None
    return func(get_state(_WORKER_CONTEXT), payload)


def _dask_call(context: Context, func: Callable[[Any, Any], Any], payload: Any) -> Any:
    return func(get_state(context), payload)


def default_workers() -> int:
    """The default number of local worker processes: 1 (serial).

    Serial is the default because the engine is fast enough that most sweeps
    take a few seconds, less than starting workers would save; ask for more
    with ``workers=N`` (``0`` means one per CPU).
    """
    return 1


def resolve_workers(workers: int | None) -> int:
    """``None`` -> :func:`default_workers`; ``0`` -> one per CPU; else ``workers`` (at least 1)."""
    if workers is None:
        return default_workers()
    if workers < 0:
        raise CableSimError(f"workers must be 0 (one per CPU) or more, not {workers}")
    if workers == 0:
        return max(1, os.cpu_count() or 1)
    return workers


@dataclass
class BatchRun:
    """Results of :func:`run_batches`, in payload order (``None`` where not finished)."""

    results: list[Any]
    interrupted: bool = False

    @property
    def done(self) -> int:
        """Number of finished payloads."""
        return sum(r is not None for r in self.results)


def _progress(enabled: bool | None, description: str, total: float):
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    show = sys.stderr.isatty() if enabled is None else bool(enabled)
    prog = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not show,
        transient=True,
    )
    return prog, prog.add_task(description, total=total)


def run_batches(
    context: Context,
    func: Callable[[Any, Any], Any],
    payloads: Sequence[Any],
    *,
    sizes: Sequence[float] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
    description: str = "working",
) -> BatchRun:
    """Run ``func(state, payload)`` for every payload, serially, in processes or on Dask.

    Parameters
    ----------
    context
        Builds the per-process state (see :class:`Context`).
    func
        A module-level function (it is sent to the workers by name).
    payloads
        One per batch.
    sizes
        Units of work per payload, for the progress bar (default 1 each).
    workers
        Local processes (1: serial in this process).
    scheduler
        Address of a Dask scheduler (``tcp://host:port``); overrides ``workers``.
    progress
        Show a progress bar on stderr: ``None`` (default) when stderr is a terminal.
    description
        Label of the progress bar.

    Returns
    -------
    BatchRun
        With ``interrupted=True`` when Ctrl-C stopped the run; the results
        finished by then are kept.
    """
    n = len(payloads)
    run = BatchRun([None] * n)
    sizes = list(sizes) if sizes is not None else [1.0] * n
    prog, task = _progress(progress, description, float(sum(sizes)))

    def done(i: int, value: Any) -> None:
        run.results[i] = value
        prog.advance(task, sizes[i])

    with prog, _procs.stop_signals():  # SIGTERM too; a second signal exits at once
        try:
            if scheduler:
                _run_dask(scheduler, context, func, payloads, done)
            elif workers > 1 and n > 1:
                _run_pool(workers, context, func, payloads, done)
            else:
                state = get_state(context)
                for i, p in enumerate(payloads):
                    done(i, func(state, p))
        except KeyboardInterrupt:
            run.interrupted = True
    return run


def _run_pool(workers: int, context: Context, func, payloads, done) -> None:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        get_state(context)  # built once here, inherited by the forked workers
        mp_ctx = mp.get_context("fork")
    else:
        mp_ctx = mp.get_context("spawn")
    if context.network is not None and mp_ctx.get_start_method() != "fork":
        context = dataclasses.replace(context, network=_clean_copy(context.network))
    ex = ProcessPoolExecutor(
        max_workers=min(workers, len(payloads)),
        mp_context=mp_ctx,
        initializer=_init_worker,
        initargs=(context,),
    )
    futures = {}
    recorded: set[int] = set()
    try:
        futures = {ex.submit(_pool_call, func, p): i for i, p in enumerate(payloads)}
        _procs.register(p.pid for p in (getattr(ex, "_processes", None) or {}).values())
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                done(futures[f], f.result())
                recorded.add(futures[f])
    except KeyboardInterrupt:
        # the workers, looked up before shutdown() forgets them (ProcessPoolExecutor has
        # no public way to stop batches under way before Python 3.14)
        pids = [p.pid for p in (getattr(ex, "_processes", None) or {}).values()]
        _procs.register(pids)
        for f, i in futures.items():  # keep what finished meanwhile
            if i not in recorded and f.done() and not f.cancelled() and f.exception() is None:
                done(i, f.result())
        ex.shutdown(wait=False, cancel_futures=True)
        _procs.stop(pids)  # so that Ctrl-C returns at once and leaves no worker behind
        raise
    ex.shutdown(wait=True)


def _clean_copy(network: Network) -> Network:
    return dataclasses.replace(network, _cache={})


def _run_dask(address: str, context: Context, func, payloads, done) -> None:
    from cablesim._limits import check_scheduler

    address = check_scheduler(address)  # a clear message for what is not an address
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise CableSimError(
            "--scheduler needs Dask's distributed package: pip install 'cablesim[dask]'"
        ) from None
    try:
        client = Client(address, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise CableSimError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    futures = []
    try:
        if context.network is not None:
            context = dataclasses.replace(context, network=_clean_copy(context.network))
        ctx = client.scatter(context, broadcast=True)
        futures = [client.submit(_dask_call, ctx, func, p, pure=False) for p in payloads]
        index = {f.key: i for i, f in enumerate(futures)}
        for f in as_completed(futures, loop=client.loop):
            done(index[f.key], f.result())
    except KeyboardInterrupt:
        client.cancel(futures)
        raise
    finally:
        client.close()


def chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    """``items`` in consecutive lists of at most ``size``."""
    size = max(1, int(size))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def chunk_size(n: int, workers: int, *, target: int = 8, lo: int = 1, hi: int = 500) -> int:
    """A chunk size giving about ``target`` chunks per worker (for balance and progress)."""
    return int(min(hi, max(lo, math.ceil(n / max(1, workers * target)))))
