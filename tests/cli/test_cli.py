"""The command line: outputs, exit codes and error messages."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from cablesim.cli import cli, main
from cablesim.cli import run as cli_run
from cablesim.network import load_network


@pytest.fixture
def runner():
    return CliRunner()


def invoke(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_run_prints_a_report(runner):
    res = invoke(runner, "run", "tonga-2022")
    assert res.exit_code == 0, res.output
    assert "Tonga (TON)" in res.output
    assert "isolated" in res.output
    assert "Assumptions" in res.output


def test_run_on_a_compare_scenario_says_it_runs_one_side(runner):
    res = CliRunner().invoke(
        cli, ["run", "compare-alexandria-2008-2021", "--json"], catch_exceptions=False
    )
    assert res.exit_code == 0
    assert "cablesim compare compare-alexandria-2008-2021" in res.stderr
    assert json.loads(res.stdout)["scenario"]["as_of"].startswith("2008")


def test_run_json_has_the_documented_shape(runner):
    res = invoke(runner, "run", "alexandria-2008", "--json")
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["scenario"]["name"].startswith("Alexandria")
    assert data["scenario"]["as_of"] == "2008-01-30"
    fc = data["failed_cables"][0]
    assert {"cable_id", "name", "segments_failed", "segments_total"} <= set(fc)
    rec = next(c for c in data["countries"] if c["iso3"] == "EGY")
    for key in (
        "iso3",
        "name",
        "baseline_tbps",
        "remaining_tbps",
        "loss_pct",
        "isolated",
        "status",
        "international_tbps",
        "international_tbps_baseline",
        "latency_ms",
        "latency_ms_baseline",
    ):
        assert key in rec
    assert rec["status"] in ("degraded", "severe")


def test_outputs_by_suffix_and_atomic(runner, tmp_path):
    out_json, out_csv, out_md = tmp_path / "r.json", tmp_path / "r.csv", tmp_path / "r.md"
    res = invoke(
        runner, "run", "tonga-2022", "-o", str(out_json), "-o", str(out_csv), "-o", str(out_md)
    )
    assert res.exit_code == 0, res.output
    assert json.loads(out_json.read_text())["summary"]["isolated"] == ["TON"]
    with out_csv.open() as fh:
        rows = list(csv.DictReader(fh))
    assert next(r for r in rows if r["iso3"] == "TON")["status"] == "isolated"
    md = out_md.read_text()
    assert md.startswith("# Tonga")
    assert "## Assumptions" in md
    assert not list(tmp_path.glob(".*tmp"))


def test_run_refuses_to_overwrite_the_scenario(runner, tmp_path):
    sc = tmp_path / "s.yaml"
    sc.write_text("name: x\nevents:\n  - cable: tonga-cable\n")
    res = runner.invoke(cli, ["run", str(sc), "-o", str(sc)])
    assert res.exit_code == 2
    assert "refusing to overwrite the input file" in res.output
    assert sc.read_text() == "name: x\nevents:\n  - cable: tonga-cable\n"


def test_unknown_output_format(runner, tmp_path):
    res = runner.invoke(cli, ["run", "tonga-2022", "-o", str(tmp_path / "r.xlsx")])
    assert res.exit_code == 2
    assert "unknown output format" in res.output


def test_bad_scenario_exits_2_without_traceback(runner, tmp_path):
    sc = tmp_path / "bad.yaml"
    sc.write_text("name: x\nevents:\n  - cable: tonga-cabel\n")
    res = runner.invoke(cli, ["run", str(sc)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    assert (
        f"{sc}:3: events[0].cable: unknown cable 'tonga-cabel'; did you mean 'tonga-cable'"
        in res.output
    )


def test_check_validates_many_files(runner, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("name: x\nevents:\n  - chokepoint: suez\n")
    res = invoke(runner, "check", str(good), "tonga-2022")
    assert res.exit_code == 0
    assert res.output.count("ok:") == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nevents:\n  - chokepoint: suezz\n")
    res = runner.invoke(cli, ["check", str(good), str(bad)])
    assert res.exit_code == 2
    assert "did you mean 'suez'" in res.output


def test_data_info_json(runner):
    res = invoke(runner, "data", "info", "--json")
    info = json.loads(res.output)
    for key in (
        "cables",
        "landing_points",
        "segments",
        "countries",
        "chokepoints",
        "terrestrial_links",
    ):
        assert isinstance(info[key], int)
    assert info["cables"] >= 480
    assert info["snapshot_date"] == "2021-06-30"
    assert "CC BY-NC-SA 3.0" in info["licence"]


def test_data_validate_passes(runner):
    res = invoke(runner, "data", "validate")
    assert res.exit_code == 0
    assert "every check passed" in res.output


def test_cables_listing_and_detail(runner):
    res = invoke(runner, "cables", "--country", "Tonga", "--json")
    ids = {c["cable_id"] for c in json.loads(res.output)}
    assert "tonga-cable" in ids
    res = invoke(runner, "cables", "--search", "seamewe", "--as-of", "2008")
    assert "SeaMeWe-4" in res.output
    assert "SeaMeWe-5" not in res.output
    res = invoke(runner, "cable", "SeaMeWe-4", "--json")
    info = json.loads(res.output)
    assert len(info["landing_points"]) == 16
    assert info["capacity_source"]
    assert sum(s["length_km"] for s in info["segments"]) > 15000
    assert info["capacity_tbps"] == pytest.approx(4.6)  # the design figure (2015)
    assert info["lit_tbps_estimated"] <= info["capacity_tbps"]


def test_cable_shows_design_and_lit_estimate(runner):
    # FALCON: published design 2.56 Tbps and a stated 90 Gbit/s lit at launch (2006)
    info = json.loads(invoke(runner, "cable", "falcon", "--json").output)
    assert info["capacity_tbps"] == pytest.approx(2.56)
    assert (info["lit_tbps_stated"], info["lit_year_stated"]) == (pytest.approx(0.09), 2006)
    # 2Africa was planned at the snapshot: estimated as lit on its first day, at the launch share
    info = json.loads(invoke(runner, "cable", "2africa", "--as-of", "2021-06-30", "--json").output)
    assert info["lit_estimated_as_of"] > "2021-06-30"
    at_rfs = load_network().info["lit_model"].at_rfs
    assert info["lit_tbps_estimated"] == pytest.approx(at_rfs * 180, rel=0.01)
    text = invoke(runner, "cable", "falcon").output
    assert "design capacity: 2.56 Tbps" in text
    assert "stated lit 0.09 Tbps in 2006" in text


def test_cable_and_cables_show_the_same_date(runner):
    """`cable` estimates lit capacity on the date `cables` lists (issue 23): today by default."""
    one = json.loads(invoke(runner, "cable", "SMW5", "--json").output)
    listed = json.loads(invoke(runner, "cables", "--search", "seamewe-5", "--json").output)
    row = next(r for r in listed if r["cable_id"] == "seamewe-5")
    assert one["lit_tbps_estimated"] == pytest.approx(row["capacity_tbps"])
    assert one["lit_estimated_as_of"] == str(load_network().as_of)
    old = json.loads(invoke(runner, "cable", "SMW5", "--as-of", "2021-06-30", "--json").output)
    assert old["lit_estimated_as_of"] == "2021-06-30"
    assert old["lit_tbps_estimated"] < one["lit_tbps_estimated"]


def test_unknown_cable_gets_did_you_mean(runner):
    res = runner.invoke(cli, ["cable", "seamewe-4x"])  # "seamewe4" now resolves (issue 13)
    assert res.exit_code == 2
    assert "did you mean 'seamewe-4'" in res.output


def test_usage_errors_exit_2(runner):
    res = runner.invoke(cli, ["run"])
    assert res.exit_code == 2
    assert main(["run", "/nonexistent.yaml"]) == 2


def test_internal_errors_exit_1_and_debug_shows_traceback(runner, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cli_run, "simulate", boom)
    res = runner.invoke(cli, ["run", "tonga-2022"])
    assert res.exit_code == 1
    assert "internal error: RuntimeError: kaboom" in res.output
    res = runner.invoke(cli, ["--debug", "run", "tonga-2022"])
    assert isinstance(res.exception, RuntimeError)
