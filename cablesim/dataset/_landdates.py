"""Service dates of the land links (``landlinks/service_dates.csv`` of the raw sources).

Severed's terrestrial links carry no dates, and the assumed border links none
either. The shared file dates 34 routes, each with its basis (``severed-source``:
the Severed record says when the link went into service; ``source``: a public
page; ``estimate``: no firm year, the reason given) and its source. The year is
when the **first fibre on that route** entered service, as far as found.

:func:`date_links` sets on each land link, matched by the rules below, its
``service_year``, ``service_date`` (1 July of the year: no month is given, the
rule the cables' year-only RFS dates follow), ``service_basis`` and
``service_source``. A network keeps a dated link from its service date on
(:func:`cablesim.network.land_links_in_service`).

Matching, first that applies:

1. a row with a Severed ``link_id`` dates that sourced link;
2. a row without one (a border route not in the Severed file) dates every land
   link of the dataset between its two countries (ISO3 at the start of ``from``
   and ``to``): the assumed border link(s) of that border, or the sourced link
   between them. A row naming a pair with no link of the dataset is logged and
   not used (on the shared file every such pair has a link).

Where several rows date one link (a newer route on a border that already had
fibre, e.g. Bayobab's 2025 Kampala-Malaba route beside the 2009 Kenya-Uganda
backbone), the earliest year holds: the link stands for the fibre on that border,
in service from its first route; the later routes are named in ``service_source``.

Links no row dates stay undated (``service_date`` empty) and are in every
network: the model assumes they were in service at any date it covers (most are
domestic-to-domestic backbones between neighbouring rich countries or European
bundles whose first fibre is decades old); their capacity still shrinks for
earlier dates with :func:`cablesim.network.land_link_scale`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

SERVICE_DATES = Path("landlinks") / "service_dates.csv"
"""The dated routes, relative to the raw-data directory."""

SERVICE_COLUMNS = ("service_year", "service_date", "service_basis", "service_source")
"""The columns :func:`date_links` sets on the land links."""

BASES = ("severed-source", "source", "estimate")
"""The ``basis`` values of the shared file."""

_PAIR_FIXES = {
    # the row leaves from/to empty; the file's README lists it as "Nepal-China 2018"
    "https://briwatch.info/sino-nepal-cross-border-optical-fiber-cable/": ("NPL", "CHN"),
}
"""Country pair of rows whose ``from``/``to`` are empty, keyed by source URL."""


def service_date(year: int) -> dt.date:
    """The day a link dated by its year alone enters service: 1 July of the year."""
    return dt.date(int(year), 7, 1)


def read_service_dates(source: Path) -> pd.DataFrame | None:
    """The shared file of land-link service dates, or ``None`` where the sources lack it."""
    path = Path(source) / SERVICE_DATES
    if not path.is_file():
        return None
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows["service_year"] = rows["service_year"].astype(int)
    bad = sorted(set(rows["basis"]) - set(BASES))
    if bad:
        raise ValueError(f"{path}: unknown basis {bad}; one of {', '.join(BASES)}")
    return rows


def _iso(text: str) -> str | None:
    m = re.match(r"\s*([A-Z]{3})\b", text or "")
    return m.group(1) if m else None


def _pair(row: pd.Series) -> tuple[str, str] | None:
    a, b = _iso(row["from"]), _iso(row["to"])
    if a and b:
        return a, b
    return _PAIR_FIXES.get(row["source_url"])


def _text(row: pd.Series) -> str:
    what = row["link_id"] or f"{row['from'] or '?'} - {row['to'] or '?'}"
    return f'{what}, {row["service_year"]} ({row["basis"]}): "{row["quote"]}" {row["source_url"]}'


def date_links(
    links: pd.DataFrame, rows: pd.DataFrame | None, log: Callable[[str], None]
) -> pd.DataFrame:
    """The land links with their service-date columns (a new frame; ``links`` untouched).

    Parameters
    ----------
    links
        The land links of the build (``link_id``, ``from_iso3``, ``to_iso3``).
    rows
        :func:`read_service_dates`; ``None`` leaves every link undated.
    log
        Build-log writer: every row used, and every row that matched nothing.
    """
    out = links.copy()
    out["service_year"] = pd.array([None] * len(out), dtype="Int64")
    out["service_date"] = pd.Series([None] * len(out), dtype=object, index=out.index)
    out["service_basis"] = pd.Series([None] * len(out), dtype=object, index=out.index)
    out["service_source"] = pd.Series([None] * len(out), dtype=object, index=out.index)
    if rows is None:
        log("land-link dates: no landlinks/service_dates.csv in the sources; every link undated")
        return out
    pair_of = {
        i: frozenset((a, b))
        for i, a, b in zip(out.index, out["from_iso3"], out["to_iso3"], strict=True)
    }
    by_link: dict[int, list[pd.Series]] = {}
    for _, row in rows.iterrows():
        if row["link_id"]:
            hit = [i for i in out.index if out.at[i, "link_id"] == f"sourced:{row['link_id']}"]
            if not hit:
                log(f"land-link dates: {row['link_id']} is not a cross-border link here; not used")
        else:
            pair = _pair(row)
            if pair is None:
                log(f"land-link dates: no country pair in row {_text(row)}; not used")
                continue
            hit = [i for i, p in pair_of.items() if p == frozenset(pair)]
            if not hit:
                log(f"land-link dates: no land link between {pair[0]} and {pair[1]}; not used")
        for i in hit:
            by_link.setdefault(i, []).append(row)
    for i, found in by_link.items():
        found = sorted(found, key=lambda r: (r["service_year"], r["link_id"] == ""))
        first = found[0]
        text = _text(first)
        if len(found) > 1:
            text += "; later routes: " + "; ".join(_text(r) for r in found[1:])
        out.at[i, "service_year"] = int(first["service_year"])
        out.at[i, "service_date"] = service_date(first["service_year"])
        out.at[i, "service_basis"] = first["basis"]
        out.at[i, "service_source"] = text
        log(
            f"land-link dates: {out.at[i, 'link_id']} in service from "
            f"{out.at[i, 'service_date']} ({first['basis']})"
        )
    n = int(out["service_year"].notna().sum())
    log(
        f"land-link dates: {n} of {len(out)} links dated from {len(rows)} rows; "
        f"{len(out) - n} undated (assumed in service at every date)"
    )
    return out
