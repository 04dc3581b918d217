"""The disk cache of the bundled network's derived data (cablesim.engine._disk)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import cablesim
from cablesim.engine import _disk


@pytest.fixture
def bundled():
    """The bundled network as the loader holds it now: the session's ``world`` may have
    left the loader's memo (8 networks) when other tests loaded other dates, and then it is
    not the bundled network of its date any more (no disk key)."""
    return cablesim.load_network()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv(_disk.ENV, str(d))
    return d


def _build(calls):
    def build():
        calls.append(1)
        return {"a": np.arange(5, dtype=np.int64), "b": np.array([0.1, 0.2])}

    return build


def _fits(a):
    return a["a"].shape == (5,)


def test_a_value_is_written_once_then_read_back(bundled, cache):
    calls = []
    first = _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    files = list(cache.glob("t-*.npz"))
    assert len(files) == 1
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700  # a private folder
    second = _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    assert calls == [1]  # read back, not rebuilt
    assert np.array_equal(first["a"], second["a"])
    assert second["b"].tobytes() == first["b"].tobytes()  # bit for bit
    _disk.cached(bundled, "t", ("y",), _build(calls), _fits)  # other options: another file
    assert len(list(cache.glob("t-*.npz"))) == 2


def test_unreadable_or_misfit_files_are_rebuilt(bundled, cache):
    calls = []
    _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    (path,) = cache.glob("t-*.npz")
    path.write_bytes(b"not an archive")
    got = _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    assert calls == [1, 1]
    assert np.array_equal(got["a"], np.arange(5))
    got = _disk.cached(bundled, "t", ("x",), _build(calls), lambda a: False)  # shapes do not fit
    assert calls == [1, 1, 1]
    assert _disk.cached(bundled, "t", ("x",), _build(calls), _fits)["a"].shape == (5,)
    assert calls == [1, 1, 1]  # the rebuilt file is good


def test_a_pickled_object_is_never_loaded(bundled, cache):
    calls = []
    _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    (path,) = cache.glob("t-*.npz")
    with path.open("wb") as fh:
        np.savez(fh, a=np.array([object()] * 5, dtype=object))
    got = _disk.cached(bundled, "t", ("x",), _build(calls), _fits)  # refused: rebuilt
    assert calls == [1, 1]
    assert got["a"].dtype == np.int64


def test_a_model_change_or_another_dataset_uses_another_file(bundled, cache, monkeypatch):
    calls = []
    _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    monkeypatch.setattr(_disk, "source_digest", lambda: "another engine")
    _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    assert calls == [1, 1]
    assert len(list(cache.glob("t-*.npz"))) == 2


def test_off_and_hand_built_networks_write_nothing(bundled, branchy, cache, monkeypatch):
    calls = []
    _disk.cached(branchy, "t", ("x",), _build(calls), _fits)  # not the bundled network
    assert not cache.exists()
    monkeypatch.setenv(_disk.ENV, "off")
    _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    assert not cache.exists()
    assert calls == [1, 1]


def test_a_folder_others_can_read_is_made_private(bundled, cache):
    cache.mkdir(mode=0o755)
    os.chmod(cache, 0o755)
    _disk.cached(bundled, "t", ("x",), _build([]), _fits)
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o700


@pytest.mark.slow
def test_a_cold_process_reads_the_cache_and_answers_the_same(tmp_path):
    """Two cold runs of tonga-2022: the first writes the corridors, baseline, routes and
    traffic model; the second reads them and prints the same result, byte for byte."""
    env = dict(os.environ, CABLESIM_CACHE_DIR=str(tmp_path / "c"))
    root = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = str(root)
    cmd = [sys.executable, "-m", "cablesim", "run", "tonga-2022", "--json"]
    first = subprocess.run(cmd, env=env, capture_output=True, check=True).stdout
    names = sorted(p.name.split("-")[0] for p in (tmp_path / "c").glob("*.npz"))
    assert names == ["baseline", "corridors", "routes", "traffic"]
    second = subprocess.run(cmd, env=env, capture_output=True, check=True).stdout
    assert first == second
    env[_disk.ENV] = "off"
    assert subprocess.run(cmd, env=env, capture_output=True, check=True).stdout == first


def test_a_linked_folder_is_neither_read_nor_written(bundled, tmp_path, monkeypatch):
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv(_disk.ENV, str(link))
    calls = []
    _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    _disk.cached(bundled, "t", ("x",), _build(calls), _fits)
    assert calls == [1, 1]
    assert not list(real.iterdir())


def test_the_digest_covers_the_network_module():
    # a change of how the network of a date is built (cablesim.network, a package) must
    # invalidate the cached routes and traffic: every source listed exists
    here = Path(_disk.__file__).resolve().parent
    files = [(here / name).resolve() for name in _disk._SOURCES]
    assert all(f.is_file() for f in files)
    network = here.parent / "network"
    assert set(network.glob("*.py")) <= set(files)
