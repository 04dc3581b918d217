"""The plain approach: networkx maximum flow per country, from scratch, for every scenario.

A reference for ``tests/engine/test_engine.py`` (which proves the fast engine gives
the same numbers on the real network) and for ``benchmarks/bench_engine.py``
(which times both). It solves the same problem as :mod:`cablesim.engine.flows`,
defined independently of its data structures:

* the graph is :meth:`cablesim.network.Network.to_networkx` as a directed
  graph (both directions of every edge, parallel edges summed), the failed
  edges removed, backhaul edges unlimited;
* a country's capacity to the core is the mean over the core regions of the
  maximum flow from a super-source joined to all of its nodes to a
  super-sink joined to the nodes of that region's core countries (other
  than itself), counting only the edges of its route corridor toward that
  region (with ``routing="corridor"``; which edges are in a corridor, and
  how core countries group into regions, is part of the problem statement
  and taken from the engine's compilation);
* closed areas (chokepoints, ``area`` events) split domestic backhaul: two
  stations of one land mass stay joined only through a chain of stations
  whose straight lines avoid every closed area; a group cut from its hub is
  joined among itself (networkx components over shapely line tests, pair by
  pair, independent of the engine's :func:`~cablesim.engine.flows.split_backhaul`);
* capacities in Tbit/s as floats (the engine rounds them up to whole Gbit/s;
  the bundled capacities are whole Gbit/s, so the two agree exactly);
* reachability (:func:`plain_reach`): networkx connected components of the
  same graph, against the engine's :func:`~cablesim.engine.flows.reach`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx
import numpy as np
import shapely

from cablesim._geo import wrap_variants
from cablesim.engine import flows as _engine
from cablesim.network import Network


def plain_flows(
    network: Network,
    failed: Iterable[str] = (),
    *,
    core: tuple[str, ...],
    backhaul: str = "landmass",
    routing: str = "corridor",
    countries: Iterable[str] | None = None,
    closed: Iterable[shapely.Geometry] = (),
) -> dict[str, float]:
    """Capacity to the core (Tbit/s) of each country after failing ``failed`` edges, the plain way.

    Parameters
    ----------
    network
        The network.
    failed
        Segment and land-link ids that fail.
    core, backhaul, routing
        As for :func:`cablesim.engine.metrics.country_metrics`.
    countries
        Only these countries (default: every country of the model).
    closed
        Closed areas (polygons in lon/lat) that split domestic backhaul.
    """
    comp = _engine.compile_network(network, backhaul, tuple(core), routing=routing)
    finite, infinite, by_country = _plain_graph(network, comp, failed, backhaul, closed)
    wanted = list(countries) if countries is not None else list(comp.countries)
    out = {}
    for c in wanted:
        tasks = comp.country_tasks.get(c, np.array([], dtype=np.int64))
        values = []
        for t in tasks:
            members = [k for k in comp.region_countries[comp.task_region[t]] if k != c]
            mask = comp.corridor[t] if comp.corridor is not None else None
            values.append(
                _task_flow(
                    finite,
                    infinite,
                    by_country.get(c, []),
                    [n for k in members for n in comp.node_ids[comp.core_nodes.get(k, [])]],
                    mask,
                )
            )
        out[c] = float(np.mean(values)) if values else 0.0
    return out


def plain_reach(
    network: Network,
    failed: Iterable[str] = (),
    *,
    core: tuple[str, ...],
    backhaul: str = "landmass",
    closed: Iterable[shapely.Geometry] = (),
) -> dict[str, bool]:
    """Whether each country has any route at all to the core, the plain way.

    networkx connected components of the undirected graph of the surviving
    edges (every route counts, whatever the corridors) and the backhaul after
    ``closed``; a country reaches the core when one of its nodes shares a
    component with a hub node of a core country other than itself. A country
    with no (country, core region) task reaches nothing.

    Parameters
    ----------
    network, failed, core, backhaul, closed
        As for :func:`plain_flows`.

    Returns
    -------
    dict
        ISO3 -> bool, for every country of the model.
    """
    comp = _engine.compile_network(network, backhaul, tuple(core))
    finite, infinite, by_country = _plain_graph(network, comp, failed, backhaul, closed)
    g = nx.Graph()
    g.add_nodes_from(n for nodes in by_country.values() for n in nodes)
    g.add_edges_from((u, v) for u, v, _, _ in finite)
    g.add_edges_from(infinite)
    component = {n: i for i, group in enumerate(nx.connected_components(g)) for n in group}
    hub_parts = {
        k: {component[n] for n in comp.node_ids[idx] if n in component}
        for k, idx in comp.core_nodes.items()
    }
    out = {}
    for c in comp.countries:
        mine = {component[n] for n in by_country.get(c, []) if n in component}
        cores = set().union(*[parts for k, parts in hub_parts.items() if k != c])
        out[c] = bool(len(comp.country_tasks.get(c, ()))) and bool(mine & cores)
    return out


def _plain_graph(
    network: Network,
    comp: _engine.Compiled,
    failed: Iterable[str],
    backhaul: str,
    closed: Iterable[shapely.Geometry],
) -> tuple[list, list, dict[str, list[str]]]:
    """The surviving finite edges ``(u, v, edge index, capacity)``, the unlimited backhaul
    edges after ``closed``, and each country's nodes, from :meth:`Network.to_networkx`."""
    failed = set(failed)
    graph = network.to_networkx(backhaul=backhaul)
    iso = nx.get_node_attributes(graph, "iso3")
    edge_pos = {e: i for i, e in enumerate(comp.edge_ids)}
    finite = []  # (u, v, edge index, capacity)
    backhaul_of: dict[str, list[str]] = {}  # hub -> its stations
    for u, v, key, data in graph.edges(keys=True, data=True):
        if data["kind"] == "backhaul":
            hub, station = (v, u) if str(v).startswith("land:") else (u, v)
            backhaul_of.setdefault(hub, []).append(station)
        elif key not in failed and data["capacity_tbps"] > 0 and u != v:
            finite.append((u, v, edge_pos[key], float(data["capacity_tbps"])))
    infinite = _backhaul_after(graph, backhaul_of, list(closed))
    by_country: dict[str, list[str]] = {}
    for n, c in iso.items():
        if c is not None:
            by_country.setdefault(c, []).append(n)
    return finite, infinite, by_country


def _backhaul_after(
    graph: nx.MultiGraph, backhaul_of: dict[str, list[str]], closed: list
) -> list[tuple[str, str]]:
    """Unlimited backhaul edges once ``closed`` areas are closed (all of them when none is)."""
    if not closed:
        return [(hub, st) for hub, sts in backhaul_of.items() for st in sts]
    barrier = shapely.union_all([v for sh in closed for v in wrap_variants(sh)])
    out = []
    for hub, stations in backhaul_of.items():
        ids = [hub, *stations]
        sight = nx.Graph()
        sight.add_nodes_from(ids)
        for i, a in enumerate(ids):
            pa = (graph.nodes[a]["x"], graph.nodes[a]["y"])
            for b in ids[i + 1 :]:
                pb = (graph.nodes[b]["x"], graph.nodes[b]["y"])
                if not shapely.LineString([pa, pb]).intersects(barrier):
                    sight.add_edge(a, b)
        for group in nx.connected_components(sight):
            members = [n for n in ids if n in group]  # the hub first where it is in the group
            out += [(members[0], m) for m in members[1:]]
    return out


def _task_flow(finite, infinite, sources, sinks, mask) -> float:
    g = nx.DiGraph()
    for u, v, i, cap in finite:
        if mask is not None and not mask[i]:
            continue
        for a, b in ((u, v), (v, u)):
            if g.has_edge(a, b):
                g[a][b]["capacity"] += cap
            else:
                g.add_edge(a, b, capacity=cap)
    for u, v in infinite:  # no capacity attribute: unlimited
        g.add_edge(u, v)
        g.add_edge(v, u)
    sinks = [n for n in sinks if n not in set(sources)]
    if not sources or not sinks:
        return 0.0
    for n in sources:
        g.add_edge("__S__", n)
    for n in sinks:
        g.add_edge(n, "__T__")
    if not nx.has_path(g, "__S__", "__T__"):
        return 0.0
    value = nx.maximum_flow_value(g, "__S__", "__T__")
    return 0.0 if math.isinf(value) else float(value)
