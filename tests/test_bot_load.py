"""Load: 50 simultaneous /ask via the fake; all deferred within 3 s, all answered, heartbeats keep flowing."""

from __future__ import annotations

import pytest

from tests.bot_helpers import ask_burst, make_newsdesk, running_bot
from tests.discord_fake import DiscordFake

pytestmark = pytest.mark.e2e

# Each encode sleeps this long in its worker thread, standing in for the real model's CPU time.
MODEL_DELAY_S = 0.05
HEARTBEAT_MS = 100


async def test_fifty_simultaneous_asks_are_deferred_fast_and_the_loop_stays_responsive(capsys):
    newsdesk = make_newsdesk(delay=MODEL_DELAY_S)
    async with DiscordFake(heartbeat_interval_ms=HEARTBEAT_MS) as fake, running_bot(fake, newsdesk):
        await fake.wait_until(lambda: len(fake.heartbeat_acks) >= 1)  # the heartbeat loop is running
        result = await ask_burst(fake, 50)
        assert not fake.unknown
    with capsys.disabled():
        print("\n" + result.report())
    assert result.answered == 50
    assert result.all_deferred_s < 3.0
    assert result.acks_during >= 1
    # With a 0.1 s interval, a blocked loop would show as a long silence between heartbeats.
    assert result.max_heartbeat_gap_s < 1.0


async def test_the_heartbeat_measure_does_catch_a_blocked_loop(monkeypatch):
    """Control: run the facade on the event loop instead of a thread, and the heartbeat gap shows it."""

    async def inline(func, /, *args, **kwargs):
        return func(*args, **kwargs)  # blocks the loop, as calling the facade directly would

    monkeypatch.setattr("bot.cogs.article.asyncio.to_thread", inline)
    newsdesk = make_newsdesk(delay=MODEL_DELAY_S)
    async with DiscordFake(heartbeat_interval_ms=HEARTBEAT_MS) as fake, running_bot(fake, newsdesk):
        await fake.wait_until(lambda: len(fake.heartbeat_acks) >= 1)
        result = await ask_burst(fake, 20)
    assert result.max_heartbeat_gap_s > 0.5  # 20 x 50 ms spent on the loop
