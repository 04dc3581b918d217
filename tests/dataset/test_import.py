"""Importing a newer TeleGeography copy: layouts (v2 and v3), the reference tables, errors, CLI.

The input is written here from the BUNDLED tables (a handful of Pacific cables, one cable
added that the bundled data lacks), so the tests do not depend on ../shared.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

import cablesim
from cablesim import dataset
from cablesim.cli import cli
from cablesim.dataset import _reference, _tgimport
from cablesim.exceptions import DataError

KEPT = [
    "tonga-cable",
    "tonga-domestic-cable-extension-tdce",
    "tui-samoa",
    "southern-cross-cable-network-sccn",
    "samoa-american-samoa-sas",
]
NEW = "test-tonga-samoa-express"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _tg_copy(root: Path, *, layout: str = "v2") -> Path:
    """Write a TeleGeography-format copy of the KEPT cables plus NEW under ``root``."""
    t = dataset.load_tables()
    cables = t["cables"].set_index("cable_id")
    lps = t["landing_points"].set_index("landing_point_id")
    segs = t["segments"]
    base = root / ("api/v3" if layout == "v3" else "")
    (base / "cable").mkdir(parents=True)
    (base / "landing-point").mkdir(parents=True)
    details, routes, used = {}, {}, set()
    for cid in KEPT:
        c = cables.loc[cid]
        members = list(c["landing_point_ids"])
        used |= set(members)
        rfs = f"{int(c['rfs_year'])}" + (
            f" {MONTHS[int(c['rfs_month']) - 1]}" if pd.notna(c["rfs_month"]) else ""
        )
        details[cid] = {
            "name": c["name"],
            "members": members,
            "rfs": rfs,
            "rfs_year": int(c["rfs_year"]),
            "length": f"{c['length_stated_km']:,.0f} km",
            "owners": list(c["owners"]),
        }
        parts = []
        for g in segs.loc[segs["cable_id"] == cid, "geometry"]:
            parts += [list(map(list, p.coords)) for p in shapely.get_parts(g)]
        routes[cid] = parts
    a, b = lps.loc["nukualofa-tonga", "geometry"], lps.loc["apia-samoa", "geometry"]
    details[NEW] = {
        "name": "Test Tonga-Samoa Express",
        "members": ["nukualofa-tonga", "apia-samoa"],
        "rfs": "2023 March",
        "rfs_year": 2023,
        "length": "900 km",
        "owners": ["Test Co"],
    }
    routes[NEW] = [[[a.x, a.y], [(a.x + b.x) / 2, (a.y + b.y) / 2], [b.x, b.y]]]
    for cid, d in details.items():
        if layout == "v2":
            lp_list = [
                {
                    "landing_point_id": 1,
                    "id": m,
                    "name": lps.loc[m, "name"],
                    "latlon": f"{lps.loc[m, 'geometry'].y},{lps.loc[m, 'geometry'].x}",
                }
                for m in d["members"]
            ]
            doc = {
                "id": cid,
                "name": d["name"],
                "landing_points": lp_list,
                "length": d["length"],
                "rfs": d["rfs"],
                "owners": ", ".join(d["owners"]),
                "url": None,
                "notes": None,
            }
        else:
            lp_list = [
                {
                    "id": m,
                    "name": lps.loc[m, "name"],
                    "country": lps.loc[m, "source_country"],
                    "is_tbd": False,
                }
                for m in d["members"]
            ]
            doc = {
                "id": cid,
                "name": d["name"],
                "landing_points": lp_list,
                "length": d["length"],
                "rfs": d["rfs"],
                "rfs_year": d["rfs_year"],
                "is_planned": False,
                "owners": d["owners"],
                "url": None,
            }
        (base / "cable" / f"{cid}.json").write_text(json.dumps(doc))
    if layout == "v2":
        (base / "cable" / "all.json").write_text(
            json.dumps(
                [
                    {"id": cid, "cable_id": i, "name": d["name"]}
                    for i, (cid, d) in enumerate(details.items())
                ]
            )
        )
        feats = [
            {
                "type": "Feature",
                "properties": {"slug": cid},
                "geometry": {"type": "MultiLineString", "coordinates": parts},
            }
            for cid, parts in routes.items()
        ]
    else:  # one feature per route part, the slug in "id"
        feats = [
            {
                "type": "Feature",
                "properties": {"id": cid, "feature_id": f"{cid}-{k}"},
                "geometry": {"type": "LineString", "coordinates": part},
            }
            for cid, parts in routes.items()
            for k, part in enumerate(parts)
        ]
    (base / "cable" / "cable-geo.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": feats})
    )
    lp_feats = []
    for m in sorted(used | {"nukualofa-tonga", "apia-samoa"}):
        g = lps.loc[m, "geometry"]
        props = (
            {"slug": m, "name": lps.loc[m, "name"], "id": int(lps.loc[m, "tg_numeric_id"])}
            if layout == "v2"
            else {"id": m, "name": lps.loc[m, "name"], "is_tbd": False}
        )
        lp_feats.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [g.x, g.y]},
            }
        )
    (base / "landing-point" / "landing-point-geo.json").write_text(
        json.dumps({"type": "FeatureCollection", "features": lp_feats})
    )
    return root


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    src = _tg_copy(tmp_path_factory.mktemp("tg"))
    out = tmp_path_factory.mktemp("data") / "imported"
    info = _tgimport.import_telegeography(src, out, snapshot_date="2024-01-01", echo=None)
    return info, out


def test_import_adds_and_removes_cables(imported):
    info, out = imported
    imp = info["import"]
    assert imp["layout"] == "v2"
    assert imp["cables_added"] == [NEW]
    ref = set(dataset.load_tables()["cables"]["cable_id"])
    assert set(imp["cables_removed"]) == ref - set(KEPT)
    assert info["validation_problems"] == []
    assert info["snapshot_date"] == "2024-01-01"
    assert json.loads((out / "manifest.json").read_text())["import"]["cables_added"] == [NEW]
    for f in ("quality_report.md", "build_log.txt", "README.md", "import_log.txt"):
        assert (out / f).is_file()
    assert "Imported by `cablesim data import-telegeography`" in (out / "README.md").read_text()


def test_imported_tables_keep_the_reference_where_it_knows(imported):
    _, out = imported
    new = dataset.load_tables(out)
    ref = dataset.load_tables()
    assert dataset.validate(new) == []
    cols = ["capacity_tbps", "capacity_at_rfs_tbps", "capacity_basis", "capacity_source"]
    a = new["cables"].set_index("cable_id").loc[KEPT, cols]
    b = ref["cables"].set_index("cable_id").loc[KEPT, cols]
    pd.testing.assert_frame_equal(a, b)
    # routes redrawn from the bundled segments give the same segments (lengths to 10 m)
    sa = new["segments"][new["segments"]["cable_id"].isin(KEPT)].reset_index(drop=True)
    sb = ref["segments"][ref["segments"]["cable_id"].isin(KEPT)].reset_index(drop=True)
    pd.testing.assert_series_equal(sa["segment_id"], sb["segment_id"])
    assert sa["length_km"].to_numpy() == pytest.approx(sb["length_km"].to_numpy(), abs=0.01)
    assert len(new["countries"]) == len(ref["countries"])
    pd.testing.assert_frame_equal(new["terrestrial_links"], ref["terrestrial_links"])
    # the new cable: the fallback estimate (2022+ era, short: < 1,000 km)
    row = new["cables"].set_index("cable_id").loc[NEW]
    assert row["capacity_basis"] == "estimated"
    assert row["capacity_tbps"] == 16.0
    assert "not in the reference dataset" in row["capacity_source"]
    assert not bool(row["planned"])  # RFS March 2023, before the copy's date
    lp = new["landing_points"].set_index("landing_point_id")
    assert lp.loc["apia-samoa", "iso3"] == "WSM"
    assert lp.loc["nukualofa-tonga", "iso3"] == "TON"


def test_imported_data_is_used_by_the_network_and_cli(imported):
    _, out = imported
    net = cablesim.load_network("2024-01-01", data=out)
    assert NEW in set(net.cables["cable_id"])
    assert "seamewe-4" not in set(net.cables["cable_id"])
    sc = cablesim.load_scenario(
        {"name": "t", "as_of": "2024-01-01", "events": [{"cable": "tonga-cable"}]}, network=net
    )
    r = cablesim.simulate(sc, network=net)
    assert (
        r.country("TON")["status"] != "isolated"
    )  # the new cable to Samoa, then Tui-Samoa to Fiji
    res = CliRunner().invoke(
        cli, ["--data", str(out), "cables", "--search", "express", "--as-of", "2024", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert [c["cable_id"] for c in json.loads(res.output)] == [NEW]
    # --data lasts for one command only
    assert "CABLESIM_DATA" not in os.environ
    assert "seamewe-4" in set(cablesim.load_network(2024).cables["cable_id"])


def test_v3_layout_gives_the_same_dataset(imported, tmp_path):
    _, out_v2 = imported
    src = _tg_copy(tmp_path / "copy", layout="v3")
    root, layout = _tgimport.find_layout(src)
    assert layout == "v3"
    assert root == src / "api" / "v3"
    out = tmp_path / "v3data"
    info = _tgimport.import_telegeography(src, out, snapshot_date=dt.date(2024, 1, 1), echo=None)
    assert info["import"]["layout"] == "v3"
    assert info["validation_problems"] == []
    a = dataset.load_tables(out)
    b = dataset.load_tables(out_v2)
    for name in ("cables", "segments", "branching_units"):
        pd.testing.assert_frame_equal(a[name], b[name])
    pd.testing.assert_frame_equal(
        a["landing_points"].drop(columns="tg_numeric_id"),
        b["landing_points"].drop(columns="tg_numeric_id"),
    )


def test_v3_fields_are_normalised(tmp_path):
    root = tmp_path / "v3"
    (root / "cable").mkdir(parents=True)
    (root / "landing-point").mkdir()
    (root / "cable" / "x.json").write_text(
        json.dumps(
            {
                "id": "x",
                "name": "X",
                "rfs_year": 2022,
                "owners": ["A", "B"],
                "landing_points": [{"id": "p", "name": "P, Q"}, {"id": "r", "name": "R, Q"}],
            }
        )
    )
    (root / "cable" / "cable-geo.json").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": "x"},
                        "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                    },
                    {
                        "type": "Feature",
                        "properties": {"id": "x"},
                        "geometry": {"type": "LineString", "coordinates": [[1, 1], [2, 1]]},
                    },
                ],
            }
        )
    )
    (root / "landing-point" / "landing-point-geo.json").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"id": k, "name": f"{k.upper()}, Q"},
                        "geometry": {"type": "Point", "coordinates": [0, 0]},
                    }
                    for k in ("p", "r")
                ],
            }
        )
    )
    counts = _tgimport.normalise(root, tmp_path / "out", layout="v3", log=lambda m: None)
    assert counts == {"cables": 1, "landing_points": 2, "routes": 1, "skipped": 0}
    detail = json.loads((tmp_path / "out" / "cable" / "x.json").read_text())
    assert detail["rfs"] == "2022"
    assert detail["owners"] == "A, B"
    geo = json.loads((tmp_path / "out" / "cable" / "cable-geo.json").read_text())
    assert geo["features"][0]["geometry"]["coordinates"] == [[[0, 0], [1, 1]], [[1, 1], [2, 1]]]
    lp = json.loads((tmp_path / "out" / "landing-point" / "landing-point-geo.json").read_text())
    assert [f["properties"]["slug"] for f in lp["features"]] == ["p", "r"]
    assert all(isinstance(f["properties"]["id"], int) for f in lp["features"])


def test_cli_import(tmp_path):
    src = _tg_copy(tmp_path / "copy")
    out = tmp_path / "cli-data"
    res = CliRunner().invoke(
        cli,
        [
            "data",
            "import-telegeography",
            str(src),
            "--out",
            str(out),
            "--snapshot-date",
            "2024-01-01",
            "--quiet",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "6 cables" in res.output
    assert "1 cables added" in res.output
    assert f"cablesim --data {out}" in res.output
    res = CliRunner().invoke(cli, ["data", "import-telegeography", str(tmp_path / "nothing")])
    assert res.exit_code == 2
    assert "no such directory" in res.output


def test_import_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no TeleGeography data found"):
        _tgimport.find_layout(tmp_path / "empty")
    src = _tg_copy(tmp_path / "copy")
    with pytest.raises(DataError, match="is the reference dataset"):
        _tgimport.import_telegeography(src, dataset.data_dir(), echo=None)
    with pytest.raises(DataError, match="is not a date"):
        _tgimport.import_telegeography(src, tmp_path / "o", snapshot_date="2024-13-01", echo=None)
    (src / "cable" / "tonga-cable.json").write_text("{not json")
    with pytest.raises(DataError, match=r"tonga-cable.json: not valid JSON"):
        _tgimport.import_telegeography(src, tmp_path / "o", echo=None)


def test_user_data_dir_honours_xdg(monkeypatch, tmp_path):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert _tgimport.user_data_dir() == tmp_path / "cablesim" / "data"


def test_capacity_estimate_follows_the_documented_table():
    assert _reference.estimate_capacity(2023, 900.0, 2, 2)[:2] == (16.0, 16.0)
    assert _reference.estimate_capacity(2015, 7000.0, 5, 6)[:2] == (55.0, 55.0)
    # 2009-2012 medium cables were retrofitted: potential max(1.28, 2 pairs x 4 Tbps)
    design, potential, rule = _reference.estimate_capacity(2010, 2000.0, 2, 2)
    assert (design, potential) == (1.28, 8.0)
    assert "fibre pairs" in rule
    # no length: 4 or more countries count as long; no year: 2003-2008
    assert _reference.estimate_capacity(None, None, 4, 5)[0] == 2.56
