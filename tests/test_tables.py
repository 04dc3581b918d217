"""Tables that read right (issue 13): depends --all, minimal-cut, sweep --k 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cablesim._elements import element_kind_and_name
from cablesim.cli import cli
from cablesim.network import load_network


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


ROW_KINDS = ("chokepoint", "cable", "land link")


def _rows(output: str) -> int:
    return sum(1 for line in output.splitlines() if line.lstrip().startswith(ROW_KINDS))


@pytest.mark.slow  # Egypt's dependency lens on the world network, twice
def test_depends_all_shows_every_row():
    every = json.loads(invoke("depends", "EGY", "--all", "--json").output)["dependencies"]
    assert len(every) > 40
    res = invoke("depends", "EGY", "--all")
    assert _rows(res.output) == len(every)
    assert "hidden" not in res.output


@pytest.mark.slow  # Egypt's dependency lens on the world network, twice
def test_depends_without_all_says_how_many_are_hidden():
    shown = json.loads(invoke("depends", "EGY", "--json").output)["dependencies"]
    res = invoke("depends", "EGY")
    if len(shown) > 40:
        assert f"{len(shown) - 40} more rows hidden" in res.output
        assert "--all" in res.output
    else:
        assert _rows(res.output) == len(shown)


def test_element_names_for_land_links_and_segments():
    net = load_network()
    kind, name = element_kind_and_name(net, "border:EGY-ISR:0")
    assert kind == "land link"
    assert name == "assumed land link Egypt–Israel"
    assert element_kind_and_name(net, "seamewe-5") == ("cable", "SeaMeWe-5")
    kind, name = element_kind_and_name(net, "tonga-cable#1")
    assert kind == "segment"
    assert name.startswith("Tonga Cable: ")


def test_minimal_cut_says_which_flag_cuts_land_links():
    res = invoke("minimal-cut", "EGY")
    assert res.exit_code == 0
    assert "land links" in res.output
    assert "--land-links" in res.output


def test_minimal_cut_prints_a_table_with_names():
    res = invoke("minimal-cut", "EGY", "--land-links", "--alternatives", "0")
    assert res.exit_code == 0
    assert "assumed land link Egypt–Israel" in res.output
    assert "SeaMeWe-5" in res.output
    first = res.output.splitlines()[0]
    assert "elements:" in first
    assert "land links" in first
    res = invoke("minimal-cut", "TON")
    assert "Tonga Cable" in res.output
    assert "tonga-cable" in res.output


@pytest.mark.slow
def test_sweep_pairs_rank_by_synergy_with_names():
    els = ["Hawaiki", "SCCN", "Tui-Samoa", "EASSy", "SEACOM/Tata TGN-Eurasia", "SMW5"]
    args = ["sweep", "--k", "2"]
    for e in els:
        args += ["--element", e]
    recs = json.loads(invoke(*args, "--json").output)["records"]
    syn = [r["synergy"] for r in recs]
    assert syn == sorted(syn, reverse=True)
    assert all(s >= 0.001 for s in syn)
    assert len(recs) < len(els) * (len(els) - 1) // 2  # pairs one cable explains are dropped
    res = invoke(*args)
    assert "Hawaiki + Southern Cross Cable Network (SCCN)" in res.output
    assert "ranked by synergy" in res.output
