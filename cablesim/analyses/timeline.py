"""Timelines: events that start on given days and are repaired later.

An event with ``at`` (a date, or a day offset from the scenario's ``as_of``),
``repair_days`` or ``until`` makes the scenario a timeline. The network state
changes at every event start and every repair; :func:`simulate_timeline` runs
one :func:`cablesim.engine.simulate` per state between two change points, so a new
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
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from cablesim import _limits
from cablesim import measures as _measures
from cablesim._format import plain_record as _clean
from cablesim.engine import metrics
from cablesim.engine.simulate import network_for, scenario_dict, simulate
from cablesim.engine.traffic import REROUTE_DAYS
from cablesim.exceptions import ScenarioError
from cablesim.network.whatif import nearest_country
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


# ------------------------------------------------------------------------------ validation


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
        lps = network.all_landing_points
        pt = lps.loc[lps["landing_point_id"] == near[1], "geometry"].iloc[0]
        return pt.x, pt.y, False
    if k == "chokepoint":
        cp = network.chokepoints
        pt = cp.loc[cp["chokepoint_id"] == p["id"], "geometry"].iloc[0].representative_point()
        return pt.x, pt.y, False
    if k == "landing_point":
        lps = network.all_landing_points
        pt = lps.loc[lps["landing_point_id"] == p["id"], "geometry"].iloc[0]
        return pt.x, pt.y, True
    if k == "country":
        lm = network.landmasses
        row = lm[(lm["iso3"] == p["id"]) & (lm["landmass"] == 0)]
        if len(row):
            return float(row["hub_lon"].iloc[0]), float(row["hub_lat"].iloc[0]), True
        return 0.0, 0.0, True
    if k == "land_link":  # repaired on land: the middle of the (first) link cut
        if "near" in p:
            return p["near"][1], p["near"][0], True
        t = network.terrestrial_links
        if "between" in p:
            a, b = p["between"]
            t = t[t["link_id"].isin(network.land_links_between(a, b))]
        else:
            t = t[t["link_id"] == p["id"]]
        if len(t):
            pt = t.geometry.iloc[0].interpolate(0.5, normalized=True)
            return pt.x, pt.y, True
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
    shallow or deep by the distance from land (:data:`DEEP_KM`). Landing-station,
    country and land-link losses take the zone's shallow figure (service is restored on
    land).
    """

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
        The :class:`~cablesim.engine.simulate.Result` of the active events together.
    rerouted
        Whether every active event began at least
        :data:`cablesim.engine.traffic.REROUTE_DAYS` days before ``start``: the
        result's ``loss_pct`` is then the rerouted horizon, else the immediate one.
    """

    start: dt.date
    end: dt.date | None
    day: int
    active: tuple[int, ...]
    started: tuple[int, ...]
    repaired: tuple[int, ...]
    result: Any
    rerouted: bool = False

    @property
    def label(self) -> str:
        """What changed on this state's first day, in words."""
        parts = []
        if self.started:
            parts.append(f"{len(self.started)} event{'s' if len(self.started) > 1 else ''} start")
        if self.repaired:
            parts.append(f"{len(self.repaired)} repaired")
        if self.rerouted and not self.started and not self.repaired:
            parts.append("traffic rerouted")
        parts.append(f"{len(self.active)} in effect" if self.active else "everything repaired")
        return "; ".join(parts)


def _affected_frame(result: Any) -> list[dict[str, Any]]:
    """The affected countries' rows of :meth:`Result.to_frame` (flat: one column per measure)."""
    frame = result.to_frame()
    return frame[frame["iso3"].isin(result.affected["iso3"])].to_dict("records")


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
        """One row per (state, country): date, day, iso3, name, baseline, remaining, losses, status.

        ``loss_pct`` is the headline (the scenario's ``measure``: traffic by default),
        ``capacity_loss_pct`` the capacity loss; see :mod:`cablesim.measures`.
        """
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
                        "capacity_loss_pct": c["capacity_loss_pct"].to_numpy(),
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
                    "capacity_loss_pct",
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
                    "countries": [_clean(r) for r in _affected_frame(st.result)],
                }
                for st in self.states
            ],
            "recovery": [_clean(r) for r in self.recovery().to_dict("records")],
            "notes": self.notes,
            "warnings": list(self.warnings),
            "measures": _measures.table(headline_of=self.scenario.measure),
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
            "cablesim.analyses.timeline.",
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
    >>> from cablesim.analyses.timeline import simulate_timeline
    >>> tl = simulate_timeline({"name": "t", "as_of": "2022-01-15", "events": [
    ...     {"cable": {"id": "tonga-cable", "at": 0, "repair_days": 38}}]})
    >>> [(s.day, s.result.country("TON")["status"]) for s in tl.states]
    [(0, 'isolated'), (7, 'isolated'), (38, 'unaffected')]
    """

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, network=network)
    net = network_for(scenario, network)
    sched = schedule(scenario, net)
    t0 = timeline_start(scenario, net)
    # traffic is rerouted REROUTE_DAYS after a cut: the first days use the immediate horizon
    reroute = dt.timedelta(days=REROUTE_DAYS)
    points = sorted(
        {s.start for s in sched}
        | {s.end for s in sched if s.end is not None}
        | {
            s.start + reroute
            for s in sched
            if scenario.measure == "traffic" and (s.end is None or s.end > s.start + reroute)
        }
    )
    if len(points) > _limits.MAX_TIMELINE_POINTS:  # each point is a simulation: refuse first
        raise ScenarioError(
            f"{scenario.source}: the timeline has {len(points):,} change points (starts, "
            f"repairs, reroutes); the limit is {_limits.MAX_TIMELINE_POINTS:,} (each is a "
            "simulation): give fewer dates, or group events that start together"
        )
    cache: dict[tuple, Any] = {}
    states: list[TimelineState] = []
    for k, cp in enumerate(points):
        active = tuple(s.index for s in sched if s.start <= cp and (s.end is None or s.end > cp))
        settled = bool(active) and all(cp - s.start >= reroute for s in sched if s.index in active)
        key = (active, settled)
        if states and states[-1].active == active and states[-1].rerouted == settled:
            continue
        if key not in cache:
            if active not in cache:
                sub = replace(scenario, events=tuple(scenario.events[i] for i in active))
                cache[active] = simulate(sub, network=net)
            cache[key] = rerouted_result(cache[active]) if settled else cache[active]
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
                result=cache[key],
                rerouted=settled,
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


# ------------------------------------------------------------------------------ figures


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
    "schedule",
    "simulate_timeline",
]


def rerouted_result(result):
    """A :class:`~cablesim.engine.simulate.Result` whose headline is the rerouted horizon.

    Used by timelines from :data:`REROUTE_DAYS` after the cuts; the input is not
    modified. A result with ``measure: capacity`` is returned as is.
    """
    if result.scenario.measure != "traffic":
        return result
    c = result.countries.copy()
    c["loss_pct"] = c["loss_pct_rerouted"]
    c["served_tbps"] = np.where(
        c["isolated"], 0.0, (c["demand_tbps"] * (1 - c["loss_pct_rerouted"] / 100.0)).round(4)
    )
    c["status"] = [
        metrics.status_of(loss, iso) for loss, iso in zip(c["loss_pct"], c["isolated"], strict=True)
    ]
    order = {s: i for i, s in enumerate(metrics.STATUSES)}
    c = (
        c.assign(_o=c["status"].map(order))
        .sort_values(["_o", "loss_pct", "iso3"], ascending=[True, False, True])
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    notes = [*result.notes, f"Traffic rerouted (day {REROUTE_DAYS} after the cuts and later)."]
    return replace(result, countries=c, notes=notes)
