"""Land links: service dates (dataset build and network load) and the ``land_link`` event."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import cablesim
from cablesim.dataset import _landdates
from cablesim.network import filter_network, land_links_in_service


def _landlocked(tiny_network, **link_dates: dt.date | None):
    """USA (u1) -- cable -- AAA (a1); the landlocked LLL hangs off AAA by land (2 Tbit/s), and,
    when ``usa`` is given, also off USA by land (1 Tbit/s). ``link_dates`` maps 'lll'/'usa'
    to the service date of those links."""
    links = [("AAA", "LLL", 2.0, "sourced")]
    if "usa" in link_dates:
        links += [("LLL", "USA", 1.0)]
    net = tiny_network(
        stations={"u1": ("USA", 0.0, 40.0, 0), "a1": ("AAA", 10.0, 40.0, 0)},
        cables={"c": (10.0, [("u1", "a1")])},
        links=links,
        hubs={("LLL", 0): (14.0, 41.0)},
    )
    tables = net.to_geodataframes()
    t = tables["terrestrial_links"]
    dates = [None] * len(t)
    for i, (a, b) in enumerate(zip(t["from_iso3"], t["to_iso3"], strict=True)):
        if {a, b} == {"AAA", "LLL"}:
            dates[i] = link_dates.get("lll")
        elif {a, b} == {"USA", "LLL"}:
            dates[i] = link_dates.get("usa")
    tables["terrestrial_links"] = t.assign(
        service_date=dates,
        service_year=pd.array([d.year if d else None for d in dates], dtype="Int64"),
    )
    return tables


def _baseline(net, iso3: str) -> float:
    res = cablesim.simulate(
        cablesim.load_scenario(
            {"name": "t", "events": [{"cable": "c"}], "options": {"core": ["USA"]}}, network=net
        ),
        network=net,
    )
    rows = res.countries.set_index("iso3")
    return float(rows.at[iso3, "baseline_tbps"]) if iso3 in rows.index else 0.0


# ------------------------------------------------------------------------------ dates: network


def test_land_link_not_yet_in_service_carries_nothing(make_network):
    tables = _landlocked(make_network, lll=dt.date(2022, 7, 1))
    before = filter_network(tables, dt.date(2021, 1, 1), capacity="design")
    after = filter_network(tables, dt.date(2023, 1, 1), capacity="design")
    assert "LLL" not in set(before.terrestrial_links["to_iso3"])
    assert "LLL" in set(after.terrestrial_links["to_iso3"])
    assert _baseline(before, "LLL") == 0.0
    assert _baseline(after, "LLL") > 0.0


def test_undated_links_are_in_every_network(make_network):
    tables = _landlocked(make_network, lll=dt.date(2022, 7, 1), usa=None)
    net = filter_network(tables, dt.date(2005, 1, 1), capacity="design")
    kept = {
        frozenset(p)
        for p in zip(
            net.terrestrial_links["from_iso3"], net.terrestrial_links["to_iso3"], strict=True
        )
    }
    assert kept == {frozenset(("LLL", "USA"))}
    assert _baseline(net, "LLL") > 0.0  # reached by its undated link


def test_in_service_mask_on_the_day():
    links = pd.DataFrame({"service_date": [dt.date(2012, 7, 1), None, dt.date(2030, 1, 1)]})
    assert land_links_in_service(links, dt.date(2012, 6, 30)).tolist() == [False, True, False]
    assert land_links_in_service(links, dt.date(2012, 7, 1)).tolist() == [True, True, False]
    assert land_links_in_service(pd.DataFrame({"x": [1, 2]}), dt.date(2000, 1, 1)).all()


# ------------------------------------------------------------------------------ dates: build


def _rows(*rows: tuple) -> pd.DataFrame:
    cols = ["link_id", "from", "to", "service_year", "basis", "source_url", "quote"]
    df = pd.DataFrame(rows, columns=cols)
    df["service_year"] = df["service_year"].astype(int)
    return df


def _links() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "link_id": [
                "sourced:terr-1-a-b",
                "border:CHN-PAK:0",
                "border:CHN-PAK:1",
                "border:X-Y:0",
            ],
            "from_iso3": ["KEN", "CHN", "CHN", "XXX"],
            "to_iso3": ["UGA", "PAK", "PAK", "YYY"],
        }
    )


def test_build_dates_by_id_and_by_country_pair():
    log: list[str] = []
    out = _landdates.date_links(
        _links(),
        _rows(
            ("terr-1-a-b", "nairobi", "kampala", 2009, "source", "http://a", "q1"),
            ("", "UGA (Kampala, rail)", "KEN (Malaba)", 2025, "source", "http://b", "q2"),
            ("", "PAK (Islamabad)", "CHN (Khunjerab)", 2020, "source", "http://c", "q3"),
            ("", "ZZZ", "WWW", 2001, "estimate", "http://d", "q4"),
        ),
        log.append,
    )
    by = out.set_index("link_id")
    # the Severed id; a later route on the same border is named, the earliest year holds
    assert by.at["sourced:terr-1-a-b", "service_year"] == 2009
    assert by.at["sourced:terr-1-a-b", "service_date"] == dt.date(2009, 7, 1)
    assert "later routes" in by.at["sourced:terr-1-a-b", "service_source"]
    assert "http://b" in by.at["sourced:terr-1-a-b", "service_source"]
    # a border route not in the Severed file dates every link between the two countries
    assert by.loc[["border:CHN-PAK:0", "border:CHN-PAK:1"], "service_year"].tolist() == [2020, 2020]
    assert by.at["border:CHN-PAK:0", "service_basis"] == "source"
    assert pd.isna(by.at["border:X-Y:0", "service_date"])  # undated
    assert any("no land link between ZZZ and WWW" in line for line in log)


def test_build_without_the_file_leaves_links_undated():
    log: list[str] = []
    out = _landdates.date_links(_links(), None, log.append)
    assert out["service_date"].isna().all()
    assert "undated" in log[0]


def test_build_row_without_countries_uses_the_documented_fix():
    url = next(iter(_landdates._PAIR_FIXES))
    links = pd.DataFrame(
        {"link_id": ["border:CHN-NPL:0"], "from_iso3": ["CHN"], "to_iso3": ["NPL"]}
    )
    out = _landdates.date_links(links, _rows(("", "", "", 2018, "estimate", url, "q")), print)
    assert out["service_year"].tolist() == [2018]


# ------------------------------------------------------------------------------ dates: real data


def _pair_links(net, a: str, b: str) -> list[str]:
    t = net.terrestrial_links
    m = ((t["from_iso3"] == a) & (t["to_iso3"] == b)) | (
        (t["from_iso3"] == b) & (t["to_iso3"] == a)
    )
    return t.loc[m, "link_id"].tolist()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("a", "b", "absent", "present"),
    [("KAZ", "CHN", 2011, 2013), ("ETH", "DJI", 2007, 2009), ("PAK", "CHN", 2019, 2021)],
)
def test_real_land_links_follow_their_service_year(a, b, absent, present):
    assert _pair_links(cablesim.load_network(absent), a, b) == []
    assert _pair_links(cablesim.load_network(present), a, b) != []


@pytest.mark.slow
def test_real_dated_links_carry_their_source(world):
    t = world.terrestrial_links.set_index("link_id")
    row = t.loc["sourced:terr-56-almaty-urumqi"]
    assert row["service_year"] == 2012
    assert row["service_basis"] == "source"
    assert "datacenterdynamics" in row["service_source"]
    # Trans-Caspian (Sumgait-Aktau) is planned for 2026: not in the network of 1 January 2026
    assert "sourced:terr-55-sumgait-aktau" not in t.index
    assert int(world.catalog["terrestrial_links"]["service_year"].notna().sum()) >= 30


# ------------------------------------------------------------------------------ the event


@pytest.fixture
def landlocked(make_network):
    """LLL is landlocked between AAA and BBB, each with its own cable to the core USA.

    AAA (a1, 10 Tbit/s) -- sourced land link, 2 Tbit/s -- LLL -- assumed border link, 1 -- BBB
    (b1, 10 Tbit/s). The sourced link runs from (10, 40) to (14, 41); the border link from
    (14, 41) to (18, 40).
    """
    return make_network(
        stations={
            "u1": ("USA", 0.0, 40.0, 0),
            "a1": ("AAA", 10.0, 40.0, 0),
            "b1": ("BBB", 18.0, 40.0, 0),
        },
        cables={"ca": (10.0, [("u1", "a1")]), "cb": (10.0, [("u1", "b1")])},
        links=[("AAA", "LLL", 2.0, "sourced"), ("LLL", "BBB", 1.0)],
        hubs={("LLL", 0): (14.0, 41.0)},
    )


def _run(net, *events):
    return cablesim.simulate(
        cablesim.load_scenario(
            {"name": "t", "events": list(events), "options": {"core": ["USA"]}}, network=net
        ),
        network=net,
    )


def _loss(res, iso3: str) -> float:
    return float(res.countries.set_index("iso3").at[iso3, "capacity_loss_pct"])


def test_cutting_a_land_link_by_its_two_countries_fails_only_that_link(landlocked):
    res = _run(landlocked, {"land_link": {"between": ["LLL", "Country AAA"]}})
    assert res.failures.links == frozenset({"sourced:AAA-LLL:0"})
    assert not res.failures.segments
    assert _loss(res, "LLL") == pytest.approx(
        100 * 2 / 3, abs=0.01
    )  # 3 Tbit/s by land, 1 left via BBB
    assert res.countries.set_index("iso3").at["LLL", "status"] != "isolated"
    assert _loss(res, "AAA") == 0.0
    # BBB keeps its cable; it loses only its land route through LLL and AAA (1 of 11)
    assert _loss(res, "BBB") == pytest.approx(100 / 11, abs=0.01)
    both = _run(
        landlocked,
        {"land_link": {"between": ["AAA", "LLL"]}},
        {"land_link": {"between": ["BBB", "LLL"]}},
    )
    assert both.countries.set_index("iso3").at["LLL", "status"] == "isolated"
    assert "land links between Country AAA and Country LLL cut" in both.scenario.events[0].label


def test_cutting_land_links_by_place_takes_only_routed_links(landlocked):
    # on the sourced link's line (its middle), far from the cables
    res = _run(landlocked, {"land_link": {"near": [40.5, 12.0], "radius_km": 20}})
    assert res.failures.links == frozenset({"sourced:AAA-LLL:0"})
    # on the border link's line: it has no route, so nothing fails and the run says why
    res = _run(landlocked, {"land_link": {"near": [40.5, 16.0], "radius_km": 20}})
    assert res.failures.links == frozenset()
    assert any("between: [A, B]" in w for w in res.warnings)
    assert any("sourced:AAA-LLL:0" in w for w in res.warnings)  # the nearest routed link


def test_cutting_a_land_link_by_id(landlocked):
    res = _run(landlocked, {"land_link": {"id": "BORDER:LLL-BBB:1"}})
    assert res.failures.links == frozenset({"border:LLL-BBB:1"})
    assert _loss(res, "LLL") == pytest.approx(100 / 3, abs=0.01)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"between": ["AAA", "BBB"]},
            "no land link between Country AAA (AAA) and Country BBB (BBB) at 2021-01-01; "
            "did you mean between: [AAA, LLL], [BBB, LLL]?",
        ),
        ({"between": ["AAA", "AAA"]}, "must be two different countries"),
        ({"between": ["AAA", "Atlantis"]}, "unknown country 'Atlantis'"),
        ({"between": "AAA"}, "must be two countries, e.g. [KAZ, CHN]"),
        ({"between": ["AAA", "LLL"], "near": [1, 2]}, "give one of between"),
        ({}, "give one of between"),
        ({"between": ["AAA", "LLL"], "radius_km": 5}, "applies to near: [lat, lon] only"),
        ({"near": [95, 2]}, "near[0]: must be between -90 and 90"),
        ({"id": "border:XXX"}, "unknown land link in service at 2021-01-01 'border:XXX'"),
        ({"between": ["AAA", "LLL"], "width": 3}, "unknown key"),
    ],
)
def test_land_link_errors(landlocked, body, expected):
    with pytest.raises(cablesim.ScenarioError) as exc:
        cablesim.load_scenario({"name": "t", "events": [{"land_link": body}]}, network=landlocked)
    assert expected in str(exc.value)


def test_explanation_names_the_land_link(landlocked):
    from cablesim.report.explain import explain

    res = _run(landlocked, {"land_link": {"between": ["AAA", "LLL"]}})
    text = explain(res)
    assert "the cross-border link between country aaa and country lll was cut" in text.lower()


# ------------------------------------------------------------------------------ sweeps, cuts


def test_sweep_by_land_link(landlocked):
    from cablesim.analyses.sweep import element_event, sweep

    res = sweep(landlocked, "land-link", core=("USA",), measure="capacity")
    rec = res.records.set_index("element")
    assert sorted(rec.index) == ["AAA-LLL", "BBB-LLL"]
    # the same losses as the land_link event, through the scenario path
    for pair, iso3 in (("AAA-LLL", "LLL"), ("BBB-LLL", "LLL"), ("AAA-LLL", "BBB")):
        a, b = pair.split("-")
        ran = _run(landlocked, {"land_link": {"between": [a, b]}})
        j = res.countries.index(iso3)
        row = list(rec.index).index(pair)
        assert res.loss[row, j] == pytest.approx(_loss(ran, iso3), abs=0.01)
    assert rec.at["AAA-LLL", "worst_country"] == "LLL"
    assert rec.at["AAA-LLL", "name"] == "Country AAA–Country LLL land link (sourced)"
    assert rec.at["BBB-LLL", "name"] == "Country BBB–Country LLL land link (assumed)"
    assert not rec.at["AAA-LLL", "isolated"]
    assert element_event(landlocked, "land-link", "AAA-LLL").params == {"between": ("AAA", "LLL")}
    both = sweep(landlocked, "land-link", k=2, core=("USA",), measure="capacity")
    assert both.records["isolated"].iloc[0] == ["LLL"]
    one = sweep(landlocked, "land-link", elements=["LLL-Country BBB"], core=("USA",))
    assert one.records["element"].tolist() == ["BBB-LLL"]
    with pytest.raises(cablesim.CableSimError, match="two countries"):
        sweep(landlocked, "land-link", elements=["LLL"], core=("USA",))


def test_minimal_cut_with_land_links_replays_as_events(landlocked):
    from cablesim.analyses.sweep import minimal_cut

    cables = minimal_cut(landlocked, "LLL", core=("USA",), alternatives=3)
    assert [c["elements"] for c in cables.cuts] == [["ca", "cb"]]  # the only cut of cables
    res = minimal_cut(landlocked, "LLL", core=("USA",), land_links=True, alternatives=3)
    # every pair of one route-killer on each side: {ca, cb}, both links, or a cable and a link
    assert sorted(tuple(c["elements"]) for c in res.cuts) == [
        ("border:LLL-BBB:1", "ca"),
        ("border:LLL-BBB:1", "sourced:AAA-LLL:0"),
        ("ca", "cb"),
        ("cb", "sourced:AAA-LLL:0"),
    ]
    links = next(c for c in res.cuts if "ca" not in c["elements"] and "cb" not in c["elements"])
    assert links["events"] == [
        {"land_link": {"id": "border:LLL-BBB:1"}},
        {"land_link": {"id": "sourced:AAA-LLL:0"}},
    ]
    for cut in res.cuts:  # each replays, as scenario events, to the isolation it promises
        status = _run(landlocked, *cut["events"]).countries.set_index("iso3").at["LLL", "status"]
        assert status == "isolated", cut


# ------------------------------------------------------------------------------ real data


@pytest.mark.slow
def test_real_kazakhstan_china_cut_fails_only_that_link(world):
    sc = cablesim.load_scenario("kazakhstan-china-land")
    res = cablesim.simulate(sc, network=world)
    assert res.failures.links == frozenset({"sourced:terr-56-almaty-urumqi"})
    assert not res.failures.segments
    loss = res.countries.set_index("iso3")["capacity_loss_pct"]
    assert loss["KAZ"] > 0
    assert loss["CHN"] < 5  # China's own cables carry nearly all of its traffic
    from cablesim.report.result import summary_paragraph

    assert summary_paragraph(res).startswith("No cable segment failed; 1 land link was cut.")


@pytest.mark.slow
def test_real_land_link_by_place_and_error_before_service(world):
    res = cablesim.simulate(
        cablesim.load_scenario(
            {"name": "t", "events": [{"land_link": {"near": [44.2, 80.4], "radius_km": 100}}]},
            network=world,
        ),
        network=world,
    )
    assert res.failures.links == frozenset({"sourced:terr-56-almaty-urumqi"})
    with pytest.raises(cablesim.ScenarioError, match=r"enters service on 2012-07-01"):
        cablesim.load_scenario(
            {"name": "t", "as_of": 2011, "events": [{"land_link": {"between": ["KAZ", "CHN"]}}]}
        )


@pytest.mark.slow
def test_real_minimal_cut_of_ethiopia_replays(world):
    from cablesim.analyses.sweep import minimal_cut

    best = minimal_cut(world, "ETH", land_links=True, alternatives=0).cuts[0]
    assert all("land_link" in e for e in best["events"])  # Ethiopia has no cable of its own
    res = cablesim.simulate(
        cablesim.load_scenario({"name": "t", "events": best["events"]}, network=world),
        network=world,
    )
    assert res.countries.set_index("iso3").at["ETH", "status"] == "isolated"


@pytest.mark.slow
def test_cli_sweep_by_land_link():
    import json

    from click.testing import CliRunner

    from cablesim.cli import cli

    out = CliRunner().invoke(
        cli,
        ["sweep", "--by", "land-link", "--element", "KAZ-CHN", "--json"],
        catch_exceptions=False,
    )
    assert out.exit_code == 0, out.output
    records = json.loads(out.output)["records"]
    assert [r["element"] for r in records] == ["CHN-KAZ"]
    assert "KAZ" in json.dumps(records[0])
    bad = CliRunner().invoke(cli, ["sweep", "--by", "land-link", "--element", "KAZ-JPN"])
    assert bad.exit_code == 2
    assert "no land link between Kazakhstan (KAZ) and Japan (JPN) at 2026-01-01" in bad.output
    assert "did you mean between: [KAZ, CHN]" in bad.output


@pytest.mark.slow
def test_web_api_takes_a_land_link_event():
    import warnings

    pytest.importorskip("starlette")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette >= 1.0 asks for httpx2 under its TestClient
        from starlette.testclient import TestClient

    from cablesim.web.app import create_app

    doc = {"name": "t", "events": [{"land_link": {"between": ["KAZ", "CHN"]}}]}
    with TestClient(create_app(), base_url="http://127.0.0.1") as client:  # the Host allow-list
        body = client.post("/api/simulate", json={"scenario": doc}).json()
        assert body["failed_land_links"] == ["sourced:terr-56-almaty-urumqi"]
        assert body["failed_segments"] == []
        links = client.get("/api/network").json()["land_links"]
        assert {
            "id": "sourced:terr-56-almaty-urumqi",
            "between": ["KAZ", "CHN"],
            "kind": "sourced",
        } in links
        bad = client.post(
            "/api/simulate",
            json={"scenario": {**doc, "events": [{"land_link": {"between": ["KAZ", "JPN"]}}]}},
        )
        assert bad.status_code == 400
        assert "no land link between" in bad.text


def test_impact_map_draws_the_failed_land_link(landlocked):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cablesim.maps import plot_impact

    fig, ax = plot_impact(_run(landlocked, {"land_link": {"between": ["AAA", "LLL"]}}))
    try:
        gids = {c.get_gid() for c in ax.collections}
        assert "failed-land-links" in gids
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "failed land link" in labels
    finally:
        plt.close(fig)
