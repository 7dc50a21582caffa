"""Splitting paragraphs into sentence-aligned passages that stay traceable to their character span."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .models import Article, Passage
from .text import sentence_spans

_WORD = re.compile(r"\S+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences in ``text``, covering all non-space text.

    The shared splitter of ``text.py`` (the quotes and the timeline use it too), so every part of newsdesk
    agrees on where a sentence ends ("Mr. President" and "D.C. Court" are one sentence each).
    """
    return sentence_spans(text)


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
