"""Pairing quotation marks inside one paragraph, tolerant of missing or mistyped marks."""

from __future__ import annotations

from dataclasses import dataclass

OPENERS = frozenset("“„«")
CLOSERS = frozenset("”»")
STRAIGHT = '"'
ALL_MARKS = OPENERS | CLOSERS | {STRAIGHT}
_OPEN_BEFORE = frozenset("([{—–-/")  # a mark after these opens a quote
_CLOSE_AFTER = frozenset(".,;:!?)]}—–-…")  # a mark before these closes one
_SENTENCE_END = frozenset(".!?")


@dataclass(frozen=True, slots=True)
class MarkSpan:
    """A quoted stretch of a paragraph: ``start``/``end`` include the marks, ``inner_*`` do not."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    opened: bool  # False: the opening mark is missing
    closed: bool  # False: the closing mark is missing


def _role(text: str, i: int, inside: bool) -> str:
    """Whether the mark at ``i`` opens or closes, judged from its neighbours and the current state."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    opener_ctx = (prev.isspace() or prev in _OPEN_BEFORE) and not nxt.isspace()
    closer_ctx = (nxt.isspace() or nxt in _CLOSE_AFTER) and not prev.isspace()
    mark = text[i]
    if mark in OPENERS:
        # A curly opener typed where a closer belongs ("word“ said") closes the open quote.
        return "close" if inside and closer_ctx and not opener_ctx else "open"
    if mark in CLOSERS:
        return "open" if not inside and opener_ctx and not closer_ctx else "close"
    if opener_ctx and not closer_ctx:
        return "open"
    if closer_ctx and not opener_ctx:
        return "close"
    return "close" if inside else "open"


def _sentence_start_before(text: str, lo: int, i: int) -> int:
    """The start of the sentence holding position ``i``, not looking back past ``lo``."""
    for j in range(i - 1, lo, -1):
        if text[j] in _SENTENCE_END and j + 1 < len(text) and text[j + 1].isspace():
            return j + 1
    return lo


def _span(text: str, start: int, end: int, opened: bool, closed: bool) -> MarkSpan:
    """Build a span, trimming blanks and a trailing comma from the inner text."""
    inner_start = start + 1 if opened else start
    inner_end = end - 1 if closed else end
    while inner_start < inner_end and text[inner_start].isspace():
        inner_start += 1
    while inner_end > inner_start and (text[inner_end - 1].isspace() or text[inner_end - 1] == ","):
        inner_end -= 1
    return MarkSpan(start, end, inner_start, inner_end, opened, closed)


def pair_marks(text: str) -> list[MarkSpan]:
    """Pair the double quotation marks of a paragraph into quoted spans, in order.

    A closer with no opener quotes from the paragraph start (or the start of its sentence after an
    earlier quote); an opener with no closer quotes to the next opener or the paragraph end.
    """
    spans: list[MarkSpan] = []
    open_at: int | None = None
    for i, ch in enumerate(text):
        if ch not in ALL_MARKS:
            continue
        role = _role(text, i, open_at is not None)
        if role == "open":
            if open_at is not None:
                spans.append(_span(text, open_at, i, opened=True, closed=False))
            open_at = i
        elif open_at is not None:
            spans.append(_span(text, open_at, i + 1, opened=True, closed=True))
            open_at = None
        else:
            lo = spans[-1].end if spans else 0
            start = _sentence_start_before(text, lo, i) if spans else 0
            while start < i and text[start].isspace():
                start += 1
            spans.append(_span(text, start, i + 1, opened=False, closed=True))
    if open_at is not None:
        spans.append(_span(text, open_at, len(text), opened=True, closed=False))
    return [span for span in spans if span.inner_end > span.inner_start]


def starts_with_opener(text: str) -> bool:
    """Whether a paragraph opens with a quotation mark (a quote continued from the one before)."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in OPENERS | {STRAIGHT}
