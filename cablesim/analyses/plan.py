"""Planning: the same events on two networks, and which new cable helps a country most.

:func:`compare` runs two scenarios (or one scenario and a variant of it: another
date, other added cables) and sets their country results side by side with
the difference, and says why a country fares differently: the cables landing
there on one network and not the other, and each network's worst single
cable failure for the country.

:func:`resilience` ranks candidate new cables (planned ones of the dataset or
hypothetical ones, see :mod:`cablesim.network.whatif`) by how much they reduce a
country's worst single-failure loss.

Worst single failure (N-1)
--------------------------
Over every cable that carries part of the country's baseline flow to the core
(no other single failure can reduce it: the baseline flow stays feasible),
fail the whole cable and recompute the country's maximum flow. The worst
single-failure loss is ``1 - worst remaining / today's baseline``, measured
against the capacity the country has *today* (without the candidate), so that
a big new cable whose own loss would be the worst failure is not penalised for
raising the baseline.

A scenario may carry a ``compare:`` block naming its variant::

    compare:
      as_of: 2021-06-30          # the same events on another date's network
      add: [{cable: 2africa}]    # and/or with other added cables (replaces add:)
      options: {core: [...]}     # and/or other options
      countries: [EGY, IND]      # countries to explain (default: the most changed)
      name: "2021 network"       # label of the variant
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cablesim._format import fmt_tbps
from cablesim._format import plain_record as _clean
from cablesim.analyses import risk
from cablesim.engine import flows as _engine
from cablesim.engine import state as _state
from cablesim.engine.simulate import simulate
from cablesim.exceptions import CableSimError, UnknownCountryError
from cablesim.network import load_network
from cablesim.network import whatif as _whatif
from cablesim.scenario import (
    DEFAULT_CORE,
    Scenario,
    load_scenario,
    parse_candidate,
    validate_mapping,
)
from cablesim.scenario.failures import Failures

# ------------------------------------------------------------------------------ compare: block


def variant(
    scenario: Scenario,
    *,
    as_of: Any = None,
    add: Sequence[Any] | None = None,
    options: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Scenario:
    """The scenario with another date, other added cables and/or other options (validated again).

    ``add`` replaces the scenario's ``add:`` list (``[]`` removes it); raw
    forms as in a scenario file.
    """

    doc = {k: v for k, v in dict(scenario.document).items() if k != "compare"}
    if not doc:
        raise CableSimError("this scenario has no document to vary (build it with load_scenario)")
    bits = []
    if as_of is not None:
        doc["as_of"] = as_of.isoformat() if isinstance(as_of, dt.date) else as_of
        bits.append(f"as of {doc['as_of']}")
    if add is not None:
        if add:
            doc["add"] = list(add)
            bits.append("with " + ", ".join(_add_name(a) for a in add))
        else:
            doc.pop("add", None)
            bits.append("without added cables")
    if options:
        merged = dict(doc.get("options") or {})
        merged.update(options)
        doc["options"] = merged
        bits.append("options " + ", ".join(f"{k}={v}" for k, v in options.items()))
    doc["name"] = name or f"{scenario.name} ({'; '.join(bits) or 'same'})"
    return validate_mapping(doc, f"{scenario.source} (variant)")


def _add_name(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        return str(item.get("cable") or item.get("name") or item.get("id") or "a new cable")
    return str(item)


def _side_label(sc: Scenario, net) -> str:
    added = [r["cable_id"] for r in _whatif.added(net)]
    return f"the {net.as_of} network" + (f" with {', '.join(added)}" if added else "")


_HIT = ("isolated", "severe", "degraded")


def hit_rows(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of countries affected on either side (not those with no route to the core on either)."""
    had = (table["baseline_tbps_a"].fillna(0) > 0) | (table["baseline_tbps_b"].fillna(0) > 0)
    return table[had & (table["status_a"].isin(_HIT) | table["status_b"].isin(_HIT))]


# ------------------------------------------------------------------------------ N-1


def single_failures(
    network,
    iso3: str,
    *,
    core: Sequence[str] = DEFAULT_CORE,
    backhaul: str = "landmass",
    reference_tbps: float | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Every single cable failure that can reduce ``iso3``'s capacity to the core.

    Parameters
    ----------
    network
        The network (not modified).
    iso3
        The country.
    core, backhaul
        As in a scenario's options.
    reference_tbps
        Measure ``loss_pct`` against this capacity (default: the country's
        baseline on ``network``).
    limit
        Only the ``limit`` cables carrying most of the country's baseline flow.

    Returns
    -------
    pandas.DataFrame
        One row per cable carrying part of the country's baseline flow
        (cable_id, name, capacity_tbps, lands, remaining_tbps, loss_pct), worst first.
    """
    options = _state.Options(core=core, backhaul=backhaul, incremental=False)
    comp = _state.compiled(network, options)
    if iso3 not in comp.countries:
        raise UnknownCountryError(iso3, comp.countries)
    base = _engine.baseline(comp)
    value = base.values[iso3]
    ref = value if reference_tbps is None else reference_tbps
    pair_flow = _country_pair_flow(comp, base, iso3)
    seg = comp.edge_kind == 0
    carrying = seg & (comp.pair_of_edge >= 0)
    carrying[carrying] = pair_flow[comp.pair_of_edge[carrying]] > 0
    load = pd.Series(pair_flow[comp.pair_of_edge[carrying]], index=comp.edge_cable[carrying])
    load = load.groupby(level=0).max().sort_values(ascending=False)
    cables = load.index.tolist()[:limit] if limit else load.index.tolist()
    lps = network.landing_points
    own = set(lps.loc[lps["iso3"] == iso3, "landing_point_id"])
    segs = network.segments
    lands = set(segs.loc[segs["from_node"].isin(own) | segs["to_node"].isin(own), "cable_id"])
    by_cable = segs.groupby("cable_id")["segment_id"].apply(list).to_dict()
    names = dict(zip(network.cables["cable_id"], network.cables["name"], strict=True))
    caps = dict(zip(network.cables["cable_id"], network.cables["capacity_tbps"], strict=True))
    rows = []
    for cid in cables:
        after = _state.after_state(
            network, Failures(segments=frozenset(by_cable.get(cid, []))), options
        )
        rem = _engine.country_values(comp, after.task_values([iso3]))[iso3]
        loss = 100.0 * (1.0 - rem / ref) if ref > 0 else 0.0
        rows.append(
            {
                "cable_id": cid,
                "name": names.get(cid, cid),
                "capacity_tbps": float(caps.get(cid, 0.0)),
                "lands": cid in lands,
                "remaining_tbps": round(rem, 3),
                "loss_pct": round(max(0.0, min(100.0, loss)), 2),
            }
        )
    df = pd.DataFrame(
        rows, columns=["cable_id", "name", "capacity_tbps", "lands", "remaining_tbps", "loss_pct"]
    )
    return df.sort_values(["remaining_tbps", "cable_id"]).reset_index(drop=True)


def _country_pair_flow(comp, base, iso3: str) -> np.ndarray:
    """Largest baseline flow (Gbit/s) the country's flow tasks put on each flow pair."""
    tasks = comp.country_tasks.get(iso3, np.array([], dtype=np.int64))
    if not len(tasks):
        return np.zeros(len(comp.pair_u))
    return base.task_pair_flow[tasks].max(axis=0)


def worst_single_failure(network, iso3: str, **options: Any) -> dict[str, Any]:
    """The worst single cable failure for a country: baseline, cable, remaining, loss %."""
    comp = _state.compiled(
        network,
        _state.Options(
            core=options.get("core", DEFAULT_CORE), backhaul=options.get("backhaul", "landmass")
        ),
    )
    base = _engine.baseline(comp).values.get(iso3, 0.0)
    n1 = single_failures(network, iso3, **options)
    if n1.empty:
        return {
            "iso3": iso3,
            "baseline_tbps": round(base, 3),
            "cable_id": None,
            "name": None,
            "remaining_tbps": round(base, 3),
            "loss_pct": 0.0,
            "cables_checked": 0,
        }
    w = n1.iloc[0]
    return {
        "iso3": iso3,
        "baseline_tbps": round(base, 3),
        "cable_id": w["cable_id"],
        "name": w["name"],
        "remaining_tbps": float(w["remaining_tbps"]),
        "loss_pct": float(w["loss_pct"]),
        "cables_checked": len(n1),
    }


# ------------------------------------------------------------------------------ compare


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two results of the same events side by side.

    Attributes
    ----------
    a, b
        The two :class:`~cablesim.engine.simulate.Result`.
    label_a, label_b
        What distinguishes them (date, added cables).
    table
        One row per country of either model (see :meth:`columns`), most
        changed first.
    focus
        Countries explained in detail (given, or the most changed).
    explanations
        Per focus country: cables landing there on each side, those only on
        one side, failed ones, and each side's worst single failure.
    """

    a: Any
    b: Any
    label_a: str
    label_b: str
    table: pd.DataFrame
    focus: list[str]
    explanations: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Comparison {self.label_a!r} vs {self.label_b!r}: {len(self.changed)} countries changed>"

    @property
    def changed(self) -> pd.DataFrame:
        """Countries whose status or loss differ (by a percentage point or more)."""
        t = self.table
        return t[(t["status_a"] != t["status_b"]) | (t["d_loss_pct"].abs() >= 1.0)]

    def explain(self, iso3: str) -> str:
        """Why ``iso3`` fares differently, in a sentence or three."""
        e = self.explanations.get(iso3) or _explain(self, iso3)
        return e["text"]

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready plain data."""

        return {
            "a": {
                "label": self.label_a,
                "scenario": self.a.scenario.name,
                "as_of": self.a.network.as_of.isoformat(),
                "summary": self.a.summary(),
                "added": _whatif.added(self.a.network),
            },
            "b": {
                "label": self.label_b,
                "scenario": self.b.scenario.name,
                "as_of": self.b.network.as_of.isoformat(),
                "summary": self.b.summary(),
                "added": _whatif.added(self.b.network),
            },
            "events": [e.label for e in self.a.scenario.events],
            "countries": [_clean(r) for r in self.table.to_dict("records")],
            "explanations": {k: jsonable(v) for k, v in self.explanations.items()},
            "notes": [f"A: {n}" for n in self.a.notes]
            + [f"B: {n}" for n in self.b.notes if n not in self.a.notes],
        }


def jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and math.isnan(obj):
        return None
    return obj


COMPARE_COLUMNS = (
    "iso3",
    "name",
    "status_a",
    "status_b",
    "loss_pct_a",
    "loss_pct_b",
    "d_loss_pct",
    "baseline_tbps_a",
    "baseline_tbps_b",
    "remaining_tbps_a",
    "remaining_tbps_b",
    "d_remaining_tbps",
    "latency_ms_a",
    "latency_ms_b",
)


def compare(
    a: Scenario | str | os.PathLike[str] | Mapping[str, Any],
    b: Any = None,
    *,
    as_of: Any = None,
    add: Sequence[Any] | None = None,
    options: Mapping[str, Any] | None = None,
    countries: Sequence[str] | None = None,
    explain: int = 5,
    network=None,
    network_b=None,
) -> Comparison:
    """Run the same events on two networks and set the countries side by side.

    Parameters
    ----------
    a
        The first scenario (anything :func:`cablesim.load_scenario` accepts).
    b
        The second one. When omitted, it is ``a`` varied by ``as_of``, ``add``
        and ``options`` (see :func:`variant`), or by ``a``'s ``compare:`` block.
    countries
        Countries to explain (default: the block's ``countries``, else the
        ``explain`` most changed).
    network, network_b
        Run ``a`` on ``network`` and ``b`` on ``network_b`` (default: each
        scenario's own date on the bundled data; ``network_b`` defaults to
        ``network`` when ``b`` is given).

    Returns
    -------
    Comparison

    Examples
    --------
    >>> from cablesim import plan
    >>> c = plan.compare({"name": "Tonga", "as_of": 2014, "events": [{"cable": "tonga-cable"}]},
    ...                  as_of="2021-06-30")
    >>> c.table.set_index("iso3").loc["TON", ["status_a", "status_b"]].tolist()
    ['isolated', 'isolated']
    """

    sa = a if isinstance(a, Scenario) else load_scenario(a)
    block = sa.document.get("compare") if isinstance(sa.document, Mapping) else None
    if b is not None:
        sb = b if isinstance(b, Scenario) else load_scenario(b)
    elif as_of is not None or add is not None or options:
        sb = variant(sa, as_of=as_of, add=add, options=options)
    elif isinstance(block, Mapping):
        sb = variant(
            sa,
            as_of=block.get("as_of"),
            add=block.get("add"),
            options=block.get("options"),
            name=block.get("name"),
        )
        if countries is None and block.get("countries"):
            countries = list(block["countries"])
    else:
        raise CableSimError(
            f"{sa.source}: nothing to compare with: give a second scenario, --as-of or "
            "--add, or a compare: block in the scenario"
        )
    if network_b is None and b is not None:
        network_b = network
    ra, rb = simulate(sa, network=network), simulate(sb, network=network_b)
    table = _side_by_side(ra, rb)
    label_a = _side_label(sa, ra.network)
    label_b = (
        block.get("name")
        if b is None
        and isinstance(block, Mapping)
        and block.get("name")
        and as_of is None
        and add is None
        else None
    ) or _side_label(sb, rb.network)
    if label_a == label_b:
        label_a, label_b = f"A: {sa.name}", f"B: {sb.name}"
    if countries:
        focus = [ra.network.resolve_country(c) for c in countries]
    else:
        ch = hit_rows(table)
        ch = ch.reindex(ch["d_loss_pct"].abs().sort_values(ascending=False).index)
        focus = ch["iso3"].head(explain).tolist()
    comp = Comparison(a=ra, b=rb, label_a=label_a, label_b=label_b, table=table, focus=focus)
    for iso in focus:
        comp.explanations[iso] = _explain(comp, iso)
    return comp


def _side_by_side(ra, rb) -> pd.DataFrame:
    cols = ["iso3", "name", "status", "loss_pct", "baseline_tbps", "remaining_tbps", "latency_ms"]
    ta = ra.countries[cols].set_index("iso3")
    tb = rb.countries[cols].set_index("iso3")
    t = ta.merge(tb, how="outer", left_index=True, right_index=True, suffixes=("_a", "_b"))
    t["name"] = t["name_a"].fillna(t["name_b"])
    t["d_loss_pct"] = (t["loss_pct_b"].fillna(0) - t["loss_pct_a"].fillna(0)).round(2)
    t["d_remaining_tbps"] = (
        t["remaining_tbps_b"].fillna(0) - t["remaining_tbps_a"].fillna(0)
    ).round(3)
    t = t.reset_index()
    for side in ("a", "b"):
        t[f"status_{side}"] = t[f"status_{side}"].fillna("absent")
    t["_k"] = t[["loss_pct_a", "loss_pct_b"]].max(axis=1).fillna(0) + t["d_loss_pct"].abs()
    t = t.sort_values(["_k", "iso3"], ascending=[False, True]).drop(columns="_k")
    return t[list(COMPARE_COLUMNS)].reset_index(drop=True)


def _cables_at(network, iso3: str) -> pd.DataFrame:
    lps = network.landing_points
    own = set(lps.loc[lps["iso3"] == iso3, "landing_point_id"])
    segs = network.segments
    ids = set(segs.loc[segs["from_node"].isin(own) | segs["to_node"].isin(own), "cable_id"])
    c = network.cables[network.cables["cable_id"].isin(ids)]
    return (
        c[["cable_id", "name", "rfs_year", "capacity_tbps"]]
        .sort_values(["capacity_tbps", "cable_id"], ascending=[False, True])
        .reset_index(drop=True)
    )


def _explain(comp: Comparison, iso3: str) -> dict[str, Any]:
    na, nb = comp.a.network, comp.b.network
    ca, cb = _cables_at(na, iso3), _cables_at(nb, iso3)
    only_b = cb[~cb["cable_id"].isin(ca["cable_id"])]
    only_a = ca[~ca["cable_id"].isin(cb["cable_id"])]
    both = ca.merge(cb, on=["cable_id", "name"], suffixes=("_a", "_b"))
    upgraded = both[both["capacity_tbps_b"] > both["capacity_tbps_a"] * 1.01]
    fa = set(comp.a.failed_cables["cable_id"]) & set(ca["cable_id"])
    fb = set(comp.b.failed_cables["cable_id"]) & set(cb["cable_id"])
    row = comp.table.set_index("iso3").loc[iso3] if iso3 in set(comp.table["iso3"]) else None
    opts = {"core": comp.a.scenario.core, "backhaul": comp.a.scenario.backhaul}
    n1a = worst_single_failure(na, iso3, **opts) if iso3 in na.model_countries else None
    optsb = {"core": comp.b.scenario.core, "backhaul": comp.b.scenario.backhaul}
    n1b = worst_single_failure(nb, iso3, **optsb) if iso3 in nb.model_countries else None
    name = na.country_names.get(iso3, iso3)

    def cab_list(df: pd.DataFrame, col: str = "capacity_tbps", n: int = 8) -> str:
        items = [
            f"{r.name} ({getattr(r, col):g} Tbps"
            + (f", {int(r.rfs_year)}" if pd.notna(r.rfs_year) else "")
            + ")"
            for r in df.head(n).itertuples()
        ]
        more = f" and {len(df) - n} more" if len(df) > n else ""
        return ", ".join(items) + more

    bits = []
    if row is not None:
        bits.append(
            f"{name}: {row['loss_pct_a']:.0f}% lost on {comp.label_a} "
            f"({fmt_tbps(row['remaining_tbps_a'])} of {fmt_tbps(row['baseline_tbps_a'])} Tbps left, "
            f"{row['status_a']}) against {row['loss_pct_b']:.0f}% on {comp.label_b} "
            f"({fmt_tbps(row['remaining_tbps_b'])} of {fmt_tbps(row['baseline_tbps_b'])} Tbps, {row['status_b']})."
        )
    if len(only_b):
        verb = "cables land" if len(only_b) > 1 else "cable lands"
        bits.append(f"{len(only_b)} {verb} there only on {comp.label_b}: {cab_list(only_b)}.")
    if len(only_a):
        verb = "cables land" if len(only_a) > 1 else "cable lands"
        bits.append(f"{len(only_a)} {verb} there only on {comp.label_a}: {cab_list(only_a)}.")
    if len(upgraded):
        ups = ", ".join(
            f"{r.name} {r.capacity_tbps_a:g} → {r.capacity_tbps_b:g} Tbps"
            for r in upgraded.head(6).itertuples()
        )
        bits.append(f"Capacity upgrades of cables on both: {ups}.")
    if fa or fb:
        bits.append(
            f"Its failed cables: {len(fa)} of {len(ca)} on {comp.label_a}, {len(fb)} of {len(cb)} on "
            f"{comp.label_b}."
        )
    if n1a and n1b:
        bits.append(
            f"Worst single cable failure: {n1a['name'] or 'none'} ({n1a['loss_pct']:.0f}%) on "
            f"{comp.label_a}, {n1b['name'] or 'none'} ({n1b['loss_pct']:.0f}%) on {comp.label_b}."
        )
    return {
        "iso3": iso3,
        "name": name,
        "text": " ".join(bits),
        "cables_a": ca["cable_id"].tolist(),
        "cables_b": cb["cable_id"].tolist(),
        "only_b": only_b[["cable_id", "name", "rfs_year", "capacity_tbps"]].to_dict("records"),
        "only_a": only_a[["cable_id", "name", "rfs_year", "capacity_tbps"]].to_dict("records"),
        "upgraded": upgraded[["cable_id", "name", "capacity_tbps_a", "capacity_tbps_b"]].to_dict(
            "records"
        ),
        "failed_a": sorted(fa),
        "failed_b": sorted(fb),
        "worst_single_failure_a": n1a,
        "worst_single_failure_b": n1b,
    }


# ------------------------------------------------------------------------------ compare reports


# ------------------------------------------------------------------------------ resilience


@dataclass(frozen=True, eq=False)
class Resilience:
    """Candidate cables ranked for one country.

    Attributes
    ----------
    iso3
        The country.
    network
        The network without candidates.
    today
        The country's worst single failure today (see :func:`worst_single_failure`).
    ranking
        One row per candidate, best first.
    notes
        How to read it.
    """

    iso3: str
    network: Any
    today: dict[str, Any]
    ranking: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data."""

        return {
            "iso3": self.iso3,
            "name": self.network.country_names.get(self.iso3, self.iso3),
            "as_of": self.network.as_of.isoformat(),
            "today": jsonable(self.today),
            "ranking": [jsonable(_clean(r)) for r in self.ranking.to_dict("records")],
            "notes": list(self.notes),
        }


RESILIENCE_COLUMNS = (
    "rank",
    "candidate",
    "cable_id",
    "kind",
    "capacity_tbps",
    "length_km",
    "route_inferred",
    "lands",
    "baseline_tbps",
    "gain_tbps",
    "worst_cable",
    "worst_remaining_tbps",
    "worst_loss_pct",
    "reduction_pp",
    "isolation_probability",
)


def resilience(
    country: str,
    candidates: Sequence[Any],
    *,
    network=None,
    as_of: Any = None,
    core: Sequence[str] = DEFAULT_CORE,
    backhaul: str = "landmass",
    isolation: bool = False,
    samples: int = 2000,
    seed: int = 0,
) -> Resilience:
    """Rank candidate new cables by how much they reduce a country's worst single-failure loss.

    Parameters
    ----------
    country
        ISO3 code or name.
    candidates
        Each: a normalised add spec (dict), or text for
        :func:`cablesim.scenario.parse_candidate` (a cable id, ``"lat,lon;lat,lon@TBPS"``
        or a YAML file).
    network
        The network without candidates (default: the bundled one at ``as_of``).
    isolation
        Also estimate each candidate's isolation probability with the Monte
        Carlo model (:mod:`cablesim.analyses.risk`), when it is installed.

    Returns
    -------
    Resilience
    """

    net = network if network is not None else load_network(as_of)
    iso3 = net.resolve_country(country)
    opts = {"core": tuple(core), "backhaul": backhaul}
    today = worst_single_failure(net, iso3, **opts)
    specs: list[dict[str, Any]] = []
    for cand in candidates:
        if isinstance(cand, Mapping) and "kind" in cand:
            specs.append(dict(cand))
        else:
            specs.extend(parse_candidate(str(cand), net))
    if not specs:
        raise CableSimError("no candidate cable given (--add)")
    iso_fn = _isolation_fn(core, backhaul) if isolation else None
    if iso_fn is not None:
        today["isolation_probability"] = iso_fn(net, iso3, samples=samples, seed=seed)
    notes = [
        f"Worst single failure: over every cable carrying part of {iso3}'s baseline flow to the core, the "
        "whole cable fails; loss is measured against today's capacity (without the candidate), "
        f"{today['baseline_tbps']:g} Tbps.",
        f"Core: {', '.join(core)}; backhaul: {backhaul}; network as of {net.as_of}.",
    ]
    if iso_fn is not None:
        notes.append(
            f"Isolation probability: the share of {samples:,} simulated years (random faults and "
            f"repairs, cablesim.analyses.risk, seed {seed}) in which {iso3} is cut off from the core at some "
            "instant."
        )
    rows = []
    for spec in specs:
        ext = _whatif.extend(net, [spec])
        rec = _whatif.added(ext)[0]
        w = single_failures(ext, iso3, reference_tbps=today["baseline_tbps"], **opts)
        comp = _state.compiled(ext, _state.Options(core=core, backhaul=backhaul))
        base = _engine.baseline(comp).values.get(iso3, 0.0)
        worst = w.iloc[0] if len(w) else None
        loss = float(worst["loss_pct"]) if worst is not None else 0.0
        rows.append(
            {
                "candidate": _whatif.describe_spec(spec),
                "cable_id": spec["cable_id"],
                "kind": spec["kind"],
                "capacity_tbps": rec["capacity_tbps"],
                "length_km": rec["length_km"],
                "route_inferred": rec["route_inferred"],
                "lands": iso3 in rec["countries"],
                "baseline_tbps": round(base, 3),
                "gain_tbps": round(base - today["baseline_tbps"], 3),
                "worst_cable": worst["name"] if worst is not None else None,
                "worst_remaining_tbps": float(worst["remaining_tbps"])
                if worst is not None
                else round(base, 3),
                "worst_loss_pct": loss,
                "reduction_pp": round(today["loss_pct"] - loss, 2),
                "isolation_probability": iso_fn(ext, iso3, samples=samples, seed=seed)
                if iso_fn
                else None,
            }
        )
    df = pd.DataFrame(rows)
    df = df.sort_values(
        ["worst_loss_pct", "worst_remaining_tbps", "gain_tbps", "cable_id"],
        ascending=[True, False, False, True],
    ).reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return Resilience(
        iso3=iso3, network=net, today=today, ranking=df[list(RESILIENCE_COLUMNS)], notes=notes
    )


def _isolation_fn(core: Sequence[str], backhaul: str):
    """P(isolated) of a country from :func:`cablesim.analyses.risk.montecarlo`, or ``None`` without that model."""
    fn = risk.montecarlo

    def run(network, iso3: str, *, samples: int, seed: int) -> float | None:
        res = fn(
            network, trials=samples, seed=seed, core=tuple(core), backhaul=backhaul, progress=False
        )
        value = res.country(iso3).get("p_isolated")
        return None if value is None else float(value)

    return run


__all__ = [
    "COMPARE_COLUMNS",
    "RESILIENCE_COLUMNS",
    "Comparison",
    "Resilience",
    "compare",
    "resilience",
    "single_failures",
    "variant",
    "worst_single_failure",
]
