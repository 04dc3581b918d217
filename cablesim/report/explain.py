"""Plain-language explanations of a result, for teachers and readers new to the subject.

:func:`explain` tells what happened in a scenario: which cables failed and
where, which countries were cut off or lost most and why, and what carried
the capacity they kept. Every sentence is computed from the result: the
failed segments and their end points, each country's own cables and land
links, and the engine's flows before and after the failures (which cables and
land links carry a country's traffic to the core).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import shapely

from cablesim import measures as _measures
from cablesim._geo import haversine_km
from cablesim.engine import metrics
from cablesim.engine.flowview import FlowView
from cablesim.engine.simulate import Result
from cablesim.engine.state import Options, after_state
from cablesim.report._narrative import Said, closure_phrase, crosses_split_land
from cablesim.report.result import place_names

MAX_DETAILED = 6
"""How many countries get a paragraph of their own."""


# ------------------------------------------------------------------------------ small helpers


def _join(items: Iterable[str], word: str = "and") -> str:
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def _join_semi(items: list[str]) -> str:
    """Join items that may contain "and" themselves: semicolons between them."""
    if len(items) <= 1 or not any(" and " in i for i in items):
        return _join(items)
    return "; ".join(items[:-1]) + "; and " + items[-1]


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def _pct(v: float) -> str:
    if v >= 99.95:
        return "100%"
    if v >= 10:
        return f"{v:.0f}%"
    return f"{v:.1f}%"


def _tbps(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f} Tbps"
    if v >= 1:
        return f"{v:,.1f} Tbps"
    if v >= 0.001:
        return f"{v * 1000:,.0f} Gbps"
    if v > 0:
        return f"{v * 1000:.2g} Gbps"
    return "0 Tbps"


_NUMBERS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
}


def _count(n: int, word: str, plural: str | None = None) -> str:
    noun = word if n == 1 else (plural or word + "s")
    return f"{_NUMBERS.get(n, str(n)) if n != 1 else 'one'} {noun}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


@dataclass
class _Facts:
    """What the explanation draws on, computed once from the result."""

    result: Result
    names: dict[str, str] = field(init=False)
    cable_names: dict[str, str] = field(init=False)
    lp_name: dict[str, str] = field(init=False)
    lp_iso: dict[str, str] = field(init=False)
    lp_city: dict[str, str] = field(init=False)
    cable_countries: dict[str, set[str]] = field(init=False)
    country_cables: dict[str, set[str]] = field(init=False)
    failed_by_cable: dict[str, list[str]] = field(init=False)
    _view: FlowView | None = field(init=False, default=None)
    said: Said = field(init=False, default_factory=Said)

    def __post_init__(self) -> None:
        net = self.result.network
        self.names = net.country_names
        self.cable_names = dict(zip(net.cables["cable_id"], net.cables["name"], strict=True))
        lps = net.all_landing_points
        self.lp_name = dict(zip(lps["landing_point_id"], lps["name"], strict=True))
        self.lp_iso = dict(zip(lps["landing_point_id"], lps["iso3"], strict=True))
        self.lp_city = dict(zip(lps["landing_point_id"], lps["city"], strict=True))
        segs = net.segments
        self.cable_countries = {}
        for cid, a, b in zip(segs["cable_id"], segs["from_node"], segs["to_node"], strict=True):
            s = self.cable_countries.setdefault(cid, set())
            for n in (a, b):
                if n in self.lp_iso:
                    s.add(self.lp_iso[n])
        self.country_cables = {}
        for cid, isos in self.cable_countries.items():
            for i in isos:
                self.country_cables.setdefault(i, set()).add(cid)
        self.failed_by_cable = {}
        for sid, cid in zip(
            self.result.failed_segments["segment_id"],
            self.result.failed_segments["cable_id"],
            strict=True,
        ):
            self.failed_by_cable.setdefault(cid, []).append(sid)

    @property
    def view(self) -> FlowView:
        if self._view is None:
            sc = self.result.scenario
            # the run's after-state (a closure's split backhaul is cached on the network)
            after = after_state(self.result.network, self.result.failures, Options.of(sc))
            self._view = FlowView.of(after)
        return self._view

    def country(self, iso3: str) -> str:
        return self.names.get(iso3, iso3)

    def cable(self, cid: str) -> str:
        if cid.startswith("terrestrial:"):
            return self.land_link(cid.split(":", 1)[1])
        return self.cable_names.get(cid, cid)

    def land_link(self, link_id: str, *, from_iso3: str | None = None) -> str:
        links = self.result.network.terrestrial_links
        row = links[links["link_id"] == link_id]
        if row.empty:
            return f"land link {link_id}"
        a, b = row["from_iso3"].iloc[0], row["to_iso3"].iloc[0]
        # the dataset's cross-border links include short crossings of a strait (Tuas-Batam):
        # call them what they all are, links across a border, not "land" links
        if from_iso3 in (a, b):
            return f"the cross-border link to {self.country(b if a == from_iso3 else a)}"
        return f"the cross-border link between {self.country(a)} and {self.country(b)}"

    def node(self, node_id: str) -> str:
        if node_id in self.lp_name:
            return self.lp_name[node_id]
        if node_id.startswith("bu:"):
            return "a branching unit at sea"
        if node_id.startswith("land:"):
            return self.country(node_id.split(":")[1]) + " (inland)"
        return node_id

    def international(self, cid: str) -> bool:
        return len(self.cable_countries.get(cid, ())) > 1

    def nearest_station(self, lon: float, lat: float) -> tuple[str, float]:
        lps = self.result.network.landing_points
        d = haversine_km(lps.geometry.x.to_numpy(), lps.geometry.y.to_numpy(), lon, lat)
        i = int(np.argmin(d))
        return str(lps["landing_point_id"].iloc[i]), float(d[i])

    def segment_phrase(self, segment_id: str) -> str:
        segs = self.result.network.segments
        row = segs[segs["segment_id"] == segment_id].iloc[0]
        if str(row["from_node"]).startswith("bu:") and str(row["to_node"]).startswith("bu:"):
            return f"on its trunk between two branching units at sea ({row['length_km']:,.0f} km)"
        a, b = self.node(row["from_node"]), self.node(row["to_node"])
        return f"between {a} and {b}"

    def chokepoint_at(self, lon: float, lat: float) -> str | None:
        """Name of the chokepoint containing the point, if any."""

        cps = self.result.network.chokepoints
        hit = shapely.contains_xy(cps.geometry.to_numpy(), lon, lat)
        return str(cps["name"].to_numpy()[hit][0]) if hit.any() else None


# ------------------------------------------------------------------------------ paragraphs


def _headline_what(r: Result) -> str:
    """What the status measures, in words: ``"traffic in the first days"`` (or capacity)."""
    label = _measures.headline(r.scenario.measure).label
    return label.replace(" (%)", "").replace(" lost", "")


def _intro(f: _Facts) -> str:
    r = f.result
    sc = r.scenario
    net = r.network
    core = _join([f.country(c) for c in sc.core])
    text = (
        f"This account of “{sc.name}” is computed from the simulation on the cable network as it "
        f"was on {net.as_of.day} {net.as_of:%B %Y}, with {len(net.cables)} cables in service. A country's "
        f"capacity to the core is how much traffic its cables and land links can carry to the "
        f"big internet hubs ({core})"
        + (
            ", counting what is estimated to be lit on each cable, not all it was designed for."
            if net.capacity_basis == "lit"
            else ", counting each cable's design capacity."
            if net.capacity_basis == "design"
            else "."
        )
    )
    if sc.is_timeline:
        text += (
            " The scenario's events happen at different times; here they are all in place at once, "
            "the moment of greatest damage."
        )
    return text


def _place(f: _Facts, eff) -> str:
    ev, p = eff.event, eff.event.params
    net = f.result.network
    if ev.kind == "cut":
        near = p["near"]
        if near[0] == "point":
            sid, d = f.nearest_station(near[2], near[1])
            cp = f.chokepoint_at(near[2], near[1])
            inside = f"in the {cp}, " if cp else ""
            if d < 2:
                return f"{inside}at {f.lp_name[sid]}"
            return f"{inside}about {d:,.0f} km from {f.lp_name[sid]}"
        if near[0] == "chokepoint":
            cp = net.chokepoints.set_index("chokepoint_id")
            return f"in the {cp.at[near[1], 'name']}"
        return f"near {f.lp_name.get(near[1], near[1])}"
    if ev.kind == "area":
        lat, lon = p["center"]
        sid, d = f.nearest_station(lon, lat)
        return (
            f"within {p['radius_km']:,.0f} km of a point about {d:,.0f} km from {f.lp_name[sid]}"
            if d >= 2
            else f"within {p['radius_km']:,.0f} km of {f.lp_name[sid]}"
        )
    return ""


def _segment_list(f: _Facts, cid: str, segment_ids: list[str]) -> str:
    total = int((f.result.network.segments["cable_id"] == cid).sum())
    name = f.cable(cid)
    if len(segment_ids) == total and total > 1:
        return f"the whole of {name} ({_count(total, 'segment')})"
    if len(segment_ids) == total:
        return f"{name} {f.segment_phrase(segment_ids[0])} (its only segment)"
    phrases = list(dict.fromkeys(f.segment_phrase(s) for s in segment_ids))
    if len(phrases) == 1 and len(segment_ids) > 1:
        return f"{name} in {_count(len(segment_ids), 'place')}, {phrases[0]}"
    if len(segment_ids) <= 2:
        return f"{name} {_join(phrases)}"
    return f"{name} in {len(segment_ids)} places, e.g. {f.segment_phrase(segment_ids[0])}"


def _what_failed(f: _Facts) -> str:
    r = f.result
    net = r.network
    out = []
    for k, eff in enumerate(r.failures.effects, start=1):
        ev, p = eff.event, eff.event.params
        by_cable: dict[str, list[str]] = {}
        segs = net.segments.set_index("segment_id")
        for sid in sorted(eff.segments):
            by_cable.setdefault(segs.at[sid, "cable_id"], []).append(sid)
        cables = [f.cable(c) for c in by_cable]
        lead = f"Event {k} (“{ev.label}”): " if len(r.failures.effects) > 1 else ""
        if ev.kind == "degrade":
            if eff.warnings:
                out.append(lead + "nothing changed: " + "; ".join(eff.warnings) + ".")
            else:
                share = r.failures.degraded.get(p["cable"])
                out.append(
                    lead + f"{f.cable(p['cable'])} stayed up but kept only "
                    f"{_pct(100 * share) if share is not None else 'part'} of its capacity."
                )
            continue
        if not eff.segments and not eff.links:
            why = "; ".join(eff.warnings)
            out.append(lead + "nothing in the network failed" + (f" ({why})" if why else "") + ".")
            continue
        detail = _join_semi([_segment_list(f, c, s) for c, s in list(by_cable.items())[:4]])
        more = f", and {len(by_cable) - 4} more cables" if len(by_cable) > 4 else ""
        if ev.kind == "cut":
            out.append(
                lead + f"{_join(cables[:4])}{more} {'was' if len(cables) == 1 else 'were'} cut "
                f"{_place(f, eff)}. This broke {detail}{more}."
            )
        elif ev.kind == "area":
            out.append(lead + f"everything {_place(f, eff)} failed: {detail}{more}.")
        elif ev.kind == "chokepoint":
            cp = net.chokepoints.set_index("chokepoint_id")
            out.append(
                lead + f"the {cp.at[p['id'], 'name']} was closed, so every cable crossing it "
                f"failed there: {_count(len(eff.segments), 'segment')} of "
                f"{_count(len(by_cable), 'cable')}, {detail}{more}."
            )
        elif ev.kind == "cable":
            out.append(lead + f"{detail} failed.")
        elif ev.kind == "landing_point":
            out.append(
                lead + f"the landing station {f.lp_name.get(p['id'], p['id'])} was lost, and with "
                f"it every cable segment that ends there: {detail}{more}."
            )
        elif ev.kind == "land_link":
            links = [f.land_link(lid) for lid in sorted(eff.links)]
            more = f", and {len(links) - 4} more" if len(links) > 4 else ""
            where = (
                f" (the links whose route passes within {p['radius_km']:,.0f} km of the place)"
                if "near" in p
                else ""
            )
            out.append(
                lead + f"{_join(links[:4])}{more} {'was' if len(links) == 1 else 'were'} cut"
                f"{where}; the cables stayed up."
            )
        elif ev.kind == "country":
            n_st = sum(1 for n in eff.nodes if n in f.lp_name)
            out.append(
                lead + f"{f.country(p['id'])} was taken off the network: its "
                f"{_count(n_st, 'landing station')}, {_count(len(eff.links), 'land link')} and "
                f"the segments ending there ({_join(cables[:6])}{more})."
            )
    if len(r.failures.effects) > 1:
        head = (
            f"{len(r.failed_segments)} cable segments of "
            f"{int((r.failed_cables['segments_failed'] > 0).sum())} cables failed in all."
        )
        return head + " " + " ".join(_cap(s) for s in out)
    return " ".join(_cap(s) for s in out)


def _places(f: _Facts) -> str:
    """A sentence on the islands (or sides of a closed area) cut off inside connected countries."""
    places = f.result.cut_off_places
    if places.empty:
        return ""

    return (
        f" Inside countries that kept a route, {_count(len(places), 'place')} lost every route "
        f"to the core: {place_names(places)}. Domestic backhaul joins a country's stations only "
        "on one land mass, so an island whose cables all failed is cut off even when the rest "
        "of its country is fine."
    )


def _cut_off(f: _Facts) -> str:
    r = f.result
    c = r.countries
    iso = c[c["isolated"] & ~c["was_isolated"]]
    if iso.empty:
        return (
            "No country was cut off completely: every country still had at least one route "
            "to the core." + _places(f)
        )
    out = []
    lost_country = {e.event.params["id"] for e in r.failures.effects if e.event.kind == "country"}
    isolated = set(iso["iso3"])
    for row in iso.head(MAX_DETAILED).itertuples():
        name = row.name
        if row.iso3 in lost_country:
            out.append(
                f"{name} was cut off because the scenario takes the whole country off the network."
            )
            continue
        own = sorted(f.country_cables.get(row.iso3, set()))
        intl = [cid for cid in own if f.international(cid)]
        broken = [cid for cid in intl if cid in f.failed_by_cable]
        intact = [cid for cid in intl if cid not in f.failed_by_cable]
        links = r.network.terrestrial_links
        nb = sorted(
            set(links.loc[links["from_iso3"] == row.iso3, "to_iso3"])
            | set(links.loc[links["to_iso3"] == row.iso3, "from_iso3"])
        )
        bits = []
        if len(intl) == 1 and broken:
            bits.append(f"its only international cable, {f.cable(broken[0])}, was broken")
        elif intl and not intact:
            bits.append(
                f"all {_count(len(intl), 'international cable')} it had "
                f"({_join([f.cable(x) for x in broken])}) were broken"
            )
        elif broken:
            bits.append(
                f"{_join([f.cable(x) for x in broken])} {'was' if len(broken) == 1 else 'were'} "
                "broken"
            )
        if intact:
            reach = sorted(
                {i for cid in intact for i in f.cable_countries.get(cid, ())} - {row.iso3}
            )
            bits.append(
                f"{_join([f.cable(x) for x in intact])} still {'works' if len(intact) == 1 else 'work'}"
                f" but only {'reaches' if len(intact) == 1 else 'reach'} "
                f"{_join([f.country(i) for i in reach])}, cut off as well"
                if reach and set(reach) <= isolated
                else f"{_join([f.cable(x) for x in intact])} no longer leads to the core"
            )
        if nb:
            if set(nb) <= isolated:
                bits.append(
                    f"its land links lead only to {_join([f.country(i) for i in nb])}, "
                    f"{'itself' if len(nb) == 1 else 'themselves'} cut off"
                )
        elif not intl:
            bits.append("it has no cable of its own and no land link")
        else:
            bits.append("it has no land border to fall back on")
        sentence = f"{name} was cut off from the core: " + _join(bits) + "."
        domestic = [cid for cid in own if not f.international(cid)]
        if domestic:
            sentence += (
                f" Its domestic {'cable' if len(domestic) == 1 else 'cables'} "
                f"({_join([f.cable(x) for x in domestic])}) only join{'s' if len(domestic) == 1 else ''}"
                " its own islands or coasts."
            )
        out.append(sentence)
    if len(iso) > MAX_DETAILED:
        rest = [f.country(i) for i in iso["iso3"].iloc[MAX_DETAILED:]]
        out.append(f"Also cut off: {_join(rest)}.")
    return " ".join(out) + _places(f)


def _event_countries(f: _Facts) -> list[str]:
    """Countries where the events happened (nearest station of a cut, lost stations...)."""
    out = []
    for eff in f.result.failures.effects:
        ev, p = eff.event, eff.event.params
        if ev.kind == "cut" and p["near"][0] == "point":
            sid, d = f.nearest_station(p["near"][2], p["near"][1])
            if d < 100:
                out.append(f.lp_iso[sid])
        elif ev.kind == "cut" and p["near"][0] == "landing_point":
            out.append(f.lp_iso.get(p["near"][1]))
        elif ev.kind == "landing_point":
            out.append(f.lp_iso.get(p["id"]))
    return [i for i in dict.fromkeys(out) if i]


def _landlocked_sentence(f: _Facts, iso3: str, loss: pd.Series) -> str | None:
    if f.country_cables.get(iso3):
        return None
    before = f.view.first_hop(iso3, after=False)
    via = []
    for key, share in before.items():
        if not key.startswith("terrestrial:"):
            continue
        links = f.result.network.terrestrial_links
        row = links[links["link_id"] == key.split(":", 1)[1]]
        if row.empty:
            continue
        a, b = row["from_iso3"].iloc[0], row["to_iso3"].iloc[0]
        other = b if a == iso3 else a
        via.append((other, share))
    if not via:
        return None
    agg: dict[str, float] = {}
    for other, share in via:
        agg[other] = agg.get(other, 0.0) + share
    top = sorted(agg.items(), key=lambda kv: -kv[1])[:3]
    parts = [f"{f.country(o)} {_pct(100 * s)}" for o, s in top]
    hit = [(o, float(loss.get(o, 0.0))) for o, _ in top if float(loss.get(o, 0.0)) >= 1.0]
    first = f.said.once("landlocked", iso3)
    text = (
        f"{f.country(iso3)} has no coast and no cable of its own: its traffic reaches the sea over "
        f"land links through its neighbours (share of its capacity to the core before: "
        f"{_join(parts)})"
        if first is None
        else f"{f.country(iso3)}, like {f.country(first)}, reaches the sea only over land "
        f"({_join(parts)})"
    )
    if hit:
        text += ", so it shares the losses of " + _join(
            [f"{f.country(o)} (−{_pct(v)})" for o, v in hit]
        )
    return text + "."


def _why_country(f: _Facts, row) -> str:
    """A few sentences on one country that lost capacity but was not cut off."""
    r = f.result
    iso3 = row.iso3
    cap_loss = getattr(row, "capacity_loss_pct", row.loss_pct)
    s = (
        f"{row.name} lost {_pct(cap_loss)} of its capacity to the core, from "
        f"{_tbps(row.baseline_tbps)} to {_tbps(row.remaining_tbps)}."
    )
    if r.scenario.measure == "traffic" and hasattr(row, "loss_pct_rerouted"):
        s = (
            f"{row.name} could no longer send {_pct(row.loss_pct)} of its traffic in the first "
            f"days ({_pct(row.loss_pct_rerouted)} once traffic is rerouted; estimated demand "
            f"{_tbps(row.demand_tbps)}). " + s.replace(f"{row.name} lost", "It lost", 1)
        )
    view = f.view
    flows_before = view.edges(iso3, after=False)
    comp = view.comp
    failed_ids = set(r.failures.segments) | set(r.failures.links)
    failed = (
        np.isin(comp.edge_ids, list(failed_ids))
        if failed_ids
        else np.zeros(len(comp.edge_ids), bool)
    )
    mine = np.zeros(len(comp.node_ids), dtype=bool)
    mine[comp.country_nodes.get(iso3, np.array([], dtype=np.int64))] = True
    leaving = mine[comp.edge_u] ^ mine[comp.edge_v]
    total = float(flows_before[leaving].sum()) or 1.0
    hit: dict[str, float] = {}
    for e in np.flatnonzero(failed & (flows_before > 0)):
        key = str(comp.edge_cable[e])
        hit[key] = max(hit.get(key, 0.0), float(flows_before[e]) / total)
    deg = {
        cid: share
        for cid, share in r.failures.degraded.items()
        if (flows_before[comp.edge_cable == cid] > 0).any()
    }
    own = f.country_cables.get(iso3, set())
    ranked = sorted(hit, key=lambda k: -hit[k])
    own_hit = [k for k in ranked if k in own]
    far_hit = [k for k in ranked if k not in own and hit[k] >= 0.01]
    why = []
    n_intl = sum(1 for c in own if f.international(c))
    split = [
        c
        for c in view.split_countries
        if c != iso3 and view.crosses(iso3, c) and crosses_split_land(view, iso3, c)
    ]
    if split or (iso3 in view.split_countries):
        own_hit = [k for k in own_hit if hit[k] >= 0.01]
    if own_hit:
        shown = [k for k in own_hit if hit[k] >= 0.01][:3] or own_hit[:1]
        # the share's unit said once, on the first cable, with the country's name (two
        # countries with the same cable at the same share read differently)
        cables = _join(
            [
                f"{f.cable(k)} (about {_pct(100 * min(hit[k], 1.0))}"
                + (f" of {_possessive(row.name)} capacity to the core)" if i == 0 else ")")
                for i, k in enumerate(shown)
            ]
        )
        if n_intl == 1:
            why.append(f"its only international cable, {cables}, was broken")
        elif len(own_hit) == n_intl:
            why.append(
                f"all {_count(n_intl, 'international cable')} it has were broken, "
                f"{'among them ' if len(shown) < n_intl else ''}{cables}"
            )
        elif len(shown) < len(own_hit):
            why.append(
                f"{_NUMBERS.get(len(own_hit), str(len(own_hit)))} of its "
                f"{_NUMBERS.get(n_intl, str(n_intl))} international cables were broken, "
                f"the busiest {cables}"
            )
        else:
            which = "one" if len(own_hit) == 1 else _NUMBERS.get(len(own_hit), str(len(own_hit)))
            why.append(
                f"{which} of its {_NUMBERS.get(n_intl, str(n_intl))} international cables, "
                f"{cables}, {'was' if len(own_hit) == 1 else 'were'} broken"
            )
    if far_hit:
        cables = _join(
            [f"{f.cable(k)} (about {_pct(100 * min(hit[k], 1.0))})" for k in far_hit[:3]]
        )
        if own_hit:
            why.append(f"further along its routes {cables} failed too")
        else:
            why.append(
                f"none of its own cables broke, but its routes to the core ran through {cables}, "
                f"which failed"
            )
    if split:
        closed = _join(
            [
                closure_phrase(e, r.network)
                for e in r.failures.effects
                if e.event.kind in ("chokepoint", "area")
            ]
        )
        where = _join([f.country(c) for c in split])
        if f.said.once(f"split:{where}", row.name) is None:
            why.append(
                f"its routes to the core passed through {where} from one landing station to "
                f"another over land, and {closed} separated those stations, so its traffic can no "
                "longer pass from one cable to the other there"
            )
        else:  # said once, after the countries, for all who share it
            f.said.also.setdefault(f"split:{where}", []).append(row.name)
    if iso3 in view.split_countries:
        why.append(
            f"the closure cut {row.name} itself in two: its stations on either side are no longer "
            "joined over land"
        )
    for cid, kept in deg.items():
        used = float(flows_before[comp.edge_cable == cid].max()) / total
        why.append(
            f"{f.cable(cid)}, which carried about {_pct(100 * min(used, 1.0))} of its capacity to "
            "the core, kept "
            f"only {_pct(100 * kept)} of its capacity"
        )
    if why:
        s += " " + _cap(_join(why, "and")) + "."
    land = _landlocked_sentence(f, iso3, f.result.countries.set_index("iso3")["loss_pct"])
    if land:
        s += " " + land
    if row.remaining_tbps > 0:
        after = view.first_hop(iso3, after=True)
        partial = [k for k in after if k in f.failed_by_cable and k in own][:4]
        where = {
            k: [f.lp_city.get(n, n) for n in view.stations_carrying(iso3, k) if n in f.lp_name]
            for k in partial
        }
        if len(partial) == 1:
            k = partial[0]
            many = len(where[k]) > 1
            at = (
                f" {'landings' if many else 'landing'} at {_join(where[k])} {'are' if many else 'is'}"
                if where[k]
                else " landing is"
            )
            why_kept = (
                ", which is why it kept part of its capacity"
                if f.said.once("far-side", row.name) is None
                else ""
            )
            before = f.said.once(f"far-side:{k}", row.name)
            if before is None:
                s += (
                    f" {f.cable(k)} was cut, but its{at} on the far side of the break and still "
                    f"{'join' if many else 'joins'} {row.name} to the core{why_kept}."
                )
            else:  # the same cable's sentence, said once: name it the second time round
                land = (
                    f"{'landings' if many else 'landing'} at {_join(where[k])}"
                    if where[k]
                    else "landing"
                )
                s += (
                    f" As for {before}, the cut of {f.cable(k)} left its {land} on the far "
                    f"side of the break, still joining {row.name} to the core{why_kept}."
                )
        elif partial:
            groups: dict[tuple[str, ...], list[str]] = {}
            for k in partial:
                groups.setdefault(tuple(where[k]), []).append(k)
            s += (
                (
                    " Cut cables still serve it from landings on the far side of the break, which "
                    "is why it kept part of its capacity: "
                    if f.said.once("far-side", row.name) is None
                    else " From the far side of the break it is still served by "
                )
                + "; ".join(
                    _join([f.cable(k) for k in ks]) + (f" at {_join(list(st))}" if st else "")
                    for st, ks in groups.items()
                )
                + "."
            )
        top = [(k, v) for k, v in after.items() if v >= 0.05][:3]
        if top:
            s += (
                " What it has left leaves mostly over "
                + _join(
                    [
                        f"{f.cable(k) if not k.startswith('terrestrial:') else f.land_link(k.split(':', 1)[1], from_iso3=iso3)}"
                        f" ({_pct(100 * v)})"
                        for k, v in top
                    ]
                )
                + "."
            )
    return s


def _worst(f: _Facts) -> list[str]:
    r = f.result
    c = r.countries
    hurt = c[~c["was_isolated"] & ~c["isolated"] & (c["status"] != "unaffected")]
    hurt = hurt.sort_values(["loss_pct", "iso3"], ascending=[False, True])
    other = "other " if (c["isolated"] & ~c["was_isolated"]).any() else ""
    if hurt.empty:
        some = c[~c["was_isolated"] & ~c["isolated"] & (c["loss_pct"] > 0)].sort_values(
            "loss_pct", ascending=False
        )
        if some.empty:
            landed = sorted(
                {i for cid in f.failed_by_cable for i in f.cable_countries.get(cid, ())}
                - set(c.loc[c["isolated"], "iso3"])
            )
            text = f"No {other}country lost any " + (
                "traffic." if r.scenario.measure == "traffic" else "capacity to the core."
            )
            if landed:
                text += (
                    f" The failed cables also land in {_join([f.country(i) for i in landed[:12]])}"
                    f"{' and others' if len(landed) > 12 else ''}; "
                    f"{'it' if len(landed) == 1 else 'each of them'} still had enough other routes "
                    "to carry all of its "
                    + ("traffic." if r.scenario.measure == "traffic" else "capacity.")
                )
            return [text]
        row = next(some.itertuples())
        return [
            f"No {other}country lost as much as {metrics.DEGRADED_PCT:g}% of its "
            + ("traffic. " if r.scenario.measure == "traffic" else "capacity to the core. ")
            + _why_country(f, row)
        ]
    chosen = list(hurt["iso3"].head(5))
    for iso in _event_countries(f):
        if iso in set(hurt["iso3"]) and iso not in chosen:
            chosen.append(iso)
    chosen = chosen[: MAX_DETAILED + 1]
    rows = hurt.set_index("iso3").loc[chosen].reset_index()
    out = [_why_country(f, row) for row in rows.itertuples()]
    for key, names in f.said.also.items():
        if key.startswith("split:") and names:
            out.append(
                f"Like {f.said.first[key]}, {_join(names)} lost the passage between landing "
                f"stations in {key.split(':', 1)[1]} that their routes to the core used."
            )
    rest = hurt[~hurt["iso3"].isin(chosen)]
    if len(rest):
        sev = rest[rest["status"] == "severe"]
        deg = rest[rest["status"] == "degraded"]
        bits = []
        if len(sev):
            bits.append(
                f"{_count(len(sev), 'more country', 'more countries')} lost half or more "
                f"({_join([f'{n} (−{_pct(v)})' for n, v in zip(sev['name'][:6], sev['loss_pct'][:6], strict=True)])}"
                f"{' …' if len(sev) > 6 else ''})"
            )
        if len(deg):
            bits.append(
                f"{_count(len(deg), 'more country', 'more countries')} lost between "
                f"{metrics.DEGRADED_PCT:g}% and {metrics.SEVERE_PCT:g}% "
                f"({_join([f'{n} (−{_pct(v)})' for n, v in zip(deg['name'][:6], deg['loss_pct'][:6], strict=True)])}"
                f"{' …' if len(deg) > 6 else ''})"
            )
        out.append(_cap(_join(bits, "and")) + ".")
    return out


def _absorbed(f: _Facts) -> str:
    r = f.result
    c = r.countries
    hurt = c[~c["was_isolated"] & ~c["isolated"] & (c["loss_pct"] > 0)]
    hurt = (
        hurt.assign(lost=hurt["baseline_tbps"] - hurt["remaining_tbps"])
        .sort_values("lost", ascending=False)
        .head(12)
    )
    view = f.view
    comp = view.comp
    cables = comp.edge_cable
    gain: dict[str, float] = {}
    gainers: dict[str, list[tuple[float, str]]] = {}
    for row in hurt.itertuples():
        before = view.edges(row.iso3, after=False)
        after = view.edges(row.iso3, after=True)
        mine = np.zeros(len(comp.node_ids), dtype=bool)
        mine[comp.country_nodes.get(row.iso3, np.array([], dtype=np.int64))] = True
        total = float(before[mine[comp.edge_u] ^ mine[comp.edge_v]].sum())
        if total <= 0:
            continue
        moved = np.flatnonzero(after > before)
        per: dict[str, float] = {}
        for e in moved:
            k = str(cables[e])
            if k.startswith("terrestrial:") or k in f.failed_by_cable or k in r.failures.degraded:
                continue
            per[k] = max(per.get(k, 0.0), float(after[e] - before[e]) / total)
        for k, share in per.items():
            if share < 0.01:
                continue
            tbps = share * float(row.baseline_tbps)
            gain[k] = gain.get(k, 0.0) + tbps
            gainers.setdefault(k, []).append((tbps, row.name))
    out = []
    took = sorted(gain, key=lambda k: -gain[k])[:4]
    if took:
        bits = []
        for k in took:
            who = [n for _, n in sorted(gainers[k], reverse=True)]
            whom = ", ".join(who[:3]) + " and others" if len(who) > 3 else _join(who)
            bits.append(f"{f.cable(k)} (for {whom})")
        out.append(
            "What absorbed the shock: traffic that lost its route moved onto cables that did not "
            f"fail, above all {_join(bits)}."
        )
    elif len(hurt):
        out.append(
            "No intact cable could take over the lost traffic: the routes that survived were "
            "already full."
        )
    new = c[~c["was_isolated"]]
    fine = int((new["status"] == "unaffected").sum())
    out.append(
        f"{fine} of the {len(new)} countries with a route to the core kept at least "
        f"{100 - metrics.DEGRADED_PCT:g}% of their {_headline_what(r)}."
    )
    lat = c.dropna(subset=["latency_change_ms"])
    lat = lat[lat["latency_change_ms"] > 1.0].sort_values("latency_change_ms", ascending=False)
    if len(lat):
        row = lat.iloc[0]
        out.append(
            f"Traffic that took a detour travels further: {_possessive(row['name'])} round trip to "
            "the core "
            f"grew from {row['latency_ms_baseline']:.0f} to {row['latency_ms']:.0f} ms"
            + (
                f", and routes lengthened for {len(lat) - 1} other countries"
                if len(lat) > 1
                else ""
            )
            + "."
        )
    return " ".join(out)


def paragraphs(result: Result) -> list[str]:
    """The explanation as a list of paragraphs (see :func:`explain`)."""
    f = _Facts(result)
    parts = [_intro(f), _what_failed(f), _cut_off(f), *_worst(f), _absorbed(f)]
    return [p for p in parts if p]


def explain(result: Result) -> str:
    """A plain-language account of a result, paragraph by paragraph.

    Says which cables failed and where (the nearest landing station, the
    chokepoint or the station named by the event), which countries were cut
    off and why (their only international cable broken, their land links
    leading only to countries cut off too), which countries lost most and
    why (which of their own cables, or which cables further along their
    routes, failed; for a landlocked country, the neighbours its traffic
    crosses), which cut cable still serves a country from the far side of the
    break, and which surviving cables carry what is left.

    Parameters
    ----------
    result
        From :func:`cablesim.engine.simulate`.

    Returns
    -------
    str
        Paragraphs separated by blank lines.

    Examples
    --------
    >>> import cablesim
    >>> from cablesim.report.explain import explain
    >>> r = cablesim.simulate(cablesim.find_scenario("tonga-2022"))
    >>> "Tonga was cut off" in explain(r)
    True
    """
    return "\n\n".join(paragraphs(result))
