"""The article library in a database: SQLite by default, PostgreSQL (psycopg 3) for shared libraries.

Plain SQL through DB-API connections, one short connection per operation, so the store is safe to use
from several threads and processes. Each write is one transaction: an article is stored whole or not at
all, even when the process is killed half-way. The schema is created or migrated when the store opens.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from ..article import parse_article
from ..errors import NewsdeskError, UnknownArticleError
from ..models import Article
from .pages import ExtractedArticle

log = logging.getLogger(__name__)

GLOBAL = "global"
SCHEMA_VERSION = 1
# Each entry upgrades the schema from the version before it (index 0 creates version 1).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS articles (
            id TEXT PRIMARY KEY,
            title TEXT,
            published TEXT,
            source TEXT,
            url TEXT,
            scope TEXT NOT NULL,
            added_by TEXT,
            added_at TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (scope, content_sha256)
        )""",
        "CREATE INDEX IF NOT EXISTS articles_scope ON articles (scope)",
    ),
)
_COLUMNS = "id, title, published, source, url, scope, added_by, added_at, content_sha256, text"
_SLUG_WORDS = 8


class LibraryError(NewsdeskError):
    """The library database cannot be opened or used."""


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """One row of the library."""

    id: str
    title: str | None
    published: date | None
    source: str | None
    url: str | None
    scope: str  # "global" or a guild id
    added_by: str | None
    added_at: str  # ISO 8601, UTC
    content_sha256: str
    text: str

    def article(self) -> Article:
        """The article as the retrieval layer reads it (its bytes, and so its cache key, are stable)."""
        extracted = ExtractedArticle(self.title, self.published, self.source, self.url, self.text)
        return parse_article(extracted.document().encode(), article_id=self.id, path=f"library:{self.id}")


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add`` did: ``created`` is False when the same text was already in the library."""

    article: StoredArticle
    created: bool


def content_hash(text: str) -> str:
    """sha256 of the text with whitespace normalised: the same article re-extracted hashes the same."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def scope_of(guild_id: int | None) -> str:
    """The scope name of a guild, or the global scope."""
    return GLOBAL if guild_id is None else str(guild_id)


def make_id(title: str | None, scope: str, sha256: str) -> str:
    """A readable, stable id: the title's first words and a hash of scope and content."""
    words = re.findall(r"[a-z0-9]+", (title or "article").lower())[:_SLUG_WORDS]
    slug = "-".join(words)[:48].strip("-") or "article"
    return f"{slug}-{hashlib.sha256(f'{scope}:{sha256}'.encode()).hexdigest()[:6]}"


class _Backend(Protocol):
    placeholder: str

    def connect(self) -> Any: ...  # noqa: ANN401 - a DB-API connection of either driver


class _SQLite:
    placeholder = "?"

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"cannot create the library folder {path.parent}: {exc.strerror}") from None

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        # WAL: readers in other processes (the bot) never block a writer (the CLI) and see whole commits.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        return conn


class _Postgres:
    placeholder = "%s"

    def __init__(self, url: str) -> None:
        self.url = url

    def connect(self) -> Any:  # noqa: ANN401 - a psycopg connection, imported lazily
        import psycopg

        return psycopg.connect(self.url, autocommit=True, connect_timeout=10)


class Library:
    """Articles stored per scope: global ones for everyone, guild ones for that guild only."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._backend: _Backend = _backend_for(url)
        self._migrate()

    @property
    def kind(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return "sqlite" if isinstance(self._backend, _SQLite) else "postgresql"

    @contextlib.contextmanager
    def _transaction(self, *, write: bool = False) -> Iterator[Any]:
        try:
            conn = self._backend.connect()
        except Exception as exc:  # sqlite3.Error, psycopg.OperationalError, ...
            raise LibraryError(
                f"cannot open the library at {_redacted(self.url)}: {_first_line(exc)}"
            ) from None
        try:
            cur = conn.cursor()
            if isinstance(self._backend, _SQLite):
                # IMMEDIATE takes the write lock up front, so two writers never deadlock on an upgrade.
                cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            else:
                cur.execute("BEGIN")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        except (sqlite3.Error, _psycopg_error()) as exc:
            raise LibraryError(f"library database error: {_first_line(exc)}") from None
        finally:
            conn.close()

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self._backend.placeholder)

    def _migrate(self) -> None:
        with self._transaction(write=True) as cur:
            if isinstance(self._backend, _Postgres):
                # Two processes starting at once must not both create the tables.
                cur.execute("SELECT pg_advisory_xact_lock(7215833)")
            cur.execute("CREATE TABLE IF NOT EXISTS newsdesk_schema (version INTEGER NOT NULL)")
            cur.execute("SELECT version FROM newsdesk_schema")
            row = cur.fetchone()
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise LibraryError(
                    f"the library was written by a newer newsdesk (schema {version}; this one reads "
                    f"{SCHEMA_VERSION})"
                )
            for step in MIGRATIONS[version:]:
                for statement in step:
                    cur.execute(statement)
            if row is None:
                cur.execute(self._sql("INSERT INTO newsdesk_schema (version) VALUES (?)"), (SCHEMA_VERSION,))
            elif version < SCHEMA_VERSION:
                cur.execute(self._sql("UPDATE newsdesk_schema SET version = ?"), (SCHEMA_VERSION,))

    def add(
        self, extracted: ExtractedArticle, *, scope: str = GLOBAL, added_by: str | None = None
    ) -> AddResult:
        """Store an article; the same text already visible in this scope is a no-op (created=False)."""
        sha = content_hash(extracted.text)
        row = StoredArticle(
            id=make_id(extracted.title, scope, sha),
            title=extracted.title,
            published=extracted.published,
            source=extracted.source,
            url=extracted.url,
            scope=scope,
            added_by=added_by,
            added_at=datetime.now(UTC).isoformat(timespec="microseconds"),
            content_sha256=sha,
            text=extracted.text,
        )
        row.article()  # parses as the retrieval layer will: bad metadata fails here, not at query time
        with self._transaction(write=True) as cur:
            cur.execute(
                self._sql(f"SELECT {_COLUMNS} FROM articles WHERE content_sha256 = ? AND scope IN (?, ?)"),
                (sha, scope, GLOBAL),
            )
            existing = cur.fetchone()
            if existing is not None:
                return AddResult(_row(existing), created=False)
            cur.execute(
                self._sql(f"INSERT INTO articles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                (
                    row.id,
                    row.title,
                    row.published.isoformat() if row.published else None,
                    row.source,
                    row.url,
                    row.scope,
                    row.added_by,
                    row.added_at,
                    row.content_sha256,
                    row.text,
                ),
            )
        log.info("added %s to the %s library", row.id, scope)
        return AddResult(row, created=True)

    def articles(self, scopes: Sequence[str] | None = None) -> list[StoredArticle]:
        """Articles in the given scopes (all when None), oldest first."""
        with self._transaction() as cur:
            if scopes is None:
                cur.execute(f"SELECT {_COLUMNS} FROM articles ORDER BY added_at, id")
            else:
                marks = ", ".join("?" for _ in scopes)
                cur.execute(
                    self._sql(
                        f"SELECT {_COLUMNS} FROM articles WHERE scope IN ({marks}) ORDER BY added_at, id"
                    ),
                    tuple(scopes),
                )
            return [_row(r) for r in cur.fetchall()]

    def visible(self, guild_id: int | None) -> list[StoredArticle]:
        """What a guild sees: the global articles and its own (only the global ones outside a guild)."""
        return self.articles([GLOBAL] if guild_id is None else [GLOBAL, scope_of(guild_id)])

    def get(self, article_id: str) -> StoredArticle | None:
        """One article by id, or None."""
        with self._transaction() as cur:
            cur.execute(self._sql(f"SELECT {_COLUMNS} FROM articles WHERE id = ?"), (article_id,))
            found = cur.fetchone()
        return _row(found) if found else None

    def remove(self, article_id: str, *, scopes: Sequence[str] | None = None) -> StoredArticle:
        """Delete one article (only from ``scopes`` when given); UnknownArticleError when it is not there."""
        with self._transaction(write=True) as cur:
            cur.execute(self._sql(f"SELECT {_COLUMNS} FROM articles WHERE id = ?"), (article_id,))
            found = cur.fetchone()
            if found is None or (scopes is not None and found[5] not in scopes):
                raise UnknownArticleError(f"no article {article_id!r} in the library")
            cur.execute(self._sql("DELETE FROM articles WHERE id = ?"), (article_id,))
        log.info("removed %s from the library", article_id)
        return _row(found)

    def fingerprint(self) -> tuple[tuple[str, str], ...]:
        """(id, content hash) of every article: cheap to read, changes whenever the library does."""
        with self._transaction() as cur:
            cur.execute("SELECT id, content_sha256 FROM articles ORDER BY id")
            return tuple((str(a), str(b)) for a, b in cur.fetchall())


def _row(values: Sequence[Any]) -> StoredArticle:
    published = values[2]
    return StoredArticle(
        id=values[0],
        title=values[1],
        published=date.fromisoformat(published) if published else None,
        source=values[3],
        url=values[4],
        scope=values[5],
        added_by=values[6],
        added_at=values[7],
        content_sha256=values[8],
        text=values[9],
    )


def default_database_path() -> Path:
    """The SQLite library in the user's data directory (e.g. ~/.local/share/newsdesk on Linux)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("newsdesk")) / "library.sqlite3"


def _backend_for(url: str) -> _Backend:
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return _Postgres(url.replace("postgresql+psycopg://", "postgresql://", 1))
    if url.startswith("sqlite:///"):
        return _SQLite(Path(url.removeprefix("sqlite:///")).expanduser())
    if "://" in url:
        raise LibraryError(
            f"NEWSDESK_DATABASE_URL must be sqlite:///PATH or postgresql://..., got {_redacted(url)}"
        )
    return _SQLite(Path(url).expanduser())


def _redacted(url: str) -> str:
    """The URL without its password."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _psycopg_error() -> type[Exception]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return sqlite3.Error
    return psycopg.Error
