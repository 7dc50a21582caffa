"""``newsdesk add | extract | list | remove``: the library from the command line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TextIO

from ..config import RetrievalSettings
from ..errors import NewsdeskError
from .pages import ExtractedArticle
from .sources import read_source
from .store import GLOBAL, Library, StoredArticle, scope_of

COMMANDS = ("add", "extract", "list", "remove")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register the library subcommands on the CLI's subparsers."""
    add = sub.add_parser("add", help="add articles to the library from .txt/.html files or http(s) links")
    add.add_argument("sources", nargs="+", metavar="SOURCE", help="a .txt or .html file, or an http(s) URL")
    add.add_argument("--scope", type=int, metavar="GUILD_ID", help="only this Discord server sees it")
    add.add_argument("--json", action="store_true", help="print one JSON object per source")
    extract = sub.add_parser("extract", help="print what add would store, and store nothing")
    extract.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="a .txt or .html file, or an http(s) URL"
    )
    extract.add_argument("--json", action="store_true", help="print one JSON object per line")
    listing = sub.add_parser("list", help="the articles in the library")
    listing.add_argument("--scope", type=int, metavar="GUILD_ID", help="what this Discord server sees")
    listing.add_argument("--json", action="store_true", help="print JSON instead of readable text")
    remove = sub.add_parser("remove", help="remove an article from the library")
    remove.add_argument("id", help="the article id (see newsdesk list)")
    for parser in (add, extract, listing, remove):
        parser.set_defaults(article=None)  # the CLI reads --article before it dispatches


def run(args: argparse.Namespace, settings: RetrievalSettings, out: TextIO) -> int:
    """Run one library subcommand; NewsdeskError propagates to the CLI's one-line error."""
    command: Callable[[argparse.Namespace, RetrievalSettings, TextIO], int] = _RUN[args.command]
    return command(args, settings, out)


def extracted_json(article: ExtractedArticle) -> dict[str, object]:
    """The documented shape of ``extract --json``."""
    return {
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "source": article.source,
        "url": article.url,
        "text": article.text,
    }


def listed_json(row: StoredArticle) -> dict[str, object]:
    """One article of ``list --json``."""
    return {
        "id": row.id,
        "title": row.title,
        "published": row.published.isoformat() if row.published else None,
        "source": row.source,
        "url": row.url,
        "scope": row.scope,
    }


def _read_all(sources: list[str], settings: RetrievalSettings) -> list[ExtractedArticle]:
    # Everything is read before anything is stored: one bad source adds nothing.
    return [read_source(source, allow_private=settings.allow_private_urls) for source in sources]


def _add(args: argparse.Namespace, settings: RetrievalSettings, out: TextIO) -> int:
    articles = _read_all(args.sources, settings)
    library = Library(settings.library_url)
    scope = scope_of(args.scope)
    for source, article in zip(args.sources, articles, strict=True):
        result = library.add(article, scope=scope, added_by="cli")
        row = result.article
        if args.json:
            out.write(json.dumps({**listed_json(row), "added": result.created}, ensure_ascii=False) + "\n")
        elif result.created:
            out.write(f"added {row.id}: {row.title or '(untitled)'} [{row.scope}]\n")
        else:
            out.write(f"already in the library as {row.id} ({source}); nothing added\n")
    return 0


def _extract(args: argparse.Namespace, settings: RetrievalSettings, out: TextIO) -> int:
    for article in _read_all(args.sources, settings):
        if args.json:
            out.write(json.dumps(extracted_json(article), ensure_ascii=False) + "\n")
        else:
            out.write(article.document() + "\n")
    return 0


def _list(args: argparse.Namespace, settings: RetrievalSettings, out: TextIO) -> int:
    library = Library(settings.library_url)
    rows = library.articles() if args.scope is None else library.visible(args.scope)
    if args.json:
        out.write(
            json.dumps({"articles": [listed_json(r) for r in rows]}, ensure_ascii=False, indent=2) + "\n"
        )
        return 0
    if not rows:
        out.write("The library is empty.\n")
    for r in rows:
        when = r.published.isoformat() if r.published else "undated"
        scope = "" if r.scope == GLOBAL else f" [server {r.scope}]"
        out.write(f"{r.id}  {when}  {r.title or '(untitled)'}{scope}\n")
    return 0


def _remove(args: argparse.Namespace, settings: RetrievalSettings, out: TextIO) -> int:
    if not args.id.strip():
        raise NewsdeskError("the article id is empty")
    removed = Library(settings.library_url).remove(args.id.strip())
    out.write(f"removed {removed.id}: {removed.title or '(untitled)'}\n")
    return 0


_RUN: dict[str, Callable[[argparse.Namespace, RetrievalSettings, TextIO], int]] = {
    "add": _add,
    "extract": _extract,
    "list": _list,
    "remove": _remove,
}
