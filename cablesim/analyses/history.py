"""Validation against history: replay documented incidents and score the model.

Each file in ``scenarios/history/`` places the cuts of one incident where the
sources put them, on the network as of its date, and carries a ``reported:``
block: what the sources said about each country (severity ``total``,
``near_total``, ``severe``, ``moderate``, ``minor`` or ``none``), with source
ids. The model runs the scenario (every event at once: the worst compound
state) without knowing the reported block, and is scored against it:

* **in band**: the model's loss for a reported country lies in the band of the
  reported severity (:data:`BANDS`). Reported figures are per operator, per
  route or share of users, never national capacity, so the bands are wide and
  the ordering matters more than the numbers;
* **cut off**: countries reported with a total or near-total loss must come
  out isolated or severe;
* **calm**: for incidents the network absorbed (no country reported worse
  than minor), no country may come out isolated or severe;
* **false alarms**: countries the model isolates that no source reported;
* **ordering**: of the pairs of reported countries with different severities,
  the share the model orders the same way (ties count half).
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cablesim._format import worst_region
from cablesim.engine.simulate import Result, simulate
from cablesim.engine.state import Options, traffic_model
from cablesim.exceptions import ScenarioError
from cablesim.network import load_network
from cablesim.scenario import DEFAULT_CORE, Scenario, bundled_scenarios, load_scenario

SEVERITY_RANK = {"none": 0, "minor": 1, "moderate": 2, "severe": 3, "near_total": 4, "total": 5}
BANDS: dict[str, tuple[float, float]] = {
    "total": (50.0, 100.0),
    "near_total": (50.0, 100.0),
    "severe": (25.0, 100.0),
    "moderate": (5.0, 60.0),
    "minor": (0.0, 25.0),
    "none": (0.0, 10.0),
}
"""Model loss (percent of capacity to the core) that agrees with each reported severity."""


@dataclass
class EventScore:
    """The score of one incident."""

    scenario: Scenario
    result: Result
    table: pd.DataFrame  # one row per reported country
    false_alarms: list[str]
    calm_expected: bool
    calm: bool
    ordering: float | None

    @property
    def in_band(self) -> int:
        return int(self.table["in_band"].sum())

    @property
    def cut_off_hits(self) -> tuple[int, int]:
        cut = self.table[self.table["severity"].isin(["total", "near_total"])]
        return int(cut["in_band"].sum()), len(cut)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": (self.scenario.reported or {}).get("event_id"),
            "name": self.scenario.name,
            "as_of": str(self.result.network.as_of),
            "in_band": self.in_band,
            "reported": len(self.table),
            "cut_off": list(self.cut_off_hits),
            "calm_expected": self.calm_expected,
            "calm": self.calm,
            "false_alarms": self.false_alarms,
            "ordering": self.ordering,
            "countries": [
                {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                for r in self.table.to_dict("records")
            ],
        }


@dataclass
class HistoryReport:
    """Scores of every incident."""

    events: list[EventScore] = field(default_factory=list)
    sensitivity: list = field(default_factory=list)  # (target, reached, summary) per value

    def summary(self) -> dict[str, Any]:
        reported = sum(len(e.table) for e in self.events)
        in_band = sum(e.in_band for e in self.events)
        cut_hit = sum(e.cut_off_hits[0] for e in self.events)
        cut_all = sum(e.cut_off_hits[1] for e in self.events)
        calm_expected = [e for e in self.events if e.calm_expected]
        orderings = [e.ordering for e in self.events if e.ordering is not None]
        return {
            "events": len(self.events),
            "reported_facts": reported,
            "in_band": in_band,
            "in_band_share": round(in_band / reported, 3) if reported else None,
            "cut_off_hits": cut_hit,
            "cut_off_reported": cut_all,
            "absorbed_events": len(calm_expected),
            "absorbed_calm": sum(e.calm for e in calm_expected),
            "false_alarms": sum(len(e.false_alarms) for e in self.events),
            "mean_ordering": round(sum(orderings) / len(orderings), 3) if orderings else None,
        }

    def summary_line(self) -> str:
        s = self.summary()

        def pct(v: float | None) -> str:  # None: nothing to score (one fact, no pair to order)
            return "n/a" if v is None else f"{v:.0%}"

        return (
            f"{s['in_band']} of {s['reported_facts']} reported country facts in band "
            f"({pct(s['in_band_share'])}); cut-off countries isolated or severe: {s['cut_off_hits']} of "
            f"{s['cut_off_reported']}; absorbed incidents calm: {s['absorbed_calm']} of "
            f"{s['absorbed_events']}; false isolations: {s['false_alarms']}; ordering agreement "
            f"{pct(s['mean_ordering'])}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "events": [e.to_dict() for e in self.events]}


def history_files(directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """The incident files (``scenarios/history/*.yaml`` by default)."""
    base = Path(directory) if directory is not None else bundled_scenarios() / "history"
    return sorted(base.glob("*.yaml"))


def _ordering(table: pd.DataFrame) -> float | None:
    score, pairs = 0.0, 0
    for a, b in itertools.combinations(table.itertuples(), 2):
        ra, rb = SEVERITY_RANK[a.severity], SEVERITY_RANK[b.severity]
        if ra == rb:
            continue
        pairs += 1
        hi, lo = (a, b) if ra > rb else (b, a)
        if hi.model_loss_pct > lo.model_loss_pct:
            score += 1
        elif hi.model_loss_pct == lo.model_loss_pct:
            score += 0.5
    return round(score / pairs, 3) if pairs else None


def score_event(scenario: Scenario, *, utilization: float | None = None) -> EventScore:
    """Run one incident scenario and score it against its ``reported`` block.

    ``utilization``: the demand model's mean utilization (a sensitivity run).
    """
    if not scenario.reported:
        raise ScenarioError(f"{scenario.source}: no 'reported:' block to score against")
    # the model never sees the reported block: it runs the events alone
    result = simulate(scenario, utilization=utilization)
    rows = []
    for fact in scenario.reported["countries"]:
        iso3, sev = fact["iso3"], fact["severity"]
        try:
            rec = result.country(iso3)
        except KeyError:
            rec = None
        loss = float(rec["loss_pct"]) if rec else float("nan")
        toward = worst_region(rec["loss_pct_by_region"]) if rec else ""
        status = rec["status"] if rec else "not in model"
        low, high = BANDS[sev]
        if sev in ("total", "near_total"):
            ok = bool(rec) and status in ("isolated", "severe")
        else:
            ok = bool(rec) and low <= loss <= high
        rows.append(
            {
                "iso3": iso3,
                "name": result.network.country_names.get(iso3, iso3),
                "severity": sev,
                "band": f"{low:g}-{high:g}%",
                "model_loss_pct": loss,
                "model_worst_toward": toward,
                "model_status": status,
                "model_loss_rerouted_pct": float(rec["loss_pct_rerouted"])
                if rec and "loss_pct_rerouted" in rec
                else float("nan"),
                "model_capacity_loss_pct": float(rec["capacity_loss_pct"])
                if rec and "capacity_loss_pct" in rec
                else float("nan"),
                "in_band": ok,
                "wording": fact.get("wording", ""),
                "sources": ", ".join(fact.get("sources", [])),
            }
        )
    table = pd.DataFrame(rows)
    reported = set(table["iso3"])
    c = result.countries
    newly = c[c["isolated"] & ~c["was_isolated"]]
    false_alarms = sorted(set(newly["iso3"]) - reported)
    calm_expected = all(SEVERITY_RANK[s] <= SEVERITY_RANK["minor"] for s in table["severity"])
    hit = c[~c["was_isolated"] & c["status"].isin(["isolated", "severe"])]
    calm = hit.empty
    return EventScore(
        scenario=scenario,
        result=result,
        table=table,
        false_alarms=false_alarms,
        calm_expected=calm_expected,
        calm=calm,
        ordering=_ordering(table),
    )


def run_history(
    directory: str | os.PathLike[str] | None = None, *, utilization: float | None = None
) -> HistoryReport:
    """Score every incident in ``directory`` (the bundled history suite by default).

    ``utilization``: the demand model's mean utilization (default: the sourced figure).
    """
    return HistoryReport(
        [score_event(load_scenario(f), utilization=utilization) for f in history_files(directory)]
    )


SENSITIVITY = (0.20, 0.275, 0.40, 0.60)
"""Utilization values of the sensitivity table (issue 15: 20% to 60%)."""


def run_sensitivity(
    values: tuple[float, ...] = SENSITIVITY, directory: str | os.PathLike[str] | None = None
) -> list[tuple[float, float, dict[str, Any]]]:
    """The history suite's scores with the demand level set for each mean utilization.

    Returns (target, level reached on the default network, summary) per value.
    """
    out = []
    for u in values:
        rep_u = run_history(directory, utilization=u)
        model = traffic_model(load_network(), Options(core=DEFAULT_CORE, utilization=u))
        out.append((u, model.achieved, rep_u.summary()))
    return out
