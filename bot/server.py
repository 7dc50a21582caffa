"""A server's settings as the bot reads them: from memory when fresh, else from the database in a thread."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord

if TYPE_CHECKING:
    from retrieval.community.settings import GuildSettings
    from retrieval.community.store import CommunityStore
    from retrieval.service import Newsdesk


async def settings_for(store: CommunityStore | None, guild_id: int | None) -> GuildSettings | None:
    """The server's settings (None in a DM, or when the bot runs without a community store)."""
    if store is None or guild_id is None:
        return None
    return store.cached(guild_id) or await asyncio.to_thread(store.guild, guild_id)


def where(channel: object) -> tuple[int | None, int | None]:
    """(channel id, parent channel id) of a channel or thread; the parent is None outside threads."""
    if isinstance(channel, discord.Thread):
        return channel.id, channel.parent_id
    return getattr(channel, "id", None), None


def default_article(settings: GuildSettings | None, channel: object, desk: Newsdesk) -> str | None:
    """The article questions in this channel or thread default to, if it is still loaded."""
    if settings is None:
        return None
    channel_id, parent_id = where(channel)
    if channel_id is None:
        return None
    article = settings.article_for(channel_id, parent_id)
    return article if article is not None and article in desk.article_ids else None
