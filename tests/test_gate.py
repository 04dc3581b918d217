"""The one input gate (issue 24, items 1 and 4): the same limits for files, uploads and bodies.

Every hostile input is sized just past the limit it shows, so each test runs in well
under a second; the timings asserted are generous bounds on what used to take minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from cablesim import _io, _limits
from cablesim._format import md_escape, md_table
from cablesim.exceptions import ScenarioError, UnknownNameError
from cablesim.scenario import check_document, load_scenario, parse_text, read_document

ALIAS_BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
)


def _refused(fn, *args, **kw) -> str:
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as err:
        fn(*args, **kw)
    assert time.perf_counter() - t0 < 2.0
    return str(err.value)


# ------------------------------------------------------------------ parse_text (the web's entry)


def test_alias_bomb_refused_before_it_expands():
    assert len(ALIAS_BOMB) < 600
    msg = _refused(parse_text, ALIAS_BOMB, fmt="yaml", source="upload")
    assert "alias" in msg
    assert "upload:" in msg


def test_merge_and_duplicate_keys_refused_as_on_the_cli():
    merge = "base: &b {cable: tonga-cable}\nname: x\nevents:\n  - <<: *b\n"
    assert "merge keys (<<) are not supported" in _refused(parse_text, merge)
    assert "duplicate key" in _refused(parse_text, "name: a\nname: b\n")


def test_deep_json_refused_before_parsing():
    msg = _refused(parse_text, "[" * 900 + "]" * 900, fmt="json", source="body")
    assert f"nested more than {_limits.MAX_DEPTH} levels" in msg
    # brackets inside strings are text, not nesting
    assert parse_text('{"name": "[[[[", "x": [1]}', fmt="json") == {"name": "[[[[", "x": [1]}


def test_toml_dotted_key_bounded_before_tomllib():
    text = "a" + ".a" * 10_000 + " = 1\n"  # 20 kB: 0.6 GB inside tomllib
    msg = _refused(parse_text, text, fmt="toml", source="s.toml")
    assert f"a dotted key of more than {_limits.MAX_DEPTH} parts" in msg
    # dots in values, strings and comments are not key parts
    ok = 'name = "a.b.c.d"  # x.y.z\nv = [1.5, 2.5, 3.5]\n[options]\nrepair.days = 3\n'
    assert parse_text(ok, fmt="toml")["options"] == {"repair": {"days": 3}}
    deep = "x = " + "[" * 100 + "]" * 100 + "\n"
    assert "levels deep" in _refused(parse_text, deep, fmt="toml")


def test_keys_text_and_size_limits():
    many = {f"k{i}": 1 for i in range(_limits.MAX_KEYS + 1)}
    assert f"the limit is {_limits.MAX_KEYS:,} per mapping" in _refused(check_document, many, "x")
    long_key = {"n" * 300: 1}
    msg = _refused(check_document, long_key, "x")
    assert "a key of 300 characters" in msg
    assert len(msg) < 300
    big = {"description": "x" * (_limits.MAX_TEXT_CHARS + 1)}
    assert "characters; the limit is" in _refused(check_document, big, "x")
    huge = "x" * (_limits.MAX_DOCUMENT_BYTES + 1)
    assert "file too large" in _refused(parse_text, huge)


def test_binary_and_utf16_refused():
    assert "UTF-16" in _refused(parse_text, "name: x\n".encode("utf-16"))
    assert "not UTF-8" in _refused(parse_text, b"\x89PNG\r\n\x1a\n\xff\xfe\xfd")
    assert parse_text("\ufeffname: x\n".encode()) == {"name": "x"}


def test_load_scenario_applies_the_gate_to_a_mapping():
    doc = {"name": "x", "events": [{"cable": "tonga-cable"}], "junk": {"a" * 500: 1}}
    assert "a key of 500 characters" in _refused(load_scenario, doc, resolve=False)


# ------------------------------------------------------------------ files


def test_fifo_and_devices_are_not_regular_files(tmp_path):
    fifo = tmp_path / "s.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in _refused(read_document, fifo)
    assert "not a regular file" in _refused(read_document, "/dev/zero")
    assert "no such scenario file" in _refused(read_document, tmp_path / "missing.yaml")


def test_sparse_huge_file_refused_by_its_size(tmp_path):
    f = tmp_path / "big.yaml"
    with open(f, "wb") as fh:
        fh.truncate(5 * 2**30)  # 5 GB, no blocks on disk
    assert "file too large" in _refused(read_document, f)


# ------------------------------------------------------------------ names and problem lists


def test_a_name_longer_than_any_real_one_is_refused_before_matching(world):
    name = "x" * 100_000
    t0 = time.perf_counter()
    for fn in (world.resolve_cable, world.resolve_country, world.resolve_landing_point):
        with pytest.raises(UnknownNameError) as err:
            fn(name)
        assert "longer than any real name" in str(err.value)
        assert len(str(err.value)) < 300  # the message does not echo the name
    assert time.perf_counter() - t0 < 1.0


def test_problem_lists_are_capped():
    doc = {"name": "x", "events": [{"cable": "tonga-cable"}]}
    doc.update({f"unknown_{i}": 1 for i in range(900)})
    msg = _refused(load_scenario, doc, resolve=False)
    assert "(900 problems)" in msg
    assert "... and 850 more" in msg
    assert msg.count("unknown key") == 50


def test_events_per_scenario_bounded_before_names_are_looked_up(world):
    doc = {"name": "x", "events": [{"cable": "no-such-cable"}] * (_limits.MAX_EVENTS + 1)}
    msg = _refused(load_scenario, doc, network=world)
    assert f"the limit is {_limits.MAX_EVENTS:,} per scenario" in msg
    assert "no-such-cable" not in msg


def test_timeline_points_bounded_before_simulating(branchy):
    from cablesim.analyses.timeline import simulate_timeline

    n = _limits.MAX_TIMELINE_POINTS  # n events, each a start and a repair: 2n points
    doc = {
        "name": "many dates",
        "as_of": "2020-01-01",
        "events": [{"cable": {"id": "x", "at": i, "repair_days": 1}} for i in range(0, 3 * n, 3)],
    }
    net = branchy
    sc = load_scenario(doc, network=net)
    msg = _refused(simulate_timeline, sc, network=net)
    assert "change points" in msg
    assert f"limit is {n}" in msg


# ------------------------------------------------------------------ leftovers


def test_stale_temporary_file_of_a_killed_writer_is_removed(tmp_path):
    target = tmp_path / "out.json"
    code = (
        "import os, sys, tempfile\n"
        f"fd, n = tempfile.mkstemp(prefix='.out.json.' + str(os.getpid()) + '.', suffix='.tmp', "
        f"dir={str(tmp_path)!r})\n"
        "os.write(fd, b'half'); os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False)
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1  # what kill -9 during a write leaves
    foreign = tmp_path / ".out.json.notapid.tmp"  # not named as ours: kept
    foreign.write_text("x")
    alive = tmp_path / f".out.json.{os.getppid()}.abcdefgh.tmp"  # its writer runs: kept
    alive.write_text("x")
    _io.write_atomic(target, "{}")
    names = {p.name for p in tmp_path.iterdir()}
    assert left[0].name not in names
    assert {foreign.name, alive.name, "out.json"} <= names


def test_markdown_escapes_names():
    hostile = "<script>alert(1)</script> [x](javascript:alert(1))"
    out = md_escape(hostile)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "](javascript:" not in out.replace("\\]", "")
    assert md_escape("# Heading").startswith("\\#")
    import pandas as pd

    table = md_table(pd.DataFrame({"name": ["# x | <b>y</b>"]}))
    assert "<b>" not in table
    assert "\\|" in table


def test_markdown_report_escapes_scenario_and_event_names(branchy, run):
    from cablesim.report.result import to_markdown

    res = run(branchy, [{"cable": {"id": "x", "label": "<img src=x onerror=alert(1)>"}}])
    object.__setattr__(res.scenario, "name", "# <script>alert(1)</script>")
    md = to_markdown(res)
    assert "<script>" not in md
    assert "<img" not in md
    assert md.startswith("# \\# &lt;script&gt;")


def test_json_body_round_trip():
    body = json.dumps({"name": "x", "events": [{"cable": "tonga-cable"}]})
    assert parse_text(body, fmt="json")["events"] == [{"cable": "tonga-cable"}]
