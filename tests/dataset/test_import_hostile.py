"""Hostile TeleGeography folders and --out targets for ``data import-telegeography`` (issue 14, items 2, 3, 8).

The malformed folders are generated: every JSON file of a small valid copy
(written from the bundled tables by ``test_import._tg_copy``) is replaced by
each of a set of wrong shapes, and ids and coordinates are poisoned one field at
a time. Each must give exit code 2 with one ``error:`` line, no traceback, and
write nothing outside ``--out``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_import import _tg_copy

from cablesim import dataset
from cablesim.cli import cli
from cablesim.dataset import _importcheck, _tgimport
from cablesim.exceptions import DataError

WRONG_SHAPES = ["", "{", "null", "[]", "{}", '"text"', "42", '{"features": 3}', "[1, 2]"]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return _tg_copy(tmp_path_factory.mktemp("tg-good"))


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*.json"))


def _mutants(good: Path):
    """(name, edit) pairs: each edit breaks one thing in a fresh copy."""
    special = {"all.json", "cable-geo.json", "landing-point-geo.json"}
    for rel in _files(good):
        for k, text in enumerate(WRONG_SHAPES):
            if rel.name not in special and text.startswith("{") and len(text) > 1:
                continue  # a cable detail with no known field is a valid, empty one
            yield f"{rel.stem}-shape{k}", (rel, lambda d, _t=text: _t)
    geo = Path("cable/cable-geo.json")
    lpgeo = Path("landing-point/landing-point-geo.json")
    index = Path("cable/all.json")
    bad_ids = ["../../escaped", "/tmp/abs", "a/b", "..", ".hidden", "x" * 300, "ok\nnewline"]
    for k, bad in enumerate(bad_ids):

        def poison(d, _b=bad):
            d[0]["id"] = _b
            return d

        yield f"id{k}", (index, poison)

    def dup(d):
        d.append(dict(d[0]))
        return d

    yield "duplicate-id", (index, dup)
    for k, pt in enumerate([[500, 95], [0, 91], [-181, 0], ["a", "b"], [1e400, 0], [0], None]):

        def lp(d, _p=pt):
            d["features"][0]["geometry"]["coordinates"] = _p
            return d

        def route(d, _p=pt):
            d["features"][0]["geometry"]["coordinates"][0][0] = _p
            return d

        yield f"lp-coord{k}", (lpgeo, lp)
        yield f"route-coord{k}", (geo, route)

    def no_geometry(d):
        d["features"][0]["geometry"] = {"type": "Point"}
        return d

    yield "lp-no-coordinates", (lpgeo, no_geometry)

    def feature_not_dict(d):
        d["features"][0] = "x"
        return d

    yield "lp-feature-text", (lpgeo, feature_not_dict)
    yield "geo-feature-text", (geo, feature_not_dict)


def _detail_mutants(good: Path):
    rel = next(r for r in _files(good) if r.name == "tonga-cable.json")

    def latlon(d):
        d["landing_points"][0]["latlon"] = "north,east"
        d["landing_points"][0]["id"] = "new-point-unplaced"
        return d

    def lp_text(d):
        d["landing_points"] = ["x"]
        return d

    def far(d):
        d["landing_points"][0]["latlon"] = "95,500"
        d["landing_points"][0]["id"] = "new-point-far"
        return d

    yield "detail-latlon", (rel, latlon)
    yield "detail-lp-text", (rel, lp_text)
    yield "detail-far", (rel, far)


def _all(good):
    return dict([*_mutants(good), *_detail_mutants(good)])


@pytest.mark.slow
def test_malformed_folders_are_clear_errors(good, tmp_path):
    cases = _all(good)
    assert len(cases) > 40
    failures = []
    for name, (rel, edit) in cases.items():
        src = tmp_path / name / "src"
        shutil.copytree(good, src)
        f = src / rel
        text = f.read_text()
        try:
            new = edit(json.loads(text))
        except (KeyError, IndexError, TypeError, json.JSONDecodeError):
            continue
        f.write_text(new if isinstance(new, str) else json.dumps(new))
        out = tmp_path / name / "out"
        before = sorted(p.name for p in tmp_path.iterdir())
        res = CliRunner().invoke(
            cli, ["data", "import-telegeography", str(src), "--out", str(out), "--quiet"]
        )
        if res.exit_code != 2 or "Traceback" in res.output or "error:" not in res.output:
            failures.append((name, res.exit_code, res.output[-300:]))
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        assert not (tmp_path / "escaped").exists()
        assert not Path("/tmp/abs.json").exists()
    assert not failures, [f[:2] for f in failures]


def test_ids_never_become_paths_outside_out(good, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(good, src)
    index = src / "cable" / "all.json"
    data = json.loads(index.read_text())
    data[0]["id"] = "../../../escaped"
    index.write_text(json.dumps(data))
    with pytest.raises(DataError, match="not slugs"):
        _tgimport.import_telegeography(src, tmp_path / "out", echo=None)
    assert not (tmp_path / "escaped.json").exists()
    assert _importcheck.ID_PATTERN.match("seacomtata-tgn-eurasia")
    assert not _importcheck.ID_PATTERN.match("../x")


@pytest.mark.parametrize("data_flag", [False, True])
def test_bundled_folder_is_refused_whatever_data_says(good, tmp_path, data_flag):
    shipped = [d for d in _importcheck.bundled_dirs() if (d / "manifest.json").is_file()]
    bundled = dataset.data_dir(None) if not data_flag else shipped[0]  # installed or checkout
    other = tmp_path / "other-data"
    args = ["data", "import-telegeography", str(good), "--out", str(bundled), "--quiet"]
    if data_flag:
        shutil.copytree(dataset.data_dir(None), other)
        args = ["--data", str(other), *args]
    manifest = (bundled / "manifest.json").read_bytes()
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert "bundled" in res.output or "reference" in res.output
    assert (bundled / "manifest.json").read_bytes() == manifest


def test_foreign_nonempty_out_needs_force(good, tmp_path):
    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    res = CliRunner().invoke(
        cli, ["data", "import-telegeography", str(good), "--out", str(out), "--quiet"]
    )
    assert res.exit_code == 2
    assert "--force" in res.output
    assert sorted(p.name for p in out.iterdir()) == ["thesis.tex"]
