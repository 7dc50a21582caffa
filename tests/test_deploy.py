"""The deploy kit: Dockerfile and compose.yaml (hadolint, agreement with the project), the systemd unit
(systemd-analyze verify), the health check and the bot's logging. No Docker daemon is needed."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import yaml

from bot import health, logs
from bot.__main__ import EXIT_CONFIG
from bot.settings import BotSettings
from retrieval.config import RetrievalSettings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
UNIT = ROOT / "deploy" / "newsdesk-bot.service"
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.a-secret-token-value_xyz"


def tool(name: str) -> str | None:
    """A console script of this environment (the dev extra), else one on PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for line in joined.splitlines()
        if (parts := line.strip().split(None, 1))
    ]


# -- Dockerfile and compose.yaml ------------------------------------------------------------------------


def test_the_dockerfile_passes_hadolint():
    hadolint = tool("hadolint")
    assert hadolint, "hadolint is missing: it comes with the dev extra (pip install -e '.[dev]')"
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_is_not_a_rubber_stamp(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN pip install requests\nUSER root\n")
    hadolint = tool("hadolint")
    assert hadolint
    result = subprocess.run([hadolint, "--no-color", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "DL3006" in result.stdout  # an untagged base image


def test_the_dockerfile_agrees_with_the_project():
    steps = instructions(DOCKERFILE.read_text())
    text = " ".join(f"{k} {v}" for k, v in steps)
    pinned = re.search(r"^torch==(\S+)$", (ROOT / "constraints.txt").read_text(), re.M)
    assert pinned and f'"torch=={pinned.group(1)}"' in text  # CPU torch at the pinned version
    assert "download.pytorch.org/whl/cpu" in text
    assert '".[bot]"' in text and "[dev]" not in text  # the bot without the dev tools
    env = " ".join(v for k, v in steps if k == "ENV")
    assert "HF_HUB_OFFLINE=1" in env and "TRANSFORMERS_OFFLINE=1" in env  # the model is in the image
    fields = set(BotSettings.model_fields)
    for name in re.findall(r"NEWSDESK_(\w+)=", env):
        assert name.lower() in fields, f"NEWSDESK_{name} is not a setting"
    [volume] = [v for k, v in steps if k == "VOLUME"]
    assert json.loads(volume) == ["/data"]
    assert "NEWSDESK_DATABASE_URL=sqlite:////data/" in env and "NEWSDESK_CACHE_DIR=/data/" in env
    user = [v for k, v in steps if k == "USER"][-1]
    assert re.fullmatch(r"[1-9]\d{3,}(:\d+)?", user)  # numeric, not root
    [entrypoint] = [json.loads(v) for k, v in steps if k == "ENTRYPOINT"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entrypoint == ["newsdesk-bot"] and scripts["newsdesk-bot"] == "bot.__main__:main"
    [check] = [v for k, v in steps if k == "HEALTHCHECK"]
    assert check.split("CMD", 1)[1].strip() == '["python", "-m", "bot.health"]'
    for source in re.findall(r"^COPY (?!--from)(.+?) \S+$", "\n".join(f"{k} {v}" for k, v in steps), re.M):
        for path in source.split():
            assert (ROOT / path).exists(), f"COPY {path}: not in the repository"


def test_the_docker_context_leaves_out_secrets_and_build_output():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert patterns[0] == "*"  # everything is out unless named
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    assert ".env" not in allowed and ".venv" not in allowed
    copied = {
        path
        for k, v in instructions(DOCKERFILE.read_text())
        if k == "COPY" and not v.startswith("--from")
        for path in v.split()[:-1]
    }
    assert copied <= allowed, copied - allowed


def test_compose_restarts_unless_stopped_and_keeps_data_on_a_volume():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot = compose["services"]["bot"]
    assert bot["restart"] == "unless-stopped"
    assert bot["build"] == "." and bot["env_file"] == ".env" and bot["init"] is True
    volume, target = bot["volumes"][0].split(":")
    assert target == "/data" and volume in compose["volumes"]
    assert "healthcheck" not in bot  # the image's HEALTHCHECK applies


@pytest.mark.model
def test_the_dockerfile_model_check_runs_offline():
    """The build step that proves the model and spaCy load with no network, run against this install."""
    [code] = re.findall(r'python -c\s+"([^"]+)"', DOCKERFILE.read_text().replace("\\\n", " "))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]


# -- systemd ----------------------------------------------------------------------------------------------


def unit_settings() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_the_unit_restarts_on_failure_but_not_on_bad_configuration():
    unit = unit_settings()
    assert unit["RestartPreventExitStatus"] == [str(EXIT_CONFIG)] == ["2"]
    assert unit["Restart"] == ["on-failure"]
    assert unit["WorkingDirectory"] == ["/opt/newsdesk"]
    assert unit["EnvironmentFile"] == ["/etc/newsdesk/newsdesk.env"]
    assert unit["ExecStart"] == ["/opt/newsdesk/.venv/bin/newsdesk-bot"]
    assert unit["KillSignal"] == ["SIGTERM"] and unit["User"] == ["newsdesk"]
    assert any("HF_HUB_OFFLINE=1" in e for e in unit["Environment"])


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed here (it comes with systemd); the unit is verified where it is",
)
def test_the_unit_passes_systemd_analyze_verify(tmp_path):
    """Verified as installed: the unit under /etc, its ExecStart present, the host's own units beside it."""
    root = tmp_path / "root"
    units = Path("/usr/lib/systemd/system")
    if not (units / "sysinit.target").exists():
        pytest.skip(f"{units} has no sysinit.target to verify against")
    shutil.copytree(units, root / "usr/lib/systemd/system", symlinks=True)
    (root / "etc/systemd/system").mkdir(parents=True)
    shutil.copy(UNIT, root / "etc/systemd/system" / UNIT.name)
    executable = root / "opt/newsdesk/.venv/bin/newsdesk-bot"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    result = subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", UNIT.name],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 on unknown keys and bad values, which it only warns about: any output is a failure.
    assert result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(), (
        result.stdout + result.stderr
    )


# -- the health check ---------------------------------------------------------------------------------


def test_the_health_check_wants_a_recent_beat(tmp_path, capsys):
    beat = tmp_path / "health"
    assert health.main([str(beat)]) == 1 and "missing" in capsys.readouterr().err
    beat.write_text("1\n")
    assert health.main([str(beat)]) == 0 and "healthy" in capsys.readouterr().out
    old = time.time() - health.STALE_S - 5
    os.utime(beat, (old, old))
    assert health.main([str(beat)]) == 1 and "last heartbeat" in capsys.readouterr().err


def test_the_health_check_reads_the_file_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(health.ENV, raising=False)
    assert health.main([]) == 1 and health.ENV in capsys.readouterr().err
    beat = tmp_path / "health"
    beat.write_text("1\n")
    monkeypatch.setenv(health.ENV, str(beat))
    assert health.main([]) == 0


# -- logging ------------------------------------------------------------------------------------------------


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_the_log_level_is_honoured_and_defaults_to_info(restore_logging):
    assert logs.level_of(RetrievalSettings(_env_file=None)) == "INFO"
    assert logs.level_of(RetrievalSettings(_env_file=None, log_level="warning")) == "WARNING"
    stream = io.StringIO()
    logs.setup(RetrievalSettings(_env_file=None, log_level="WARNING"), stream=stream)
    logging.getLogger("bot.test").info("not shown")
    logging.getLogger("bot.test").warning("shown")
    assert "not shown" not in stream.getvalue() and "shown" in stream.getvalue()


def test_json_logs_are_one_object_per_line_and_never_show_the_token(restore_logging, monkeypatch):
    monkeypatch.setenv("NEWSDESK_LOG_FORMAT", "JSON")
    settings = RetrievalSettings(_env_file=None)
    assert settings.log_format == "json"
    stream = io.StringIO()
    logs.setup(settings, secrets=[TOKEN], stream=stream)
    log = logging.getLogger("discord.http")
    log.info("logging in with %s", TOKEN)
    try:
        raise RuntimeError(f"401 for Bot {TOKEN}")
    except RuntimeError:
        log.exception("login failed")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(e["level"], e["logger"]) for e in lines] == [("INFO", "discord.http"), ("ERROR", "discord.http")]
    assert lines[0]["message"] == f"logging in with {logs.REDACTED}"
    assert "RuntimeError: 401 for Bot [redacted]" in lines[1]["exc_info"]
    assert TOKEN not in stream.getvalue()
    assert {"time", "level", "logger", "message"} <= lines[0].keys()


def test_an_unknown_log_format_is_a_settings_error():
    with pytest.raises(ValueError, match="log_format"):
        RetrievalSettings(_env_file=None, log_format="xml")
