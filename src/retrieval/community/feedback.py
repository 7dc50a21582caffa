"""Votes on answers: whose (a salted hash), what they add up to, and the QA set they become.

The export has the dev QA set's shape (``benchmarks/eval_retrieval.py`` reads it), one JSON object per
article: ``{"id", "qa": [{"q", "evidence", "type"}], "unanswerable": [str]}``. A question becomes

- an answerable one, with the answer sentence it was shown as ``evidence``, when its 👍 outweigh its 👎;
- an unanswerable one when people agreed (👍) that "the article doesn't say";
- nothing, but a line to review, when the votes disagree or only say 👎: a 👎 says the passage was wrong,
  not which one is right, and that needs a person.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypedDict

EVIDENCE_MAX = 3  # the dev set gives 1-3 evidence strings per question


def voter_hash(salt: str, user_id: int) -> str:
    """A salted hash of a Discord user id: one voter's votes stay together, the id is never stored."""
    return hmac.new(salt.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredVote:
    """One member's vote on one answer, with what the answer was."""

    answer_id: str
    guild_id: str | None
    question: str
    article: str | None
    answerable: bool
    passages: tuple[str, ...]
    evidence: str | None
    vote: int  # +1 or -1
    created_at: str


@dataclass(frozen=True, slots=True)
class VoteResult:
    """What a click did: the vote now, and the one it replaced (None for a first vote)."""

    vote: int
    previous: int | None


@dataclass(frozen=True, slots=True)
class ArticleStats:
    """Questions answered from one article (None: nothing came close), abstentions and votes."""

    article: str | None
    questions: int
    abstained: int
    up: int
    down: int

    @property
    def abstention_rate(self) -> float:
        """Share of questions answered with "the article doesn't say"."""
        return self.abstained / self.questions if self.questions else 0.0

    @property
    def up_share(self) -> float | None:
        """Share of votes that were 👍; None without votes."""
        votes = self.up + self.down
        return self.up / votes if votes else None


@dataclass(frozen=True, slots=True)
class Stats:
    """A server's answers per article, busiest first, and the totals."""

    articles: tuple[ArticleStats, ...]
    total: ArticleStats


def stats_of(rows: Iterable[ArticleStats]) -> Stats:
    """Totals over per-article rows, the rows sorted by questions (most first)."""
    items = tuple(sorted(rows, key=lambda r: (-r.questions, r.article or "")))
    total = ArticleStats(
        None,
        sum(r.questions for r in items),
        sum(r.abstained for r in items),
        sum(r.up for r in items),
        sum(r.down for r in items),
    )
    return Stats(items, total)


class QAItem(TypedDict):
    """An answerable question of the QA set: a hit is a passage holding one of the evidence strings."""

    q: str
    evidence: list[str]
    type: str


class QARow(TypedDict):
    """One article of the QA set."""

    id: str
    qa: list[QAItem]
    unanswerable: list[str]


class ReviewItem(TypedDict):
    """A voted question no rule could decide: the votes disagree, or only say 👎."""

    article: str
    q: str
    up: int
    down: int
    shown: list[str]


@dataclass(frozen=True, slots=True)
class Export:
    """The QA set rows, and the voted questions a person should look at."""

    rows: list[QARow]
    review: list[ReviewItem]


def question_type(question: str) -> str:
    """The dev set's question types: who, what, when, where, why, how, quote or yesno."""
    text = question.casefold()
    if re.search(r"\b(?:say|said|says|quote|quoted|tell|told)\b", text):
        return "quote"
    words = re.findall(r"[a-z]+", text)
    for word in words[:4]:
        if word in {"who", "whom", "whose"}:
            return "who"
        if word in {"what", "which", "when", "where", "why", "how"}:
            return {"which": "what"}.get(word, word)
    yes_no = {"is", "are", "was", "were", "did", "does", "do", "can", "will", "has", "have", "had", "would"}
    return "yesno" if words and words[0] in yes_no else "what"


def export(votes: Sequence[StoredVote]) -> Export:
    """The QA set the votes support; see the module docstring for the rules."""
    groups: dict[tuple[str, str], list[StoredVote]] = {}
    for vote in sorted(votes, key=lambda v: v.created_at):
        if vote.article is None:
            continue  # nothing came close to any article: there is no article to test it on
        key = (vote.article, " ".join(vote.question.casefold().split()))
        groups.setdefault(key, []).append(vote)
    rows: dict[str, QARow] = {}
    review: list[ReviewItem] = []
    for (article, _), items in groups.items():
        question = items[0].question
        evidence: dict[str, int] = {}
        unanswerable = 0
        for v in items:
            if v.answerable and v.evidence:
                evidence[v.evidence] = evidence.get(v.evidence, 0) + v.vote
            elif not v.answerable:
                unanswerable += v.vote
        supported = sorted((e for e, n in evidence.items() if n > 0), key=lambda e: -evidence[e])
        row = rows.setdefault(article, {"id": article, "qa": [], "unanswerable": []})
        if supported and unanswerable <= 0:
            row["qa"].append(
                {"q": question, "evidence": supported[:EVIDENCE_MAX], "type": question_type(question)}
            )
        elif unanswerable > 0 and not supported:
            row["unanswerable"].append(question)
        else:
            review.append(
                {
                    "article": article,
                    "q": question,
                    "up": sum(1 for v in items if v.vote > 0),
                    "down": sum(1 for v in items if v.vote < 0),
                    "shown": sorted({p for v in items for p in v.passages}),
                }
            )
    kept = [r for r in rows.values() if r["qa"] or r["unanswerable"]]
    return Export(sorted(kept, key=lambda r: r["id"]), review)
