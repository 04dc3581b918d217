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

from importlib.metadata import PackageNotFoundError, version

from cablesim import measures
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
from cablesim.history import run_history
from cablesim.metrics import country_metrics
from cablesim.network import Network, load_network
from cablesim.plan import compare, resilience
from cablesim.scenario import Event, Scenario, find_scenario, load_scenario
from cablesim.simulate import Result, simulate
from cablesim.timeline import TimelineResult, simulate_timeline

try:
    __version__ = version("cablesim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

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
    "measures",
    "resilience",
    "run_history",
    "simulate",
    "simulate_timeline",
]
