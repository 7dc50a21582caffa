"""Expressions anchored to another event of the same article: ``a week after the drills``.

``N units after/before <event>`` is dated from the event when the article dates that event elsewhere: a
sentence that names it (a word of the same stem as its head: "the vote" / "voted") beside a resolved day.
Failing that, when the phrase stands in apposition to a day (``on Sunday, a week after Beijing held
drills``), it dates its own complement instead: the drills, a week before that Sunday.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..text import STOPWORDS
from .calendar import OutsideCalendar, moved, period
from .model import Granularity, TemporalExpression
from .patterns import NUM
from .reading import number
from .tense import sentence_bounds

# Found from the unit on, then the amount before it (a cheaper scan than one pattern led by every number).
_UNIT_DIRECTION = re.compile(
    r"\b(?P<unit>day|week|month|year)(?P<plural>s?)\s+(?P<dir>after|before)\s+", re.IGNORECASE
)
_UNITS: dict[str, Granularity] = {"day": "day", "week": "week", "month": "month", "year": "year"}
_AMOUNT = re.compile(rf"\b(?P<amount>{NUM}|the)\s+$", re.I)
_WORD = re.compile(r"[A-Za-z][\w'’-]*|[^\sA-Za-z]")
_DETERMINERS = frozenset("the his her its their our this that these those a an".split())
# Words that end an event's noun phrase: prepositions, conjunctions, relative words.
_NP_END = frozenset(
    {"in", "on", "at", "of", "for", "to", "by", "with", "from", "into", "over", "against", "and", "or", "but",
     "that", "which", "who", "when", "as", "while", "where", "than", "because", "after", "before", "near"}
)  # fmt: skip
# Heads too vague to find the same event by (each article has many "days" and "times").
_VAGUE_HEADS = frozenset("day days week weeks month months year years time times end start".split())
_MAX_WORDS = 8  # of an event phrase
_NEAR = 40  # characters between an event's word and the day that dates it, in one sentence
_APPOSED = re.compile(r",\s*")  # between a day and a phrase in apposition to it
_SUFFIXES = ("ings", "ing", "ions", "ion", "ed", "es", "s", "e")


@dataclass(frozen=True, slots=True)
class _Phrase:
    """``a week after the drills``: the amount, the unit, the direction, the event and its head word."""

    start: int
    end: int  # the end of "a week after"
    event_end: int
    amount: int
    unit: Granularity
    head: str | None


def stem(word: str) -> str:
    """A crude stem that joins a noun or verb to its kin: ``bombings``, ``bombed`` -> ``bomb``."""
    word = word.lower().replace("’", "'").removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _event_words(text: str, start: int) -> tuple[int, str | None]:
    """The end of the event phrase starting at ``start`` and its head word (a noun, or a past verb)."""
    words: list[re.Match[str]] = []
    line_end = text.find("\n", start)
    for m in _WORD.finditer(text, start, min(len(text) if line_end < 0 else line_end, start + 160)):
        word = m.group()
        if not word[0].isalpha() or word.lower() in _NP_END or len(words) == _MAX_WORDS:
            break
        words.append(m)
    if not words:
        return start, None
    first = words[0].group().lower()
    head: str | None
    if first in _DETERMINERS or first.endswith(("'s", "’s")):
        head = words[-1].group()  # a noun phrase: its last word ("the deadly embassy bombings")
    else:  # a clause: its first past-tense verb ("Beijing conducted military maneuvers")
        head = next((w.group() for w in words[1:4] if w.group().endswith("ed") and len(w.group()) > 4), None)
    if head is not None and (head.lower() in STOPWORDS or head.lower() in _VAGUE_HEADS):
        head = None
    return words[-1].end(), head


def _phrases(text: str) -> Iterator[_Phrase]:
    """Every ``N units after/before <event>`` of the text."""
    for m in _UNIT_DIRECTION.finditer(text):
        before = _AMOUNT.search(text, max(0, m.start() - 24), m.start())
        if before is None:
            continue
        the = before["amount"].lower() == "the"
        amount = 1 if the else number(before["amount"])
        if amount is None or amount > 1000 or (the and m["plural"]):
            continue  # "the weeks before the vote" is no single week
        event_end, head = _event_words(text, m.end())
        unit = _UNITS[m["unit"].lower()]
        sign = 1 if m["dir"].lower() == "after" else -1
        yield _Phrase(before.start(), m.end("dir"), event_end, sign * amount, unit, head)


def _names_event(text: str, day: TemporalExpression, root: re.Pattern[str], phrase: _Phrase) -> bool:
    """Whether the event's word stands near ``day`` in its sentence (and outside the phrase itself)."""
    left, right = sentence_bounds(text, day.start, day.end)
    left, right = max(left, day.start - _NEAR), min(right, day.end + _NEAR)
    return any(not phrase.start <= m.start() < phrase.event_end for m in root.finditer(text, left, right))


def _anchor(text: str, phrase: _Phrase, days: list[TemporalExpression]) -> TemporalExpression | None:
    """The day the article gives the phrase's event; None when it gives none, or several different ones."""
    if phrase.head is None:
        return None
    root = re.compile(rf"\b{re.escape(stem(phrase.head))}\w*", re.IGNORECASE)
    outside = [d for d in days if not phrase.start <= d.start < phrase.event_end]
    named = [d for d in outside if _names_event(text, d, root, phrase)]
    return named[0] if named and all(d.value == named[0].value for d in named) else None


def _dated(phrase: _Phrase, anchor: TemporalExpression, *, amount: int) -> str | None:
    """The anchor's day moved by ``amount`` units, at the unit's precision; None off the calendar."""
    try:
        return period(moved(date.fromisoformat(anchor.value or ""), amount, phrase.unit), phrase.unit)
    except OutsideCalendar:
        return None


def _apposed(text: str, phrase: _Phrase, days: list[TemporalExpression]) -> TemporalExpression | None:
    """The day the phrase stands in apposition to (``on Sunday, a week after …``), if any."""
    return next(
        (e for e in days if e.end <= phrase.start and _APPOSED.fullmatch(text, e.end, phrase.start)), None
    )


def _anchored(text: str, phrase: _Phrase, days: list[TemporalExpression]) -> TemporalExpression | None:
    """The phrase as an expression dated from its anchor; None when nothing in the article anchors it."""
    anchor = _anchor(text, phrase, days)
    if anchor is not None:  # the phrase dates the clause it sits in
        value, end, event = _dated(phrase, anchor, amount=phrase.amount), phrase.event_end, None
    else:  # in apposition to a day, the phrase dates its own complement
        anchor = _apposed(text, phrase, days)
        value = None if anchor is None else _dated(phrase, anchor, amount=-phrase.amount)
        end, event = phrase.end, (phrase.end + 1, phrase.event_end)
    if value is None or anchor is None or phrase.event_end <= phrase.end + 1:
        return None
    return TemporalExpression(
        phrase.start, end, text[phrase.start : end], value, phrase.unit, relative=anchor.relative, event=event
    )


def event_anchor(text: str, found: list[TemporalExpression]) -> list[TemporalExpression]:
    """``a week after the drills`` is a week after the drills' date; ``Sunday, a week after X`` dates X."""
    days = [e for e in found if e.granularity == "day" and e.value is not None and len(e.value) == 10]
    if not days:
        return found
    added: list[TemporalExpression] = []
    for phrase in _phrases(text):
        if any(phrase.start < e.end and e.start < phrase.event_end for e in found):
            continue  # "the day after Christmas", "Oct. 12, the day before the crash": dated already
        expr = _anchored(text, phrase, days)
        if expr is not None:
            added.append(expr)
    if not added:
        return found
    return sorted(found + added, key=lambda e: (e.start, e.end))
