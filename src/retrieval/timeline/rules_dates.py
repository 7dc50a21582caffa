"""Pattern rules for calendar dates: days, months and years written out, holidays and eras."""

from __future__ import annotations

import re

from .calendar import WEEKDAYS, holiday, iso_day, iso_month, iso_week, safe_date
from .engine import Context, Match, Rule, make
from .model import TemporalExpression
from .patterns import (
    DAY,
    DAY_WORD,
    ERA,
    ERAS,
    HOLIDAY,
    MOD,
    MONTH,
    MONTH_FULL,
    SPELLED_YEAR,
    WEEKDAY,
    YEAR,
    compile_rule,
)
from .reading import closest_year, leading_int, modifier, month_number, spelled_year

# --- vetoes -------------------------------------------------------------------------------------------

_MAY_BEFORE = re.compile(
    r"\b(?:in|since|until|by|from|through|to|of|before|after|during|early|late|mid)\s+$", re.I
)
_NOT_MONTH_AFTER = re.compile(r"\s+(?:for|of)\s+(?:the\s+)?[A-Z]")
_NOT_MONTH_BEFORE = re.compile(r"\bannual\s+$", re.I)
_NOT_YEAR_AFTER = re.compile(
    r"\s*(?:s\b|['\u2019]s\b|GMT|UTC|EST|EDT|PST|hours\b|local\s+time|[-\s]?(?:feet|foot|meters?|metres?|miles?"
    r"|km|kilometers?|kilometres?|people|shares|troops|workers|dollars|yuan|euros?|pounds|barrels|tons"
    r"|tonnes|cars|jobs|votes|points|members|soldiers|cases|units|students|employees|acres|yards))",
)
_AMOUNT_BEFORE = re.compile(r"[$£€#.]\s?$|\d[\s,]$")
_NAME_BEFORE = re.compile(r"(?<![.!?]\s)(?<!^)\b(?P<word>[A-Z][a-z]+\.?)\s+$")
_CAPITAL_PREPOSITIONS = frozenset(
    {"In", "Since", "By", "Until", "From", "Before", "After", "During", "Of", "Through", "And", "Or",
     "Fiscal", "The", "Early", "Late", "Mid", "To", "For", "Between", "Around", "About", "Circa"}
)  # fmt: skip


def _bare_month(m: Match) -> bool:
    """Whether a month stands alone: no modifier, no last/next, no year after it."""
    return not (m["mod"] or m["rel"] or m["yrel"])


def modal_may(m: Match, ctx: Context) -> bool:
    """``May I ask``: a bare capitalised May without a preposition before it is the modal verb."""
    before = ctx.text[max(0, m.start("month") - 30) : m.start("month")]
    return _bare_month(m) and m["month"] == "May" and not _MAY_BEFORE.search(before)


def month_in_a_name(m: Match, ctx: Context) -> bool:
    """``the annual March for Life``, ``the March of the Mothers``: a bare month inside a name."""
    before = ctx.text[max(0, m.start("month") - 30) : m.start("month")]
    return _bare_month(m) and bool(
        _NOT_MONTH_AFTER.match(ctx.text, m.end()) or _NOT_MONTH_BEFORE.search(before)
    )


def year_counts_something(m: Match, ctx: Context) -> bool:
    """``1990 people``, ``the 1990s``, ``2000 GMT``: a number or a time, not a year."""
    return _NOT_YEAR_AFTER.match(ctx.text, m.end()) is not None


def year_is_an_amount(m: Match, ctx: Context) -> bool:
    """``$2000``, ``No. 1999``, ``3, 1990``: an amount or a list of numbers."""
    return _AMOUNT_BEFORE.search(ctx.text[max(0, m.start("year") - 2) : m.start("year")]) is not None


def year_in_a_name(m: Match, ctx: Context) -> bool:
    """``Windows 2000``, ``Orion 1980``: a capitalised word (not a month or a preposition) names it."""
    name = _NAME_BEFORE.search(ctx.text, max(0, m.start("year") - 30), m.start("year"))
    return bool(
        name
        and name["word"].rstrip(".").lower() not in _MONTHS_LOWER
        and name["word"] not in _CAPITAL_PREPOSITIONS
    )


_MONTHS_LOWER = frozenset(
    "january jan february feb march mar april apr may june jun july jul august aug september sept sep "
    "october oct november nov december dec".split()
)

# --- resolvers ----------------------------------------------------------------------------------------


def full_date(m: Match, ctx: Context) -> TemporalExpression | None:
    """``Sunday, April 16, 2023``, ``16 April``, ``Oct. 13``: a day, its year from the text or publication."""
    month, day = month_number(m["month"]), leading_int(m["day"])
    if m["year"]:
        found = safe_date(int(m["year"]), month, day)
        return make(m, iso_day(found), "day") if found else None
    if safe_date(2000, month, day) is None:  # 2000 is a leap year: only impossible days fail here
        return None
    if ctx.published is None:
        return make(m, None, "day", relative=True, offset=None)
    pub = ctx.published
    if m["weekday"]:
        weekday = WEEKDAYS[m["weekday"].lower()]
        matching = [d for y in range(pub.year - 3, pub.year + 4)
                    if (d := safe_date(y, month, day)) is not None and d.weekday() == weekday]  # fmt: skip
        if matching:
            best = min(matching, key=lambda d: abs((d - pub).days))
            return make(m, iso_day(best), "day", relative=True)
    found = closest_year(month, day, pub, ctx.tense())
    return make(m, iso_day(found), "day", relative=True) if found else None


FULL_DATE = Rule(
    "full_date",
    compile_rule(
        rf"(?:\b[Oo]n\s+)?(?:(?P<weekday>{WEEKDAY}),?\s+(?:the\s+)?)?(?:\b(?P<month>{MONTH})\s+"
        rf"(?P<day>{DAY}\b|{DAY_WORD})|\b(?P<day>{DAY})\s+(?:of\s+)?(?P<month>{MONTH}))"
        rf"(?:,?\s+(?P<year>{YEAR}))?"
    ),
    full_date,
)


def numeric_date(m: Match, ctx: Context) -> TemporalExpression | None:
    """``2023-04-16`` or ``4/16/2023``: a day written in digits."""
    found = safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return make(m, iso_day(found), "day") if found else None


ISO_DATE = Rule(
    "iso_date",
    compile_rule(r"(?<![\d-])(?P<y>1\d{3}|20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d-])"),
    numeric_date,
)
US_DATE = Rule(
    "us_date",
    compile_rule(r"(?<![\d/])(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>1\d{3}|20\d\d)(?![\d/])"),
    numeric_date,
)


def month_year(m: Match, ctx: Context) -> TemporalExpression | None:
    """``late March 2023``, ``March of 2023``, ``January nineteen ninety-seven``: a month of a named year."""
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else spelled_year(groups["spelled"])
    if year is None or not 1000 <= year <= 2099:
        return None
    return make(m, iso_month(year, month_number(m["month"])), "month", modifier=modifier(m["mod"]))


MONTH_YEAR = Rule(
    "month_year",
    compile_rule(rf"{MOD}?\b(?P<month>{MONTH_FULL}|{MONTH})\.?,?\s+(?:of\s+)?(?P<year>{YEAR})"),
    month_year,
)
MONTH_SPELLED_YEAR = Rule(
    "month_spelled_year",
    compile_rule(rf"{MOD}?\b(?P<month>{MONTH_FULL}),?\s+(?:of\s+)?(?P<spelled>{SPELLED_YEAR})"),
    month_year,
)


def month(m: Match, ctx: Context) -> TemporalExpression | None:
    """``last February``, ``late March``, ``March this year``: a month placed next to publication."""
    mon, mod = month_number(m["month"]), modifier(m["mod"])
    rel, year_rel = (m["rel"] or "").lower(), (m["yrel"] or "").lower()
    if ctx.published is None:
        offset = {"last": -180.0, "next": 180.0, "this": 0.0}.get(year_rel or rel, 0.0)
        return make(m, None, "month", modifier=mod, relative=True, offset=offset)
    pub = ctx.published
    if year_rel:
        year = pub.year + {"last": -1, "next": 1, "this": 0}[year_rel]
    elif rel in ("last", "past", "previous"):
        year = pub.year if mon < pub.month else pub.year - 1
    elif rel in ("next", "coming"):
        year = pub.year if mon > pub.month else pub.year + 1
    elif rel == "this":
        year = pub.year
    else:
        tense = ctx.tense()
        if tense == "future":
            year = pub.year if mon >= pub.month else pub.year + 1
        elif tense == "past":
            year = pub.year if mon <= pub.month else pub.year - 1
        else:  # no tense to go by: the nearest such month, the past one on a tie
            year = min((pub.year - 1, pub.year, pub.year + 1),
                       key=lambda y: (abs((y - pub.year) * 12 + mon - pub.month), y))  # fmt: skip
    return make(m, iso_month(year, mon), "month", modifier=mod, relative=True)


MONTH_RULE = Rule(
    "month",
    compile_rule(
        rf"(?:{MOD}|\b[Ii]n\s+(?=[A-Z]))?(?:\b(?P<rel>last|next|this|Last|Next|This|past|coming)\s+)?"
        rf"\b(?P<month>{MONTH_FULL})"
        rf"(?:,?\s+(?:of\s+)?(?P<yrel>this|last|next)\s+year\b)?"
    ),
    month,
    vetoes=(modal_may, month_in_a_name),
)


def year(m: Match, ctx: Context) -> TemporalExpression | None:
    """``in 1949``, ``fiscal 1989``, ``mid-1996``, ``the end of 1990``: a year written in digits."""
    return make(m, m["year"], "year", modifier=modifier(m["mod"]))


YEAR_RULE = Rule(
    "year",
    compile_rule(rf"(?:(?:\b[Ii]n|\b[Ff]iscal|\bFY)\s+)?{MOD}?(?<![\w$£€#.,/])(?<!\d-)(?P<year>{YEAR})\b"),
    year,
    vetoes=(year_counts_something, year_is_an_amount, year_in_a_name),
)


def spelled(m: Match, ctx: Context) -> TemporalExpression | None:
    """``nineteen ninety-six``, ``the year two thousand``: a year written in words."""
    value = spelled_year(m["spelled"])
    if value is None or not 1000 <= value <= 2099:
        return None
    return make(m, f"{value:04d}", "year")


SPELLED_YEAR_RULE = Rule(
    "spelled_year",
    compile_rule(rf"(?:\bthe\s+year\s+)?\b(?P<spelled>{SPELLED_YEAR})", ignore_case=True),
    spelled,
)


def week_of(m: Match, ctx: Context) -> TemporalExpression | None:
    """``the week of March 6``: the ISO week holding that day."""
    mon, day = month_number(m["month"]), leading_int(m["day"])
    if m["year"]:
        found = safe_date(int(m["year"]), mon, day)
    elif ctx.published is None:
        return make(m, None, "week", relative=True, offset=None)
    else:
        found = closest_year(mon, day, ctx.published, ctx.tense())
    return make(m, iso_week(found), "week", relative=m["year"] is None) if found else None


WEEK_OF = Rule(
    "week_of",
    compile_rule(rf"\b[Tt]he\s+week\s+of\s+(?P<month>{MONTH})\s+(?P<day>{DAY})(?:,?\s+(?P<year>{YEAR}))?"),
    week_of,
    gate=("week",),
)


_ISLAND_AFTER = re.compile(r"\s+Islands?\b")


def holiday_in_a_name(m: Match, ctx: Context) -> bool:
    """``Easter Island``, ``Christmas Island``: a place named after the holiday."""
    return _ISLAND_AFTER.match(ctx.text, m.end()) is not None


_HOLIDAY_REACH = (
    300  # days back a past-tense holiday may lie; further, the clause's tense is not to be trusted
)


def holiday_rule(m: Match, ctx: Context) -> TemporalExpression | None:
    """``Thanksgiving``, ``last Christmas``, ``Election Day week``: the holiday nearest publication."""
    name = re.sub(r"\s+", " ", m["holiday"])
    rel = (m["hrel"] or "").lower()
    if ctx.published is None:
        return make(m, None, "day", relative=True, offset={"last": -180.0, "next": 180.0}.get(rel, 0.0))
    pub = ctx.published
    days = [d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := holiday(name, y)) is not None]
    if not days:
        return None
    if m["hweek"]:
        return make(m, iso_week(min(days, key=lambda d: abs((d - pub).days))), "week", relative=True)
    tense = "past" if rel == "last" else "future" if rel == "next" else ctx.tense()
    if tense == "past" and (rel == "last" or any(0 <= (pub - d).days <= _HOLIDAY_REACH for d in days)):
        pool = [d for d in days if d < pub] if rel == "last" else [d for d in days if d <= pub]
        found = max(pool) if pool else None
    elif tense == "future":
        pool = [d for d in days if d > pub] if rel == "next" else [d for d in days if d >= pub]
        found = min(pool) if pool else None
    else:
        found = min(days, key=lambda d: abs((d - pub).days))
    return make(m, iso_day(found), "day", relative=True) if found else None


HOLIDAY_RULE = Rule(
    "holiday",
    compile_rule(
        rf"(?:\b(?P<hrel>last|next|this|Last|Next|This)\s+)?\b(?P<holiday>{HOLIDAY})(?P<hweek>\s+week\b)?"
    ),
    holiday_rule,
    vetoes=(holiday_in_a_name,),
)


def era(m: Match, ctx: Context) -> TemporalExpression | None:
    """``the end of World War II`` -> 1945, ``the start of the Cold War`` -> 1947: an era's edge year."""
    span = ERAS.get(re.sub(r"\s+", " ", m["era"]).lower())
    if span is None:
        return None
    return make(m, f"{span[1] if m['edge'].lower() in ('end', 'close') else span[0]:04d}", "year")


ERA_RULE = Rule(
    "era",
    compile_rule(
        rf"\b(?:[Tt]he\s+)?(?P<edge>end|start|beginning|outbreak|close|End|Start|Beginning|Outbreak)\s+of\s+"
        rf"(?:the\s+)?(?P<era>{ERA})"
    ),
    era,
    gate=("war", "depression"),
)
