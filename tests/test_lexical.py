"""The lexical index: Lucene's BM25, so a rare word the question shares with a passage finds it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrieval.lexical import BM25

DOCS = [
    ["minister", "meet", "counterpart", "beij"],
    ["minister", "speak", "minister"],
    ["drill", "navi", "south", "sea", "drill", "week"],
    [],
]


def test_a_score_is_lucenes_bm25_worked_by_hand():
    index = BM25(DOCS)
    average = 13 / 4
    idf = math.log(1 + (4 - 2 + 0.5) / (2 + 0.5))  # "minister" is in two of four documents
    expected = idf * 2 / (2 + 1.5 * (0.25 + 0.75 * 3 / average))
    assert index.scores(["minister"])[1] == pytest.approx(expected, rel=1e-6)


def test_the_rarer_shared_word_decides_and_repeated_words_count_again():
    index = BM25(DOCS)
    scores = index.scores(["minister", "drill"])
    assert scores.argmax() == 2  # "drill" is in one document, "minister" in two
    assert index.scores(["drill", "drill"])[2] == pytest.approx(2 * index.scores(["drill"])[2])


def test_unknown_words_and_empty_documents_score_zero():
    index = BM25(DOCS)
    assert not index.scores(["submarine"]).any()
    assert index.scores(["minister"])[3] == 0
    assert index.scores([]).shape == (4,)
    assert "drill" in index and "submarine" not in index


def test_an_empty_corpus_answers_with_no_scores():
    assert BM25([]).scores(["anything"]).shape == (0,)
    assert np.array_equal(BM25([[]]).scores(["x"]), np.zeros(1, dtype=np.float32))


def test_grouped_documents_score_as_their_concatenations():
    documents = [["ferry", "fare", "ferry"], ["fare", "rise"], ["rise", "bus", "bus"], ["ferry"]]
    grouped = BM25(documents).grouped(np.array([0, 0, 1, 1]), 2)
    joined = BM25([["ferry", "fare", "ferry", "fare", "rise"], ["rise", "bus", "bus", "ferry"]])
    for query in (["ferry"], ["fare", "bus"], ["rise", "ferry", "unknown"]):
        np.testing.assert_allclose(grouped.scores(query), joined.scores(query), rtol=1e-6)


def test_a_subset_scores_as_an_index_of_those_documents_alone():
    # Asked of one article in a library, "ferry" is common there and must weigh as little as it would if
    # that article were indexed alone, whatever the other articles hold.
    documents = [["ferry", "fare", "ferry"], ["fare", "rise"], ["rise", "bus", "bus"], ["ferry"], ["bus"]]
    rows = np.array([3, 0, 2])
    alone = BM25([documents[r] for r in rows])
    subset = BM25(documents).subset(rows)
    for query in (["ferry"], ["fare", "bus"], ["rise", "ferry", "unknown"]):
        np.testing.assert_allclose(subset.scores(query), alone.scores(query), rtol=1e-6)
    assert not np.allclose(subset.scores(["ferry"]), BM25(documents).scores(["ferry"])[rows])
