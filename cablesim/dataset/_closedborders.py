"""Land borders that no telecom traffic crosses (no assumed border link is made for them).

The build assumes one land link for every pair of countries whose land masses touch
(:func:`cablesim.dataset._build._terrestrial`): neighbours exchange traffic over land.
Along a few borders closed by war or by a state of war since before any fibre was laid,
nothing crosses: Armenia's internet came over Georgia and Iran (so a cut of the Georgian
fibre in March 2011 took it offline), North Korea's over China and Russia. An assumed link
there would hand these countries a route no operator has. Each row is a border closed to
all traffic since the year given, with the page that says so; a sourced link between the
two (Severed) would still be kept, and none exists.

This is data, not a fitted rule: nothing here was chosen by scoring incidents.
"""

from __future__ import annotations

CLOSED_BORDERS: dict[frozenset[str], tuple[int, str]] = {
    frozenset(("ARM", "TUR")): (
        1993,
        "closed by Turkey in April 1993 and not reopened (Wikipedia, 'Armenia-Turkey border'; "
        "Armenia's internet then ran over Georgia and Iran)",
    ),
    frozenset(("ARM", "AZE")): (
        1991,
        "closed since the first Nagorno-Karabakh war, no crossing (Wikipedia, "
        "'Armenia-Azerbaijan border')",
    ),
    frozenset(("ISR", "LBN")): (
        1948,
        "no crossing and no relations, the 2000 Blue Line a UN withdrawal line (Wikipedia, "
        "'Blue Line (Lebanon)')",
    ),
    frozenset(("ISR", "SYR")): (
        1948,
        "no crossing open to traffic, a UN-patrolled ceasefire line since 1974 (Wikipedia, "
        "'Purple Line'; 'UNDOF')",
    ),
    frozenset(("KOR", "PRK")): (
        1953,
        "the Korean Demilitarized Zone; North Korea's international links run over China "
        "(China Unicom) and, from 2017, Russia (TransTeleCom) (Wikipedia, 'Internet in North "
        "Korea')",
    ),
}
"""Closed land borders: the pair of ISO3 codes, the year closed and its source."""


def closed(a: str, b: str) -> bool:
    """Whether no traffic crosses the land border between ``a`` and ``b`` (ISO3 codes)."""
    return frozenset((a, b)) in CLOSED_BORDERS
