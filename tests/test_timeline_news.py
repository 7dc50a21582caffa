"""Timeline: conventions of English news that decide a value beyond the rule that found the expression.

One row per convention: (text, publication date, the expression as found, its value).
"""

from __future__ import annotations

from datetime import date

import pytest

from retrieval.timeline import find_expressions

CONVENTIONS: dict[str, tuple[str, date, str, str]] = {
    # A past-tense bare month 11 months back is the one just ahead: the past tense is the report's.
    "past_month_out_of_reach": (
        "The ministry told customers of a cutback in supply in September.",
        date(1990, 8, 16),
        "in September",
        "1990-09",
    ),
    "past_month_within_reach": (
        "The company filed its plan in December.",
        date(1989, 10, 27),
        "in December",
        "1988-12",
    ),
    "future_month_at_any_distance": (
        "The board will meet in February.",
        date(1998, 3, 4),
        "in February",
        "1999-02",
    ),
}


@pytest.mark.parametrize("name", sorted(CONVENTIONS))
def test_news_convention(name):
    text, published, expression, value = CONVENTIONS[name]
    found = {e.text: e.value for e in find_expressions(text, published)}
    assert found.get(expression, "not found") == value, f"{name}: {found}"
