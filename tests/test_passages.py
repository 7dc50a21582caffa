"""Passages: whole sentences, inside one paragraph, traceable to their character span."""

from __future__ import annotations

from retrieval.article import bundled_article_path, load_article, parse_article
from retrieval.passages import chunk_paragraph, split_passages, split_sentences


def test_sentences_respect_abbreviations_and_closing_quotes():
    text = "Mr. Smith met U.S. officials. He said “We agree.” Then he left! Why? 3 died."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Mr. Smith met U.S. officials.",
        "He said “We agree.”",
        "Then he left!",
        "Why?",
        "3 died.",
    ]


def test_chunks_never_exceed_the_word_budget_unless_one_sentence_does():
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(10))
    chunks = chunk_paragraph(text, max_words=15, overlap=0)
    assert all(len(text[s:e].split()) <= 15 for s, e in chunks)
    assert text[chunks[0][0] : chunks[-1][1]] == text
    long_sentence = "word " * 50 + "end."
    assert chunk_paragraph(long_sentence.strip(), max_words=10, overlap=1) == [
        (0, len(long_sentence.strip()))
    ]


def test_overlap_repeats_the_boundary_sentence():
    text = "One two three. Four five six. Seven eight nine."
    chunks = chunk_paragraph(text, max_words=6, overlap=1)
    assert [text[s:e] for s, e in chunks] == [
        "One two three. Four five six.",
        "Four five six. Seven eight nine.",
    ]


def test_passages_slice_back_to_their_paragraph():
    article = load_article(bundled_article_path())
    passages = split_passages(article, max_words=20, overlap=1)
    by_number = {p.number: p.text for p in article.paragraphs}
    assert {p.paragraph for p in passages} == set(by_number)
    for passage in passages:
        assert by_number[passage.paragraph][passage.start : passage.end] == passage.text


def test_passages_name_their_article():
    article = parse_article(b"A first paragraph.\nA second one.", article_id="x")
    assert [(p.article, p.paragraph) for p in split_passages(article, max_words=60, overlap=1)] == [
        ("x", 1),
        ("x", 2),
    ]
