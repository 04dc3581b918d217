"""Where the dataset lives (public through :mod:`cablesim.dataset`).

Imports nothing but the standard library: ``cablesim --data DIR`` resolves DIR
before any table is read.
"""

from __future__ import annotations

import os
from pathlib import Path

from cablesim.exceptions import DataError


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the dataset directory in use.

    Parameters
    ----------
    path
        An explicit directory. Otherwise the ``CABLESIM_DATA`` environment
        variable, then the dataset bundled in the installed package, then the
        ``data/`` folder of a source checkout.

    Raises
    ------
    DataError
        If no directory holding a dataset is found.
    """
    candidates: list[Path] = []
    if path is not None:
        candidates.append(Path(path))
    elif os.environ.get("CABLESIM_DATA"):
        candidates.append(Path(os.environ["CABLESIM_DATA"]))
    else:
        here = Path(__file__).resolve().parent.parent
        candidates += [here / "_bundled" / "data", here.parent / "data"]
    for cand in candidates:
        if (cand / "manifest.json").is_file():
            return cand
    raise DataError(
        "no cablesim dataset found in "
        + ", ".join(str(c) for c in candidates)
        + " (a dataset directory holds manifest.json; build one with "
        "'cablesim data build --source DIR --out DIR')"
    )
