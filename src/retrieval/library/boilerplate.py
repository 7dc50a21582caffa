"""Lines an extractor keeps that are not the article: prompts, link lists, captions, bylines.

trafilatura finds the main block of a page well, but the block often ends with a newsletter prompt, a
"Related:" list or a credit line. These rules are about the *kind* of line, never about one site: they
were written by looking at what trafilatura keeps on news pages and are measured by
``benchmarks/eval_extract.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A line that opens like this is a prompt or a pointer elsewhere, not reporting.
_PROMPT_START = re.compile(
    r"""^(?:
        related(?:\s+(?:articles?|stories|content|coverage|reading))?\s*: |
        (?:see|read|watch)\s+(?:more|also|next)\b |
        also\s+read\b | more\s*: | don'?t\s+miss\b | recommended\s*: |
        (?:sign\s+up|subscribe)\b |
        follow\s+(?:us|him|her|them|\w+\s+on)\b |
        (?:click|tap)\s+here\b |
        have\s+a\s+(?:news\s+)?tip\b |
        if\s+you\s+(?:enjoyed|liked|like|found)\s+this\b |
        get\s+(?:the\s+)?(?:latest|day.s|our)\b.*\b(?:inbox|newsletters?)\b |
        (?:share|tweet)\s+(?:this|on)\b |
        (?:copyright|©)\s |
        (?:photo|image|picture|video)\s*(?:credit)?\s*: |
        (?:updated|published|posted)\s+(?:at|on)?\s*\d
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Prompts can also end a line: "... delivered to your inbox", "... [VIDEO]".
_PROMPT_ANYWHERE = re.compile(
    r"(?:\bsubscribe\s+to\b.*\bnewsletters?\b|\bdelivered\s+(?:right\s+)?to\s+your\s+inbox\b|"
    r"\bsign\s+up\s+for\s+(?:our|the)\b.*\bnewsletter|\[(?:VIDEO|PICTURES|INSIGHT|REACTION|POLL|PHOTOS)\]\s*\|?$|"
    r"\b(?:photos?|images?)\s*©|©\s*\w+,?\s*\d{4}\s*$)",
    re.IGNORECASE,
)
# "By Jane Doe", "By Jane Doe and John Roe | Reuters": a byline, short and without a full stop.
_BYLINE = re.compile(r"^[Bb]y\s+[A-Z][\w.'’-]*(?:\s+[A-Z&|,][\w.'’-]*){0,8}$")


def is_boilerplate(line: str) -> bool:
    """True for a line that is a prompt, caption, credit, byline or pointer to other pages."""
    text = line.strip().lstrip("-–•* ").strip()
    if not text:
        return True
    return bool(_PROMPT_START.match(text) or _PROMPT_ANYWHERE.search(text) or _BYLINE.match(text))


def clean_lines(lines: Sequence[str], *, title: str | None = None) -> list[str]:
    """The article's lines without boilerplate or a repeated headline."""
    kept = [line.strip() for line in lines if line.strip()]
    if title and kept and _same(kept[0], title):
        kept.pop(0)  # the headline is front matter, not the body's first paragraph
    kept = [line for line in kept if not is_boilerplate(line)]
    return kept


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(re.findall(r"\w+", s.casefold()))

    return norm(a) == norm(b)
