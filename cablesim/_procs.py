"""Stopping worker processes for good (issue 14, item 10).

* :func:`stop_signals` (parent, main thread): SIGTERM is handled like Ctrl-C
  (``KeyboardInterrupt``), so a run cut short either way stops its workers and
  keeps what finished; a second Ctrl-C or SIGTERM while stopping kills the
  registered workers and exits at once with code 130, without a traceback.
* :func:`stop` terminates worker processes by pid, then kills what is left.
* :func:`die_with_parent` (workers): the worker exits when its parent dies,
  even by SIGKILL (Linux ``PR_SET_PDEATHSIG``, plus a watchdog thread that
  checks ``os.getppid()`` on every platform).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator

__all__ = [
    "die_with_parent",
    "held_signals",
    "register",
    "signals_caught",
    "stop",
    "stop_signals",
]

_workers: set[int] = set()  # pids of live workers started by this process
_state = {"stopping": False, "caught": 0}


def signals_caught() -> int:
    """How many signals :func:`stop_signals` turned into an interruption in this process.

    A run cut short returns what finished (the caller decides); a caller that must stop
    altogether on Ctrl-C (the test suite) compares this count before and after.
    """
    return _state["caught"]


def register(pids: Iterable[int]) -> None:
    """Remember worker pids (to kill them if a second signal arrives while stopping)."""
    _workers.update(int(p) for p in pids if p)


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # not our child (or already reaped): ask the kernel
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    except OSError:
        return False
    return done == 0


def stop(pids: Iterable[int], *, grace: float = 2.0) -> None:
    """SIGTERM each worker, wait up to ``grace`` seconds, then SIGKILL what is left."""
    pids = [int(p) for p in pids if p]
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    left = pids
    while left and time.monotonic() < deadline:
        left = [p for p in left if _alive(p)]
        if left:
            time.sleep(0.02)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:
        _workers.discard(pid)


def _second_signal(signum, frame) -> None:  # pragma: no cover - exercised by a subprocess test
    with contextlib.suppress(OSError):
        os.write(2, b"\ninterrupted again: stopping the workers now\n")
    for pid in list(_workers):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os._exit(130)


def _first_signal(signum, frame) -> None:
    if _state["stopping"]:
        _second_signal(signum, frame)
    _state["stopping"] = True
    _state["caught"] += 1
    raise KeyboardInterrupt


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """Handle SIGINT and SIGTERM as an interruption while the block runs (main thread only).

    The first signal raises ``KeyboardInterrupt``; a second one, while the
    workers are being stopped, kills them and exits at once (code 130) without
    a traceback. The previous handlers are restored when the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    _state["stopping"] = False
    for s in old:
        signal.signal(s, _first_signal)
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        _state["stopping"] = False


@contextlib.contextmanager
def held_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the block runs (delivered when it ends).

    For short updates that must not be cut in half by an interruption (adding
    a finished batch to running totals). Main thread on POSIX only; elsewhere
    a no-op.
    """
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def die_with_parent() -> None:  # pragma: no cover - runs in worker processes
    """Make this (worker) process exit when its parent dies."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="cablesim-parent-watch", daemon=True).start()
