"""The dataset layer: the bundled tables, where they live, loading and validating them.

This subpackage owns everything about the data on disk:

* loading and validating (this module, public): :func:`data_dir`,
  :func:`manifest`, :func:`load_tables`, :func:`validate`;
* building the tables from the raw sources (:mod:`cablesim.dataset._build`,
  public entry point :func:`build`), the reference readers and the fallback
  capacity model (:mod:`cablesim.dataset._reference`), TeleGeography imports
  (:mod:`cablesim.dataset._tgimport`, public :func:`import_telegeography`),
  routes to segments (:mod:`cablesim.dataset._topology`, public
  :func:`build_cable_topology`, also used to extend a network), the chokepoint polygons
  (:mod:`cablesim.dataset._chokepoints`) and the table schema
  (:mod:`cablesim.dataset._schema`).

The raw sources (TeleGeography's cable map snapshot of June 2021, Natural
Earth 1:50m countries, published cable capacities, the Severed dataset's
sourced capacities and terrestrial links) are read only by :func:`build`,
which writes the derived tables described in :mod:`cablesim.dataset._schema`
as GeoParquet files plus a manifest and a data-quality report. Everything else
reads the derived tables through :func:`load_tables`.

Layering: this is the bottom layer; it imports only :mod:`cablesim.exceptions`
and :mod:`cablesim._geo` from cablesim (data flows dataset -> network ->
scenario -> engine -> analyses -> report/maps -> cli).

Loading a network imports only the reading side (:mod:`~cablesim.dataset._load`,
:mod:`~cablesim.dataset._layers`, :mod:`~cablesim.dataset._validate`); the build
pipeline's public names (:func:`build`, :func:`import_telegeography`,
:func:`build_cable_topology`...) are imported on first use (PEP 562), so
``import cablesim`` does not load it.

Build it with::

    cablesim data build --source ../shared/data --out data
"""

from __future__ import annotations

import importlib
from typing import Any

from cablesim.dataset._chokepoints import CHOKEPOINTS
from cablesim.dataset._layers import (
    LAND_LINK_REFERENCE_DATE,
    SNAPSHOT_DATE,
    base_rows,
    snapshot_note,
    snapshot_view,
    withdrawn_mask,
)
from cablesim.dataset._load import TABLE_NAMES, data_dir, load_tables, manifest
from cablesim.dataset._reference import era_of
from cablesim.dataset._validate import check_usable, validate

_BUILD_PIPELINE = {
    "BORDER_LINK_TBPS": "_build",
    "LICENCE": "_build",
    "assign_landmass": "_build",
    "border_defaults": "_build",
    "build": "_build",
    "import_telegeography": "_tgimport",
    "user_data_dir": "_tgimport",
    "build_cable_topology": "_topology",
    "to_geometry": "_topology",
    "unwrap": "_topology",
}
"""Public names of the build pipeline, by module: imported when first used."""


def __getattr__(name: str) -> Any:
    module = _BUILD_PIPELINE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_BUILD_PIPELINE))


__all__ = [
    "BORDER_LINK_TBPS",
    "CHOKEPOINTS",
    "LAND_LINK_REFERENCE_DATE",
    "LICENCE",
    "SNAPSHOT_DATE",
    "TABLE_NAMES",
    "assign_landmass",
    "base_rows",
    "border_defaults",
    "build",
    "build_cable_topology",
    "check_usable",
    "data_dir",
    "era_of",
    "import_telegeography",
    "load_tables",
    "manifest",
    "snapshot_note",
    "snapshot_view",
    "to_geometry",
    "unwrap",
    "user_data_dir",
    "validate",
    "withdrawn_mask",
]
