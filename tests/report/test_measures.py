"""One vocabulary (issue 23 item 1): every output puts each number under the label of its measure.

A tiny network where one country's traffic loss, traffic loss after rerouting
and capacity loss all differ (BBB, cable z cut: three different figures, checked
by the fixture), so a number under
the wrong label is caught: terminal, Markdown, CSV, JSON, HTML, map legend,
timeline (terminal, Markdown, plot), comparison (terminal, map) and the web API.
"""

from __future__ import annotations

import csv
import io
import json
import re

import matplotlib
import matplotlib.pyplot as plt
import pytest
from rich.console import Console

import cablesim
from cablesim import maps, measures, report
from cablesim.analyses.timeline import simulate_timeline
from cablesim.report import compare as report_compare
from cablesim.report import timeline as report_timeline

STATIONS = {
    "a1": ("AAA", 0.0, 0.0, 0),
    "b1": ("BBB", 2.0, -2.0, 0),
    "c1": ("CCC", 4.0, 0.0, 0),
    "d1": ("DDD", 2.0, 2.0, 0),
}
CABLES = {
    "x": (1.0, [("a1", "c1")]),
    "y": (4.0, [("a1", "b1")]),
    "z": (4.0, [("b1", "c1")]),
    "w": (0.5, [("d1", "c1")]),
    "v": (0.5, [("d1", "a1")]),
}


@pytest.fixture(scope="module")
def net():
    from conftest import tiny_network

    return tiny_network(stations=STATIONS, cables=CABLES)


@pytest.fixture(scope="module")
def cut(net):
    doc = {"name": "cut z", "options": {"core": ["CCC"]}, "events": [{"cable": "z"}]}
    return cablesim.simulate(cablesim.load_scenario(doc, network=net), network=net)


@pytest.fixture(scope="module")
def bbb(cut):
    row = cut.to_frame().set_index("iso3").loc["BBB"]
    # the three measures differ, so a number under the wrong label shows
    vals = {row["loss_pct_immediate"], row["loss_pct_rerouted"], row["capacity_loss_pct"]}
    assert len(vals) == 3
    assert row["loss_pct"] > 0
    return row


def _rich(render, obj, **kw) -> str:
    con = Console(record=True, width=400, color_system=None)
    render(obj, console=con, **kw)
    return con.export_text()


def _table(text: str, first: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the rich table whose header starts with ``first``."""
    lines = text.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip().startswith(first) and "┃" in ln)
    head = [c.strip() for c in lines[at].split("┃")]
    rows = []
    for ln in lines[at + 2 :]:
        if "│" not in ln:
            break
        rows.append([c.strip() for c in ln.split("│")])
    return head, rows


def _cell(head, rows, who: str, col: str) -> str:
    row = next(r for r in rows if r[0].startswith(who))
    return row[head.index(col)]


# ------------------------------------------------------------------------------ the table


def test_traffic_and_capacity_never_share_a_label():
    rows = measures.table(headline_of="traffic")
    traffic = [r for r in rows if r["kind"] == "traffic"]
    capacity = [r for r in rows if r["kind"] == "capacity"]
    assert traffic
    assert capacity
    for r in traffic:
        for text in (r["label"], r["short"]):
            assert "traffic" in text, r
            assert "capacity" not in text, r
    for r in capacity:
        for text in (r["label"], r["short"]):
            assert "capacity" in text, r
            assert "traffic" not in text, r
    labels = [r["label"] for r in rows[1:]]
    shorts = [r["short"] for r in rows[1:]]
    assert len(set(labels)) == len(labels)
    assert len(set(shorts)) == len(shorts)
    # the headline takes the label of what it measures
    assert measures.label("loss_pct") == measures.label("loss_pct_immediate")
    assert measures.label("loss_pct", headline_of="capacity") == measures.label("capacity_loss_pct")
    assert json.loads(json.dumps(rows)) == rows  # the web API serves it as it is


def test_to_frame_is_flat_with_a_column_per_measure_and_region(cut, bbb):
    frame = cut.to_frame()
    assert len(frame) == len(cut.countries)
    assert frame["iso3"].is_unique
    for col in frame.columns:
        m = measures.measure(col)  # every column is a measure of the vocabulary
        assert m.key == col
        assert not frame[col].map(lambda v: isinstance(v, dict | list)).any(), col
    regional = [c for c in frame.columns if c.startswith("capacity_loss_pct_to_")]
    assert regional
    assert all(measures.measure(c).kind == "capacity" for c in regional)
    assert frame.attrs["measure"] == "traffic"


# ------------------------------------------------------------------------------ one result


def test_csv_and_json_hold_the_frame_columns(cut, bbb):
    rows = list(csv.DictReader(io.StringIO(report.to_csv(cut))))
    assert list(rows[0]) == list(cut.to_frame().columns)
    b = next(r for r in rows if r["iso3"] == "BBB")
    for key in ("loss_pct_immediate", "loss_pct_rerouted", "capacity_loss_pct"):
        assert float(b[key]) == pytest.approx(bbb[key], abs=1e-4), key
    data = json.loads(report.to_json(cut))
    jb = next(c for c in data["countries"] if c["iso3"] == "BBB")
    assert list(jb) == list(cut.to_frame().columns)
    assert jb["capacity_loss_pct"] == pytest.approx(bbb["capacity_loss_pct"])
    by_key = {m["key"]: m for m in data["measures"]}
    assert by_key["loss_pct"]["label"] == measures.TRAFFIC_LOSS.label
    assert set(jb) <= set(by_key) | {k for k in jb if k.startswith("capacity_loss_pct_to_")}


def test_terminal_puts_each_number_under_its_label(cut, bbb):
    text = _rich(report.render_terminal, cut)
    head, rows = _table(text, "country")
    for key in ("loss_pct_immediate", "loss_pct_rerouted", "capacity_loss_pct"):
        assert _cell(head, rows, "Country BBB", measures.short(key)) == f"{bbb[key]:.1f}", key
    assert "capacity lost %" in head
    assert "traffic lost %" in head
    assert "loss %" not in head  # no bare 'loss' a reader must guess


def test_markdown_table_columns_are_measures_with_their_meaning(cut, bbb):
    md = report.to_markdown(cut)
    lines = md.splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("| iso3 | name | status"))
    head = [c.strip().replace("\\_", "_") for c in lines[at].strip("|").split("|")]
    row = next(ln for ln in lines[at:] if ln.startswith("| BBB"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    for key in ("loss_pct_immediate", "loss_pct_rerouted", "capacity_loss_pct"):
        assert float(cells[head.index(key)]) == pytest.approx(bbb[key], abs=0.01)
        assert f"- `{key}` ({measures.label(key)}):" in md


def test_html_headings_and_cells(cut, bbb):
    page = report.write.__globals__["_html"].render(cut)
    heads = re.findall(r'<th data-key="([a-z_0-9]+)"[^>]*title="([^"]*)">([^<]*)</th>', page)
    assert heads
    for key, title, text in heads:
        m = measures.measure(key)
        assert text.replace("&amp;", "&") == m.short
        assert title == m.meaning.replace("'", "&#x27;")
    keys = [k for k, _, _ in heads]
    row = re.search(r'<tr data-iso3="BBB">(.*?)</tr>', page).group(1)
    vals = [re.search(r'data-v="([^"]*)"', td) for td in re.findall(r"<td([^>]*)>", row)]
    vals = [v.group(1) if v else "" for v in vals]
    for key in ("loss_pct_immediate", "loss_pct_rerouted", "capacity_loss_pct"):
        assert float(vals[keys.index(key)]) == pytest.approx(bbb[key])


def test_map_legend_is_titled_with_the_measure_its_colours_show(cut):
    fig, ax = maps.plot_impact(cut, size=(6, 4), dpi=40)
    leg = next(c for c in ax.get_children() if isinstance(c, matplotlib.legend.Legend))
    assert leg.get_title().get_text() == "Traffic lost in the first days (%)"
    entries = [t.get_text() for t in leg.get_texts()]
    assert not any("capacity" in e for e in entries)  # the colours are traffic
    plt.close(fig)


def test_web_rows_use_the_vocabulary(cut):
    from cablesim.web.app import _country_rows

    rows = _country_rows(cut)
    known = {m["key"] for m in measures.table(headline_of="traffic")} | {"color"}
    assert set(rows[0]) <= known
    assert {"loss_pct_immediate", "capacity_loss_pct", "demand_tbps"} <= set(rows[0])


# ------------------------------------------------------------------------------ a timeline


@pytest.fixture(scope="module")
def timeline(net):
    doc = {
        "name": "z then w",
        "options": {"core": ["CCC"]},
        "events": [
            {"cable": {"id": "z", "at": "2021-01-01", "repair_days": 20}},
            {"cable": {"id": "w", "at": "2021-01-02", "repair_days": 5}},
        ],
    }
    return simulate_timeline(cablesim.load_scenario(doc, network=net), network=net)


def test_timeline_outputs_say_which_measure(timeline):
    text = _rich(report_timeline.render_terminal, timeline)
    assert f"Worst hit over time: {measures.TRAFFIC_LOSS.label}" in text
    assert "of its capacity to the core" not in text
    head, rows = _table(text, "country")
    st = timeline.states[0].result.to_frame().set_index("iso3").loc["BBB"]
    cap = _cell(head, rows, "Country BBB", measures.short("capacity_loss_pct"))
    assert cap == f"{st['capacity_loss_pct']:.1f}"
    # the worst-over-time table shows the headline loss of each state
    lines = text[text.index("Worst hit over time") :].splitlines()
    wh, wrows = _table("\n".join(lines), "country")
    assert _cell(wh, wrows, "Country BBB", wh[1]) == f"{st['loss_pct']:.0f}"
    md = report_timeline.to_markdown(timeline)
    assert f"- `capacity_loss_pct` ({measures.label('capacity_loss_pct')})" in md
    assert f"Worst loss: {measures.TRAFFIC_LOSS.label}." in md
    csv_head = report_timeline.to_csv(timeline).splitlines()[0].split(",")
    assert {"loss_pct", "capacity_loss_pct", "remaining_tbps"} <= set(csv_head)


def test_timeline_plot_draws_the_measure_of_the_tables(timeline):
    fig, ax = maps.plot_timeline(timeline)
    assert ax.get_ylabel() == measures.TRAFFIC_LOSS.label
    lines = {ln.get_label(): ln.get_ydata() for ln in ax.get_lines() if "(" in ln.get_label()}
    bbb = lines["Country BBB (BBB)"]
    lg = timeline.long.set_index(["iso3", "day"])
    assert bbb[0] == pytest.approx(lg.loc[("BBB", 0), "loss_pct"])
    # the legend lists only countries whose line moves
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    moving = {
        iso
        for iso, g in timeline.long.groupby("iso3")
        if g["loss_pct"].max() - g["loss_pct"].min() >= 0.05
    }
    assert legend
    assert {x.split("(")[-1].rstrip(")") for x in legend} <= moving
    plt.close(fig)


# ------------------------------------------------------------------------------ a comparison


def test_compare_heading_names_the_measure(net):
    from conftest import tiny_network

    bigger = tiny_network(stations=STATIONS, cables={**CABLES, "x": (4.0, [("a1", "c1")])})
    doc = {"name": "cut z", "options": {"core": ["CCC"]}, "events": [{"cable": "z"}]}
    comp = cablesim.compare(
        cablesim.load_scenario(doc, network=net),
        cablesim.load_scenario(doc, network=bigger),
        network=net,
        network_b=bigger,
        explain=0,
    )
    text = _rich(report_compare.render_terminal, comp)
    assert "Traffic lost in the first days (%): A vs B" in text
    assert "Capacity to the core: A vs B" not in text
    head, rows = _table(text, "country")
    row = comp.table.set_index("iso3").loc["BBB"]
    cell = _cell(head, rows, "Country BBB", f"A {measures.short('loss_pct')}")
    assert cell == f"{row['loss_pct_a']:.1f}"
    cell = _cell(head, rows, "Country BBB", f"B {measures.short('remaining_tbps')}")
    assert float(cell) == pytest.approx(row["remaining_tbps_b"], rel=0.01)
    assert "Tbps of capacity to the core lost" in text


def test_timeline_plot_event_labels_do_not_overlap(net):
    doc = {
        "name": "three cuts a day apart",
        "options": {"core": ["CCC"]},
        "events": [
            {"cable": {"id": c, "at": f"2021-01-0{i + 1}", "repair_days": 30}}
            for i, c in enumerate(("z", "w", "x"))
        ],
    }
    tl = simulate_timeline(cablesim.load_scenario(doc, network=net), network=net)
    fig, ax = maps.plot_timeline(tl)
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(r) for t in ax.texts if t.get_gid() == "event-label"]
    assert len(boxes) == 3
    assert not [(i, j) for i in range(3) for j in range(i) if boxes[i].overlaps(boxes[j])]
    plt.close(fig)


def test_explanation_names_each_share_for_its_measure(cut, bbb):
    """The traffic loss and the broken cables' shares are told as what they are (issue 23:
    "could no longer send 17%" beside cables that "carried about 2.1% and 1.5%")."""
    text = report.explain(cut)
    para = next(p for p in text.split("\n\n") if p.startswith("Country BBB could no longer"))
    assert f"send {bbb['loss_pct_immediate']:.0f}% of its traffic in the first days" in para
    assert f"It lost {bbb['capacity_loss_pct']:.0f}% of its capacity to the core" in para
    # the broken cable's share is of the capacity to the core, and says so
    assert re.search(r"Z \(about \d+% of Country BBB's capacity to the core\)", para)
    assert "of its traffic)" not in para
    assert "kept at least 90% of their traffic in the first days" in text


def test_timeline_json_rows_are_flat_measures(timeline):
    data = json.loads(report_timeline.to_json(timeline))
    keys = {m["key"] for m in data["measures"]}
    assert data["measures"][0]["label"] == measures.TRAFFIC_LOSS.label
    rows = [c for st in data["states"] for c in st["countries"]]
    assert rows
    for row in rows:
        assert not [k for k, v in row.items() if isinstance(v, dict | list)]
        assert set(row) <= keys | {k for k in row if k.startswith("capacity_loss_pct_to_")}


def test_capacity_measure_prints_no_nan_and_claims_no_traffic(net):
    """``measure: capacity`` runs no traffic model: its traffic cells are "–", not "nan",
    and the summary says nothing of traffic no longer carried."""
    doc = {
        "name": "cut z",
        "options": {"core": ["CCC"], "measure": "capacity"},
        "events": [{"cable": "z"}],
    }
    res = cablesim.simulate(cablesim.load_scenario(doc, network=net), network=net)
    assert res.to_frame()["loss_pct_immediate"].isna().all()
    text = _rich(report.render_terminal, res)
    assert not re.search(r"\bnan\b", text, re.I)
    assert "could no longer be carried" not in text
    assert "could no longer be carried" not in report.to_markdown(res)
