"""The scenario's data model: :class:`Event`, :class:`Scenario` and the schema's constants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

DEFAULT_CORE = ("USA", "GBR", "DEU", "FRA", "NLD", "SGP", "JPN", "HKG")
"""The hubs that stand for "the global internet": the countries holding the
largest internet exchanges and cloud regions on each continent's side of the
cable system (North America, Western Europe, East and South-East Asia)."""


DEFAULT_RADIUS_KM = 25.0


EVENT_KINDS = (
    "cut",
    "chokepoint",
    "area",
    "landing_point",
    "cable",
    "country",
    "degrade",
    "land_link",
)


TIMING_KEYS = ("label", "at", "repair_days", "until")


TOP_KEYS = ("name", "description", "as_of", "events", "options", "reported", "add", "compare")


OPTION_KEYS = ("core", "backhaul", "capacity", "repair", "measure")


MEASURES = ("traffic", "capacity")
"""What ``loss_pct`` measures: ``traffic`` (default: the share of demand no longer carried,
see :mod:`cablesim.engine.traffic`) or ``capacity`` (the share of capacity to the core lost)."""


SEVERITIES = ("total", "near_total", "severe", "moderate", "minor", "none")


@dataclass(frozen=True)
class Event:
    """One validated event.

    Attributes
    ----------
    kind
        One of :data:`EVENT_KINDS`.
    params
        Resolved parameters: ``cables`` (ids), ``near`` (``("point", lat, lon)``,
        ``("chokepoint", id)`` or ``("landing_point", id)``), ``radius_km``,
        ``id`` (chokepoint / landing point / cable / iso3 / land link), ``center``
        (``(lat, lon)``), ``cable`` and ``fraction``, ``between`` (two ISO3 codes)
        depending on the kind.
    label
        Free text, or a generated description.
    at, repair_days, until
        Timing for timelines; ``None`` when not given.
    """

    kind: str
    params: dict[str, Any]
    label: str
    at: dt.date | int | None = None
    repair_days: float | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        """A one-line human description."""
        return self.label


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build with :func:`load_scenario`."""

    name: str
    events: tuple[Event, ...]
    description: str = ""
    as_of: dt.date | None = None
    core: tuple[str, ...] = DEFAULT_CORE
    backhaul: str = "landmass"
    capacity: str = "lit"
    measure: str = "traffic"
    reported: dict[str, Any] | None = None
    add: tuple[dict[str, Any], ...] = ()
    source: str = "<dict>"
    document: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        when = f" as of {self.as_of}" if self.as_of else ""
        return f"<Scenario {self.name!r}{when}: {len(self.events)} events>"

    @property
    def is_timeline(self) -> bool:
        """True when any event carries timing (``at``, ``repair_days`` or ``until``)."""
        return any(
            e.at is not None or e.repair_days is not None or e.until is not None
            for e in self.events
        )
