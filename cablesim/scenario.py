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

Every event may carry ``label``, and for timelines ``at`` (a date or a day
offset), ``repair_days`` or ``until``.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cablesim import _limits, _safeio
from cablesim._text import has_surrogate, is_blank
from cablesim.exceptions import (
    CableSimError,
    DataError,
    ScenarioError,
    UnknownNameError,
    did_you_mean,
)

DEFAULT_CORE = ("USA", "GBR", "DEU", "FRA", "NLD", "SGP", "JPN", "HKG")
"""The hubs that stand for "the global internet": the countries holding the
largest internet exchanges and cloud regions on each continent's side of the
cable system (North America, Western Europe, East and South-East Asia)."""

DEFAULT_RADIUS_KM = 25.0
EVENT_KINDS = ("cut", "chokepoint", "area", "landing_point", "cable", "country", "degrade")
TIMING_KEYS = ("label", "at", "repair_days", "until")
TOP_KEYS = ("name", "description", "as_of", "events", "options", "reported", "add", "compare")
OPTION_KEYS = ("core", "backhaul", "capacity", "repair")
SEVERITIES = ("total", "near_total", "severe", "moderate", "minor", "none")


@dataclass(frozen=True)
class Event:
    """One validated event.

    Attributes
    ----------
    kind
        One of :data:`EVENT_KINDS`.
    params
        Resolved parameters: ``cables`` (ids), ``near`` (``("point", lat, lon)``,
        ``("chokepoint", id)`` or ``("landing_point", id)``), ``radius_km``,
        ``id`` (chokepoint / landing point / cable / iso3), ``center``
        (``(lat, lon)``), ``cable`` and ``fraction`` depending on the kind.
    label
        Free text, or a generated description.
    at, repair_days, until
        Timing for timelines; ``None`` when not given.
    """

    kind: str
    params: dict[str, Any]
    label: str
    at: dt.date | int | None = None
    repair_days: float | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        """A one-line human description."""
        return self.label


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build with :func:`load_scenario`."""

    name: str
    events: tuple[Event, ...]
    description: str = ""
    as_of: dt.date | None = None
    core: tuple[str, ...] = DEFAULT_CORE
    backhaul: str = "landmass"
    capacity: str = "lit"
    reported: dict[str, Any] | None = None
    add: tuple[dict[str, Any], ...] = ()
    source: str = "<dict>"
    document: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __repr__(self) -> str:
        when = f" as of {self.as_of}" if self.as_of else ""
        return f"<Scenario {self.name!r}{when}: {len(self.events)} events>"

    @property
    def is_timeline(self) -> bool:
        """True when any event carries timing (``at``, ``repair_days`` or ``until``)."""
        return any(
            e.at is not None or e.repair_days is not None or e.until is not None
            for e in self.events
        )


# ------------------------------------------------------------------------------ YAML with lines


class _Doc:
    """A parsed document with the line of every path (tuple of keys/indices)."""

    def __init__(self, data: Any, lines: dict[tuple, int], source: str) -> None:
        self.data = data
        self.lines = lines
        self.source = source

    def where(self, path: tuple) -> str:
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        line = self.lines.get(p)
        return f"{self.source}:{line}" if line else self.source


def _construct(node: yaml.Node, loader: yaml.SafeLoader, path: tuple, lines: dict) -> Any:
    if len(path) > _limits.MAX_DEPTH or len(lines) > _limits.MAX_NODES:  # e.g. a recursive alias
        raise ScenarioError(
            f"{loader.name}:{node.start_mark.line + 1}: {_fmt_path(path[:3])}: nested too deeply "
            f"or too large (more than {_limits.MAX_DEPTH} levels or {_limits.MAX_NODES:,} values; "
            "a recursive alias?)"
        )
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # a list, mapping or set as a key
                raise ScenarioError(
                    f"{loader.name}:{key_node.start_mark.line + 1}: {_fmt_path(path)}: "
                    "a key must be plain text, not a list, mapping or set"
                )
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                key = str(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            if key in out:
                raise ScenarioError(
                    f"{loader.name}:{key_node.start_mark.line + 1}: "
                    f"{_fmt_path((*path, key))}: duplicate key"
                )
            out[key] = _construct(value_node, loader, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, loader, (*path, i), lines) for i, v in enumerate(node.value)]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str) and has_surrogate(value):
        raise ScenarioError(
            f"{loader.name}:{node.start_mark.line + 1}: {_fmt_path(path)}: "
            "text holds a lone surrogate (not valid Unicode)"
        )
    return value


def _parse_yaml(text: str, source: str) -> _Doc:
    _limits.check_size(len(text.encode("utf-8", "surrogatepass")), source)
    _limits.check_yaml_events(text, source)  # depth and alias expansion, before building
    try:
        loader = _limits.Loader(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    loader.name = source
    try:
        node = loader.get_single_node()
        lines: dict[tuple, int] = {}
        data = {} if node is None else _construct(node, loader, (), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise ScenarioError(f"{source}{line}: not valid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{source}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return _Doc(data, lines, source)


def _fmt_path(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(document)"


# ------------------------------------------------------------------------------ validation


class _Checker:
    def __init__(self, doc: _Doc, network) -> None:
        self.doc = doc
        self.net = network
        self.problems: list[str] = []

    def err(self, path: tuple, msg: str) -> None:
        self.problems.append(f"{self.doc.where(path)}: {_fmt_path(path)}: {msg}")

    def unknown_keys(self, mapping: Mapping, allowed: tuple[str, ...], path: tuple) -> None:
        for key in mapping:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed, n=1)
                extra = (
                    f"; did you mean {hint[0]!r}?" if hint else f"; allowed: {', '.join(allowed)}"
                )
                self.err((*path, key), f"unknown key{extra}")

    # ---- value checks
    def text(self, value: Any, path: tuple, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.err(path, "is required")
            return None
        if not isinstance(value, str) or is_blank(value):
            self.err(path, f"must be non-empty text, got {value!r}")
            return None
        return value.strip()

    def number(
        self,
        value: Any,
        path: tuple,
        *,
        positive: bool = True,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.err(path, f"must be a number, got {value!r}")
            return None
        try:
            v = float(value)
        except OverflowError:
            v = float("inf")
        if v != v or v in (float("inf"), float("-inf")):
            self.err(path, f"must be a finite number, got {value!r}")
            return None
        if positive and v <= 0:
            self.err(path, f"must be greater than 0, got {value!r}")
            return None
        if (low is not None and v < low) or (high is not None and v > high):
            self.err(path, f"must be between {low} and {high}, got {value!r}")
            return None
        return v

    def latlon(self, value: Any, path: tuple) -> tuple[float, float] | None:
        if not isinstance(value, list | tuple) or len(value) != 2:
            self.err(path, f"must be [lat, lon], got {value!r}")
            return None
        lat = self.number(value[0], (*path, 0), positive=False, low=-90, high=90)
        lon = self.number(value[1], (*path, 1), positive=False, low=-180, high=180)
        return None if lat is None or lon is None else (lat, lon)

    def choice(self, value: Any, choices: tuple[str, ...], path: tuple) -> str | None:
        """``value`` if it is one of ``choices``, else an error at ``path`` and ``None``."""
        if isinstance(value, str) and value in choices:
            return value
        self.err(path, f"must be one of {', '.join(choices)}, got {value!r}")
        return None

    def date(self, value: Any, path: tuple, *, allow_offset: bool = False) -> dt.date | int | None:
        out = self._date(value, path, allow_offset=allow_offset)
        if isinstance(out, dt.date) and not _limits.date_in_range(out):
            self.err(path, f"must be a date between 1850 and 2100, got {out.isoformat()}")
            return None
        return out

    def _date(self, value: Any, path: tuple, *, allow_offset: bool = False) -> dt.date | int | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, bool):
            self.err(path, f"must be a date, got {value!r}")
            return None
        if isinstance(value, int):
            if allow_offset and 0 <= value <= 36500:
                return value
            if not allow_offset and 1850 <= value <= 2100:
                return dt.date(value, 12, 31)
            what = "a day offset (0-36500) or a date" if allow_offset else "a year (1850-2100)"
            self.err(path, f"must be {what}, got {value!r}")
            return None
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
            if value.strip().isascii() and value.strip().isdigit() and not allow_offset:
                return self.date(int(value.strip()), path)
        self.err(
            path,
            f"must be a date (YYYY-MM-DD){' or a day offset' if allow_offset else ' or a year'}, "
            f"got {value!r}",
        )
        return None

    def resolve(self, fn, value: Any, path: tuple) -> str | None:
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
            self.err(path, f"must be a name or id, got {value!r}")
            return None
        if self.net is None:
            return str(value)
        try:
            return fn(str(value))
        except UnknownNameError as exc:
            self.err(path, str(exc))
        except CableSimError as exc:
            self.err(path, str(exc))
        return None


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
        ck.err(
            path,
            f"each event is a mapping with exactly one of {', '.join(EVENT_KINDS)}; got {got!r}",
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
            if near.strip().lower() in {c.lower() for c in net.chokepoints["chokepoint_id"]}:
                params["near"] = ("chokepoint", net.resolve_chokepoint(near))
            else:
                try:
                    params["near"] = ("landing_point", net.resolve_landing_point(near))
                except UnknownNameError:
                    choices = list(net.chokepoints["chokepoint_id"]) + list(
                        net._all_landing_points["landing_point_id"]
                    )
                    ck.err(
                        (*p, "near"),
                        str(UnknownNameError(near, choices, kind="chokepoint or landing point")),
                    )
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
            ck.err((*p, "center"), "is required: [lat, lon]")
            ok = False
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
        return f"every segment within {params['radius_km']:g} km of {lat:.2f}, {lon:.2f}"
    if kind == "chokepoint":
        return f"chokepoint {params['id']} closed"
    if kind == "landing_point":
        return f"landing station {params['id']} lost"
    if kind == "cable":
        return f"{cname(params['id'])} fails along its whole length"
    if kind == "country":
        return f"all stations and land links of {params['id']} lost"
    return f"{cname(params['cable'])} loses {params['fraction']:.0%} of its capacity"


def _check_reported(ck: _Checker, rep: Any, path: tuple) -> dict[str, Any] | None:
    if not isinstance(rep, dict):
        ck.err(path, "must be a mapping")
        return None
    ck.unknown_keys(rep, ("event_id", "countries", "notes", "sources"), path)
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
    from cablesim._lookup import suggestions_budget

    with suggestions_budget():  # "did you mean" for the first unknown names only
        return _validate_doc(doc, network, resolve=resolve)


def _validate_doc(doc: _Doc, network=None, *, resolve: bool = True) -> Scenario:
    from cablesim.network import load_network

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
    opts = data.get("options") or {}
    capacity = "lit"
    if isinstance(opts, dict) and "capacity" in opts:
        from cablesim.network import CAPACITY_BASES

        capacity = ck.choice(opts["capacity"], CAPACITY_BASES, ("options", "capacity")) or "lit"
    net = network
    if resolve and net is None and len(ck.problems) == n_before:
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
                    dict.fromkeys(c.upper() if c and not ck.net else c for c in codes if c)
                )
        if "backhaul" in opts:
            from cablesim.network import BACKHAUL_MODES

            backhaul = (
                ck.choice(opts["backhaul"], BACKHAUL_MODES, ("options", "backhaul")) or backhaul
            )
        if "repair" in opts:
            from cablesim import timeline

            timeline.validate_repair_option(ck, opts["repair"], ("options", "repair"))
    add: list[dict[str, Any]] = []
    if data.get("add") is not None:  # what-if cables (cablesim._whatif): events may name them
        from cablesim import _whatif

        add = _whatif.validate_add(ck, data["add"], ("add",))
        if add and ck.net is not None and not ck.problems:
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
    else:
        for i, item in enumerate(events_raw):
            ev = _event(ck, item, ("events", i))
            if ev is not None:
                events.append(ev)
    reported = _check_reported(ck, data["reported"], ("reported",)) if "reported" in data else None
    if events and any(
        e.at is not None or e.repair_days is not None or e.until is not None for e in events
    ):
        from cablesim import timeline

        timeline.validate_timing(ck, events_raw, as_of if isinstance(as_of, dt.date) else None)
    if "compare" in data:
        from cablesim import plan

        plan.validate_compare(ck, data["compare"], ("compare",))
    if ck.problems:
        raise ScenarioError(ck.problems)
    return Scenario(
        name=name or "",
        events=tuple(events),
        description=description or "",
        as_of=as_of if isinstance(as_of, dt.date) else None,
        core=core,
        backhaul=backhaul,
        capacity=capacity,
        reported=reported,
        add=tuple(add),
        source=doc.source,
        document=data,
    )


def read_document(path: str | os.PathLike[str]) -> _Doc:
    """Read a scenario file (YAML, or TOML by suffix) keeping line numbers."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"{p}: no such scenario file")
    _safeio.note_input(p)
    try:
        _limits.check_size(p.stat().st_size, str(p))
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{p}: cannot read: {exc}") from None
    if p.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise _limits.toml_error(exc, str(p)) from None
        except RecursionError:
            raise ScenarioError(f"{p}: not valid TOML: nested too deeply") from None
        except ValueError as exc:
            raise ScenarioError(f"{p}: not valid TOML: {exc}") from None
        _limits.check_depth(data, str(p))
        return _Doc(data, {}, str(p))
    return _parse_yaml(text, str(p))


def load_scenario(
    source: str | os.PathLike[str] | Mapping[str, Any], *, network=None, resolve: bool = True
) -> Scenario:
    """Load and validate a scenario.

    Parameters
    ----------
    source
        A path to a YAML (``.yaml``/``.yml``) or TOML (``.toml``) file, a
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
        doc = _Doc(dict(source), {}, "<dict>")
    elif isinstance(source, str) and "\n" in source:
        doc = _parse_yaml(source, "<string>")
    else:
        doc = read_document(source)
    return _validate(doc, network, resolve=resolve)


def bundled_scenarios() -> Path:
    """Directory of the example scenarios (installed copy or source checkout)."""
    here = Path(__file__).resolve().parent
    for cand in (here / "_bundled" / "scenarios", here.parent / "scenarios"):
        if cand.is_dir():
            return cand
    raise CableSimError("the example scenarios are not installed")


def find_scenario(name: str | os.PathLike[str]) -> Path:
    """A path as given if it exists, else a bundled scenario by name (``tonga-2022``)."""
    p = Path(name)
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
