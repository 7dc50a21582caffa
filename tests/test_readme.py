"""The README stays short and true: its size, its links, its commands and its settings."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from bot.settings import BotSettings
from retrieval.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def test_the_readme_is_at_most_10_kb():
    assert len(README.read_bytes()) <= 10 * 1024


def test_every_relative_link_in_the_readme_and_docs_exists():
    for page in [README, *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to {target}, which is missing"


def test_the_quick_start_commands_exist_and_run_what_ci_runs():
    text = README.read_text(encoding="utf-8")
    for script in ("scripts/demo.sh", "scripts/test.sh"):
        assert f"\n{script} " in text
        assert os.access(ROOT / script, os.X_OK), f"{script} is not executable"
    assert (ROOT / ".ci/run").read_text().strip().endswith("exec bash scripts/test.sh")


def test_the_cli_synopsis_names_real_commands_and_options():
    text = README.read_text(encoding="utf-8")
    lines = re.findall(r"^newsdesk (.+)$", text, re.M)
    assert len(lines) >= 9
    for line in lines:
        command = line.split("#")[0]
        parser, path = build_parser(), []
        for word in command.split():  # down the subcommands ("feedback export")
            choices = [a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
            if not choices or word not in choices[0]:
                break
            parser, path = choices[0][word], [*path, word]
        assert path, f"newsdesk {line}: not a command"
        options = {o for action in parser._actions for o in action.option_strings}
        for flag in re.findall(r"(--[a-z-]+)", command):
            assert flag in options, f"{flag} is not an option of newsdesk {command}"


def test_every_setting_is_named_in_the_readme():
    text = README.read_text(encoding="utf-8")
    for name, field in BotSettings.model_fields.items():
        alias = field.validation_alias
        env = alias.choices[0] if alias is not None else f"NEWSDESK_{name.upper()}"  # type: ignore[union-attr]
        assert env in text, f"{env} is not in the README"
