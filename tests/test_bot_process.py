"""``python -m bot`` as a real process with the real model, against the Discord fake (slower: loads torch)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.discord_fake import DEFERRED_CHANNEL_MESSAGE, DiscordFake

pytestmark = [pytest.mark.e2e, pytest.mark.model]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One cache for the bots that may start warm: the first one builds the index and the export."""
    return tmp_path_factory.mktemp("bot-cache")


def process_env(tmp_path: Path, cache: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "NEWSDESK_"))}
    env.update(
        NEWSDESK_CACHE_DIR=str(cache or tmp_path / "cache"),
        NEWSDESK_DATABASE_URL=f"sqlite:///{tmp_path / 'library.sqlite3'}",
        HF_HUB_OFFLINE="1",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        **extra,
    )
    return env


async def start_bot(
    fake: DiscordFake, tmp_path: Path, token: str, cache: Path | None = None, **extra: str
) -> asyncio.subprocess.Process:
    env = process_env(
        tmp_path,
        cache,
        DISCORD_TOKEN=token,
        DISCORD_API_BASE_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DISCORD_GUILD_ID=str(fake.guild_id),
        **extra,
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_the_bot_process_loads_the_model_answers_and_stops_cleanly(tmp_path, cache):
    async with DiscordFake() as fake:
        process = await start_bot(fake, tmp_path, fake.token, cache)
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


async def test_a_token_rejected_at_login_exits_2_with_one_clear_line(tmp_path, cache):
    async with DiscordFake() as fake:
        process = await start_bot(fake, tmp_path, "MTIzNDU2.rejected.by-the-fake", cache)
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


FERRY = """---
title: Ferry service returns to Port Alder
published: 2024-05-02
---
The ferry to Gull Island runs again from Monday after storm repairs, the harbour office said.

The first ferry leaves Port Alder at 7:15 every weekday morning.
"""


async def test_sigterm_closes_the_gateway_and_the_library_and_exits_0(tmp_path, cache):
    """docker stop, systemctl stop: JSON logs at INFO, an article the CLI adds is picked up, then SIGTERM."""
    health_file = tmp_path / "health"
    async with DiscordFake() as fake:
        process = await start_bot(
            fake,
            tmp_path,
            fake.token,
            cache,
            NEWSDESK_LOG_FORMAT="json",
            NEWSDESK_LOG_LEVEL="INFO",
            NEWSDESK_HEALTH_FILE=str(health_file),
            NEWSDESK_LIBRARY_REFRESH_S="0.5",
        )
        try:
            await fake.wait_until(lambda: fake.connected and fake.guild_commands, timeout=180)
            # The library changes from outside the bot: the CLI adds an article to the same database.
            (tmp_path / "ferry.txt").write_text(FERRY, encoding="utf-8")
            cli = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "retrieval", "add", str(tmp_path / "ferry.txt"),
                env=process_env(tmp_path, cache),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, err = await asyncio.wait_for(cli.communicate(), timeout=120)
            assert cli.returncode == 0, err.decode()
            assert out.decode().startswith("added ferry-service-returns-to-port-alder-")

            async def ferry_answer(attempt: int) -> str:
                interaction = await fake.command(
                    "ask",
                    question="When does the first ferry leave Port Alder?",
                    user_id=2_000_000 + attempt,  # a new asker each time: /ask has a per-user cooldown
                )
                sent = await fake.wait_until(
                    lambda: fake.sent_for(interaction["token"], "followup"), timeout=30
                )
                return sent[0].text()

            async with asyncio.timeout(60):  # picked up without a restart (the bot looks every 0.5 s)
                attempt = 0
                while "7:15" not in await ferry_answer(attempt):
                    attempt += 1
                    await asyncio.sleep(0.5)
            async with asyncio.timeout(30):  # the bot writes it within a second of being ready
                while not health_file.exists():
                    await asyncio.sleep(0.2)
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        # The bot closed the gateway with a close frame, not a dropped connection (1006, or None). discord.py
        # sends 1000, or 4000 when its reader is waiting, as it always is (which keeps the session resumable).
        assert len(fake.close_codes) == 1 and fake.close_codes[0] in (1000, 4000)
    log = stderr.decode()
    assert process.returncode == 0, log[-3000:]
    assert fake.token not in log
    lines = [json.loads(line) for line in log.splitlines()]  # every line is one JSON object
    messages = [entry["message"] for entry in lines]
    assert "SIGTERM: closing the gateway connection" in messages
    assert any(m.startswith("library: changed by another process") for m in messages)
    assert messages[-1] == "Stopped: the gateway and the library are closed"
    assert {entry["level"] for entry in lines} <= {"INFO", "WARNING"}
    assert not health_file.exists()  # a stopped bot is unhealthy at once
    with sqlite3.connect(tmp_path / "library.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    assert (
        not (tmp_path / "library.sqlite3-wal").exists()
        or not (tmp_path / "library.sqlite3-wal").stat().st_size
    )


async def test_sigterm_while_loading_the_model_stops_cleanly_with_0(tmp_path):
    async with DiscordFake() as fake:
        process = await start_bot(fake, tmp_path, fake.token, NEWSDESK_LOG_LEVEL="INFO")
        assert process.stderr is not None
        seen = []
        try:
            async with asyncio.timeout(120):  # a fresh cache: the start embeds the bundled article first
                while not any("embedding" in line for line in seen):
                    line = (await process.stderr.readline()).decode()
                    assert line, "the bot ended before loading anything:\n" + "".join(seen)
                    seen.append(line)
            process.send_signal(signal.SIGTERM)
            _, rest = await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        assert not fake.connected
    log = "".join(seen) + rest.decode()
    assert process.returncode == 0, log[-3000:]
    assert log.strip().splitlines()[-1].endswith("Stopped while starting")
    assert "Traceback" not in log
