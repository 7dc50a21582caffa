"""The timeline's rule table: one row per pattern rule, post-pass and veto, keyed by name.

Adding a rule or a pass means adding a row here under its name (the test below fails until you do);
adding a veto means adding a counter-example that the veto, and only the veto, keeps out.
"""

from __future__ import annotations

import ast
import inspect
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from retrieval.timeline import expressions, find_expressions
from retrieval.timeline.engine import PostPass, Rule, RuleError, strict_mode

PUBLISHED = date(2024, 3, 6)  # a Wednesday
TIMELINE = Path(__file__).resolve().parents[1] / "src" / "retrieval" / "timeline"

# name: (text, the expression as found, its value), dated against PUBLISHED.
CASES: dict[str, tuple[str, str, str]] = {
    "full_date": ("The vote was held on Sunday, March 3.", "on Sunday, March 3", "2024-03-03"),
    "iso_date": ("The filing is dated 2023-04-16.", "2023-04-16", "2023-04-16"),
    "us_date": ("The letter is dated 4/16/2023.", "4/16/2023", "2023-04-16"),
    "month_year": ("It opened in late March 2023.", "late March 2023", "2023-03"),
    "month": ("He resigned last February.", "last February", "2024-02"),
    "month_spelled_year": (
        "It began in January nineteen ninety-seven.",
        "January nineteen ninety-seven",
        "1997-01",
    ),
    "year": ("The treaty was signed in 1949.", "in 1949", "1949"),
    "spelled_year": ("Back in nineteen ninety-six, it failed.", "nineteen ninety-six", "1996"),
    "deictic_day": ("The minister spoke yesterday.", "yesterday", "2024-03-05"),
    "weekday": ("Talks resume on Friday.", "on Friday", "2024-03-08"),
    "relative_unit": ("Prices rose last week.", "last week", "2024-W09"),
    "ago": ("He left two weeks ago.", "two weeks ago", "2024-W08"),
    "in_units": ("The bonds will be redeemed in five years.", "in five years", "2029"),
    "year_earlier": ("Profit beat the year-earlier figure.", "year-earlier", "2023"),
    "holiday": ("Stores closed on Christmas.", "Christmas", "2023-12-25"),
    "week_of": ("Hearings begin the week of March 18.", "the week of March 18", "2024-W12"),
    "named_year": ("Sales will grow by the end of the year.", "the end of the year", "2024"),
    "the_year": ("Revenue for the year rose 5%.", "the year", "2024"),
    "named_month": ("Payment is due at the end of the month.", "the end of the month", "2024-03"),
    "anaphor": ("He moved to Paris in 1990 and left the following year.", "the following year", "1991"),
    "nth_day": ("It's the second day of the strike.", "the second day", "2024-03-06"),
    "appositive_day": ("He was last seen on Oct. 12, the day before the crash.", "the day", "2023-10-12"),
    "then": ("The market reopens on March 11; until then, trading is halted.", "then", "2024-03-11"),
    "era": ("At the end of World War II, Taiwan changed hands.", "the end of World War II", "1945"),
    # post-passes
    "coordinated_days": ("Talks are set for April 24 and 25.", "25", "2024-04-25"),
    "day_before_after": ("Shops opened the day after Christmas.", "the day after Christmas", "2023-12-26"),
    "elliptic_last": ("The dividend is twice as high this year as last.", "last", "2023"),
    "following_weekday": (
        "He arrived on March 1. The following Monday he left.",
        "following Monday",
        "2024-03-04",
    ),
    "apposition": ("He was last seen on Oct. 12, the day before the crash.", "the day", "2023-10-12"),
    "until_then": ("The market reopens on March 11; until then, trading is halted.", "then", "2024-03-11"),
    "anaphor_shift": ("He moved to Paris in 1990 and left the following year.", "the following year", "1991"),
    "event_anchor": (
        "The army held drills on Saturday. A week after the drills, it left.",
        "A week after the drills",
        "2024-W10",
    ),
}

# veto name: (text, the expression the veto keeps out).
VETO_CASES: dict[str, tuple[str, str]] = {
    "modal_may": ("May I ask a question?", "May"),
    "month_in_a_name": ("Thousands joined the annual March for Life.", "March"),
    "year_counts_something": ("About 1990 people came.", "1990"),
    "year_is_an_amount": ("It cost $ 2000 each.", "2000"),
    "year_in_a_name": ("He installed Windows 2000 on it.", "2000"),
    "today_in_a_name": ("She told USA Today the plan failed.", "Today"),
    "today_as_nowadays": ("He said today's youth read less.", "today's"),
    "weekday_in_a_name": ("He wrote for the Sunday Times.", "Sunday"),
    "holiday_in_a_name": ("They sailed to Easter Island.", "Easter"),
    "capitalised_unit": ("He appeared on This Week with guests.", "This Week"),
    "not_a_future_clause": ("It was his second letter in two weeks.", "in two weeks"),
    "title_before_year": ("She was named Player of the year.", "the year"),
    "other_year_in_focus": ("In 1988 it lost money. For the year, sales rose.", "the year"),
    "no_present_copula": ("On the second day of the talks, they left.", "the second day"),
    "before_an_event": ("He left a year before the election.", "a year before"),
}


def _steps() -> list[Rule | PostPass]:
    return [*expressions.RULES, *expressions.POST_PASSES]


def test_every_rule_pass_and_veto_has_a_row():
    names = [step.name for step in _steps()]
    assert len(names) == len(set(names)), "two rules share a name"
    assert set(CASES) == set(names)
    vetoes = {veto.__name__ for rule in expressions.RULES for veto in rule.vetoes}
    assert set(VETO_CASES) == vetoes


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_row(name):
    text, expression, value = CASES[name]
    found = {e.text: e for e in find_expressions(text, PUBLISHED)}
    assert expression in found, f"{name}: {expression!r} not found in {sorted(found)}"
    assert found[expression].value == value
    assert name in found[expression].rules


@pytest.mark.parametrize("name", sorted(VETO_CASES))
def test_veto_row_is_kept_out_by_that_veto(name, monkeypatch):
    text, expression = VETO_CASES[name]
    assert expression not in {e.text for e in find_expressions(text, PUBLISHED)}
    unvetoed = tuple(
        replace(r, vetoes=tuple(v for v in r.vetoes if v.__name__ != name)) for r in expressions.RULES
    )
    monkeypatch.setattr(expressions, "RULES", unvetoed)
    assert expression in {e.text for e in find_expressions(text, PUBLISHED)}, "the row does not need its veto"


def _functions() -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for step in _steps():
        out.append((step.name, step.resolve if isinstance(step, Rule) else step.run))
        if isinstance(step, Rule):
            out.extend((veto.__name__, veto) for veto in step.vetoes)
    return out


@pytest.mark.parametrize(("name", "function"), _functions(), ids=[n for n, _ in _functions()])
def test_each_resolver_pass_and_veto_has_a_one_line_docstring_with_an_example(name, function):
    doc = inspect.getdoc(function) or ""
    first = doc.splitlines()[0] if doc else ""
    assert "``" in first, (
        f"{name}: the docstring's first line should show an example in ``double backquotes``"
    )


def test_no_timeline_file_over_500_lines_and_no_function_over_60():
    for path in sorted(TIMELINE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert source.count("\n") <= 500, f"{path.name} has {source.count(chr(10))} lines"
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= 60, f"{path.name}:{node.lineno} {node.name} has {length} lines"


# --- strict mode ------------------------------------------------------------------------------------------


def _broken_rule(*_: object) -> None:
    """``never``: a resolver that always raises."""
    raise ZeroDivisionError("broken on purpose")


def _with_broken_rule(monkeypatch) -> None:
    """The ``year`` rule replaced by one with its pattern whose resolver raises."""
    rules = tuple(
        replace(r, name="broken_year", resolve=_broken_rule) if r.name == "year" else r
        for r in expressions.RULES
    )
    monkeypatch.setattr(expressions, "RULES", rules)


def test_the_tests_run_in_strict_mode():
    assert strict_mode()


def test_a_failing_rule_fails_in_strict_mode(monkeypatch):
    _with_broken_rule(monkeypatch)
    with pytest.raises(RuleError, match=r"broken_year.*1949"):
        find_expressions("The treaty was signed in 1949.", PUBLISHED)


def test_a_failing_rule_is_logged_by_name_and_skipped_in_production(monkeypatch, caplog):
    _with_broken_rule(monkeypatch)
    monkeypatch.setenv("NEWSDESK_STRICT", "0")
    with caplog.at_level(logging.WARNING, logger="retrieval.timeline.engine"):
        found = find_expressions("The treaty was signed in 1949, yesterday.", PUBLISHED)
    assert [e.text for e in found] == ["yesterday"]  # the failing match is skipped, nothing else is
    assert "broken_year" in caplog.text and "1949" in caplog.text


def test_a_failing_pass_fails_in_strict_mode_and_changes_nothing_in_production(monkeypatch, caplog):
    def explode(text, found):
        raise KeyError("broken on purpose")

    text = "He moved to Paris in 1990 and left the following year."
    monkeypatch.setattr(
        expressions, "POST_PASSES", (PostPass("broken_pass", explode), *expressions.POST_PASSES)
    )
    with pytest.raises(RuleError, match="broken_pass"):
        find_expressions(text, PUBLISHED)
    monkeypatch.setenv("NEWSDESK_STRICT", "0")
    with caplog.at_level(logging.WARNING, logger="retrieval.timeline.engine"):
        found = find_expressions(text, PUBLISHED)
    assert "broken_pass" in caplog.text
    assert {e.text: e.value for e in found} == {"in 1990": "1990", "the following year": "1991"}


def test_a_date_off_the_calendar_is_undated_not_a_failure():
    found = find_expressions("It happened yesterday, two weeks ago and last February.", date(1, 1, 1))
    assert [(e.text, e.value) for e in found] == [
        ("yesterday", None),
        ("two weeks ago", None),
        ("last February", None),
    ]
    assert all(e.relative and e.offset_days is not None and e.offset_days < 0 for e in found)
