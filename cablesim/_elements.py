"""Readable names for the elements analyses fail: cables, segments and land links.

``border:EGY-ISR:0`` reads "assumed land link Egypt–Israel"; ``sourced:terr-62-barka-suez``
reads "land link Oman–Egypt (sourced)". Used by the ``minimal-cut`` and ``sweep`` tables.
:func:`no_land_link_message` says why two countries name no land link (the ``land_link``
event and ``sweep --by land-link``).
"""

from __future__ import annotations

__all__ = ["element_kind_and_name", "is_land_link", "no_land_link_message"]


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


def no_land_link_message(net, a: str, b: str) -> str:
    """Why ``between: [a, b]`` names no land link at the network's date, with the pairs
    that do exist."""
    names = net.country_names
    msg = f"no land link between {names.get(a, a)} ({a}) and {names.get(b, b)} ({b}) at {net.as_of}"
    catalog = (net.catalog or {}).get("terrestrial_links")
    if catalog is not None and "service_date" in catalog.columns:
        fa, tb = catalog["from_iso3"], catalog["to_iso3"]
        later = catalog[((fa == a) & (tb == b)) | ((fa == b) & (tb == a))]
        later = later[later["service_date"].notna()]
        if len(later):
            first = later.sort_values("service_date").iloc[0]
            msg += (
                f": {first['link_id']} enters service on {first['service_date']} "
                f"({first['service_basis']}: the year its first fibre was in service)"
            )
    pairs = [f"[{a}, {n}]" for n in net.land_link_neighbours(a)]
    pairs += [f"[{b}, {n}]" for n in net.land_link_neighbours(b)]
    if pairs:
        more = f" ({len(pairs) - 8} more)" if len(pairs) > 8 else ""
        msg += f"; did you mean between: {', '.join(pairs[:8])}{more}?"
    else:
        msg += f"; neither {a} nor {b} has a land link then"
    return msg
