"""The impact layer of a result as GIS data: GeoPackage and GeoJSON.

Three layers, each a GeoDataFrame in WGS 84 (EPSG:4326):

``countries``
    One feature per country of the model: its polygon (none for a place the
    borders file lacks) and the columns of :meth:`cablesim.engine.simulate.Result.to_frame`
    (one per measure and core region; what each means:
    :func:`cablesim.measures.measure`).
``failed_segments``
    The failed cable segments (:attr:`~cablesim.engine.simulate.Result.failed_segments`).
``event_areas``
    The area each event covered (a cut's circle, a chokepoint, a closed area,
    a lost country), with the event's kind and label.

A GeoPackage holds them as three layers (empty ones left out); a GeoJSON file
is one FeatureCollection whose features say their ``layer``. geopandas and
QGIS open both as they are (``geopandas.read_file(path, layer="countries")``).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd

from cablesim.engine.simulate import Result

LAYERS = ("countries", "failed_segments", "event_areas")
"""The layers of the impact data, in the order written."""


def impact_layers(result: Result) -> dict[str, gpd.GeoDataFrame]:
    """The impact layer of ``result`` as GeoDataFrames (see the module doc).

    Parameters
    ----------
    result
        A scenario's result (not modified).

    Returns
    -------
    dict
        ``countries``, ``failed_segments`` and ``event_areas``, each in EPSG:4326.
    """
    net = result.network
    frame = result.to_frame()
    shapes = net.countries[["iso3", "geometry"]].drop_duplicates("iso3")
    countries = gpd.GeoDataFrame(
        frame.merge(shapes, on="iso3", how="left"), geometry="geometry", crs=4326
    )
    countries.attrs = {}
    segments = gpd.GeoDataFrame(result.failed_segments.copy(), geometry="geometry", crs=4326)
    rows = [
        {"event": eff.event.label, "kind": eff.event.kind, "geometry": eff.shape}
        for eff in result.failures.effects
        if eff.shape is not None
    ]
    areas = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=["event", "kind", "geometry"]), geometry="geometry", crs=4326
    )
    return {"countries": countries, "failed_segments": segments, "event_areas": areas}


def to_geojson(result: Result) -> str:
    """The impact layer as one GeoJSON FeatureCollection (each feature's ``layer`` says which)."""
    features = []
    for name, layer in impact_layers(result).items():
        if not len(layer):
            continue
        data = json.loads(layer.to_json(drop_id=True, na="null", to_wgs84=True))
        for feat in data["features"]:
            feat["properties"] = {"layer": name, **feat["properties"]}
            features.append(feat)
    doc = {
        "type": "FeatureCollection",
        "name": result.scenario.name,
        "features": features,
    }
    return json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"


def to_gpkg(result: Result) -> bytes:
    """The impact layer as the bytes of a GeoPackage (one layer each, empty ones left out).

    Written through pyogrio (geopandas' I/O engine) into a private temporary
    folder; :func:`cablesim.report.write` then writes the bytes atomically.
    """
    with tempfile.TemporaryDirectory(prefix="cablesim-gpkg-") as tmp:
        path = Path(tmp) / "impact.gpkg"
        for name, layer in impact_layers(result).items():
            if not len(layer):
                continue
            layer.to_file(path, layer=name, driver="GPKG", engine="pyogrio", promote_to_multi=True)
        return path.read_bytes()
