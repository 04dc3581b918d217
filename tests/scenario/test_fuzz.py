"""Thousands of generated and mutated scenario documents: never a traceback, never a hang."""

from __future__ import annotations

import copy

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cablesim
from cablesim.cli import cli
from cablesim.exceptions import CableSimError
from cablesim.scenario import bundled_scenarios

SEEDS = [yaml.safe_load(p.read_text()) for p in sorted(bundled_scenarios().glob("*.yaml"))]

names = st.sampled_from(
    [
        "tonga-cable",
        "seamewe-4",
        "SeaMeWe-5",
        "suez",
        "bab-el-mandeb",
        "YEM",
        "Egypt",
        "fujairah-united-arab-emirates",
        "mogadishu-somalia",
        "nonsense",
        "",
        "2africa",
    ]
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    names,
    st.dates(),
)
latlon = st.lists(
    st.one_of(st.floats(-200, 200, allow_nan=False), st.text(max_size=3)), min_size=0, max_size=3
)
values = st.recursive(
    scalars | latlon,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8) | names, inner, max_size=3)
    ),
    max_leaves=8,
)

event = st.one_of(
    st.fixed_dictionaries(
        {
            "cut": st.fixed_dictionaries(
                {"cables": st.lists(names, max_size=3) | values, "near": latlon | names | values},
                optional={
                    "radius_km": st.floats(-10, 3000, allow_nan=False) | values,
                    "label": values,
                },
            )
        }
    ),
    st.fixed_dictionaries({"chokepoint": names | values}),
    st.fixed_dictionaries(
        {
            "area": st.fixed_dictionaries(
                {"center": latlon},
                optional={"radius_km": st.floats(-10, 3000, allow_nan=False) | values},
            )
        }
    ),
    st.fixed_dictionaries({"landing_point": names | values}),
    st.fixed_dictionaries({"cable": names | values}),
    st.fixed_dictionaries({"country": names | values}),
    st.fixed_dictionaries(
        {
            "degrade": st.fixed_dictionaries(
                {"cable": names, "fraction": st.floats(-1, 2, allow_nan=False) | values}
            )
        }
    ),
    st.dictionaries(st.text(max_size=10), values, max_size=2),
    values,
)

documents = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=20) | values,
        "description": values,
        "as_of": st.one_of(st.integers(1800, 2200), st.dates(), st.text(max_size=10), values),
        "events": st.lists(event, max_size=4) | values,
        "options": st.fixed_dictionaries(
            {},
            optional={
                "core": st.lists(names | st.sampled_from(["USA", "GBR", "SGP", "XXX"]), max_size=4)
                | values,
                "backhaul": st.sampled_from(["landmass", "country", "none", "x"]) | values,
            },
        )
        | values,
        "extra": values,
    },
)


@st.composite
def mutated(draw):
    doc = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*list(doc), "events", "bogus"]))
        action = draw(st.sampled_from(["drop", "replace", "event"]))
        if action == "drop":
            doc.pop(key, None)
        elif action == "replace":
            doc[key] = draw(values)
        elif isinstance(doc.get("events"), list) and doc["events"]:
            i = draw(st.integers(0, len(doc["events"]) - 1))
            doc["events"][i] = draw(event)
    return doc


def _load(doc):
    try:
        sc = cablesim.load_scenario(doc)
    except CableSimError:
        return None
    assert isinstance(sc, cablesim.Scenario)
    return sc


@pytest.mark.slow
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(documents)
def test_generated_documents_load_or_fail_cleanly(doc):
    _load(doc)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_documents_load_or_fail_cleanly(doc):
    _load(doc)


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.one_of(mutated(), documents).map(lambda d: yaml.safe_dump(d, default_flow_style=False))
    | st.text(max_size=200)
)
def test_cli_run_never_shows_a_traceback(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(cli, ["run", str(path), "--json"])
    assert res.exit_code in (0, 2), res.output
    assert "Traceback" not in res.output
    if res.exit_code == 2:
        assert res.output.startswith("error: ")
