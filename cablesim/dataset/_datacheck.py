"""A dataset folder is checked before it is used (issue 14, item 8).

A broken or empty ``manifest.json``, a table that is not the one its file name
says (a dropped column, two tables swapped) and a truncated Parquet file give a
:class:`~cablesim.exceptions.DataError` naming the file. A user dataset
(``--data DIR`` or ``CABLESIM_DATA``) that :func:`cablesim.dataset.validate`
rejects, e.g. one whose capacities are all missing, is refused before any run
rather than used to print a wrong answer; the bundled dataset is validated when
it is built and by the test suite, so it is not validated again on every load.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from cablesim.dataset._importcheck import bundled_dirs
from cablesim.dataset._schema import TABLES
from cablesim.exceptions import DataError

__all__ = ["bundled", "check_columns", "read_manifest"]


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """The dataset's ``manifest.json`` as a mapping with a valid ``snapshot_date``."""
    file = Path(directory) / "manifest.json"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(f"{file}: missing (a dataset folder holds manifest.json)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DataError(f"{file}: broken manifest, not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise DataError(f"{file}: broken manifest, expected a JSON object")
    try:
        dt.date.fromisoformat(str(data.get("snapshot_date")))
    except ValueError:
        raise DataError(
            f"{file}: broken manifest, snapshot_date {data.get('snapshot_date')!r:.40} is not a date"
        ) from None
    if not isinstance(data.get("counts", {}), dict):
        raise DataError(f"{file}: broken manifest, counts is not a mapping")
    return data


def check_columns(name: str, file: Path, frame: Any) -> None:
    """Refuse a table lacking columns of its schema (dropped, or another table's file)."""

    missing = [c.name for c in TABLES[name] if c.name not in frame.columns]
    if missing:
        raise DataError(
            f"{file}: not a valid {name} table: missing column(s) {', '.join(missing[:8])}"
            + (" (is it another table's file?)" if len(missing) > 2 else "")
        )


def bundled(directory: Path) -> bool:

    real = directory.resolve()
    return any(real == d.resolve() for d in bundled_dirs() if d.exists())
