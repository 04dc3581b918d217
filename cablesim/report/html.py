"""One self-contained HTML report of a result (used by :func:`cablesim.report.write` with ``.html``).

The page holds everything inline: the impact map as SVG, the styles, and a
few lines of JavaScript that make the tables sortable (click a column head;
``#sort=loss_pct-desc`` in the address sorts on load). A Content Security
Policy forbids the page to load anything from anywhere, so it opens offline
and fetches nothing.
"""

from __future__ import annotations

import html
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from cablesim import maps
from cablesim import measures as _measures
from cablesim._format import missing
from cablesim.engine import metrics
from cablesim.engine.simulate import Result
from cablesim.report.explain import explain
from cablesim.report.result import summary_paragraph

try:
    __version__ = version("cablesim")
except PackageNotFoundError:  # pragma: no cover - a source tree without install
    __version__ = "0.0.0+unknown"

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
)

STYLE = """
:root { --ink: #1b1b1b; --muted: #5b5b5b; --line: #d8dde3; --bg: #ffffff; --band: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); background: var(--bg); }
main { max-width: 1200px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0 0 16px; }
figure { margin: 16px 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 0.9em; }
p.note { color: var(--muted); font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: var(--band); position: sticky; top: 0; }
table.sortable thead th { cursor: pointer; user-select: none; }
table.sortable thead th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 0.75em; }
table.sortable thead th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 0.75em; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid #999; margin-right: 6px;
          vertical-align: -0.1em; }
.status-isolated { font-weight: 600; }
.scroll { max-height: 36em; overflow: auto; border: 1px solid var(--line); }
pre { background: var(--band); padding: 12px; overflow: auto; font-size: 0.88em; }
.warn { color: #8a4b00; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85em; }
#map g[id$="cables"] path, #map g#failed-segments path { pointer-events: stroke; }
#map g#countries path:hover { fill-opacity: 0.7; }
#map g[id$="cables"] path:hover, #map g#failed-segments path:hover { stroke: #0b5cad !important; }
"""

SCRIPT = """
(function () {
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v === null) { v = cell.textContent.trim(); }
    var n = parseFloat(v);
    return (v !== "" && !isNaN(n) && isFinite(v)) ? n : v.toLowerCase();
  }
  function sortBy(table, index, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index]), y = key(b.cells[index]);
      var c;
      if (typeof x === "number" && typeof y === "number") { c = x - y; }
      else if (typeof x === "number") { c = -1; }
      else if (typeof y === "number") { c = 1; }
      else { c = x < y ? -1 : (x > y ? 1 : 0); }
      return dir === "descending" ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === index) { th.setAttribute("aria-sort", dir); } else { th.removeAttribute("aria-sort"); }
    });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      function go() {
        var dir = th.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
        sortBy(table, i, dir);
      }
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
    });
  });
  var m = /sort=([a-z_0-9]+)-(asc|desc)/.exec(window.location.hash || "");
  if (m) {
    var table = document.getElementById("country-table");
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) {
      if (ths[i].getAttribute("data-key") === m[1]) {
        sortBy(table, i, m[2] === "asc" ? "ascending" : "descending");
      }
    }
  }
  document.documentElement.setAttribute("data-sortable", "ready");
})();
"""

COUNTRY_COLUMNS = (
    "name",
    "iso3",
    "region",
    "status",
    "loss_pct_immediate",
    "loss_pct_rerouted",
    "demand_tbps",
    "capacity_loss_pct",
    "baseline_tbps",
    "remaining_tbps",
    "international_tbps",
    "latency_ms_baseline",
    "latency_ms",
)
"""The measures of the country table (headings and hover text from :mod:`cablesim.measures`)."""
_TEXT_COLUMNS = ("name", "iso3", "region", "status")


def _columns_note(result: Result) -> str:
    head = _measures.headline(result.scenario.measure).label.replace(" (%)", "")
    return (
        f"Status comes from the {head}. Traffic columns are shares and amounts of the country's "
        "estimated international traffic; capacity columns are its capacity to the core "
        "within its route corridor, as if every cable within reach were its own (a small "
        "country on a big trunk reaches far more than it sends: compare with its traffic). "
        "Hover a column head for its meaning."
    )


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _num(v: Any, digits: int = 1) -> tuple[str, str]:
    """(display text, sort value) of a number; missing values show as a dash and sort last."""
    if missing(v):
        return "–", ""
    v = float(v)
    if digits == 0 or abs(v) >= 100:
        txt = f"{v:,.0f}"
    elif abs(v) >= 1 or v == 0:
        txt = f"{v:,.{digits}f}"
    else:
        txt = f"{v:.3g}"
    return txt, repr(v)


def _tooltips(result: Result, ax) -> dict[str, list[str]]:
    """Hover text of each drawn country and cable path, by the SVG group id it is drawn in."""
    net = result.network
    rows = result.countries.set_index("iso3")
    cables = net.cables.set_index("cable_id")

    def country(i: int) -> str:
        iso3 = net.countries["iso3"].iat[i]
        name = net.countries["name"].iat[i]
        if iso3 not in rows.index:
            return f"{name}: not in the model"
        r = rows.loc[iso3]
        if r.get("was_isolated"):
            return f"{name}: no route to the core before the events"
        loss = r.get("loss_pct")
        what = _measures.headline(result.scenario.measure).label.replace(" (%)", "")
        lost = f", {_num(loss)[0]} % {what}" if loss is not None else ""
        return f"{name}: {r.get('status')}{lost}"

    def cable(cid: str, extra: str = "") -> str:
        if cid not in cables.index:
            return str(cid)
        c = cables.loc[cid]
        year = c.get("rfs_year")
        return (
            f"{c.get('name', cid)} · {_num(c.get('capacity_tbps'))[0]} Tbps"
            + ("" if year is None or pd.isna(year) else f" · in service {int(year)}")
            + extra
        )

    fs = result.failed_segments
    out: dict[str, list[str]] = {}
    for coll in ax.collections:
        gid, feats = coll.get_gid(), getattr(coll, "cablesim_features", None)
        if feats is None:
            continue
        if gid == "countries":
            out[gid] = [country(int(i)) for i in feats]
        elif gid in ("surviving-cables", "degraded-cables"):
            ids = net.segments["cable_id"].to_numpy()
            out[gid] = [cable(ids[int(i)]) for i in feats]
        elif gid == "failed-segments":
            out[gid] = [
                cable(
                    fs["cable_id"].iat[int(i)], f" · FAILED ({fs['event'].iat[int(i)] or 'event'})"
                )
                for i in feats
            ]
    return out


def _add_titles(svg: str, gid: str, titles: list[str]) -> str:
    """Give the n-th path of ``<g id=gid>`` the n-th title (a halo draws each path twice)."""
    start = svg.find(f'<g id="{gid}">')
    end = svg.find("</g>", start)
    if start < 0 or end < 0 or not titles or "<g" in svg[start + 3 : end]:
        return svg
    parts = re.split(r"(<path\b[^>]*?/>)", svg[start:end])
    at = [i for i, p in enumerate(parts) if p.startswith("<path")]
    if not at or len(at) % len(titles):
        return svg
    for k, i in enumerate(at):
        parts[i] = parts[i][:-2] + f"><title>{_e(titles[k % len(titles)])}</title></path>"
    return svg[:start] + "".join(parts) + svg[end:]


def _map_svg(result: Result) -> str:
    fig, ax = maps.plot_impact(result, size=(13.0, 7.0), dpi=100, title="")
    svg = maps.to_svg(fig)
    for gid, titles in _tooltips(result, ax).items():  # hover text (SVG <title>)
        svg = _add_titles(svg, gid, titles)
    start = svg.find("<svg")
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg[start:], flags=re.S)
    # let CSS size it; keep the viewBox
    head_end = svg.find(">")
    head = svg[:head_end]
    head = re.sub(r'\s(width|height)="[^"]*"', "", head, count=2)
    return head + ' role="img" aria-label="Map of the impact"' + svg[head_end:]


def _scenario_text(result: Result) -> str:
    src = result.scenario.source
    if src not in ("<dict>", "<string>"):
        p = Path(src)
        if p.is_file():
            try:
                return p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                pass
    return yaml.safe_dump(result.scenario.document, sort_keys=False, allow_unicode=True)


def _country_table(result: Result) -> str:
    colors = maps.country_colors(result)
    cols = [(k, _measures.measure(k), k not in _TEXT_COLUMNS) for k in COUNTRY_COLUMNS]
    head = "".join(
        f'<th data-key="{k}"{" class=num" if num else ""} title="{_e(m.meaning)}">'
        f"{_e(m.short)}</th>"
        for k, m, num in cols
    )
    rows = []
    order = {s: i for i, s in enumerate(metrics.STATUSES)}
    table = result.countries.assign(_late=result.countries["was_isolated"]).sort_values(
        "_late", kind="stable"
    )
    for r in table.to_dict("records"):
        cells = []
        for k, _, num in cols:
            v = r.get(k)
            if k == "status":
                status = "no route before" if r["was_isolated"] else v
                cells.append(
                    f'<td class="status-{_e(v)}" data-v="{order.get(v, 9)}">'
                    f'<span class="swatch" style="background:{colors.get(r["iso3"], maps.NO_DATA_COLOR)}">'
                    f"</span>{_e(status)}</td>"
                )
            elif num:
                txt, key = _num(v)
                cells.append(f'<td class="num" data-v="{key}">{txt}</td>')
            else:
                cells.append(f"<td>{_e(v if v is not None else '')}</td>")
        rows.append(f'<tr data-iso3="{_e(r["iso3"])}">' + "".join(cells) + "</tr>")
    return (
        f'<p class="note">{_e(_columns_note(result))}</p>'
        f'<div class="scroll"><table id="country-table" class="sortable"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _failed_tables(result: Result) -> str:
    fc = result.failed_cables
    if not len(fc):
        n = len(result.failures.links)
        return (
            f"<p>No cable segment failed; {n} land link{'s' if n != 1 else ''} cut.</p>"
            if n
            else "<p>No cable segment or land link failed.</p>"
        )
    head = (
        "<tr><th>Cable</th><th>Id</th><th class=num>Segments failed</th><th class=num>of</th>"
        "<th class=num>Capacity Tbps</th><th>Whole cable</th><th class=num>Capacity kept %</th></tr>"
    )
    rows = []
    for r in fc.itertuples():
        cap, ck = _num(r.capacity_tbps)
        kept, kk = _num(r.degraded_to_pct)
        rows.append(
            f"<tr><td>{_e(r.name)}</td><td>{_e(r.cable_id)}</td>"
            f'<td class="num" data-v="{r.segments_failed}">{r.segments_failed}</td>'
            f'<td class="num" data-v="{r.segments_total}">{r.segments_total}</td>'
            f'<td class="num" data-v="{ck}">{cap}</td><td>{"yes" if r.whole else "no"}</td>'
            f'<td class="num" data-v="{kk}">{kept}</td></tr>'
        )
    out = [
        f'<table id="failed-cables" class="sortable"><thead>{head}</thead><tbody>{"".join(rows)}'
        "</tbody></table>"
    ]
    fs = result.failed_segments
    if len(fs):
        names = result.network.landing_points.set_index("landing_point_id")["name"].to_dict()
        catalog = result.network.all_landing_points.set_index("landing_point_id")["name"].to_dict()
        names = {**catalog, **names}

        def node(n: str) -> str:
            return names.get(n, "branching unit at sea" if str(n).startswith("bu:") else n)

        srows = []
        for r in fs.itertuples():
            km, kk = _num(r.length_km, 0)
            srows.append(
                f"<tr><td>{_e(r.segment_id)}</td><td>{_e(r.name)}</td><td>{_e(node(r.from_node))}</td>"
                f'<td>{_e(node(r.to_node))}</td><td class="num" data-v="{kk}">{km}</td>'
                f"<td>{_e(r.event or '')}</td></tr>"
            )
        out.append(
            "<h3>Failed segments</h3>"
            '<div class="scroll"><table id="failed-segments" class="sortable"><thead><tr>'
            "<th>Segment</th><th>Cable</th><th>From</th><th>To</th><th class=num>km</th>"
            f"<th>Event</th></tr></thead><tbody>{''.join(srows)}</tbody></table></div>"
        )
    return "".join(out)


def render(result: Result, *, explanation: str | None = None) -> str:
    """The self-contained HTML report of ``result``.

    Parameters
    ----------
    result
        From :func:`cablesim.engine.simulate`.
    explanation
        The plain-language account (default: :func:`cablesim.report.explain.explain`).

    Returns
    -------
    str
        A complete HTML document that loads nothing from anywhere.
    """

    sc = result.scenario
    net = result.network
    text = explanation if explanation is not None else explain(result)
    events = "".join(
        f"<li>{_e(eff.event.label)}: {len(eff.segments)} segments"
        + (f", {len(eff.links)} land links" if eff.links else "")
        + "</li>"
        for eff in result.failures.effects
    )
    warnings = "".join(f'<li class="warn">{_e(w)}</li>' for w in result.warnings)
    notes = "".join(f"<li>{_e(n)}</li>" for n in result.notes)
    paras = "".join(f"<p>{_e(p)}</p>" for p in text.split("\n\n") if p.strip())
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="cablesim {_e(__version__)}">',
        f"<title>{_e(sc.name)} – cablesim</title>",
        f"<style>{STYLE}</style></head><body><main>",
        f"<h1>{_e(sc.name)}</h1>",
        f'<p class="meta">{_e(maps.impact_subtitle(result))}. Core: {_e(", ".join(sc.core))}; '
        f"backhaul: {_e(sc.backhaul)}.</p>",
    ]
    if sc.description:
        parts.append(f"<p>{_e(sc.description.strip())}</p>")
    parts += [
        '<section id="summary"><h2>Summary</h2>',
        f"<p>{_e(summary_paragraph(result))}</p></section>",
        f'<figure id="map">{_map_svg(result)}<figcaption>{_e(maps.ATTRIBUTION)}</figcaption></figure>',
        f'<section id="explanation"><h2>Explanation</h2>{paras}</section>',
        '<section id="countries"><h2>Countries</h2>'
        "<p>Traffic lost and capacity to the core before and after, for every country in the "
        "model. Click a column head to sort.</p>",
        _country_table(result),
        "</section>",
        f'<section id="failed"><h2>Failed cables</h2>{_failed_tables(result)}</section>',
        f'<section id="events"><h2>Events</h2><ul>{events}</ul>'
        + (f"<ul>{warnings}</ul>" if warnings else "")
        + "</section>",
        f'<section id="assumptions"><h2>Assumptions</h2><ul>{notes}</ul></section>',
        f'<section id="scenario"><h2>Scenario</h2><pre>{_e(_scenario_text(result))}</pre></section>',
        f"<footer>Made with cablesim {_e(__version__)} on the network as of {net.as_of.isoformat()}. "
        "Data: TeleGeography Submarine Cable Map (CC BY-NC-SA 3.0); Natural Earth.</footer>",
        f"</main><script>{SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"
