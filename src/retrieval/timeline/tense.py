"""A small rule-based guess at the tense around a temporal expression (no tagger, no model)."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Literal

from ..text import sentence_ends

Tense = Literal["past", "present", "future"]

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|[;:\u201c\u201d\"()\[\]]")
# Clause words that stop the backward or forward scan.
_STOP = frozenset(
    {";", ":", "(", ")", "[", "]", "\u201c", "\u201d", '"', "but", "while", "whereas", "although"}
)
_MAX_WORDS = 12
_REACH = 600  # characters a sentence may extend either way from an expression (run-on text stays bounded)

_FUTURE = frozenset(
    {
        "will", "shall", "'ll", "won't", "wo", "would", "'d", "gonna", "next", "upcoming", "coming",
        "tomorrow", "due", "effective", "later", "soon",
    }
)  # fmt: skip
_PAST = frozenset(
    {
        "was", "were", "had", "did", "said", "told", "ago", "last", "earlier", "previous", "past", "since",
        "yesterday", "began", "met", "went", "came", "saw", "took", "made", "gave", "held", "left", "got",
        "found", "kept", "led", "lost", "paid", "put", "ran", "sent", "spent", "stood", "struck", "won",
        "wrote", "brought", "bought", "built", "caught", "chose", "drew", "drove", "fell", "felt", "fled",
        "flew", "forgot", "fought", "grew", "heard", "hit", "hung", "knew", "laid", "meant", "quit", "rose",
        "sank", "sat", "shot", "shut", "slept", "sold", "spoke", "spread", "stole", "swore", "taught",
        "thought",
        "threw", "understood", "woke", "wore", "broke", "became", "beat", "bit", "blew", "cost",
        "cut", "dealt", "dug", "fed", "forgave", "froze", "hid", "lay", "let", "lit", "read", "rode", "rang",
        "sang", "shook", "shone", "slid", "split", "sprang", "stuck", "stung", "swam", "swept", "swung",
        "tore", "withdrew", "overtook", "undertook", "arose", "awoke", "reported", "announced", "has",
        "have", "'ve", "been", "ended", "occurred", "happened", "died", "killed",
    }
)  # fmt: skip
# Present-tense verbs that, next to a weekday, describe a scheduled event (``ends on Wednesday``).
_PRESENT = frozenset(
    {
        "is", "are", "am", "'s", "'re", "begins", "ends", "starts", "opens", "closes", "expires", "expire",
        "meets", "arrives", "leaves", "returns", "resumes", "takes", "comes", "goes", "holds", "visits",
        "travels", "runs", "continues", "concludes", "kicks", "gets", "lands", "departs", "reconvenes",
        "convenes", "decides", "votes", "faces", "hosts", "plays", "flies", "heads", "launches", "releases",
        "testifies", "appears", "speaks", "addresses",
    }
)  # fmt: skip
_COMMON = frozenset(
    {
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "but",
        "and",
        "in",
        "on",
        "at",
        "last",
        "this",
        "next",
        "earlier",
        "later",
        "during",
        "after",
        "before",
        "since",
        "when",
    }
)
_BE = frozenset({"be", "been", "being"})
_PRESENT_AUX = frozenset({"is", "are", "'s", "'re", "am"})
_ALWAYS_SCHEDULE = frozenset({"scheduled", "slated", "planned", "due", "until", "till", "postponed"})
_SCHEDULE = frozenset({"scheduled", "expected", "set", "due", "planned", "slated", "supposed", "likely"})
_ED_NOT_VERBS = frozenset(
    {"red", "bed", "need", "seed", "feed", "speed", "weed", "shed", "bred", "hundred", "united", "limited",
     "based", "related", "alleged", "detailed", "advanced", "armed", "embed", "wed", "fled"}
)  # fmt: skip
# Words after which ``to`` + verb points forward: ``plans to meet Friday``.
_TO_FUTURE = frozenset(
    {"plans", "plan", "planned", "planning", "expects", "expected", "expect", "intends", "intended", "hopes",
     "hoped", "hope", "aims", "aim", "is", "are", "was", "were", "set", "scheduled", "due", "wants", "want",
     "ready", "going", "likely", "about", "seeks", "promised", "vowed", "threatened", "decided", "agreed",
     "prepared", "preparing", "slated", "supposed", "trying", "tries", "needs", "need", "has", "have"}
)  # fmt: skip
# Nouns whose ``to`` + verb names an event still ahead of them: ``an agreement to acquire the bank``.
_PROSPECTIVE_NOUNS = frozenset(
    {"agreement", "deal", "offer", "bid", "proposal", "pledge", "promise", "commitment",
     "intention", "plans", "accord"}
)  # fmt: skip
# After a past participle, these make it a verb (``announced the plan``) rather than an adjective.
_VERB_FOLLOWERS = frozenset(
    {"the", "a", "an", "his", "her", "its", "their", "our", "on", "in", "at", "by", "to", "from", "with",
     "for", "that", "this", "these", "those", "last", "him", "them", "it", "up", "out", "off", "down", "back",
     "over", "after", "before", "into", "as", "and", "he", "she", "they", "we", "i", "there", "some", "all",
     "about", "around", "during", "until", "since", "when", "what", "how", "why", "if"}
)  # fmt: skip
# Base forms that announce a scheduled event when a subject precedes them ("the leaders meet Monday").
_BASE_PRESENT = frozenset(
    {"meet", "begin", "travel", "visit", "resume", "leave", "arrive", "convene", "reconvene", "gather",
     "testify", "decide"}
)  # fmt: skip
_NOT_SUBJECT = frozenset(
    {"the", "a", "an", "of", "at", "in", "on", "by", "for", "to", "from", "with", "its", "his", "her",
     "their", "our", "this", "that", "no", "any", "each", "every", "and", "or", "did", "didn't", "not",
     "would", "could", "should", "might", "may", "must", "can", "cannot", "will"}
)  # fmt: skip
_EED_VERBS = frozenset({"agreed", "freed", "decreed", "guaranteed", "disagreed", "refereed"})
_DETERMINERS = frozenset(
    {"the", "a", "an", "his", "her", "its", "their", "our", "this", "that", "these", "those", "my", "your"}
)


def _classify(word: str, prev: str | None, nxt: str | None) -> Tense | None:
    """The tense one word signals, given its neighbours; None when it signals nothing."""
    if word[:1].isupper():
        return None  # a name ("United", "Reed"), kept capitalised by ``_low``
    if word in _ALWAYS_SCHEDULE:
        if word.endswith("ed") and (prev in _DETERMINERS or (prev or "").endswith("ly")):
            return None  # an attributive participle ("the hastily planned trip") is not the clause's verb
        return "future"  # "has scheduled a news conference Thursday", "planned for early March"
    if word in _SCHEDULE:
        return "future" if prev in _PRESENT_AUX or prev in _BE else None
    if word == "to":
        if nxt == "be":
            return "future"  # "to be published in early November"
        prospective = prev in _TO_FUTURE or prev in _PROSPECTIVE_NOUNS
        if prospective and nxt is not None and nxt.isalpha() and nxt not in _DETERMINERS:
            return "future"  # an infinitive: ``plans to meet Friday``
        return None
    if word == "next" and nxt == "to":
        return None  # "next to the embassy": a preposition, not the next week
    if word in _FUTURE:
        return "future"
    if word == "as" and prev in ("early", "soon"):
        return "future"  # "as early as Tuesday"
    if word in _BASE_PRESENT:
        return "future" if prev is not None and prev not in _NOT_SUBJECT else None
    participle = word in _PAST or (
        len(word) > 4
        and word.endswith("ed")
        and word not in _ED_NOT_VERBS
        and (not word.endswith("eed") or word in _EED_VERBS)  # "succeed", "proceed" are not past forms
    )
    if participle and prev in _PRESENT_AUX and word not in ("was", "were", "had", "has", "have", "been"):
        return "future"  # present passive: ``the case is heard in May``
    if word in _PAST:
        return "past"
    if word in _PRESENT_AUX:
        return "present"  # "is", "are": scheduled next to a weekday, but says nothing about a month
    if word in _PRESENT:
        return "future"  # a scheduling verb in the present: "ends on Wednesday", "expires Jan. 2"
    if participle:
        if nxt is None or nxt in _VERB_FOLLOWERS or not nxt.islower():
            return "past"
        return None  # ``an unspecified date``: an adjective
    return None


def _low(word: str) -> str:
    """Lower-case a word, but keep a capitalised name recognisable (``Davison`` stays as it is)."""
    return word if word[:1].isupper() and word[1:].islower() and word.lower() not in _COMMON else word.lower()


def guess_tense(text: str, start: int, end: int) -> Tense | None:
    """Guess whether the clause around ``text[start:end]`` speaks of the past, the present or the future."""
    left, right = sentence_bounds(text, start, end)
    before = [_low(m.group()) for m in _WORD.finditer(text, left, start)]
    after = [_low(m.group()) for m in _WORD.finditer(text, end, right)]
    # Nearest verb-like word before the expression decides; passive "be"/"been" defers to its auxiliary.
    skipped = 0
    for i in range(len(before) - 1, -1, -1):
        word = before[i]
        if word in _STOP or skipped >= _MAX_WORDS:
            break
        skipped += 1
        prev = before[i - 1] if i > 0 else None
        nxt = before[i + 1] if i + 1 < len(before) else None
        if word in _BE:
            continue
        if word in ("has", "have", "'ve", "had") and nxt in ("to",):
            return "future" if word != "had" else "past"
        tense = _classify(word, prev, nxt)
        if tense is None:
            continue
        if prev in _BE and word not in _FUTURE and word not in _PRESENT_AUX:
            continue  # ``will be held``: the auxiliary further left decides
        return tense
    for i, word in enumerate(after[:_MAX_WORDS]):
        if word in _STOP:
            break
        prev = after[i - 1] if i > 0 else None
        nxt = after[i + 1] if i + 1 < len(after) else None
        if word in _BE:
            continue
        tense = _classify(word, prev, nxt)
        if tense is not None:
            return tense
    # Nothing in the clause: the first tensed word further on in the sentence is the best remaining clue.
    for i in range(_MAX_WORDS, len(after)):
        prev, nxt = after[i - 1], after[i + 1] if i + 1 < len(after) else None
        if after[i] not in _BE and after[i] not in _STOP:
            tense = _classify(after[i], prev, nxt)
            if tense is not None:
                return tense
    for i in range(len(before) - _MAX_WORDS - 1, -1, -1):
        prev, nxt = before[i - 1] if i > 0 else None, before[i + 1]
        if before[i] not in _BE and before[i] not in _STOP:
            tense = _classify(before[i], prev, nxt)
            if tense is not None:
                return tense
    return None


@lru_cache(maxsize=8)
def _sentence_starts(text: str) -> list[int]:
    """Where each sentence after the first starts (``text.sentence_ends``), once per text."""
    return sentence_ends(text)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The ``[start, end)`` span of the sentence that holds ``text[start:end]``, at most 600 characters out.

    Sentences are the shared ones of ``retrieval.text``, found once per text; each look-up is a bisection.
    """
    starts = _sentence_starts(text)
    k = bisect.bisect_right(starts, start)
    left = starts[k - 1] if k else 0
    j = bisect.bisect_left(starts, end, k)
    right = starts[j] if j < len(starts) else len(text)
    return max(left, start - _REACH), min(right, end + _REACH)
