"""The corpus a running process answers from: article files plus the library, per scope, live.

Each scope (the global one, and each guild with articles of its own) has a :class:`Newsdesk` snapshot over
a fixed set of articles. Adding or removing an article builds the new snapshots beside the old ones, then
swaps them in with one assignment: a question asked meanwhile is answered from the old snapshot, whole.
Passages, vectors and quotes of unchanged articles come from an in-memory layer over the cache, so a new
snapshot embeds only the new article. A new article is searchable as soon as its passages are embedded and
the index is swapped in; its quotes are extracted after the swap, in a background thread (a question whose
passages come from it waits for them, so answers always name their speakers).

Articles added by another process (the CLI's ``newsdesk add``, another shard) are picked up by ``refresh``,
which the bot calls every few seconds: one cheap query, and a rebuild only of the scopes that changed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..article import load_articles
from ..cache import Cache
from ..config import RetrievalSettings
from ..embedder import Embedder, make_embedder
from ..errors import ArticleError, UnknownArticleError
from ..models import Article
from ..service import Newsdesk
from .pages import ExtractedArticle
from .store import GLOBAL, AddResult, Library, LibraryError, StoredArticle, scope_of

log = logging.getLogger(__name__)


class MemoryCache(Cache):
    """The on-disk cache with the entries this process has used kept in memory."""

    def __init__(self, root: Path | None) -> None:
        super().__init__(root)
        self._memory: dict[tuple[str, str], dict[str, bytes]] = {}

    def load(self, kind: str, key: str) -> dict[str, bytes] | None:
        """From memory, else from disk (and then kept)."""
        hit = self._memory.get((kind, key))
        if hit is not None:
            return dict(hit)
        files = super().load(kind, key)
        if files is not None:
            self._memory[(kind, key)] = dict(files)
        return files

    def save(self, kind: str, key: str, files: Mapping[str, bytes], info: Mapping[str, Any]) -> None:
        """To memory and to disk."""
        self._memory[(kind, key)] = dict(files)
        super().save(kind, key, files, info)


class DistinctTexts:
    """An embedder that encodes each distinct text once (the model is deterministic).

    The index embeds every passage and every sentence; a passage of one sentence is the same text twice
    (a third of the sentences of a typical news article), and embedding it once makes an add that much
    faster. Everything else (``model_id``, the query path) is the wrapped embedder's.
    """

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` in order, each distinct text encoded once."""
        distinct = list(dict.fromkeys(texts))
        if len(distinct) == len(texts):
            return self.inner.encode(texts)
        vectors = self.inner.encode(distinct)
        row = {text: i for i, text in enumerate(distinct)}
        return vectors[[row[text] for text in texts]]

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - whatever the wrapped embedder has
        return getattr(self.inner, name)


@dataclass(frozen=True, slots=True)
class Entry:
    """A line of ``/article list``: a library article, or a read-only article file."""

    id: str
    title: str | None
    published: str | None
    source: str | None
    url: str | None
    scope: str  # "global", a guild id, or "file"
    added_by: str | None = None
    added_at: str | None = None


def corpus_articles(settings: RetrievalSettings, *, library: bool = True) -> list[Article]:
    """Article files (NEWSDESK_ARTICLES) and the library's global articles; else the bundled one."""
    files = load_articles(settings.articles) if settings.articles else []
    stored = [row.article() for row in Library(settings.library_url).visible(None)] if library else []
    _check_unique(files, stored)
    return [*files, *stored] or load_articles()


def _check_unique(files: Sequence[Article], stored: Sequence[Article]) -> None:
    clash = {a.id for a in files} & {a.id for a in stored}
    if clash:
        raise ArticleError(f"an article file and a library article share the id {sorted(clash)[0]!r}")


class LiveLibrary:
    """Newsdesk snapshots per scope over files and the library; ``add`` and ``remove`` act at once."""

    def __init__(
        self,
        settings: RetrievalSettings,
        *,
        embedder: Embedder | None = None,
        library: Library | None = None,
        files: Sequence[Article] | None = None,
    ) -> None:
        self.settings = settings
        self.library = library or Library(settings.library_url)
        self.files = (
            list(files)
            if files is not None
            else load_articles(settings.articles)
            if settings.articles
            else []
        )
        # Questions through the model's ONNX export where cached; torch only to embed new articles.
        self.embedder: Embedder = DistinctTexts(embedder or make_embedder(settings))
        self._cache = MemoryCache(settings.cache_dir if settings.use_cache else None)
        self._write = threading.Lock()  # one rebuild at a time; readers never wait on it
        self._rows: tuple[StoredArticle, ...] = ()
        self._views: dict[str, Newsdesk] = {}
        self._fingerprint: tuple[tuple[str, str], ...] = ()
        # Quotes of new snapshots are extracted here, after the swap, one snapshot at a time.
        self._quotes = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsdesk-quotes")
        self._pending: list[Future[None]] = []
        self._closed = False
        with self._write:
            self._reload(quotes_now=True)
        # spaCy parses every added article (entity labels, quotes); from a warm cache nothing loaded it yet.
        self._pending.append(self._quotes.submit(self._load_nlp))

    # -- reading ---------------------------------------------------------------------------------

    def for_guild(self, guild_id: int | None) -> Newsdesk:
        """The snapshot a guild (or a DM, with None) answers from: global articles and the guild's own."""
        views = self._views
        return views.get(scope_of(guild_id)) or views[GLOBAL]

    def entries(self, guild_id: int | None) -> list[Entry]:
        """Article files, then the library articles the guild sees, oldest first."""
        scopes = {GLOBAL, scope_of(guild_id)}
        files = [
            Entry(a.id, a.title, a.published.isoformat() if a.published else None, a.source, a.url, "file")
            for a in self.files
        ]
        rows = [
            Entry(
                r.id,
                r.title,
                r.published.isoformat() if r.published else None,
                r.source,
                r.url,
                r.scope,
                r.added_by,
                r.added_at,
            )
            for r in self._rows
            if r.scope in scopes
        ]
        return files + rows

    # -- writing ---------------------------------------------------------------------------------

    def add(
        self, extracted: ExtractedArticle, *, guild_id: int | None = None, added_by: str | None = None
    ) -> AddResult:
        """Store the article and make it searchable in its scope before returning (quotes follow)."""
        with self._write:
            self._check_open()
            result = self.library.add(extracted, scope=scope_of(guild_id), added_by=added_by)
            if result.created:
                self._reload(changed={result.article.scope})
            return result

    def remove(self, article_id: str, *, guild_id: int | None = None) -> StoredArticle:
        """Remove a library article the scope owns (a guild cannot remove global articles or files)."""
        if any(a.id == article_id for a in self.files):
            raise UnknownArticleError(f"{article_id!r} is an article file, read-only here")
        with self._write:
            self._check_open()
            removed = self.library.remove(article_id, scopes=[scope_of(guild_id)])
            self._reload(changed={removed.scope})
            return removed

    def refresh(self) -> bool:
        """Pick up changes another process made to the library (a CLI add, another shard); True if any.

        Cheap when nothing changed: one query for the ids and content hashes. Only the scopes whose articles
        changed are rebuilt (every scope when a global article did).
        """
        if self._closed or self.library.fingerprint() == self._fingerprint:
            return False
        with self._write:
            if self._closed:
                return False
            fingerprint = self.library.fingerprint()
            if fingerprint == self._fingerprint:
                return False
            before = {(r.id, r.content_sha256): r.scope for r in self._rows}
            after = {(r.id, r.content_sha256): r.scope for r in self.library.articles()}
            changed = {before[k] for k in before.keys() - after.keys()}
            changed |= {after[k] for k in after.keys() - before.keys()}
            log.info("library: changed by another process (scopes: %s)", ", ".join(sorted(changed)))
            self._reload(changed=changed)
            return True

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until the quotes of every snapshot swapped in so far are extracted; False on timeout."""
        pending = list(self._pending)
        _, waiting = wait_for_futures(pending, timeout=timeout)
        return not waiting

    def close(self) -> None:
        """Stop: wait for an add, remove or refresh in progress, then for quote extraction; refuse new writes.

        The database holds no connection between operations, so once the writes in progress have
        committed it is closed; the cache is written by atomic renames, so a stop never leaves half an
        entry.
        """
        with self._write:
            self._closed = True
        self._quotes.shutdown(wait=True, cancel_futures=True)
        log.debug("library: closed")

    def _load_nlp(self) -> None:
        """Load spaCy now, in the background, so the first add after a start does not wait ~2 s for it.

        Under the write lock: spaCy's loader hides torch from imports for a moment, and only an add, a
        remove or a refresh may import torch after the start (to embed), all under that lock.
        """
        from ..nlp import load_spacy

        with self._write:
            if self._closed:
                return
            try:
                load_spacy()
            except Exception as exc:  # an add will report it, with its own message
                log.warning("library: cannot load spaCy in advance: %s", exc)

    def _check_open(self) -> None:
        if self._closed:
            raise LibraryError("the library is closing; try again after the restart")

    def _reload(self, changed: set[str] | None = None, *, quotes_now: bool = False) -> None:
        """Build the snapshots of the ``changed`` scopes (all when None, or when the global scope changed),
        swap them in, then extract their quotes (at once when ``quotes_now``, else in the background)."""
        self._fingerprint = self.library.fingerprint()
        rows = tuple(self.library.articles())
        _check_unique(self.files, [r.article() for r in rows])
        by_scope: dict[str, list[StoredArticle]] = {}
        for row in rows:
            by_scope.setdefault(row.scope, []).append(row)
        everything = changed is None or GLOBAL in changed
        views: dict[str, Newsdesk] = {}
        built: list[Newsdesk] = []
        for scope in {GLOBAL, *by_scope}:
            old = self._views.get(scope)
            if old is not None and not everything and scope not in (changed or ()):
                views[scope] = old  # untouched: the same snapshot object
                continue
            own = by_scope.get(scope, []) if scope != GLOBAL else []
            articles = [
                *self.files,
                *(r.article() for r in by_scope.get(GLOBAL, [])),
                *(r.article() for r in own),
            ]
            desk = self._snapshot(articles or load_articles(), like=old or self._views.get(GLOBAL))
            views[scope] = desk
            built.append(desk)
        self._rows = rows
        self._views = views  # the swap: one assignment, so readers see the old views or the new ones
        log.info("library: %d article(s) in %d scope(s)", len(rows), len(views))
        if quotes_now:
            for desk in built:
                desk.warm_quotes()
        else:
            self._pending = [f for f in self._pending if not f.done()]
            self._pending += [self._quotes.submit(_extract_quotes, desk) for desk in built]

    def _snapshot(self, articles: Sequence[Article], like: Newsdesk | None = None) -> Newsdesk:
        """A searchable snapshot: the index built (the new article embedded) and the model warm."""
        desk = Newsdesk(articles, settings=self.settings, embedder=self.embedder, cache=self._cache)
        if like is not None:
            desk.reuse_quotes(like)  # unchanged articles' quotes, already decoded
        desk.warm(quotes=False)  # the index now, while the old snapshot still answers
        return desk


def _extract_quotes(desk: Newsdesk) -> None:
    """Background: the snapshot's quotes (a failure is the snapshot's to report when asked)."""
    try:
        desk.warm_quotes()
    except Exception:
        log.exception("library: extracting quotes after an add failed; they are extracted when asked")
