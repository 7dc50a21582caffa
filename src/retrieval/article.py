"""Reading articles: UTF-8 text, optional front matter, one paragraph per line or blank-line separated."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Sequence
from datetime import date
from importlib import resources
from pathlib import Path

from .errors import ArticleError
from .limits import ARTICLE_MAX_BYTES
from .models import Article, Paragraph

FRONT_MATTER_KEYS = frozenset({"title", "published", "source", "url"})
_SOURCE_LINE = re.compile(r"^Source:\s*(?P<source>\S.*)$")
_KEY_VALUE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")


def bundled_article_path() -> Path:
    """The article that ships with the package and is used when none is given."""
    data = resources.files("retrieval") / "data"
    paths = sorted(Path(str(entry)) for entry in data.iterdir() if entry.name.endswith(".txt"))
    if not paths:
        raise ArticleError("the bundled article is missing from the installed package")
    return paths[0]


def parse_article(raw: bytes, *, article_id: str, path: str = "") -> Article:
    """Parse one article from its raw bytes; raise ArticleError on bad input."""
    _check_size(Path(path or article_id), len(raw))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{path or article_id}: not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, body = _split_front_matter(lines, path or article_id)
    paragraphs = _paragraphs(body)
    if paragraphs and (match := _SOURCE_LINE.match(paragraphs[-1])):
        paragraphs.pop()
        meta.setdefault("source", match["source"].strip())
    if not paragraphs:
        raise ArticleError(f"{path or article_id}: the article has no text")
    published = None
    if meta.get("published"):
        try:
            published = date.fromisoformat(meta["published"])
        except ValueError:
            where = path or article_id
            raise ArticleError(
                f"{where}: front matter 'published' must be YYYY-MM-DD, got {meta['published']!r}"
            ) from None
    return Article(
        id=article_id,
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        paragraphs=tuple(Paragraph(number, para) for number, para in enumerate(paragraphs, start=1)),
        title=meta.get("title") or None,
        published=published,
        source=meta.get("source") or None,
        url=meta.get("url") or None,
    )


def _split_front_matter(lines: list[str], where: str) -> tuple[dict[str, str], list[str]]:
    """Split off a leading ``---`` block of ``key: value`` lines, if there is one."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or lines[first].strip() != "---":
        return {}, lines
    try:
        end = next(i for i in range(first + 1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ArticleError(f"{where}: front matter opened with '---' but never closed") from None
    meta: dict[str, str] = {}
    for line in lines[first + 1 : end]:
        if not line.strip():
            continue
        match = _KEY_VALUE.match(line.strip())
        if not match:
            raise ArticleError(f"{where}: front matter line is not 'key: value': {line.strip()!r}")
        key = match["key"].lower()
        if key in FRONT_MATTER_KEYS:
            meta[key] = match["value"].strip().strip("\"'")
    return meta, lines[end + 1 :]


def _paragraphs(lines: list[str]) -> list[str]:
    """One paragraph per non-blank line, or per blank-line separated block when lines are wrapped."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    # Blank-line separated text with wrapped lines: join each block. Otherwise each line is a paragraph.
    wrapped = len(blocks) > 1 and any(len(block) > 1 for block in blocks)
    if wrapped:
        return [" ".join(block) for block in blocks]
    return [line for block in blocks for line in block]


def load_article(path: Path) -> Article:
    """Read and parse one article file: a regular file of at most ``ARTICLE_MAX_BYTES``."""
    return parse_article(read_article_bytes(path), article_id=path.stem, path=str(path))


def read_article_bytes(path: Path) -> bytes:
    """The bytes of an article file; ArticleError (one line) for anything but a readable regular file."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ArticleError(f"{path}: is a directory") from None
    except OSError as exc:
        raise ArticleError(f"{path}: cannot be read ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise ArticleError(f"{path}: is a directory")
        if not stat.S_ISREG(status.st_mode):
            raise ArticleError(f"{path}: not a regular file (a pipe, socket or device); give a text file")
        _check_size(path, status.st_size)
        try:
            raw = handle.read(ARTICLE_MAX_BYTES + 1)
        except OSError as exc:
            raise ArticleError(f"{path}: cannot be read ({exc.strerror})") from None
    _check_size(path, len(raw))
    return raw


def _check_size(path: Path, size: int) -> None:
    if size > ARTICLE_MAX_BYTES:
        raise ArticleError(
            f"{path}: {size / 1e6:.1f} MB is over the {ARTICLE_MAX_BYTES / 1e6:g} MB limit for one article; "
            "split it into several files"
        )


def _kind(path: Path) -> str:
    """'dir', 'file' or 'missing'; ArticleError when the path cannot be looked at (no permission)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        raise ArticleError(f"{path}: cannot be read ({exc.strerror})") from None
    return "dir" if stat.S_ISDIR(mode) else "file"


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files stay as they are; a directory stands for its ``*.txt`` files, sorted. A file named twice
    (``a/x.txt`` and ``a/../a/x.txt``, or through a link) counts once, where it is first named."""
    out: list[Path] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop: load_article says so
            resolved = path.absolute()
        if resolved not in seen:
            seen.add(resolved)
            out.append(path)

    for path in paths:
        kind = _kind(path)
        if kind == "dir":
            try:
                found = sorted(path.glob("*.txt"))
            except OSError as exc:
                raise ArticleError(f"{path}: cannot be read ({exc.strerror})") from None
            if not found:
                raise ArticleError(f"{path}: directory holds no *.txt articles")
            for item in found:
                add(item)
        elif kind == "file":
            add(path)
        else:
            raise ArticleError(f"{path}: no such file or directory")
    return out


def load_articles(paths: Sequence[Path] | None = None) -> list[Article]:
    """Load a corpus: the given files and directories, or the bundled article. Ids must be unique."""
    files = expand_paths(paths) if paths else [bundled_article_path()]
    articles = [load_article(path) for path in files]
    seen: dict[str, str] = {}
    for article in articles:
        if article.id in seen and seen[article.id] != article.path:
            raise ArticleError(
                f"two articles share the name {article.id!r}: {seen[article.id]} and {article.path}"
            )
        seen[article.id] = article.path
    # The same file named twice is one article.
    unique = {article.path: article for article in articles}
    return list(unique.values())
