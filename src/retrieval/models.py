"""Domain values shared by the retrieval layer, the CLI and the bot.

Everything here is a frozen dataclass: plain data, no behaviour beyond small conveniences.
JSON output is built from these with :func:`dataclasses.asdict` at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

QuoteKind = Literal["direct", "partial", "indirect"]
SpeakerKind = Literal["person", "organisation"]
PublishedSource = Literal["given", "inferred", "unknown"]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of an article; ``number`` counts from 1."""

    number: int
    text: str


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed article: metadata from the front matter and its numbered paragraphs."""

    id: str  # the file stem; names the article in every result
    path: str
    sha256: str  # of the raw file bytes: the cache key
    paragraphs: tuple[Paragraph, ...]
    title: str | None = None
    published: date | None = None  # from the front matter only; the timeline may infer one
    source: str | None = None
    url: str | None = None

    @property
    def text(self) -> str:
        """The paragraphs joined by newlines (metadata excluded)."""
        return "\n".join(p.text for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrievable chunk: whole sentences from one paragraph, with its character span in it."""

    article: str
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class AnswerSpan:
    """The sentence of a passage that best answers the question; offsets into the passage's ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage returned for a question, with its fused relevance score, quoted speakers and answer."""

    passage: Passage
    score: float
    speakers: tuple[str, ...] = ()
    answer: AnswerSpan | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """The result of ``ask``: ranked hits, and whether the corpus holds an answer at all."""

    question: str
    answerable: bool
    hits: tuple[Hit, ...]
    reason: str | None = None  # why the corpus holds no answer ("the article never mentions X")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation (direct, partial or indirect) attributed to a speaker.

    ``start``/``end`` are character offsets into the paragraph's text.
    """

    article: str
    speaker: str
    speaker_resolved: bool
    text: str
    kind: QuoteKind
    paragraph: int
    start: int
    end: int
    rules: tuple[str, ...] = ()  # the names of the extractor's rules that produced it (``--explain``)


@dataclass(frozen=True, slots=True)
class Speaker:
    """Someone (or some organisation) quoted in an article."""

    article: str
    name: str
    role: str | None
    kind: SpeakerKind
    aliases: tuple[str, ...]
    quotes: int
    first_paragraph: int


@dataclass(frozen=True, slots=True)
class QuoteExtraction:
    """Everything the quote extractor finds in one article."""

    quotes: tuple[Quote, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    complete: bool = True  # False when extraction failed: nothing to cache, and "no quotes" is not known


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """A dated event. ``date`` is ISO 8601 at the precision the text supports.

    ``date`` is one of ``YYYY``, ``YYYY-MM``, ``YYYY-Www`` or ``YYYY-MM-DD``; it is ``None`` only when the
    publication date is unknown and the expression is relative; such events follow the dated ones, in their
    rough order relative to publication (``TemporalExpression.offset_days`` in ``retrieval.timeline``).
    """

    article: str
    date: str | None
    expression: str
    modifier: str | None  # "early", "mid" or "late", never turned into an invented day
    text: str
    paragraph: int
    speaker: str | None = None
    rules: tuple[str, ...] = ()  # the timeline rule that found the date, then each pass that revised it


@dataclass(frozen=True, slots=True)
class ArticleDates:
    """How an article's publication date was obtained."""

    article: str
    title: str | None
    published: str | None  # YYYY-MM-DD
    published_source: PublishedSource


@dataclass(frozen=True, slots=True)
class Timeline:
    """The articles' publication dates and their events in chronological order."""

    articles: tuple[ArticleDates, ...] = ()
    events: tuple[TimelineEvent, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What ``/about`` shows."""

    article: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    paragraphs: int
    passages: int
    version: str
