"""Corrupted ``--data`` folders give a data error naming the file (issue 14, item 8).

The corrupted folders are generated from a copy of the bundled dataset: the
manifest broken in several ways, every table truncated, every table with a
column dropped, two tables swapped, all capacities missing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from cablesim import dataset
from cablesim.cli import cli
from cablesim.dataset._schema import TABLES

MANIFESTS = {"empty": "", "truncated": '{"counts": ', "list": "[]", "no-date": '{"counts": {}}'}


def _corrupt(kind: str, arg: str, folder: Path) -> str:
    """Break ``folder`` in one way; return the file name the error must name."""
    if kind == "manifest":
        (folder / "manifest.json").write_text(MANIFESTS[arg])
        return "manifest.json"
    file = folder / f"{arg}.parquet"
    if kind == "truncate":
        data = file.read_bytes()
        file.write_bytes(data[: len(data) // 2])
    elif kind == "drop":
        geo = any(c.name == "geometry" for c in TABLES[arg])
        df = gpd.read_parquet(file) if geo else pd.read_parquet(file)
        col = next(c.name for c in TABLES[arg] if c.name != "geometry")
        df.drop(columns=[col]).to_parquet(file)
    elif kind == "swap":
        other = folder / "segments.parquet"
        tmp = folder / "x.tmp"
        file.rename(tmp)
        other.rename(file)
        tmp.rename(other)
    return f"{arg}.parquet"


CASES = (
    [("manifest", k) for k in MANIFESTS]
    + [("truncate", t) for t in TABLES]
    + [("drop", t) for t in TABLES]
    + [("swap", "cables")]
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    dst = tmp_path_factory.mktemp("data") / "pristine"
    shutil.copytree(dataset.data_dir(None), dst)
    return dst


@pytest.mark.parametrize(("kind", "arg"), CASES)
def test_corrupted_data_is_a_data_error(pristine, tmp_path, kind, arg):
    folder = tmp_path / "data"
    shutil.copytree(pristine, folder)
    name = _corrupt(kind, arg, folder)
    res = CliRunner().invoke(cli, ["--data", str(folder), "run", "tonga-2022"])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert "internal error" not in res.output
    assert "invalid scenario" not in res.output
    assert name in res.output


def test_dataset_that_validate_rejects_is_refused(pristine, tmp_path):
    folder = tmp_path / "nan"
    shutil.copytree(pristine, folder)
    file = folder / "cables.parquet"
    df = pd.read_parquet(file)
    for col in ("capacity_tbps", "lit_capacity_tbps", "capacity_at_rfs_tbps"):
        df[col] = float("nan")
    df.to_parquet(file)
    res = CliRunner().invoke(cli, ["--data", str(folder), "data", "validate"])
    assert res.exit_code != 0
    res = CliRunner().invoke(cli, ["--data", str(folder), "run", "tonga-2022"])
    assert res.exit_code == 2, res.output
    assert "fails validation" in res.output
    assert "No country was cut off" not in res.output


def test_pristine_copy_still_runs(pristine):
    res = CliRunner().invoke(cli, ["--data", str(pristine), "run", "tonga-2022", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["scenario"]
