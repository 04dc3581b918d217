"""The ``compare:`` block of a scenario (run by :func:`cablesim.analyses.plan.compare`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cablesim.scenario._add import validate_add

COMPARE_KEYS = ("name", "as_of", "add", "options", "countries")


def validate_compare(ck, value: Any, path: tuple) -> None:
    """Check a scenario's ``compare:`` block (problems go to the scenario checker ``ck``)."""
    if not isinstance(value, Mapping) or not value:
        ck.err(path, "must be a mapping with as_of, add, options, countries and/or name")
        return
    ck.unknown_keys(value, COMPARE_KEYS, path)
    if not any(k in value for k in ("as_of", "add", "options")):
        ck.err(path, "names no variant: give as_of, add and/or options")
    if "name" in value:
        ck.text(value["name"], (*path, "name"))
    if value.get("as_of") is not None:
        ck.date(value["as_of"], (*path, "as_of"))
    if "add" in value and value["add"] not in (None, []):
        validate_add(ck, value["add"], (*path, "add"))
    if "options" in value and not isinstance(value["options"], Mapping):
        ck.err((*path, "options"), "must be a mapping (core, backhaul)")
    if "countries" in value:
        raw = value["countries"]
        if not isinstance(raw, list) or not raw:
            ck.err((*path, "countries"), "must be a list of ISO3 codes or names")
        else:
            for i, c in enumerate(raw):
                ck.resolve(
                    ck.net.resolve_country if ck.net is not None else None,
                    c,
                    (*path, "countries", i),
                )
