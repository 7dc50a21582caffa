"""Deciding whether the corpus answers a question at all.

The top cosine alone cannot separate "no answer here" from "answer here": an on-topic question about a
person the article never mentions ("What did <absent politician> say about the destroyer?") scores as high
as many answerable questions, because everything else in it is on topic. So the decision combines:

1. names: a capitalised word of the question (past its first word) that occurs nowhere in the corpus is
   something the corpus cannot talk about, whatever the similarity says;
2. similarity: the best passage's cosine must clear a floor, and a higher bar unless more than half of
   the question's content words occur in the corpus ("What did <present person> say about <absent
   topic>?" has half, and a cosine just over the floor).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from bm25s.stopwords import STOPWORDS_EN_PLUS

# Calibrated on the project's question set (benchmarks/questions.json); see the README for the figures.
MIN_COSINE = 0.30
CONFIDENT_COSINE = 0.45
MIN_COVERAGE = 0.5

_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_STOP = frozenset(STOPWORDS_EN_PLUS) | frozenset(
    "what who whom whose when where why how which did does do say said tell about article".split()
)
# Matching a name against the corpus: a shared stem of this many letters counts (Russia ~ Russian).
_STEM = 5


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the decision was based on, for explaining and for calibration."""

    top_cosine: float
    coverage: float
    missing_names: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        """True when the corpus plausibly holds an answer."""
        if self.missing_names or self.top_cosine < MIN_COSINE:
            return False
        return self.coverage > MIN_COVERAGE or self.top_cosine >= CONFIDENT_COSINE


def _normal(word: str) -> str:
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word.rstrip("'")


def _known(word: str, vocabulary: Collection[str], stems: Collection[str]) -> bool:
    return word in vocabulary or (len(word) >= _STEM and word[:_STEM] in stems)


def weigh(question: str, top_cosine: float, vocabulary: Collection[str], stems: Collection[str]) -> Evidence:
    """Evidence for ``question`` given the best cosine and the corpus vocabulary (lower-cased tokens)."""
    words = _WORD.findall(question)
    content = [_normal(w) for w in words if _normal(w) not in _STOP]
    known = [w for w in content if _known(w, vocabulary, stems)]
    coverage = len(known) / len(content) if content else 0.0
    names = [w for w in words[1:] if w[0].isupper() and _normal(w) not in _STOP]
    # A hyphenated name (Ing-wen) is known when each of its parts is.
    missing = tuple(
        dict.fromkeys(
            w
            for w in names
            if not all(_known(part, vocabulary, stems) for part in _normal(w).split("-") if part)
        )
    )
    return Evidence(top_cosine=top_cosine, coverage=coverage, missing_names=missing)


def stems_of(vocabulary: Collection[str]) -> frozenset[str]:
    """Prefixes used to match inflected names (Russia's, Russian) against the corpus."""
    return frozenset(word[:_STEM] for word in vocabulary if len(word) >= _STEM)
