"""Scenario files: their schema, strict validation and loading.

A scenario is plain data (YAML, TOML or a dict): a name, an optional date
(``as_of``), one or more events and options. Loading validates everything at
once and reports every problem with the file, the line and the field; names
of cables, landing points, chokepoints and countries are resolved against the
network of the scenario's date, with "did you mean" suggestions.

Event forms (one key per list item)::

    - cut: {cables: [..], near: [lat, lon] | chokepoint id | landing point, radius_km: 25}
    - chokepoint: bab-el-mandeb            # or {id: .., label: ..}
    - area: {center: [lat, lon], radius_km: 150}
    - landing_point: fujairah-united-arab-emirates
    - cable: tonga-cable
    - country: YEM
    - degrade: {cable: seamewe-5, fraction: 0.5}
    - land_link: {between: [KAZ, CHN]}    # or {near: [lat, lon], radius_km: ..} or {id: ..}

Every event may carry ``label``, and for timelines ``at`` (a date or a day
offset), ``repair_days`` or ``until``.

The subpackage owns the whole schema: the data model (``_model``: events,
scenarios), reading documents with line numbers (``_parse``), the checker that
collects every problem (``_checker``), timing and repairs (``_timing``), the
``add:`` list (``_add``) and the ``compare:`` block (``_compare``).

Layering: above :mod:`cablesim.network` (names resolve against a network) and
:mod:`cablesim.network.whatif` (an ``add:`` list extends it); it imports nothing from
the engine, the analyses, the reports or the CLI.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cablesim import _limits
from cablesim._lookup import suggestions_budget
from cablesim.exceptions import (
    CableSimError,
    DataError,
    ScenarioError,
    UnknownNameError,
    did_you_mean,
)
from cablesim.network import BACKHAUL_MODES, CAPACITY_BASES, load_network
from cablesim.network import whatif as _whatif
from cablesim.scenario import _add, _compare, _landlink, _timing
from cablesim.scenario._add import parse_candidate as parse_candidate
from cablesim.scenario._checker import (
    _Checker,
    _in_line_order,
    _place_error,
    flow_split_hint,
    place_center,
)
from cablesim.scenario._model import (
    DEFAULT_CORE,
    DEFAULT_RADIUS_KM,
    EVENT_KINDS,
    MEASURES,
    OPTION_KEYS,
    SEVERITIES,
    TIMING_KEYS,
    TOP_KEYS,
    Event,
    Scenario,
)
from cablesim.scenario._parse import (
    FORMATS as FORMATS,
)
from cablesim.scenario._parse import (
    _Doc,
    _parse,
)
from cablesim.scenario._parse import (
    _parse_yaml as _parse_yaml,
)
from cablesim.scenario._parse import (
    check_document as check_document,
)
from cablesim.scenario._parse import (
    parse_text as parse_text,
)
from cablesim.scenario._parse import (
    read_document as read_document,
)

# ------------------------------------------------------------------------------ YAML with lines


# ------------------------------------------------------------------------------ validation


def _event(ck: _Checker, item: Any, path: tuple) -> Event | None:
    net = ck.net
    if not isinstance(item, dict) or (
        len(item) != 1
        and not (
            sum(k in EVENT_KINDS for k in item) == 1
            and all(k in EVENT_KINDS + TIMING_KEYS for k in item)
        )
    ):
        got = list(item) if isinstance(item, dict) else item
        split = ""
        if isinstance(item, dict) and len(item) == 2:
            (k0, v0), (k1, v1) = item.items()
            split = flow_split_hint((k0, v0), k1, v1) if k0 in EVENT_KINDS else ""
        ck.err(
            path,
            f"each event is a mapping with exactly one of {', '.join(EVENT_KINDS)}; got {got!r}"
            + split,
        )
        return None
    if isinstance(item, dict) and len(item) > 1:
        kinds = [k for k in item if k in EVENT_KINDS]
        extra = [k for k in item if k not in EVENT_KINDS]
        if len(kinds) == 1 and all(k in TIMING_KEYS for k in extra):
            ck.err(
                (*path, extra[0]),
                f"unknown key here: write {', '.join(extra)} inside the event, "
                f"e.g. {kinds[0]}: {{id: ..., {extra[0]}: ...}}",
            )
            return None
    kind, body = next(iter(item.items()))
    if kind not in EVENT_KINDS:
        hint = did_you_mean(str(kind), EVENT_KINDS, n=1)
        ck.err(
            (*path, kind),
            "unknown event kind"
            + (f"; did you mean {hint[0]!r}?" if hint else f"; one of {', '.join(EVENT_KINDS)}"),
        )
        return None
    p = (*path, kind)
    simple_id = kind in ("chokepoint", "landing_point", "cable", "country")
    if simple_id and not isinstance(body, dict):
        body = {"id": body}
        id_path = p
    else:
        id_path = (*p, "id")
    if not isinstance(body, dict):
        ck.err(p, f"must be a mapping, got {body!r}")
        return None
    allowed = {
        "cut": ("cables", "near", "radius_km"),
        "area": ("center", "radius_km"),
        "degrade": ("cable", "fraction"),
        "land_link": _landlink.KEYS,
    }.get(kind, ("id",)) + TIMING_KEYS
    ck.unknown_keys(body, allowed, p)
    params: dict[str, Any] = {}
    ok = True
    if kind == "cut":
        cables = body.get("cables")
        if isinstance(cables, str):
            cables = [cables]
        if not isinstance(cables, list) or not cables:
            ck.err((*p, "cables"), "is required: a list of cable ids or names")
            ok = False
        else:
            ids = [
                ck.resolve(net.resolve_cable if net else None, c, (*p, "cables", i))
                for i, c in enumerate(cables)
            ]
            ok &= all(ids)
            params["cables"] = tuple(dict.fromkeys(i for i in ids if i))
        near = body.get("near")
        if near is None:
            ck.err((*p, "near"), "is required: [lat, lon], a chokepoint id or a landing point")
            ok = False
        elif isinstance(near, list | tuple):
            ll = ck.latlon(near, (*p, "near"))
            ok &= ll is not None
            params["near"] = ("point", *ll) if ll else None
        elif isinstance(near, str) and net is not None:
            if net.name_index("chokepoints").resolve(near.strip()) is not None:
                params["near"] = ("chokepoint", net.resolve_chokepoint(near))
            else:
                try:
                    _limits.check_name(near, "chokepoint or landing point")
                    params["near"] = ("landing_point", net.resolve_landing_point(near))
                except UnknownNameError as exc:
                    ck.err((*p, "near"), _place_error(net, near, exc))
                    ok = False
        elif isinstance(near, str):
            params["near"] = ("name", near)
        else:
            ck.err(
                (*p, "near"),
                f"must be [lat, lon], a chokepoint id or a landing point, got {near!r}",
            )
            ok = False
        radius = body.get("radius_km", DEFAULT_RADIUS_KM)
        r = ck.number(radius, (*p, "radius_km"), high=5000)
        ok &= r is not None
        params["radius_km"] = r
    elif kind == "area":
        center = body.get("center")
        if center is None:
            ck.err((*p, "center"), "is required: [lat, lon], a chokepoint or a landing point")
            ok = False
        elif isinstance(center, str) and net is not None:
            c = place_center(net, center)
            if isinstance(c, str):
                ck.err((*p, "center"), c)
                ok = False
            else:
                params["center"] = c
                params["center_place"] = center.strip()
        else:
            c = ck.latlon(center, (*p, "center"))
            ok &= c is not None
            params["center"] = c
        if "radius_km" not in body:
            ck.err((*p, "radius_km"), "is required (km)")
            ok = False
        else:
            r = ck.number(body["radius_km"], (*p, "radius_km"), high=5000)
            ok &= r is not None
            params["radius_km"] = r
    elif kind == "land_link":
        found = _landlink.validate(ck, body, p)
        ok &= found is not None
        params.update(found or {})
    elif kind == "degrade":
        cid = (
            ck.resolve(net.resolve_cable if net else None, body.get("cable"), (*p, "cable"))
            if body.get("cable") is not None
            else None
        )
        if body.get("cable") is None:
            ck.err((*p, "cable"), "is required")
        f = body.get("fraction")
        frac = ck.number(f, (*p, "fraction"), high=1.0) if f is not None else None
        if f is None:
            ck.err(
                (*p, "fraction"),
                "is required: the share of capacity lost, greater than 0 and at most 1",
            )
        ok &= cid is not None and frac is not None
        params.update(cable=cid, fraction=frac)
    else:
        value = body.get("id")
        if value is None:
            ck.err(id_path, "is required")
            return None
        fn = None
        if net is not None:
            fn = {
                "chokepoint": net.resolve_chokepoint,
                "landing_point": net.resolve_landing_point,
                "cable": net.resolve_cable,
                "country": net.resolve_country,
            }[kind]
        rid = ck.resolve(fn, value, id_path)
        ok &= rid is not None
        params["id"] = rid
    label = body.get("label")
    if label is not None:
        label = ck.text(label, (*p, "label"))
    at = ck.date(body["at"], (*p, "at"), allow_offset=True) if "at" in body else None
    repair = (
        ck.number(body["repair_days"], (*p, "repair_days"), high=36500)
        if "repair_days" in body
        else None
    )
    until = ck.date(body["until"], (*p, "until")) if "until" in body else None
    if "repair_days" in body and "until" in body:
        ck.err((*p, "until"), "give either repair_days or until, not both")
    if not ok:
        return None
    return Event(
        kind=kind,
        params=params,
        label=label or _auto_label(kind, params, net),
        at=at,
        repair_days=repair,
        until=until if isinstance(until, dt.date) else None,
    )


def _auto_label(kind: str, params: dict[str, Any], net) -> str:
    def cname(cid: str) -> str:
        if net is None:
            return cid
        row = net.cables.loc[net.cables["cable_id"] == cid, "name"]
        return str(row.iloc[0]) if len(row) else cid

    if kind == "cut":
        near = params["near"]
        where = f"{near[1]:.2f}, {near[2]:.2f}" if near[0] == "point" else near[1]
        names = ", ".join(cname(c) for c in params["cables"])
        return f"{names} cut within {params['radius_km']:g} km of {where}"
    if kind == "area":
        lat, lon = params["center"]
        where = params.get("center_place") or f"{lat:.2f}, {lon:.2f}"
        return f"every segment within {params['radius_km']:g} km of {where}"
    if kind == "chokepoint":
        return f"chokepoint {params['id']} closed"
    if kind == "landing_point":
        return f"landing station {params['id']} lost"
    if kind == "cable":
        return f"{cname(params['id'])} fails along its whole length"
    if kind == "country":
        return f"all stations and land links of {params['id']} lost"
    if kind == "land_link":
        return _landlink.label(params, net)
    return f"{cname(params['cable'])} loses {params['fraction']:.0%} of its capacity"


def _check_reported(ck: _Checker, rep: Any, path: tuple) -> dict[str, Any] | None:
    if not isinstance(rep, dict):
        ck.err(path, "must be a mapping")
        return None
    ck.unknown_keys(rep, ("event_id", "countries", "notes", "sources", "metric_toward"), path)
    if "metric_toward" in rep:
        ck.text(rep["metric_toward"], (*path, "metric_toward"), required=True)
    countries = rep.get("countries")
    if not isinstance(countries, list) or not countries:
        ck.err((*path, "countries"), "is required: a list of {iso3, severity, wording, sources}")
        return None
    for i, c in enumerate(countries):
        cp = (*path, "countries", i)
        if not isinstance(c, dict):
            ck.err(cp, "must be a mapping")
            continue
        ck.unknown_keys(c, ("iso3", "severity", "wording", "sources", "metric"), cp)
        if ck.net is not None and c.get("iso3") is not None:
            code = ck.resolve(ck.net.resolve_country, c.get("iso3"), (*cp, "iso3"))
            if code:
                c["iso3"] = code
        elif c.get("iso3") is None:
            ck.err((*cp, "iso3"), "is required")
        ck.choice(c.get("severity"), SEVERITIES, (*cp, "severity"))
    return rep


def _validate(doc: _Doc, network=None, *, resolve: bool = True) -> Scenario:
    with suggestions_budget():  # "did you mean" for the first unknown names only
        return _validate_doc(doc, network, resolve=resolve)


def _validate_doc(doc: _Doc, network=None, *, resolve: bool = True) -> Scenario:

    data = doc.data
    ck = _Checker(doc, None)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{doc.source}: a scenario is a mapping with name and events, got {type(data).__name__}"
        )
    ck.unknown_keys(data, TOP_KEYS, ())
    name = ck.text(data.get("name"), ("name",), required=True)
    description = (
        ck.text(data["description"], ("description",))
        if data.get("description") is not None
        else ""
    )
    n_before = len(ck.problems)
    as_of = ck.date(data["as_of"], ("as_of",)) if data.get("as_of") is not None else None
    as_of_ok = len(ck.problems) == n_before  # names resolve whatever else is wrong: one pass
    opts = data.get("options") or {}
    capacity = "lit"
    if isinstance(opts, dict) and "capacity" in opts:
        capacity = ck.choice(opts["capacity"], CAPACITY_BASES, ("options", "capacity")) or "lit"
    measure = "traffic"
    if isinstance(opts, dict) and "measure" in opts:
        measure = ck.choice(opts["measure"], MEASURES, ("options", "measure")) or "traffic"
    net = network
    if resolve and net is None and as_of_ok:
        try:
            net = load_network(as_of, capacity=capacity)
        except DataError:
            raise  # the dataset is broken, not the scenario
        except CableSimError as exc:
            ck.err(("as_of",), str(exc))
    ck.net = net if resolve else None
    core, backhaul = DEFAULT_CORE, "landmass"
    if not isinstance(opts, dict):
        ck.err(("options",), "must be a mapping")
    else:
        ck.unknown_keys(opts, OPTION_KEYS, ("options",))
        if "core" in opts:
            raw = opts["core"]
            if not isinstance(raw, list) or not raw:
                ck.err(("options", "core"), "must be a non-empty list of ISO3 codes")
            else:
                codes = [
                    ck.resolve(
                        ck.net.resolve_country if ck.net else None, c, ("options", "core", i)
                    )
                    for i, c in enumerate(raw)
                ]
                core = tuple(
                    dict.fromkeys(
                        c.upper() if c and c.isascii() and not ck.net else c for c in codes if c
                    )
                )
        if "backhaul" in opts:
            backhaul = (
                ck.choice(opts["backhaul"], BACKHAUL_MODES, ("options", "backhaul")) or backhaul
            )
        if "repair" in opts:
            _timing.validate_repair_option(ck, opts["repair"], ("options", "repair"))
    add: list[dict[str, Any]] = []
    if (
        data.get("add") is not None
    ):  # what-if cables (cablesim.network.whatif): events may name them
        n_add = len(ck.problems)
        add = _add.validate_add(ck, data["add"], ("add",))
        if add and ck.net is not None and len(ck.problems) == n_add:
            try:
                ck.net = _whatif.extend(ck.net, add)
            except CableSimError as exc:
                ck.err(("add",), str(exc))
    events_raw = data.get("events")
    events: list[Event] = []
    if events_raw is None:
        ck.err(("events",), "is required: a list of one or more events")
    elif not isinstance(events_raw, list) or not events_raw:
        ck.err(("events",), "must be a list of one or more events")
    elif len(events_raw) > _limits.MAX_EVENTS:  # a bound on work, before any name is looked up
        ck.err(
            ("events",),
            f"{len(events_raw):,} events; the limit is {_limits.MAX_EVENTS:,} per scenario "
            "(split the scenario, or cut many cables in one event: cut: {cables: [...]})",
        )
    else:
        for i, item in enumerate(events_raw):
            ev = _event(ck, item, ("events", i))
            if ev is not None:
                events.append(ev)
    reported = _check_reported(ck, data["reported"], ("reported",)) if "reported" in data else None
    if events and any(
        e.at is not None or e.repair_days is not None or e.until is not None for e in events
    ):
        _timing.validate_timing(ck, events_raw, as_of if isinstance(as_of, dt.date) else None)
    if "compare" in data:
        _compare.validate_compare(ck, data["compare"], ("compare",))
    if ck.problems:
        raise ScenarioError(_in_line_order(ck.problems))
    return Scenario(
        name=name or "",
        events=tuple(events),
        description=description or "",
        as_of=as_of if isinstance(as_of, dt.date) else None,
        core=core,
        backhaul=backhaul,
        capacity=capacity,
        measure=measure,
        reported=reported,
        add=tuple(add),
        source=doc.source,
        document=data,
    )


def validate_mapping(data: Mapping[str, Any], source: str, network=None) -> Scenario:
    """Validate a scenario given as a mapping, naming it ``source`` in messages.

    Like :func:`load_scenario` on a dict, for a document another module built
    (a variant of a scenario, for instance).
    """
    check_document(data, source)
    return _validate(_Doc(dict(data), {}, source), network)


def load_scenario(
    source: str | os.PathLike[str] | Mapping[str, Any], *, network=None, resolve: bool = True
) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source
        A path to a YAML (``.yaml``/``.yml``) or TOML (``.toml``) file, the name of
        a bundled scenario (``"tonga-2022"``, see :func:`find_scenario`), a
        mapping with the same structure, or YAML text.
    network
        Resolve names against this network instead of the bundled one as of
        the scenario's date.
    resolve
        Check cable, landing-point, chokepoint and country names (default).

    Raises
    ------
    ScenarioError
        Listing every problem with its file, line and field.

    Examples
    --------
    >>> import cablesim
    >>> s = cablesim.load_scenario({"name": "Tonga", "events": [{"cable": "tonga-cable"}]})
    >>> s.events[0].params["id"]
    'tonga-cable'
    """
    if isinstance(source, Mapping):
        check_document(source, "<dict>")  # the gate's limits, as for a file
        doc = _Doc(dict(source), {}, "<dict>")
    elif isinstance(source, str) and "\n" in source:
        doc = _parse(source, "yaml", "<string>")
    else:
        doc = read_document(find_scenario(source))
    return _validate(doc, network, resolve=resolve)


def bundled_scenarios() -> Path:
    """Directory of the example scenarios (installed copy or source checkout)."""
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "_bundled" / "scenarios", here.parent / "scenarios"):
        if cand.is_dir():
            return cand
    raise CableSimError("the example scenarios are not installed")


def find_scenario(name: str | os.PathLike[str]) -> Path:
    """A path as given if it exists, else a bundled scenario by name (``tonga-2022``)."""
    p = Path(name)
    if p.is_dir():
        raise ScenarioError(
            f"{name}: is a directory; give scenario files (e.g. {Path(name) / '*.yaml'})"
        )
    if p.exists():
        return p
    base = bundled_scenarios()
    for cand in (base / f"{name}.yaml", base / str(name), base / "history" / f"{name}.yaml"):
        if cand.is_file():
            return cand
    known = sorted(f.stem for f in base.glob("*.yaml"))
    hint = did_you_mean(str(name), known)
    msg = f"{name}: no such scenario file" + (
        f"; did you mean {', '.join(hint)}?" if hint else f"; bundled scenarios: {', '.join(known)}"
    )
    raise ScenarioError(msg)
