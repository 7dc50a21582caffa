"""The library from the CLI and live in a running process: add, list, remove, scopes, snapshots, recovery."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest

from retrieval.cli import main
from retrieval.library.live import LiveLibrary
from retrieval.library.pages import ExtractedArticle
from tests.fakes import FakeEmbedder
from tests.library_pages import NEWS_PAGE


@pytest.fixture(autouse=True)
def offline_model(monkeypatch):
    """The CLI builds its own facade: give it the fake embedder instead of the real model."""
    monkeypatch.setattr("retrieval.service.make_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr("retrieval.library.live.make_embedder", lambda *a, **k: FakeEmbedder())


@pytest.fixture
def served(httpserver, monkeypatch) -> str:
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE_URLS", "true")
    httpserver.expect_request("/ferry").respond_with_data(NEWS_PAGE, content_type="text/html")
    return httpserver.url_for("/ferry")


def cli(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_add_by_link_then_list_ask_and_remove(served, capsys):
    code, out, _ = cli(["add", served], capsys)
    assert code == 0 and out.startswith("added ferry-service-returns-to-port-alder-")
    code, out, _ = cli(["add", served], capsys)
    assert code == 0 and "already in the library" in out and "nothing added" in out
    code, out, _ = cli(["list", "--json"], capsys)
    [row] = json.loads(out)["articles"]
    assert set(row) == {"id", "title", "published", "source", "url", "scope"}
    assert (row["title"], row["published"], row["scope"]) == (
        "Ferry service returns to Port Alder",
        "2024-05-02",
        "global",
    )
    # Without --article, questions go to the library (the bundled article is no longer used).
    code, out, _ = cli(["ask", "when does the first ferry leave?", "--json"], capsys)
    passages = json.loads(out)["passages"]
    assert passages and all(p["article"] == row["id"] for p in passages)
    code, out, _ = cli(["timeline", "--json"], capsys)
    assert json.loads(out)["articles"][0]["published"] == "2024-05-02"
    code, out, _ = cli(["remove", row["id"]], capsys)
    assert code == 0 and f"removed {row['id']}" in out
    code, out, _ = cli(["list"], capsys)
    assert out == "The library is empty.\n"


def test_extract_prints_one_json_line_per_source_and_stores_nothing(served, tmp_path, capsys):
    text = tmp_path / "note.txt"
    text.write_text(
        "---\ntitle: Short note\n---\nThe pier reopens on Friday after repairs.\n", encoding="utf-8"
    )
    code, out, _ = cli(["extract", served, str(text), "--json"], capsys)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 2
    assert set(lines[0]) == {"title", "published", "source", "url", "text"}
    assert lines[1] == {
        "title": "Short note",
        "published": None,
        "source": None,
        "url": None,
        "text": "The pier reopens on Friday after repairs.",
    }
    assert json.loads(cli(["list", "--json"], capsys)[1]) == {"articles": []}


def test_article_flag_ignores_the_library(served, short_article, capsys):
    cli(["add", served], capsys)
    code, out, _ = cli(["ask", "who approved the budget?", "--json", "--article", str(short_article)], capsys)
    assert code == 0 and {p["article"] for p in json.loads(out)["passages"]} == {"harbour"}


@pytest.mark.parametrize(
    "argv, message",
    [
        (["add", "ftp://example.com/x"], "only http and https"),
        (["add", "missing.txt"], "missing.txt: no such file"),
        (["remove", "nope"], "no article 'nope' in the library"),
        (["extract", "story.pdf"], "no such file"),
    ],
)
def test_bad_sources_give_one_line_and_exit_2(argv, message, capsys):
    code, out, err = cli(argv, capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_a_private_link_is_refused_by_default(httpserver, capsys):
    httpserver.expect_request("/ferry").respond_with_data(NEWS_PAGE, content_type="text/html")
    code, _, err = cli(["add", httpserver.url_for("/ferry")], capsys)
    assert code == 2 and "private or local address" in err


FERRY = ExtractedArticle(
    "Ferry service returns",
    date(2024, 5, 2),
    None,
    None,
    "The ferry to Gull Island runs again from Monday after storm repairs.\n"
    "“The landing stage is ready,” said harbour master Olav Brekke.",
)
BUDGET = ExtractedArticle(
    "Council passes budget", None, None, None, "The council passed the school budget on Tuesday evening."
)


@pytest.fixture
def live(settings) -> LiveLibrary:
    return LiveLibrary(settings, embedder=FakeEmbedder())


def test_an_added_article_is_searchable_at_once_and_gone_after_removal(live):
    assert live.for_guild(None).article_ids == ["000_58fe8462cd8d2dcd"]  # the bundled one while empty
    added = live.add(FERRY).article
    desk = live.for_guild(None)
    assert desk.article_ids == [added.id]
    answer = desk.ask("when does the ferry run again?")
    assert answer.hits[0].passage.article == added.id and "Monday" in answer.hits[0].passage.text
    assert [s.name for s in desk.speakers()] == ["Olav Brekke"]
    live.remove(added.id)
    assert live.for_guild(None).article_ids == ["000_58fe8462cd8d2dcd"]


def test_guilds_see_global_articles_and_their_own_never_anothers(live):
    ferry = live.add(FERRY).article
    budget = live.add(BUDGET, guild_id=1001, added_by="42").article
    assert set(live.for_guild(1001).article_ids) == {ferry.id, budget.id}
    assert live.for_guild(1002).article_ids == [ferry.id]
    assert live.for_guild(None).article_ids == [ferry.id]
    hits = live.for_guild(1002).ask("what did the council pass?").hits
    assert all(h.passage.article == ferry.id for h in hits)
    assert [e.id for e in live.entries(1002)] == [ferry.id]
    assert [e.id for e in live.entries(1001)] == [ferry.id, budget.id]
    with pytest.raises(Exception, match="no article"):
        live.remove(budget.id, guild_id=1002)


def test_questions_during_an_add_are_answered_from_a_whole_snapshot(settings):
    embedder = FakeEmbedder(delay=0.01)
    live = LiveLibrary(settings, embedder=embedder)
    live.add(FERRY)
    errors: list[BaseException] = []
    seen: set[tuple[str, ...]] = set()
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                desk = live.for_guild(None)
                answer = desk.ask("what did the council pass?", top_k=5)
                assert {h.passage.article for h in answer.hits} <= set(desk.article_ids)
                seen.add(tuple(desk.article_ids))
            except BaseException as exc:
                errors.append(exc)

    asker = threading.Thread(target=ask)
    asker.start()
    try:
        live.add(BUDGET)
    finally:
        stop.set()
        asker.join(10)
    assert not errors
    assert len(live.for_guild(None).article_ids) == 2
    assert seen <= {tuple(live.for_guild(None).article_ids[:1]), tuple(live.for_guild(None).article_ids)}


def test_a_restart_keeps_the_library_and_a_corrupt_cache_is_rebuilt(settings):
    first = LiveLibrary(settings, embedder=FakeEmbedder())
    added = first.add(FERRY).article
    entries = list((settings.cache_dir / "passages").glob("*/vectors.npy"))
    assert entries
    for vectors in entries:
        vectors.write_bytes(b"garbage")  # a corrupt derived cache
    embedder = FakeEmbedder()
    again = LiveLibrary(settings, embedder=embedder)  # a restart
    desk = again.for_guild(None)
    assert desk.article_ids == [added.id]
    assert embedder.texts > 1  # re-embedded from the stored text
    assert "Monday" in desk.ask("when does the ferry run again?").hits[0].passage.text


def test_an_add_is_searchable_before_its_quotes_are_extracted(live, monkeypatch):
    """The index is swapped in first; quotes follow in the background, and an answer waits for them."""
    import retrieval.quotes

    real = retrieval.quotes.extract_quotes
    release = threading.Event()

    def slow(article, **kwargs):
        assert release.wait(10), "the test never released the extraction"
        return real(article, **kwargs)

    monkeypatch.setattr(retrieval.quotes, "extract_quotes", slow)
    added = live.add(FERRY).article  # returns although the extraction is blocked
    desk = live.for_guild(None)
    result, _ = desk.search("when does the ferry run again?", top_k=1)
    assert desk.index.passages[result.ranked[0].index].article == added.id
    answers: list = []
    asker = threading.Thread(target=lambda: answers.append(desk.ask("what is ready?")))
    asker.start()
    asker.join(0.3)
    assert asker.is_alive() and not answers  # its speakers are not known yet: it waits, never guesses
    release.set()
    asker.join(10)
    assert live.settle(10)
    assert answers[0].hits[0].speakers == ("Olav Brekke",)
    assert [s.name for s in desk.speakers()] == ["Olav Brekke"]


def test_refresh_picks_up_what_another_process_added_and_rebuilds_only_that_scope(live, settings):
    from retrieval.library.store import Library

    other = Library(settings.library_url)  # the CLI's `newsdesk add`, another shard
    assert live.refresh() is False  # nothing changed: one query, no rebuild
    ferry = other.add(FERRY).article
    assert ferry.id not in live.for_guild(None).article_ids
    assert live.refresh() is True
    assert live.for_guild(None).article_ids == [ferry.id]
    assert "Monday" in live.for_guild(None).ask("when does the ferry run again?").hits[0].passage.text
    global_view = live.for_guild(None)
    budget = other.add(BUDGET, scope="1001").article
    assert live.refresh() is True
    assert set(live.for_guild(1001).article_ids) == {ferry.id, budget.id}
    assert live.for_guild(None) is global_view  # a guild's article rebuilds that guild's snapshot only
    other.remove(budget.id)
    assert live.refresh() is True and live.for_guild(1001).article_ids == [ferry.id]
    assert live.refresh() is False


def test_close_waits_for_quotes_and_refuses_later_writes(live):
    live.add(FERRY)
    live.close()
    assert all(f.done() for f in live._pending)
    with pytest.raises(Exception, match="closing"):
        live.add(BUDGET)
    assert live.refresh() is False


def test_each_distinct_text_is_embedded_once():
    from retrieval.library.live import DistinctTexts

    inner = FakeEmbedder()
    embedder = DistinctTexts(inner)
    vectors = embedder.encode(["a b", "c d", "a b"])
    assert inner.texts == 2 and vectors.shape[0] == 3
    assert (vectors[0] == vectors[2]).all() and embedder.model_id == inner.model_id
