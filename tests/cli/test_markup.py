"""User and data strings are printed as text by every command (issue 14, item 7).

Rich markup (``[/red]`` crashed a report, ``[link=...]`` made a hidden hyperlink),
matplotlib mathematics (``$\\foo{$`` failed a map) and raw control characters (ESC,
BEL, C1) reach the output through scenario names, descriptions, event labels,
cable names (a what-if cable, a candidate, a dataset), country and chokepoint
names, incident files and file names. Each command must print them literally,
never crash, and never let a control character through.
"""

from __future__ import annotations

import json
import re
import shutil

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from cablesim import dataset
from cablesim.cli import cli
from cablesim.scenario import bundled_scenarios

HOSTILE = "[/red] [link=http://x]y[/link] $\\foo{$ \x1b[31m\x1b]8;;http://x\x07z\x9b1m"
"""Markup that closes a tag never opened, a hyperlink, mathtext, ESC, OSC 8, BEL, C1 CSI."""
LITERALS = ("[/red]", "[link=http://x]")  # a narrow table cell may cut the rest (…)
CONTROLS = ("\x1b", "\x07", "\x9b")


def _flat(text: str) -> str:
    """The output without whitespace and table rules (a long cell may wrap)."""
    return re.sub(r"[\s│┃─━╇┼┡]+", "", text)


def check(res, *, code: int = 0, literal: bool = True) -> str:
    """Exit ``code``, no traceback, no control character, the markup printed as text."""
    out = res.output
    assert res.exit_code == code, out
    assert "Traceback" not in out
    assert "internal error" not in out
    for c in CONTROLS:
        assert c not in out, f"control character {c!r} printed"
    if literal:
        for lit in LITERALS:
            assert lit in _flat(out), f"{lit!r} not printed literally"
    return out


def run(*args: str, code: int = 0, literal: bool = True) -> str:
    return check(CliRunner().invoke(cli, list(args)), code=code, literal=literal)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A scenario, a timeline, a candidate file and an incident folder, all hostile."""
    d = tmp_path_factory.mktemp("markup")
    add = {
        "name": f"Cable {HOSTILE}",
        "id": "hostile-cable",
        "landing_points": ["nukualofa-tonga", "apia-samoa"],
        "capacity_tbps": 10,
    }
    cut = {
        "cables": ["tonga-cable"],
        "near": [-21.0694, -175.5495],
        "radius_km": 10,
        "label": f"label {HOSTILE}",
    }
    sc = {
        "name": f"Name {HOSTILE}",
        "description": f"Description {HOSTILE}",
        "as_of": "2022-01-15",
        "add": [add],
        "events": [{"cable": "hostile-cable"}, {"cut": cut}],
    }
    (d / "sc.json").write_text(json.dumps(sc), encoding="utf-8")
    tl = dict(
        sc, events=[{"cable": {"id": "hostile-cable", "at": 0, "repair_days": 5}}, {"cut": cut}]
    )
    (d / "tl.json").write_text(json.dumps(tl), encoding="utf-8")
    (d / "cmp.json").write_text(json.dumps(dict(sc, events=[{"cut": cut}])), encoding="utf-8")
    (d / "cand.yaml").write_text(json.dumps({"add": [add]}), encoding="utf-8")
    hist = d / "history"
    hist.mkdir()
    text = (bundled_scenarios() / "history" / "tonga-2022.yaml").read_text()
    name = "name: " + json.dumps(f"Incident {HOSTILE}")  # YAML reads JSON's escapes
    text = re.sub(r"(?m)^name: .*$", lambda _m: name, text)
    (hist / "tonga-2022.yaml").write_text(text, encoding="utf-8")
    return d


PACIFIC = ("TON", "WSM", "FJI", "ASM")
"""The dataset of the escaping test: the cables landing in these countries (ten, Tonga's
among them), every country, land link and chokepoint: small, and valid as a user dataset."""


def _read(file):
    try:
        return gpd.read_parquet(file)
    except ValueError:  # no geometry column
        return pd.read_parquet(file)


@pytest.fixture(scope="module")
def pacific(tmp_path_factory):
    """A small copy of the dataset: the :data:`PACIFIC` cables (a user dataset, ``--data``)."""
    d = tmp_path_factory.mktemp("data") / "pacific"
    shutil.copytree(dataset.data_dir(None), d)
    lps = _read(d / "landing_points.parquet")
    cables = _read(d / "cables.parquet")
    pacific = set(lps.loc[lps["iso3"].isin(PACIFIC), "landing_point_id"])
    kept = cables[cables["landing_point_ids"].map(lambda m: bool(set(m) & pacific))]
    members = {m for ms in kept["landing_point_ids"] for m in ms}
    for table, key, keep in (
        ("cables", "cable_id", set(kept["cable_id"])),
        ("segments", "cable_id", set(kept["cable_id"])),
        ("branching_units", "cable_id", set(kept["cable_id"])),
        ("landing_points", "landing_point_id", members),
    ):
        df = _read(d / f"{table}.parquet")
        df[df[key].isin(keep)].reset_index(drop=True).to_parquet(d / f"{table}.parquet")
    return str(d)


@pytest.fixture(scope="module")
def hostile_data(pacific, tmp_path_factory):
    """The :func:`pacific` dataset whose Tonga, its cable, a station and a chokepoint have
    hostile names."""
    d = tmp_path_factory.mktemp("data") / "hostile"
    shutil.copytree(pacific, d)
    for table, key, value, cols in (
        ("cables", "cable_id", "tonga-cable", ("name", "capacity_basis", "capacity_source")),
        ("countries", "iso3", "TON", ("name",)),
        ("landing_points", "landing_point_id", "nukualofa-tonga", ("name",)),
        ("chokepoints", "chokepoint_id", "alexandria", ("name", "description")),
    ):
        file = d / f"{table}.parquet"
        df = _read(file)
        rows = df[key] == value
        assert rows.any(), (table, value)
        for col in cols:
            df.loc[rows, col] = f"{col} {HOSTILE}"
        df.to_parquet(file)
    return str(d)


def test_scenario_strings_are_text_in_every_command(files, pacific, tmp_path):
    sc, tl = str(files / "sc.json"), str(files / "tl.json")
    data = ("--data", pacific)  # small: the scenarios' strings are what is tested
    run(*data, "check", sc)
    out = run(*data, "run", sc)
    assert "Description [/red]" in out
    doc = json.loads(CliRunner().invoke(cli, [*data, "run", sc, "--json"]).stdout)
    assert doc["scenario"]["name"] == f"Name {HOSTILE}"  # the data kept whole, escaped as JSON
    check(CliRunner().invoke(cli, [*data, "run", sc, "--json"]), literal=True)
    run(*data, "explain", sc)
    run(*data, "compare", str(files / "cmp.json"), "--without-add")
    run(*data, "run", tl)
    run(*data, "montecarlo", "--capacity-uncertainty", sc, "--trials", "2")
    run(*data, "resilience", "TON", "--add", str(files / "cand.yaml"))
    run(*data, "history", "--dir", str(files / "history"))


def test_maps_draw_hostile_names(files, pacific, tmp_path):
    """``$...$`` in a name is not read as mathematics, control characters are dropped."""
    sc, tl = str(files / "sc.json"), str(files / "tl.json")
    data = ("--data", pacific)
    run(*data, "run", sc, "--map", str(tmp_path / "m.svg"), "--quiet", literal=False)
    svg = (tmp_path / "m.svg").read_text(encoding="utf-8")
    assert "\x1b" not in svg
    assert "[/red]" in svg
    run(*data, "run", tl, "--plot", str(tmp_path / "p.png"), "--map", str(tmp_path / "t.png"))
    cmp = str(files / "cmp.json")
    run(*data, "compare", cmp, "--without-add", "--map", str(tmp_path / "d.png"))


def test_file_names_and_usage_errors_are_text(files, pacific, tmp_path):
    out_file = tmp_path / f"out {HOSTILE.replace('/', '-')}.csv"
    out = run("--data", pacific, "run", str(files / "sc.json"), "--quiet", "-o", str(out_file))
    assert out_file.exists()
    assert "wrote" in out
    run("check", str(tmp_path / f"{HOSTILE.replace('/', '-')}.yaml"), code=2, literal=False)
    run("run", f"no-such-scenario {HOSTILE}", code=2)
    run("montecarlo", "--workers", HOSTILE, code=2, literal=False)
    run(f"--bogus{HOSTILE}", code=2, literal=False)
    run("run", "tonga-2022", f"--no-such{HOSTILE}", code=2, literal=False)


def test_dataset_strings_are_text_in_every_command(hostile_data):
    data = ("--data", hostile_data)
    run(*data, "run", "tonga-2022")
    run(*data, "run", "tonga-2022", "--json", literal=False)
    run(*data, "cables", "--country", "TON")
    run(*data, "cable", "tonga-cable")
    run(*data, "chokepoints")
    run(*data, "depends", "TON")
    run(*data, "depends", "--matrix", literal=False)  # Tonga depends on no chokepoint
    run(*data, "minimal-cut", "TON")
    run(*data, "sweep", "--by", "chokepoint", "--top", "50")
    run(*data, "montecarlo", "--trials", "20", "--top", "400")
    run(*data, "resilience", "TON", "--add", "nukualofa-tonga;apia-samoa@10")


def test_json_safe_escapes_what_json_leaves_raw():
    """DEL, C1, bidi overrides and lone surrogates become ``\\uXXXX``: the same JSON data."""
    from cablesim._text import json_safe

    data = {"name": "a\x7fb\x9bc\u202ed\ud800e\x1bf", "n": [1, "\n"]}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    safe = json_safe(text)
    assert json.loads(safe) == data
    assert not re.search("[\x7f-\x9f\u202e\ud800]", safe)
