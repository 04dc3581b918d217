"""Running batches of work serially, in a local process pool, or on a Dask cluster.

Used by :mod:`cablesim.analyses.sweep` and :mod:`cablesim.analyses.risk`. :func:`run_batches`
runs ``func(state, payload)`` over payloads, with a progress bar on a terminal
and a clean stop on Ctrl-C that keeps the finished results. A worker builds its
state (network, compiled engine, baseline) once from a small picklable
:class:`Context`: for the bundled network it loads it itself from
``(as_of, data dir)``; forked local workers inherit the parent's.

Layering: beside the engine; imports the network and exceptions only (what a
worker computes is the caller's ``func``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import multiprocessing as mp
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from cablesim import _procs
from cablesim._limits import check_scheduler
from cablesim._memo import Memo
from cablesim.exceptions import CableSimError
from cablesim.network import Network, load_network


@dataclass(frozen=True)
class Context:
    """What a worker needs to build its state: the network and options (small, picklable).

    Attributes
    ----------
    builder
        A module-level function ``builder(network, **options) -> state``.
    as_of, data
        Where a worker loads the bundled network from; ``network`` is used
        instead when it is not the bundled one.
    """

    builder: Callable[..., Any]
    options: tuple[tuple[str, Any], ...]
    as_of: Any = None
    data: str | None = None
    network: Network | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """Identity of the state this context builds."""
        net = "bundled" if self.network is None else f"net{id(self.network)}"
        raw = repr(
            (
                self.builder.__module__,
                self.builder.__qualname__,
                self.options,
                str(self.as_of),
                self.data,
                net,
            )
        )
        return hashlib.sha1(raw.encode()).hexdigest()


def make_context(network: Network, builder: Callable[..., Any], **options: Any) -> Context:
    """A :class:`Context` for ``network``: by date and data dir when it is the bundled one."""
    data = network.info.get("data_dir") if network.info else None
    try:
        same = (
            "data_dir" in (network.info or {}) and load_network(network.as_of, data=data) is network
        )
    except CableSimError:
        same = False
    if same:
        return Context(builder, tuple(sorted(options.items())), as_of=network.as_of, data=data)
    return Context(builder, tuple(sorted(options.items())), network=network)


_WORKER_CONTEXT: Context | None = None
_STATE: dict[str, Any] = {}


_STATE_LOCK = threading.Lock()


def get_state(context: Context) -> Any:
    """The state of ``context`` in this process (built once)."""
    key = context.key
    state = _STATE.get(key)
    if state is None:
        with _STATE_LOCK:
            state = _STATE.get(key)
            if state is None:
                if len(_STATE) > 4:
                    _STATE.clear()
                net = (
                    context.network
                    if context.network is not None
                    else load_network(context.as_of, data=context.data)
                )
                state = _STATE[key] = context.builder(net, **dict(context.options))
    return state


def _init_worker(context: Context) -> None:  # pragma: no cover - runs in worker processes
    global _WORKER_CONTEXT
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _procs.die_with_parent()  # and a worker never outlives its parent
    _WORKER_CONTEXT = context


def _pool_call(
    func: Callable[[Any, Any], Any], payload: Any
) -> Any:  # pragma: no cover - in workers
    assert _WORKER_CONTEXT is not None
    return func(get_state(_WORKER_CONTEXT), payload)


def _dask_call(context: Context, func: Callable[[Any, Any], Any], payload: Any) -> Any:
    return func(get_state(context), payload)


def default_workers() -> int:
    """The default number of local worker processes: 1 (serial).

    Serial is the default because the engine is fast enough that most sweeps
    take a few seconds, less than starting workers would save; ask for more
    with ``workers=N`` (``0`` means one per CPU).
    """
    return 1


def resolve_workers(workers: int | None) -> int:
    """``None`` -> :func:`default_workers`; ``0`` -> one per CPU; else ``workers`` (at least 1)."""
    if workers is None:
        return default_workers()
    if workers < 0:
        raise CableSimError(f"workers must be 0 (one per CPU) or more, not {workers}")
    if workers == 0:
        return max(1, os.cpu_count() or 1)
    return workers


@dataclass
class BatchRun:
    """Results of :func:`run_batches`, in payload order (``None`` where not finished).

    With ``collect``, the values went to ``collect`` as they came and were not
    kept: ``results`` then holds ``True`` for each finished payload.
    """

    results: list[Any]
    interrupted: bool = False

    @property
    def done(self) -> int:
        """Number of finished payloads."""
        return sum(r is not None for r in self.results)


def _progress(enabled: bool | None, description: str, total: float):

    show = sys.stderr.isatty() if enabled is None else bool(enabled)
    prog = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not show,
        transient=True,
    )
    return prog, prog.add_task(description, total=total)


def run_batches(
    context: Context,
    func: Callable[[Any, Any], Any],
    payloads: Sequence[Any],
    *,
    sizes: Sequence[float] | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool | None = None,
    description: str = "working",
    collect: Callable[[int, Any], None] | None = None,
) -> BatchRun:
    """Run ``func(state, payload)`` for every payload, serially, in processes or on Dask.

    Parameters
    ----------
    context
        Builds the per-process state (see :class:`Context`).
    func
        A module-level function (it is sent to the workers by name).
    payloads
        One per batch.
    sizes
        Units of work per payload, for the progress bar (default 1 each).
    workers
        Local processes (1: serial in this process).
    scheduler
        Address of a Dask scheduler (``tcp://host:port``); overrides ``workers``.
    progress
        Show a progress bar on stderr: ``None`` (default) when stderr is a terminal.
    description
        Label of the progress bar.
    collect
        Called as ``collect(index, value)`` with each finished payload's value,
        in the order they finish; the value is then dropped (streaming: memory
        does not grow with the number of payloads). Without it the values are
        kept in :attr:`BatchRun.results`.

    Returns
    -------
    BatchRun
        With ``interrupted=True`` when Ctrl-C stopped the run; the results
        finished by then are kept.
    """
    n = len(payloads)
    run = BatchRun([None] * n)
    sizes = list(sizes) if sizes is not None else [1.0] * n
    prog, task = _progress(progress, description, float(sum(sizes)))

    def done(i: int, value: Any) -> None:
        if collect is not None:
            with _procs.held_signals():  # a batch is added whole or not at all
                collect(i, value)
            value = True
        run.results[i] = value
        prog.advance(task, sizes[i])

    with prog, _procs.stop_signals():  # SIGTERM too; a second signal exits at once
        try:
            if scheduler:
                _run_dask(scheduler, context, func, payloads, done)
            elif workers > 1 and n > 1:
                _run_pool(workers, context, func, payloads, done)
            else:
                state = get_state(context)
                for i, p in enumerate(payloads):
                    done(i, func(state, p))
        except KeyboardInterrupt:
            run.interrupted = True
    return run


def _run_pool(workers: int, context: Context, func, payloads, done) -> None:

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        get_state(context)  # built once here, inherited by the forked workers
        mp_ctx = mp.get_context("fork")
    else:
        mp_ctx = mp.get_context("spawn")
    if context.network is not None and mp_ctx.get_start_method() != "fork":
        context = dataclasses.replace(context, network=_clean_copy(context.network))
    ex = ProcessPoolExecutor(
        max_workers=min(workers, len(payloads)),
        mp_context=mp_ctx,
        initializer=_init_worker,
        initargs=(context,),
    )
    futures = {}
    try:
        futures = {ex.submit(_pool_call, func, p): i for i, p in enumerate(payloads)}
        _procs.register(p.pid for p in (getattr(ex, "_processes", None) or {}).values())
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                i = futures.pop(f)  # dropped at once: a finished future holds its result
                done(i, f.result())
    except KeyboardInterrupt:
        # the workers, looked up before shutdown() forgets them (ProcessPoolExecutor has
        # no public way to stop batches under way before Python 3.14)
        pids = [p.pid for p in (getattr(ex, "_processes", None) or {}).values()]
        _procs.register(pids)
        for f, i in list(futures.items()):  # keep what finished meanwhile
            if f.done() and not f.cancelled() and f.exception() is None:
                done(i, f.result())
        ex.shutdown(wait=False, cancel_futures=True)
        _procs.stop(pids)  # so that Ctrl-C returns at once and leaves no worker behind
        raise
    ex.shutdown(wait=True)


def _clean_copy(network: Network) -> Network:
    return dataclasses.replace(network, _cache=Memo())


def _run_dask(address: str, context: Context, func, payloads, done) -> None:
    address = check_scheduler(address)  # a clear message for what is not an address
    try:
        from distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the environment
        raise CableSimError(
            "--scheduler needs Dask's distributed package: pip install 'cablesim[dask]'"
        ) from None
    try:
        client = Client(address, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise CableSimError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    futures: dict[Any, Any] = {}
    try:
        if context.network is not None:
            context = dataclasses.replace(context, network=_clean_copy(context.network))
        ctx = client.scatter(context, broadcast=True)
        submitted = [client.submit(_dask_call, ctx, func, p, pure=False) for p in payloads]
        futures = {f.key: f for f in submitted}
        index = {f.key: i for i, f in enumerate(submitted)}
        del submitted
        for f in as_completed(list(futures.values()), loop=client.loop):
            futures.pop(f.key, None)  # released once read: results do not pile up
            done(index[f.key], f.result())
    except KeyboardInterrupt:
        client.cancel(list(futures.values()))
        raise
    finally:
        client.close()


def chunks(items: Sequence[Any], size: int) -> list[list[Any]]:
    """``items`` in consecutive lists of at most ``size``."""
    size = max(1, int(size))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def chunk_size(n: int, workers: int, *, target: int = 8, lo: int = 1, hi: int = 500) -> int:
    """A chunk size giving about ``target`` chunks per worker (for balance and progress)."""
    return int(min(hi, max(lo, math.ceil(n / max(1, workers * target)))))
