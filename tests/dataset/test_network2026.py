"""The 2026 layer: the Severed table merged into the 2021 snapshot, and the default network."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest
import shapely

from cablesim import dataset
from cablesim.dataset import _layers
from cablesim.network import load_network

TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def tables():
    return dataset.load_tables()


@pytest.fixture(scope="module")
def cables(tables):
    return tables["cables"].set_index("cable_id")


def _ids(net):
    return set(net.cables["cable_id"])


def test_the_default_network_is_today():
    m = dataset.manifest()
    assert m["today"] == TODAY.isoformat()
    assert [s["date"] for s in m["snapshots"]] == ["2021-06-30", "2026-01-01"]
    net = load_network()
    assert net.as_of == TODAY
    assert net is load_network(TODAY)
    note = _layers.snapshot_note(net)
    assert "2021-06-30" in note
    assert "2026-01-01" in note
    old = _layers.snapshot_note(load_network(2015))
    assert "alone" in old
    assert "2026" not in old


def test_blue_is_new_since_2021_with_its_stations_and_length(tables, cables):
    blue = cables.loc["blue"]
    assert blue["snapshot"] == "2026-01-01"
    assert blue["rfs_year"] == 2023
    assert blue["length_stated_km"] == 5055
    # the measured route is the drawn one: within 15% of the stated length
    assert blue["length_measured_km"] == pytest.approx(5055, rel=0.15)
    lps = tables["landing_points"].set_index("landing_point_id")
    stations = set(blue["landing_point_ids"])
    known = {
        "yeroskipos-cyprus",
        "marseille-france",
        "chania-greece",
        "tel-aviv-israel",
        "genoa-italy",
        "palermo-italy",
        "aqaba-jordan",
    }
    assert known <= stations
    assert set(lps.loc[sorted(known), "placement"]) == {"telegeography"}
    placed = stations - known
    assert placed == {"bastia-france", "golfo-aranci-italy", "rome-italy"}
    assert dict(lps.loc[sorted(placed), "iso3"]) == {
        "bastia-france": "FRA",
        "golfo-aranci-italy": "ITA",
        "rome-italy": "ITA",
    }
    assert set(lps.loc[sorted(placed), "snapshot"]) == {"2026-01-01"}
    # Bastia lies in Corsica: within 30 km of France's polygons
    fra = tables["countries"].set_index("iso3").geometry["FRA"]
    assert _layers.km_to(*lps.loc["bastia-france"].geometry.coords[0], fra) <= 30
    segs = tables["segments"][tables["segments"]["cable_id"] == "blue"]
    g = nx.Graph(list(zip(segs["from_node"], segs["to_node"], strict=True)))
    assert stations <= set(g)
    assert nx.is_connected(g)
    assert "blue" in _ids(load_network())
    assert "blue" not in _ids(load_network("2023-06-30"))
    assert "blue" not in _ids(load_network(2020))


@pytest.mark.parametrize(
    ("cable_id", "rfs_2021", "rfs_2026"),
    [
        ("2africa", 2023, 2024),
        ("equiano", 2021, 2023),
        ("southeast-asia-japan-cable-2-sjc2", 2022, 2025),
    ],
)
def test_planned_cables_take_their_2026_rfs_year(cables, cable_id, rfs_2021, rfs_2026):
    row = cables.loc[cable_id]
    assert (row["rfs_year"], row["rfs_year_2026"]) == (rfs_2021, rfs_2026)
    assert row["planned"]
    assert row["in_2026"]
    assert cable_id not in _ids(load_network(f"{rfs_2026 - 1}-12-31"))
    late = load_network(f"{rfs_2026}-12-31")
    assert cable_id in _ids(late)
    assert late.cables.set_index("cable_id").loc[cable_id, "rfs_year"] == rfs_2026


def test_a_cable_absent_in_2026_is_kept_for_history(cables):
    row = cables.loc["seamewe-3"]
    assert not row["in_2026"]
    assert row["withdrawn_date"] == TODAY
    assert "seamewe-3" in _ids(load_network(2015))
    assert "seamewe-3" in _ids(load_network("2024-02-24"))  # retirement date unknown
    assert "seamewe-3" not in _ids(load_network())


def test_a_cable_planned_in_2021_and_absent_in_2026_never_enters_service(cables):
    row = cables.loc["africa-1"]
    assert row["planned"]
    assert not row["in_2026"]
    assert row["withdrawn_date"] == dt.date(2021, 6, 30)
    assert "africa-1" not in _ids(load_network("2024-12-31"))


def test_a_cable_listed_under_a_new_id_is_one_cable(cables):
    assert cables.loc["flag-europe-asia-fea", "cable_id_2026"] == "fea"
    assert "fea" not in cables.index
    assert "flag-europe-asia-fea" in _ids(load_network())


def test_the_2021_snapshot_stands_alone_before_its_date(tables):
    before = load_network("2021-06-29")
    assert set(before.cables["snapshot"]) == {"2021-06-30"}
    assert set(before.landing_points["snapshot"]) == {"2021-06-30"}
    # cables new to the 2026 table with an older RFS enter the merged network only
    old_new = tables["cables"].query("snapshot == '2026-01-01' and rfs_year < 2021")
    assert len(old_new) > 0
    after = load_network("2021-06-30")
    assert set(old_new["cable_id"]) <= _ids(after)
    assert not set(old_new["cable_id"]) & _ids(before)


def test_rows_say_which_snapshot_they_come_from(tables):
    snap = dict(zip(tables["cables"]["cable_id"], tables["cables"]["snapshot"], strict=True))
    segs = tables["segments"]
    assert (segs["cable_id"].map(snap) == segs["snapshot"]).all()
    lps = tables["landing_points"]
    assert set(lps["snapshot"]) == {"2021-06-30", "2026-01-01"}
    new = lps[lps["snapshot"] == "2026-01-01"]
    assert "telegeography" not in set(new["placement"])


def test_the_placement_error_is_stated():
    merge = dataset.manifest()["snapshots"][-1]["merge"]
    err = merge["placement_error_km"]
    assert err["n"] > 1000
    assert err["median"] <= 5
    assert err["within_50_km"] >= 0.8
    assert merge["station_slugs_matched"] == 1174
    assert merge["stations_new"] > 400


def test_validate_catches_a_station_far_from_its_route(tables):
    broken = dict(tables)
    lps = tables["landing_points"].copy()
    i = lps.index[lps["landing_point_id"] == "bastia-france"][0]
    lps.loc[i, "geometry"] = shapely.Point(2.35, 48.86)  # Paris: in France, far from the sea
    broken["landing_points"] = lps
    problems = _layers.validate_layer(broken)
    assert any("bastia-france" in p and "route" in p for p in problems)
    assert _layers.validate_layer(tables) == []
