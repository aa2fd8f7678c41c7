"""Entities named in a question: places (exact, fuzzy, unknown), platforms, actions, numbers.

Places come from assistant/store/regions.py (codes, names in both languages, aliases) plus
the extra words in prompts/planner.yaml (demonyms, region nicknames). A word that looks
like a place but matches nothing is reported, never dropped.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from assistant.agent.understand.text import Span, alternation, compiled, find_all, resolve, vocab
from assistant.store.regions import (
    REGION_NAMES,
    PlaceMention,
    big_city_names,
    city_country,
    countries,
    find_places,
    place_kind,
)

FUZZY_ACCEPT = 80  # a misspelling this close is read as the place ("Indonesa", "Mexcio")
FUZZY_SUGGEST = 60  # this close is offered as "did you mean"
FUZZY_NEAR = 70  # an unknown word this close to a place is asked about, wherever it stands


def _similarity(a: str, b: str, **_: Any) -> float:
    """Edit similarity in percent, a swap of two letters counting as one edit."""
    return OSA.normalized_similarity(a, b) * 100


@dataclass
class Entities:
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    unknown: list[tuple[str, list[str]]] = field(default_factory=list)  # word, suggested codes


# How English makes people of a country from its name: Uruguay-an, Jordan-ian, Oman-i,
# Sudan-ese, Kenya-n; Argentin(a)-ian, Ital(y)-ian, Mexic(o)-an.
_DEMONYM_ENDINGS = ("n", "an", "ian", "nian", "i", "ese")
_DEMONYM_STEM_ENDINGS = {"a": ("an", "ian"), "y": ("ian",), "o": ("an",)}


@lru_cache(maxsize=1)
def place_words() -> tuple[tuple[str, str], ...]:
    """Extra words for places: the vocabulary's, and people of each country made from its
    English name by the usual endings (an English word; a form two countries could make is
    left out)."""
    made: dict[str, set[str]] = {}
    for c in countries().values():
        name = c.name_en.casefold()
        forms = [name + e for e in _DEMONYM_ENDINGS]
        forms += [name[:-1] + e for e in _DEMONYM_STEM_ENDINGS.get(name[-1:], ())]
        for form in forms:
            for word in (form, form + "s") if not form.endswith("ese") else (form,):
                made.setdefault(word, set()).add(c.code)
    known = _word_counts()  # a demonym is a word of the language: made-up forms are dropped
    words = {w: next(iter(codes)) for w, codes in made.items() if len(codes) == 1 and known[w]}
    words |= {str(t): str(code) for t, code in vocab()["places"].items()}
    return tuple(sorted(words.items()))  # sorted once: the form find_places caches on


@lru_cache(maxsize=1)
def _place_terms() -> dict[str, str]:
    """Every written form of a place (lower-case) -> code, for fuzzy matching."""
    terms: dict[str, str] = {}
    for c in countries().values():
        for t in (c.name_en, c.name_zh, *c.aliases):
            if len(t) >= 2:
                terms.setdefault(t.casefold(), c.code)
    for code, names in REGION_NAMES.items():
        for t in names:
            terms.setdefault(t.casefold(), code)
    for t, code in place_words():
        terms.setdefault(t.casefold(), code)
    return terms


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Latin words that are ordinary question words, never places."""
    from assistant.agent.understand.intent import training_texts

    words: set[str] = set()
    for text in training_texts():
        words.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text))
    words.update(str(w).lower() for w in vocab()["not_places"])
    terms = set(_place_terms())
    return frozenset(w for w in words if w not in terms)


def place_name(code: str, lang: str) -> str:
    if code in REGION_NAMES:
        return REGION_NAMES[code][1 if lang == "zh" else 0]
    return countries()[code].name(lang)


def _fuzzy(word: str, han: bool) -> tuple[str | None, list[str]]:
    """(accepted code or None, suggested codes) for a word that matched no place exactly."""
    terms = _place_terms()
    pool = [t for t in terms if bool(re.search(r"[\u4e00-\u9fff]", t)) == han]
    hits = process.extract(word.casefold(), pool, scorer=_similarity, limit=6)
    codes = list(dict.fromkeys(terms[t] for t, score, _ in hits if score >= FUZZY_SUGGEST))
    best = hits[0] if hits else None
    # A short name is one edit from many words ("Lagos" ~ Laos): asked about, not assumed.
    short = bool(hits) and len(hits[0][0]) <= 4
    accept = 66 if han else 85 if short else FUZZY_ACCEPT
    # Chinese names are short: one wrong character is a third of the name, so the first
    # character must agree ("菲率宾" is the Philippines, "纳尼亚" is not Kenya).
    same_start = not han or (best is not None and best[0][:1] == word[:1])
    rival = max((sc for t, sc, _ in hits if best and terms[t] != terms[best[0]]), default=0.0)
    if best and best[1] >= accept and same_start and rival < best[1] - 5:
        return terms[best[0]], codes
    return None, codes[:3]


@lru_cache(maxsize=1)
def _sounds() -> dict[tuple[str, ...], tuple[str, str]]:
    """The toneless pinyin of every Chinese place name -> code (homophone misspellings)."""
    from pypinyin import lazy_pinyin

    out: dict[tuple[str, ...], tuple[str, str]] = {}
    for term, code in _place_terms().items():
        if 2 <= len(term) <= 6 and re.fullmatch(r"[\u4e00-\u9fff]+", term):
            out.setdefault(tuple(lazy_pinyin(term)), (term, code))
    return out


def _common_word(text: str) -> bool:
    """An everyday Chinese word ("太过" sounds like 泰国) is not a misspelt place."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no start-up chatter on the terminal

    return jieba.dt.FREQ.get(text, 0) >= 50


def _homophones(text: str, taken: list[Span]) -> list[tuple[int, int, str]]:
    """Chinese runs that sound exactly like a place name but are written with another
    character ("越男" for 越南, "菲律滨" for 菲律宾), longest first."""
    from pypinyin import lazy_pinyin

    sounds = _sounds()
    out: list[tuple[int, int, str]] = []
    for m in re.finditer(r"[\u4e00-\u9fff]{2,}", text):
        run = m.group(0)
        py = lazy_pinyin(run)
        if len(py) != len(run):
            continue
        import jieba

        jieba.setLogLevel(logging.WARNING)  # no start-up chatter on the terminal

        cuts = {0}
        for w in jieba.lcut(run):
            cuts.add(max(cuts) + len(w))  # a name starts and ends where words do
        i = 0
        while i < len(run) - 1:
            hit = None
            for n in range(min(6, len(run) - i), 1, -1):
                a, b = m.start() + i, m.start() + i + n
                if any(x < b and a < y for x, y in taken + [(s, e) for s, e, _ in out]):
                    continue
                name, code = sounds.get(tuple(py[i : i + n]), ("", ""))
                written = run[i : i + n]
                same = sum(x == y for x, y in zip(name, written, strict=False))
                aligned = i in cuts and i + n in cuts and not _PARTICLES.intersection(written)
                if code and aligned and 2 * same >= n and not _common_word(written):
                    hit = (a, b, code)
                    break
            if hit:
                out.append(hit)
                i += hit[1] - hit[0]
            else:
                i += 1
    return out


# Function characters no place name is misspelt with ("影响大吗" is not 大马, Malaysia).
_PARTICLES = frozenset("吗呢吧啊的了么嘛呀哦哪那这是在有和与及跟还也都就很太")

_SUFFIXES = ("ing", "ed", "es", "s", "er", "ers", "ly")


def _ordinary(word: str) -> bool:
    """A lower-case word that is a known question word once an English ending is taken off
    ("cohorts", "chatting"), or that carries a verb ending no place name has."""
    low = word.lower()
    known = _known_words()
    if low in known:
        return True
    if not word.islower():
        return False
    for suffix in _SUFFIXES:
        if low.endswith(suffix) and len(low) - len(suffix) >= 3:
            stem = low[: -len(suffix)]
            doubled = stem[-1:] == stem[-2:-1] and stem[:-1] in known  # "chatting"
            if stem in known or stem + "e" in known or doubled:
                return True
    return low.endswith(("ing", "ed"))


# How often an English word is written (pyspellchecker's word counts): an everyday word such
# as "board", "article" or "median" is not an unknown market, however it stands. A capital
# letter mid-sentence makes a place likelier, so it takes a more common word to overrule it.
EVERYDAY = 5_000
EVERYDAY_CAPITALISED = 50_000
KNOWN_WORD = 100  # not a misspelt place when the word is a known word at all


@lru_cache(maxsize=1)
def _word_counts() -> Any:
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1).word_frequency


def _count(word: str) -> int:
    parts = [p for p in word.lower().split("-") if p]
    if len(parts) > 1:  # "AI-companion": as common as its rarest part
        return min(_count(p) if p not in _known_words() else EVERYDAY_CAPITALISED for p in parts)
    return int(_word_counts()[word.lower()])


# A lower-case code ("ng dau yday", "br d7?") is read in a short question only, and only
# when it is not an everyday English word ("in", "us", "it", "de" stay words).
LOWER_CODE_MAX_WORDS = 12
LOWER_CODE_MAX_COUNT = 100_000


def _lower_codes(norm: str, taken: list[Span]) -> list[Any]:
    """Country and region codes typed in lower case in a short question."""
    if len(norm.split()) > LOWER_CODE_MAX_WORDS:
        return []
    out = []
    for m in re.finditer(r"(?<![A-Za-z0-9-])([a-z]{2,3})(?![A-Za-z0-9-])", norm):
        word = m.group(1)
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        if word in vocab()["place_cues"]["not_codes"] or _count(word) >= LOWER_CODE_MAX_COUNT:
            continue
        rest = norm[m.end():]
        if any(a == m.end() + len(rest) - len(rest.lstrip()) for a, _ in taken):
            continue  # "sa Philippines", "ng Filipino users": a word before a place
        out += [PlaceMention(m.start(), m.end(), p.kind, p.code)
                for p in find_places(word.upper()) if p.end - p.start == len(word)]
    return out


def _nearest(word: str) -> float:
    pool = [t for t in _place_terms() if t.isascii()]
    hit = process.extractOne(word.casefold(), pool, scorer=_similarity)
    return hit[1] if hit else 0.0


def _candidates_en(text: str, taken: list[Span]) -> list[tuple[int, int, str]]:
    """Latin words that look like place names and are not ordinary question words."""
    cues = "|".join(vocab()["place_cues"]["en"])
    out = []
    for m in re.finditer(r"[A-Za-z][A-Za-z'-]{3,}", text):
        word = re.sub(r"'s?$", "", m.group(0))  # possessive: "Brazil's"
        before = text[: m.start()]
        tongues = vocab()["language_demonyms"]
        language = word.lower() in tongues and word[0].isupper()
        speech = re.search(r"(?i)\b(?:in|into|to)\s+$", before) is not None
        if speech and (word.lower() in tongues or word.lower() in vocab()["languages"]):
            continue  # "answer in French": a language, not a market
        if any(a < m.end() and m.start() < b for a, b in taken) or (
            _ordinary(word) and not language
        ):
            continue
        if re.match(r"\s+day\b", text[m.start() + len(word):], re.IGNORECASE):
            continue  # "Independence Day", "Children's Day": a day, not a market
        cued = re.search(rf"(?i)\b(?:{cues})\s+(?:the\s+)?$", before) is not None
        # a capital after the start of a sentence ("Hi! Random question …") names nothing
        capital = word[0].isupper() and not word.isupper() and before.strip() != "" \
            and not re.search(r"[.!?:;]\s*$", before)
        if _count(word) >= (EVERYDAY_CAPITALISED if capital else EVERYDAY) and not language:
            continue
        if cued or capital:
            out.append((m.start(), m.start() + len(word), word))
        elif len(word) >= 5 and _count(word) < KNOWN_WORD and _nearest(word) >= FUZZY_NEAR:
            out.append((m.start(), m.start() + len(word), word))  # a misspelt place anywhere
    return out


@lru_cache(maxsize=1)
def _big_cities() -> re.Pattern[str]:
    names = [
        n for n in big_city_names()
        if not n.isascii() or len(n) >= 5
    ]
    alt = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(rf"(?<![a-z])({alt})(?![a-z])")


def _cities(low: str, taken: list[Span]) -> list[tuple[int, int, str]]:
    """Names of big cities and US states anywhere in the question ("shanghai dau", "北京上周
    的次留"): the data is by country, so they are asked about, never dropped."""
    return [
        (m.start(), m.end(), m.group(0))
        for m in _big_cities().finditer(low)
        if not any(a < m.end() and m.start() < b for a, b in taken)
    ]


def _candidates_zh(text: str, taken: list[Span]) -> list[tuple[int, int, str]]:
    """Chinese runs that sound like a transliterated place name before 的/用户/人/呢."""
    sounds = set(vocab()["place_cues"]["zh_sounds"])
    follow = "|".join(vocab()["place_cues"]["zh_after"])
    out = []
    for m in re.finditer(rf"([\u4e00-\u9fff]{{2,6}}?)(?=\s*(?:{follow}))", text):
        a, b = m.span(1)
        while a < b and (a, b) and any(x <= a < y for x, y in taken):
            a += 1
        word = text[a:b]
        if len(word) < 2 or any(a < y and x < b for x, y in taken):
            continue
        if word in vocab()["place_cues"]["not_places_zh"]:
            continue
        if sum(c in sounds for c in word) * 3 >= len(word) * 2:
            out.append((a, b, word))
    for m in find_all(vocab()["place_cues"]["no_market_zh"], text):  # 火星用户: no market
        if not any(m.start() < y and x < m.end() for x, y, _ in out) and \
                not any(m.start() < y and x < m.end() for x, y in taken):
            out.append((m.start(), m.end(), m.group(0)))
    return out


def _place_words_zh(text: str, taken: list[Span]) -> list[tuple[int, int, str]]:
    """Chinese words jieba tags as place names (北京, 雅加达, 亚洲) that are no known market:
    reported, never dropped."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return []
    import jieba.posseg

    out, at = [], 0
    for token in jieba.posseg.cut(text):
        a, b = at, at + len(token.word)
        at = b
        if token.flag != "ns" or len(token.word) < 2 or any(x < b and a < y for x, y in taken):
            continue
        if token.word in vocab()["place_cues"]["not_places_zh"]:
            continue
        if token.word.casefold() not in _place_terms() and token.word not in _known_words_zh():
            out.append((a, b, token.word))
    return out


@lru_cache(maxsize=1)
def _known_words_zh() -> frozenset[str]:
    """Chinese words of the labelled questions (维度, 深度): ordinary words, never places."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no start-up chatter on the terminal

    from assistant.agent.understand.intent import training_texts

    words: set[str] = set()
    for text in training_texts():
        words.update(w for w in jieba.lcut(text) if re.fullmatch(r"[\u4e00-\u9fff]{2,}", w))
    return frozenset(w for w in words if w.casefold() not in _place_terms())


@lru_cache(maxsize=1)
def _long_zh_terms() -> tuple[tuple[str, str], ...]:
    return tuple((t, c) for t, c in _place_terms().items()
                 if len(t) >= 4 and re.search(r"[\u4e00-\u9fff]", t))


def _zh_prefixes(text: str, found: list[Any]) -> list[Any]:
    """A Chinese name written without its last character ("印度尼西") is that name."""
    out = []
    for p in found:
        better = p
        for term, code in _long_zh_terms():
            if text.startswith(term[:-1], p.start) and len(term) - 1 > p.end - p.start:
                better = type(p)(p.start, p.start + len(term) - 1, place_kind(code), code)
        out.append(better)
    return out


def _short_names_zh(norm: str, taken: list[Span]) -> list[Any]:
    """Runs of one-character country names ("英美澳", "德法"), each its country."""
    cues = vocab()["place_cues"]
    short = cues["zh_short_names"]
    chars = "".join(short)
    after = alternation(cues["zh_short_after"])
    out = []
    for m in re.finditer(rf"(?<![\u4e00-\u9fff])([{chars}]{{2,5}})(?=$|[^\u4e00-\u9fff]|{after})",
                         norm):
        a, b = m.span(1)
        run = m.group(1)
        if len(set(run)) == len(run) and not any(x < b and a < y for x, y in taken):
            out += [PlaceMention(a + i, a + i + 1, "country", short[c]) for i, c in enumerate(run)]
    return out


def _not_where_we_are(norm: str, places: list[Any]) -> tuple[list[Any], list[Span]]:
    """Drop a known place that is where the asker sits ("Singapore office here, Malaysia DAU?",
    "新加坡办公室这边想看越南") when another place is what the question is about."""
    cues = vocab()["place_cues"]
    low = norm.lower()
    asker = {
        (p.start, p.end) for p in places
        if re.match(cues["where_we_are"], low[p.end:])
        or re.search(cues["where_we_are_before"], low[: p.start])
    }
    kept = [p for p in places if (p.start, p.end) not in asker]
    return (kept, sorted(asker)) if kept else (places, [])


def find_entities(norm: str, low: str) -> Entities:
    """Places and platforms in the question (dates already blanked out)."""
    ent = Entities()
    places = _zh_prefixes(norm, find_places(norm, place_words()))
    places += _lower_codes(norm, [(p.start, p.end) for p in places])
    places += _short_names_zh(norm, [(p.start, p.end) for p in places])
    for a, b, _ in _cities(low, []):  # "Mexico City" is a city, not Mexico
        places = [p for p in places if not a <= p.start < p.end <= b or (p.start, p.end) == (a, b)]
    places, asker = _not_where_we_are(norm, places)
    spans = [(p.start, p.end) for p in places] + asker
    for p in places:
        (ent.regions if p.kind == "region" else ent.countries).append(p.code)
    plat = [
        (m.start(), m.end(), value)
        for value, words in vocab()["platforms"].items()
        for w in words
        for m in compiled(w).finditer(low)
    ]
    left_out = []
    for a, b, value in resolve(plat):
        if not any(x < b and a < y for x, y in spans):
            if re.search(vocab()["platforms_except"], low[:a]):
                left_out.append(value)  # "排除 web": the other platforms
            else:
                ent.platforms.append(value)
            spans.append((a, b))
    if left_out and not ent.platforms:
        ent.platforms = [p for p in vocab()["platforms"] if p not in left_out]
    for a, b, code in _homophones(norm, spans):
        (ent.regions if place_kind(code) == "region" else ent.countries).append(code)
        spans.append((a, b))
    languages = vocab()["language_demonyms"]
    zh = _candidates_zh(norm, spans)
    zh += _place_words_zh(norm, spans + [(a, b) for a, b, _ in zh])
    cities = _cities(low, spans)
    named = cities + _candidates_en(norm, spans + [(a, b) for a, b, _ in cities]) + zh
    for a, b, word in named:
        if re.match(vocab()["place_cues"]["where_we_are"], norm[b:].lower()):
            spans.append((a, b))  # "Manila team here", "我们广州团队": who asks, not where
            continue
        if city := city_country(word):
            if not places:  # "São Paulo review … Brazil D7": the city is context, not a filter
                ent.unknown.append((norm[a:b], [city]))
            spans.append((a, b))
            continue
        code, suggested = _fuzzy(word, han=not word.isascii())
        if word.lower() in languages and word[:1].isupper():
            code = languages[word.lower()]
        if code:
            (ent.regions if place_kind(code) == "region" else ent.countries).append(code)
        else:
            ent.unknown.append((word, suggested))
        spans.append((a, b))
    ent.countries = list(dict.fromkeys(ent.countries))
    ent.regions = list(dict.fromkeys(ent.regions))
    if ent.countries and all(countries()[c].region in ent.regions for c in ent.countries):
        ent.regions = []  # "中东的沙特和阿联酋": the countries say it all (filters combine)
    ent.platforms = list(dict.fromkeys(ent.platforms))
    ent.spans = spans
    return ent


def numbers(table: list[list[Any]], text: str) -> list[tuple[int, int, int]]:
    """Matches of (pattern, value-or-multiplier) rows: the number read, or the fixed value."""
    cands = []
    for phrase, value in table:
        for m in compiled(str(phrase)).finditer(text):
            if m.groups():
                try:
                    num = float(m.group(1)) * (value or 1)
                except (TypeError, ValueError):
                    continue
                cands.append((m.start(), m.end(), int(round(num))))
            else:
                cands.append((m.start(), m.end(), value))
    return resolve(cands)


def specific(low: str) -> dict[str, Any]:
    """Tool-specific values named in the question, keyed by parameter name."""
    v = vocab()
    out: dict[str, Any] = {}
    days = sorted({n for _, _, n in numbers(v["retention_days"], low) if n >= 0})
    if days:
        out["days"] = days
    for key in ("threshold_ms", "window_days"):
        found = numbers(v[key], low)
        if found and found[0][2] >= 0:
            out[key] = found[0][2]
    acts = [
        (m.start(), m.end(), name)
        for name, words in v["actions"].items()
        for p in words
        for m in compiled(p).finditer(low)
    ]
    if acts:
        out["actions"] = list(dict.fromkeys(a for _, _, a in resolve(acts)))
    return out
