"""Long runs stop for good (issue 14, item 10): Ctrl-C, SIGTERM and a killed parent.

Each test starts ``cablesim montecarlo --workers 2`` (or ``sweep --workers 2``)
in a process of its own, waits for its two workers, signals it, and checks
that no worker is left 5 seconds later. Only processes these tests start are
signalled, by pid.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")


def _children(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(d.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _start(args: list[str], tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cablesim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid)
        if len(workers) >= 2:
            break
        time.sleep(0.2)
    if len(workers) < 2:
        proc.kill()
        pytest.fail(f"workers never started: {proc.communicate()}")
    time.sleep(1.5)  # let them work
    return proc, workers


def _no_worker_left(workers: list[int], signalled: float, within: float = 5.0) -> bool:
    """True if every worker is gone ``within`` seconds of the signal sent at ``signalled``."""
    deadline = signalled + within
    while True:
        if not any(_alive(w) for w in workers):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def _cleanup(proc, workers):
    for pid in [proc.pid, *workers]:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


MC = ["montecarlo", "--workers", "2", "--trials", "20000", "--seed", "3"]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_montecarlo_workers_and_writes_partial_result_once(tmp_path, sig):
    proc, workers = _start([*MC, "-o", "partial.json"], tmp_path)
    try:
        signalled = time.monotonic()
        os.kill(proc.pid, sig)
        _, err = proc.communicate(timeout=30)
        assert _no_worker_left(workers, signalled), "workers still running 5 s after the signal"
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        data = json.loads((tmp_path / "partial.json").read_text())
        assert data["model"]["complete"] is False
        assert 0 <= data["model"]["trials"] < 20000
        assert err.count("wrote ") == 1  # the partial result, once
    finally:
        _cleanup(proc, workers)


@pytest.mark.slow
def test_second_ctrl_c_gives_no_traceback(tmp_path):
    proc, workers = _start(MC, tmp_path)
    try:
        signalled = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        time.sleep(0.05)
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert _no_worker_left(workers, signalled)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
    finally:
        _cleanup(proc, workers)


@pytest.mark.slow
def test_workers_exit_when_the_parent_is_killed(tmp_path):
    proc, workers = _start(MC, tmp_path)
    try:
        signalled = time.monotonic()
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        assert _no_worker_left(workers, signalled), "orphaned workers outlived a killed parent"
    finally:
        _cleanup(proc, workers)


@pytest.mark.slow
def test_ctrl_c_stops_sweep_workers(tmp_path):
    proc, workers = _start(["sweep", "--by", "cable", "--k", "2", "--workers", "2"], tmp_path)
    try:
        signalled = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert _no_worker_left(workers, signalled)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
    finally:
        _cleanup(proc, workers)


_SWALLOWS_CTRL_C = """
import os, signal, threading, time
from cablesim import _procs

def test_a_run_that_keeps_what_finished():
    threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    with _procs.stop_signals():
        try:
            time.sleep(30)
        except KeyboardInterrupt:
            pass  # a sweep returns its partial result here

def test_after(tmp_path_factory):
    open(os.environ["MARKER"], "w").close()
"""


@pytest.mark.slow  # a fresh pytest
def test_ctrl_c_stops_pytest_even_where_the_code_under_test_swallows_it(tmp_path):
    """tests/conftest.py counts Ctrl-C: the run stops after the test that caught it."""
    (tmp_path / "conftest.py").write_text(
        (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "test_swallow.py").write_text(_SWALLOWS_CTRL_C, encoding="utf-8")
    marker = tmp_path / "marker"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]), MARKER=str(marker))
    res = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0", "-q", "-x"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 2, res.stdout[-2000:]  # pytest's "interrupted"
    assert "KeyboardInterrupt" in res.stdout
    assert not marker.exists(), "the run went on after Ctrl-C"
