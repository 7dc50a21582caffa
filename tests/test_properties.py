"""Property tests (hypothesis) over arbitrary Unicode: the parsers never raise, spans slice back to their
text, dates are valid ISO at their precision. Example counts are bounded so CI stays fast."""

from __future__ import annotations

import itertools
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.article import parse_article
from retrieval.errors import ArticleError
from retrieval.passages import split_passages
from retrieval.quotes import extract_quotes
from retrieval.quotes.extract import windows
from retrieval.timeline import build_timeline, find_expressions

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that reaches the rules: words, dates, quotation marks (paired or not), control characters, long lines.
_PIECES = st.sampled_from(
    ["“", "”", '"', "«", "»", "said", " Mayor Anna Kowalski", "Monday", "last year", "May 3, 2021", "\n",
     "\n\n", "\x00", "\x1b", "\u200b", ". ", ", ", ":", "—", "---", "title: x", "the", "ago", "2019"]
)  # fmt: skip
TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=40).map("".join)
ISO = {
    "year": re.compile(r"\d{4}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "week": re.compile(r"\d{4}-W\d{2}"),
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
}


def _valid_iso(value: str, granularity: str) -> bool:
    if not ISO[granularity].fullmatch(value) or value[:4] == "0000":
        return False
    if granularity == "month":
        return 1 <= int(value[5:7]) <= 12
    if granularity == "week":
        return 1 <= int(value[6:]) <= 53
    if granularity == "day":
        date.fromisoformat(value)
    return True


def _article(text: str):
    try:
        return parse_article(text.encode("utf-8", errors="surrogatepass"), article_id="p")
    except ArticleError:
        return None


@FAST
@given(TEXT)
def test_the_article_parser_raises_only_article_errors(text):
    article = _article(text)
    if article is not None:
        assert article.paragraphs and all(p.text.strip() for p in article.paragraphs)


@FAST
@given(TEXT, st.integers(min_value=8, max_value=80), st.integers(min_value=0, max_value=2))
def test_every_passage_slices_back_to_its_paragraph(text, words, overlap):
    article = _article(text)
    if article is None:
        return
    paragraphs = {p.number: p.text for p in article.paragraphs}
    for passage in split_passages(article, max_words=words, overlap=overlap):
        assert paragraphs[passage.paragraph][passage.start : passage.end] == passage.text


@FAST
@given(TEXT, st.integers(min_value=1, max_value=200))
def test_windows_cover_any_text_in_order_within_the_limit(text, limit):
    spans = windows(text, limit)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(0 < end - start <= limit for start, end in spans) or len(text) == 0


@SLOW
@given(TEXT)
def test_quote_extraction_never_fails_and_quotes_slice_back(text):
    article = _article(text)
    if article is None:
        return
    extraction = extract_quotes(article)
    assert extraction.complete
    paragraphs = {p.number: p.text for p in article.paragraphs}
    for quote in extraction.quotes:
        assert paragraphs[quote.paragraph][quote.start : quote.end] == quote.text
        assert quote.speaker.strip()


@FAST
@given(TEXT, st.one_of(st.none(), st.dates()))
def test_temporal_expressions_slice_back_and_are_valid_iso(text, published):
    for expr in find_expressions(text, published):
        assert text[expr.start : expr.end] == expr.text
        if expr.value is not None:
            assert _valid_iso(expr.value, expr.granularity), expr


@SLOW
@given(TEXT, st.one_of(st.none(), st.dates()))
def test_timeline_events_are_valid_iso_in_chronological_order(text, published):
    article = _article(text)
    if article is None:
        return
    timeline = build_timeline(article, published)
    paragraphs = {p.number: p.text for p in article.paragraphs}
    for event in timeline.events:
        assert event.paragraph in paragraphs
        if event.date is not None:
            assert re.fullmatch(r"\d{4}(-W?\d{2}(-\d{2})?)?", event.date) and event.date[:4] != "0000"
