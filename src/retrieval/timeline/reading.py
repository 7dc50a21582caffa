"""Reading numbers, months, modifiers and years out of matched text, and placing a day in a year."""

from __future__ import annotations

import re
from datetime import date

from .calendar import MONTHS, NUMBERS, safe_date
from .patterns import ORDINALS
from .tense import Tense


def modifier(raw: str | None) -> str | None:
    """``early``/``the beginning of`` -> early, ``mid`` -> mid, ``late``/``the end of`` -> late."""
    if not raw:
        return None
    raw = raw.lower()
    if "early" in raw or "beginning" in raw or "start" in raw:
        return "early"
    if "mid" in raw:
        return "mid"
    if "late" in raw or "end" in raw or "close" in raw:
        return "late"
    return None


def leading_int(raw: str) -> int:
    """The number a day token starts with: ``16th`` -> 16; a spelled ordinal: ``eighth`` -> 8."""
    digits = re.match(r"\d+", raw)
    if digits:
        return int(digits.group())
    words = re.split(r"[\s-]+", raw.lower())
    if len(words) == 2:
        return NUMBERS.get(words[0], 0) + ORDINALS.get(words[1], 0)
    return ORDINALS.get(words[0], 0)


def month_number(raw: str) -> int:
    """The month number of a month name or abbreviation: ``Sept.`` -> 9."""
    return MONTHS[raw.rstrip(".").lower()]


def number(raw: str) -> int | None:
    """The value of a small cardinal written in digits or words: ``twenty-one`` -> 21."""
    raw = raw.lower()
    if raw.isdigit():
        return int(raw)
    if "-" in raw:
        tens, _, ones = raw.partition("-")
        if tens in NUMBERS and ones in NUMBERS and NUMBERS[ones] < 10:
            return NUMBERS[tens] + NUMBERS[ones]
        return None
    return NUMBERS.get(raw)


def spelled_year(raw: str) -> int | None:
    """``nineteen ninety-six`` -> 1996, ``two thousand`` -> 2000."""
    words = re.split(r"[\s-]+", raw.lower())
    if words[:2] == ["two", "thousand"]:
        rest = [w for w in words[2:] if w != "and"]
        return 2000 + (NUMBERS.get(rest[0], 0) if rest else 0)
    century = NUMBERS.get(words[0])
    if century is None:
        return None
    if words[1:] == ["hundred"]:
        return century * 100
    tail = sum(NUMBERS.get(w, 0) for w in words[1:])
    return century * 100 + tail if 0 < tail < 100 else None


def at_sentence_start(text: str, pos: int) -> bool:
    """Whether only spaces, quotes or a sentence end stand between ``pos`` and the previous sentence."""
    before = text[max(0, pos - 4) : pos].rstrip(" \t\"'\u201c\u2018`(")
    return not before or before[-1] in ".!?\n:;"


def closest_year(month: int, day: int, published: date, tense: Tense | None) -> date | None:
    """Place a month and day without a year next to the publication date, guided by tense."""
    candidates = [d for y in (published.year - 1, published.year, published.year + 1)
                  if (d := safe_date(y, month, day)) is not None]  # fmt: skip
    if not candidates:
        return None
    if tense == "past":
        past = [d for d in candidates if d <= published]
        if past and (published - max(past)).days <= 300:
            return max(past)
    elif tense == "future":
        future = [d for d in candidates if d >= published]
        if future and (min(future) - published).days <= 300:
            return min(future)
    return min(candidates, key=lambda d: (abs((d - published).days), d))
