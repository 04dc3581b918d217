"""The names people write (issue 23, item 3): each example of the issue, as a test.

Country aliases come from the dataset (Natural Earth's other names and ISO2 codes) and
from the small documented table ``cablesim._names.COUNTRY_COMMON``; a station's place
name alone finds it when no other station shares it; a swapped [lat, lon] is named;
every problem of a file comes in one pass; a cable not yet in service is named with
the date the network uses; a name YAML split at its comma gets a quoting hint.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import cablesim
from cablesim._names import COUNTRY_COMMON, country_aliases
from cablesim.cli import cli
from cablesim.exceptions import ScenarioError, UnknownNameError
from cablesim.network import load_network


@pytest.fixture(scope="module")
def net():
    return load_network()


def _check(tmp_path, text: str):
    f = tmp_path / "s.yaml"
    f.write_text(text)
    return CliRunner().invoke(cli, ["check", str(f)])


@pytest.mark.parametrize(
    ("typed", "iso3"),
    [
        ("UK", "GBR"),
        ("US", "USA"),
        ("United States", "USA"),
        ("Great Britain", "GBR"),
        ("Ivory Coast", "CIV"),
        ("Türkiye", "TUR"),
        ("DRC", "COD"),
        ("Burma", "MMR"),
        ("Eswatini", "SWZ"),
        ("u.k.", "GBR"),
        # TeleGeography's and the World Bank's forms (events files carry them)
        ("Congo, Dem. Rep.", "COD"),
        ("Congo, Rep.", "COG"),
        ("Korea, Rep.", "KOR"),
        ("Korea, Dem. People's Rep.", "PRK"),
        ("Egypt, Arab Rep.", "EGY"),
        ("Gambia, The", "GMB"),
        ("Virgin Islands (U.S.)", "VIR"),
        ("Syrian Arab Republic", "SYR"),
        # ISO 3166 and UN forms, and short forms
        ("Republic of Congo", "COG"),
        ("Korea, Republic of", "KOR"),
        ("Islamic Republic of Iran", "IRN"),
        ("Iran, Islamic Republic of", "IRN"),
        ("Republic of Moldova", "MDA"),
        ("United Republic of Tanzania", "TZA"),
        ("Faroes", "FRO"),
        ("Bosnia", "BIH"),
        ("Turks and Caicos", "TCA"),
        # accents and "St." written either way
        ("Reunion", "REU"),
        ("Curacao", "CUW"),
        ("Sao Tome and Principe", "STP"),
        ("Saint Lucia", "LCA"),
        ("St. Vincent and the Grenadines", "VCT"),
    ],
)
def test_countries_resolve_by_the_names_people_write(net, typed, iso3):
    assert net.resolve_country(typed) == iso3


@pytest.mark.parametrize(
    ("typed", "iso3"),
    [
        # ISO 3166 writes the form of state after the short name, which alone may name
        # another country: these are not the Republic of the Congo and South Korea
        ("Congo (the Democratic Republic of the)", "COD"),
        ("Congo, Democratic Republic of the", "COD"),
        ("Congo (the)", "COG"),
        ("Korea (the Democratic People's Republic of)", "PRK"),
        ("Korea, Democratic People's Republic of", "PRK"),
        ("Korea (the Republic of)", "KOR"),
        ("Tanzania, the United Republic of", "TZA"),
        ("Moldova (the Republic of)", "MDA"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Palestine, State of", "PSE"),
        ("Taiwan, Province of China", "TWN"),
        ("Lao People's Democratic Republic (the)", "LAO"),
        ("Macedonia (the former Yugoslav Republic of)", "MKD"),
        ("United Kingdom of Great Britain and Northern Ireland (the)", "GBR"),
        ("Falkland Islands (the) [Malvinas]", "FLK"),
        ("Saint Helena, Ascension and Tristan da Cunha", "SHN"),
        ("Virgin Islands (British)", "VGB"),
        ("Virgin Islands, British", "VGB"),
        ("Trinidad & Tobago", "TTO"),
        ("Antigua & Barbuda", "ATG"),
    ],
)
def test_countries_resolve_in_their_iso_forms(net, typed, iso3):
    assert net.resolve_country(typed) == iso3


def test_a_form_of_state_is_not_a_place_inside_a_country(net):
    from cablesim._names import state_form
    from cablesim.analyses.history import _fact_country

    assert state_form("Korea (the Democratic People's Republic of)") == (
        "Korea",
        "Democratic People's Republic of",
    )
    assert state_form("Norway (Svalbard)") is None
    # a place in parentheses is read as its country; a form of state never is
    assert _fact_country(net, {"country": "Norway (Svalbard)"}) == "NOR"
    assert _fact_country(net, {"country": "Korea (Democratic People's Republic of)"}) == "PRK"
    assert _fact_country(net, {"country": "Congo (Democratic Republic of the)"}) == "COD"
    # an unknown country in a form of state is left unscored, not read as its short name
    assert _fact_country(net, {"country": "Korea (the Commonwealth of)"}) is None


def test_iso2_codes_and_natural_earth_names_resolve(net):
    if "iso2" not in net.countries.columns or not net.countries["iso2"].astype(bool).any():
        pytest.skip("dataset built before the iso2 column (run cablesim data build)")
    assert net.resolve_country("Democratic Republic of the Congo") == "COD"  # NAME_LONG
    assert net.resolve_country("GB") == "GBR"
    assert net.resolve_country("FR") == "FRA"
    assert net.resolve_country("IN") == "IND"
    assert net.resolve_country("DJ") == "DJI"


def test_a_name_outranks_an_iso2_code():
    aliases = country_aliases("IND", "India", iso2="IN", other_names="Republic of India")
    assert aliases.index("Republic of India") < aliases.index("IN")
    assert aliases[-1] == "IN"


def test_the_alias_table_names_only_countries_of_the_dataset(net):
    assert set(COUNTRY_COMMON) <= set(net.countries["iso3"])


def test_dotless_i_is_not_india(net):
    with pytest.raises(UnknownNameError):
        net.resolve_country("ıND")
    assert net.resolve_country("ind") == "IND"


@pytest.mark.parametrize(
    ("typed", "lp"),
    [("Zafarana", "zafarana-egypt"), ("Suez", "suez-egypt"), ("Mombasa", "mombasa-kenya")],
)
def test_a_unique_station_place_resolves_alone(net, typed, lp):
    assert net.resolve_landing_point(typed) == lp


def test_a_shared_place_lists_its_stations(net):
    with pytest.raises(UnknownNameError) as err:
        net.resolve_landing_point("Alexandria")
    msg = str(err.value)
    assert "'Alexandria, Egypt'" in msg
    assert "landing points are at 'Alexandria'" in msg
    assert net.resolve_landing_point("Alexandria, Egypt") == "alexandria-egypt"


def test_a_scenario_names_stations_by_place_and_countries_by_common_name():
    sc = cablesim.load_scenario(
        {
            "name": "places",
            "options": {"core": ["US", "UK"]},
            "events": [{"landing_point": "Zafarana"}, {"country": "Ivory Coast"}],
        }
    )
    assert sc.core == ("USA", "GBR")
    assert [e.params["id"] for e in sc.events] == ["zafarana-egypt", "CIV"]


def test_swapped_coordinates_get_one_hint_not_one_per_cable():
    doc = {
        "name": "swapped",
        "as_of": "2024-08-01",
        "events": [
            {
                "cut": {
                    "cables": ["seamewe-5", "aae-1", "eig", "2africa"],
                    "near": [42.9, 13.5],  # [lon, lat] of the Bab el-Mandeb
                    "radius_km": 50,
                }
            }
        ],
    }
    res = cablesim.simulate(doc)
    assert len(res.warnings) == 1
    assert "lat and lon swapped? write [13.5, 42.9]" in res.warnings[0]
    assert "widen radius_km" not in res.warnings[0]
    area = {
        "name": "swapped area",
        "as_of": "2024-08-01",
        "events": [{"area": {"center": [42.9, 13.5], "radius_km": 50}}],
    }
    assert "lat and lon swapped?" in cablesim.simulate(area).warnings[0]


def test_every_problem_in_one_pass(tmp_path):
    res = _check(
        tmp_path,
        "name: t\nas_of: 2024-08-01\nbogus: 1\noptions: {capacity: litt}\nevents:\n"
        "  - cable: smw55\n  - country: Burmaa\n  - cut: {cables: [aae-11], near: [13, 43]}\n",
    )
    assert res.exit_code == 2
    assert "(5 problems)" in res.output
    for bit in ("bogus", "options.capacity", "'smw55'", "'Burmaa'", "'aae-11'"):
        assert bit in res.output


def test_a_cable_not_yet_in_service_is_dated_as_the_network_dates_it(net):
    n = load_network("2024-02-24")
    with pytest.raises(UnknownNameError) as err:
        n.resolve_cable("2africa")
    msg = str(err.value)
    # the 2026 data moved 2Africa's service to 2024: the message says that date, and it is
    # after the scenario's date (it said "ready for service 2023-07-01" before)
    assert "not in service yet at 2024-02-24" in msg
    view = cablesim.dataset.snapshot_view(n.catalog, n.as_of)["cables"]
    rfs = str(view.loc[view["cable_id"] == "2africa", "rfs_date"].iloc[0])
    assert f"ready for service {rfs}" in msg
    assert rfs > "2024-02-24"


def test_a_misspelt_planned_cable_is_suggested_with_its_date():
    n = load_network("2020-01-01")
    with pytest.raises(UnknownNameError) as err:
        n.resolve_cable("2afrika")
    msg = str(err.value)
    assert "'2africa' (ready for service 20" in msg


def test_check_and_run_name_the_same_default_date(tmp_path):
    res = _check(tmp_path, "name: x\nevents:\n  - cable: seamewe-5\n")
    assert res.exit_code == 0
    assert f"as of the dataset's snapshot of {load_network().as_of}" in res.output


@pytest.mark.parametrize(
    "text",
    [
        "  - landing_point: [Mombasa, Kenya]\n",
        "  - area: {center: [Mombasa, Kenya], radius_km: 50}\n",
        "  - cut: {cables: [teams], near: [Mombasa, Kenya]}\n",
    ],
)
def test_a_flow_list_split_at_a_comma_gets_a_quote_hint(text):
    with pytest.raises(ScenarioError) as err:
        cablesim.load_scenario("name: t\nevents:\n" + text)
    msg = str(err.value)
    assert 'quote it: "Mombasa, Kenya"' in msg
    assert msg.count("\n  ") == 1  # one problem, not one per half


@pytest.mark.parametrize(
    "text",
    ["  - {landing_point: Mombasa, Kenya}\n", "  - cut: {cables: [teams], near: Mombasa, Kenya}\n"],
)
def test_a_flow_mapping_split_at_a_comma_gets_a_quote_hint(text):
    with pytest.raises(ScenarioError) as err:
        cablesim.load_scenario("name: t\nevents:\n" + text)
    assert "YAML splits 'Mombasa, Kenya' at the comma: quote it" in str(err.value)
