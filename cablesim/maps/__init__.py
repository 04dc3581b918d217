"""Every figure of cablesim (matplotlib, no network access).

Every plot function has the OSMnx shape ``plot_x(obj, *, ax=None, ...) -> (fig, ax)``,
takes data (a result, a network, a table) and computes nothing about the
network itself; every figure is made by the one set-up
(:func:`cablesim.maps._figure.new_figure`: an Agg canvas, pyplot is never
imported, fonts are matplotlib's bundled DejaVu, no tile or web resource is
fetched) and every file goes through :func:`save_figure`.

Modules: :mod:`~cablesim.maps.world` (impact, network and dependency maps),
:mod:`~cablesim.maps.timeline` (capacity over time, small multiples),
:mod:`~cablesim.maps.compare` (the difference between two networks),
``_figure`` (set-up, projection, colours, saving).

Projection
----------
Maps use the Equal Earth projection (pyproj) centred on
``central_longitude``. Geometries are shifted relative to that meridian and
clipped at the seam 180 degrees away, so cables and countries crossing the
antimeridian (Fiji, Russia, trans-Pacific cables) are drawn whole. World maps
centre on Greenwich unless the failed segments lie in the Pacific; regional
maps centre on the region.

Colours
-------
Countries take the colour of their status and loss (see :func:`country_colors`),
with the same thresholds as the report tables: unaffected (loss under
:data:`cablesim.engine.metrics.DEGRADED_PCT`) neutral grey, the loss bins
:data:`LOSS_BINS` from pale yellow to brown, isolated countries deep purple,
and countries with no route even before the event (or not in the model) very
light grey. Surviving cables are thin grey, failed segments bold red.

Layering: maps sit beside :mod:`cablesim.report`, above the analyses; they
import the models (results, networks, tables) and never the report or the CLI.
"""

from __future__ import annotations

from cablesim import _lazy

_API = {
    "ATTRIBUTION": "_figure",
    "CABLE_COLOR": "_figure",
    "DEFAULT_DPI": "_figure",
    "DEFAULT_SIZE": "_figure",
    "DEGRADED_CABLE_COLOR": "_figure",
    "EVENT_COLOR": "_figure",
    "FAILED_COLOR": "_figure",
    "ISOLATED_COLOR": "_figure",
    "LOSS_BINS": "_figure",
    "LOSS_COLORS": "_figure",
    "MapProjection": "_figure",
    "NO_DATA_COLOR": "_figure",
    "OCEAN_COLOR": "_figure",
    "REGIONS": "_figure",
    "UNAFFECTED_COLOR": "_figure",
    "check_suffix": "_figure",
    "choose_projection": "_figure",
    "figure_bytes": "_figure",
    "new_figure": "_figure",
    "parse_region": "_figure",
    "save_figure": "_figure",
    "to_svg": "_figure",
    "plot_difference": "compare",
    "save_difference_map": "compare",
    "default_region": "timeline",
    "plot_timeline": "timeline",
    "plot_timeline_map": "timeline",
    "country_colors": "world",
    "impact_subtitle": "world",
    "legend_items": "world",
    "legend_title": "world",
    "loss_color": "world",
    "plot_dependencies": "world",
    "plot_impact": "world",
    "plot_network": "world",
    "save_dependency_map": "world",
    "save_impact_map": "world",
    "save_network_map": "world",
}
"""Each public name and the module that defines it, imported on first use (PEP 562):
``from cablesim import maps`` costs nothing until a figure is drawn, so a command that
draws none (``cablesim run`` without ``--map``) loads no matplotlib."""


__getattr__, __dir__ = _lazy.attach(__name__, _API)


__all__ = [
    "ATTRIBUTION",
    "CABLE_COLOR",
    "DEFAULT_DPI",
    "DEFAULT_SIZE",
    "DEGRADED_CABLE_COLOR",
    "EVENT_COLOR",
    "FAILED_COLOR",
    "ISOLATED_COLOR",
    "LOSS_BINS",
    "LOSS_COLORS",
    "NO_DATA_COLOR",
    "OCEAN_COLOR",
    "REGIONS",
    "UNAFFECTED_COLOR",
    "MapProjection",
    "check_suffix",
    "choose_projection",
    "country_colors",
    "default_region",
    "figure_bytes",
    "impact_subtitle",
    "legend_items",
    "legend_title",
    "loss_color",
    "new_figure",
    "parse_region",
    "plot_dependencies",
    "plot_difference",
    "plot_impact",
    "plot_network",
    "plot_timeline",
    "plot_timeline_map",
    "save_dependency_map",
    "save_difference_map",
    "save_figure",
    "save_impact_map",
    "save_network_map",
    "to_svg",
]
