"""Server settings, answers and votes in the library's database, beside the articles.

The tables are the community's own (``community_*``) with their own schema version, so this part and the
article library migrate independently. Every operation is one short transaction through the library's
connection handling (SQLite or PostgreSQL, the same plain SQL for both).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from ..errors import NewsdeskError
from ..library.store import Library, LibraryError
from .answers import AnswerRecord
from .feedback import ArticleStats, Stats, StoredVote, VoteResult, stats_of, voter_hash
from .settings import GuildSettings, check_cooldown

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Each entry upgrades the community tables from the version before it (index 0 creates version 1).
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE IF NOT EXISTS community_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS community_guilds (
            guild_id TEXT PRIMARY KEY,
            thread_mode INTEGER NOT NULL DEFAULT 0,
            cooldown_s INTEGER NOT NULL DEFAULT 0,
            private_answers INTEGER NOT NULL DEFAULT 0,
            article_threads TEXT,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE IF NOT EXISTS community_channels (
            guild_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            ask INTEGER NOT NULL DEFAULT 0,
            article TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (guild_id, channel_id)
        )""",
        """CREATE TABLE IF NOT EXISTS community_answers (
            id TEXT PRIMARY KEY,
            guild_id TEXT,
            question TEXT NOT NULL,
            article TEXT,
            answerable INTEGER NOT NULL,
            passages TEXT NOT NULL,
            evidence TEXT,
            via TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS community_answers_guild ON community_answers (guild_id)",
        """CREATE TABLE IF NOT EXISTS community_votes (
            answer_id TEXT NOT NULL,
            voter TEXT NOT NULL,
            vote INTEGER NOT NULL,
            guild_id TEXT,
            question TEXT NOT NULL,
            article TEXT,
            answerable INTEGER NOT NULL,
            passages TEXT NOT NULL,
            evidence TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (answer_id, voter)
        )""",
        "CREATE INDEX IF NOT EXISTS community_votes_guild ON community_votes (guild_id)",
    ),
)
_GUILD_COLUMNS = ("thread_mode", "cooldown_s", "private_answers", "article_threads")
_VOTE_COLUMNS = "answer_id, guild_id, question, article, answerable, passages, evidence, vote, created_at"
# A running bot re-reads a server's settings after this long, to see changes another process made.
SETTINGS_TTL_S = 30.0
_ADVISORY_LOCK = 7215834  # the library's migration lock is 7215833


class UnknownAnswerError(NewsdeskError):
    """A vote for an answer that is not on record (the database was reset, or the id is forged)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _scope(guild_id: int | None) -> str | None:
    return None if guild_id is None else str(guild_id)


class CommunityStore:
    """Settings per server, every answer given (no asker), and the votes on them."""

    def __init__(self, library: Library) -> None:
        self.library = library  # the same database, connections and error handling as the articles
        self._salt: str | None = None
        self._cache: dict[int, tuple[float, GuildSettings]] = {}
        self._cache_lock = threading.Lock()
        self._migrate()

    @classmethod
    def open(cls, url: str) -> CommunityStore:
        """The store in the database at ``url`` (sqlite:///PATH, a path, or postgresql://...)."""
        return cls(Library(url))

    def _transaction(self, *, write: bool = False) -> AbstractContextManager[Any]:
        return self.library._transaction(write=write)

    def _sql(self, statement: str) -> str:
        return self.library._sql(statement)

    def _migrate(self) -> None:
        with self._transaction(write=True) as cur:
            if self.library.kind == "postgresql":
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK,))
            cur.execute("CREATE TABLE IF NOT EXISTS community_schema (version INTEGER NOT NULL)")
            cur.execute("SELECT version FROM community_schema")
            row = cur.fetchone()
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise LibraryError(
                    f"the server settings were written by a newer newsdesk (schema {version}; this one "
                    f"reads {SCHEMA_VERSION})"
                )
            for step in MIGRATIONS[version:]:
                for statement in step:
                    cur.execute(statement)
            if row is None:
                cur.execute(self._sql("INSERT INTO community_schema (version) VALUES (?)"), (SCHEMA_VERSION,))
            elif version < SCHEMA_VERSION:
                cur.execute(self._sql("UPDATE community_schema SET version = ?"), (SCHEMA_VERSION,))
            # The salt of the voter hashes: random, made once per database, never shown.
            cur.execute(
                self._sql(
                    "INSERT INTO community_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"
                ),
                ("voter_salt", secrets.token_hex(32)),
            )

    # -- settings --------------------------------------------------------------------------------

    def guild(self, guild_id: int) -> GuildSettings:
        """A server's settings, read now (the defaults for a server that never changed any)."""
        scope = str(guild_id)
        with self._transaction() as cur:
            cur.execute(
                self._sql(f"SELECT {', '.join(_GUILD_COLUMNS)} FROM community_guilds WHERE guild_id = ?"),
                (scope,),
            )
            row = cur.fetchone()
            cur.execute(
                self._sql("SELECT channel_id, ask, article FROM community_channels WHERE guild_id = ?"),
                (scope,),
            )
            channels = cur.fetchall()
        settings = GuildSettings(
            guild_id,
            ask_channels=frozenset(int(c) for c, ask, _ in channels if ask),
            articles={int(c): a for c, _, a in channels if a},
        )
        if row is not None:
            settings = GuildSettings(
                guild_id,
                ask_channels=settings.ask_channels,
                thread_mode=bool(row[0]),
                cooldown_s=int(row[1]),
                private_answers=bool(row[2]),
                article_threads=int(row[3]) if row[3] else None,
                articles=settings.articles,
            )
        with self._cache_lock:
            self._cache[guild_id] = (time.monotonic(), settings)
        return settings

    def cached(self, guild_id: int) -> GuildSettings | None:
        """The server's settings as last read, if that was under SETTINGS_TTL_S ago (no I/O)."""
        found = self._cache.get(guild_id)
        if found is None or time.monotonic() - found[0] > SETTINGS_TTL_S:
            return None
        return found[1]

    def update_guild(self, guild_id: int, **values: bool | int | None) -> GuildSettings:
        """Change server-wide settings (thread_mode, cooldown_s, private_answers, article_threads)."""
        unknown = set(values) - set(_GUILD_COLUMNS)
        if unknown:
            raise ValueError(f"not a server setting: {', '.join(sorted(unknown))}")
        if "cooldown_s" in values:
            check_cooldown(int(values["cooldown_s"] or 0))
        columns = list(values)
        params = [str(v) if k == "article_threads" and v is not None else _int(v) for k, v in values.items()]
        assignments = ", ".join(f"{c} = excluded.{c}" for c in [*columns, "updated_at"])
        marks = ", ".join("?" for _ in range(len(columns) + 2))
        with self._transaction(write=True) as cur:
            cur.execute(
                self._sql(
                    f"INSERT INTO community_guilds (guild_id, {', '.join(columns)}, updated_at) "
                    f"VALUES ({marks}) ON CONFLICT (guild_id) DO UPDATE SET {assignments}"
                ),
                (str(guild_id), *params, _now()),
            )
        log.info("server %s: %s", guild_id, ", ".join(f"{k}={v}" for k, v in values.items()))
        return self.guild(guild_id)

    def update_channel(
        self, guild_id: int, channel_id: int, *, ask: bool | None = None, article: str | bool | None = False
    ) -> GuildSettings:
        """Make a channel (or thread) an ask channel or not, and set or clear (None) its default article.

        ``article=False`` leaves the default article as it is.
        """
        with self._transaction(write=True) as cur:
            cur.execute(
                self._sql(
                    "SELECT ask, article FROM community_channels WHERE guild_id = ? AND channel_id = ?"
                ),
                (str(guild_id), str(channel_id)),
            )
            row = cur.fetchone()
            new_ask = bool(row[0]) if ask is None and row else bool(ask)
            new_article = (row[1] if row else None) if article is False else article
            cur.execute(
                self._sql("DELETE FROM community_channels WHERE guild_id = ? AND channel_id = ?"),
                (str(guild_id), str(channel_id)),
            )
            if new_ask or new_article:
                cur.execute(
                    self._sql(
                        "INSERT INTO community_channels (guild_id, channel_id, ask, article, updated_at) "
                        "VALUES (?, ?, ?, ?, ?)"
                    ),
                    (str(guild_id), str(channel_id), int(new_ask), new_article or None, _now()),
                )
        log.info("server %s channel %s: ask=%s article=%s", guild_id, channel_id, new_ask, new_article)
        return self.guild(guild_id)

    def has_ask_channels(self) -> bool:
        """Whether any server has an ask channel (then a missing Message Content intent matters)."""
        with self._transaction() as cur:
            cur.execute("SELECT 1 FROM community_channels WHERE ask = 1 LIMIT 1")
            return cur.fetchone() is not None

    # -- answers and votes -----------------------------------------------------------------------

    def record_answer(self, record: AnswerRecord, *, guild_id: int | None, via: str) -> str:
        """Keep an answer for votes and stats; returns its id. The asker is not stored."""
        answer_id = secrets.token_hex(8)
        with self._transaction(write=True) as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO community_answers (id, guild_id, question, article, answerable, passages, "
                    "evidence, via, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                (
                    answer_id,
                    _scope(guild_id),
                    record.question,
                    record.article,
                    int(record.answerable),
                    json.dumps(list(record.passages)),
                    record.evidence,
                    via,
                    _now(),
                ),
            )
        return answer_id

    def vote(self, answer_id: str, user_id: int, vote: int) -> VoteResult:
        """Store (or change) one member's 👍 (+1) or 👎 (-1) on an answer, under a salted hash of their id."""
        if vote not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, got {vote}")
        voter = voter_hash(self._voter_salt(), user_id)
        with self._transaction(write=True) as cur:
            cur.execute(
                self._sql(
                    "SELECT guild_id, question, article, answerable, passages, evidence "
                    "FROM community_answers WHERE id = ?"
                ),
                (answer_id,),
            )
            answer = cur.fetchone()
            if answer is None:
                raise UnknownAnswerError("that answer is no longer on record, so the vote was not kept")
            cur.execute(
                self._sql("SELECT vote FROM community_votes WHERE answer_id = ? AND voter = ?"),
                (answer_id, voter),
            )
            before = cur.fetchone()
            cur.execute(
                self._sql(
                    "INSERT INTO community_votes (answer_id, voter, vote, guild_id, question, article, "
                    "answerable, passages, evidence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (answer_id, voter) DO UPDATE SET vote = excluded.vote, "
                    "created_at = excluded.created_at"
                ),
                (answer_id, voter, vote, *answer, _now()),
            )
        return VoteResult(vote, int(before[0]) if before else None)

    def votes(self, guild_id: int | None = None) -> list[StoredVote]:
        """Every vote (one server's, when given), oldest first."""
        where, params = ("WHERE guild_id = ?", (str(guild_id),)) if guild_id is not None else ("", ())
        with self._transaction() as cur:
            cur.execute(
                self._sql(f"SELECT {_VOTE_COLUMNS} FROM community_votes {where} ORDER BY created_at"),
                params,
            )
            rows = cur.fetchall()
        return [
            StoredVote(
                answer_id=r[0],
                guild_id=r[1],
                question=r[2],
                article=r[3],
                answerable=bool(r[4]),
                passages=tuple(json.loads(r[5])),
                evidence=r[6],
                vote=int(r[7]),
                created_at=r[8],
            )
            for r in rows
        ]

    def stats(self, guild_id: int) -> Stats:
        """Questions answered, abstentions and votes per article in one server."""
        scope = str(guild_id)
        with self._transaction() as cur:
            cur.execute(
                self._sql(
                    "SELECT article, COUNT(*), SUM(CASE WHEN answerable = 0 THEN 1 ELSE 0 END) "
                    "FROM community_answers WHERE guild_id = ? GROUP BY article"
                ),
                (scope,),
            )
            answers = {a: (int(n), int(ab or 0)) for a, n, ab in cur.fetchall()}
            cur.execute(
                self._sql(
                    "SELECT article, SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), "
                    "SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END) FROM community_votes WHERE guild_id = ? "
                    "GROUP BY article"
                ),
                (scope,),
            )
            votes = {a: (int(up or 0), int(down or 0)) for a, up, down in cur.fetchall()}
        return stats_of(
            ArticleStats(a, *answers.get(a, (0, 0)), *votes.get(a, (0, 0))) for a in answers.keys() | votes
        )

    def _voter_salt(self) -> str:
        if self._salt is None:
            with self._transaction() as cur:
                cur.execute(self._sql("SELECT value FROM community_meta WHERE key = ?"), ("voter_salt",))
                row = cur.fetchone()
            if row is None:  # pragma: no cover - the migration inserts it
                raise LibraryError("the voter salt is missing from the database")
            self._salt = str(row[0])
        return self._salt


def _int(value: bool | int | None) -> int | None:
    return None if value is None else int(value)
