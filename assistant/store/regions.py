"""Countries and regions from data/regions.csv: codes, names in both languages, aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.store.db import read_regions

REGION_NAMES = {
    "SEA": ("Southeast Asia", "东南亚"),
    "EA": ("East Asia", "东亚"),
    "SAS": ("South Asia", "南亚"),
    "MENA": ("Middle East & North Africa", "中东北非"),
    "LATAM": ("Latin America", "拉美"),
    "NA": ("North America", "北美"),
    "EU": ("Europe", "欧洲"),
    "SSA": ("Sub-Saharan Africa", "撒哈拉以南非洲"),
    "OC": ("Oceania", "大洋洲"),
}


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


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    return {
        r["country"]: Country(
            r["country"],
            r["region"],
            r["timezone"],
            r["name_en"],
            r["name_zh"],
            tuple(a for a in (r.get("aliases") or "").split("|") if a),
        )
        for r in read_regions()
    }


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


def suggest_country(text: str) -> str:
    """' Did you mean: Brazil (BR)?' for a near miss, else ''."""
    import difflib

    close = difflib.get_close_matches(text.strip().casefold(), list(_lookup()), n=2, cutoff=0.7)
    codes = list(dict.fromkeys(_lookup()[c] for c in close))
    if not codes:
        return ""
    names = ", ".join(f"{countries()[c].name_en} ({c})" for c in codes)
    return f" Did you mean: {names}?"


def region_name(code: str, lang: str = "en") -> str:
    en, zh = REGION_NAMES.get(code, (code, code))
    return zh if lang == "zh" else en


@dataclass(frozen=True)
class PlaceMention:
    """A country or region named in free text, with where it was found."""

    start: int
    end: int
    kind: str  # "country" or "region"
    code: str


# A Latin term must not touch other Latin letters or digits: "UK" is not inside "Ukraine".
_LATIN = "A-Za-z0-9\u00c0-\u024f"


def _is_code_like(term: str) -> bool:
    # Codes and short upper-case aliases (BR, UK, RI, UAE, SEA) only count when written
    # upper-case, so the words "in", "us", "it" or "sea" never turn into places.
    return len(term) <= 3 and term.isascii() and term.isalpha() and term.isupper()


@lru_cache(maxsize=8)
def _place_pattern(extra: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    terms: dict[str, str] = {}  # key (case-folded unless code-like) -> code
    for c in countries().values():
        for term in (c.code, c.name_en, c.name_zh, *c.aliases):
            terms.setdefault(term if _is_code_like(term) else term.casefold(), c.code)
    for code, names in REGION_NAMES.items():
        for term in (code, *names):
            terms.setdefault(term if _is_code_like(term) else term.casefold(), code)
    for term, code in extra:
        terms.setdefault(term if _is_code_like(term) else term.casefold(), code)
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


def find_places(text: str, extra: dict[str, str] | None = None) -> list[PlaceMention]:
    """Countries and regions named in text (codes, names, aliases in any language), in order.

    Args:
        extra: more words to recognise, word -> ISO2 country or region code (demonyms,
            region nicknames such as "LatAm").
    """
    pattern, terms = _place_pattern(tuple(sorted((extra or {}).items())))
    found = []
    for m in pattern.finditer(text):
        word = m.group(0)
        code = terms.get(word) or terms.get(word.casefold())
        if code is None:
            continue
        kind = "region" if code in REGION_NAMES else "country"
        found.append(PlaceMention(m.start(), m.end(), kind, code))
    return found
