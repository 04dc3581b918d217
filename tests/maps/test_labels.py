"""Map labels sit on their country; marks, legends and colour bars say what they draw (issue 23)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import shapely

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
