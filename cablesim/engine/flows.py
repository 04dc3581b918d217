"""The fast flow engine behind :mod:`cablesim.engine.metrics`.

The network is compiled once per (network, backhaul mode, core) into integer
arrays:

* **contraction**: backhaul edges have unlimited capacity, so the stations of
  one land mass and its hub are one node for maximum-flow purposes (an exact
  reduction: a cut through an infinite edge is never minimal);
* **capacities** in whole Gbit/s (scipy's max-flow works on integers); every
  positive capacity is at least 1 Gbit/s;
* **maximum flow** from a super-source joined to a country's nodes to a
  super-sink joined to the nodes of one core region (the core countries
  grouped by UN region: Europe, the Americas, Asia...), with scipy's compiled
  Dinic implementation, counting only the edges of the country's route
  corridor to that region (:func:`corridors`); a country's capacity to the
  core is the mean of its capacities to the core regions;
* **one solve path**: each task's flow graph is built once per compiled
  network (:class:`TaskGraph`, :func:`task_graph`); a solve after a change
  rewrites the capacities of the changed pairs on it. :class:`FlowSolver`
  (behind :func:`cablesim.engine.simulate`) and the batch evaluator
  (:mod:`cablesim.engine.batch`) both solve this way;
* **reachability** of every country from one labelling of the flow nodes
  (:func:`reach`), for the metrics and the batch evaluator alike;
* **reuse**: the baseline flow of every country is kept edge by edge. After a
  failure, a country's flow value can only change if some edge now carries
  less capacity than that country's baseline flow puts on it; every other
  country keeps its baseline value exactly (the old flow stays feasible and
  no flow can grow when capacity is removed). Only the touched countries are
  recomputed.

The plain approach (networkx maximum flow per country, from scratch) is in
:mod:`cablesim.engine.reference`; ``tests/engine/test_engine.py`` proves the two agree on
the real network and ``benchmarks/bench_engine.py`` times both.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components, dijkstra, maximum_flow

from cablesim._geo import haversine_km, wrap_variants
from cablesim._memo import Memo
from cablesim.engine import _disk, _hubs
from cablesim.exceptions import UnknownNameError
from cablesim.network import Network

GBPS = 1000.0  # capacity unit of the integer flow problem, per Tbit/s
RTT_MS_PER_KM = 0.01
"""Round-trip time per km of route: light in fibre travels about 200,000 km/s,
i.e. 5 microseconds per km each way."""
HOP_MS = 0.5
"""Round-trip overhead added per cable segment or land link traversed
(regeneration, landing-station and routing equipment): a stated assumption."""
ROUTING_MODES = ("corridor", "any")
ROUTE_STRETCH = 2.0
"""A route counts toward a country's capacity to a core country when its round
trip is at most this many times the shortest one (plus :data:`ROUTE_SLACK_MS`)."""
ROUTE_SLACK_MS = 25.0
"""Slack added to the stretch bound, so that short routes may detour regionally."""


@dataclass
class Compiled:
    """A network compiled for flow and latency queries (internal)."""

    network: Network
    backhaul: str
    core: tuple[str, ...]
    # all graph nodes (contract order)
    node_ids: np.ndarray
    node_iso3: np.ndarray
    # finite edges: segments then terrestrial links
    edge_ids: np.ndarray  # segment_id / link_id
    edge_kind: np.ndarray  # 0 segment, 1 terrestrial
    edge_cable: np.ndarray  # cable id (segments) or "terrestrial:<id>"
    edge_u: np.ndarray  # node index
    edge_v: np.ndarray
    edge_cap: np.ndarray  # Tbit/s
    edge_len: np.ndarray  # km
    # backhaul edges (node index pairs, length km)
    bh_u: np.ndarray
    bh_v: np.ndarray
    bh_len: np.ndarray
    # flow graph
    flow_of: np.ndarray  # node index -> flow node index
    n_flow: int
    pair_of_edge: np.ndarray  # finite edge -> undirected flow pair index (-1 for self loops)
    pair_u: np.ndarray
    pair_v: np.ndarray
    countries: list[str]
    country_flow_nodes: dict[str, np.ndarray]
    core_flow_nodes: np.ndarray
    country_nodes: dict[str, np.ndarray]  # all graph node indices of a country
    core_nodes: dict[
        str, np.ndarray
    ]  # graph node indices of a core country's hub (cablesim.engine._hubs)
    country_index: dict[str, int]
    routing: str  # "corridor" or "any"
    regions: list[str]  # core regions
    region_nodes: list[np.ndarray]  # flow nodes of each region's core countries
    region_countries: list[list[str]]
    task_country: np.ndarray  # one task per (country, region) with a non-empty sink
    task_region: np.ndarray
    country_tasks: dict[str, np.ndarray]
    corridor: np.ndarray | None  # tasks x finite edges (None: any route counts)
    # derived data, computed once (thread-safe): the incidence, the baseline, the task
    # graphs, the reachability index, engine.traffic's routes and models
    memo: Memo = field(default_factory=Memo, repr=False, compare=False)


def _regions(
    network: Network,
    countries: list[str],
    core: tuple[str, ...],
    country_flow: dict[str, np.ndarray],
) -> dict:
    """Group the core countries into regions and list the (country, region) flow tasks."""
    region_of = dict(zip(network.countries["iso3"], network.countries["region"], strict=True))
    regions: list[str] = []
    members: dict[str, list[str]] = {}
    for k in core:
        if k not in country_flow:
            continue
        r = region_of.get(k) or k
        if r not in members:
            regions.append(r)
            members[r] = []
        members[r].append(k)
    region_nodes = [
        np.unique(np.concatenate([country_flow[k] for k in members[r]])) for r in regions
    ]
    tc, tr = [], []
    country_tasks = {}
    for ci, c in enumerate(countries):
        mine = []
        for ri, r in enumerate(regions):
            if [k for k in members[r] if k != c]:
                mine.append(len(tc))
                tc.append(ci)
                tr.append(ri)
        country_tasks[c] = np.array(mine, dtype=np.int64)
    return {
        "regions": regions,
        "region_nodes": region_nodes,
        "region_countries": [members[r] for r in regions],
        "task_country": np.array(tc, dtype=np.int64),
        "task_region": np.array(tr, dtype=np.int64),
        "country_tasks": country_tasks,
    }


def compile_network(
    network: Network,
    backhaul: str,
    core: tuple[str, ...],
    *,
    routing: str = "corridor",
    backhaul_edges: pd.DataFrame | None = None,
    corridor_of: Compiled | None = None,
) -> Compiled:
    """Compile ``network`` (cached on the network object).

    Parameters
    ----------
    routing
        ``"corridor"`` (default): a country's capacity counts only routes in its
        corridor (:func:`corridors`); ``"any"``: every route, however long.
    backhaul_edges
        Replacement backhaul edges (columns ``u``, ``v``, ``length_km``), used
        when an event splits a land mass (see :func:`split_backhaul`); such a
        variant is not cached.
    corridor_of
        With ``backhaul_edges``: the baseline compilation whose corridors apply.
    """
    if routing not in ROUTING_MODES:
        raise UnknownNameError(routing, ROUTING_MODES, kind="routing mode")
    key = f"compiled:{backhaul}:{routing}:{','.join(core)}"
    if backhaul_edges is None:
        return network.memo(key, lambda: _compile(network, backhaul, core, routing, None, None))
    return _compile(network, backhaul, core, routing, backhaul_edges, corridor_of)


def _compile(
    network: Network,
    backhaul: str,
    core: tuple[str, ...],
    routing: str,
    backhaul_edges: pd.DataFrame | None,
    corridor_of: Compiled | None,
) -> Compiled:
    nodes = network.nodes(backhaul=backhaul)
    node_ids = nodes.index.to_numpy()
    index = pd.Series(np.arange(len(node_ids)), index=node_ids)
    iso = nodes["iso3"].to_numpy(dtype=object)
    edges = network.edges(backhaul=backhaul)
    finite = edges[edges["kind"] != "backhaul"]
    bh = edges[edges["kind"] == "backhaul"] if backhaul_edges is None else backhaul_edges
    eu = index.loc[finite["u"]].to_numpy()
    ev = index.loc[finite["v"]].to_numpy()
    bu = index.loc[bh["u"]].to_numpy()
    bv = index.loc[bh["v"]].to_numpy()
    # contraction along backhaul (infinite) edges
    n = len(node_ids)
    if len(bu):
        adj = sp.coo_matrix((np.ones(len(bu)), (bu, bv)), shape=(n, n))
        _, flow_of = connected_components(adj, directed=False)
    else:
        flow_of = np.arange(n)
    n_flow = int(flow_of.max()) + 1 if n else 0
    fu, fv = flow_of[eu], flow_of[ev]
    lo, hi = np.minimum(fu, fv), np.maximum(fu, fv)
    pair_key = lo.astype(np.int64) * n_flow + hi
    valid = lo != hi
    uniq, inv = np.unique(pair_key[valid], return_inverse=True)
    pair_of_edge = np.full(len(eu), -1, dtype=np.int64)
    pair_of_edge[valid] = inv
    pair_u = (uniq // n_flow).astype(np.int64)
    pair_v = (uniq % n_flow).astype(np.int64)
    countries = sorted({c for c in iso if c is not None})
    country_nodes = {c: np.flatnonzero(iso == c) for c in countries}
    country_flow = {c: np.unique(flow_of[idx]) for c, idx in country_nodes.items()}
    # a core country is core only at its hub land mass (cablesim.engine._hubs)
    hub = _hubs.hub_mask(network, nodes, tuple(core))
    core_nodes = {c: idx[hub[idx]] for c, idx in country_nodes.items() if c in core}
    core_nodes = {c: idx for c, idx in core_nodes.items() if len(idx)}
    core_flow_of = {c: np.unique(flow_of[idx]) for c, idx in core_nodes.items()}
    core_flow = np.unique(
        np.concatenate(
            [core_flow_of[c] for c in core if c in core_flow_of] or [np.array([], dtype=np.int64)]
        )
    )
    comp = Compiled(
        network=network,
        backhaul=backhaul,
        core=tuple(core),
        node_ids=node_ids,
        node_iso3=iso,
        edge_ids=finite["segment_id"].to_numpy(),
        edge_kind=(finite["kind"] == "terrestrial").to_numpy().astype(np.int8),
        edge_cable=finite["cable_id"].to_numpy(),
        edge_u=eu,
        edge_v=ev,
        edge_cap=finite["capacity_tbps"].to_numpy(dtype=float),
        edge_len=finite["length_km"].to_numpy(dtype=float),
        bh_u=bu,
        bh_v=bv,
        bh_len=bh["length_km"].to_numpy(dtype=float),
        flow_of=flow_of,
        n_flow=n_flow,
        pair_of_edge=pair_of_edge,
        pair_u=pair_u,
        pair_v=pair_v,
        countries=countries,
        country_flow_nodes=country_flow,
        core_flow_nodes=core_flow,
        country_nodes=country_nodes,
        core_nodes=core_nodes,
        country_index={c: i for i, c in enumerate(countries)},
        routing=routing,
        corridor=None,
        **_regions(network, countries, core, core_flow_of),
    )
    if routing == "corridor":
        comp.corridor = (
            corridor_of.corridor
            if corridor_of is not None
            else _stored_corridors(comp)
            if backhaul_edges is None
            else _corridors(comp)
        )
    return comp


def _corridors(comp: Compiled) -> np.ndarray:
    return corridors(comp, stretch=ROUTE_STRETCH, slack_ms=ROUTE_SLACK_MS)


def _stored_corridors(comp: Compiled) -> np.ndarray:
    """:func:`corridors` of the intact network, kept on disk for a bundled one (:mod:`._disk`)."""
    shape = (len(comp.task_country), len(comp.edge_ids))

    def build() -> dict[str, np.ndarray]:
        return {"bits": np.packbits(_corridors(comp), axis=None), "shape": np.array(shape)}

    got = _disk.cached(
        comp.network,
        "corridors",
        (comp.backhaul, comp.core, ROUTE_STRETCH, ROUTE_SLACK_MS),
        build,
        lambda a: (
            tuple(a["shape"].tolist()) == shape
            and a["bits"].dtype == np.uint8
            and len(a["bits"]) == (shape[0] * shape[1] + 7) // 8
        ),
    )
    n = shape[0] * shape[1]
    return np.unpackbits(got["bits"], count=n).astype(bool).reshape(shape)


def split_backhaul(network: Network, backhaul: str, shapes: list) -> pd.DataFrame | None:
    """Backhaul edges after closing ``shapes`` (chokepoints, event areas), or ``None`` if unchanged.

    Domestic backhaul runs over land. When a closed area lies between two
    stations of one land mass (the straight line between them crosses it, as
    the Egyptian crossing lies between Alexandria and Zafarana), they are no
    longer joined; stations still in sight of each other stay joined. Each
    group that lost its hub gets its own (its first station).
    """

    if backhaul == "none" or not shapes:
        return None
    closed = shapely.union_all([v for sh in shapes for v in wrap_variants(sh)])
    edges = network.edges(backhaul=backhaul)
    bh = edges[edges["kind"] == "backhaul"]
    nodes = network.nodes(backhaul=backhaul)
    changed = False
    split_hubs = []
    parts = []
    for hub, group in bh.groupby("v", sort=False):
        ids = [hub, *group["u"].tolist()]
        xy = nodes.loc[ids, ["x", "y"]].to_numpy(dtype=float)
        if len(ids) < 2 or not shapely.envelope(shapely.multipoints(xy)).intersects(closed):
            parts.append(group[["u", "v", "length_km"]])
            continue
        i, j = np.triu_indices(len(ids), k=1)
        lines = shapely.linestrings(np.stack([xy[i], xy[j]], axis=1))
        ok = ~shapely.intersects(lines, closed)
        adj = sp.coo_matrix((np.ones(int(ok.sum())), (i[ok], j[ok])), shape=(len(ids), len(ids)))
        n_comp, label = connected_components(adj, directed=False)
        if n_comp == 1:
            parts.append(group[["u", "v", "length_km"]])
            continue
        changed = True
        split_hubs.append(hub)
        rows = []
        for k in range(n_comp):
            members = np.flatnonzero(label == k)
            centre = 0 if label[0] == k else members[0]
            for m in members:
                if m == centre:
                    continue
                d = float(haversine_km(xy[m, 0], xy[m, 1], xy[centre, 0], xy[centre, 1]))
                rows.append({"u": ids[m], "v": ids[centre], "length_km": round(d, 3)})
        parts.append(pd.DataFrame(rows, columns=["u", "v", "length_km"]))
    if not changed:
        return None
    out = pd.concat(parts, ignore_index=True)
    out.attrs["split_hubs"] = split_hubs
    return out


def to_gbps(edge_cap: np.ndarray) -> np.ndarray:
    """Edge capacities in whole Gbit/s (every positive capacity at least 1)."""
    return np.where(edge_cap > 0, np.maximum(np.ceil(edge_cap * GBPS - 1e-9), 1), 0).astype(
        np.int64
    )


def _incidence(comp: Compiled) -> sp.csr_matrix:
    """Sparse (edges x pairs) matrix joining each finite edge to its flow pair (cached)."""

    def build() -> sp.csr_matrix:
        ok = np.flatnonzero(comp.pair_of_edge >= 0)
        return sp.csr_matrix(
            (np.ones(len(ok)), (ok, comp.pair_of_edge[ok])),
            shape=(len(comp.edge_ids), len(comp.pair_u)),
        )

    return comp.memo.get("incidence", build)


def pair_capacity(comp: Compiled, edge_cap: np.ndarray, task: int | None = None) -> np.ndarray:
    """Capacity (Gbit/s, integer) of every undirected flow pair.

    Parameters
    ----------
    edge_cap
        Capacity of every finite edge (Tbit/s).
    task
        Count only the edges in this (country, region) task's route corridor
        (see :func:`corridors`); all edges when ``None`` or when routing is ``any``.
    """
    return pair_capacity_gbps(comp, to_gbps(edge_cap), task)


def pair_capacity_gbps(comp: Compiled, gbps: np.ndarray, task: int | None = None) -> np.ndarray:
    """:func:`pair_capacity` from edge capacities already in Gbit/s (:func:`to_gbps`)."""
    if task is not None and comp.corridor is not None:
        gbps = gbps * comp.corridor[task]
    ok = comp.pair_of_edge >= 0
    # whole numbers summed in float64: exact
    pc = np.bincount(comp.pair_of_edge[ok], weights=gbps[ok], minlength=len(comp.pair_u))
    return pc.astype(np.int64)


def _distance_graph(comp: Compiled) -> tuple[sp.csr_matrix, np.ndarray]:
    n = len(comp.node_ids)
    w = comp.edge_len * RTT_MS_PER_KM + HOP_MS
    rows = np.concatenate([comp.edge_u, comp.bh_u])
    cols = np.concatenate([comp.edge_v, comp.bh_v])
    weights = np.concatenate([w, comp.bh_len * RTT_MS_PER_KM]) + 1e-9
    return sp.csr_matrix((weights, (rows, cols)), shape=(n, n)), w


def corridors(comp: Compiled, *, stretch: float, slack_ms: float) -> np.ndarray:
    """Route corridor of every (country, core region) task.

    An edge is in the corridor of country ``c`` toward region ``r`` when some
    route from ``c`` through that edge to a core country of ``r`` (other than
    ``c``) has a round trip of at most ``stretch`` times the baseline shortest
    one plus ``slack_ms``. Traffic from India to Europe does not go around the
    planet through the Pacific when the Red Sea is closed: such detours are
    not counted as capacity. The corridors are fixed at the baseline, so a
    failure only ever removes capacity from them. An assumed border link is in
    the corridors of its two countries only (:func:`_own_assumed_links`).

    Returns
    -------
    numpy.ndarray
        Boolean, tasks x finite edges.
    """
    graph, w = _distance_graph(comp)
    u, v = comp.edge_u, comp.edge_v
    out = np.zeros((len(comp.task_country), len(comp.edge_ids)), dtype=bool)
    region_graph_nodes = [
        {k: comp.core_nodes[k] for k in members} for members in comp.region_countries
    ]
    d_region: dict[tuple[int, str | None], np.ndarray] = {}

    def dist_region(ri: int, exclude: str | None) -> np.ndarray:
        key = (ri, exclude if exclude in region_graph_nodes[ri] else None)
        if key not in d_region:
            nodes = [n for k, n in region_graph_nodes[ri].items() if k != key[1]]
            d_region[key] = dijkstra(
                graph, directed=False, indices=np.unique(np.concatenate(nodes)), min_only=True
            )
        return d_region[key]

    for c in comp.countries:
        tasks = comp.country_tasks[c]
        if not len(tasks):
            continue
        d_c = dijkstra(graph, directed=False, indices=comp.country_nodes[c], min_only=True)
        for t in tasks:
            d_r = dist_region(int(comp.task_region[t]), c)
            best = d_r[comp.country_nodes[c]].min()
            if not np.isfinite(best):
                continue
            via = np.minimum(d_c[u] + w + d_r[v], d_c[v] + w + d_r[u])
            out[t] = via <= stretch * best + slack_ms
    return out & _own_assumed_links(comp)


def _own_assumed_links(comp: Compiled) -> np.ndarray:
    """Tasks x finite edges: False where an assumed border link would carry a third country.

    An assumed border link (no source gives it; see :mod:`cablesim.dataset`)
    stands for the local connection between two neighbours: it carries their
    own traffic, not transit between other countries. Chains of them would
    otherwise make corridors no source documents (across the Sahara, Central
    Asia, the Levant); transit over land counts only on the sourced links.
    """
    ok = np.ones((len(comp.task_country), len(comp.edge_ids)), dtype=bool)
    links = comp.network.terrestrial_links
    border = links[links["kind"] == "border"].set_index("link_id")
    if border.empty:
        return ok
    edges = np.flatnonzero((comp.edge_kind == 1) & np.isin(comp.edge_ids, border.index))
    if not len(edges):
        return ok
    ends = border.loc[comp.edge_ids[edges], ["from_iso3", "to_iso3"]].to_numpy()
    task_iso = np.asarray(comp.countries, dtype=object)[comp.task_country]
    ok[:, edges] = (task_iso[:, None] == ends[None, :, 0]) | (task_iso[:, None] == ends[None, :, 1])
    return ok


class TaskGraph:
    """The flow graph of one (country, region) task in CSR form: the one solve path.

    Built once per task from the pair capacities of the intact network (within
    the task's corridor), with the positions of each pair's two arcs. Solving
    after a change only rewrites the capacities of the changed pairs and runs
    scipy's Dinic: no graph is rebuilt per query. Every maximum flow of the
    engine goes through :meth:`solve` (:class:`FlowSolver` for
    :func:`cablesim.engine.simulate`, :class:`cablesim.engine.batch.Evaluator` for
    sweeps and Monte Carlo), so the two cannot disagree.

    Parameters
    ----------
    comp
        The compiled network.
    t
        The task index.
    pair_cap
        Capacity (Gbit/s) of every flow pair for this task (:func:`pair_capacity`);
        only the pairs with positive capacity get arcs, so a later change may
        lower capacities but not raise a zero one.
    big
        Capacity of the arcs from the super-source and to the super-sink;
        default the total pair capacity plus one (never binding). Pass
        ``2**31 - 1`` when later capacities may exceed ``pair_cap``.
    """

    def __init__(
        self, comp: Compiled, t: int, pair_cap: np.ndarray, *, big: int | None = None
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
        # arcs sorted by row then column (each arc once): canonical CSR
        order = np.argsort(rows.astype(np.int64) * n + cols, kind="stable")
        inv = np.empty_like(order)
        inv[order] = np.arange(len(order))
        self.indices = cols[order].astype(np.int32)
        self.indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n))].astype(np.int32)
        data = np.concatenate([cap, cap, np.full(len(src) + len(sink), big)])
        self.data = data[order].astype(np.int32)
        m = len(live)
        self.local = np.full(len(pair_cap), -1, dtype=np.int32)
        self.local[live] = np.arange(m)
        self.fwd = inv[:m].astype(np.int32)
        self.bwd = inv[m : 2 * m].astype(np.int32)
        self.live = live.astype(np.int32)

    def capacity(self, pairs: np.ndarray) -> np.ndarray:
        """The built capacity (Gbit/s) of ``pairs`` (0 for a pair without arcs)."""
        j = self.local[pairs]
        ok = j >= 0
        out = np.zeros(len(j))
        out[ok] = self.data[self.fwd[j[ok]]]
        return out

    def solve(
        self, pairs: np.ndarray, caps: np.ndarray, *, with_flow: bool = False, signed: bool = False
    ) -> tuple[float, np.ndarray | None]:
        """Maximum flow with the capacities of ``pairs`` set to ``caps``.

        Parameters
        ----------
        pairs
            Indices of the changed flow pairs (others keep ``pair_cap``).
        caps
            Their capacities (Gbit/s, whole numbers).
        with_flow
            Also return the flow on every pair.
        signed
            With ``with_flow``: the flow from each pair's ``pair_u`` to its ``pair_v``
            (negative the other way) rather than its absolute value.

        Returns
        -------
        value, flow
            The flow value (Tbit/s) and, with ``with_flow``, the absolute (or signed)
            flow (Gbit/s) on every pair (indexed like ``comp.pair_u``), else ``None``.
        """
        flow = np.zeros(self.n_pairs) if with_flow else None
        if self.empty:
            return 0.0, flow
        data = self.data.copy()  # the built capacities stay as built
        j = self.local[pairs]
        ok = j >= 0
        data[self.fwd[j[ok]]] = caps[ok]
        data[self.bwd[j[ok]]] = caps[ok]
        graph = sp.csr_matrix((data, self.indices, self.indptr), shape=self.shape, copy=False)
        res = maximum_flow(graph, self.S, self.T, method="dinic")
        value = res.flow_value / GBPS
        if with_flow:
            f = res.flow
            if np.array_equal(f.indptr, self.indptr) and np.array_equal(f.indices, self.indices):
                arcs = f.data[self.fwd]
            else:  # pragma: no cover - another scipy layout
                f = f.tocsr()
                u = np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))[self.fwd]
                arcs = np.asarray(f[u, self.indices[self.fwd]]).ravel()
            flow[self.live] = arcs if signed else np.abs(arcs)
        return value, flow


def task_graph(comp: Compiled, t: int, *, open_ended: bool = False) -> TaskGraph:
    """The :class:`TaskGraph` of task ``t`` on the intact capacities (cached on ``comp``).

    ``open_ended``: the variant whose source and sink arcs never bind whatever the
    later capacities (``big=2**31 - 1``), for capacities above the intact ones.
    """
    if open_ended:
        return comp.memo.get(
            ("graph-open", t),
            lambda: TaskGraph(comp, t, pair_capacity(comp, comp.edge_cap, t), big=2**31 - 1),
        )
    return comp.memo.get(
        ("graph", t), lambda: TaskGraph(comp, t, pair_capacity(comp, comp.edge_cap, t))
    )


def max_flow(comp: Compiled, edge_cap: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The maximum flow of task ``t`` with edge capacities ``edge_cap``, arc by arc.

    Solved on the task's graph built from these capacities (the intact ones: the
    cached :func:`task_graph`), so that only pairs with capacity get arcs.

    Returns
    -------
    (pairs, flow) or None
        The pairs with capacity in the task's corridor and the signed flow on each
        (Tbit/s, from ``pair_u`` to ``pair_v``); ``None`` when nothing flows.
    """
    if edge_cap is comp.edge_cap:
        g = task_graph(comp, t)
    else:
        g = TaskGraph(comp, t, pair_capacity(comp, edge_cap, t))
    if g.empty:
        return None
    value, flow = g.solve(np.array([], dtype=np.int64), np.array([]), with_flow=True, signed=True)
    if value <= 0:
        return None
    return g.live, flow[g.live] / GBPS


class FlowSolver:
    """Maximum flows from countries to the core regions for one set of edge capacities.

    A front to :class:`TaskGraph`: the change from the compiled capacities is
    worked out once (which edges lost how many Gbit/s, on which pairs); each
    task then rewrites those pairs on its cached graph and solves.

    Parameters
    ----------
    comp
        The compiled network.
    edge_cap
        Capacity of every finite edge (Tbit/s), e.g. from :func:`edge_capacity_after`.
    """

    def __init__(self, comp: Compiled, edge_cap: np.ndarray) -> None:
        self.comp = comp
        self.edge_cap = edge_cap
        gb, gb0 = to_gbps(edge_cap), to_gbps(comp.edge_cap)
        on_pair = comp.pair_of_edge >= 0
        self._edges = np.flatnonzero((gb != gb0) & on_pair)
        self._pairs, self._inv = np.unique(comp.pair_of_edge[self._edges], return_inverse=True)
        self._lost = (gb0 - gb)[self._edges].astype(float)  # Gbit/s each changed edge lost
        # a capacity above the compiled one may open pairs a cached graph has no arc for
        self._grown = bool((gb > gb0)[on_pair].any())

    def task_flow(self, task: int, *, with_edges: bool = False) -> tuple[float, np.ndarray | None]:
        """Max flow (Tbit/s) of one (country, region) task within its corridor.

        Returns
        -------
        value, pair_flow
            ``pair_flow`` (Gbit/s, absolute, indexed like ``comp.pair_u``) when
            ``with_edges``, else ``None``.
        """
        comp = self.comp
        if self._grown:
            g = TaskGraph(comp, task, pair_capacity(comp, self.edge_cap, task))
            return g.solve(np.array([], dtype=np.int64), np.array([]), with_flow=with_edges)
        g = task_graph(comp, task)
        lost = (
            self._lost if comp.corridor is None else self._lost * comp.corridor[task, self._edges]
        )
        caps = g.capacity(self._pairs) - np.bincount(
            self._inv, weights=lost, minlength=len(self._pairs)
        )
        return g.solve(self._pairs, caps, with_flow=with_edges)

    def flow(self, country: str, *, with_edges: bool = False) -> tuple[float, np.ndarray | None]:
        """Capacity (Tbit/s) of ``country`` to the core: the mean of its flows to the core regions.

        With ``with_edges``, also the pair flows summed over its regions (Gbit/s).
        """
        tasks = self.comp.country_tasks.get(country, np.array([], dtype=np.int64))
        if not len(tasks):
            return 0.0, (np.zeros(len(self.comp.pair_u)) if with_edges else None)
        results = [self.task_flow(int(t), with_edges=with_edges) for t in tasks]
        value = float(np.mean([r[0] for r in results]))
        if not with_edges:
            return value, None
        return value, np.sum([r[1] for r in results], axis=0)


@dataclass
class Baseline:
    """Baseline flows of every (country, region) task, kept for reuse."""

    task_value: np.ndarray  # tasks, Tbit/s
    task_pair_flow: np.ndarray  # tasks x pairs, Gbit/s
    values: dict[str, float]  # per country: mean over its tasks


def country_values(comp: Compiled, task_value: np.ndarray) -> dict[str, float]:
    """Each country's capacity to the core (Tbit/s): the mean of its tasks' values."""
    return {
        c: float(task_value[t].mean()) if len(t) else 0.0 for c, t in comp.country_tasks.items()
    }


def baseline(comp: Compiled) -> Baseline:
    """Baseline flow of every task and country (cached on the compiled network, and on disk
    for the bundled network: :mod:`cablesim.engine._disk`)."""
    return comp.memo.get("baseline", lambda: _stored_baseline(comp))


def _stored_baseline(comp: Compiled) -> Baseline:
    n_tasks, n_pairs = len(comp.task_country), len(comp.pair_u)
    if compile_network(comp.network, comp.backhaul, comp.core, routing=comp.routing) is not comp:
        return _solve_baseline(comp)  # a network compiled with a split backhaul: not stored

    def build() -> dict[str, np.ndarray]:
        b = _solve_baseline(comp)
        rows, cols = np.nonzero(b.task_pair_flow)
        return {
            "task_value": b.task_value,
            "rows": rows,
            "cols": cols,
            "flow": b.task_pair_flow[rows, cols],
        }

    def fits(a: dict[str, np.ndarray]) -> bool:
        return (
            a["task_value"].shape == (n_tasks,)
            and len(a["rows"]) == len(a["cols"]) == len(a["flow"])
            and (not len(a["rows"]) or (a["rows"].max() < n_tasks and a["cols"].max() < n_pairs))
        )

    a = _disk.cached(
        comp.network, "baseline", (comp.backhaul, comp.core, comp.routing), build, fits
    )
    flows = np.zeros((n_tasks, n_pairs))
    flows[a["rows"], a["cols"]] = a["flow"]
    values = a["task_value"]
    return Baseline(task_value=values, task_pair_flow=flows, values=country_values(comp, values))


def _solve_baseline(comp: Compiled) -> Baseline:
    solver = FlowSolver(comp, comp.edge_cap)
    n_tasks = len(comp.task_country)
    values = np.zeros(n_tasks)
    flows = np.zeros((n_tasks, len(comp.pair_u)))
    for t in range(n_tasks):
        values[t], flows[t] = solver.task_flow(t, with_edges=True)
    return Baseline(task_value=values, task_pair_flow=flows, values=country_values(comp, values))


def edge_capacity_after(
    comp: Compiled, failed_edges: set[str] | frozenset[str], degraded: dict[str, float]
) -> np.ndarray:
    """Edge capacities (Tbit/s) after failures and degradations."""
    cap = comp.edge_cap.copy()
    if degraded:
        factor = pd.Series(comp.edge_cable).map(degraded).fillna(1.0).to_numpy()
        cap = cap * factor
    if failed_edges:
        cap[np.isin(comp.edge_ids, list(failed_edges))] = 0.0
    return cap


def dirty_tasks(comp: Compiled, cap_after: np.ndarray) -> np.ndarray:
    """Boolean per task: whether its baseline flow no longer fits ``cap_after``.

    The others keep their baseline value exactly: their baseline flow is still
    feasible, and removing capacity never lets a flow grow.
    """
    base = baseline(comp)
    gbps = to_gbps(cap_after)
    changed = np.flatnonzero(gbps != to_gbps(comp.edge_cap))
    if not len(changed):
        return np.zeros(len(comp.task_country), dtype=bool)
    # only pairs holding a changed edge can have lost capacity
    pe = comp.pair_of_edge[changed]
    pairs = np.unique(pe[pe >= 0])
    if not len(pairs):
        return np.zeros(len(comp.task_country), dtype=bool)
    sub = _incidence(comp)[:, pairs]
    if comp.corridor is None:
        pc = np.asarray(sub.T @ gbps).round()[None, :]
    else:
        pc = np.asarray((sub.T @ (comp.corridor * gbps[None, :]).T).T).round()
    return (base.task_pair_flow[:, pairs] > pc + 1e-9).any(axis=1)


def dirty_countries(comp: Compiled, cap_after: np.ndarray) -> np.ndarray:
    """Boolean per country (``comp.countries`` order): whether any of its tasks is dirty."""
    dirty = dirty_tasks(comp, cap_after)
    out = np.zeros(len(comp.countries), dtype=bool)
    out[comp.task_country[dirty]] = True
    return out


SOLVES_KEPT = 50_000
"""Task values after a change kept per compiled network (least recently used out)."""


def _recompute(
    comp: Compiled, cap: np.ndarray, values: np.ndarray, dirty: np.ndarray
) -> np.ndarray:
    """``values`` with the flow of every ``dirty`` task recomputed on ``comp`` with ``cap``.

    A task's value depends only on the capacities (whole Gbit/s) in its corridor:
    values are kept on ``comp`` under a digest of those, so a run repeated (the same
    scenario again, a click in the web app) solves nothing twice.
    """
    todo = np.flatnonzero(dirty)
    if len(todo):
        solver = None
        gb = to_gbps(cap)
        kept = comp.memo.get("task-values", lambda: Memo(maxsize=SOLVES_KEPT))
        for t in todo:
            t = int(t)
            own = gb if comp.corridor is None else gb[comp.corridor[t]]
            key = (t, hashlib.blake2b(own.tobytes(), digest_size=16).digest())

            def solve(t: int = t) -> float:
                nonlocal solver
                solver = solver or FlowSolver(comp, cap)
                return solver.task_flow(t)[0]

            values[t] = kept.get(key, solve)
    return values


def task_values_after(
    comp: Compiled,
    cap_after: np.ndarray,
    *,
    countries: list[str] | None = None,
    incremental: bool = True,
) -> np.ndarray:
    """Max flow of every (country, region) task after a change of capacities (Tbit/s).

    With ``incremental`` (default), tasks whose baseline flow still fits the
    new capacities keep their baseline value without recomputation (exact).
    Tasks of countries not in ``countries`` keep their baseline value.
    """
    base = baseline(comp)
    values = base.task_value.copy()
    dirty = dirty_tasks(comp, cap_after) if incremental else np.ones(len(values), dtype=bool)
    if countries is not None:
        dirty &= np.isin(comp.task_country, [comp.country_index[c] for c in countries])
    return _recompute(comp, cap_after, values, dirty)


def flows_after(
    comp: Compiled,
    cap_after: np.ndarray,
    *,
    countries: list[str] | None = None,
    incremental: bool = True,
) -> dict[str, float]:
    """Capacity to the core of every country after a change of capacities.

    The mean over the core regions of :func:`task_values_after`.
    """
    values = task_values_after(comp, cap_after, countries=countries, incremental=incremental)
    wanted = countries if countries is not None else comp.countries
    allv = country_values(comp, values)
    return {c: allv[c] for c in wanted}


def task_values_after_split(
    comp: Compiled,
    comp_after: Compiled,
    cap_after: np.ndarray,
    split_hubs: list[str],
    *,
    countries: list[str] | None = None,
) -> np.ndarray:
    """Task values after failures that also split land masses (exact reuse).

    ``comp_after`` is ``comp`` compiled with the split backhaul. A task keeps its
    baseline value when its baseline flow still fits the new capacities and
    passes through none of the split hubs, and its country owns none of them:
    that flow is still feasible on the split network, and no flow can grow.
    Tasks of countries not in ``countries`` keep their baseline value.
    """
    base = baseline(comp)
    dirty = dirty_tasks(comp, cap_after)
    hub_idx = np.flatnonzero(np.isin(comp.node_ids, split_hubs))
    split_flow = np.unique(comp.flow_of[hub_idx])
    touching = np.flatnonzero(np.isin(comp.pair_u, split_flow) | np.isin(comp.pair_v, split_flow))
    if len(touching):
        dirty |= (base.task_pair_flow[:, touching] > 0).any(axis=1)
    owners = {comp.node_iso3[i] for i in hub_idx}
    dirty |= np.isin(
        comp.task_country, [comp.country_index[c] for c in owners if c in comp.country_index]
    )
    if countries is not None:
        dirty &= np.isin(comp.task_country, [comp.country_index[c] for c in countries])
    return _recompute(comp_after, cap_after, base.task_value.copy(), dirty)


def flows_after_split(
    comp: Compiled, comp_after: Compiled, cap_after: np.ndarray, split_hubs: list[str]
) -> dict[str, float]:
    """Capacity to the core after failures that also split land masses (exact reuse)."""
    return country_values(comp, task_values_after_split(comp, comp_after, cap_after, split_hubs))


@dataclass
class _ReachIndex:
    """What :func:`reach` needs of a compiled network, worked out once (cached on it)."""

    src: np.ndarray  # flow nodes of every country, concatenated
    owner: np.ndarray  # country index of each
    has_tasks: np.ndarray  # per country: whether it has a (country, region) task
    core_sinks: dict[int, tuple[np.ndarray, np.ndarray]]  # core country: own, other core nodes


def _reach_index(comp: Compiled) -> _ReachIndex:
    return comp.memo.get("reach-index", lambda: _build_reach_index(comp))


def _build_reach_index(comp: Compiled) -> _ReachIndex:
    empty = np.array([], dtype=np.int64)
    nodes = [comp.country_flow_nodes.get(c, empty) for c in comp.countries]
    core_sinks = {}
    for c in comp.core:
        if c in comp.country_index and c in comp.country_flow_nodes:
            others = [
                np.unique(comp.flow_of[comp.core_nodes[k]])
                for k in comp.core
                if k != c and k in comp.core_nodes
            ]
            sink = np.unique(np.concatenate(others)) if others else empty
            mine = comp.country_flow_nodes[c]
            core_sinks[comp.country_index[c]] = (mine, np.setdiff1d(sink, mine))
    return _ReachIndex(
        src=np.concatenate([*nodes, empty]).astype(np.int64),
        owner=np.repeat(np.arange(len(nodes)), [len(n) for n in nodes]).astype(np.int64),
        has_tasks=np.array([len(comp.country_tasks.get(c, ())) > 0 for c in comp.countries]),
        core_sinks=core_sinks,
    )


def components(comp: Compiled, edge_cap: np.ndarray) -> np.ndarray:
    """Connected component (a label) of every flow node, over the pairs left with capacity.

    Every route counts here, whatever the corridors: this is the graph of
    reachability, not of capacity.
    """
    gb = to_gbps(edge_cap)
    ok = comp.pair_of_edge >= 0
    pc = np.bincount(comp.pair_of_edge[ok], weights=gb[ok], minlength=len(comp.pair_u))
    live = pc > 0
    n = comp.n_flow
    adj = sp.coo_matrix(
        (np.ones(int(live.sum())), (comp.pair_u[live], comp.pair_v[live])), shape=(n, n)
    )
    return connected_components(adj, directed=False)[1]


def reach(comp: Compiled, edge_cap: np.ndarray, *, label: np.ndarray | None = None) -> np.ndarray:
    """Whether each country has any route at all to a core node of another country.

    The one reachability test of the engine (:func:`cablesim.engine.metrics.country_metrics`,
    :func:`cablesim.engine.metrics.cut_off_places` and the batch evaluator), for all
    countries at once: one labelling of the flow nodes (:func:`components`),
    then a look-up per country. A flow node belongs to one country (backhaul
    joins stations of one country only), so a country outside the core reaches
    the core when one of its nodes shares a component with a core node; a core
    country needs a core node of another country.

    Parameters
    ----------
    comp
        The compiled network (after a closure: the one with the split backhaul).
    edge_cap
        Capacity of every finite edge (Tbit/s).
    label
        :func:`components` of ``comp`` and ``edge_cap``, if already computed.

    Returns
    -------
    numpy.ndarray
        Boolean, one per country in ``comp.countries`` order; ``False`` for a
        country with no (country, region) task.
    """
    index = _reach_index(comp)
    lab = components(comp, edge_cap) if label is None else label
    core_lab = np.unique(lab[comp.core_flow_nodes])
    hit = np.isin(lab[index.src], core_lab)
    out = np.bincount(index.owner[hit], minlength=len(comp.countries)) > 0
    for ci, (mine, sink) in index.core_sinks.items():
        out[ci] = bool(len(sink)) and bool(np.isin(lab[mine], lab[sink]).any())
    return out & index.has_tasks


def reachable(comp: Compiled, cap_after: np.ndarray) -> dict[str, bool]:
    """Whether each country has any route at all to the core after the change (:func:`reach`)."""
    return dict(zip(comp.countries, reach(comp, cap_after).tolist(), strict=True))


def reaching_nodes(comp: Compiled, label: np.ndarray) -> np.ndarray:
    """Boolean per flow node: whether a route joins it to another flow node of a core country.

    ``label`` is :func:`components`. An island of a core country counts as cut
    off when it reaches no other core node.
    """
    n_core = np.bincount(label[comp.core_flow_nodes], minlength=int(label.max(initial=-1)) + 1)
    is_core = np.zeros(comp.n_flow, dtype=bool)
    is_core[comp.core_flow_nodes] = True
    return n_core[label] - is_core > 0


def latency_ms(comp: Compiled, cap_after: np.ndarray) -> dict[str, float]:
    """Round-trip time (ms) from each country to the nearest core node of another country.

    Route length at :data:`RTT_MS_PER_KM` plus :data:`HOP_MS` per segment or
    land link; domestic backhaul adds its length only. ``nan`` when no route.
    """
    n = len(comp.node_ids)
    alive = cap_after > 0
    w_fin = comp.edge_len[alive] * RTT_MS_PER_KM + HOP_MS
    rows = np.concatenate([comp.edge_u[alive], comp.bh_u])
    cols = np.concatenate([comp.edge_v[alive], comp.bh_v])
    w = np.concatenate([w_fin, comp.bh_len * RTT_MS_PER_KM]) + 1e-9
    graph = sp.csr_matrix((w, (rows, cols)), shape=(n, n))
    out: dict[str, float] = {}
    core_nodes = [comp.core_nodes[c] for c in comp.core if c in comp.core_nodes]
    if not core_nodes:
        return dict.fromkeys(comp.countries, math.nan)
    all_core = np.unique(np.concatenate(core_nodes))
    dist = dijkstra(graph, directed=False, indices=all_core, min_only=True)
    for c in comp.countries:
        if c in comp.core:
            continue
        d = dist[comp.country_nodes[c]].min()
        out[c] = float(d) if np.isfinite(d) else math.nan
    for c in comp.core:
        if c not in comp.country_nodes:
            continue
        others = [comp.core_nodes[o] for o in comp.core if o != c and o in comp.core_nodes]
        if not others:
            out[c] = math.nan
            continue
        d_o = dijkstra(
            graph, directed=False, indices=np.unique(np.concatenate(others)), min_only=True
        )
        d = d_o[comp.country_nodes[c]].min()
        out[c] = float(d) if np.isfinite(d) else math.nan
    return out


def international_tbps(comp: Compiled, cap_after: np.ndarray) -> dict[str, float]:
    """First-hop international capacity of each country (Tbit/s).

    A cable counts for a country, with its (possibly degraded) capacity, when
    its surviving segments still join one of the country's stations to a
    station of another country. A live land link counts with its capacity.
    """
    net = comp.network
    alive = cap_after > 0
    seg = (comp.edge_kind == 0) & alive
    out = dict.fromkeys(comp.countries, 0.0)
    # per-cable component labels: nodes are (cable, node) pairs
    cable = comp.edge_cable[seg]
    u, v = comp.edge_u[seg], comp.edge_v[seg]
    if len(cable):
        cables, cable_idx = np.unique(cable, return_inverse=True)
        nn = len(comp.node_ids)
        ku = cable_idx.astype(np.int64) * nn + u
        kv = cable_idx.astype(np.int64) * nn + v
        keys, inv = np.unique(np.concatenate([ku, kv]), return_inverse=True)
        m = len(cable)
        adj = sp.coo_matrix((np.ones(m), (inv[:m], inv[m:])), shape=(len(keys), len(keys)))
        _, label = connected_components(adj, directed=False)
        node = keys % nn
        cab = keys // nn
        iso = comp.node_iso3[node]
        df = pd.DataFrame({"label": label, "iso3": iso, "cable": cab})
        df = df[df["iso3"].notna()]
        n_countries = df.groupby("label")["iso3"].nunique()
        df["intl"] = df["label"].map(n_countries) > 1
        hit = df[df["intl"]].drop_duplicates(["iso3", "cable"])
        cap_by_cable = pd.Series(cap_after[seg], index=cable).groupby(level=0).max()
        hit = hit.assign(cap=cap_by_cable.reindex(cables[hit["cable"].to_numpy()]).to_numpy())
        for iso3, total in hit.groupby("iso3")["cap"].sum().items():
            out[iso3] = float(total)
    links = (comp.edge_kind == 1) & alive
    lk = net.terrestrial_links.set_index("link_id")
    ids = comp.edge_ids[links]
    caps = cap_after[links]
    for a, b, c in zip(lk.loc[ids, "from_iso3"], lk.loc[ids, "to_iso3"], caps, strict=True):
        if a in out:
            out[a] += float(c)
        if b in out:
            out[b] += float(c)
    return out
