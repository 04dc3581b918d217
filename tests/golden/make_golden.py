"""Stored outputs of the engine: the regression baseline that refactors must keep bit for bit.

Runs every bundled scenario (``scenarios/*.yaml``), the history suite
(``cablesim history``), an N-1 sweep of every cable and a sweep of the
chokepoints (closures: split backhaul) on the bundled network, and a small
seeded Monte Carlo, and writes compact JSON under ``tests/golden/``: per
country the values a user sees (loss percentages, capacities, status, latency)
and the sweeps' unrounded loss matrices rounded to 1e-9.

Regenerate after an intended change of results (a model change), and commit
the new files with that change::

    python -m tests.golden.make_golden            # everything (several minutes)
    python -m tests.golden.make_golden scenarios  # one part: scenarios, history, sweep, risk, depends

``tests/golden/test_golden.py`` compares the current code with these files.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PARTS = ("scenarios", "history", "sweep", "risk", "depends")
FIELDS = (
    "loss_pct",
    "loss_pct_immediate",
    "loss_pct_rerouted",
    "capacity_loss_pct",
    "baseline_tbps",
    "remaining_tbps",
    "demand_tbps",
    "served_tbps",
    "international_tbps",
    "latency_ms",
    "isolated",
    "status",
)
SWEEP_CABLES = 60
"""Cables of the N-1 sweep (the first in id order; the whole sweep takes minutes)."""


def _num(v: Any) -> Any:
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    v = float(v)
    if math.isnan(v):
        return None
    return round(v, 9)


def _countries(df) -> dict[str, list]:
    """Countries with anything changed (others are counted, not listed)."""
    out = {}
    for rec in df.to_dict("records"):
        changed = (
            rec["loss_pct"]
            or rec["capacity_loss_pct"]
            or rec["loss_pct_rerouted"]
            or rec["loss_pct_immediate"]
            or (rec["isolated"] and not rec["was_isolated"])
            or rec["international_tbps"] != rec["international_tbps_baseline"]
            or (rec["latency_change_ms"] == rec["latency_change_ms"] and rec["latency_change_ms"])
        )
        if changed:
            out[rec["iso3"]] = [_num(rec[f]) for f in FIELDS]
    return out


def scenario_part() -> dict[str, Any]:
    """Every bundled scenario, simulated."""
    from cablesim import load_scenario, simulate

    out: dict[str, Any] = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        r = simulate(load_scenario(path))
        out[path.stem] = {
            "n_countries": len(r.countries),
            "failed_segments": sorted(r.failed_segments["segment_id"].tolist()),
            "summary": r.summary(),
            "places": [[p["iso3"], p["landing_point_ids"]] for p in r.to_dict()["cut_off_places"]],
            "countries": _countries(r.countries),
        }
    return out


def history_part() -> dict[str, Any]:
    """The history suite's scores and each incident's per-country losses."""
    from cablesim import run_history

    rep = run_history()
    events = {}
    for e in rep.events:
        events[e.scenario.source.split("/")[-1] if e.scenario.source else e.scenario.name] = {
            "table": [
                [r["iso3"], _num(r["model_loss_pct"]), r["model_status"], bool(r["in_band"])]
                for r in e.table.to_dict("records")
            ],
            "countries": _countries(e.result.countries),
        }
    return {"summary": rep.summary(), "events": events}


def _sweep_dict(r) -> dict[str, Any]:
    return {
        "elements": r.records["element"].tolist(),
        "isolated": [list(x) for x in r.records["isolated"]],
        "countries": list(r.countries),
        "loss": None if r.loss is None else [[_num(x) for x in row] for row in r.loss.tolist()],
    }


def sweep_part() -> dict[str, Any]:
    """An N-1 sweep of cables (traffic and capacity) and of chokepoints (closures)."""
    from cablesim import load_network
    from cablesim.analyses.sweep import sweep

    net = load_network()
    cables = sorted(net.cables["cable_id"])[:SWEEP_CABLES]
    return {
        "cable": _sweep_dict(sweep(net, "cable", elements=cables, progress=False)),
        "cable_capacity": _sweep_dict(
            sweep(net, "cable", elements=cables, progress=False, measure="capacity")
        ),
        "chokepoint": _sweep_dict(sweep(net, "chokepoint", progress=False)),
    }


def risk_part() -> dict[str, Any]:
    """A small seeded Monte Carlo (traffic and capacity measures) and capacity uncertainty."""
    from cablesim import load_network
    from cablesim.analyses.risk import capacity_uncertainty, montecarlo

    net = load_network()
    out = {}
    for measure in ("traffic", "capacity"):
        r = montecarlo(net, trials=40, seed=7, measure=measure, progress=False)
        out[measure] = r.to_dict()["countries"]
    for name in ("tonga-2022", "suez-closure"):
        r = capacity_uncertainty(name, trials=8, seed=3, progress=False)
        out[f"uncertainty:{name}"] = r.to_dict()["countries"]
    return out


def depends_part() -> dict[str, Any]:
    """The dependency matrix of every chokepoint (closures) and one country's lens."""
    from cablesim import load_network
    from cablesim.analyses.depends import country_dependencies, dependency_matrix

    m = dependency_matrix(load_network())
    deps = country_dependencies(load_network(2022), "FJI")
    return {
        "matrix": {c: [_num(v) for v in m[c].tolist()] for c in m.columns},
        "countries": m.index.tolist(),
        "FJI": [
            [r["kind"], r["id"], _num(r["remaining_tbps"]), _num(r["loss_pct"])]
            for r in deps.to_dict("records")
        ],
    }


def path(part: str) -> Path:
    return HERE / f"{part}.json"


def compute(part: str) -> Any:
    """The current code's outputs for ``part``, as plain JSON data."""
    fn = {
        "scenarios": scenario_part,
        "history": history_part,
        "sweep": sweep_part,
        "risk": risk_part,
        "depends": depends_part,
    }[part]
    return json.loads(json.dumps(fn(), default=str))


def main(argv: list[str]) -> int:
    parts = argv or list(PARTS)
    for part in parts:
        if part not in PARTS:
            print(f"unknown part {part!r}; choose from {', '.join(PARTS)}", file=sys.stderr)
            return 2
    for part in parts:
        data = compute(part)
        tmp = path(part).with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=None, sort_keys=True, separators=(",", ":")) + "\n")
        tmp.replace(path(part))
        print(f"wrote {path(part)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
