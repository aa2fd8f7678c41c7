"""A withheld answer: why, in plain words, in the question's language (prompts/privacy.yaml)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.errors import UserError
from assistant.prompts import load_yaml, render_string

# Filters whose values are lists of people's attributes; an empty list means everyone.
LIST_FILTERS = ("countries", "regions", "platforms", "channels")


def _say(key: str, lang: str, **values: Any) -> str:
    entry = load_yaml("privacy.yaml")[key]
    return render_string(entry.get(lang) or entry["en"], **values)


def _name(kind: str, value: str, lang: str) -> str:
    from assistant.store import regions

    if kind == "countries":
        country = regions.countries().get(value)
        return country.name(lang) if country else value
    if kind == "regions":
        return regions.region_name(value, lang)
    if kind == "platforms":
        names = load_yaml("privacy.yaml")["platforms"].get(value)
        return names.get(lang, names["en"]) if names else value
    return value


def describe(filters: Mapping[str, Sequence[str] | None], lang: str) -> str:
    """The people a set of filters keeps, in words: "Japan, iOS, Android"; "" for everyone."""
    entry = load_yaml("privacy.yaml")["join"]
    sep = entry.get(lang) or entry["en"]
    return sep.join(
        _name(kind, v, lang) for kind in LIST_FILTERS for v in (filters.get(kind) or ())
    )


class Withheld(UserError):
    """An answer not shown because it, with another answer, would reveal a small group.

    `key` names the reason in prompts/privacy.yaml; `render(lang)` is the sentence a
    person reads. The English sentence is the exception's message.
    """

    def __init__(self, key: str, k: int, **values: Any) -> None:
        self.key = key
        self.k = k
        self.values = values
        super().__init__(self.render("en"))

    def render(self, lang: str) -> str:
        v = self.values
        if self.key == "follow_up":
            earlier = v["earlier"]
            scope = describe(earlier["filters"], lang) or _say("everyone", lang)
            what = _say("range", lang, scope=scope, start=earlier["start"], end=earlier["end"])
            return _say("follow_up", lang, earlier=what, k=self.k)
        if self.key == "difference":
            return _say("difference", lang, k=self.k)
        if self.key == "rest":
            what = _say("rest", lang, scope=describe(v["scope"], lang),
                        kept=describe(v["kept"], lang))
        else:  # "part": one value of a list filter
            what = _say("part", lang, value=_name(v["filter"], v["value"], lang))
        return _say("withheld", lang, what=what, k=self.k)

