"""The bot's logging: NEWSDESK_LOG_LEVEL, text or JSON lines (NEWSDESK_LOG_FORMAT), secrets redacted."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

import discord

from retrieval.config import RetrievalSettings

# A service logs what it does (connected, ready, articles added) unless told to be quieter.
DEFAULT_LEVEL = "INFO"
REDACTED = "[redacted]"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            # exc_text first: the redacting filter has cleaned it.
            entry["exc_info"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


class RedactingFilter(logging.Filter):
    """Replaces each secret in a record's message and traceback, whoever logged it."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self._clean(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def level_of(settings: RetrievalSettings) -> str:
    """NEWSDESK_LOG_LEVEL when set; INFO otherwise (the CLI's WARNING default is too quiet for a service)."""
    return settings.log_level or DEFAULT_LEVEL


def setup(settings: RetrievalSettings, *, secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    """Log to stderr at the configured level and format, never showing ``secrets`` (the bot token)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    # Text: discord.py's own format (coloured on a terminal); JSON: one object per line, for collectors.
    formatter: logging.Formatter = JsonFormatter() if settings.log_format == "json" else discord.utils.MISSING
    root = logging.getLogger()
    for old in list(root.handlers):  # a second setup (tests) replaces the first
        root.removeHandler(old)
    level = logging.getLevelNamesMapping()[level_of(settings)]
    discord.utils.setup_logging(handler=handler, formatter=formatter, level=level, root=True)
