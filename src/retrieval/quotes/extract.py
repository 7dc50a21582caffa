"""Quotation extraction and speaker attribution: the rule pipeline walked over an article in order.

For each parsed paragraph: the candidate rules find quotations (``candidates.py``), the cue rules find
what attributes each (``cues.py``), the speaker rules and mention rules say who speaks
(``speakers.py``, ``mentions.py``), and the tally rules settle how the speaker is listed (``tally.py``).
Quotes running over several paragraphs are linked here, so their pieces share one speaker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..models import Article, Quote, QuoteExtraction
from .candidates import Candidate, Para, find_candidates
from .cues import attribute_cue
from .entities import Registry
from .marks import pair_marks, starts_with_opener
from .parse import WINDOW_CHARS, Unit, parse, trim_unclosed, units, windows
from .speakers import At, attribute
from .tally import speakers, tally_rules
from .who import State, Who, context_speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["EXTRACTOR_VERSION", "WINDOW_CHARS", "extract_quotes", "windows"]

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "quotes-8"  # bump whenever the output changes: results are cached by it
# What the parser itself may raise on text it cannot take (spaCy's E088 and kin are ValueErrors): the
# article's quotes are then unknown, never "none". Errors of the rules are handled rule by rule.
_PARSER_ERRORS = (ValueError, MemoryError)


def extract_quotes(article: Article, *, progress: Callable[[int], object] | None = None) -> QuoteExtraction:
    """Find the quotations of an article and attribute each to a speaker.

    If the parser fails, this article's quotes are unknown: it is logged in one line and the result says
    ``complete=False``, so nobody caches it as "no quotes". A rule that fails costs only the item it was
    working on (or fails loudly under ``NEWSDESK_STRICT=1``). ``progress`` hears the characters parsed.
    """
    parts = units(article)
    if not parts:
        return QuoteExtraction()
    try:
        docs = _parse(parts, progress)
    except _PARSER_ERRORS as exc:
        log.error("quote extraction failed for %s: %s: %s", article.id, type(exc).__name__, exc)
        log.debug("quote extraction failed for %s", article.id, exc_info=True)
        return QuoteExtraction(complete=False)
    return _Walk(article.id, parts, docs).run()


def _parse(parts: list[Unit], progress: Callable[[int], object] | None) -> list[Doc]:
    """The parse of every unit (a seam for tests that make the parser fail)."""
    return parse(parts, progress)


def _kept(cand: Candidate) -> bool:
    """Whether a candidate goes on: not skipped by a failing rule, and no partial quote nobody speaks
    (a scare quote or a name)."""
    return not cand.skipped and (cand.marked is None or bool(cand.cue or cand.label) or cand.kind == "direct")


@dataclass(slots=True)
class _Pending:
    """A piece of a multi-paragraph quote whose attribution comes later: decided at the end."""

    unit: Unit
    cand: Candidate
    fallback: Who | None


@dataclass(slots=True)
class _Walk:
    """One pass over an article's parsed units, in order, keeping the discourse state."""

    article_id: str
    units: list[Unit]
    docs: list[Doc]
    registry: Registry = field(init=False)
    state: State = field(default_factory=State)
    found: list[tuple[Quote, Who]] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    group_id: int = 0
    open_group: int | None = None

    def __post_init__(self) -> None:
        self.registry = Registry([u.view.number for u in self.units], self.docs)

    def run(self) -> QuoteExtraction:
        """Every quote and speaker of the article."""
        for index, doc in enumerate(self.docs):
            self._paragraph(index, doc)
        for item in self.pending:
            group = self.state.groups.get(item.cand.group) if item.cand.group is not None else None
            if group is not None:
                self._add(item.unit, item.cand, group, "quote_group")
            elif item.fallback is not None:
                self._add(item.unit, item.cand, item.fallback, "continues_context")
        self.found.sort(key=lambda pair: (pair[0].paragraph, pair[0].start))
        return QuoteExtraction(
            quotes=tuple(q for q, _ in self.found),
            speakers=speakers(self.article_id, self.found, self.registry),
        )

    def _paragraph(self, index: int, doc: Doc) -> None:
        """Find, attribute and keep the quotes of one unit."""
        unit = self.units[index]
        para = Para(
            index, unit.view.number, doc, trim_unclosed(doc, pair_marks(doc.text)), self.units, self.docs
        )
        candidates = find_candidates(para)
        for cand in candidates:
            attribute_cue(para, cand)
        candidates = [c for c in candidates if _kept(c)]
        self._link(index, para, [c for c in candidates if c.marked is not None])
        candidates.sort(key=lambda c: c.start)
        at = At(para.number, self.registry, self.state, para.ranges)
        for cand in candidates:
            if cand.group is not None and cand.cue is None and cand.group not in self.state.groups:
                self.pending.append(_Pending(unit, cand, context_speaker(self.state, para.number)))
                continue
            who = attribute(cand, at)
            if who is None:
                continue
            if cand.group is not None:
                self.state.groups.setdefault(cand.group, who)
            self.state.last = ((para.number, cand.start), who)
            self._add(unit, cand, who)

    def _link(self, index: int, para: Para, marked: list[Candidate]) -> None:
        """Link the pieces of a quote left open at a paragraph's end and continued by the next."""
        spans = para.spans
        continued = spans and (not spans[0].opened or starts_with_opener(para.text))
        if self.open_group is not None and continued and marked and marked[0].start <= spans[0].inner_start:
            marked[0].group = self.open_group
        self.open_group = None
        if not spans or spans[-1].closed or spans[-1].end != len(para.text):
            return
        nxt = self.units[index + 1].view.text if index + 1 < len(self.units) else ""
        if not (starts_with_opener(nxt) or any(not s.opened for s in pair_marks(nxt)[:1])):
            return
        if marked and marked[-1].group is None and marked[-1].end >= spans[-1].inner_start:
            self.group_id += 1
            marked[-1].group = self.group_id
        self.open_group = marked[-1].group if marked else None

    def _add(self, unit: Unit, cand: Candidate, who: Who, rule: str | None = None) -> None:
        """Keep a quote (once per speaker, for "X and Y said"), in its paragraph's offsets."""
        for each in (who, *who.also):
            self._add_one(unit, cand, each if each is who else replace(each, rules=who.rules), rule)

    def _add_one(self, unit: Unit, cand: Candidate, who: Who, rule: str | None) -> None:
        """Keep a quote, its speaker settled by the tally rules, in its paragraph's offsets."""
        listed, fired = tally_rules(who)
        rules = (*cand.rules, *((rule,) if rule else who.rules), *fired)
        quote = Quote(
            article=self.article_id,
            speaker=listed.name,
            speaker_resolved=listed.resolved,
            text=unit.view.text[cand.start : cand.end],
            kind=cand.kind,
            paragraph=unit.paragraph,
            start=unit.offset + cand.start,
            end=unit.offset + cand.end,
            rules=tuple(dict.fromkeys(rules)),
        )
        self.found.append((quote, listed))
