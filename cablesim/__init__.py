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
    "UnknownCableError",
    "UnknownCountryError",
    "UnknownNameError",
    "__version__",
    "apply_events",
    "country_metrics",
    "find_scenario",
    "load_network",
    "load_scenario",
    "simulate",
]
