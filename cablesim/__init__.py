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

from cablesim import _lazy
from cablesim.exceptions import (
    CableSimError,
    DataError,
    OutputError,
    ScenarioError,
    UnknownCableError,
    UnknownCountryError,
    UnknownNameError,
)

try:
    __version__ = version("cablesim")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

_API = {
    "Failures": "scenario.failures",
    "apply_events": "scenario.failures",
    "run_history": "analyses.history",
    "country_metrics": "engine.metrics",
    "Network": "network",
    "load_network": "network",
    "compare": "analyses.plan",
    "resilience": "analyses.plan",
    "Event": "scenario",
    "Scenario": "scenario",
    "find_scenario": "scenario",
    "load_scenario": "scenario",
    "Result": "engine.simulate",
    "simulate": "engine.simulate",
    "TimelineResult": "analyses.timeline",
    "simulate_timeline": "analyses.timeline",
}
"""Each public name and the module that defines it: imported on first use (PEP 562), so
``import cablesim`` (and ``cablesim --help``) load no table, no solver and no plotting."""


__getattr__, __dir__ = _lazy.attach(__name__, _API)


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
