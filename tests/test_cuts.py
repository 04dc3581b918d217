"""What an event fails (cablesim.scenario.failures), on tiny networks with known answers."""

from __future__ import annotations

import pytest

import cablesim
from cablesim.scenario.failures import apply_events


def _ev(kind, params, label="e"):
    return cablesim.Event(kind, params, label)


def test_cable_event_fails_every_segment(branchy):
    f = apply_events(branchy, [_ev("cable", {"id": "x"})])
    assert f.segments == {"x#1", "x#2", "x#3"}
    assert not f.closed_areas


def test_chokepoint_fails_only_what_crosses_it(strait_net):
    f = apply_events(strait_net, [_ev("chokepoint", {"id": "strait"})])
    assert f.segments == {"x#1"}  # z goes around the strait
    assert len(f.closed_areas) == 1


def test_degrade_keeps_a_share(branchy):
    f = apply_events(branchy, [_ev("degrade", {"cable": "y", "fraction": 0.4})])
    assert not f.segments
    assert f.degraded == {"y": pytest.approx(0.6)}


def test_landing_point_loss(branchy):
    f = apply_events(branchy, [_ev("landing_point", {"id": "b1"})])
    assert "b1" in f.nodes


def test_union_of_failures(branchy):
    a = apply_events(branchy, [_ev("cable", {"id": "y"})])
    b = apply_events(branchy, [_ev("degrade", {"cable": "x", "fraction": 0.5})])
    u = a.union(b)
    assert u.segments == {"y#1"}
    assert u.degraded == {"x": pytest.approx(0.5)}


def test_events_never_mutate_the_network(branchy):
    before = branchy.segments.copy()
    apply_events(branchy, [_ev("cable", {"id": "x"})])
    assert branchy.segments.equals(before)
