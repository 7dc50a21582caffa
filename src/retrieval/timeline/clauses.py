"""The clause an expression dates: its sentence cut at clause boundaries, without a model.

A sentence is cut at semicolons and dashes, before a coordinated clause (``, but``, ``, while``), before
a phrase anchored to another date (``, a week after``) and around non-restrictive relative clauses
(``, which … ,``). The clause holding the expression is its event; a relative clause keeps the noun it
hangs on (``Li's visit to Russia, which began on Sunday``). A clause of fewer than four words is too
little to read alone, so the whole sentence is the event then.
"""

from __future__ import annotations

import re

from .tense import sentence_bounds

_HARD = re.compile(r"\s*;\s*|\s+[–—]\s+|\s*—\s*|\s+--\s+")
_COORDINATED = re.compile(
    r",\s+(?=(?:but|while|whereas|although|though|and\s+then|so\s+that)\b)"
    r"|,\s+(?=(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:day|week|month|year)s?\s+"
    r"(?:after|before|earlier|later)\b)"
)
_RELATIVE = re.compile(r",\s+(?=(?:which|who|whom|whose|where)\b)")
# A relative clause closes at a comma before the main clause's verb, or at a closing quotation mark.
_RELATIVE_END = re.compile(
    r",\s+(?=(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|said|says)\b)"
    r"|[”\"]|''"
)
_MIN_WORDS = 4


def _pieces(text: str, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """``(start, end, relative)`` pieces of ``text[lo:hi]``: main-clause parts and relative clauses."""
    cuts = sorted({m.start() for pattern in (_HARD, _COORDINATED) for m in pattern.finditer(text, lo, hi)})
    pieces: list[tuple[int, int, bool]] = []
    start = lo
    for cut in [*cuts, hi]:
        if cut > start:
            pieces.extend(_split_relatives(text, start, cut))
        end_of_cut = _skip_boundary(text, cut, hi)
        start = end_of_cut
    return pieces


def _skip_boundary(text: str, cut: int, hi: int) -> int:
    """The first character after the boundary that starts at ``cut``."""
    m = _HARD.match(text, cut, hi) or _COORDINATED.match(text, cut, hi)
    return m.end() if m else cut


def _split_relatives(text: str, lo: int, hi: int) -> list[tuple[int, int, bool]]:
    """Main-clause parts and the relative clauses between them, in order."""
    out: list[tuple[int, int, bool]] = []
    start = lo
    while (m := _RELATIVE.search(text, start, hi)) is not None:
        close = _RELATIVE_END.search(text, m.end(), hi)
        end = close.start() if close else hi
        out.append((start, m.start(), False))
        out.append((m.end(), end, True))
        start = end
    out.append((start, hi, False))
    return [p for p in out if p[1] > p[0]]


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The ``[lo, hi)`` span of the clause that holds ``text[start:end]`` (see the module docstring)."""
    left, right = sentence_bounds(text, start, end)
    pieces = _pieces(text, left, right)
    for i, (lo, hi, relative) in enumerate(pieces):
        if lo <= start < hi or (lo < end <= hi):
            if relative and i > 0 and not pieces[i - 1][2]:
                lo = pieces[i - 1][0]  # the noun the relative clause hangs on
            elif not relative and i > 0 and pieces[i - 1][2] and _follows(pieces, i):
                lo = pieces[i - 2][0] if i > 1 else pieces[i - 1][0]  # the main clause resumed after one
            if end <= hi and len(text[lo:hi].split()) >= _MIN_WORDS:
                return lo, hi
            break
    return left, right


def _follows(pieces: list[tuple[int, int, bool]], i: int) -> bool:
    """Whether piece ``i`` continues the main clause that a relative clause interrupted (no cut between)."""
    return pieces[i - 1][1] == pieces[i][0]
