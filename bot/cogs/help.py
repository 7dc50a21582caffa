"""``/help`` and ``@newsdesk help``: every command in one embed, with examples from the loaded articles."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import formatting
from bot.cogs.article import NO_MENTIONS
from bot.server import settings_for
from retrieval.community.help import HelpExamples, help_examples

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

log = logging.getLogger(__name__)

# Used when the articles cannot give examples (a stand-in facade, a failed extraction).
FALLBACK = HelpExamples(1, "the article", "article", None, "Who is quoted?")


class HelpCog(commands.Cog):
    """Explains the bot to whoever asks."""

    def __init__(self, bot: NewsdeskBot) -> None:
        self.bot = bot

    async def help_for(self, guild_id: int | None) -> discord.Embed:
        """The help embed for a server (its articles, its ask channels) or a DM."""
        library = self.bot.library
        desk = library.for_guild(guild_id) if library is not None else self.bot.newsdesk
        try:
            examples = await asyncio.to_thread(help_examples, desk)
        except Exception:
            log.warning("No examples for the help; using generic ones", exc_info=True)
            examples = FALLBACK
        try:
            settings = await settings_for(self.bot.community, guild_id)
        except Exception:
            log.warning("Could not read the settings of server %s for the help", guild_id, exc_info=True)
            settings = None
        channels = sorted(settings.ask_channels) if settings else []
        return formatting.help_embed(
            examples, ask_channels=channels, message_content=self.bot.message_content
        )

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """How to ask newsdesk about the news, with examples from the articles here."""
        embed = await self.help_for(interaction.guild_id)
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @commands.Cog.listener()
    async def on_help_request(self, message: discord.Message) -> None:
        """Answer ``@newsdesk help`` or a bare mention with the help, as a reply."""
        try:
            embed = await self.help_for(message.guild.id if message.guild else None)
            await message.reply(embed=embed, mention_author=False, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.exception("Could not send the help for message %s", message.id)


async def setup(bot: NewsdeskBot) -> None:
    """Load the help cog."""
    await bot.add_cog(HelpCog(bot))
