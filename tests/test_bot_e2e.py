"""End to end: the real discord.py client against the local Discord fake (tests/discord_fake.py).

Nothing inside discord.py is mocked: REST goes over aiohttp to 127.0.0.1 and events arrive on a real
gateway websocket. The facade is the real Newsdesk with a deterministic embedder, except where a test
needs a facade that fails or returns many results.
"""

from __future__ import annotations

import logging
from unittest.mock import MagicMock

import discord
import pytest
from discord.ext import commands

from bot.__main__ import EXIT_CONFIG, EXIT_UNREACHABLE, serve
from bot.client import NewsdeskBot
from bot.cogs.article import ASK_RATE
from retrieval.errors import NewsdeskError
from retrieval.models import Quote, Speaker
from retrieval.service import Newsdesk
from tests.bot_helpers import bot_settings, make_newsdesk, running_bot
from tests.discord_fake import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    EPHEMERAL,
    UPDATE_MESSAGE,
    DiscordFake,
)

pytestmark = pytest.mark.e2e

NO_PINGS = {"parse": []}
COMMANDS = {"ask", "quotes", "timeline", "speakers", "about", "help", "newsdesk"}


@pytest.fixture(scope="module")
def newsdesk():
    return make_newsdesk()


@pytest.fixture(autouse=True)
def restore_endpoints():
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    yield
    discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def fake():
    async with DiscordFake() as server:
        yield server
        assert not server.unknown, f"the bot called routes the fake lacks: {server.unknown}"


def failing_newsdesk(**methods) -> MagicMock:
    desk = MagicMock(spec=Newsdesk)
    desk.article_ids = ["harbour"]
    for name, effect in methods.items():
        getattr(desk, name).side_effect = effect
    return desk


def many_quotes(count: int) -> list[Quote]:
    return [
        Quote("harbour", "Tom Becker", True, f"Quote number {i} about the bridge", "direct", 2, 0, 10)
        for i in range(count)
    ]


async def followup(fake, interaction):
    token = interaction["token"]
    return (await fake.wait_until(lambda: fake.sent_for(token, "followup")))[0]


async def test_startup_identifies_without_privileged_intents_and_syncs_the_dev_guild(fake, newsdesk):
    async with running_bot(fake, newsdesk) as bot:
        assert bot.user is not None and bot.user.id == fake.bot_id
        assert fake.identify is not None and fake.identify["token"] == fake.token
        message_content, members, presences = 1 << 15, 1 << 1, 1 << 8
        assert fake.identify["intents"] & (message_content | members | presences) == 0
        assert {c["name"] for c in fake.guild_commands[fake.guild_id]} == COMMANDS
        assert fake.global_commands == []  # global sync only on request


async def test_sync_flag_syncs_globally(fake, newsdesk):
    async with running_bot(fake, newsdesk, discord_guild_id=None) as bot:
        assert fake.global_commands == [] and not fake.guild_commands
    bot = NewsdeskBot(bot_settings(fake, discord_guild_id=None), newsdesk, sync_global=True)
    async with bot:
        await bot.login(fake.token)
    assert {c["name"] for c in fake.global_commands} == COMMANDS


async def test_ask_defers_then_follows_up_with_passages(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        interaction = await fake.command("ask", question="when will they start building?", top_k=2)
        sent = await followup(fake, interaction)
        callback = fake.sent_for(interaction["token"], "callback")[0]
        assert callback.payload["type"] == DEFERRED_CHANNEL_MESSAGE
        assert sent.payload["allowed_mentions"] == NO_PINGS
        embed = sent.embeds[0]
        assert embed["title"] == "when will they start building?"
        assert len(embed["fields"]) == 2
        assert embed["fields"][0]["name"] == "Paragraph 2 · strong match"
        assert "start building in May" in embed["fields"][0]["value"]


async def test_article_text_with_mentions_never_pings(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        interaction = await fake.command("ask", question="@everyone what did residents write about noise?")
        sent = await followup(fake, interaction)
        text = sent.text()
        assert sent.payload["allowed_mentions"] == NO_PINGS
        assert "Residents wrote" in text
        assert "@everyone" not in text and "<@123456789012345678>" not in text
        assert "<@&223456789012345678>" not in text
        assert "@\u200beveryone" in text and "\\*noise\\*" in text


async def test_unanswerable_question_says_so_and_offers_the_closest_passage(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        interaction = await fake.command("ask", question="What did Maria Gonzalez say about the ferry?")
        embed = (await followup(fake, interaction)).embeds[0]
        assert "doesn't say" in embed["description"]
        assert len(embed["fields"]) == 1


async def test_mention_is_answered_as_a_reply_without_pinging(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        message = await fake.message(f"<@{fake.bot_id}> when will they start building?")
        replies = await fake.wait_until(lambda: fake.replies_to(int(message["id"])))
        payload = replies[0].payload
        assert payload["allowed_mentions"]["parse"] == []
        assert not payload["allowed_mentions"].get("replied_user")
        assert "start building in May" in replies[0].text()


async def test_dm_is_answered_and_unaddressed_messages_are_ignored(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        ignored = await fake.message("chatting about the bridge", mention_bot=False)
        everyone = await fake.message("@everyone bridge news", mention_bot=False, mention_everyone=True)
        dm = await fake.message("who is the mayor?", dm=True)
        replies = await fake.wait_until(lambda: fake.replies_to(int(dm["id"])))
        assert "Ana Silva" in replies[0].text()
        assert not fake.replies_to(int(ignored["id"])) and not fake.replies_to(int(everyone["id"]))
        assert [s.kind for s in fake.sent] == ["channel"]


async def test_mentioning_the_bots_managed_role_counts_as_a_mention(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        message = await fake.message(
            f"<@&{fake.bot_role_id}> when will they start building?",
            mention_bot=False,
            role_mentions=[fake.bot_role_id],
        )
        replies = await fake.wait_until(lambda: fake.replies_to(int(message["id"])))
        assert "start building in May" in replies[0].text()
        assert replies[0].embeds[0]["title"] == "when will they start building?"


async def test_bare_mention_gets_help(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        message = await fake.message(f"<@{fake.bot_id}>")
        replies = await fake.wait_until(lambda: fake.replies_to(int(message["id"])))
        assert "Ask me a question" in replies[0].text()


async def test_owner_can_sync_globally_by_mention_and_others_cannot(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        refused = await fake.message(f"<@{fake.bot_id}> sync")
        replies = await fake.wait_until(lambda: fake.replies_to(int(refused["id"])))
        assert "Only the bot's owner" in replies[0].text()
        assert fake.global_commands == []
        done = await fake.message(f"<@{fake.bot_id}> sync", user_id=fake.owner_id)
        replies = await fake.wait_until(lambda: fake.replies_to(int(done["id"])))
        assert f"Synced {len(COMMANDS)} commands globally" in replies[0].text()
        assert {c["name"] for c in fake.global_commands} == COMMANDS


async def test_about_shows_the_article_facts(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        embed = (await followup(fake, await fake.command("about"))).embeds[0]
        values = {f["name"]: f["value"] for f in embed["fields"]}
        assert embed["title"] == "Harbour bridge budget approved"
        assert values["Source"] == "The Fake Gazette" and values["Published"] == "2024-03-04"
        assert values["Version"] == "0.1.0" and values["Passages"].endswith("from 4 paragraphs")


async def test_ask_cooldown_answers_politely_and_ephemerally(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        interactions = [await fake.command("ask", question=f"bridge {i}?") for i in range(ASK_RATE + 1)]
        last = interactions[-1]["token"]
        callback = (await fake.wait_until(lambda: fake.sent_for(last, "callback")))[0]
        assert callback.payload["type"] == CHANNEL_MESSAGE
        assert callback.flags & EPHEMERAL
        assert "a little fast" in callback.content
        await fake.wait_until(lambda: all(fake.sent_for(i["token"], "followup") for i in interactions[:-1]))


async def test_unknown_article_is_refused_ephemerally_before_deferring(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        interaction = await fake.command("ask", question="bridge?", article="nope")
        callback = (await fake.wait_until(lambda: fake.sent_for(interaction["token"], "callback")))[0]
        assert callback.payload["type"] == CHANNEL_MESSAGE and callback.flags & EPHEMERAL
        assert "No article named 'nope'" in callback.content and "harbour" in callback.content


async def test_a_failing_handler_apologises_ephemerally_and_logs_the_traceback(fake, caplog):
    desk = failing_newsdesk(quotes=RuntimeError("index exploded"))
    with caplog.at_level(logging.ERROR, logger="bot"):
        async with running_bot(fake, desk):
            interaction = await fake.command("quotes")
            sent = await followup(fake, interaction)
    assert sent.flags & EPHEMERAL and "Sorry" in sent.content
    assert fake.sent_for(interaction["token"], "delete_original")  # the public "thinking" message goes
    records = [r for r in caplog.records if r.name == "bot.cogs.article" and r.exc_info]
    assert records and "index exploded" in str(records[0].exc_info[1].__cause__ or records[0].exc_info[1])


async def test_a_failed_quote_extraction_is_one_ephemeral_line(fake):
    desk = failing_newsdesk(timeline=NewsdeskError("harbour: quote extraction failed (the log says why)"))
    async with running_bot(fake, desk):
        sent = await followup(fake, await fake.command("timeline"))
    assert sent.flags & EPHEMERAL
    assert sent.content == "Harbour: quote extraction failed (the log says why)"


async def test_long_quote_lists_page_with_buttons(fake):
    desk = failing_newsdesk()
    desk.quotes.return_value = many_quotes(12)
    async with running_bot(fake, desk):
        interaction = await fake.command("quotes", speaker="Tom Becker")
        sent = await followup(fake, interaction)
        assert sent.embeds[0]["footer"]["text"] == "Page 1/3 · 12 quotes"
        buttons = sent.payload["components"][0]["components"]
        assert [b["label"] for b in buttons] == ["Previous", "Next"]
        assert buttons[0]["disabled"] is True
        click = await fake.click(sent.message_id, buttons[1]["custom_id"])
        update = (await fake.wait_until(lambda: fake.sent_for(click["token"], "callback")))[0]
        assert update.payload["type"] == UPDATE_MESSAGE
        assert update.embeds[0]["footer"]["text"] == "Page 2/3 · 12 quotes"
        stranger = await fake.click(sent.message_id, buttons[1]["custom_id"], user_id=999)
        refusal = (await fake.wait_until(lambda: fake.sent_for(stranger["token"], "callback")))[0]
        assert refusal.flags & EPHEMERAL and "Only the person" in refusal.content
    desk.quotes.assert_called_once_with("Tom Becker", None)


async def test_speaker_autocomplete_offers_matching_names(fake):
    desk = failing_newsdesk()
    desk.speakers.return_value = [
        Speaker("harbour", name, None, "person", (), 1, 1)
        for name in ("Tom Becker", "Ana Silva", "Tomás Ruiz")
    ]
    async with running_bot(fake, desk):
        interaction = await fake.autocomplete("quotes", "speaker", speaker="tom")
        result = (await fake.wait_until(lambda: fake.sent_for(interaction["token"], "callback")))[0]
    assert result.payload["type"] == AUTOCOMPLETE_RESULT
    assert [c["name"] for c in result.payload["data"]["choices"]] == ["Tom Becker", "Tomás Ruiz"]


async def test_rejected_token_exits_with_code_2(fake, newsdesk, capsys):
    bot = NewsdeskBot(bot_settings(fake), newsdesk)
    assert await serve(bot, "MTIz.wrong.token") == EXIT_CONFIG
    assert "rejected DISCORD_TOKEN" in capsys.readouterr().err
    assert fake.requests[-1].path == "users/@me"


BUDGET = """\
---
title: City budget passes
published: 2024-02-01
---

The finance committee passed the city budget, which sets aside money for new schools and parks.
"""


@pytest.fixture(scope="module")
def two_articles():
    from tests.bot_helpers import ARTICLE

    return make_newsdesk(articles={"harbour": ARTICLE, "budget": BUDGET})


async def test_with_two_articles_the_article_option_autocompletes_and_filters(fake, two_articles):
    async with running_bot(fake, two_articles):
        complete = await fake.autocomplete("ask", "article", question="q", article="city")
        result = (await fake.wait_until(lambda: fake.sent_for(complete["token"], "callback")))[0]
        assert result.payload["data"]["choices"] == [{"name": "City budget passes", "value": "budget"}]
        interaction = await fake.command("ask", question="what does the money pay for?", article="budget")
        embed = (await followup(fake, interaction)).embeds[0]
        assert all(f["name"].startswith("budget · paragraph") for f in embed["fields"])
        about = (await followup(fake, await fake.command("about"))).embeds[0]
        assert about["description"] == "2 articles loaded."


async def test_slash_commands_work_in_dms(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        interaction = await fake.command("ask", question="when will they start building?", dm=True)
        assert "start building in May" in (await followup(fake, interaction)).text()


async def test_timeline_speakers_and_quotes_from_the_real_facade(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        timeline = (await followup(fake, await fake.command("timeline"))).embeds[0]
        dates = [f["value"].split(" · ")[0] for f in timeline["fields"]]
        assert "2024-05" in dates  # a month: as written
        assert "<t:1709553600:D>" in dates  # a day (Monday, 4 March 2024): in each reader's own locale
        assert "published 2024-03-04" in timeline["description"]
        speakers = (await followup(fake, await fake.command("speakers"))).embeds[0]
        assert "**Tom Becker**, project engineer: 2 quotes" in speakers["description"]
        quotes = (await followup(fake, await fake.command("quotes", speaker="Tom Becker"))).embeds[0]
        assert quotes["title"] == "Quotes by Tom Becker"
        assert "“We will start building in May”" in [f["value"] for f in quotes["fields"]]


async def test_an_unknown_speaker_is_told_who_is_quoted(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        sent = await followup(fake, await fake.command("quotes", speaker="Nobody Atall"))
    assert sent.flags & EPHEMERAL
    assert "No speaker matches “Nobody Atall”" in sent.content and "Tom Becker" in sent.content


async def test_an_unreachable_discord_gives_one_line_and_exit_1(newsdesk, capsys):
    async with DiscordFake() as gone:
        settings = bot_settings(gone)
    bot = NewsdeskBot(settings, newsdesk)  # the fake is closed: nothing listens on its port
    assert await serve(bot, settings.discord_token.get_secret_value()) == EXIT_UNREACHABLE
    assert "cannot reach Discord at http://127.0.0.1:" in capsys.readouterr().err


class ShardedNewsdeskBot(NewsdeskBot, commands.AutoShardedBot):
    """What README "Sharding" describes: the same bot on AutoShardedBot."""


async def test_the_bot_also_runs_as_an_auto_sharded_bot(fake, newsdesk):
    async with running_bot(fake, newsdesk, bot_class=ShardedNewsdeskBot) as bot:
        assert bot.shard_count == 1 and fake.identify["shard"] == [0, 1]
        assert any(r.path == "gateway/bot" for r in fake.requests)
        sent = await followup(fake, await fake.command("ask", question="when will they start building?"))
        assert "start building in May" in sent.text()
