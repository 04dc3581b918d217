"""Timelines: events that start on given days and are repaired later.

An event with ``at`` (a date, or a day offset from the scenario's ``as_of``),
``repair_days`` or ``until`` makes the scenario a timeline. The network state
changes at every event start and every repair; :func:`simulate_timeline` runs
one :func:`cablesim.simulate` per state between two change points, so a new
event on top of an unrepaired one gives the compound state, and each repair
shows the recovery.

Timing rules
------------
* ``at: N`` counts N days from ``as_of`` (which is then required); ``at: DATE``
  is that day; no ``at`` means the start of the timeline (``as_of``, else the
  earliest dated event, else the network's date).
* ``repair_days: N`` or ``until: DATE`` ends the event; otherwise the default
  of :data:`REPAIR_ZONES` (by region and depth) or :data:`CONFLICT_ZONES`
  applies. ``options: {repair: none}`` leaves such events unrepaired to the end
  of the timeline; ``options: {repair: 30}`` gives them all 30 days.
* The network stays the one of the scenario's date throughout.

Default repair times
--------------------
Repairs are made by a small fleet of cable ships on standby under regional
maintenance agreements (ACMA in the Atlantic and North Sea, MECMA in the
Mediterranean, Black Sea and Red Sea, SEAIOCMA in South-East Asia and the
Indian Ocean, the Yokohama zone in the North Pacific). The International Cable
Protection Committee (ICPC) counts 150-200 cable faults a year, most in
shallow water from fishing gear and anchors; industry accounts give 1-2 weeks
for a ship to mobilise and reach a fault and a few days to a week for the
repair itself, more in deep water (the cable has to be grappled from the
seabed and a splice laid back down) and where permits, weather or security
hold the ship back. The defaults below follow that, checked against the
project's documented incidents (``../shared/data/events/events.yaml``):

* Baltic, November 2024: BCS East-West Interlink and C-Lion1 repaired within
  about two weeks (Delfi; Cinia).
* Somalia, June 2017: EASSy's Mogadishu branch cut on 24 June, repaired on
  17 July: 23 days (maritime-exec-2017, wargane-2017).
* Tonga, January 2022: the Tonga Cable restored after 38 days; the repair ship
  came from Papua New Guinea (AFP, Reuters).
* Red Sea, February 2024: SEACOM/TGN-EA, AAE-1 and EIG, cut in Yemeni waters
  during the Houthi attacks on shipping, stayed broken for months (Kentik;
  events.yaml ``2024-02-red-sea-rubymar``).

"Deep" means farther than :data:`DEEP_KM` from land (beyond a typical
continental shelf), a proxy: the dataset has no bathymetry. Several
simultaneous faults in one zone compete for the same ships (Hengchun 2006
took about seven weeks for 18 faults); that is not modelled.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cablesim.exceptions import CableSimError, OutputError
from cablesim.scenario import Event, Scenario, load_scenario

DEEP_KM = 50.0
"""An event point farther than this from land counts as deep water."""


@dataclass(frozen=True)
class RepairZone:
    """Default days from fault to restored service in one maintenance region."""

    zone_id: str
    name: str
    shallow_days: int
    deep_days: int
    basis: str


REPAIR_ZONES: dict[str, RepairZone] = {
    z.zone_id: z
    for z in (
        RepairZone(
            "europe-north-america",
            "Europe, the Mediterranean and North America",
            10,
            14,
            "dense ship coverage (ACMA, MECMA); Baltic 2024 cuts repaired within about two weeks",
        ),
        RepairZone(
            "east-asia",
            "East Asia",
            10,
            14,
            "Yokohama zone and SEAIOCMA ships based in Japan, Korea, China and Singapore",
        ),
        RepairZone(
            "south-asia-middle-east",
            "South and South-East Asia, the Gulf and the Middle East",
            14,
            21,
            "SEAIOCMA ships; longer transits across the Indian Ocean",
        ),
        RepairZone(
            "africa",
            "Sub-Saharan Africa",
            21,
            30,
            "few ships for the whole continent (e.g. the Leon Thevenin, based in Cape Town); "
            "EASSy at Mogadishu 2017: 23 days",
        ),
        RepairZone(
            "latin-america",
            "Latin America and the Caribbean",
            14,
            21,
            "ships on call from North America and Brazil",
        ),
        RepairZone(
            "australia-nz", "Australia and New Zealand", 14, 21, "SEAIOCMA and regional ships"
        ),
        RepairZone(
            "pacific-islands",
            "Pacific islands and remote ocean islands",
            30,
            40,
            "ships come from far away; Tonga 2022: 38 days",
        ),
        RepairZone(
            "other",
            "elsewhere",
            14,
            21,
            "industry typical: 1-2 weeks to reach a fault, a week to repair",
        ),
    )
}
"""Default repair times by maintenance region (days, shallow and deep water)."""

SUBREGION_ZONE: dict[str, str] = {
    "Northern Europe": "europe-north-america",
    "Western Europe": "europe-north-america",
    "Southern Europe": "europe-north-america",
    "Eastern Europe": "europe-north-america",
    "Northern America": "europe-north-america",
    "Northern Africa": "europe-north-america",
    "Eastern Asia": "east-asia",
    "South-Eastern Asia": "south-asia-middle-east",
    "Southern Asia": "south-asia-middle-east",
    "Western Asia": "south-asia-middle-east",
    "Central Asia": "south-asia-middle-east",
    "Western Africa": "africa",
    "Middle Africa": "africa",
    "Eastern Africa": "africa",
    "Southern Africa": "africa",
    "Caribbean": "latin-america",
    "Central America": "latin-america",
    "South America": "latin-america",
    "Australia and New Zealand": "australia-nz",
    "Melanesia": "pacific-islands",
    "Micronesia": "pacific-islands",
    "Polynesia": "pacific-islands",
    "Seven seas (open ocean)": "pacific-islands",
}
"""UN subregion of the country nearest an event -> repair zone (Northern Africa's coasts are
Mediterranean; the southern Red Sea is covered by :data:`CONFLICT_ZONES`)."""


@dataclass(frozen=True)
class ConflictZone:
    """An area and period in which repairs wait for permits and security."""

    zone_id: str
    name: str
    box: tuple[float, float, float, float]  # west lon, south lat, east lon, north lat
    start: dt.date
    end: dt.date | None
    days: int
    basis: str


CONFLICT_ZONES: tuple[ConflictZone, ...] = (
    ConflictZone(
        "red-sea-2023",
        "southern Red Sea, Bab el-Mandeb and the Gulf of Aden during the attacks on "
        "shipping (from 19 November 2023)",
        (36.0, 10.0, 52.0, 20.0),
        dt.date(2023, 11, 19),
        None,
        120,
        "SEACOM/TGN-EA, AAE-1 and EIG, cut there on 24 February 2024, stayed broken for months "
        "(Kentik; events.yaml 2024-02-red-sea-rubymar): about four months assumed",
    ),
)
"""Areas where repairs took months; they override :data:`REPAIR_ZONES` from their start date."""

REPAIR_MODES = ("table", "none")


# ------------------------------------------------------------------------------ validation


def validate_repair_option(ck, value: Any, path: tuple) -> None:
    """Check ``options.repair``: ``table`` (default), ``none`` or a number of days."""
    if isinstance(value, str) and value in REPAIR_MODES:
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        ck.number(value, path, high=3650)
        return
    ck.err(
        path,
        f"must be 'table' (default repair times by region), 'none' (never repaired) or a number "
        f"of days, got {value!r}",
    )


def _quiet_date(value: Any, *, offset: bool) -> dt.date | int | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if offset and 0 <= value <= 36500 else None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def validate_timing(ck, events_raw: Sequence[Any], as_of: dt.date | None) -> None:
    """Check the timing of a scenario's events against each other and ``as_of``.

    A day offset needs ``as_of``; a dated start may not precede ``as_of``; ``until``
    must come after the event's start. Problems go to the scenario checker
    ``ck`` with their file, line and field.
    """
    for i, item in enumerate(events_raw):
        if not isinstance(item, Mapping) or len(item) != 1:
            continue
        kind, body = next(iter(item.items()))
        if not isinstance(body, Mapping):
            continue
        p = ("events", i, kind)
        at = _quiet_date(body.get("at"), offset=True) if "at" in body else None
        if isinstance(at, int) and as_of is None:
            ck.err(
                (*p, "at"),
                f"a day offset ({at}) counts from the scenario's as_of, which is missing: "
                "add as_of at the top or give the date (YYYY-MM-DD)",
            )
            continue
        if isinstance(at, dt.date) and as_of is not None and at < as_of:
            ck.err(
                (*p, "at"),
                f"{at} is before the scenario's as_of ({as_of}); the network is the one "
                "of as_of, so move as_of earlier or the event later",
            )
            continue
        start = (
            (as_of + dt.timedelta(days=at))
            if isinstance(at, int) and as_of
            else (at if isinstance(at, dt.date) else as_of)
        )
        until = _quiet_date(body.get("until"), offset=False) if "until" in body else None
        if isinstance(until, dt.date) and start is not None and until <= start:
            ck.err((*p, "until"), f"{until} must be after the event's start ({start})")


# ------------------------------------------------------------------------------ schedule


@dataclass(frozen=True)
class Scheduled:
    """When one event starts and ends, and why.

    Attributes
    ----------
    index
        Position of the event in the scenario.
    event
        The event.
    start
        First day of the failure.
    end
        Day the repair lands (the state from that day on no longer holds the
        event); ``None`` when never repaired.
    repair_days
        ``end - start`` in days (``None`` when never repaired).
    basis
        Where the repair time comes from (given, table zone, conflict zone...).
    """

    index: int
    event: Event
    start: dt.date
    end: dt.date | None
    repair_days: int | None
    basis: str


def _event_point(network, event: Event) -> tuple[float, float, bool]:
    """(lon, lat, at_shore) of where an event happens, for the repair default."""
    p = event.params
    k = event.kind
    if k == "area":
        lat, lon = p["center"]
        return lon, lat, False
    if k == "cut":
        near = p["near"]
        if near[0] == "point":
            return near[2], near[1], False
        if near[0] == "chokepoint":
            cp = network.chokepoints
            pt = cp.loc[cp["chokepoint_id"] == near[1], "geometry"].iloc[0].representative_point()
            return pt.x, pt.y, False
        lps = network._all_landing_points
        pt = lps.loc[lps["landing_point_id"] == near[1], "geometry"].iloc[0]
        return pt.x, pt.y, False
    if k == "chokepoint":
        cp = network.chokepoints
        pt = cp.loc[cp["chokepoint_id"] == p["id"], "geometry"].iloc[0].representative_point()
        return pt.x, pt.y, False
    if k == "landing_point":
        lps = network._all_landing_points
        pt = lps.loc[lps["landing_point_id"] == p["id"], "geometry"].iloc[0]
        return pt.x, pt.y, True
    if k == "country":
        lm = network.landmasses
        row = lm[(lm["iso3"] == p["id"]) & (lm["landmass"] == 0)]
        if len(row):
            return float(row["hub_lon"].iloc[0]), float(row["hub_lat"].iloc[0]), True
        return 0.0, 0.0, True
    cid = p["cable"] if k == "degrade" else p["id"]
    segs = network.segments[network.segments["cable_id"] == cid]
    if len(segs):
        geom = segs.geometry.iloc[int(np.argmax(segs["length_km"].to_numpy()))]
        pt = geom.interpolate(0.5, normalized=True)
        return pt.x, pt.y, False
    return 0.0, 0.0, False


def default_repair(network, event: Event, start: dt.date) -> tuple[int, str]:
    """The default repair time of an event starting on ``start``: (days, basis text).

    A conflict zone of :data:`CONFLICT_ZONES` active at ``start`` wins; else the
    repair zone of the UN subregion of the nearest country (:data:`SUBREGION_ZONE`),
    shallow or deep by the distance from land (:data:`DEEP_KM`). Landing-station
    and country losses take the zone's shallow figure (service is restored on land).
    """
    from cablesim._whatif import nearest_country

    lon, lat, ashore = _event_point(network, event)
    for cz in CONFLICT_ZONES:
        w, s, e, n = cz.box
        if (
            w <= lon <= e
            and s <= lat <= n
            and start >= cz.start
            and (cz.end is None or start <= cz.end)
        ):
            return cz.days, f"default: conflict zone {cz.zone_id} ({cz.basis})"
    iso3, km = nearest_country(network, lon, lat)
    sub = dict(zip(network.countries["iso3"], network.countries["subregion"], strict=True)).get(
        iso3, ""
    )
    zone = REPAIR_ZONES[SUBREGION_ZONE.get(sub, "other")]
    deep = not ashore and km > DEEP_KM
    days = zone.deep_days if deep else zone.shallow_days
    where = (
        "on land"
        if ashore
        else (
            f"deep water, {km:,.0f} km from land"
            if deep
            else f"shallow water, {km:,.0f} km from land"
        )
    )
    return days, f"default: {zone.name}, {where} ({zone.basis})"


def _repair_option(scenario: Scenario) -> str | float:
    opts = scenario.document.get("options") if isinstance(scenario.document, Mapping) else None
    value = opts.get("repair", "table") if isinstance(opts, Mapping) else "table"
    return value


def timeline_start(scenario: Scenario, network) -> dt.date:
    """Day 0 of a timeline: ``as_of``, else the earliest dated event, else the network's date."""
    if scenario.as_of is not None:
        return scenario.as_of
    dated = [e.at for e in scenario.events if isinstance(e.at, dt.date)]
    return min(dated) if dated else network.as_of


def schedule(scenario: Scenario, network) -> list[Scheduled]:
    """When each event of a timeline starts and is repaired.

    Raises
    ------
    ScenarioError
        When a day offset is used without ``as_of`` (normally caught when loading).
    """
    from cablesim.exceptions import ScenarioError

    t0 = timeline_start(scenario, network)
    mode = _repair_option(scenario)
    out = []
    for i, ev in enumerate(scenario.events):
        if isinstance(ev.at, int) and not isinstance(ev.at, bool):
            if scenario.as_of is None:
                raise ScenarioError(
                    f"{scenario.source}: events[{i}].at: a day offset needs the scenario's as_of"
                )
            start = scenario.as_of + dt.timedelta(days=ev.at)
        elif isinstance(ev.at, dt.date):
            start = ev.at
        else:
            start = t0
        if ev.until is not None:
            end, basis = ev.until, f"given: until {ev.until}"
        elif ev.repair_days is not None:
            days = max(1, math.ceil(ev.repair_days))
            end, basis = start + dt.timedelta(days=days), f"given: repair_days {ev.repair_days:g}"
        elif mode == "none":
            end, basis = None, "not repaired (options.repair: none)"
        elif isinstance(mode, int | float) and not isinstance(mode, bool):
            days = max(1, math.ceil(mode))
            end, basis = start + dt.timedelta(days=days), f"options.repair: {mode:g} days"
        else:
            days, basis = default_repair(network, ev, start)
            end = start + dt.timedelta(days=days)
        out.append(
            Scheduled(
                index=i,
                event=ev,
                start=start,
                end=end,
                repair_days=None if end is None else (end - start).days,
                basis=basis,
            )
        )
    return out


# ------------------------------------------------------------------------------ results


@dataclass(frozen=True, eq=False)
class TimelineState:
    """The network state between two change points.

    Attributes
    ----------
    start, end
        First day of the state; first day of the next one (``None`` for the last).
    day
        ``start`` in days from the timeline's day 0.
    active, started, repaired
        Indices (into ``scenario.events``) of the events in effect, of those that
        began on ``start`` and of those repaired on ``start``.
    result
        The :class:`~cablesim.simulate.Result` of the active events together.
    """

    start: dt.date
    end: dt.date | None
    day: int
    active: tuple[int, ...]
    started: tuple[int, ...]
    repaired: tuple[int, ...]
    result: Any

    @property
    def label(self) -> str:
        """What changed on this state's first day, in words."""
        parts = []
        if self.started:
            parts.append(f"{len(self.started)} event{'s' if len(self.started) > 1 else ''} start")
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired")
        parts.append(f"{len(self.active)} in effect" if self.active else "everything repaired")
        return "; ".join(parts)


@dataclass(frozen=True, eq=False)
class TimelineResult:
    """The outcome of a timeline scenario.

    Attributes
    ----------
    scenario
        The scenario.
    network
        The network every state ran on (unchanged).
    start
        Day 0.
    schedule
        When each event starts and is repaired, and the basis of its repair time.
    states
        One :class:`TimelineState` per change point, in time order.
    warnings
        Anything the analyst should know.
    """

    scenario: Scenario
    network: Any
    start: dt.date
    schedule: tuple[Scheduled, ...]
    states: tuple[TimelineState, ...]
    warnings: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"<TimelineResult {self.scenario.name!r}: {len(self.states)} states from "
            f"{self.states[0].start if self.states else self.start}>"
        )

    # ---- tables
    @property
    def long(self) -> pd.DataFrame:
        """One row per (state, country): date, day, iso3, name, baseline, remaining, loss, status."""
        rows = []
        for st in self.states:
            c = st.result.countries
            rows.append(
                pd.DataFrame(
                    {
                        "date": st.start.isoformat(),
                        "day": st.day,
                        "iso3": c["iso3"].to_numpy(),
                        "name": c["name"].to_numpy(),
                        "baseline_tbps": c["baseline_tbps"].to_numpy(),
                        "remaining_tbps": c["remaining_tbps"].to_numpy(),
                        "loss_pct": c["loss_pct"].to_numpy(),
                        "status": c["status"].to_numpy(),
                        "was_isolated": c["was_isolated"].to_numpy(),
                    }
                )
            )
        if not rows:
            return pd.DataFrame(
                columns=[
                    "date",
                    "day",
                    "iso3",
                    "name",
                    "baseline_tbps",
                    "remaining_tbps",
                    "loss_pct",
                    "status",
                    "was_isolated",
                ]
            )
        return pd.concat(rows, ignore_index=True)

    @property
    def table(self) -> pd.DataFrame:
        """Country x time: columns ``(metric, date)`` for remaining_tbps, loss_pct and status.

        ``table["status"]`` is the status of every country at every change
        point; ``table["remaining_tbps"]`` its capacity to the core.
        """
        lg = self.long
        wide = lg.pivot(
            index="iso3", columns="date", values=["remaining_tbps", "loss_pct", "status"]
        )
        order = [st.start.isoformat() for st in self.states]
        return wide.reindex(
            columns=pd.MultiIndex.from_product([["remaining_tbps", "loss_pct", "status"], order])
        )

    def worst(self, n: int = 8) -> list[str]:
        """ISO3 codes of the ``n`` countries with the largest loss at any time (then longest hit)."""
        lg = self.long
        lg = lg[~lg["was_isolated"].astype(bool)]
        if lg.empty:
            return []
        agg = lg.groupby("iso3").agg(peak=("loss_pct", "max"), mean=("loss_pct", "mean"))
        agg = agg[agg["peak"] > 0].sort_values(["peak", "mean"], ascending=False)
        return agg.index[:n].tolist()

    @property
    def peak(self) -> TimelineState:
        """The state with the most country-to-core capacity lost."""
        return max(self.states, key=lambda s: s.result.summary()["capacity_lost_tbps"])

    def recovery(self) -> pd.DataFrame:
        """Per affected country: worst status and loss, when, and when it recovered.

        ``recovered`` is the first change point after the worst one at which
        the country is back to ``unaffected`` (``None`` if it never is).
        """
        rows = []
        lg = self.long
        for iso3, g in lg[~lg["was_isolated"].astype(bool)].groupby("iso3", sort=False):
            g = g.sort_values("day")
            if g["loss_pct"].max() < 10.0 - 1e-9 and not (g["status"] == "isolated").any():
                continue
            k = int(np.argmax(g["loss_pct"].to_numpy()))
            worst = g.iloc[k]
            after = g.iloc[k + 1 :]
            back = after[after["status"] == "unaffected"]
            first_hit = g[g["status"] != "unaffected"].iloc[0]
            rec = back.iloc[0]["date"] if len(back) else None
            rows.append(
                {
                    "iso3": iso3,
                    "name": worst["name"],
                    "worst_status": worst["status"],
                    "worst_loss_pct": float(worst["loss_pct"]),
                    "worst_date": worst["date"],
                    "first_hit": first_hit["date"],
                    "recovered": rec,
                    "days_affected": (
                        dt.date.fromisoformat(rec) - dt.date.fromisoformat(first_hit["date"])
                    ).days
                    if rec
                    else None,
                }
            )
        df = pd.DataFrame(
            rows,
            columns=[
                "iso3",
                "name",
                "worst_status",
                "worst_loss_pct",
                "worst_date",
                "first_hit",
                "recovered",
                "days_affected",
            ],
        )
        return df.sort_values(["worst_loss_pct", "iso3"], ascending=[False, True]).reset_index(
            drop=True
        )

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready plain data."""
        from cablesim._plain import plain_record as _clean
        from cablesim.simulate import scenario_dict

        return {
            "scenario": {
                **scenario_dict(self.scenario, self.network),
                "start": self.start.isoformat(),
                "events": [
                    {
                        "index": s.index,
                        "kind": s.event.kind,
                        "label": s.event.label,
                        "start": s.start.isoformat(),
                        "end": s.end.isoformat() if s.end else None,
                        "repair_days": s.repair_days,
                        "repair_basis": s.basis,
                    }
                    for s in self.schedule
                ],
            },
            "states": [
                {
                    "start": st.start.isoformat(),
                    "end": st.end.isoformat() if st.end else None,
                    "day": st.day,
                    "active": list(st.active),
                    "started": list(st.started),
                    "repaired": list(st.repaired),
                    "summary": st.result.summary(),
                    "failed_cables": [
                        _clean(r) for r in st.result.failed_cables.to_dict("records")
                    ],
                    "countries": [_clean(r) for r in st.result.affected.to_dict("records")],
                }
                for st in self.states
            ],
            "recovery": [_clean(r) for r in self.recovery().to_dict("records")],
            "notes": self.notes,
            "warnings": list(self.warnings),
        }

    @property
    def notes(self) -> list[str]:
        """The model's assumptions (as for one result) plus the timeline's own."""
        base = list(self.states[0].result.notes) if self.states else []
        return [
            *base,
            f"Timeline: day 0 is {self.start}; the network stays the one of {self.network.as_of} "
            "throughout. A state lasts from one change point (an event starts or is repaired) to the next.",
            "Repair times not given in the scenario come from cablesim's default table by region and "
            f"depth (deep = more than {DEEP_KM:g} km from land) and from conflict zones; see "
            "cablesim.timeline.",
        ]


def simulate_timeline(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any], network=None
) -> TimelineResult:
    """Simulate a timeline scenario state by state.

    Parameters
    ----------
    scenario
        A :class:`~cablesim.scenario.Scenario` or anything
        :func:`cablesim.load_scenario` accepts. A scenario without timing is a
        timeline of one state.
    network
        The network to run on (default: the bundled one at the scenario's date,
        extended by its ``add:`` list); never modified.

    Returns
    -------
    TimelineResult
        One state per change point; a state repeated later (the same events in
        effect) reuses its result.

    Examples
    --------
    >>> import cablesim
    >>> from cablesim.timeline import simulate_timeline
    >>> tl = simulate_timeline({"name": "t", "as_of": "2022-01-15", "events": [
    ...     {"cable": {"id": "tonga-cable", "at": 0, "repair_days": 38}}]})
    >>> [(s.day, s.result.country("TON")["status"]) for s in tl.states]
    [(0, 'isolated'), (38, 'unaffected')]
    """
    from cablesim.simulate import network_for, simulate

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, network=network)
    net = network_for(scenario, network)
    sched = schedule(scenario, net)
    t0 = timeline_start(scenario, net)
    points = sorted({s.start for s in sched} | {s.end for s in sched if s.end is not None})
    cache: dict[tuple[int, ...], Any] = {}
    states: list[TimelineState] = []
    for k, cp in enumerate(points):
        active = tuple(s.index for s in sched if s.start <= cp and (s.end is None or s.end > cp))
        if states and states[-1].active == active:
            continue
        if active not in cache:
            sub = replace(scenario, events=tuple(scenario.events[i] for i in active))
            cache[active] = simulate(sub, network=net)
        started = tuple(s.index for s in sched if s.start == cp)
        repaired = tuple(s.index for s in sched if s.end == cp)
        end = points[k + 1] if k + 1 < len(points) else None
        states.append(
            TimelineState(
                start=cp,
                end=end,
                day=(cp - t0).days,
                active=active,
                started=started,
                repaired=repaired,
                result=cache[active],
            )
        )
    # the end of a state is the start of the next kept one
    fixed = []
    for i, st in enumerate(states):
        nxt = states[i + 1].start if i + 1 < len(states) else None
        fixed.append(replace(st, end=nxt))
    warnings = []
    if scenario.as_of is None and any(isinstance(e.at, dt.date) for e in scenario.events):
        warnings.append(
            f"no as_of: the network is the one of {net.as_of}, while the events are dated "
            f"from {min(s.start for s in sched)}; set as_of to the first event's date"
        )
    seen = set()
    for st in fixed:
        for w in st.result.warnings:
            if w not in seen:
                seen.add(w)
                warnings.append(w)
    return TimelineResult(
        scenario=scenario,
        network=net,
        start=t0,
        schedule=tuple(sched),
        states=tuple(fixed),
        warnings=warnings,
    )


# ------------------------------------------------------------------------------ reports


def to_json(tl: TimelineResult) -> str:
    """The timeline as JSON text (:meth:`TimelineResult.to_dict`)."""
    return (
        json.dumps(tl.to_dict(), indent=2, ensure_ascii=False, allow_nan=False, default=str) + "\n"
    )


def to_csv(tl: TimelineResult) -> str:
    """One row per (change point, country)."""
    buf = io.StringIO()
    tl.long.to_csv(buf, index=False, float_format="%.6g")
    return buf.getvalue()


def _what_changed(tl: TimelineResult, st: TimelineState) -> list[str]:
    ev = tl.scenario.events
    out = [f"starts: {ev[i].label}" for i in st.started]
    out += [f"repaired: {ev[i].label}" for i in st.repaired]
    return out


def to_markdown(tl: TimelineResult, *, limit: int = 25, explanation: str | None = None) -> str:
    """A Markdown report: schedule, one table per change point, recovery, assumptions.

    ``explanation`` (the plain-language account of the worst state, as
    :func:`write` gives it) goes in a section of its own.
    """
    from cablesim.report import _md_closing, _md_table, _md_title, summary_paragraph

    sc = tl.scenario
    out = _md_title(sc)
    out += [
        f"Timeline from **{tl.start}**, network as of **{tl.network.as_of}**; core: "
        f"{', '.join(sc.core)}.",
        "",
        "## Events and repairs",
        "",
    ]
    sched = pd.DataFrame(
        [
            {
                "event": s.event.label,
                "starts": s.start.isoformat(),
                "repaired": s.end.isoformat() if s.end else "not repaired",
                "days": s.repair_days,
                "repair time from": s.basis,
            }
            for s in tl.schedule
        ]
    )
    out += [_md_table(sched), ""]
    for st in tl.states:
        out += [f"## {st.start} (day {st.day}): {st.label}", ""]
        out += [f"- {c}" for c in _what_changed(tl, st)] + [""]
        out += [summary_paragraph(st.result), ""]
        aff = st.result.affected[
            ["iso3", "name", "status", "loss_pct", "baseline_tbps", "remaining_tbps"]
        ]
        if len(aff):
            out += [_md_table(aff.head(limit).reset_index(drop=True)), ""]
    rec = tl.recovery()
    out += ["## Recovery", ""]
    out += [_md_table(rec) if len(rec) else "No country lost 10% or more at any time.", ""]
    if explanation:
        peak = tl.peak
        out += [f"## Explanation of the worst state ({peak.start}, day {peak.day})", ""]
        out += [explanation, ""]
    out += _md_closing(tl.warnings, tl.notes)
    return "\n".join(out)


def write(tl: TimelineResult, path: str | os.PathLike[str]) -> Path:
    """Write the timeline as JSON, CSV or Markdown by the file's suffix (atomically)."""
    from cablesim.report import _scenario_file, write_atomic

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".json":
        text = to_json(tl)
    elif suffix == ".csv":
        text = to_csv(tl)
    elif suffix in (".md", ".markdown"):
        from cablesim.explain import explain

        text = to_markdown(tl, explanation=explain(tl.peak.result))
    else:
        raise OutputError(
            f"{p}: unknown output format {suffix or '(none)'!r}; use .json, .csv or .md"
        )
    return write_atomic(p, text, protect=_scenario_file(tl.scenario))


def render_terminal(tl: TimelineResult, *, console=None, limit: int = 12) -> None:
    """Print the timeline: schedule, a table per change point, the worst-hit countries over time."""
    from rich.console import Console
    from rich.table import Table

    from cablesim._text import esc
    from cablesim.report import STATUS_STYLE, _fmt_tbps, summary_paragraph

    con = console or Console()
    sc = tl.scenario
    con.print(
        f"[bold]{esc(sc.name)}[/bold]  (timeline from {tl.start}, network as of {tl.network.as_of}, "
        f"core {', '.join(sc.core)})"
    )
    if sc.description:
        con.print(esc(sc.description.strip()), style="dim")
    con.print()
    t = Table(title="Events and repairs", title_justify="left", show_edge=False)
    for col in ("event", "starts", "repaired", "days", "repair time from"):
        t.add_column(col, justify="right" if col == "days" else "left")
    for s in tl.schedule:
        t.add_row(
            esc(s.event.label),
            s.start.isoformat(),
            s.end.isoformat() if s.end else "never",
            "" if s.repair_days is None else str(s.repair_days),
            s.basis,
        )
    con.print(t)
    for st in tl.states:
        con.print()
        until = f" until {st.end}" if st.end else ""
        con.print(f"[bold]{st.start}[/bold] (day {st.day}{until}): {esc(st.label)}")
        for c in _what_changed(tl, st):
            con.print(f"  • {esc(c)}")
        aff = st.result.affected
        if len(aff):
            tt = Table(show_edge=False)
            for col in ("country", "status", "loss %", "before Tbps", "now Tbps"):
                tt.add_column(col, justify="left" if col in ("country", "status") else "right")
            for r in aff.head(limit).itertuples():
                tt.add_row(
                    esc(f"{r.name} ({r.iso3})"),
                    f"[{STATUS_STYLE[r.status]}]{r.status}[/]",
                    f"{r.loss_pct:.1f}",
                    _fmt_tbps(r.baseline_tbps),
                    _fmt_tbps(r.remaining_tbps),
                )
            con.print(tt)
            if len(aff) > limit:
                con.print(f"  … and {len(aff) - limit} more", style="dim")
        else:
            con.print("  No country lost 10% or more of its capacity to the core.")
        con.print(f"  {esc(summary_paragraph(st.result))}", style="dim")
    worst = tl.worst(10)
    if worst:
        con.print()
        t = Table(
            title="Worst hit over time: loss of capacity to the core (%)",
            title_justify="left",
            show_edge=False,
        )
        t.add_column("country")
        for st in tl.states:
            t.add_column(st.start.strftime("%d %b %y"), justify="right")
        lg = tl.long.set_index(["iso3", "date"])
        names = tl.network.country_names
        for iso in worst:
            cells = []
            for st in tl.states:
                r = lg.loc[(iso, st.start.isoformat())]
                cells.append(f"[{STATUS_STYLE[r['status']]}]{r['loss_pct']:.0f}[/]")
            t.add_row(esc(f"{names.get(iso, iso)} ({iso})"), *cells)
        con.print(t)
    for w in tl.warnings:
        con.print(f"[yellow]! {esc(w)}[/yellow]")
    con.print()
    con.print("[bold]Assumptions[/bold]", style="dim")
    for n in tl.notes:
        con.print(f"  - {esc(n)}", style="dim")


# ------------------------------------------------------------------------------ figures


def plot_timeline(
    tl: TimelineResult,
    *,
    ax=None,
    countries: Sequence[str] | None = None,
    n: int = 8,
    relative: bool = True,
    title: str | None = None,
):
    """Chart of the worst-hit countries' capacity to the core over time.

    Parameters
    ----------
    tl
        From :func:`simulate_timeline`.
    ax
        Draw into these axes (else a new figure).
    countries
        ISO3 codes to draw (default: the ``n`` worst hit, :meth:`TimelineResult.worst`).
    relative
        Percent of each country's baseline (default) or Tbit/s.
    title
        Title (default: the scenario's name).

    Returns
    -------
    fig, ax
    """
    import matplotlib.dates as mdates

    if ax is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(12, 6.5), dpi=120)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    codes = list(countries) if countries is not None else tl.worst(n)
    lg = tl.long.set_index(["iso3", "date"])
    dates = [st.start for st in tl.states]
    last = tl.states[-1].start if tl.states else tl.start
    tail = (
        last + dt.timedelta(days=max(7, int(0.08 * max((last - dates[0]).days, 1))))
        if dates
        else last
    )
    xs = [*dates, tail]
    names = tl.network.country_names
    for iso in codes:
        ys = []
        for d in dates:
            r = lg.loc[(iso, d.isoformat())]
            base = float(r["baseline_tbps"])
            v = float(r["remaining_tbps"])
            ys.append(100.0 * v / base if relative and base > 0 else v)
        ax.step(
            xs, [*ys, ys[-1]], where="post", linewidth=2, label=f"{names.get(iso, iso)} ({iso})"
        )
    ev = tl.scenario.events
    ymax = 105 if relative else None
    starts: dict[dt.date, list[str]] = {}
    for s in tl.schedule:
        starts.setdefault(s.start, []).append(ev[s.index].label)
        if s.end is not None:
            ax.axvline(s.end, color="#1b7837", linestyle=":", linewidth=0.8, alpha=0.7)
    for day, labels in starts.items():
        ax.axvline(day, color="#b00020", linestyle="--", linewidth=0.8, alpha=0.7)
        text = labels[0] if len(labels) == 1 else f"{len(labels)} events: {labels[0]}…"
        ax.annotate(
            _short(text, 48),
            (day, 0.03),
            xycoords=("data", "axes fraction"),
            rotation=90,
            va="bottom",
            ha="right",
            fontsize=7,
            color="#b00020",
        )
    if relative:
        ax.set_ylim(-3, ymax)
        ax.set_ylabel("capacity to the core (% of baseline)")
    else:
        ax.set_ylabel("capacity to the core (Tbit/s)")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_ha("right")
    ax.grid(alpha=0.3)
    ax.set_title(title or f"{tl.scenario.name}: capacity to the core over time", fontsize=11)
    if codes:
        ax.legend(loc="lower right", fontsize=8, ncol=2)
    ax.text(
        0.0,
        -0.2,
        "dashed red: event starts; dotted green: repairs",
        transform=ax.transAxes,
        fontsize=7,
        color="#555555",
    )
    fig.tight_layout()
    return fig, ax


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def plot_timeline_map(
    tl: TimelineResult,
    *,
    region: Any = None,
    ncols: int | None = None,
    states: Sequence[int] | None = None,
    panel_size: tuple[float, float] | None = None,
    dpi: float | None = None,
):
    """Small multiples: one impact map per change point (:func:`cablesim.maps.plot_impact`).

    Parameters
    ----------
    tl
        From :func:`simulate_timeline`.
    region
        Zoom every panel (see :func:`cablesim.maps.parse_region`).
    ncols
        Panels per row (default: up to 3).
    states
        Which states to draw (indices; default all, at most 12).
    panel_size
        Size of one panel in inches (default: from the region's shape).

    Returns
    -------
    fig, axes
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from cablesim import maps

    idx = list(states) if states is not None else list(range(min(len(tl.states), 12)))
    if not idx:
        raise CableSimError("the timeline has no state to draw")
    if panel_size is None:
        box = maps.parse_region(region) if region is not None else None
        if box is None:
            aspect = 2.0
        else:
            w, s, e, n = box
            aspect = (e - w) * math.cos(math.radians((s + n) / 2.0)) / max(n - s, 1.0)
        height = 4.0
        panel_size = (min(max(height * aspect * 1.05, 3.2), 9.0), height + 0.5)
    ncols = ncols or min(4 if panel_size[0] < 4.5 else 3, len(idx))
    nrows = math.ceil(len(idx) / ncols)
    fig = Figure(figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 0.8), dpi=dpi or 110)
    FigureCanvasAgg(fig)
    axes = []
    for k, i in enumerate(idx):
        st = tl.states[i]
        ax = fig.add_subplot(nrows, ncols, k + 1)
        maps.plot_impact(
            st.result,
            ax=ax,
            region=region,
            legend=False,
            attribution=False,
            title=f"{st.start} (day {st.day})",
            labels=4,
        )
        ax.title.set_fontsize(9)
        ax.title.set_fontweight("bold")
        for text in ax.texts:  # the impact subtitle: what changed and what is in effect, smaller
            if text.get_transform() == ax.transAxes and text.get_position()[1] > 1.0:
                text.set_text(_short(st.label + " · " + text.get_text(), 90))
                text.set_fontsize(6)
        axes.append(ax)
    fig.suptitle(tl.scenario.name, fontsize=12)
    fig.text(0.5, 0.005, maps.ATTRIBUTION, ha="center", fontsize=6, color="#666666")
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.03, top=0.92, wspace=0.04, hspace=0.22)
    return fig, axes


def _default_region(tl: TimelineResult) -> tuple[float, float, float, float] | None:
    """A box around every failed segment of the timeline (padded), or None for the world."""
    boxes = []
    for st in tl.states:
        fs = st.result.failed_segments
        if len(fs):
            boxes.append(fs.total_bounds)
        aff = st.result.affected
        if len(aff):
            c = tl.network.countries
            sub = c[c["iso3"].isin(aff["iso3"])]
            if len(sub):
                boxes.append(sub.total_bounds)
    if not boxes:
        return None
    b = np.array(boxes)
    w, s, e, n = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    if e - w > 200:
        return None
    pad = 5.0
    return (max(w - pad, -180.0), max(s - pad, -85.0), min(e + pad, 180.0), min(n + pad, 85.0))


def run_cli(
    sc: Scenario,
    *,
    as_json: bool = False,
    output: Sequence[str] = (),
    plot_file: str | None = None,
    map_file: str | None = None,
    html_file: str | None = None,
    map_options: Mapping[str, Any] | None = None,
    console=None,
) -> TimelineResult:
    """What ``cablesim run`` does with a timeline scenario (files, then the report)."""
    import click

    from cablesim import maps
    from cablesim.report import _scenario_file

    tl = simulate_timeline(sc)
    opts = dict(map_options or {})
    protect = _scenario_file(tl.scenario)
    for out in output:
        click.echo(f"wrote {write(tl, out)}", err=True)
    if plot_file:
        maps._check_suffix(plot_file)
        fig, _ = plot_timeline(tl)
        click.echo(
            f"wrote {maps.save_figure(fig, plot_file, dpi=opts.get('dpi'), protect=protect)}",
            err=True,
        )
    if map_file:
        maps._check_suffix(map_file)
        region = opts.get("region") or _default_region(tl)
        fig, _ = plot_timeline_map(tl, region=region, dpi=opts.get("dpi"))
        click.echo(
            f"wrote {maps.save_figure(fig, map_file, dpi=opts.get('dpi'), protect=protect)}",
            err=True,
        )
    if html_file:
        from cablesim.report import write_html

        peak = tl.peak
        click.echo(
            f"wrote {write_html(peak.result, html_file)} (the state of {peak.start}, the worst)",
            err=True,
        )
    if as_json:
        click.echo(to_json(tl), nl=False)
    else:
        render_terminal(tl, console=console)
    return tl


__all__ = [
    "CONFLICT_ZONES",
    "DEEP_KM",
    "REPAIR_ZONES",
    "SUBREGION_ZONE",
    "ConflictZone",
    "RepairZone",
    "Scheduled",
    "TimelineResult",
    "TimelineState",
    "default_repair",
    "plot_timeline",
    "plot_timeline_map",
    "render_terminal",
    "run_cli",
    "schedule",
    "simulate_timeline",
    "to_csv",
    "to_json",
    "to_markdown",
    "validate_repair_option",
    "validate_timing",
    "write",
]
