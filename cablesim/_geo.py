"""Geodesy helpers shared by the dataset build, the cut engine and the metrics.

All coordinates are longitude/latitude degrees on WGS84 (EPSG:4326). Lengths
are geodesic (pyproj's ``Geod`` on the WGS84 ellipsoid); quick distance tests
use the haversine formula on a sphere of mean radius, which differs from the
geodesic by under 0.5%.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod

EARTH_RADIUS_KM = 6371.0088
GEOD = Geod(ellps="WGS84")
LAND_BORDER_DEG = 0.02
"""Two landmasses closer than this (degrees) share a land border: Natural Earth's 1:50m
countries leave slivers of a few hundredths of a degree between neighbours."""


def touching(geoms) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs ``(i, j)`` of the geometries that touch (within :data:`LAND_BORDER_DEG`),
    each pair both ways and every geometry with itself."""
    geoms = np.asarray(geoms)
    return shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=LAND_BORDER_DEG)


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km (vectorised over numpy arrays).

    Parameters
    ----------
    lon1, lat1, lon2, lat2
        Degrees; scalars or broadcastable arrays.
    """
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2)
    )
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    a = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def geodesic_length_km(geom: shapely.Geometry) -> float:
    """Geodesic length of a (Multi)LineString in km."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(GEOD.geometry_length(geom)) / 1000.0


def circle(lon: float, lat: float, radius_km: float, n: int = 72) -> shapely.Polygon:
    """A geodesic circle as a lon/lat polygon (split-free; valid away from the poles).

    Near the antimeridian the ring may run past +/-180 degrees; callers that
    intersect it with routes use :func:`wrap_variants`.
    """
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_km * 1000.0))
    lons = np.asarray(lons)
    # unwrap around the centre so the ring stays continuous
    lons = np.where(lons - lon > 180, lons - 360, lons)
    lons = np.where(lons - lon < -180, lons + 360, lons)
    return shapely.Polygon(np.column_stack([lons, lats]))


def wrap_variants(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """The geometry and, where it runs past +/-180 degrees, its copies shifted by -/+360."""
    minx, _, maxx, _ = geom.bounds
    out = [geom]
    if maxx > 180:
        out.append(shapely.transform(geom, lambda c: c - np.array([360.0, 0.0])))
    if minx < -180:
        out.append(shapely.transform(geom, lambda c: c + np.array([360.0, 0.0])))
    return out
