"""Scenario -> result: apply a scenario's events to the network and measure every country."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from cablesim import dataset
from cablesim import measures as _measures
from cablesim._format import country_record
from cablesim._format import plain_record as _clean
from cablesim.engine import demand as _demand
from cablesim.engine import flows as _engine
from cablesim.engine import metrics
from cablesim.engine import traffic as _traffic
from cablesim.engine.state import Options, after_state, traffic_model
from cablesim.exceptions import UnknownCountryError
from cablesim.network import Network, land_links_in_service, load_network
from cablesim.network import whatif as _whatif
from cablesim.scenario import Scenario, load_scenario
from cablesim.scenario import noop_warnings as _noop
from cablesim.scenario.failures import Failures, apply_events


def assumptions(
    network: Network, scenario: Scenario, *, utilization: float | None = None
) -> list[str]:
    """The model's assumptions for this run, in plain sentences (printed in every report).

    ``utilization``: the demand model's mean utilization, if not the default.
    """
    cables = network.cables
    basis = cables["capacity_basis"].value_counts()
    year = cables["capacity_year"].astype("Float64").fillna(0)
    n_early = int((year > network.as_of.year).sum())
    backhaul = {
        "landmass": "stations on one land mass of a country are joined by unlimited domestic "
        "backhaul; islands only by cables",
        "country": "all stations of a country are joined by unlimited domestic backhaul, islands included",
        "none": "no domestic backhaul: each station stands alone",
    }[scenario.backhaul]
    links = network.terrestrial_links
    scale = float(network.info.get("land_link_scale", 1.0))
    return [
        f"Network as of {network.as_of}: {len(cables)} cables in service, from "
        f"{dataset.snapshot_note(network)}.",
        _capacity_note(network, n_early)
        + f" {int(basis.get('published', 0))} cables have a published design figure, "
        f"{int(basis.get('sourced', 0))} a sourced secondary figure, {int(basis.get('estimated', 0))} "
        "an estimate by era and length (order of magnitude). Every segment carries its cable's capacity.",
        f"Backhaul ({scenario.backhaul}): {backhaul}.",
        f"Land links: {int((links['kind'] == 'sourced').sum())} sourced cross-border links and "
        f"{int((links['kind'] == 'border').sum())} assumed border links (each the median sourced "
        "capacity of its poorer country's income group: an assumption, carrying the traffic of "
        "its two countries only)"
        + (
            f"; all land-link figures (2021-2026) scaled by {scale:.3g} for this earlier network, "
            "as the submarine network's capacity in service then over January 2026"
            if scale < 1
            else ""
        )
        + "."
        + _land_dates_note(network),
        f"The core ('the global internet'): {', '.join(scenario.core)}, grouped by UN region. "
        "Capacity to the core is the mean over the core regions of the maximum flow from a "
        "country's nodes to the region's hub countries (other than itself), counting only routes "
        f"whose round trip is at most {_engine.ROUTE_STRETCH:g} times the shortest plus "
        f"{_engine.ROUTE_SLACK_MS:g} ms (no detours around the planet); each country's capacity "
        "is computed alone (capacity_loss_pct). A core country is core only at its hub land mass "
        "(the one with most landing-station cable capacity).",
        *_demand.notes(utilization),
        *_traffic.notes(
            scenario.measure,
            traffic_model(network, Options.of(scenario, utilization=utilization))
            if scenario.measure == "traffic"
            else None,  # the capacity measure runs no traffic model
        ),
        f"Status: isolated = no path to the core; severe = loss of {metrics.SEVERE_PCT:g}% or more; "
        f"degraded = {metrics.DEGRADED_PCT:g}% or more; else unaffected.",
        f"Latency: round trip over the shortest surviving route to the nearest core node at "
        f"{_engine.RTT_MS_PER_KM * 1000:g} µs per km, plus {_engine.HOP_MS:g} ms per segment or land link.",
        "Segments fail where their drawn route meets an event's area; land links fail only when a "
        "country is lost or a land_link event cuts them. Satellite backup of a country with "
        "cables or fibre of its own is not modelled (a country with neither ran on satellite: "
        "above); restoration is the protected share in the first days and emergency capacity "
        "after rerouting (above).",
        *_whatif_notes(network),
    ]


def _land_dates_note(network: Network) -> str:
    """The sentence on the land links' service dates (empty for tables without them)."""
    links = network.terrestrial_links
    if "service_date" not in links.columns:
        return ""
    dated = int(links["service_date"].notna().sum())
    catalog = (network.catalog or {}).get("terrestrial_links")
    later = 0
    if catalog is not None and "service_date" in catalog.columns:
        later = len(catalog) - int(land_links_in_service(catalog, network.as_of).sum())
    return (
        f" {dated} of them are dated (the year the first fibre on the route entered service, "
        f"sourced; from 1 July of it){f' and {later} more enter service later' if later else ''}; "
        f"the other {len(links) - dated} are undated and assumed in service at every date."
    )


def _capacity_note(network: Network, n_early: int) -> str:
    """The sentence on what a cable's capacity means in this network."""
    design = (
        f"design (potential) figures as of the network's date ({n_early} cables whose figure "
        "dates from later use their design at ready-for-service)"
    )
    if network.capacity_basis != "lit":
        return f"Capacities: {design}."
    model = network.info["lit_model"]
    total = float(network.cables["capacity_tbps"].sum())
    full = float(network.cables["design_tbps"].sum())
    return (
        f"Capacities: estimated lit capacity, {total:,.0f} of {full:,.0f} Tbit/s of {design}: "
        f"{model.describe()} (options: {{capacity: design}} uses the design figures)."
    )


def _whatif_notes(network: Network) -> list[str]:

    return _whatif.notes(network)


def scenario_dict(scenario: Scenario, network: Network) -> dict[str, Any]:
    """The ``scenario`` block of a result's :meth:`~Result.to_dict`, without its events.

    Parameters
    ----------
    scenario
        The scenario run.
    network
        The network it ran on (its date is the block's ``as_of``).

    Returns
    -------
    dict
        ``name``, ``description``, ``as_of``, ``source``, ``core`` and ``backhaul``.
    """
    return {
        "name": scenario.name,
        "description": scenario.description,
        "as_of": network.as_of.isoformat(),
        "source": scenario.source,
        "core": list(scenario.core),
        "backhaul": scenario.backhaul,
    }


@dataclass(frozen=True, eq=False)
class Result:
    """The outcome of one scenario.

    Attributes
    ----------
    scenario
        The scenario simulated.
    network
        The network it ran on (unchanged).
    countries
        One row per country of the model (see :data:`cablesim.engine.metrics.COLUMNS`).
    failed_segments
        GeoDataFrame of the failed segments (segment_id, cable_id, name,
        from_node, to_node, length_km, capacity_tbps, event, geometry).
    failed_cables
        One row per cable with a failed segment: cable_id, name,
        segments_failed, segments_total, capacity_tbps (as the network counts it:
        estimated lit by default), design_tbps, whole (all segments failed).
    failures
        The raw :class:`~cablesim.scenario.failures.Failures`.
    notes
        The assumptions, as sentences.
    warnings
        Anything the analyst should know (a cut that hit nothing...).
    cut_off_places
        Places (islands, one side of a closed area) cut off from the core inside
        countries that keep a route: see :func:`cablesim.engine.metrics.cut_off_places`.
    """

    scenario: Scenario
    network: Network
    countries: pd.DataFrame
    failed_segments: gpd.GeoDataFrame
    failed_cables: pd.DataFrame
    failures: Failures
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cut_off_places: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(metrics.PLACE_COLUMNS))
    )

    def __repr__(self) -> str:
        c = self.countries
        iso = c.loc[c["isolated"] & ~c["was_isolated"], "iso3"].tolist()
        sev = int((c["status"] == "severe").sum())
        deg = int((c["status"] == "degraded").sum())
        return (
            f"<Result {self.scenario.name!r}: {len(self.failed_segments)} segments of "
            f"{len(self.failed_cables)} cables failed; isolated {iso or 'none'}, "
            f"{sev} severe, {deg} degraded>"
        )

    @property
    def affected(self) -> pd.DataFrame:
        """Countries whose status is not ``unaffected`` (newly isolated, severe, degraded)."""
        c = self.countries
        return c[(c["status"] != "unaffected") & ~c["was_isolated"]]

    def country(self, iso3: str) -> dict[str, Any]:
        """The record of one country, by ISO3 code or name (``"EGY"``, ``"Egypt"``)."""
        if not iso3.isascii() or iso3.upper() not in set(self.countries["iso3"]):
            with contextlib.suppress(UnknownCountryError):  # country_record names it
                iso3 = self.network.resolve_country(iso3)
        return country_record(self.countries, iso3)

    def to_frame(self) -> pd.DataFrame:
        """One row per country, flat columns: one per measure and one per core region.

        The columns are those of :attr:`countries` with the per-region losses
        (a capacity measure) spread into ``capacity_loss_pct_to_<region>``
        columns (:func:`cablesim.measures.region_key`); what each column means
        is :func:`cablesim.measures.measure` of its name. ``attrs["measure"]``
        says what ``loss_pct`` (the headline) is: ``"traffic"`` or ``"capacity"``.
        The CSV and JSON outputs hold exactly these columns.
        """
        c = self.countries
        flat = c.drop(columns="loss_pct_by_region")
        by_region = pd.DataFrame(list(c["loss_pct_by_region"]), index=c.index)
        by_region = by_region.reindex(sorted(by_region.columns), axis=1)
        by_region.columns = [_measures.region_key(r) for r in by_region.columns]
        out = pd.concat([flat, by_region.astype(float)], axis=1).reset_index(drop=True)
        out.attrs["measure"] = self.scenario.measure
        return out

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready plain data.

        ``countries`` holds the rows of :meth:`to_frame`; ``measures`` says what
        each key means (:func:`cablesim.measures.table`).
        """
        sc = self.scenario
        return {
            "scenario": {
                **scenario_dict(sc, self.network),
                "events": [{"kind": e.kind, "label": e.label} for e in sc.events],
            },
            "summary": self.summary(),
            "failed_cables": [_clean(r) for r in self.failed_cables.to_dict("records")],
            "failed_segments": [
                _clean(r) for r in self.failed_segments.drop(columns="geometry").to_dict("records")
            ],
            "countries": [_clean(r) for r in self.to_frame().to_dict("records")],
            "cut_off_places": [_clean(r) for r in self.cut_off_places.to_dict("records")],
            "notes": list(self.notes),
            "warnings": list(self.warnings),
            "measures": _measures.table(headline_of=sc.measure),
        }

    def summary(self) -> dict[str, Any]:
        """Headline numbers."""
        c = self.countries
        new = c[~c["was_isolated"]]
        lost = float((new["baseline_tbps"] - new["remaining_tbps"]).clip(lower=0).sum())
        return {
            "cables_failed": len(self.failed_cables),
            "segments_failed": len(self.failed_segments),
            "isolated": new.loc[new["isolated"], "iso3"].tolist(),
            "severe": new.loc[new["status"] == "severe", "iso3"].tolist(),
            "degraded": new.loc[new["status"] == "degraded", "iso3"].tolist(),
            "capacity_lost_tbps": round(lost, 3),
            "traffic_lost_tbps": round(
                float((new["demand_tbps"] - new["served_tbps"]).clip(lower=0).sum()), 3
            ),
            "places_cut_off": len(self.cut_off_places),
            "countries_in_model": len(c),
        }


def network_for(scenario: Scenario, network: Network | None = None) -> Network:
    """The network a scenario runs on: ``network`` if given, else the bundled one at its date.

    A scenario with ``add:`` runs on that network extended with the added cables
    (see :mod:`cablesim.network.whatif`; the given network is not modified).
    """
    net = (
        network if network is not None else load_network(scenario.as_of, capacity=scenario.capacity)
    )
    if scenario.add:
        return _whatif.extend(net, scenario.add)
    return net


def simulate(
    scenario: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    network: Network | None = None,
    *,
    incremental: bool = True,
    utilization: float | None = None,
) -> Result:
    """Run a scenario.

    Parameters
    ----------
    scenario
        A :class:`Scenario`, or anything :func:`cablesim.load_scenario` accepts.
    network
        The network to run on; by default the bundled network as of the
        scenario's date. It is never modified.
    incremental
        Reuse baseline flows where exact (see :mod:`cablesim.engine.flows`).
    utilization
        Mean utilization of the intact network for the demand model (a sensitivity
        run); default :data:`cablesim.engine.demand.UTILIZATION`, a sourced figure.

    Returns
    -------
    Result

    Examples
    --------
    >>> import cablesim
    >>> r = cablesim.simulate({"name": "Tonga", "as_of": 2022, "events": [{"cable": "tonga-cable"}]})
    >>> r.country("TON")["status"]
    'isolated'
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, network=network)
    net = network_for(scenario, network)
    failures = apply_events(net, scenario.events)
    # one after-state (a closure's split backhaul compiled once) for both measurements
    options = Options.of(scenario, utilization=utilization, incremental=incremental)
    after = after_state(net, failures, options)
    countries = metrics.country_metrics(
        net, failures, core=options.core, after=after, options=options
    )
    segs = net.segments
    mask = segs["segment_id"].isin(failures.segments).to_numpy()
    failed = segs.loc[mask].copy()
    event_of = {}
    for eff in failures.effects:
        for s in eff.segments:
            event_of.setdefault(s, eff.event.label)
    names = dict(zip(net.cables["cable_id"], net.cables["name"], strict=True))
    failed["name"] = failed["cable_id"].map(names)
    failed["event"] = failed["segment_id"].map(event_of)
    failed = gpd.GeoDataFrame(
        failed[
            [
                "segment_id",
                "cable_id",
                "name",
                "from_node",
                "to_node",
                "length_km",
                "capacity_tbps",
                "event",
                "geometry",
            ]
        ].reset_index(drop=True),
        geometry="geometry",
        crs=4326,
    )
    totals = segs.groupby("cable_id").size()
    fc = failed.groupby("cable_id").size().rename("segments_failed").reset_index()
    cap = dict(zip(net.cables["cable_id"], net.cables["capacity_tbps"], strict=True))
    deg_rows = [
        {"cable_id": cid, "segments_failed": 0}
        for cid in failures.degraded
        if cid not in set(fc["cable_id"])
    ]
    if deg_rows:
        fc = pd.concat([fc, pd.DataFrame(deg_rows)], ignore_index=True)
    fc["name"] = fc["cable_id"].map(names)
    fc["segments_total"] = fc["cable_id"].map(totals).astype(int)
    fc["capacity_tbps"] = fc["cable_id"].map(cap)
    design_col = "design_tbps" if "design_tbps" in net.cables.columns else "capacity_tbps"
    fc["design_tbps"] = fc["cable_id"].map(
        dict(zip(net.cables["cable_id"], net.cables[design_col], strict=True))
    )
    fc["whole"] = fc["segments_failed"] == fc["segments_total"]
    fc["degraded_to_pct"] = fc["cable_id"].map(
        lambda c: round(100 * failures.degraded[c], 1) if c in failures.degraded else None
    )
    fc = fc[
        [
            "cable_id",
            "name",
            "segments_failed",
            "segments_total",
            "capacity_tbps",
            "design_tbps",
            "whole",
            "degraded_to_pct",
        ]
    ].sort_values(["capacity_tbps", "cable_id"], ascending=[False, True])
    return Result(
        scenario=scenario,
        network=net,
        countries=countries,
        failed_segments=failed,
        failed_cables=fc.reset_index(drop=True),
        failures=failures,
        notes=assumptions(net, scenario, utilization=utilization),
        warnings=failures.warnings + [w for w in [_noop.as_of_warning(net)] if w],
        cut_off_places=metrics.cut_off_places(
            net, failures, core=scenario.core, backhaul=scenario.backhaul, after=after
        ),
    )


def scenario_warnings(scenario: Scenario) -> list[str]:
    """Every warning a run of ``scenario`` would give about what its events fail.

    Loads the scenario's network and applies the events (no flow is computed).
    """
    net = network_for(scenario)
    out = list(apply_events(net, scenario.events).warnings)
    w = _noop.as_of_warning(net)
    if w:
        out.append(w)
    return out
