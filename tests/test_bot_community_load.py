"""Load: 50 messages at once in an ask channel, all answered, heartbeats acknowledged throughout."""

from __future__ import annotations

import pytest

from retrieval.community.store import CommunityStore
from tests.bot_helpers import make_newsdesk, message_burst, running_bot
from tests.discord_fake import DiscordFake

pytestmark = pytest.mark.e2e

MODEL_DELAY_S = 0.05  # each encode sleeps this long in its worker thread, like the real model's CPU time
HEARTBEAT_MS = 100


async def test_fifty_messages_at_once_in_an_ask_channel_are_all_answered_and_heartbeats_flow(
    tmp_path, capsys
):
    database = f"sqlite:///{tmp_path / 'library.sqlite3'}"
    newsdesk = make_newsdesk(delay=MODEL_DELAY_S)
    async with DiscordFake(heartbeat_interval_ms=HEARTBEAT_MS, message_content=True) as fake:
        CommunityStore.open(database).update_channel(fake.guild_id, fake.ask_channel_id, ask=True)
        async with running_bot(fake, newsdesk, database_url=database):
            await fake.wait_until(lambda: len(fake.heartbeat_acks) >= 1)
            result = await message_burst(fake, fake.ask_channel_id, 50)
            assert not fake.unknown
    with capsys.disabled():
        print("\n" + result.report())
    assert result.answered == 50
    assert result.acks_during >= 1 and result.acks_during == result.heartbeats_during
    assert result.max_heartbeat_gap_s < 1.0  # a blocked loop would show as a long silence
    # Every answer was put on record, for its vote buttons and the stats.
    assert CommunityStore.open(database).stats(fake.guild_id).total.questions == 50
