"""The network model and its graph contract, on a tiny network with known answers and the real one."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import cablesim
from cablesim.network import Network


@pytest.fixture
def net(branchy) -> Network:
    return branchy


def test_nodes_follow_the_contract(net):
    nodes = net.nodes()
    assert {"kind", "iso3", "x", "y", "landmass"} <= set(nodes.columns)
    assert {"landing_point", "branching_unit"} <= set(nodes["kind"])
    assert nodes.loc["bu:x:1", "iso3"] is None
    assert nodes.loc["a1", "iso3"] == "AAA"


def test_edges_follow_the_contract(net):
    edges = net.edges()
    seg = edges[edges["kind"] == "segment"].set_index("segment_id")
    assert seg.loc["x#1", "capacity_tbps"] == 10.0
    assert seg.loc["y#1", "capacity_tbps"] == 5.0
    assert (seg["length_km"] > 0).all()
    bh = edges[edges["kind"] == "backhaul"]
    assert bh["capacity_tbps"].map(math.isinf).all()  # domestic backhaul is unlimited
    assert set(bh["u"]) == {"a1", "b1", "c1"}
    none = net.edges(backhaul="none")
    assert not (none["kind"] == "backhaul").any()


def test_to_networkx_is_exact(net):
    g = net.to_networkx()
    assert isinstance(g, nx.MultiGraph)
    edges = net.edges()
    assert g.number_of_edges() == len(edges)
    total = sum(d["capacity_tbps"] for *_, d in g.edges(data=True) if d["kind"] == "segment")
    assert total == pytest.approx(edges.loc[edges["kind"] == "segment", "capacity_tbps"].sum())
    assert g.nodes["a1"]["iso3"] == "AAA"


def test_memo_computes_once_and_is_the_only_cache(net):
    calls = []

    def fn():
        calls.append(1)
        return 42

    assert net.memo("test:answer", fn) == 42
    assert net.memo("test:answer", fn) == 42
    assert calls == [1]
    first = net.nodes()
    assert net.nodes() is first  # derived tables are memoised


def test_simulating_never_mutates_the_network(net, run):
    before = net.segments.copy()
    run(net, [{"cable": "x"}])
    assert net.segments.equals(before)


def test_land_borders_are_where_land_touches(world):
    # the pairs of countries whose land touches (Natural Earth), whatever links the dataset
    # has across them: a closed border is a border; the Channel and the Gulf of Finland
    # are not
    borders = world.land_borders()
    for pair in (("UKR", "RUS"), ("FRA", "ESP"), ("ISR", "LBN"), ("FIN", "RUS")):
        assert frozenset(pair) in borders, pair
    for pair in (("GBR", "FRA"), ("FIN", "EST"), ("LVA", "SWE")):
        assert frozenset(pair) not in borders, pair
    assert world.land_borders() is borders  # computed once per network


def test_real_network_as_of_a_date():
    net2008 = cablesim.load_network("2008-01-30")
    net2021 = cablesim.load_network("2021-06-30")
    assert len(net2008.cables) < len(net2021.cables)
    assert "seamewe-4" in set(net2008.cables["cable_id"])
    assert "2africa" not in set(net2008.cables["cable_id"])
    # a later cable never counts before its ready-for-service date
    assert (net2008.cables["rfs_date"].dropna() <= net2008.as_of).all()
