"""A generated corpus of hostile scenario files (issue 14, items 5-7).

Every file is built by a generator below (a hostile value put at every field
of a valid scenario; alias bombs and nesting of growing size; broken TOML;
impossible dates), never listed by hand one by one. Each must give exit code 2,
an ``error:`` line that names the file, and no traceback, well within a second.
"""

from __future__ import annotations

import copy
import itertools
import json
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cablesim.cli import cli

BASE = {
    "name": "Hostile base",
    "description": "A valid timeline scenario that every generator breaks in one place.",
    "as_of": "2022-01-01",
    "options": {"core": ["USA", "GBR"], "backhaul": "landmass", "repair": 30},
    "events": [
        {
            "cut": {
                "cables": ["tonga-cable"],
                "near": [-21.1, -175.2],
                "radius_km": 25,
                "label": "a cut",
                "at": 3,
                "repair_days": 40,
            }
        },
        {"cable": {"id": "seamewe-5", "until": "2022-03-01"}},
    ],
}

# values that are wrong wherever they go (none is a valid name, number, date or list)
HOSTILE_VALUES = [
    10**400,  # a 400-digit integer
    -(10**400),
    "\u200b\u200c\u200d",  # zero-width only
    "\ufeff \u2060",
    {"deep": [[[[["x"]]]]]},
    [],
    True,
]
# and values wrong wherever a number, a date or a list is expected (text fields excluded)
NOT_TEXT_VALUES = [
    1e300,
    float("inf"),
    "2021-02-30",  # impossible dates
    "2021-13-01",
    "9999-12-31",
]

# paths (into BASE) where each hostile value is put
FIELDS = [
    ("name",),
    ("as_of",),
    ("options", "core"),
    ("options", "repair"),
    ("events", 0, "cut", "cables"),
    ("events", 0, "cut", "near"),
    ("events", 0, "cut", "radius_km"),
    ("events", 0, "cut", "at"),
    ("events", 0, "cut", "repair_days"),
    ("events", 1, "cable", "id"),
    ("events", 1, "cable", "until"),
]


def _put(doc: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(doc)
    node = out
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return out


def _yaml(value) -> str:
    """YAML text for ``value``; ints too long for PyYAML's dumper written by hand."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**300:
        return str(value)
    if value == float("inf"):
        return ".inf"
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip()


def _doc_with(path: tuple, value) -> str:
    marker = "__HOSTILE__"
    text = yaml.safe_dump(_put(BASE, path, marker), sort_keys=False, allow_unicode=True)
    rendered = _yaml(value)
    if rendered.endswith("..."):
        rendered = rendered.rsplit("...", 1)[0].strip()
    return text.replace(marker, rendered)


TEXT_FIELDS = {("name",)}


def _field_corpus():
    values = HOSTILE_VALUES + NOT_TEXT_VALUES
    for (i, path), (j, value) in itertools.product(enumerate(FIELDS), enumerate(values)):
        if path in TEXT_FIELDS and value in NOT_TEXT_VALUES:
            continue
        yield f"field{i:02d}-{j:02d}.yaml", _doc_with(path, value)


def _alias_bomb(levels: int, width: int) -> str:
    lines = ['a0: &a0 ["lol"]']
    for k in range(1, levels + 1):
        lines.append(f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * width)}]")
    lines.append(f"name: *a{levels}")
    lines.append("events: [{cable: tonga-cable}]")
    return "\n".join(lines) + "\n"


def _structural_corpus():
    # alias bombs: from just over the limit to billions of values
    for levels, width in [(6, 10), (9, 9), (12, 6), (20, 4)]:
        yield f"bomb-{levels}x{width}.yaml", _alias_bomb(levels, width)
    # aliases used as keys and recursive aliases
    yield "alias-key.yaml", "k: &k [a, b]\n? *k\n: 1\nname: x\nevents: [{cable: tonga-cable}]\n"
    yield "recursive-seq.yaml", "name: &a [*a]\nevents: [{cable: tonga-cable}]\n"
    yield "recursive-map.yaml", "name: &a {x: *a}\nevents: [{cable: tonga-cable}]\n"
    yield "recursive-self.yaml", "&a [*a, *a]\n"
    # sets and mappings as keys
    yield "set-key.yaml", "? !!set {a, b}\n: 1\nname: x\nevents: [{cable: tonga-cable}]\n"
    yield "map-key.yaml", "? {a: 1}\n: 1\nname: x\nevents: [{cable: tonga-cable}]\n"
    # deep nesting, block and flow YAML, TOML arrays and inline tables
    for depth in (100, 1000, 5000):
        yield f"deep-flow-{depth}.yaml", "name: x\nevents: " + "[" * depth + "]" * depth + "\n"
        block = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(depth)) + " " * 2 * depth + "v\n"
        yield (
            f"deep-block-{depth}.yaml",
            "name: x\nevents:\n" + "".join("  " + line + "\n" for line in block.splitlines()),
        )
        yield f"deep-toml-{depth}.toml", 'name = "x"\nevents = ' + "[" * depth + "]" * depth + "\n"
        yield (
            f"deep-toml-table-{depth}.toml",
            'name = "x"\nevents = ' + "{a = " * depth + "1" + "}" * depth + "\n",
        )
    # lone surrogates, escaped in YAML and in JSON (a YAML subset)
    for cp in (0xD800, 0xDBFF, 0xDC00, 0xDFFF):
        yield f"surrogate-{cp:x}.yaml", f'name: "x\\u{cp:04x}y"\nevents: [{{cable: tonga-cable}}]\n'
        yield f"surrogate-{cp:x}.json.yaml", json.dumps({"name": "a" + chr(cp), "events": []})
    # impossible and overflowing dates as YAML timestamps (unquoted)
    for date in ("2021-02-30", "2021-13-01", "2021-00-10", "0000-01-01", "9999-12-01"):
        yield f"date-{date}.yaml", f"name: x\nas_of: {date}\nevents: [{{cable: tonga-cable}}]\n"
    yield (
        "date-overflow.yaml",
        "name: x\nas_of: 9999-12-01\nevents: [{cable: {id: tonga-cable, at: 36500}}]\n",
    )
    yield (
        "repair-overflow.yaml",
        "name: x\nas_of: 2022-01-01\nevents: [{cable: {id: tonga-cable, repair_days: 1e300}}]\n",
    )
    # huge integers written out, beyond what Python converts from text
    for digits in (400, 5000):
        yield (
            f"int-{digits}.yaml",
            "name: x\nevents: [{cut: {cables: [tonga-cable], near: [0, 0], radius_km: "
            + "9" * digits
            + "}}]\n",
        )
    # broken TOML: must give a line
    for k, bad in enumerate(['name = "x\nevents = []', "name = \nevents = []", "[[events]\n"]):
        yield f"broken-{k}.toml", bad
    # control characters the YAML reader refuses, at the start and inside a value
    for cp in (0x00, 0x1F, 0x7F, 0x85 - 1):
        yield f"control-{cp:02x}.yaml", chr(cp) + "name: x\nevents: [{cable: tonga-cable}]\n"
        yield f"control-in-{cp:02x}.yaml", f"name: a{chr(cp)}b\nevents: [{{cable: tonga-cable}}]\n"
    # a document over the size limit
    yield (
        "huge.yaml",
        "name: x\ndescription: " + "y" * 1_100_000 + "\nevents: [{cable: tonga-cable}]\n",
    )


def _corpus():
    yield from _field_corpus()
    yield from _structural_corpus()


CORPUS = dict(_corpus())


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    for name, text in CORPUS.items():
        (d / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    return d


def test_corpus_is_large_and_generated():
    assert len(CORPUS) > 150
    assert len(set(CORPUS.values())) == len(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_file_is_a_clear_error(corpus_dir, name):
    path = corpus_dir / name
    t0 = time.perf_counter()
    res = CliRunner().invoke(cli, ["check", str(path)])
    elapsed = time.perf_counter() - t0
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    assert "Traceback" not in res.output
    assert "error:" in res.output
    assert name in res.output
    assert "internal error" not in res.output
    assert elapsed < 10


def test_check_reports_every_bad_file(corpus_dir):
    """``check A B C`` goes on after a bad file and reports all of them."""
    names = ["bomb-9x9.yaml", "broken-0.toml", "date-2021-02-30.yaml", "field00-04.yaml"]
    good = corpus_dir / "good.yaml"
    good.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    args = [str(corpus_dir / names[0]), str(good), *[str(corpus_dir / n) for n in names[1:]]]
    res = CliRunner().invoke(cli, ["check", *args])
    assert res.exit_code == 2
    assert "ok: " in res.output
    for n in names:
        assert n in res.output, n


def test_toml_error_gives_line(corpus_dir):
    res = CliRunner().invoke(cli, ["check", str(corpus_dir / "broken-1.toml")])
    assert res.exit_code == 2
    assert "broken-1.toml:1: not valid TOML" in res.output


def test_alias_bomb_is_refused_quickly(corpus_dir):
    from cablesim.exceptions import ScenarioError
    from cablesim.scenario import load_scenario

    t0 = time.perf_counter()
    with pytest.raises(ScenarioError, match="alias"):
        load_scenario(corpus_dir / "bomb-20x4.yaml", resolve=False)
    assert time.perf_counter() - t0 < 2


def test_base_scenario_is_valid(corpus_dir):
    """The generators break a scenario that is valid: each failure is the hostile value's."""
    good = corpus_dir / "base.yaml"
    good.write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(good)])
    assert res.exit_code == 0, res.output


MARKUP = [
    ("[/red]", None),
    ("[link=https://example.com]click[/link]", "https://example.com"),
    ("\x1b[2J\x1b]8;;https://evil.example\x07x\x1b]8;;\x07", "evil.example"),
    ("[bold red]loud", None),
]


@pytest.mark.parametrize(("text", "hidden"), MARKUP)
def test_scenario_text_printed_as_text(tmp_path, text, hidden):
    doc = _put(BASE, ("description",), f"before {text} after")
    doc = _put(doc, ("name",), f"N {text}")
    doc["events"] = [{"cable": {"id": "tonga-cable", "label": f"L {text}"}}]
    doc["options"] = {"core": ["USA", "GBR"]}
    p = tmp_path / "markup.yaml"
    p.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    res = CliRunner().invoke(cli, ["run", str(p)], color=True)
    assert res.exit_code == 0, (res.output, res.exception)
    assert "\x1b]8" not in res.output  # no hyperlink escape
    assert "\x1b[2J" not in res.output
    if hidden is None:
        assert text in res.output  # shown literally
    else:
        assert "\x1b]8;" not in res.output
