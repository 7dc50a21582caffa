"""Slash commands /ask /quotes /timeline /speakers /about, and questions asked by mention or DM."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import formatting
from bot.feedback import feedback_view
from bot.paging import Pager
from bot.server import default_article, settings_for
from retrieval.community.answers import AnswerRecord, thread_name
from retrieval.community.cooldown import Cooldowns
from retrieval.errors import (
    NewsdeskError,
    QuestionError,
    UnknownArticleError,
    UnknownSpeakerError,
)
from retrieval.limits import QUESTION_MAX_CHARS, TOP_K_MAX

if TYPE_CHECKING:
    from bot.client import NewsdeskBot
    from retrieval.community.settings import GuildSettings
    from retrieval.community.store import CommunityStore
    from retrieval.models import Answer
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
IN_THREAD = "**{question}**: answered in the thread below."


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """``text`` to the user alone: as the response, or as a follow-up when the response was sent."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


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

    def __init__(
        self,
        newsdesk: Newsdesk,
        desks: Callable[[int | None], Newsdesk] | None = None,
        community: CommunityStore | None = None,
    ) -> None:
        self.newsdesk = newsdesk  # no bot reference: constructible in tests
        self._desks = desks  # the live library's snapshot per guild, when there is a library
        self.community = community  # server settings, answers and votes; None: none of those
        self._mention_cooldown = commands.CooldownMapping.from_cooldown(
            ASK_RATE, ASK_PER, commands.BucketType.user
        )
        self.cooldowns = Cooldowns()  # each server's own cooldown, on top of the built-in rate

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
        article="Only search this article (default: this channel's article, if it has one)",
        ephemeral="Only you see the answer (default: the server's private-answers setting)",
    )
    @app_commands.autocomplete(article=article_autocomplete)
    @app_commands.checks.cooldown(ASK_RATE, ASK_PER)
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, QUESTION_MAX],
        top_k: app_commands.Range[int, 1, TOP_K_MAX] | None = None,
        article: str | None = None,
        ephemeral: bool | None = None,
    ) -> None:
        """Show the passages of the article that best answer a question."""
        desk = self.desk_for(interaction.guild_id)
        self._check_article(article, desk)
        settings = await self._settings(interaction.guild_id)
        retry_after = self._server_cooldown(settings, interaction.user.id)
        if retry_after:
            await interaction.response.send_message(
                cooldown_message(retry_after), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        limited_to = article or default_article(settings, interaction.channel, desk)
        private = ephemeral if ephemeral is not None else bool(settings and settings.private_answers)
        # Embedding + search may pass Discord's 3 s.
        await interaction.response.defer(thinking=True, ephemeral=private)
        answer = await asyncio.to_thread(desk.ask, question, top_k, limited_to)
        extra = await self._card(answer, desk, limited_to, interaction.guild_id, "slash")
        channel = interaction.channel
        if settings and settings.thread_mode and not private and isinstance(channel, discord.TextChannel):
            starter = await interaction.followup.send(
                IN_THREAD.format(question=formatting.truncate(formatting.clean(answer.question), 1900)),
                allowed_mentions=NO_MENTIONS,
                wait=True,
            )
            thread = await channel.create_thread(name=thread_name(answer.question), message=starter)
            await thread.send(allowed_mentions=NO_MENTIONS, **extra)
            return
        await interaction.followup.send(allowed_mentions=NO_MENTIONS, ephemeral=private, **extra)

    async def _settings(self, guild_id: int | None) -> GuildSettings | None:
        """The server's settings; None when they cannot be read, so questions are still answered."""
        try:
            return await settings_for(self.community, guild_id)
        except NewsdeskError:
            log.exception("Could not read the settings of server %s; answering with the defaults", guild_id)
            return None

    def _server_cooldown(self, settings: GuildSettings | None, user_id: int) -> float:
        """Seconds this member must still wait under the server's cooldown (0: they may ask now)."""
        if settings is None or not settings.cooldown_s:
            return 0.0
        return self.cooldowns.retry_after(settings.guild_id, user_id, settings.cooldown_s)

    async def _card(
        self, answer: Answer, desk: Newsdesk, article: str | None, guild_id: int | None, via: str
    ) -> dict[str, Any]:
        """The answer card, with 👍/👎 buttons when the answer could be put on record."""
        answer_id = None
        if self.community is not None:
            try:
                record = AnswerRecord.of(answer, article)
                answer_id = await asyncio.to_thread(
                    self.community.record_answer, record, guild_id=guild_id, via=via
                )
            except Exception:  # the answer matters more than its record: send it without buttons
                log.exception("Could not record an answer; sending it without vote buttons")
        embed = formatting.answer_embed(
            answer,
            show_article=len(desk.article_ids) > 1,
            articles=_articles(desk),
            feedback=answer_id is not None,
        )
        return {"embed": embed, **({"view": feedback_view(answer_id)} if answer_id else {})}

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
        guild_id = message.guild.id if message.guild else None
        settings = await self._settings(guild_id)
        retry_after = self._mention_cooldown.update_rate_limit(message) or self._server_cooldown(
            settings, message.author.id
        )
        if retry_after:
            await message.reply(
                cooldown_message(retry_after), mention_author=False, allowed_mentions=NO_MENTIONS
            )
            return
        desk = self.desk_for(guild_id)
        article = default_article(settings, message.channel, desk)
        # Thread mode: a new thread on the question, named after it, and the answer inside.
        thread = None
        if settings and settings.thread_mode and isinstance(message.channel, discord.TextChannel):
            try:
                thread = await message.create_thread(name=thread_name(question))
            except discord.HTTPException:
                log.warning("Could not open a thread for message %s; replying instead", message.id)

        async def send(extra: dict[str, Any]) -> None:
            if thread is not None:
                await thread.send(allowed_mentions=NO_MENTIONS, **extra)
            else:
                await message.reply(mention_author=False, allowed_mentions=NO_MENTIONS, **extra)

        try:
            async with (thread or message.channel).typing():
                # A question that is too long or empty gets QuestionError, which says so.
                answer = await asyncio.to_thread(desk.ask, question, None, article)
        except NewsdeskError as error:
            await send({"content": user_message(error)})
            return
        via = "dm" if guild_id is None else "message"
        await send(await self._card(answer, desk, article, guild_id, via))


def _articles(desk: Newsdesk) -> dict[str, Any] | None:
    """The desk's articles by id, for the card's title and link (None for a stand-in without them)."""
    articles = getattr(desk, "articles", None)
    return articles if isinstance(articles, dict) else None


async def setup(bot: NewsdeskBot) -> None:
    """Load the article cog with the bot's facade, library and community store."""
    library = getattr(bot, "library", None)
    await bot.add_cog(
        ArticleCog(
            bot.newsdesk,
            library.for_guild if library is not None else None,
            getattr(bot, "community", None),
        )
    )
