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

Each public name is imported from its module on first use (PEP 562): resolving
the data directory (:mod:`~cablesim.dataset._where`) reads no table, loading a
network imports only the reading side (:mod:`~cablesim.dataset._load`,
:mod:`~cablesim.dataset._layers`, :mod:`~cablesim.dataset._validate`), and only
building or importing a dataset loads the build pipeline.

Build it with::

    cablesim data build --source ../shared/data --out data
"""

from __future__ import annotations

from cablesim import _lazy

_PUBLIC = {
    "CHOKEPOINTS": "_chokepoints",
    "LAND_LINK_REFERENCE_DATE": "_layers",
    "SNAPSHOT_DATE": "_layers",
    "base_rows": "_layers",
    "snapshot_note": "_layers",
    "snapshot_view": "_layers",
    "withdrawn_mask": "_layers",
    "TABLE_NAMES": "_load",
    "load_tables": "_load",
    "manifest": "_load",
    "data_dir": "_where",
    "era_of": "_reference",
    "check_usable": "_validate",
    "validate": "_validate",
    # the build pipeline
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
"""Each public name and the module that defines it, imported on first use."""


__getattr__, __dir__ = _lazy.attach(__name__, _PUBLIC)


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
