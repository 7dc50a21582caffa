"""/article end to end: the real bot against the Discord fake, pages from a real local HTTP server."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.client import NewsdeskBot
from retrieval.config import RetrievalSettings
from retrieval.library.live import LiveLibrary
from retrieval.limits import ARTICLE_MAX_BYTES, PAGE_MAX_BYTES
from tests.bot_helpers import bot_settings
from tests.discord_fake import EPHEMERAL, DiscordFake
from tests.fakes import FakeEmbedder
from tests.library_pages import NEWS_PAGE

pytestmark = pytest.mark.e2e

OTHER_GUILD = 1_000_000_000_000_000_777
NOT_A_MANAGER = "2048"  # send messages only
MANAGER = str(0x20 | 2048)  # Manage Server


@pytest.fixture
async def fake():
    async with DiscordFake() as server:
        yield server
        assert not server.unknown, f"the bot called routes the fake lacks: {server.unknown}"


@pytest.fixture
def library(tmp_path) -> LiveLibrary:
    settings = RetrievalSettings(_env_file=None, use_cache=False, top_k=3, allow_private_urls=True)
    return LiveLibrary(settings, embedder=FakeEmbedder())


async def reply(fake, interaction):
    token = interaction["token"]
    sent = await fake.wait_until(
        lambda: (
            fake.sent_for(token, "followup")
            or [s for s in fake.sent_for(token, "callback") if s.payload["type"] == 4]
        )
    )
    return sent[0]


async def test_an_admin_adds_a_link_and_only_that_server_can_ask_about_it(fake, library, httpserver):
    from tests.bot_helpers import running_bot

    httpserver.expect_request("/ferry").respond_with_data(NEWS_PAGE, content_type="text/html")
    async with running_bot(fake, library.for_guild(None), library=library) as bot:
        assert isinstance(bot, NewsdeskBot)
        synced = {c["name"]: c for c in fake.guild_commands[fake.guild_id]}
        assert {o["name"] for o in synced["article"]["options"]} == {"add", "list", "remove", "info"}
        assert int(synced["article"]["default_member_permissions"]) == 0x20  # Manage Server

        added = await reply(
            fake, await fake.command("article add", url=httpserver.url_for("/ferry"), permissions=MANAGER)
        )
        assert added.flags & EPHEMERAL and "Added **Ferry service returns to Port Alder**" in added.content
        [row] = library.library.articles()

        # At once, without a restart: this server finds it ...
        answer = await reply(fake, await fake.command("ask", question="when does the first ferry leave?"))
        assert "7:15" in answer.text()
        quotes = await reply(fake, await fake.command("quotes"))
        assert "Olav Brekke" in quotes.text()
        timeline = await reply(fake, await fake.command("timeline"))
        assert "published 2024-05-02" in timeline.text()
        complete = await fake.autocomplete("ask", "article", question="q", article="ferry")
        result = (await fake.wait_until(lambda: fake.sent_for(complete["token"], "callback")))[0]
        assert result.payload["data"]["choices"] == [
            {"name": "Ferry service returns to Port Alder", "value": row.id}
        ]
        listing = await reply(fake, await fake.command("article list"))
        assert row.id in listing.text()

        # ... and another server never sees it.
        other = await reply(
            fake, await fake.command("ask", question="when does the first ferry leave?", guild_id=OTHER_GUILD)
        )
        assert "7:15" not in other.text()
        other_quotes = await reply(fake, await fake.command("quotes", guild_id=OTHER_GUILD))
        assert "Olav Brekke" not in other_quotes.text()
        other_timeline = await reply(fake, await fake.command("timeline", guild_id=OTHER_GUILD))
        assert "2024-05-02" not in other_timeline.text()
        complete = await fake.autocomplete(
            "ask", "article", question="q", article="ferry", guild_id=OTHER_GUILD
        )
        result = (await fake.wait_until(lambda: fake.sent_for(complete["token"], "callback")))[0]
        assert result.payload["data"]["choices"] == []
        other_list = await reply(fake, await fake.command("article list", guild_id=OTHER_GUILD))
        assert row.id not in other_list.text() and "No articles yet" in other_list.text()
        refused = await reply(
            fake,
            await fake.command("article remove", article=row.id, guild_id=OTHER_GUILD, permissions=MANAGER),
        )
        assert refused.flags & EPHEMERAL and "No article" in refused.content

        # The same page again is a no-op that says so; removing makes it unanswerable again.
        again = await reply(
            fake, await fake.command("article add", url=httpserver.url_for("/ferry"), permissions=MANAGER)
        )
        assert "Already here" in again.content
        removed = await reply(fake, await fake.command("article remove", article=row.id, permissions=MANAGER))
        assert "Removed **Ferry service returns to Port Alder**" in removed.content
        assert library.library.articles() == []


async def test_adding_needs_manage_server_and_bad_links_get_one_polite_line(fake, library, httpserver):
    from tests.bot_helpers import running_bot

    httpserver.expect_request("/img").respond_with_data(b"\x89PNG", content_type="image/png")
    async with running_bot(fake, library.for_guild(None), library=library):
        denied = await reply(
            fake, await fake.command("article add", url="https://example.com/a", permissions=NOT_A_MANAGER)
        )
        assert denied.flags & EPHEMERAL and "Manage Server" in denied.content
        for url, message in [
            (httpserver.url_for("/img"), "not a web page or text"),
            ("ftp://example.com/story", "only http and https"),
        ]:
            sent = await reply(fake, await fake.command("article add", url=url, permissions=MANAGER))
            assert sent.flags & EPHEMERAL and message in sent.content and "Traceback" not in sent.content
        neither = await reply(fake, await fake.command("article add", permissions=MANAGER))
        assert "either a url or a file" in neither.content
    assert library.library.articles() == []


def test_the_bot_settings_carry_the_library_settings():
    fake = DiscordFake()
    settings = bot_settings(fake, allow_private_urls=True, database_url="sqlite:///x.sqlite3")
    assert settings.allow_private_urls and settings.library_url == "sqlite:///x.sqlite3"


async def ask_until(fake, question: str, wanted: str, *, timeout: float = 20.0, **options) -> str:
    """Ask until the answer holds ``wanted`` (a new asker each time: /ask has a per-user cooldown)."""
    text = ""
    async with asyncio.timeout(timeout):
        for attempt in itertools.count():
            sent = await reply(
                fake, await fake.command("ask", question=question, user_id=3_000_000 + attempt, **options)
            )
            text = sent.text()
            if wanted in text:
                return text
            await asyncio.sleep(0.1)
    return text


async def test_an_admin_adds_an_uploaded_file_and_can_ask_about_it_at_once(fake, library):
    from tests.bot_helpers import running_bot

    async with running_bot(fake, library.for_guild(None), library=library):
        page = fake.upload("ferry.html", NEWS_PAGE.encode(), "text/html")
        added = await reply(fake, await fake.command("article add", file=page, permissions=MANAGER))
        assert added.flags & EPHEMERAL and "Added **Ferry service returns to Port Alder**" in added.content
        assert any(r.path == f"/attachments/{page.id}/ferry.html" for r in fake.requests)  # read from the CDN
        [row] = library.library.articles()
        assert (row.scope, row.url, row.published.isoformat()) == (
            str(fake.guild_id),
            "https://courier.example/news/ferry-returns",  # front matter from the page's metadata
            "2024-05-02",
        )
        answer = await reply(fake, await fake.command("ask", question="when does the first ferry leave?"))
        assert "7:15" in answer.text()

        note = fake.upload("note.txt", b"---\ntitle: Pier reopens\n---\nThe pier reopens on Friday.\n")
        added = await reply(fake, await fake.command("article add", file=note, permissions=MANAGER))
        assert "Added **Pier reopens**" in added.content
        again = await reply(
            fake,
            await fake.command("article add", file=fake.upload("copy.txt", note.data), permissions=MANAGER),
        )
        assert "Already here" in again.content and len(library.library.articles()) == 2

        # Refused before anything is downloaded: the wrong kind of file, a file over 5 MB, a non-admin.
        pdf = fake.upload("story.pdf", b"%PDF-1.7", "application/pdf")
        big = fake.upload("big.txt", b"word " * (ARTICLE_MAX_BYTES // 5 + 1))
        huge = fake.upload("huge.html", b"<p>word</p>" * (PAGE_MAX_BYTES // 11 + 1), "text/html")
        for upload, permissions, message in [
            (pdf, MANAGER, "story.pdf: not a .txt or .html file"),
            (big, MANAGER, "big.txt: larger than 5 MB"),
            (huge, MANAGER, "huge.html: larger than 10 MB"),
            (fake.upload("other.txt", b"Another story."), NOT_A_MANAGER, "Manage Server"),
        ]:
            sent = await reply(fake, await fake.command("article add", file=upload, permissions=permissions))
            assert sent.flags & EPHEMERAL and message.casefold() in sent.content.casefold(), sent.content
            assert not any(str(upload.id) in r.path for r in fake.requests)
        not_text = fake.upload("binary.txt", b"\xff\xfe\x00bad", "text/plain")
        sent = await reply(fake, await fake.command("article add", file=not_text, permissions=MANAGER))
        assert sent.flags & EPHEMERAL and "Traceback" not in sent.content
    assert len(library.library.articles()) == 2


async def test_an_article_added_by_the_cli_is_answered_without_a_restart(fake, library, tmp_path, capsys):
    from retrieval.cli import main
    from tests.bot_helpers import running_bot

    story = tmp_path / "ferry.txt"
    story.write_text(
        "---\ntitle: Ferry timetable\n---\nThe first ferry leaves Port Alder at 7:15 on weekdays.\n",
        encoding="utf-8",
    )
    async with running_bot(fake, library.for_guild(None), library=library, library_refresh_s=0.1):
        before = await reply(fake, await fake.command("ask", question="when does the first ferry leave?"))
        assert "7:15" not in before.text()
        assert await asyncio.to_thread(main, ["add", str(story)]) == 0  # another process, same database
        assert capsys.readouterr().out.startswith("added ferry-timetable-")
        text = await ask_until(fake, "when does the first ferry leave?", "7:15")
        assert "7:15" in text
        assert [e.title for e in library.entries(fake.guild_id)] == ["Ferry timetable"]
