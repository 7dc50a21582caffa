"""Build an article's timeline: publication date, dated events, chronological order."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date

from ..models import Article, ArticleDates, PublishedSource, Quote, Timeline, TimelineEvent
from .calendar import period_start
from .clauses import clause_bounds
from .expressions import TemporalExpression, find_expressions
from .published import infer_published

_RANK = {"year": 0, "month": 1, "week": 2, "day": 3}  # coarser first when two dates start together
_MODIFIER_RANK = {None: 0, "early": 1, "mid": 2, "late": 3}  # the whole period covers its parts
_MAX_EVENT_CHARS = 320
_EDGE = ",;:–—"  # left at a clause's edges by the cut


def period_rank(value: str) -> tuple[date, int] | None:
    """The first day of an ISO value's period and its granularity rank; None when it is not one."""
    start = period_start(value)
    return None if start is None else (start[0], _RANK[start[1]])


def _sort_key(event: TimelineEvent) -> tuple[date, int, int]:
    """Chronological key: the period's first day, coarser periods first, then early/mid/late parts."""
    start = period_rank(event.date) if event.date else None
    if start is None:
        return date.max, 9, 9
    return start[0], start[1], _MODIFIER_RANK.get(event.modifier, 0)


def _event_text(text: str, expr: TemporalExpression, paragraph: tuple[int, int]) -> str:
    """The clause the expression dates (or its own ``event`` span), trimmed around it when very long.

    Clauses are cut in the article's whole text, whose sentences are found once for the expressions
    already (a line break always ends a sentence, so none crosses a paragraph).
    """
    left, right = expr.event if expr.event is not None else clause_bounds(text, expr.start, expr.end)
    left, right = max(left, paragraph[0]), min(right, paragraph[1])
    while left < right and (text[left].isspace() or text[left] in _EDGE):
        left += 1
    while right > left and (text[right - 1].isspace() or text[right - 1] in _EDGE):
        right -= 1
    clause = text[left:right]
    if len(clause) <= _MAX_EVENT_CHARS:
        return clause
    lo = max(left, expr.start - _MAX_EVENT_CHARS // 2)
    hi = min(right, expr.end + _MAX_EVENT_CHARS // 2)
    return ("…" if lo > left else "") + text[lo:hi].strip() + ("…" if hi < right else "")


class _Speakers:
    """Which quote's span holds a stretch of a paragraph: the first such quote in article order.

    A long paragraph holds thousands of quotes and dates, so each look-up is a bisection: of the quotes
    starting at or before the expression, the first whose end reaches past it is found through the
    running maximum of their ends.
    """

    def __init__(self, quotes: Sequence[Quote]) -> None:
        by_paragraph: dict[int, list[Quote]] = {}
        for quote in quotes:
            by_paragraph.setdefault(quote.paragraph, []).append(quote)
        self._tables: dict[int, tuple[list[int], list[int], list[Quote]]] = {}
        for number, items in by_paragraph.items():
            items.sort(key=lambda q: q.start)  # stable: ties keep article order
            running: list[int] = []
            for quote in items:
                running.append(max(quote.end, running[-1]) if running else quote.end)
            self._tables[number] = ([q.start for q in items], running, items)

    def at(self, paragraph: int, start: int, end: int) -> str | None:
        """The speaker of the quote whose span holds ``[start, end)`` of the paragraph, if any."""
        table = self._tables.get(paragraph)
        if table is None:
            return None
        starts, running, items = table
        k = bisect.bisect_right(starts, start)
        j = bisect.bisect_left(running, end, 0, k)
        return items[j].speaker if j < k else None


def resolve_published(article: Article, published: date | None) -> tuple[date | None, PublishedSource]:
    """Front matter wins, then the ``--published`` override, then inference from the text."""
    if article.published is not None:
        return article.published, "given"
    if published is not None:
        return published, "given"
    inferred = infer_published(article.text)
    if inferred is not None:
        return inferred, "inferred"
    return None, "unknown"


def build_timeline(article: Article, published: date | None = None, quotes: Sequence[Quote] = ()) -> Timeline:
    """The timeline of one article: its publication date and its dated events in chronological order."""
    pub, source = resolve_published(article, published)
    dates = ArticleDates(article.id, article.title, pub.isoformat() if pub else None, source)
    offsets: list[int] = []
    position = 0
    for paragraph in article.paragraphs:
        offsets.append(position)
        position += len(paragraph.text) + 1
    speakers = _Speakers(quotes)
    dated: list[tuple[tuple[date, int, int], int, TimelineEvent]] = []
    undated: list[tuple[float, int, TimelineEvent]] = []
    for order, expr in enumerate(find_expressions(article.text, pub)):
        index = _paragraph_index(offsets, expr.start)
        paragraph = article.paragraphs[index]
        start, end = expr.start - offsets[index], expr.end - offsets[index]
        event = TimelineEvent(
            article=article.id,
            date=expr.value,
            expression=expr.text,
            modifier=expr.modifier,
            text=_event_text(article.text, expr, (offsets[index], offsets[index] + len(paragraph.text))),
            paragraph=paragraph.number,
            speaker=speakers.at(paragraph.number, start, end),
            rules=expr.rules,
        )
        if expr.value is not None:
            dated.append((_sort_key(event), order, event))
        elif expr.relative:  # no publication date, or one so near the calendar's edge it cannot date it
            undated.append((_offset(expr), order, event))
    dated.sort(key=lambda item: (item[0], item[1]))
    undated.sort(key=lambda item: (item[0], item[1]))
    events = tuple(e for _, _, e in dated) + tuple(e for _, _, e in undated)
    return Timeline(articles=(dates,), events=events)


def _offset(expr: TemporalExpression) -> float:
    """Rough days after publication of a relative expression; 0 when even that is unknown."""
    return expr.offset_days if expr.offset_days is not None else 0.0


def _paragraph_index(offsets: list[int], position: int) -> int:
    """The index of the paragraph that holds a character position of the joined text."""
    return max(0, bisect.bisect_right(offsets, position) - 1)


def merge_timelines(timelines: Sequence[Timeline]) -> Timeline:
    """Several articles' timelines as one: dated events in chronological order, then undated ones.

    Ties keep article order (the order of ``timelines``, then each timeline's own order). Events whose
    date is unknown cannot be compared across articles, so they follow, grouped by article, in order.
    """
    articles: list[ArticleDates] = []
    dated: list[tuple[tuple[date, int, int], int, int, TimelineEvent]] = []
    undated: list[TimelineEvent] = []
    for t_index, timeline in enumerate(timelines):
        articles.extend(timeline.articles)
        for e_index, event in enumerate(timeline.events):
            if event.date is not None:
                dated.append((_sort_key(event), t_index, e_index, event))
            else:
                undated.append(event)
    dated.sort(key=lambda item: item[:3])
    return Timeline(articles=tuple(articles), events=tuple(e for *_, e in dated) + tuple(undated))
