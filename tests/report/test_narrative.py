"""One narrative per result, for every event kind (issue 13): right wording, said once."""

from __future__ import annotations

import re
from collections import Counter

import pytest

import cablesim
from cablesim.report.explain import explain

KINDS = {
    "cut": {"cut": {"cables": ["AAE-1"], "near": "bab-el-mandeb", "radius_km": 25}},
    "chokepoint": {"chokepoint": "Strait of Hormuz"},
    "area": {"area": {"center": [11.6, 43.2], "radius_km": 100}},
    "area_place": {"area": {"center": "Djibouti City, Djibouti", "radius_km": 100}},
    "landing_point": {"landing_point": "fujairah-united-arab-emirates"},
    "cable": {"cable": "tonga-cable"},
    "country": {"country": "YEM"},
    "degrade": {"degrade": {"cable": "SMW5", "fraction": 0.5}},
}


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in re.split(r"[.;:,]\s", text) if len(c.strip()) > 45]


def _repeated(text: str) -> list[str]:
    """Clauses said twice in one paragraph, and whole sentences said twice anywhere (two
    countries' paragraphs may open a sentence alike and go on to different lists)."""
    out = []
    for para in text.split("\n"):
        out += [c for c, n in Counter(_clauses(para)).items() if n > 1]
    sentences = [x.strip() for x in re.split(r"(?<=\.)\s", text) if len(x.strip()) > 45]
    return out + [x for x, n in Counter(sentences).items() if n > 1]


@pytest.fixture(scope="module")
def texts():
    out = {}
    for kind, ev in KINDS.items():
        as_of = "2022-01-15" if kind == "cable" else None
        doc = {"name": f"one {kind}", "events": [ev]}
        if as_of:
            doc["as_of"] = as_of
        out[kind] = explain(cablesim.simulate(doc))
    return out


@pytest.mark.slow  # the texts: eight scenarios on the world network
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_event_kind_reads_right(texts, kind):
    text = texts[kind]
    assert "closing the every" not in text
    assert "the every segment" not in text
    repeated = _repeated(text)
    assert repeated == [], repeated
    assert text.count("which is why it kept part of its capacity") <= 1
    assert text.count("can no longer pass") <= 1


@pytest.mark.slow
def test_each_kind_names_what_happened(texts):
    assert "Asia Africa Europe-1 (AAE-1)" in texts["cut"]
    assert "Strait of Hormuz" in texts["chokepoint"]
    assert "within 100 km" in texts["area"]
    assert "Djibouti City" in texts["area_place"]
    assert "Fujairah" in texts["landing_point"]
    assert "Tonga was cut off" in texts["cable"]
    assert "Yemen" in texts["country"]
    assert "SeaMeWe-5 stayed up but kept only 50%" in texts["degrade"]


@pytest.mark.slow
def test_area_closure_is_named_as_a_failure_not_a_closing(texts):
    for kind in ("area", "area_place"):
        if "separated those stations" in texts[kind]:
            assert "the failure of everything within 100 km of" in texts[kind]


def test_no_claim_of_crossing_a_country_it_does_not_cross():
    """A flow that only lands at one station of a split country did not cross it over land."""
    r = cablesim.simulate(
        {"name": "dj", "events": [{"area": {"center": [11.6, 43.2], "radius_km": 100}}]}
    )
    from cablesim.engine.flowview import FlowView
    from cablesim.report._narrative import crosses_split_land

    view = FlowView.build(r.network, r.failures, core=tuple(r.scenario.core))
    assert "DJI" in view.split_countries
    for iso in ("ZAF", "SOM", "SDN", "ETH"):
        if crosses_split_land(view, iso, "DJI"):
            # the claim is made only when the flow touches Djibouti's stations on both sides
            comp = view.comp
            flows = view.edges(iso, after=False)
            nodes = set(comp.country_nodes["DJI"].tolist())
            touched = {
                int(n)
                for e in range(len(flows))
                if flows[e] > 0
                for n in (comp.edge_u[e], comp.edge_v[e])
                if int(n) in nodes
            }
            assert len({int(view.comp_after.flow_of[n]) for n in touched}) >= 2


def test_shared_reason_is_said_once_then_referred_to():
    text = explain(cablesim.simulate(cablesim.find_scenario("tutorial")))
    assert text.count("from one landing station to another over land") == 1
    assert text.count("which is why it kept part of its capacity") <= 1
    like = [s for s in text.split("\n") if s.startswith("Like ")]
    assert like, "the countries sharing the reason are summed up in one sentence"
    assert "lost the passage between landing stations in Egypt" in like[0]
