"""The hybrid passage index: FAISS inner product over unit vectors, fused with BM25.

Vectors and passages are cached per article, so a corpus that changes in one article re-embeds only that
article. The FAISS and BM25 structures are rebuilt from the cached arrays at load time: for a flat index
that is a copy, far cheaper than reading a second serialised form of the same vectors.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from importlib import metadata

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS

from .cache import Cache, make_key
from .embedder import Embedder
from .models import Article, Passage
from .passages import split_passages

log = logging.getLogger(__name__)
# bm25s logs every index build at DEBUG through its own handler; that is noise for our users.
logging.getLogger("bm25s").setLevel(logging.WARNING)

INDEX_VERSION = 1
# Passages embedded per call: large enough to keep the model's length-sorted batching efficient.
ENCODE_BLOCK = 2048
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
STOPWORDS = frozenset(STOPWORDS_EN_PLUS)  # the NLTK English list (179 words)

# Rank fusion weight of the dense cosine; the rest goes to BM25 normalised by the best BM25 score.
# Chosen by benchmarks/eval_retrieval.py: 0.6 has the best MRR of 0.4-1.0 and ties the best hit@1 (README).
DENSE_WEIGHT = 0.6


ProgressFactory = Callable[[int], AbstractContextManager[Callable[[int], object]]]


@dataclass(frozen=True, slots=True)
class ChunkParams:
    """What passages depend on."""

    max_words: int
    overlap: int


@dataclass(frozen=True, slots=True)
class ScoredPassage:
    """A search result before speakers are attached."""

    index: int
    score: float
    dense: float
    lexical: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked passages, and the best cosine over all candidates (the abstention check needs it)."""

    ranked: list[ScoredPassage]
    top_cosine: float


@functools.lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """Versions that cached vectors depend on; read once per process (every article's key needs them)."""
    out = {}
    for package in ("sentence-transformers", "torch", "faiss-cpu", "transformers"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "absent"
    return out


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (two characters or more), as the abstention check sees them."""
    return _TOKEN.findall(text.lower())


@functools.lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """BM25 terms: stemmed tokens without stopwords, so "meeting" finds "meet" and "which" finds nothing."""
    return list(_stemmer().stemWords([t for t in tokenize(text) if t not in STOPWORDS]))


class PassageIndex:
    """Passages of a corpus with their vectors, searchable densely and lexically."""

    def __init__(self, passages: Sequence[Passage], vectors: np.ndarray) -> None:
        import bm25s
        import faiss

        self.passages = list(passages)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        # Inner product equals cosine similarity on normalised vectors; a flat index is exact.
        self._faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        self._faiss.add(self.vectors)
        self._bm25 = bm25s.BM25()
        self._bm25.index([terms(p.text) for p in self.passages], show_progress=False)
        self.vocabulary = frozenset(tok for p in self.passages for tok in tokenize(p.text))
        self._terms = frozenset(_stemmer().stemWords(sorted(self.vocabulary)))
        grouped: dict[str, list[int]] = {}
        for row, passage in enumerate(self.passages):
            grouped.setdefault(passage.article, []).append(row)
        self._article_rows = {name: np.array(rows, dtype=np.int64) for name, rows in grouped.items()}

    def __len__(self) -> int:
        return len(self.passages)

    def search(
        self,
        query_vector: np.ndarray,
        query_text: str,
        *,
        top_k: int,
        article: str | None = None,
        dense_weight: float = DENSE_WEIGHT,
    ) -> SearchResult:
        """Top passages by fused score: dense_weight * cosine + (1 - dense_weight) * BM25 / best BM25."""
        rows = self._article_rows.get(article) if article is not None else None
        if article is not None and rows is None:
            return SearchResult([], 0.0)
        dense = self._dense_scores(query_vector, rows)
        lexical = self._bm25_scores(query_text)
        if rows is not None:
            lexical = lexical[rows]
        best = float(lexical.max()) if lexical.size else 0.0
        lexical_norm = lexical / best if best > 0 else np.zeros_like(lexical)
        fused = dense_weight * dense + (1 - dense_weight) * lexical_norm
        order = np.argsort(-fused, kind="stable")[:top_k]
        index_of = rows if rows is not None else np.arange(len(self.passages))
        ranked = [
            ScoredPassage(int(index_of[i]), float(fused[i]), float(dense[i]), float(lexical_norm[i]))
            for i in order
        ]
        return SearchResult(ranked, float(dense.max()) if dense.size else 0.0)

    def _dense_scores(self, query_vector: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        query = np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32)
        if rows is not None:
            return (self.vectors[rows] @ query[0]).astype(np.float32)
        scores, ids = self._faiss.search(query, len(self.passages))
        out = np.empty(len(self.passages), dtype=np.float32)
        out[ids[0]] = scores[0]
        return out

    def _bm25_scores(self, query_text: str) -> np.ndarray:
        tokens = [t for t in terms(query_text) if t in self._terms]
        if not tokens:
            return np.zeros(len(self.passages), dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)


def build_index(
    articles: Sequence[Article],
    embedder: Embedder,
    params: ChunkParams,
    cache: Cache,
    *,
    progress: ProgressFactory | None = None,
) -> PassageIndex:
    """Passages and vectors for every article, from the cache where valid, embedding the rest.

    ``progress``, called with the number of passages to embed when there are any, gives a context whose
    value is called with each block's size (a progress bar's ``update``).
    """
    keys = {a.id: _entry_key(a, embedder.model_id, params) for a in articles}
    per_article: dict[str, tuple[list[Passage], np.ndarray]] = {}
    missing: list[Article] = []
    for article in articles:
        entry = cache.load("passages", keys[article.id])
        loaded = _decode_entry(entry) if entry is not None else None
        if loaded is None:
            missing.append(article)
        else:
            per_article[article.id] = loaded
    if missing:
        log.info("embedding %d of %d articles", len(missing), len(articles))
        _embed_missing(missing, embedder, params, cache, keys, per_article, progress)
    passages = [p for a in articles for p in per_article[a.id][0]]
    blocks = [per_article[a.id][1] for a in articles if per_article[a.id][1].size]
    vectors = np.vstack(blocks) if blocks else np.zeros((0, 1), dtype=np.float32)
    return PassageIndex(passages, vectors)


def _entry_key(article: Article, model_id: str, params: ChunkParams) -> str:
    return make_key(
        {
            "index_version": INDEX_VERSION,
            "article_sha256": article.sha256,
            "article_id": article.id,
            "model": model_id,
            "chunking": asdict(params),
            "versions": _versions(),
        }
    )


def _embed_missing(
    missing: Sequence[Article],
    embedder: Embedder,
    params: ChunkParams,
    cache: Cache,
    keys: dict[str, str],
    out: dict[str, tuple[list[Passage], np.ndarray]],
    progress: ProgressFactory | None,
) -> None:
    chunks = {a.id: split_passages(a, max_words=params.max_words, overlap=params.overlap) for a in missing}
    texts = [p.text for a in missing for p in chunks[a.id]]
    # Embed in blocks (for the progress bar) of texts sorted by length, as the model itself sorts within a
    # call: similar lengths share a batch and little padding is computed. Rows are put back in order after.
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.zeros((len(texts), 0), dtype=np.float32)
    bar = progress(len(texts)) if progress is not None else nullcontext(lambda _n: None)
    with bar as advance:
        for start in range(0, len(texts), ENCODE_BLOCK):
            rows = order[start : start + ENCODE_BLOCK]
            block = embedder.encode([texts[i] for i in rows])
            if not vectors.shape[1]:
                vectors = np.zeros((len(texts), block.shape[1]), dtype=np.float32)
            vectors[rows] = block
            advance(len(rows))
    row = 0
    for article in missing:
        passages = chunks[article.id]
        article_vectors = vectors[row : row + len(passages)]
        row += len(passages)
        out[article.id] = (passages, article_vectors)
        cache.save(
            "passages",
            keys[article.id],
            _encode_entry(passages, article_vectors),
            {
                "article": article.id,
                "path": article.path,
                "sha256": article.sha256,
                "model": embedder.model_id,
                "chunking": asdict(params),
                "versions": _versions(),
            },
        )


def _encode_entry(passages: Sequence[Passage], vectors: np.ndarray) -> dict[str, bytes]:
    buffer = io.BytesIO()
    np.save(buffer, vectors, allow_pickle=False)
    return {
        "passages.json": json.dumps([asdict(p) for p in passages], ensure_ascii=False).encode(),
        "vectors.npy": buffer.getvalue(),
    }


def _decode_entry(files: dict[str, bytes]) -> tuple[list[Passage], np.ndarray] | None:
    try:
        passages = [Passage(**row) for row in json.loads(files["passages.json"])]
        vectors = np.load(io.BytesIO(files["vectors.npy"]), allow_pickle=False)
    except (KeyError, ValueError, TypeError) as exc:
        log.warning("cache entry unreadable (%s); rebuilding it", exc)
        return None
    if vectors.ndim != 2 or len(vectors) != len(passages):
        log.warning("cache entry has %d vectors for %d passages; rebuilding it", len(vectors), len(passages))
        return None
    return passages, vectors.astype(np.float32, copy=False)
