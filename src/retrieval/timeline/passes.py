"""Post-passes: revisions that need the other expressions of the text, run in order after the rules.

Each pass takes the text and all expressions in text order and returns the revised list. Expressions it
returns new or changed get its name in ``rules`` (the engine compares them with what it was given).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from .calendar import (
    UNIT_DAYS,
    WEEKDAYS,
    OutsideCalendar,
    iso_day,
    moved,
    safe_date,
    shifted,
    weekday_on_or_after,
    weekday_on_or_before,
)
from .model import TemporalExpression
from .patterns import WEEKDAY, YEAR

Found = list[TemporalExpression]

# Pattern rules whose expressions point at another date; a pass dates them, and they never become the
# date in focus themselves.
POINTER_RULES = frozenset({"anaphor", "appositive_day", "then"})
_ANAPHORIC = re.compile(
    r"\b(?:that|following|next|previous|same)\s+(?:year|month|day)\b|\bin\s+the\s+day\b", re.I
)


def in_focus(expr: TemporalExpression) -> bool:
    """Whether later pointers may refer to this expression: dated, and not itself a pointer or "next year"."""
    return (
        expr.value is not None
        and not POINTER_RULES.intersection(expr.rules)
        and not _ANAPHORIC.search(expr.text)
    )


def _with_focus(found: Found) -> Iterator[tuple[TemporalExpression, TemporalExpression | None]]:
    """Each expression with the latest one in focus before it (updated after the caller's revision)."""
    latest: TemporalExpression | None = None
    for expr in found:
        yield expr, latest
        if in_focus(expr):
            latest = expr


# "April 24 and 25", "June 3-5, 1999": a second day of the same month, coordinated with the first.
_AND_DAY = re.compile(
    rf"\s*(?:and|or|to|through|-|\u2013)\s*(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:.,%-]\d|[\w%])"
    rf"(?:,?\s+(?P<year>{YEAR}))?"
    r"(?!\s+(?!(?:in|at|on|and|with|when|to|for|by|from|of|after|before|that|the)\b)[a-z$])"
)
_DAY_END = re.compile(r"\d(?:st|nd|rd|th)?$")


def _second_day(text: str, expr: TemporalExpression, taken: list[tuple[int, int]]) -> Found | None:
    """The first day (re-dated by a trailing year) and the coordinated second day; None when there is none."""
    m = _AND_DAY.match(text, expr.end) if expr.granularity == "day" and _DAY_END.search(expr.text) else None
    first = date.fromisoformat(expr.value) if m is not None and expr.value else None
    if m is None or (first is None and not expr.relative):
        return None
    day = int(m["day"])
    if any(m.start("day") < e and s < m.end("day") for s, e in taken) or (first and day <= first.day):
        return None
    if m["year"] and first is not None:
        first = safe_date(int(m["year"]), first.month, first.day)
        if first is None:
            return None
        expr = replace(expr, value=iso_day(first), relative=False, offset_days=None)
    second = safe_date(first.year, first.month, day) if first is not None else None
    if first is not None and second is None:
        return [expr]
    value = iso_day(second) if second is not None else None
    start, end = m.start("day"), m.end()
    offset = None if value is not None else expr.offset_days
    relative = expr.relative and not m["year"]
    return [
        expr,
        TemporalExpression(start, end, text[start:end], value, "day", None, relative, offset, expr.rules),
    ]


def coordinated_days(text: str, found: Found) -> Found:
    """``April 24 and 25``, ``June 3-5, 1999``: the second day too; a year after it dates both."""
    out: Found = []
    taken = [(e.start, e.end) for e in found]
    absorbed: set[tuple[int, int]] = set()  # years that now belong to a second day
    for expr in found:
        pair = _second_day(text, expr, taken)
        if pair is None:
            out.append(expr)
            continue
        out.extend(pair)
        if len(pair) == 2 and (year := _AND_DAY.match(text, expr.end)) and year["year"]:
            absorbed.add(year.span("year"))
    return [e for e in out if (e.start, e.end) not in absorbed]


_DAY_BEFORE = re.compile(r"(?:\b[Tt]he\s+)?\b[Dd]ay\s+(?P<dir>before|after)\s+$")


def day_before_after(text: str, found: Found) -> Found:
    """``the day before last Tuesday's hearing``, ``the day after Christmas``: a day on from a date."""
    out: Found = []
    for expr in found:
        m = _DAY_BEFORE.search(text, max(0, expr.start - 20), expr.start)
        if m is None or expr.granularity != "day" or re.match(r"(?i)the\s+day\s", expr.text):
            out.append(expr)
            continue
        step = -1 if m["dir"] == "before" else 1
        value, offset = expr.value, expr.offset_days
        if value is not None:
            try:
                value = shifted(value, step)
            except OutsideCalendar:
                out.append(expr)
                continue
        elif offset is not None:
            offset += step
        text_ = text[m.start() : expr.end]
        out.append(replace(expr, start=m.start(), text=text_, value=value, modifier=None, offset_days=offset))
    return out


_ELLIPTIC_LAST = re.compile(r"\b(?:as|than)\s+(?P<last>last)\b(?=\s*(?:[.,;:!?)]|$))")
_THIS_UNIT = re.compile(r"(?i)\bthis\s+(?:week|month|year)$")


def elliptic_last(text: str, found: Found) -> Found:
    """``twice as high this year as last``: the bare ``last`` is the period before the one compared."""
    added: Found = []
    starts = [e.start for e in found]
    for m in _ELLIPTIC_LAST.finditer(text):
        # Expressions ending within 60 characters before the match; none is 200 characters long.
        hi = bisect.bisect_left(starts, m.start())
        lo = bisect.bisect_left(starts, m.start() - 260, 0, hi)
        before = [e for e in found[lo:hi] if e.end <= m.start() and m.start() - e.end <= 60]
        if not before or not _THIS_UNIT.search(before[-1].text) or "." in text[before[-1].end : m.start()]:
            continue
        this = before[-1]
        start, end = m.span("last")
        if this.value is None:
            offset = -UNIT_DAYS[this.granularity]
            added.append(
                TemporalExpression(start, end, "last", None, this.granularity, None, True, offset, this.rules)
            )
            continue
        try:
            value = shifted(this.value, -1)
        except OutsideCalendar:
            continue
        added.append(
            TemporalExpression(start, end, "last", value, this.granularity, None, True, rules=this.rules)
        )
    return sorted(found + added, key=lambda e: (e.start, e.end)) if added else found


_FOLLOWING_WEEKDAY = re.compile(rf"(?P<rel>previous|following|Previous|Following)\s+(?P<weekday>{WEEKDAY})")


def following_weekday(text: str, found: Found) -> Found:
    """``He arrived on March 1. The following Monday...``: counted from the day in focus, not publication."""
    out: Found = []
    latest: TemporalExpression | None = None
    for expr in found:
        following = _FOLLOWING_WEEKDAY.fullmatch(expr.text)
        if following and latest is not None and latest.granularity == "day" and latest.value is not None \
                and text[max(0, expr.start - 4) : expr.start].lower() == "the ":  # fmt: skip
            anchor = date.fromisoformat(latest.value)
            day = WEEKDAYS[following["weekday"].lower()]
            try:
                if following["rel"].lower() == "previous":
                    found_day = weekday_on_or_before(moved(anchor, -1, "day"), day)
                else:
                    found_day = weekday_on_or_after(moved(anchor, 1, "day"), day)
                expr = replace(
                    expr, value=iso_day(found_day), granularity="day", modifier=None, relative=True
                )
            except OutsideCalendar:
                pass  # the edge of the calendar: keep the plain reading
        out.append(expr)
        if in_focus(expr):
            latest = expr
    return out


def apposition(text: str, found: Found) -> Found:
    """``Oct. 12, the day before the crash``: ``the day`` renames the day just named; else it is dropped."""
    out: Found = []
    for expr, latest in _with_focus(found):
        if "appositive_day" not in expr.rules or expr.value is not None:
            out.append(expr)
        elif (
            latest is not None
            and latest.granularity == "day"
            and re.fullmatch(r",\s+", text[latest.end : expr.start])
        ):
            out.append(replace(expr, value=latest.value, relative=latest.relative))
    return out


_THEN_REACH = 200  # characters between a date and the "then" that points back at it


def until_then(text: str, found: Found) -> Found:
    """``They resume on March 3; until then...``: ``then`` is the date just named, if near; else dropped."""
    out: Found = []
    for expr, latest in _with_focus(found):
        if "then" not in expr.rules or expr.value is not None:
            out.append(expr)
        elif latest is not None and expr.start - latest.end <= _THEN_REACH:
            out.append(replace(latest, start=expr.start, end=expr.end, text=expr.text, rules=expr.rules))
    return out


_ANAPHOR_SHIFT = re.compile(r"following|next|previous", re.I)


def anaphor_shift(text: str, found: Found) -> Found:
    """``In 1990 ... the following year``: the date in focus, moved by one unit for following/previous."""
    out: Found = []
    for expr, latest in _with_focus(found):
        if "anaphor" not in expr.rules or expr.value is not None:
            out.append(expr)
            continue
        if (
            latest is None
            or latest.value is None
            or len(latest.value) < {"year": 4, "month": 7, "day": 10}[expr.granularity]
        ):
            continue  # nothing to point at, or nothing as precise ("that day" after "in March")
        if expr.granularity == "month" and "W" in latest.value:
            continue
        shift = _ANAPHOR_SHIFT.search(expr.text)
        step = 0 if shift is None else -1 if shift.group().lower() == "previous" else 1
        value = latest.value[: {"year": 4, "month": 7, "day": 10}[expr.granularity]]
        try:
            out.append(replace(expr, value=shifted(value, step), relative=latest.relative))
        except OutsideCalendar:
            continue
    return out
