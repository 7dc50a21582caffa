"""Named sub-patterns the rules are written with (HeidelTime's ``%reMonthLong`` and the like).

Rule patterns are compiled with the ``regex`` package: it allows one group name in two alternatives
(``(?P<month>…) (?P<day>…)|(?P<day>…) of (?P<month>…)``) and lookbehinds of any width, which
``re`` needs workarounds for.
"""

from __future__ import annotations

import regex

APOS = "['\u2019]"
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?![A-Za-z])"
)
MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)(?!:\d)(?!,\d)"
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
# A spelled ordinal day after a month ("March eighth"), only where the ordinal ends the phrase: in
# "March second-quarter sales" or "the March third round" it is not a day.
DAY_WORD = (
    r"(?:(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
    r"|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)(?![\w-])"
    r"(?=\s*(?:[,.;:)!?\"'\u201d]|$|\s(?:and|or|in|at|on|to|from|until|when|after|before|with|is|was|will"
    r"|the|this|that)\b))"
)
YEAR = r"(?:1[0-9]\d\d|20\d\d)(?![\d%])(?!,\d)(?!\.\d)"
# The part of a period: "early", "mid-", "the end of"; the group is always named ``mod``.
MOD = (
    r"(?:(?P<mod>early|mid|late|Early|Mid|Late|the\s+(?:beginning|start|middle|end|close)\s+of"
    r"|The\s+(?:beginning|start|middle|end|close)\s+of)(?:\s+|-))"
)
NUM = (
    r"(?:\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    r"|twenty-\w+|thirty-\w+|forty-\w+|fifty-\w+|sixty-\w+|seventy-\w+|eighty-\w+|ninety-\w+)"
)
UNIT = r"(?:day|week|month|year)"
_ONES = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_TEENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
SPELLED_YEAR = (
    rf"(?:(?:nineteen|eighteen|twenty)[\s-]+(?:{_TEENS}|{_TENS}(?:[\s-]+{_ONES})?|hundred)\b"
    rf"|two\s+thousand(?:\s+and\s+{_ONES}\b|\s+{_ONES}\b)?)"
)
ERAS: dict[str, tuple[int, int]] = {
    "world war i": (1914, 1918), "first world war": (1914, 1918), "world war one": (1914, 1918),
    "world war 1": (1914, 1918), "world war ii": (1939, 1945), "world war two": (1939, 1945),
    "second world war": (1939, 1945), "world war 2": (1939, 1945), "cold war": (1947, 1991),
    "korean war": (1950, 1953), "vietnam war": (1955, 1975), "great depression": (1929, 1939),
    "gulf war": (1990, 1991), "american civil war": (1861, 1865), "chinese civil war": (1945, 1949),
}  # fmt: skip
ERA = (
    r"(?:World\s+War\s+(?:II|I|Two|One|2|1)\b|(?:First|Second)\s+World\s+War|Cold\s+War|Korean\s+War"
    r"|Vietnam\s+War|Great\s+Depression|Gulf\s+War|American\s+Civil\s+War|Chinese\s+Civil\s+War)"
)
HOLIDAY = (
    r"(?:Thanksgiving(?:\s+Day)?|Christmas(?:\s+(?:Day|Eve))?|New\s+Year" + APOS + r"s\s+(?:Day|Eve)"
    r"|Election\s+Day|Easter(?:\s+(?:Sunday|Monday))?|Good\s+Friday|Labor\s+Day|Memorial\s+Day"
    r"|Halloween|Valentine" + APOS + r"s\s+Day|Boxing\s+Day|Veterans\s+Day|Armistice\s+Day)\b"
)


def compile_rule(pattern: str, *, ignore_case: bool = False) -> regex.Pattern:
    """A rule's pattern, compiled with ``regex`` (duplicate group names across alternatives allowed)."""
    return regex.compile(pattern, regex.IGNORECASE if ignore_case else 0)
