"""The one written schema of every bundled table.

Each table's columns, with type, unit and meaning, are declared once here.
The schema drives the dataset build (column order and dtypes), validation
(:func:`cablesim.dataset.validate`) and the data documentation
(``data/README.md`` is generated from it by the build).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column of a bundled table."""

    name: str
    dtype: str  # "str", "int", "float", "bool", "date", "list[str]", "geometry"
    unit: str
    description: str
    nullable: bool = False


C = Column

TABLES: dict[str, tuple[Column, ...]] = {
    "countries": (
        C(
            "iso3",
            "str",
            "",
            "ISO 3166-1 alpha-3 code; Natural Earth ADM0_A3 where no ISO code exists (KOS, IOA...)",
        ),
        C(
            "name",
            "str",
            "",
            "Short English name (Natural Earth NAME, or the ISO name for carved-out territories)",
        ),
        C(
            "iso2",
            "str",
            "",
            "ISO 3166-1 alpha-2 code (Natural Earth ISO_A2); empty where none (carved-out territories)",
        ),
        C(
            "other_names",
            "str",
            "",
            "Other English names of the country (Natural Earth ADMIN and NAME_LONG where they "
            "differ from name), '; '-separated; resolved as aliases",
        ),
        C("region", "str", "", "UN region (Natural Earth REGION_UN)"),
        C("subregion", "str", "", "UN subregion (Natural Earth SUBREGION)"),
        C(
            "population",
            "int",
            "people",
            "Population estimate (Natural Earth POP_EST); 0 where unknown",
        ),
        C(
            "income_group",
            "str",
            "",
            "World Bank income group (Natural Earth INCOME_GRP); sets the assumed capacity of unsourced border links",
        ),
        C(
            "gdp_musd",
            "float",
            "million US$",
            "GDP estimate, 2016 (Natural Earth GDP_MD_EST); 0 where unknown (carved-out territories); sizes traffic demand",
        ),
        C(
            "n_landing_points",
            "int",
            "count",
            "Landing points in the country (0 for landlocked countries)",
        ),
        C(
            "synthetic_polygon",
            "bool",
            "",
            "True where the territory is too small for the 1:50m polygons and a 5 km circle around its landing points stands in",
        ),
        C("geometry", "geometry", "degrees (EPSG:4326)", "Country (Multi)Polygon"),
    ),
    "landmasses": (
        C("landmass_id", "str", "", "'{iso3}:{k}'; k = 0 is the country's largest land mass"),
        C("iso3", "str", "", "Country"),
        C("landmass", "int", "", "k: land masses of a country ranked by area, descending"),
        C("area_km2", "float", "km2", "Land area"),
        C(
            "hub_lon",
            "float",
            "degrees",
            "Longitude of the hub point (representative point of its largest polygon) where backhaul and land links meet",
        ),
        C("hub_lat", "float", "degrees", "Latitude of the hub point"),
        C(
            "geometry",
            "geometry",
            "degrees (EPSG:4326)",
            "Polygons of the land mass: polygons of one country closer than the join distance (bridges, tunnels, short domestic links) count as one",
        ),
    ),
    "landing_points": (
        C(
            "landing_point_id",
            "str",
            "",
            "TeleGeography landing-point id (slug), e.g. 'alexandria-egypt'",
        ),
        C("name", "str", "", "TeleGeography name, 'City, Country'"),
        C("city", "str", "", "City part of the name"),
        C("source_country", "str", "", "Country part of the name as TeleGeography gives it"),
        C("iso3", "str", "", "Country assigned by the build (polygon cross-checked with the name)"),
        C(
            "landmass",
            "int",
            "",
            "Which land mass of its country the station is on (see landmasses)",
        ),
        C("is_tbd", "bool", "", "TeleGeography marks the exact site as 't.b.d.'"),
        C(
            "snapshot",
            "str",
            "",
            "Snapshot the row comes from, as its date: '2021-06-30' (TeleGeography, June 2021) or '2026-01-01' (Severed, cables in service in early 2026)",
        ),
        C(
            "placement",
            "str",
            "",
            "'telegeography' (the snapshot's coordinates) or, for a 2026 station with no 2021 slug, the rule that placed it on its cable's route in its country: 'route end' | 'route near metro' | 'route near country' | 'metro' | 'country' (see cablesim.dataset._severed.place_station)",
        ),
        C("geometry", "geometry", "degrees (EPSG:4326)", "Point"),
    ),
    "cables": (
        C("cable_id", "str", "", "TeleGeography cable id (slug)"),
        C("name", "str", "", "Cable name"),
        C("rfs_year", "int", "year", "Ready-for-service year", nullable=True),
        C("rfs_month", "int", "month", "Ready-for-service month (1-12)", nullable=True),
        C(
            "rfs_date",
            "date",
            "",
            "Date used for as-of filtering: the first of the RFS month, 1 July where only a year is given, empty where unknown",
            nullable=True,
        ),
        C(
            "planned",
            "bool",
            "",
            "RFS after the snapshot date (June 2021): not in service in the snapshot. Cables with no RFS date count as in service from the snapshot date on (never earlier)",
        ),
        C("length_stated_km", "float", "km", "Length TeleGeography states", nullable=True),
        C("length_measured_km", "float", "km", "Geodesic length of the cable's segments"),
        C("owners", "list[str]", "", "Owners as listed by TeleGeography"),
        C("url", "str", "", "Cable website, where given", nullable=True),
        C("n_landing_points", "int", "count", "Distinct landing points"),
        C(
            "capacity_tbps",
            "float",
            "Tbit/s",
            "Design (potential) capacity used by the model: published figure, else a sourced figure of the Severed dataset, else the documented estimate of potential capacity c. 2021",
        ),
        C(
            "capacity_year",
            "int",
            "year",
            "Year from which capacity_tbps holds (the year of a published figure; for retrofit estimates 2013; else the RFS year)",
            nullable=True,
        ),
        C(
            "capacity_at_rfs_tbps",
            "float",
            "Tbit/s",
            "Design capacity at ready-for-service (a published figure dated within 4 years of RFS, else fibre pairs x the era's per-pair value, else the era x length table); used for networks as of before capacity_year",
        ),
        C("capacity_basis", "str", "", "'published' | 'sourced' | 'estimated'"),
        C("capacity_source", "str", "", "The cited source text, or 'estimated: <rule>'"),
        C(
            "capacity_spread",
            "float",
            "factor",
            "Multiplicative uncertainty: 1 for published figures, 1.5 for sourced secondary figures, 3 for estimates (80% of the fallback model's in-sample estimates fall within 3x)",
        ),
        C(
            "fiber_pairs",
            "int",
            "count",
            "Fibre pairs on the main trunk where stated",
            nullable=True,
        ),
        C("lit_capacity_tbps", "float", "Tbit/s", "Lit capacity where stated", nullable=True),
        C(
            "lit_capacity_year",
            "int",
            "year",
            "Year of the stated lit capacity, where the source gives it",
            nullable=True,
        ),
        C(
            "snapshot",
            "str",
            "",
            "Snapshot the row comes from, as its date: '2021-06-30' (TeleGeography, June 2021) or '2026-01-01' (Severed, cables in service in early 2026)",
        ),
        C(
            "in_2026",
            "bool",
            "",
            "Listed in the 2026 table (Severed); False throughout a dataset built without it",
        ),
        C(
            "rfs_year_2026",
            "int",
            "year",
            "RFS year the 2026 table states; used instead of rfs_year by networks dated from the 2021 snapshot on",
            nullable=True,
        ),
        C(
            "cable_id_2026",
            "str",
            "",
            "The 2026 table's id of a 2021 cable it lists under another id (same id or name but for punctuation, or the same stations and RFS year within one); empty otherwise",
            nullable=True,
        ),
        C(
            "withdrawn_date",
            "date",
            "",
            "For a 2021 cable not in the 2026 table: out of service from this date on (the 2026 snapshot date if it was in service in 2021, the 2021 snapshot date if it was only planned then); empty otherwise",
            nullable=True,
        ),
    ),
    "segments": (
        C("segment_id", "str", "", "'{cable_id}#{k}'"),
        C("cable_id", "str", "", "Cable the segment belongs to"),
        C("from_node", "str", "", "Landing point id or branching unit id"),
        C("to_node", "str", "", "Landing point id or branching unit id"),
        C("length_km", "float", "km", "Geodesic length along the drawn route"),
        C(
            "capacity_tbps",
            "float",
            "Tbit/s",
            "Capacity of the segment: the cable's capacity (every segment of a cable carries the cable's design figure; branch-level figures are not published)",
        ),
        C(
            "inferred",
            "bool",
            "",
            "True where the route had a gap, or a landing point lay far from it, and the build bridged it with a straight segment",
        ),
        C("snapshot", "str", "", "Snapshot of the segment's cable (see cables.snapshot)"),
        C(
            "geometry",
            "geometry",
            "degrees (EPSG:4326)",
            "LineString along the drawn route; MultiLineString only where it crosses the antimeridian",
        ),
    ),
    "branching_units": (
        C("node_id", "str", "", "'bu:{cable_id}:{k}'"),
        C("cable_id", "str", "", "Cable"),
        C("geometry", "geometry", "degrees (EPSG:4326)", "Point where route parts meet"),
    ),
    "chokepoints": (
        C("chokepoint_id", "str", "", "Id used in scenarios, e.g. 'bab-el-mandeb'"),
        C("name", "str", "", "Name"),
        C("description", "str", "", "What it is and why cables bunch there"),
        C("holds", "str", "", "Which routes and systems pass"),
        C("source", "str", "", "What defines the polygon"),
        C("n_cables", "int", "count", "Cables of the snapshot whose segments cross the polygon"),
        C("geometry", "geometry", "degrees (EPSG:4326)", "Polygon drawn from coordinates"),
    ),
    "terrestrial_links": (
        C("link_id", "str", "", "'border:{A}-{B}:{k}' or 'sourced:{id}'"),
        C("from_iso3", "str", "", "Country at one end"),
        C("to_iso3", "str", "", "Country at the other end"),
        C("from_node", "str", "", "Land hub node at one end, 'land:{iso3}:{k}'"),
        C("to_node", "str", "", "Land hub node at the other end"),
        C(
            "kind",
            "str",
            "",
            "'sourced' (Severed dataset, with source) or 'border' (one per land border, assumed)",
        ),
        C(
            "capacity_tbps",
            "float",
            "Tbit/s",
            "Sourced figure (2021-2026), or for border links the median sourced figure of the income group (an assumption)",
        ),
        C(
            "length_km",
            "float",
            "km",
            "Stated distance (sourced) or hub-to-hub geodesic distance (border)",
        ),
        C(
            "confidence",
            "str",
            "",
            "'verified' | 'estimated' | 'approximated' (Severed's labels) or 'assumed'",
        ),
        C("source", "str", "", "Source text and URL, or the assumption"),
        C(
            "service_year",
            "int",
            "year",
            "Year the first fibre on the route entered service (landlinks/service_dates.csv); "
            "empty where undated",
            nullable=True,
        ),
        C(
            "service_date",
            "date",
            "",
            "1 July of service_year: a network holds the link from this date; empty: undated, "
            "assumed in service at every date",
            nullable=True,
        ),
        C(
            "service_basis",
            "str",
            "",
            "'severed-source' | 'source' | 'estimate' (how the year is known); empty where undated",
            nullable=True,
        ),
        C(
            "service_source",
            "str",
            "",
            "The dated route, its quote and URL (and later routes on the same border)",
            nullable=True,
        ),
        C(
            "geometry",
            "geometry",
            "degrees (EPSG:4326)",
            "Straight line between the two ends (schematic, not the fibre route)",
        ),
    ),
}


def markdown_table(table: str) -> str:
    """The schema of ``table`` as a Markdown table (used for data/README.md)."""
    rows = ["| column | type | unit | meaning |", "| --- | --- | --- | --- |"]
    for col in TABLES[table]:
        dtype = col.dtype + (" (nullable)" if col.nullable else "")
        rows.append(f"| `{col.name}` | {dtype} | {col.unit} | {col.description} |")
    return "\n".join(rows)
