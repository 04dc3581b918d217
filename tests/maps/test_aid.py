"""Maps that read right (issue 13): legends, failed parts, centring, timeline panels."""

from __future__ import annotations

import pytest
import shapely

import cablesim
from cablesim import maps
from cablesim.maps import _aid as _mapaid
from cablesim.maps import _figure, world


@pytest.fixture(scope="module")
def tonga():
    return cablesim.simulate(cablesim.find_scenario("tonga-2022"))


def _legend_texts(ax) -> list[str]:
    leg = ax.get_legend()
    return [t.get_text() for t in leg.get_texts()] if leg else []


def test_small_country_circles_are_in_the_legend(tonga):
    _fig, ax = maps.plot_impact(tonga)
    assert any(c.get_gid() == "small-countries" for c in ax.collections)
    assert any("small country" in t for t in _legend_texts(ax))


def test_no_small_country_entry_without_circles(run, make_network):
    net = make_network(
        stations={"a1": ("AAA", 0.0, 0.0, 0), "c1": ("CCC", 40.0, 0.0, 0)},
        cables={"x": (10.0, [("a1", "c1")])},
    )
    r = run(net, [{"cable": "x"}], core=["CCC"])
    _fig, ax = maps.plot_impact(r, region="-10,-20,50,20")
    if not any(c.get_gid() == "small-countries" for c in ax.collections):
        assert not any("small country" in t for t in _legend_texts(ax))


def test_cut_draws_only_the_broken_part_red(tonga):
    seg = tonga.failed_segments.geometry.iloc[0]
    broken, rest = _mapaid.failed_parts(tonga)
    assert sum(g.length for g in broken) < 0.1 * seg.length
    assert sum(g.length for g in rest) > 0.8 * seg.length
    near = tonga.scenario.events[0].params["near"]
    assert broken[0].distance(shapely.Point(near[2], near[1])) < 0.3


def test_whole_cable_events_stay_whole():
    r = cablesim.simulate({"name": "t", "as_of": 2022, "events": [{"cable": "tonga-cable"}]})
    broken, rest = _mapaid.failed_parts(r)
    assert len(rest) == 0
    assert sum(g.length for g in broken) == pytest.approx(
        sum(g.length for g in r.failed_segments.geometry)
    )


def test_legend_goes_where_it_hides_no_hit_country():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 50)
    from matplotlib.patches import Patch

    handles = [Patch(label=f"class {i}") for i in range(6)]
    fig.canvas.draw()
    leg = _mapaid.place_legend(ax, fig, handles, [(3.0, 3.0), (97.0, 3.0)])
    renderer = fig.canvas.get_renderer()
    bb = leg.get_window_extent(renderer)
    for p in [(3.0, 3.0), (97.0, 3.0)]:
        assert not bb.contains(*ax.transData.transform(p))


@pytest.mark.parametrize(
    "name",
    [
        "tonga-2022",
        # the same on two more networks of other years: the slow loop
        pytest.param("alexandria-2008", marks=pytest.mark.slow),
        pytest.param("shetland-2022", marks=pytest.mark.slow),
    ],
)
def test_impact_legend_hides_no_hit_country(name):
    r = cablesim.simulate(cablesim.find_scenario(name))
    fig, ax = maps.plot_impact(r)
    proj = maps.choose_projection(r)
    bb = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    for lon, lat in _mapaid.hit_points(r, _figure._label_points(r.network)):
        assert not bb.contains(*ax.transData.transform(proj(lon, lat))), (name, lon, lat)


def test_world_map_keeps_hit_countries_off_the_edge(tonga):
    pts = _figure._label_points(tonga.network)
    centre = maps.choose_projection(tonga).central_longitude
    for lon, _lat in _mapaid.hit_points(tonga, pts):
        off = abs(((lon - centre + 180.0) % 360.0) - 180.0)
        assert off < 180.0 - _mapaid.EDGE_MARGIN_DEG
    assert (
        _mapaid.central_longitude(cablesim.simulate(cablesim.find_scenario("alexandria-2008")), pts)
        is None
    )  # nothing near the edge: the default centre stays


def test_timeline_panels_have_a_colour_legend_and_readable_subtitles(crisis_2024):
    from cablesim.maps.timeline import plot_timeline_map

    tl = crisis_2024
    fig, axes = plot_timeline_map(tl, states=[0, 1])
    legends = [leg for leg in fig.legends if leg.get_gid() == "timeline-legend"]
    assert len(legends) == 1
    labels = [t.get_text() for t in legends[0].get_texts()]
    assert any("cut off" in t for t in labels)
    assert len(labels) == len(maps.legend_items())
    for ax, st in zip(axes, tl.states[:2], strict=True):
        sub = [
            t for t in ax.texts if t.get_transform() == ax.transAxes and t.get_position()[1] > 1.0
        ]
        assert len(sub) == 1
        lines = sub[0].get_text().split("\n")
        assert len(lines) == 2
        assert all(len(x) <= 70 for x in lines)
        assert sub[0].get_fontsize() >= 7.5
        assert ax.get_title(loc="left") == f"{st.start} (day {st.day})"


def test_regional_legend_moves_off_a_hit_country():
    """East Africa when EASSy fails: the lower-left corner holds a hit country."""
    r = cablesim.simulate(
        {
            "name": "e",
            "as_of": 2022,
            "events": [{"cable": "EASSy"}],
            "options": {"measure": "capacity"},  # a map with hit countries, whatever the measure
        }
    )
    fig, ax = maps.plot_impact(r, region="east-africa")
    proj = maps.choose_projection(r, region="east-africa")
    box = maps.parse_region("east-africa")
    bb = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    pts = [
        p for p in _mapaid.hit_points(r, _figure._label_points(r.network)) if world._in_box(*p, box)
    ]
    assert pts
    for lon, lat in pts:
        assert not bb.contains(*ax.transData.transform(proj(lon, lat)))
