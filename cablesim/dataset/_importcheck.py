"""Checks on imported TeleGeography data and on where an import may write (issue 14, items 2, 3, 8).

Imported strings are data: a cable id becomes a file name only after it
matches :data:`ID_PATTERN` (letters, digits, ``-``, ``_``, ``.``; starting
with a letter or digit; so no ``/``, no ``..``, no absolute path). Duplicate
ids and coordinates outside [-180, 180] x [-90, 90] are refused on import,
naming the file. The output folder may not be (or lie inside) the dataset
bundled with cablesim, nor the reference; a non-empty folder that is not a
cablesim dataset is refused unless ``force``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cablesim.exceptions import DataError

__all__ = [
    "ID_PATTERN",
    "MAX_DETAIL_BYTES",
    "MAX_GEO_BYTES",
    "MAX_LANDING_POINTS",
    "bundled_dirs",
    "check_ids",
    "check_out",
    "check_slug",
    "lonlat",
]

MAX_GEO_BYTES = 64 * 2**20
"""Largest route or landing-point GeoJSON read (TeleGeography's are about 1 MB)."""
MAX_DETAIL_BYTES = 8 * 2**20
"""Largest per-cable detail file read (TeleGeography's are under 40 kB)."""
MAX_LANDING_POINTS = 50_000
"""Most landing points in an import (TeleGeography lists about 1,500)."""
MAX_CABLES = 20_000
"""Most cables in an import (TeleGeography lists about 700)."""
MAX_POINTS_PER_CABLE = 2_000
"""Most landing points of one cable (the most in TeleGeography: about 40)."""

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}\Z")
"""What an imported cable or landing-point id may look like."""


def check_ids(ids: Sequence[Any], source: Path) -> list[str]:
    """``ids`` as strings, refused (naming ``source``) if one is not a slug or is repeated."""
    out = [str(i) for i in ids]
    bad = [i for i in out if not ID_PATTERN.match(i)]
    if bad:
        shown = ", ".join(repr(b[:60]) for b in bad[:5])
        raise DataError(
            f"{source}: {len(bad)} cable id(s) are not slugs (letters, digits, '-', '_', '.'): {shown}"
        )
    dup = sorted(i for i, n in Counter(out).items() if n > 1)
    if dup:
        raise DataError(f"{source}: duplicate cable ids: {', '.join(dup[:10])}")
    return out


def check_slug(slug: Any, where: str) -> str:
    """``slug`` as a string if it matches :data:`ID_PATTERN`, else a :class:`DataError`.

    Every imported slug (cables, landing points, routes) passes here: no ``/``,
    no ``..``, no control characters or terminal escapes reach a file, a table or
    a message (the message shows the slug escaped and cut short).
    """
    text = str(slug)
    if not ID_PATTERN.match(text):
        raise DataError(
            f"{where}: {text[:60]!r} is not a slug (letters, digits, '-', '_', '.'; "
            "at most 200 characters)"
        )
    return text


def lonlat(point: Any, where: str) -> list[float]:
    """``[lon, lat]`` as finite floats in range, else a :class:`DataError` naming ``where``."""
    try:
        lon, lat = float(point[0]), float(point[1])
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        raise DataError(f"{where}: not a [lon, lat] point: {point!r:.80} ({exc})") from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise DataError(f"{where}: coordinates out of range (lon, lat): [{lon:g}, {lat:g}]")
    return [lon, lat]


def check_lines(lines: Iterable[Any], where: str) -> None:
    """Every point of every route line in range."""
    for line in lines:
        if not isinstance(line, list) or len(line) < 2:
            raise DataError(f"{where}: a route line needs two points or more, got {line!r:.80}")
        for pt in line:
            lonlat(pt, where)


def bundled_dirs() -> list[Path]:
    """The dataset folders that ship with cablesim (installed copy and source checkout)."""
    here = Path(__file__).resolve().parent.parent  # the package folder
    return [here / "_bundled" / "data", here.parent / "data"]


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def check_out(dst: Path, reference: Path, *, force: bool = False) -> None:
    """Refuse an import into the bundled data, the reference, or a foreign non-empty folder."""
    real = dst.resolve()
    if real == reference.resolve():
        raise DataError(f"{dst} is the reference dataset; import into another directory (--out)")
    for folder in bundled_dirs():
        if folder.exists() and _inside(real, folder.resolve()):
            raise DataError(
                f"{dst} is the dataset bundled with cablesim; import into another directory (--out)"
            )
    if dst.exists() and not dst.is_dir():
        raise DataError(f"{dst} is not a directory")
    if dst.is_dir() and any(dst.iterdir()) and not (dst / "manifest.json").is_file() and not force:
        raise DataError(
            f"{dst} is not empty and holds no cablesim dataset (no manifest.json); "
            "choose an empty or new directory, or pass --force to write into it anyway"
        )
