"""The engine's results against stored outputs (``tests/golden/*.json``), bit for bit.

The stored files were written by ``python -m tests.golden.make_golden`` from
the code before the engine refactor (issue 21 items 3-4); a refactor must
leave every value unchanged. A change of the model that changes results on
purpose regenerates them (same command) and commits them with the change.
"""

from __future__ import annotations

import json

import pytest

from golden import make_golden as golden  # tests/ is on the path (rootdir-relative imports)

REGEN = (
    "results differ from the stored outputs in tests/golden/{part}.json. If the change of "
    "results is intended (a model change), regenerate them with "
    "`python -m tests.golden.make_golden {part}` and commit them with the change; if not, "
    "the change broke the engine."
)


def _diff(a, b, where: str = "", out: list | None = None) -> list[str]:
    """Paths where ``a`` and ``b`` differ (at most 20)."""
    out = [] if out is None else out
    if len(out) >= 20:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{where}/{k}: only in {'stored' if k in a else 'current'}")
            else:
                _diff(a[k], b[k], f"{where}/{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff(x, y, f"{where}[{i}]", out)
    elif a != b:
        out.append(f"{where}: stored {a!r}, now {b!r}")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("part", golden.PARTS)
def test_results_match_stored_outputs(part):
    stored = json.loads(golden.path(part).read_text())
    now = golden.compute(part)
    diffs = _diff(stored, now)
    assert not diffs, REGEN.format(part=part) + "\n" + "\n".join(diffs)


def test_diff_finds_a_changed_value():
    """The comparison itself: a changed number deep inside is reported with its path."""
    a = {"x": {"EGY": [1.0, 2.0, "severe"]}, "y": [1]}
    b = {"x": {"EGY": [1.0, 2.000000001, "severe"]}, "y": [1]}
    assert _diff(a, b) == ["/x/EGY[1]: stored 2.0, now 2.000000001"]
    assert _diff(a, a) == []
