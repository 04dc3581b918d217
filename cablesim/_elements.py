"""Readable names for the elements analyses fail: cables, segments and land links.

``border:EGY-ISR:0`` reads "assumed land link Egypt–Israel"; ``sourced:terr-62-barka-suez``
reads "land link Oman–Egypt (sourced)". Used by the ``minimal-cut`` and ``sweep`` tables.
"""

from __future__ import annotations

__all__ = ["element_kind_and_name", "is_land_link"]


def is_land_link(network, element_id: str) -> bool:
    """Whether ``element_id`` is a land link of ``network``."""
    return element_id in _links(network)


def _links(network) -> dict[str, tuple[str, str, str]]:
    def build() -> dict[str, tuple[str, str, str]]:
        t = network.terrestrial_links
        return {
            lid: (a, b, kind)
            for lid, a, b, kind in zip(
                t["link_id"], t["from_iso3"], t["to_iso3"], t["kind"], strict=True
            )
        }

    return network.memo("elements:links", build)


def element_kind_and_name(network, element_id: str) -> tuple[str, str]:
    """``(kind, readable name)`` of a cable id, a segment id (``cable#n``) or a land link id."""
    links = _links(network)
    if element_id in links:
        a, b, kind = links[element_id]
        names = network.country_names
        pair = f"{names.get(a, a)}–{names.get(b, b)}"
        if kind == "border":
            return "land link", f"assumed land link {pair}"
        return "land link", f"land link {pair} ({kind})"
    cables = network.cables
    cname = dict(zip(cables["cable_id"], cables["name"], strict=True))
    if element_id in cname:
        return "cable", cname[element_id]
    if "#" in element_id:
        cid = element_id.split("#", 1)[0]
        segs = network.segments
        row = segs[segs["segment_id"] == element_id]
        where = ""
        if len(row):
            lp = dict(
                zip(
                    network.landing_points["landing_point_id"],
                    network.landing_points["name"],
                    strict=True,
                )
            )
            a, b = row["from_node"].iloc[0], row["to_node"].iloc[0]
            where = f": {lp.get(a, 'a branching unit')} – {lp.get(b, 'a branching unit')}"
        return "segment", f"{cname.get(cid, cid)}{where}"
    return "element", element_id
