"""Bot settings and the entry point: names without prefix, a secret token, exit code 2 on a bad token."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import discord
import pytest
import yarl
from pydantic import ValidationError

from bot.__main__ import EXIT_CONFIG, main, settings_error_line
from bot.client import apply_endpoints
from bot.settings import DEFAULT_API_BASE_URL, BotSettings

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GhIjKl.secret-part_42"
DISCORD_VARS = ("DISCORD_TOKEN", "DISCORD_GUILD_ID", "DISCORD_API_BASE_URL", "DISCORD_GATEWAY_URL")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in DISCORD_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    return monkeypatch


def test_discord_names_have_no_prefix_and_retrieval_names_keep_theirs(clean_env):
    clean_env.setenv("DISCORD_TOKEN", TOKEN)
    clean_env.setenv("DISCORD_GUILD_ID", "1234")
    clean_env.setenv("DISCORD_API_BASE_URL", "http://127.0.0.1:9/api/v10/")
    clean_env.setenv("DISCORD_GATEWAY_URL", "ws://127.0.0.1:9/gateway")
    clean_env.setenv("NEWSDESK_TOP_K", "3")
    settings = BotSettings()
    assert settings.discord_token.get_secret_value() == TOKEN
    assert settings.discord_guild_id == 1234
    assert settings.discord_api_base_url == "http://127.0.0.1:9/api/v10"
    assert settings.discord_gateway_url == "ws://127.0.0.1:9/gateway"
    assert settings.top_k == 3


def test_defaults(clean_env):
    settings = BotSettings(discord_token=TOKEN)
    assert settings.discord_guild_id is None and settings.discord_gateway_url is None
    assert settings.discord_api_base_url == DEFAULT_API_BASE_URL


def test_empty_optional_values_mean_unset(clean_env):
    clean_env.setenv("DISCORD_GUILD_ID", "")
    clean_env.setenv("DISCORD_GATEWAY_URL", "")
    clean_env.setenv("DISCORD_API_BASE_URL", "")
    settings = BotSettings(discord_token=TOKEN)
    assert settings.discord_guild_id is None and settings.discord_gateway_url is None
    assert settings.discord_api_base_url == DEFAULT_API_BASE_URL


def test_settings_read_dotenv(clean_env, tmp_path):
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\nDISCORD_GUILD_ID=77\n")
    settings = BotSettings()
    assert settings.discord_guild_id == 77


def test_the_token_never_shows_in_repr_or_errors(clean_env):
    settings = BotSettings(discord_token=TOKEN)
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    with pytest.raises(ValidationError) as caught:
        BotSettings(discord_token="Bot " + TOKEN)
    line = settings_error_line(caught.value)
    assert line == "newsdesk-bot: DISCORD_TOKEN is malformed (set it in the environment or .env)"


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c d", '"a.b.c"', "Bot a.b.c"])
def test_malformed_tokens_are_refused(clean_env, token):
    with pytest.raises(ValidationError):
        BotSettings(discord_token=token)


def test_main_without_a_token_prints_one_line_and_returns_2(clean_env, capsys):
    assert main([]) == EXIT_CONFIG
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["newsdesk-bot: DISCORD_TOKEN is missing (set it in the environment or .env)"]


def test_apply_endpoints_sets_rest_base_and_gateway(clean_env):
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        apply_endpoints(
            BotSettings(
                discord_token=TOKEN,
                discord_api_base_url="http://127.0.0.1:1/api/v10",
                discord_gateway_url="ws://127.0.0.1:1/gw",
            )
        )
        assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:1/api/v10/users/@me"
        assert yarl.URL("ws://127.0.0.1:1/gw") == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def _run_module(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in DISCORD_VARS}
    clean.update(env)
    clean["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=60
    )


def test_python_m_bot_without_a_token_exits_2_with_a_clear_message(tmp_path):
    result = _run_module(tmp_path)
    assert result.returncode == EXIT_CONFIG
    assert (
        result.stderr.strip() == "newsdesk-bot: DISCORD_TOKEN is missing (set it in the environment or .env)"
    )
    assert result.stdout == ""


def test_python_m_bot_with_a_malformed_token_exits_2_without_echoing_it(tmp_path):
    result = _run_module(tmp_path, DISCORD_TOKEN="not-a-token secret-value")
    assert result.returncode == EXIT_CONFIG
    assert "DISCORD_TOKEN is malformed" in result.stderr
    assert "secret-value" not in result.stderr + result.stdout


def test_python_m_bot_help(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])},
    )
    assert result.returncode == 0 and "--sync" in result.stdout


def test_the_console_script_without_a_token_exits_2(tmp_path):
    script = Path(sys.executable).with_name("newsdesk-bot")
    if not script.exists():
        pytest.skip("newsdesk-bot is not installed in this environment")
    env = {k: v for k, v in os.environ.items() if k not in DISCORD_VARS}
    result = subprocess.run([str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == EXIT_CONFIG
    assert "DISCORD_TOKEN is missing" in result.stderr
