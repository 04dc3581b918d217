"""Bounds on an imported TeleGeography folder (issue 24, items 1 and 4).

Sizes are checked before a file is read, nesting before it is built, counts before
the work, and every slug (cables, landing points, routes) passes the id rule.
Each hostile folder is a copy of a small valid one with one file changed.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from test_import import _tg_copy

from cablesim.dataset import _importcheck, _tgimport
from cablesim.exceptions import DataError


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    return _tg_copy(tmp_path_factory.mktemp("tg-bounds"))


def _copy(good: Path, tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(good, src)
    return src


def _refused(src: Path, tmp_path: Path, match: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(DataError, match=match):
        _tgimport.import_telegeography(src, tmp_path / "out", echo=None)
    assert time.perf_counter() - t0 < 10
    assert not (tmp_path / "out" / "cables.parquet").exists()


def test_a_huge_sparse_detail_file_is_refused_by_its_size(good, tmp_path):
    src = _copy(good, tmp_path)
    detail = src / "cable" / "tonga-cable.json"
    with open(detail, "r+b") as fh:
        fh.truncate(5 * 2**30)  # 5 GB, no blocks on disk
    _refused(src, tmp_path, "too large")


def test_deeply_nested_index_is_a_clear_error(good, tmp_path):
    src = _copy(good, tmp_path)
    (src / "cable" / "all.json").write_text("[" * 100_000 + "]" * 100_000)
    _refused(src, tmp_path, "nested too deeply")


@pytest.mark.parametrize("bad", ["../../../../tmp/x", "a/b", "ok\x1b]0;owned\x07", "..", "x" * 300])
def test_every_landing_point_slug_is_a_slug(good, tmp_path, bad):
    src = _copy(good, tmp_path)
    geo = src / "landing-point" / "landing-point-geo.json"
    data = json.loads(geo.read_text())
    data["features"][0]["properties"]["slug"] = bad
    geo.write_text(json.dumps(data))
    _refused(src, tmp_path, "is not a slug")


def test_detail_file_landing_point_slugs_are_checked(good, tmp_path):
    src = _copy(good, tmp_path)
    detail = src / "cable" / "tonga-cable.json"
    data = json.loads(detail.read_text())
    data["landing_points"][0]["id"] = "../../../../tmp/evil"
    detail.write_text(json.dumps(data))
    _refused(src, tmp_path, "is not a slug")


def test_route_slugs_are_checked(good, tmp_path):
    src = _copy(good, tmp_path)
    geo = src / "cable" / "cable-geo.json"
    data = json.loads(geo.read_text())
    data["features"][0]["properties"]["slug"] = "\x1b[31mred"
    geo.write_text(json.dumps(data))
    _refused(src, tmp_path, "is not a slug")


def test_landing_point_count_is_bounded(good, tmp_path, monkeypatch):
    src = _copy(good, tmp_path)
    geo = src / "landing-point" / "landing-point-geo.json"
    n = len(json.loads(geo.read_text())["features"])
    monkeypatch.setattr(_importcheck, "MAX_LANDING_POINTS", n - 1)
    _refused(src, tmp_path, "features; the limit is")


def test_the_limits_leave_room_for_real_data(good):
    """The bounds are far above TeleGeography's own folder (a copy of it here)."""
    n = len(json.loads((good / "landing-point" / "landing-point-geo.json").read_text())["features"])
    assert 20 * n < _importcheck.MAX_LANDING_POINTS
    biggest = max(p.stat().st_size for p in good.rglob("*.json"))
    assert biggest < _importcheck.MAX_GEO_BYTES / 20
