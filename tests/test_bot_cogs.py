"""The cogs' callbacks with spec'd mocks of discord.py and of the facade (no network, no event stream)."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from unittest.mock import AsyncMock, MagicMock

import discord
import pytest
from discord import app_commands

from bot.cogs.admin import OWNER_ONLY, AdminCog
from bot.cogs.article import APOLOGY, ASK_RATE, ArticleCog, user_message
from bot.paging import NOT_YOURS, Pager
from retrieval.errors import (
    NewsdeskError,
    QuestionError,
    UnknownArticleError,
    UnknownSpeakerError,
)
from retrieval.models import Answer, Hit, Passage, Quote, Speaker, Timeline
from retrieval.service import Newsdesk
from tests.bot_helpers import mock_interaction

ANSWER = Answer("who builds it?", True, (Hit(Passage("harbour", 2, 0, 14, "Tom builds it."), 0.9, ("Tom",)),))


@pytest.fixture
def desk():
    newsdesk = MagicMock(spec=Newsdesk)
    newsdesk.article_ids = ["harbour"]
    newsdesk.ask.return_value = ANSWER
    return newsdesk


@pytest.fixture
def cog(desk):
    return ArticleCog(desk)


def quotes(count: int) -> list[Quote]:
    return [Quote("harbour", "Tom", True, f"q{i}", "direct", 1, 0, 2) for i in range(count)]


async def test_ask_defers_then_follows_up_with_an_embed(cog, desk):
    interaction = mock_interaction()
    await cog.ask.callback(cog, interaction, "who builds it?", 2, "harbour")
    interaction.response.defer.assert_awaited_once_with(thinking=True, ephemeral=False)
    desk.ask.assert_called_once_with("who builds it?", 2, "harbour")
    kwargs = interaction.followup.send.await_args.kwargs
    assert kwargs["embed"].fields[0].value == "**Speakers:** Tom\nTom builds it."
    assert kwargs["allowed_mentions"].to_dict() == {"parse": []}


async def test_ask_refuses_an_unknown_article_before_deferring(cog, desk):
    interaction = mock_interaction()
    with pytest.raises(UnknownArticleError, match="no article named 'other'"):
        await cog.ask.callback(cog, interaction, "q", None, "other")
    interaction.response.defer.assert_not_awaited()
    desk.ask.assert_not_called()


async def test_one_page_of_quotes_has_no_buttons(cog, desk):
    desk.quotes.return_value = quotes(2)
    interaction = mock_interaction()
    await cog.quotes.callback(cog, interaction, None, None)
    assert "view" not in interaction.followup.send.await_args.kwargs


async def test_many_quotes_come_with_a_pager(cog, desk):
    desk.quotes.return_value = quotes(11)
    interaction = mock_interaction(user_id=7)
    await cog.quotes.callback(cog, interaction, "Tom", "harbour")
    desk.quotes.assert_called_once_with("Tom", "harbour")
    kwargs = interaction.followup.send.await_args.kwargs
    pager = kwargs["view"]
    assert isinstance(pager, Pager) and len(pager.pages) == 3 and pager.owner_id == 7
    assert kwargs["wait"] is True and pager.message is interaction.followup.send.return_value


async def test_timeline_speakers_and_about_call_the_facade_off_the_loop(cog, desk):
    desk.timeline.return_value = Timeline()
    desk.speakers.return_value = [Speaker("harbour", "Tom", "engineer", "person", (), 1, 1)]
    desk.about.return_value = []
    for command, method in ((cog.timeline, desk.timeline), (cog.speakers, desk.speakers)):
        interaction = mock_interaction()
        await command.callback(cog, interaction, None)
        interaction.response.defer.assert_awaited_once_with(thinking=True)
        method.assert_called_once_with(None)
        assert interaction.followup.send.await_args.kwargs["embed"]


async def test_cooldown_gets_a_polite_ephemeral_reply(cog):
    interaction = mock_interaction()
    error = app_commands.CommandOnCooldown(app_commands.Cooldown(1, 30), 12.4)
    await cog.cog_app_command_error(interaction, error)
    interaction.response.send_message.assert_awaited_once()
    args, kwargs = interaction.response.send_message.await_args
    assert "try again in 12 s" in args[0] and kwargs["ephemeral"] is True


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NewsdeskError("x: quote extraction failed (the log says why)"), "X: quote extraction failed"),
        (UnknownSpeakerError("Bob", ["Tom Becker", "Ana Silva"]), "No speaker matches “Bob”"),
        (QuestionError("the question is empty"), "I can't use that question: the question is empty"),
        (UnknownArticleError("no article named 'x'"), "No article named 'x'"),
    ],
)
async def test_bad_input_after_deferring_replaces_the_thinking_message_ephemerally(cog, error, expected):
    interaction = mock_interaction()
    interaction.response.is_done.return_value = True
    command_error = app_commands.CommandInvokeError(cog.ask, error)
    await cog.cog_app_command_error(interaction, command_error)
    interaction.delete_original_response.assert_awaited_once()
    args, kwargs = interaction.followup.send.await_args
    assert expected in args[0] and kwargs["ephemeral"] is True


async def test_an_unexpected_error_is_logged_with_its_traceback_and_apologised_for(cog, caplog):
    interaction = mock_interaction()
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        error = app_commands.CommandInvokeError(cog.ask, exc)
    with caplog.at_level(logging.ERROR):
        await cog.cog_app_command_error(interaction, error)
    args, kwargs = interaction.response.send_message.await_args
    assert args[0] == APOLOGY and kwargs["ephemeral"] is True
    (record,) = [r for r in caplog.records if r.name == "bot.cogs.article"]
    assert record.exc_info and "boom" in caplog.text and "Traceback" in caplog.text


def test_user_message_lists_known_speakers_without_pinging():
    text = user_message(UnknownSpeakerError("@everyone", ["Tom", "<@123456789012345678>"]))
    assert "@everyone" not in text and "<@123456789012345678>" not in text
    assert "Speakers: Tom" in text


def test_user_message_for_a_bare_newsdesk_error():
    assert user_message(NewsdeskError("something odd")) == "Something odd"


async def test_article_autocomplete_offers_articles_by_title_with_the_id_as_value(cog, desk):
    titles = {"harbour": "Harbour bridge budget approved", "budget": "City budget passes", "harbour-2": None}
    desk.articles = {i: SimpleNamespace(id=i, title=t) for i, t in titles.items()}
    choices = await cog.article_autocomplete(mock_interaction(), "harb")
    assert [(c.name, c.value) for c in choices] == [
        ("Harbour bridge budget approved", "harbour"),
        ("harbour-2", "harbour-2"),
    ]
    assert [c.value for c in await cog.article_autocomplete(mock_interaction(), "city")] == ["budget"]


async def test_speaker_autocomplete_offers_nothing_when_quotes_cannot_be_extracted(cog, desk):
    desk.speakers.side_effect = NewsdeskError("x: quote extraction failed (the log says why)")
    assert await cog.speaker_autocomplete(mock_interaction(), "t") == []


def mock_message(content: str = "q", author_id: int = 5) -> MagicMock:
    message = MagicMock(spec=discord.Message)
    message.id = 99
    message.content = content
    message.author = MagicMock(spec=discord.User)
    message.author.id = author_id
    message.channel = MagicMock(spec=discord.TextChannel)
    message.channel.typing.return_value = MagicMock()  # MagicMock supports `async with`
    message.reply = AsyncMock()
    return message


async def test_a_mention_question_is_answered_as_a_reply(cog, desk):
    message = mock_message()
    await cog.on_question(message, "who builds it?")
    desk.ask.assert_called_once_with("who builds it?", None, None)  # no default article without settings
    kwargs = message.reply.await_args.kwargs
    assert kwargs["embed"].title == "who builds it?"
    assert kwargs["mention_author"] is False and kwargs["allowed_mentions"].to_dict() == {"parse": []}


async def test_mention_questions_have_a_cooldown_too(cog, desk):
    message = mock_message()
    for _ in range(ASK_RATE + 1):
        await cog.on_question(message, "again?")
    assert desk.ask.call_count == ASK_RATE
    assert "a little fast" in message.reply.await_args.args[0]


async def test_a_failing_mention_answer_apologises(cog, desk, caplog):
    desk.ask.side_effect = RuntimeError("down")
    message = mock_message()
    await cog.on_question(message, "q?")
    assert message.reply.await_args.args[0] == APOLOGY
    assert "Answering message 99 failed" in caplog.text


async def test_a_bad_mention_question_gets_the_reason(cog, desk):
    desk.ask.side_effect = QuestionError("the question is longer than 1000 characters")
    message = mock_message()
    await cog.on_question(message, "q?")
    assert "longer than 1000" in message.reply.await_args.kwargs["content"]


async def test_pager_turns_pages_for_its_owner_only():
    pages = [discord.Embed(title=str(i)) for i in range(3)]
    pager = Pager(pages, owner_id=1)
    assert pager.previous.disabled and not pager.next.disabled
    owner = mock_interaction(user_id=1)
    assert await pager.interaction_check(owner)
    await pager.next.callback(owner)
    owner.response.edit_message.assert_awaited_once_with(embed=pages[1], view=pager)
    await pager.next.callback(mock_interaction(user_id=1))
    assert pager.index == 2 and pager.next.disabled and not pager.previous.disabled
    stranger = mock_interaction(user_id=2)
    assert not await pager.interaction_check(stranger)
    stranger.response.send_message.assert_awaited_once_with(NOT_YOURS, ephemeral=True)


async def test_pager_removes_its_buttons_on_timeout():
    pager = Pager([discord.Embed(), discord.Embed()], owner_id=1)
    pager.message = MagicMock(spec=discord.WebhookMessage)
    await pager.on_timeout()
    pager.message.edit.assert_awaited_once_with(view=None)


async def test_admin_refuses_non_owners_plainly():
    bot = MagicMock(spec=discord.ext.commands.Bot)
    cog = AdminCog(bot)
    ctx = MagicMock(spec=discord.ext.commands.Context)
    await cog.cog_command_error(ctx, discord.ext.commands.NotOwner())
    assert ctx.reply.await_args.args[0] == OWNER_ONLY
