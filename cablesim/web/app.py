"""The Starlette application of the classroom web app and its JSON API.

Every request is stateless: the page sends the whole scenario (the document an
analyst would write in YAML) with each call, so several tabs never mix. The
server computes nothing itself: it validates with
:func:`cablesim.load_scenario`, runs :func:`cablesim.engine.simulate`, and reads
:func:`cablesim.analyses.depends.country_dependencies`,
:func:`cablesim.report.explain.paragraphs` and :func:`cablesim.maps.country_colors`.

Endpoints (all JSON; errors are ``{"error": "..."}`` with a 4xx status):

``GET /api/meta``
    Version, snapshot date, the year range of the slider, the legend.
``GET /api/network?as_of=YEAR``
    Country polygons, cable segments, chokepoints and small-island markers of
    the network at that date (cached per date), with its stations and each
    cable's owners and landing points (the page's search and cable panels).
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
``POST /api/upload`` (body: YAML text)
    A scenario file from the user's disk, validated, returned as a document.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cablesim import __version__, dataset, maps, measures
from cablesim.analyses.depends import country_dependencies
from cablesim.analyses.history import history_files
from cablesim.engine.simulate import network_for, simulate
from cablesim.exceptions import CableSimError
from cablesim.network import load_network
from cablesim.report.explain import paragraphs
from cablesim.scenario import bundled_scenarios, load_scenario
from cablesim.web._catalog import catalog

STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 256 * 1024
"""Largest request body accepted (an uploaded scenario or a JSON call): 256 KiB."""
MAX_EVENTS = 200
"""Most events one scenario sent by the page may hold."""
WEB_KEYS = ("name", "description", "as_of", "events", "options", "reported")
"""Top-level keys the web app accepts (``add`` and ``compare`` may name files: refused)."""
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


class BadRequest(Exception):
    """A request the API refuses: answered with ``status`` and a one-line message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


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


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(_plain(data), ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=status, media_type="application/json")


def _round(coords: Any, nd: int = 2) -> Any:
    if isinstance(coords, float | int):
        return round(float(coords), nd)
    return [_round(c, nd) for c in coords]


async def _body(request: Request) -> bytes:
    """The request body, refusing more than :data:`MAX_BODY_BYTES`."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > MAX_BODY_BYTES:
                raise BadRequest(
                    f"request too large: the limit is {MAX_BODY_BYTES // 1024} KiB", 413
                )
        except ValueError:
            raise BadRequest("bad Content-Length header") from None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BadRequest(f"request too large: the limit is {MAX_BODY_BYTES // 1024} KiB", 413)
        chunks.append(chunk)
    return b"".join(chunks)


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await _body(request)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return data


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


# ------------------------------------------------------------------------------ the model side


class Engine:
    """The library calls behind the API, with caches and one lock.

    The networks are cached per date (by :func:`cablesim.load_network` and by
    :meth:`network_payload`); results per scenario document (a small LRU).
    Library calls run one at a time under a lock, because the shared network
    caches are not written for concurrent threads; each request still gets
    the result of its own scenario.
    """

    def __init__(self, *, max_results: int = 32) -> None:
        self.lock = threading.RLock()
        self._results: OrderedDict[str, Any] = OrderedDict()
        self._max = max_results
        self._depends: dict[tuple[str, str, str, str], Any] = {}

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
            raise BadRequest(f"no such scenario: {key!r}", 404)
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    # -- model

    def load(self, doc: dict[str, Any]):

        with self.lock:
            return load_scenario(doc)

    def simulate(self, doc: dict[str, Any]):
        """The result of a scenario document (cached by its canonical JSON)."""

        key = json.dumps(_plain(doc), sort_keys=True)
        with self.lock:
            if key in self._results:
                self._results.move_to_end(key)
                return self._results[key]
            result = simulate(self.load(doc))
            self._results[key] = result
            while len(self._results) > self._max:
                self._results.popitem(last=False)
            return result

    def network(self, as_of: Any):

        with self.lock:
            return load_network(as_of)

    @functools.lru_cache(maxsize=16)  # noqa: B019 - one Engine per app, kept for its lifetime
    def network_payload(self, as_of: str | None) -> bytes:
        """Geometry of the map at ``as_of`` (``None``: the snapshot), as JSON bytes."""
        net = self.network(as_of)
        countries = net.countries
        in_model = set(net.model_countries)
        feats, markers = [], []
        for r in countries.itertuples():
            geom = r.geometry
            if geom is None or geom.is_empty:
                continue
            simple = geom.simplify(0.05, preserve_topology=True)
            if simple.is_empty:
                simple = geom
            feats.append(
                {
                    "type": "Feature",
                    "properties": {"iso3": r.iso3, "name": r.name, "model": r.iso3 in in_model},
                    "geometry": {
                        "type": simple.geom_type,
                        "coordinates": _round(_coords(simple)),
                    },
                }
            )
            if geom.area < SMALL_AREA_DEG2 and r.iso3 in in_model:
                pt = geom.representative_point()
                markers.append({"iso3": r.iso3, "name": r.name, "lon": pt.x, "lat": pt.y})
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

    def depends(self, doc: dict[str, Any], iso3: str):
        """The ``depends`` table of ``iso3`` on the scenario's intact network (cached)."""

        # only the date and the options matter: the lens reads the intact network
        probe = {k: doc[k] for k in ("as_of", "options") if doc.get(k) is not None}
        sc = self.load({"name": "depends", **probe, "events": [{"country": iso3}]})
        with self.lock:
            net = network_for(sc)
            code = net.resolve_country(iso3)
            key = (net.as_of.isoformat(), code, ",".join(sc.core), sc.backhaul)
            if key not in self._depends:
                self._depends[key] = country_dependencies(
                    net, code, core=sc.core, backhaul=sc.backhaul
                )
            return self._depends[key]


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


def _as_of_param(value: str | None) -> str | None:
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
            f"as_of must be a year (YYYY) or a date (YYYY-MM-DD), got {value!r}"
        ) from None


def _country_rows(result) -> list[dict[str, Any]]:

    colors = maps.country_colors(result)
    table = result.countries
    cols = [c for c in RESULT_COLUMNS if c in table.columns]
    rows = []
    for r in table[cols].to_dict("records"):
        r["color"] = colors.get(r["iso3"], maps.NO_DATA_COLOR)
        rows.append(r)
    return rows


# ------------------------------------------------------------------------------ handlers


def create_app(*, debug: bool = False) -> Starlette:
    """The web app.

    Parameters
    ----------
    debug
        Starlette's debug mode (tracebacks in responses): for development only.

    Returns
    -------
    starlette.applications.Starlette
    """
    engine = Engine()

    async def index(request: Request) -> Response:
        resp = FileResponse(STATIC / "index.html", media_type="text/html")
        resp.headers["Content-Security-Policy"] = CSP
        return resp

    async def favicon(request: Request) -> Response:
        return Response(status_code=204)

    async def meta(request: Request) -> Response:

        net = engine.network(None)
        first = int(dataset.load_tables()["cables"]["rfs_date"].dropna().min().year)
        return _json(
            {
                "version": __version__,
                "snapshot": net.as_of.isoformat(),
                "snapshot_year": net.as_of.year,
                "first_year": max(first, 1989),
                "last_year": net.as_of.year,
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
                "limits": {"body_bytes": MAX_BODY_BYTES, "events": MAX_EVENTS},
            }
        )

    async def network(request: Request) -> Response:

        as_of = _as_of_param(request.query_params.get("as_of"))
        body = await run_in_threadpool(engine.network_payload, as_of)
        return Response(body, media_type="application/json")

    async def scenarios(request: Request) -> Response:
        return _json({"scenarios": engine.preset_list})

    async def scenario(request: Request) -> Response:
        key = request.path_params["key"]
        return _json({"key": key, "document": engine.preset(key)})

    async def simulate_ep(request: Request) -> Response:

        doc = _document(await _json_body(request))
        result = await run_in_threadpool(engine.simulate, doc)
        s = result.summary()
        failed = result.failed_cables
        return _json(
            {
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
        )

    async def country(request: Request) -> Response:

        data = await _json_body(request)
        doc, iso3 = _document(data), _iso3(data)

        def work():
            result = engine.simulate(doc)
            code = result.network.resolve_country(iso3)
            rows = [r for r in _country_rows(result) if r["iso3"] == code]
            if not rows:
                raise BadRequest(f"{code} is not in the model (no landing point or land link)", 404)
            name = rows[0].get("name") or code
            with engine.lock:
                paras = paragraphs(result)
            about = [p for p in paras if name in p or code in p]
            reported = None
            rep = result.scenario.reported or {}
            for c in rep.get("countries", []) or []:
                if c.get("iso3") == code:
                    reported = c
            return {"country": rows[0], "explanation": about, "reported": reported}

        return _json(await run_in_threadpool(work))

    async def depends(request: Request) -> Response:

        data = await _json_body(request)
        iso3 = _iso3(data)
        given = data.get("scenario", {})
        if not isinstance(given, dict):
            raise BadRequest("'scenario' must be a scenario document (name, as_of, options...)")
        doc = _document({"scenario": {"name": "depends", "events": [], **given}})
        table = await run_in_threadpool(engine.depends, doc, iso3)
        return _json(
            {
                "iso3": table.attrs.get("iso3"),
                "name": table.attrs.get("name"),
                "baseline_tbps": table.attrs.get("baseline_tbps"),
                "as_of": table.attrs.get("as_of"),
                "rows": table.head(12).to_dict("records"),
            }
        )

    async def explain_ep(request: Request) -> Response:

        doc = _document(await _json_body(request))

        def work():
            result = engine.simulate(doc)
            with engine.lock:
                return paragraphs(result)

        return _json({"paragraphs": await run_in_threadpool(work)})

    async def export(request: Request) -> Response:

        doc = _document(await _json_body(request))
        await run_in_threadpool(engine.load, doc)  # validate: never write what check refuses
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
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the uploaded file is not UTF-8 text") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise BadRequest(f"the uploaded file is not valid YAML: {exc}") from None
        doc = _document({"scenario": data})
        await run_in_threadpool(engine.load, doc)
        return _json({"document": doc})

    async def on_bad_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BadRequest)
        return _json({"error": str(exc)}, exc.status)

    async def on_cablesim_error(request: Request, exc: Exception) -> Response:
        return _json(
            {"error": " ".join(str(exc).split("\n")) if str(exc) else type(exc).__name__}, 400
        )

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _json({"error": exc.detail}, exc.status_code)

    async def on_internal(request: Request, exc: Exception) -> Response:
        return _json({"error": f"internal error: {type(exc).__name__}"}, 500)

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
        middleware=[Middleware(GZipMiddleware, minimum_size=2000)],
        exception_handlers={
            BadRequest: on_bad_request,
            CableSimError: on_cablesim_error,
            HTTPException: on_http,
            Exception: on_internal,
        },
    )
    app.state.engine = engine
    return app
