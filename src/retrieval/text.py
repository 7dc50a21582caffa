"""Shared plain-text primitives: sentence spans, abbreviations and stopwords (no spaCy, no torch).

One home for what the passage splitter, the quote extractor and the timeline each kept a copy of.
Everything here is linear in the length of the text and pure Python, so any layer may import it.

* ``sentence_spans(text)``: ``(start, end)`` of every sentence, covering all non-blank text.
* ``sentence_ends(text)``: the offsets where a new sentence may start (after the blank that follows an end).
* ``sentence_bounds(text, start, end)``: the sentence holding ``text[start:end]``, looking at most
  ``reach`` characters either way (so per-mention look-ups stay bounded on run-on text).
* ``is_sentence_break(text, i)``: whether the character at ``i`` ends a sentence.

A full stop ends a sentence when a blank follows it (after any closing quotes or brackets), the word
before it is no abbreviation ("Mr.", "Gen.", "Calif.", "U.S.", an initial "J."), and the next word does
not start in lower case ("5 p.m. on Monday"). ``!``, ``?`` and ``…`` end a sentence before a blank; a
line break always does.
"""

from __future__ import annotations

import bisect
import re

# Words after which a full stop does not end a sentence: titles, months, company words, US state
# abbreviations (datelines: "SPRINGFIELD, Ill. —" is cut, harmlessly; "ill", "mass", "wash" and "miss"
# are left out because they end ordinary sentences too). Lower case, without the final full stop.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr prof sr jr st mt ft messrs mme mlle
    gen col lt sgt capt cmdr adm maj cpl pvt gov sen sens rep reps rev hon pres supt atty amb sec
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    inc ltd corp co bros dept univ assn est approx vs etc no nos vol fig al
    ala ariz ark calif colo conn del fla ga ind kan kans ky la md mich minn mo mont neb nev okla ore
    pa tenn tex va vt wis wyo
    u.s u.k u.n e.g i.e a.m p.m
    """.split()
)

# English function words (the NLTK list, 179 words), for content-word overlaps and scoring.
STOPWORDS = frozenset(
    """
    a about above after again against ain all am an and any are aren aren't as at be because been before
    being below between both but by can couldn couldn't d did didn didn't do does doesn doesn't doing
    don don't down during each few for from further had hadn hadn't has hasn hasn't have haven haven't
    having he her here hers herself him himself his how i if in into is isn isn't it it's its itself
    just ll m ma me mightn mightn't more most mustn mustn't my myself needn needn't no nor not now o of
    off on once only or other our ours ourselves out over own re s same shan shan't she she's should
    should've shouldn shouldn't so some such t than that that'll the their theirs them themselves then
    there these they this those through to too under until up ve very was wasn wasn't we were weren
    weren't what when where which while who whom why will with won won't wouldn wouldn't y you you'd
    you'll you're you've your yours yourself yourselves
    """.split()
)

# A candidate sentence end: terminators, then closing quotes or brackets, then a blank (or the end).
_END = re.compile(r"(?:[.!?…]+[\"'”’)\]]*(?=\s|$)|\n)")
_WORD_BEFORE = re.compile(r"[A-Za-z][A-Za-z.]*$")
_ABBREVIATION_LOOKBACK = 12  # the longest abbreviation checked ("tues", "u.s", "messrs") and then some


def _abbreviation_before(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial ("Gen.", "U.S.", "J.")."""
    lo = max(0, dot - _ABBREVIATION_LOOKBACK)
    match = _WORD_BEFORE.search(text, lo, dot)
    if match is None or (match.start() > 0 and text[match.start() - 1].isalpha()):
        return False
    word = match.group().lower().rstrip(".")
    return word in ABBREVIATIONS or len(word) == 1 or ("." in word and len(word) <= 5)


def _is_end(text: str, match: re.Match[str]) -> bool:
    """Whether a candidate end from ``_END`` really ends a sentence."""
    token = match.group()
    if token == "\n":
        return True
    after = match.end()
    while after < len(text) and text[after].isspace():
        after += 1
    if after < len(text) and text[after].islower():
        return False  # "5 p.m. on Monday", "the U.S. military", "… and so on. and"
    stops = token.rstrip("\"'”’)]")
    return not (stops == "." and _abbreviation_before(text, match.start()))


def sentence_ends(text: str) -> list[int]:
    """Offsets just past each sentence end and the blanks after it, in order (where a next one starts)."""
    out: list[int] = []
    for match in _END.finditer(text):
        if _is_end(text, match):
            after = match.end()
            while after < len(text) and text[after].isspace():
                after += 1
            if after < len(text) and (not out or out[-1] != after):
                out.append(after)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence, blanks trimmed, covering all non-blank text of ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in [*sentence_ends(text), len(text)]:
        lo, hi = start, cut
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            spans.append((lo, hi))
        start = cut
    return spans


def is_sentence_break(text: str, i: int) -> bool:
    """Whether the character at ``i`` is the last of a sentence end (its terminator or closing mark)."""
    if not 0 <= i < len(text):
        return False
    if text[i] == "\n":
        return True
    lo = max(0, i - _ABBREVIATION_LOOKBACK)
    for match in _END.finditer(text, lo, min(len(text), i + 2)):
        if match.group() != "\n" and match.end() == i + 1:
            return _is_end(text, match)
    return False


def sentence_bounds(text: str, start: int, end: int, *, reach: int = 600) -> tuple[int, int]:
    """The ``[lo, hi)`` span of the sentence holding ``text[start:end]``, at most ``reach`` characters out.

    ``lo`` is just after the previous sentence's end (blanks included), ``hi`` just after this one's end.
    """
    lo = max(0, start - reach)
    left = lo
    for i in range(start - 1, lo - 1, -1):
        if is_sentence_break(text, i):
            left = i + 1
            break
    hi = min(len(text), end + reach)
    right = hi
    for i in range(end, hi):
        if is_sentence_break(text, i):
            right = i + 1
            break
    return left, right


def last_at_most(cuts: list[int], lo: int, hi: int) -> int | None:
    """The last offset in sorted ``cuts`` strictly after ``lo`` and at most ``hi``."""
    k = bisect.bisect_right(cuts, hi)
    return cuts[k - 1] if k and cuts[k - 1] > lo else None
