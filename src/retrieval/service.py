"""The one facade the CLI and the bot call: ask, quotes, speakers, timeline and about over a corpus."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, replace
from datetime import date

from . import __version__
from .abstain import Evidence, name_words, weigh
from .cache import Cache, make_key
from .config import RetrievalSettings
from .embedder import Embedder, encode_query, make_embedder
from .errors import NewsdeskError, QuestionError, UnknownArticleError, UnknownSpeakerError
from .index import ChunkParams, PassageIndex, SearchResult, Weights, build_index
from .limits import QUESTION_MAX_CHARS
from .models import (
    Answer,
    AnswerSpan,
    Article,
    ArticleInfo,
    Hit,
    Passage,
    Quote,
    QuoteExtraction,
    Speaker,
    Timeline,
)
from .question import analyse

log = logging.getLogger(__name__)
# Passages re-ranked when a question asks for someone's words (their quotes move up among these).
ROUTE_DEPTH = 20

MAX_QUESTION_CHARS = QUESTION_MAX_CHARS  # the limit lives in limits.py, shared with the CLI and bot
# A corpus smaller than progress_min_articles still shows progress when there is this much to do:
# passages to embed (about 5 s of a CPU), characters to parse for quotes (about 10 s).
PROGRESS_MIN_PASSAGES = 1000
PROGRESS_MIN_CHARS = 100_000


class Newsdesk:
    """Questions, quotes, speakers and timelines over a corpus of articles.

    The embedding model and the index load on the first ``ask`` (or ``warm``); quotes, speakers and the
    timeline never load them. Methods are thread-safe and blocking: async callers use a thread.
    """

    def __init__(
        self,
        articles: Sequence[Article],
        *,
        settings: RetrievalSettings | None = None,
        embedder: Embedder | None = None,
        cache: Cache | None = None,
    ) -> None:
        if not articles:
            raise UnknownArticleError("the corpus holds no articles")
        self.settings = settings or RetrievalSettings()
        self.articles = {a.id: a for a in articles}
        self._embedder = embedder
        self._cache = (
            cache
            if cache is not None
            else Cache(self.settings.cache_dir if self.settings.use_cache else None)
        )
        self._params = ChunkParams(self.settings.chunk_words, self.settings.chunk_overlap_sentences)
        self._index: PassageIndex | None = None
        self._quotes: dict[str, QuoteExtraction] = {}
        self._lock = threading.RLock()  # the index
        # One lock per article's quotes: extracting one (in the background, after a live add) never holds up
        # a search, nor a question whose passages come from the other articles.
        self._quote_locks: dict[str, threading.Lock] = {}
        self._quote_locks_guard = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: RetrievalSettings, *, embedder: Embedder | None = None, library: bool = True
    ) -> Newsdesk:
        """The configured article files and the library's global articles (or the bundled article)."""
        from .library.live import corpus_articles

        return cls(corpus_articles(settings, library=library), settings=settings, embedder=embedder)

    @property
    def article_ids(self) -> list[str]:
        """Ids of the loaded articles, in corpus order."""
        return list(self.articles)

    # -- retrieval -------------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        """The embedding model (the packaged one unless another was injected): sentence-transformers for the
        index, and for questions its ONNX export where the cache holds one (NEWSDESK_QUERY_BACKEND)."""
        if self._embedder is None:
            self._embedder = make_embedder(self.settings, self._cache)
        return self._embedder

    @property
    def index(self) -> PassageIndex:
        """The passage index, built or loaded from the cache on first use."""
        with self._lock:
            if self._index is None:
                many = len(self.articles) >= self.settings.progress_min_articles
                self._index = build_index(
                    list(self.articles.values()),
                    self.embedder,
                    self._params,
                    self._cache,
                    progress=functools.partial(_progress_bar, always=many),
                )
            return self._index

    def warm(self, *, quotes: bool = True) -> None:
        """Do now, once, the slow work of a first question: the model, the index and every article's quotes.

        A bot calls this before it connects, so no user waits behind it (quotes come from the cache when
        they were extracted before).
        """
        self.index  # noqa: B018 - the property loads it
        encode_query(self.embedder, ["warm-up"])
        if quotes:
            self.warm_quotes()

    def warm_quotes(self) -> None:
        """Every article's quotes, from the cache when extracted before (a live add: after the swap)."""
        for article in self.articles.values():
            self._extraction(article)

    def reuse_quotes(self, other: Newsdesk) -> None:
        """Take the quotes ``other`` already holds for the same articles (same id and bytes)."""
        for article_id, extraction in list(other._quotes.items()):
            mine, theirs = self.articles.get(article_id), other.articles.get(article_id)
            same = mine is not None and theirs is not None and mine.sha256 == theirs.sha256
            if same and extraction.complete:  # a failed extraction is tried again, as on a restart
                self._quotes.setdefault(article_id, extraction)

    def ask(self, question: str, top_k: int | None = None, article: str | None = None) -> Answer:
        """The passages most relevant to ``question``, with their speakers, and whether it is answerable."""
        text = " ".join(question.split())
        if not text:
            raise QuestionError("the question is empty")
        if len(text) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
        k = top_k if top_k is not None else self.settings.top_k
        if k < 1:
            raise QuestionError("top_k must be at least 1")
        if article is not None:
            self._article(article)
        result, evidence = self.search(text, top_k=k, article=article)
        index = self.index
        hits = []
        for f in result.ranked:
            passage = index.passages[f.index]
            start, end = f.answer
            hits.append(
                Hit(
                    passage=passage,
                    score=round(f.score, 4),
                    speakers=self._speakers_in(passage),
                    answer=AnswerSpan(start, end, passage.text[start:end]),
                )
            )
        return Answer(question=text, answerable=evidence.answerable, hits=tuple(hits), reason=evidence.reason)

    def search(
        self, question: str, *, top_k: int, article: str | None = None, weights: Weights | None = None
    ) -> tuple[SearchResult, Evidence]:
        """The ranked passages and the abstention evidence for a question (``ask`` without the packaging).

        ``weights`` varies the ranking, for evaluation; the defaults are the measured ones.
        """
        index = self.index
        lexicon = index.lexicon_of(article)
        info = analyse(question, lexicon.knows_name)
        if not info.text:
            raise QuestionError("the question holds nothing but markup")
        vector = encode_query(self.embedder, [info.text])[0]
        w = weights or Weights()
        speaker = info.speaker if w.intent or not info.intent else None
        routed = bool(speaker and w.speaker)
        depth = max(top_k, ROUTE_DEPTH) if routed else top_k
        result = index.search(vector, info, top_k=depth, article=article, weights=w)
        if routed and speaker:
            result = self._route_to_speaker(result, speaker, w.speaker, top_k)
        speakers = None
        if info.quoted:
            # The articles searched, or in a corpus those of the top passages: the ones a reader would see.
            names = [article] if article else [index.passages[r.index].article for r in result.ranked[:3]]
            speakers = [
                name
                for a in dict.fromkeys(names)
                for s in self._extraction(self.articles[a]).speakers
                for name in (s.name, *s.aliases)
            ]
        evidence = weigh(
            info, result.top_cosine, lexicon, typed_answer=result.typed_answer, speakers=speakers
        )
        return result, evidence

    def _route_to_speaker(self, result: SearchResult, speaker: str, bonus: float, top_k: int) -> SearchResult:
        """``result`` re-ranked with ``bonus`` added to the passages where ``speaker`` is quoted."""
        wanted = name_words(speaker)
        if not wanted:
            return replace(result, ranked=result.ranked[:top_k])
        rescored = []
        for scored in result.ranked:
            passage = self.index.passages[scored.index]
            quoted = {w for name in self._speakers_in(passage) for w in name_words(name)}
            rescored.append(replace(scored, score=scored.score + bonus * (wanted[-1] in quoted)))
        rescored.sort(key=lambda s: -s.score)
        return replace(result, ranked=rescored[:top_k])

    def evidence(self, question: str, top_cosine: float) -> Evidence:
        """The abstention evidence for a question (exposed for calibration)."""
        lexicon = self.index.lexicon
        return weigh(analyse(question, lexicon.knows_name), top_cosine, lexicon)

    # -- quotes and speakers ---------------------------------------------------------------------

    def quotes(self, speaker: str | None = None, article: str | None = None) -> list[Quote]:
        """Quotations in article order, optionally only one speaker's (matched on any alias, any case)."""
        articles = [self._article(article)] if article else list(self.articles.values())
        quotes = [q for a in articles for q in self._complete_extraction(a).quotes]
        if speaker is None:
            return quotes
        wanted = " ".join(speaker.split()).casefold()
        speakers = [s for a in articles for s in self._extraction(a).speakers]
        matches = {
            (s.article, s.name)
            for s in speakers
            if wanted in {alias.casefold() for alias in (s.name, *s.aliases)}
        }
        if not matches:
            # Fall back to a word of a name ("smith" for "Jane Smith").
            matches = {
                (s.article, s.name)
                for s in speakers
                if any(wanted in alias.casefold().split() for alias in (s.name, *s.aliases))
            }
        if not matches:
            raise UnknownSpeakerError(speaker, sorted({s.name for s in speakers}))
        return [q for q in quotes if (q.article, q.speaker) in matches]

    def speakers(self, article: str | None = None) -> list[Speaker]:
        """Everyone quoted, per article, in order of first appearance."""
        articles = [self._article(article)] if article else list(self.articles.values())
        return [s for a in articles for s in self._complete_extraction(a).speakers]

    def _complete_extraction(self, article: Article) -> QuoteExtraction:
        """The article's quotes; an error, not "no one is quoted", when extracting them failed."""
        extraction = self._extraction(article)
        if not extraction.complete:
            raise NewsdeskError(f"{article.id}: quote extraction failed (the log says why)")
        return extraction

    def _speakers_in(self, passage: Passage) -> tuple[str, ...]:
        quotes = self._extraction(self.articles[passage.article]).quotes
        inside = (
            q.speaker
            for q in quotes
            if q.paragraph == passage.paragraph and q.start < passage.end and q.end > passage.start
        )
        return tuple(dict.fromkeys(inside))

    def _extraction(self, article: Article) -> QuoteExtraction:
        done = self._quotes.get(article.id)
        if done is not None:
            return done
        with self._quote_locks_guard:
            lock = self._quote_locks.setdefault(article.id, threading.Lock())
        with lock:
            if article.id not in self._quotes:
                self._quotes[article.id] = self._load_or_extract(article)
            return self._quotes[article.id]

    def _load_or_extract(self, article: Article) -> QuoteExtraction:
        from .quotes import EXTRACTOR_VERSION, extract_quotes

        key = make_key(
            {"article_sha256": article.sha256, "article_id": article.id, "extractor": EXTRACTOR_VERSION}
        )
        entry = self._cache.load("quotes", key)
        if entry is not None:
            with contextlib.suppress(KeyError, ValueError, TypeError):
                return _decode_quotes(entry["quotes.json"])
        size = sum(len(p.text) + 1 for p in article.paragraphs)
        if size >= PROGRESS_MIN_CHARS:
            with _progress_bar(size, always=True, desc=f"quotes in {article.id}", unit="char") as advance:
                extraction = extract_quotes(article, progress=advance)
        else:
            extraction = extract_quotes(article)
        if not extraction.complete:
            return extraction  # never cached: the next run tries again
        self._cache.save(
            "quotes",
            key,
            {"quotes.json": _encode_quotes(extraction)},
            {
                "article": article.id,
                "path": article.path,
                "sha256": article.sha256,
                "extractor": EXTRACTOR_VERSION,
            },
        )
        return extraction

    # -- timeline and metadata -------------------------------------------------------------------

    def timeline(self, article: str | None = None, published: date | None = None) -> Timeline:
        """Dated events in chronological order; ``published`` stands in where an article gives no date."""
        from .timeline import build_timeline, merge_timelines

        articles = [self._article(article)] if article else list(self.articles.values())
        parts = [build_timeline(a, published, self._extraction(a).quotes) for a in articles]
        return merge_timelines(parts)

    def about(self, article: str | None = None) -> list[ArticleInfo]:
        """Title, source, date and size of each article (passage counts come from the index)."""
        articles = [self._article(article)] if article else list(self.articles.values())
        counts: dict[str, int] = {}
        for p in self.index.passages:
            counts[p.article] = counts.get(p.article, 0) + 1
        return [
            ArticleInfo(
                article=a.id,
                title=a.title,
                source=a.source,
                url=a.url,
                published=a.published.isoformat() if a.published else None,
                paragraphs=len(a.paragraphs),
                passages=counts.get(a.id, 0),
                version=__version__,
            )
            for a in articles
        ]

    def _article(self, article_id: str) -> Article:
        try:
            return self.articles[article_id]
        except KeyError:
            known = ", ".join(self.articles)
            raise UnknownArticleError(f"no article named {article_id!r}; loaded: {known}") from None


@contextlib.contextmanager
def _progress_bar(
    total: int, *, always: bool = False, desc: str = "indexing", unit: str = "passage"
) -> Iterator[Callable[[int], object]]:
    """A progress bar on stderr (passages being embedded, by default); shown when ``always`` or when
    ``total`` passages are enough to take a while on their own."""
    if not always and total < PROGRESS_MIN_PASSAGES:
        yield lambda _n: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=unit, unit_scale=unit == "char", leave=False) as bar:
        yield bar.update


def _encode_quotes(extraction: QuoteExtraction) -> bytes:
    return json.dumps(asdict(extraction), ensure_ascii=False).encode()


def _decode_quotes(data: bytes) -> QuoteExtraction:
    raw = json.loads(data)
    return QuoteExtraction(
        quotes=tuple(Quote(**{**q, "rules": tuple(q.get("rules", ()))}) for q in raw["quotes"]),
        speakers=tuple(Speaker(**{**s, "aliases": tuple(s["aliases"])}) for s in raw["speakers"]),
    )
