"""The hubs of the core: where a core country counts as "the global internet".

A core country (the scenario's ``core``) is core only at its **hub land
mass**: the land mass holding the most cable capacity at its landing stations
(each cable counted once per land mass, with its capacity in the network),
ties and countries without stations going to the largest land mass by area.
On the bundled network this is the mainland for all eight default core
countries: the contiguous United States (not Alaska, Hawaii or Guam), Great
Britain (not Northern Ireland or Shetland), mainland Germany, mainland France
(not Corsica), the mainland Netherlands (Bonaire is BES, a country of its
own), Singapore island, Honshu (not Hokkaido or Okinawa) and Hong Kong
(Hong Kong Island, Kowloon and the New Territories are one land mass: the
gaps are under :data:`cablesim.dataset.LANDMASS_JOIN_KM`). Its other land
masses are ordinary places of that country: they reach the core over cables
like any island.

With ``backhaul: country`` all of a country's stations are one node, so the
whole country is its hub; with ``backhaul: none`` the hub is the hub land
mass's stations and land hub.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cablesim.network import Network


def hub_landmass(network: Network, iso3: str) -> int | None:
    """The hub land mass (``landmass`` index) of a country, ``None`` if it has none.

    Parameters
    ----------
    network
        The network (not modified; the answer is cached on it).
    iso3
        The country.
    """

    def build() -> dict[str, int]:
        lp = network.landing_points[["landing_point_id", "iso3", "landmass"]]
        segs = network.segments
        ends = pd.concat(
            [
                segs[["cable_id", "from_node", "capacity_tbps"]].rename(columns={"from_node": "n"}),
                segs[["cable_id", "to_node", "capacity_tbps"]].rename(columns={"to_node": "n"}),
            ]
        ).merge(lp, left_on="n", right_on="landing_point_id")
        per = (
            ends.drop_duplicates(["iso3", "landmass", "cable_id"])
            .groupby(["iso3", "landmass"])["capacity_tbps"]
            .sum()
            .rename("cap")
            .reset_index()
        )
        lm = network.landmasses[["iso3", "landmass", "area_km2"]]
        table = lm.merge(per, on=["iso3", "landmass"], how="left").fillna({"cap": 0.0})
        table = table.sort_values(["iso3", "cap", "area_km2"], ascending=[True, False, False])
        return {str(k): int(g["landmass"].iloc[0]) for k, g in table.groupby("iso3", sort=False)}

    return network.memo("hub_landmass", build).get(iso3)


def hub_mask(network: Network, nodes: pd.DataFrame, core: tuple[str, ...]) -> np.ndarray:
    """Boolean per node of ``nodes`` (a :meth:`Network.nodes` table): a core country's hub node."""
    iso = nodes["iso3"].to_numpy(dtype=object)
    lm = nodes["landmass"].to_numpy()
    out = np.zeros(len(nodes), dtype=bool)
    for k in core:
        hub = hub_landmass(network, k)
        mine = iso == k
        out |= mine & (lm == hub) if hub is not None else mine
    return out
