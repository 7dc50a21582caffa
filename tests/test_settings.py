"""Settings: .env.example documents every setting, and environment values are parsed as users write them."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import BotSettings
from retrieval.config import RetrievalSettings

ENV_EXAMPLE = Path(__file__).parents[1] / ".env.example"


def env_names() -> set[str]:
    names = {f"NEWSDESK_{name.upper()}" for name in RetrievalSettings.model_fields}
    for name, field in BotSettings.model_fields.items():
        if name not in RetrievalSettings.model_fields:
            alias = field.validation_alias  # DISCORD_*; the bot's own NEWSDESK_* settings have none
            names.add(alias.choices[0] if alias else f"NEWSDESK_{name.upper()}")  # type: ignore[union-attr]
    return names


def test_env_example_lists_every_setting_with_a_comment():
    lines = ENV_EXAMPLE.read_text().splitlines()
    listed = {}
    for i, line in enumerate(lines):
        if match := re.match(r"^([A-Z_]+)=", line):
            listed[match[1]] = lines[i - 1]
    assert env_names() <= set(listed)
    assert all(comment.startswith("# ") for comment in listed.values())


def test_env_example_values_are_valid_settings(tmp_path: Path):
    env = tmp_path / ".env"
    env.write_text(ENV_EXAMPLE.read_text())
    settings = RetrievalSettings(_env_file=env)
    assert settings.top_k == 4 and settings.articles == [] and settings.model_path is None


def test_articles_are_comma_separated_in_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSDESK_ARTICLES", "a.txt, news/")
    assert RetrievalSettings(_env_file=None).articles == [Path("a.txt"), Path("news")]
