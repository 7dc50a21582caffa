"""Calendar arithmetic for normalisation: ISO values, the one date shift, weekdays and holidays.

Every move of a date by days, weeks, months or years goes through :func:`moved` (``relativedelta``,
which keeps "Jan. 31 plus a month" on Feb. 29 rather than in March). A move past the calendar's edge
(before 0001-01-01 or after 9999-12-31) raises :class:`OutsideCalendar`, which the rule engine reads as
"leave this expression undated", never as a failed rule.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta

from .model import Granularity

Unit = Literal["day", "week", "month", "year"]
UNIT_DAYS: dict[str, float] = {"day": 1.0, "week": 7.0, "month": 30.0, "year": 365.0}

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip


class OutsideCalendar(ValueError):
    """A date moved before 0001-01-01 or after 9999-12-31: the expression stays relative and undated."""


def moved(day: date, amount: int, unit: Unit) -> date:
    """``day`` moved by ``amount`` units: ``moved(date(2024, 1, 31), 1, "month")`` is 2024-02-29."""
    try:
        return day + relativedelta(**{unit + "s": amount})
    except (ValueError, OverflowError) as exc:
        raise OutsideCalendar(f"{day} moved by {amount} {unit}s") from exc


def period(day: date, granularity: Granularity) -> str:
    """The ISO value of the period holding ``day``: ``(2023-04-16, "week")`` is ``2023-W15``."""
    if granularity == "day":
        return day.isoformat()
    if granularity == "week":
        return iso_week(day)
    if granularity == "month":
        return iso_month(day.year, day.month)
    return f"{day.year:04d}"


_ISO_VALUE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-W(\d{2}))?")


def period_start(value: str) -> tuple[date, Granularity] | None:
    """The first day and granularity of an ISO value: ``2023-W15`` is (2023-04-10, week); else None."""
    m = _ISO_VALUE.fullmatch(value)
    if m is None:
        return None
    year, month, day, week = m.groups()
    try:
        if week:
            return date.fromisocalendar(int(year), int(week), 1), "week"
        if day:
            return date(int(year), int(month), int(day)), "day"
        if month:
            return date(int(year), int(month), 1), "month"
        return date(int(year), 1, 1), "year"
    except ValueError:
        return None


def shifted(value: str, amount: int, unit: Unit | None = None) -> str:
    """An ISO value moved by ``amount`` units (its own by default): ``("2023-03", -1)`` is ``2023-02``."""
    start = period_start(value)
    if start is None:
        raise OutsideCalendar(f"{value!r} is not a date in the calendar")
    day, granularity = start
    return period(moved(day, amount, unit or granularity), granularity)


def in_calendar(value: str) -> bool:
    """Whether an ISO value lies in years 0001-9999 (``0000`` and ``10000`` are not dates)."""
    return (
        len(value) >= 4
        and value[:4].isdigit()
        and (len(value) == 4 or value[4] == "-")
        and value[:4] != "0000"
    )


def iso_day(day: date) -> str:
    """``YYYY-MM-DD``."""
    return day.isoformat()


def iso_week(day: date) -> str:
    """``YYYY-Www`` of the ISO week holding ``day``."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def iso_month(year: int, month: int) -> str:
    """``YYYY-MM``."""
    return f"{year:04d}-{month:02d}"


def safe_date(year: int, month: int, day: int) -> date | None:
    """A date, or None when the triple is not a real day."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def weekday_on_or_before(anchor: date, weekday: int) -> date:
    """The latest day on or before ``anchor`` that falls on ``weekday`` (Monday = 0)."""
    return moved(anchor, -((anchor.weekday() - weekday) % 7), "day")


def weekday_on_or_after(anchor: date, weekday: int) -> date:
    """The earliest day on or after ``anchor`` that falls on ``weekday`` (Monday = 0)."""
    return moved(anchor, (weekday - anchor.weekday()) % 7, "day")


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` of a month; ``n = -1`` is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return weekday_on_or_after(first, weekday) + timedelta(weeks=n - 1)
    last = moved(date(year, month, 1), 1, "month") - timedelta(days=1)
    return weekday_on_or_before(last, weekday)


def easter(year: int) -> date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


_FIXED_HOLIDAYS = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
    "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31),
    "valentine's day": (2, 14), "boxing day": (12, 26), "st. patrick's day": (3, 17),
    "veterans day": (11, 11), "armistice day": (11, 11), "may day": (5, 1),
}  # fmt: skip
_EASTER_OFFSETS = {"easter": 0, "easter sunday": 0, "good friday": -2, "easter monday": 1}


def holiday(name: str, year: int) -> date | None:
    """The date of a known fixed or movable holiday in ``year``; None when unknown or off the calendar."""
    key = name.lower().replace("\u2019", "'")
    if not 1 <= year <= 9999:
        return None
    if key in _FIXED_HOLIDAYS:
        return safe_date(year, *_FIXED_HOLIDAYS[key])
    if key in ("thanksgiving", "thanksgiving day"):
        return nth_weekday(year, 11, 3, 4)
    if key == "labor day":
        return nth_weekday(year, 9, 0, 1)
    if key == "memorial day":
        return nth_weekday(year, 5, 0, -1)
    if key == "election day":
        return nth_weekday(year, 11, 0, 1) + timedelta(days=1)
    if key in _EASTER_OFFSETS:
        return easter(year) + timedelta(days=_EASTER_OFFSETS[key])
    return None
