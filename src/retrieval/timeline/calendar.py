"""Calendar arithmetic for normalisation: ISO values, weekdays, months and holidays."""

from __future__ import annotations

from datetime import date, timedelta

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


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """The month ``delta`` months after ``year``-``month``."""
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def safe_date(year: int, month: int, day: int) -> date | None:
    """A date, or None when the triple is not a real day."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def weekday_on_or_before(anchor: date, weekday: int) -> date:
    """The latest day on or before ``anchor`` that falls on ``weekday`` (Monday = 0)."""
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def weekday_on_or_after(anchor: date, weekday: int) -> date:
    """The earliest day on or after ``anchor`` that falls on ``weekday`` (Monday = 0)."""
    return anchor + timedelta(days=(weekday - anchor.weekday()) % 7)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` of a month; ``n = -1`` is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return weekday_on_or_after(first, weekday) + timedelta(weeks=n - 1)
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
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


def holiday(name: str, year: int) -> date | None:
    """The date of a well-known fixed or movable holiday in ``year``; None when unknown."""
    key = name.lower().replace("\u2019", "'")
    fixed = {
        "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24),
        "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31),
        "valentine's day": (2, 14), "boxing day": (12, 26), "st. patrick's day": (3, 17),
        "veterans day": (11, 11), "armistice day": (11, 11), "may day": (5, 1),
    }  # fmt: skip
    if key in fixed:
        return safe_date(year, *fixed[key])
    if key in ("thanksgiving", "thanksgiving day"):
        return nth_weekday(year, 11, 3, 4)
    if key == "labor day":
        return nth_weekday(year, 9, 0, 1)
    if key == "memorial day":
        return nth_weekday(year, 5, 0, -1)
    if key == "election day":
        return nth_weekday(year, 11, 0, 1) + timedelta(days=1)
    if key in ("easter", "easter sunday"):
        return easter(year)
    if key == "good friday":
        return easter(year) - timedelta(days=2)
    if key == "easter monday":
        return easter(year) + timedelta(days=1)
    return None
