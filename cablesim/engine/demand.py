"""Traffic demand: how much international traffic each country sends, and where to.

Rules (also in the README and in every report's assumptions; the figures are
from ``demand/README.md`` of the raw sources, never fitted to an incident):

size
    A country's international traffic is proportional to its GDP (Natural
    Earth ``GDP_MD_EST``, 2016, column ``gdp_musd``): economic activity stands
    for users, content and business traffic at once. Territories without a GDP
    figure (carved out of their parent: Réunion, Guadeloupe, Bonaire...) get
    :data:`MISSING_GDP_QUANTILE` of the positive GDPs. Shares are held at the
    2016 figures for every network date (TeleGeography: traffic grew at about
    the pace of capacity since 2019, 28-30% a year, so a constant utilization
    over the years is the sourced first model; Africa grew faster, which this
    does not follow).
destination
    Demand is split over the core regions (UN regions of the core countries):
    :data:`PRIMARY_SHARE` goes to the country's primary region(s)
    (:data:`PRIMARY_REGIONS`: Africa and the Middle East to Europe, Latin
    America to the USA, South, South-East and East Asia to Asia's hubs and
    Europe), the rest equally to the other core regions. Regions a country
    has no route task toward (a core country's own region when it is the only
    hub there) are dropped and the shares renormalised.
cap
    A country's demand never exceeds :data:`PEAK_UTILIZATION` of what its
    routes carry when every country sends in proportion to its GDP (each route
    at the scale at which its busiest link is full, width-weighted over a
    task's routes): countries buy capacity for their traffic. The cap is on the
    country's whole demand and keeps its split over the regions: a cap per
    region (until 7 December 2026) squeezed every route through a busy
    chokepoint, and left India sending 6% of its traffic to Europe on the 2025
    network, against the sourced "Singapore, Hong Kong and Europe". Where a
    link would still run over its capacity, the routes through it carry its
    share (:mod:`cablesim.engine.traffic`).
level
    The whole demand is scaled so that the intact network carries it at
    :data:`UTILIZATION`, the capacity-weighted mean utilization of its links
    (see :mod:`cablesim.engine.traffic`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cablesim.network import Network

UTILIZATION = 0.275
"""Average utilization of international internet capacity: global average traffic
~120 Tbit/s on ~450 Tbit/s (2019) and ~170 on >600 (2020), i.e. 27-28%
(TeleGeography 2021 Global Internet Map, reported by Channel Vision, 2021).
Peak utilization on busy links is 40-55% (TeleGeography, ITU 2005; GigaOM 2005)."""

PRIMARY_SHARE = 0.75
"""Share of a country's demand that goes to its primary core region(s). The source
(demand/README.md, "where the traffic goes") says "most"; three quarters is our
reading of "most", stated as an assumption, not a measured figure."""

PRIMARY_REGIONS = {
    "Africa": ("Europe",),
    "Western Asia": ("Europe",),
    "Central Asia": ("Europe",),
    "Americas": ("Americas",),
    "Southern Asia": ("Asia", "Europe"),
    "South-Eastern Asia": ("Asia", "Europe"),
    "Eastern Asia": ("Asia", "Europe"),
    "Europe": ("Europe",),
    "Oceania": ("Asia", "Americas"),
}
"""Primary core region(s) by UN subregion (checked first) or region. Africa, the
Middle East, Latin America and Asia: demand/README.md ("where the traffic goes");
Europe to its own hubs; Oceania (not in the source) to Asia and the Americas, the
two trans-Pacific and Asian routes of the region's cables: an assumption."""

PEAK_UTILIZATION = 0.55
"""The most a country's traffic fills the capacity of its routes: the highest peak
utilization in the sources (Lima 55%, São Paulo 53%, USA 50%: TeleGeography, ITU 2005;
GigaOM 2005). A country's demand is its GDP share, but never more than this share of the
capacity of its routes: operators buy capacity for their traffic, so no observed link
runs fuller at peak."""


PEAK_TO_MEAN = 0.55 / 0.275
"""Peak over mean utilization: the sourced :data:`PEAK_UTILIZATION` over the sourced
:data:`UTILIZATION` (2.0); fixed, so that a sensitivity run that changes the mean
moves the peak cap with it."""


def peak_for(utilization: float) -> float:
    """The peak utilization that goes with a mean ``utilization`` (:data:`PEAK_TO_MEAN`
    times it, at most 1)."""
    return min(1.0, utilization * PEAK_TO_MEAN)


MISSING_GDP_QUANTILE = 0.1
"""GDP given to a territory without a GDP figure: this quantile of the positive
GDPs of the countries in the table (an assumption; such territories are small)."""


def demand_weights(network: Network) -> pd.Series:
    """Relative demand size of every country (GDP, million US$; index iso3).

    Parameters
    ----------
    network
        The network (not modified).
    """
    c = network.countries
    if "gdp_musd" in c.columns:
        gdp = pd.Series(c["gdp_musd"].to_numpy(dtype=float), index=c["iso3"])
    else:  # a hand-built network without GDP: population stands in
        gdp = pd.Series(c["population"].to_numpy(dtype=float), index=c["iso3"])
    pos = gdp[gdp > 0]
    floor = float(pos.quantile(MISSING_GDP_QUANTILE)) if len(pos) else 1.0
    return gdp.where(gdp > 0, floor)


def primary_regions(region: str, subregion: str) -> tuple[str, ...]:
    """The primary core region(s) of a country of this UN region and subregion."""
    return PRIMARY_REGIONS.get(subregion) or PRIMARY_REGIONS.get(region) or ()


def task_shares(
    network: Network, countries: list[str], regions: list[str], country_tasks: dict
) -> dict[str, dict[int, float]]:
    """Per country, the share of its demand going over each of its (country, region) tasks.

    Parameters
    ----------
    network
        The network (not modified).
    countries, regions
        From the compiled engine (:class:`cablesim.engine.flows.Compiled`).
    country_tasks
        iso3 -> [(task index, region index), ...].

    Returns
    -------
    dict
        iso3 -> {task index: share}; shares of a country sum to 1 (empty when it
        has no task).
    """
    c = network.countries.set_index("iso3")
    out: dict[str, dict[int, float]] = {}
    for iso in countries:
        tasks = country_tasks.get(iso, ())
        if not len(tasks):
            out[iso] = {}
            continue
        reg = str(c["region"].get(iso, "")) if iso in c.index else ""
        sub = str(c["subregion"].get(iso, "")) if iso in c.index else ""
        prim = set(primary_regions(reg, sub))
        names = [regions[r] for _, r in tasks]
        n_p = sum(n in prim for n in names)
        n_o = len(names) - n_p
        raw = []
        for n in names:
            if n_p and n_o:
                raw.append(PRIMARY_SHARE / n_p if n in prim else (1 - PRIMARY_SHARE) / n_o)
            else:
                raw.append(1.0 / len(names))
        total = float(np.sum(raw))
        out[iso] = {int(t): float(w) / total for (t, _), w in zip(tasks, raw, strict=True)}
    return out


def notes(utilization: float | None = None) -> list[str]:
    """The demand model's assumptions, as sentences for a report.

    Parameters
    ----------
    utilization
        The mean utilization the run used; default :data:`UTILIZATION`.
    """
    u = UTILIZATION if utilization is None else float(utilization)
    prim = "; ".join(f"{k}: {' and '.join(v)}" for k, v in PRIMARY_REGIONS.items())
    return [
        "Demand: each country's international traffic is proportional to its GDP (Natural Earth, "
        "2016; territories without a figure get the "
        f"{MISSING_GDP_QUANTILE:.0%} quantile), "
        f"{PRIMARY_SHARE:.0%} of it to its primary core region(s) ({prim}), the rest equally to "
        f"the other core regions; its whole demand never more than {peak_for(u):.0%} (the "
        "highest peak utilization in the sources) of what its routes carry when every country "
        "sends in proportion to its GDP; the total is scaled so that the intact network runs at "
        f"{u:.1%} average utilization (TeleGeography 2019-2020: 27-28%).",
    ]
