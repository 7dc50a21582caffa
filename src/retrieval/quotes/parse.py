"""What is parsed: paragraphs, or bounded windows of whole sentences of a long one; and the parse."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..models import Article, Paragraph
from ..nlp import load_spacy
from ..text import last_at_most, sentence_ends
from .lexicon import INDIRECT_VERBS
from .marks import MarkSpan, pair_marks
from .syntax import SUBJECT_DEPS, lemma, tokens_in

if TYPE_CHECKING:
    from spacy.tokens import Doc

# A paragraph is parsed in windows of whole sentences of at most this many characters: spaCy refuses a
# text over 1,000,000 characters (E088), and several lookups scan a whole document per quote. News
# paragraphs are far shorter (under 1,000 characters in PolNeAR), so only transcripts and run-on text
# are ever cut.
WINDOW_CHARS = 2000
_TAIL_WORDS = 6  # "…, the official said on Monday." : words allowed after the verb of an attribution


def parse(units: list[Unit], progress: Callable[[int], object] | None = None) -> list[Doc]:
    """The spaCy parse of each unit, in order; ``progress`` hears the characters parsed so far."""
    docs = []
    for unit, doc in zip(units, load_spacy().pipe([u.view.text for u in units]), strict=True):
        docs.append(doc)
        if progress is not None:
            progress(len(unit.view.text) + 1)
    return docs


@dataclass(frozen=True, slots=True)
class Unit:
    """What is parsed as one document: a paragraph, or a window of a long one."""

    view: Paragraph  # the window's text, numbered in the sequence of parsed units
    paragraph: int  # the article's paragraph number
    offset: int  # where the window starts in the paragraph


def units(article: Article) -> list[Unit]:
    """Paragraphs to parse; one longer than ``WINDOW_CHARS`` becomes windows of whole sentences.

    Numbers stay the paragraphs' own while nothing is cut, so ordinary articles parse exactly as before;
    each extra window shifts the numbers after it by one.
    """
    units: list[Unit] = []
    shift = 0
    for para in article.paragraphs:
        if not para.text.strip():
            continue
        spans = windows(para.text)
        for k, (start, end) in enumerate(spans):
            view = Paragraph(para.number + shift + k, para.text[start:end].rstrip())
            units.append(Unit(view, para.number, start))
        shift += len(spans) - 1
    return units


def windows(text: str, limit: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Cut ``text`` into ``(start, end)`` windows of at most ``limit`` characters, covering all of it.

    Cuts fall at a sentence end outside quotation marks where there is one, else at any sentence end,
    else at a space, else anywhere: the parser's cost grows faster than the window, never its count.
    Linear in the length of the text.
    """
    if len(text) <= limit:
        return [(0, len(text))]
    quoted = pair_marks(text)
    ends: list[int] = []
    outside: list[int] = []
    k = 0
    for cut in sentence_ends(text):
        while k < len(quoted) and quoted[k].end <= cut:
            k += 1
        ends.append(cut)
        if k == len(quoted) or quoted[k].start >= cut:
            outside.append(cut)
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        hi = start + limit
        found = last_at_most(outside, start, hi) or last_at_most(ends, start, hi)
        if found is None:
            space = text.rfind(" ", start + 1, hi)
            found = space + 1 if space > start else hi
        spans.append((start, found))
        start = found
    spans.append((start, len(text)))
    return spans


def trim_unclosed(doc: Doc, spans: list[MarkSpan]) -> list[MarkSpan]:
    """End a quote whose closing mark is missing before the attribution it swallowed (", she said.")."""
    out = []
    for span in spans:
        cut = None if span.closed else _attribution_comma(doc, span)
        if cut is not None:
            span = MarkSpan(span.start, cut, span.inner_start, cut, span.opened, closed=False)
        out.append(span)
    return out


def _attribution_comma(doc: Doc, span: MarkSpan) -> int | None:
    """The offset of the comma before a "…, X said." or "…, said X." clause inside an unclosed quote."""
    for verb in tokens_in(doc, span.inner_start, span.inner_end):
        if verb.pos_ != "VERB" or lemma(verb) not in INDIRECT_VERBS:
            continue
        tail = [t for t in verb.sent if t.i > verb.i and not t.is_punct]
        if len(tail) > _TAIL_WORDS:
            continue
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is None:
            continue
        if subject.i < verb.i:
            comma = doc[subject.left_edge.i - 1] if subject.left_edge.i > 0 else None
            between_ok = subject.right_edge.i == verb.i - 1
        else:
            comma = doc[verb.i - 1] if verb.i > 0 else None
            between_ok = True
        if comma is not None and comma.text == "," and between_ok and comma.idx > span.inner_start:
            return comma.idx
    return None
