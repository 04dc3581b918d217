"""Rewrite the README's measured figures from the files the tools write (issue 23 item 6).

The README quotes two kinds of figures that are measured, not written: the
history suite's scores and benchmark timings. Each sits between markers::

    <!-- figures:NAME -->...<!-- /figures:NAME -->

and is rewritten here from its source:

``history``
    The summary line ``cablesim history --markdown docs/validation.md`` writes
    into ``docs/validation.md`` (between its ``scores`` markers).
``sweep``
    A row of the latest results table of ``benchmarks/README.md`` (the table
    after the ``<!-- figures:latest -->`` marker), which the benchmark scripts'
    output is copied into.

Regenerate everything in one line, from the repository root::

    cablesim history --markdown docs/validation.md && python benchmarks/readme_figures.py

``python benchmarks/readme_figures.py --check`` exits 1 (and names the
regions) when the README differs from its sources; tests/test_readme.py
runs the same check.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
VALIDATION = ROOT / "docs" / "validation.md"
BENCHMARKS = ROOT / "benchmarks" / "README.md"

REGION = re.compile(
    r"(<!-- figures:(?P<name>[a-z-]+) -->)(?P<body>.*?)(<!-- /figures:(?P=name) -->)", re.S
)


def history_line(text: str) -> str:
    """The summary line of the scores ``cablesim history`` wrote into docs/validation.md."""
    scores = text.split("<!-- scores:start -->", 1)[-1].split("<!-- scores:end -->", 1)[0]
    m = re.search(r"^\*\*(.+?)\.\*\*\s*$", scores, re.M)
    if m is None:
        raise SystemExit(f"{VALIDATION}: no summary line between the scores markers")
    return m.group(1)


def latest_rows(text: str) -> dict[str, str]:
    """The rows (what -> figure) of the table after ``<!-- figures:latest -->``."""
    if "<!-- figures:latest -->" not in text:
        raise SystemExit(f"{BENCHMARKS}: no <!-- figures:latest --> marker")
    after = text.split("<!-- figures:latest -->", 1)[1]
    rows = {}
    for line in after.splitlines():
        line = line.strip()
        if not line:
            if rows:
                break
            continue
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) >= 2 and not set(cells[0]) <= {"-", " ", ":"} and cells[0] != "what":
            rows[cells[0]] = cells[1]
    return rows


def _row(rows: dict[str, str], start: str) -> tuple[str, str]:
    for k, v in rows.items():
        if k.startswith(start):
            return k, v
    raise SystemExit(f"{BENCHMARKS}: no row starting {start!r} in the latest table")


def _sweep(rows: dict[str, str]) -> str:
    what, fig = _row(rows, "`cablesim sweep --by cable --workers 2`")
    n = re.search(r"(\d[\d,]*) cables", what)
    cables = f"the {n.group(1)} cables" if n else "every cable"
    return f"The full N-1 sweep over {cables} in service takes {fig} on 2 cores (whole command)."


BENCH: dict[str, Callable[[dict[str, str]], str]] = {"sweep": _sweep}


def figures() -> dict[str, str]:
    """Every region's text, from the sources."""
    out = {"history": history_line(VALIDATION.read_text(encoding="utf-8"))}
    rows = latest_rows(BENCHMARKS.read_text(encoding="utf-8"))
    out.update({k: f(rows) for k, f in BENCH.items()})
    return out


def rewrite(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """``text`` with every region rewritten, and the names of the regions that changed."""
    changed: list[str] = []

    def sub(m: re.Match) -> str:
        name = m.group("name")
        if name not in values:
            raise SystemExit(f"README.md: unknown figures region {name!r}")
        if m.group("body") != values[name]:
            changed.append(name)
        return m.group(1) + values[name] + m.group(4)

    return REGION.sub(sub, text), changed


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new, changed = rewrite(text, figures())
    if "--check" in argv:
        if changed:
            print(
                "README.md figures differ from their sources: "
                + ", ".join(changed)
                + " (run: python benchmarks/readme_figures.py)",
                file=sys.stderr,
            )
            return 1
        return 0
    if changed:
        tmp = README.with_name(".README.md.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(README)
        print("rewrote README.md: " + ", ".join(changed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
