"""Slash commands /ask /quotes /timeline /speakers /about, and questions asked by mention or DM."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import formatting
from bot.paging import Pager
from retrieval.errors import (
    FeatureUnavailable,
    NewsdeskError,
    QuestionError,
    UnknownArticleError,
    UnknownSpeakerError,
)
from retrieval.limits import QUESTION_MAX_CHARS, TOP_K_MAX

if TYPE_CHECKING:
    from bot.client import NewsdeskBot
    from retrieval.service import Newsdesk

log = logging.getLogger(__name__)

# Per user: ASK_RATE questions per ASK_PER seconds; /ask and mentions/DMs are counted separately.
ASK_RATE = 3
ASK_PER = 30.0
QUESTION_MAX = QUESTION_MAX_CHARS  # the limits live in retrieval.limits, shared with the CLI and settings
KNOWN_SPEAKERS_SHOWN = 15

APOLOGY = "Sorry, something went wrong while answering. It has been logged."
NO_MENTIONS = discord.AllowedMentions.none()
MENTION_HELP = "Ask me a question about the article after the mention, e.g. `@newsdesk who is quoted?`"


def user_message(error: NewsdeskError) -> str:
    """One clear line for a problem with the user's input (no traceback, nothing that pings)."""
    if isinstance(error, UnknownSpeakerError):
        known = ", ".join(error.known[:KNOWN_SPEAKERS_SHOWN]) or "nobody"
        more = (
            f" (and {len(error.known) - KNOWN_SPEAKERS_SHOWN} more)"
            if len(error.known) > KNOWN_SPEAKERS_SHOWN
            else ""
        )
        text = f"No speaker matches “{error.name}”. Speakers: {known}{more}."
    elif isinstance(error, FeatureUnavailable):
        text = f"That isn't available in this version of newsdesk: {error}"
    elif isinstance(error, QuestionError):
        text = f"I can't use that question: {error}"
    else:
        message = str(error) or type(error).__name__
        text = message[:1].upper() + message[1:]
    return formatting.plain(formatting.clean(text))


def cooldown_message(retry_after: float) -> str:
    """The polite reply to someone asking faster than the cooldown allows."""
    return f"You're asking a little fast. Please try again in {max(1, round(retry_after))} s."


class ArticleCog(commands.Cog):
    """Questions, quotes, timeline, speakers and facts about the loaded articles."""

    def __init__(self, newsdesk: Newsdesk, desks: Callable[[int | None], Newsdesk] | None = None) -> None:
        self.newsdesk = newsdesk  # no bot reference: constructible in tests
        self._desks = desks  # the live library's snapshot per guild, when there is a library
        self._mention_cooldown = commands.CooldownMapping.from_cooldown(
            ASK_RATE, ASK_PER, commands.BucketType.user
        )

    @property
    def show_article(self) -> bool:
        """Name the article next to paragraph numbers only when more than one is loaded."""
        return len(self.newsdesk.article_ids) > 1

    def desk_for(self, guild_id: int | None) -> Newsdesk:
        """What a guild (None: a DM) answers from: the global articles and its own."""
        return self._desks(guild_id) if self._desks is not None else self.newsdesk

    def _check_article(self, article: str | None, desk: Newsdesk | None = None) -> None:
        # Checked before deferring, so the mistake is answered ephemerally.
        desk = desk or self.newsdesk
        if article is not None and article not in desk.article_ids:
            known = ", ".join(desk.article_ids)
            raise UnknownArticleError(f"no article named {article!r}; loaded: {known}")

    # -- autocomplete ----------------------------------------------------------------------------

    async def article_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Articles whose title (or id) contains what was typed: shown by title, the value is the id."""
        desk = self.desk_for(interaction.guild_id)
        titles = {a.id: a.title or a.id for a in desk.articles.values()}
        wanted = " ".join(current.split()).casefold()
        found = [i for i, title in titles.items() if wanted in title.casefold() or wanted in i.casefold()]
        return [app_commands.Choice(name=titles[i][:100], value=i) for i in found[:25]]

    async def speaker_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Speaker names (of the chosen article, if any) containing what was typed."""
        desk = self.desk_for(interaction.guild_id)
        article = getattr(interaction.namespace, "article", None)
        if article is not None and article not in desk.article_ids:
            article = None
        try:
            speakers = await asyncio.to_thread(desk.speakers, article)
        except NewsdeskError as error:  # e.g. quotes not built: offer nothing rather than fail
            log.info("No speaker suggestions: %s", error)
            return []
        except Exception:
            log.exception("Speaker autocomplete failed")
            return []
        names = formatting.choices_for(current, list(dict.fromkeys(s.name for s in speakers)))
        return [app_commands.Choice(name=n, value=n) for n in names]

    # -- commands --------------------------------------------------------------------------------

    @app_commands.command(name="ask")
    @app_commands.describe(
        question="What you want to know about the article",
        top_k="How many passages to show (default from the settings)",
        article="Only search this article",
    )
    @app_commands.autocomplete(article=article_autocomplete)
    @app_commands.checks.cooldown(ASK_RATE, ASK_PER)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, QUESTION_MAX],
        top_k: app_commands.Range[int, 1, TOP_K_MAX] | None = None,
        article: str | None = None,
    ) -> None:
        """Show the passages of the article that best answer a question."""
        desk = self.desk_for(interaction.guild_id)
        self._check_article(article, desk)
        await interaction.response.defer(thinking=True)  # embedding + search may pass Discord's 3 s
        answer = await asyncio.to_thread(desk.ask, question, top_k, article)
        embed = formatting.answer_embed(answer, show_article=len(desk.article_ids) > 1)
        await interaction.followup.send(embed=embed, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="quotes")
    @app_commands.describe(speaker="Only this speaker's quotes", article="Only this article")
    @app_commands.autocomplete(speaker=speaker_autocomplete, article=article_autocomplete)
    async def quotes(
        self, interaction: discord.Interaction, speaker: str | None = None, article: str | None = None
    ) -> None:
        """List quotations, optionally one speaker's, with buttons to page."""
        desk = self.desk_for(interaction.guild_id)
        self._check_article(article, desk)
        await interaction.response.defer(thinking=True)
        quotes = await asyncio.to_thread(desk.quotes, speaker, article)
        pages = formatting.quote_pages(quotes, speaker=speaker, show_article=len(desk.article_ids) > 1)
        await self._send_pages(interaction, pages)

    @app_commands.command(name="timeline")
    @app_commands.describe(article="Only this article")
    @app_commands.autocomplete(article=article_autocomplete)
    async def timeline(self, interaction: discord.Interaction, article: str | None = None) -> None:
        """Show the dated events in order, with buttons to page."""
        desk = self.desk_for(interaction.guild_id)
        self._check_article(article, desk)
        await interaction.response.defer(thinking=True)
        timeline = await asyncio.to_thread(desk.timeline, article)
        await self._send_pages(
            interaction, formatting.timeline_pages(timeline, show_article=len(desk.article_ids) > 1)
        )

    @app_commands.command(name="speakers")
    @app_commands.describe(article="Only this article")
    @app_commands.autocomplete(article=article_autocomplete)
    async def speakers(self, interaction: discord.Interaction, article: str | None = None) -> None:
        """Show who is quoted, their role and how many quotes."""
        desk = self.desk_for(interaction.guild_id)
        self._check_article(article, desk)
        await interaction.response.defer(thinking=True)
        speakers = await asyncio.to_thread(desk.speakers, article)
        await self._send_pages(
            interaction, formatting.speaker_pages(speakers, show_article=len(desk.article_ids) > 1)
        )

    @app_commands.command(name="about")
    @app_commands.describe(article="Only this article")
    @app_commands.autocomplete(article=article_autocomplete)
    async def about(self, interaction: discord.Interaction, article: str | None = None) -> None:
        """Show the article's title, source, publication date, passage count and version."""
        desk = self.desk_for(interaction.guild_id)
        self._check_article(article, desk)
        await interaction.response.defer(thinking=True)
        infos = await asyncio.to_thread(desk.about, article)
        await interaction.followup.send(embed=formatting.about_embed(infos), allowed_mentions=NO_MENTIONS)

    async def _send_pages(self, interaction: discord.Interaction, pages: Sequence[discord.Embed]) -> None:
        if len(pages) == 1:
            await interaction.followup.send(embed=pages[0], allowed_mentions=NO_MENTIONS)
            return
        pager = Pager(pages, owner_id=interaction.user.id)
        pager.message = await interaction.followup.send(
            embed=pager.current, view=pager, allowed_mentions=NO_MENTIONS, wait=True
        )

    # -- errors ----------------------------------------------------------------------------------

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Cooldowns and bad input get a polite ephemeral line; anything else is logged and apologised for."""
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        name = interaction.command.qualified_name if interaction.command else "?"
        if isinstance(error, app_commands.CommandOnCooldown):
            log.info("/%s: user %s is on cooldown", name, interaction.user.id)
            text = cooldown_message(error.retry_after)
        elif isinstance(original, NewsdeskError):
            log.info("/%s: %s: %s", name, type(original).__name__, original)
            text = user_message(original)
        else:
            log.error("/%s failed", name, exc_info=original)
            text = APOLOGY
        try:
            await self._reply_privately(interaction, text)
        except discord.HTTPException:
            log.exception("Could not tell the user about the failure of /%s", name)

    async def _reply_privately(self, interaction: discord.Interaction, text: str) -> None:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        # The public "thinking…" message would otherwise stay; drop it so the reply can be ephemeral.
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.warning("Could not delete the deferred response", exc_info=True)
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # -- mentions and DMs ------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_question(self, message: discord.Message, question: str) -> None:
        """Answer ``@bot <question>`` or a DM like /ask, as a reply."""
        try:
            await self._answer_message(message, question)
        except Exception:
            log.exception("Answering message %s failed", message.id)
            try:
                await message.reply(APOLOGY, mention_author=False, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException:
                log.exception("Could not apologise for message %s", message.id)

    async def _answer_message(self, message: discord.Message, question: str) -> None:
        if not question:
            await message.reply(MENTION_HELP, mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        retry_after = self._mention_cooldown.update_rate_limit(message)
        if retry_after:
            await message.reply(
                cooldown_message(retry_after), mention_author=False, allowed_mentions=NO_MENTIONS
            )
            return
        desk = self.desk_for(message.guild.id if message.guild else None)
        try:
            async with message.channel.typing():
                answer = await asyncio.to_thread(desk.ask, question)  # too long: QuestionError says so
        except NewsdeskError as error:
            await message.reply(user_message(error), mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        embed = formatting.answer_embed(answer, show_article=len(desk.article_ids) > 1)
        await message.reply(embed=embed, mention_author=False, allowed_mentions=NO_MENTIONS)


async def setup(bot: NewsdeskBot) -> None:
    """Load the article cog with the bot's facade."""
    library = getattr(bot, "library", None)
    await bot.add_cog(ArticleCog(bot.newsdesk, library.for_guild if library is not None else None))
