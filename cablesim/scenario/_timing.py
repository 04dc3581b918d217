"""The timing part of the schema: ``at``, ``until`` and ``options.repair``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

REPAIR_MODES = ("table", "none")


def validate_repair_option(ck, value: Any, path: tuple) -> None:
    """Check ``options.repair``: ``table`` (default), ``none`` or a number of days."""
    if isinstance(value, str) and value in REPAIR_MODES:
        return
    if isinstance(value, int | float) and not isinstance(value, bool):
        ck.number(value, path, high=3650)
        return
    ck.err(
        path,
        f"must be 'table' (default repair times by region), 'none' (never repaired) or a number "
        f"of days, got {value!r}",
    )


def _quiet_date(value: Any, *, offset: bool) -> dt.date | int | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if offset and 0 <= value <= 36500 else None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def validate_timing(ck, events_raw: Sequence[Any], as_of: dt.date | None) -> None:
    """Check the timing of a scenario's events against each other and ``as_of``.

    A day offset needs ``as_of``; a dated start may not precede ``as_of``; ``until``
    must come after the event's start. Problems go to the scenario checker
    ``ck`` with their file, line and field.
    """
    for i, item in enumerate(events_raw):
        if not isinstance(item, Mapping) or len(item) != 1:
            continue
        kind, body = next(iter(item.items()))
        if not isinstance(body, Mapping):
            continue
        p = ("events", i, kind)
        at = _quiet_date(body.get("at"), offset=True) if "at" in body else None
        if isinstance(at, int) and as_of is None:
            ck.err(
                (*p, "at"),
                f"a day offset ({at}) counts from the scenario's as_of, which is missing: "
                "add as_of at the top or give the date (YYYY-MM-DD)",
            )
            continue
        if isinstance(at, dt.date) and as_of is not None and at < as_of:
            ck.err(
                (*p, "at"),
                f"{at} is before the scenario's as_of ({as_of}); the network is the one "
                "of as_of, so move as_of earlier or the event later",
            )
            continue
        start = (
            (as_of + dt.timedelta(days=at))
            if isinstance(at, int) and as_of
            else (at if isinstance(at, dt.date) else as_of)
        )
        until = _quiet_date(body.get("until"), offset=False) if "until" in body else None
        if isinstance(until, dt.date) and start is not None and until <= start:
            ck.err((*p, "until"), f"{until} must be after the event's start ({start})")
