"""The classroom web server under a careless or hostile client (issue 24, item 2).

In-process ASGI tests (httpx on the app, no socket) for the gate, the pool and
the caches, mostly on the small network of mid-1995 (40 cables) so they stay
cheap; one real-server test (uvicorn on 127.0.0.1 and a free port, stopped by
the test) for what only a socket shows: bombs answered while another client is
served, the header timeout and the connection cap.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from cablesim.cli import cli
from cablesim.web import _server
from cablesim.web.app import (
    MAX_NAME_CHARS,
    MEMORY_CEILING_MB,
    SECURITY_HEADERS,
    BadRequest,
    Engine,
    WorkPool,
)
from cablesim.web.app import create_app as _create_app

BASE = "http://127.0.0.1"
JSON = {"Content-Type": "application/json"}
YAML = {"Content-Type": "application/x-yaml"}
OLD = "1995-06-01"  # a small real network: 40 cables
ALIAS_BOMB = (
    "# an alias bomb: nine lists of nine aliases, 9**9 values once expanded\n"
    "name: bomb\n"
    "events: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
)
LONG_NAME = {"scenario": {"name": "x", "events": [{"cable": "a" * 245_000}]}}
DEEP_JSON = '{"scenario": ' + "[" * 900 + "]" * 900 + "}"


def create_app(**kw):
    """The app with a time budget for a slow, shared test machine (the budget is tested apart)."""
    return _create_app(**{"budget": 600.0, **kw})


def small_cut(i: int, as_of: str = OLD) -> dict:
    """A scenario on a small network, a new document for each ``i``."""
    points = ["suez", "gibraltar", "english-channel", "baltic-entrances", "sicily-channel"]
    return {"name": f"cut {i}", "as_of": as_of, "events": [{"chokepoint": points[i % 5]}]}


def run(coro):
    return asyncio.run(coro)


def client(app, **kw) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE, **kw)


async def ask(app, method: str, url: str, **kw) -> httpx.Response:
    async with client(app) as c:
        return await c.request(method, url, **kw)


@pytest.fixture(scope="module")
def app():
    return create_app()


def test_alias_bomb_long_name_and_deep_json_are_refused_at_once(app):
    t = time.perf_counter()
    bomb = run(ask(app, "POST", "/api/upload", content=ALIAS_BOMB, headers=YAML))
    name = run(ask(app, "POST", "/api/simulate", json=LONG_NAME))
    deep = run(ask(app, "POST", "/api/simulate", content=DEEP_JSON, headers=JSON))
    assert time.perf_counter() - t < 2.0
    assert len(ALIAS_BOMB) < 600
    assert bomb.status_code == 400
    assert "alias" in bomb.json()["error"]
    assert name.status_code == 400
    err = name.json()["error"]
    assert "245,000 characters" in err
    assert f"limit is {MAX_NAME_CHARS}" in err
    assert len(err) < 300  # the name is not echoed back
    assert deep.status_code == 400
    assert "levels deep" in deep.json()["error"]
    assert app.state.engine.stats()["networks"] == 0  # refused before any network was loaded


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("base: &b {cable: tonga-cable}\nname: x\nevents:\n  - <<: *b\n", "merge"),
        ("name: x\nname: y\nevents: []\n", "duplicate key"),
        ("name: x\nevents:\n\t- cable: x\n", "tabs"),
    ],
)
def test_upload_follows_the_cli_yaml_rules(app, text, words, tmp_path):
    r = run(ask(app, "POST", "/api/upload", content=text, headers=YAML))
    assert r.status_code == 400
    assert words in r.json()["error"]
    # the CLI refuses the same file
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    from click.testing import CliRunner

    assert CliRunner().invoke(cli, ["check", str(path)]).exit_code != 0


def test_foreign_host_and_cross_site_requests_are_refused(app):
    engine = app.state.engine
    before = engine.stats()
    evil = run(
        ask(
            app,
            "POST",
            "/api/simulate",
            content=json.dumps({"scenario": small_cut(0)}),
            headers={"Content-Type": "text/plain", "Origin": "http://evil.example"},
        )
    )
    assert evil.status_code == 403
    assert "cross-site" in evil.json()["error"]
    # a JSON POST from another site, and a GET the browser marks cross-site
    for headers in ({**JSON, "Origin": "http://evil.example"}, {**JSON, "Origin": "null"}):
        r = run(ask(app, "POST", "/api/simulate", json={"scenario": small_cut(0)}, headers=headers))
        assert r.status_code == 403
    r = run(ask(app, "GET", "/api/network", headers={"Sec-Fetch-Site": "cross-site"}))
    assert r.status_code == 403
    # DNS rebinding: the attacker's name in Host
    for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""):
        r = run(ask(app, "GET", "/api/meta", headers={"Host": host}))
        assert r.status_code == 421, host
    # no Content-Type, or a form, is not JSON
    for headers in ({}, {"Content-Type": "application/x-www-form-urlencoded"}):
        r = run(ask(app, "POST", "/api/export", content=b"{}", headers=headers))
        assert r.status_code == 415
        assert "application/json" in r.json()["error"]
    assert engine.stats() == before  # refused before any work
    assert app.state.pool.pending == 0


def test_same_origin_and_allowed_hosts_are_answered():
    app = create_app(hosts=["cablesim.lan"])
    for host in ("127.0.0.1:8765", "localhost", "[::1]:8765", "LOCALHOST.", "cablesim.lan:80"):
        r = run(ask(app, "GET", "/api/scenarios", headers={"Host": host}))
        assert r.status_code == 200, host
    same = {"Host": "localhost:8765", "Origin": "http://localhost:8765"}
    r = run(
        ask(
            app,
            "POST",
            "/api/export",
            json={"scenario": small_cut(1)},
            headers={**same, "Sec-Fetch-Site": "same-origin"},
        )
    )
    assert r.status_code == 200
    # served on every address: IP addresses are answered (no DNS name to rebind)
    wide = create_app(hosts=["0.0.0.0"])
    assert (
        run(ask(wide, "GET", "/api/scenarios", headers={"Host": "192.168.1.20"})).status_code == 200
    )
    assert (
        run(ask(wide, "GET", "/api/scenarios", headers={"Host": "evil.example"})).status_code == 421
    )


@pytest.mark.parametrize(
    ("method", "url", "kw"),
    [
        ("GET", "/", {}),
        ("GET", "/static/app.js", {}),
        ("GET", "/static/no-such-file.js", {}),
        ("GET", "/api/scenarios", {}),
        ("GET", "/api/nothing", {}),
        ("GET", "/api/network?as_of=20x5", {}),
        ("POST", "/api/simulate", {"content": b"{", "headers": JSON}),
        ("POST", "/api/simulate", {"content": b"{}", "headers": {"Content-Type": "text/plain"}}),
        ("GET", "/api/meta", {"headers": {"Host": "evil.example"}}),
    ],
)
def test_security_headers_on_every_response(app, method, url, kw):
    r = run(ask(app, method, url, **kw))
    for name, value in SECURITY_HEADERS:
        assert r.headers.get(name) == value, (url, name)
    if url.startswith("/api/"):
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["content-type"].startswith("application/json")
        assert "Traceback" not in r.text


@pytest.mark.parametrize("as_of", ["9999-12-31", "2100", "1850", "1989-06-30"])
def test_dates_outside_the_dataset_are_refused(app, as_of):
    r = run(ask(app, "GET", f"/api/network?as_of={as_of}"))
    assert r.status_code == 400
    assert "outside the dataset's range" in r.json()["error"]
    assert "1989-07-01 to 2026-12-31" in r.json()["error"]
    if len(as_of) == 4:
        doc = {"name": "x", "as_of": int(as_of), "events": [{"chokepoint": "suez"}]}
        r = run(ask(app, "POST", "/api/simulate", json={"scenario": doc}))
        assert r.status_code == 400


def test_a_slow_body_is_cut_off(app, monkeypatch):
    from cablesim.web import app as web

    monkeypatch.setattr(web, "BODY_TIMEOUT_S", 0.3)
    sent = []

    async def scenario():
        first = True

        async def receive():
            nonlocal first
            if first:
                first = False
                return {"type": "http.request", "body": b'{"scen', "more_body": True}
            await asyncio.sleep(30)  # the rest never comes
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/api/simulate",
            "raw_path": b"/api/simulate",
            "query_string": b"",
            "root_path": "",
            "scheme": "http",
            "server": ("127.0.0.1", 8765),
            "client": ("127.0.0.1", 50000),
            "http_version": "1.1",
            "headers": [
                (b"host", b"127.0.0.1:8765"),
                (b"content-type", b"application/json"),
                (b"content-length", b"1000"),
            ],
        }
        t = time.perf_counter()
        await app(scope, receive, send)
        return time.perf_counter() - t

    took = run(scenario())
    assert took < 5
    assert sent[0]["status"] == 408
    assert b"longer than 0.3 s" in sent[1]["body"]


def test_pool_busy_budget_and_shared_work():
    pool = WorkPool(workers=1, queue=1, budget=0.5)
    gate = threading.Event()
    calls = []

    def slow(tag):
        calls.append(tag)
        gate.wait(5)
        return tag

    async def scenario():
        first = asyncio.ensure_future(pool.run(slow, "a", key="a"))
        twin = asyncio.ensure_future(pool.run(slow, "a", key="a"))  # same key: same work
        queued = asyncio.ensure_future(pool.run(slow, "b", key="b"))
        await asyncio.sleep(0.1)
        assert pool.pending == 2  # "a" once, and "b"
        with pytest.raises(BadRequest) as busy:
            await pool.run(slow, "c")
        assert busy.value.status == 503
        assert busy.value.retry_after
        assert "busy" in str(busy.value)
        return await asyncio.gather(first, twin, queued, return_exceptions=True)

    late = run(scenario())
    for exc in late:  # each waited its budget, then was told so
        assert isinstance(exc, BadRequest)
        assert exc.status == 503
        assert "longer than the server's 0.5 s budget" in str(exc)
    gate.set()
    deadline = time.time() + 5
    while pool.pending and time.time() < deadline:
        time.sleep(0.01)
    assert pool.pending == 0  # the work finished (into the caches), freeing its places
    assert calls == ["a", "b"]
    assert run(pool.run(len, "four")) == 4
    pool.close()


def test_meta_and_static_files_never_wait_behind_the_pool():
    app = create_app(workers=1, queue=0)
    gate = threading.Event()

    async def scenario():
        async with client(app) as c:
            await c.get("/api/meta")  # computed once
            hog = asyncio.ensure_future(app.state.pool.run(gate.wait, 10))
            await asyncio.sleep(0.05)
            t = time.perf_counter()
            meta = await c.get("/api/meta")
            page = await c.get("/static/app.js")
            presets = await c.get("/api/scenarios")
            waited = time.perf_counter() - t
            busy = await c.post("/api/simulate", json={"scenario": small_cut(0)})
            gate.set()
            await hog
            return meta, page, presets, busy, waited

    meta, page, presets, busy, waited = run(scenario())
    assert meta.status_code == page.status_code == presets.status_code == 200
    assert waited < 2.0
    assert busy.status_code == 503
    assert busy.headers["retry-after"]


def test_parallel_requests_answer_as_serial_ones():
    docs = [small_cut(i) for i in range(5)] + [
        {"name": "two", "as_of": OLD, "events": [{"chokepoint": "suez"}, {"cable": "ugarit"}]},
        {
            "name": "core",
            "as_of": OLD,
            "options": {"core": ["GBR", "USA"]},
            "events": [{"chokepoint": "gibraltar"}],
        },
    ]

    async def serial():
        app = create_app(workers=1)
        async with client(app) as c:
            return [(await c.post("/api/simulate", json={"scenario": d})).json() for d in docs]

    async def parallel():
        app = create_app(workers=4)
        async with client(app) as c:
            rs = await asyncio.gather(
                *[c.post("/api/simulate", json={"scenario": d}) for d in docs * 2]
            )
            return [r.json() for r in rs]

    one = run(serial())
    many = run(parallel())
    assert all("countries" in a for a in one)
    assert many == one * 2


def test_cache_keys_are_normalised():
    engine = Engine()
    app = create_app(engine=engine)
    a = {
        "name": "A",
        "as_of": OLD,
        "options": {"core": ["USA", "GBR"]},
        "events": [{"chokepoint": "suez"}, {"chokepoint": "gibraltar"}],
    }
    b = {  # the same computation: events in another order, the core in another order and case
        "name": "B",
        "description": "another text",
        "as_of": OLD,
        "options": {"core": ["gbr", "United States of America"]},
        "events": [{"chokepoint": "gibraltar"}, {"chokepoint": "suez"}],
    }
    ra = run(ask(app, "POST", "/api/simulate", json={"scenario": a})).json()
    stats = engine.stats()
    rb = run(ask(app, "POST", "/api/simulate", json={"scenario": b})).json()
    assert engine.stats() == stats  # a cache hit: no new network, no new result
    assert rb["countries"] == ra["countries"]
    assert rb["scenario"]["name"] == "B"  # the asking document's own
    assert rb["scenario"]["events"] == ra["scenario"]["events"][::-1]
    # a year and its last day are one network and one map
    y = run(ask(app, "POST", "/api/simulate", json={"scenario": {**a, "as_of": 1995}}))
    d = run(ask(app, "POST", "/api/simulate", json={"scenario": {**a, "as_of": "1995-12-31"}}))
    assert y.json()["countries"] == d.json()["countries"]
    assert engine.stats()["networks"] == 2


def test_serve_help_states_the_memory_ceiling():
    from click.testing import CliRunner

    out = " ".join(CliRunner().invoke(cli, ["serve", "--help"]).output.split())
    assert f"{MEMORY_CEILING_MB / 1024:.1f} GB" in out
    from cablesim.web import app as web

    for fact in (
        f"{web.WORKERS} computing threads, {web.QUEUE} waiting",
        f"{web.TIME_BUDGET_S:g} s per answer",
        f"{web.MAX_BODY_BYTES // 1024} KiB per request, {web.MAX_EVENTS} events",
        f"{web.MAX_NAME_CHARS} characters per name",
        f"{_server.MAX_CONNECTIONS} connections, {_server.HEADER_TIMEOUT_S:g} s",
        f"caches of {web.MAX_NETWORKS} networks and {web.MAX_PAYLOADS} maps, "
        f"{web.CACHE_BYTES // 2**20} MiB together",
    ):
        assert fact in out, fact
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"{MEMORY_CEILING_MB / 1024:.1f} GB" in readme


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    pytest.skip("needs /proc/self/status (Linux) to read the resident memory")


def _memory_run() -> dict:
    """50 option sets, 100 dates and 7 simulations on one server's engine: the peaks of
    its caches and of the process's resident memory (run in a fresh process)."""
    engine = Engine(max_networks=4, max_payloads=6)
    app = create_app(engine=engine, workers=2)
    countries = ["USA", "GBR", "FRA", "DEU", "ITA", "ESP", "EGY", "SAU", "IND", "BRA", "CAN"]
    cores = [[a, b] for i, a in enumerate(countries) for b in countries[i + 1 :]][:50]
    assert len({tuple(c) for c in cores}) == 50
    peak = {"bytes": 0, "networks": 0, "payloads": 0, "rss": 0.0}

    def note():
        s = engine.stats()
        for k in ("bytes", "networks", "payloads"):
            peak[k] = max(peak[k], s[k])
        peak["rss"] = max(peak["rss"], _rss_mb())

    async def scenario():
        async with client(app, timeout=120) as c:
            for core in cores:
                doc = {"name": "c", "as_of": "1990-06-01", "options": {"core": core}}
                r = await c.post(
                    "/api/simulate",
                    json={"scenario": {**doc, "events": [{"chokepoint": "gibraltar"}]}},
                )
                assert r.status_code == 200, r.text
                note()
            for i in range(100):  # 100 distinct dates from 1990 to 1998
                day = f"{1990 + i // 12}-{1 + i % 12:02d}-{1 + i % 28:02d}"
                r = await c.get("/api/network", params={"as_of": day})
                assert r.status_code == 200, r.text
                note()
            for i in range(6):  # and simulations on distinct dates
                r = await c.post(
                    "/api/simulate", json={"scenario": small_cut(i, f"199{i}-03-0{i + 1}")}
                )
                assert r.status_code == 200, r.text
                note()
            return await c.post("/api/simulate", json={"scenario": small_cut(0, "2000")})

    plain = run(scenario())
    return {
        **peak,
        "status": plain.status_code,
        "cache_bytes": engine.cache_bytes,
        "pid": os.getpid(),
    }


@pytest.mark.slow  # 50 option sets and 100 dates, on small real networks (about a minute)
def test_distinct_cores_and_dates_keep_memory_bounded():
    _rss_mb()  # skips where the resident memory cannot be read
    # in a fresh process: a test worker's memory holds whatever earlier tests loaded
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        peak = pool.apply(_memory_run)
    assert peak["status"] == 200
    assert peak["pid"] != os.getpid()
    assert peak["networks"] <= 4
    assert peak["payloads"] <= 6
    assert peak["bytes"] <= peak["cache_bytes"]
    assert 0 < peak["rss"] < MEMORY_CEILING_MB


# ------------------------------------------------------------------------------ a real server


def _raw(port: int, data: bytes, *, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
            if b"\r\n\r\n" in out and b"content-length" in out.lower():
                head, _, body = out.partition(b"\r\n\r\n")
                size = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                if len(body) >= size:
                    break
        return out


@pytest.mark.slow  # a real uvicorn server and the world network's first simulation
def test_real_server_under_bombs_slow_clients_and_foreign_pages():
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app()
    config = _server.config(app, header_timeout=1.0, max_connections=40)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    slow: list[socket.socket] = []
    try:
        for _ in range(200):
            if srv.started:
                break
            time.sleep(0.05)
        assert srv.started
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=60) as c:
            assert c.get("/api/meta").status_code == 200
            # no 40 ms wait for a delayed acknowledgement between an answer's writes
            (conn,) = srv.server_state.connections
            tcp = conn.transport.get_extra_info("socket")
            assert tcp.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            warm = c.post("/api/simulate", json={"scenario": small_cut(0, "2022")})
            assert warm.status_code == 200

        # three bombs at once, while another client asks for a new small cut
        answers: dict[str, tuple[int, float]] = {}

        def hit(label, method, path, **kw):
            with httpx.Client(base_url=url, timeout=30) as c:
                t = time.perf_counter()
                r = c.request(method, path, **kw)
                answers[label] = (r.status_code, time.perf_counter() - t)

        jobs = [
            ("bomb", "POST", "/api/upload", {"content": ALIAS_BOMB, "headers": YAML}),
            ("name", "POST", "/api/simulate", {"json": LONG_NAME}),
            ("deep", "POST", "/api/simulate", {"content": DEEP_JSON, "headers": JSON}),
            ("other", "POST", "/api/simulate", {"json": {"scenario": small_cut(1, "2022")}}),
        ]
        threads = [threading.Thread(target=hit, args=(j[0], j[1], j[2]), kwargs=j[3]) for j in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        for label in ("bomb", "name", "deep"):
            status, took = answers[label]
            assert 400 <= status < 500, (label, answers[label])
            assert took < 2.0, (label, answers[label])
        assert answers["other"][0] == 200

        # a foreign Host and a cross-site text/plain POST, on the wire
        foreign = _raw(port, b"GET /api/meta HTTP/1.1\r\nHost: evil.example\r\n\r\n")
        assert foreign.startswith(b"HTTP/1.1 421")
        body = json.dumps({"scenario": small_cut(2, "2022")}).encode()
        cross = _raw(
            port,
            b"POST /api/simulate HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n"
            b"Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body),
        )
        assert cross.startswith(b"HTTP/1.1 403")
        assert b"nosniff" in cross

        # a request head over 16 KiB and not yet ended: uvicorn's 400, with the security headers
        big = _raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"x" * 20_000)
        assert big.startswith(b"HTTP/1.1 400")
        assert b"x-content-type-options: nosniff" in big.lower()

        # slow clients: 100 connections dripping a header (the cap is 40) do not keep a
        # real client out, and each is closed after the header timeout
        for _ in range(100):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /api/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(s)
        t = time.perf_counter()
        with httpx.Client(base_url=url, timeout=10) as c:
            assert c.get("/api/meta").status_code == 200
        assert time.perf_counter() - t < 2.0
        time.sleep(1.5)  # past the header timeout
        closed = 0
        for s in slow:
            s.settimeout(2)
            try:
                closed += s.recv(1) == b""
            except OSError:  # reset
                closed += 1
        assert closed == len(slow)
    finally:
        for s in slow:
            s.close()
        srv.should_exit = True
        thread.join(timeout=15)
        sock.close()
    assert not thread.is_alive()
