"""Benchmark: drawing maps of the world network.

Goal: a map of the world network renders in under 5 s. Compared in the same
run with a plain baseline that draws the same picture one feature at a time
(one ``ax.fill`` per country part, one ``ax.plot`` per cable segment part), as
a first matplotlib attempt would.

Run from the repository root: ``PYTHONPATH=. python benchmarks/bench_maps.py``.
"""

from __future__ import annotations

import io
import time

import numpy as np
import shapely
from _timing import best  # benchmarks/_timing.py (this script's folder)


def _best(fn, repeat: int = 3) -> float:
    return best(fn, repeat)


def naive_network_png(network) -> bytes:
    """The plain approach: one artist per country part and per cable segment part."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from cablesim import maps

    proj = maps.MapProjection(0.0)
    fig = Figure(figsize=maps.DEFAULT_SIZE, dpi=maps.DEFAULT_DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.01, 0.055, 0.98, 0.85))
    ax.set_axis_off()
    ax.set_aspect("equal")
    parts, _ = proj.geometries(network.countries.geometry.to_numpy(), segmentize_deg=None)
    for poly in parts:
        if poly.geom_type != "Polygon":
            continue
        xy = np.asarray(poly.exterior.coords)
        ax.fill(
            xy[:, 0], xy[:, 1], facecolor=maps.UNAFFECTED_COLOR, edgecolor="white", linewidth=0.35
        )
    lines, idx = proj.geometries(network.segments.geometry.to_numpy())
    cap = network.segments["capacity_tbps"].to_numpy()
    for line, i in zip(lines, idx, strict=True):
        xy = shapely.get_coordinates(line)
        ax.plot(
            xy[:, 0],
            xy[:, 1],
            color="#3a049a" if cap[i] > 50 else "#cc4778",
            linewidth=0.4 + min(cap[i], 100) / 60,
        )
    ax.autoscale_view()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def main() -> None:
    import cablesim
    from cablesim import maps

    net = cablesim.load_network()
    t0 = time.perf_counter()
    fig, _ = maps.plot_network(net)
    maps.figure_bytes(fig, "png")
    cold = time.perf_counter() - t0
    warm = _best(lambda: maps.figure_bytes(maps.plot_network(net)[0], "png"))
    svg = _best(lambda: maps.figure_bytes(maps.plot_network(net)[0], "svg"), repeat=2)
    naive = _best(lambda: naive_network_png(net), repeat=2)
    result = cablesim.simulate(cablesim.find_scenario("suez-closure"), net)
    impact = _best(lambda: maps.figure_bytes(maps.plot_impact(result)[0], "png"))
    region = _best(
        lambda: maps.figure_bytes(maps.plot_impact(result, region="middle-east")[0], "png")
    )
    from cablesim.report import html as _html

    page = _best(lambda: _html.render(result), repeat=2)
    print(f"world network map, PNG 1920 px, first call (projects and caches): {cold:.2f} s")
    print(f"world network map, PNG, warm:                {warm:.2f} s")
    print(f"world network map, SVG, warm:                {svg:.2f} s")
    print(
        f"plain baseline (one artist per feature), PNG: {naive:.2f} s  -> ratio {naive / warm:.1f}x"
    )
    print(f"impact map suez-closure, world PNG:          {impact:.2f} s")
    print(f"impact map suez-closure, middle-east PNG:    {region:.2f} s")
    print(f"HTML report suez-closure (map SVG, explanation, tables): {page:.2f} s")
    goal = "met" if cold < 5.0 else "MISSED"
    print(f"goal (world map under 5 s): {goal}")
    bench_matrix()


def bench_matrix() -> None:
    """The dependency matrix against one full simulate() per chokepoint."""
    import cablesim
    from cablesim.analyses import depends

    net = cablesim.load_network("2021-06-29")  # a network no other step has warmed
    t0 = time.perf_counter()
    depends.dependency_matrix(net)
    cold = time.perf_counter() - t0
    warm = _best(lambda: depends.dependency_matrix(net), repeat=2)

    def plain() -> None:
        for cp in net.chokepoints["chokepoint_id"]:
            cablesim.simulate({"name": cp, "events": [{"chokepoint": cp}]}, net)

    base = _best(plain, repeat=1)
    print(
        f"dependency matrix (all countries x {len(net.chokepoints)} chokepoints), first call: {cold:.2f} s"
    )
    print(f"dependency matrix, warm (split land masses cached): {warm:.2f} s")
    print(
        f"plain baseline (one simulate() per chokepoint, warm): {base:.2f} s  -> ratio {base / warm:.1f}x"
    )


if __name__ == "__main__":
    main()
