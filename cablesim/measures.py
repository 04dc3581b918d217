"""The vocabulary of cablesim's outputs: every measure's key, label, unit and meaning, once.

Every writer (terminal, Markdown, CSV, JSON, HTML), table, map legend, plot,
timeline, comparison, the web page and the explanation take the words they
put beside a number from here, so that a traffic figure never sits under a
capacity label and the other way round.

Two families of loss are measured (see :mod:`cablesim.engine.metrics`):

* **traffic**: the share of a country's estimated international traffic
  demand that can no longer be carried (in the first days, or after
  rerouting), and the traffic in Tbit/s;
* **capacity**: the share of its *capacity to the core* (maximum flow to the
  core regions within its route corridor) that is lost, and that capacity in
  Tbit/s.

``loss_pct`` is the headline: the traffic loss in the first days by default,
the capacity loss when the scenario says ``measure: capacity``;
:func:`headline` gives its measure for a scenario. The loss toward each core
region is a capacity loss (``capacity_loss_pct_to_<region>``: :func:`region_key`).

Layering: this module is plain data (standard library only), importable by
every layer.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

KINDS = ("traffic", "capacity", "latency", "status", "country", "network")
"""What a measure is about; ``traffic`` and ``capacity`` never share a label."""


@dataclass(frozen=True)
class Measure:
    """One measure of an output.

    Attributes
    ----------
    key
        The column or field name in tables, CSV and JSON (``capacity_loss_pct``).
    label
        The words shown beside its number in prose, legends and axis labels,
        with the unit (``"capacity to the core lost (%)"``).
    short
        A short column heading for terminal and HTML tables (``"capacity lost %"``).
    unit
        ``"%"``, ``"Tbit/s"``, ``"ms"`` or ``""``.
    kind
        One of :data:`KINDS`.
    meaning
        One sentence: what the number is.
    """

    key: str
    label: str
    short: str
    unit: str
    kind: str
    meaning: str

    def to_dict(self) -> dict[str, str]:
        """The measure as JSON-ready plain data."""
        return asdict(self)


_M = Measure

TRAFFIC_LOSS = _M(
    "loss_pct_immediate",
    "traffic lost in the first days (%)",
    "traffic lost %",
    "%",
    "traffic",
    "Share of the country's estimated international traffic demand no longer carried in the "
    "first days after the events (routes kept as before, no rerouting).",
)
CAPACITY_LOSS = _M(
    "capacity_loss_pct",
    "capacity to the core lost (%)",
    "capacity lost %",
    "%",
    "capacity",
    "Share of the country's capacity to the core (maximum flow to the core regions within its "
    "route corridor) that the events removed.",
)

_TABLE: tuple[Measure, ...] = (
    _M("iso3", "country code (ISO 3166 alpha-3)", "iso3", "", "country", "The country's code."),
    _M("name", "country", "country", "", "country", "The country's name."),
    _M("region", "UN subregion", "region", "", "country", "The country's UN subregion."),
    _M(
        "status",
        "status",
        "status",
        "",
        "status",
        "isolated (no path to the core), severe (headline loss 50% or more), degraded (10% or "
        "more) or unaffected.",
    ),
    _M(
        "isolated",
        "cut off from the core",
        "cut off",
        "",
        "status",
        "True when no path at all joins the country to the core after the events.",
    ),
    _M(
        "was_isolated",
        "cut off before the events",
        "cut off before",
        "",
        "status",
        "True when the country had no path to the core even before the events (no data).",
    ),
    TRAFFIC_LOSS,
    _M(
        "loss_pct_rerouted",
        "traffic lost after rerouting (%)",
        "traffic lost, rerouted %",
        "%",
        "traffic",
        "Share of the country's traffic demand still not carried once traffic is rerouted over "
        "the surviving network (circuits that survive stay with their owners; the traffic "
        "still waiting gets fair shares of the capacity left).",
    ),
    _M(
        "demand_tbps",
        "traffic demand (Tbit/s)",
        "traffic Tbps",
        "Tbit/s",
        "traffic",
        "The country's estimated international traffic as the intact network carries it.",
    ),
    _M(
        "served_tbps",
        "traffic still carried (Tbit/s)",
        "traffic carried Tbps",
        "Tbit/s",
        "traffic",
        "The part of the country's traffic demand still carried in the first days.",
    ),
    _M(
        "traffic_lost_tbps",
        "traffic no longer carried (Tbit/s)",
        "traffic lost Tbps",
        "Tbit/s",
        "traffic",
        "Traffic demand no longer carried in the first days, summed over the countries.",
    ),
    CAPACITY_LOSS,
    _M(
        "baseline_tbps",
        "capacity to the core before (Tbit/s)",
        "capacity before Tbps",
        "Tbit/s",
        "capacity",
        "The country's capacity to the core before the events, within its route corridor, as "
        "if every cable within reach were its own (compare with its traffic demand).",
    ),
    _M(
        "remaining_tbps",
        "capacity to the core after (Tbit/s)",
        "capacity after Tbps",
        "Tbit/s",
        "capacity",
        "The country's capacity to the core after the events, measured the same way.",
    ),
    _M(
        "capacity_lost_tbps",
        "capacity to the core lost (Tbit/s)",
        "capacity lost Tbps",
        "Tbit/s",
        "capacity",
        "Capacity to the core lost, summed over the countries.",
    ),
    _M(
        "international_tbps_baseline",
        "first-hop international capacity before (Tbit/s)",
        "first-hop capacity before Tbps",
        "Tbit/s",
        "capacity",
        "Capacity of the country's cables that join one of its stations to another country, "
        "plus its land links, before the events.",
    ),
    _M(
        "international_tbps",
        "first-hop international capacity after (Tbit/s)",
        "first-hop capacity after Tbps",
        "Tbit/s",
        "capacity",
        "The same first-hop capacity after the events.",
    ),
    _M(
        "capacity_worst_region",
        "capacity to the core lost toward the worst-hit core region (%)",
        "capacity lost worst toward",
        "%",
        "capacity",
        "The core region toward which the country lost the largest share of its capacity, and "
        "that share.",
    ),
    _M(
        "latency_ms_baseline",
        "round trip to the core before (ms)",
        "RTT before ms",
        "ms",
        "latency",
        "Round-trip time over the shortest route to the nearest core node before the events.",
    ),
    _M(
        "latency_ms",
        "round trip to the core after (ms)",
        "RTT after ms",
        "ms",
        "latency",
        "Round-trip time over the shortest surviving route; empty when cut off.",
    ),
    _M(
        "latency_change_ms",
        "change of round trip to the core (ms)",
        "RTT change ms",
        "ms",
        "latency",
        "Round trip after minus before.",
    ),
)

MEASURES: dict[str, Measure] = {m.key: m for m in _TABLE}
"""Every measure by key (``loss_pct`` and regional columns: :func:`measure`)."""

HEADLINE_OF = {"traffic": TRAFFIC_LOSS, "capacity": CAPACITY_LOSS}
"""The measure ``loss_pct`` stands for, by a scenario's ``measure``."""

_REGION_PREFIX = "capacity_loss_pct_to_"


def headline(measure: str = "traffic") -> Measure:
    """The measure of ``loss_pct`` (and of ``status``) for a scenario's ``measure``.

    Parameters
    ----------
    measure
        ``"traffic"`` (default) or ``"capacity"``.

    Returns
    -------
    Measure
        The traffic or capacity loss, keyed ``loss_pct``.
    """
    try:
        return replace(HEADLINE_OF[measure], key="loss_pct")
    except KeyError:
        raise ValueError(f"measure {measure!r}: use 'traffic' or 'capacity'") from None


def region_key(region: str) -> str:
    """``"capacity_loss_pct_to_europe"``: the column of the capacity loss toward a core region."""
    return _REGION_PREFIX + re.sub(r"[^a-z0-9]+", "_", region.lower()).strip("_")


def region_measure(region: str) -> Measure:
    """The measure of the capacity loss toward one core region (``"Europe"``)."""
    return Measure(
        region_key(region),
        f"capacity to the core lost toward {region} (%)",
        f"capacity lost to {region} %",
        "%",
        "capacity",
        f"Share of the country's capacity to the core regions' hubs in {region} that the events "
        "removed (a capacity measure: the traffic model has no per-region split).",
    )


def measure(key: str, *, headline_of: str = "traffic") -> Measure:
    """The measure of a column or field.

    Parameters
    ----------
    key
        A key of :data:`MEASURES`, ``loss_pct`` or a regional column
        (``capacity_loss_pct_to_<region>``).
    headline_of
        The scenario's ``measure``, for ``loss_pct``.

    Raises
    ------
    KeyError
        For a key that is no measure.
    """
    if key == "loss_pct":
        return headline(headline_of)
    if key in MEASURES:
        return MEASURES[key]
    if key.startswith(_REGION_PREFIX):
        return region_measure(key[len(_REGION_PREFIX) :].replace("_", " ").title())
    raise KeyError(key)


def label(key: str, *, headline_of: str = "traffic") -> str:
    """The label of a measure (with its unit): ``label("demand_tbps")``."""
    return measure(key, headline_of=headline_of).label


def short(key: str, *, headline_of: str = "traffic") -> str:
    """The short column heading of a measure: ``short("capacity_loss_pct")``."""
    return measure(key, headline_of=headline_of).short


def table(*, headline_of: str | None = None) -> list[dict[str, Any]]:
    """Every measure as JSON-ready rows (key, label, short, unit, kind, meaning).

    With ``headline_of`` (a scenario's ``measure``) the table also has
    ``loss_pct``, labelled for that measure; the web API serves this table
    and the page labels its numbers with it.
    """
    rows = [m.to_dict() for m in _TABLE]
    if headline_of is not None:
        rows.insert(0, headline(headline_of).to_dict())
    return rows


def markdown_glossary(keys: list[str] | tuple[str, ...], *, headline_of: str = "traffic") -> str:
    """A Markdown list saying what each of ``keys`` means (``- `key` (label): meaning``)."""
    out = []
    for k in keys:
        try:
            m = measure(k, headline_of=headline_of)
        except KeyError:
            continue
        out.append(f"- `{k}` ({m.label}): {m.meaning}")
    return "\n".join(out)


__all__ = [
    "CAPACITY_LOSS",
    "HEADLINE_OF",
    "KINDS",
    "MEASURES",
    "TRAFFIC_LOSS",
    "Measure",
    "headline",
    "label",
    "markdown_glossary",
    "measure",
    "region_key",
    "region_measure",
    "short",
    "table",
]
