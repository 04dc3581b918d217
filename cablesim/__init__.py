"""cablesim: a submarine-cable geopolitics simulator.

Load the world's cable network, cut cables, close chokepoints, lose stations,
and see which countries lose connectivity, how much capacity, and how routes
lengthen.

>>> import cablesim
>>> result = cablesim.simulate(cablesim.load_scenario(cablesim.find_scenario("tonga-2022")))
>>> result.country("TON")["status"]
'isolated'
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from cablesim.cuts import Failures, apply_events
from cablesim.exceptions import (
    CableSimError,
    DataError,
    OutputError,
    ScenarioError,
    UnknownCableError,
    UnknownCountryError,
    UnknownNameError,
)
from cablesim.metrics import country_metrics
from cablesim.network import Network, load_network
from cablesim.scenario import Event, Scenario, find_scenario, load_scenario
from cablesim.simulate import Result, simulate
from cablesim.timeline import TimelineResult, simulate_timeline

try:
    __version__ = version("cablesim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

_HEAVY = {"compare": "plan", "resilience": "plan", "run_history": "history"}
"""Public names whose modules pull in much more (scipy.stats, the history replays):
imported on first use (PEP 562), so ``import cablesim`` stays quick."""


def __getattr__(name: str) -> Any:
    module = _HEAVY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HEAVY))

__all__ = [
    "CableSimError",
    "DataError",
    "Event",
    "Failures",
    "Network",
    "OutputError",
    "Result",
    "Scenario",
    "ScenarioError",
    "TimelineResult",
    "UnknownCableError",
    "UnknownCountryError",
    "UnknownNameError",
    "__version__",
    "apply_events",
    "compare",
    "country_metrics",
    "find_scenario",
    "load_network",
    "load_scenario",
    "resilience",
    "run_history",
    "simulate",
    "simulate_timeline",
]
