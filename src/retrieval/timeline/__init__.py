"""Timelines: temporal expressions normalised against each article's publication date.

Pure rules (regular expressions, calendar arithmetic and a word-list tense guess): no model, no torch.
"""

from __future__ import annotations

from .build import build_timeline, merge_timelines, resolve_published
from .expressions import TemporalExpression, find_expressions
from .published import infer_published

__all__ = [
    "TemporalExpression",
    "build_timeline",
    "find_expressions",
    "infer_published",
    "merge_timelines",
    "resolve_published",
]
