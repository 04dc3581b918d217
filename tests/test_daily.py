"""The daily path (issue 13): no silent no-ops, clear errors, quiet pipes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cablesim
from cablesim.cli import cli
from cablesim.network import load_network
from cablesim.scenario import noop_warnings as _noop

ROOT = Path(__file__).resolve().parents[1]


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


ON_LAND = "name: on land\nevents:\n  - area: {center: [10.0, 20.0], radius_km: 20}\n"


def test_an_event_that_fails_nothing_warns_with_the_nearest_cable(tmp_path):
    f = tmp_path / "land.yaml"
    f.write_text(ON_LAND)
    r = cablesim.simulate(cablesim.load_scenario(f))
    assert len(r.failed_segments) == 0
    (w,) = [w for w in r.warnings if "fails nothing" in w]
    near = _noop.nearest_cable(r.network, 10.0, 20.0)
    assert near[0] in w
    assert f"{near[1]:,.0f} km" in w
    assert "nearest station" in w
    res = invoke("run", str(f))
    assert "fails nothing" in res.output
    res = invoke("check", str(f))
    assert res.exit_code == 0
    assert "warning:" in res.stderr
    assert "fails nothing" in res.stderr


def test_a_cut_near_a_point_far_from_its_cable_still_warns(tmp_path):
    f = tmp_path / "cut.yaml"
    f.write_text(
        "name: far\nevents:\n  - cut: {cables: [seamewe-5], near: [-40.0, -20.0], radius_km: 5}\n"
    )
    res = invoke("check", str(f))
    assert "passes no closer than" in res.stderr


def test_nearest_cable_is_the_true_nearest():
    net = load_network()
    _name, km = _noop.nearest_cable(net, 31.2, 29.9)  # off Alexandria
    assert km < 50
    _name2, km2 = _noop.nearest_cable(net, 10.0, 20.0)  # Chad
    assert km2 > 500


def test_as_of_after_the_last_planned_cable_warns():
    net = load_network("2040")
    last = _noop.last_planned_date(net)
    assert last is not None
    assert last < net.as_of
    r = cablesim.simulate({"name": "far", "as_of": 2040, "events": [{"cable": "seamewe-5"}]})
    assert any("extrapolated from plans" in w for w in r.warnings)
    r = cablesim.simulate({"name": "now", "events": [{"cable": "seamewe-5"}]})
    assert not any("extrapolated" in w for w in r.warnings)


def test_the_default_network_is_named_as_the_snapshot(tmp_path):
    snap = load_network().as_of  # check names the date run uses (issue 23: not the 2021 one)
    f = tmp_path / "x.yaml"
    f.write_text("name: x\nevents:\n  - cable: seamewe-5\n")
    res = invoke("check", str(f))
    assert f"the dataset's snapshot of {snap}" in res.output
    res = invoke("run", str(f))
    assert "no as_of: the dataset's snapshot" in res.output
    tutorial = (ROOT / "scenarios" / "tutorial.yaml").read_text()
    assert "today's network" not in tutorial.replace("not today's network", "")


def test_quiet_drops_the_assumptions_block_but_files_keep_it(tmp_path):
    out = tmp_path / "r.md"
    res = invoke("run", "tonga-2022", "--quiet", "-o", str(out))
    assert res.exit_code == 0
    assert "Assumptions" not in res.stdout
    assert "Tonga (TON)" in res.stdout
    assert "## Assumptions" in out.read_text()
    assert "Assumptions" in invoke("run", "tonga-2022").stdout


@pytest.mark.parametrize(
    "args",
    [
        ["cables"],
        pytest.param(["cables", "--json"], marks=pytest.mark.slow),  # the same, in JSON
        # a fresh interpreter that simulates a world scenario
        pytest.param(["run", "alexandria-2008"], marks=pytest.mark.slow),
    ],
)
def test_a_closed_pipe_ends_quietly(args):
    p = subprocess.Popen(
        [sys.executable, "-m", "cablesim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        cwd=ROOT,
    )
    p.stdout.readline()
    p.stdout.close()  # like `| head -1`
    err = p.stderr.read().decode()
    p.stderr.close()
    assert p.wait(timeout=120) == 0, err
    assert "Traceback" not in err
    assert "error" not in err


# ------------------------------------------------------------------------------ errors


def test_no_none_bound_in_range_messages():
    with pytest.raises(cablesim.ScenarioError) as exc:
        cablesim.load_scenario(
            {"name": "x", "events": [{"degrade": {"cable": "seamewe-5", "fraction": 3}}]}
        )
    assert "None" not in str(exc.value)
    assert "between 0 (excluded) and 1" in str(exc.value)


def test_problems_are_listed_in_line_order(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text(
        "name: x\n"
        "options: {bogus: 1}\n"
        "events:\n"
        "  - degrade: {cable: seamewe-5, fraction: 3}\n"
        "  - area: {center: [100, 2], radius_km: -3}\n"
        "zzz: 1\n"
    )
    with pytest.raises(cablesim.ScenarioError) as exc:
        cablesim.load_scenario(f)
    lines = [int(p.split(":")[1]) for p in exc.value.problems]
    assert len(lines) >= 4
    assert lines == sorted(lines)


def test_a_tab_in_yaml_says_tabs_are_not_allowed(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("name: x\nevents:\n\t- cable: seamewe-4\n")
    with pytest.raises(cablesim.ScenarioError, match="tabs are not allowed for indentation"):
        cablesim.load_scenario(f)


def test_unknown_region_lists_the_regions():
    res = invoke("map", "--region", "nowhere", "-o", "unused.png")
    assert res.exit_code == 2
    assert "middle-east" in res.stderr
    assert "west-africa" in res.stderr


def test_check_a_directory_says_it_is_a_directory(tmp_path):
    res = invoke("check", str(tmp_path))
    assert res.exit_code == 2
    assert "is a directory" in res.stderr


def test_data_build_without_raw_sources_says_the_folder_is_missing(tmp_path):
    res = invoke("data", "build", "--source", str(tmp_path / "nope"), "--out", str(tmp_path / "o"))
    assert res.exit_code == 2
    assert "is missing" in res.stderr
    assert "TeleGeography" in res.stderr
    assert "does not look like" not in res.stderr


def test_a_chokepoint_no_cable_crosses_warns():
    r = cablesim.simulate({"name": "g", "as_of": 1990, "events": [{"chokepoint": "guam"}]})
    assert len(r.failed_segments) == 0
    (w,) = [w for w in r.warnings if "fails nothing" in w]
    assert "no cable in service crosses it at 1990-12-31" in w
    assert "nearest cable" in w
