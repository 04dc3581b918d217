"""Helpers for the browser tests of the classroom page (test_web, test_web_page)."""

from __future__ import annotations


def open_page(browser, server, width=1400, height=850, *, accept_downloads=False):
    """A new page on the app, ready; ``requests`` and ``errors`` list what it asked for and
    the script errors it raised. Returns the context (to close) and the page."""
    ctx = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=accept_downloads
    )
    pg = ctx.new_page()
    pg.requests, pg.errors = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(server)
    pg.wait_for_selector("body[data-state=ready]", timeout=60_000)
    return ctx, pg


def wait_sim(pg, before: str) -> None:
    """Wait until the page shows a new simulation (its ``data-sim`` changed) and is ready."""
    pg.wait_for_function(
        "b => document.body.dataset.sim !== b && document.body.dataset.state === 'ready'",
        arg=before,
        timeout=60_000,
    )


def screen_xy(pg, lon: float, lat: float) -> tuple[float, float]:
    """Where the page draws ``(lon, lat)`` now, in page pixels (through the page's projection)."""
    return pg.evaluate(
        """([lon, lat]) => {
          const pt = window.cablesimPage.project([lon, lat]);
          const p = document.getElementById('map').createSVGPoint(); p.x = pt[0]; p.y = pt[1];
          const q = p.matrixTransform(document.getElementById('zoom').getScreenCTM());
          return [q.x, q.y];
        }""",
        [lon, lat],
    )


def zoom_to(pg, lon: float, lat: float, clicks: int = 6) -> None:
    """Zoom the map in on ``(lon, lat)`` with the mouse wheel."""
    pg.mouse.move(*screen_xy(pg, lon, lat))
    for _ in range(clicks):
        pg.mouse.wheel(0, -300)
        pg.wait_for_timeout(80)
