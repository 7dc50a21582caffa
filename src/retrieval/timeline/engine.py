"""The rule engine: pattern rules find and resolve expressions, then post-passes revise them in order.

A :class:`Rule` is a name, a pattern, a resolver and its gate and vetoes; a :class:`PostPass` is a name
and a function over all expressions found. Each expression records the names of the rule that found it
and of every pass that changed it (``TemporalExpression.rules``), which ``timeline --explain`` shows.

Strict mode: with ``NEWSDESK_STRICT=1`` (the test suite sets it) a rule or pass that raises fails the
call with :class:`RuleError`. Otherwise the failure is logged with the rule's name and only that match
(or that pass) is skipped. A date moved off the calendar (:class:`OutsideCalendar`) is no failure: the
expression is read again as if the publication date were unknown, relative and undated.
"""

from __future__ import annotations

import bisect
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from .calendar import UNIT_DAYS, OutsideCalendar, Unit, in_calendar, moved, period
from .model import Granularity, TemporalExpression
from .tense import Tense, guess_tense

log = logging.getLogger(__name__)

Match = Any  # a ``regex`` match object (the package ships no type stubs)
Resolver = Callable[[Match, "Context"], TemporalExpression | None]
Veto = Callable[[Match, "Context"], bool]
PassFunction = Callable[[str, list[TemporalExpression]], list[TemporalExpression]]


class RuleError(RuntimeError):
    """A rule or post-pass raised in strict mode; the message names it and the text it was reading."""


def strict_mode() -> bool:
    """Whether a failing rule raises (``NEWSDESK_STRICT`` set, not ``0``) instead of being logged, skipped."""
    return os.environ.get("NEWSDESK_STRICT", "") not in ("", "0")


@dataclass(slots=True)
class Context:
    """What a resolver or veto needs besides its match: the text, the publication date, the match span."""

    text: str
    published: date | None
    match_start: int = 0
    match_end: int = 0
    _tense: dict[tuple[int, int], Tense | None] = field(default_factory=dict)

    def tense(self) -> Tense | None:
        """The guessed tense of the clause around the current match (computed once per span)."""
        key = (self.match_start, self.match_end)
        if key not in self._tense:
            self._tense[key] = guess_tense(self.text, self.match_start, self.match_end)
        return self._tense[key]

    def undated(self) -> Context:
        """The same context without a publication date."""
        return Context(self.text, None, self.match_start, self.match_end, self._tense)


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern rule: ``resolve`` turns each match into an expression unless one of ``vetoes`` objects.

    ``gate`` lists lower-case words one of which every match holds: on a text with none of them the
    pattern is not even run (speed only; it never changes a result). The resolver's docstring gives an
    example; the test table in ``tests/test_timeline_rules.py`` has a row under the rule's name.
    """

    name: str
    pattern: Any  # a compiled ``regex`` pattern
    resolve: Resolver
    gate: tuple[str, ...] = ()
    vetoes: tuple[Veto, ...] = ()


@dataclass(frozen=True, slots=True)
class PostPass:
    """A pass over all expressions in text order; it may add, drop or re-date them.

    An expression the pass returns that is not one it was given (a new or changed one) gets the pass's
    name appended to its ``rules``. ``gate`` works as for :class:`Rule`.
    """

    name: str
    run: PassFunction
    gate: tuple[str, ...] = ()


def make(
    m: Match,
    value: str | None,
    granularity: Granularity,
    *,
    group: int | str = 0,
    modifier: str | None = None,
    relative: bool = False,
    offset: float | None = None,
) -> TemporalExpression:
    """An expression over a match (or one of its groups); ``offset`` orders it only while undated."""
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


def from_published(
    m: Match, ctx: Context, amount: int, unit: Unit, *, granularity: Granularity | None = None,
    modifier: str | None = None, group: int | str = 0,
) -> TemporalExpression:  # fmt: skip
    """The period ``amount`` units from publication (``two weeks ago``: -2 weeks), at ``unit`` precision."""
    gran: Granularity = granularity or unit
    offset = amount * UNIT_DAYS[unit]
    if ctx.published is None:
        return make(m, None, gran, group=group, modifier=modifier, relative=True, offset=offset)
    value = period(moved(ctx.published, amount, unit), gran)
    return make(m, value, gran, group=group, modifier=modifier, relative=True)


_LEADING_PREPOSITION = re.compile(r"(?:on|in|On|In)\s+")


def _core_length(m: Match) -> int:
    """Length of a match without a leading ``on``/``in``."""
    lead = _LEADING_PREPOSITION.match(m.group())
    return m.end() - m.start() - (lead.end() if lead else 0)


def _gate_open(gate: tuple[str, ...], lowered: str) -> bool:
    return not gate or any(word in lowered for word in gate)


def run_rules(
    rules: Sequence[Rule], passes: Sequence[PostPass], text: str, published: date | None
) -> list[TemporalExpression]:
    """All expressions of ``text``: the longest match wins, then every post-pass runs in order."""
    strict = strict_mode()
    lowered = text.lower()
    candidates: list[tuple[int, int, int, Match]] = []
    for index, rule in enumerate(rules):
        if _gate_open(rule.gate, lowered):
            candidates.extend(
                (m.start(), m.end(), index, m) for m in rule.pattern.finditer(text) if m.end() > m.start()
            )
    # Longest match wins (a leading "on"/"in" does not count); ties go to the earlier rule.
    candidates.sort(key=lambda c: (-_core_length(c[3]), c[2], c[0]))
    # Spans taken so far, disjoint and kept sorted: only the last one starting before a candidate's end
    # can overlap it, so each check is a bisection, not a scan (a long article has thousands).
    taken_starts: list[int] = []
    taken_ends: list[int] = []
    found: list[TemporalExpression] = []
    ctx = Context(text=text, published=published)
    for start, end, index, m in candidates:
        k = bisect.bisect_left(taken_starts, end)
        if k and taken_ends[k - 1] > start:
            continue
        ctx.match_start, ctx.match_end = start, end
        expr = resolve(rules[index], m, ctx, strict)
        if expr is None:
            continue
        taken_starts.insert(k, start)
        taken_ends.insert(k, end)
        found.append(expr)
    found.sort(key=lambda e: (e.start, e.end))
    for step in passes:
        if _gate_open(step.gate, lowered):
            found = _run_pass(step, text, found, strict)
    return found


def resolve(rule: Rule, m: Match, ctx: Context, strict: bool) -> TemporalExpression | None:
    """One match through its rule's vetoes and resolver; None when vetoed, unresolvable or failing."""
    try:
        if any(veto(m, ctx) for veto in rule.vetoes):
            return None
        try:
            expr = _checked(rule.resolve(m, ctx))
        except OutsideCalendar:
            expr = None if ctx.published is None else _undated(rule, m, ctx)
    except Exception as exc:
        if strict:
            raise RuleError(f"timeline rule {rule.name!r} failed on {m.group()!r}: {exc!r}") from exc
        log.warning("timeline rule %r skipped %r: %s: %s", rule.name, m.group(), type(exc).__name__, exc)
        return None
    return None if expr is None else replace(expr, rules=(rule.name,))


def _checked(expr: TemporalExpression | None) -> TemporalExpression | None:
    """The expression, unless its value lies off the calendar (``0000``, a year past 9999)."""
    if expr is not None and expr.value is not None and not in_calendar(expr.value):
        raise OutsideCalendar(expr.value)
    return expr


def _undated(rule: Rule, m: Match, ctx: Context) -> TemporalExpression | None:
    """A match read as if the publication date were unknown: "yesterday" written on 0001-01-01 lies
    before the calendar's first day, so it stays in the timeline, relative and undated."""
    try:
        return _checked(rule.resolve(m, ctx.undated()))
    except OutsideCalendar:
        return None


def _run_pass(
    step: PostPass, text: str, found: list[TemporalExpression], strict: bool
) -> list[TemporalExpression]:
    """One post-pass; what it adds or changes is tagged with its name. A failing pass changes nothing."""
    try:
        out = step.run(text, found)
    except Exception as exc:
        if strict:
            raise RuleError(f"timeline pass {step.name!r} failed: {exc!r}") from exc
        log.warning("timeline pass %r skipped: %s: %s", step.name, type(exc).__name__, exc)
        return found
    given = {id(e) for e in found}
    return [e if id(e) in given else replace(e, rules=(*e.rules, step.name)) for e in out]
