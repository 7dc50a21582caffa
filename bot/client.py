"""The bot: a commands.Bot built from settings and the retrieval facade by constructor injection."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
import yarl
from discord.ext import commands

from bot.settings import BotSettings

if TYPE_CHECKING:
    from retrieval.library.live import LiveLibrary
    from retrieval.service import Newsdesk

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.article", "bot.cogs.admin")


def apply_endpoints(settings: BotSettings) -> None:
    """Point discord.py's REST base and gateway at the configured URLs (process-wide class attributes).

    Call after discord is imported and before login: ``discord.http._set_api_version`` would reset the base.
    """
    discord.http.Route.BASE = settings.discord_api_base_url
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class NewsdeskBot(commands.Bot):
    """Answers questions about the loaded articles with slash commands, mentions and DMs."""

    def __init__(
        self,
        settings: BotSettings,
        newsdesk: Newsdesk,
        *,
        sync_global: bool = False,
        guild_ready_timeout: float = 2.0,
        library: LiveLibrary | None = None,
    ) -> None:
        # The bot has no voice features: don't warn at every start that voice libraries are missing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            # Only the owner's "@bot sync" is a prefix command (cogs/admin.py); on_message handles questions.
            command_prefix=commands.when_mentioned,
            # No privileged intents: Discord sends message content for mentions and DMs regardless.
            intents=discord.Intents.default(),
            # Article text and questions may contain @everyone or <@id>: nothing the bot sends may ping.
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            guild_ready_timeout=guild_ready_timeout,
        )
        self.settings = settings
        self.newsdesk = newsdesk
        self.library = library  # the live article library: /article, and per-guild articles
        self.sync_global = sync_global

    async def login(self, token: str) -> None:
        """Apply the endpoint settings, then log in as usual."""
        apply_endpoints(self.settings)
        await super().login(token)

    async def setup_hook(self) -> None:
        """Load the cogs, then sync: the dev guild if configured, globally only when asked (--sync)."""
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.library is not None:
            await self.load_extension("bot.cogs.library")
        if self.settings.discord_guild_id:
            # Guild commands update instantly; global ones stay for an explicit sync.
            guild = discord.Object(self.settings.discord_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to guild %d", len(synced), guild.id)
        if self.sync_global:
            synced = await self.tree.sync()
            log.info("Synced %d commands globally", len(synced))

    async def on_ready(self) -> None:
        """Log who we are once the gateway is ready."""
        user = self.user
        log.info("Ready as %s (id %s) in %d guild(s)", user, user and user.id, len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        """Run the owner's prefix commands; treat any other mention or DM as a question."""
        if message.author.bot or self.user is None:
            return
        ctx = await self.get_context(message)
        if ctx.valid:
            await self.invoke(ctx)
            return
        if not self.is_addressed(message):
            return
        # The cog answers (and apologises on failure); see ArticleCog.on_question.
        self.dispatch("question", message, self.question_text(message))

    def is_addressed(self, message: discord.Message) -> bool:
        """A DM, or a message mentioning the bot or its own managed role (not just @everyone/@here)."""
        if isinstance(message.channel, discord.DMChannel):
            return True
        me = self.user
        if me is None:
            return False
        return any(user.id == me.id for user in message.mentions) or bool(self._own_roles(message))

    def _own_roles(self, message: discord.Message) -> list[int]:
        # Discord's mention picker often offers the bot's integration role instead of the bot itself.
        me = self.user
        return [
            role.id
            for role in message.role_mentions
            if me is not None and role.tags is not None and role.tags.bot_id == me.id
        ]

    def question_text(self, message: discord.Message) -> str:
        """The message content without the bot's own mentions (user or managed role)."""
        me = self.user
        text = message.content
        if me is not None:
            text = re.sub(rf"<@!?{me.id}>", " ", text)
        for role_id in self._own_roles(message):
            text = text.replace(f"<@&{role_id}>", " ")
        return " ".join(text.split())
