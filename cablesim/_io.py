"""Writing files safely: atomically, never over an input (one place for every writer)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cablesim.exceptions import OutputError


def scenario_file(scenario: Any) -> list[str]:
    """The scenario's own file, which no output may overwrite (none for a dict or a string)."""
    return [] if scenario.source in ("<dict>", "<string>") else [scenario.source]


def refuse_inputs(target: Path, protect: Iterable[str | os.PathLike[str]]) -> None:
    for p in protect:
        try:
            same = target.exists() and Path(p).exists() and target.resolve() == Path(p).resolve()
        except OSError:
            continue
        if same:
            raise OutputError(f"refusing to overwrite the input file {target}")


def write_atomic(
    path: str | os.PathLike[str],
    data: str | bytes,
    *,
    protect: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename).

    Parameters
    ----------
    path
        Target file.
    data
        Text (written as UTF-8) or bytes.
    protect
        Input files that must never be overwritten (e.g. the scenario file).

    Raises
    ------
    OutputError
        If ``path`` is one of ``protect``, is a directory, or cannot be written.
    """
    target = Path(path)
    refuse_inputs(target, protect)
    if target.is_dir():
        raise OutputError(f"{target} is a directory")
    if not target.parent.exists():
        raise OutputError(f"cannot write {target}: folder {target.parent} does not exist")
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if isinstance(data, bytes):
            tmp.write_bytes(data)
        else:
            tmp.write_text(data, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target
