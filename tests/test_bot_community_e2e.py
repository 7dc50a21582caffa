"""Ask channels, thread mode, settings, votes, stats and help, end to end through the Discord fake.

The real discord.py client runs against tests/discord_fake.py; settings and votes go to a real SQLite
database, the one the article library uses, so "after a restart" means a new bot on the same file.
"""

from __future__ import annotations

import asyncio
import logging

import discord
import pytest
import yarl

from bot.client import MESSAGE_CONTENT_OFF
from retrieval.community.store import CommunityStore
from retrieval.config import RetrievalSettings
from retrieval.library.live import LiveLibrary
from tests.bot_helpers import ARTICLE, make_newsdesk, running_bot
from tests.discord_fake import (
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    EPHEMERAL,
    MANAGE_GUILD,
    MESSAGE_CONTENT_INTENT,
    DiscordFake,
)
from tests.fakes import FakeEmbedder
from tests.library_pages import NEWS_PAGE

pytestmark = pytest.mark.e2e

MANAGER = str(MANAGE_GUILD | 2048)  # Manage Server + Send Messages
MEMBER = "2048"  # Send Messages only

LINKED = ARTICLE.replace(
    "source: The Fake Gazette\n", "source: The Fake Gazette\nurl: https://gazette.example/bridge\n"
)
BUDGET = """\
---
title: City budget passes
published: 2024-02-01
---

The finance committee passed the city budget, which sets aside money for new schools and parks.
"""


@pytest.fixture(scope="module")
def newsdesk():
    return make_newsdesk(articles={"harbour": LINKED, "budget": BUDGET})


@pytest.fixture
def database(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'library.sqlite3'}"


@pytest.fixture
async def fake():
    async with DiscordFake(message_content=True) as server:
        yield server
        assert not server.unknown, f"the bot called routes the fake lacks: {server.unknown}"


async def reply(fake, interaction):
    """The bot's answer to an interaction: its follow-up, or an immediate message."""
    token = interaction["token"]
    sent = await fake.wait_until(
        lambda: (
            fake.sent_for(token, "followup")
            or [s for s in fake.sent_for(token, "callback") if s.payload["type"] == CHANNEL_MESSAGE]
        )
    )
    return sent[0]


async def settle(fake, count: int = 3) -> None:
    """Let the bot handle what was injected (a round trip of heartbeats would be slower)."""
    for _ in range(count):
        marker = await fake.message("ping", mention_bot=True, user_id=7)
        await fake.wait_until(lambda m=marker: fake.replies_to(int(m["id"])))


async def eventually(predicate, timeout: float = 5.0):
    """Poll ``predicate`` (a database read the fake cannot observe) until it is truthy."""
    async with asyncio.timeout(timeout):
        while not (result := predicate()):
            await asyncio.sleep(0.02)
    return result


def buttons(sent) -> list[dict]:
    return [c for row in sent.payload.get("components", []) for c in row["components"]]


# -- ask channels ------------------------------------------------------------------------------------


async def test_a_message_in_an_ask_channel_is_answered_and_one_elsewhere_is_not(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database) as bot:
        assert bot.message_content and fake.identify["intents"] & MESSAGE_CONTENT_INTENT
        done = await reply(
            fake,
            await fake.command(
                "newsdesk settings ask-channel", channel=fake.ask_channel_id, permissions=MANAGER
            ),
        )
        assert done.flags & EPHEMERAL and f"<#{fake.ask_channel_id}> is now an ask channel" in done.content

        asked = await fake.message(
            "when will they start building?", mention_bot=False, channel_id=fake.ask_channel_id
        )
        elsewhere = await fake.message("when will they start building?", mention_bot=False)
        answer = (await fake.wait_until(lambda: fake.replies_to(int(asked["id"]))))[0]
        assert answer.channel_id == fake.ask_channel_id
        assert "start building in May" in answer.text()
        assert answer.payload["allowed_mentions"]["parse"] == []
        await settle(fake)
        assert not fake.replies_to(int(elsewhere["id"]))
        # A mention still works anywhere, and "help" in an ask channel is the help, not a question.
        helped = await fake.message("help", mention_bot=False, channel_id=fake.ask_channel_id)
        embed = (await fake.wait_until(lambda: fake.replies_to(int(helped["id"]))))[0].embeds[0]
        assert embed["title"].startswith("newsdesk") and f"<#{fake.ask_channel_id}>" in str(embed)


async def test_without_the_message_content_intent_one_line_says_so_and_mentions_still_work(
    newsdesk, database, caplog
):
    CommunityStore.open(database).update_channel(
        1_000_000_000_000_000_003, 1_000_000_000_000_000_007, ask=True
    )
    async with DiscordFake(message_content=False) as fake:
        with caplog.at_level(logging.INFO, logger="bot"):
            async with running_bot(fake, newsdesk, database_url=database) as bot:
                assert not bot.message_content
                assert not fake.identify["intents"] & MESSAGE_CONTENT_INTENT  # no 4014 from Discord
                ignored = await fake.message(
                    "when will they start building?", mention_bot=False, channel_id=fake.ask_channel_id
                )
                mention = await fake.message(
                    f"<@{fake.bot_id}> when will they start building?", channel_id=fake.ask_channel_id
                )
                answer = (await fake.wait_until(lambda: fake.replies_to(int(mention["id"]))))[0]
                assert "start building in May" in answer.text()
                slash = await reply(fake, await fake.command("ask", question="who is the mayor?"))
                assert "Ana Silva" in slash.text()
                assert not fake.replies_to(int(ignored["id"]))
                settings = await reply(
                    fake, await fake.command("newsdesk settings show", permissions=MANAGER)
                )
                assert "Message Content intent is off" in settings.text()
    lines = [r for r in caplog.records if r.getMessage() == MESSAGE_CONTENT_OFF]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING  # an ask channel is configured


async def test_asking_for_the_intent_the_application_lacks_would_be_refused_by_discord():
    """Control for the test above: the fake closes with 4014 as Discord does, so detecting first matters."""
    async with DiscordFake(message_content=False) as fake:
        client = discord.Client(intents=discord.Intents.default() | discord.Intents(message_content=True))
        base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = fake.api_url
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
        try:
            with pytest.raises(discord.PrivilegedIntentsRequired):
                async with client:
                    await client.start(fake.token)
        finally:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


# -- thread mode -------------------------------------------------------------------------------------


async def test_thread_mode_answers_in_a_new_thread_named_after_the_question(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        for name, options in [
            ("newsdesk settings ask-channel", {"channel": fake.ask_channel_id}),
            ("newsdesk settings thread-mode", {"enabled": True}),
        ]:
            await reply(fake, await fake.command(name, permissions=MANAGER, **options))

        asked = await fake.message(
            "when will they **start** building?", mention_bot=False, channel_id=fake.ask_channel_id
        )
        [thread] = await fake.wait_until(lambda: fake.threads_in(fake.ask_channel_id))
        assert thread["name"] == "when will they start building?"  # no markdown in a thread's name
        assert int(thread["id"]) == int(asked["id"])  # opened on the question itself
        answer = (await fake.wait_until(lambda: fake.channel_messages(int(thread["id"]))))[0]
        assert "start building in May" in answer.text() and len(buttons(answer)) == 2
        assert not fake.replies_to(int(asked["id"]))  # nothing in the channel itself

        # A follow-up inside the thread is answered there, without a second thread.
        follow = await fake.message("who is the mayor?", mention_bot=False, channel_id=int(thread["id"]))
        [again] = await fake.wait_until(lambda: fake.replies_to(int(follow["id"])))
        assert again.channel_id == int(thread["id"]) and "Ana Silva" in again.text()
        assert len(fake.threads) == 1

        # /ask in thread mode: one line in the channel, the answer in a thread on it.
        interaction = await fake.command("ask", question="who is the mayor?")
        starter = await reply(fake, interaction)
        assert "answered in the thread below" in starter.content
        [slash_thread] = await fake.wait_until(lambda: fake.threads_in(fake.channel_id))
        assert slash_thread["name"] == "who is the mayor?" and int(slash_thread["id"]) == starter.message_id
        inside = (await fake.wait_until(lambda: fake.channel_messages(int(slash_thread["id"]))))[0]
        assert "Ana Silva" in inside.text()


# -- votes -------------------------------------------------------------------------------------------


async def test_a_vote_is_stored_with_the_answer_and_a_salted_hash_never_the_user_id(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        sent = await reply(fake, await fake.command("ask", question="when will they start building?"))
        up, down = buttons(sent)
        assert (up["emoji"]["name"], down["emoji"]["name"]) == ("👍", "👎")
        click = await fake.click(sent.message_id, up["custom_id"], user_id=4242)
        thanks = (await fake.wait_until(lambda: fake.sent_for(click["token"], "callback")))[0]
        assert thanks.flags & EPHEMERAL and "helpful" in thanks.content

        [vote] = CommunityStore.open(database).votes()
        assert vote.vote == 1 and vote.question == "when will they start building?"
        assert vote.article == "harbour" and vote.answerable
        assert vote.passages[0].startswith("harbour#2:")  # the best passage first, by id
        assert vote.evidence and "start building in May" in vote.evidence

        # The same member changing their mind replaces the vote; another member's is a second one.
        again = await fake.click(sent.message_id, down["custom_id"], user_id=4242)
        changed = (await fake.wait_until(lambda: fake.sent_for(again["token"], "callback")))[0]
        assert "Changed your vote" in changed.content
        await fake.click(sent.message_id, up["custom_id"], user_id=5151)
        await fake.wait_until(lambda: len(CommunityStore.open(database).votes()) == 2)
    votes = CommunityStore.open(database).votes()
    assert sorted(v.vote for v in votes) == [-1, 1]
    import sqlite3

    dump = "\n".join(sqlite3.connect(database.removeprefix("sqlite:///")).iterdump())
    assert "4242" not in dump and "5151" not in dump  # neither id is anywhere in the database


async def test_vote_buttons_still_work_after_a_restart(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        sent = await reply(fake, await fake.command("ask", question="who is the mayor?"))
    async with running_bot(fake, newsdesk, database_url=database):
        click = await fake.click(sent.message_id, buttons(sent)[0]["custom_id"], user_id=77)
        thanks = (await fake.wait_until(lambda: fake.sent_for(click["token"], "callback")))[0]
        assert "helpful" in thanks.content
    assert [v.vote for v in CommunityStore.open(database).votes()] == [1]


async def test_an_abstention_has_its_own_colour_and_wording_and_can_be_voted_on(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        answered = await reply(fake, await fake.command("ask", question="who is the mayor?"))
        sent = await reply(
            fake, await fake.command("ask", question="What did Maria Gonzalez say about the ferry?")
        )
        embed, good = sent.embeds[0], answered.embeds[0]
        assert embed["description"].startswith("**The article doesn't say.**")
        assert embed["color"] != good["color"]
        assert "closest passage" in embed["fields"][0]["name"]
        await fake.click(sent.message_id, buttons(sent)[0]["custom_id"])
        await fake.wait_until(lambda: CommunityStore.open(database).votes())
    [vote] = CommunityStore.open(database).votes()
    assert not vote.answerable and vote.evidence is None


async def test_the_card_links_to_the_article_and_marks_the_answer(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        sent = await reply(fake, await fake.command("ask", question="when will they start building?"))
    embed = sent.embeds[0]
    assert embed["author"] == {
        "name": "Harbour bridge budget approved",
        "url": "https://gazette.example/bridge",
    }
    assert "**“We will start building in May,” said Tom Becker" in embed["fields"][0]["value"]
    assert embed["fields"][0]["name"].endswith("strong match")
    assert "relevance 0." not in sent.text()


# -- settings ----------------------------------------------------------------------------------------


async def test_settings_persist_across_a_restart(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        for name, options in [
            ("newsdesk settings ask-channel", {"channel": fake.ask_channel_id}),
            ("newsdesk settings default-article", {"article": "budget", "channel": fake.ask_channel_id}),
            ("newsdesk settings cooldown", {"seconds": 45}),
            ("newsdesk settings private-answers", {"enabled": True}),
        ]:
            done = await reply(fake, await fake.command(name, permissions=MANAGER, **options))
            assert done.flags & EPHEMERAL, done.content
    async with running_bot(fake, newsdesk, database_url=database):
        shown = await reply(fake, await fake.command("newsdesk settings show", permissions=MANAGER))
        text = shown.text()
        assert f"<#{fake.ask_channel_id}>" in text and "City budget passes" in text
        assert "45 s between one member's questions" in text and "/ask answers only the asker sees" in text
        # ... and they act: the ask channel is answered from its default article.
        asked = await fake.message(
            "what does the money pay for?", mention_bot=False, channel_id=fake.ask_channel_id
        )
        answer = (await fake.wait_until(lambda: fake.replies_to(int(asked["id"]))))[0]
        assert "schools and parks" in answer.text()
        assert all(f["name"].startswith("budget · paragraph") for f in answer.embeds[0]["fields"])


async def test_a_member_without_manage_server_cannot_change_settings_or_see_stats(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        synced = {c["name"]: c for c in fake.guild_commands[fake.guild_id]}
        assert int(synced["newsdesk"]["default_member_permissions"]) == MANAGE_GUILD
        for name, options in [
            ("newsdesk settings ask-channel", {"channel": fake.ask_channel_id}),
            ("newsdesk settings thread-mode", {"enabled": True}),
            ("newsdesk settings show", {}),
            ("newsdesk stats", {}),
        ]:
            refused = await reply(fake, await fake.command(name, permissions=MEMBER, **options))
            assert refused.payload["type"] == CHANNEL_MESSAGE and refused.flags & EPHEMERAL
            assert "You need the Manage Server permission" in refused.content
    settings = CommunityStore.open(database).guild(fake.guild_id)
    assert not settings.ask_channels and not settings.thread_mode


async def test_private_answers_and_the_ephemeral_option(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        public = await fake.command("ask", question="who is the mayor?")
        private = await fake.command("ask", question="who is the mayor?", ephemeral=True)
        for interaction, hidden in [(public, False), (private, True)]:
            await reply(fake, interaction)
            callback = fake.sent_for(interaction["token"], "callback")[0]
            assert callback.payload["type"] == DEFERRED_CHANNEL_MESSAGE
            assert bool(callback.flags & EPHEMERAL) is hidden
        await reply(
            fake, await fake.command("newsdesk settings private-answers", enabled=True, permissions=MANAGER)
        )
        default = await fake.command("ask", question="who is the mayor?", user_id=31)
        shown = await fake.command("ask", question="who is the mayor?", ephemeral=False, user_id=31)
        for interaction, hidden in [(default, True), (shown, False)]:
            await reply(fake, interaction)
            assert bool(fake.sent_for(interaction["token"], "callback")[0].flags & EPHEMERAL) is hidden


async def test_the_server_cooldown_slows_one_member_down(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        await reply(fake, await fake.command("newsdesk settings cooldown", seconds=60, permissions=MANAGER))
        first = await reply(fake, await fake.command("ask", question="who is the mayor?", user_id=61))
        assert "Ana Silva" in first.text()
        second = await reply(fake, await fake.command("ask", question="who is the mayor?", user_id=61))
        assert second.flags & EPHEMERAL and "a little fast" in second.content
        other = await reply(fake, await fake.command("ask", question="who is the mayor?", user_id=62))
        assert "Ana Silva" in other.text()
        mention = await fake.message(f"<@{fake.bot_id}> who is the mayor?", user_id=61)
        late = (await fake.wait_until(lambda: fake.replies_to(int(mention["id"]))))[0]
        assert "a little fast" in late.content


async def test_stats_count_questions_abstentions_and_thumbs_per_article(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        empty = await reply(fake, await fake.command("newsdesk stats", permissions=MANAGER))
        assert "No questions answered here yet" in empty.text()
        sent = [
            await reply(fake, await fake.command("ask", question=q, user_id=70 + i))
            for i, q in enumerate(
                [
                    "who is the mayor?",
                    "when will they start building?",
                    "What did Maria Gonzalez say about the ferry?",
                ]
            )
        ]
        for i, (message, vote) in enumerate(zip(sent, (0, 1, 0), strict=True)):
            await fake.click(message.message_id, buttons(message)[vote]["custom_id"], user_id=80 + i)
        await fake.wait_until(lambda: len(CommunityStore.open(database).votes()) == 3)
        stats = await reply(fake, await fake.command("newsdesk stats", permissions=MANAGER))
    embed = stats.embeds[0]
    assert embed["description"].startswith(
        "**In total:** 3 questions · “doesn't say” 33% · 👍 67% of 3 votes"
    )
    rows = {f["name"]: f["value"] for f in embed["fields"]}
    assert rows["Harbour bridge budget approved"] == "3 questions · “doesn't say” 33% · 👍 67% of 3 votes"


# -- help --------------------------------------------------------------------------------------------


async def test_help_explains_every_command_with_examples_from_the_articles(fake, newsdesk, database):
    async with running_bot(fake, newsdesk, database_url=database):
        slash = await reply(fake, await fake.command("help"))
        assert slash.flags & EPHEMERAL
        mention = await fake.message(f"<@{fake.bot_id}> help")
        bare = await fake.message(f"<@{fake.bot_id}>")
        replies = [
            (await fake.wait_until(lambda m=m: fake.replies_to(int(m["id"]))))[0] for m in (mention, bare)
        ]
    for sent in [slash, *replies]:
        [embed] = sent.embeds
        text = sent.text()
        for command in (
            "/ask",
            "/quotes",
            "/speakers",
            "/timeline",
            "/about",
            "/newsdesk settings",
            "/newsdesk stats",
        ):
            assert command in text
        assert "City budget passes" in text  # the newest article, by name
        assert "Ask me a question" in embed["description"]
    assert "Tom Becker" not in slash.text()  # the budget article quotes nobody: no made-up speaker


# -- article threads ---------------------------------------------------------------------------------


async def test_an_added_article_gets_a_thread_where_questions_are_about_it(fake, database, httpserver):
    httpserver.expect_request("/ferry").respond_with_data(NEWS_PAGE, content_type="text/html")
    settings = RetrievalSettings(
        _env_file=None, use_cache=False, top_k=3, database_url=database, allow_private_urls=True
    )
    library = LiveLibrary(settings, embedder=FakeEmbedder())
    async with running_bot(fake, library.for_guild(None), library=library, database_url=database):
        await reply(
            fake,
            await fake.command(
                "newsdesk settings article-threads", channel=fake.channel_id, permissions=MANAGER
            ),
        )
        added = await reply(
            fake, await fake.command("article add", url=httpserver.url_for("/ferry"), permissions=MANAGER)
        )
        assert "Added" in added.content
        [thread] = await fake.wait_until(lambda: fake.threads_in(fake.channel_id))
        assert thread["name"] == "Ferry service returns to Port Alder"
        [intro] = [s for s in fake.channel_messages(fake.channel_id) if s.message_id == int(thread["id"])]
        assert "New article" in intro.content and "Ask anything about it here" in intro.content
        [row] = library.library.articles()
        stored = await eventually(lambda: CommunityStore.open(database).guild(fake.guild_id).articles)
        assert stored == {int(thread["id"]): row.id}
        assert int(thread["id"]) in CommunityStore.open(database).guild(fake.guild_id).ask_channels

        # In the thread, a plain message is a question about that article.
        asked = await fake.message(
            "when does the first ferry leave?", mention_bot=False, channel_id=int(thread["id"])
        )
        answer = (await fake.wait_until(lambda: fake.replies_to(int(asked["id"]))))[0]
        assert "7:15" in answer.text()
        # Adding the same page again opens no second thread.
        await reply(
            fake, await fake.command("article add", url=httpserver.url_for("/ferry"), permissions=MANAGER)
        )
        await settle(fake)
        assert len(fake.threads_in(fake.channel_id)) == 1
