"""``/article add | list | remove | info``: the live article library, per server."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot import formatting
from bot.cogs.article import APOLOGY, NO_MENTIONS, send_private, user_message
from retrieval.errors import ArticleError, NewsdeskError
from retrieval.library.sources import HTML_SUFFIXES, TEXT_SUFFIXES, read_bytes, read_source
from retrieval.limits import ARTICLE_MAX_BYTES, PAGE_MAX_BYTES

if TYPE_CHECKING:
    from bot.client import NewsdeskBot
    from retrieval.library.live import Entry, LiveLibrary

log = logging.getLogger(__name__)

LIST_SHOWN = 25
NOT_ALLOWED = "You need the Manage Server permission to change this server's articles."


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class LibraryCog(commands.GroupCog, group_name="article"):
    """Add, list and remove this server's articles."""

    def __init__(self, library: LiveLibrary, *, refresh_s: float = 0.0) -> None:
        self.library = library
        self.refresh_s = refresh_s
        super().__init__()

    async def cog_load(self) -> None:
        """Look for articles another process added (``newsdesk add``, another shard) every ``refresh_s``."""
        if self.refresh_s > 0:
            self.refresher.change_interval(seconds=self.refresh_s)
            self.refresher.start()

    async def cog_unload(self) -> None:
        """Stop looking (the bot is closing)."""
        self.refresher.cancel()

    @tasks.loop(seconds=10)
    async def refresher(self) -> None:
        """One cheap query; a rebuild, in a worker thread, only when the library changed."""
        try:
            if await asyncio.to_thread(self.library.refresh):
                log.info("library: picked up articles added outside the bot")
        except NewsdeskError as error:  # the database is unreachable for a moment: try again next time
            log.warning("library: cannot refresh: %s", error)
        except Exception:
            log.exception("library: refresh failed")

    async def _article_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Articles of this server by title; the value is the id."""
        wanted = " ".join(current.split()).casefold()
        entries = [
            e
            for e in self.library.entries(interaction.guild_id)
            if wanted in (e.title or e.id).casefold() or wanted in e.id.casefold()
        ]
        return [app_commands.Choice(name=(e.title or e.id)[:100], value=e.id) for e in entries[:25]]

    @app_commands.command(name="add")
    @app_commands.describe(url="A link to the article's web page", file="A .txt or .html file of the article")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def add(
        self,
        interaction: discord.Interaction,
        url: str | None = None,
        file: discord.Attachment | None = None,
    ) -> None:
        """Add an article to this server from a link or a file; it can be asked about at once."""
        if (url is None) == (file is None):
            raise ArticleError("give either a url or a file")
        if file is not None:
            suffix = Path(file.filename).suffix.lower()
            if suffix not in HTML_SUFFIXES | TEXT_SUFFIXES:
                raise ArticleError(f"{file.filename}: not a .txt or .html file")
            # Checked before downloading: a page may be bigger than the article it carries, a text file not.
            cap = PAGE_MAX_BYTES if suffix in HTML_SUFFIXES else ARTICLE_MAX_BYTES
            if file.size > cap:
                raise ArticleError(f"{file.filename}: larger than {cap / 1e6:g} MB")
        await interaction.response.defer(ephemeral=True, thinking=True)
        allow_private = self.library.settings.allow_private_urls
        if file is not None:
            data = await file.read()
            extracted = await asyncio.to_thread(read_bytes, data, file.filename)
        else:
            assert url is not None
            extracted = await asyncio.to_thread(read_source, url.strip(), allow_private=allow_private)
        result = await asyncio.to_thread(
            self.library.add, extracted, guild_id=interaction.guild_id, added_by=str(interaction.user.id)
        )
        row = result.article
        if result.created:  # e.g. the community cog opens the article's thread (bot/cogs/community.py)
            interaction.client.dispatch("article_added", interaction.guild, row)
        title = formatting.plain(formatting.clean(row.title or "(untitled)"))
        if result.created:
            text = f"Added **{title}** (`{row.id}`). Ask about it now with /ask."
        else:
            text = f"Already here as **{title}** (`{row.id}`); nothing added."
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="list")
    async def list_(self, interaction: discord.Interaction) -> None:
        """List the articles this server can ask about."""
        entries = self.library.entries(interaction.guild_id)
        await interaction.response.send_message(
            embed=list_embed(entries), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="remove")
    @app_commands.describe(article="The article to remove")
    @app_commands.autocomplete(article=_article_autocomplete)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def remove(self, interaction: discord.Interaction, article: str) -> None:
        """Remove one of this server's articles."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        removed = await asyncio.to_thread(self.library.remove, article, guild_id=interaction.guild_id)
        title = formatting.plain(formatting.clean(removed.title or removed.id))
        await interaction.followup.send(f"Removed **{title}**.", ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="info")
    @app_commands.describe(article="The article")
    @app_commands.autocomplete(article=_article_autocomplete)
    async def info(self, interaction: discord.Interaction, article: str) -> None:
        """Show where an article came from, who added it and when."""
        found = [e for e in self.library.entries(interaction.guild_id) if e.id == article]
        if not found:
            raise ArticleError(f"no article {article!r} on this server")
        await interaction.response.send_message(
            embed=info_embed(found[0]), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    async def cog_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Missing permissions and bad input get one polite ephemeral line; anything else is logged."""
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(error, app_commands.MissingPermissions | app_commands.NoPrivateMessage):
            text = NOT_ALLOWED
        elif isinstance(original, NewsdeskError):
            log.info("/article: %s: %s", type(original).__name__, original)
            text = user_message(original)
        else:
            log.error("/article failed", exc_info=original)
            text = APOLOGY
        try:
            await send_private(interaction, text)
        except discord.HTTPException:
            log.exception("Could not report an /article failure")


def list_embed(entries: list[Entry]) -> discord.Embed:
    """The articles, newest last, at most LIST_SHOWN of them."""
    embed = discord.Embed(title="Articles")
    if not entries:
        embed.description = "No articles yet. Add one with /article add."
        return embed
    lines = []
    for e in entries[-LIST_SHOWN:]:
        where = {"file": "file", "global": "everyone"}.get(e.scope, "this server")
        when = e.published or "undated"
        lines.append(
            f"• **{formatting.plain(formatting.clean(e.title or e.id))}** · {when} · {where} · `{e.id}`"
        )
    embed.description = "\n".join(lines)[:4000]
    if len(entries) > LIST_SHOWN:
        embed.set_footer(text=f"The newest {LIST_SHOWN} of {len(entries)} articles")
    return embed


def info_embed(entry: Entry) -> discord.Embed:
    """Title, source, link, scope, who added it and when."""
    embed = discord.Embed(title=formatting.plain(formatting.clean(entry.title or entry.id))[:256])
    fields = {
        "Id": f"`{entry.id}`",
        "Source": entry.source,
        "Published": entry.published,
        "Link": entry.url,
        "Visible to": {"file": "everyone (article file)", "global": "everyone"}.get(
            entry.scope, "this server"
        ),
        "Added by": f"<@{entry.added_by}>" if entry.added_by and entry.added_by.isdigit() else entry.added_by,
        "Added": entry.added_at[:19].replace("T", " ") + " UTC" if entry.added_at else None,
    }
    for name, value in fields.items():
        if value:
            embed.add_field(name=name, value=str(value)[:1024], inline=name in {"Source", "Published"})
    return embed


async def setup(bot: NewsdeskBot) -> None:
    """Load the library cog when the bot has a library."""
    if bot.library is not None:
        await bot.add_cog(LibraryCog(bot.library, refresh_s=getattr(bot.settings, "library_refresh_s", 0.0)))
