"""The core is made of hubs: a core country is core only at its hub land mass."""

from __future__ import annotations

import cablesim
from cablesim.engine import _hubs


def test_hub_is_the_mainland_of_every_default_core_country(world):
    lm = world.landmasses.set_index("landmass_id")
    for iso3 in ("USA", "GBR", "DEU", "FRA", "NLD", "SGP", "JPN", "HKG"):
        hub = _hubs.hub_landmass(world, iso3)
        # the mainland is the largest land mass (index 0) of each of them
        assert hub == 0, iso3
        assert lm.loc[f"{iso3}:0", "area_km2"] == lm[lm["iso3"] == iso3]["area_km2"].max()


def test_bonaire_is_bes_not_the_netherlands(world):
    lp = world.landing_points.set_index("landing_point_id")
    bonaire = [i for i in lp.index if "bonaire" in i]
    assert len(bonaire) >= 3
    assert set(lp.loc[bonaire, "iso3"]) == {"BES"}


def test_failing_bonaire_degrades_no_country_beyond_the_islands(world):
    stations = [
        i
        for i, iso in zip(
            world.landing_points["landing_point_id"], world.landing_points["iso3"], strict=True
        )
        if iso == "BES"
    ]
    r = cablesim.simulate(
        {
            "name": "Bonaire",
            "events": [
                {"landing_point": s}
                for s in stations
                if s.startswith(("kralendijk", "north-salina"))
            ],
        },
        world,
    )
    hit = set(r.affected["iso3"])
    assert hit <= {"BES", "CUW", "ABW"}, hit
