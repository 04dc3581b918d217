"""Names resolve the way people write them (issue 13): cables, chokepoints, countries."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cablesim
from cablesim._names import AliasIndex, cable_aliases, key, loose_key
from cablesim.cli import cli
from cablesim.exceptions import UnknownCableError, UnknownCountryError, UnknownNameError
from cablesim.network import load_network


@pytest.fixture(scope="module")
def net():
    return load_network()


def test_keys_ignore_case_spacing_hyphens_and_seamewe_spelling():
    assert key("SeaMeWe-5") == key("SMW5") == key("sea-me-we 5") == "smw5"
    assert key("AAE-1") == key("aae 1") == "aae1"
    assert loose_key("Strait of Hormuz") == loose_key("hormuz") == "hormuz"


def test_alias_index_takes_the_abbreviation_in_parentheses():
    idx = AliasIndex()
    idx.add("x-1", cable_aliases("x-1", "Some Long Name Cable System (SLN-1)"))
    assert idx.resolve("sln-1") == "x-1"
    assert idx.resolve("Some Long Name") == "x-1"
    assert idx.resolve("SLN-2") is None
    assert idx.suggest("SLN-2") == ["x-1"]


@pytest.mark.parametrize(
    ("typed", "cable_id"),
    [
        ("AAE-1", "asia-africa-europe-1-aae-1"),
        ("aae1", "asia-africa-europe-1-aae-1"),
        ("EASSy", "eastern-africa-submarine-system-eassy"),
        ("SMW5", "seamewe-5"),
        ("SeaMeWe-5", "seamewe-5"),
        ("smw-4", "seamewe-4"),
        ("Asia Africa Europe-1", "asia-africa-europe-1-aae-1"),
        # without the generic words the name ends with
        ("Southern Cross", "southern-cross-cable-network-sccn"),
        ("i2i", "i2i-cable-network-i2icn"),
        ("Kumul", "kumul-domestic-submarine-cable-system"),
        ("Trans-Pacific Express", "trans-pacific-express-tpe-cable-system"),
        # a cable named "East-West" outranks the one that only ends with generic words
        ("East-West", "east-west"),
    ],
)
def test_cables_resolve_by_their_common_names(net, typed, cable_id):
    assert net.resolve_cable(typed) == cable_id


def test_a_strict_lookup_skips_the_loose_key_of_generic_words(net):
    idx = net.name_index("chokepoints")
    assert idx.resolve("Baltic Sea") == "baltic-entrances"  # "sea" dropped: "Baltic"
    assert idx.resolve("Baltic Sea", strict=True) is None
    assert idx.resolve("Danish straits", strict=True) == "baltic-entrances"


def test_mena_resolves_to_the_cable_named_mena_first(net):
    cid = net.resolve_cable("MENA")
    assert net.cables.set_index("cable_id").at[cid, "name"].startswith("Middle East North Africa")
    gb = net.resolve_cable("GBICS")
    assert net.cables.set_index("cable_id").at[gb, "name"].startswith("Gulf Bridge")


def test_cable_suggestions_are_ranked_by_the_alias_index(net):
    with pytest.raises(UnknownCableError) as exc:
        net.resolve_cable("AAE-2")
    assert exc.value.suggestions[0] == "Asia Africa Europe-1 (AAE-1)"
    with pytest.raises(UnknownCableError) as exc:
        net.resolve_cable("SMW-7")
    assert {"SeaMeWe-4", "SeaMeWe-5"} <= set(exc.value.suggestions)


@pytest.mark.parametrize(
    ("typed", "cp"),
    [
        ("strait-of-malacca", "malacca"),
        ("Strait of Hormuz", "hormuz"),
        ("HORMUZ", "hormuz"),
        ("Singapore Strait", "malacca"),
        ("Suez Canal", "suez"),
        ("Bab el Mandeb", "bab-el-mandeb"),
        ("Strait of Sicily", "sicily-channel"),
        ("Danish straits (Baltic entrances)", "baltic-entrances"),
    ],
)
def test_chokepoints_resolve_by_id_name_and_alias(net, typed, cp):
    assert net.resolve_chokepoint(typed) == cp


def test_unknown_chokepoint_suggests_or_lists_them(net):
    with pytest.raises(UnknownNameError) as exc:
        net.resolve_chokepoint("hormus")
    assert exc.value.suggestions[0] == "hormuz"
    with pytest.raises(UnknownNameError) as exc:
        net.resolve_chokepoint("panama")
    assert "known chokepoints" in str(exc.value)
    assert "malacca" in str(exc.value)
    assert "cablesim chokepoints" in str(exc.value)


def test_countries_resolve_by_name_and_suggest_names(net):
    assert net.resolve_country("egypt") == "EGY"
    assert net.resolve_country("The Bahamas") == "BHS"
    with pytest.raises(UnknownCountryError) as exc:
        net.resolve_country("Egipt")
    assert "Egypt" in exc.value.suggestions


def test_scenario_accepts_common_names_and_places():
    sc = cablesim.load_scenario(
        {
            "name": "names",
            "events": [
                {"chokepoint": "Strait of Hormuz"},
                {"cut": {"cables": ["AAE-1", "SMW5"], "near": "strait-of-malacca"}},
                {"area": {"center": "Strait of Hormuz", "radius_km": 50}},
                {"area": {"center": "Fujairah, United Arab Emirates", "radius_km": 20}},
            ],
        }
    )
    assert sc.events[0].params["id"] == "hormuz"
    assert sc.events[1].params["cables"] == ("asia-africa-europe-1-aae-1", "seamewe-5")
    assert sc.events[1].params["near"] == ("chokepoint", "malacca")
    lat, lon = sc.events[2].params["center"]
    assert 25 < lat < 28
    assert 55 < lon < 58
    assert "Strait of Hormuz" in sc.events[2].label
    lat, lon = sc.events[3].params["center"]
    assert 24 < lat < 26
    assert 56 < lon < 57


def test_area_center_unknown_place_is_a_problem():
    with pytest.raises(
        cablesim.ScenarioError, match=r"area\.center: unknown chokepoint or landing"
    ):
        cablesim.load_scenario(
            {"name": "x", "events": [{"area": {"center": "nowhere-land", "radius_km": 5}}]}
        )


def test_load_scenario_accepts_bundled_names_and_result_country_names():
    sc = cablesim.load_scenario("tonga-2022")
    assert sc.as_of.year == 2022
    r = cablesim.simulate(sc)
    assert r.country("Tonga") == r.country("TON")
    with pytest.raises(UnknownCountryError):
        r.country("Atlantis")


def test_chokepoints_command_lists_id_name_and_coverage():
    res = CliRunner().invoke(cli, ["chokepoints"], catch_exceptions=False)
    assert res.exit_code == 0
    assert "bab-el-mandeb" in res.output
    assert "Strait of Hormuz" in res.output
    res = CliRunner().invoke(cli, ["chokepoints", "--json"], catch_exceptions=False)
    rows = json.loads(res.output)
    assert {r["chokepoint_id"] for r in rows} >= {"malacca", "hormuz", "suez"}
    assert all(r["name"] and r["covers"] for r in rows)


def test_cables_by_country_never_truncates_ids_when_piped(net):
    res = CliRunner().invoke(cli, ["cables", "--country", "DJI"], catch_exceptions=False)
    assert res.exit_code == 0
    lps = net.landing_points
    ids = set(lps.loc[lps["iso3"] == "DJI", "landing_point_id"])
    segs = net.segments
    on = set(segs.loc[segs["from_node"].isin(ids) | segs["to_node"].isin(ids), "cable_id"])
    assert len(on) > 5
    for cid in on:
        assert cid in res.output, cid
    assert "…" not in res.output
