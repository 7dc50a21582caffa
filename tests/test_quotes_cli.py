"""``newsdesk quotes --explain`` / ``--json`` show the rules behind each quote; ``speakers`` sets the
unattributed apart."""

from __future__ import annotations

import json
from pathlib import Path

from retrieval.cli import main
from retrieval.config import RetrievalSettings
from retrieval.quotes import UNATTRIBUTED, all_rules
from retrieval.service import Newsdesk
from tests.fakes import FakeEmbedder

ARTICLE = """---
title: Pier
published: 2024-03-04
---
“We will rebuild the pier,” said Mayor Anna Kowalski.

“It starts on Monday,” he said.

Project engineer Tom Becker said the work would start in May.
"""


def run(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv, service_factory=lambda s: Newsdesk.from_settings(s, embedder=FakeEmbedder()))
    return code, capsys.readouterr().out


def _article(tmp_path: Path) -> str:
    path = tmp_path / "pier.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return str(path)


def test_quotes_json_carries_the_rules_of_each_quote(tmp_path: Path, capsys):
    code, out = run(["quotes", "--json", "--article", _article(tmp_path)], capsys)
    assert code == 0
    quotes = json.loads(out)["quotes"]
    names = {rule.name for rule in all_rules()}
    assert quotes and all(q["rules"] and set(q["rules"]) <= names for q in quotes)
    first = quotes[0]
    assert first["speaker"] == "Anna Kowalski"
    assert first["rules"] == ["quoted_span", "governing_verb", "verb_subject", "named_entity"]


def test_quotes_explain_prints_the_rules_under_each_quote(tmp_path: Path, capsys):
    code, out = run(["quotes", "--explain", "--article", _article(tmp_path)], capsys)
    assert code == 0
    assert "rules: quoted_span › governing_verb › verb_subject › named_entity" in out
    assert "rules: reported_clause › verb_subject" in out
    code, plain = run(["quotes", "--article", _article(tmp_path)], capsys)
    assert "rules:" not in plain


def test_speakers_sets_a_pronoun_that_refers_to_no_one_apart(tmp_path: Path, capsys):
    path = tmp_path / "he.txt"
    path.write_text("“It starts on Monday,” he said.\n\nAnna Kowalski said the pier would open in May.\n")
    code, out = run(["speakers", "--article", str(path)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Anna Kowalski")
    assert lines[-1] == "(unattributed: 1 quote, as he)"
    code, out = run(["speakers", "--json", "--article", str(path)], capsys)
    rows = json.loads(out)["speakers"]
    assert [r["name"] for r in rows] == ["Anna Kowalski", UNATTRIBUTED]


def test_quotes_of_the_unattributed_can_be_asked_for(tmp_path: Path, capsys, settings: RetrievalSettings):
    path = tmp_path / "he.txt"
    path.write_text("“It starts on Monday,” he said.\n")
    code, out = run(["quotes", "--json", "--speaker", UNATTRIBUTED, "--article", str(path)], capsys)
    assert code == 0
    (quote,) = json.loads(out)["quotes"]
    assert quote["speaker"] == UNATTRIBUTED and not quote["speaker_resolved"]
