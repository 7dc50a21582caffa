"""Shared pieces for the bot tests: a small article, the facade over it, spec'd mocks, a running bot."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from unittest.mock import AsyncMock, MagicMock

import discord

from bot.client import NewsdeskBot
from bot.settings import BotSettings
from retrieval.article import parse_article
from retrieval.config import RetrievalSettings
from retrieval.service import Newsdesk
from tests.discord_fake import DiscordFake
from tests.fakes import FakeEmbedder

ARTICLE = """\
---
title: Harbour bridge budget approved
published: 2024-03-04
source: The Fake Gazette
---

The city council approved the harbour bridge budget on Monday after a long debate about costs.

“We will start building in May,” said Tom Becker, the project engineer, adding that the work takes two years.

Residents wrote to @everyone and to <@123456789012345678> and <@&223456789012345678> about *noise* and _dust_.

Mayor Ana Silva said the bridge would open in 2026 and called it “a bridge for the whole city”.
"""


def make_newsdesk(*, delay: float = 0.0, articles: dict[str, str] | None = None) -> Newsdesk:
    """The real facade over small test articles, with the fake embedder and no cache, warmed."""
    texts = articles or {"harbour": ARTICLE}
    parsed = [parse_article(text.encode(), article_id=name) for name, text in texts.items()]
    settings = RetrievalSettings(_env_file=None, use_cache=False, top_k=3)
    newsdesk = Newsdesk(parsed, settings=settings, embedder=FakeEmbedder(delay))
    newsdesk.warm()  # model, index and quotes, as bot.__main__.run does before connecting
    return newsdesk


def mock_interaction(user_id: int = 42) -> MagicMock:
    """A spec'd Interaction whose response and followup record awaited calls (misuse raises)."""
    interaction = MagicMock(spec=discord.Interaction)
    interaction.response = MagicMock(spec=discord.InteractionResponse)
    interaction.response.is_done.return_value = False
    interaction.followup = MagicMock(spec=discord.Webhook)
    interaction.followup.send = AsyncMock(return_value=MagicMock(spec=discord.WebhookMessage))
    interaction.user = MagicMock(spec=discord.Member)
    interaction.user.id = user_id
    interaction.namespace = discord.app_commands.Namespace.__new__(discord.app_commands.Namespace)
    interaction.command = None
    return interaction


def bot_settings(fake: DiscordFake, **overrides: object) -> BotSettings:
    values: dict[str, object] = {
        "discord_token": fake.token,
        "discord_api_base_url": fake.api_url,
        "discord_gateway_url": fake.gateway_url,
        "discord_guild_id": fake.guild_id,
        "use_cache": False,
    }
    values.update(overrides)
    return BotSettings(_env_file=None, **values)  # type: ignore[arg-type]


@asynccontextmanager
async def running_bot(
    fake: DiscordFake,
    newsdesk: Newsdesk,
    *,
    token: str | None = None,
    bot_class: type[NewsdeskBot] = NewsdeskBot,
    library: object = None,
    **overrides: object,
) -> AsyncIterator[NewsdeskBot]:
    """Start the real bot against the fake; yield once it is ready; always close it and restore globals."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    bot = bot_class(
        bot_settings(fake, **overrides),
        newsdesk,
        guild_ready_timeout=0.05,
        library=library,  # type: ignore[arg-type]
    )
    task = asyncio.create_task(bot.start(token or fake.token))
    try:
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({ready, task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if task in done:
            ready.cancel()
            task.result()  # raises what start() raised
            raise AssertionError("the bot stopped before it was ready")
        if ready not in done:
            ready.cancel()
            raise AssertionError("the bot was not ready within 10 s")
        yield bot
    finally:
        await bot.close()
        with suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, timeout=5)
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@dataclass(frozen=True)
class LoadResult:
    """What a burst of simultaneous /ask interactions measured (seconds from the first injection)."""

    count: int
    all_deferred_s: float
    all_answered_s: float
    heartbeats_during: int
    acks_during: int
    max_heartbeat_gap_s: float
    answered: int

    def report(self) -> str:
        return (
            f"{self.count} /ask at once: all deferred in {self.all_deferred_s:.3f} s, "
            f"all answered in {self.all_answered_s:.3f} s ({self.answered}/{self.count}); "
            f"heartbeats during load {self.heartbeats_during}, ACKs {self.acks_during}, "
            f"longest heartbeat gap {self.max_heartbeat_gap_s:.3f} s"
        )


async def ask_burst(fake: DiscordFake, count: int = 50, timeout: float = 30.0) -> LoadResult:
    """Inject ``count`` /ask interactions from as many users at once; wait for every deferral and answer."""
    start = time.perf_counter()
    interactions = await asyncio.gather(
        *(
            fake.command("ask", question=f"when will they start building? ({i})", user_id=2_000_000 + i)
            for i in range(count)
        )
    )
    tokens = [i["token"] for i in interactions]

    def first(kind: str) -> list[float] | None:
        times = [fake.sent_for(t, kind) for t in tokens]
        return [s[0].at for s in times] if all(times) else None

    deferred = await fake.wait_until(lambda: first("callback"), timeout=timeout)
    answered = await fake.wait_until(lambda: first("followup"), timeout=timeout)
    end = max(answered)
    beats = [t for t in fake.heartbeats if start <= t <= end]
    acks = [t for t in fake.heartbeat_acks if start <= t <= end]
    # Gaps between consecutive heartbeats, counting the edges of the load window.
    marks = [start, *beats, end]
    gap = max(b - a for a, b in itertools.pairwise(marks))
    types = {fake.sent_for(t, "callback")[0].payload["type"] for t in tokens}
    assert types == {5}, f"not all deferred: callback types {types}"
    return LoadResult(
        count,
        max(deferred) - start,
        end - start,
        len(beats),
        len(acks),
        gap,
        sum(1 for t in tokens if fake.sent_for(t, "followup")),
    )


@dataclass(frozen=True)
class MessageLoadResult:
    """What a burst of simultaneous messages in an ask channel measured (seconds from the first one)."""

    count: int
    all_answered_s: float
    median_answer_s: float
    heartbeats_during: int
    acks_during: int
    max_heartbeat_gap_s: float
    answered: int

    def report(self) -> str:
        return (
            f"{self.count} messages at once in an ask channel: all answered in {self.all_answered_s:.3f} s "
            f"({self.answered}/{self.count}, median {self.median_answer_s:.3f} s); heartbeats during load "
            f"{self.heartbeats_during}, ACKs {self.acks_during}, "
            f"longest heartbeat gap {self.max_heartbeat_gap_s:.3f} s"
        )


async def message_burst(
    fake: DiscordFake, channel_id: int, count: int = 50, timeout: float = 30.0
) -> MessageLoadResult:
    """Inject ``count`` messages from as many users into an ask channel at once; wait for every reply."""
    start = time.perf_counter()
    messages = await asyncio.gather(
        *(
            fake.message(
                f"when will they start building? ({i})",
                mention_bot=False,
                channel_id=channel_id,
                user_id=3_000_000 + i,
            )
            for i in range(count)
        )
    )
    ids = [int(m["id"]) for m in messages]

    def replies() -> list[float] | None:
        found = [fake.replies_to(i) for i in ids]
        return [r[0].at for r in found] if all(found) else None

    answered = await fake.wait_until(replies, timeout=timeout)
    end = max(answered)
    beats = [t for t in fake.heartbeats if start <= t <= end]
    acks = [t for t in fake.heartbeat_acks if start <= t <= end]
    gap = max(b - a for a, b in itertools.pairwise([start, *beats, end]))
    latencies = sorted(t - start for t in answered)
    return MessageLoadResult(
        count,
        end - start,
        latencies[len(latencies) // 2],
        len(beats),
        len(acks),
        gap,
        sum(1 for i in ids if fake.replies_to(i)),
    )
