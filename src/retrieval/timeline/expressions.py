"""Find temporal expressions in English text and normalise them against a publication date.

The tagger is an ordered list of named pattern rules (:data:`RULES`) followed by named post-passes
(:data:`POST_PASSES`); ``engine.run_rules`` runs them. Where matches overlap, the longest wins (a
leading "on"/"in" does not count) and ties go to the rule listed first.

To add a case: write a resolver (one-line docstring with an example) in ``rules_dates.py`` or
``rules_relative.py`` with its ``Rule`` (pattern, gate words, vetoes), list it here, and add a row under
its name to the table in ``tests/test_timeline_rules.py``. A revision that needs the other expressions
of the text is a post-pass in ``passes.py`` (or ``anchors.py``), listed in :data:`POST_PASSES`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from . import anchors, passes, rules_dates, rules_relative
from .calendar import in_calendar
from .engine import PostPass, Rule, run_rules
from .model import Granularity, TemporalExpression

__all__ = ["POST_PASSES", "RULES", "Granularity", "TemporalExpression", "find_expressions"]

RULES: tuple[Rule, ...] = (
    rules_dates.FULL_DATE,
    rules_dates.ISO_DATE,
    rules_dates.US_DATE,
    rules_dates.MONTH_YEAR,
    rules_dates.MONTH_RULE,
    rules_dates.MONTH_SPELLED_YEAR,
    rules_dates.YEAR_RULE,
    rules_dates.SPELLED_YEAR_RULE,
    rules_relative.DEICTIC_DAY,
    rules_relative.WEEKDAY_RULE,
    rules_relative.RELATIVE_UNIT,
    rules_relative.AGO,
    rules_relative.IN_UNITS,
    rules_relative.YEAR_EARLIER,
    rules_dates.HOLIDAY_RULE,
    rules_dates.WEEK_OF,
    rules_relative.NAMED_YEAR,
    rules_relative.THE_YEAR,
    rules_relative.NAMED_MONTH,
    rules_relative.ANAPHOR,
    rules_relative.NTH_DAY,
    rules_relative.APPOSITIVE_DAY,
    rules_relative.THEN,
    rules_dates.ERA_RULE,
)

POST_PASSES: tuple[PostPass, ...] = (
    PostPass("coordinated_days", passes.coordinated_days),
    PostPass("day_before_after", passes.day_before_after, gate=("day",)),
    PostPass("elliptic_last", passes.elliptic_last, gate=("last",)),
    PostPass("following_weekday", passes.following_weekday, gate=("following", "previous")),
    PostPass("apposition", passes.apposition, gate=("day",)),
    PostPass("until_then", passes.until_then, gate=("then",)),
    PostPass("anaphor_shift", passes.anaphor_shift, gate=("year", "month", "day")),
    PostPass("event_anchor", anchors.event_anchor, gate=("after", "before")),
)


def find_expressions(text: str, published: date | None = None) -> list[TemporalExpression]:
    """All date expressions in ``text``, in text order, normalised against ``published`` when known."""
    if not isinstance(text, str) or not text:
        return []
    return [
        e if e.value is None or in_calendar(e.value) else replace(e, value=None, relative=True)
        for e in run_rules(RULES, POST_PASSES, text, published)
    ]
