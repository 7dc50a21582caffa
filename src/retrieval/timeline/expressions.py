"""Find temporal expressions in English text and normalise them against a publication date."""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from .calendar import (
    MONTHS,
    NUMBERS,
    WEEKDAYS,
    add_months,
    holiday,
    iso_day,
    iso_month,
    iso_week,
    safe_date,
    weekday_on_or_after,
    weekday_on_or_before,
)
from .tense import Tense, guess_tense, sentence_bounds

log = logging.getLogger(__name__)

Granularity = Literal["year", "month", "week", "day"]


@dataclass(frozen=True, slots=True)
class TemporalExpression:
    """A date expression found in a text, with ``[start, end)`` character offsets into it.

    ``value`` is ISO 8601 at the expression's precision (``YYYY``, ``YYYY-MM``, ``YYYY-Www``,
    ``YYYY-MM-DD``); it is None when the expression needs a publication date that is unknown, and then
    ``offset_days`` (days after publication, rough) orders it against other relative expressions.
    """

    start: int
    end: int
    text: str
    value: str | None
    granularity: Granularity
    modifier: str | None = None  # "early", "mid" or "late": the part of the period, never a day
    relative: bool = False  # True when the value depends on the publication date
    offset_days: float | None = None


# --- regular expression fragments --------------------------------------------------------------------

_APOS = "['\u2019]"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![A-Za-z])"
)
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)(?!:\d)(?!,\d)"
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
# A spelled ordinal day after a month ("March eighth"), only where the ordinal ends the phrase: in
# "March second-quarter sales" or "the March third round" it is not a day.
_DAY_WORD = (
    r"(?:(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
    r"|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)(?![\w-])"
    r"(?=\s*(?:[,.;:)!?\"'\u201d]|$|\s(?:and|or|in|at|on|to|from|until|when|after|before|with|is|was|will"
    r"|the|this|that)\b))"
)
_YEAR = r"(?:1[0-9]\d\d|20\d\d)(?![\d%])(?!,\d)(?!\.\d)"
_MOD = (
    r"(?:(?P<mod>early|mid|late|Early|Mid|Late|the\s+(?:beginning|start|middle|end|close)\s+of"
    r"|The\s+(?:beginning|start|middle|end|close)\s+of)(?:\s+|-))"
)
_NUM = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|twenty-\w+|thirty-\w+|forty-\w+|fifty-\w+|sixty-\w+|seventy-\w+|eighty-\w+|ninety-\w+)"
)
_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_SPELLED_YEAR = (
    rf"(?:(?:nineteen|eighteen|twenty)[\s-]+(?:{_TEENS}|{_TENS}(?:[\s-]+{_ONES})?|hundred)\b"
    rf"|two\s+thousand(?:\s+and\s+{_ONES}\b|\s+{_ONES}\b)?)"
)
_NOT_YEAR_AFTER = re.compile(
    r"\s*(?:s\b|['\u2019]s\b|GMT|UTC|EST|EDT|PST|hours\b|local\s+time|[-\s]?(?:feet|foot|meters?|metres?|miles?"
    r"|km|kilometers?|kilometres?|people|shares|troops|workers|dollars|yuan|euros?|pounds|barrels|tons"
    r"|tonnes|cars|jobs|votes|points|members|soldiers|cases|units|students|employees|acres|yards))",
)
_ERAS: dict[str, tuple[int, int]] = {
    "world war i": (1914, 1918), "the first world war": (1914, 1918), "first world war": (1914, 1918),
    "world war ii": (1939, 1945), "world war two": (1939, 1945), "the second world war": (1939, 1945),
    "second world war": (1939, 1945), "world war 2": (1939, 1945), "the cold war": (1947, 1991),
    "cold war": (1947, 1991), "the korean war": (1950, 1953), "korean war": (1950, 1953),
    "the vietnam war": (1955, 1975), "vietnam war": (1955, 1975), "the great depression": (1929, 1939),
    "great depression": (1929, 1939), "the gulf war": (1990, 1991), "gulf war": (1990, 1991),
    "the american civil war": (1861, 1865), "american civil war": (1861, 1865),
    "the chinese civil war": (1945, 1949), "chinese civil war": (1945, 1949),
}  # fmt: skip
_ERA = (
    r"(?:World\s+War\s+(?:II|I|Two|One|2|1)\b|(?:First|Second)\s+World\s+War|Cold\s+War|Korean\s+War"
    r"|Vietnam\s+War|Great\s+Depression|Gulf\s+War|American\s+Civil\s+War|Chinese\s+Civil\s+War)"
)
_HOLIDAY = (
    r"(?:Thanksgiving(?:\s+Day)?|Christmas(?:\s+(?:Day|Eve))?|New\s+Year" + _APOS + r"s\s+(?:Day|Eve)"
    r"|Election\s+Day|Easter(?:\s+(?:Sunday|Monday))?|Good\s+Friday|Labor\s+Day|Memorial\s+Day"
    r"|Halloween|Valentine" + _APOS + r"s\s+Day|Boxing\s+Day|Veterans\s+Day|Armistice\s+Day)\b"
)
_NOT_WEEKDAY_AFTER = re.compile(
    r"\s+(?:Times|Telegraph|Mirror|Express|Herald|Post|Star|Observer|Tribune|Independent|Mail|Night\s+Live"
    r"|Morning\s+Post)\b"
)
_MAY_BEFORE = re.compile(
    r"\b(?:in|since|until|by|from|through|to|of|before|after|during|early|late|mid)\s+$", re.I
)
_NOT_MONTH_AFTER = re.compile(r"\s+(?:for|of)\s+(?:the\s+)?[A-Z]")
_NOT_MONTH_BEFORE = re.compile(r"\bannual\s+$", re.I)
_NAME_BEFORE = re.compile(r"(?<![.!?]\s)(?<!^)\b(?P<word>[A-Z][a-z]+\.?)\s+$")
_CAPITAL_PREPOSITIONS = frozenset(
    {"In", "Since", "By", "Until", "From", "Before", "After", "During", "Of", "Through", "And", "Or",
     "Fiscal",
     "The", "Early", "Late", "Mid", "To", "For", "Between", "Around", "About", "Circa"}
)  # fmt: skip
_GENERIC_AFTER = re.compile(
    r"(?<=['\u2019]s)\s+(?:world|youth|society|generation|children|kids|young|economy|standards|personal"
    r"|technology|students|market|environment|culture|families|women|men|people|consumers|politics|media)\b",
    re.I,
)
_GENERIC_BEFORE = re.compile(r"\bof\s+$", re.I)
_I = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class _Rule:
    """One pattern and the function that turns its match into an expression."""

    name: str
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], _Context], TemporalExpression | None]


@dataclass(slots=True)
class _Context:
    """What a resolver needs besides its match: the text and the publication date."""

    text: str
    published: date | None
    match_start: int = 0
    match_end: int = 0

    def tense(self) -> Tense | None:
        """The guessed tense of the clause around the current match."""
        return guess_tense(self.text, self.match_start, self.match_end)


def _at_sentence_start(text: str, pos: int) -> bool:
    """Whether only spaces, quotes or a sentence end stand between ``pos`` and the previous sentence."""
    before = text[max(0, pos - 4) : pos].rstrip(" \t\"'\u201c\u2018`(")
    return not before or before[-1] in ".!?\n:;"


def _modifier(raw: str | None) -> str | None:
    """Normalise ``early``/``beginning of``/``mid``/``end of``... to early, mid or late."""
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


_GRANULARITY: dict[str, Granularity] = {"year": "year", "month": "month", "week": "week", "day": "day"}


def _leading_int(raw: str) -> int:
    """The number a day token starts with: ``16th`` -> 16; a spelled ordinal: ``eighth`` -> 8."""
    digits = re.match(r"\d+", raw)
    if digits:
        return int(digits.group())
    words = re.split(r"[\s-]+", raw.lower())
    if len(words) == 2:
        return NUMBERS.get(words[0], 0) + _ORDINALS.get(words[1], 0)
    return _ORDINALS.get(words[0], 0)


def _month_number(raw: str) -> int:
    """The month number of a month name or abbreviation."""
    return MONTHS[raw.rstrip(".").lower()]


def _number(raw: str) -> int | None:
    """The value of a small cardinal written in digits or words."""
    raw = raw.lower()
    if raw.isdigit():
        return int(raw)
    if "-" in raw:
        tens, _, ones = raw.partition("-")
        if tens in NUMBERS and ones in NUMBERS and NUMBERS[ones] < 10:
            return NUMBERS[tens] + NUMBERS[ones]
        return None
    return NUMBERS.get(raw)


def _spelled_year(raw: str) -> int | None:
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


def _expr(
    m: re.Match[str],
    value: str | None,
    granularity: Granularity,
    *,
    group: int | str = 0,
    modifier: str | None = None,
    relative: bool = False,
    offset: float | None = None,
) -> TemporalExpression:
    """Build an expression from a match (or one of its groups)."""
    start, end = m.span(group)
    return TemporalExpression(
        start=start,
        end=end,
        text=m.string[start:end],
        value=value,
        granularity=granularity,
        modifier=modifier,
        relative=relative,
        offset_days=None if value is not None or not relative else offset,
    )


def _closest_year(month: int, day: int, published: date, tense: Tense | None) -> date | None:
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


# --- resolvers ---------------------------------------------------------------------------------------


def _full_date(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``April 16``, ``Sunday, April 16, 2023``, ``16 April 2023``, ``Oct. 13``."""
    month = _month_number(m["month"])
    day = _leading_int(m["day"])
    weekday = WEEKDAYS[m["weekday"].lower()] if m["weekday"] else None
    if m["year"]:
        found = safe_date(int(m["year"]), month, day)
        return _expr(m, iso_day(found), "day") if found else None
    if safe_date(2000, month, day) is None:  # 2000 is a leap year: only impossible days fail here
        return None
    if ctx.published is None:
        return _expr(m, None, "day", relative=True, offset=None)
    if weekday is not None:
        matching = [d for y in range(ctx.published.year - 3, ctx.published.year + 4)
                    if (d := safe_date(y, month, day)) is not None and d.weekday() == weekday]  # fmt: skip
        if matching:
            pub = ctx.published
            best = min(matching, key=lambda d: abs((d - pub).days))
            return _expr(m, iso_day(best), "day", relative=True)
    found = _closest_year(month, day, ctx.published, ctx.tense())
    return _expr(m, iso_day(found), "day", relative=True) if found else None


def _iso_date(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``2023-04-16``."""
    found = safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _expr(m, iso_day(found), "day") if found else None


def _us_date(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``4/16/2023``."""
    found = safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _expr(m, iso_day(found), "day") if found else None


def _month_year(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``March 2023``, ``late March 2023``, ``March of 2023``."""
    return _expr(
        m, iso_month(int(m["year"]), _month_number(m["month"])), "month", modifier=_modifier(m["mod"])
    )


def _month(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``March``, ``last February``, ``late March``, ``March this year``, ``June last year``."""
    month = _month_number(m["month"])
    mod = _modifier(m["mod"])
    rel = (m["rel"] or "").lower()
    year_rel = (m["yrel"] or "").lower()
    before = ctx.text[max(0, m.start("month") - 30) : m.start("month")]
    bare = not (m["mod"] or rel or year_rel)
    if bare and m["month"] == "May" and not _MAY_BEFORE.search(before):
        return None  # a bare capitalised "May" is too often the modal verb at a sentence start
    if bare and (_NOT_MONTH_AFTER.match(ctx.text, m.end()) or _NOT_MONTH_BEFORE.search(before)):
        return None  # "the annual March for Life", "the March of the Mothers"
    if ctx.published is None:
        offset = {"last": -180.0, "next": 180.0, "this": 0.0}.get(year_rel or rel, 0.0)
        return _expr(m, None, "month", modifier=mod, relative=True, offset=offset)
    pub = ctx.published
    if year_rel:
        year = pub.year + {"last": -1, "next": 1, "this": 0}[year_rel]
    elif rel in ("last", "past", "previous"):
        year = pub.year if month < pub.month else pub.year - 1
    elif rel in ("next", "coming"):
        year = pub.year if month > pub.month else pub.year + 1
    elif rel == "this":
        year = pub.year
    else:
        tense = ctx.tense()
        if tense == "future":
            year = pub.year if month >= pub.month else pub.year + 1
        elif tense == "past":
            year = pub.year if month <= pub.month else pub.year - 1
        else:  # no tense to go by: the nearest such month, the past one on a tie
            year = min(
                (pub.year - 1, pub.year, pub.year + 1),
                key=lambda y: (abs((y - pub.year) * 12 + month - pub.month), y),
            )
    return _expr(m, iso_month(year, month), "month", modifier=mod, relative=True)


def _month_spelled_year(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``January nineteen ninety-seven``."""
    year = _spelled_year(m["spelled"])
    if year is None or not 1000 <= year <= 2099:
        return None
    return _expr(m, iso_month(year, _month_number(m["month"])), "month", modifier=_modifier(m["mod"]))


def _year(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``1949``, ``in 2018``, ``fiscal 1989``, ``mid-1996``, ``the end of 1990``."""
    after = _NOT_YEAR_AFTER.match(ctx.text, m.end())
    if after is not None:
        return None
    before = ctx.text[max(0, m.start("year") - 2) : m.start("year")]
    if re.search(r"[$£€#.]\s?$", before) or re.search(r"\d[\s,]$", before):
        return None
    name = _NAME_BEFORE.search(ctx.text, max(0, m.start("year") - 30), m.start("year"))
    if name and name["word"].rstrip(".").lower() not in MONTHS and name["word"] not in _CAPITAL_PREPOSITIONS:
        return None  # "Orion 1980", "Windows 2000": part of a name
    return _expr(m, m["year"], "year", modifier=_modifier(m["mod"]))


def _spelled(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``nineteen ninety-six``, ``the year two thousand``."""
    year = _spelled_year(m["spelled"])
    if year is None or not 1000 <= year <= 2099:
        return None
    return _expr(m, f"{year:04d}", "year")


def _deictic_day(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``today``, ``yesterday``, ``tomorrow``, ``tonight``, ``late yesterday``, ``the day after tomorrow``."""
    if (
        m["word"][0].isupper()
        and not m["dmod"]
        and not m["extra"]
        and not _at_sentence_start(ctx.text, m.start())
    ):
        return None  # "VOA Today", "USA Today": a name
    word = m["word"].lower()
    if word in ("today", "tomorrow") and (
        _GENERIC_AFTER.match(ctx.text, m.end())
        or _GENERIC_BEFORE.search(ctx.text, max(0, m.start() - 40), m.start())
    ):
        return None  # "today's youth", "the people of tomorrow": nowadays, not a date
    shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[word]
    if m["extra"]:
        shift += -1 if "before" in m["extra"].lower() else 1
    mod = _modifier(m["dmod"]) if m["dmod"] and m["dmod"].lower() in ("early", "late") else None
    if ctx.published is None:
        return _expr(m, None, "day", modifier=mod, relative=True, offset=float(shift))
    return _expr(m, iso_day(ctx.published + timedelta(days=shift)), "day", modifier=mod, relative=True)


def _weekday(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``on Sunday``, ``last Friday``, ``next Tuesday``, ``Thursday morning``, ``earlier Sunday``."""
    if _NOT_WEEKDAY_AFTER.match(ctx.text, m.end()):
        return None
    weekday = WEEKDAYS[m["weekday"].lower()]
    rel = (m["wrel"] or "").lower()
    direction: str
    if rel in ("last", "past", "previous"):
        direction = "before"
    elif rel in ("next", "coming"):
        direction = "after"
    elif rel in ("earlier",):
        direction = "on_or_before"
    elif rel in ("later",):
        direction = "on_or_after"
    elif rel == "this":
        direction = "on_or_after" if ctx.tense() in ("future", "present") else "week"
    elif m.group().endswith(("'s", "\u2019s")):
        direction = "on_or_before"  # "Wednesday's ruling" names a day already seen
    else:
        direction = "on_or_after" if ctx.tense() in ("future", "present") else "on_or_before"
    mod = _modifier(rel) if rel in ("early", "late") else None
    if ctx.published is None:
        offset = {"before": -5.0, "after": 5.0, "on_or_before": -2.0, "on_or_after": 2.0, "week": 0.0}
        return _expr(m, None, "day", modifier=mod, relative=True, offset=offset[direction])
    pub = ctx.published
    if direction == "before":
        found = weekday_on_or_before(pub - timedelta(days=1), weekday)
    elif direction == "after":
        found = weekday_on_or_after(pub + timedelta(days=1), weekday)
    elif direction == "on_or_after":
        found = weekday_on_or_after(pub, weekday)
    elif direction == "week":
        found = pub - timedelta(days=pub.weekday()) + timedelta(days=weekday)
    else:
        found = weekday_on_or_before(pub, weekday)
    return _expr(m, iso_day(found), "day", modifier=mod, relative=True)


_UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": 30.0, "year": 365.0}


def _relative_unit(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``last week``, ``this year``, ``next month``, ``earlier this month``, ``early next year``."""
    if m["unit"][0].isupper():
        return None  # "This Week", a programme
    rel = m["rel"].lower()
    unit = m["unit"].lower()
    shift = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[rel]
    mod = _modifier(m["mod"])
    gran = _GRANULARITY[unit]
    if ctx.published is None:
        return _expr(m, None, gran, modifier=mod, relative=True, offset=shift * _UNIT_DAYS[unit])
    pub = ctx.published
    if unit == "week":
        value = iso_week(pub + timedelta(weeks=shift))
    elif unit == "month":
        value = iso_month(*add_months(pub.year, pub.month, shift))
    else:
        value = f"{pub.year + shift:04d}"
    return _expr(m, value, gran, modifier=mod, relative=True)


def _ago(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``two weeks ago``, ``41 years ago``, ``a year earlier``, ``a month ago``."""
    count = _number(m["n"])
    if count is None or count > 3000:
        return None
    unit = m["unit"].lower()
    gran = _GRANULARITY[unit]
    if ctx.published is None:
        return _expr(m, None, gran, relative=True, offset=-count * _UNIT_DAYS[unit])
    pub = ctx.published
    try:
        if unit == "day":
            value = iso_day(pub - timedelta(days=count))
        elif unit == "week":
            value = iso_week(pub - timedelta(weeks=count))
        elif unit == "month":
            value = iso_month(*add_months(pub.year, pub.month, -count))
        else:
            value = f"{pub.year - count:04d}"
    except OverflowError:
        return None
    return _expr(m, value, gran, relative=True)


def _in_units(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``will be redeemed in five years``: that long after publication, but only in a future clause.

    In a past or undated clause ``in two weeks`` is a span ("his second letter in two weeks").
    """
    count = _number(m["n"])
    if count is None or count > 100 or ctx.tense() != "future":
        return None
    unit = m["unit"].lower()
    gran = _GRANULARITY[unit]
    if ctx.published is None:
        return _expr(m, None, gran, relative=True, offset=count * _UNIT_DAYS[unit])
    pub = ctx.published
    if unit == "day":
        value = iso_day(pub + timedelta(days=count))
    elif unit == "week":
        value = iso_week(pub + timedelta(weeks=count))
    elif unit == "month":
        value = iso_month(*add_months(pub.year, pub.month, count))
    else:
        value = f"{pub.year + count:04d}"
    return _expr(m, value, gran, relative=True)


def _year_earlier(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``year-earlier``, ``year-ago``: the year before publication (financial results style)."""
    if ctx.published is None:
        return _expr(m, None, "year", relative=True, offset=-365.0)
    return _expr(m, f"{ctx.published.year - 1:04d}", "year", relative=True)


def _named_year(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``the current fiscal year``, ``the full year``, ``the end of the year``, ``by year-end``."""
    mod = "late" if m["yend"] or m["yend2"] else _modifier(m["mod"])
    if ctx.published is None:
        return _expr(m, None, "year", modifier=mod, relative=True, offset=0.0)
    return _expr(m, f"{ctx.published.year:04d}", "year", modifier=mod, relative=True)


_TITLE_BEFORE = re.compile(r"\b[A-Z][a-z]+\s+of\s+$")
_EXPLICIT_YEAR = re.compile(rf"(?<![\w$£€#.,/])(?P<year>{_YEAR})\b")


def _the_year(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``for the year``, ``the first nine months of the year``: the publication year, when it is in focus.

    A bare ``the year`` in news is the current one; when the sentence names another year explicitly
    ("sales in 1988 rose through the year") that year may be the one meant, so nothing is said.
    """
    if _TITLE_BEFORE.search(ctx.text, max(0, m.start() - 30), m.start()):
        return None  # "Player of the Year": a title
    left, right = sentence_bounds(ctx.text, m.start(), m.end())
    if left > 0:  # the sentence before sets the focus too ("In 1988 it lost money. For the year, ...")
        left = sentence_bounds(ctx.text, max(0, left - 2), max(0, left - 2))[0]
    if ctx.published is None:
        if any(True for _ in _EXPLICIT_YEAR.finditer(ctx.text, left, right)):
            return None
        return _expr(m, None, "year", relative=True, offset=0.0)
    pub = ctx.published
    if any(int(y["year"]) != pub.year for y in _EXPLICIT_YEAR.finditer(ctx.text, left, right)):
        return None
    return _expr(m, f"{pub.year:04d}", "year", relative=True)


def _named_month(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``the end of the month``, ``the middle of the month``: this month, with a modifier."""
    mod = _modifier(m["mod"])
    if ctx.published is None:
        return _expr(m, None, "month", modifier=mod, relative=True, offset=0.0)
    return _expr(m, iso_month(ctx.published.year, ctx.published.month), "month", modifier=mod, relative=True)


def _anaphor(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``that year``, ``the following month``, ``earlier that day``: resolved later against the text."""
    unit = (m["aunit"] or m["aunit2"]).lower()
    gran = _GRANULARITY[unit]
    # Value None for now; ``_resolve_anaphora`` fills it from the latest preceding date.
    return TemporalExpression(m.start(), m.end(), m.group(), None, gran, relative=True, offset_days=None)


_PRESENT_COPULA = re.compile(r"\b(?:(?:[Tt]oday|[Ii]t|[Tt]his)\s+is|[Ii]t['\u2019]s)\s+$")


def _nth_day(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``today is the eighth day of the strike``, ``it's the second day of talks``: the present day."""
    if not _PRESENT_COPULA.search(ctx.text, max(0, m.start() - 12), m.start()):
        return None  # "the second day of talks" alone may be any day
    if ctx.published is None:
        return _expr(m, None, "day", group="span", relative=True, offset=0.0)
    return _expr(m, iso_day(ctx.published), "day", group="span", relative=True)


def _appositive_day(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``Oct. 12, the day before the crash``: the day named just before; ``_resolve_anaphora`` fills it."""
    start, end = m.span("day")
    return TemporalExpression(start, end, m["day"], None, "day", relative=True, offset_days=None)


def _then(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``until then``, ``by then``: the date just named; ``_resolve_anaphora`` fills it in."""
    start, end = m.span("then")
    return TemporalExpression(start, end, m["then"], None, "day", relative=True, offset_days=None)


def _holiday(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``Thanksgiving``, ``last Christmas``, ``Election Day``."""
    name = re.sub(r"\s+", " ", m["holiday"])
    rel = (m["hrel"] or "").lower()
    if ctx.published is None:
        return _expr(m, None, "day", relative=True, offset={"last": -180.0, "next": 180.0}.get(rel, 0.0))
    pub = ctx.published
    days = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := holiday(name, y)) is not None]
    if not days:
        return None
    if m["hweek"]:
        nearest = min(days, key=lambda d: abs((d - pub).days))
        return _expr(m, iso_week(nearest), "week", relative=True)
    tense = "past" if rel == "last" else "future" if rel == "next" else ctx.tense()
    if tense == "past":
        pool = [d for d in days if d < pub] if rel == "last" else [d for d in days if d <= pub]
        found = max(pool) if pool else None
    elif tense == "future":
        pool = [d for d in days if d > pub] if rel == "next" else [d for d in days if d >= pub]
        found = min(pool) if pool else None
    else:
        found = min(days, key=lambda d: abs((d - pub).days))
    return _expr(m, iso_day(found), "day", relative=True) if found else None


def _week_of(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``the week of March 6``."""
    month = _month_number(m["month"])
    day = _leading_int(m["day"])
    if m["year"]:
        found = safe_date(int(m["year"]), month, day)
    elif ctx.published is None:
        return _expr(m, None, "week", relative=True, offset=None)
    else:
        found = _closest_year(month, day, ctx.published, ctx.tense())
    return _expr(m, iso_week(found), "week", relative=m["year"] is None) if found else None


def _era(m: re.Match[str], ctx: _Context) -> TemporalExpression | None:
    """``the end of World War II`` -> 1945; ``the start of the Cold War`` -> 1947."""
    key = re.sub(r"\s+", " ", m["era"]).lower()
    span = _ERAS.get(key) or _ERAS.get("the " + key)
    if span is None:
        return None
    edge = m["edge"].lower()
    year = span[1] if edge in ("end", "close") else span[0]
    return _expr(m, f"{year:04d}", "year")


_RULES: tuple[_Rule, ...] = (
    _Rule(
        "full_date",
        re.compile(
            rf"(?:\b[Oo]n\s+)?(?:(?P<weekday>{_WEEKDAY}),?\s+(?:the\s+)?)?(?:\b(?P<month>{_MONTH})\s+"
            rf"(?P<day>{_DAY}\b|{_DAY_WORD})|\b(?P<day2>{_DAY})\s+(?:of\s+)?(?P<month2>{_MONTH}))"
            rf"(?:,?\s+(?P<year>{_YEAR}))?"
        ),
        lambda m, c: _full_date(_Swap(m), c),  # type: ignore[arg-type]
    ),
    _Rule(
        "iso_date",
        re.compile(r"(?<![\d-])(?P<y>1\d{3}|20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])"),
        _iso_date,
    ),
    _Rule(
        "us_date",
        re.compile(r"(?<![\d/])(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>1\d{3}|20\d\d)(?![\d/])"),
        _us_date,
    ),
    _Rule(
        "month_year",
        re.compile(rf"{_MOD}?\b(?P<month>{_MONTH_FULL}|{_MONTH})\.?,?\s+(?:of\s+)?(?P<year>{_YEAR})"),
        _month_year,
    ),
    _Rule(
        "month",
        re.compile(
            rf"(?:{_MOD}|\b[Ii]n\s+(?=[A-Z]))?(?:\b(?P<rel>last|next|this|Last|Next|This|past|coming)\s+)?"
            rf"\b(?P<month>{_MONTH_FULL})"
            rf"(?:,?\s+(?:of\s+)?(?P<yrel>this|last|next)\s+year\b)?"
        ),
        _month,
    ),
    _Rule(
        "month_spelled_year",
        re.compile(rf"{_MOD}?\b(?P<month>{_MONTH_FULL}),?\s+(?:of\s+)?(?P<spelled>{_SPELLED_YEAR})"),
        _month_spelled_year,
    ),
    _Rule(
        "year",
        re.compile(
            rf"(?:(?:\b[Ii]n|\b[Ff]iscal|\bFY)\s+)?{_MOD}?(?<![\w$£€#.,/])(?<!\d-)(?P<year>{_YEAR})\b"
        ),
        _year,
    ),
    _Rule("spelled_year", re.compile(rf"(?:\bthe\s+year\s+)?\b(?P<spelled>{_SPELLED_YEAR})", _I), _spelled),
    _Rule(
        "deictic_day",
        re.compile(
            r"(?:\b(?P<dmod>early|late|earlier|later)\s+)?\b(?P<extra>the\s+day\s+(?:before|after)\s+)?"
            r"(?P<word>today|tonight|yesterday|tomorrow)\b" + f"(?:{_APOS}s)?",
            _I,
        ),
        _deictic_day,
    ),
    _Rule(
        "weekday",
        re.compile(
            rf"(?:\b[Oo]n\s+)?(?:\b(?P<wrel>last|next|this|past|coming|previous|following|earlier|later|early|late"
            rf"|Last|Next|This|Earlier|Later|Early|Late)\s+)?\b(?P<weekday>{_WEEKDAY})(?:{_APOS}s)?"
            rf"(?:\s+(?:morning|afternoon|evening|night)\b)?"
        ),
        _weekday,
    ),
    _Rule(
        "relative_unit",
        re.compile(
            rf"{_MOD}?(?:\b(?:earlier|later|so\s+far|Earlier|Later)\s+)?\b(?P<rel>last|this|next|current|coming"
            rf"|previous|(?<=the\s)past)\s+(?P<unit>week|month|year)\b(?!-)",
            _I,
        ),
        _relative_unit,
    ),
    _Rule(
        "ago",
        re.compile(
            rf"(?:\b(?:about|almost|nearly|some|roughly|around|more\s+than|less\s+than|over|just|only|barely)\s+)?"
            rf"\b(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?(?:\s+or\s+so)?\s+ago\b"
            rf"|\b(?P<n2>a|one)\s+(?P<unit2>year)\s+(?:earlier|before)\b",
            _I,
        ),
        lambda m, c: _ago(_Swap(m), c),  # type: ignore[arg-type]
    ),
    _Rule(
        "in_units",
        re.compile(
            rf"\b[Ii]n\s+(?P<n>{_NUM})\s+(?P<unit>day|week|month|year)s?\b(?!\s+(?:ago|of|before|after|earlier|later))"
            rf"(?![-\u2019'])"
        ),
        _in_units,
    ),
    _Rule("year_earlier", re.compile(r"\byear-(?:earlier|ago)\b", _I), _year_earlier),
    _Rule(
        "holiday",
        re.compile(
            rf"(?:\b(?P<hrel>last|next|this|Last|Next|This)\s+)?\b(?P<holiday>{_HOLIDAY})(?P<hweek>\s+week\b)?"
        ),
        _holiday,
    ),
    _Rule(
        "week_of",
        re.compile(
            rf"\b[Tt]he\s+week\s+of\s+(?P<month>{_MONTH})\s+(?P<day>{_DAY})(?:,?\s+(?P<year>{_YEAR}))?"
        ),
        _week_of,
    ),
    _Rule(
        "named_year",
        re.compile(
            rf"\b(?:[Tt]he\s+(?:current|full|whole|entire)\s+(?:fiscal\s+|calendar\s+)?year\b(?!-)"
            rf"|[Tt]he\s+fiscal\s+year\b(?!\s+(?:that\s+)?end)"
            rf"|(?P<mod>(?:[Tt]he\s+)?(?:end|middle|beginning|start|close)\s+of)\s+(?:the|this)\s+year\b"
            rf"|\b(?:earlier|later|Earlier|Later)\s+in\s+the\s+year\b"
            rf"|(?<=\bby\s)(?P<yend>year[-\s]end\b|year{_APOS}s\s+end\b)"
            rf"|(?<=\baround\s)(?P<yend2>year[-\s]end\b))"
        ),
        _named_year,
    ),
    _Rule(
        "the_year",
        re.compile(
            r"\b[Tt]he\s+year\b(?![-\u2019'])(?!\s+(?:before|after|earlier|later|ago|when|in\s+which|that"
            r"|of(?!\s+[$£€#\d])|round|since|to|two|nineteen|\d|ending))"
        ),
        _the_year,
    ),
    _Rule(
        "named_month",
        re.compile(r"\b(?P<mod>(?:[Tt]he\s+)?(?:end|middle|beginning|start)\s+of)\s+(?:the|this)\s+month\b"),
        _named_month,
    ),
    _Rule(
        "anaphor",
        re.compile(
            r"\b(?P<arel>(?:(?:earlier|later|Earlier|Later)\s+)?(?:that|That)|[Tt]he\s+(?:following|next|previous)"
            r"|[Tt]he\s+same)\s+(?P<aunit>year|month|day)\b(?!s)(?!\s+(?:of|before|after|when|that)\b)"
            r"|\b(?:earlier|later|Earlier|Later)\s+in\s+the\s+(?P<aunit2>day)\b"
        ),
        _anaphor,
    ),
    _Rule(
        "nth_day",
        re.compile(
            r"(?P<span>\b(?:the\s+)?(?:first|second|third"
            r"|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,3}(?:st|nd|rd|th))\s+(?:straight\s+"
            r"|consecutive\s+|full\s+)?day)\s+(?=(?:of|in|since)\b)"
        ),
        _nth_day,
    ),
    _Rule(
        "appositive_day",
        re.compile(r",\s+(?P<day>the\s+day)\s+(?=(?:before|after|when|that|on\s+which)\b)"),
        _appositive_day,
    ),
    _Rule("then", re.compile(r"\b(?:[Uu]ntil|[Tt]ill|[Bb]y)\s+(?P<then>then)\b"), _then),
    _Rule(
        "era",
        re.compile(
            rf"\b(?:[Tt]he\s+)?(?P<edge>end|start|beginning|outbreak|close|End|Start|Beginning|Outbreak)\s+of\s+"
            rf"(?:the\s+)?(?P<era>{_ERA})"
        ),
        _era,
    ),
)


# Words that every match of a rule holds (checked on the lower-cased text when the flag is set): a rule
# whose word is absent is not run at all, which keeps the tagger fast on ordinary text.
_GATES: dict[str, tuple[bool, tuple[str, ...]]] = {
    "relative_unit": (True, ("week", "month", "year")),
    "ago": (True, ("ago", "earlier", "before")),
    "year_earlier": (True, ("year-",)),
    "week_of": (False, ("week",)),
    "named_year": (False, ("year",)),
    "the_year": (False, ("year",)),
    "named_month": (False, ("month",)),
    "anaphor": (False, ("year", "month", "day")),
    "appositive_day": (False, ("day",)),
    "nth_day": (False, ("day",)),
    "then": (False, ("then",)),
    "era": (False, ("War", "Depression")),
}


class _Swap:
    """A match view that reads ``month2``/``day2``/``n2``/``unit2`` when the first alternative is empty."""

    __slots__ = ("_m", "string")

    def __init__(self, m: re.Match[str]) -> None:
        self._m = m
        self.string = m.string

    def __getitem__(self, key: str) -> str | None:
        value = self._m.group(key)
        if value is None and key in ("month", "day", "n", "unit"):
            alt = key + "2"
            if alt in self._m.re.groupindex:
                return self._m.group(alt)
        return value

    def span(self, group: int | str = 0) -> tuple[int, int]:
        """The span of a group of the wrapped match."""
        return self._m.span(group)

    def start(self, group: int | str = 0) -> int:
        """The start of a group of the wrapped match."""
        return self._m.start(group)

    def end(self, group: int | str = 0) -> int:
        """The end of a group of the wrapped match."""
        return self._m.end(group)


_LEADING_PREPOSITION = re.compile(r"(?:on|in|On|In)\s+")


def _core_length(m: re.Match[str]) -> int:
    """Length of a match without a leading ``on``/``in``."""
    lead = _LEADING_PREPOSITION.match(m.group())
    return m.end() - m.start() - (lead.end() if lead else 0)


def find_expressions(text: str, published: date | None = None) -> list[TemporalExpression]:
    """All date expressions in ``text``, in text order, normalised against ``published`` when known."""
    if not isinstance(text, str) or not text:
        return []
    candidates: list[tuple[int, int, int, re.Match[str]]] = []
    lowered = text.lower()
    for index, rule in enumerate(_RULES):
        gate = _GATES.get(rule.name)
        if gate is not None and not any(word in (lowered if gate[0] else text) for word in gate[1]):
            continue  # the rule cannot match: a word every one of its matches holds is absent
        for m in rule.pattern.finditer(text):
            if m.end() > m.start():
                candidates.append((m.start(), m.end(), index, m))
    # Longest match wins (a leading "on"/"in" does not count); ties go to the earlier rule.
    candidates.sort(key=lambda c: (-_core_length(c[3]), c[2], c[0]))
    # Spans taken so far, disjoint and kept sorted: only the last one starting before a candidate's end
    # can overlap it, so each check is a bisection, not a scan (a long article has thousands).
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    found: list[TemporalExpression] = []
    ctx = _Context(text=text, published=published)
    for start, end, index, m in candidates:
        k = bisect.bisect_left(taken_starts, end)
        if k and taken_ends[k - 1] > start:
            continue
        ctx.match_start, ctx.match_end = start, end
        try:
            expr = _RULES[index].resolve(m, ctx)
        except (ValueError, OverflowError, KeyError, AttributeError, TypeError) as exc:
            log.debug("could not normalise %r: %s", m.group(), exc)
            expr = _undated(m, index, ctx) if ctx.published is not None else None
        if expr is not None and expr.value is not None and not _in_calendar(expr.value):
            expr = _undated(m, index, ctx)
        if expr is None:
            continue
        taken_starts.insert(k, start)
        taken_ends.insert(k, end)
        found.append(expr)
    found.sort(key=lambda e: (e.start, e.end))
    found = _elliptic_last(text, _day_before_after(text, _coordinated_days(text, found)))
    return [
        e if e.value is None or _in_calendar(e.value) else replace(e, value=None, relative=True)
        for e in _resolve_anaphora(text, found)
    ]


def _undated(m: re.Match[str], index: int, ctx: _Context) -> TemporalExpression | None:
    """An expression read as if the publication date were unknown: "yesterday" written on 0001-01-01
    lies before the calendar's first day, so it stays in the timeline, relative and undated."""
    try:
        expr = _RULES[index].resolve(m, _Context(ctx.text, None, ctx.match_start, ctx.match_end))
    except (ValueError, OverflowError, KeyError, AttributeError, TypeError):
        return None
    if expr is None or (expr.value is not None and not _in_calendar(expr.value)):
        return None
    return expr


_ISO_YEAR = re.compile(r"\d{4}(?=-|$)")


def _in_calendar(value: str) -> bool:
    """Whether an ISO value lies in years 0001-9999 (``0000`` and ``10000`` are not dates)."""
    return _ISO_YEAR.match(value) is not None and value[:4] != "0000"


_ELLIPTIC_LAST = re.compile(r"\b(?:as|than)\s+(?P<last>last)\b(?=\s*(?:[.,;:!?)]|$))")
_THIS_UNIT = re.compile(r"(?i)\bthis\s+(?:week|month|year)$")


def _elliptic_last(text: str, found: list[TemporalExpression]) -> list[TemporalExpression]:
    """``twice as high this year as last``: the bare ``last`` is the period before the one compared."""
    if "last" not in text:
        return found
    added: list[TemporalExpression] = []
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
            offset = -_UNIT_DAYS[this.granularity]
            added.append(TemporalExpression(start, end, "last", None, this.granularity, None, True, offset))
            continue
        try:
            value = _shift_value(this.value, this.granularity, -1)
        except (ValueError, OverflowError):  # the edge of the calendar
            continue
        added.append(TemporalExpression(start, end, "last", value, this.granularity, None, True))
    return sorted(found + added, key=lambda e: (e.start, e.end)) if added else found


def _shift_value(value: str, granularity: Granularity, step: int) -> str:
    """An ISO week, month or year value moved by ``step`` of its own unit."""
    if granularity == "week":
        monday = date.fromisocalendar(int(value[:4]), int(value[6:]), 1)
        return iso_week(monday + timedelta(weeks=step))
    if granularity == "month":
        return iso_month(*add_months(int(value[:4]), int(value[5:7]), step))
    year = int(value[:4]) + step
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is outside the calendar")
    return f"{year:04d}"


# "April 24 and 25", "June 3-5, 1999": a second day of the same month, coordinated with the first.
_AND_DAY = re.compile(
    rf"\s*(?:and|or|to|through|-|\u2013)\s*(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:.,%-]\d|[\w%])"
    rf"(?:,?\s+(?P<year>{_YEAR}))?"
    r"(?!\s+(?!(?:in|at|on|and|with|when|to|for|by|from|of|after|before|that|the)\b)[a-z$])"
)
_DAY_END = re.compile(r"\d(?:st|nd|rd|th)?$")


def _coordinated_days(text: str, found: list[TemporalExpression]) -> list[TemporalExpression]:
    """Add the second day of ``April 24 and 25``; a year after it (``June 3-5, 1999``) dates both."""
    out: list[TemporalExpression] = []
    taken = [(e.start, e.end) for e in found]
    absorbed: set[tuple[int, int]] = set()  # years that now belong to a second day
    for expr in found:
        m = (
            _AND_DAY.match(text, expr.end)
            if expr.granularity == "day" and _DAY_END.search(expr.text)
            else None
        )
        first = date.fromisoformat(expr.value) if m is not None and expr.value else None
        if m is None or (first is None and not expr.relative):
            out.append(expr)
            continue
        day = int(m["day"])
        if any(m.start("day") < e and s < m.end("day") for s, e in taken) or (first and day <= first.day):
            out.append(expr)
            continue
        if m["year"] and first is not None:
            first = safe_date(int(m["year"]), first.month, first.day)
            if first is None:
                out.append(expr)
                continue
            expr = TemporalExpression(expr.start, expr.end, expr.text, iso_day(first), "day")
        out.append(expr)
        second = safe_date(first.year, first.month, day) if first is not None else None
        if first is not None and second is None:
            continue
        value = iso_day(second) if second is not None else None
        start, end = m.start("day"), m.end()
        relative = expr.relative and not m["year"]
        offset = None if value is not None else expr.offset_days
        out.append(TemporalExpression(start, end, text[start:end], value, "day", None, relative, offset))
        if m["year"]:
            absorbed.add(m.span("year"))
    return [e for e in out if (e.start, e.end) not in absorbed]


_DAY_BEFORE = re.compile(r"(?:\b[Tt]he\s+)?\b[Dd]ay\s+(?P<dir>before|after)\s+$")


def _day_before_after(text: str, found: list[TemporalExpression]) -> list[TemporalExpression]:
    """``the day before last Tuesday's hearing``, ``the day after Christmas``: a day on from a date."""
    out: list[TemporalExpression] = []
    for expr in found:
        m = _DAY_BEFORE.search(text, max(0, expr.start - 20), expr.start)
        if m is None or expr.granularity != "day" or re.match(r"(?i)the\s+day\s", expr.text):
            out.append(expr)
            continue
        step = -1 if m["dir"] == "before" else 1
        value = expr.value
        offset = expr.offset_days
        if value is not None:
            try:
                value = iso_day(date.fromisoformat(value) + timedelta(days=step))
            except (ValueError, OverflowError):  # the edge of the calendar
                out.append(expr)
                continue
        elif offset is not None:
            offset += step
        out.append(
            TemporalExpression(
                m.start(), expr.end, text[m.start() : expr.end], value, "day", None, expr.relative, offset
            )
        )
    return out


_FOLLOWING_WEEKDAY = re.compile(rf"(?P<rel>previous|following|Previous|Following)\s+(?P<weekday>{_WEEKDAY})")
_THEN_REACH = 200  # characters between a date and the "then" that points back at it
_ANAPHOR_SHIFT = re.compile(r"following|next|previous", re.I)


def _resolve_anaphora(text: str, found: list[TemporalExpression]) -> list[TemporalExpression]:
    """Give ``that year`` / ``the following month`` the value of the latest preceding date, shifted."""
    out: list[TemporalExpression] = []
    latest: TemporalExpression | None = None
    for expr in found:
        pending = expr.value is None and expr.relative and expr.offset_days is None
        if pending and re.fullmatch(r"the\s+day", expr.text):
            # apposition: "Oct. 12, the day before the crash" renames the day just named
            gap = text[latest.end : expr.start] if latest is not None else ""
            if latest is not None and latest.granularity == "day" and re.fullmatch(r",\s+", gap):
                out.append(TemporalExpression(expr.start, expr.end, expr.text, latest.value, "day",
                                              None, latest.relative))  # fmt: skip
            continue
        if latest is not None and latest.granularity == "day" and latest.value is not None:
            following = _FOLLOWING_WEEKDAY.fullmatch(expr.text)
            if following and text[max(0, expr.start - 4) : expr.start].lower() == "the ":
                # "the previous Friday" counts from the day in focus, not from publication
                anchor = date.fromisoformat(latest.value)
                weekday = WEEKDAYS[following["weekday"].lower()]
                try:
                    if following["rel"].lower() == "previous":
                        day = weekday_on_or_before(anchor - timedelta(days=1), weekday)
                    else:
                        day = weekday_on_or_after(anchor + timedelta(days=1), weekday)
                    expr = TemporalExpression(
                        expr.start, expr.end, expr.text, iso_day(day), "day", None, True
                    )
                except (ValueError, OverflowError):  # the edge of the calendar: keep the plain reading
                    pass
        if pending and expr.text.lower() == "then":
            # "until then" points back at a date just named: one within the last sentence or two
            if latest is not None and latest.value is not None and expr.start - latest.end <= _THEN_REACH:
                out.append(
                    TemporalExpression(
                        expr.start,
                        expr.end,
                        expr.text,
                        latest.value,
                        latest.granularity,
                        latest.modifier,
                        latest.relative,
                    )
                )
            continue
        if expr.value is None and expr.relative and expr.offset_days is None and _is_anaphor(expr.text):
            resolved = _shift_anaphor(expr, latest)
            if resolved is not None:
                out.append(resolved)
            continue
        out.append(expr)
        if expr.value is not None and not _is_anaphor(expr.text):
            latest = expr
    return out


def _is_anaphor(text: str) -> bool:
    """Whether an expression's text is an anaphoric ``that year``-style phrase."""
    return (
        re.search(
            r"\b(?:that|following|next|previous|same)\s+(?:year|month|day)\b|\bin\s+the\s+day\b", text, re.I
        )
        is not None
    )


def _shift_anaphor(expr: TemporalExpression, ref: TemporalExpression | None) -> TemporalExpression | None:
    """Resolve an anaphor against the reference expression; None when it cannot be."""
    if ref is None or ref.value is None:
        return None
    step = 0
    shift = _ANAPHOR_SHIFT.search(expr.text)
    if shift:
        step = -1 if shift.group().lower() == "previous" else 1
    value = ref.value
    parts = value.split("-")
    try:
        year = int(parts[0])
        if expr.granularity == "year":
            if not 1 <= year + step <= 9999:
                return None
            new = f"{year + step:04d}"
        elif expr.granularity == "month":
            if len(parts) < 2 or parts[1].startswith("W"):
                return None
            new = iso_month(*add_months(year, int(parts[1]), step))
        else:
            if len(parts) < 3:
                return None
            new = iso_day(date(year, int(parts[1]), int(parts[2])) + timedelta(days=step))
    except (ValueError, OverflowError):
        return None
    return TemporalExpression(expr.start, expr.end, expr.text, new, expr.granularity, relative=ref.relative)
