"""Turning what an editor has (a web page, a text file) into an article: text plus front matter."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date

from ..errors import ArticleError
from .boilerplate import clean_lines

log = logging.getLogger(__name__)

# Below this many words the "article" is a paywall stub, an error page or an index page.
MIN_WORDS = 40


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """An article as extracted, before it is stored: metadata and paragraphs (one per line of ``text``)."""

    title: str | None
    published: date | None
    source: str | None
    url: str | None
    text: str

    def document(self) -> str:
        """The article as a newsdesk text file: front matter, then one paragraph per blank-line block."""
        meta = {
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
            "url": self.url,
        }
        head = [f"{key}: {_one_line(value)}" for key, value in meta.items() if value]
        body = "\n\n".join(self.text.split("\n"))
        return ("---\n" + "\n".join(head) + "\n---\n\n" if head else "") + body + "\n"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def extract_html(html: bytes | str, *, url: str | None = None, clean: bool = True) -> ExtractedArticle:
    """The main text and metadata of a web page (trafilatura: body only, no comments, paragraphs kept).

    With ``clean`` (the default), prompts, captions, bylines and closing link lists are dropped too
    (see :mod:`retrieval.library.boilerplate`).
    """
    import trafilatura  # heavy: only when a page is extracted

    where = url or "the page"
    try:
        # The text and the metadata are two calls: bare_extraction ignores the precision mode.
        body = trafilatura.extract(html, url=url, include_comments=False, favor_precision=clean)
        meta = trafilatura.extract_metadata(html, default_url=url)
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        raise ArticleError(f"{where}: could not read the HTML ({type(exc).__name__})") from None
    if not body:
        raise ArticleError(f"{where}: no article text found on the page")
    title = _clean_meta(meta.title if meta else None)
    lines = body.split("\n")
    if clean:
        lines = clean_lines(lines, title=title)
    text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
    if len(re.findall(r"\w+", text)) < MIN_WORDS:
        raise ArticleError(f"{where}: the page holds too little text to be an article")
    return ExtractedArticle(
        title=title,
        published=_date(meta.date if meta else None),
        source=(_clean_meta(meta.sitename) or _clean_meta(meta.hostname)) if meta else None,
        url=(_clean_meta(meta.url) if meta else None) or url,
        text=text,
    )


def _clean_meta(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        log.info("ignoring an unreadable page date %r", value)
        return None
