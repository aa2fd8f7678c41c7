"""Countries and regions from data/regions.csv: codes, names in both languages, aliases."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from assistant.db import read_regions

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
