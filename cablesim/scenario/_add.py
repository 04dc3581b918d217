"""The ``add:`` list of a scenario: planned or hypothetical cables brought into its network
(built by :func:`cablesim.network.whatif.extend`), and ``--add`` candidates of ``cablesim resilience``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cablesim.exceptions import CableSimError, UnknownNameError
from cablesim.network.whatif import MAX_COAST_KM, catalog, country_at, slug
from cablesim.scenario._checker import _Checker
from cablesim.scenario._parse import _Doc, read_document

PLANNED_KEYS = ("cable", "capacity_tbps")


NEW_KEYS = ("name", "id", "landing_points", "capacity_tbps", "route")


MAX_CAPACITY_TBPS = 10_000.0
"""Upper bound accepted for a capacity (the largest cables of the 2020s are a few hundred Tbps)."""


def validate_add(ck, value: Any, path: tuple) -> list[dict[str, Any]]:
    """Check a scenario's ``add:`` list; report problems on the scenario checker.

    Parameters
    ----------
    ck
        The scenario checker (:class:`cablesim.scenario._Checker`): problems are
        added with their file, line and field; ``ck.net`` resolves names.
    value
        The raw ``add:`` value.
    path
        Its path in the document (``("add",)``).

    Returns
    -------
    list of dict
        Normalised specs: ``{"kind": "planned", "cable_id", "capacity_tbps"}`` or
        ``{"kind": "hypothetical", "cable_id", "name", "capacity_tbps",
        "landing_points": [["id", lp] | ["point", lat, lon], ...], "route": [[lat, lon], ...] | None}``.
    """
    if isinstance(value, Mapping | str):
        value = [value]
    if not isinstance(value, list) or not value:
        ck.err(
            path,
            "must be a list of cables to add: '- cable: ID' (a planned cable of the dataset) "
            "or '- {name, landing_points, capacity_tbps}' (a hypothetical one)",
        )
        return []
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        p = (*path, i)
        spec = _validate_item(ck, item, p, i)
        if spec is None:
            continue
        cid = spec["cable_id"]
        if cid in seen:
            where = "cable" if spec["kind"] == "planned" else "id"
            ck.err((*p, where), f"{cid!r} is added twice (also item {seen[cid]})")
            continue
        seen[cid] = i
        out.append(spec)
    return out


def _validate_item(ck, item: Any, p: tuple, i: int) -> dict[str, Any] | None:
    if isinstance(item, str):
        item = {"cable": item}
        plain = True
    else:
        plain = False
    if not isinstance(item, Mapping):
        ck.err(
            p,
            f"must be '- cable: ID' or a new cable with landing_points and capacity_tbps, got {item!r}",
        )
        return None
    if "cable" in item:
        if not plain:
            ck.unknown_keys(item, PLANNED_KEYS, p)
        cid = _resolve_planned(ck, item["cable"], p if plain else (*p, "cable"))
        cap = None
        if "capacity_tbps" in item:
            cap = ck.number(item["capacity_tbps"], (*p, "capacity_tbps"), high=MAX_CAPACITY_TBPS)
            if cap is None:
                return None
        return None if cid is None else {"kind": "planned", "cable_id": cid, "capacity_tbps": cap}
    if "landing_points" not in item:
        keys = ", ".join(map(str, item)) or "nothing"
        ck.err(
            p,
            f"give either 'cable: ID' (a planned cable of the dataset) or 'landing_points' and "
            f"'capacity_tbps' (a hypothetical cable); got {keys}",
        )
        return None
    ck.unknown_keys(item, NEW_KEYS, p)
    ok = True
    name = ck.text(item.get("name"), (*p, "name")) if item.get("name") is not None else None
    cap_raw = item.get("capacity_tbps")
    if cap_raw is None:
        ck.err((*p, "capacity_tbps"), "is required for a hypothetical cable (Tbit/s)")
        cap = None
    else:
        cap = ck.number(cap_raw, (*p, "capacity_tbps"), high=MAX_CAPACITY_TBPS)
    ok &= cap is not None
    cid_raw = item.get("id")
    if cid_raw is not None:
        cid = ck.text(cid_raw, (*p, "id"))
        if cid is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", cid):
            ck.err((*p, "id"), f"must be lower-case letters, digits and hyphens, got {cid!r}")
            cid = None
        ok &= cid is not None
    else:
        cid = slug(name) if name else f"new-cable-{i + 1}"
    if cid and ck.net is not None and cid in set(catalog(ck.net, "cables")["cable_id"]):
        ck.err(
            (*p, "id" if cid_raw is not None else "name"),
            f"{cid!r} is already a cable of the dataset; add it with 'cable: {cid}' or choose another id",
        )
        ok = False
    lps = _validate_landing_points(ck, item["landing_points"], (*p, "landing_points"))
    ok &= lps is not None
    route = None
    if item.get("route") is not None:
        raw = item["route"]
        if not isinstance(raw, list) or len(raw) < 2:
            ck.err((*p, "route"), "must be a list of two or more [lat, lon] points")
            ok = False
        else:
            pts = [ck.latlon(v, (*p, "route", k)) for k, v in enumerate(raw)]
            ok &= all(pt is not None for pt in pts)
            route = [list(pt) for pt in pts if pt is not None]
    if not ok:
        return None
    return {
        "kind": "hypothetical",
        "cable_id": cid,
        "name": name or cid,
        "capacity_tbps": cap,
        "landing_points": lps,
        "route": route,
    }


def _resolve_planned(ck, value: Any, p: tuple) -> str | None:
    if not isinstance(value, str) or not value.strip():
        ck.err(p, f"must be a cable id or name, got {value!r}")
        return None
    if ck.net is None:
        return value.strip()
    cables = catalog(ck.net, "cables")
    key = value.strip().lower()
    for cid, name in zip(cables["cable_id"], cables["name"], strict=True):
        if key in (cid.lower(), str(name).lower()):
            return cid
    ck.err(
        p,
        str(
            UnknownNameError(
                value, list(cables["cable_id"]) + list(cables["name"]), kind="cable (of any date)"
            )
        ),
    )
    return None


def _validate_landing_points(ck, raw: Any, p: tuple) -> list[list] | None:
    if not isinstance(raw, list) or len(raw) < 2:
        ck.err(
            p,
            "must be a list of two or more landing points: ids or names of stations, or [lat, lon]",
        )
        return None
    out: list[list] = []
    ok = True
    for k, v in enumerate(raw):
        q = (*p, k)
        if isinstance(v, list | tuple):
            ll = ck.latlon(v, q)
            if ll is None:
                ok = False
                continue
            if ck.net is not None:
                iso, km = country_at(ck.net, ll[1], ll[0])
                if iso is None:
                    ck.err(
                        q,
                        f"{ll[0]:g}, {ll[1]:g} is {km:,.0f} km from the nearest country; a landing "
                        f"point must lie within {MAX_COAST_KM:g} km of a coast",
                    )
                    ok = False
                    continue
            out.append(["point", ll[0], ll[1]])
        else:
            lp = ck.resolve(ck.net.resolve_landing_point if ck.net is not None else None, v, q)
            if lp is None:
                ok = False
                continue
            out.append(["id", lp])
    keys = [tuple(x) for x in out]
    if ok and len(set(keys)) < len(keys):
        ck.err(p, "lists the same landing point twice")
        ok = False
    return out if ok else None


def parse_candidate(text: str, network, *, source: str = "--add") -> list[dict[str, Any]]:
    """Parse one ``--add`` candidate of ``cablesim resilience`` into normalised specs.

    Accepted forms: a cable id or name of the dataset (``2africa``);
    ``"LP;LP;...@CAPACITY"`` where each ``LP`` is ``lat,lon`` or a landing-point
    id (``"21.5,39.2;31.2,29.9@100"``); or a YAML file holding an ``add:`` list
    (or a bare list, or one item).

    Raises
    ------
    CableSimError
        Listing each problem with its file, line (for YAML files) and field.
    """

    text = str(text).strip()
    if text.lower().endswith((".yaml", ".yml")):
        path = Path(text)
        if not path.exists():
            raise CableSimError(f"{source}: {text}: no such file")
        doc = read_document(path)  # the input gate: a regular file, its size, UTF-8, limits
        data = doc.data
        if isinstance(data, Mapping) and "add" in data:
            value, base = data["add"], ("add",)
        else:
            value, base = data, ()
        ck = _Checker(doc, network)
        specs = validate_add(ck, value, base) if base else _validate_bare(ck, value)
    else:
        if "@" in text:
            places, _, cap = text.rpartition("@")
            lps: list[Any] = []
            for part in places.split(";"):
                part = part.strip()
                bits = part.split(",")
                if len(bits) == 2 and all(_is_float(b) for b in bits):
                    lps.append([float(bits[0]), float(bits[1])])
                else:
                    lps.append(part)
            capacity: Any = cap.strip().lower().removesuffix("tbps").strip()
            capacity = float(capacity) if _is_float(capacity) else capacity
            item: Any = {
                "name": "new cable",
                "id": ("new-" + slug(places))[:60].rstrip("-"),
                "landing_points": lps,
                "capacity_tbps": capacity,
            }
        else:
            item = {"cable": text}
        doc = _Doc({"add": [item]}, {}, "command line")
        ck = _Checker(doc, network)
        spec = _validate_item(ck, item, (f"{source} {text!r}",), 0)
        specs = [spec] if spec is not None else []
    if ck.problems:
        raise CableSimError(f"invalid candidate cable {text!r}:\n  " + "\n  ".join(ck.problems))
    return specs


def _validate_bare(ck, value: Any) -> list[dict[str, Any]]:
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list) or not value:
        ck.err((), "must be an add: list, a list of cables or one cable")
        return []
    out = []
    for i, item in enumerate(value):
        spec = _validate_item(ck, item, (i,), i)
        if spec is not None:
            out.append(spec)
    return out


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
