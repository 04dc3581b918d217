"""Submarine-cable chokepoints drawn as lon/lat polygons.

Each :class:`Chokepoint` is a polygon drawn from coordinates written out in this module, with a
short description, what it holds (the kinds of routes and well-known systems that pass) and the
source that defines its outline: the IHO *Limits of Oceans and Seas* (S-23, 3rd edition, 1953)
for straits and seas, or, for landing clusters and the Egyptian land crossing, the landing
stations and routes published on TeleGeography's Submarine Cable Map. Where a limit follows a
coast, the coast was simplified from the GSHHG shoreline to about 1-5 km, with a small margin
inland so that coastal landing stations fall inside.

Design choices worth knowing:

* ``red-sea`` follows the IHO limits exactly, so its southern tip (north of the line
  Husn Murad - Ras Siyan) overlaps the northern half of ``bab-el-mandeb``, which straddles that
  line. No other two polygons overlap; ``luzon-strait`` and ``taiwan-strait`` share an edge.
* ``suez`` is a land corridor: it holds the terrestrial crossings of Egypt and the Suez Canal
  zone but stops a few km short of the landing stations on both coasts. Suez city and Zafarana
  are outside (cables that only land there from the Red Sea do not cross Egypt); Cairo is inside.
* ``alexandria`` covers the sea approaches to Alexandria, Abu Talat and Sidi Kerir only; it does
  not reach Port Said and does not touch ``suez``.

Coordinates are ``(lon, lat)`` in degrees (WGS84), rings not closed. Nothing is computed at
import time; :func:`chokepoint_polygons` builds the shapely polygons on demand.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely

__all__ = ["CHOKEPOINTS", "REQUIRED_CHOKEPOINTS", "Chokepoint", "chokepoint_polygons"]


@dataclass(frozen=True)
class Chokepoint:
    """A chokepoint of the submarine-cable network.

    Attributes
    ----------
    chokepoint_id : str
        Stable identifier, lower-case with hyphens (e.g. ``"bab-el-mandeb"``).
    name : str
        Human-readable name.
    description : str
        One or two sentences: what it is and why cables bunch there.
    holds : str
        What it holds: which kinds of routes and well-known systems pass.
    source : str
        What defines the polygon (IHO S-23 limits or a named published description).
    coords : tuple of tuple of float
        Polygon ring as ``(lon, lat)`` pairs in degrees; closed or not.
    """

    chokepoint_id: str
    name: str
    description: str
    holds: str
    source: str
    coords: tuple[tuple[float, float], ...]

    def polygon(self) -> shapely.Polygon:
        """Return the chokepoint as a shapely polygon.

        Returns
        -------
        shapely.Polygon
            The polygon built from :attr:`coords` (lon/lat degrees).
        """
        return shapely.Polygon(self.coords)


# Coordinates are kept as compact tables; the formatter would put one pair per line.
# fmt: off
_ALEXANDRIA = Chokepoint(
    chokepoint_id="alexandria",
    name="Alexandria and Abu Talat approaches",
    description=(
        "The sea approaches to the landing stations at Alexandria and at Abu Talat / Sidi Kerir "
        "just west of it, where most Mediterranean cables reach Egypt before crossing to the "
        "Red Sea."
    ),
    holds=(
        "Mediterranean legs of the Europe-Asia systems that cross Egypt (SeaMeWe-3/4/5, FLAG "
        "FEA, IMEWE, AAE-1, EIG, MENA/GBI, PEACE, IEX at Sidi Kerir) and Mediterranean systems "
        "ending here (Hawk, Aletar, TE North/MedEx at Abu Talat); not the Port Said landings "
        "(2Africa, Africa-1)."
    ),
    source=(
        "Drawn for cablesim around the Alexandria, Abu Talat and Sidi Kerir landing stations of "
        "TeleGeography's Submarine Cable Map: the coast from west of Sidi Kerir to Abu Qir Bay, "
        "out about 40 km; its eastern edge (30.4E) stays about 180 km west of Port Said."
    ),
    coords=(
        (29.5, 30.93), (29.67, 31.035), (29.75, 31.09), (29.88, 31.178), (29.96, 31.232),
        (30.07, 31.31), (30.13, 31.262), (30.26, 31.29), (30.32, 31.36), (30.36, 31.45),
        (30.12, 31.56), (29.8, 31.56), (29.45, 31.32), (29.33, 31.0),
    ),
)

_SUEZ = Chokepoint(
    chokepoint_id="suez",
    name="Egyptian land crossing (Suez)",
    description=(
        "The land corridor of northern Egypt, with the Suez Canal zone, through which the "
        "terrestrial segments join the Mediterranean landings (Alexandria, Abu Talat, Sidi "
        "Kerir, Port Said) to the Red Sea landings (Suez, Zafarana); every Europe-Asia system "
        "via the Red Sea crosses it."
    ),
    holds=(
        "The Egypt crossings of SeaMeWe-3/4/5, FLAG FEA, IMEWE, AAE-1, EIG, MENA/GBI, PEACE and "
        "IEX, and the canal-side routes of 2Africa and Africa-1 from Port Said; not Red "
        "Sea-only systems that merely land at Suez or Zafarana (FALCON, SEACOM) nor "
        "Mediterranean-only ones."
    ),
    source=(
        "Drawn for cablesim as the envelope of the terrestrial crossings of Egypt on "
        "TeleGeography's Submarine Cable Map plus the canal from south of Port Said through "
        "Ismailia to Suez. It stops a few km short of the landing stations on both coasts, so "
        "Suez city, Zafarana and the sea approaches are outside; Cairo, between the drawn "
        "routes, is inside."
    ),
    coords=(
        (29.6, 30.93), (29.72, 31.015), (29.88, 31.13), (29.98, 31.195), (30.15, 31.22),
        (30.8, 31.225), (31.4, 31.13), (32.0, 30.93), (32.22, 31.13), (32.45, 31.13),
        (32.5, 30.85), (32.45, 30.55), (32.62, 30.3), (32.62, 30.04), (32.45, 30.02),
        (32.44, 29.86), (32.33, 29.69), (32.31, 29.59), (32.42, 29.47), (32.56, 29.33),
        (32.58, 29.22), (32.57, 29.15), (32.57, 29.04), (31.7, 29.02), (31.0, 29.25),
        (30.3, 29.62), (29.9, 30.28),
    ),
)

_RED_SEA = Chokepoint(
    chokepoint_id="red-sea",
    name="Red Sea",
    description=(
        "The Red Sea proper between the mouths of the Gulfs of Suez and Aqaba and "
        "Bab-el-Mandeb: the only sea route between the Mediterranean crossings of Egypt and the "
        "Indian Ocean."
    ),
    holds=(
        "Every Europe-Asia and Europe-East Africa system via Egypt (SeaMeWe-3/4/5, AAE-1, EIG, "
        "IMEWE, FLAG FEA, FALCON, MENA/GBI, PEACE, IEX, SEACOM/TGN-Eurasia, EASSy, 2Africa, "
        "Africa-1) with their branches to Jeddah, Yanbu, Port Sudan and Hodeidah, and "
        "Saudi-Sudan links (SAS-1/2)."
    ),
    source=(
        "IHO Limits of Oceans and Seas (S-23, 3rd ed. 1953), Red Sea: north, the southern "
        "limits of the Gulf of Suez (Ras Muhammad - S point of Shadwan Island - parallel 27 "
        "27'N to Africa) and of the Gulf of Aqaba (Ras al Fasma - Requin Island - Tiran Island "
        "- parallel 27 54'N to Sinai); south, the line Husn Murad (12 40'N 43 30'E) - Ras Siyan "
        "(12 29'N 43 20'E). Coasts simplified from GSHHG."
    ),
    coords=(
        (33.6, 27.43), (34.03, 27.45), (34.26, 27.9), (35.05, 28.16), (35.25, 28.09),
        (37.28, 25.21), (37.32, 24.76), (37.53, 24.43), (37.97, 24.25), (38.64, 23.6),
        (39.19, 22.42), (39.08, 21.97), (39.25, 21.13), (39.75, 20.44), (40.14, 20.31),
        (40.83, 19.77), (41.64, 18.13), (42.35, 17.48), (42.78, 16.69), (42.89, 16.06),
        (42.77, 15.6), (43.33, 13.7), (43.31, 13.24), (43.54, 12.83), (43.33, 12.48),
        (43.25, 12.44), (43.06, 12.69), (42.75, 12.81), (42.58, 13.1), (42.35, 13.17),
        (42.26, 13.46), (41.65, 13.9), (41.13, 14.58), (40.76, 14.66), (40.52, 14.89),
        (40.28, 14.86), (40.01, 15.05), (39.67, 15.07), (39.19, 16.05), (38.78, 17.59),
        (38.5, 17.99), (37.37, 18.86), (37.17, 19.6), (37.11, 20.88), (36.8, 22.02),
        (35.62, 22.92), (35.44, 23.47), (35.43, 24.1), (35.1, 24.49), (33.89, 26.65),
        (33.88, 26.93),
    ),
)

_BAB_EL_MANDEB = Chokepoint(
    chokepoint_id="bab-el-mandeb",
    name="Bab-el-Mandeb",
    description=(
        "The strait, about 30 km wide, between Yemen and Djibouti/Eritrea that joins the Red "
        "Sea to the Gulf of Aden; every cable between the Red Sea and the Indian Ocean passes "
        "it."
    ),
    holds=(
        "All Red Sea transits: SeaMeWe-3/4/5, AAE-1, EIG, IMEWE, FLAG FEA, FALCON, MENA/GBI, "
        "PEACE, IEX, SEACOM/TGN-Eurasia, EASSy, 2Africa, Africa-1; not Gulf of Aden-only links "
        "such as Aden-Djibouti."
    ),
    source=(
        "IHO S-23 (1953): the southern limit of the Red Sea and western limit of the Gulf of "
        "Aden, Husn Murad (12 40'N 43 30'E) - Ras Siyan (12 29'N 43 20'E); the polygon spans "
        "the strait some 20-40 km either side of that line, between the Yemeni coast (with "
        "Perim) and the African coast. Its northern half overlaps the red-sea polygon by "
        "design."
    ),
    coords=(
        (43.05, 12.9), (43.4, 12.98), (43.425, 12.932), (43.494, 12.825), (43.47, 12.72),
        (43.463, 12.674), (43.526, 12.681), (43.6, 12.749), (43.65, 12.62), (43.38, 12.34),
        (43.333, 12.407), (43.292, 12.467), (43.152, 12.655), (43.1, 12.738), (43.06, 12.83),
    ),
)

_DJIBOUTI = Chokepoint(
    chokepoint_id="djibouti",
    name="Djibouti approaches",
    description=(
        "The sea approaches to the Djibouti City and Haramous landing stations at the mouth of "
        "the Gulf of Tadjoura, the hub where Red Sea systems branch to East Africa and the Gulf "
        "of Aden."
    ),
    holds=(
        "Systems landing at Djibouti: AAE-1, EIG, SeaMeWe-3/5, PEACE, SEACOM, EASSy, DARE1, "
        "2Africa, Africa-1, MENA/GBI, Aden-Djibouti."
    ),
    source=(
        "Drawn for cablesim around the Djibouti City and Haramous landing stations of "
        "TeleGeography's Submarine Cable Map: the southern Gulf of Tadjoura and the Gulf of "
        "Aden out to about 60 km east, ending some 50 km south of the bab-el-mandeb polygon."
    ),
    coords=(
        (43.05, 11.585), (43.05, 11.7), (43.25, 11.85), (43.55, 11.9), (43.7, 11.8), (43.7, 11.4),
        (43.5, 11.37), (43.31, 11.455), (43.23, 11.49), (43.17, 11.555), (43.115, 11.575),
    ),
)

_HORMUZ = Chokepoint(
    chokepoint_id="hormuz",
    name="Strait of Hormuz",
    description=(
        "The strait between Musandam (Oman) and Iran that is the only sea entrance to the "
        "Persian Gulf; cables serving Kuwait, Iraq, Bahrain, Qatar, eastern Saudi Arabia and "
        "the Gulf coast of the UAE go round Musandam through it."
    ),
    holds=(
        "Gulf-entering systems: FALCON, GBI/MENA, AAE-1 (Doha), Tata TGN-Gulf, and Oman's "
        "Musandam links (OMRAN/EPEG to Khasab) and Bandar Abbas branches; not the systems "
        "landing only at Fujairah or Kalba on the Gulf of Oman."
    ),
    source=(
        "IHO S-23 (1953) limit between the Persian Gulf and the Gulf of Oman, Ras Limah (25 "
        "57'N, Musandam) - Ras al Kuh (25 48'N, Iran), as the south-eastern edge; north-western "
        "edge drawn for cablesim from the Musandam coast near Bukha to the east end of Qeshm "
        "and across to the mainland west of Bandar Abbas; Musandam and Iranian coasts between."
    ),
    coords=(
        (56.15, 26.13), (56.28, 26.965), (56.2, 27.16), (56.3, 27.21), (56.41, 27.235),
        (56.68, 27.22), (56.82, 27.14), (56.96, 27.03), (57.06, 26.8), (57.11, 26.45),
        (57.2, 26.06), (57.31, 25.8), (56.42, 25.95), (56.45, 26.05), (56.49, 26.22),
        (56.52, 26.36), (56.4, 26.42), (56.35, 26.37), (56.31, 26.21), (56.24, 26.17),
    ),
)

_MALACCA = Chokepoint(
    chokepoint_id="malacca",
    name="Strait of Malacca and Singapore Strait",
    description=(
        "The Strait of Malacca from the Andaman Sea to Singapore, with the Singapore Strait: "
        "the sea route between the Indian Ocean and the South China Sea, and the water every "
        "Singapore landing uses."
    ),
    holds=(
        "Singapore-Indian Ocean trunks (SeaMeWe-3/4/5, AAE-1, i2i, TGN-Tata Indicom, BBG, SAFE, "
        "SIGMAR, IAX, MIST), every Singapore system via the Singapore Strait (APG, SJC, SJC2, "
        "ADC, AAG, ASE, EAC-C2C, Matrix, IGG, ASC, INDIGO-West, Bifrost, Echo) and "
        "Malaysia/Indonesia cross-strait links (Dumai-Melaka, BDM, Batam-Singapore)."
    ),
    source=(
        "IHO S-23 (1953) limits of the Malacca Strait (west: Pedropunt, N point of Sumatra - "
        "Lem Voalan, S point of Phuket; north: SW coast of the Malay Peninsula; south: NE coast "
        "of Sumatra to Tanjong Kedabu) joined to those of the Singapore Strait (east: Tanjong "
        "Datok, Johore - Horsburgh Reef - Pulau Koko, Bintan; north: south coast of Singapore "
        "Island, Johore Strait excluded; south: north coasts of the Riau Archipelago). Coasts "
        "simplified from GSHHG."
    ),
    coords=(
        (98.33, 7.85), (98.45, 8.4), (98.73, 8.34), (98.82, 8.12), (99.13, 7.98), (99.38, 7.49),
        (99.63, 7.39), (99.77, 7.15), (99.78, 6.89), (100.14, 6.57), (100.45, 5.65),
        (100.44, 5.05), (100.67, 4.81), (100.64, 4.35), (100.94, 3.98), (100.94, 3.73),
        (101.33, 3.28), (101.49, 2.74), (101.79, 2.63), (102.18, 2.27), (103.36, 1.59),
        (103.55, 1.36), (103.8, 1.3), (104.05, 1.42), (104.58, 1.23), (102.18, 1.05),
        (102.09, 1.38), (101.74, 1.63), (101.39, 1.69), (101.25, 2.06), (100.95, 2.15),
        (101.01, 1.83), (100.92, 1.78), (100.81, 2.0), (100.46, 2.2), (100.3, 2.45),
        (100.09, 2.48), (99.92, 2.7), (99.95, 2.89), (99.71, 3.16), (98.67, 3.74), (98.5, 3.97),
        (98.14, 4.06), (98.21, 4.41), (97.96, 4.51), (97.89, 4.84), (97.52, 5.17), (96.39, 5.19),
        (95.44, 5.62),
    ),
)

_SUNDA_STRAIT = Chokepoint(
    chokepoint_id="sunda-strait",
    name="Sunda Strait",
    description=(
        "The strait between Sumatra and Java, the short route from the Java Sea to the Indian "
        "Ocean taken by cables from Singapore and Jakarta to Western Australia."
    ),
    holds=(
        "Singapore/Jakarta-Perth systems (Australia-Singapore Cable, INDIGO-West), SeaMeWe-3's "
        "Perth leg, and Java-Sumatra links (SJJK, JaSuKa)."
    ),
    source=(
        "Drawn for cablesim between the Sunda Strait's usual entrance lines: Vlakke Hoek "
        "(Tanjung Cina, S point of Sumatra) - Java Hoofd (Tanjung Layar, W point of Java) on "
        "the Indian Ocean side and the Merak - Bakauheni narrows on the Java Sea side, with "
        "Lampung and Semangka Bays; coasts simplified from GSHHG."
    ),
    coords=(
        (104.71, -5.5), (104.79, -5.59), (105.11, -5.74), (105.16, -5.7), (105.15, -5.58),
        (105.29, -5.43), (105.42, -5.61), (105.58, -5.66), (105.63, -5.82), (105.73, -5.83),
        (105.79, -5.79), (105.8, -5.88), (106.03, -5.88), (106.0, -6.01), (105.87, -6.16),
        (105.82, -6.5), (105.66, -6.56), (105.52, -6.79), (105.22, -6.75), (104.57, -5.93),
        (104.65, -5.91), (104.68, -5.85), (104.59, -5.66), (104.6, -5.5),
    ),
)

_LUZON_STRAIT = Chokepoint(
    chokepoint_id="luzon-strait",
    name="Luzon Strait",
    description=(
        "The Bashi, Balintang and Babuyan channels between Taiwan and Luzon, the main passage "
        "between the South China Sea and the Pacific; the December 2006 Hengchun earthquake cut "
        "several cables here."
    ),
    holds=(
        "Systems from Hong Kong, southern China, Vietnam and Singapore to Japan, Korea and the "
        "US: APCN-2, EAC-C2C, FLAG North Asia Loop, FLAG FEA, SJC, SJC2, APG, ADC, ASE, TGN-IA, "
        "AAG, SeaMeWe-3, and Luzon landings (CAP-1 at Pagudpud, TGN-IA at Ballesteros)."
    ),
    source=(
        "The strait between the south coast of Taiwan and the north coast of Luzon, straddling "
        "the IHO S-23 (1953) eastern limit of the South China Sea (Garan Bi / Eluanbi on "
        "Taiwan, through the Batanes and Babuyan islands, to Cape Engano on Luzon); drawn for "
        "cablesim from 120E to 122.5E. Its northern edge is the southern limit of taiwan-strait "
        "(the two touch)."
    ),
    coords=(
        (122.31, 18.29), (122.2, 18.38), (122.01, 18.26), (121.66, 18.22), (121.56, 18.36),
        (121.13, 18.6), (120.57, 18.47), (120.0, 19.0), (120.0, 22.2509), (120.85, 21.9),
        (121.0, 22.05), (122.5, 21.6), (122.5, 18.4),
    ),
)

_TAIWAN_STRAIT = Chokepoint(
    chokepoint_id="taiwan-strait",
    name="Taiwan Strait",
    description=(
        "The strait between Fujian and Taiwan; besides the cross-strait links it holds the "
        "landings of trunk systems on Taiwan's western coast at Tamsui and Fangshan."
    ),
    holds=(
        "Cross-strait links (TSE-1 Fuzhou-Tamsui, the Kinmen-Xiamen Cross Straits Cable "
        "Network) and trunk systems landing at Tamsui/Bali (FASTER, TPE, APCN-2, SJC2, EAC-C2C) "
        "or Fangshan (SeaMeWe-3, EAC-C2C, SJC2)."
    ),
    source=(
        "North: the IHO S-23 (1953) boundary between the East and South China Seas (Fuki Kaku / "
        "Fuguijiao, N point of Taiwan - Turnabout Island - S point of Haitan / Pingtan Island, "
        "then west along 25 24'N to Fujian); south: the line Nan'ao Island - Eluanbi (S tip of "
        "Taiwan) used as the strait's southern limit in Chinese geographic descriptions. Coasts "
        "from GSHHG."
    ),
    coords=(
        (117.09, 23.59), (117.34, 23.97), (117.59, 23.94), (117.67, 24.08), (117.86, 24.14),
        (117.9, 24.28), (117.76, 24.53), (117.89, 24.52), (118.15, 24.71), (118.36, 24.66),
        (118.52, 24.79), (118.62, 25.02), (118.8, 25.03), (118.84, 25.26), (119.3, 25.4),
        (119.93, 25.43), (121.54, 25.3), (121.43, 25.13), (121.05, 25.0), (120.37, 23.98),
        (120.39, 23.81), (120.18, 23.65), (120.14, 23.17), (120.24, 22.79), (120.33, 22.6),
        (120.66, 22.32), (120.74, 21.95), (120.85, 21.9), (117.12, 23.44),
    ),
)

_GUAM = Chokepoint(
    chokepoint_id="guam",
    name="Guam landings",
    description=(
        "Guam and the waters off its landing stations at Piti, Tumon Bay, Tanguisson Point and "
        "Agat, the main Western Pacific junction between the US, Japan, Southeast Asia and "
        "Australia."
    ),
    holds=(
        "Trans-Pacific and intra-Asia systems landing on Guam: AAG, SEA-US, JGA-N, JGA-S, "
        "Atisa, Mariana-Guam, GOKI, HANTRU1, PPC-1, AJC, TGN-Pacific, Bifrost, Echo."
    ),
    source=(
        "Drawn for cablesim around the Piti, Tumon Bay, Tanguisson Point and Agat landing "
        "stations of TeleGeography's Submarine Cable Map: the island and the sea about 20-25 km "
        "off its coasts; Rota (Northern Mariana Islands) is outside."
    ),
    coords=(
        (144.4, 13.3), (144.42, 13.55), (144.6, 13.78), (144.85, 13.82), (145.05, 13.7),
        (145.1, 13.45), (144.95, 13.15), (144.72, 13.05), (144.52, 13.12),
    ),
)

_ENGLISH_CHANNEL = Chokepoint(
    chokepoint_id="english-channel",
    name="English Channel",
    description=(
        "The Channel between England and France, up to and including the Strait of Dover: busy "
        "with shipping and trawling, it carries the cross-Channel cables and the Cornish and "
        "Breton landings of long-haul systems."
    ),
    holds=(
        "UK-France and Channel Islands links (CIRCE South, CrossChannel Fibre, UK-Channel "
        "Islands-7/8, Channel Islands-9 Liberty, Guernsey-Jersey-4, HUGO, INGRID, Isles of "
        "Scilly) and long-haul systems landing in Cornwall or Brittany (FLAG FEA, SeaMeWe-3, "
        "FLAG Atlantic-1, Apollo, AC-1)."
    ),
    source=(
        "IHO S-23 (1953) limits of the English Channel: west, Ile Vierge (48 38'N 4 34'W) - "
        "Land's End (50 04'N 5 43'W); east, Walde Lighthouse (France, 1 55'E) - Leathercoat "
        "Point (England, 51 10'N), which takes in the Dover-Calais narrows. Coasts simplified "
        "from GSHHG."
    ),
    coords=(
        (-5.68, 50.07), (-5.49, 50.16), (-5.24, 50.11), (-5.12, 50.23), (-4.9, 50.25),
        (-4.7, 50.37), (-4.21, 50.43), (-3.78, 50.31), (-3.5, 50.67), (-2.85, 50.75),
        (-2.53, 50.65), (-2.2, 50.65), (-2.05, 50.76), (-1.58, 50.76), (-1.46, 50.94),
        (-0.71, 50.8), (-0.28, 50.86), (0.21, 50.77), (1.36, 51.17), (1.92, 50.99), (1.65, 50.82),
        (1.62, 50.29), (1.46, 50.08), (1.1, 49.89), (0.23, 49.69), (0.16, 49.59), (0.2, 49.48),
        (-0.31, 49.28), (-0.98, 49.37), (-1.12, 49.3), (-1.4, 49.63), (-1.76, 49.61),
        (-1.79, 49.44), (-1.52, 49.23), (-1.53, 48.78), (-1.34, 48.66), (-1.97, 48.51),
        (-2.41, 48.61), (-2.69, 48.47), (-3.0, 48.73), (-3.3, 48.8), (-3.85, 48.59),
        (-4.11, 48.65), (-4.51, 48.59), (-4.57, 48.64), (-5.7167, 50.0667),
    ),
)

_GIBRALTAR = Chokepoint(
    chokepoint_id="gibraltar",
    name="Strait of Gibraltar",
    description=(
        "The 14 km-wide strait between Spain and Morocco that is the Mediterranean's only "
        "natural opening to the Atlantic."
    ),
    holds=(
        "Mediterranean-Atlantic systems (SeaMeWe-3, FLAG FEA, EIG landing at Gibraltar, Atlas "
        "Offshore) and Spain-Ceuta links (Dos Continentes I/II); not the Atlantic systems "
        "landing at Conil, north-west of Cape Trafalgar."
    ),
    source=(
        "IHO S-23 (1953) limits of the Strait of Gibraltar: west, Cape Trafalgar (36 11'N 6 "
        "02'W) - Cape Spartel (35 47'N 5 55'W); east, Europa Point (36 07'N 5 21'W) - Almina "
        "Point, Ceuta (35 54'N 5 18'W). Coasts simplified from GSHHG."
    ),
    coords=(
        (-5.9, 36.2), (-5.8, 36.11), (-5.65, 36.07), (-5.59, 36.03), (-5.47, 36.08),
        (-5.47, 36.15), (-5.44, 36.19), (-5.39, 36.2), (-5.34, 36.11), (-5.28, 35.9),
        (-5.36, 35.85), (-5.39, 35.89), (-5.47, 35.89), (-5.55, 35.83), (-5.61, 35.81),
        (-5.72, 35.81), (-5.78, 35.76), (-5.85, 35.78), (-5.9, 35.78), (-5.92, 35.79),
        (-6.04, 36.18), (-6.01, 36.2),
    ),
)

_SICILY_CHANNEL = Chokepoint(
    chokepoint_id="sicily-channel",
    name="Strait of Sicily",
    description=(
        "The narrows, about 145 km wide, between Cape Bon (Tunisia) and western Sicily over the "
        "sill between the western and eastern Mediterranean basins; east-west Mediterranean "
        "cables cross it."
    ),
    holds=(
        "East-west Mediterranean trunks (SeaMeWe-3/4/5, AAE-1, EIG, IMEWE, FLAG FEA, PEACE, "
        "IEX, 2Africa, Africa-1, Hawk, TE North, MENA) and Sicily-Africa links landing at "
        "Mazara del Vallo and Kelibia (Hannibal, Didon, Trapani-Kelibia, Italy-Libya, GO-1, "
        "Janna, Lev)."
    ),
    source=(
        "Drawn for cablesim across the narrows of the Strait of Sicily as a band from the line "
        "Cape Bon (Ras ed-Dar) - Capo Lilibeo (Marsala) to the line Kelibia - Capo Granitola, "
        "between the Cape Bon peninsula and the Marsala-Mazara coast; Pantelleria, Malta and "
        "the Maltese landings are outside."
    ),
    coords=(
        (12.48, 37.76), (12.51, 37.69), (12.62, 37.65), (12.66, 37.57), (11.11, 36.85),
        (11.04, 37.01), (11.05, 37.08), (12.42, 37.8),
    ),
)

_MARSEILLE = Chokepoint(
    chokepoint_id="marseille",
    name="Marseille approaches",
    description=(
        "The Bay of Marseille and its approaches, where many Europe-Asia and Europe-Africa "
        "systems land and meet the Marseille data centres."
    ),
    holds=(
        "Systems landing at Marseille: 2Africa, Africa-1, AAE-1, PEACE, SeaMeWe-4, IMEWE, TE "
        "North, Hawk, Atlas Offshore, Med Cable Network; not the La Seyne-sur-Mer/Toulon "
        "landings (SeaMeWe-5, Corse-Continent-5)."
    ),
    source=(
        "Drawn for cablesim around the Marseille landing stations of TeleGeography's Submarine "
        "Cable Map: the coast from the Cote Bleue (Carry-le-Rouet) to La Ciotat and the sea "
        "about 40 km out; Toulon's roadstead is outside."
    ),
    coords=(
        (5.05, 43.33), (5.22, 43.335), (5.31, 43.37), (5.38, 43.31), (5.4, 43.26), (5.45, 43.22),
        (5.54, 43.225), (5.62, 43.195), (5.7, 43.18), (5.72, 43.05), (5.55, 42.93), (5.3, 42.93),
        (5.05, 43.05),
    ),
)

_BALTIC_ENTRANCES = Chokepoint(
    chokepoint_id="baltic-entrances",
    name="Danish straits (Baltic entrances)",
    description=(
        "The Kattegat with the Sound (Oresund), the Great Belt and the Little Belt: the only "
        "sea connection between the Baltic and the North Sea, crossed by many short "
        "Denmark-Sweden links."
    ),
    holds=(
        "Oresund crossings (Denmark-Sweden 15-18, Danica North, IP-Only Denmark-Sweden, "
        "Scandinavian Ring North/South), Kattegat crossings (Kattegat 2, Energinet "
        "Lyngsa-Laeso-Varberg, GlobalConnect 2 Saeby-Kungsbacka) and the Great Belt "
        "(GlobalConnect 3 Nyborg-Korsor); not the Fehmarn Belt or Gedser-Rostock links further "
        "south."
    ),
    source=(
        "IHO S-23 (1953) Kattegat, from its northern limit Skagen (The Skaw) - Paternoster "
        "Skaer (57 54'N 11 27'E), with the Sound and the Belts down to their usual southern "
        "ends (Stevns - Falsterbo; Langeland - Lolland; Als - Aero). Funen and the South Funen "
        "islands are inside. Coasts simplified from GSHHG."
    ),
    coords=(
        (9.51, 55.52), (9.72, 55.6), (9.57, 55.74), (9.96, 55.72), (9.84, 55.88), (10.21, 55.93),
        (10.19, 56.15), (10.37, 56.31), (10.7, 56.24), (10.89, 56.36), (10.83, 56.5), (10.4, 56.5),
        (10.1, 56.7), (10.25, 56.77), (10.21, 57.0), (10.51, 57.25), (10.4, 57.55), (10.65, 57.74),
        (11.45, 57.9), (12.57, 56.87), (12.86, 56.28), (12.8, 56.19), (12.59, 56.18),
        (12.95, 55.83), (12.82, 55.38), (12.45, 55.31), (12.17, 55.49), (12.55, 55.69),
        (12.52, 56.05), (12.05, 56.02), (12.15, 55.73), (12.09, 55.62), (11.64, 55.7),
        (11.61, 55.92), (11.36, 55.73), (11.16, 55.71), (11.24, 55.32), (11.61, 55.21),
        (11.36, 54.87), (11.17, 54.93), (11.11, 54.83), (10.72, 54.73), (9.9, 54.85),
        (9.99, 54.94), (9.78, 55.04),
    ),
)

# fmt: on

#: Every chokepoint, in a stable order (Egypt and the Red Sea first, then east- and westwards).
CHOKEPOINTS: tuple[Chokepoint, ...] = (
    _ALEXANDRIA,
    _SUEZ,
    _RED_SEA,
    _BAB_EL_MANDEB,
    _DJIBOUTI,
    _HORMUZ,
    _MALACCA,
    _SUNDA_STRAIT,
    _LUZON_STRAIT,
    _TAIWAN_STRAIT,
    _GUAM,
    _ENGLISH_CHANNEL,
    _GIBRALTAR,
    _SICILY_CHANNEL,
    _MARSEILLE,
    _BALTIC_ENTRANCES,
)

#: The chokepoints the dataset must always have (the design card's list; checked by the tests).
REQUIRED_CHOKEPOINTS: tuple[str, ...] = (
    "alexandria",
    "suez",
    "bab-el-mandeb",
    "hormuz",
    "malacca",
    "luzon-strait",
    "red-sea",
    "english-channel",
    "gibraltar",
    "sicily-channel",
    "marseille",
    "taiwan-strait",
    "guam",
    "djibouti",
    "baltic-entrances",
)


def chokepoint_polygons() -> dict[str, shapely.Polygon]:
    """Build the polygon of every chokepoint.

    Returns
    -------
    dict of str to shapely.Polygon
        Valid lon/lat polygons keyed by ``chokepoint_id``, in the order of :data:`CHOKEPOINTS`.
        A new dict is built on every call, so callers may modify it.
    """
    return {cp.chokepoint_id: cp.polygon() for cp in CHOKEPOINTS}
