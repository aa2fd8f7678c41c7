"""Question text: vocabulary loading, normalisation, phrase patterns and language detection."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from assistant.agent.understand.calls import Language
from assistant.prompts import load_yaml
from assistant.store.contract import PLATFORMS

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_MARKUP = re.compile(r"<[^<>]{0,400}>|&[a-z]+;|https?://\S+")
LATIN = "a-z0-9\u00c0-\u024f"
_EDGE = rf"(?:(?<![{LATIN}])(?=[{LATIN}])|(?<=[{LATIN}])(?![{LATIN}]))"
_ZH_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_ZH_NUMBER = re.compile(
    r"([零〇一二两三四五六七八九十]+)(?=\s*(?:留|个月|个星期|个礼拜|天|日|周|月|星期|礼拜|秒|毫秒|号|小时))"
)

Span = tuple[int, int]


@lru_cache(maxsize=1)
def vocab() -> dict[str, Any]:
    """prompts/planner.yaml: every word list and reply text of the offline planner."""
    return load_yaml("planner.yaml")


def pattern(phrase: str) -> str:
    """Regex for a vocabulary entry: 're:...' as written, else the phrase on word boundaries."""
    if phrase.startswith("re:"):
        # \b means a Latin word edge, so "BR的D1" still has a word "D1".
        return phrase[3:].replace(r"\b", _EDGE)
    phrase = normalize(str(phrase)).lower()
    body = re.escape(phrase)
    if re.match(rf"[{LATIN}]", phrase):
        body = rf"(?<![{LATIN}])" + body
    if re.search(rf"[{LATIN}]$", phrase):
        body += rf"(?![{LATIN}])"
    return body


@lru_cache(maxsize=1024)
def compiled(phrase: str) -> re.Pattern[str]:
    return re.compile(pattern(phrase))


def alternation(phrases: list[str]) -> str:
    return _alternation(tuple(phrases))


@lru_cache(maxsize=256)
def _alternation(phrases: tuple[str, ...]) -> str:
    return "|".join(pattern(p) for p in sorted(phrases, key=len, reverse=True))


@lru_cache(maxsize=128)
def _one(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(alternation(list(phrases)))


def any_of(phrases: list[str], text: str) -> bool:
    return bool(phrases) and _one(tuple(phrases)).search(text) is not None


def find_all(phrases: list[str], text: str) -> list[re.Match[str]]:
    return list(_one(tuple(phrases)).finditer(text)) if phrases else []


def strip_markup(text: str) -> str:
    """Tags, entities and links removed: they do not say which language the person writes."""
    return _MARKUP.sub(" ", text)


@lru_cache(maxsize=1)
def _to_simplified() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _to_traditional() -> Any:
    import opencc

    return opencc.OpenCC("s2tw")


def is_traditional(text: str) -> bool:
    """Written in Traditional characters ("上週台灣的日活"), so answered in them."""
    return bool(HAN.search(text)) and _to_simplified().convert(text) != text


def traditional(text: str) -> str:
    """Simplified Chinese written in Traditional characters (other text unchanged)."""
    return _to_traditional().convert(text) if HAN.search(text) else text


def simplified(text: str) -> str:
    """Traditional Chinese written as Simplified ("上週台灣的日活" -> "上周台湾的日活"), and
    Cantonese words as their Mandarin ones ("點解" -> "为什么"): the form the vocabulary and the
    intent model know. Other text is left as it is."""
    if not HAN.search(text):
        return text
    text = _to_simplified().convert(text)
    for word, mandarin in sorted(vocab()["cantonese"].items(), key=lambda w: -len(w[0])):
        text = text.replace(word, mandarin)
    return text


@lru_cache(maxsize=4096)
def _sound(char: str) -> str:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(char)[0]


def sound_fixed(text: str) -> str:
    """Homophone typos of a few key words written as the word ("大洋洲 日火" -> "日活")."""
    if not HAN.search(text):
        return text
    for word in vocab()["sound_alike"]:
        sounds = [_sound(c) for c in word]
        n = len(word)
        for i in range(len(text) - n + 1):
            part = text[i : i + n]
            if part != word and all(HAN.match(c) for c in part) \
                    and [_sound(c) for c in part] == sounds:
                text = text[:i] + word + text[i + n :]
    return text


def detect_language(text: str) -> Language:
    """'zh' when Chinese characters carry the question, else 'en' ("BR的D1" is Chinese)."""
    text = strip_markup(text)
    han = len(HAN.findall(text))
    # Codes, acronyms and platform names (BR, DAU, D1, iOS) are language-neutral.
    words = [
        w
        for w in _WORD.findall(text)
        if not (w.isupper() or any(c.isdigit() for c in w) or w.lower() in PLATFORMS)
    ]
    return "zh" if han and han >= len(words) else "en"


def _zh_number(text: str) -> int:
    if "十" not in text:
        return int("".join(str(_ZH_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    return (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10 + (_ZH_DIGITS.get(ones, 0) if ones else 0)


def normalize(text: str) -> str:
    """Full-width to ASCII, and numbers in words before a unit to digits (七日 -> 7日)."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s*(?:→|->|⇒|=>)\s*", " to ", text)  # "AI→human rate"
    text = re.sub(r"(?<=[A-Za-z])_(?=[A-Za-z])", " ", text)  # "usage_time", "gift_sent"
    text = re.sub(r"(\d+(?:\.\d+)?)\s*万", lambda m: f"{float(m.group(1)) * 10000:g}", text)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # 10,000 ms
    text = _ZH_NUMBER.sub(lambda m: str(_zh_number(m.group(1))), text)
    words = vocab()["number_words"]["en"]
    unit = r"(?=[\s-]+(?:days?|weeks?|months?|hours?|seconds?)\b)"
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.sub(rf"(?i)\b({alt}){unit}", lambda m: str(words[m.group(1).lower()]), text)


def lower(text: str) -> str:
    # Keep the length so positions line up with the case-kept text.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def blank(text: str, spans: list[Span]) -> str:
    chars = list(text)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def resolve(cands: list[tuple[int, int, Any]]) -> list[tuple[int, int, Any]]:
    """Longest matches first, no overlaps; returned in text order."""
    taken: list[tuple[int, int, Any]] = []
    for c in sorted(cands, key=lambda c: (c[0] - c[1], c[0])):
        if all(c[1] <= t[0] or c[0] >= t[1] for t in taken):
            taken.append(c)
    return sorted(taken, key=lambda c: c[0])
