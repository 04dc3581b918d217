"""Import a newer copy of TeleGeography's cable map data into a cablesim dataset.

:func:`import_telegeography` reads a directory holding TeleGeography's files,
in the layout of the bundled snapshot (API v2: ``cable/all.json``,
``cable/<id>.json``, ``cable/cable-geo.json``, ``landing-point/landing-point-geo.json``)
or of the newer API (v3: the same files under ``api/v3/`` or ``v3/``, slugs in
``id`` instead of ``slug``, several route features per cable, ``rfs_year``,
landing points without coordinates in the cable files), normalises it into the
v2 layout and runs :func:`cablesim.dataset.build` on it with a *reference*
dataset (the bundled one by default) supplying what TeleGeography does not
have: the Natural Earth countries and land masses, the published capacities
(kept for every cable the reference knows; new cables get the fallback
estimate by era and length), and the terrestrial links. Validation, the
quality report and the build log are the same as for the bundled build.

The result goes to a user data directory (:func:`user_data_dir`, by default
``~/.local/share/cablesim/data``) that cablesim uses when asked to
(``cablesim --data DIR`` or ``CABLESIM_DATA=DIR``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from cablesim import _io as _safeio
from cablesim.dataset import _importcheck as _check
from cablesim.dataset._build import _write_text, build
from cablesim.dataset._load import data_dir
from cablesim.exceptions import DataError

LAYOUT_DIRS = (
    "",
    "telegeography",
    "v3",
    "api/v3",
    "public/api/v3",
    "v2",
    "api/v2",
    "public/api/v2",
)
"""Sub-directories searched (in order) for ``cable/`` and ``landing-point/``."""


def user_data_dir() -> Path:
    """Where imported data goes by default (no platformdirs needed).

    ``$XDG_DATA_HOME/cablesim/data`` (default ``~/.local/share``) on Linux and
    other Unix systems, ``~/Library/Application Support/cablesim/data`` on macOS,
    ``%LOCALAPPDATA%\\cablesim\\data`` on Windows.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "cablesim" / "data"


# ------------------------------------------------------------------------------ layout


def find_layout(directory: str | os.PathLike[str]) -> tuple[Path, str]:
    """Locate the TeleGeography files under ``directory``.

    Returns
    -------
    root, layout
        The directory holding ``cable/`` and ``landing-point/``, and ``"v2"``
        or ``"v3"`` (v3: landing-point features carry the slug in ``id``).

    Raises
    ------
    DataError
        Naming what was looked for.
    """
    base = Path(directory)
    if not base.is_dir():
        raise DataError(f"{base}: no such directory")
    roots = [base / d if d else base for d in LAYOUT_DIRS]
    roots += sorted(
        {p.parent.parent for p in base.glob("*/*/cable/cable-geo.json")}
        | {p.parent.parent for p in base.glob("*/*/*/cable/cable-geo.json")}
    )
    for root in roots:
        if (root / "cable" / "cable-geo.json").is_file() and (
            root / "landing-point" / "landing-point-geo.json"
        ).is_file():
            return root, _layout_of(root)
    raise DataError(
        f"{base}: no TeleGeography data found: expected cable/cable-geo.json and "
        "landing-point/landing-point-geo.json (directly, or under telegeography/, v3/, api/v3/ or api/v2/)"
    )


def _read(path: Path, limit: int = _check.MAX_GEO_BYTES) -> Any:
    """A JSON file, its size checked before it is read (``limit`` bytes) and its nesting bounded."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DataError(f"{path}: missing") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise DataError(f"{path}: not a regular file")
    if st.st_size > limit:
        raise DataError(f"{path}: too large ({st.st_size:,} bytes; the limit is {limit:,})")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(limit + 1)
        return json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise DataError(f"{path}: not valid JSON (nested too deeply)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not valid JSON ({str(exc)[:200]})") from None


def _features(path: Path) -> list[dict[str, Any]]:
    data = _read(path)
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise DataError(f"{path}: not a GeoJSON FeatureCollection")
    if len(data["features"]) > _check.MAX_LANDING_POINTS:
        raise DataError(
            f"{path}: {len(data['features']):,} features; the limit is "
            f"{_check.MAX_LANDING_POINTS:,}"
        )
    if not all(isinstance(f, dict) for f in data["features"]):
        raise DataError(f"{path}: a feature is not a JSON object")
    return data["features"]


def _layout_of(root: Path) -> str:
    feats = _features(root / "landing-point" / "landing-point-geo.json")
    props = feats[0].get("properties", {}) if feats else {}
    return "v2" if "slug" in props else "v3"


def _lp_slug(props: dict[str, Any]) -> str | None:
    slug = props.get("slug")
    if slug is None and isinstance(props.get("id"), str):
        slug = props["id"]
    return str(slug) if slug else None


def _numeric_id(props: dict[str, Any], slug: str) -> int:
    for key in ("landing_point_id", "id"):
        v = props.get(key)
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if isinstance(v, str) and v.isdigit():
            return int(v)
    return zlib.crc32(slug.encode("utf-8")) & 0x7FFFFFFF


def normalise(
    root: Path, staging: Path, *, layout: str = "v2", log: Callable[[str], None]
) -> dict[str, int]:
    """Write the data found at ``root`` into ``staging`` in the v2 layout the build reads.

    Returns counts (cables, landing points, routes, cables skipped).
    """
    cable_dir = root / "cable"
    # landing points
    lp_feats = []
    seen: set[str] = set()
    for f in _features(root / "landing-point" / "landing-point-geo.json"):
        props = f.get("properties") or {}
        slug = _lp_slug(props)
        geom = f.get("geometry") or {}
        if not slug or geom.get("type") != "Point" or not props.get("name"):
            log(f"import: landing-point feature without slug, name or point skipped: {props}")
            continue
        slug = _check.check_slug(slug, f"{root / 'landing-point' / 'landing-point-geo.json'}")
        seen.add(slug)
        point = _check.lonlat(geom.get("coordinates"), f"landing point {slug!r:.80}")
        lp_feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": point},
                "properties": {"slug": slug, "name": props["name"], "id": _numeric_id(props, slug)},
            }
        )
    # routes: one MultiLineString per cable; features repeating a slug are parts of one
    # route and are merged (as the bundled build does)
    parts: dict[str, list] = {}
    repeated = []
    for f in _features(cable_dir / "cable-geo.json"):
        props = f.get("properties") or {}
        slug = props.get("slug") or props.get("id")
        geom = f.get("geometry") or {}
        if not slug or geom.get("type") not in ("LineString", "MultiLineString"):
            continue
        slug = _check.check_slug(slug, f"{cable_dir / 'cable-geo.json'}")
        lines = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
        _check.check_lines(lines, f"{cable_dir / 'cable-geo.json'}: cable {slug!r:.80}")
        if str(slug) in parts:
            repeated.append(str(slug))
        parts.setdefault(str(slug), []).extend(lines)
    if repeated:
        log(
            f"import: cable-geo.json draws {len(set(repeated))} cables in several features, merged: "
            f"{', '.join(sorted(set(repeated)))}"
        )
    # the cable index
    if (cable_dir / "all.json").is_file():
        index = _read(cable_dir / "all.json")
        if not isinstance(index, list):
            raise DataError(f"{cable_dir / 'all.json'}: expected a list of cables")
        if len(index) > _check.MAX_CABLES:
            raise DataError(
                f"{cable_dir / 'all.json'}: {len(index):,} cables; the limit is {_check.MAX_CABLES:,}"
            )
        ids = [e["id"] for e in index if isinstance(e, dict) and e.get("id")]
        ids = _check.check_ids(ids, cable_dir / "all.json")  # ids become file names
    else:
        skip = {"all.json", "cable-geo.json"}
        ids = sorted({p.stem for p in cable_dir.glob("*.json") if p.name not in skip} | set(parts))
        ids = _check.check_ids(ids, cable_dir)
    out_cables = staging / "cable"
    out_lp = staging / "landing-point"
    out_cables.mkdir(parents=True, exist_ok=True)
    out_lp.mkdir(parents=True, exist_ok=True)
    kept = []
    skipped = 0
    # the index may spell an id differently from its file and route ("sabastatia-..." vs
    # "saba-statia-..."): match ignoring hyphens and keep the index's id
    files = {p.stem.replace("-", ""): p for p in cable_dir.glob("*.json")}
    route_keys = {k.replace("-", ""): k for k in parts}
    for cid in ids:
        path = cable_dir / f"{cid}.json"
        if not path.is_file():
            path = files.get(cid.replace("-", ""), path)
        if not path.is_file():
            log(f"import: cable {cid} is listed but has no detail file; skipped")
            skipped += 1
            continue
        if cid not in parts and cid.replace("-", "") in route_keys:
            parts[cid] = parts.pop(route_keys[cid.replace("-", "")])
        d = _read(path, _check.MAX_DETAIL_BYTES)
        if not isinstance(d, dict):
            raise DataError(f"{path}: expected a JSON object")
        lps = []
        listed = d.get("landing_points") or []
        if not isinstance(listed, list) or len(listed) > _check.MAX_POINTS_PER_CABLE:
            raise DataError(
                f"{path}: landing_points must be a list of at most "
                f"{_check.MAX_POINTS_PER_CABLE:,} landing points"
            )
        for lp in listed:
            if not isinstance(lp, dict):
                raise DataError(f"{path}: a landing point is not a JSON object: {str(lp)[:60]!r}")
            slug = lp.get("id") if isinstance(lp.get("id"), str) else lp.get("slug")
            if not slug:
                continue
            slug = _check.check_slug(slug, f"{path}: landing point")
            if len(seen) >= _check.MAX_LANDING_POINTS:
                raise DataError(
                    f"{path}: more than {_check.MAX_LANDING_POINTS:,} landing points in the import"
                )
            lps.append({"id": slug, "name": lp.get("name") or slug})
            if slug not in seen and lp.get("latlon"):
                lat, lon, *_ = [*str(lp["latlon"]).split(","), None]
                lon, lat = _check.lonlat([lon, lat], f"{path}: landing point {slug!r:.80}")
                lp_feats.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {
                            "slug": slug,
                            "name": lp.get("name") or slug,
                            "id": _numeric_id(lp, slug),
                        },
                    }
                )
                seen.add(slug)
        owners = d.get("owners")
        if isinstance(owners, list):
            owners = ", ".join(str(o) for o in owners)
        rfs = d.get("rfs")
        if not rfs and d.get("rfs_year"):
            rfs = str(d["rfs_year"])
        detail = {
            "id": cid,
            "name": d.get("name") or cid,
            "landing_points": lps,
            "length": d.get("length"),
            "rfs": rfs,
            "owners": owners or "",
            "url": d.get("url"),
            "notes": d.get("notes"),
        }
        (out_cables / f"{cid}.json").write_text(
            json.dumps(detail, ensure_ascii=False), encoding="utf-8"
        )
        kept.append({"id": cid, "name": detail["name"]})
    if not kept:
        raise DataError(f"{root}: no cable with a detail file found")
    (out_cables / "all.json").write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    geo = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"slug": slug},
                "geometry": {"type": "MultiLineString", "coordinates": lines},
            }
            for slug, lines in sorted(parts.items())
        ],
    }
    (out_cables / "cable-geo.json").write_text(json.dumps(geo), encoding="utf-8")
    (out_lp / "landing-point-geo.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": lp_feats}, ensure_ascii=False),
        encoding="utf-8",
    )
    return {
        "cables": len(kept),
        "landing_points": len(lp_feats),
        "routes": len(parts),
        "skipped": skipped,
    }


# ------------------------------------------------------------------------------ the import


def import_telegeography(
    directory: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    reference: str | os.PathLike[str] | None = None,
    snapshot_date: dt.date | str | None = None,
    echo: Callable[[str], None] | None = print,
    force: bool = False,
) -> dict[str, Any]:
    """Build a cablesim dataset from a newer copy of TeleGeography's files.

    Parameters
    ----------
    directory
        Where the TeleGeography files are (see :func:`find_layout`).
    out
        The dataset directory to write (default :func:`user_data_dir`). It may
        not be the reference dataset itself.
    reference
        The dataset supplying countries, capacities and land links (default:
        the one in use, i.e. the bundled dataset).
    snapshot_date
        The date of the copy (default: today): cables with a later
        ready-for-service date are marked planned.
    echo
        Called with each build-log line (``None`` for silence).
    force
        Write into a non-empty ``out`` that holds no cablesim dataset.

    Returns
    -------
    dict
        The manifest written, with an ``import`` section: source, layout,
        counts, and the cables added and removed relative to the reference.

    Raises
    ------
    DataError
        When the input is not TeleGeography data, or the output is the reference.
    """
    try:
        root, layout = find_layout(directory)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"{directory}: malformed TeleGeography data ({exc!s:.200})") from None
    dst = Path(out) if out is not None else user_data_dir()
    ref_dir = data_dir(reference)
    _check.check_out(dst, ref_dir, force=force)  # never the bundled data or a foreign folder
    if isinstance(snapshot_date, str):
        try:
            snapshot_date = dt.date.fromisoformat(snapshot_date)
        except ValueError:
            raise DataError(f"snapshot date {snapshot_date!r} is not a date (YYYY-MM-DD)") from None
    snap = snapshot_date or dt.date.today()
    lines: list[str] = []

    def log(msg: str) -> None:
        lines.append(msg)
        if echo is not None:
            echo(msg)

    with tempfile.TemporaryDirectory(prefix="cablesim-import-") as tmp:
        staging = Path(tmp) / "telegeography"
        try:
            counts = normalise(root, staging, layout=layout, log=log)
        except DataError:
            raise
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise DataError(
                f"{root}: malformed TeleGeography data ({type(exc).__name__}: {exc!s:.200})"
            ) from None
        log(
            f"import: {counts['cables']} cables, {counts['landing_points']} landing points and "
            f"{counts['routes']} routes read from {root} ({layout} layout)"
        )
        info = build(None, dst, telegeography=staging, reference=ref_dir, snapshot=snap, echo=log)
    ref_ids = set(pd.read_parquet(ref_dir / "cables.parquet", columns=["cable_id"])["cable_id"])
    new_ids = set(pd.read_parquet(dst / "cables.parquet", columns=["cable_id"])["cable_id"])
    info["name"] = "cablesim dataset imported from TeleGeography"
    info["sources"]["telegeography"] = (
        f"TeleGeography Submarine Cable Map data ({layout} layout) imported from {root} on "
        f"{dt.date.today().isoformat()}, snapshot date {snap.isoformat()} (CC BY-NC-SA 3.0)"
    )
    info["import"] = {
        "source_dir": str(root),
        "layout": layout,
        "reference": str(ref_dir),
        "snapshot_date": snap.isoformat(),
        "counts": counts,
        "cables_added": sorted(new_ids - ref_ids),
        "cables_removed": sorted(ref_ids - new_ids),
        "note": "countries, land masses, capacities of known cables and terrestrial links come from the "
        "reference dataset; new cables get the fallback capacity estimate by era and length",
    }
    _write_text(dst / "manifest.json", json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    readme = dst / "README.md"
    head = (
        "> Imported by `cablesim data import-telegeography` from "
        + str(root)
        + f" ({layout} layout) on "
        f"{dt.date.today().isoformat()}: cables, routes and landing points from that copy; countries, "
        f"capacities of known cables and land links from the reference dataset {ref_dir}.\n\n"
    )
    _safeio.write_atomic(readme, head + readme.read_text(encoding="utf-8"))
    _safeio.write_atomic(dst / "import_log.txt", "\n".join(lines) + "\n")
    return info


__all__ = ["find_layout", "import_telegeography", "normalise", "user_data_dir"]
