"""Reading articles: front matter, paragraphs, the Source line, and bad input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from retrieval.article import bundled_article_path, load_article, load_articles, parse_article
from retrieval.errors import ArticleError


def test_front_matter_and_blank_line_paragraphs(short_article: Path):
    article = load_article(short_article)
    assert article.id == "harbour"
    assert article.title == "Harbour budget approved"
    assert article.published == date(2024, 3, 4)
    assert article.source == "Coast Gazette"
    assert [p.number for p in article.paragraphs] == [1, 2, 3, 4]
    assert article.paragraphs[1].text.startswith("“We finally")


def test_bundled_article_paragraphs_are_its_line_numbers():
    article = load_article(bundled_article_path())
    lines = bundled_article_path().read_text(encoding="utf-8").splitlines()
    assert article.source == "DN"  # the last line "Source: DN" is metadata, not a passage
    assert len(article.paragraphs) == len(lines) - 1
    for paragraph in article.paragraphs:
        assert lines[paragraph.number - 1] == paragraph.text


def test_wrapped_paragraphs_are_joined():
    article = parse_article(b"First line\nof one paragraph.\n\nSecond paragraph.\n", article_id="a")
    assert [p.text for p in article.paragraphs] == ["First line of one paragraph.", "Second paragraph."]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "no text"),
        (b"\n\n   \n", "no text"),
        (b"Source: DN\n", "no text"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"---\ntitle: x\nbody without a closing line\n", "never closed"),
        (b"---\npublished: 17 April 2023\n---\nText.\n", "YYYY-MM-DD"),
    ],
)
def test_bad_articles_raise_clear_errors(raw: bytes, message: str):
    with pytest.raises(ArticleError, match=message):
        parse_article(raw, article_id="bad")


def test_directory_of_articles_and_missing_paths(tmp_path: Path):
    (tmp_path / "b.txt").write_text("Beta text.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    assert [a.id for a in load_articles([tmp_path])] == ["a", "b"]
    with pytest.raises(ArticleError, match="no such file"):
        load_articles([tmp_path / "missing.txt"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ArticleError, match=r"no \*\.txt"):
        load_articles([empty])
