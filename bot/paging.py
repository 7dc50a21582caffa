"""A view with Previous/Next buttons that pages through a list of embeds."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord

log = logging.getLogger(__name__)

# Well inside the 15 minutes an interaction token lives, so the timeout can still edit the message.
PAGE_TIMEOUT_S = 300.0
NOT_YOURS = "Only the person who ran the command can turn these pages."
APOLOGY = "Sorry, something went wrong turning the page."


class Pager(discord.ui.View):
    """Pages through embeds; only the user who asked may turn them. The buttons go when it times out."""

    def __init__(
        self, pages: Sequence[discord.Embed], *, owner_id: int, timeout: float = PAGE_TIMEOUT_S
    ) -> None:
        super().__init__(timeout=timeout)
        if not pages:
            raise ValueError("a pager needs at least one page")
        self.pages = list(pages)
        self.owner_id = owner_id
        self.index = 0
        self.message: discord.Message | discord.WebhookMessage | None = None
        self._update_buttons()

    @property
    def current(self) -> discord.Embed:
        """The page on show."""
        return self.pages[self.index]

    def _update_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Let only the command's user page; tell anyone else why nothing happened."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(NOT_YOURS, ephemeral=True)
        return False

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._update_buttons()
        await interaction.response.edit_message(embed=self.current, view=self)

    @discord.ui.button(label="Previous", emoji="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        """Show the page before."""
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="Next", emoji="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        """Show the page after."""
        await self._show(interaction, self.index + 1)

    async def on_timeout(self) -> None:
        """Remove the buttons so nobody clicks a dead view."""
        if self.message is None:
            return
        try:
            await self.message.edit(view=None)
        except discord.HTTPException:
            log.warning("Could not remove the page buttons from message %s", self.message.id, exc_info=True)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        """Log with the stack trace and apologise to the user, ephemerally."""
        log.error("Paging failed on %r", item, exc_info=error)
        if interaction.response.is_done():
            await interaction.followup.send(APOLOGY, ephemeral=True)
        else:
            await interaction.response.send_message(APOLOGY, ephemeral=True)
