"""The engine's one entry point (cablesim.engine.state): options, the after-state, its caches,
and the engine called from several threads at once."""

from __future__ import annotations

import dataclasses
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import cablesim
from cablesim._memo import Memo
from cablesim.engine import flows as _engine
from cablesim.engine import state as _state
from cablesim.exceptions import UnknownNameError
from cablesim.scenario.failures import apply_events


def _split_net(make_network):
    # A: a1 and a2 on one land mass, a strait between them; only a1 has a cable to the core C
    return make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "a2": ("AAA", 0.0, 4.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
            "d1": ("DDD", 6.0, 0.0, 0),
        },
        cables={
            "x": (10.0, [("a1", "c1")]),
            "y": (5.0, [("d1", "c1")]),
            "z": (2.0, [("a2", "d1")]),
        },
        chokepoints={"strait": [(-1.0, 1.9), (1.0, 1.9), (1.0, 2.1), (-1.0, 2.1)]},
    )


def test_memo_builds_each_value_once_across_threads():
    memo = Memo()
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.05)
        return object()

    with ThreadPoolExecutor(8) as ex:
        got = list(ex.map(lambda _: memo.get("k", slow), range(16)))
    assert len(calls) == 1
    assert all(g is got[0] for g in got)


def test_bounded_memo_forgets_the_least_recently_used():
    memo = Memo(maxsize=2)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    memo.get("a", lambda: 0)  # a used again: b is now the oldest
    memo.get("c", lambda: 3)
    assert "a" in memo
    assert "c" in memo
    assert "b" not in memo


def test_a_failed_build_is_not_kept():
    memo = Memo()
    with pytest.raises(ZeroDivisionError):
        memo.get("k", lambda: 1 / 0)
    assert memo.get("k", lambda: 5) == 5


def test_options_are_one_frozen_checked_object():
    o = _state.Options(core=["CCC"], utilization=0.3)
    assert o.core == ("CCC",)
    assert hash(o) == hash(_state.Options(core=("CCC",), utilization=0.3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.backhaul = "none"
    assert o.replace(measure="capacity").measure == "capacity"
    with pytest.raises(UnknownNameError):
        _state.Options(routing="shortest")
    with pytest.raises(UnknownNameError):
        _state.Options(measure="bits")


def test_a_closure_compiles_its_split_network_once_across_runs(make_network, run, monkeypatch):
    net = _split_net(make_network)
    compiled = []
    real = _engine.compile_network

    def counting(*args, **kwargs):
        if kwargs.get("backhaul_edges") is not None:
            compiled.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(_engine, "compile_network", counting)
    first = run(net, [{"chokepoint": "strait"}], core=["CCC"]).to_dict()
    second = run(net, [{"chokepoint": "strait"}], core=["CCC"]).to_dict()
    assert len(compiled) == 1
    assert first == second
    f = apply_events(net, [cablesim.Event("chokepoint", {"id": "strait"}, "e")])
    a = _state.after_state(net, f, _state.Options(core=("CCC",)))
    b = _state.after_state(net, f, _state.Options(core=("CCC",), measure="capacity"))
    assert a.comp_after is b.comp_after
    assert a.comp_after is not a.comp


def test_capacity_measure_matches_the_traffic_runs_capacity_columns(make_network, run):
    net = _split_net(make_network)
    t = run(net, [{"cable": "x"}], core=["CCC"]).countries.set_index("iso3")
    c = run(net, [{"cable": "x"}], core=["CCC"], measure="capacity").countries.set_index("iso3")
    assert c["loss_pct"].equals(c["capacity_loss_pct"])
    assert c["capacity_loss_pct"].equals(t["capacity_loss_pct"])


def _runs(net, docs):
    return [
        cablesim.simulate(cablesim.load_scenario(d, network=net), network=net).to_dict()
        for d in docs
    ]


def _fresh(net):
    """The same network with empty caches (every thread races to build them)."""
    return dataclasses.replace(net, _cache=Memo())


def _parallel_equals_serial(net, docs, threads=6):
    serial = _runs(_fresh(net), docs)
    shared = _fresh(net)
    barrier = threading.Barrier(threads)

    def one(i):
        barrier.wait()  # start together, on cold caches
        order = docs[i % len(docs) :] + docs[: i % len(docs)]
        out = _runs(shared, order)
        k = i % len(docs)
        return out[len(docs) - k :] + out[: len(docs) - k]

    with ThreadPoolExecutor(threads) as ex:
        results = list(ex.map(one, range(threads)))
    for r in results:
        assert r == serial


def test_the_engine_gives_the_same_answers_from_parallel_threads(make_network):
    net = _split_net(make_network)
    docs = [
        {"name": n, "events": ev, "options": {"core": ["CCC"], **opts}}
        for n, ev, opts in [
            ("closure", [{"chokepoint": "strait"}], {}),
            ("cable", [{"cable": "x"}], {}),
            ("capacity", [{"cable": "z"}], {"measure": "capacity"}),
            ("degrade", [{"degrade": {"cable": "x", "fraction": 0.5}}], {}),
        ]
    ]
    _parallel_equals_serial(net, docs)


@pytest.mark.slow
def test_world_scenarios_in_parallel_threads_equal_serial_runs():
    net = cablesim.load_network()
    docs = [
        cablesim.load_scenario(cablesim.find_scenario(n)).document
        for n in ("suez-closure", "red-sea-2024", "hormuz-closure")
    ]
    _parallel_equals_serial(net, docs, threads=3)


def test_a_state_met_again_reuses_its_values_read_only(make_network):
    net = _split_net(make_network)
    opts = _state.Options(core=("CCC",))

    def state(events):
        f = apply_events(net, [cablesim.Event(k, p, "e") for k, p in events])
        return _state.after_state(net, f, opts)

    first = state([("chokepoint", {"id": "strait"})])
    values = first.task_values()
    again = state([("chokepoint", {"id": "strait"})])  # new failures object, same state
    assert again is not first
    assert again.task_values() is values
    with pytest.raises(ValueError, match="read-only"):
        values[0] = 0.0
    other = state([("cable", {"id": "x"})])
    assert other.task_values() is not values
    assert first.with_options(opts.replace(utilization=0.4)).served() is not first.served()


def test_threads_loading_one_date_get_one_network():
    # a date and basis no other test loads: every thread races to load it first
    with ThreadPoolExecutor(4) as ex:
        nets = list(
            ex.map(lambda _: cablesim.load_network("2013-03-03", capacity="design"), range(4))
        )
    assert all(n is nets[0] for n in nets)
