"""The shared text primitives: sentence spans, bounds and the word lists."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.text import (
    ABBREVIATIONS,
    STOPWORDS,
    is_sentence_break,
    last_at_most,
    sentence_bounds,
    sentence_ends,
    sentence_spans,
)

TEXT = (
    'Mr. Smith went to Washington. He said: "Go!" Then Gen. J. Doe left at 5 p.m. on Monday. '
    "The U.S. Army replied… Fine.\nNext line"
)


def test_sentence_spans_skip_abbreviations_initials_and_lower_case_continuations():
    assert [TEXT[s:e] for s, e in sentence_spans(TEXT)] == [
        "Mr. Smith went to Washington.",
        'He said: "Go!"',
        "Then Gen. J. Doe left at 5 p.m. on Monday.",
        "The U.S. Army replied…",
        "Fine.",
        "Next line",
    ]


def test_sentence_ends_are_where_the_next_sentence_starts():
    ends = sentence_ends(TEXT)
    assert TEXT[ends[0] :].startswith("He said")
    assert all(not TEXT[cut].isspace() for cut in ends)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Army", "The U.S. Army replied…"), ("Doe", "Then Gen. J. Doe left at 5 p.m. on Monday.")],
)
def test_sentence_bounds_hold_the_mention(word, expected):
    at = TEXT.index(word)
    lo, hi = sentence_bounds(TEXT, at, at + len(word))
    assert TEXT[lo:hi].strip() == expected


def test_sentence_bounds_stop_at_the_reach():
    text = "word " * 1000
    assert sentence_bounds(text, 2500, 2504, reach=100) == (2400, 2604)


def test_is_sentence_break_after_closing_marks():
    text = 'He left." Then she came.'
    assert is_sentence_break(text, text.index('"'))
    assert not is_sentence_break(text, text.index("."))


def test_word_lists():
    assert {"gen", "calif", "u.s"} <= ABBREVIATIONS and "ill" not in ABBREVIATIONS
    assert {"the", "and", "of"} <= STOPWORDS and "said" not in STOPWORDS


def test_last_at_most():
    assert last_at_most([3, 7, 12], 0, 10) == 7
    assert last_at_most([3, 7, 12], 7, 10) is None


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_sentence_spans_are_ordered_and_cover_every_non_blank_character(text):
    spans = sentence_spans(text)
    covered = set()
    prev = 0
    for s, e in spans:
        assert prev <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip()
        covered.update(range(s, e))
        prev = e
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
