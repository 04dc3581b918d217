"""Map labels sit on their country; marks, legends and colour bars say what they draw (issue 23)."""

from __future__ import annotations

import re

import matplotlib
import matplotlib.pyplot as plt
import pytest
import shapely
from matplotlib.legend import Legend

import cablesim
from cablesim import maps
from cablesim.maps._figure import choose_projection

REACH_PX = 8.0  # the text box of a country's label touches its polygon (a few pixels of slack)


def _label_distances(result, region=None, size=None) -> dict[str, float]:
    """ISO3 -> pixels from the label's text box to its country's drawn polygon."""
    fig, ax = maps.plot_impact(result, region=region, size=size, dpi=60)
    proj = choose_projection(result, region=region)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    inv = ax.transData.inverted()
    net = result.network
    out = {}
    for t in ax.texts:
        gid = t.get_gid() or ""
        if not gid.startswith("label:"):
            continue
        iso3 = gid.split(":", 1)[1]
        bb = t.get_window_extent(renderer)
        (x0, y0), (x1, y1) = inv.transform([(bb.x0, bb.y0), (bb.x1, bb.y1)])
        per_px = abs(x1 - x0) / bb.width
        geom = net.countries.loc[net.countries["iso3"] == iso3, "geometry"].iloc[0]
        parts, _ = proj.geometries([geom])
        shape = shapely.GeometryCollection(list(parts))
        text_box = shapely.box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        out[iso3] = shape.distance(text_box) / per_px
    plt.close(fig)
    return out


@pytest.fixture(scope="module")
def malacca():
    return cablesim.simulate(cablesim.find_scenario("malacca-closure"))


@pytest.fixture(scope="module")
def red_sea():
    return cablesim.simulate(cablesim.find_scenario("red-sea-2024"))


@pytest.mark.slow
@pytest.mark.parametrize("region", [None, "middle-east", "south-asia", "south-east-asia"])
def test_every_label_touches_its_country_on_the_malacca_map(malacca, region):
    far = {k: round(v) for k, v in _label_distances(malacca, region).items() if v > REACH_PX}
    assert not far, f"labels away from their country (px): {far}"


@pytest.mark.slow
@pytest.mark.parametrize("region", [None, "south-asia"])
def test_every_label_touches_its_country_on_the_red_sea_map(red_sea, region):
    far = {k: round(v) for k, v in _label_distances(red_sea, region).items() if v > REACH_PX}
    assert not far, f"labels away from their country (px): {far}"


# ------------------------------------------------------------------------------ tiny networks


def _legend(ax) -> Legend:
    return next(c for c in ax.get_children() if isinstance(c, Legend))


@pytest.fixture
def line_net(make_network):
    """A (a1, a2) joins the core C (c1, c2) with cables X (equator) and Y (2 degrees north)."""
    return make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
            "a2": ("AAA", 0.0, 2.0, 0),
            "c2": ("CCC", 4.0, 2.0, 0),
        },
        cables={"x": (10.0, [("a1", "c1")]), "y": (5.0, [("a2", "c2")])},
    )


def test_failed_segments_are_drawn_over_the_cut_mark(line_net, run):
    r = run(line_net, [{"cut": {"cables": ["x"], "near": [0.0, 2.0], "radius_km": 30}}])
    fig, ax = maps.plot_impact(r, size=(6, 4), dpi=50)
    failed = next(c for c in ax.collections if c.get_gid() == "failed-segments")
    marks = [ln for ln in ax.get_lines() if ln.get_gid() == "cut-points"]
    assert marks
    for m in marks:  # above it, a mark must let the red line show through
        assert m.get_zorder() < failed.get_zorder() or m.get_markerfacecolor() in ("none", "None")
    plt.close(fig)


def test_every_symbol_drawn_is_in_the_legend(line_net, run):
    r = run(line_net, [{"landing_point": "a1"}, {"cut": {"cables": ["y"], "near": [2.0, 2.0]}}])
    fig, ax = maps.plot_impact(r, size=(6, 4), dpi=50)
    drawn = {ln.get_marker() for ln in ax.get_lines() if ln.get_gid() == "cut-points"}
    assert drawn == {"s", "X"}
    legend = {
        h.get_marker(): t.get_text()
        for h, t in zip(_legend(ax).legend_handles, _legend(ax).get_texts(), strict=True)
        if hasattr(h, "get_marker")
    }
    assert legend["s"] == "landing station lost"
    assert legend["X"] == "cut point / event centre"
    plt.close(fig)


@pytest.mark.slow
def test_colour_bar_ticks_are_plain_numbers(world):
    fig, ax = maps.plot_network(world, region="red-sea", size=(5, 4), dpi=40)
    fig.canvas.draw()
    cbar_axes = [a for a in fig.axes if a is not ax] + list(ax.child_axes)
    ticks = [t.get_text() for a in cbar_axes for t in a.get_xticklabels() if t.get_text()]
    assert ticks
    assert not [t for t in ticks if "$" in t or "mathdefault" in t]
    assert all(re.fullmatch(r"[0-9.,]+", t) for t in ticks), ticks
    plt.close(fig)


def test_compare_map_says_a_vs_b_in_the_impact_projection(line_net, make_network):
    bigger = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
            "a2": ("AAA", 0.0, 2.0, 0),
            "c2": ("CCC", 4.0, 2.0, 0),
        },
        cables={
            "x": (10.0, [("a1", "c1")]),
            "y": (5.0, [("a2", "c2")]),
            "z": (20.0, [("a1", "c1")]),
        },
    )
    doc = {
        "name": "cut x",
        "options": {"core": ["CCC"], "measure": "capacity"},
        "events": [{"cable": "x"}],
    }
    comp = cablesim.compare(
        cablesim.load_scenario(doc, network=line_net),
        cablesim.load_scenario(doc, network=bigger),
        network=line_net,
        network_b=bigger,
        explain=0,
    )
    fig, ax = maps.plot_difference(comp, size=(6, 4), dpi=50)
    assert ax.get_title(loc="left") == "cut x: A vs B"
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    assert "← B better" in texts
    assert "B worse →" in texts
    assert "capacity to the core lost: B minus A (percentage points)" in texts
    assert any("Equal Earth" in t for t in texts)  # the impact map's projection, named
    # B loses less for AAA: its fill is on the blue (better) side
    d = comp.table.set_index("iso3").at["AAA", "d_loss_pct"]
    assert d < 0
    coll = next(c for c in ax.collections if c.get_gid() == "countries")
    i = list(comp.b.network.countries["iso3"]).index("AAA")
    face = coll.get_facecolors()[list(coll.cablesim_features).index(i)]
    assert face[2] > face[0]  # more blue than red
    plt.close(fig)


def test_labels_on_a_tiny_zoomed_map_touch_their_country(make_network, run):
    """The cheap form of the Malacca and Red Sea checks: every placed label touches its country."""
    net = make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", 2.0, -2.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
        },
        cables={"x": (10.0, [("a1", "c1")]), "y": (10.0, [("b1", "c1")])},
    )
    r = run(net, [{"cable": "x"}, {"cable": "y"}], core=["CCC"])
    dist = _label_distances(r, region="-3,-5,7,3")
    assert set(dist) == {"AAA", "BBB"}  # both cut off, both labelled
    assert all(v <= REACH_PX for v in dist.values()), dist
