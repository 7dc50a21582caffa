"""👍/👎 under an answer: buttons that still work after a restart (the answer id is in the custom id)."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

import discord

from retrieval.community.store import UnknownAnswerError

if TYPE_CHECKING:
    from retrieval.community.store import CommunityStore

log = logging.getLogger(__name__)

THANKS = {1: "Thanks! Noted as helpful 👍", -1: "Thanks! Noted as not helpful 👎"}
CHANGED = "Changed your vote to {emoji}. Thanks!"
GONE = "That answer is no longer on record, so the vote was not kept."
APOLOGY = "Sorry, the vote could not be saved. It has been logged."


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"newsdesk:vote:(?P<answer>[0-9a-f]{16}):(?P<vote>up|down)",
):
    """One of the two vote buttons of an answer; any bot process with the database can take the click."""

    def __init__(self, answer_id: str, up: bool) -> None:
        super().__init__(
            discord.ui.Button(
                style=discord.ButtonStyle.secondary,
                emoji="👍" if up else "👎",
                custom_id=f"newsdesk:vote:{answer_id}:{'up' if up else 'down'}",
            )
        )
        self.answer_id = answer_id
        self.up = up

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        """Rebuild the button from a click's custom id."""
        return cls(match["answer"], match["vote"] == "up")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Store the vote under a salted hash of the voter's id; thank them privately."""
        store: CommunityStore | None = getattr(interaction.client, "community", None)
        vote = 1 if self.up else -1
        try:
            if store is None:
                raise RuntimeError("the bot has no community store")
            result = await asyncio.to_thread(store.vote, self.answer_id, interaction.user.id, vote)
        except UnknownAnswerError:
            text = GONE
        except Exception:
            log.exception("Storing a vote on answer %s failed", self.answer_id)
            text = APOLOGY
        else:
            changed = result.previous is not None and result.previous != vote
            text = CHANGED.format(emoji="👍" if self.up else "👎") if changed else THANKS[vote]
            log.info("vote %+d on answer %s", vote, self.answer_id)
        await interaction.response.send_message(text, ephemeral=True)


def feedback_view(answer_id: str) -> discord.ui.View:
    """The two buttons for an answer. Nothing is kept per message: clicks are routed by custom id."""
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(answer_id, up=True))
    view.add_item(VoteButton(answer_id, up=False))
    return view
