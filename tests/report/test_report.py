"""The reports of a result and the one writer (cablesim.report), on a tiny network."""

from __future__ import annotations

import json
import os

import pytest

from cablesim import report
from cablesim.exceptions import OutputError


@pytest.fixture
def result(branchy, run):
    return run(branchy, [{"cable": "x"}], core=["CCC"])


def test_json_is_plain_data(result):
    data = json.loads(report.to_json(result))
    bbb = next(c for c in data["countries"] if c["iso3"] == "BBB")
    assert bbb["status"] == "isolated"


def test_csv_and_markdown_name_the_countries(result):
    assert "BBB" in report.to_csv(result)
    md = report.to_markdown(result, explanation="Because.")
    assert "Country BBB" in md
    assert "Because." in md
    # the columns say what they are: reach is capacity within reach, not traffic
    assert "as if every cable within reach were its own" in md
    assert "demand_tbps" in md


def test_summary_paragraph_says_who_was_cut_off(result):
    assert "Country BBB" in report.summary_paragraph(result)


@pytest.mark.parametrize("suffix", [".json", ".csv", ".md", ".html"])
def test_one_writer_by_suffix(result, tmp_path, suffix):
    path = report.write(result, tmp_path / f"r{suffix}")
    assert path.read_text(encoding="utf-8").strip()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_writer_refuses_unknown_suffix_and_names_the_choices(result, tmp_path):
    with pytest.raises(OutputError, match=r"use \.json, \.csv, \.md, \.html, \.gpkg or \.geojson"):
        report.write(result, tmp_path / "r.xlsx")


def test_writer_never_overwrites_a_protected_input(result, tmp_path):
    src = tmp_path / "in.json"
    src.write_text("keep", encoding="utf-8")
    with pytest.raises(OutputError, match="refusing to overwrite"):
        report.write(result, src, protect=[src])
    assert src.read_text(encoding="utf-8") == "keep"


def test_writer_writes_tables_and_mappings(tmp_path, result):
    table = report.affected_table(result)
    assert report.write(table, tmp_path / "t.csv").read_text().startswith(table.columns[0])
    data = {"a": 1}
    assert json.loads(report.write(data, tmp_path / "d.json").read_text()) == data
    with pytest.raises(OutputError):
        report.write(data, tmp_path / "d.csv")  # no table given
