"""What the page's search box and cable panel read: stations, owners, landing points.

Pure functions of a loaded :class:`cablesim.network.Network` returning
JSON-ready dicts (plain lists, strings and numbers). The app adds them to the
network payload of the same date, so the search index and the cable panels
always describe the network drawn on the map.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["catalog"]


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


def catalog(net) -> dict[str, Any]:
    """The stations and the cable details of ``net``, for search and panels.

    Parameters
    ----------
    net
        A loaded network (:func:`cablesim.load_network`).

    Returns
    -------
    dict
        ``stations``: a list of ``[landing_point_id, name, iso3, lon, lat,
        tbd]`` (``tbd``: true when the operator has not named the town yet);
        ``cable_info``: cable id -> ``{"owners": [...], "landings": [i, ...],
        "planned": bool}`` where each ``i`` indexes ``stations`` (in the
        cable's own order, as ``cablesim cable`` lists them).
    """
    lp = net.landing_points
    index: dict[str, int] = {}
    stations = []
    for r in lp.itertuples():
        geom = r.geometry
        if geom is None or geom.is_empty:
            continue
        index[r.landing_point_id] = len(stations)
        stations.append(
            [
                r.landing_point_id,
                _text(r.name) or r.landing_point_id,
                _text(r.iso3),
                round(float(geom.x), 3),
                round(float(geom.y), 3),
                bool(getattr(r, "is_tbd", False)),
            ]
        )
    info = {}
    for r in net.cables.itertuples():
        owners = [] if r.owners is None else [o for o in map(_text, r.owners) if o]
        ids = [] if r.landing_point_ids is None else list(r.landing_point_ids)
        info[r.cable_id] = {
            "owners": owners,
            "landings": [index[i] for i in ids if i in index],
            "planned": bool(r.planned) if not pd.isna(r.planned) else False,
        }
    return {"stations": stations, "cable_info": info}
