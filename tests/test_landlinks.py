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
