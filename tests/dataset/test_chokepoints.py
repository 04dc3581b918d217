"""Tests for the chokepoint polygons in :mod:`cablesim.dataset._chokepoints`.

Self-contained: known places are checked against the polygons; no route data is read.
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest
import shapely

from cablesim.dataset._chokepoints import (
    CHOKEPOINTS,
    REQUIRED_CHOKEPOINTS,
    Chokepoint,
    chokepoint_polygons,
)

# Pairs allowed to share area: the red-sea polygon follows the IHO limit (Husn Murad - Ras Siyan)
# and bab-el-mandeb straddles it, so the strait north of that line belongs to both.
OVERLAP_ALLOWED = {frozenset({"red-sea", "bab-el-mandeb"})}

# (chokepoint id, place, (lon, lat)) that must be inside.
INSIDE = [
    ("bab-el-mandeb", "Bab-el-Mandeb strait centre", (43.4, 12.6)),
    ("bab-el-mandeb", "strait south of the IHO line", (43.45, 12.45)),
    ("red-sea", "off Jeddah", (38.9, 21.5)),
    ("red-sea", "off Port Sudan", (37.6, 19.7)),
    ("red-sea", "southern Red Sea off Mocha", (43.0, 13.5)),
    ("suez", "Suez Canal at Ismailia", (32.27, 30.6)),
    ("suez", "Great Bitter Lake", (32.38, 30.35)),
    ("suez", "Cairo (between the drawn land routes)", (31.24, 30.04)),
    ("suez", "desert road half-way to Zafarana", (31.5, 29.6)),
    ("alexandria", "Alexandria harbour approach", (29.85, 31.25)),
    ("alexandria", "off Abu Talat", (29.6, 31.15)),
    ("djibouti", "off Djibouti City", (43.3, 11.7)),
    ("hormuz", "Strait of Hormuz off Musandam", (56.5, 26.55)),
    ("hormuz", "Larak / Hormuz island channel", (56.45, 26.95)),
    ("malacca", "Singapore Strait (Phillip Channel)", (103.85, 1.2)),
    ("malacca", "Singapore Strait east of Changi", (104.2, 1.3)),
    ("malacca", "One Fathom Bank", (100.95, 2.85)),
    ("malacca", "off Penang", (99.8, 5.4)),
    ("sunda-strait", "Sunda Strait narrows", (105.85, -5.95)),
    ("luzon-strait", "Bashi Channel", (121.0, 21.5)),
    ("luzon-strait", "Balintang Channel", (121.8, 19.9)),
    ("taiwan-strait", "mid Taiwan Strait", (119.5, 24.0)),
    ("taiwan-strait", "Kinmen - Xiamen", (118.3, 24.4)),
    ("guam", "off Piti / Apra Harbor", (144.6, 13.45)),
    ("guam", "off Tumon Bay", (144.75, 13.55)),
    ("english-channel", "Dover Strait", (1.45, 51.0)),
    ("english-channel", "mid Channel south of the Isle of Wight", (-1.3, 50.2)),
    ("english-channel", "off Porthcurno", (-5.6, 49.95)),
    ("gibraltar", "Strait of Gibraltar centre", (-5.6, 35.95)),
    ("sicily-channel", "between Cape Bon and Marsala", (11.7, 37.4)),
    ("marseille", "off Marseille", (5.3, 43.2)),
    ("baltic-entrances", "Oresund at Helsingor", (12.65, 56.03)),
    ("baltic-entrances", "Oresund at Drogden", (12.72, 55.55)),
    ("baltic-entrances", "Great Belt", (11.0, 55.33)),
    ("baltic-entrances", "Kattegat", (11.5, 57.0)),
]

# (chokepoint id, place, (lon, lat)) that must be outside.
OUTSIDE = [
    ("bab-el-mandeb", "Aden", (45.03, 12.79)),
    ("bab-el-mandeb", "Djibouti City", (43.15, 11.6)),
    ("red-sea", "Gulf of Aden", (45.0, 12.5)),
    ("red-sea", "Gulf of Suez off Zafarana", (32.8, 29.0)),
    ("red-sea", "Gulf of Aqaba", (34.8, 28.7)),
    ("red-sea", "Suez city", (32.55, 29.97)),
    ("suez", "Suez city and its landing station", (32.55, 29.97)),
    ("suez", "Zafarana landing station", (32.65, 29.117)),
    ("suez", "Port Said", (32.30, 31.26)),
    ("suez", "Alexandria landing station", (29.89, 31.19)),
    ("suez", "Gulf of Suez south of 29.5N", (32.7, 29.3)),
    ("suez", "Red Sea", (34.0, 27.0)),
    ("alexandria", "Port Said", (32.30, 31.26)),
    ("alexandria", "Rosetta / Nile mouth", (30.4, 31.5)),
    ("alexandria", "open sea on the Port Said routes", (30.0, 31.9)),
    ("djibouti", "Bab-el-Mandeb", (43.4, 12.6)),
    ("hormuz", "Fujairah approaches", (56.45, 25.15)),
    ("hormuz", "Dubai", (55.2, 25.3)),
    ("hormuz", "Gulf of Oman off Jask", (57.8, 25.4)),
    ("malacca", "Johor Strait", (103.75, 1.45)),
    ("malacca", "Gulf of Thailand off Songkhla", (100.8, 7.3)),
    ("malacca", "Andaman Sea west of Phuket", (97.0, 7.5)),
    ("malacca", "Jakarta", (106.8, -6.1)),
    ("sunda-strait", "Jakarta", (106.8, -6.1)),
    ("luzon-strait", "Hong Kong", (114.2, 22.3)),
    ("luzon-strait", "Manila", (120.98, 14.6)),
    ("taiwan-strait", "Shantou", (116.68, 23.35)),
    ("taiwan-strait", "Matsu (north of the S-23 line)", (119.95, 26.15)),
    ("taiwan-strait", "Toucheng, east coast of Taiwan", (121.82, 24.86)),
    ("guam", "Rota", (145.2, 14.15)),
    ("english-channel", "Southern North Sea off Ostend", (2.5, 51.4)),
    ("english-channel", "Celtic Sea west of Land's End", (-6.5, 50.5)),
    ("english-channel", "Bude", (-4.55, 50.83)),
    ("gibraltar", "Conil", (-6.09, 36.28)),
    ("gibraltar", "Estepona", (-5.15, 36.43)),
    ("sicily-channel", "Malta", (14.4, 35.9)),
    ("sicily-channel", "Pantelleria", (11.95, 36.78)),
    ("sicily-channel", "Palermo", (13.36, 38.12)),
    ("marseille", "Toulon / La Seyne", (5.9, 43.1)),
    ("baltic-entrances", "Bornholm", (14.9, 55.1)),
    ("baltic-entrances", "Skagerrak off Hirtshals", (9.9, 57.8)),
    ("baltic-entrances", "Fehmarn Belt", (11.25, 54.55)),
]


@pytest.fixture(scope="module")
def polygons() -> dict[str, shapely.Polygon]:
    return chokepoint_polygons()


def test_required_ids_present_and_unique() -> None:
    ids = [cp.chokepoint_id for cp in CHOKEPOINTS]
    assert len(ids) == len(set(ids))
    assert not set(REQUIRED_CHOKEPOINTS) - set(ids)


def test_polygons_keyed_by_id_in_order(polygons: dict[str, shapely.Polygon]) -> None:
    assert list(polygons) == [cp.chokepoint_id for cp in CHOKEPOINTS]


def test_returns_a_fresh_dict() -> None:
    first = chokepoint_polygons()
    first.clear()
    assert len(chokepoint_polygons()) == len(CHOKEPOINTS)


def test_chokepoint_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CHOKEPOINTS[0].name = "x"  # type: ignore[misc]


@pytest.mark.parametrize("cp", CHOKEPOINTS, ids=lambda cp: cp.chokepoint_id)
def test_metadata_filled_in(cp: Chokepoint) -> None:
    assert cp.chokepoint_id == cp.chokepoint_id.strip().lower()
    assert " " not in cp.chokepoint_id
    for text in (cp.name, cp.description, cp.holds, cp.source):
        assert isinstance(text, str)
        assert text.strip()
    assert len(cp.description) >= 40
    assert len(cp.holds) >= 20
    assert len(cp.source) >= 40


@pytest.mark.parametrize("cp", CHOKEPOINTS, ids=lambda cp: cp.chokepoint_id)
def test_polygon_valid_and_in_range(cp: Chokepoint) -> None:
    poly = cp.polygon()
    assert isinstance(poly, shapely.Polygon)
    assert poly.is_valid, shapely.is_valid_reason(poly)
    assert not poly.is_empty
    assert poly.area > 0
    assert all(len(pair) == 2 for pair in cp.coords)
    minx, miny, maxx, maxy = poly.bounds
    assert -180.0 <= minx < maxx <= 180.0
    assert -90.0 <= miny < maxy <= 90.0


@pytest.mark.parametrize("cp", CHOKEPOINTS, ids=lambda cp: cp.chokepoint_id)
def test_polygon_is_drawn_not_a_box(cp: Chokepoint) -> None:
    poly = cp.polygon()
    assert len(poly.exterior.coords) - 1 >= 8
    # A drawn outline fills clearly less than its bounding box.
    assert poly.area < 0.9 * shapely.box(*poly.bounds).area


@pytest.mark.parametrize(("cid", "place", "point"), INSIDE, ids=[f"{c}:{p}" for c, p, _ in INSIDE])
def test_known_points_inside(
    polygons: dict[str, shapely.Polygon], cid: str, place: str, point: tuple[float, float]
) -> None:
    assert polygons[cid].contains(shapely.Point(point)), f"{place} should be in {cid}"


@pytest.mark.parametrize(
    ("cid", "place", "point"), OUTSIDE, ids=[f"{c}:{p}" for c, p, _ in OUTSIDE]
)
def test_known_points_outside(
    polygons: dict[str, shapely.Polygon], cid: str, place: str, point: tuple[float, float]
) -> None:
    assert not polygons[cid].intersects(shapely.Point(point)), f"{place} should not be in {cid}"


def test_no_unexpected_overlaps(polygons: dict[str, shapely.Polygon]) -> None:
    for a, b in itertools.combinations(polygons, 2):
        if frozenset({a, b}) in OVERLAP_ALLOWED:
            continue
        shared = polygons[a].intersection(polygons[b]).area
        assert shared < 1e-9, f"{a} and {b} overlap by {shared} square degrees"


def test_red_sea_and_bab_el_mandeb_overlap_only_in_the_strait(
    polygons: dict[str, shapely.Polygon],
) -> None:
    red, bab = polygons["red-sea"], polygons["bab-el-mandeb"]
    shared = red.intersection(bab)
    assert shared.area > 0
    assert shared.area < 0.75 * bab.area
    assert shared.area < 0.01 * red.area
    # The shared part lies north of the IHO line Husn Murad - Ras Siyan.
    assert shared.bounds[1] > 12.4


def test_alexandria_and_suez_are_separate(polygons: dict[str, shapely.Polygon]) -> None:
    alexandria, suez = polygons["alexandria"], polygons["suez"]
    assert not alexandria.intersects(suez)
    # The Alexandria approaches stay well west of Port Said (32.3E) and the canal.
    assert alexandria.bounds[2] < 31.0


def test_suez_stays_north_of_the_red_sea(polygons: dict[str, shapely.Polygon]) -> None:
    suez, red = polygons["suez"], polygons["red-sea"]
    assert suez.bounds[1] > 28.9
    assert not suez.intersects(red)
    # Nothing of the Gulf of Suez south of ~29.5N east of the western shore.
    gulf_south = shapely.box(32.62, 28.0, 33.6, 29.5)
    assert not suez.intersects(gulf_south)


def test_luzon_and_taiwan_straits_touch(polygons: dict[str, shapely.Polygon]) -> None:
    luzon, taiwan = polygons["luzon-strait"], polygons["taiwan-strait"]
    assert luzon.distance(taiwan) < 1e-6
    assert luzon.intersection(taiwan).area < 1e-9


def test_djibouti_clear_of_the_strait(polygons: dict[str, shapely.Polygon]) -> None:
    assert polygons["djibouti"].distance(polygons["bab-el-mandeb"]) > 0.2


def test_gibraltar_between_iho_lines(polygons: dict[str, shapely.Polygon]) -> None:
    # Cape Trafalgar - Cape Spartel on the west, Europa Point - Almina Point on the east.
    minx, _, maxx, _ = polygons["gibraltar"].bounds
    assert minx >= -6.04
    assert maxx <= -5.27
