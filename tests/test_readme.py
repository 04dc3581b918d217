"""The README's examples run as written, from any directory (issue 13)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cablesim.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: Commands that need what a fresh machine lacks (the raw sources), or run the world network
#: many times (tested in their own modules): the rest are the quick ones, run here.
SLOW_OR_EXTERNAL = (
    "cablesim data build",
    "cablesim montecarlo",
    "cablesim sweep",
    "cablesim depends",
    "cablesim history",
    "cablesim serve",  # a server that runs until stopped: tests/test_web.py starts and stops it
)


def readme_commands() -> list[str]:
    """Every ``cablesim ...`` command of the README, in inline code or bash blocks."""
    found = [m.group(1) for m in re.finditer(r"`(cablesim [^`]+)`", README)]
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            found += [p.strip() for p in line.split("&&") if p.strip().startswith("cablesim ")]
    return list(dict.fromkeys(" ".join(c.split()) for c in found))


def _iso3() -> set[str]:
    from cablesim.network import load_network

    return set(load_network().countries["iso3"])


def _is_template(cmd: str) -> bool:
    """Placeholders (SCENARIO, FILE, [--opt], a|b, ...) mark a synopsis, not an example."""
    for tok in shlex.split(cmd)[1:]:
        if re.fullmatch(r"[A-Z][A-Z0-9_]*(\.\.\.)?", tok) and tok not in _iso3():
            return True
        if re.fullmatch(r"FILE\.\w+|[A-Z]+\.yaml", tok):
            return True
        if tok.startswith("[") or "|" in tok or tok in ("...", "…"):
            return True
    return len(shlex.split(cmd)) < 3 and cmd.split()[1] in ("run", "check", "explain")


def runnable() -> list[str]:
    return [
        c
        for c in readme_commands()
        if not _is_template(c) and not c.startswith(SLOW_OR_EXTERNAL) and "my-scenario" not in c
    ]


def test_the_readme_has_examples_to_run():
    cmds = runnable()
    assert len(cmds) >= 8, cmds
    assert "cablesim run alexandria-2008" in cmds
    assert any(c.startswith("cablesim check tutorial") for c in cmds)


def test_the_readme_gives_the_test_suite_duration():
    assert re.search(r"test suite[^.]*takes about \d+ minutes", README)


def test_python_api_example_names_find_scenario():
    assert "find_scenario" in README
    assert 'load_scenario("alexandria-2008")' in README


@pytest.mark.slow
@pytest.mark.parametrize("cmd", runnable())
def test_readme_example_runs_from_any_directory(cmd, tmp_path, monkeypatch):
    """Each example, in-process from an empty directory (the console script's own code path:
    tests/cli; one example also runs as a fresh process below)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CABLESIM_DATA", raising=False)
    res = CliRunner().invoke(cli, shlex.split(cmd)[1:])
    assert res.exit_code == 0, f"{cmd}: {res.output[-2000:]}"
    assert "Traceback" not in res.output


@pytest.mark.slow
def test_a_readme_example_runs_as_a_fresh_process(tmp_path):
    """``python -m cablesim`` from another directory, as a new user types it."""
    cmd = "cablesim run alexandria-2008"
    assert cmd in runnable()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("CABLESIM_DATA", None)
    res = subprocess.run(
        [sys.executable, "-m", "cablesim", *shlex.split(cmd)[1:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, f"{cmd}: {res.stderr[-2000:]}"
    assert "Traceback" not in res.stderr


def _figures_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "readme_figures", ROOT / "benchmarks" / "readme_figures.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_figures_are_those_the_tools_wrote():
    """History scores and benchmark lines come from docs/validation.md and benchmarks/README.md.

    On a drift, regenerate in one line:
    ``cablesim history --markdown docs/validation.md && python benchmarks/readme_figures.py``.
    """
    tool = _figures_tool()
    values = tool.figures()
    _, changed = tool.rewrite(README, values)
    assert not changed, f"README figures out of date: {changed}; run benchmarks/readme_figures.py"
    # every region is there, and a typed figure would be caught
    assert set(re.findall(r"<!-- figures:([a-z-]+) -->", README)) == set(values)
    typed = README.replace(values["history"], values["history"].replace(" of ", " of 9", 1))
    assert tool.rewrite(typed, values)[1] == ["history"]
    # the history line is the one `cablesim history` prints (HistoryReport.summary_line)
    assert re.fullmatch(
        r"\d+ of \d+ reported country facts in band \(\d+%\); cut-off countries isolated or "
        r"severe: \d+ of \d+; absorbed incidents calm: \d+ of \d+; false isolations: \d+; "
        r"ordering agreement (\d+%|n/a)(\. Hit rates: total/near-total \d+ of \d+ .+)?",
        values["history"],
    )
