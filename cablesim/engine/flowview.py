"""Which edges carry a country's flow, before and after failures (for explain and depends).

A thin layer over :mod:`cablesim.engine.flows` that mirrors how
:func:`cablesim.engine.metrics.country_metrics` sets up the network after a set of
failures (failed edges, degraded cables, land masses split by closed areas)
and turns the engine's per-pair flows into per-edge and per-cable flows.
Per-edge flows are a decomposition (a pair of flow nodes joined by several
cables shares its flow among them in proportion to their capacity); they say
which routes carry a country's traffic, not an exact accounting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cablesim.engine import flows as _engine
from cablesim.engine import state as _state
from cablesim.network import Network
from cablesim.scenario.failures import Failures


def corridor_mask(comp: _engine.Compiled, iso3: str) -> np.ndarray:
    """Boolean per finite edge: whether it lies on a route the engine counts for ``iso3``."""
    corridor = getattr(comp, "corridor", None)
    if corridor is None:
        return np.ones(len(comp.edge_ids), dtype=bool)
    tasks = getattr(comp, "country_tasks", None)
    if tasks is not None:  # one corridor per (country, core region) task
        rows = tasks.get(iso3, np.array([], dtype=np.int64))
        return corridor[rows].any(axis=0) if len(rows) else np.zeros(len(comp.edge_ids), dtype=bool)
    return corridor[comp.country_index[iso3]]


def edge_flows(
    comp: _engine.Compiled,
    edge_cap: np.ndarray,
    iso3: str,
    solver: _engine.FlowSolver | None = None,
) -> np.ndarray:
    """Flow (engine units, comparable only within one country) of ``iso3`` on every finite edge."""
    solver = solver or _engine.FlowSolver(comp, edge_cap)
    _, pair_flow = solver.flow(iso3, with_edges=True)
    out = np.zeros(len(comp.edge_ids))
    if pair_flow is None or not (pair_flow > 0).any():
        return out
    ok = (comp.pair_of_edge >= 0) & (edge_cap > 0) & corridor_mask(comp, iso3)
    idx = np.flatnonzero(ok)
    pairs = comp.pair_of_edge[idx]
    weight = edge_cap[idx]
    total = np.bincount(pairs, weights=weight, minlength=len(comp.pair_u))
    share = np.divide(weight, total[pairs], out=np.zeros_like(weight), where=total[pairs] > 0)
    out[idx] = pair_flow[pairs] * share
    return out


@dataclass
class FlowView:
    """The network before and after a set of failures, ready for per-country flow questions."""

    network: Network
    comp: _engine.Compiled
    comp_after: _engine.Compiled
    cap_after: np.ndarray
    before: _engine.FlowSolver
    after: _engine.FlowSolver

    @classmethod
    def build(
        cls,
        network: Network,
        failures: Failures,
        *,
        core: tuple[str, ...],
        backhaul: str = "landmass",
        routing: str = "corridor",
    ) -> FlowView:
        """Set up the view as :func:`cablesim.engine.metrics.country_metrics` does.

        A caller that holds the run's after-state (:func:`cablesim.engine.state.after_state`)
        passes it to :meth:`of` instead.
        """
        options = _state.Options(core=core, backhaul=backhaul, routing=routing)
        return cls.of(_state.after_state(network, failures, options))

    @classmethod
    def of(cls, after: _state.AfterState) -> FlowView:
        """The view of an after-state already built (:func:`cablesim.engine.state.after_state`)."""
        comp, comp_after, cap_after = after.comp, after.comp_after, after.cap_after
        return cls(
            after.network,
            comp,
            comp_after,
            cap_after,
            _engine.FlowSolver(comp, comp.edge_cap),
            _engine.FlowSolver(comp_after, cap_after),
        )

    @property
    def split_countries(self) -> list[str]:
        """Countries whose land was cut in two by a closed area (their stations no longer joined)."""
        if self.comp_after is self.comp:
            return []
        out = []
        for c, nodes in self.comp.country_nodes.items():
            if len(np.unique(self.comp_after.flow_of[nodes])) > len(
                np.unique(self.comp.flow_of[nodes])
            ):
                out.append(c)
        return out

    def crosses(self, iso3: str, other: str) -> bool:
        """Whether ``iso3``'s baseline flow passes through a node of ``other`` (transit)."""
        comp = self.comp
        flows = self.edges(iso3, after=False)
        theirs = np.zeros(len(comp.node_ids), dtype=bool)
        theirs[comp.country_nodes.get(other, np.array([], dtype=np.int64))] = True
        touching = np.flatnonzero((theirs[comp.edge_u] | theirs[comp.edge_v]) & (flows > 0))
        return len(touching) >= 2  # in and out again

    def edges(self, iso3: str, *, after: bool) -> np.ndarray:
        """Per-edge flow of ``iso3`` before or after the failures."""
        if after:
            return edge_flows(self.comp_after, self.cap_after, iso3, self.after)
        return edge_flows(self.comp, self.comp.edge_cap, iso3, self.before)

    def first_hop(self, iso3: str, *, after: bool) -> dict[str, float]:
        """Share (0-1) of the country's outgoing flow on each cable or land link leaving it.

        Keys are cable ids, or ``"terrestrial:{link_id}"`` for land links.
        """
        comp = self.comp_after if after else self.comp
        flows = self.edges(iso3, after=after)
        mine = np.zeros(len(comp.node_ids), dtype=bool)
        mine[comp.country_nodes.get(iso3, np.array([], dtype=np.int64))] = True
        leaving = mine[comp.edge_u] ^ mine[comp.edge_v]
        sel = np.flatnonzero(leaving & (flows > 0))
        total = float(flows[sel].sum())
        if total <= 0:
            return {}
        out: dict[str, float] = {}
        for e in sel:
            key = str(comp.edge_cable[e])
            out[key] = out.get(key, 0.0) + float(flows[e]) / total
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def stations_carrying(self, iso3: str, cable_id: str) -> list[str]:
        """The country's nodes where ``cable_id`` carries part of its flow after the failures."""
        comp = self.comp_after
        flows = self.edges(iso3, after=True)
        sel = np.flatnonzero((comp.edge_cable == cable_id) & (flows > 0))
        nodes = set(comp.country_nodes.get(iso3, np.array([], dtype=np.int64)).tolist())
        out = []
        for e in sel:
            for n in (comp.edge_u[e], comp.edge_v[e]):
                if int(n) in nodes:
                    out.append(str(comp.node_ids[n]))
        return sorted(set(out))
