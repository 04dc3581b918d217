"""Upgrades of a cable stated in the capacity sources, with their year, outside the design column.

The shared capacity table gives one design figure per cable, with its year. Where the
same sources state that an upgrade added capacity later (the notes' technology column),
the cable's design rises by that amount from the upgrade's year; the network lights what
it adds as traffic grows, from what was lit then (:func:`cablesim.network.lit_capacity`).
Each row: the year, the Tbit/s added, the file and the words that state it (a test checks
they are there).

This is data, not a fitted rule: nothing here was chosen by scoring incidents.
"""

from __future__ import annotations

#: cable id -> (year of the upgrade, Tbit/s added, file, words)
STATED_UPGRADES: dict[str, tuple[int, float, str, str]] = {
    "europe-india-gateway-eig": (
        2020,
        24.3,
        "capacity/cable_capacity_notes.csv",
        "In February 2020, Ciena ... adding 24.3Tbit/s",
    ),
}
