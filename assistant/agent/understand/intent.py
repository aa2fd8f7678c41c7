"""Intent from a learned model: a bilingual linear classifier over character n-grams and
words (jieba for Chinese), trained at first use from prompts/planner_intents.yaml.

Deterministic (fixed data, fixed solver), no downloads, about a millisecond a question.
Exact rules stay only where they are unambiguous (D1/D7, ARPU, 600 ms), in planner.yaml.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.agent.understand.text import HAN, find_all, lower, normalize, vocab
from assistant.prompts import load_yaml

METRICS = (
    "active_users", "usage_time", "core_action_rate", "social_quality", "paid_conversion",
    "retention", "peak_hours", "latency_vs_activity", "live_quality", "ai_to_human",
    "activity_scorecard",
)  # fmt: skip
_TOKEN = re.compile(r"[a-z][a-z0-9]*|\d+|[\u3400-\u9fff]+")


@lru_cache(maxsize=1)
def labelled() -> dict[str, list[str]]:
    """intent -> example questions (the training file)."""
    return {k: [str(q) for q in v] for k, v in load_yaml("planner_intents.yaml")["intents"].items()}


def training_texts() -> list[str]:
    return [q for qs in labelled().values() for q in qs]


def _words(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no start-up chatter on the terminal

    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if HAN.match(tok):
            out += [w for w in jieba.lcut(tok) if w.strip()]
        else:
            out.append(tok)
    return out


def features(text: str) -> str:
    """The text the model reads: normalised, lower-cased, place names left out."""
    from assistant.agent.understand.entities import place_words
    from assistant.agent.understand.text import blank
    from assistant.store.regions import find_places

    norm = normalize(text)
    places = find_places(norm, place_words())
    return lower(blank(norm, [(p.start, p.end) for p in places]))


def _sounds(text: str) -> list[str]:
    """Toneless pinyin of the Chinese in the text: a homophone typo ("次流", "日获") reads
    like the word meant."""
    from pypinyin import lazy_pinyin

    return [p for run in HAN.findall(text) for p in lazy_pinyin(run)]


@dataclass(frozen=True)
class _Model:
    """The fitted features and, per intent, the linear weights of its one-vs-rest model."""

    features: Any
    weights: Any  # features x intents
    bias: Any
    intents: tuple[str, ...]


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _fitted() -> _Model:
    import jieba
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    import jieba.posseg

    jieba.posseg.lcut("北京")  # the tagger that finds place words loads once, here
    texts, labels = [], []
    for name, questions in sorted(labelled().items()):
        for q in questions:
            texts.append(features(q))
            labels.append(name)
    vec = FeatureUnion(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True)),
            ("words", TfidfVectorizer(
                tokenizer=_words, lowercase=False, token_pattern=None, ngram_range=(1, 2),
                sublinear_tf=True,
            )),
            ("sounds", TfidfVectorizer(
                tokenizer=_sounds, lowercase=False, token_pattern=None, ngram_range=(2, 2),
                sublinear_tf=True,
            )),
        ],
        transformer_weights={"chars": 1.0, "words": 1.0, "sounds": 0.5},
    )
    x = vec.fit_transform(texts)
    model = OneVsRestClassifier(LogisticRegression(C=20.0, solver="liblinear")).fit(x, labels)
    weights = np.vstack([e.coef_[0] for e in model.estimators_]).T
    bias = np.array([e.intercept_[0] for e in model.estimators_])
    return _Model(vec, weights, bias, tuple(str(c) for c in model.classes_))


def _model() -> _Model:
    with _LOCK:  # a warm-up thread and a first question may both ask
        return _fitted()


def warm_up() -> None:
    """Fit the model in the background, so the first question does not wait for it."""
    threading.Thread(target=_model, daemon=True).start()


def scores(text: str) -> list[tuple[str, float]]:
    """Intents with their probabilities (one-vs-rest, normalised), best first."""
    import numpy as np

    m = _model()
    raw = m.features.transform([text]) @ m.weights + m.bias
    probs = 1.0 / (1.0 + np.exp(-np.asarray(raw).ravel()))
    probs /= probs.sum()
    return sorted(zip(m.intents, map(float, probs), strict=True), key=lambda p: -p[1])


def rule_intent(low: str) -> str | None:
    """An exact, unambiguous word decides the metric (D7, ARPU, 600 ms, a chosen title)."""
    for tool, names in vocab()["titles"].items():
        if any(low.startswith(lower(str(n)) + sep) for n in names.values() for sep in ":："):
            return tool
    for tool, words in vocab()["exact"].items():
        if find_all(words, low):
            return tool
    return None
