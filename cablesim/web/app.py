"""The Starlette application of the classroom web app and its JSON API.

Every request is stateless: the page sends the whole scenario (the document an
analyst would write in YAML) with each call, so several tabs never mix. The
server computes nothing itself: it validates with
:func:`cablesim.load_scenario`, runs :func:`cablesim.engine.simulate`, and reads
:func:`cablesim.analyses.depends.country_dependencies`,
:func:`cablesim.report.explain.paragraphs` and :func:`cablesim.maps.country_colors`.

Endpoints (all JSON; errors are ``{"error": "..."}`` with a 4xx or 5xx status):

``GET /api/meta``
    Version, snapshot date, the year range of the slider, the legend, the limits.
``GET /api/network?as_of=YEAR``
    Country polygons, cable segments, chokepoints and small-island markers of
    the network at that date (cached per date; dates outside the dataset's
    range are refused), with its stations and each cable's owners and landing
    points (the page's search and cable panels).
``GET /api/scenarios`` / ``GET /api/scenarios/{key}``
    The bundled scenarios and the history suite (a fixed list; a key outside
    it is a 404: no request ever names a path on the server).
``POST /api/simulate`` ``{"scenario": {...}}``
    Country colours, statuses, losses and the failed segments.
``POST /api/country`` ``{"scenario": {...}, "iso3": "TON"}``
    One country's record and the explanation's paragraphs about it.
``POST /api/depends`` ``{"scenario": {...}, "iso3": "TON"}``
    What the country depends on (the ``depends`` lens) on the intact network
    of the scenario's date and options (its events may be empty).
``POST /api/explain`` ``{"scenario": {...}}``
    The plain-language explanation.
``POST /api/export`` ``{"scenario": {...}}``
    The scenario as a YAML file in the analysts' format (validated first).
``POST /api/upload`` (body: YAML text, ``Content-Type: application/x-yaml``)
    A scenario file from the user's disk, validated, returned as a document.

What a hostile page or a careless client cannot do (issue 24):

* **Reach it from another site.** Only requests whose ``Host`` is
  127.0.0.1, localhost, ``[::1]`` or the ``--host`` served are answered (421
  otherwise: no DNS rebinding); a request to the API or any POST that a browser
  marks as coming from another site (``Origin`` or ``Sec-Fetch-Site``) is
  refused with 403 before any work; a POST must say ``application/json`` (the
  upload: a YAML type), which a cross-site page cannot send without a preflight
  this server never grants (415 otherwise). Every response carries the
  security headers of :data:`SECURITY_HEADERS`.
* **Freeze it.** Bodies are at most :data:`MAX_BODY_BYTES` and read within
  :data:`BODY_TIMEOUT_S`; JSON is checked for nesting before it is parsed (the
  input gate's scan), then every value for the web app's tighter bounds:
  nesting (:data:`MAX_JSON_DEPTH`) and every text's length
  (:data:`MAX_NAME_CHARS`, :data:`MAX_TEXT_CHARS`) before any name is matched;
  uploads go through the input gate of the CLI's files
  (:func:`cablesim.scenario.parse_text`: size, depth, alias expansion, merge
  keys and duplicate keys refused) and the same bounds. Computation runs in a pool of
  :data:`WORKERS` threads off the event loop, with at most :data:`QUEUE` more
  waiting (then 503 and ``Retry-After``) and a time budget
  (:data:`TIME_BUDGET_S`: then 503, the work finishing into the cache), so the
  page, the static files and ``/api/meta`` never wait behind a heavy request.
  The connection-level bounds (header timeout, connection cap) are in
  :mod:`cablesim.web._server`.
* **Fill its memory.** Every cache is an LRU bounded by entries and bytes
  (:class:`Engine`): the networks of at most :data:`MAX_NETWORKS` (date,
  options) pairs with everything derived from them, and the map geometry of at
  most :data:`MAX_PAYLOADS` dates, within :data:`CACHE_BYTES` together; the
  process stays under :data:`MEMORY_CEILING_MB` whatever the requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import ipaddress
import json
import logging
import math
import socket
import sys
import threading
import types
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import numpy as np
import pandas as pd
import yaml
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient
from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cablesim import __version__, _limits, dataset, maps, measures
from cablesim.analyses.depends import country_dependencies
from cablesim.analyses.history import history_files
from cablesim.engine.simulate import simulate
from cablesim.exceptions import CableSimError
from cablesim.network import Network, load_network
from cablesim.report.explain import paragraphs
from cablesim.scenario import (
    DEFAULT_CORE,
    Scenario,
    bundled_scenarios,
    load_scenario,
    parse_text,
)
from cablesim.web._catalog import catalog

log = logging.getLogger("cablesim.web")

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 256 * 1024
"""Largest request body accepted (an uploaded scenario or a JSON call): 256 KiB."""
BODY_TIMEOUT_S = 10.0
"""Longest time a client may take to send its body (then 408)."""
MAX_EVENTS = 200
"""Most events one scenario sent by the page may hold."""
MAX_JSON_DEPTH = 32
"""Deepest nesting of a scenario sent to the web app (a scenario is about 6 levels deep)."""
MAX_NAME_CHARS = _limits.MAX_NAME_CHARS
"""Longest text in a scenario other than free text: a cable, country or chokepoint name, an
id, a date (the longest real cable name has 91 characters). Checked before any name is matched."""
MAX_TEXT_CHARS = 5000
"""Longest free text (:data:`FREE_TEXT_KEYS`; the longest bundled one has 935 characters)."""
FREE_TEXT_KEYS = frozenset({"description", "notes", "wording", "label"})
"""Keys whose values are prose rather than names."""
MAX_VALUES = 20_000
"""Most values (strings, numbers, lists, mappings) in one request's JSON."""
WORKERS = 2
"""Threads that compute (simulate, depends, explain, map geometry); one per core of a laptop."""
QUEUE = 48
"""Computations that may wait for a worker (a class of 30 clicking at once, and their other
tabs); one more is answered 503 with ``Retry-After``."""
TIME_BUDGET_S = 30.0
"""Longest a request waits for its computation (then 503; the work still finishes into the
cache, so asking again answers). A 200-event scenario on the world network takes 13-21 s."""
MAX_NETWORKS = 6
"""Networks kept, one per (date, capacity, core, backhaul), each with what was derived from it
(compiled flow graphs, baseline flows, results, dependency tables)."""
MAX_PAYLOADS = 12
"""Dates whose map geometry (about 0.5-0.9 MB of JSON each) is kept."""
MAX_RESULTS = 16
"""Results kept per network (a result is a few hundred kB)."""
CACHE_BYTES = 384 * 2**20
"""Bytes all the caches above may hold together (estimated from the arrays and tables they
keep); the least recently used network goes first."""
MEMORY_CEILING_MB = 1536
"""The server process's resident memory stays under this whatever the requests: the library
and the dataset (about 0.4 GB once a network ran), :data:`CACHE_BYTES` of caches, the shared
:func:`cablesim.load_network` cache (8 dates) and the work in flight."""
WEB_KEYS = ("name", "description", "as_of", "events", "options", "reported")
"""Top-level keys the web app accepts (``add`` and ``compare`` may name files: refused)."""
UPLOAD_TYPES = ("application/x-yaml", "application/yaml", "text/yaml", "text/x-yaml")
"""Content types an upload may declare (a YAML file)."""
SMALL_AREA_DEG2 = 1.5
"""Countries smaller than this (in square degrees) also get a round marker on the map."""
RESULT_COLUMNS = (
    "iso3",
    "name",
    "status",
    "loss_pct",
    "loss_pct_immediate",
    "loss_pct_rerouted",
    "demand_tbps",
    "served_tbps",
    "capacity_loss_pct",
    "isolated",
    "was_isolated",
    "baseline_tbps",
    "remaining_tbps",
    "latency_ms_baseline",
    "latency_ms",
    "latency_change_ms",
)
"""Columns of the result table sent to the page, when the model has them.

Their labels are in ``/api/meta``'s ``measures`` (:func:`cablesim.measures.table`)."""
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
"""Headers on every response, errors and static files included."""
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Host names always answered."""


class BadRequest(Exception):
    """A request the API refuses: answered with ``status`` and a one-line message."""

    def __init__(self, message: str, status: int = 400, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


# ------------------------------------------------------------------------------ JSON helpers


def _plain(value: Any) -> Any:
    """JSON-ready copy: dates as ISO strings, NaN as None, numpy scalars as Python."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(_plain(data), ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _round(coords: Any, nd: int = 2) -> Any:
    if isinstance(coords, float | int):
        return round(float(coords), nd)
    return [_round(c, nd) for c in coords]


def _canonical(doc: Any) -> str:
    """One spelling of a JSON document (sorted keys): a cache and de-duplication key."""
    return json.dumps(_plain(doc), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# ------------------------------------------------------------------------------ the input gate


def _check_values(data: Any, where: str) -> None:
    """Refuse a document too deep, too large, or holding a text longer than any real one.

    Iterative (no recursion), and before any name in it is matched: a 245,000-character
    cable name is refused here in microseconds, not after minutes of "did you mean".
    """
    todo: list[tuple[Any, str, int, bool]] = [(data, where, 0, False)]
    seen = 0
    while todo:
        value, path, depth, prose = todo.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise BadRequest(f"{where} holds more than {MAX_VALUES:,} values")
        if depth > MAX_JSON_DEPTH:
            raise BadRequest(f"{where} is nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(value, str):
            limit = MAX_TEXT_CHARS if prose else MAX_NAME_CHARS
            if len(value) > limit:
                raise BadRequest(
                    f"{path}: text of {len(value):,} characters is too long "
                    f"(the limit is {limit:,}; the longest real name has under 100)",
                    400,
                )
        elif isinstance(value, dict):
            for k, v in value.items():
                key = str(k)
                if len(key) > MAX_NAME_CHARS:
                    raise BadRequest(
                        f"{path}: a key of {len(key):,} characters is too long "
                        f"(the limit is {MAX_NAME_CHARS})",
                        400,
                    )
                todo.append((v, f"{path}.{key}", depth + 1, prose or key in FREE_TEXT_KEYS))
        elif isinstance(value, list):
            todo.extend((v, f"{path}[{i}]", depth + 1, prose) for i, v in enumerate(value))


def _parse_json(raw: bytes) -> dict[str, Any]:
    """A JSON request body: nesting checked before it is parsed (the input gate's scan,
    :func:`cablesim._limits.check_json_depth`), every value after (:func:`_check_values`,
    the web app's tighter bounds, before the gate's looser text bound could answer first)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not valid JSON: not UTF-8 text") from None
    _limits.check_json_depth(text, "request body")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    _check_values(data, "request")
    return data


def _parse_upload(raw: bytes) -> dict[str, Any]:
    """The scenario document of an uploaded YAML file.

    The one place the web app reads YAML: through the input gate the CLI's files
    go through (:func:`cablesim.scenario.parse_text`: size, encoding, tabs, depth
    and alias expansion checked on the event stream before anything is built,
    merge keys and duplicate keys refused, keys and texts bounded), then the web
    app's own, tighter text and value bounds (:func:`_check_values`). Raises
    :class:`BadRequest` or :class:`~cablesim.exceptions.ScenarioError` (answered
    400) with a one-line message.
    """
    if len(raw) > MAX_BODY_BYTES:
        raise BadRequest(f"request too large: the limit is {MAX_BODY_BYTES // 1024} KiB", 413)
    data = parse_text(raw, fmt="yaml", source="uploaded file")
    _check_values(data, "uploaded file")
    return data


async def _body(request: Request) -> bytes:
    """The request body, refusing more than :data:`MAX_BODY_BYTES` or a slow sender."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise BadRequest("bad Content-Length header") from None
        if size > MAX_BODY_BYTES:
            raise BadRequest(f"request too large: the limit is {MAX_BODY_BYTES // 1024} KiB", 413)
    chunks, size = [], 0
    try:
        with anyio.fail_after(BODY_TIMEOUT_S):
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise BadRequest(
                        f"request too large: the limit is {MAX_BODY_BYTES // 1024} KiB", 413
                    )
                chunks.append(chunk)
    except TimeoutError:
        raise BadRequest(
            f"the request body took longer than {BODY_TIMEOUT_S:g} s to arrive", 408
        ) from None
    return b"".join(chunks)


async def _json_body(request: Request) -> dict[str, Any]:
    return _parse_json(await _body(request))


def _document(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario document of a request, checked for what the web app accepts."""
    doc = data.get("scenario")
    if not isinstance(doc, dict):
        raise BadRequest("'scenario' is required: a scenario document (name, events...)")
    extra = [k for k in doc if k not in WEB_KEYS]
    if extra:
        raise BadRequest(
            f"scenario key(s) {', '.join(map(str, extra))} are not supported in the web app "
            f"(allowed: {', '.join(WEB_KEYS)})"
        )
    events = doc.get("events")
    if isinstance(events, list) and len(events) > MAX_EVENTS:
        raise BadRequest(f"too many events ({len(events)}): the limit is {MAX_EVENTS}")
    return doc


def _iso3(data: dict[str, Any]) -> str:
    iso3 = data.get("iso3")
    if not isinstance(iso3, str) or not iso3.strip() or len(iso3) > 80:
        raise BadRequest("'iso3' is required: a country code such as TON")
    return iso3.strip()


def _as_of_param(value: str | None) -> str | None:
    """The ``as_of`` query parameter: ``None`` (the snapshot), a year or an ISO date."""
    if value is None or value.strip() == "" or value == "snapshot":
        return None
    v = value.strip()
    try:
        if v.isdigit() and len(v) == 4:
            year = int(v)
            if not 1850 <= year <= 2100:
                raise ValueError
            return v
        return dt.date.fromisoformat(v).isoformat()
    except ValueError:
        raise BadRequest(
            f"as_of must be a year (YYYY) or a date (YYYY-MM-DD), got {value[:40]!r}"
        ) from None


# ------------------------------------------------------------------------------ the worker pool


class WorkPool:
    """Threads that compute, off the event loop, bounded in number, queue and time.

    At most ``workers`` computations run at once and ``queue`` more wait; one more
    is refused at once (503 with ``Retry-After``). Requests with the same ``key``
    (the same scenario asked twice, by a double click or another tab) share one
    computation. A request waits at most ``budget`` seconds (then 503); its work
    still finishes into the caches (threads cannot be stopped), and keeps its
    place in the bound while it runs, so the bound holds.
    """

    def __init__(
        self, *, workers: int = WORKERS, queue: int = QUEUE, budget: float = TIME_BUDGET_S
    ) -> None:
        self.workers = int(workers)
        self.queue = int(queue)
        self.budget = float(budget)
        self._lock = threading.Lock()
        self._pending = 0
        self._inflight: dict[Hashable, Future] = {}
        self._executor: ThreadPoolExecutor | None = None

    @property
    def pending(self) -> int:
        """Computations running or waiting."""
        return self._pending

    def _call(self, key: Hashable | None, fn: Callable[..., Any], args: tuple) -> Any:
        try:
            return fn(*args)
        finally:
            with self._lock:
                self._pending -= 1
                if key is not None:
                    self._inflight.pop(key, None)

    async def run(
        self, fn: Callable[..., Any], *args: Any, key: Hashable | None = None, what: str = "it"
    ) -> Any:
        """``fn(*args)`` in a worker thread; ``what`` names it in the 503 messages."""
        with self._lock:
            fut = self._inflight.get(key) if key is not None else None
            if fut is None:
                if self._pending >= self.workers + self.queue:
                    raise BadRequest(
                        f"the server is busy ({self._pending} computations running or waiting, "
                        f"the limit is {self.workers + self.queue}): try again in a few seconds",
                        503,
                        retry_after=5,
                    )
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(
                        self.workers, thread_name_prefix="cablesim-web"
                    )
                self._pending += 1
                try:
                    fut = self._executor.submit(self._call, key, fn, args)
                except RuntimeError:  # shut down
                    self._pending -= 1
                    raise BadRequest("the server is stopping", 503, retry_after=5) from None
                if key is not None:
                    self._inflight[key] = fut
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), self.budget)
        except TimeoutError:
            raise BadRequest(
                f"{what} took longer than the server's {self.budget:g} s budget; it is still "
                "being computed: ask again in a minute for the answer, or make the scenario "
                "smaller (fewer events)",
                503,
                retry_after=30,
            ) from None

    def close(self) -> None:
        """Stop taking work; drop what waits (what runs finishes in its thread)."""
        with self._lock:
            ex, self._executor = self._executor, None
        if ex is not None:
            ex.shutdown(wait=False, cancel_futures=True)


# ------------------------------------------------------------------------------ bounded caches


_NOT_COUNTED = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.ModuleType,
    type,
    weakref.ref,
    Network,  # its tables are shared with cablesim.load_network's cache: counted there
)


def _nbytes(root: Any, *, limit: int = 400_000) -> int:
    """Estimated bytes that ``root`` holds: arrays, tables and the containers around them.

    Walks the object graph iteratively (each object once, at most ``limit``
    objects); numpy buffers and pandas tables count their data, other objects
    their own size. Networks are not followed (their tables are shared).
    """
    seen: set[int] = set()
    todo = [root]
    total = 0
    while todo and len(seen) < limit:
        obj = todo.pop()
        if obj is None or id(obj) in seen or isinstance(obj, _NOT_COUNTED):
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            if isinstance(obj.base, np.ndarray):
                todo.append(obj.base)
            else:
                total += obj.nbytes
            continue
        if isinstance(obj, pd.DataFrame | pd.Series | pd.Index):
            total += int(np.sum(obj.memory_usage(index=True, deep=False)))
            continue
        if hasattr(obj, "indptr") and hasattr(obj, "data"):  # a scipy sparse matrix
            todo.extend([obj.data, obj.indices, obj.indptr])
            continue
        try:
            total += sys.getsizeof(obj)
        except TypeError:
            continue
        if isinstance(obj, str | bytes | int | float | bool | complex):
            continue
        if isinstance(obj, dict):
            todo.extend(list(obj.keys()))
            todo.extend(list(obj.values()))
        elif isinstance(obj, list | tuple | set | frozenset):
            todo.extend(list(obj))
        else:
            d = getattr(obj, "__dict__", None)
            if isinstance(d, dict):
                todo.append(d)
            for cls in type(obj).__mro__:
                for name in getattr(cls, "__slots__", ()):
                    if isinstance(name, str) and hasattr(obj, name):
                        todo.append(getattr(obj, name))
    return total


def _fresh(net: Network) -> Network:
    """A copy of ``net`` sharing its tables, with an empty memo of its own.

    What is derived from a network (compiled flow graphs, baseline flows,
    dependency tables) is memoised on it; on a copy owned by one cache entry it
    is freed with that entry, not kept by the shared network for ever.
    """
    kept = {
        f.name: getattr(net, f.name)
        for f in dataclasses.fields(net)
        if f.init and not f.name.startswith("_")
    }
    return Network(**kept)


class _Slot:
    """One network (date, capacity, core, backhaul) with what was derived and run on it."""

    def __init__(self, key: tuple) -> None:
        self.key = key
        self.build = threading.Lock()  # held while the network is built and first run
        self.guard = threading.Lock()  # held for dictionary operations only
        self.net: Network | None = None
        self.ready = False
        self.results: OrderedDict[Hashable, Any] = OrderedDict()
        self.depends: OrderedDict[str, pd.DataFrame] = OrderedDict()
        self.nbytes = 0
        self.uses = 0

    def network(self, load: Callable[[], Network]) -> Network:
        if self.net is None:
            with self.build:
                if self.net is None:
                    self.net = load()
        return self.net

    def run(self, fn: Callable[[Network], Any], load: Callable[[], Network]) -> Any:
        """``fn(network)``; the first call on a new network runs alone (it builds the shared
        derived objects: the compiled graph, baseline flows), later ones in parallel."""
        net = self.network(load)
        if not self.ready:
            with self.build:
                if not self.ready:
                    out = fn(net)
                    self.ready = True
                    return out
        return fn(net)

    def get(self, table: OrderedDict, key: Hashable) -> Any:
        with self.guard:
            if key in table:
                table.move_to_end(key)
                return table[key]
        return None

    def put(self, table: OrderedDict, key: Hashable, value: Any, limit: int) -> None:
        with self.guard:
            table[key] = value
            table.move_to_end(key)
            while len(table) > limit:
                table.popitem(last=False)
            self.uses += 1

    def measure(self) -> int:
        """Estimated bytes of what this slot holds (not the shared tables)."""
        net = self.net
        held: list[Any] = []
        if net is not None:
            public = {f.name for f in dataclasses.fields(net) if not f.name.startswith("_")}
            held.append([v for k, v in list(vars(net).items()) if k not in public])
        with self.guard:
            held.append(list(self.depends.values()))
            held.append(
                [
                    (r.countries, r.failed_segments, r.failed_cables, r.failures)
                    for r in self.results.values()
                ]
            )
        self.nbytes = _nbytes(held)
        return self.nbytes


class Engine:
    """The library calls behind the API, with bounded caches and no global lock.

    Caches (all LRU, bounded by entries and, together, by :data:`CACHE_BYTES`):

    * networks: one per (date, capacity, core, backhaul) of the scenarios asked
      (:data:`MAX_NETWORKS`), each a copy of the shared network with its own
      memo, so the compiled graphs and baseline flows of an option set are freed
      with it; with each, its last :data:`MAX_RESULTS` results and its dependency
      tables;
    * map geometry: the JSON of :data:`MAX_PAYLOADS` dates (the country outlines,
      the same at every date, are simplified once).

    Keys are normalised: a scenario's date is the network's date (``2022`` and
    ``2022-12-31`` are one), its core a set (any order, any spelling the
    validator resolves), its events a set (any order); the name and description
    of a scenario do not matter to the computation (the answer carries the
    asking scenario's). Locks are held only to build a shared object (a
    network, its first run) or to touch a table, never while computing a
    result, so requests run in parallel.
    """

    def __init__(
        self,
        *,
        max_networks: int = MAX_NETWORKS,
        max_payloads: int = MAX_PAYLOADS,
        max_results: int = MAX_RESULTS,
        cache_bytes: int = CACHE_BYTES,
    ) -> None:
        self.max_networks = max_networks
        self.max_payloads = max_payloads
        self.max_results = max_results
        self.cache_bytes = cache_bytes
        self._lock = threading.Lock()  # the tables below; never held while computing
        self._slots: OrderedDict[tuple, _Slot] = OrderedDict()
        self._payloads: OrderedDict[str, bytes] = OrderedDict()
        self._outlines: tuple[Any, dict[str, Any]] | None = None

    # -- scenarios

    @functools.cached_property
    def presets(self) -> dict[str, Path]:
        """Key -> file of every bundled scenario and history incident (the fixed list)."""

        out: dict[str, Path] = {}
        for p in sorted(bundled_scenarios().glob("*.yaml")):
            out[p.stem] = p
        for p in history_files():
            out[f"history/{p.stem}"] = p
        return out

    @functools.cached_property
    def preset_list(self) -> list[dict[str, Any]]:
        """What the page's "Open" menu lists (only scenarios the web app can run)."""
        items = []
        for key, path in self.presets.items():
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                continue
            if not isinstance(data, dict) or any(k not in WEB_KEYS for k in data):
                continue
            items.append(
                {
                    "key": key,
                    "name": data.get("name", key),
                    "history": key.startswith("history/"),
                    "reported": "reported" in data,
                    "description": (data.get("description") or "").strip(),
                }
            )
        return items

    def preset(self, key: str) -> dict[str, Any]:
        path = self.presets.get(key)
        if path is None or key not in {p["key"] for p in self.preset_list}:
            raise BadRequest(f"no such scenario: {key[:100]!r}", 404)
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    # -- dates

    @functools.cached_property
    def today(self) -> dt.date:
        """The date of the default network (the dataset's "today")."""
        m = dataset.manifest()
        return dt.date.fromisoformat(m.get("today") or m["snapshot_date"])

    @functools.cached_property
    def date_range(self) -> tuple[dt.date, dt.date]:
        """The dates the web app runs: the first cable's service date to the end of the year
        of the dataset's "today"."""
        first = dataset.load_tables()["cables"]["rfs_date"].dropna().min()
        first = pd.Timestamp(first).date()
        return first, dt.date(self.today.year, 12, 31)

    def check_date(self, date: dt.date) -> dt.date:
        lo, hi = self.date_range
        if not lo <= date <= hi:
            raise BadRequest(
                f"as_of {date.isoformat()} is outside the dataset's range: the web app runs "
                f"{lo.isoformat()} to {hi.isoformat()}"
            )
        return date

    # -- model

    def load(self, doc: dict[str, Any]) -> Scenario:
        """The validated scenario of ``doc``, its date checked and its core normalised."""
        early = _date_of(doc.get("as_of"))
        if early is not None:  # before the validator loads a network for it
            self.check_date(early)
        sc = load_scenario(doc)
        self.check_date(sc.as_of or self.today)
        core = sc.core
        if set(core) != set(DEFAULT_CORE):
            core = tuple(sorted(core))
        elif core != DEFAULT_CORE:
            core = DEFAULT_CORE
        return sc if core == sc.core else dataclasses.replace(sc, core=core)

    def _slot(self, sc: Scenario) -> _Slot:
        key = ((sc.as_of or self.today).isoformat(), sc.capacity, sc.core, sc.backhaul)
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = _Slot(key)
            self._slots.move_to_end(key)
            self._evict(keep=slot)
        return slot

    def _loader(self, sc: Scenario) -> Callable[[], Network]:
        return lambda: _fresh(load_network(sc.as_of or self.today, capacity=sc.capacity))

    def _evict(self, keep: _Slot | None = None) -> None:
        """Drop the least recently used entries past the bounds (``self._lock`` held)."""
        while len(self._payloads) > self.max_payloads:
            self._payloads.popitem(last=False)
        while len(self._slots) > self.max_networks:
            oldest = next(iter(self._slots))
            if self._slots[oldest] is keep:
                break
            del self._slots[oldest]
        while self._bytes() > self.cache_bytes:
            if len(self._payloads) > 1:
                self._payloads.popitem(last=False)
                continue
            oldest = next(iter(self._slots), None)
            if oldest is None or self._slots[oldest] is keep:
                break
            del self._slots[oldest]

    def _bytes(self) -> int:
        return sum(s.nbytes for s in self._slots.values()) + sum(
            len(b) for b in self._payloads.values()
        )

    def _account(self, slot: _Slot) -> None:
        """Measure ``slot`` after it grew (every few uses) and evict past the byte bound."""
        if slot.uses % 4 == 1 or slot.nbytes == 0:
            slot.measure()
        with self._lock:
            self._evict(keep=slot)

    def stats(self) -> dict[str, int]:
        """What the caches hold now: entries and estimated bytes."""
        with self._lock:
            return {
                "networks": len(self._slots),
                "results": sum(len(s.results) for s in self._slots.values()),
                "payloads": len(self._payloads),
                "bytes": self._bytes(),
                "limit_bytes": self.cache_bytes,
            }

    def clear_results(self) -> None:
        """Forget every cached result (the networks stay): for benchmarks."""
        with self._lock:
            slots = list(self._slots.values())
        for s in slots:
            with s.guard:
                s.results.clear()

    def simulate(self, doc: dict[str, Any]):
        """The result of a scenario document (cached by what it computes)."""

        sc = self.load(doc)
        slot = self._slot(sc)
        key = (sc.measure, tuple(sorted(_canonical(_event_key(e)) for e in sc.events)))
        result = slot.get(slot.results, key)
        if result is None:
            result = slot.run(lambda net: simulate(sc, net), self._loader(sc))
            slot.put(slot.results, key, result, self.max_results)
            self._account(slot)
        if result.scenario is not sc:  # the same computation, asked by another document
            result = dataclasses.replace(result, scenario=sc)
        return result

    def depends(self, doc: dict[str, Any], iso3: str) -> pd.DataFrame:
        """The ``depends`` table of ``iso3`` on the scenario's intact network (cached)."""

        # only the date and the options matter: the lens reads the intact network
        probe = {k: doc[k] for k in ("as_of", "options") if doc.get(k) is not None}
        sc = self.load({"name": "depends", **probe, "events": [{"country": iso3}]})
        code = sc.events[0].params.get("id") or iso3
        slot = self._slot(sc)
        table = slot.get(slot.depends, code)
        if table is None:
            table = slot.run(
                lambda net: country_dependencies(net, code, core=sc.core, backhaul=sc.backhaul),
                self._loader(sc),
            )
            slot.put(slot.depends, code, table, 4 * self.max_results)
            self._account(slot)
        return table

    def network_payload(self, as_of: str | None) -> bytes:
        """Geometry of the map at ``as_of`` (``None``: the dataset's date), as JSON bytes."""
        if as_of is None:
            date = self.today
        elif len(as_of) == 4:
            date = dt.date(int(as_of), 12, 31)
        else:
            date = dt.date.fromisoformat(as_of)
        key = self.check_date(date).isoformat()
        with self._lock:
            body = self._payloads.get(key)
            if body is not None:
                self._payloads.move_to_end(key)
                return body
        body = self._payload(load_network(date))
        with self._lock:
            self._payloads[key] = body
            self._evict()
        return body

    def _country_outlines(self, countries: pd.DataFrame) -> dict[str, Any]:
        """iso3 -> simplified outline, area and a point inside (the same at every date)."""
        cached = self._outlines
        if cached is not None and cached[0] is countries:
            return cached[1]
        out = {}
        for r in countries.itertuples():
            geom = r.geometry
            if geom is None or geom.is_empty:
                continue
            simple = geom.simplify(0.05, preserve_topology=True)
            if simple.is_empty:
                simple = geom
            pt = geom.representative_point() if geom.area < SMALL_AREA_DEG2 else None
            out[r.iso3] = (
                r.name,
                {"type": simple.geom_type, "coordinates": _round(_coords(simple))},
                None if pt is None else (pt.x, pt.y),
            )
        self._outlines = (countries, out)
        return out

    def _payload(self, net: Network) -> bytes:
        in_model = set(net.model_countries)
        feats, markers = [], []
        for iso3, (name, geometry, point) in self._country_outlines(net.countries).items():
            feats.append(
                {
                    "type": "Feature",
                    "properties": {"iso3": iso3, "name": name, "model": iso3 in in_model},
                    "geometry": geometry,
                }
            )
            if point is not None and iso3 in in_model:
                markers.append({"iso3": iso3, "name": name, "lon": point[0], "lat": point[1]})
        cab = net.cables
        year = cab["rfs_year"] if "rfs_year" in cab.columns else None
        cables = {}
        for i, r in enumerate(cab.to_dict("records")):
            cables[r["cable_id"]] = {
                "name": r.get("name"),
                "capacity_tbps": r.get("capacity_tbps"),
                "design_tbps": r.get("design_tbps"),
                "year": None if year is None else year.iloc[i],
                "length_km": r.get("length_stated_km"),
            }
        segs = []
        for r in net.segments.itertuples():
            g = r.geometry.simplify(0.02)
            lines = [g] if g.geom_type == "LineString" else list(getattr(g, "geoms", []))
            segs.append(
                {
                    "id": r.segment_id,
                    "cable": r.cable_id,
                    "lines": [_round([list(c) for c in ln.coords], 3) for ln in lines],
                }
            )
        chokepoints = []
        for r in net.chokepoints.itertuples():
            c = r.geometry.representative_point()
            chokepoints.append(
                {
                    "id": r.chokepoint_id,
                    "name": r.name,
                    "description": getattr(r, "description", ""),
                    "lon": c.x,
                    "lat": c.y,
                    "geometry": {
                        "type": r.geometry.geom_type,
                        "coordinates": _round(_coords(r.geometry), 3),
                    },
                }
            )
        payload = {
            "as_of": net.as_of.isoformat(),
            "countries": {"type": "FeatureCollection", "features": feats},
            "markers": markers,
            "cables": cables,
            "segments": segs,
            "chokepoints": chokepoints,
            # land links in service (a land_link event cuts them: {between: [from, to]})
            "land_links": [
                {"id": i, "between": [a, b], "kind": k}
                for i, a, b, k in net.terrestrial_links[
                    ["link_id", "from_iso3", "to_iso3", "kind"]
                ].itertuples(index=False)
            ],
            **catalog(net),  # the page's search index and cable panels
        }
        return json.dumps(_plain(payload), separators=(",", ":")).encode("utf-8")


def _date_of(value: Any) -> dt.date | None:
    """The date an ``as_of`` value stands for, when it is plainly one (else ``None``)."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip() if isinstance(value, int | str) else ""
    try:
        if text.isdigit() and len(text) == 4:
            return dt.date(int(text), 12, 31)
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _event_key(event: Any) -> dict[str, Any]:
    """What of an event the computation reads (its order in the scenario does not matter)."""
    return {
        "kind": event.kind,
        "params": event.params,
        "label": event.label,
        "at": event.at,
        "repair_days": event.repair_days,
        "until": event.until,
    }


def _coords(geom) -> Any:
    """GeoJSON coordinates with polygon rings wound as d3-geo wants them.

    d3-geo reads rings on the sphere: an exterior ring must run clockwise, or
    the polygon is taken as the whole globe minus the country.
    """

    if isinstance(geom, Polygon):
        geom = orient(geom, sign=-1.0)
    elif isinstance(geom, MultiPolygon):
        geom = MultiPolygon([orient(p, sign=-1.0) for p in geom.geoms])
    return mapping(geom)["coordinates"]


def _country_rows(result) -> list[dict[str, Any]]:

    colors = maps.country_colors(result)
    table = result.countries
    cols = [c for c in RESULT_COLUMNS if c in table.columns]
    rows = []
    for r in table[cols].to_dict("records"):
        r["color"] = colors.get(r["iso3"], maps.NO_DATA_COLOR)
        rows.append(r)
    return rows


# ------------------------------------------------------------------------------ the gate keeper


def _host_name(value: str) -> str:
    """The host of a ``Host`` header or an origin's netloc, without port, lower case."""
    v = value.strip().lower()
    if v.startswith("["):
        return v[1 : v.find("]")] if "]" in v else v
    if v.count(":") == 1:
        v = v.split(":", 1)[0]
    return v.rstrip(".")


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _Guard:
    """ASGI middleware in front of every route: who may ask, and the headers of every answer.

    Refuses, before any work: a ``Host`` not in the allow-list (421), a request
    to the API or a POST that the browser marks as coming from another site
    (403), a POST without its content type (415). Adds
    :data:`SECURITY_HEADERS` to every response (``no-store`` to the API's), and
    answers an unexpected exception with a one-line 500 (no traceback).
    """

    def __init__(self, app, *, hosts: Iterable[str] = (), debug: bool = False) -> None:
        self.app = app
        self.debug = debug
        names = {_host_name(h) for h in (*LOCAL_HOSTS, *hosts) if h}
        self.any_ip = bool(names & {"0.0.0.0", "::", ""})  # served on every address
        if self.any_ip:
            names |= {_host_name(socket.gethostname()), _host_name(socket.getfqdn())}
        self.hosts = frozenset(names - {"0.0.0.0", "::", ""})

    def _refusal(self, scope) -> tuple[int, str] | None:
        headers = Headers(scope=scope)
        host = headers.get("host", "")
        name = _host_name(host)
        if name not in self.hosts and not (self.any_ip and _is_ip(name)):
            return 421, (
                f"this server answers requests for {', '.join(sorted(self.hosts))} only "
                f"(Host: {host[:80]!r}); open it at http://127.0.0.1:PORT/"
            )
        method = scope["method"]
        unsafe = method not in ("GET", "HEAD")
        if unsafe or scope["path"].startswith("/api/"):
            origin = headers.get("origin")
            if origin is not None:
                parts = urlsplit(origin) if origin != "null" else None
                if parts is None or parts.netloc.lower() != host.strip().lower():
                    return 403, (
                        f"cross-site request refused (Origin: {origin[:80]!r}): the API "
                        "answers only the page this server serves"
                    )
            site = headers.get("sec-fetch-site")
            if site is not None and site not in ("same-origin", "none"):
                return 403, (
                    f"cross-site request refused (Sec-Fetch-Site: {site[:40]!r}): the API "
                    "answers only the page this server serves"
                )
        if unsafe:
            ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            wanted = UPLOAD_TYPES if scope["path"] == "/api/upload" else ("application/json",)
            if ctype not in wanted:
                return 415, (
                    f"Content-Type must be {' or '.join(wanted)}"
                    + (f", not {ctype[:60]!r}" if ctype else " (none given)")
                )
        return None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")
        started = False

        async def send_secure(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers[name] = value
                if api:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        refusal = self._refusal(scope)
        if refusal is not None:
            status, message = refusal
            await _json({"error": message}, status)(scope, receive, send_secure)
            return
        if self.debug:
            await self.app(scope, receive, send_secure)
            return
        try:
            await self.app(scope, receive, send_secure)
        except Exception as exc:
            log.error(
                "internal error on %s %s: %s", scope["method"], scope["path"], repr(exc)[:200]
            )
            if started:
                raise
            await _json({"error": f"internal error: {type(exc).__name__}"}, 500)(
                scope, receive, send_secure
            )


# ------------------------------------------------------------------------------ handlers


def create_app(
    *,
    debug: bool = False,
    hosts: Iterable[str] = (),
    workers: int = WORKERS,
    queue: int = QUEUE,
    budget: float = TIME_BUDGET_S,
    engine: Engine | None = None,
) -> Starlette:
    """The web app.

    Parameters
    ----------
    debug
        Starlette's debug mode (tracebacks in responses): for development only.
    hosts
        Host names answered besides 127.0.0.1, localhost and ::1 (the address
        the server is bound to; ``0.0.0.0`` or ``::`` also allow any IP address
        and this machine's name).
    workers, queue, budget
        The computing pool: threads, computations that may wait, seconds a
        request waits for its answer (see :class:`WorkPool`).
    engine
        The library side and its caches (default: a new :class:`Engine`).

    Returns
    -------
    starlette.applications.Starlette
        With ``app.state.engine`` and ``app.state.pool``.
    """
    engine = engine if engine is not None else Engine()
    pool = WorkPool(workers=workers, queue=queue, budget=budget)
    meta_cache: list[bytes] = []

    async def light(fn: Callable[[], Any]) -> Any:
        """A quick call that may touch the disk once (never queued behind the pool)."""
        return await anyio.to_thread.run_sync(fn)

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    def meta_body() -> bytes:
        if not meta_cache:
            first, _ = engine.date_range
            snapshot = engine.today
            meta_cache.append(
                json.dumps(
                    _plain(
                        {
                            "version": __version__,
                            "snapshot": snapshot.isoformat(),
                            "snapshot_year": snapshot.year,
                            "first_year": max(first.year, 1989),
                            "last_year": snapshot.year,
                            "legend": [{"color": c, "label": t} for c, t in maps.legend_items()],
                            "legend_title": maps.legend_title(),
                            "measures": measures.table(headline_of="traffic"),
                            "colors": {
                                "isolated": maps.ISOLATED_COLOR,
                                "no_data": maps.NO_DATA_COLOR,
                                "ocean": maps.OCEAN_COLOR,
                                "cable": maps.CABLE_COLOR,
                                "failed": maps.FAILED_COLOR,
                                "degraded_cable": maps.DEGRADED_CABLE_COLOR,
                            },
                            "attribution": maps.ATTRIBUTION,
                            "limits": {
                                "body_bytes": MAX_BODY_BYTES,
                                "events": MAX_EVENTS,
                                "name_chars": MAX_NAME_CHARS,
                                "first_date": first.isoformat(),
                                "last_date": engine.date_range[1].isoformat(),
                            },
                        }
                    ),
                    separators=(",", ":"),
                ).encode("utf-8")
            )
        return meta_cache[0]

    async def meta(request: Request) -> Response:
        body = meta_cache[0] if meta_cache else await light(meta_body)
        return Response(body, media_type="application/json")

    async def network(request: Request) -> Response:
        as_of = _as_of_param(request.query_params.get("as_of"))
        body = await pool.run(
            engine.network_payload, as_of, key=("network", as_of), what="the map of that date"
        )
        return Response(body, media_type="application/json")

    async def scenarios(request: Request) -> Response:
        return _json({"scenarios": await light(lambda: engine.preset_list)})

    async def scenario(request: Request) -> Response:
        key = request.path_params["key"]
        return _json({"key": key, "document": await light(lambda: engine.preset(key))})

    async def simulate_ep(request: Request) -> Response:
        doc = _document(await _json_body(request))

        def work() -> dict[str, Any]:
            result = engine.simulate(doc)
            s = result.summary()
            failed = result.failed_cables
            return {
                "scenario": {
                    "name": result.scenario.name,
                    "as_of": result.network.as_of.isoformat(),
                    "events": [e.label for e in result.scenario.events],
                },
                "summary": s,
                "measure": result.scenario.measure,
                "countries": _country_rows(result),
                "failed_segments": result.failed_segments["segment_id"].tolist(),
                "failed_land_links": sorted(result.failures.links),
                "failed_cables": [
                    {k: r.get(k) for k in ("cable_id", "name", "segments_failed", "whole")}
                    for r in failed.to_dict("records")
                ],
                "warnings": list(result.warnings),
                "reported": result.scenario.reported,
                # event timing (at, repair_days, until) is for `cablesim timeline`: here
                # every event happens at once
                "timing_ignored": bool(result.scenario.is_timeline),
            }

        key = ("simulate", _canonical(doc))
        return _json(await pool.run(work, key=key, what="the simulation"))

    async def country(request: Request) -> Response:
        data = await _json_body(request)
        doc, iso3 = _document(data), _iso3(data)

        def work() -> dict[str, Any]:
            result = engine.simulate(doc)
            code = result.network.resolve_country(iso3)
            rows = [r for r in _country_rows(result) if r["iso3"] == code]
            if not rows:
                raise BadRequest(f"{code} is not in the model (no landing point or land link)", 404)
            name = rows[0].get("name") or code
            about = [p for p in paragraphs(result) if name in p or code in p]
            reported = None
            rep = result.scenario.reported or {}
            for c in rep.get("countries", []) or []:
                if c.get("iso3") == code:
                    reported = c
            return {"country": rows[0], "explanation": about, "reported": reported}

        key = ("country", iso3, _canonical(doc))
        return _json(await pool.run(work, key=key, what="the country's record"))

    async def depends(request: Request) -> Response:
        data = await _json_body(request)
        iso3 = _iso3(data)
        given = data.get("scenario", {})
        if not isinstance(given, dict):
            raise BadRequest("'scenario' must be a scenario document (name, as_of, options...)")
        doc = _document({"scenario": {"name": "depends", "events": [], **given}})

        def work() -> dict[str, Any]:
            table = engine.depends(doc, iso3)
            return {
                "iso3": table.attrs.get("iso3"),
                "name": table.attrs.get("name"),
                "baseline_tbps": table.attrs.get("baseline_tbps"),
                "as_of": table.attrs.get("as_of"),
                "rows": table.head(12).to_dict("records"),
            }

        probe = {k: doc.get(k) for k in ("as_of", "options")}
        key = ("depends", iso3, _canonical(probe))
        return _json(await pool.run(work, key=key, what="the dependency table"))

    async def explain_ep(request: Request) -> Response:
        doc = _document(await _json_body(request))

        def work() -> list[str]:
            return paragraphs(engine.simulate(doc))

        key = ("explain", _canonical(doc))
        return _json({"paragraphs": await pool.run(work, key=key, what="the explanation")})

    async def export(request: Request) -> Response:
        doc = _document(await _json_body(request))
        # validate: never write what check refuses
        await pool.run(engine.load, doc, key=("load", _canonical(doc)), what="the validation")
        text = (
            "# Made with the cablesim classroom web app (cablesim serve).\n"
            "# Run it with: cablesim run THIS_FILE\n"
            + yaml.safe_dump(_plain(doc), sort_keys=False, allow_unicode=True, width=100)
        )
        stem = "".join(ch if ch.isalnum() else "-" for ch in str(doc.get("name", "scenario")))
        stem = "-".join(filter(None, stem.lower().split("-")))[:60] or "scenario"
        return Response(
            text,
            media_type="application/x-yaml",
            headers={"Content-Disposition": f'attachment; filename="{stem}.yaml"'},
        )

    async def upload(request: Request) -> Response:
        raw = await _body(request)

        def work() -> dict[str, Any]:
            doc = _document({"scenario": _parse_upload(raw)})
            engine.load(doc)
            return doc

        doc = await pool.run(work, what="reading the uploaded file")
        return _json({"document": doc})

    async def on_bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BadRequest)
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return _json({"error": str(exc)}, exc.status, headers)

    async def on_cablesim_error(request: Request, exc: Exception) -> Response:
        text = " ".join(str(exc).split()) if str(exc) else type(exc).__name__
        if len(text) > 2000:
            text = text[:2000] + "…"
        return _json({"error": text}, 400)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _json({"error": exc.detail}, exc.status_code)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        pool.close()

    routes = [
        Route("/", index),
        Route("/favicon.ico", favicon),
        Route("/api/meta", meta),
        Route("/api/network", network),
        Route("/api/scenarios", scenarios),
        Route("/api/scenarios/{key:path}", scenario),
        Route("/api/simulate", simulate_ep, methods=["POST"]),
        Route("/api/country", country, methods=["POST"]),
        Route("/api/depends", depends, methods=["POST"]),
        Route("/api/explain", explain_ep, methods=["POST"]),
        Route("/api/export", export, methods=["POST"]),
        Route("/api/upload", upload, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        debug=debug,
        routes=routes,
        middleware=[
            Middleware(_Guard, hosts=tuple(hosts), debug=debug),
            Middleware(GZipMiddleware, minimum_size=2000),
        ],
        exception_handlers={
            BadRequest: on_bad_request,
            CableSimError: on_cablesim_error,
            HTTPException: on_http,
        },
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.pool = pool
    return app
