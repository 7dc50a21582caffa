"""The timeline's value type: a temporal expression found in a text, with the rules that produced it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Granularity = Literal["year", "month", "week", "day"]


@dataclass(frozen=True, slots=True)
class TemporalExpression:
    """A date expression found in a text, with ``[start, end)`` character offsets into it.

    ``value`` is ISO 8601 at the expression's precision (``YYYY``, ``YYYY-MM``, ``YYYY-Www``,
    ``YYYY-MM-DD``); it is None when the expression needs a publication date that is unknown, and then
    ``offset_days`` (days after publication, rough) orders it against other relative expressions.
    ``rules`` names the pattern rule that found it, then each post-pass that changed it, in order.
    ``event`` is the span of the event it dates when that is not the clause around it (``on Sunday, a
    week after Beijing held drills``: the drills).
    """

    start: int
    end: int
    text: str
    value: str | None
    granularity: Granularity
    modifier: str | None = None  # "early", "mid" or "late": the part of the period, never a day
    relative: bool = False  # True when the value depends on the publication date
    offset_days: float | None = None
    rules: tuple[str, ...] = ()
    event: tuple[int, int] | None = None
