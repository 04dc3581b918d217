"""The engine's one entry point: the options of a run and the state after a set of failures.

:class:`Options`
    What every analysis passes the engine as one frozen argument: the core,
    the backhaul mode, the routing, the measure, the demand model's mean
    utilization and whether to reuse baseline flows. (The capacity basis, lit
    or design, is the network's own: :func:`cablesim.load_network`.)
:func:`after_state`
    The network after a set of failures, built in one place for every
    analysis (:func:`cablesim.engine.simulate`, the dependency lens, the explanation,
    sweeps of closures, capacity uncertainty): the compiled network, the
    capacities after the failures, and for a closed area that splits a land
    mass (Suez splits Egypt) the split backhaul and the network compiled with
    it. The split and its compiled network, with that network's task graphs
    and routes, are cached on the network (bounded: closed areas come from
    users), so a second run of a closure rebuilds nothing.
:class:`AfterState`
    What is derived from the state (capacity per task, reachability, traffic
    served) is computed once per state, on demand.

Layering: engine (above :mod:`cablesim.network`, :mod:`cablesim.scenario` and
:mod:`cablesim.scenario.failures`' plain :class:`~cablesim.scenario.failures.Failures`; below
:mod:`cablesim.engine.metrics`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from cablesim._memo import Memo
from cablesim.engine import flows as _engine
from cablesim.engine import traffic as _traffic
from cablesim.exceptions import UnknownNameError
from cablesim.network import BACKHAUL_MODES, Network
from cablesim.scenario import DEFAULT_CORE, Scenario
from cablesim.scenario.failures import Failures

MEASURES = ("traffic", "capacity")
SPLITS_KEPT = 16
"""Split networks (one per set of closed areas) kept per network, least recently used out."""
STATES_KEPT = 32
"""After-states whose derived values (flows, traffic, latency) are kept per network."""


@dataclass(frozen=True)
class Options:
    """The engine's options for a run, one frozen (hashable) object.

    Attributes
    ----------
    core
        ISO3 codes of the core countries.
    backhaul
        Backhaul mode (:data:`cablesim.network.BACKHAUL_MODES`).
    routing
        ``"corridor"`` or ``"any"`` (:data:`cablesim.engine.flows.ROUTING_MODES`).
    measure
        What ``loss_pct`` measures: ``"traffic"`` or ``"capacity"``.
    utilization
        Mean utilization of the intact network for the demand model; ``None``:
        :data:`cablesim.engine.demand.UTILIZATION`.
    incremental
        Reuse baseline flows where a failure cannot change them (exact).
    """

    core: tuple[str, ...] = DEFAULT_CORE
    backhaul: str = "landmass"
    routing: str = "corridor"
    measure: str = "traffic"
    utilization: float | None = None
    incremental: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "core", tuple(self.core))
        if self.backhaul not in BACKHAUL_MODES:
            raise UnknownNameError(self.backhaul, BACKHAUL_MODES, kind="backhaul mode")
        if self.routing not in _engine.ROUTING_MODES:
            raise UnknownNameError(self.routing, _engine.ROUTING_MODES, kind="routing mode")
        if self.measure not in MEASURES:
            raise UnknownNameError(self.measure, MEASURES, kind="measure")
        if self.utilization is not None:
            object.__setattr__(self, "utilization", float(self.utilization))

    @classmethod
    def of(cls, scenario: Scenario, **changes: Any) -> Options:
        """The options a scenario asks for (core, backhaul, measure), with ``changes``."""
        return cls(
            core=tuple(scenario.core),
            backhaul=scenario.backhaul,
            measure=scenario.measure,
            **changes,
        )

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes``."""
        return replace(self, **changes)


def compiled(network: Network, options: Options) -> _engine.Compiled:
    """The intact network compiled for ``options`` (cached on the network)."""
    return _engine.compile_network(network, options.backhaul, options.core, routing=options.routing)


def traffic_model(network: Network, options: Options) -> _traffic.Model:
    """The traffic model of the intact network for ``options`` (cached on the compiled one)."""
    return _traffic.model(compiled(network, options), utilization=options.utilization)


def _split_cache(network: Network) -> Memo:
    return network.memo("engine:splits", lambda: Memo(maxsize=SPLITS_KEPT))


def split(network: Network, backhaul: str, areas: list) -> pd.DataFrame | None:
    """The backhaul split by closed ``areas`` (:func:`cablesim.engine.flows.split_backhaul`),
    cached on the network; ``None`` when no land mass is split."""
    if not areas:
        return None
    key = ("split", backhaul, tuple(a.wkb_hex for a in areas))
    return _split_cache(network).get(key, lambda: _engine.split_backhaul(network, backhaul, areas))


def _split_network(
    network: Network, options: Options, comp: _engine.Compiled, areas: list, edges: pd.DataFrame
) -> _engine.Compiled:
    key = (
        "compiled",
        options.backhaul,
        options.routing,
        options.core,
        tuple(a.wkb_hex for a in areas),
    )
    return _split_cache(network).get(
        key,
        lambda: _engine.compile_network(
            network,
            options.backhaul,
            options.core,
            routing=options.routing,
            backhaul_edges=edges,
            corridor_of=comp,
        ),
    )


@dataclass(frozen=True, eq=False)
class AfterState:
    """The network after a set of failures, compiled once for every measure of a run.

    Attributes
    ----------
    network, failures, options
        What it was built for.
    comp
        The compiled intact network.
    comp_after
        The compiled network after the failures: ``comp`` itself unless a closed
        area splits a land mass, else ``comp`` compiled with the split backhaul
        (same corridors; cached on the network with its task graphs).
    cap_after
        Capacity of every finite edge after the failures (Tbit/s).
    split
        The split backhaul edges, ``None`` when no land mass is split.
    """

    network: Network
    failures: Failures
    options: Options
    comp: _engine.Compiled
    comp_after: _engine.Compiled
    cap_after: np.ndarray
    split: pd.DataFrame | None
    _memo: Memo = field(default_factory=Memo, repr=False)

    def with_options(self, options: Options) -> AfterState:
        """The same state measured with other ``options`` (same core, backhaul and routing)."""
        if (options.core, options.backhaul, options.routing) != (
            self.options.core,
            self.options.backhaul,
            self.options.routing,
        ):
            raise ValueError("another core, backhaul or routing needs another after-state")
        return replace(
            self,
            options=options,
            _memo=_shared_memo(self.network, options, self.failures, self.cap_after),
        )

    # the options' parts, by their old names
    @property
    def core(self) -> tuple[str, ...]:
        return self.options.core

    @property
    def backhaul(self) -> str:
        return self.options.backhaul

    @property
    def routing(self) -> str:
        return self.options.routing

    @property
    def label(self) -> np.ndarray:
        """Connected component of every flow node of ``comp_after`` over the pairs left with
        capacity (:func:`cablesim.engine.flows.components`)."""
        return self._memo.get(
            "label", lambda: _frozen(_engine.components(self.comp_after, self.cap_after))
        )

    @property
    def reach(self) -> np.ndarray:
        """Whether each country (``comp.countries`` order) still has a route to the core."""
        return self._memo.get(
            "reach",
            lambda: _frozen(_engine.reach(self.comp_after, self.cap_after, label=self.label)),
        )

    @property
    def lost_nodes(self) -> frozenset[str]:
        return frozenset(self.failures.nodes)

    def lost_tasks(self) -> np.ndarray | None:
        """Boolean per task: its country lost every node (``None`` when none is)."""

        def build() -> np.ndarray | None:
            comp, lost_nodes = self.comp, set(self.failures.nodes)
            if not lost_nodes:
                return None
            lost = np.zeros(len(comp.task_country), dtype=bool)
            for i, c in enumerate(comp.countries):
                nodes = set(comp.node_ids[comp.country_nodes[c]])
                if nodes and nodes <= lost_nodes:
                    lost |= comp.task_country == i
            return lost if lost.any() else None

        return self._memo.get("lost_tasks", build)

    def task_values(self, countries: list[str] | None = None) -> np.ndarray:
        """Capacity to the core (Tbit/s) of every (country, region) task after the failures.

        Exact reuse of baseline flows where a failure cannot change them (with
        ``options.incremental``). ``countries``: only their tasks are recomputed (the
        others keep their baseline value); cached when ``None``.
        """
        if countries is not None:
            return self._task_values(countries)
        return self._memo.get("task_values", lambda: _frozen(self._task_values(None)))

    def _task_values(self, countries: list[str] | None) -> np.ndarray:
        comp, comp_after, cap = self.comp, self.comp_after, self.cap_after
        if self.split is None:
            return _engine.task_values_after(
                comp, cap, countries=countries, incremental=self.options.incremental
            )
        if self.options.incremental:
            return _engine.task_values_after_split(
                comp, comp_after, cap, self.split.attrs["split_hubs"], countries=countries
            )
        solver = _engine.FlowSolver(comp_after, cap)
        return np.array([solver.task_flow(t)[0] for t in range(len(comp.task_country))])

    def country_values(self) -> dict[str, float]:
        """Capacity to the core of every country after the failures (Tbit/s)."""
        return _engine.country_values(self.comp, self.task_values())

    def latency_ms(self) -> dict[str, float]:
        """Round-trip time from each country to the core after the failures
        (:func:`cablesim.engine.flows.latency_ms`)."""
        return self._memo.get(
            "latency", lambda: _engine.latency_ms(self.comp_after, self.cap_after)
        )

    def international_tbps(self) -> dict[str, float]:
        """First-hop international capacity of each country after the failures
        (:func:`cablesim.engine.flows.international_tbps`)."""
        return self._memo.get(
            "international", lambda: _engine.international_tbps(self.comp_after, self.cap_after)
        )

    def served(self) -> dict[str, np.ndarray]:
        """Traffic served per task in both horizons (:func:`cablesim.engine.traffic.served_after`)."""
        return self._memo.get(
            "served",
            lambda: _frozen(
                _traffic.served_after(
                    traffic_model(self.network, self.options),
                    self.cap_after,
                    comp_after=self.comp_after,
                    lost_tasks=self.lost_tasks(),
                )
            ),
        )

    def immediate(self) -> np.ndarray:
        """Traffic served per task in the headline horizon
        (:func:`cablesim.engine.traffic.immediate_after`)."""
        return self._memo.get(
            "immediate",
            lambda: _frozen(
                _traffic.immediate_after(
                    traffic_model(self.network, self.options),
                    self.cap_after,
                    comp_after=self.comp_after,
                    lost_tasks=self.lost_tasks(),
                )
            ),
        )


def after_state(network: Network, failures: Failures, options: Options) -> AfterState:
    """The network after ``failures``: the one builder of the state every analysis measures.

    Parameters
    ----------
    network
        The network (not modified; derived data is cached on it).
    failures
        From :func:`cablesim.scenario.failures.apply_events`.
    options
        The run's :class:`Options`.

    Returns
    -------
    AfterState
    """
    comp = compiled(network, options)
    cap_after = _engine.edge_capacity_after(
        comp, set(failures.segments) | set(failures.links), failures.degraded
    )
    areas = failures.closed_areas
    edges = split(network, options.backhaul, areas)
    comp_after = comp if edges is None else _split_network(network, options, comp, areas, edges)
    return AfterState(
        network=network,
        failures=failures,
        options=options,
        comp=comp,
        comp_after=comp_after,
        cap_after=cap_after,
        split=edges,
        _memo=_shared_memo(network, options, failures, cap_after),
    )


def _shared_memo(
    network: Network, options: Options, failures: Failures, cap_after: np.ndarray
) -> Memo:
    """The memo of a state's derived values, shared by every state equal to it (the same
    scenario run again, a click in the web app): they depend on these alone. Bounded."""
    key = (
        options,
        tuple(a.wkb_hex for a in failures.closed_areas),
        hashlib.blake2b(cap_after.tobytes(), digest_size=16).digest(),
        tuple(sorted(failures.nodes)),
    )
    states = network.memo("engine:states", lambda: Memo(maxsize=STATES_KEPT))
    return states.get(key, Memo)


def _frozen(value):
    """``value`` with its arrays made read-only (values shared between states)."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for v in value.values():
            _frozen(v)
    return value
