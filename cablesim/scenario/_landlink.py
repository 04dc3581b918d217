"""The ``land_link`` event: cut land links by their two countries, by place, or by id.

Forms (exactly one of ``between``, ``near`` and ``id``)::

    - land_link: {between: [KAZ, CHN]}                  # every land link between the two
    - land_link: {near: [44.2, 80.4], radius_km: 100}   # links whose route passes there
    - land_link: {id: "sourced:terr-56-almaty-urumqi"}  # one link

``between`` takes two countries (ISO3 codes or names) and must name a pair joined by a
land link in service at the network's date; otherwise the error says when the link enters
service, if it does, and which pairs exist ("did you mean between: [KAZ, KGZ]?").
``near`` matches the land links whose route passes within ``radius_km`` of the point
(:func:`cablesim.scenario.failures.land_links_near`): the sourced links, drawn as the straight line
between their two metros. The assumed border links have no route (their line joins the
two countries' hubs); cut them with ``between``.
"""

from __future__ import annotations

from typing import Any

from cablesim._elements import no_land_link_message
from cablesim.scenario._model import DEFAULT_RADIUS_KM

KEYS = ("between", "near", "radius_km", "id")
"""The keys of a ``land_link`` event (besides label and timing)."""

FORMS = ("between", "near", "id")

HELP = (
    "give one of between: [A, B] (two countries), near: [lat, lon] (with radius_km) "
    "or id: a land-link id"
)
"""What a ``land_link`` event (or an events file's ``land_links`` entry) must give."""


def validate(ck, body: dict[str, Any], p: tuple) -> dict[str, Any] | None:
    """The params of a ``land_link`` event (``between``, ``near`` + ``radius_km``, or ``id``),
    or ``None`` after reporting the problems on ``ck``."""
    forms = [k for k in FORMS if k in body]
    if len(forms) != 1:
        got = f" (got {', '.join(forms)})" if forms else ""
        ck.err(p, HELP + got)
        return None
    form = forms[0]
    if "radius_km" in body and form != "near":
        ck.err((*p, "radius_km"), "applies to near: [lat, lon] only")
        return None
    net = ck.net
    if form == "between":
        pair = body["between"]
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            ck.err((*p, "between"), f"must be two countries, e.g. [KAZ, CHN]; got {pair!r}")
            return None
        fn = net.resolve_country if net is not None else None
        codes = [ck.resolve(fn, c, (*p, "between", i)) for i, c in enumerate(pair)]
        if None in codes:
            return None
        a, b = (str(c).upper() if net is None else c for c in codes)
        if a == b:
            ck.err((*p, "between"), f"must be two different countries, got {a} twice")
            return None
        if net is not None and not net.land_links_between(a, b):
            ck.err((*p, "between"), no_land_link_message(net, a, b))
            return None
        return {"between": (a, b)}
    if form == "near":
        ll = ck.latlon(body["near"], (*p, "near"))
        r = ck.number(body.get("radius_km", DEFAULT_RADIUS_KM), (*p, "radius_km"), high=5000)
        if ll is None or r is None:
            return None
        return {"near": ll, "radius_km": r}
    fn = net.resolve_land_link if net is not None else None
    rid = ck.resolve(fn, body["id"], (*p, "id"))
    return None if rid is None else {"id": rid}


def label(params: dict[str, Any], net) -> str:
    """The generated label of a ``land_link`` event."""
    names = net.country_names if net is not None else {}
    if "between" in params:
        a, b = params["between"]
        return f"land links between {names.get(a, a)} and {names.get(b, b)} cut"
    if "near" in params:
        lat, lon = params["near"]
        return f"land links within {params['radius_km']:g} km of {lat:.2f}, {lon:.2f} cut"
    return f"land link {params['id']} cut"
