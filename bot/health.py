"""A liveness file for container health checks: ``python -m bot.health`` exits 0 while the bot is connected.

The bot rewrites the file (NEWSDESK_HEALTH_FILE) every BEAT_S seconds while its gateway connection is up
and removes it when it stops. The check needs no network and no Discord library: it reads the file's age.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import discord

log = logging.getLogger(__name__)

BEAT_S = 15.0
# Stale after this long: a few missed beats (a reconnect takes seconds; a hung loop never beats again).
STALE_S = 90.0
ENV = "NEWSDESK_HEALTH_FILE"


async def beat(bot: discord.Client, path: Path, interval: float = BEAT_S) -> None:
    """Until cancelled: write the time to ``path`` every ``interval`` seconds while the gateway is up
    (the first time within a second of the bot being ready)."""
    last = float("-inf")
    try:
        while True:
            connected = bot.is_ready() and not bot.is_closed() and bot.ws is not None and bot.ws.open
            if connected and time.monotonic() - last >= interval:
                _write(path, f"{time.time():.0f}\n")
                last = time.monotonic()
            await asyncio.sleep(min(1.0, interval))
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="ascii")
        tmp.replace(path)  # the check never reads half a file
    except OSError as exc:
        log.warning("cannot write the health file %s: %s", path, exc.strerror)


def check(path: Path, *, stale_s: float = STALE_S, now: float | None = None) -> tuple[bool, str]:
    """Whether the bot beat within ``stale_s`` seconds, and a line saying so."""
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False, f"unhealthy: {path} is missing (not connected, or not running)"
    except OSError as exc:
        return False, f"unhealthy: cannot read {path}: {exc.strerror}"
    if age > stale_s:
        return False, f"unhealthy: last heartbeat {age:.0f} s ago (more than {stale_s:.0f} s)"
    return True, f"healthy: last heartbeat {max(age, 0):.0f} s ago"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.health [FILE]``: 0 if the bot beat recently, 1 otherwise (Docker's HEALTHCHECK)."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = args[0] if args else os.environ.get(ENV, "")
    if not target:
        print(f"unhealthy: no health file (set {ENV})", file=sys.stderr)
        return 1
    ok, line = check(Path(target))
    print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
