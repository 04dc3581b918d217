"""The classroom page in a real browser: narrow screens, busy corridors, tools, search, panels.

One uvicorn server on 127.0.0.1 and a free port for the module, stopped by the
module; Debian's chromium through Playwright; one page per test. The numbers
the page shows are compared with the model's own (the dataset, ``simulate``).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from _page import open_page, screen_xy, wait_sim, zoom_to  # tests/ is on the path

import cablesim
from cablesim import measures
from cablesim.network import load_network
from cablesim.web._catalog import catalog
from cablesim.web.app import Engine

AAE1 = "asia-africa-europe-1-aae-1"


@pytest.fixture
def page(browser, server):
    ctx, pg = open_page(browser, server)
    yield pg
    ctx.close()
    assert not pg.errors
    hosts = {urlsplit(u).hostname for u in pg.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}, pg.requests


@pytest.fixture
def narrow(browser, server):
    ctx, pg = open_page(browser, server, width=400, height=800)
    yield pg
    ctx.close()
    assert not pg.errors


@pytest.fixture(scope="module")
def snapshot():
    return load_network(None)


def events(pg) -> list:
    return pg.evaluate("window.cablesimPage.state().events")


def shown(value: float, digits: int) -> str:
    """``value`` as the page prints it (at most ``digits`` decimals, no trailing zeros)."""
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def box(pg, selector: str) -> dict:
    return pg.locator(selector).bounding_box()


# ------------------------------------------------------------------------------ tests


def test_catalog_has_the_cable_panels_data(snapshot):
    """Owners and landing points of every cable, as the dataset lists them (``cablesim cable``)."""
    cat = catalog(snapshot)
    stations, info = cat["stations"], cat["cable_info"]
    assert set(info) == set(snapshot.cables["cable_id"])
    for r in snapshot.cables.itertuples():
        assert info[r.cable_id]["owners"] == list(r.owners)
        assert [stations[i][0] for i in info[r.cable_id]["landings"]] == list(r.landing_point_ids)
    zaf = next(s for s in stations if s[0] == "zafarana-egypt")
    assert zaf[1:3] == ["Zafarana, Egypt", "EGY"]
    assert 32 < zaf[3] < 33.5  # lon, lat: the Gulf of Suez coast
    assert 28.5 < zaf[4] < 29.5
    # the payload the page reads carries it (the network of that date)
    net = json.loads(Engine().network_payload("2005"))
    assert "2africa" not in net["cable_info"]
    assert net["cable_info"]["seamewe-4"]["owners"]
    assert len(net["stations"]) < len(stations)


@pytest.mark.browser
def test_narrow_screen_stacks_the_map_over_the_panel(narrow):
    pg = narrow
    m, side = box(pg, "#map"), box(pg, "#side")
    assert m["width"] >= 390  # the map takes the width (it was 220 x 100 px beside the panel)
    assert m["height"] >= 180
    assert side["y"] >= m["y"] + m["height"] - 1  # the panel below it, as wide
    assert side["width"] >= 390
    # the whole world is drawn inside the map's box
    for lon, lat in [(-160, 60), (178, -18), (15, 0)]:
        x, y = screen_xy(pg, lon, lat)
        assert m["x"] <= x <= m["x"] + m["width"]
        assert m["y"] <= y <= m["y"] + m["height"]
    # the search box fits the screen, and a wide window puts the panel beside the map again
    s = box(pg, "#search")
    assert s["x"] >= 0
    assert s["x"] + s["width"] <= 400
    pg.set_viewport_size({"width": 1200, "height": 800})
    pg.wait_for_function("() => document.getElementById('side').getBoundingClientRect().top < 150")
    m, side = box(pg, "#map"), box(pg, "#side")
    assert side["x"] >= m["x"] + m["width"] - 1
    assert m["height"] > 500


def hits_at(pg, x: float, y: float) -> dict:
    return pg.evaluate(
        """([x, y]) => {
          const els = document.elementsFromPoint(x, y);
          const cables = [...new Set(els.filter(e => e.classList.contains('cable-hit'))
                                      .map(e => e.dataset.cable))];
          const chokes = els.filter(e => e.classList.contains('chokepoint')).map(e => e.dataset.chokepoint);
          return {cables, chokes};
        }""",
        [x, y],
    )


def busy_point_on(pg, cable: str) -> tuple[float, float]:
    """A point on ``cable``'s drawn route where other cables lie under the pointer too."""
    point = pg.evaluate(
        """(cable) => {
          const map = document.getElementById('map').getBoundingClientRect();
          for (const el of document.querySelectorAll(`path.cable-hit[data-cable="${cable}"]`)) {
            const n = el.getTotalLength(), m = el.getScreenCTM();
            for (let i = 1; i < 200; i++) {
              const p = el.getPointAtLength(n * i / 200).matrixTransform(m);
              if (p.x < map.left + 20 || p.x > map.right - 20 || p.y < map.top + 20 || p.y > map.bottom - 20) continue;
              const els = document.elementsFromPoint(p.x, p.y);
              if (els.some(e => e.classList.contains('chokepoint') || e.classList.contains('island'))) continue;
              const cables = new Set(els.filter(e => e.classList.contains('cable-hit')).map(e => e.dataset.cable));
              if (cables.has(cable) && cables.size >= 2) return [p.x, p.y];
            }
          }
          return null;
        }""",
        cable,
    )
    assert point, f"no busy point on {cable}"
    return point


@pytest.mark.browser
def test_busy_corridor_click_asks_which_cable(page, snapshot):
    pg = page
    zoom_to(pg, 36.0, 23.0, clicks=6)  # the Red Sea, where AAE-1 runs beside SeaMeWe-5 and others
    x, y = busy_point_on(pg, AAE1)
    under = hits_at(pg, x, y)["cables"]
    assert AAE1 in under
    assert len(under) >= 2
    pg.mouse.move(x, y)
    pg.wait_for_selector("#tip:not([hidden])")
    assert f"{len(under)} cables here" in pg.inner_text("#tip")
    sims = pg.get_attribute("body", "data-sim")
    pg.mouse.click(x, y)
    pg.wait_for_selector("#chooser:not([hidden])")
    listed = pg.eval_on_selector_all(
        "#chooser button[data-cable]", "bs => bs.map(b => b.dataset.cable)"
    )
    assert sorted(listed) == sorted(under)  # every cable under the click, nothing cut yet
    assert events(pg) == []
    assert pg.get_attribute("body", "data-sim") == sims
    # each entry says name, year and capacity, as the model has them
    row = snapshot.cables.set_index("cable_id").loc[AAE1]
    text = pg.inner_text(f"#chooser button[data-cable='{AAE1}']")
    assert row["name"] in text
    assert str(int(row["rfs_year"])) in text
    assert "Tbps" in text
    # the keyboard: the first entry has the focus, Escape closes the chooser, nothing cut
    assert pg.evaluate("document.activeElement.closest('#chooser') !== null")
    pg.keyboard.press("Escape")
    assert pg.is_hidden("#chooser")
    assert events(pg) == []
    # pick AAE-1: that cable (and no other) is cut where the user clicked, and its panel opens
    pg.mouse.click(x, y)
    pg.click(f"#chooser button[data-cable='{AAE1}']")
    wait_sim(pg, sims)
    ev = events(pg)
    assert len(ev) == 1
    assert ev[0]["cut"]["cables"] == [AAE1]
    lat, lon = ev[0]["cut"]["near"]
    ex, ey = screen_xy(pg, lon, lat)
    assert (ex - x) ** 2 + (ey - y) ** 2 < 6**2  # where the user clicked, on AAE-1's route
    assert pg.is_hidden("#chooser")
    assert pg.get_attribute("#detail-box", "data-id") == AAE1
    pg.wait_for_function(
        "() => document.querySelector('[data-field=cable-status]').textContent.includes('cut')"
    )
    # a chokepoint's mark never closes it on a click: it is an entry of the chooser
    sims = pg.get_attribute("body", "data-sim")
    pg.locator("path.chokepoint[data-chokepoint=suez]").click()
    pg.wait_for_selector("#chooser:not([hidden])")
    assert pg.locator("#chooser button[data-chokepoint=suez]").count() == 1
    assert "closed" not in pg.get_attribute("path.chokepoint[data-chokepoint=suez]", "class")
    assert len(events(pg)) == 1
    pg.click("#chooser button[data-chokepoint=suez]")
    wait_sim(pg, sims)
    assert events(pg)[-1]["chokepoint"]["id"] == "suez"
    assert "closed" in pg.get_attribute("path.chokepoint[data-chokepoint=suez]", "class")


@pytest.mark.browser
def test_draw_then_reset_leaves_no_tool_on(page):
    pg = page
    sims = pg.get_attribute("body", "data-sim")
    pg.select_option("#preset", "suez-closure")
    wait_sim(pg, sims)
    # traffic and capacity each under their own label (the Seychelles lose traffic, not capacity)
    pg.evaluate("window.cablesimPage.selectCountry('SYC')")
    pg.wait_for_selector("#country-box[data-iso3=SYC] [data-field=capacity]")
    labels = pg.evaluate("window.cablesimPage.labels")
    # the page's labels of measures are those of the one vocabulary (cablesim.measures)
    words = {m["key"]: m["label"] for m in measures.table()}
    assert labels["traffic_lost_pct"].lower() == words["loss_pct_immediate"][: -len(" (%)")]
    assert labels["depends_loss"].lower() == words["capacity_loss_pct"][: -len(" (%)")]
    facts = dict(
        zip(
            pg.eval_on_selector_all("#country-facts dt", "els => els.map(e => e.textContent)"),
            pg.eval_on_selector_all("#country-facts dd", "els => els.map(e => e.textContent)"),
            strict=True,
        )
    )
    syc = cablesim.simulate(cablesim.find_scenario("suez-closure")).country("SYC")
    assert facts[labels["traffic_lost_pct"]] == f"{shown(syc['loss_pct'], 1)} %"
    cap = facts[labels["capacity_to_core"]].replace(",", "")
    assert f"({shown(syc['capacity_loss_pct'], 1)} % capacity lost)" in cap
    assert f"→ {shown(syc['remaining_tbps'], 2)} Tbps" in cap
    assert "Capacity lost" not in facts  # the old label over a traffic figure
    assert syc["loss_pct"] > syc["capacity_loss_pct"] + 10
    # draw one area: the tool turns itself off, so the next drag pans instead of drawing
    pg.click("#tool-area")
    assert pg.get_attribute("#tool-area", "aria-pressed") == "true"
    m = box(pg, "#map")
    cx, cy = m["x"] + m["width"] * 0.3, m["y"] + m["height"] * 0.75  # the South Atlantic
    sims = pg.get_attribute("body", "data-sim")
    pg.mouse.move(cx, cy)
    pg.mouse.down()
    pg.mouse.move(cx + 25, cy, steps=4)
    pg.mouse.up()
    wait_sim(pg, sims)
    n = len(events(pg))
    assert "area" in events(pg)[-1]
    assert pg.get_attribute("#tool-area", "aria-pressed") == "false"
    assert "area-mode" not in (pg.get_attribute("#map", "class") or "")
    pg.mouse.move(cx, cy)
    pg.mouse.down()
    pg.mouse.move(cx + 25, cy, steps=4)
    pg.mouse.up()
    pg.wait_for_timeout(300)
    assert len(events(pg)) == n
    # Reset: no events, no tool on, no stale preset in the "Open" menu
    pg.click("#tool-area")
    sims = pg.get_attribute("body", "data-sim")
    pg.click("#reset")
    wait_sim(pg, sims)
    assert events(pg) == []
    assert pg.get_attribute("#tool-area", "aria-pressed") == "false"
    assert pg.input_value("#preset") == ""
    assert pg.inner_text("#scenario-name") == "Intact network"


@pytest.mark.browser
def test_search_finds_cables_countries_and_stations(page, snapshot):
    pg = page
    search = pg.locator("#search")
    assert search.get_attribute("role") == "combobox"
    # a cable by the short name in brackets, picked with the keyboard
    search.fill("aae")
    pg.wait_for_selector("#search-results:not([hidden])")
    first = pg.locator("#search-results li[role=option]").first
    assert first.get_attribute("data-key") == AAE1
    assert search.get_attribute("aria-activedescendant") == first.get_attribute("id")
    search.press("Enter")
    pg.wait_for_selector(f"#detail-box[data-id='{AAE1}']")
    assert pg.is_hidden("#search-results")
    row = snapshot.cables.set_index("cable_id").loc[AAE1]
    assert pg.inner_text("#detail-name") == row["name"]
    assert pg.inner_text("[data-field=year]").startswith(str(int(row["rfs_year"])))
    assert pg.inner_text("[data-field=owners]") == ", ".join(row["owners"])
    shown = pg.eval_on_selector_all(
        "#detail-list button[data-open=station]", "bs => bs.map(b => b.dataset.key)"
    )
    assert shown
    assert set(shown) <= set(row["landing_point_ids"])
    assert pg.locator(f"path.cable.highlight[data-cable='{AAE1}']").count() >= 1
    # its cut button cuts the whole cable
    sims = pg.get_attribute("body", "data-sim")
    pg.click("#cut-cable")
    wait_sim(pg, sims)
    assert events(pg)[-1]["cable"]["id"] == AAE1
    assert pg.is_disabled("#cut-cable")
    # a country without its accent, picked with the mouse: its panel opens
    search.fill("cote d")
    pg.locator("#search-results li[data-kind=country][data-key=CIV]").click()
    pg.wait_for_selector("#country-box[data-iso3=CIV]")
    assert "Ivoire" in pg.inner_text("#country-name")
    # a station: the cables that land there, as the dataset lists them
    search.fill("Zafarana")
    pg.wait_for_selector("#search-results li[data-kind=station]")
    search.press("ArrowDown")
    search.press("ArrowUp")
    search.press("Enter")
    pg.wait_for_selector("#detail-box[data-kind=station]")
    lands = {
        r.cable_id for r in snapshot.cables.itertuples() if "zafarana-egypt" in r.landing_point_ids
    }
    listed = pg.eval_on_selector_all(
        "#detail-list button[data-open=cable]", "bs => bs.map(b => b.dataset.key)"
    )
    assert set(listed) == lands
    assert len(lands) >= 3
    assert pg.locator("circle.found-station[data-station=zafarana-egypt]").count() == 1
    # nothing found is said, and Escape empties the box
    search.fill("atlantis")
    assert "nothing found" in pg.inner_text("#search-results")
    search.press("Escape")
    search.press("Escape")
    assert search.input_value() == ""
