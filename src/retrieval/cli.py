"""``newsdesk`` / ``python -m retrieval``: ask, quotes, speakers and timeline from the command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict
from datetime import date
from functools import partial
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from . import __version__
from .community import commands as community_commands
from .config import RetrievalSettings, read_settings
from .errors import NewsdeskError, QuestionError
from .library import commands as library_commands
from .limits import TOP_K_MAX, question_text
from .models import Answer, AnswerSpan, Quote, Speaker, Timeline
from .quotes.tally import UNATTRIBUTED
from .service import Newsdesk

EXIT_USAGE = 2
ServiceFactory = Callable[[RetrievalSettings], Newsdesk]


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The command line grammar."""
    parser = _Parser(prog="newsdesk", description="Ask questions about news articles.")
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--article",
            action="append",
            type=_article_path,
            metavar="PATH",
            help="an article file or a directory of *.txt (repeatable); default: the bundled one",
        )
        p.add_argument("--json", action="store_true", help="print JSON instead of readable text")

    ask = sub.add_parser("ask", help="the passages that answer a question")
    ask.add_argument("question", help="the question, or - to read one question per line from stdin")
    ask.add_argument("--top-k", type=_top_k, metavar="K", help=f"how many passages to show (1-{TOP_K_MAX})")
    common(ask)
    quotes = sub.add_parser("quotes", help="quotations, grouped by speaker")
    quotes.add_argument("--speaker", metavar="NAME", help="only this speaker (any alias, any case)")
    quotes.add_argument("--explain", action="store_true", help="show which rules produced each quote")
    common(quotes)
    speakers = sub.add_parser("speakers", help="who is quoted, with role and quote count")
    common(speakers)
    timeline = sub.add_parser("timeline", help="dated events in chronological order")
    timeline.add_argument(
        "--published",
        metavar="YYYY-MM-DD",
        help="publication date, for articles whose front matter gives none",
    )
    timeline.add_argument("--explain", action="store_true", help="show which rules produced each event")
    common(timeline)
    library_commands.add_parsers(sub)
    community_commands.add_parsers(sub)
    return parser


def _article_path(value: str) -> Path:
    if not value.strip():
        raise argparse.ArgumentTypeError("the path is empty; name a file or a directory")
    return Path(value)


def _top_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if not 1 <= k <= TOP_K_MAX:
        raise argparse.ArgumentTypeError(f"must be between 1 and {TOP_K_MAX}, got {k}")
    return k


def main(argv: Sequence[str] | None = None, *, service_factory: ServiceFactory | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        overrides: dict[str, object] = {}
        if args.article:
            overrides["articles"] = args.article
        settings = read_settings(RetrievalSettings, **overrides)
        logging.basicConfig(
            level=settings.log_level or "WARNING", format="%(levelname)s %(name)s: %(message)s"
        )
        if args.command in library_commands.COMMANDS:
            return library_commands.run(args, settings, sys.stdout)
        if args.command in community_commands.COMMANDS:
            return community_commands.run(args, settings, sys.stdout)
        # --article names the whole corpus, as before the library; otherwise the library joins in.
        service = (service_factory or partial(Newsdesk.from_settings, library=not args.article))(settings)
        return _COMMANDS[args.command](service, args, sys.stdout)
    except NewsdeskError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        print(f"newsdesk: error: invalid setting {where}: {first['msg']}", file=sys.stderr)
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
    except BrokenPipeError:
        # `newsdesk … | head`: the reader left; say nothing more (stdout is gone).
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stops the flush at exit from failing again
        return 0
    return EXIT_USAGE


def _ask(service: Newsdesk, args: argparse.Namespace, out: TextIO) -> int:
    if args.question != "-":
        answer = service.ask(question_text(args.question), top_k=args.top_k)
        out.write(
            json.dumps(answer_json(answer), ensure_ascii=False) + "\n" if args.json else _answer_text(answer)
        )
        return 0
    # Batch mode: the model loads once; one JSON object per non-blank line, in order. A line that cannot
    # be used gets {"question", "error"} in its place and the batch goes on; the exit code says so at the end.
    failed = 0
    for raw in _stdin_lines():
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            question = raw.decode("utf-8", errors="replace").strip()
            row: dict[str, object] = {
                "question": question,
                "error": f"the question is not valid UTF-8 text ({exc.reason} at byte {exc.start})",
            }
        else:
            if not line.strip():
                continue
            question = " ".join(line.split())
            try:
                row = answer_json(service.ask(question_text(line), top_k=args.top_k))
            except QuestionError as exc:
                row = {"question": question, "error": str(exc)}
        failed += "error" in row
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        out.flush()
    if failed:
        print(f'newsdesk: error: {failed} question(s) could not be used; see their "error"', file=sys.stderr)
        return EXIT_USAGE
    return 0


def _stdin_lines() -> Iterator[bytes]:
    """Lines of standard input as bytes, so each is decoded (and refused) on its own."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        yield from buffer
    else:  # a text stream (tests, embedding): it was decoded already
        for line in sys.stdin:
            yield line.encode("utf-8", errors="surrogateescape")


def answer_json(answer: Answer) -> dict[str, object]:
    """The documented JSON shape of one answer."""
    return {
        "question": answer.question,
        "answerable": answer.answerable,
        "reason": answer.reason,
        "passages": [
            {
                "article": h.passage.article,
                "paragraph": h.passage.paragraph,
                "text": h.passage.text,
                "score": h.score,
                "speakers": list(h.speakers),
                "answer": asdict(h.answer) if h.answer else None,
            }
            for h in answer.hits
        ],
    }


def _answer_text(answer: Answer) -> str:
    lines = [f"Q: {answer.question}"]
    if not answer.answerable:
        why = f" ({answer.reason})" if answer.reason else ""
        lines.append(
            f"The article does not seem to answer this{why}. Closest passage:"
            if answer.hits
            else f"The article does not answer this{why}."
        )
    hits = answer.hits if answer.answerable else answer.hits[:1]
    for rank, hit in enumerate(hits, start=1):
        p = hit.passage
        speakers = f" · speakers: {', '.join(hit.speakers)}" if hit.speakers else ""
        lines.append(f"\n[{rank}] {p.article} ¶{p.paragraph} · score {hit.score:.3f}{speakers}")
        lines.append(f"    {marked(p.text, hit.answer)}")
    return "\n".join(lines) + "\n"


def marked(text: str, answer: AnswerSpan | None) -> str:
    """The passage with its answer sentence between ** marks, as Markdown shows bold."""
    if answer is None:
        return text
    return f"{text[: answer.start]}**{text[answer.start : answer.end]}**{text[answer.end :]}"


def _quotes(service: Newsdesk, args: argparse.Namespace, out: TextIO) -> int:
    quotes = service.quotes(speaker=args.speaker)
    if args.json:
        out.write(json.dumps({"quotes": [asdict(q) for q in quotes]}, ensure_ascii=False, indent=2) + "\n")
        return 0
    out.write(_quotes_text(quotes, service.speakers(), explain=args.explain))
    return 0


def _quotes_text(quotes: Sequence[Quote], speakers: Sequence[Speaker], *, explain: bool = False) -> str:
    if not quotes:
        return "No quotations found.\n"
    roles = {(s.article, s.name): s.role for s in speakers}
    groups: dict[tuple[str, str], list[Quote]] = {}
    for q in quotes:
        groups.setdefault((q.article, q.speaker), []).append(q)
    multi = len({q.article for q in quotes}) > 1
    lines: list[str] = []
    for (article, name), items in groups.items():
        role = roles.get((article, name))
        unresolved = "" if items[0].speaker_resolved else " (unresolved)"
        head = f"{name}{unresolved}" + (f", {role}" if role else "") + (f" [{article}]" if multi else "")
        lines.append(f"{head} — {len(items)} quote{'s' if len(items) != 1 else ''}")
        for q in items:
            lines.append(f"  ¶{q.paragraph} {q.kind:<8} {q.text}")
            if explain:
                lines.append(f"      rules: {' › '.join(q.rules) or '(none recorded)'}")
        lines.append("")
    return "\n".join(lines)


def _speakers(service: Newsdesk, args: argparse.Namespace, out: TextIO) -> int:
    speakers = service.speakers()
    if args.json:
        rows = [
            {
                "article": s.article,
                "name": s.name,
                "role": s.role,
                "kind": s.kind,
                "aliases": list(s.aliases),
                "quotes": s.quotes,
                "first_paragraph": s.first_paragraph,
            }
            for s in speakers
        ]
        out.write(json.dumps({"speakers": rows}, ensure_ascii=False, indent=2) + "\n")
        return 0
    if not speakers:
        out.write("No one is quoted.\n")
    for s in speakers:
        if s.name == UNATTRIBUTED:  # a pronoun that refers to no one named: not a speaker beside the others
            out.write(
                f"(unattributed: {s.quotes} quote{'s' if s.quotes != 1 else ''}, as {', '.join(s.aliases)})\n"
            )
            continue
        role = f", {s.role}" if s.role else ""
        aliases = [a for a in s.aliases if a != s.name]
        seen = f" (also: {', '.join(aliases)})" if aliases else ""
        out.write(
            f"{s.name}{role} — {s.kind}, {s.quotes} quote{'s' if s.quotes != 1 else ''}, "
            f"first in ¶{s.first_paragraph}{seen}\n"
        )
    return 0


def _timeline(service: Newsdesk, args: argparse.Namespace, out: TextIO) -> int:
    published = None
    if args.published is not None:
        try:
            published = date.fromisoformat(args.published)
        except ValueError:
            raise NewsdeskError(f"--published must be a date as YYYY-MM-DD, got {args.published!r}") from None
    timeline = service.timeline(published=published)
    if args.json:
        out.write(json.dumps(asdict(timeline), ensure_ascii=False, indent=2) + "\n")
        return 0
    out.write(_timeline_text(timeline, explain=args.explain))
    return 0


def _timeline_text(timeline: Timeline, *, explain: bool = False) -> str:
    lines = []
    for a in timeline.articles:
        when = (
            f"published {a.published} ({a.published_source})"
            if a.published
            else ("publication date unknown: relative dates are ordered but not dated")
        )
        lines.append(f"{a.title or a.article}: {when}")
    lines.append("")
    multi = len(timeline.articles) > 1
    for e in timeline.events:
        when = e.date or "(undated)"
        modifier = f" ({e.modifier})" if e.modifier else ""
        speaker = f" — {e.speaker}" if e.speaker else ""
        where = f"{e.article} ¶{e.paragraph}" if multi else f"¶{e.paragraph}"
        lines.append(f"{when:<10}{modifier:<8} {where:<5} [{e.expression}] {e.text}{speaker}")
        if explain:
            lines.append(f"{'':<24} rules: {' › '.join(e.rules) or '(none recorded)'}")
    if not timeline.events:
        lines.append("No dated events found.")
    return "\n".join(lines) + "\n"


_COMMANDS: dict[str, Callable[[Newsdesk, argparse.Namespace, TextIO], int]] = {
    "ask": _ask,
    "quotes": _quotes,
    "speakers": _speakers,
    "timeline": _timeline,
}
