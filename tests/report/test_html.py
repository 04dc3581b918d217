"""The self-contained HTML report: content, no external resources, and a real headless browser."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

import cablesim
from cablesim import report
from cablesim.report import html as _html

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def alexandria():
    return cablesim.simulate(cablesim.find_scenario("alexandria-2008"))


@pytest.fixture(scope="module")
def page(alexandria, tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "alexandria.html"
    report.write(alexandria, path)
    return path


# ------------------------------------------------------------------------------ static content


def test_report_holds_every_part(alexandria, page):
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for section in (
        "summary",
        "map",
        "explanation",
        "countries",
        "failed",
        "events",
        "assumptions",
        "scenario",
    ):
        assert f'id="{section}"' in text, section
    assert "<svg" in text
    assert 'id="failed-segments"' in text
    assert report.summary_paragraph(alexandria).split(".")[0] in text.replace("&#x27;", "'")
    # the scenario document itself, as written
    src = Path(alexandria.scenario.source).read_text(encoding="utf-8")
    assert "seamewe-4" in src
    assert "near: [31.2515, 29.8415]" in text
    for note in alexandria.notes[:2]:
        assert note.split(":")[0] in text
    for name in alexandria.failed_cables["name"]:
        assert name in text
    # one row per country in the model
    assert text.count("<tr data-iso3=") == len(alexandria.countries)


def test_report_loads_nothing_from_outside(page):
    text = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in text
    assert "default-src 'none'" in text
    # no resource is referenced by URL: no src/href/url()/@import pointing anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", text, re.I)
    assert "@import" not in text
    assert "<link" not in text
    assert "<iframe" not in text
    assert "<img" not in text
    # the only URLs left are XML namespace names of the inline SVG
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_text_is_escaped(alexandria):
    sc = alexandria.scenario
    evil = type(sc)(**{**sc.__dict__, "name": "<script>alert(1)</script>", "source": "<dict>"})
    r = type(alexandria)(**{**alexandria.__dict__, "scenario": evil})
    text = _html.render(r, explanation="a < b & c")
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "a &lt; b &amp; c" in text


# ------------------------------------------------------------------------------ headless browser


def _chromium(url: str, tmp: Path) -> tuple[str, list[dict]]:
    """Open ``url`` in headless Chromium with the network disabled; return the DOM and page requests.

    Page requests are the netlog's URL requests made for a ``file://`` page (the browser's
    own background requests, e.g. to update services, carry no page origin and are ignored).
    """
    netlog = tmp / "netlog.json"
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-extensions",
        "--no-first-run",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
        f"--user-data-dir={tmp / 'profile'}",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        f"--log-net-log={netlog}",
        "--virtual-time-budget=3000",
        "--dump-dom",
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    log = json.loads(netlog.read_text(encoding="utf-8"))
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    requests = []
    for ev in log["events"]:
        p = ev.get("params") or {}
        if types.get(ev["type"]) != "URL_REQUEST_START_JOB" or "url" not in p:
            continue
        from_page = "file://" in str(p.get("network_isolation_key", "")) or "file://" in str(
            p.get("site_for_cookies", "")
        )
        if from_page and not p["url"].startswith(("file:", "data:", "about:", "blob:")):
            requests.append(p)
    return out.stdout, requests


@pytest.mark.browser
@needs_chromium
def test_page_renders_in_chromium_and_fetches_nothing(page, alexandria, tmp_path):
    dom, requests = _chromium(page.as_uri(), tmp_path)
    assert requests == []
    assert 'data-sortable="ready"' in dom  # the inline script ran
    assert 'id="country-table"' in dom
    assert dom.count("<tr data-iso3=") == len(alexandria.countries)
    assert "<svg" in dom
    assert 'id="failed-segments"' in dom
    assert "Egypt" in dom


@pytest.mark.browser
@needs_chromium
def test_table_sorts_in_chromium(page, alexandria, tmp_path):
    dom, requests = _chromium(page.as_uri() + "#sort=baseline_tbps-asc", tmp_path)
    assert requests == []
    table = dom[dom.index('id="country-table"') :]
    order = re.findall(r'<tr data-iso3="([A-Z0-9]+)"', table)
    base = alexandria.countries.set_index("iso3")["baseline_tbps"]
    values = [base[i] for i in order]
    assert values == sorted(values)
    assert order != alexandria.countries["iso3"].tolist()  # it really moved
    assert 'aria-sort="ascending"' in table


@pytest.mark.browser
@needs_chromium
def test_request_detector_sees_a_page_that_does_fetch(tmp_path):
    """Negative control: the same check flags a page that loads an image and a script from outside."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body><img src="http://example.invalid/x.png">'
        '<script src="https://cdn.example.invalid/x.js"></script></body></html>'
    )
    _, requests = _chromium(bad.as_uri(), tmp_path)
    urls = {r["url"] for r in requests}
    assert urls == {"http://example.invalid/x.png", "https://cdn.example.invalid/x.js"}
