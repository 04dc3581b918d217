"""Each CLI case of issue 24 ("the CLI") exits 2 with a clear message, quickly.

Inputs are sized just past the limit they show (a sparse file stands for 5 GB); the
time bounds are generous: these cases took from 11 s to 11 minutes before.
"""

from __future__ import annotations

import os
import time

import pytest
from click.testing import CliRunner

from cablesim import _limits
from cablesim.cli import cli


def _exit2(*args: str, within: float = 10.0) -> str:
    t0 = time.perf_counter()
    res = CliRunner().invoke(cli, list(args))
    took = time.perf_counter() - t0
    assert res.exit_code == 2, (args[:3], res.exit_code, res.output[-400:])
    assert "internal error" not in res.output
    assert "Traceback" not in res.output
    assert took < within, (args[:3], took)
    return res.output


def test_toml_of_one_dotted_key(tmp_path):
    f = tmp_path / "dots.toml"
    f.write_text("a" + ".a" * 40_000 + " = 1\n")  # 80 kB: 6.5 GB inside tomllib
    assert "a dotted key of more than" in _exit2("run", str(f))


@pytest.mark.parametrize(
    ("command", "path", "needle"),
    [
        ("montecarlo", "/nonexistent/x.json", "folder /nonexistent does not exist"),
        ("montecarlo", "mc.txt", "unknown output format '.txt'; use .json or .csv"),
        ("sweep", "/nonexistent/s.csv", "folder /nonexistent does not exist"),
    ],
)
def test_output_checked_before_the_computation(command, path, needle):
    assert needle in _exit2(command, "-o", path, within=3.0)


def test_every_command_checks_its_outputs_first(tmp_path):
    missing = str(tmp_path / "no" / "x")
    cases = [
        ("run", "tonga-2022", "-o", missing + ".json"),
        ("run", "tonga-2022", "--map", missing + ".png"),
        ("run", "tonga-2022", "--plot", str(tmp_path / "x.gif")),
        ("run", "tonga-2022", "--html", missing + ".html"),
        ("map", "-o", str(tmp_path / "x.jpg")),
        ("depends", "KEN", "-o", str(tmp_path / "x.md")),
        ("sweep", "-o", missing + ".json"),
        ("compare", "tonga-2022", "-o", str(tmp_path / "x.html")),
    ]
    for args in cases:
        res = CliRunner().invoke(cli, list(args))
        if res.exit_code == 2 and "No such command" in res.output:
            continue  # a command another version names differently
        assert res.exit_code == 2, (args, res.output[-300:])
        assert "Invalid value for" in res.output, (args, res.output[-300:])


@pytest.mark.parametrize("rate", ["inf", "4e4", "1e5", "nan"])
def test_faults_per_year_bounded(rate):
    _exit2("montecarlo", "--faults-per-year", rate, "--trials", "1", within=3.0)


def test_faults_per_period_bounded():
    out = _exit2("montecarlo", "--years", "100", "--trials", "1", within=3.0)
    assert f"the limit is {_limits.MAX_FAULTS_PER_TRIAL:,}" in out


def test_many_events_refused_before_the_work(tmp_path):
    same = tmp_path / "same.yaml"
    rows = "".join("  - cable: seamewe-5\n" for _ in range(10_000))
    same.write_text("name: same cut\nevents:\n" + rows)
    assert f"more than {_limits.MAX_EVENTS:,} events" in _exit2("run", str(same), within=5.0)
    alias = tmp_path / "alias.yaml"
    rows = "".join("  - *e\n" for _ in range(60_000))
    alias.write_text("name: aliases\nevents:\n  - &e {cable: seamewe-5}\n" + rows)
    out = _exit2("run", str(alias))
    assert "events; the limit is" in out or "aliases expand" in out or "too large" in out


def test_timeline_of_many_dates_refused_before_simulating(tmp_path):
    n = _limits.MAX_EVENTS
    rows = "".join(
        f"  - cable: {{id: seamewe-5, at: {i}, repair_days: 1}}\n" for i in range(0, 3 * n, 3)
    )
    f = tmp_path / "tl.yaml"
    f.write_text("name: many dates\nas_of: 2022-01-01\nevents:\n" + rows)
    assert "change points" in _exit2("run", str(f), within=30.0)


def test_sixty_thousand_unknown_keys_are_a_short_message(tmp_path):
    f = tmp_path / "keys.yaml"
    f.write_text(
        "name: k\nevents: [{cable: seamewe-5}]\n" + "".join(f"k{i}: 1\n" for i in range(60_000))
    )
    out = _exit2("check", str(f), within=5.0)
    assert out.count("\n") < 60
    assert f"more than {_limits.MAX_KEYS:,} keys in one mapping" in out


def test_a_name_longer_than_any_real_name(tmp_path):
    out = _exit2("cable", "x" * 98_000, within=5.0)
    assert "longer than any real name" in out
    assert len(out) < 400
    f = tmp_path / "long.yaml"
    f.write_text("name: long\nevents:\n  - cable: " + "y" * 100_000 + "\n")
    out = _exit2("check", str(f))
    assert len(out) < 600


def test_resilience_add_on_binary_utf16_and_huge_files(tmp_path):
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 8)
    utf16 = tmp_path / "u16.yaml"
    utf16.write_bytes("add:\n  - name: x\n".encode("utf-16"))
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as fh:
        fh.truncate(5 * 2**30)
    assert "not UTF-8" in _exit2("resilience", "KEN", "--add", str(junk))
    assert "UTF-16" in _exit2("resilience", "KEN", "--add", str(utf16))
    assert "file too large" in _exit2("resilience", "KEN", "--add", str(huge))


def test_fifo_and_dev_zero_are_not_regular_files(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in _exit2("run", str(fifo))
    assert "not a regular file" in _exit2("check", "/dev/zero")


def test_dotless_i_is_not_india(tmp_path):
    f = tmp_path / "i.yaml"
    f.write_text("name: i\nevents:\n  - country: ıND\n", encoding="utf-8")
    assert "unknown country 'ıND'" in _exit2("check", str(f))
