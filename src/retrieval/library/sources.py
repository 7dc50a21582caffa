"""Reading a source an editor names: an ``http(s)`` link, an ``.html`` file or a ``.txt`` file."""

from __future__ import annotations

from pathlib import Path

from ..article import parse_article, read_article_bytes
from ..errors import ArticleError
from ..limits import ARTICLE_MAX_BYTES
from .fetch import fetch
from .pages import ExtractedArticle, extract_html

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
TEXT_SUFFIXES = frozenset({".txt"})


def is_url(source: str) -> bool:
    """True for something that should be fetched rather than read from disk."""
    return source.lower().startswith(("http://", "https://"))


def read_source(source: str, *, allow_private: bool = False) -> ExtractedArticle:
    """The article behind a link or a file; ArticleError (one line) when it cannot be had."""
    if is_url(source):
        page = fetch(source, allow_private=allow_private)
        if page.content_type == "text/plain":
            return _from_text(page.body, page.url, url=page.url, charset=page.charset)
        return _within_limit(extract_html(page.body, url=page.url), page.url)
    if "://" in source:
        raise ArticleError(f"{source}: only http and https links can be added")
    path = Path(source)
    # The same reader as --article: FIFOs and devices are refused, not waited on; one size limit.
    data = read_article_bytes(path)
    return read_bytes(data, path.name, where=str(path))


def read_bytes(data: bytes, filename: str, *, where: str | None = None) -> ExtractedArticle:
    """An uploaded or local file, by its suffix: ``.txt`` (front matter allowed) or ``.html``."""
    suffix = Path(filename).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return _within_limit(extract_html(data), where or filename)
    if suffix in TEXT_SUFFIXES:
        return _from_text(data, where or filename)
    raise ArticleError(f"{where or filename}: not a .txt or .html file")


def _from_text(
    data: bytes, where: str, *, url: str | None = None, charset: str | None = None
) -> ExtractedArticle:
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
        try:
            data = data.decode(charset).encode()
        except (LookupError, UnicodeDecodeError):
            raise ArticleError(f"{where}: cannot decode the text as {charset}") from None
    article = parse_article(data, article_id="new", path=where)
    return _within_limit(
        ExtractedArticle(
            title=article.title,
            published=article.published,
            source=article.source,
            url=article.url or url,
            text=article.text,
        ),
        where,
    )


def _within_limit(article: ExtractedArticle, where: str) -> ExtractedArticle:
    """``article``, or ArticleError when its text is over the one-article limit (a page may be bigger)."""
    size = len(article.text.encode("utf-8"))
    if size > ARTICLE_MAX_BYTES:
        raise ArticleError(
            f"{where}: the article's text is {size / 1e6:.1f} MB, over the "
            f"{ARTICLE_MAX_BYTES / 1e6:g} MB limit for one article"
        )
    return article
