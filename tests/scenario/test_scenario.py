"""Scenario files: strict validation with file, line and field, and name resolution."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

import cablesim
from cablesim.exceptions import ScenarioError
from cablesim.scenario import DEFAULT_RADIUS_KM, bundled_scenarios, find_scenario, load_scenario


def write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_every_event_form_loads(tmp_path):
    p = write(
        tmp_path,
        """\
        name: every form
        as_of: 2021-06-01
        events:
          - cut:
              cables: [seamewe-4, "FLAG Europe-Asia (FEA)"]
              near: [31.3, 29.7]
              radius_km: 60
          - cut: {cables: [eastern-africa-submarine-system-eassy], near: mogadishu-somalia}
          - cut: {cables: [seamewe-5], near: bab-el-mandeb}
          - chokepoint: bab-el-mandeb
          - area: {center: [21.9, 120.6], radius_km: 150}
          - landing_point: fujairah-united-arab-emirates
          - landing_point: "Fujairah, United Arab Emirates"
          - cable: tonga-cable
          - cable: {id: Tonga Cable, label: whole cable}
          - country: YEM
          - country: Yemen
          - degrade: {cable: seamewe-5, fraction: 0.5}
        options:
          core: [USA, GBR, DEU, FRA, NLD, SGP, JPN, HKG]
          backhaul: country
        """,
    )
    sc = load_scenario(p)
    kinds = [e.kind for e in sc.events]
    assert kinds == [
        "cut",
        "cut",
        "cut",
        "chokepoint",
        "area",
        "landing_point",
        "landing_point",
        "cable",
        "cable",
        "country",
        "country",
        "degrade",
    ]
    assert sc.events[0].params["cables"] == ("seamewe-4", "flag-europe-asia-fea")
    assert sc.events[1].params["near"] == ("landing_point", "mogadishu-somalia")
    assert sc.events[1].params["radius_km"] == DEFAULT_RADIUS_KM
    assert sc.events[2].params["near"] == ("chokepoint", "bab-el-mandeb")
    assert sc.events[6].params["id"] == "fujairah-united-arab-emirates"
    assert sc.events[8].params["id"] == "tonga-cable"
    assert sc.events[10].params["id"] == "YEM"
    assert sc.as_of == dt.date(2021, 6, 1)
    assert sc.backhaul == "country"


def test_toml_scenarios_load(tmp_path):
    p = write(
        tmp_path,
        """\
        name = "Tonga"
        as_of = 2022
        [[events]]
        cable = "tonga-cable"
        """,
        name="s.toml",
    )
    sc = load_scenario(p)
    assert sc.events[0].params["id"] == "tonga-cable"
    assert sc.as_of == dt.date(2022, 12, 31)


def test_every_problem_is_reported_at_once_with_line_and_field(tmp_path):
    p = write(
        tmp_path,
        """\
        name: broken
        colour: blue
        events:
          - cut:
              cables: [seamewe-4x]
              near: [31.3, 29.7]
              radius_km: -5
          - chokepoint: bab-el-mandib
          - flood: {}
          - area: {center: [95, 10], radius_km: 10}
        options:
          backhaul: sideways
        """,
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    msgs = info.value.problems
    text = "\n".join(msgs)
    assert len(msgs) == 7, text
    assert f"{p}:2: colour: unknown key" in text
    assert (
        f"{p}:5: events[0].cut.cables[0]: unknown cable 'seamewe-4x'; did you mean 'seamewe-4'"
        in text
    )
    assert f"{p}:7: events[0].cut.radius_km: must be greater than 0" in text
    assert (
        f"{p}:8: events[1].chokepoint: unknown chokepoint 'bab-el-mandib'; did you mean 'bab-el-mandeb'"
        in text
    )
    assert f"{p}:9: events[2].flood: unknown event kind" in text
    assert "events[3].area.center[0]: must be between -90 and 90" in text
    assert f"{p}:12: options.backhaul: must be one of landmass, country, none" in text


@pytest.mark.parametrize(
    ("doc", "needle"),
    [
        ({"events": [{"cable": "tonga-cable"}]}, "name: is required"),
        ({"name": "x"}, "events: is required"),
        ({"name": "x", "events": []}, "events: must be a list of one or more events"),
        ({"name": "x", "events": [{"cable": "tonga-cable", "country": "TON"}]}, "exactly one of"),
        (
            {"name": "x", "as_of": 1900, "events": [{"cable": "tonga-cable"}]},
            "before the first cable",
        ),
        (
            {"name": "x", "as_of": "yesterday", "events": [{"cable": "tonga-cable"}]},
            "must be a date",
        ),
        ({"name": "x", "events": [{"country": "Atlantis"}]}, "unknown country 'Atlantis'"),
        (
            {"name": "x", "events": [{"landing_point": "mogadishu-somali"}]},
            "did you mean 'mogadishu-somalia'",
        ),
        (
            {"name": "x", "events": [{"degrade": {"cable": "seamewe-5", "fraction": 1.5}}]},
            "between",
        ),
        ({"name": "x", "events": [{"degrade": {"cable": "seamewe-5"}}]}, "fraction: is required"),
        ({"name": "x", "events": [{"area": {"center": [0, 0]}}]}, "radius_km: is required"),
        ({"name": "x", "events": [{"area": {"center": [0, 0], "radius_km": 0}}]}, "greater than 0"),
        (
            {"name": "x", "events": [{"cut": {"cables": ["tonga-cable"], "near": "nowhere-land"}}]},
            "unknown chokepoint or landing point",
        ),
        (
            {"name": "x", "as_of": "2021-06-30", "events": [{"cable": "2africa"}]},
            "cable '2africa' is not in service yet at 2021-06-30: ready for service",
        ),
        (
            {"name": "x", "events": [{"cable": "tonga-cable"}], "options": {"core": "USA"}},
            "non-empty list",
        ),
        (
            {"name": "x", "events": [{"cable": "tonga-cable", "at": 3}]},
            "at: unknown key here: write at inside the event",
        ),
    ],
)
def test_bad_documents_name_the_field(doc, needle):
    with pytest.raises(ScenarioError) as info:
        load_scenario(doc)
    assert needle in str(info.value)


def test_errors_are_value_errors_and_cablesim_errors():
    with pytest.raises(ValueError, match="name"):
        load_scenario({"events": [{"cable": "tonga-cable"}]})
    with pytest.raises(cablesim.CableSimError):
        load_scenario({"events": [{"cable": "tonga-cable"}]})


def test_malformed_yaml_gives_the_line(tmp_path):
    p = write(tmp_path, "name: x\nevents:\n  - cable: [tonga-cable\n")
    with pytest.raises(ScenarioError, match=rf"{p}:\d+: not valid YAML"):
        load_scenario(p)


def test_duplicate_keys_are_rejected(tmp_path):
    p = write(tmp_path, "name: x\nname: y\nevents:\n  - cable: tonga-cable\n")
    with pytest.raises(ScenarioError, match="duplicate key"):
        load_scenario(p)


def test_missing_file_and_did_you_mean_for_bundled_names():
    with pytest.raises(ScenarioError, match="no such scenario file"):
        find_scenario("/nonexistent/file.yaml")
    with pytest.raises(ScenarioError, match="did you mean tonga-2022"):
        find_scenario("tonga2022")
    assert find_scenario("tonga-2022").name == "tonga-2022.yaml"


def test_all_bundled_scenarios_validate():
    files = sorted(bundled_scenarios().glob("*.yaml")) + sorted(
        bundled_scenarios().glob("history/*.yaml")
    )
    assert len(files) >= 19
    for f in files:
        sc = load_scenario(f)
        assert sc.events, f


def test_scenario_is_plain_data_and_loading_does_not_touch_the_input(tmp_path):
    p = write(tmp_path, "name: x\nevents:\n  - cable: tonga-cable\n")
    before = p.read_bytes()
    load_scenario(p)
    assert p.read_bytes() == before


def test_a_non_ascii_digit_year_is_a_clear_error():
    # '²'.isdigit() is True but int('²') fails: found by the fuzz test
    with pytest.raises(ScenarioError, match=r"as_of: must be a date"):
        load_scenario({"name": "x", "as_of": "²", "events": [{"cable": "tonga-cable"}]})
