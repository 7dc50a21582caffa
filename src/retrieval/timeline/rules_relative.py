"""Pattern rules for expressions relative to publication (``yesterday``, ``last week``, ``on Sunday``)
and for pointers that a post-pass resolves against the text (``that year``, ``until then``)."""

from __future__ import annotations

import re

from .calendar import WEEKDAYS, iso_day, moved, weekday_on_or_after, weekday_on_or_before
from .engine import Context, Match, Rule, from_published, make
from .model import Granularity, TemporalExpression
from .patterns import APOS, MOD, NUM, WEEKDAY, compile_rule
from .reading import at_sentence_start, modifier, number
from .tense import sentence_bounds

# --- vetoes -------------------------------------------------------------------------------------------

_GENERIC_AFTER = re.compile(
    r"(?<=['\u2019]s)\s+(?:world|youth|society|generation|children|kids|young|economy|standards|personal"
    r"|technology|students|market|environment|culture|families|women|men|people|consumers|politics|media)\b",
    re.I,
)
_GENERIC_BEFORE = re.compile(r"\bof\s+$", re.I)
_NEWSPAPER_AFTER = re.compile(
    r"\s+(?:Times|Telegraph|Mirror|Express|Herald|Post|Star|Observer|Tribune|Independent|Mail|Night\s+Live"
    r"|Morning\s+Post)\b"
)
_NEWS_BEFORE = re.compile(r"\bNews\s+$")
_TITLE_BEFORE = re.compile(r"\b[A-Z][a-z]+\s+of\s+$")
_EXPLICIT_YEAR = re.compile(r"(?<![\w$£€#.,/])(?P<year>(?:1[0-9]\d\d|20\d\d)(?![\d%])(?!,\d)(?!\.\d))\b")
_PRESENT_COPULA = re.compile(r"\b(?:(?:[Tt]oday|[Ii]t|[Tt]his)\s+is|[Ii]t['\u2019]s)\s+$")


def today_in_a_name(m: Match, ctx: Context) -> bool:
    """``USA Today``, ``VOA Today``: a capitalised day word inside a sentence is a name."""
    return (
        m["word"][0].isupper()
        and not m["dmod"]
        and not m["extra"]
        and not at_sentence_start(ctx.text, m.start())
    )


def today_as_nowadays(m: Match, ctx: Context) -> bool:
    """``today's youth``, ``the people of tomorrow``: nowadays or the future, not a date."""
    return m["word"].lower() in ("today", "tomorrow") and bool(
        _GENERIC_AFTER.match(ctx.text, m.end())
        or _GENERIC_BEFORE.search(ctx.text, max(0, m.start() - 40), m.start())
    )


def weekday_in_a_name(m: Match, ctx: Context) -> bool:
    """``the Sunday Times``, ``Fox News Sunday``: a weekday naming a paper or a show."""
    name_before = _NEWS_BEFORE.search(ctx.text, max(0, m.start("weekday") - 6), m.start("weekday"))
    return _NEWSPAPER_AFTER.match(ctx.text, m.end()) is not None or name_before is not None


def capitalised_unit(m: Match, ctx: Context) -> bool:
    """``This Week``: a capitalised unit is a programme's name."""
    return m["unit"][0].isupper()


def not_a_future_clause(m: Match, ctx: Context) -> bool:
    """``his second letter in two weeks``: outside a future clause ``in two weeks`` is a span, not a date."""
    return ctx.tense() != "future"


_EVENT_AFTER = re.compile(r"\s+(?:the|his|her|its|their|a|an|this|that|[A-Z]\w*['\u2019]s)\s")


def before_an_event(m: Match, ctx: Context) -> bool:
    """``a year before the election``: counted from that event (``event_anchor``), not publication."""
    return m.group().lower().endswith("before") and _EVENT_AFTER.match(ctx.text, m.end()) is not None


def title_before_year(m: Match, ctx: Context) -> bool:
    """``Player of the Year``: a title, not a period."""
    return _TITLE_BEFORE.search(ctx.text, max(0, m.start() - 30), m.start()) is not None


def other_year_in_focus(m: Match, ctx: Context) -> bool:
    """``In 1988 it lost money. For the year, ...``: another year named in this or the last sentence."""
    left, right = sentence_bounds(ctx.text, m.start(), m.end())
    if left > 0:
        left = sentence_bounds(ctx.text, max(0, left - 2), max(0, left - 2))[0]
    years = _EXPLICIT_YEAR.finditer(ctx.text, left, right)
    if ctx.published is None:
        return any(True for _ in years)
    return any(int(y["year"]) != ctx.published.year for y in years)


def no_present_copula(m: Match, ctx: Context) -> bool:
    """``the second day of talks`` alone may be any day; ``it's the second day`` is today."""
    return not _PRESENT_COPULA.search(ctx.text, max(0, m.start() - 12), m.start())


# --- resolvers: relative to publication -----------------------------------------------------------------


def deictic_day(m: Match, ctx: Context) -> TemporalExpression | None:
    """``yesterday``, ``late tonight``, ``the day after tomorrow``: a day counted from publication."""
    shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[m["word"].lower()]
    if m["extra"]:
        shift += -1 if "before" in m["extra"].lower() else 1
    mod = modifier(m["dmod"]) if m["dmod"] and m["dmod"].lower() in ("early", "late") else None
    return from_published(m, ctx, shift, "day", modifier=mod)


DEICTIC_DAY = Rule(
    "deictic_day",
    compile_rule(
        r"(?:\b(?P<dmod>early|late|earlier|later)\s+)?\b(?P<extra>the\s+day\s+(?:before|after)\s+)?"
        r"(?P<word>today|tonight|yesterday|tomorrow)\b" + f"(?:{APOS}s)?",
        ignore_case=True,
    ),
    deictic_day,
    gate=("today", "tonight", "yesterday", "tomorrow"),
    vetoes=(today_in_a_name, today_as_nowadays),
)

_POSSESSIVE = re.compile(r"['\u2019]s\b")  # "Monday night's debate": the match ends before the 's
_WEEKDAY_OFFSETS = {"before": -5.0, "after": 5.0, "on_or_before": -2.0, "on_or_after": 2.0, "week": 0.0}


def _weekday_direction(m: Match, ctx: Context) -> str:
    """Where a weekday lies from publication: before, after, on or before, on or after, or this week."""
    rel = (m["wrel"] or "").lower()
    if rel in ("last", "past", "previous"):
        return "before"
    if rel in ("next", "coming"):
        return "after"
    if rel in ("earlier", "later"):
        return "on_or_before" if rel == "earlier" else "on_or_after"
    if rel == "this":
        return "on_or_after" if ctx.tense() in ("future", "present") else "week"
    if m.group().endswith(("'s", "\u2019s")) or _POSSESSIVE.match(ctx.text, m.end()):
        return "on_or_before"  # "Wednesday's ruling" names a day already seen
    return "on_or_after" if ctx.tense() in ("future", "present") else "on_or_before"


def weekday(m: Match, ctx: Context) -> TemporalExpression | None:
    """``on Sunday``, ``last Friday``, ``Thursday morning``: the nearest such day, the way tense points."""
    day = WEEKDAYS[m["weekday"].lower()]
    rel = (m["wrel"] or "").lower()
    direction = _weekday_direction(m, ctx)
    mod = modifier(rel) if rel in ("early", "late") else None
    if ctx.published is None:
        return make(m, None, "day", modifier=mod, relative=True, offset=_WEEKDAY_OFFSETS[direction])
    pub = ctx.published
    if direction == "before":
        found = weekday_on_or_before(moved(pub, -1, "day"), day)
    elif direction == "after":
        found = weekday_on_or_after(moved(pub, 1, "day"), day)
    elif direction == "on_or_after":
        found = weekday_on_or_after(pub, day)
    elif direction == "week":
        found = moved(pub, day - pub.weekday(), "day")
    else:
        found = weekday_on_or_before(pub, day)
    return make(m, iso_day(found), "day", modifier=mod, relative=True)


WEEKDAY_RULE = Rule(
    "weekday",
    compile_rule(
        rf"(?:\b[Oo]n\s+)?(?:\b(?P<wrel>last|next|this|past|coming|previous|following|earlier|later|early|late"
        rf"|Last|Next|This|Earlier|Later|Early|Late)\s+)?\b(?P<weekday>{WEEKDAY})(?:{APOS}s)?"
        rf"(?:\s+(?:morning|afternoon|evening|night)\b)?"
    ),
    weekday,
    vetoes=(weekday_in_a_name,),
)

_SHIFTS = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1, "coming": 1}


def relative_unit(m: Match, ctx: Context) -> TemporalExpression | None:
    """``last week``, ``earlier this month``, ``early next year``: that unit, steps from publication."""
    return from_published(m, ctx, _SHIFTS[m["rel"].lower()], m["unit"].lower(), modifier=modifier(m["mod"]))


RELATIVE_UNIT = Rule(
    "relative_unit",
    compile_rule(
        rf"{MOD}?(?:\b(?:earlier|later|so\s+far|Earlier|Later)\s+)?\b(?P<rel>last|this|next|current|coming"
        rf"|previous|(?<=\bthe\s+)past)\s+(?P<unit>week|month|year)\b(?!-)",
        ignore_case=True,
    ),
    relative_unit,
    gate=("week", "month", "year"),
    vetoes=(capitalised_unit,),
)


def ago(m: Match, ctx: Context) -> TemporalExpression | None:
    """``two weeks ago``, ``41 years ago``, ``a year earlier``: that many units before publication."""
    count = number(m["n"])
    if count is None or count > 3000:
        return None
    return from_published(m, ctx, -count, m["unit"].lower())


AGO = Rule(
    "ago",
    compile_rule(
        r"(?:\b(?:about|almost|nearly|some|roughly|around|more\s+than|less\s+than|over|just|only|barely)\s+)?"
        rf"\b(?P<n>{NUM})\s+(?P<unit>day|week|month|year)s?(?:\s+or\s+so)?\s+ago\b"
        r"|\b(?P<n>a|one)\s+(?P<unit>year)\s+(?:earlier|before)\b",
        ignore_case=True,
    ),
    ago,
    gate=("ago", "earlier", "before"),
    vetoes=(before_an_event,),
)


def in_units(m: Match, ctx: Context) -> TemporalExpression | None:
    """``will be redeemed in five years``: that long after publication (future clauses only)."""
    count = number(m["n"])
    if count is None or count > 100:
        return None
    return from_published(m, ctx, count, m["unit"].lower())


IN_UNITS = Rule(
    "in_units",
    compile_rule(
        rf"\b[Ii]n\s+(?P<n>{NUM})\s+(?P<unit>day|week|month|year)s?\b(?!\s+(?:ago|of|before|after|earlier|later))"
        rf"(?![-\u2019'])"
    ),
    in_units,
    vetoes=(not_a_future_clause,),
)


def year_earlier(m: Match, ctx: Context) -> TemporalExpression | None:
    """``year-earlier results``, ``the year-ago quarter``: the year before publication."""
    return from_published(m, ctx, -1, "year")


YEAR_EARLIER = Rule("year_earlier", compile_rule(r"\byear-(?:earlier|ago)\b", ignore_case=True), year_earlier,
                    gate=("year-",))  # fmt: skip


def named_year(m: Match, ctx: Context) -> TemporalExpression | None:
    """``the current fiscal year``, ``the end of the year``, ``by year-end``: the publication year."""
    mod = "late" if m["yend"] else modifier(m["mod"])
    return from_published(m, ctx, 0, "year", modifier=mod)


NAMED_YEAR = Rule(
    "named_year",
    compile_rule(
        rf"\b(?:[Tt]he\s+(?:current|full|whole|entire)\s+(?:fiscal\s+|calendar\s+)?year\b(?!-)"
        rf"|[Tt]he\s+fiscal\s+year\b(?!\s+(?:that\s+)?end)"
        rf"|(?P<mod>(?:[Tt]he\s+)?(?:end|middle|beginning|start|close)\s+of)\s+(?:the|this)\s+year\b"
        rf"|\b(?:earlier|later|Earlier|Later)\s+in\s+the\s+year\b"
        rf"|(?<=\bby\s)(?P<yend>year[-\s]end\b|year{APOS}s\s+end\b)|(?<=\baround\s)(?P<yend>year[-\s]end\b))"
    ),
    named_year,
    gate=("year",),
)


def the_year(m: Match, ctx: Context) -> TemporalExpression | None:
    """``for the year``, ``the first nine months of the year``: the publication year, when in focus."""
    return from_published(m, ctx, 0, "year")


THE_YEAR = Rule(
    "the_year",
    compile_rule(
        r"\b[Tt]he\s+year\b(?![-\u2019'])(?!\s+(?:before|after|earlier|later|ago|when|in\s+which|that"
        r"|of(?!\s+[$£€#\d])|round|since|to|two|nineteen|\d|ending))"
    ),
    the_year,
    gate=("year",),
    vetoes=(title_before_year, other_year_in_focus),
)


def named_month(m: Match, ctx: Context) -> TemporalExpression | None:
    """``the end of the month``, ``the middle of this month``: the publication month, with its part."""
    return from_published(m, ctx, 0, "month", modifier=modifier(m["mod"]))


NAMED_MONTH = Rule(
    "named_month",
    compile_rule(r"\b(?P<mod>(?:[Tt]he\s+)?(?:end|middle|beginning|start)\s+of)\s+(?:the|this)\s+month\b"),
    named_month,
    gate=("month",),
)


def nth_day(m: Match, ctx: Context) -> TemporalExpression | None:
    """``today is the eighth day of the strike``, ``it's the second day of talks``: the publication day."""
    return from_published(m, ctx, 0, "day", group="span")


NTH_DAY = Rule(
    "nth_day",
    compile_rule(
        r"(?P<span>\b(?:the\s+)?(?:first|second|third"
        r"|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,3}(?:st|nd|rd|th))\s+(?:straight\s+"
        r"|consecutive\s+|full\s+)?day)\s+(?=(?:of|in|since)\b)"
    ),
    nth_day,
    gate=("day",),
    vetoes=(no_present_copula,),
)

# --- resolvers: pointers, dated later by a post-pass ----------------------------------------------------


def _pointer(start: int, end: int, text: str, granularity: Granularity) -> TemporalExpression:
    """A relative expression with no value and no offset yet: a post-pass points it at a date or drops it."""
    return TemporalExpression(start, end, text, None, granularity, relative=True, offset_days=None)


def anaphor(m: Match, ctx: Context) -> TemporalExpression | None:
    """``that year``, ``the following month``, ``earlier that day``: dated by the ``anaphor_shift`` pass."""
    return _pointer(m.start(), m.end(), m.group(), m["aunit"].lower())


ANAPHOR = Rule(
    "anaphor",
    compile_rule(
        r"\b(?P<arel>(?:(?:earlier|later|Earlier|Later)\s+)?(?:that|That)|[Tt]he\s+(?:following|next|previous)"
        r"|[Tt]he\s+same)\s+(?P<aunit>year|month|day)\b(?!s)(?!\s+(?:of|before|after|when|that)\b)"
        r"|\b(?:earlier|later|Earlier|Later)\s+in\s+the\s+(?P<aunit>day)\b"
    ),
    anaphor,
    gate=("year", "month", "day"),
)


def appositive_day(m: Match, ctx: Context) -> TemporalExpression | None:
    """``Oct. 12, the day before the crash``: the day just named; dated by the ``apposition`` pass."""
    return _pointer(m.start("day"), m.end("day"), m["day"], "day")


APPOSITIVE_DAY = Rule(
    "appositive_day",
    compile_rule(r",\s+(?P<day>the\s+day)\s+(?=(?:before|after|when|that|on\s+which)\b)"),
    appositive_day,
    gate=("day",),
)


def then(m: Match, ctx: Context) -> TemporalExpression | None:
    """``until then``, ``by then``: the date just named; dated by the ``until_then`` pass."""
    return _pointer(m.start("then"), m.end("then"), m["then"], "day")


THEN = Rule("then", compile_rule(r"\b(?:[Uu]ntil|[Tt]ill|[Bb]y)\s+(?P<then>then)\b"), then, gate=("then",))
