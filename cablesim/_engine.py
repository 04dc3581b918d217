"""The fast flow engine behind :mod:`cablesim.metrics`.

The network is compiled once per (network, backhaul mode, core) into integer
arrays:

* **contraction**: backhaul edges have unlimited capacity, so the stations of
  one land mass and its hub are one node for maximum-flow purposes (an exact
  reduction: a cut through an infinite edge is never minimal);
* **capacities** in whole Gbit/s (scipy's max-flow works on integers); every
  positive capacity is at least 1 Gbit/s;
* **maximum flow** from a super-source joined to a country's nodes to a
  super-sink joined to the core countries' nodes, with scipy's compiled
  Dinic implementation;
* **reuse**: the baseline flow of every country is kept edge by edge. After a
  failure, a country's flow value can only change if some edge now carries
  less capacity than that country's baseline flow puts on it; every other
  country keeps its baseline value exactly (the old flow stays feasible and
  no flow can grow when capacity is removed). Only the touched countries are
  recomputed.

The plain approach (networkx maximum flow per country, from scratch) is in
``benchmarks/``; ``tests/test_engine.py`` proves the two agree on the real
network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra, maximum_flow

from cablesim.network import Network

GBPS = 1000.0  # capacity unit of the integer flow problem, per Tbit/s
RTT_MS_PER_KM = 0.01
"""Round-trip time per km of route: light in fibre travels about 200,000 km/s,
i.e. 5 microseconds per km each way."""
HOP_MS = 0.5
"""Round-trip overhead added per cable segment or land link traversed
(regeneration, landing-station and routing equipment): a stated assumption."""


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


def compile_network(network: Network, backhaul: str, core: tuple[str, ...], *,
                    backhaul_edges: pd.DataFrame | None = None) -> Compiled:
    """Compile ``network`` (cached on the network object).

    Parameters
    ----------
    backhaul_edges
        Replacement backhaul edges (columns ``u``, ``v``, ``length_km``), used
        when an event splits a land mass (see :func:`split_backhaul`); such a
        variant is not cached.
    """
    key = f"compiled:{backhaul}:{','.join(core)}"
    if backhaul_edges is None and key in network._cache:
        return network._cache[key]
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
    core_flow = np.unique(np.concatenate(
        [country_flow[c] for c in core if c in country_flow] or [np.array([], dtype=np.int64)]))
    comp = Compiled(
        network=network, backhaul=backhaul, core=tuple(core), node_ids=node_ids, node_iso3=iso,
        edge_ids=finite["segment_id"].to_numpy(), edge_kind=(finite["kind"] == "terrestrial").to_numpy(
        ).astype(np.int8), edge_cable=finite["cable_id"].to_numpy(), edge_u=eu, edge_v=ev,
        edge_cap=finite["capacity_tbps"].to_numpy(dtype=float),
        edge_len=finite["length_km"].to_numpy(dtype=float), bh_u=bu, bh_v=bv,
        bh_len=bh["length_km"].to_numpy(dtype=float), flow_of=flow_of, n_flow=n_flow,
        pair_of_edge=pair_of_edge, pair_u=pair_u, pair_v=pair_v, countries=countries,
        country_flow_nodes=country_flow, core_flow_nodes=core_flow, country_nodes=country_nodes)
    if backhaul_edges is None:
        network._cache[key] = comp
    return comp


def split_backhaul(network: Network, backhaul: str, shapes: list) -> pd.DataFrame | None:
    """Backhaul edges after closing ``shapes`` (chokepoints, event areas), or ``None`` if unchanged.

    Domestic backhaul runs over land. When a closed area lies between two
    stations of one land mass (the straight line between them crosses it, as
    the Egyptian crossing lies between Alexandria and Zafarana), they are no
    longer joined; stations still in sight of each other stay joined. Each
    group that lost its hub gets its own (its first station).
    """
    import shapely

    from cablesim._geo import haversine_km, wrap_variants

    if backhaul == "none" or not shapes:
        return None
    closed = shapely.union_all([v for sh in shapes for v in wrap_variants(sh)])
    edges = network.edges(backhaul=backhaul)
    bh = edges[edges["kind"] == "backhaul"]
    nodes = network.nodes(backhaul=backhaul)
    changed = False
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
    return pd.concat(parts, ignore_index=True)


def pair_capacity(comp: Compiled, edge_cap: np.ndarray) -> np.ndarray:
    """Capacity (Gbit/s, integer) of every undirected flow pair for the given edge capacities."""
    gbps = np.where(edge_cap > 0, np.maximum(np.ceil(edge_cap * GBPS - 1e-9), 1), 0).astype(np.int64)
    ok = comp.pair_of_edge >= 0
    return np.bincount(comp.pair_of_edge[ok], weights=gbps[ok], minlength=len(comp.pair_u)).astype(np.int64)


class FlowSolver:
    """Maximum flow from each country to the core on one compiled network.

    Parameters
    ----------
    comp
        The compiled network.
    pair_cap
        Capacity of every flow pair (Gbit/s), from :func:`pair_capacity`.
    """

    def __init__(self, comp: Compiled, pair_cap: np.ndarray) -> None:
        self.comp = comp
        self.pair_cap = pair_cap
        live = pair_cap > 0
        self.u = comp.pair_u[live]
        self.v = comp.pair_v[live]
        self.cap = pair_cap[live]
        self.live = np.flatnonzero(live)
        n = comp.n_flow
        self.big = int(min(int(self.cap.sum()) + 1, 2**31 - 1))
        self.S, self.T = n, n + 1
        # arcs both ways, the super-source and super-sink arcs appended per query
        self._rows = np.concatenate([self.u, self.v])
        self._cols = np.concatenate([self.v, self.u])
        self._data = np.concatenate([self.cap, self.cap])
        adj = sp.coo_matrix((np.ones(len(self.u)), (self.u, self.v)), shape=(n, n))
        self.n_comp, self.component = connected_components(adj, directed=False)

    def reachable_core(self, country: str) -> bool:
        """Whether any of the country's nodes is connected to a core node of another country."""
        comp = self.comp
        src = comp.country_flow_nodes.get(country)
        if src is None or not len(src):
            return False
        sink = self._sink(country)
        if not len(sink):
            return False
        return bool(np.isin(self.component[src], self.component[sink]).any())

    def _sink(self, country: str) -> np.ndarray:
        comp = self.comp
        if country in comp.core:
            others = [comp.country_flow_nodes[c] for c in comp.core if c != country and c in comp.country_flow_nodes]
            sink = np.unique(np.concatenate(others)) if others else np.array([], dtype=np.int64)
        else:
            sink = comp.core_flow_nodes
        return np.setdiff1d(sink, comp.country_flow_nodes.get(country, []))

    def flow(self, country: str, *, with_edges: bool = False) -> tuple[float, np.ndarray | None]:
        """Max flow (Tbit/s) from ``country`` to the core; optionally the |flow| on every pair.

        Returns
        -------
        value, pair_flow
            ``pair_flow`` is indexed like ``comp.pair_u`` (Gbit/s), or ``None``.
        """
        comp = self.comp
        src = comp.country_flow_nodes.get(country)
        if src is None or not self.reachable_core(country):
            return 0.0, (np.zeros(len(comp.pair_u)) if with_edges else None)
        sink = self._sink(country)
        n = comp.n_flow + 2
        rows = np.concatenate([self._rows, np.full(len(src), self.S), sink])
        cols = np.concatenate([self._cols, src, np.full(len(sink), self.T)])
        data = np.concatenate([self._data, np.full(len(src) + len(sink), self.big)])
        graph = sp.csr_matrix((data.astype(np.int32), (rows.astype(np.int32), cols.astype(np.int32))),
                              shape=(n, n))
        res = maximum_flow(graph, self.S, self.T, method="dinic")
        value = res.flow_value / GBPS
        if not with_edges:
            return value, None
        f = res.flow.tocsr()
        pf = np.zeros(len(comp.pair_u))
        vals = np.asarray(f[self.u, self.v]).ravel()
        pf[self.live] = np.abs(vals)
        return value, pf


@dataclass
class Baseline:
    """Baseline flows of every country, kept for reuse."""

    values: dict[str, float]
    pair_flow: np.ndarray  # countries x pairs, Gbit/s
    pair_cap: np.ndarray
    order: list[str]


def baseline(comp: Compiled) -> Baseline:
    """Baseline flow of every country (cached on the network)."""
    key = f"baseline:{comp.backhaul}:{','.join(comp.core)}"
    cache = comp.network._cache
    if key in cache:
        return cache[key]
    cap = pair_capacity(comp, comp.edge_cap)
    solver = FlowSolver(comp, cap)
    values, flows = {}, []
    for c in comp.countries:
        v, pf = solver.flow(c, with_edges=True)
        values[c] = v
        flows.append(pf)
    base = Baseline(values=values, pair_flow=np.vstack(flows) if flows else np.zeros((0, len(cap))),
                    pair_cap=cap, order=list(comp.countries))
    cache[key] = base
    return base


def edge_capacity_after(comp: Compiled, failed_edges: set[str] | frozenset[str],
                        degraded: dict[str, float]) -> np.ndarray:
    """Edge capacities (Tbit/s) after failures and degradations."""
    cap = comp.edge_cap.copy()
    if degraded:
        factor = pd.Series(comp.edge_cable).map(degraded).fillna(1.0).to_numpy()
        cap = cap * factor
    if failed_edges:
        cap[np.isin(comp.edge_ids, list(failed_edges))] = 0.0
    return cap


def flows_after(comp: Compiled, cap_after: np.ndarray, *, countries: list[str] | None = None,
                incremental: bool = True) -> dict[str, float]:
    """Max flow of every country after a change of capacities.

    With ``incremental`` (default), countries whose baseline flow still fits
    the new capacities keep their baseline value without recomputation.
    """
    base = baseline(comp)
    pc = pair_capacity(comp, cap_after)
    wanted = countries if countries is not None else comp.countries
    if incremental:
        over = (base.pair_flow > pc[None, :] + 1e-9).any(axis=1)
        dirty = {c for c, o in zip(base.order, over, strict=True) if o}
    else:
        dirty = set(wanted)
    out = {}
    solver = None
    for c in wanted:
        if c in dirty:
            if solver is None:
                solver = FlowSolver(comp, pc)
            out[c] = solver.flow(c)[0]
        else:
            out[c] = base.values[c]
    return out


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
    core_nodes = [comp.country_nodes[c] for c in comp.core if c in comp.country_nodes]
    if not core_nodes:
        return {c: math.nan for c in comp.countries}
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
        others = [comp.country_nodes[o] for o in comp.core if o != c and o in comp.country_nodes]
        if not others:
            out[c] = math.nan
            continue
        d_o = dijkstra(graph, directed=False, indices=np.unique(np.concatenate(others)), min_only=True)
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
