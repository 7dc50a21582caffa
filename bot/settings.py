"""Settings of the Discord bot: the retrieval settings plus the Discord connection."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from retrieval.config import RetrievalSettings

DEFAULT_API_BASE_URL = "https://discord.com/api/v10"

# Three dot-separated base64url parts: user id, timestamp, HMAC. Catches pasted quotes, spaces, "Bot ".
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class BotSettings(RetrievalSettings):
    """Retrieval settings plus the bot's own; the Discord names carry no NEWSDESK_ prefix."""

    model_config = SettingsConfigDict(populate_by_name=True)

    # validation_alias bypasses env_prefix, so these are read as DISCORD_TOKEN etc.
    discord_token: SecretStr = Field(validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token"))
    discord_guild_id: int | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_GUILD_ID", "discord_guild_id")
    )
    discord_api_base_url: str = Field(
        default=DEFAULT_API_BASE_URL,
        validation_alias=AliasChoices("DISCORD_API_BASE_URL", "discord_api_base_url"),
    )
    discord_gateway_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_GATEWAY_URL", "discord_gateway_url")
    )
    # NEWSDESK_HEALTH_FILE: rewritten while connected, for `python -m bot.health` (the Docker HEALTHCHECK).
    health_file: Path | None = None
    # NEWSDESK_LIBRARY_REFRESH_S: how often the bot looks for articles added by another process (the CLI's
    # `newsdesk add`, another shard); 0 turns it off.
    library_refresh_s: float = Field(default=10.0, ge=0)

    @field_validator("discord_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        # The message never echoes the value: it is a secret even when malformed.
        if not _TOKEN_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("not a bot token (expected three dot-separated parts)")
        return value

    @field_validator("discord_guild_id", "discord_gateway_url", "health_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("discord_api_base_url", mode="before")
    @classmethod
    def _base_url(cls, value: object) -> object:
        if value == "":
            return DEFAULT_API_BASE_URL
        if isinstance(value, str):
            value = value.strip().rstrip("/")
            _check_url(value, {"http", "https"}, DEFAULT_API_BASE_URL)
        return value

    @field_validator("discord_gateway_url")
    @classmethod
    def _gateway_url(cls, value: str | None) -> str | None:
        if value is not None:
            _check_url(value.strip(), {"ws", "wss"}, "ws://127.0.0.1:8080/gateway")
        return value


def _check_url(value: str, schemes: set[str], example: str) -> None:
    """ValueError unless ``value`` is an absolute URL with one of ``schemes`` and a host."""
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValueError(f"{value!r} has a port that is not a number") from None
    if parts.scheme.lower() not in schemes or not parts.hostname:
        wanted = " or ".join(sorted(f"{s}://" for s in schemes))
        raise ValueError(f"{value!r} is not a {wanted} URL with a host, such as {example}")
