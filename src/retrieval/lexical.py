"""Okapi BM25 over pre-tokenised documents, in numpy alone.

The scores are Lucene's variant (Kamphuis et al., ECIR 2020), the one bm25s computes by default:

    idf(t)      = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
    score(d, q) = sum over the query's terms t, repeats included, of
                  idf(t) * tf(t, d) / (tf(t, d) + k1 * (1 - b + b * |d| / avgdl))

Each (term, document) weight is computed once at build time and stored term by term (a compressed sparse
row layout), so a query sums a few short slices. bm25s did the same but imports scipy, which cost a cold
``ask`` about 0.2 s before it read a single passage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

K1 = 1.5
B = 0.75


class BM25:
    """A BM25 index over documents given as lists of terms."""

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = K1, b: float = B) -> None:
        vocabulary: dict[str, int] = {}
        postings: list[list[tuple[int, int]]] = []  # per term: (document, term frequency)
        lengths = np.array([len(d) for d in documents], dtype=np.float32)
        for row, document in enumerate(documents):
            for term, tf in Counter(document).items():
                term_id = vocabulary.setdefault(term, len(vocabulary))
                if term_id == len(postings):
                    postings.append([])
                postings[term_id].append((row, tf))
        counts = np.array([len(p) for p in postings], dtype=np.int64)
        pairs = np.array([pair for p in postings for pair in p], dtype=np.int64).reshape(-1, 2)
        self._build(vocabulary, counts, pairs[:, 0], pairs[:, 1].astype(np.float32), lengths, k1, b)

    def _build(
        self,
        vocabulary: dict[str, int],
        counts: np.ndarray,
        documents: np.ndarray,
        frequencies: np.ndarray,
        lengths: np.ndarray,
        k1: float,
        b: float,
    ) -> None:
        """Weights from postings sorted by term (``counts`` per term) as (document, frequency) pairs."""
        self.size = len(lengths)
        self.vocabulary = vocabulary
        self._k1, self._b = k1, b
        self._counts = counts
        self._starts = np.concatenate([[0], np.cumsum(counts)])
        self._documents = documents
        self._frequencies = frequencies
        self._lengths = lengths
        average = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        norm = k1 * ((1 - b) + b * lengths[documents] / average)
        idf = np.log(1 + (self.size - counts + 0.5) / (counts + 0.5)).astype(np.float32)
        self._weights = (np.repeat(idf, counts) * frequencies / (frequencies + norm)).astype(np.float32)

    def grouped(self, groups: np.ndarray, size: int) -> BM25:
        """The BM25 index of ``size`` documents, each the concatenation of this index's documents in one
        group (``groups[d]`` is document d's group); built from the postings, without re-reading text."""
        keys, inverse = np.unique(self._posting_terms() * size + groups[self._documents], return_inverse=True)
        frequencies = np.bincount(inverse, weights=self._frequencies).astype(np.float32)
        counts = np.bincount(keys // size, minlength=len(self._counts)).astype(np.int64)
        lengths = np.bincount(groups, weights=self._lengths, minlength=size).astype(np.float32)
        out = BM25.__new__(BM25)
        out._build(self.vocabulary, counts, keys % size, frequencies, lengths, self._k1, self._b)
        return out

    def subset(self, rows: np.ndarray) -> BM25:
        """The BM25 index of the documents ``rows`` alone (distinct; document i of the result is ``rows[i]``),
        built from the postings: its document frequencies and average length are those of the subset."""
        position = np.full(self.size, -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        mapped = position[self._documents]
        keep = mapped >= 0
        counts = np.bincount(self._posting_terms()[keep], minlength=len(self._counts)).astype(np.int64)
        out = BM25.__new__(BM25)
        frequencies, lengths = self._frequencies[keep], self._lengths[rows]
        out._build(self.vocabulary, counts, mapped[keep], frequencies, lengths, self._k1, self._b)
        return out

    def _posting_terms(self) -> np.ndarray:
        """The term id of each posting (postings are stored term by term)."""
        return np.repeat(np.arange(len(self._counts), dtype=np.int64), self._counts)

    def __contains__(self, term: str) -> bool:
        return term in self.vocabulary

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Each document's score for ``query`` (zeros for a query of unknown terms only)."""
        ids = [self.vocabulary[t] for t in query if t in self.vocabulary]
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        slices = [slice(self._starts[i], self._starts[i + 1]) for i in ids]
        documents = np.concatenate([self._documents[s] for s in slices])
        weights = np.concatenate([self._weights[s] for s in slices])
        return np.bincount(documents, weights=weights, minlength=self.size).astype(np.float32)
