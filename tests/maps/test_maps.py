"""Maps: projection and seams, regions, colours, and the pictures themselves (pixels and SVG)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import shapely
from PIL import Image

import cablesim
from cablesim import maps
from cablesim.exceptions import CableSimError, OutputError, UnknownNameError
from cablesim.maps import _aid as _mapaid


@pytest.fixture
def line_net(make_network):
    """A (a1) joins the core C (c1) with cable X along the equator; a parallel cable Y 2 degrees north."""
    return make_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
            "a2": ("AAA", 0.0, 2.0, 0),
            "c2": ("CCC", 4.0, 2.0, 0),
        },
        cables={"x": (10.0, [("a1", "c1")]), "y": (5.0, [("a2", "c2")])},
        chokepoints={"strait": [(1.9, -0.5), (2.1, -0.5), (2.1, 0.5), (1.9, 0.5)]},
    )


@pytest.fixture(scope="module")
def tonga():
    return cablesim.simulate(cablesim.find_scenario("tonga-2022"))


@pytest.fixture(scope="module")
def alexandria():
    return cablesim.simulate(cablesim.find_scenario("alexandria-2008"))


def _png(fig, dpi=None) -> Image.Image:
    with Image.open(io.BytesIO(maps.figure_bytes(fig, "png", dpi=dpi))) as im:
        return im.convert("RGB")


def _pixel_xy(fig, ax, proj, lon, lat):
    x, y = proj(lon, lat)
    px, py = ax.transData.transform((float(x), float(y)))
    height = fig.get_figheight() * fig.dpi
    return round(px), round(height - py)


def _is_red(rgb) -> bool:
    r, g, b = rgb
    return r > 190 and g < 70 and b < 70


def _red_near(img, xy, radius=2) -> bool:
    x0, y0 = xy
    return any(
        _is_red(img.getpixel((x, y)))
        for x in range(x0 - radius, x0 + radius + 1)
        for y in range(y0 - radius, y0 + radius + 1)
    )


# ------------------------------------------------------------------------------ regions and projection


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        (None, None),
        ("world", None),
        ("middle-east", maps.REGIONS["middle-east"]),
        ("Middle East", maps.REGIONS["middle-east"]),
        ("30,10,52,31", (30.0, 10.0, 52.0, 31.0)),
        ("170,-25,-170,-10", (170.0, -25.0, 190.0, -10.0)),  # across the antimeridian
        ((30, 10, 52, 31), (30.0, 10.0, 52.0, 31.0)),
    ],
)
def test_parse_region(region, expected):
    assert maps.parse_region(region) == expected


def test_parse_region_errors_are_clear():
    with pytest.raises(UnknownNameError, match="did you mean 'middle-east'"):
        maps.parse_region("midle-east")
    for bad in ("1,2,3", "a,b,c,d", "0,50,10,40", "0,-95,10,0"):
        with pytest.raises(CableSimError, match="region"):
            maps.parse_region(bad)


def test_projection_centres_and_seams():
    # Equal Earth at the centre meridian: (0, 0) maps to the origin, east is positive x
    p0 = maps.MapProjection(0.0)
    assert np.allclose(np.array(p0(0.0, 0.0)).ravel(), 0.0)
    assert p0(10.0, 0.0)[0] > 0 > p0(-10.0, 0.0)[0]
    # centred on 150E, 170W lies east of the centre (not at the far west edge)
    p150 = maps.MapProjection(150.0)
    assert 0 < p150(-170.0, 0.0)[0] < p150(-40.0, 0.0)[0]


def test_antimeridian_line_is_drawn_whole_when_centred_on_the_pacific():
    # the Tonga Cable as stored: split at +/-180 into two parts
    line = shapely.MultiLineString(
        [[(-175.2, -21.1), (-180.0, -19.3)], [(180.0, -19.3), (178.4, -18.1)]]
    )
    parts, idx = maps.MapProjection(150.0).geometries([line])
    assert set(idx) == {0}
    merged = shapely.line_merge(shapely.union_all(parts))
    assert merged.geom_type == "LineString"  # the halves join at the (projected) antimeridian
    # on a Greenwich-centred map the halves sit at the two edges of the world
    parts0, _ = maps.MapProjection(0.0).geometries([line])
    xs = sorted(p.centroid.x for p in parts0)
    assert xs[0] < -1.5e7
    assert xs[-1] > 1.5e7


def test_polygons_are_clipped_at_the_seam():
    box = shapely.box(-10.0, -5.0, 10.0, 5.0)  # straddles 0, the seam when centred on 180
    parts, idx = maps.MapProjection(180.0).geometries([box])
    assert len(parts) == 2
    assert set(idx) == {0}
    total = shapely.area(maps.MapProjection(0.0).geometries([box])[0]).sum()
    assert shapely.area(parts).sum() == pytest.approx(total, rel=1e-3)


def test_choose_projection(tonga, alexandria):
    assert maps.choose_projection(alexandria).central_longitude == 0.0
    assert maps.choose_projection(tonga).central_longitude == 150.0  # the failure is in the Pacific
    reg = maps.choose_projection(alexandria, region="pacific-islands")
    assert reg.central_longitude == pytest.approx(177.5)
    assert reg.standard_parallel is not None
    assert maps.choose_projection(alexandria, central_longitude=20).central_longitude == 20


# ------------------------------------------------------------------------------ colours


def test_loss_colours_follow_the_status_thresholds():
    assert maps.loss_color(100.0, "isolated") == maps.ISOLATED_COLOR
    assert maps.loss_color(9.9, "unaffected") == maps.UNAFFECTED_COLOR
    assert maps.loss_color(10.0, "degraded") == maps.LOSS_COLORS[0]
    assert maps.loss_color(49.9, "degraded") == maps.LOSS_COLORS[1]
    assert maps.loss_color(50.0, "severe") == maps.LOSS_COLORS[2]
    assert maps.loss_color(99.0, "severe") == maps.LOSS_COLORS[3]
    assert len(set(maps.LOSS_COLORS) | {maps.ISOLATED_COLOR, maps.UNAFFECTED_COLOR}) == 6


def test_country_colours_match_the_table(alexandria):
    colors = maps.country_colors(alexandria)
    for r in alexandria.countries.itertuples():
        want = maps.NO_DATA_COLOR if r.was_isolated else maps.loss_color(r.loss_pct, r.status)
        assert colors[r.iso3] == want


def test_map_fill_of_a_country_is_its_table_colour(alexandria):
    """Sample the rendered PNG inside Egypt: the fill is the colour of Egypt's loss in the table."""
    from matplotlib.colors import to_rgb

    fig, ax = maps.plot_impact(alexandria, labels=0)
    img = _png(fig)
    proj = maps.choose_projection(alexandria)
    egy = alexandria.network.countries.set_index("iso3").at["EGY", "geometry"]
    inner = shapely.get_parts(egy)[np.argmax(shapely.area(shapely.get_parts(egy)))].buffer(-1.5)
    rng = np.random.default_rng(0)
    x0, y0, x1, y1 = inner.bounds
    pts = [
        (x, y)
        for x, y in zip(rng.uniform(x0, x1, 400), rng.uniform(y0, y1, 400), strict=True)
        if inner.contains(shapely.Point(x, y))
    ][:60]
    samples = [img.getpixel(_pixel_xy(fig, ax, proj, x, y)) for x, y in pts]
    values, counts = np.unique(np.array(samples), axis=0, return_counts=True)
    fill = values[np.argmax(counts)] / 255.0
    row = alexandria.country("EGY")
    want = to_rgb(maps.loss_color(row["loss_pct"], row["status"]))
    assert np.allclose(fill, want, atol=0.02)
    assert row["status"] != "unaffected"  # the test would be vacuous on grey


# ------------------------------------------------------------------------------ pictures


def test_failed_segment_pixels_are_red_on_a_tiny_network(line_net, run):
    r = run(line_net, [{"chokepoint": "strait"}], core=["CCC"])
    assert r.failed_segments["segment_id"].tolist() == ["x#1"]
    region = "-2,-3,6,4"
    fig, ax = maps.plot_impact(r, region=region, labels=0, legend=False)
    img = _png(fig)
    proj = maps.choose_projection(r, region=region)
    # only the part inside the strait (lon 1.9-2.1) is red; the rest of x#1 is out of service
    in_strait = [_pixel_xy(fig, ax, proj, lon, 0.0) for lon in (1.95, 2.0, 2.05)]
    rest_of_x = [_pixel_xy(fig, ax, proj, lon, 0.0) for lon in (0.6, 1.0, 3.0, 3.4)]
    on_y = [_pixel_xy(fig, ax, proj, lon, 2.0) for lon in (0.6, 1.0, 3.0, 3.4)]
    assert all(_red_near(img, xy) for xy in in_strait)
    assert not any(_red_near(img, xy, radius=1) for xy in rest_of_x)
    assert not any(_red_near(img, xy) for xy in on_y)  # the surviving cable is grey
    # the same pixels on the baseline network map are not red
    fig2, ax2 = maps.plot_network(line_net, region=region)
    img2 = _png(fig2)
    assert not any(
        _red_near(img2, _pixel_xy(fig2, ax2, proj, lon, 0.0)) for lon in (0.6, 1.0, 3.0, 3.4)
    )


def test_impact_png_default_size_and_red_where_the_cable_failed(tonga, tmp_path):
    path = maps.save_impact_map(tonga, tmp_path / "tonga.png")
    with Image.open(path) as im:
        img = im.convert("RGB")
    assert img.size[0] >= 1600
    # the figure drawn with the same defaults tells where the failed segment runs
    fig, ax = maps.plot_impact(tonga)
    assert img.size == (round(fig.get_figwidth() * fig.dpi), round(fig.get_figheight() * fig.dpi))
    proj = maps.choose_projection(tonga)
    seg = tonga.failed_segments.geometry.iloc[0]  # the part east of the antimeridian is the longer
    pts = [
        shapely.line_interpolate_point(shapely.get_parts(seg)[0], f, normalized=True)
        for f in (0.35, 0.5, 0.7, 0.9)
    ]
    # the cable was cut about 37 km from Nuku'alofa: red there, not along its 800 km to Fiji
    near = tonga.scenario.events[0].params["near"]
    broken, rest = _mapaid.failed_parts(tonga)
    assert sum(g.length for g in broken) < 0.1 * seg.length
    assert len(rest) == 1
    gids = {c.get_gid() for c in ax.collections}
    assert {"failed-segments", "failed-segments-rest"} <= gids
    far = [p for p in pts if p.distance(shapely.Point(near[2], near[1])) > 2.0]
    assert len(far) >= 2
    assert not any(_red_near(img, _pixel_xy(fig, ax, proj, p.x, p.y), radius=1) for p in far)
    # far from any failure (mid-Atlantic cables) nothing is red
    assert not _red_near(img, _pixel_xy(fig, ax, proj, -40.0, 35.0), radius=4)


def test_regional_map_zooms_and_labels_the_worst_hit(alexandria, tmp_path):
    _fig, ax = maps.plot_impact(alexandria, region="middle-east")
    texts = {t.get_text().split("\n")[0] for t in ax.texts}
    # the worst hit inside the region shown (the worst overall may be outside it)
    aff = alexandria.affected
    inside = aff[aff["region"].isin(["Western Asia", "Northern Africa", "Southern Asia"])]
    assert inside.iloc[0]["name"] in texts
    assert "Egypt" in texts
    x0, x1 = ax.get_xlim()
    proj = maps.choose_projection(alexandria, region="middle-east")
    assert x0 < proj(30.0, 25.0)[0] < x1
    assert not (x0 < proj(-60.0, 25.0)[0] < x1)  # the Atlantic is out of the picture
    path = maps.save_impact_map(alexandria, tmp_path / "me.png", region="middle-east")
    with Image.open(path) as im:
        assert im.size[0] >= 1600


def test_svg_holds_the_failed_segment_paths(alexandria, tmp_path):
    path = maps.save_impact_map(alexandria, tmp_path / "a.svg")
    root = ET.parse(path).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    group = root.find(".//svg:g[@id='failed-segments']", ns)
    assert group is not None
    paths = group.findall(".//svg:path", ns)
    red = [p for p in paths if f"stroke: {maps.FAILED_COLOR}" in p.get("style", "")]
    n_parts = sum(len(shapely.get_parts(g)) for g in alexandria.failed_segments.geometry)
    assert len(red) == n_parts == len(alexandria.failed_segments)
    assert len(paths) == 2 * len(red)  # each over a white casing
    text = path.read_text()
    assert alexandria.scenario.name.split(",")[0] in text  # the title is text, not outlines
    assert "TeleGeography" in text


def test_pdf_and_refusals(alexandria, tmp_path):
    assert maps.save_impact_map(alexandria, tmp_path / "a.pdf").read_bytes()[:4] == b"%PDF"
    with pytest.raises(OutputError, match="unknown map format"):
        maps.save_impact_map(alexandria, tmp_path / "a.gif")
    with pytest.raises(OutputError, match="does not exist"):
        maps.save_impact_map(alexandria, tmp_path / "nope" / "a.png")
    with pytest.raises(CableSimError, match="WIDTHxHEIGHT"):
        maps.save_impact_map(alexandria, tmp_path / "a.png", size="big")


def test_never_overwrites_the_scenario_file(tmp_path):
    src = tmp_path / "scenario.svg"  # a scenario file whose name ends like a map
    src.write_text("name: t\nas_of: 2022\nevents:\n  - cable: tonga-cable\n")
    r = cablesim.simulate(cablesim.load_scenario(src))
    with pytest.raises(OutputError, match="refusing to overwrite"):
        maps.save_impact_map(r, src)
    assert src.read_text().startswith("name: t")


def test_plot_into_given_axes_and_size(alexandria):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4))
    ax = fig.add_subplot()
    f2, a2 = maps.plot_impact(alexandria, ax=ax, legend=False, attribution=False, title="panel")
    assert f2 is fig
    assert a2 is ax
    assert ax.get_title(loc="left") == "panel"
    f3, _ = maps.plot_impact(alexandria, size="10x5", dpi=50)
    assert (f3.get_figwidth(), f3.get_figheight(), f3.dpi) == (10, 5, 50)


def test_network_map_shows_every_segment_and_the_chokepoints(world):
    _fig, ax = maps.plot_network(world)
    cables = next(c for c in ax.collections if c.get_gid() == "cables")
    n_parts = len(maps.MapProjection(0.0).geometries(world.segments.geometry.to_numpy())[0])
    assert len(cables.get_paths()) == n_parts
    lw = np.asarray(cables.get_linewidths())
    assert lw.max() > 3 * lw.min()  # sized by capacity
    labels = {t.get_text() for t in ax.texts}
    assert "Bab-el-Mandeb" in labels
    assert "Luzon Strait" in labels
    assert f"{world.as_of.isoformat()}" in ax.get_title(loc="left")


@pytest.mark.slow  # a fresh interpreter that loads and simulates the world network
def test_maps_never_load_pyplot():
    code = (
        "import sys, cablesim\nfrom cablesim import maps\n"
        "r = cablesim.simulate(cablesim.find_scenario('tonga-2022'))\n"
        "maps.figure_bytes(maps.plot_impact(r)[0], 'png')\n"
        "assert 'matplotlib.pyplot' not in sys.modules\nprint('ok')\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "MPLBACKEND": "TkAgg"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env, cwd=root
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_cli_map_and_run_map(tmp_path):
    from click.testing import CliRunner

    from cablesim.cli import cli

    runner = CliRunner()
    out = tmp_path / "net.svg"
    res = runner.invoke(cli, ["map", "--as-of", "2008", "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert "The submarine cable network as of 2008-12-31" in text
    assert 'id="chokepoints"' in text
    res = runner.invoke(cli, ["map", "--region", "atlantis", "-o", str(tmp_path / "x.png")])
    assert res.exit_code == 2
    assert "unknown region 'atlantis'" in res.output
    assert "Traceback" not in res.output
    png = tmp_path / "red.png"
    res = runner.invoke(
        cli,
        ["run", "red-sea-2024", "--map", str(png), "--region", "red-sea"],
        catch_exceptions=False,
    )
    assert res.exit_code == 0
    with Image.open(png) as im:
        assert im.size[0] >= 1600
