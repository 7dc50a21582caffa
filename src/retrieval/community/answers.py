"""What an answer is on record as, how relevant each passage is in words, and small routing rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..models import Answer, Hit, Passage
from ..question import strip_markup

Relevance = Literal["strong", "partial", "closest"]
# A passage scoring at least this share of the best one's score is as strong a match as the best.
STRONG_SHARE = 0.9
THREAD_NAME_MAX = 100  # Discord's limit for a thread name
_HELP = frozenset({"help", "commands", "what can you do", "how do i use you", "how does this work"})


def passage_id(passage: Passage) -> str:
    """A passage's stable id: article, paragraph and character span (``harbour#2:0-120``)."""
    return f"{passage.article}#{passage.paragraph}:{passage.start}-{passage.end}"


def shown_hits(answer: Answer) -> tuple[Hit, ...]:
    """The passages an answer card shows: all of them, or only the closest when the article doesn't say."""
    return answer.hits if answer.answerable else answer.hits[:1]


def relevance(answer: Answer) -> list[Relevance]:
    """A word per shown passage instead of a raw score.

    The best passage of an answer is ``strong``; another is ``strong`` when it scores nearly as well
    (STRONG_SHARE of the best), else ``partial``. When the article doesn't say, the one passage shown is
    only the ``closest``. Relative to the best score, so it means the same with any embedding model.
    """
    hits = shown_hits(answer)
    if not answer.answerable:
        return ["closest" for _ in hits]
    if not hits:
        return []
    best = hits[0].score
    return [
        "strong" if rank == 0 or (best > 0 and hit.score >= STRONG_SHARE * best) else "partial"
        for rank, hit in enumerate(hits)
    ]


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """An answer as stored for votes and stats: never the asker, only what was asked and shown."""

    question: str
    article: str | None  # the article asked about, else the best passage's; None when nothing came close
    answerable: bool
    passages: tuple[str, ...]  # ids of the passages shown, best first
    evidence: str | None  # the answer sentence of the best passage (None when the article doesn't say)

    @classmethod
    def of(cls, answer: Answer, article: str | None = None) -> AnswerRecord:
        """The record of an answer; ``article`` is the one the question was limited to, if any."""
        hits = shown_hits(answer)
        top = hits[0] if hits else None
        evidence = None
        if answer.answerable and top is not None and top.answer is not None:
            evidence = " ".join(top.answer.text.split()) or None
        return cls(
            question=answer.question,
            article=article or (top.passage.article if top else None),
            answerable=answer.answerable,
            passages=tuple(passage_id(h.passage) for h in hits),
            evidence=evidence,
        )


def is_help(text: str) -> bool:
    """Whether a message to the bot asks for help rather than asking about the articles."""
    words = re.sub(r"[^\w\s']", " ", text.casefold()).split()
    return not words or " ".join(words) in _HELP or words in (["help", "me"], ["help", "please"])


def thread_name(text: str) -> str:
    """A thread name from a question or title: one line, at most THREAD_NAME_MAX characters."""
    # No **bold** or <@id> in a name that renders neither, and no space left before punctuation.
    name = re.sub(r"\s+([?!.,;:])", r"\1", strip_markup(text)) or "Question"
    if len(name) <= THREAD_NAME_MAX:
        return name
    cut = name[: THREAD_NAME_MAX - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space >= THREAD_NAME_MAX * 2 // 3 else cut).rstrip() + "…"
