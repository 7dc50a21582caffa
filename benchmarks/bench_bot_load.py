"""Load benchmark: N simultaneous /ask, then N messages at once in an ask channel, through the local
Discord fake, with the real model by default.

    .venv/bin/python benchmarks/bench_bot_load.py [--count 50] [--fake-embedder] [--heartbeat-ms 100]
        [--only ask|channel]

Prints the time until every interaction was deferred, until every question was answered, and the
heartbeats the fake saw (and acknowledged) during each burst. A blocked event loop shows as a long
heartbeat gap. Settings and answers go to a temporary SQLite library, as the bot's would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from retrieval.config import RetrievalSettings  # noqa: E402
from retrieval.service import Newsdesk  # noqa: E402
from tests.bot_helpers import ask_burst, make_newsdesk, message_burst, running_bot  # noqa: E402
from tests.discord_fake import DiscordFake  # noqa: E402


def build(fake_embedder: bool) -> tuple[Newsdesk, float]:
    start = time.perf_counter()
    if fake_embedder:
        newsdesk = make_newsdesk(delay=0.05)
    else:
        newsdesk = Newsdesk.from_settings(RetrievalSettings(_env_file=None))  # bundled article, real model
        newsdesk.warm()
        newsdesk.speakers()
    return newsdesk, time.perf_counter() - start


async def bench(args: argparse.Namespace) -> dict[str, object]:
    newsdesk, warm_s = build(args.fake_embedder)
    numbers: dict[str, object] = {
        "embedder": "fake" if args.fake_embedder else "real",
        "warm_s": round(warm_s, 3),
    }
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{Path(tmp) / 'library.sqlite3'}"
        fake = DiscordFake(heartbeat_interval_ms=args.heartbeat_ms, message_content=True)
        async with fake, running_bot(fake, newsdesk, database_url=database) as bot:
            await fake.wait_until(lambda: fake.heartbeat_acks, timeout=10)
            if args.only in (None, "ask"):
                ask = await ask_burst(fake, args.count, timeout=120)
                print(ask.report())
                numbers["ask"] = asdict(ask)
            if args.only in (None, "channel"):
                # Through the bot's own store, as /newsdesk settings ask-channel does (its cache sees it).
                bot.community.update_channel(fake.guild_id, fake.ask_channel_id, ask=True)
                channel = await message_burst(fake, fake.ask_channel_id, args.count, timeout=120)
                print(channel.report())
                numbers["ask_channel"] = asdict(channel)
    return numbers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--heartbeat-ms", type=int, default=100)
    parser.add_argument(
        "--fake-embedder", action="store_true", help="a 50 ms fake model instead of the real one"
    )
    parser.add_argument("--only", choices=["ask", "channel"], help="one burst: /ask or the ask channel")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    numbers = asyncio.run(bench(args))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(numbers, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
