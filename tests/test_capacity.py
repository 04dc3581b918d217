"""Lit capacity: the model on hand-built cable tables with known answers, and on the real data."""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np
import pandas as pd
import pytest

import cablesim
from cablesim.analyses import depends
from cablesim.exceptions import CableSimError, ScenarioError
from cablesim.network import LitModel, filter_network, lit_capacity, lit_model
from cablesim.report.explain import explain


def cables(rows):
    """A cable table with the columns the lit model reads."""
    base = {
        "capacity_year": None,
        "capacity_basis": "published",
        "lit_capacity_tbps": np.nan,
        "lit_capacity_year": None,
        "planned": False,
    }
    df = pd.DataFrame([{**base, **r} for r in rows])
    df["rfs_date"] = pd.to_datetime(df["rfs_date"]).dt.date
    df["rfs_year"] = pd.array([d.year for d in df["rfs_date"]], dtype="Int64")
    df["capacity_at_rfs_tbps"] = df["capacity_tbps"]
    df["capacity_year"] = df["capacity_year"].astype("Int64")
    df["lit_capacity_year"] = df["lit_capacity_year"].astype("Int64")
    return df


DOUBLING = LitModel(at_rfs=0.1, growth=1.0, n_points=1, years=(2000, 2001))


def test_a_cable_is_lit_gradually_up_to_its_design():
    c = cables([{"cable_id": "a", "rfs_date": "2010-01-01", "capacity_tbps": 10.0}])
    lit = [lit_capacity(c, dt.date(y, 1, 1), DOUBLING)[0] for y in (2009, 2010, 2011, 2012, 2014)]
    # 10% at launch (and before, for a planned cable added by a what-if), doubling yearly,
    # never above the design
    assert lit == pytest.approx([1.0, 1.0, 2.0, 4.0, 10.0])


def test_a_stated_lit_figure_replaces_the_launch_share():
    c = cables(
        [
            {
                "cable_id": "a",
                "rfs_date": "2010-01-01",
                "capacity_tbps": 10.0,
                "lit_capacity_tbps": 0.5,
                "lit_capacity_year": 2012,
            }
        ]
    )
    # the figure holds at mid-2012 and grows (or shrinks, going back) at the model's rate
    assert lit_capacity(c, dt.date(2013, 7, 2), DOUBLING)[0] == pytest.approx(1.0, rel=0.01)
    assert lit_capacity(c, dt.date(2011, 7, 2), DOUBLING)[0] == pytest.approx(0.25, rel=0.01)
    assert lit_capacity(c, dt.date(2020, 1, 1), DOUBLING)[0] == pytest.approx(10.0)


def test_an_upgrade_raises_the_ceiling_not_the_lit_capacity():
    # designed for 1 Tbit/s in 2010, upgraded to 10 from 2015 (a coherent retrofit): the
    # added capacity is lit as traffic grows, from what was lit when the upgrade came (the
    # old ceiling, reached in 2014), not all at once and not from where the curve would
    # have been without a ceiling (3.2 in 2015)
    c = cables(
        [{"cable_id": "a", "rfs_date": "2010-01-01", "capacity_tbps": 10.0, "capacity_year": 2015}]
    )
    c["capacity_at_rfs_tbps"] = 1.0
    lit = [lit_capacity(c, dt.date(y, 1, 1), DOUBLING)[0] for y in (2015, 2016, 2017, 2019)]
    assert lit == pytest.approx([1.0, 2.0, 4.0, 10.0])
    # an upgrade that comes before the old ceiling is reached changes nothing on the way
    c["capacity_year"] = 2012
    lit = [lit_capacity(c, dt.date(y, 1, 1), DOUBLING)[0] for y in (2012, 2013, 2015)]
    assert lit == pytest.approx([0.4, 0.8, 3.2])
    # the design as of the date is still the ceiling (before the upgrade: 1)
    c["capacity_tbps"] = 1.0
    assert lit_capacity(c, dt.date(2014, 1, 1), DOUBLING)[0] == pytest.approx(1.0)


@pytest.mark.slow  # the capacity view of Algeria in 2016 on the world network
def test_old_small_cables_do_not_outweigh_the_consortium_systems():
    # issue 22: ALPAL-2 and Balalink (2001-2002, no published figure, estimated at a
    # coherent retrofit of 8 Tbit/s from 2013) carried 32% each of Algeria, more than
    # SeaMeWe-4, when a retrofit was taken as lit at once
    net = cablesim.load_network(dt.date(2016, 6, 30))
    c = net.cables.set_index("cable_id")
    assert c.at["alpal-2", "capacity_tbps"] < c.at["seamewe-4", "capacity_tbps"]
    dza = depends.country_dependencies(net, "DZA").set_index("id")
    assert dza.at["seamewe-4", "loss_pct"] > dza.at["alpal-2", "loss_pct"]
    assert dza.at["seamewe-4", "loss_pct"] > dza.at["balalink", "loss_pct"]


def test_the_model_is_derived_from_the_table():
    c = cables(
        [
            # launch shares 0.05, 0.1 and 0.3: the median is 0.1
            {"cable_id": "a", "rfs_date": "2000-01-01", "capacity_tbps": 1.0,
             "lit_capacity_tbps": 0.05, "lit_capacity_year": 2000},
            {"cable_id": "b", "rfs_date": "2001-01-01", "capacity_tbps": 1.0,
             "lit_capacity_tbps": 0.1, "lit_capacity_year": 2002},
            {"cable_id": "c", "rfs_date": "2002-01-01", "capacity_tbps": 2.0,
             "lit_capacity_tbps": 0.6, "lit_capacity_year": 2001},
            # stated long after launch: not a launch share
            {"cable_id": "d", "rfs_date": "1990-01-01", "capacity_tbps": 0.0,
             "lit_capacity_tbps": 0.0, "lit_capacity_year": 1999},
        ]
    )  # fmt: skip
    m = lit_model(c)
    assert m.at_rfs == pytest.approx(0.1)
    assert m.n_points == 3
    # capacity in service on 1 January: 1, 2, 4 Tbit/s in 2000-2002, so it doubles yearly
    assert m.years == (2000, 2002)
    assert m.growth == pytest.approx(1.0)
    assert m.full_after_years() == pytest.approx(np.log2(10))


def test_design_basis_keeps_the_design_figures():
    net = cablesim.load_network(dt.date(2008, 1, 30))
    design = cablesim.load_network(dt.date(2008, 1, 30), capacity="design")
    assert design.info["capacity_basis"] == "design"
    assert np.allclose(design.cables["capacity_tbps"], design.cables["design_tbps"])
    assert np.allclose(net.cables["design_tbps"], design.cables["design_tbps"])
    assert (net.cables["capacity_tbps"] <= net.cables["design_tbps"] + 1e-9).all()
    # segments carry their cable's capacity under either basis
    seg = net.segments.set_index("cable_id")["capacity_tbps"]
    cab = net.cables.set_index("cable_id")["capacity_tbps"]
    assert np.allclose(seg, cab.loc[seg.index])
    with pytest.raises(CableSimError, match="capacity must be one of"):
        filter_network(net.catalog, net.as_of, capacity="potential")


def test_real_launch_shares_and_young_cables():
    """On the bundled data: young cables are lit at a fraction of their design, old ones fully."""
    net = cablesim.load_network(dt.date(2008, 1, 30))
    m = net.info["lit_model"]
    assert 0.02 < m.at_rfs < 0.2
    assert m.n_points >= 10
    assert 0.15 < m.growth < 0.4
    c = net.cables.set_index("cable_id")
    share = c["capacity_tbps"] / c["design_tbps"]
    # FALCON (September 2006): its stated 90 Gbit/s at launch, grown for 16 months
    assert c.at["falcon", "capacity_tbps"] == pytest.approx(
        0.09 * (1 + m.growth) ** ((dt.date(2008, 1, 30) - dt.date(2006, 7, 2)).days / 365.25),
        abs=0.002,
    )
    assert share["seamewe-4"] < 0.25  # December 2005
    assert share["flag-europe-asia-fea"] > share["seamewe-4"]  # November 1997


def test_scenario_option_capacity(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text(
        textwrap.dedent(
            """\
            name: design basis
            as_of: 2008-01-30
            options: {capacity: design}
            events:
              - cable: seamewe-4
            """
        ),
        encoding="utf-8",
    )
    r = cablesim.simulate(p)
    assert r.scenario.capacity == "design"
    assert r.network.info["capacity_basis"] == "design"
    assert any("Capacities: design" in n for n in r.notes)
    assert "counting each cable's design capacity" in explain(r)
    lit = cablesim.simulate(p.read_text().replace("{capacity: design}", "{}"))
    assert lit.network.info["capacity_basis"] == "lit"
    assert any("estimated lit capacity" in n for n in lit.notes)
    assert "estimated to be lit on each cable" in explain(lit)
    p.write_text(p.read_text().replace("{capacity: design}", "{capacity: potential}"))
    with pytest.raises(
        ScenarioError, match=r"s\.yaml:3: options\.capacity: must be one of lit, design"
    ):
        cablesim.load_scenario(p)


@pytest.mark.parametrize("day", ["1999-05-05", "2008-01-30", "2021-06-30", "2026-01-01"])
def test_capacity_in_service_follows_the_network_rules(day):
    """The vectorised total equals the cables a network of that date keeps, at their design then."""
    from cablesim.network import _capacity_as_of, capacity_in_service, in_service

    catalog = cablesim.load_network().catalog["cables"]
    d = dt.date.fromisoformat(day)
    live = _capacity_as_of(catalog[in_service(catalog, d)], d)
    assert capacity_in_service(catalog, d) == pytest.approx(live["capacity_tbps"].sum())


def test_a_planned_cable_added_to_a_design_network_keeps_the_design_basis():
    r = cablesim.simulate(
        {
            "name": "2Africa on design figures",
            "as_of": "2023-06-30",
            "options": {"capacity": "design"},
            "add": [{"cable": "2africa"}],
            "events": [{"cable": "seamewe-4"}],
        }
    )
    c = r.network.cables.set_index("cable_id")
    assert r.network.info["capacity_basis"] == "design"
    assert c.at["2africa", "capacity_tbps"] == pytest.approx(180.0)
    assert np.allclose(c["capacity_tbps"], c["design_tbps"])
