"""GIS output of a result (issue 23 item 2): GeoPackage and GeoJSON, read back by geopandas."""

from __future__ import annotations

import os

import geopandas as gpd
import pyogrio
import pytest

from cablesim import report


@pytest.fixture
def result(branchy, run):
    return run(branchy, [{"area": {"center": [-1.0, 2.0], "radius_km": 50}}], core=["CCC"])


def _check_countries(layer: gpd.GeoDataFrame, result) -> None:
    frame = result.to_frame()
    assert list(layer.drop(columns="geometry").columns) == list(frame.columns)
    got = layer.set_index("iso3")
    for r in frame.itertuples():
        assert got.at[r.iso3, "status"] == r.status
        assert got.at[r.iso3, "capacity_loss_pct"] == pytest.approx(r.capacity_loss_pct)
        assert got.at[r.iso3, "loss_pct_immediate"] == pytest.approx(r.loss_pct_immediate)
    assert layer.geometry.notna().all()


def test_geopackage_has_the_three_layers(result, tmp_path):
    assert len(result.failed_segments)
    path = report.write(result, tmp_path / "impact.gpkg")
    assert os.listdir(tmp_path) == ["impact.gpkg"]  # atomic: no leftovers
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == {"countries", "failed_segments", "event_areas"}
    countries = gpd.read_file(path, layer="countries")
    assert countries.crs.to_epsg() == 4326
    _check_countries(countries, result)
    segs = gpd.read_file(path, layer="failed_segments")
    assert set(segs["segment_id"]) == set(result.failed_segments["segment_id"])
    areas = gpd.read_file(path, layer="event_areas")
    assert len(areas) == 1
    assert areas["kind"].iloc[0] == "area"
    assert areas.geometry.iloc[0].intersects(segs.geometry.union_all())


def test_geojson_is_one_feature_collection(result, tmp_path):
    path = report.write(result, tmp_path / "impact.geojson")
    data = gpd.read_file(path)
    assert data.crs.to_epsg() == 4326
    counts = data["layer"].value_counts().to_dict()
    assert counts == {
        "countries": len(result.countries),
        "failed_segments": len(result.failed_segments),
        "event_areas": 1,
    }
    countries = data[data["layer"] == "countries"].dropna(axis=1, how="all")
    _check_countries(countries.drop(columns="layer").reset_index(drop=True), result)


def test_no_failed_segment_leaves_that_layer_out(branchy, run, tmp_path):
    r = run(branchy, [{"area": {"center": [40.0, 40.0], "radius_km": 5}}], core=["CCC"])
    path = report.write(r, tmp_path / "none.gpkg")
    # no failed segment: no such layer (an empty layer has no geometry type)
    assert {n for n, _ in pyogrio.list_layers(path)} == {"countries", "event_areas"}
