"""Intent from a learned model: a bilingual linear classifier over character n-grams and
words (jieba for Chinese), trained at first use from prompts/planner_intents.yaml.

Deterministic (fixed data, fixed solver), no downloads, about a millisecond a question.
Exact rules stay only where they are unambiguous (D1/D7, ARPU, 600 ms), in planner.yaml.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import yaml

from assistant.agent.understand.text import HAN, find_all, lower, normalize, vocab
from assistant.config import PROMPTS_DIR

METRICS = (
    "active_users", "usage_time", "core_action_rate", "social_quality", "paid_conversion",
    "retention", "peak_hours", "latency_vs_activity", "live_quality", "ai_to_human",
    "activity_scorecard",
)  # fmt: skip
_TOKEN = re.compile(r"[a-z][a-z0-9]*|\d+|[\u3400-\u9fff]+")


@lru_cache(maxsize=1)
def labelled() -> dict[str, list[str]]:
    """intent -> example questions (the training file)."""
    with (PROMPTS_DIR / "planner_intents.yaml").open(encoding="utf-8") as fh:
        return {k: [str(q) for q in v] for k, v in yaml.safe_load(fh)["intents"].items()}


def training_texts() -> list[str]:
    return [q for qs in labelled().values() for q in qs]


def _words(text: str) -> list[str]:
    import jieba

    out: list[str] = []
    for tok in _TOKEN.findall(text):
        if HAN.match(tok):
            out += [w for w in jieba.lcut(tok) if w.strip()]
        else:
            out.append(tok)
    return out


def features(text: str) -> str:
    """The text the model reads: normalised, lower-cased, place names left out."""
    from assistant.agent.understand.text import blank
    from assistant.store.regions import find_places

    norm = normalize(text)
    places = find_places(norm, vocab()["places"])
    return lower(blank(norm, [(p.start, p.end) for p in places]))


@lru_cache(maxsize=1)
def _model():  # noqa: ANN202 - a fitted scikit-learn pipeline
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline, make_union

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    texts, labels = [], []
    for intent, questions in sorted(labelled().items()):
        for q in questions:
            texts.append(features(q))
            labels.append(intent)
    vec = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
        TfidfVectorizer(
            tokenizer=_words, lowercase=False, token_pattern=None, ngram_range=(1, 2),
            sublinear_tf=True,
        ),
    )
    model = make_pipeline(vec, OneVsRestClassifier(LogisticRegression(C=20.0, solver="liblinear")))
    model.fit(texts, labels)
    return model


def scores(text: str) -> list[tuple[str, float]]:
    """Intents with their probabilities, best first."""
    model = _model()
    probs = model.predict_proba([text])[0]
    return sorted(
        ((str(c), float(p)) for c, p in zip(model.classes_, probs, strict=True)),
        key=lambda p: -p[1],
    )


def rule_intent(low: str) -> str | None:
    """An exact, unambiguous word decides the metric (D7, ARPU, 600 ms, a chosen title)."""
    for tool, names in vocab()["titles"].items():
        if any(low.startswith(lower(str(n)) + sep) for n in names.values() for sep in ":："):
            return tool
    for tool, words in vocab()["exact"].items():
        if find_all(words, low):
            return tool
    return None
