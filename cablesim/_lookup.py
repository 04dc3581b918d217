"""Name look-ups in constant time, and a budget on spelling suggestions (issue 14, item 9).

Resolving a name used to build its look-up tables (and, for an unknown name,
scan every cable and rank every name for suggestions) on each call: a scenario
naming 100,000 unknown cables took minutes. The tables are built once per
network (memoised with ``Network.memo``) and :func:`suggestions_budget` limits the
"did you mean" searches of one scenario check to the first few unknown names:
the rest are reported as unknown, without suggestions. Checking is then
linear in the number of names.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from cablesim.exceptions import SUGGESTIONS_LEFT

__all__ = ["SUGGESTIONS_PER_CHECK", "cables", "choices", "countries", "landing_points"]

SUGGESTIONS_PER_CHECK = 50
"""Unknown names of one scenario that get "did you mean" suggestions."""


@contextlib.contextmanager
def suggestions_budget(n: int = SUGGESTIONS_PER_CHECK) -> Iterator[None]:
    """Within the block, only the first ``n`` unknown names get suggestions."""
    token = SUGGESTIONS_LEFT.set([n])
    try:
        yield
    finally:
        SUGGESTIONS_LEFT.reset(token)


def _cached(net: Any, key: str, build) -> Any:
    return net.memo(key, build)


def cables(net: Any) -> dict[str, tuple[str, Any]]:
    """Lower-cased id and name of every cable of the dataset -> (cable id, rfs date)."""

    def build() -> dict[str, tuple[str, Any]]:
        allc = net.catalog["cables"] if net.catalog else net.cables
        out: dict[str, tuple[str, Any]] = {}
        for cid, name, rfs in zip(allc["cable_id"], allc["name"], allc["rfs_date"], strict=True):
            out.setdefault(cid.lower(), (cid, rfs))  # the first cable matching, as the scan did
            out.setdefault(name.lower(), (cid, rfs))
        return out

    return _cached(net, "lookup:cables", build)


def landing_points(net: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(lower-cased id -> id, lower-cased name -> id) of every landing point."""

    def build() -> tuple[dict[str, str], dict[str, str]]:
        lps = net.all_landing_points
        ids = {i.lower(): i for i in lps["landing_point_id"]}
        names = {n.lower(): i for n, i in zip(lps["name"], lps["landing_point_id"], strict=True)}
        return ids, names

    return _cached(net, "lookup:landing_points", build)


def landing_point_places(net: Any) -> dict[str, tuple[str, ...]]:
    """Lower-cased place (a landing point's name before its first comma) -> its landing points.

    ``"zafarana"`` -> ``("zafarana-egypt",)``; a place several stations share maps to all.
    """

    def build() -> dict[str, tuple[str, ...]]:
        lps = net.all_landing_points
        out: dict[str, list[str]] = {}
        for n, i in zip(lps["name"], lps["landing_point_id"], strict=True):
            place = str(n).split(",")[0].strip().lower()
            if place:
                out.setdefault(place, []).append(i)
        return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}

    return _cached(net, "lookup:landing_point_places", build)


def countries(net: Any) -> tuple[set[str], dict[str, str]]:
    """(ISO3 codes, lower-cased name -> ISO3) of the network's countries."""

    def build() -> tuple[set[str], dict[str, str]]:
        codes = set(net.countries["iso3"])
        names = {
            n.lower(): c for n, c in zip(net.countries["name"], net.countries["iso3"], strict=True)
        }
        return codes, names

    return _cached(net, "lookup:countries", build)


def choices(net: Any, kind: str) -> tuple[str, ...]:
    """The ids and names offered as suggestions for an unknown ``kind``."""

    def build() -> tuple[str, ...]:
        if kind == "cable":
            return (*net.cables["cable_id"], *net.cables["name"])
        if kind == "landing point":
            lps = net.all_landing_points
            return (*lps["landing_point_id"], *lps["name"])
        if kind == "country":
            return (*sorted(set(net.countries["iso3"])), *sorted(net.countries["name"]))
        raise ValueError(kind)

    return _cached(net, f"lookup:choices:{kind}", build)
