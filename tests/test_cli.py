"""The command line: readable and JSON output, batch questions from stdin, one-line errors with exit 2."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.cli import main
from retrieval.config import RetrievalSettings
from retrieval.service import Newsdesk
from tests.fakes import FakeEmbedder


def fake_factory(settings: RetrievalSettings) -> Newsdesk:
    return Newsdesk.from_settings(settings, embedder=FakeEmbedder())


def run(argv, capsys, stdin: str | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv, service_factory=fake_factory)
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_has_the_documented_shape(short_article: Path, capsys):
    code, out, _ = run(
        ["ask", "Who will start the work in May?", "--json", "--top-k", "2", "--article", str(short_article)],
        capsys,
    )
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == {"question", "answerable", "reason", "passages"}
    assert payload["reason"] is None
    assert len(payload["passages"]) == 2
    first = payload["passages"][0]
    assert set(first) == {"article", "paragraph", "text", "score", "speakers", "answer"}
    assert (first["article"], first["paragraph"]) == ("harbour", 3)
    answer = first["answer"]
    assert first["text"][answer["start"] : answer["end"]] == answer["text"]
    assert answer["text"]


def test_an_unanswerable_question_says_why(short_article: Path, capsys):
    argv = ["ask", "What did Joe Biden say about the pier?", "--article", str(short_article)]
    code, out, _ = run([*argv, "--json"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["answerable"] is False
    assert payload["reason"] == "the article never mentions Joe Biden"
    code, out, _ = run(argv, capsys)
    assert "does not seem to answer this (the article never mentions Joe Biden)" in out


def test_ask_readable_output_marks_the_answer_sentence(short_article: Path, capsys):
    code, out, _ = run(["ask", "Who will start the work in May?", "--article", str(short_article)], capsys)
    assert code == 0
    assert out.count("**") >= 2


def test_ask_readable_output_shows_paragraph_and_score(short_article: Path, capsys):
    code, out, _ = run(["ask", "pier repair money", "--article", str(short_article)], capsys)
    assert code == 0
    assert "¶2" in out and "score" in out and "We finally have the money" in out


def test_stdin_gives_one_json_line_per_question(short_article: Path, capsys, monkeypatch):
    code, out, _ = run(
        ["ask", "-", "--article", str(short_article)],
        capsys,
        stdin="pier money\n\nlighthouse noise\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["question"] for line in lines] == ["pier money", "lighthouse noise"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "x", "--article", "/no/such/file.txt"], "no such file"),
        (["ask", "   "], "question is empty"),
        (["ask", "x", "--top-k", "0"], "--top-k"),
        (["ask"], "error"),
        (["timeline", "--published", "17/04/2023"], "YYYY-MM-DD"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, capsys):
    code, _, err = run(argv, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_undecodable_and_empty_articles_exit_2(tmp_path: Path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    for path, message in ((bad, "not UTF-8"), (empty, "no text")):
        code, _, err = run(["ask", "q", "--article", str(path)], capsys)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_usage_errors_exit_2_without_traceback():
    result = subprocess.run([sys.executable, "-m", "retrieval", "ask"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "question" in result.stderr
