"""Splitting paragraphs into sentence-aligned passages that stay traceable to their character span."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .models import Article, Passage

# Abbreviations after which a full stop does not end a sentence (general English news usage).
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep rev hon pres vs etc no
    inc ltd corp co jan feb mar apr aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m""".split()
)
# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets), then whitespace,
# then something that can start a sentence (a capital, a digit or an opening quote/bracket).
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"\S+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences in ``text``, covering all non-space text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start()
        # Walk back over closing quotes/brackets the lookbehind let through.
        head = text[start:end]
        last_word = head.rsplit(None, 1)[-1] if head.strip() else ""
        token = last_word.rstrip(".!?\"'”’)]").lower()
        if last_word.endswith(".") and (token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        closing = match.group(0)
        stripped = closing.rstrip()
        spans.append((start, end + len(stripped)))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def chunk_paragraph(text: str, *, max_words: int, overlap: int) -> list[tuple[int, int]]:
    """Group consecutive sentences into spans of at most ``max_words`` words (a longer sentence stands alone).

    Consecutive chunks share ``overlap`` sentences so an answer split across a boundary is still found whole.
    """
    sentences = split_sentences(text)
    if not sentences:
        return []
    counts = [len(_WORD.findall(text[s:e])) for s, e in sentences]
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(sentences):
        j, words = i, 0
        while j < len(sentences) and (j == i or words + counts[j] <= max_words):
            words += counts[j]
            j += 1
        chunks.append((sentences[i][0], sentences[j - 1][1]))
        if j >= len(sentences):
            break
        # Step forward, keeping up to `overlap` sentences, but always make progress.
        i = max(i + 1, j - overlap)
    return chunks


def split_passages(article: Article, *, max_words: int, overlap: int) -> list[Passage]:
    """All passages of an article, in article order."""
    return [
        Passage(article=article.id, paragraph=para.number, start=s, end=e, text=para.text[s:e])
        for para in article.paragraphs
        for s, e in chunk_paragraph(para.text, max_words=max_words, overlap=overlap)
    ]


def corpus_passages(articles: Iterable[Article], *, max_words: int, overlap: int) -> Sequence[Passage]:
    """Passages of several articles, in corpus order."""
    return [p for article in articles for p in split_passages(article, max_words=max_words, overlap=overlap)]
