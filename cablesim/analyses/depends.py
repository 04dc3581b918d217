"""The dependency lens: how much of a country's capacity hangs on each chokepoint and cable.

For a country, close each chokepoint on its own and fail each cable (and land
link) that carries part of its baseline flow on its own, and measure the
capacity to the core it loses. The loss when a chokepoint closes is the part
of its capacity that crosses that chokepoint and cannot be rerouted; the same
for a cable. :func:`dependency_matrix` does the chokepoint half for every
country at once, one simulation per chokepoint (the data behind a "who
depends on Suez" figure).

The numbers are the same as a scenario with that one event would give
(:func:`cablesim.engine.simulate`): the engine's flows are reused where a failure
cannot change them, and nothing else (latency, first-hop capacity) is computed.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cablesim.engine import flows as _engine
from cablesim.engine import state as _state
from cablesim.engine.flowview import corridor_mask
from cablesim.exceptions import CableSimError
from cablesim.network import Network
from cablesim.scenario import DEFAULT_CORE, Event
from cablesim.scenario.failures import Failures, apply_events

COLUMNS = (
    "kind",
    "id",
    "name",
    "baseline_tbps",
    "remaining_tbps",
    "lost_tbps",
    "loss_pct",
    "isolated",
)
"""Columns of :func:`country_dependencies`."""


class _Lens:
    """A compiled network with its baseline, shared by the dependency queries."""

    def __init__(
        self, network: Network, core: tuple[str, ...], backhaul: str, routing: str
    ) -> None:
        self.network = network
        self.options = _state.Options(core=core, backhaul=backhaul, routing=routing)
        self.comp = _state.compiled(network, self.options)
        self.base = _engine.baseline(self.comp)

    def remaining(self, failures: Failures, countries: list[str] | None = None) -> dict[str, float]:
        """Capacity to the core (Tbit/s) of ``countries`` (default all) after ``failures``."""
        after = _state.after_state(self.network, failures, self.options)
        values = _engine.country_values(self.comp, after.task_values(countries))
        wanted = countries if countries is not None else self.comp.countries
        return {c: values[c] for c in wanted}

    def chokepoint_failures(self, chokepoint_id: str) -> Failures:
        key = f"depends:chokepoint:{chokepoint_id}"
        ev = Event("chokepoint", {"id": chokepoint_id}, f"chokepoint {chokepoint_id} closed")
        return self.network.memo(key, lambda: apply_events(self.network, [ev]))

    def flow_edges(self, iso3: str) -> np.ndarray:
        """Indices of the finite edges that carry part of the country's baseline flow."""
        comp = self.comp
        _, pair_flow = _engine.FlowSolver(comp, comp.edge_cap).flow(iso3, with_edges=True)
        pairs = np.flatnonzero(pair_flow > 0)
        edges = np.isin(comp.pair_of_edge, pairs) & (comp.edge_cap > 0) & corridor_mask(comp, iso3)
        return np.flatnonzero(edges)


def _row(kind: str, ident: str, name: str, base: float, after: float) -> dict:
    after = max(0.0, min(after, base))
    loss = 100.0 * (1.0 - after / base) if base > 0 else 0.0
    return {
        "kind": kind,
        "id": ident,
        "name": name,
        "baseline_tbps": round(base, 3),
        "remaining_tbps": round(after, 3),
        "lost_tbps": round(base - after, 3),
        "loss_pct": round(loss, 2),
        "isolated": after <= 0.0,
    }


def country_dependencies(
    network: Network,
    iso3: str,
    *,
    core: Iterable[str] = DEFAULT_CORE,
    backhaul: str = "landmass",
    routing: str = "corridor",
) -> pd.DataFrame:
    """What one country's capacity to the core depends on.

    Parameters
    ----------
    network
        The network (not modified).
    iso3
        The country: ISO3 code or English name.
    core, backhaul, routing
        As for :func:`cablesim.engine.metrics.country_metrics`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: one row per chokepoint (``kind="chokepoint"``),
        per cable carrying part of the country's baseline flow
        (``kind="cable"``) and per such land link (``kind="land link"``), with
        the capacity to the core that is left when it alone fails or closes.
        Sorted by loss, largest first. ``attrs`` holds ``iso3``, ``name`` and
        ``baseline_tbps``.

    Raises
    ------
    UnknownCountryError
        For an unknown country.
    CableSimError
        When the country has no route to the core even in the intact network.

    Examples
    --------
    >>> import cablesim
    >>> from cablesim.analyses.depends import country_dependencies
    >>> deps = country_dependencies(cablesim.load_network(2022), "TON")
    >>> top = deps.iloc[0]
    >>> top["id"], float(top["loss_pct"])
    ('tonga-cable', 100.0)
    """
    iso3 = network.resolve_country(iso3)
    core = tuple(core)
    key = f"depends:country:{iso3}:{','.join(core)}:{backhaul}:{routing}"
    return network.memo(
        key, lambda: _country_dependencies(network, iso3, core, backhaul, routing)
    ).copy()  # the caller's own copy; the network keeps one per country and options


def _country_dependencies(
    network: Network, iso3: str, core: tuple[str, ...], backhaul: str, routing: str
) -> pd.DataFrame:
    lens = _Lens(network, core, backhaul, routing)
    name = network.country_names.get(iso3, iso3)
    base = lens.base.values.get(iso3, 0.0)
    if base <= 0:
        raise CableSimError(
            f"{name} ({iso3}) has no route to the core in the network as of "
            f"{network.as_of}: nothing to depend on"
        )
    rows = []
    cps = network.chokepoints
    for cid, cname in zip(cps["chokepoint_id"], cps["name"], strict=True):
        after = lens.remaining(lens.chokepoint_failures(cid), [iso3])[iso3]
        rows.append(_row("chokepoint", cid, cname, base, after))
    comp = lens.comp
    edges = lens.flow_edges(iso3)
    cable_names = dict(zip(network.cables["cable_id"], network.cables["name"], strict=True))
    links = network.terrestrial_links.set_index("link_id")
    groups: dict[str, list[int]] = {}
    for e in edges:
        groups.setdefault(str(comp.edge_cable[e]), []).append(int(e))
    for cable in sorted(groups):
        if cable.startswith("terrestrial:"):
            link = cable.split(":", 1)[1]
            ids = {link}
            a, b = links.at[link, "from_iso3"], links.at[link, "to_iso3"]
            other = b if a == iso3 else a if b == iso3 else None
            label = (
                f"land link to {network.country_names.get(other, other)}"
                if other
                else f"land link {network.country_names.get(a, a)}–{network.country_names.get(b, b)}"
            )
            kind, ident = "land link", link
        else:
            ids = set(comp.edge_ids[(comp.edge_cable == cable) & (comp.edge_kind == 0)])
            kind, ident, label = "cable", cable, cable_names.get(cable, cable)
        after = lens.remaining(Failures(segments=frozenset(ids)), [iso3])[iso3]
        rows.append(_row(kind, ident, label, base, after))
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    order = {"chokepoint": 0, "cable": 1, "land link": 2}
    df["_k"] = df["kind"].map(order)
    df = df.sort_values(["loss_pct", "_k", "id"], ascending=[False, True, True]).drop(columns="_k")
    df = df.reset_index(drop=True)
    df.attrs.update(
        {
            "iso3": iso3,
            "name": name,
            "baseline_tbps": round(base, 3),
            "as_of": network.as_of.isoformat(),
        }
    )
    return df


def dependency_matrix(
    network: Network,
    *,
    core: Iterable[str] = DEFAULT_CORE,
    backhaul: str = "landmass",
    routing: str = "corridor",
    chokepoints: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Loss of capacity to the core (percent) of every country when each chokepoint closes.

    One simulation per chokepoint covers all countries at once.

    Parameters
    ----------
    network
        The network (not modified).
    core, backhaul, routing
        As for :func:`cablesim.engine.metrics.country_metrics`.
    chokepoints
        Chokepoint ids (default: all of the network's).

    Returns
    -------
    pandas.DataFrame
        Index ``iso3`` (countries with a route to the core in the intact
        network, sorted), one column per chokepoint id, values ``loss_pct``
        (0-100). ``attrs["names"]`` maps ISO3 codes to names.
    """
    lens = _Lens(network, tuple(core), backhaul, routing)
    ids = (
        [network.resolve_chokepoint(c) for c in chokepoints]
        if chokepoints is not None
        else list(network.chokepoints["chokepoint_id"])
    )
    countries = sorted(c for c, v in lens.base.values.items() if v > 0)
    base = np.array([lens.base.values[c] for c in countries])
    out = {}
    for cid in ids:
        after = lens.remaining(lens.chokepoint_failures(cid), countries)
        rem = np.clip(np.array([after[c] for c in countries]), 0.0, base)
        out[cid] = np.round(100.0 * (1.0 - rem / base), 2)
    df = pd.DataFrame(out, index=pd.Index(countries, name="iso3"))
    df.columns.name = "chokepoint"
    df.attrs["names"] = {c: network.country_names.get(c, c) for c in countries}
    df.attrs["as_of"] = network.as_of.isoformat()
    return df
