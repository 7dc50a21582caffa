"""End to end: the real discord.py client against the local Discord fake (tests/discord_fake.py)."""

from __future__ import annotations

import pytest

from tests.bot_helpers import make_newsdesk, running_bot
from tests.discord_fake import DEFERRED_CHANNEL_MESSAGE, DiscordFake

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def newsdesk():
    return make_newsdesk()


@pytest.fixture
async def fake():
    async with DiscordFake() as server:
        yield server


async def test_ask_defers_then_follows_up_with_passages(fake, newsdesk):
    async with running_bot(fake, newsdesk):
        interaction = await fake.command("ask", question="when will they start building?")
        token = interaction["token"]
        followups = await fake.wait_until(lambda: fake.sent_for(token, "followup"))
        callback = fake.sent_for(token, "callback")[0]
        assert callback.payload["type"] == DEFERRED_CHANNEL_MESSAGE
        assert followups[0].payload["allowed_mentions"] == {"parse": []}
        assert "start building in May" in followups[0].text()
