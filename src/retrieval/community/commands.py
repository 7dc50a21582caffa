"""``newsdesk feedback export``: the questions people voted on, as a QA set for the retrieval eval."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from ..article import load_articles
from ..config import RetrievalSettings
from ..errors import NewsdeskError
from ..library.pages import ExtractedArticle
from ..library.store import Library
from .feedback import export
from .store import CommunityStore

COMMANDS = ("feedback",)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register ``feedback export`` on the CLI's subparsers."""
    feedback = sub.add_parser("feedback", help="what people said about the bot's answers")
    actions = feedback.add_subparsers(
        dest="feedback_command", metavar="export", required=True, parser_class=type(feedback)
    )
    out = actions.add_parser(
        "export",
        help="voted questions as a QA set, one JSON line per article: {id, qa: [{q, evidence, type}], "
        "unanswerable}",
    )
    out.add_argument("--out", type=Path, metavar="FILE", help="write the QA set here instead of stdout")
    out.add_argument("--scope", type=int, metavar="GUILD_ID", help="only this Discord server's votes")
    out.add_argument(
        "--articles",
        type=Path,
        metavar="FILE",
        help="also write the articles' texts as JSON lines {id, title, publication_date, text}",
    )
    out.add_argument(
        "--review",
        type=Path,
        metavar="FILE",
        help="also write the voted questions a person should look at (disputed, or only 👎)",
    )
    for parser in (feedback, out):
        parser.set_defaults(article=None)  # the CLI reads --article before it dispatches


def run(args: argparse.Namespace, settings: RetrievalSettings, out: TextIO) -> int:
    """Run ``feedback export``; NewsdeskError propagates to the CLI's one-line error."""
    library = Library(settings.library_url)
    votes = CommunityStore(library).votes(args.scope)
    texts = _article_texts(library, settings)
    result = export(votes)
    rows = [r for r in result.rows if r["id"] in texts]
    missing = len(result.rows) - len(rows)
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.out is not None:
        _write(args.out, lines)
    else:
        out.write(lines)
    if args.articles is not None:
        wanted = [texts[r["id"]] for r in rows]
        _write(args.articles, "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in wanted))
    if args.review is not None:
        _write(args.review, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result.review))
    answerable = sum(len(r["qa"]) for r in rows)
    unanswerable = sum(len(r["unanswerable"]) for r in rows)
    gone = f"; {missing} article(s) no longer exist, their questions left out" if missing else ""
    print(
        f"newsdesk: {len(votes)} vote(s): exported {answerable} answerable and {unanswerable} unanswerable "
        f"question(s) over {len(rows)} article(s); {len(result.review)} to review{gone}",
        file=sys.stderr,
    )
    return 0


def _article_texts(library: Library, settings: RetrievalSettings) -> dict[str, dict[str, object]]:
    """Every article the export may name, as the text the article reader parses back to the same passages."""
    found: dict[str, dict[str, object]] = {}
    for article in load_articles(settings.articles or None):  # the files, or the bundled article
        text = Path(article.path).read_text(encoding="utf-8-sig")
        found[article.id] = _article_json(article.id, article.title, article.published, text)
    for row in library.articles():
        document = ExtractedArticle(row.title, row.published, row.source, row.url, row.text).document()
        found[row.id] = _article_json(row.id, row.title, row.published, document)
    return found


def _article_json(article_id: str, title: str | None, published: date | None, text: str) -> dict[str, object]:
    return {
        "id": article_id,
        "title": title,
        "publication_date": published.isoformat() if published is not None else None,
        "text": text,
    }


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise NewsdeskError(f"cannot write {path}: {exc.strerror}") from None
