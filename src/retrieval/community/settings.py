"""A server's settings: ask channels, thread mode, default articles, cooldown, private answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# A member waits at most an hour between questions; more would be a typo, not a policy.
COOLDOWN_MAX_S = 3600


@dataclass(frozen=True)
class GuildSettings:
    """What one server chose; the defaults are the bot's behaviour before anyone changed anything."""

    guild_id: int
    ask_channels: frozenset[int] = frozenset()  # channels and threads where every message is a question
    thread_mode: bool = False  # answers go into a new thread named after the question
    cooldown_s: int = 0  # seconds one member waits between questions; 0: only the built-in flood limit
    private_answers: bool = False  # /ask answers only the asker sees, unless /ask says otherwise
    article_threads: int | None = None  # the channel where each added article gets a thread
    articles: Mapping[int, str] = field(default_factory=dict)  # channel or thread id -> default article

    def asks_in(self, channel_id: int, parent_id: int | None = None) -> bool:
        """Whether every message in this channel (or a thread of an ask channel) is a question."""
        return channel_id in self.ask_channels or (parent_id is not None and parent_id in self.ask_channels)

    def article_for(self, channel_id: int, parent_id: int | None = None) -> str | None:
        """The article questions here default to: the thread's own, else its channel's, else none."""
        found = self.articles.get(channel_id)
        if found is None and parent_id is not None:
            found = self.articles.get(parent_id)
        return found


def check_cooldown(seconds: int) -> int:
    """``seconds`` if it is a cooldown the settings accept, else ValueError."""
    if not 0 <= seconds <= COOLDOWN_MAX_S:
        raise ValueError(f"the cooldown must be between 0 and {COOLDOWN_MAX_S} seconds, got {seconds}")
    return seconds
