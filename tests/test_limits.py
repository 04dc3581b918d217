"""Resource limits (issue 14, item 9): figure pixels, years, trials, seeds, scheduler, name look-ups."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from cablesim import _limits
from cablesim.cli import cli
from cablesim.exceptions import CableSimError, ScenarioError


@pytest.mark.parametrize(
    "args",
    [
        ["montecarlo", "--trials", "0"],
        ["montecarlo", "--trials", str(_limits.MAX_TRIALS + 1)],
        ["montecarlo", "--seed", "-1"],
        ["montecarlo", "--seed", str(2**64)],
        ["montecarlo", "--years", "1e300"],
        ["montecarlo", "--years", "inf"],
        ["montecarlo", "--scheduler", "not an address"],
        ["montecarlo", "--scheduler", "tcp://host:99999"],
        ["sweep", "--scheduler", "http://"],
        ["resilience", "TON", "--seed", "-5"],
    ],
)
def test_out_of_bounds_options_are_refused_at_once(args):
    CliRunner().invoke(cli, [args[0], "--help"])  # the command's module imported: not timed
    t0 = time.perf_counter()
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert "Invalid value" in res.output or "error:" in res.output
    assert time.perf_counter() - t0 < 5  # refused before any work


def test_scheduler_addresses():
    for ok in (
        "tcp://127.0.0.1:8786",
        "127.0.0.1:8786",
        "tls://[::1]:8786",
        "inproc://10.0.0.1/1/2",
    ):
        assert _limits.check_scheduler(ok) == ok
    for bad in ("", "tcp://", "8786", "tcp://a b:1", "tcp://h:0", "ftp://h:1"):
        with pytest.raises(CableSimError):
            _limits.check_scheduler(bad)


def test_map_pixels_capped(tmp_path):
    res = CliRunner().invoke(
        cli,
        [
            "run",
            "tonga-2022",
            "--map",
            str(tmp_path / "m.png"),
            "--size",
            "100x100",
            "--dpi",
            "1200",
        ],
    )
    assert res.exit_code == 2, res.output
    assert "megapixels" in res.output
    assert not (tmp_path / "m.png").exists()


def test_library_bounds():
    from cablesim.analyses import risk

    with pytest.raises(CableSimError, match="years"):
        risk.montecarlo(trials=1, years=1e9)
    with pytest.raises(CableSimError, match="seed"):
        risk.montecarlo(trials=1, seed=-3)


@pytest.mark.slow  # 20,000 names checked against the world network
def test_many_unknown_names_are_checked_in_linear_time(world):
    """20,000 unknown cables: suggestions for the first few, a clear error for all, quickly."""
    from cablesim.scenario import load_scenario

    n = 20_000
    doc = {
        "name": "x",
        "events": [{"cut": {"cables": [f"tonga-cable-x{i}" for i in range(n)], "near": [0, 0]}}],
    }
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError) as err:
        load_scenario(doc, network=world)
    assert time.perf_counter() - t0 < 30  # minutes before (did-you-mean for every name)
    assert len(err.value.problems) == n
    assert "did you mean" in err.value.problems[0]
    assert "did you mean" not in err.value.problems[-1]


def test_suggestions_still_offered(world):
    with pytest.raises(CableSimError, match="did you mean"):
        world.resolve_cable("tonga-cabel")
    assert world.resolve_cable("Tonga Cable") == "tonga-cable"
