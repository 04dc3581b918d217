"""Warnings for scenarios that silently do nothing, or less than the user thinks.

* An event that fails nothing (lat and lon swapped, a circle on land far from any cable) is
  named with the nearest cable and the nearest landing station and their distances.
* A network ``as_of`` a date after the dataset's last planned cable is extrapolated from
  plans: nothing built after the snapshot is in it.
* :func:`default_network_phrase` says what "no ``as_of``" means: the dataset's latest snapshot
  (the date :func:`cablesim.network.load_network` uses).

Used by :mod:`cablesim.scenario.failures` (the area warning), :mod:`cablesim.engine.simulate` and ``cablesim
check``; nothing here changes a result.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from cablesim import dataset
from cablesim._geo import haversine_km

if TYPE_CHECKING:  # pragma: no cover
    from cablesim.network import Network

__all__ = [
    "as_of_warning",
    "default_network_phrase",
    "last_planned_date",
    "nearest_cable",
    "nearest_station",
    "nothing_failed_warning",
]


def nearest_cable(network: Network, lat: float, lon: float) -> tuple[str, float] | None:
    """Return the name of the cable in service nearest to (lat, lon) and its distance in km."""
    segs = network.segments
    if segs.empty:
        return None
    best, best_cid = np.inf, None
    for cid, geom in zip(segs["cable_id"], segs.geometry, strict=True):
        coords = shapely.get_coordinates(geom)
        if len(coords):
            d = float(np.min(haversine_km(coords[:, 0], coords[:, 1], lon, lat)))
            if d < best:
                best, best_cid = d, cid
    if best_cid is None:
        return None
    names = dict(zip(network.cables["cable_id"], network.cables["name"], strict=True))
    return names.get(best_cid, best_cid), best


def nearest_station(network: Network, lat: float, lon: float) -> tuple[str, float] | None:
    """Return the name of the landing station nearest to (lat, lon) and its distance in km."""
    lps = network.landing_points
    if lps.empty:
        return None
    d = haversine_km(lps.geometry.x.to_numpy(), lps.geometry.y.to_numpy(), lon, lat)
    i = int(np.argmin(d))
    return str(lps["name"].iat[i]), float(d[i])


def nothing_failed_warning(
    network: Network,
    label: str,
    lat: float,
    lon: float,
    *,
    advice: str = "widen radius_km or check the centre",
) -> str:
    """The warning for an event at (lat, lon) that fails nothing."""
    parts = []
    cable = nearest_cable(network, lat, lon)
    if cable:
        parts.append(f"the nearest cable is {cable[0]}, {cable[1]:,.0f} km away")
    station = nearest_station(network, lat, lon)
    if station:
        parts.append(f"the nearest station is {station[0]}, {station[1]:,.0f} km away")
    hint = "; ".join(parts) or "the network has no cable"
    return f"{label}: fails nothing at [{lat:g}, {lon:g}] ([lat, lon]): {hint}; {advice}"


def last_planned_date(network: Network) -> dt.date | None:
    """The ready-for-service date of the dataset's last planned cable (every date)."""
    cables = network.catalog["cables"] if network.catalog else network.cables
    dates = pd.to_datetime(cables["rfs_date"], errors="coerce").dropna()
    return dates.max().date() if len(dates) else None


def snapshot_date(network: Network | None = None) -> str | None:
    """The date of the dataset's snapshot (``snapshot_date`` in its manifest)."""
    if network is not None and network.info.get("snapshot_date"):
        return str(network.info["snapshot_date"])
    try:
        return str(dataset.manifest().get("snapshot_date") or "") or None
    except Exception:  # pragma: no cover - a broken dataset reports itself elsewhere
        return None


def as_of_warning(network: Network) -> str | None:
    """A warning when the network's date is after the data's last planned cable."""
    last = last_planned_date(network)
    if last is None or network.as_of <= last:
        return None
    snap = snapshot_date(network)
    return (
        f"as_of {network.as_of} is after the last cable planned in the data "
        f"(ready for service {last}; snapshot of {snap}): the network is extrapolated "
        "from plans, and nothing built or announced after the snapshot is in it"
    )


def default_date(network: Network | None = None) -> str | None:
    """The date of the network used when no ``as_of`` is given (as ``load_network(None)``):
    the manifest's ``today`` (the newest snapshot), else its ``snapshot_date``."""
    info = network.info if network is not None else None
    if not info:
        try:
            info = dataset.manifest()
        except Exception:  # pragma: no cover - a broken dataset reports itself elsewhere
            return None
    date = info.get("today") or info.get("snapshot_date")
    return str(date) if date else None


def default_network_phrase(network: Network | None = None) -> str:
    """What the network is when no ``as_of`` is given: the dataset's latest snapshot, dated
    as ``run`` uses it (``check`` and ``run`` name the same date)."""
    date = default_date(network)
    return f"the dataset's snapshot of {date}" if date else "the dataset's snapshot"
