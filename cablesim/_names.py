"""Alias index: resolve the names people use for cables, chokepoints and countries.

The aliases are built from the names themselves, never from a hand-kept table of answers
(except a few common names of chokepoints, written out below with the chokepoint they mean):

* an abbreviation in parentheses is an alias of its cable (``Asia Africa Europe-1 (AAE-1)``
  -> ``AAE-1``), and so is the name without it (``Asia Africa Europe-1``); names joined by
  ``/`` give one alias each (``... (GBICS)/Middle East North Africa (MENA) Cable System``);
* ``SeaMeWe`` and ``SMW`` are the same word (``SMW5``, ``SeaMeWe-5``, ``sea-me-we 5``);
* keys ignore case, spaces, hyphens, dots and underscores (``AAE1`` = ``aae-1``);
* for chokepoints, generic words (strait, channel, approaches, ...) are dropped as well, so
  ``Strait of Hormuz``, ``hormuz`` and ``strait-of-malacca`` find their chokepoint.

An alias from the first name of a cable ranks before one from a later name, so an alias two
cables share resolves to the cable that is known by it first (``MENA``).
:class:`AliasIndex` resolves exact aliases and ranks suggestions for everything else.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from cablesim.exceptions import SUGGESTIONS_LEFT

__all__ = [
    "AliasIndex",
    "cable_aliases",
    "chokepoint_aliases",
    "country_aliases",
    "key",
    "loose_key",
]

_SEP = re.compile(r"[\s\-_.,'’/()]+")
_PAREN = re.compile(r"\(([^()]*)\)")
_WORD = re.compile(r"[a-z0-9]+")
_SMW = re.compile(r"sea\W*me\W*we", re.IGNORECASE)

#: Words a chokepoint's name may carry or lack ("Strait of Hormuz", "hormuz").
_GENERIC = frozenset(
    [
        "the",
        "of",
        "and",
        "strait",
        "straits",
        "channel",
        "approaches",
        "approach",
        "landings",
        "landing",
        "crossing",
        "canal",
        "sea",
        "gulf",
        "entrances",
        "entrance",
        "passage",
        "cable",
        "cables",
        "system",
    ]
)

#: Common names of chokepoints that are not derived from their display names.
CHOKEPOINT_COMMON: dict[str, tuple[str, ...]] = {
    "suez": ("Suez Canal", "Egypt crossing", "Egyptian crossing"),
    "bab-el-mandeb": ("Bab al-Mandab", "Bab el Mandeb", "Mandeb"),
    "malacca": ("Singapore Strait", "Straits of Malacca"),
    "baltic-entrances": ("Danish straits", "Baltic", "Oresund", "Great Belt"),
    "english-channel": ("La Manche", "the Channel"),
    "sicily-channel": ("Sicilian Channel", "Channel of Sicily"),
    "luzon-strait": ("Bashi Channel",),
    "taiwan-strait": ("Formosa Strait",),
}


def key(text: str) -> str:
    """Return the strict key of ``text``: lower case, no separators or accents ("Reunion" is
    "Réunion"), SeaMeWe written ``smw``."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c)
    )
    return _SEP.sub("", _SMW.sub("smw", folded)).lower()


#: A country name with its form of state after it, as ISO 3166 and the UN write it:
#: "Congo (the Democratic Republic of the)", "Tanzania, the United Republic of".
_STATE_FORM = re.compile(
    r"^(?P<short>[^(),]+?)\s*(?:\((?P<paren>[^()]+)\)|,\s*(?P<comma>[^(),]+))$"
)
_OF = re.compile(r"\bof(?:\s+the)?$", re.IGNORECASE)


def state_form(text: str) -> tuple[str, str] | None:
    """``(short name, form of state)`` of a name written with its form of state after it
    ("Korea (the Democratic People's Republic of)": ``("Korea", "Democratic People's
    Republic of")``), else ``None``. The short name alone may name another country (the
    Republic of Korea, the Republic of the Congo): it must not be read for the whole."""
    m = _STATE_FORM.match(_country_text(text))
    if m is None:
        return None
    form = re.sub(r"^the\s+", "", (m["paren"] or m["comma"]).strip(), flags=re.IGNORECASE)
    return (m["short"].strip(), form) if _OF.search(form) else None


def _country_text(text: str) -> str:
    """``text`` without ISO 3166's "(the)" and bracketed other names ("Falkland Islands
    (the) [Malvinas]")."""
    out = re.sub(r"\[[^\[\]]*\]", " ", str(text))
    out = re.sub(r"\(\s*the\s*\)", " ", out, flags=re.IGNORECASE)
    return " ".join(out.split())


def country_forms(text: str) -> list[str]:
    """The forms of a country's name to look up, the most literal first: as written;
    without "(the)" and bracketed names, "&" read as "and"; with its form of state put in front
    ("Democratic Republic of the Congo" for "Congo (the Democratic Republic of the)",
    "United Republic of Tanzania" for "Tanzania, the United Republic of"); with a one-word
    qualifier put in front ("British Virgin Islands" for "Virgin Islands (British)")."""
    plain = _country_text(text)
    out = [str(text).strip(), plain, plain.replace("&", " and ")]
    sf = state_form(plain)
    if sf is not None:
        out.append(f"{sf[1]} {sf[0]}")
    else:
        m = _STATE_FORM.match(plain)
        qualifier = None if m is None else (m["paren"] or m["comma"]).strip()
        if qualifier and len(qualifier.split()) == 1:
            out.append(f"{qualifier} {m['short']}")
    return [f for f in dict.fromkeys(out) if f]


def loose_key(text: str) -> str:
    """Return ``text``'s key without generic geographic words (for chokepoints)."""
    words = _WORD.findall(_SMW.sub("smw", str(text)).lower())
    kept = [w for w in words if w not in _GENERIC]
    return "".join(kept or words)


#: Words a cable's name may end with that do not name it.
_CABLE_GENERIC = frozenset(
    [
        "cable",
        "cables",
        "system",
        "systems",
        "network",
        "submarine",
        "subsea",
        "undersea",
        "domestic",
        "fiber",
        "fibre",
        "optic",
        "optical",
    ]
)


def _variants(name: str) -> list[str]:
    """Aliases of one cable name, the most specific first."""
    out: list[str] = []
    for part in [p for p in re.split(r"\s*/\s*", name) if p.strip()] or [name]:
        inner = [m.strip() for m in _PAREN.findall(part) if m.strip()]
        outer = _PAREN.sub(" ", part).strip()
        out.append(part)
        out.extend(inner)
        if outer:
            out.append(outer)
            # without the generic words it ends with, one at a time ("Southern Cross Cable
            # Network" is "Southern Cross", "Kumul Domestic Submarine Cable System" "Kumul")
            words = outer.split()
            while len(words) > 1 and words[-1].lower() in _CABLE_GENERIC:
                words = words[:-1]
                out.append(" ".join(words))
    return out


def cable_aliases(cable_id: str, name: str) -> list[str]:
    """Return the aliases of a cable: its id, its name and the names inside it."""
    return [cable_id, name, *_variants(name)]


def chokepoint_aliases(chokepoint_id: str, name: str) -> list[str]:
    """Return the aliases of a chokepoint: id, display name, its parts and common names."""
    parts = [name, *_PAREN.findall(name), _PAREN.sub(" ", name)]
    for p in list(parts):
        parts.extend(s for s in re.split(r"\s+and\s+", p) if s.strip())
    return [chokepoint_id, *parts, *CHOKEPOINT_COMMON.get(chokepoint_id, ())]


#: Names people write for countries that the dataset's Natural Earth names (``name``,
#: ``other_names``: ADMIN and NAME_LONG) and ISO2 codes do not give: short forms, current
#: names Natural Earth 4 predates, and former names. ISO3 code -> names.
COUNTRY_COMMON: dict[str, tuple[str, ...]] = {
    "GBR": (
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "United Kingdom of Great Britain and Northern Ireland",
    ),
    "USA": ("US", "U.S.", "U.S.A.", "United States"),
    "ARE": ("UAE", "Emirates"),
    "CIV": ("Ivory Coast", "Cote d'Ivoire"),
    "TUR": ("Türkiye", "Turkiye"),
    "MMR": ("Burma",),
    "SWZ": ("Eswatini",),
    "MKD": ("North Macedonia", "former Yugoslav Republic of Macedonia"),
    "CPV": ("Cape Verde",),
    "TLS": ("East Timor",),
    "CZE": ("Czech Republic",),
    "RUS": ("Russian Federation",),
    "VNM": ("Viet Nam",),
    "LKA": ("Ceylon",),
    "SAU": ("KSA", "Saudi"),
    "NLD": ("Holland",),
    "CHN": ("PRC", "People's Republic of China"),
    "STP": ("Sao Tome", "São Tomé"),
    "BRN": ("Brunei Darussalam",),
    # the forms of TeleGeography (whose country names the events files carry) and of the
    # World Bank's tables, and other official forms
    "COD": (
        "DRC",
        "DR Congo",
        "Congo-Kinshasa",
        "Democratic Republic of Congo",
        "Zaire",
        "Congo, Dem. Rep.",
    ),
    "COG": (
        "Republic of the Congo",
        "Republic of Congo",
        "Congo-Brazzaville",
        "Congo Republic",
        "Congo, Rep.",
    ),
    "KOR": ("Korea", "Republic of Korea", "ROK", "Korea, Rep.", "Korea, Republic of"),
    "PRK": (
        "DPRK",
        "Korea, Dem. People's Rep.",
        "Korea, DPR",
        "Democratic People's Republic of Korea",
    ),
    "IRN": (
        "Persia",
        "Iran, Islamic Rep.",
        "Islamic Republic of Iran",
        "Iran, Islamic Republic of",
    ),
    "EGY": ("Egypt, Arab Rep.",),
    "YEM": ("Yemen, Rep.",),
    "GMB": ("Gambia, The",),
    "BHS": ("Bahamas, The",),
    "FSM": ("Federated States of Micronesia", "Micronesia, Fed. Sts."),
    "VEN": ("Venezuela, RB", "Bolivarian Republic of Venezuela"),
    "HKG": ("Hong Kong SAR", "Hong Kong SAR, China"),
    "MAC": ("Macau", "Macao SAR", "Macao SAR, China"),
    "SYR": ("Syrian Arab Republic",),
    "KGZ": ("Kyrgyz Republic",),
    "SVK": ("Slovak Republic",),
    "LAO": ("Lao PDR", "Lao People's Democratic Republic"),
    "PSE": ("West Bank and Gaza", "Palestinian Territories", "State of Palestine"),
    "VAT": ("Holy See",),
    "VIR": ("Virgin Islands (U.S.)", "US Virgin Islands"),
    "VGB": ("Virgin Islands (U.K.)", "UK Virgin Islands"),
    "FRO": ("Faroes", "Faeroes", "Faroe Islands"),
    "BIH": ("Bosnia",),
    "MDA": ("Republic of Moldova", "Moldova, Republic of"),
    "TCA": ("Turks and Caicos",),
    "BES": ("Bonaire", "Caribbean Netherlands"),
    "TZA": ("United Republic of Tanzania", "Tanzania, United Republic of"),
    "TWN": ("Taiwan, Province of China", "Chinese Taipei"),
    "BOL": ("Plurinational State of Bolivia",),
    "SHN": ("Saint Helena, Ascension and Tristan da Cunha",),
    "FLK": ("Falklands",),
    "WSM": ("Western Samoa",),
}


def country_aliases(iso3: str, name: str, *, iso2: str = "", other_names: str = "") -> list[str]:
    """Return the aliases of a country: its ISO3 code, its names, common names, its ISO2 code.

    ``other_names`` is the dataset's ``'; '``-separated list (Natural Earth ADMIN and
    NAME_LONG); :data:`COUNTRY_COMMON` adds the names people write that Natural Earth lacks.
    The ISO2 code comes last, so a name always outranks a two-letter code.
    """
    extra = [n.strip() for n in str(other_names or "").split(";") if n.strip()]
    out = [iso3, name, "The " + name, *extra, *COUNTRY_COMMON.get(iso3, ())]
    if name.lower().startswith("the "):
        out.append(name[4:])
    for a, b in (("Saint ", "St. "), ("St. ", "Saint ")):  # St. Lucia, Saint Lucia
        out.extend(n.replace(a, b) for n in [name, *extra] if a in n)
    out.extend(_PAREN.findall(name))
    stripped = _PAREN.sub(" ", name).strip()
    if stripped and stripped != name:
        out.append(stripped)
    if iso2:
        out.append(iso2)
    return out


@dataclass
class AliasIndex:
    """Aliases of one kind of thing, resolved case- and separator-insensitively.

    Parameters
    ----------
    loose
        Also match on :func:`loose_key` (generic words dropped), as for chokepoints.

    Examples
    --------
    >>> idx = AliasIndex()
    >>> idx.add("asia-africa-europe-1-aae-1", cable_aliases(
    ...     "asia-africa-europe-1-aae-1", "Asia Africa Europe-1 (AAE-1)"))
    >>> idx.resolve("aae1")
    'asia-africa-europe-1-aae-1'
    """

    loose: bool = False
    _keys: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)
    _strict: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)
    _display: dict[str, str] = field(default_factory=dict, repr=False)
    _all: list[tuple[str, str]] = field(default_factory=list, repr=False)

    def _keyed(self, text: str) -> list[str]:
        ks = [key(text)]
        if self.loose:
            ks.append(loose_key(text))
        return [k for k in dict.fromkeys(ks) if k]

    def add(self, target: str, aliases: Iterable[str], *, display: str | None = None) -> None:
        """Register ``aliases`` of ``target`` (the id); earlier aliases rank first."""
        self._display.setdefault(target, display or target)
        for rank, alias in enumerate(aliases):
            for i, k in enumerate(self._keyed(alias)):
                self._all.append((k, target))
                for keys in (self._keys, self._strict) if i == 0 else (self._keys,):
                    old = keys.get(k)
                    if old is None or rank < old[0]:
                        keys[k] = (rank, target)

    def resolve(self, text: str, *, strict: bool = False) -> str | None:
        """Return the target an alias names exactly (after normalising), or ``None``.

        With ``strict``, on :func:`key` alone, without the loose key of a ``loose`` index
        (for chokepoints: "Baltic Sea" is not the Danish straits' "Baltic").
        """
        if strict:
            hit = self._strict.get(key(text))
            return None if hit is None else hit[1]
        for k in self._keyed(text):
            if k in self._keys:
                return self._keys[k][1]
        return None

    def suggest(self, text: str, *, n: int = 3, names: bool = False) -> list[str]:
        """Return up to ``n`` targets whose aliases are closest to ``text``, best first.

        An alias that is ``text`` exactly comes first, then aliases that start with it or
        that it starts with, then the closest by string similarity (cutoff 0.6), then aliases
        that contain it. With ``names``, return the display names instead of the ids.
        """
        left = SUGGESTIONS_LEFT.get()
        if left is not None:  # a budget is set (cablesim._lookup.suggestions_budget)
            if left[0] <= 0:
                return []
            left[0] -= 1
        ks = self._keyed(text)
        if not ks:
            return []
        scored: dict[str, float] = {}
        for alias, target in self._all:
            best = 0.0
            for k in ks:
                if alias == k:
                    s = 3.0
                elif len(k) >= 3 and (
                    alias.startswith(k) or (k.startswith(alias) and len(alias) >= 3)
                ):
                    s = 2.0 + min(len(k), len(alias)) / max(len(k), len(alias))
                else:
                    r = difflib.SequenceMatcher(None, k, alias).ratio()
                    s = r if r >= 0.6 else (0.5 if len(k) >= 3 and k in alias else 0.0)
                best = max(best, s)
            if best > scored.get(target, 0.0):
                scored[target] = best
        ranked = sorted((t for t, s in scored.items() if s > 0), key=lambda t: -scored[t])
        return [self.display(t) if names else t for t in ranked[:n]]

    def display(self, target: str) -> str:
        """The display name registered for ``target``."""
        return self._display.get(target, target)

    def targets(self) -> list[str]:
        """Every target, in the order added."""
        return list(self._display)


def build_index(network, kind: str) -> AliasIndex:
    """Build the alias index of ``kind`` for a :class:`~cablesim.network.Network`.

    Parameters
    ----------
    network
        The network whose tables hold the names.
    kind
        ``"cables"`` (in service), ``"catalog_cables"`` (every date), ``"chokepoints"`` or
        ``"countries"``.
    """
    if kind in ("cables", "catalog_cables"):
        t = network.catalog["cables"] if kind == "catalog_cables" and network.catalog else None
        t = network.cables if t is None else t
        idx = AliasIndex()
        for cid, name in zip(t["cable_id"], t["name"], strict=True):
            idx.add(cid, cable_aliases(cid, name), display=name)
        return idx
    if kind == "chokepoints":
        idx = AliasIndex(loose=True)
        t = network.chokepoints
        for cid, name in zip(t["chokepoint_id"], t["name"], strict=True):
            idx.add(cid, chokepoint_aliases(cid, name), display=name)
        return idx
    if kind == "countries":
        idx = AliasIndex()
        t = network.countries
        blank = [""] * len(t)
        iso2s = t["iso2"] if "iso2" in t.columns else blank
        others = t["other_names"] if "other_names" in t.columns else blank
        for iso, name, iso2, other in zip(t["iso3"], t["name"], iso2s, others, strict=True):
            aliases = country_aliases(iso, name, iso2=iso2 or "", other_names=other or "")
            idx.add(iso, aliases, display=name)
        return idx
    raise ValueError(f"unknown alias index {kind!r}")
