"""The bundled dataset: counts, integrity and facts a reader can check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import cablesim
from cablesim import dataset
from cablesim.dataset._chokepoints import REQUIRED_CHOKEPOINTS
from cablesim.dataset._schema import TABLES


@pytest.fixture(scope="module")
def tables():
    return dataset.load_tables()


def test_counts_meet_the_bar(tables):
    assert len(tables["cables"]) >= 480
    assert len(tables["landing_points"]) >= 1200
    assert tables["landing_points"]["iso3"].nunique() >= 170
    info = dataset.manifest()
    assert info["inferred_share"] < 0.05
    assert info["counts"]["cables"] == len(tables["cables"])


def test_every_integrity_check_passes(tables):
    assert dataset.validate(tables) == []


def test_validate_catches_broken_data(tables):
    broken = dict(tables)
    segs = tables["segments"].copy()
    segs.loc[segs.index[0], "capacity_tbps"] = 0.0
    segs = segs.drop(index=segs.index[segs["cable_id"] == "tonga-cable"])
    broken["segments"] = segs
    problems = dataset.validate(broken)
    assert any("capacity_tbps not positive" in p for p in problems)
    assert any("tonga-cable" in p for p in problems)


@pytest.mark.parametrize("name", list(TABLES))
def test_tables_follow_their_schema(tables, name):
    cols = [c.name for c in TABLES[name]]
    assert cols == list(tables[name].columns[: len(cols)])


def test_ids_are_unique(tables):
    for name, cols in TABLES.items():
        key = cols[0].name
        assert not tables[name][key].duplicated().any(), name


def _cable_graph(tables, cable_id):
    segs = tables["segments"]
    g = nx.Graph()
    for r in segs[segs["cable_id"] == cable_id].itertuples():
        g.add_edge(r.from_node, r.to_node, length_km=r.length_km)
    return g


def test_seamewe4_crosses_egypt_on_its_own_segments(tables):
    cab = tables["cables"].set_index("cable_id").loc["seamewe-4"]
    assert cab["n_landing_points"] == 16
    g = _cable_graph(tables, "seamewe-4")
    assert set(cab["landing_point_ids"]) <= set(g)
    km = nx.shortest_path_length(g, "alexandria-egypt", "suez-egypt", weight="length_km")
    assert 200 <= km <= 500


def test_tonga_cable_joins_tonga_and_fiji(tables):
    g = _cable_graph(tables, "tonga-cable")
    lps = tables["landing_points"].set_index("landing_point_id")
    countries = {lps.at[n, "iso3"] for n in g if n in lps.index}
    assert countries == {"TON", "FJI"}


@pytest.mark.parametrize(
    ("landing_point", "iso3"),
    [
        ("lantau-island-china", "HKG"),
        ("deep-water-bay-china", "HKG"),
        ("tseung-kwan-o-china", "HKG"),
        ("taipa-china", "MAC"),
        ("muanda-congo-dem-rep-", "COD"),
        ("alexandria-egypt", "EGY"),
        ("berbera-somalia", "SOM"),
        ("le-port-runion", "REU"),
    ],
)
def test_landing_point_countries(tables, landing_point, iso3):
    lps = tables["landing_points"].set_index("landing_point_id")
    if landing_point not in lps.index:
        pytest.fail(f"{landing_point} missing from the dataset")
    assert lps.at[landing_point, "iso3"] == iso3


def test_every_landing_point_has_a_country_in_the_table(tables):
    assert set(tables["landing_points"]["iso3"]) <= set(tables["countries"]["iso3"])


LANDLOCKED_AFRICA = [
    "ETH",
    "UGA",
    "ZMB",
    "ZWE",
    "MWI",
    "RWA",
    "BDI",
    "SSD",
    "CAF",
    "TCD",
    "NER",
    "MLI",
    "BFA",
    "BWA",
    "LSO",
    "SWZ",
]


@pytest.mark.parametrize("iso3", LANDLOCKED_AFRICA)
def test_landlocked_african_countries_have_land_links(tables, iso3):
    links = tables["terrestrial_links"]
    assert ((links["from_iso3"] == iso3) | (links["to_iso3"] == iso3)).any()
    # no sea landing in the 2021 snapshot (Uganda has Lake Victoria stations in 2026)
    lps = tables["landing_points"]
    assert not ((lps["iso3"] == iso3) & (lps["snapshot"] == "2021-06-30")).any()


def test_sourced_links_carry_their_source(tables):
    links = tables["terrestrial_links"]
    sourced = links[links["kind"] == "sourced"]
    assert len(sourced) > 50
    assert (sourced["source"].str.len() > 30).all()
    assert sourced["source"].str.contains("http").mean() > 0.8
    assert (links.loc[links["kind"] == "border", "confidence"] == "assumed").all()


def test_no_land_link_crosses_a_closed_border(tables):
    from cablesim.dataset._closedborders import CLOSED_BORDERS

    links = tables["terrestrial_links"]
    pairs = {frozenset(p) for p in zip(links["from_iso3"], links["to_iso3"], strict=True)}
    for pair, (year, source) in CLOSED_BORDERS.items():
        assert pair not in pairs, sorted(pair)
        assert year < 2000
        assert "Wikipedia" in source
    # Armenia's land routes are Georgia's and Iran's (Turkey and Azerbaijan: closed)
    arm = links[(links["from_iso3"] == "ARM") | (links["to_iso3"] == "ARM")]
    assert set(arm["from_iso3"]) | set(arm["to_iso3"]) == {"ARM", "GEO", "IRN"}
    log = (dataset.data_dir() / "build_log.txt").read_text(encoding="utf-8")
    assert "no link across the closed borders ARM-AZE, ARM-TUR, ISR-LBN, ISR-SYR, KOR-PRK" in log


def test_capacity_sources_are_cited_or_labelled(tables):
    cables = tables["cables"]
    est = cables[cables["capacity_basis"] == "estimated"]
    assert est["capacity_source"].str.startswith("estimated:").all()
    pub = cables[cables["capacity_basis"] == "published"]
    assert len(pub) >= 100
    assert not pub["capacity_source"].str.startswith("estimated").any()
    smw4 = cables.set_index("cable_id").loc["seamewe-4"]
    assert smw4["capacity_tbps"] == pytest.approx(4.6)
    assert smw4["capacity_year"] == 2015
    assert smw4["capacity_at_rfs_tbps"] < smw4["capacity_tbps"]


def test_an_upgrade_stated_in_the_capacity_notes_raises_the_design_from_its_year(tables):
    from cablesim.dataset._upgrades import STATED_UPGRADES

    eig = tables["cables"].set_index("cable_id").loc["europe-india-gateway-eig"]
    assert eig["capacity_at_rfs_tbps"] == pytest.approx(3.84)  # published, 2008
    assert eig["capacity_tbps"] == pytest.approx(3.84 + 24.3)
    assert eig["capacity_year"] == 2020
    assert "24.3" in eig["capacity_source"]
    # the network of each date: the design of that date, and what the upgrade adds lit as
    # traffic grows from what was lit in 2020 (at most the old 3.84), not all at once
    design, lit = {}, {}
    for d in ("2019-06-30", "2020-06-30", "2025-09-06"):
        c = cablesim.load_network(d).cables.set_index("cable_id").loc["europe-india-gateway-eig"]
        design[d], lit[d] = c["design_tbps"], c["capacity_tbps"]
    assert design["2019-06-30"] == pytest.approx(3.84)
    assert design["2020-06-30"] == pytest.approx(28.14)
    assert lit["2019-06-30"] <= 3.84 < lit["2025-09-06"] < 0.5 * design["2025-09-06"]
    # the words of each row are in the file it names (when the sources are beside us)
    src = Path(__file__).resolve().parents[3] / "shared" / "data"
    for cid, (year, added, path, words) in STATED_UPGRADES.items():
        assert cid in set(tables["cables"]["cable_id"])
        assert 2000 < year <= 2026
        assert added > 0
        if (src / path).is_file():
            text = (src / path).read_text(encoding="utf-8")
            line = next(x for x in text.splitlines() if x.startswith(cid + ","))
            for part in words.split(" ... "):
                assert part in line, (cid, part)


def test_required_chokepoints_present(tables):
    ids = set(tables["chokepoints"]["chokepoint_id"])
    for cid in REQUIRED_CHOKEPOINTS:
        assert cid in ids
    cp = tables["chokepoints"].set_index("chokepoint_id")
    assert cp.at["bab-el-mandeb", "n_cables"] >= 10


@pytest.mark.slow
def test_build_is_reproducible_from_the_sources(tmp_path):
    src = Path(__file__).resolve().parents[3] / "shared" / "data"
    if not (src / "telegeography").is_dir():
        pytest.skip("the raw sources (../shared/data) are not beside this checkout")
    info = dataset.build(src, tmp_path, echo=None)
    assert info["validation_problems"] == []
    fresh = dataset.load_tables(tmp_path)
    bundled = dataset.load_tables()
    for name in TABLES:
        a = fresh[name].drop(columns="geometry", errors="ignore")
        b = bundled[name].drop(columns="geometry", errors="ignore")
        assert a.shape == b.shape, name
        assert list(a.iloc[:, 0]) == list(b.iloc[:, 0]), name


def test_network_as_of_filters_by_rfs():
    net08 = cablesim.load_network("2008-01-30")
    net21 = cablesim.load_network("2021-06-30")
    ids08 = set(net08.cables["cable_id"])
    assert "seamewe-4" in ids08
    assert "seamewe-5" not in ids08  # ready for service in 2016
    assert "2africa" not in set(net21.cables["cable_id"])  # planned at the snapshot
    assert len(net21.cables) > len(net08.cables)
    # capacities are those of the date: SeaMeWe-4's 4.6 Tbps figure dates from 2015
    cap08 = net08.cables.set_index("cable_id").at["seamewe-4", "design_tbps"]
    assert cap08 < 4.6
    assert net21.cables.set_index("cable_id").at["seamewe-4", "design_tbps"] == pytest.approx(4.6)


def test_land_links_grow_with_lit_capacity():
    """Land-link figures (early 2026) shrink for earlier networks at the lit-capacity growth rate."""
    from cablesim.dataset import LAND_LINK_REFERENCE_DATE
    from cablesim.network import land_link_scale, lit_model

    net = cablesim.load_network(LAND_LINK_REFERENCE_DATE)
    catalog = net.catalog["cables"]
    scales = [land_link_scale(catalog, dt.date(y, 6, 30)) for y in (2006, 2008, 2011, 2017, 2021)]
    assert scales == sorted(scales)
    assert scales[-1] < 1
    assert land_link_scale(catalog, LAND_LINK_REFERENCE_DATE) == 1.0
    assert land_link_scale(catalog, dt.date(2030, 1, 1)) == 1.0  # never above the figures
    d08 = dt.date(2008, 1, 30)
    years = (LAND_LINK_REFERENCE_DATE - d08).days / 365.25
    ratio = (1 + lit_model(catalog).growth) ** -years
    assert 0.005 < ratio < 0.05  # two orders of magnitude: 2008 had ~1/70 of 2026's traffic
    net08 = cablesim.load_network(d08)
    full = net.terrestrial_links.set_index("link_id")["capacity_tbps"]
    old = net08.terrestrial_links.set_index("link_id")["capacity_tbps"]
    assert np.allclose(old, np.maximum((full.loc[old.index] * ratio).round(3), 0.001))
    assert net08.info["land_link_scale"] == pytest.approx(ratio)


def test_as_of_before_the_first_cable_is_an_error():
    with pytest.raises(cablesim.CableSimError, match="before the first cable"):
        cablesim.load_network(1900)
