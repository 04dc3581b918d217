"""Per-country metrics (cablesim.metrics): capacity to the core, isolation, latency, on known answers."""

from __future__ import annotations

import pytest

import cablesim
from cablesim import metrics
from cablesim.cuts import apply_events


def _metrics(net, events, core=("CCC",)):
    f = apply_events(net, [cablesim.Event(k, p, "e") for k, p in events])
    return metrics.country_metrics(net, f, core=core).set_index("iso3")


def test_branch_loses_its_only_route(branchy):
    m = _metrics(branchy, [("cable", {"id": "x"})])
    assert m.at["BBB", "baseline_tbps"] == pytest.approx(10.0)
    assert m.at["BBB", "remaining_tbps"] == 0.0
    assert bool(m.at["BBB", "isolated"])
    assert m.at["BBB", "status"] == "isolated"


def test_two_cables_one_left(branchy):
    m = _metrics(branchy, [("cable", {"id": "x"})])
    assert m.at["AAA", "baseline_tbps"] == pytest.approx(15.0)  # 10 on X + 5 on Y
    assert m.at["AAA", "remaining_tbps"] == pytest.approx(5.0)
    assert not bool(m.at["AAA", "isolated"])
    assert m.at["AAA", "latency_change_ms"] == pytest.approx(0.0, abs=0.01)


def test_nothing_failed_nothing_lost(branchy):
    m = _metrics(branchy, [("degrade", {"cable": "y", "fraction": 0.0})])
    assert (m["remaining_tbps"] == m["baseline_tbps"]).all()


def test_status_thresholds_are_ordered():
    assert 0 < metrics.DEGRADED_PCT < metrics.SEVERE_PCT < 100
