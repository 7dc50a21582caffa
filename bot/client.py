"""The bot: a commands.Bot built from settings and the retrieval facade by constructor injection."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord
import yarl
from discord.ext import commands

from bot.server import settings_for, where
from bot.settings import BotSettings
from retrieval.community.answers import is_help
from retrieval.community.store import CommunityStore
from retrieval.errors import NewsdeskError
from retrieval.library.store import Library

if TYPE_CHECKING:
    from retrieval.library.live import LiveLibrary
    from retrieval.service import Newsdesk

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.cogs.article", "bot.cogs.admin", "bot.cogs.help", "bot.cogs.community")
MESSAGE_CONTENT_OFF = (
    "The Message Content intent is off for this bot in the Discord Developer Portal, so ask channels "
    "are not answered; mentions, DMs and slash commands work. To answer every message in ask channels, "
    "turn it on under Bot > Privileged Gateway Intents and restart (docs/bot.md)."
)


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
        community: CommunityStore | None = None,
    ) -> None:
        # The bot has no voice features: don't warn at every start that voice libraries are missing.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            # Only the owner's "@bot sync" is a prefix command (cogs/admin.py); on_message handles questions.
            command_prefix=commands.when_mentioned,
            # No privileged intents: Discord sends message content for mentions and DMs regardless.
            # Message Content is added at login when the application has it (see _enable_message_content).
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
        # Server settings, answers and votes, in the library's database.
        self.community = community or CommunityStore(
            library.library if library is not None else Library(settings.library_url)
        )
        self.message_content = False  # whether the gateway sends the content of every message

    async def login(self, token: str) -> None:
        """Apply the endpoint settings, then log in as usual."""
        apply_endpoints(self.settings)
        await super().login(token)

    async def setup_hook(self) -> None:
        """Load the cogs, then sync: the dev guild if configured, globally only when asked (--sync)."""
        await self._enable_message_content()
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

    async def _enable_message_content(self) -> None:
        """Ask the gateway for every message's content when the application may have it; else say so once.

        Runs after login and before the gateway connects, so the IDENTIFY carries the result. Asking for
        the intent without the Developer Portal's toggle would make Discord close the connection (4014).
        """
        try:
            flags = (await self.application_info()).flags
        except discord.HTTPException:
            log.warning("Could not read the application's flags; ask channels stay off", exc_info=True)
            return
        if flags.gateway_message_content or flags.gateway_message_content_limited:
            self._connection._intents.message_content = True  # discord.py sends these in IDENTIFY
            self.message_content = True
            log.info("Message Content intent on: ask channels are answered")
            return
        try:
            asks = await asyncio.to_thread(self.community.has_ask_channels)
        except NewsdeskError:
            asks = False
        log.log(logging.WARNING if asks else logging.INFO, MESSAGE_CONTENT_OFF)

    async def on_ready(self) -> None:
        """Log who we are once the gateway is ready."""
        user = self.user
        log.info("Ready as %s (id %s) in %d guild(s)", user, user and user.id, len(self.guilds))

    async def on_message(self, message: discord.Message, /) -> None:
        """Run the owner's prefix commands; a mention, DM or message in an ask channel is a question.

        "help" (or a bare mention) gets the help instead.
        """
        if message.author.bot or self.user is None:
            return
        ctx = await self.get_context(message)
        if ctx.valid:
            await self.invoke(ctx)
            return
        if self.is_addressed(message):
            text = self.question_text(message)
        elif await self.in_ask_channel(message):
            text = " ".join(message.content.split())
            if not text:  # an image or a sticker alone: nothing to answer
                return
        else:
            return
        if is_help(text):
            self.dispatch("help_request", message)  # see HelpCog.on_help_request
            return
        # The cog answers (and apologises on failure); see ArticleCog.on_question.
        self.dispatch("question", message, text)

    async def in_ask_channel(self, message: discord.Message) -> bool:
        """Whether the message is in one of its server's ask channels (or a thread of one)."""
        if message.guild is None or not self.message_content:
            return False
        try:
            settings = await settings_for(self.community, message.guild.id)
        except NewsdeskError:
            log.exception("Could not read the settings of server %s", message.guild.id)
            return False
        channel_id, parent_id = where(message.channel)
        return settings is not None and channel_id is not None and settings.asks_in(channel_id, parent_id)

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
