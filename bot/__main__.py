"""Entry point: ``python -m bot`` / ``newsdesk-bot``. Settings, logging, facade, then the bot."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import discord
from pydantic import ValidationError

from bot import health
from bot.settings import BotSettings

if TYPE_CHECKING:
    from retrieval.library.live import LiveLibrary
    from retrieval.service import Newsdesk

# Named, not __name__: under `python -m bot` that would be "__main__".
log = logging.getLogger("bot")

EXIT_CONFIG = 2  # missing/malformed settings, rejected token, unusable articles
EXIT_UNREACHABLE = 1  # Discord (or the configured API base URL) could not be reached


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsdesk-bot", description="Run the newsdesk Discord bot.")
    parser.add_argument(
        "--sync",
        action="store_true",
        help="sync the slash commands globally at startup (after changing them)",
    )
    return parser


def settings_error_line(error: ValidationError) -> str:
    """One line naming the bad settings, without their values (a malformed token is still a secret)."""
    problems = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]) or "settings"
        if name.casefold() == "discord_token":
            problem = "missing" if item["type"] == "missing" else "malformed"
            problems.append(f"DISCORD_TOKEN is {problem} (set it in the environment or .env)")
        else:
            problems.append(f"{name}: {item['msg']}")
    return "newsdesk-bot: " + "; ".join(problems)


def _stop_on_signals(bot: discord.Client) -> None:
    """SIGTERM (docker stop, systemctl stop) and SIGINT (Ctrl-C) close the gateway; ``serve`` returns 0."""
    loop = asyncio.get_running_loop()
    closing: set[asyncio.Task[None]] = set()  # a reference, so the task is not collected half-way

    def stop(name: str) -> None:
        if not bot.is_closed() and not closing:
            log.info("%s: closing the gateway connection", name)
            task = loop.create_task(bot.close())
            closing.add(task)

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signal handlers on Windows
            loop.add_signal_handler(sig, stop, sig.name)


async def serve(bot: discord.Client, token: str, *, health_file: Path | None = None) -> int:
    """Log in and run until closed (or a signal); a rejected token gives one line and EXIT_CONFIG."""
    _stop_on_signals(bot)
    beating = asyncio.create_task(health.beat(bot, health_file)) if health_file else None
    async with bot:
        try:
            await bot.start(token)
        except discord.LoginFailure:
            print("newsdesk-bot: Discord rejected DISCORD_TOKEN (401); check the bot token.", file=sys.stderr)
            return EXIT_CONFIG
        except discord.PrivilegedIntentsRequired as error:
            print(f"newsdesk-bot: {error}", file=sys.stderr)
            return EXIT_CONFIG
        except aiohttp.ClientConnectionError as error:
            print(
                f"newsdesk-bot: cannot reach Discord at {discord.http.Route.BASE}: {error}", file=sys.stderr
            )
            return EXIT_UNREACHABLE
        finally:
            if beating is not None:
                beating.cancel()
    return 0


def run(
    settings: BotSettings,
    newsdesk: Newsdesk,
    *,
    sync_global: bool = False,
    library: LiveLibrary | None = None,
) -> int:
    """Load the model and index, then connect. Returns the exit code."""
    from bot.client import NewsdeskBot

    log.info("Loading the embedding model and the index for %d article(s)", len(newsdesk.article_ids))
    # Once, before connecting: model, index and quotes (ask lists speakers), so no first user waits.
    newsdesk.warm()
    bot = NewsdeskBot(settings, newsdesk, sync_global=sync_global, library=library)
    try:
        code = asyncio.run(
            serve(bot, settings.discord_token.get_secret_value(), health_file=settings.health_file)
        )
    except KeyboardInterrupt:
        code = 0
    finally:
        if library is not None:
            library.close()  # waits for an add in progress: the database is left whole
    if code == 0:  # otherwise the last line is the one that says what went wrong
        log.info("Stopped: the gateway and the library are closed")
    return code


def _terminate(_signum: int, _frame: object) -> None:
    # Until the event loop takes over, SIGTERM stops the start-up (loading the model) as Ctrl-C does.
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Build the settings and the facade, then run the bot."""
    args = _parser().parse_args(argv)
    from retrieval.config import read_settings
    from retrieval.errors import NewsdeskError

    try:
        settings = read_settings(BotSettings)
    except ValidationError as error:
        print(settings_error_line(error), file=sys.stderr)
        return EXIT_CONFIG
    except NewsdeskError as error:  # a .env that is not UTF-8 or cannot be read
        print(f"newsdesk-bot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    from bot import logs

    # NEWSDESK_LOG_LEVEL (INFO when unset) and NEWSDESK_LOG_FORMAT; the token is redacted from every line.
    logs.setup(settings, secrets=[settings.discord_token.get_secret_value()])
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if main_thread else None
    library: LiveLibrary | None = None
    try:
        # Imported here: the retrieval stack is heavy, and a missing token should fail fast.
        from retrieval.library.live import LiveLibrary

        # Article files and the library (SQLite, or NEWSDESK_DATABASE_URL), live: /article adds at runtime.
        library = LiveLibrary(settings)
        return run(settings, library.for_guild(None), sync_global=args.sync, library=library)
    except NewsdeskError as error:
        print(f"newsdesk-bot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:  # SIGTERM or Ctrl-C while loading: nothing was written yet
        if library is not None:
            library.close()
        log.info("Stopped while starting")
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
