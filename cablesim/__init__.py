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
import sys
import types
from importlib.metadata import PackageNotFoundError, version
from typing import Any

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
    "Failures": "cuts",
    "apply_events": "cuts",
    "run_history": "history",
    "country_metrics": "metrics",
    "Network": "network",
    "load_network": "network",
    "compare": "plan",
    "resilience": "plan",
    "Event": "scenario",
    "Scenario": "scenario",
    "find_scenario": "scenario",
    "load_scenario": "scenario",
    "Result": "simulate",
    "simulate": "simulate",
    "TimelineResult": "timeline",
    "simulate_timeline": "timeline",
}
"""Each public name and the module that defines it: imported on first use (PEP 562), so
``import cablesim`` (and ``cablesim --help``) load no table, no solver and no plotting."""


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))


class _Package(types.ModuleType):
    """``cablesim.engine.simulate`` is the function, as it always was, even once the submodule of
    the same name is imported (the import system binds a submodule on its package)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if _API.get(name) == name and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
