"""Load benchmark: N simultaneous /ask through the local Discord fake, with the real model by default.

    .venv/bin/python benchmarks/bench_bot_load.py [--count 50] [--fake-embedder] [--heartbeat-ms 100]

Prints the time until every interaction was deferred, until every one was answered, and the heartbeats
the fake saw (and acknowledged) during the burst. A blocked event loop shows as a long heartbeat gap.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from retrieval.config import RetrievalSettings  # noqa: E402
from retrieval.service import Newsdesk  # noqa: E402
from tests.bot_helpers import ask_burst, make_newsdesk, running_bot  # noqa: E402
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
    async with DiscordFake(heartbeat_interval_ms=args.heartbeat_ms) as fake, running_bot(fake, newsdesk):
        await fake.wait_until(lambda: fake.heartbeat_acks, timeout=10)
        result = await ask_burst(fake, args.count, timeout=120)
    print(result.report())
    return {"embedder": "fake" if args.fake_embedder else "real", "warm_s": round(warm_s, 3), **vars(result)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--heartbeat-ms", type=int, default=100)
    parser.add_argument(
        "--fake-embedder", action="store_true", help="a 50 ms fake model instead of the real one"
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    numbers = asyncio.run(bench(args))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(numbers, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
