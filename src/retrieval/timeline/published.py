"""Infer an article's publication date from its text: a dated weekday anchors the week it was written in."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta

import regex

from .calendar import MONTHS, WEEKDAYS, safe_date
from .expressions import find_expressions
from .tense import guess_tense, sentence_bounds

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WEEKDAY_RE = re.compile(
    r"(?:\b(?P<rel>last|next|this|past|coming|previous|Last|Next|This)\s+)?"
    r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)
# One group name in both word orders ("April 16, 2023" / "16 April 2023"): the ``regex`` package allows it.
_MONTH_DAY_RE = regex.compile(
    rf"\b(?P<month>{_MONTH})\s+(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)(?:,?\s+(?P<year>1\d{{3}}|20\d\d)\b)?"
    rf"|\b(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})(?:\s+(?P<year>1\d{{3}}|20\d\d)\b)?"
)
_EARLIEST_YEAR = 1900
_ADJACENT_GAP = re.compile(r"[\s,]*(?:the\s+)?(?:\(\s*)?")  # between a weekday and its date
_NEAR = 300  # a weekday further than this from a date is not taken to name the same day
_SHARED_WORDS = 4  # content words two clauses must share to be taken as telling of the same event


@dataclass(frozen=True, slots=True)
class _Mention:
    """A weekday named in the text, with the tense of its clause."""

    start: int
    end: int
    weekday: int
    past_or_unknown: bool
    relative_word: bool


def _weekday_mentions(text: str) -> list[_Mention]:
    """Every weekday named in ``text``."""
    mentions = []
    for m in _WEEKDAY_RE.finditer(text):
        tense = guess_tense(text, m.start(), m.end())
        mentions.append(
            _Mention(
                m.start("weekday"),
                m.end(),
                WEEKDAYS[m["weekday"].lower()],
                tense not in ("future", "present"),
                bool(m["rel"]),
            )
        )
    return mentions


def infer_published(text: str, today: date | None = None) -> date | None:
    """The publication date the text implies, or None when it cannot be pinned to a day.

    A date named with (or near) its weekday fixes the week: when the date has no year, it is the most
    recent year, no later than ``today`` and no earlier than the latest explicit year in the text, in which
    that date falls on that weekday. The article was then written on the latest weekday of that week it
    mentions in the past tense (news names the days just gone by, up to the day of writing).
    """
    if not isinstance(text, str) or not text.strip():
        return None
    today = today or date.today()
    try:
        return _infer(text, today)
    except (ValueError, OverflowError):
        return None


def _infer(text: str, today: date) -> date | None:
    """The body of :func:`infer_published`."""
    floor = _EARLIEST_YEAR
    for expr in find_expressions(text, None):
        if expr.value is not None and expr.granularity == "year" and not expr.relative:
            year = int(expr.value)
            if year <= today.year:
                floor = max(floor, year)
    mentions = [m for m in _weekday_mentions(text) if not m.relative_word]
    if not mentions:
        return None
    dates = list(_MONTH_DAY_RE.finditer(text))
    date_spans = [(d.start(), d.end()) for d in dates]
    # A bare weekday ("on Monday", not "Monday, Oct. 26") counts days back from the day of writing.
    bare = [w for w in mentions if all(_distance(text, w, s, e) > 0 for s, e in _nearest(date_spans, w))]
    mention_spans = [(w.start, w.end) for w in mentions]
    anchors: list[tuple[int, date]] = []  # (distance between weekday and date, the dated day)
    for m in dates:
        if guess_tense(text, m.start(), m.end()) in ("future", "present"):
            continue
        nearby = [mentions[k] for k in _nearest_indices(mention_spans, m.start(), m.end())]
        near = min(nearby, key=lambda w: _distance(text, w, m.start(), m.end()))
        distance = _distance(text, near, m.start(), m.end())
        if distance > _NEAR or not near.past_or_unknown:
            continue
        if distance > 0 and not _same_event(text, near, m):
            continue
        if not any(w.weekday == near.weekday and w.past_or_unknown for w in bare):
            continue  # only a bare "on Sunday" says that this Sunday is one of the days just gone by
        found = _dated_weekday(m, near.weekday, floor, today)
        if found is not None:
            anchors.append((distance, found))
    if not anchors:
        return None
    closest = min(distance for distance, _ in anchors)
    anchor = max(found for distance, found in anchors if distance == closest)
    # The latest bare past-tense weekday of the anchor's week (up to six days after it) is the day of
    # writing; with no bare weekday at all nothing ties the anchor to the publication week.
    recent = [(w.weekday - anchor.weekday()) % 7 for w in bare if w.past_or_unknown]
    if not recent:
        return None
    published = anchor + timedelta(days=max(recent))
    return published if published <= today else None


def _same_event(text: str, mention: _Mention, dated: re.Match[str]) -> bool:
    """Whether a weekday and a date in two different sentences tell of the same event (shared words)."""
    weekday_sentence = sentence_bounds(text, mention.start, mention.end)
    date_sentence = sentence_bounds(text, dated.start(), dated.end())
    if weekday_sentence == date_sentence:
        return False  # in one sentence, a weekday and a separate date are two different days
    words = _content_words(text, mention.start, mention.end)
    return len(words & _content_words(text, dated.start(), dated.end())) >= _SHARED_WORDS


def _dated_weekday(m: re.Match[str], weekday: int, floor: int, today: date) -> date | None:
    """The day a month-day match names when it falls on ``weekday``: its own year, or the latest fitting."""
    month = MONTHS[m["month"].rstrip(".").lower()]
    day = int(m["day"])
    year_text = m["year"]
    if year_text:
        found = safe_date(int(year_text), month, day)
        return found if found is not None and found.weekday() == weekday else None
    for year in range(today.year, floor - 1, -1):
        found = safe_date(year, month, day)
        if found is not None and found <= today and found.weekday() == weekday:
            return found
    return None


_STOPWORDS = frozenset(
    {"that", "this", "with", "from", "have", "were", "they", "their", "which", "would", "there", "about",
     "said", "says", "will", "been", "also", "after", "before", "when", "what", "than", "into", "over",
     "more", "last", "week", "year", "month", "today", "some", "other", "only", "could", "should", "while"}
)  # fmt: skip


def _content_words(text: str, start: int, end: int) -> set[str]:
    """Longer, non-function words of the sentence around ``text[start:end]``."""
    left, right = sentence_bounds(text, start, end)
    words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text[left:right])}
    return {w for w in words if w not in _STOPWORDS and w.lower() not in WEEKDAYS and w not in MONTHS}


def _distance(text: str, mention: _Mention, start: int, end: int) -> int:
    """Characters between a weekday mention and a date; 0 when they are adjacent ("Sunday, April 16")."""
    if mention.end <= start:
        lo, hi = mention.end, start
    elif end <= mention.start:
        lo, hi = end, mention.start
    else:
        return 0
    return 0 if _ADJACENT_GAP.fullmatch(text, lo, hi) else max(1, hi - lo)


def _nearest_indices(spans: list[tuple[int, int]], start: int, end: int) -> list[int]:
    """Indices of the spans (disjoint, in text order) that can be nearest to ``[start, end)``.

    They are the last span ending before it, the spans overlapping it and the first span starting after
    it: any other lies behind one of these, so it is further away and never adjacent (the span between
    holds a word no adjacent gap may hold). Ties in ``min`` still go to the earliest span.
    """
    k = bisect.bisect_left(spans, (end, end))  # spans starting before ``end``
    lo = k
    while lo > 0 and spans[lo - 1][1] > start:
        lo -= 1  # overlapping
    first = max(0, lo - 1)
    last = min(len(spans), k + 1)
    return list(range(first, last))


def _nearest(spans: list[tuple[int, int]], mention: _Mention) -> list[tuple[int, int]]:
    """The spans that can be nearest to a mention (see ``_nearest_indices``)."""
    return [spans[k] for k in _nearest_indices(spans, mention.start, mention.end)]
