"""``python -m bot`` as a real process with the real model, against the Discord fake (slower: loads torch)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.discord_fake import DEFERRED_CHANNEL_MESSAGE, DiscordFake

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ROOT = Path(__file__).resolve().parents[1]


async def start_bot(fake: DiscordFake, tmp_path: Path, token: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "NEWSDESK_"))}
    env.update(
        DISCORD_TOKEN=token,
        DISCORD_API_BASE_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DISCORD_GUILD_ID=str(fake.guild_id),
        NEWSDESK_CACHE_DIR=str(tmp_path / "cache"),
        HF_HUB_OFFLINE="1",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_the_bot_process_loads_the_model_answers_and_stops_cleanly(tmp_path):
    async with DiscordFake() as fake:
        process = await start_bot(fake, tmp_path, fake.token)
        try:
            await fake.wait_until(lambda: fake.connected and fake.guild_commands, timeout=180)
            # The model and index were loaded before connecting, so the answer comes at once.
            interaction = await fake.command("ask", question="What did Putin say about military cooperation?")
            token = interaction["token"]
            sent = await fake.wait_until(lambda: fake.sent_for(token, "followup"), timeout=10)
            assert fake.sent_for(token, "callback")[0].payload["type"] == DEFERRED_CHANNEL_MESSAGE
            assert "Putin" in sent[0].text()
            assert sent[0].payload["allowed_mentions"] == {"parse": []}
            process.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0, stderr.decode()[-2000:]
    assert fake.token not in stderr.decode()


async def test_a_token_rejected_at_login_exits_2_with_one_clear_line(tmp_path):
    async with DiscordFake() as fake:
        process = await start_bot(fake, tmp_path, "MTIzNDU2.rejected.by-the-fake")
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=180)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert lines[-1] == "newsdesk-bot: Discord rejected DISCORD_TOKEN (401); check the bot token."
    assert "rejected.by-the-fake" not in stderr.decode()
