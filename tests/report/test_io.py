"""Safe output (issue 14, items 1 and 4): planted links, kept modes, inputs never overwritten."""

from __future__ import annotations

import json
import os
import stat

import pytest
import yaml
from click.testing import CliRunner

from cablesim import _io as _safeio
from cablesim import dataset, report
from cablesim.cli import cli
from cablesim.dataset import _build
from cablesim.exceptions import OutputError


def _plant(folder, names, victim):
    for name in names:
        (folder / name).symlink_to(victim)


def _victims(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "precious.txt"
    victim.write_text("do not touch\n")
    return outside, victim


def _snapshot(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in folder.iterdir()}


def test_planted_temporary_links_are_never_followed(tmp_path):
    """Links planted under every predictable temporary name stay links, the victim untouched."""
    outside, victim = _victims(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    pid = os.getpid()
    planted = [f".out.json.{p}.tmp" for p in range(pid - 50, pid + 50)]
    planted += [".out.json.tmp", ".quality_report.md.tmp", ".manifest.json.tmp"]
    planted += [f".{t}.parquet.tmp" for t in ("cables", "segments", "countries")]
    _plant(out, planted, victim)
    before = _snapshot(outside)

    report.write({"a": 1}, out / "out.json")  # the one writer
    _build._write_text(out / "quality_report.md", "# report\n")  # the dataset build's
    _build._write_text(out / "manifest.json", "{}\n")
    import pandas as pd

    with _safeio.atomic_path(out / "cables.parquet") as tmp:
        pd.DataFrame({"x": [1, 2]}).to_parquet(tmp)

    assert _snapshot(outside) == before
    assert victim.read_text() == "do not touch\n"
    assert json.loads((out / "out.json").read_text()) == {"a": 1}
    assert pd.read_parquet(out / "cables.parquet")["x"].tolist() == [1, 2]
    # the planted links are still links to the victim; no temporary file is left
    for name in planted:
        assert (out / name).is_symlink()
    left = {p.name for p in out.iterdir()} - set(planted)
    assert left == {"out.json", "quality_report.md", "manifest.json", "cables.parquet"}


def test_existing_mode_is_kept_and_new_file_follows_umask(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    target.chmod(0o640)
    _safeio.write_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.json"
    _safeio.write_atomic(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError, OSError])
def test_temporary_file_removed_on_every_exit(tmp_path, exc):
    target = tmp_path / "t.png"
    target.write_text("old")

    def write_then_fail():
        with _safeio.atomic_path(target) as tmp:
            tmp.write_text("partial")
            raise exc("stop")

    with pytest.raises(exc if exc is not OSError else OutputError):
        write_then_fail()
    assert [p.name for p in tmp_path.iterdir()] == ["t.png"]
    assert target.read_text() == "old"


def test_refuses_input_and_link_to_input(tmp_path):
    src = tmp_path / "scenario.yaml"
    src.write_text("name: x\n")
    with pytest.raises(OutputError, match="input"):
        _safeio.write_atomic(src, "y", inputs=[src])
    link = tmp_path / "link.json"
    link.symlink_to(src)
    with pytest.raises(OutputError, match="input"):
        _safeio.write_atomic(link, "y", inputs=[src])
    with _safeio.guard_inputs():
        _safeio.note_input(src)
        with pytest.raises(OutputError, match="input"):
            _safeio.write_atomic(link, "y")
    assert src.read_text() == "name: x\n"


def test_montecarlo_refuses_to_overwrite_its_scenario(tmp_path):
    """``montecarlo --capacity-uncertainty sc.json -o sc.json``: exit 2, the input intact."""
    sc = tmp_path / "sc.json"
    text = json.dumps({"name": "Tonga", "events": [{"cable": "tonga-cable"}]})
    sc.write_text(text)
    res = CliRunner().invoke(
        cli,
        ["montecarlo", "--capacity-uncertainty", str(sc), "--trials", "2", "-o", str(sc)],
    )
    assert res.exit_code == 2, res.output
    assert "refusing to overwrite the input file" in res.output
    assert sc.read_text() == text
    # through a link to the input as well
    link = tmp_path / "out.json"
    link.symlink_to(sc)
    res = CliRunner().invoke(
        cli,
        ["montecarlo", "--capacity-uncertainty", str(sc), "--trials", "2", "-o", str(link)],
    )
    assert res.exit_code == 2, res.output
    assert sc.read_text() == text


def test_run_refuses_map_over_its_scenario(tmp_path):
    sc = tmp_path / "s.yaml"
    sc.write_text(yaml.safe_dump({"name": "T", "events": [{"cable": "tonga-cable"}]}))
    before = sc.read_text()
    res = CliRunner().invoke(cli, ["run", str(sc), "--html", str(sc)])
    assert res.exit_code == 2, res.output
    assert sc.read_text() == before


def test_output_over_a_data_table_is_refused(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(dataset.data_dir(None), data)
    target = data / "manifest.json"
    before = target.read_bytes()
    res = CliRunner().invoke(cli, ["--data", str(data), "run", "tonga-2022", "-o", str(target)])
    assert res.exit_code == 2, res.output
    assert "refusing to overwrite the input file" in res.output
    assert target.read_bytes() == before
