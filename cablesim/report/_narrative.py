"""Facts and phrases for the explanation (:mod:`cablesim.report.explain`) that need care.

* :func:`crosses_split_land`: whether a country's traffic really crossed another country over
  land *between the two sides a closure split*: its baseline flow touches that country's
  stations on both sides (now in different parts), not merely passes one station by cable.
* :func:`closure_phrase`: how to name what split the land ("closing the Strait of Hormuz",
  "the failure of everything within 100 km of Djibouti City"), for every event kind.
* :class:`Said`: what the explanation has already said, so a reason shared by several
  countries is given in full once and referred to afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Said", "closure_phrase", "crosses_split_land"]


def crosses_split_land(view, iso3: str, other: str) -> bool:
    """Whether ``iso3``'s baseline flow crossed ``other`` over land between parts now split.

    Parameters
    ----------
    view
        A :class:`cablesim.engine.flowview.FlowView`.
    iso3, other
        The country explained and the country whose land a closure split.
    """
    comp, after = view.comp, view.comp_after
    if after is comp or not np.array_equal(comp.node_ids, after.node_ids):
        return False
    nodes = comp.country_nodes.get(other, np.array([], dtype=np.int64))
    if len(nodes) == 0:
        return False
    flows = view.edges(iso3, after=False)
    theirs = np.zeros(len(comp.node_ids), dtype=bool)
    theirs[nodes] = True
    used = np.flatnonzero((theirs[comp.edge_u] | theirs[comp.edge_v]) & (flows > 0))
    if len(used) < 2:
        return False
    ends = [int(n) for e in used for n in (comp.edge_u[e], comp.edge_v[e]) if theirs[n]]
    parts_before = {int(comp.flow_of[n]) for n in ends}
    parts_after = {int(after.flow_of[n]) for n in ends}
    return len(parts_after) > len(parts_before)


def closure_phrase(effect, network) -> str:
    """Name what an area-like event did, as the subject of "... cut that crossing"."""
    ev = effect.event
    p = ev.params
    if ev.kind == "chokepoint":
        cps = network.chokepoints.set_index("chokepoint_id")
        return f"closing the {cps.at[p['id'], 'name']}"
    if ev.kind == "area":
        generated = ev.label.startswith("every segment within")
        if generated:
            where = p.get("center_place") or f"{p['center'][0]:.2f}, {p['center'][1]:.2f}"
            return f"the failure of everything within {p['radius_km']:g} km of {where}"
        return f"the event “{ev.label}”"
    return f"the event “{ev.label}”"


@dataclass
class Said:
    """What the narrative has already said (by key), and for whom first."""

    first: dict[str, str] = field(default_factory=dict)
    also: dict[str, list[str]] = field(default_factory=dict)

    def once(self, key: str, who: str) -> str | None:
        """``None`` the first time ``key`` is said; afterwards, who it was said for first."""
        if key in self.first:
            return self.first[key]
        self.first[key] = who
        return None
