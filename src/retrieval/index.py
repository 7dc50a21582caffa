"""The hybrid passage index: FAISS inner product over unit vectors, fused with BM25, scored per sentence.

A passage's score mixes what the passage says as a whole with what its best sentence says, because an
answer usually sits in one sentence of a longer passage (the one the user sees in bold):

    passage  = dense * cosine + (1 - dense) * BM25 / best BM25 + type bonus if it holds an expected entity
    sentence = the same three terms over the sentence alone
    score    = (1 - sentence_weight) * passage + sentence_weight * best sentence - heading penalty

The type bonus rewards an entity of the kind the question asks for (a date for "when", a number for
"how many"; spaCy labels computed at index time); for "when", only a date naming a point in time
counts ("2002", "last month"), not a span or a frequency ("18 years", "each month"). A "who" question
also rewards the sentence that introduces a person it does not name (the first full mention, which
carries the role: "Jane Roe, a lawyer for the board") over later mentions that only quote them ("Roe
said"), and "how many <thing>" rewards a number followed by that thing ("27 states") over numbers
counting something else. Heading-like paragraphs (very short ones, and a short first line restating the
title) restate the topic without answering anything, and are pushed down.
In a corpus of several articles, two article-level terms pick the article before the passage: a passage
loses a share of 0.1 for the names the question asks about (people, organisations, places that some
articles mention and others do not) that its article never mentions, and gains 0.1 times its article's
BM25 score for the question (the article as one document), since the words of a question are often spread
over one article's paragraphs while another article's single paragraph matches a few of them better.
Every weight was chosen on the development half of the independent question set
(benchmarks/eval_retrieval.py) and kept only if it also helped the other half.

A search restricted to one article of a larger corpus (a thread's or a channel's article in a library)
weighs words by that article's own BM25 statistics and checks names against its own words, so it ranks and
abstains as it would over that article alone; those statistics are built from the postings on the
article's first restricted search and kept.

Passages, sentences, their vectors and entity labels are cached per article, so a corpus that changes in
one article re-embeds only that article. The FAISS and BM25 structures are rebuilt from the cached arrays
at load time: for a flat index that is a copy, far cheaper than reading a second serialised form.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass

import numpy as np
import Stemmer

from .abstain import Lexicon
from .cache import Cache, make_key, package_versions
from .embedder import Embedder
from .lexical import BM25
from .models import Article, Passage
from .passages import split_passages, split_sentences
from .question import AGENT_LABELS, NAMED_LABELS, QuestionInfo
from .text import STOPWORDS

log = logging.getLogger(__name__)

INDEX_VERSION = 4
# Passages embedded per call: large enough to keep the model's length-sorted batching efficient.
ENCODE_BLOCK = 2048
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_ENTITY_WORD = re.compile(r"(?u)\w+")

# Fusion weight of the dense cosine; the rest goes to BM25 normalised by the best BM25 score.
DENSE_WEIGHT = 0.6
# Share of a passage's score that comes from its best sentence.
SENTENCE_WEIGHT = 0.3
# Added to a sentence (and a passage) holding an entity of the type the question asks for.
TYPE_BONUS = 0.1
# Taken off a heading-like passage.
HEADING_PENALTY = 0.3
# A paragraph this short is a heading ("THE BORROWING", "Partial transcript as follows:").
HEADING_WORDS = 8
# A first paragraph this short, followed by a longer one, is the headline.
HEADLINE_WORDS = 20
# An answer of the asked type must be in one of this many top passages, whatever top_k the user asked for.
TYPED_WINDOW = 3
# Added to a sentence (and a passage) that introduces a person the question does not name, for "who"
# questions: the first full mention of a person usually carries their role ("Jane Roe, a lawyer for X").
INTRO_BONUS = 0.1
# Added to a sentence (and a passage) where a number counts the thing "how many <thing>" asks about
# ("how many states ..." -> "Twenty-seven states led by ..."), over numbers that count something else.
COUNT_BONUS = 0.1
# Added to a passage where the person whose words a question asks for is quoted ("what did X say ...");
# the service applies it, since it knows the quotes (see Newsdesk.search).
SPEAKER_BONUS = 0.2
# Taken off a passage, in a corpus search, in proportion to the share of the names the question asks about
# (words of people, organisations, places... that some articles mention and others do not) that its
# article never mentions: "what did Pence say about X" is not answered by an article without Pence.
ARTICLE_NAMES_PENALTY = 0.1
# Added to a passage, in a corpus search, in proportion to its article's BM25 score for the question (each
# article taken as one document, normalised by the best article): words rare in the corpus but frequent in
# one article ("Pence", "EPA") point to the article that is about them.
ARTICLE_TERMS_BONUS = 0.1
# Entity labels kept per sentence: the ones some question type asks for.
_KEPT_LABELS = NAMED_LABELS | {"DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT"}


ProgressFactory = Callable[[int], AbstractContextManager[Callable[[int], object]]]


@dataclass(frozen=True, slots=True)
class ChunkParams:
    """What passages depend on."""

    max_words: int
    overlap: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a passage: its span in the paragraph and the entities it holds, as (label, text)."""

    article: str
    paragraph: int
    start: int
    end: int
    text: str
    entities: tuple[tuple[str, str], ...]

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(label for label, _ in self.entities)


@dataclass(frozen=True, slots=True)
class Weights:
    """The ranking's weights (the defaults are the measured ones; the evaluation varies them)."""

    dense: float = DENSE_WEIGHT
    sentence: float = SENTENCE_WEIGHT
    type_bonus: float = TYPE_BONUS
    heading: float = HEADING_PENALTY
    speaker: float = SPEAKER_BONUS
    intro: float = INTRO_BONUS
    count: float = COUNT_BONUS
    point_dates: bool = True  # "when" counts only dates naming a point in time (see _POINT_IN_TIME)
    intent: bool = True  # "is X going to ...?" routes to X's quotes like "what did X say" (see question.py)
    article_names: float = ARTICLE_NAMES_PENALTY
    article_terms: float = ARTICLE_TERMS_BONUS


@dataclass(frozen=True, slots=True)
class ScoredPassage:
    """A search result before speakers are attached.

    ``answer`` is the best sentence's ``(start, end)`` in the passage's text.
    """

    index: int
    score: float
    dense: float
    lexical: float
    answer: tuple[int, int]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked passages, and what the abstention check needs: the best sentence cosine over all candidates,
    and whether the top passages hold an entity of the type the question asks for (True for open types).
    """

    ranked: list[ScoredPassage]
    top_cosine: float
    typed_answer: bool = True


def _versions() -> dict[str, str]:
    """Versions that cached vectors depend on (every article's key needs them)."""
    return package_versions(("sentence-transformers", "torch", "faiss-cpu", "transformers"))


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (two characters or more), as the abstention check sees them."""
    return _TOKEN.findall(text.lower())


@functools.lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def terms(text: str) -> list[str]:
    """BM25 terms: stemmed tokens without stopwords, so "meeting" finds "meet" and "which" finds nothing."""
    return _terms(tokenize(text))


def _terms(tokens: list[str]) -> list[str]:
    return list(_stemmer().stemWords([t for t in tokens if t not in STOPWORDS]))


class PassageIndex:
    """Passages of a corpus and their sentences, with vectors, searchable densely and lexically."""

    def __init__(
        self,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        sentences: Sequence[Sentence],
        sentence_vectors: np.ndarray,
        members: Sequence[Sequence[int]],
    ) -> None:
        import faiss

        self.passages = list(passages)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.sentences = list(sentences)
        self.sentence_vectors = np.ascontiguousarray(sentence_vectors, dtype=np.float32)
        # Rows of self.sentences in each passage, in order.
        self.members = [np.asarray(m, dtype=np.int64) for m in members]
        # Inner product equals cosine similarity on normalised vectors; a flat index is exact.
        self._faiss = faiss.IndexFlatIP(self.vectors.shape[1])
        self._faiss.add(self.vectors)
        tokens = [tokenize(p.text) for p in self.passages]
        self._bm25 = BM25([_terms(t) for t in tokens])
        self._sentence_bm25 = BM25([terms(s.text) for s in self.sentences])
        self.lexicon = Lexicon.from_texts(p.text for p in self.passages)
        self.vocabulary = frozenset(tok for row in tokens for tok in row)
        self._terms = frozenset(_stemmer().stemWords(sorted(self.vocabulary)))
        self._headings = _heading_flags(self.passages)
        self._entities = _EntityTable(len(self.sentences), _labelled_entities(self.sentences))
        self._intros = _EntityTable(len(self.sentences), _introductions(self.sentences))
        self._counted = _counted_nouns(self.sentences)
        grouped: dict[str, list[int]] = {}
        for row, passage in enumerate(self.passages):
            grouped.setdefault(passage.article, []).append(row)
        self._article_rows = {name: np.array(rows, dtype=np.int64) for name, rows in grouped.items()}
        self._row_article = np.zeros(len(self.passages), dtype=np.int64)
        for number, rows in enumerate(self._article_rows.values()):
            self._row_article[rows] = number
        numbers = {name: number for number, name in enumerate(self._article_rows)}
        self._name_articles = _name_articles(self.passages, tokens, self._entities, numbers)
        # Each article as one document of its sentences, for how well it covers a question's terms.
        sentence_article = np.array([numbers[s.article] for s in self.sentences], dtype=np.int64)
        self._article_bm25 = self._sentence_bm25.grouped(sentence_article, len(numbers))
        self._scopes: dict[str, _Scope] = {}
        self._scopes_lock = threading.Lock()  # the bot searches from several threads

    def __len__(self) -> int:
        return len(self.passages)

    def search(
        self,
        query_vector: np.ndarray,
        question: QuestionInfo | str,
        *,
        top_k: int,
        article: str | None = None,
        weights: Weights | None = None,
    ) -> SearchResult:
        """Top passages by the fused passage-and-best-sentence score (see the module docstring)."""
        w = weights or Weights()
        info = question if isinstance(question, QuestionInfo) else QuestionInfo(question, frozenset(), ())
        rows = self._article_rows.get(article) if article is not None else np.arange(len(self.passages))
        if rows is None or not len(rows):
            return SearchResult([], 0.0, False)
        query = np.ascontiguousarray(query_vector.reshape(-1), dtype=np.float32)
        dense = self._dense_scores(query, None if article is None else rows)
        tokens = [t for t in terms(info.text) if t in self._terms]
        lengths = np.array([len(self.members[r]) for r in rows], dtype=np.int64)
        flat = np.concatenate([self.members[r] for r in rows])
        scope = self._scope(article)
        if scope is None:
            lexical = _normalised(self._bm25.scores(tokens)[rows])
            sentence_lexical = _normalised(self._sentence_bm25.scores(tokens)[flat])
        else:
            lexical = _normalised(scope.bm25.scores(tokens))
            at = np.searchsorted(scope.sentence_rows, flat)
            sentence_lexical = _normalised(scope.sentence_bm25.scores(tokens)[at])
        sentence_dense = self.sentence_vectors[flat] @ query
        sentence_score = w.dense * sentence_dense + (1 - w.dense) * sentence_lexical
        passage_score = w.dense * dense + (1 - w.dense) * lexical
        question_words = entity_words(info.text)
        starts = _starts(lengths)

        def add_bonus(held: np.ndarray, weight: float) -> None:
            """``weight`` added to each sentence ``held`` marks, and to the passage holding it."""
            nonlocal sentence_score, passage_score
            sentence_score = sentence_score + weight * held[flat]
            passage_score = passage_score + weight * np.logical_or.reduceat(held[flat], starts)

        typed = None
        if info.answer_labels:
            labels = info.answer_labels
            if not w.point_dates and "DATE" in labels:
                labels = labels | {SPAN_LABEL}
            typed = self._entities.novel(labels, question_words)
        if typed is not None and w.type_bonus:
            add_bonus(typed, w.type_bonus)
        if info.answer_labels == AGENT_LABELS and w.intro:
            add_bonus(self._intros.novel(frozenset({"PERSON"}), question_words, any_word=True), w.intro)
        if w.count and (nouns := _HOW_MANY.search(info.text)):
            counted = np.zeros(len(self.sentences), dtype=bool)
            for stem in terms(nouns[1]):
                counted[self._counted.get(stem, [])] = True
            add_bonus(counted, w.count)
        best_score, best = _segment_argmax(sentence_score, lengths, starts)
        best = flat[best]
        fused = (1 - w.sentence) * passage_score + w.sentence * best_score
        fused = fused - w.heading * self._headings[rows]
        several = article is None and len(self._article_rows) > 1  # the article-level terms apply
        if several and w.article_terms:
            fused = (
                fused + w.article_terms * _normalised(self._article_bm25.scores(tokens))[self._row_article]
            )
        if several and w.article_names:
            fused = fused - w.article_names * self._missing_names(question_words)
        order = np.argsort(-fused, kind="stable")
        # Whether the passages a reader would look at hold an entity of the asked type at all.
        typed_answer = typed is None or any(
            typed[self.members[int(rows[i])]].any() for i in order[:TYPED_WINDOW]
        )
        order = order[:top_k]
        ranked = []
        for i in order:
            passage = self.passages[int(rows[i])]
            sentence = self.sentences[int(best[i])]
            answer = (sentence.start - passage.start, sentence.end - passage.start)
            ranked.append(
                ScoredPassage(int(rows[i]), float(fused[i]), float(dense[i]), float(lexical[i]), answer)
            )
        top = float(sentence_dense.max()) if len(sentence_dense) else 0.0
        return SearchResult(ranked, max(top, float(dense.max())), typed_answer)

    def lexicon_of(self, article: str | None) -> Lexicon:
        """What the searched text can name: the whole corpus, or with ``article`` that article alone (a
        person only another article mentions is absent from it)."""
        scope = self._scope(article)
        return self.lexicon if scope is None else scope.lexicon

    def _scope(self, article: str | None) -> _Scope | None:
        """The statistics of one article alone, for a search restricted to it; None for the whole corpus
        (or an article that is all of it), whose statistics the index already holds."""
        if article is None:
            return None
        rows = self._article_rows.get(article)
        if rows is None or len(rows) == len(self.passages):
            return None
        scope = self._scopes.get(article)  # every search asks twice (lexicon, then ranking): no lock then
        if scope is not None:
            return scope
        with self._scopes_lock:
            scope = self._scopes.get(article)
            if scope is None:
                if len(self._scopes) >= _SCOPES_KEPT:
                    self._scopes.pop(next(iter(self._scopes)))
                sentence_rows = np.unique(np.concatenate([self.members[r] for r in rows]))
                scope = _Scope(
                    bm25=self._bm25.subset(rows),
                    sentence_rows=sentence_rows,
                    sentence_bm25=self._sentence_bm25.subset(sentence_rows),
                    lexicon=Lexicon.from_texts(self.passages[r].text for r in rows),
                )
                self._scopes[article] = scope
            return scope

    def _missing_names(self, question_words: frozenset[str]) -> np.ndarray | float:
        """Per passage, the share of the question's names (its ``entity_words`` that some articles mention
        and others do not) that its article does not mention; 0.0 when none tells articles apart."""
        named = [self._name_articles[w] for w in question_words if w in self._name_articles]
        if not named:
            return 0.0
        missing = np.zeros(len(self.passages), dtype=np.float32)
        for articles in named:
            missing += ~articles[self._row_article]
        return missing / len(named)

    def _dense_scores(self, query: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        if rows is not None:
            return (self.vectors[rows] @ query).astype(np.float32)
        scores, ids = self._faiss.search(query.reshape(1, -1), len(self.passages))
        out = np.empty(len(self.passages), dtype=np.float32)
        out[ids[0]] = scores[0]
        return out


# Articles whose own statistics are kept for searches restricted to them (the oldest is dropped first).
_SCOPES_KEPT = 256


@dataclass(frozen=True, slots=True)
class _Scope:
    """One article's own BM25 statistics and lexicon. Searched alone, an article weighs its words by how
    rare they are in it, not in the library: a word every passage of the article shares ("Pagliano" in an
    article about him) tells its passages apart no better than "the", however rare it is elsewhere."""

    bm25: BM25  # over the article's passages, in the index's row order
    sentence_rows: np.ndarray  # the article's sentences, ascending
    sentence_bm25: BM25  # over those sentences, in that order
    lexicon: Lexicon


def entity_words(text: str) -> frozenset[str]:
    """The words an entity is matched on: lower case, possessives and stopwords dropped, digits kept."""
    return frozenset(w for w in _ENTITY_WORD.findall(text.lower()) if w not in STOPWORDS)


def _name_articles(
    passages: Sequence[Passage],
    tokens: Sequence[list[str]],
    entities: _EntityTable,
    numbers: dict[str, int],
) -> dict[str, np.ndarray]:
    """For each word of a name (of an entity of a named kind: a person, an organisation, a place...) that
    some articles hold and others do not, the articles that hold it, as a mask over the articles numbered
    by ``numbers``. Any mention counts, not only those spaCy labelled: NER misses some."""
    names = {
        word
        for word, found in entities.by_word.items()
        if len(word) > 1 and any(entities.labels[e] in NAMED_LABELS for e in found)
    }
    out: dict[str, np.ndarray] = {}
    for passage, words in zip(passages, tokens, strict=True):
        for word in names.intersection(words):
            out.setdefault(word, np.zeros(len(numbers), dtype=bool))[numbers[passage.article]] = True
    return {word: mask for word, mask in out.items() if not mask.all()}


class _EntityTable:
    """Entities of every sentence by label, and which entities a question already names.

    An entity the question names is not an answer to it: for "who is X's lawyer?" a sentence naming X is
    no better than any other, one naming someone else is. ``novel`` marks the sentences holding an entity
    of an asked label that the question does not name, without looping over the corpus per question.
    """

    def __init__(self, size: int, entities: Iterable[tuple[int, str, str]]) -> None:
        """A table over ``size`` sentences of ``entities``, each (sentence row, label, text)."""
        self.size = size
        self.counts: dict[str, np.ndarray] = {}
        self.rows: list[int] = []
        self.labels: list[str] = []
        self.words: list[frozenset[str]] = []
        self.by_word: dict[str, list[int]] = {}
        for row, label, text in entities:
            self.counts.setdefault(label, np.zeros(self.size, dtype=np.int32))[row] += 1
            words = entity_words(text)
            for word in words:
                self.by_word.setdefault(word, []).append(len(self.rows))
            self.rows.append(row)
            self.labels.append(label)
            self.words.append(words)

    def novel(
        self, labels: frozenset[str], question_words: frozenset[str], *, any_word: bool = False
    ) -> np.ndarray:
        """True for sentences holding an entity of one of ``labels`` that the question does not name
        (in full, or with ``any_word`` by any of its words: "Pagliano" names "Bryan Pagliano")."""
        novel = np.zeros(self.size, dtype=np.int32)
        for label in labels & self.counts.keys():
            novel += self.counts[label]
        named = {e for word in question_words for e in self.by_word.get(word, ())}
        for e in named:
            if self.labels[e] in labels and (any_word or self.words[e] <= question_words):
                novel[self.rows[e]] -= 1
        return novel > 0


# A DATE entity that names a point in time: a year, a month or a weekday, a day relative to today, or
# this/last/next <period>. Spans and frequencies ("18 years", "each month", "these days") are left out.
_POINT_IN_TIME = re.compile(
    r"\b(?:1[6-9]|20)\d\d\b|\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|yesterday|today|tomorrow|tonight|ago)\b"
    r"|\b(?:this|last|next|earlier|later)\s+(?:week|weekend|month|year|spring|summer|fall|autumn|winter"
    r"|night|morning|evening|decade|century)\b",
    re.I,
)


# The label a DATE entity takes in the entity table when it names no point in time ("18 years", "each
# month"): a span or a frequency cannot answer "when", so "when" questions do not ask for it.
SPAN_LABEL = "DATE_SPAN"


def _labelled_entities(sentences: Sequence[Sentence]) -> Iterator[tuple[int, str, str]]:
    """Every entity as (sentence row, label, text), a DATE naming no point in time as ``SPAN_LABEL``."""
    for row, sentence in enumerate(sentences):
        for label, text in sentence.entities:
            if label == "DATE" and not _POINT_IN_TIME.search(text):
                label = SPAN_LABEL
            yield row, label, text


# The thing "how many" counts: the next two words ("how many ohio voters", "how many states are").
_HOW_MANY = re.compile(r"\bhow many\s+((?:[\w-]+\s+)?[\w-]+)", re.I)


def _counted_nouns(sentences: Sequence[Sentence]) -> dict[str, list[int]]:
    """Rows of the sentences where a number counts something, by the stems of the two words after it
    ("Twenty-seven states led by" is filed under "state" and "led"; stopwords are never asked for)."""
    out: dict[str, list[int]] = {}
    for row, sentence in enumerate(sentences):
        for label, text in sentence.entities:
            if label != "CARDINAL":
                continue
            at = sentence.text.find(text)
            if at < 0:
                continue
            after = _TOKEN.findall(sentence.text[at + len(text) : at + len(text) + 40].lower())[:2]
            for stem in _stemmer().stemWords(after):
                out.setdefault(stem, []).append(row)
    return out


def _introductions(sentences: Sequence[Sentence]) -> Iterator[tuple[int, str, str]]:
    """The people each sentence introduces, as (sentence row, "PERSON", name): a name of two words or more,
    the first mention of its last word (a surname) in full in the article. Later mentions ("Roe said")
    quote, not introduce."""
    seen: set[tuple[str, str]] = set()
    for row, sentence in enumerate(sentences):
        for label, text in sentence.entities:
            if label != "PERSON":
                continue
            words = _ENTITY_WORD.findall(text.lower())
            if len(words) >= 2 and (sentence.article, words[-1]) not in seen:
                seen.add((sentence.article, words[-1]))
                yield row, label, text


def _starts(lengths: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)


def _segment_argmax(
    scores: np.ndarray, lengths: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The maximum of each segment of ``scores`` (consecutive runs of ``lengths``, none empty, beginning at
    ``starts``), and where."""
    maxima = np.maximum.reduceat(scores, starts)
    segment = np.repeat(np.arange(len(lengths)), lengths)
    at_max = np.flatnonzero(scores >= maxima[segment])
    _, first = np.unique(segment[at_max], return_index=True)
    return maxima, at_max[first]


def _normalised(scores: np.ndarray) -> np.ndarray:
    best = float(scores.max()) if scores.size else 0.0
    return scores / best if best > 0 else np.zeros_like(scores)


def _heading_flags(passages: Sequence[Passage]) -> np.ndarray:
    """1.0 for passages of heading-like paragraphs: very short ones, or a short headline before a longer lead.

    A heading fits in one passage; a paragraph split into several passages is long.
    """
    words: dict[tuple[str, int], float] = {}
    for p in passages:
        key = (p.article, p.paragraph)
        words[key] = float("inf") if key in words else len(p.text.split())
    flags = np.zeros(len(passages), dtype=np.float32)
    for row, p in enumerate(passages):
        n = words[(p.article, p.paragraph)]
        after = words.get((p.article, p.paragraph + 1), 0)
        if n <= HEADING_WORDS or (p.paragraph == 1 and n <= HEADLINE_WORDS and after > n):
            flags[row] = 1.0
    return flags


@dataclass(slots=True)
class _Entry:
    """One article's share of the index, as cached."""

    passages: list[Passage]
    vectors: np.ndarray
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    members: list[list[int]]  # per passage, rows of ``sentences``


def build_index(
    articles: Sequence[Article],
    embedder: Embedder,
    params: ChunkParams,
    cache: Cache,
    *,
    progress: ProgressFactory | None = None,
) -> PassageIndex:
    """Passages, sentences and vectors for every article, from the cache where valid, embedding the rest.

    ``progress``, called with the number of texts to embed when there are any, gives a context whose
    value is called with each block's size (a progress bar's ``update``).
    """
    keys = {a.id: _entry_key(a, embedder.model_id, params) for a in articles}
    per_article: dict[str, _Entry] = {}
    missing: list[Article] = []
    for article in articles:
        files = cache.load("passages", keys[article.id])
        loaded = _decode_entry(files) if files is not None else None
        if loaded is None:
            missing.append(article)
        else:
            per_article[article.id] = loaded
    if missing:
        log.info("embedding %d of %d articles", len(missing), len(articles))
        _embed_missing(missing, embedder, params, cache, keys, per_article, progress)
    entries = [per_article[a.id] for a in articles]
    passages = [p for e in entries for p in e.passages]
    sentences = [s for e in entries for s in e.sentences]
    members: list[list[int]] = []
    offset = 0
    for e in entries:
        members.extend([offset + m for m in rows] for rows in e.members)
        offset += len(e.sentences)
    return PassageIndex(
        passages,
        _stack([e.vectors for e in entries]),
        sentences,
        _stack([e.sentence_vectors for e in entries]),
        members,
    )


def _stack(blocks: Sequence[np.ndarray]) -> np.ndarray:
    blocks = [b for b in blocks if b.size]
    return np.vstack(blocks) if blocks else np.zeros((0, 1), dtype=np.float32)


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


def _sentences(article: Article, passages: Sequence[Passage]) -> tuple[list[Sentence], list[list[int]]]:
    """The article's sentences with their entity labels, and each passage's rows among them."""
    spans = [(para, s, e) for para in article.paragraphs for s, e in split_sentences(para.text)]
    entities = _entities([para.text[s:e] for para, s, e in spans])
    sentences = [
        Sentence(article.id, para.number, s, e, para.text[s:e], found)
        for (para, s, e), found in zip(spans, entities, strict=True)
    ]
    by_paragraph: dict[int, list[int]] = {}
    for row, sentence in enumerate(sentences):
        by_paragraph.setdefault(sentence.paragraph, []).append(row)
    members = []
    for p in passages:
        rows = [
            r
            for r in by_paragraph.get(p.paragraph, [])
            if sentences[r].start >= p.start and sentences[r].end <= p.end
        ]
        members.append(rows)
    return sentences, members


# spaCy reads at most this much of one sentence for its entities (a transcript can be one huge "sentence").
_NER_CHARS = 5000


def _entities(texts: Sequence[str]) -> list[tuple[tuple[str, str], ...]]:
    """The entities (of the kinds questions ask for) in each text, by spaCy's small English model."""
    from .nlp import load_spacy

    nlp = load_spacy()
    disabled = [name for name in nlp.pipe_names if name != "ner" and name != "tok2vec"]
    docs = nlp.pipe((t[:_NER_CHARS] for t in texts), disable=disabled, batch_size=256)
    return [
        tuple(sorted({(ent.label_, ent.text) for ent in doc.ents if ent.label_ in _KEPT_LABELS}))
        for doc in docs
    ]


def _embed_missing(
    missing: Sequence[Article],
    embedder: Embedder,
    params: ChunkParams,
    cache: Cache,
    keys: dict[str, str],
    out: dict[str, _Entry],
    progress: ProgressFactory | None,
) -> None:
    chunks = {a.id: split_passages(a, max_words=params.max_words, overlap=params.overlap) for a in missing}
    parts = {a.id: _sentences(a, chunks[a.id]) for a in missing}
    texts: list[str] = []
    for a in missing:
        texts.extend(p.text for p in chunks[a.id])
        texts.extend(s.text for s in parts[a.id][0])
    vectors = _embed(texts, embedder, progress)
    row = 0
    for article in missing:
        passages = chunks[article.id]
        sentences, members = parts[article.id]
        entry = _Entry(
            passages,
            vectors[row : row + len(passages)],
            sentences,
            vectors[row + len(passages) : row + len(passages) + len(sentences)],
            members,
        )
        row += len(passages) + len(sentences)
        out[article.id] = entry
        cache.save(
            "passages",
            keys[article.id],
            _encode_entry(entry),
            {
                "article": article.id,
                "path": article.path,
                "sha256": article.sha256,
                "model": embedder.model_id,
                "chunking": asdict(params),
                "versions": _versions(),
            },
        )


def _embed(texts: Sequence[str], embedder: Embedder, progress: ProgressFactory | None) -> np.ndarray:
    """Vectors of ``texts`` in order, embedded in length-sorted blocks (for the progress bar).

    The model itself sorts by length within a call, so similar lengths share a batch and little padding is
    computed; blocks of the globally sorted order keep that property across calls.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = np.zeros((len(texts), 0), dtype=np.float32)
    bar = progress(len(texts)) if progress is not None and texts else nullcontext(lambda _n: None)
    with bar as advance:
        for start in range(0, len(texts), ENCODE_BLOCK):
            rows = order[start : start + ENCODE_BLOCK]
            block = embedder.encode([texts[i] for i in rows])
            if not vectors.shape[1]:
                vectors = np.zeros((len(texts), block.shape[1]), dtype=np.float32)
            vectors[rows] = block
            advance(len(rows))
    return vectors


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _encode_entry(entry: _Entry) -> dict[str, bytes]:
    sentences = [{**asdict(s), "entities": [list(e) for e in s.entities]} for s in entry.sentences]
    return {
        "passages.json": json.dumps([asdict(p) for p in entry.passages], ensure_ascii=False).encode(),
        "vectors.npy": _npy(entry.vectors),
        "sentences.json": json.dumps(
            {"sentences": sentences, "members": entry.members}, ensure_ascii=False
        ).encode(),
        "sentence_vectors.npy": _npy(entry.sentence_vectors),
    }


def _decode_entry(files: dict[str, bytes]) -> _Entry | None:
    try:
        passages = [Passage(**row) for row in json.loads(files["passages.json"])]
        vectors = np.load(io.BytesIO(files["vectors.npy"]), allow_pickle=False)
        raw = json.loads(files["sentences.json"])
        sentences = [
            Sentence(**{**row, "entities": tuple((str(a), str(b)) for a, b in row["entities"])})
            for row in raw["sentences"]
        ]
        members = [[int(r) for r in rows] for rows in raw["members"]]
        sentence_vectors = np.load(io.BytesIO(files["sentence_vectors.npy"]), allow_pickle=False)
    except (KeyError, ValueError, TypeError) as exc:
        log.warning("cache entry unreadable (%s); rebuilding it", exc)
        return None
    if vectors.ndim != 2 or len(vectors) != len(passages) or len(members) != len(passages):
        log.warning("cache entry has %d vectors for %d passages; rebuilding it", len(vectors), len(passages))
        return None
    if sentence_vectors.ndim != 2 or len(sentence_vectors) != len(sentences):
        log.warning("cache entry has mismatched sentence vectors; rebuilding it")
        return None
    if any(r < 0 or r >= len(sentences) for rows in members for r in rows):
        log.warning("cache entry has sentence rows out of range; rebuilding it")
        return None
    return _Entry(
        passages,
        vectors.astype(np.float32, copy=False),
        sentences,
        sentence_vectors.astype(np.float32, copy=False),
        members,
    )
