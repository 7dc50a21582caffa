"""``/newsdesk settings …`` and ``/newsdesk stats`` for admins; threads for new articles; vote buttons."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import formatting
from bot.cogs.article import APOLOGY, NO_MENTIONS, send_private, user_message
from bot.feedback import VoteButton
from bot.server import settings_for
from retrieval.community.answers import thread_name
from retrieval.community.settings import COOLDOWN_MAX_S, GuildSettings
from retrieval.errors import NewsdeskError, UnknownArticleError

if TYPE_CHECKING:
    from bot.client import NewsdeskBot
    from retrieval.library.store import StoredArticle
    from retrieval.service import Newsdesk

log = logging.getLogger(__name__)

NOT_ALLOWED = "You need the Manage Server permission to change newsdesk's settings or see its stats here."
NO_CHANNEL = "I can't see that channel; pick a text channel or thread of this server."
# A week: an article's thread stays open while people still ask about it.
THREAD_ARCHIVE_MIN: Literal[10080] = 10080


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CommunityCog(commands.GroupCog, group_name="newsdesk"):
    """How newsdesk behaves in this server, and how its answers are received."""

    settings = app_commands.Group(name="settings", description="How newsdesk answers in this server")

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot
        super().__init__()

    # -- helpers ---------------------------------------------------------------------------------

    def _desk(self, guild_id: int | None) -> Newsdesk:
        library = self.bot.library
        return library.for_guild(guild_id) if library is not None else self.bot.newsdesk

    def _titles(self, guild_id: int | None) -> dict[str, str]:
        return {a.id: a.title or a.id for a in self._desk(guild_id).articles.values()}

    async def _show(self, interaction: discord.Interaction, settings: GuildSettings, done: str) -> None:
        embed = formatting.settings_embed(
            settings, message_content=self.bot.message_content, titles=self._titles(interaction.guild_id)
        )
        await interaction.response.send_message(
            formatting.plain(done) if done else None,
            embed=embed,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def _change(self, interaction: discord.Interaction, done: str, **values: bool | int | None) -> None:
        assert interaction.guild_id is not None  # guild_only
        store = self.bot.community
        settings = await asyncio.to_thread(store.update_guild, interaction.guild_id, **values)
        log.info("server %s: %s changed by %s", interaction.guild_id, values, interaction.user.id)
        await self._show(interaction, settings, done)

    async def _article_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = " ".join(current.split()).casefold()
        titles = self._titles(interaction.guild_id)
        found = [i for i, t in titles.items() if wanted in t.casefold() or wanted in i.casefold()]
        return [app_commands.Choice(name=titles[i][:100], value=i) for i in found[:25]]

    # -- /newsdesk settings ----------------------------------------------------------------------

    @settings.command(name="show")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def show(self, interaction: discord.Interaction) -> None:
        """Show this server's newsdesk settings."""
        settings = await settings_for(self.bot.community, interaction.guild_id)
        assert settings is not None
        await self._show(interaction, settings, "")

    @settings.command(name="ask-channel")
    @app_commands.describe(
        channel="The channel (default: this one)", enabled="Answer every message there (default: yes)"
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def ask_channel(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | discord.Thread | None = None,
        enabled: bool = True,
    ) -> None:
        """Make a channel an ask channel, where every message is answered (or stop)."""
        assert interaction.guild_id is not None
        channel_id = channel.id if channel is not None else interaction.channel_id
        if channel_id is None:
            raise NewsdeskError(NO_CHANNEL)
        settings = await asyncio.to_thread(
            self.bot.community.update_channel, interaction.guild_id, channel_id, ask=enabled
        )
        if not enabled:
            done = f"<#{channel_id}> is no longer an ask channel."
        elif self.bot.message_content:
            done = f"<#{channel_id}> is now an ask channel: every message there is answered."
        else:
            done = (
                f"<#{channel_id}> is now an ask channel, but messages there are answered only once the "
                "Message Content intent is on (see below); until then, mention the bot."
            )
        await self._show(interaction, settings, done)

    @settings.command(name="thread-mode")
    @app_commands.describe(enabled="Answer in a new thread named after each question")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def thread_mode(self, interaction: discord.Interaction, enabled: bool) -> None:
        """Answer each question in a new thread named after it (or in the channel)."""
        done = "Answers now go into a new thread per question." if enabled else "Answers stay in the channel."
        await self._change(interaction, done, thread_mode=enabled)

    @settings.command(name="default-article")
    @app_commands.describe(
        article="The article questions there are about (leave empty to search every article again)",
        channel="The channel or thread (default: this one)",
    )
    @app_commands.autocomplete(article=_article_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def default_article(
        self,
        interaction: discord.Interaction,
        article: str | None = None,
        channel: discord.TextChannel | discord.Thread | None = None,
    ) -> None:
        """Make questions in a channel or thread default to one article."""
        assert interaction.guild_id is not None
        channel_id = channel.id if channel is not None else interaction.channel_id
        if channel_id is None:
            raise NewsdeskError(NO_CHANNEL)
        titles = self._titles(interaction.guild_id)
        if article is not None and article not in titles:
            raise UnknownArticleError(f"no article named {article!r} in this server; see /article list")
        settings = await asyncio.to_thread(
            self.bot.community.update_channel, interaction.guild_id, channel_id, article=article
        )
        done = (
            f"Questions in <#{channel_id}> are now about **{formatting.clean(titles[article])}**."
            if article
            else f"Questions in <#{channel_id}> search every article again."
        )
        await self._show(interaction, settings, done)

    @settings.command(name="cooldown")
    @app_commands.describe(seconds=f"Seconds one member waits between questions (0 to {COOLDOWN_MAX_S})")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def cooldown(
        self, interaction: discord.Interaction, seconds: app_commands.Range[int, 0, COOLDOWN_MAX_S]
    ) -> None:
        """Set how long one member waits between two questions here."""
        done = (
            f"Members now wait {seconds} s between questions." if seconds else "The server cooldown is off."
        )
        await self._change(interaction, done, cooldown_s=seconds)

    @settings.command(name="private-answers")
    @app_commands.describe(enabled="Only the asker sees /ask answers, unless they choose otherwise")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def private_answers(self, interaction: discord.Interaction, enabled: bool) -> None:
        """Make /ask answers private to the asker by default (or public)."""
        done = (
            "/ask answers are now private by default."
            if enabled
            else "/ask answers are now public by default."
        )
        await self._change(interaction, done, private_answers=enabled)

    @settings.command(name="article-threads")
    @app_commands.describe(channel="Where each added article gets its thread (leave empty to stop)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def article_threads(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Open a thread for each article added with /article add, where questions are about it."""
        done = (
            f"Each article added will get a thread in <#{channel.id}>."
            if channel
            else "Added articles no longer get a thread."
        )
        await self._change(interaction, done, article_threads=channel.id if channel else None)

    # -- /newsdesk stats -------------------------------------------------------------------------

    @app_commands.command(name="stats")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def stats(self, interaction: discord.Interaction) -> None:
        """Questions answered here, how often the article didn't say, and the 👍 share, per article."""
        assert interaction.guild_id is not None
        stats = await asyncio.to_thread(self.bot.community.stats, interaction.guild_id)
        embed = formatting.stats_embed(stats, self._titles(interaction.guild_id))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    # -- article threads -------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_article_added(self, guild: discord.Guild | None, article: StoredArticle) -> None:
        """Open the new article's thread, if the server asked for one: questions there are about it."""
        if guild is None:
            return
        try:
            settings = await settings_for(self.bot.community, guild.id)
            channel = (
                guild.get_channel(settings.article_threads) if settings and settings.article_threads else None
            )
            if not isinstance(channel, discord.TextChannel):
                return
            title = article.title or article.id
            intro = formatting.article_thread_intro(
                title, article.url, message_content=self.bot.message_content
            )
            starter = await channel.send(intro, allowed_mentions=NO_MENTIONS)
            thread = await channel.create_thread(
                name=thread_name(title), message=starter, auto_archive_duration=THREAD_ARCHIVE_MIN
            )
            await asyncio.to_thread(
                self.bot.community.update_channel, guild.id, thread.id, ask=True, article=article.id
            )
            log.info("server %s: opened thread %s for article %s", guild.id, thread.id, article.id)
        except (discord.HTTPException, NewsdeskError):
            log.warning(
                "Could not open a thread for article %s in server %s", article.id, guild.id, exc_info=True
            )

    # -- errors ----------------------------------------------------------------------------------

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """No permission, a channel the bot can't see and bad input get one polite private line."""
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(error, app_commands.MissingPermissions | app_commands.NoPrivateMessage):
            log.info("/newsdesk refused to %s: not a manager", interaction.user.id)
            text = NOT_ALLOWED
        elif isinstance(error, app_commands.TransformerError):
            text = NO_CHANNEL
        elif isinstance(original, NewsdeskError):
            log.info("/newsdesk: %s: %s", type(original).__name__, original)
            text = user_message(original)
        else:
            log.error("/newsdesk failed", exc_info=original)
            text = APOLOGY
        try:
            await send_private(interaction, text)
        except discord.HTTPException:
            log.exception("Could not report a /newsdesk failure")


async def setup(bot: NewsdeskBot) -> None:
    """Load the settings and stats commands, and route vote clicks (also on answers sent before a restart)."""
    bot.add_dynamic_items(VoteButton)
    await bot.add_cog(CommunityCog(bot))
