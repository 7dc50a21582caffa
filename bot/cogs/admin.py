"""Owner-only prefix commands: ``@bot sync`` to publish the slash commands."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.client import NewsdeskBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
OWNER_ONLY = "Only the bot's owner can do that."
APOLOGY = "Sorry, that failed. It has been logged."


class AdminCog(commands.Cog):
    """Commands for the bot's owner."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    @commands.command(name="sync")
    @commands.is_owner()
    async def sync(
        self, ctx: commands.Context[commands.Bot], scope: Literal["global", "here"] = "global"
    ) -> None:
        """Sync the slash commands globally (``@bot sync``) or to this server only (``@bot sync here``)."""
        if scope == "here":
            if ctx.guild is None:
                await ctx.reply(
                    "`sync here` only works in a server.", mention_author=False, allowed_mentions=NO_MENTIONS
                )
                return
            self.bot.tree.copy_global_to(guild=ctx.guild)
            synced = await self.bot.tree.sync(guild=ctx.guild)
            where = f"to this server ({ctx.guild.id})"
        else:
            synced = await self.bot.tree.sync()
            where = "globally (may take up to an hour to show everywhere)"
        log.info("%s synced %d commands %s", ctx.author.id, len(synced), where)
        await ctx.reply(
            f"Synced {len(synced)} commands {where}.", mention_author=False, allowed_mentions=NO_MENTIONS
        )

    async def cog_command_error(
        self, ctx: commands.Context[commands.Bot | commands.AutoShardedBot], error: Exception
    ) -> None:
        """Say plainly why a command did nothing; log real failures with their stack trace."""
        if isinstance(error, commands.NotOwner | commands.CheckFailure):
            text = OWNER_ONLY
        elif isinstance(error, commands.UserInputError):
            text = f"Usage: `@{self.bot.user} sync [global|here]`."
        else:
            log.error("Command %s failed", ctx.command, exc_info=error)
            text = APOLOGY
        try:
            await ctx.reply(text, mention_author=False, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.exception("Could not report the failure of %s", ctx.command)


async def setup(bot: NewsdeskBot) -> None:
    """Load the admin cog."""
    await bot.add_cog(AdminCog(bot))
