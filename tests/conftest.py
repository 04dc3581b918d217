"""Shared fixtures: tiny hand-built networks with answers known by construction, and the real one."""

from __future__ import annotations

import datetime as dt
import signal
import socket
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import cablesim
from cablesim import _procs
from cablesim.dataset._schema import TABLES
from cablesim.network import Network


def _frame(name: str, rows: list[dict]) -> gpd.GeoDataFrame:
    cols = [c.name for c in TABLES[name]]
    extra = {"cables": ["landing_point_ids"]}.get(name, [])
    df = pd.DataFrame(rows, columns=cols + extra)
    return gpd.GeoDataFrame(df, geometry="geometry", crs=4326) if "geometry" in cols else df


def tiny_network(
    *,
    stations: dict[str, tuple[str, float, float, int]],
    cables: dict[str, tuple[float, list[tuple[str, str]]]],
    branching_units: dict[str, tuple[float, float]] | None = None,
    links: list[tuple] = (),
    hubs: dict[tuple[str, int], tuple[float, float]] | None = None,
    chokepoints: dict[str, list[tuple[float, float]]] | None = None,
    areas: dict[str, float] | None = None,
    regions: dict[str, str] | None = None,
) -> Network:
    """Build a :class:`Network` from a compact description.

    stations: id -> (iso3, lon, lat, landmass); cables: id -> (capacity, [(from, to), ...]);
    links: (iso3 a, iso3 b, capacity[, kind]) between the main land masses, kind "border"
    (assumed, the default) or "sourced"; areas: iso3 -> land area (km², default 100,000
    per land mass); regions: iso3 -> region (default "Test"). Segments are straight lines.
    """
    branching_units = branching_units or {}
    where = {k: (v[1], v[2]) for k, v in stations.items()} | branching_units
    isos = sorted(
        {v[0] for v in stations.values()} | {ln[0] for ln in links} | {ln[1] for ln in links}
    )
    countries, landmasses = [], []
    hubs = dict(hubs or {})
    for iso in isos:
        pts = [(v[1], v[2]) for v in stations.values() if v[0] == iso]
        masses = sorted({v[3] for v in stations.values() if v[0] == iso} | {0})
        geoms = []
        for k in masses:
            mpts = [(v[1], v[2]) for v in stations.values() if v[0] == iso and v[3] == k]
            hub = hubs.get((iso, k)) or (
                tuple(np.mean(mpts, axis=0)) if mpts else hubs.get((iso, 0))
            )
            if hub is None:
                hub = (float(len(countries) * 10), 50.0)
            hubs[(iso, k)] = hub
            poly = shapely.Point(hub).buffer(0.5)
            geoms.append(poly)
            landmasses.append(
                {
                    "landmass_id": f"{iso}:{k}",
                    "iso3": iso,
                    "landmass": k,
                    "area_km2": float((areas or {}).get(iso, 100_000.0)),
                    "hub_lon": hub[0],
                    "hub_lat": hub[1],
                    "geometry": shapely.MultiPolygon([poly]),
                }
            )
        countries.append(
            {
                "iso3": iso,
                "name": f"Country {iso}",
                "region": (regions or {}).get(iso, "Test"),
                "subregion": "Test",
                "population": 1,
                "income_group": "1. High income: OECD",
                "n_landing_points": len(pts),
                "synthetic_polygon": False,
                "geometry": shapely.MultiPolygon(geoms),
            }
        )
    lps = [
        {
            "landing_point_id": k,
            "name": f"{k}, Country {v[0]}",
            "city": k,
            "source_country": v[0],
            "iso3": v[0],
            "landmass": v[3],
            "is_tbd": False,
            "geometry": shapely.Point(v[1], v[2]),
        }
        for k, v in stations.items()
    ]
    cab_rows, seg_rows = [], []
    for cid, (cap, pairs) in cables.items():
        members = sorted({n for p in pairs for n in p if n in stations})
        length = 0.0
        for i, (a, b) in enumerate(pairs, start=1):
            geom = shapely.LineString([where[a], where[b]])
            km = float(cablesim._geo.geodesic_length_km(geom))
            length += km
            seg_rows.append(
                {
                    "segment_id": f"{cid}#{i}",
                    "cable_id": cid,
                    "from_node": a,
                    "to_node": b,
                    "length_km": km,
                    "capacity_tbps": cap,
                    "inferred": False,
                    "geometry": geom,
                }
            )
        cab_rows.append(
            {
                "cable_id": cid,
                "name": cid.upper(),
                "rfs_year": 2000,
                "rfs_month": 1,
                "rfs_date": dt.date(2000, 1, 1),
                "planned": False,
                "length_stated_km": None,
                "length_measured_km": length,
                "owners": [],
                "url": None,
                "n_landing_points": len(members),
                "capacity_tbps": cap,
                "capacity_at_rfs_tbps": cap,
                "capacity_basis": "published",
                "capacity_source": "test",
                "capacity_spread": 1.0,
                "fiber_pairs": None,
                "lit_capacity_tbps": None,
                "landing_point_ids": members,
            }
        )
    bus = [
        {
            "node_id": k,
            "cable_id": k.split(":")[1] if ":" in k else "x",
            "geometry": shapely.Point(v),
        }
        for k, v in branching_units.items()
    ]
    link_rows = []
    for i, (a, b, cap, *kind) in enumerate(links):
        kind = kind[0] if kind else "border"
        ha, hb = hubs[(a, 0)], hubs[(b, 0)]
        link_rows.append(
            {
                "link_id": f"{kind}:{a}-{b}:{i}",
                "from_iso3": a,
                "to_iso3": b,
                "from_node": f"land:{a}:0",
                "to_node": f"land:{b}:0",
                "kind": kind,
                "capacity_tbps": cap,
                "length_km": 100.0,
                "confidence": "assumed",
                "source": "test",
                "geometry": shapely.LineString([ha, hb]),
            }
        )
    cps = [
        {
            "chokepoint_id": k,
            "name": k,
            "description": "",
            "holds": "",
            "source": "test",
            "n_cables": 0,
            "geometry": shapely.Polygon(v),
        }
        for k, v in (chokepoints or {}).items()
    ]
    tables = {
        "countries": _frame("countries", countries),
        "landmasses": _frame("landmasses", landmasses),
        "landing_points": _frame("landing_points", lps),
        "cables": _frame("cables", cab_rows),
        "segments": _frame("segments", seg_rows),
        "branching_units": _frame("branching_units", bus),
        "chokepoints": _frame("chokepoints", cps),
        "terrestrial_links": _frame("terrestrial_links", link_rows),
    }
    return Network.from_geodataframes(tables, as_of=dt.date(2021, 1, 1))


def run_tiny(net: Network, events: list, **options) -> cablesim.Result:
    """Simulate ``events`` (scenario event forms) on a tiny network, with scenario ``options``."""
    doc = {"name": "t", "events": events}
    if options:
        doc["options"] = options
    return cablesim.simulate(cablesim.load_scenario(doc, network=net), network=net)


def pytest_collection_modifyitems(items):
    """Browser tests are slow tests too: ``pytest -m "not slow"`` leaves them out."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Run in parallel by default: one pytest-xdist worker per CPU (at most 4), each test file
    on one worker (``--dist loadfile``: a file's world networks are built once).

    ``-n 0`` (or ``-n N``, ``--dist ...``) chooses otherwise; ``-p no:xdist`` and ``--pdb``
    run serially; so does anything that only collects.
    """
    opt = config.option
    if (
        not config.pluginmanager.has_plugin("xdist")
        or hasattr(config, "workerinput")  # a worker itself
        or getattr(opt, "numprocesses", 0) is not None  # -n given
        or getattr(opt, "dist", "no") != "no"
        or getattr(opt, "tx", None)
        or opt.usepdb
        or opt.collectonly
    ):
        return
    opt.numprocesses = "logical"
    opt.maxprocesses = opt.maxprocesses or 4
    opt.dist = "loadfile"


_SIGINTS = [0]


def pytest_configure(config):
    """Count Ctrl-C: code under test may catch the KeyboardInterrupt (a sweep returns what it
    finished, a command exits 130), so the count, not the exception, says the user asked."""
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):
        _SIGINTS[0] += 1
        if callable(previous):
            previous(signum, frame)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Ctrl-C stops pytest, even where the code under test turned it into a partial result."""
    before = (_SIGINTS[0], _procs.signals_caught())
    result = yield
    if (_SIGINTS[0], _procs.signals_caught()) != before:
        raise KeyboardInterrupt
    return result


@pytest.fixture
def run():
    """:func:`run_tiny`, as a fixture."""
    return run_tiny


@pytest.fixture
def branchy():
    """A (a1) and B (b1) hang off cable X, whose trunk ends in the core C (c1); A also has Y to C.

    X: a1 --10-- bu --10-- c1, branch bu --10-- b1.  Y: a1 --5-- c1.
    """
    return tiny_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "b1": ("BBB", 2.0, -2.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
        },
        branching_units={"bu:x:1": (2.0, 0.0)},
        cables={
            "x": (10.0, [("a1", "bu:x:1"), ("bu:x:1", "c1"), ("bu:x:1", "b1")]),
            "y": (5.0, [("a1", "c1")]),
        },
    )


@pytest.fixture
def strait_net():
    """A (a1) reaches the core C by cable X (10) through a strait, and by cable Z (3) around it."""
    return tiny_network(
        stations={
            "a1": ("AAA", 0.0, 0.0, 0),
            "c1": ("CCC", 4.0, 0.0, 0),
            "c2": ("CCC", 4.0, 3.0, 0),
        },
        cables={"x": (10.0, [("a1", "c1")]), "z": (3.0, [("a1", "c2")])},
        chokepoints={"strait": [(1.9, -1.0), (2.1, -1.0), (2.1, 1.0), (1.9, 1.0)]},
    )


@pytest.fixture
def make_network():
    """The tiny-network builder."""
    return tiny_network


@pytest.fixture(scope="session")
def world() -> Network:
    """The real bundled network of today (the default: the merged 2021 + 2026 network)."""
    return cablesim.load_network()


@pytest.fixture(scope="session")
def regional(world) -> Network:
    """A mid-sized real network: the cables of today's world network whose every station lies
    in Europe, Africa, the Middle East or western South Asia (lon -25..80, lat -40..72), with
    the countries and land links among them: about a third of the world network (246 cables,
    921 segments, 138 countries). For checks of the engine against an independent oracle,
    which a third of the network shows as well as all of it; use the European hubs of the
    default core as its core (GBR, DEU, FRA, NLD)."""
    lon, lat = (-25.0, 80.0), (-40.0, 72.0)
    t = world.to_geodataframes()
    lps = t["landing_points"]
    inside = set(
        lps.loc[lps.geometry.x.between(*lon) & lps.geometry.y.between(*lat), "landing_point_id"]
    )
    cables = t["cables"]
    cables = cables[cables["landing_point_ids"].map(lambda m: len(m) > 0 and set(m) <= inside)]
    ids = set(cables["cable_id"])
    members = {m for ms in cables["landing_point_ids"] for m in ms}
    lps = lps[lps["landing_point_id"].isin(members)]
    lm = t["landmasses"]
    isos = set(lm.loc[lm["hub_lon"].between(*lon) & lm["hub_lat"].between(*lat), "iso3"])
    isos |= set(lps["iso3"])
    links = t["terrestrial_links"]
    links = links[links["from_iso3"].isin(isos) & links["to_iso3"].isin(isos)]
    isos &= set(lps["iso3"]) | set(links["from_iso3"]) | set(links["to_iso3"])
    tables = {
        **t,
        "cables": cables,
        "segments": t["segments"][t["segments"]["cable_id"].isin(ids)],
        "branching_units": t["branching_units"][t["branching_units"]["cable_id"].isin(ids)],
        "landing_points": lps,
        "terrestrial_links": links,
        "countries": t["countries"][t["countries"]["iso3"].isin(isos)],
        "landmasses": lm[lm["iso3"].isin(isos)],
    }
    tables = {k: v.reset_index(drop=True) for k, v in tables.items()}
    return Network.from_geodataframes(tables, as_of=world.as_of)


@pytest.fixture(scope="session")
def crisis_2024():
    """The bundled Red Sea then West Africa timeline of 2024 (12 states on the world network),
    simulated once per session: tests read it and must not modify it."""
    from cablesim.analyses.timeline import simulate_timeline

    return simulate_timeline(cablesim.find_scenario("red-sea-west-africa-2024"))


# ------------------------------------------------------------------------------ the web app in a browser

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium (``apt-get install chromium``); browser tests skip without it."""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Headless, and no background connections (this machine's network is closed)."""


@pytest.fixture(scope="module")
def server():
    """uvicorn serving the app on 127.0.0.1 and a free port, stopped at the end."""
    import uvicorn

    from cablesim.web.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(budget=600.0), log_level="warning", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}/"
    srv.should_exit = True
    thread.join(timeout=30)
    sock.close()
    assert not thread.is_alive()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium driven by Playwright (skipped where either is missing)."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
