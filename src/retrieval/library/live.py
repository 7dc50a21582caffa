"""The corpus a running process answers from: article files plus the library, per scope, live.

Each scope (the global one, and each guild with articles of its own) has a :class:`Newsdesk` snapshot over
a fixed set of articles. Adding or removing an article builds the new snapshots beside the old ones, then
swaps them in with one assignment: a question asked meanwhile is answered from the old snapshot, whole.
Passages, vectors and quotes of unchanged articles come from an in-memory layer over the cache, so a new
snapshot embeds only the new article.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..article import load_articles
from ..cache import Cache
from ..config import RetrievalSettings
from ..embedder import Embedder, make_embedder
from ..errors import ArticleError, UnknownArticleError
from ..models import Article
from ..service import Newsdesk
from .pages import ExtractedArticle
from .store import GLOBAL, AddResult, Library, StoredArticle, scope_of

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
        self.embedder: Embedder = embedder or make_embedder(settings)
        self._cache = MemoryCache(settings.cache_dir if settings.use_cache else None)
        self._write = threading.Lock()  # one rebuild at a time; readers never wait on it
        self._rows: tuple[StoredArticle, ...] = ()
        self._views: dict[str, Newsdesk] = {}
        self._fingerprint: tuple[tuple[str, str], ...] = ()
        with self._write:
            self._reload()

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
        """Store the article and make it searchable in its scope before returning."""
        with self._write:
            result = self.library.add(extracted, scope=scope_of(guild_id), added_by=added_by)
            if result.created:
                self._reload(changed_scope=result.article.scope)
            return result

    def remove(self, article_id: str, *, guild_id: int | None = None) -> StoredArticle:
        """Remove a library article the scope owns (a guild cannot remove global articles or files)."""
        if any(a.id == article_id for a in self.files):
            raise UnknownArticleError(f"{article_id!r} is an article file, read-only here")
        with self._write:
            removed = self.library.remove(article_id, scopes=[scope_of(guild_id)])
            self._reload(changed_scope=removed.scope)
            return removed

    def refresh(self) -> bool:
        """Pick up changes another process made to the library (a CLI add, another shard); True if any."""
        with self._write:
            if self.library.fingerprint() == self._fingerprint:
                return False
            self._reload()
            return True

    def _reload(self, changed_scope: str | None = None) -> None:
        self._fingerprint = self.library.fingerprint()
        rows = tuple(self.library.articles())
        _check_unique(self.files, [r.article() for r in rows])
        by_scope: dict[str, list[StoredArticle]] = {}
        for row in rows:
            by_scope.setdefault(row.scope, []).append(row)
        scopes = {GLOBAL, *by_scope}
        views: dict[str, Newsdesk] = {}
        for scope in scopes:
            old = self._views.get(scope)
            # Only the changed scope's snapshot (all of them, for a global change) is rebuilt.
            if old is not None and changed_scope not in (None, GLOBAL, scope):
                views[scope] = old
                continue
            own = by_scope.get(scope, []) if scope != GLOBAL else []
            articles = [
                *self.files,
                *(r.article() for r in by_scope.get(GLOBAL, [])),
                *(r.article() for r in own),
            ]
            views[scope] = self._snapshot(articles or load_articles())
        self._rows = rows
        self._views = views  # the swap: one assignment, so readers see the old views or the new ones
        log.info("library: %d article(s) in %d scope(s)", len(rows), len(views))

    def _snapshot(self, articles: Sequence[Article]) -> Newsdesk:
        desk = Newsdesk(articles, settings=self.settings, embedder=self.embedder, cache=self._cache)
        desk.warm()  # index and quotes now, while the old snapshot still answers
        return desk
