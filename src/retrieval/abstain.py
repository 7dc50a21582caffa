"""Deciding whether the corpus answers a question at all.

The top cosine alone cannot separate "no answer here" from "answer here": an on-topic question about a
person the article never mentions ("What did <absent politician> say about the destroyer?") scores as high
as many answerable questions, because everything else in it is on topic. So the decision combines:

1. similarity: the best sentence's cosine must clear a floor, which off-topic questions do not;
2. people: a person the question is about (the subject of "what did X say", or a PERSON entity) whose
   surname occurs nowhere in the corpus is someone the corpus cannot talk about. Only people count: a place,
   an organisation or a war goes by another name often enough ("Beijing" for China's government), and the
   cosine weighs those by meaning. An acronym counts as known when the corpus spells it out
   ("GAO" for "Government Accountability Office"). Lower-case questions ("what has jane zhou said") get
   their rare words capitalised so spaCy can find the names in them;
3. the answer's type: a question that asks for a date, a number, a person or a named thing ("how much was
   X paid?") has no answer when none of the top three passages holds an entity of that type that the
   question does not already name;
4. the speaker: "what did X say" has no answer when X, though mentioned, is quoted nowhere in the
   searched articles (the quote extractor's speakers and their aliases).

Each was kept because it raised the share of unanswerable questions abstained on both halves of the
independent question set without raising false abstentions past 3% (benchmarks/eval_retrieval.py).
A rule "too few of the question's words occur in the corpus" was dropped: on the held-back half of the
independent question set it caught no more unanswerable questions and added false abstentions
(benchmarks/eval_retrieval.py, README).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .question import QuestionInfo
from .text import STOPWORDS

# Calibrated on the development half of the independent question set; see the README for the figures.
MIN_COSINE = 0.30

_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_STOP = STOPWORDS | frozenset(
    "what who whom whose when where why how which did does do say said tell about article".split()
)
# Words that describe a person's office rather than name them ("EPA chief X", "former senator X").
_TITLES = frozenset(
    """chief director president minister prime secretary senator sen rep representative gov governor mayor
    ceo chairman chairwoman chair spokesman spokeswoman spokesperson leader general gen dr mr mrs ms justice
    judge former vice deputy head commissioner ambassador officer official candidate nominee""".split()
)
# Function words allowed inside a spelled-out name ("Court of Appeals for the Sixth Circuit").
_NAME_GLUE = frozenset({"of", "for", "and", "the", "on", "in", "&"})
# Matching a name against the corpus: a shared stem of this many letters counts (Russia ~ Russian).
_STEM = 5


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the decision was based on, for explaining and for calibration."""

    top_cosine: float
    missing_names: tuple[str, ...]
    typed_answer: bool = True  # the top passages hold an entity of the asked type (or the type is open)
    unquoted: str | None = None  # asked what X said, and X says nothing in the searched articles

    @property
    def answerable(self) -> bool:
        """True when the corpus plausibly holds an answer."""
        return self.reason is None

    @property
    def reason(self) -> str | None:
        """Why the corpus holds no answer, in words a reader understands; None when it may hold one."""
        if self.missing_names:
            return f"the article never mentions {self.missing_names[0]}"
        if self.unquoted:
            return f"the article does not report anything {self.unquoted} said"
        if self.top_cosine < MIN_COSINE:
            return "nothing in the article is close to the question"
        if not self.typed_answer:
            return "the passages on this subject do not give what the question asks for"
        return None


@dataclass(frozen=True, slots=True)
class Lexicon:
    """What the corpus can name: its lower-cased words, their stems, and the acronyms it spells out."""

    words: frozenset[str]
    stems: frozenset[str]
    acronyms: frozenset[str]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Lexicon:
        """The lexicon of a corpus, given its passages' texts."""
        words: set[str] = set()
        acronyms: set[str] = set()
        for text in texts:
            tokens = _WORD.findall(text)
            for token in tokens:
                word = _normal(token)
                words.add(word)
                words.update(part for part in word.split("-") if part)
            acronyms.update(_acronyms(tokens))
        stems = frozenset(w[:_STEM] for w in words if len(w) >= _STEM)
        return cls(frozenset(words), stems, frozenset(acronyms))

    def knows(self, word: str) -> bool:
        """True when ``word`` (normalised) occurs in the corpus, inflected or as a spelled-out acronym."""
        return (
            word in self.words
            or (len(word) >= _STEM and word[:_STEM] in self.stems)
            or word.replace(".", "") in self.acronyms
        )

    def knows_name(self, name: str) -> bool:
        """True unless ``name`` is a person the corpus never mentions: its surname occurs nowhere.

        The surname is the last word that is not a title, so "EPA chief Jane Doe" is unknown even where the
        EPA is known. A hyphenated surname (Ing-wen) is known when each of its parts is.
        """
        words = name_words(name)
        return not words or all(self.knows(part) for part in words[-1].split("-") if part)


def _normal(word: str) -> str:
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word.rstrip("'")


def _acronyms(tokens: list[str]) -> Iterable[str]:
    """Initials of each run of capitalised words, with and without its glue words."""
    run: list[str] = []
    for token in [*tokens, ""]:
        if token[:1].isupper() or (run and token.lower() in _NAME_GLUE):
            run.append(token)
            continue
        while run and run[-1].lower() in _NAME_GLUE:
            run.pop()
        if len(run) >= 2:
            # Every sub-run of two or more words: "the U.S. Government Accountability Office" -> "gao".
            for i in range(len(run)):
                for j in range(i + 2, min(len(run), i + 8) + 1):
                    part = run[i:j]
                    yield "".join(w[0] for w in part).lower()
                    yield "".join(w[0] for w in part if w.lower() not in _NAME_GLUE).lower()
        run = []


def name_words(name: str) -> list[str]:
    """The words of a person's name that identify them: no titles, no function words."""
    words = [_normal(w) for w in _WORD.findall(name)]
    return [w for w in words if w not in _STOP and w not in _TITLES]


def weigh(
    question: QuestionInfo,
    top_cosine: float,
    lexicon: Lexicon,
    *,
    typed_answer: bool = True,
    speakers: Iterable[str] | None = None,
) -> Evidence:
    """Evidence for ``question`` given the best sentence cosine and the corpus lexicon.

    ``typed_answer`` says whether the top passages hold an entity of the asked type; ``speakers`` are the
    names and aliases of everyone quoted in the searched articles (None: not checked).
    """
    unquoted = None
    if question.quoted and speakers is not None:
        words = name_words(question.quoted)
        quoted = {w for name in speakers for w in name_words(name)}
        if words and words[-1] not in quoted:
            unquoted = question.quoted
    missing = [person for person in question.persons if not lexicon.knows_name(person)]
    return Evidence(
        top_cosine=top_cosine,
        missing_names=tuple(dict.fromkeys(missing)),
        typed_answer=typed_answer,
        unquoted=unquoted,
    )
