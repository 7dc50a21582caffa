"""Cue rules: what attributes a quotation in marks (a speech verb, a byline dash, a colon, a label).

Tried in order for each quoted candidate, past each rule's gate (the quote kinds it looks at); the first
rule that finds a cue wins and fills in the candidate (``sets`` says which field). A direct quote that
no rule attributes continues the speaker in context; a partial one is dropped (a scare quote).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .candidates import Candidate, Para
from .lexicon import DOCUMENT_NOUNS
from .rules import SKIPPED, Rule, first
from .syntax import governing_cue, in_quotes, is_cue

if TYPE_CHECKING:
    from spacy.tokens import Token

_DASH_BYLINE = re.compile(r"\s*[―—–]\s*")
_TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z.'’\- ]{1,40}):\s+")  # "PENCE: Well, look, …"
_NEXT_SENTENCE_WORDS = 12  # "“…?” Graham asked." : a short sentence after a quote can attribute it
_DIRECT = frozenset({"direct"})
_MARKED = frozenset({"direct", "partial"})


def attribute_cue(para: Para, cand: Candidate) -> None:
    """Run the cue rules on a quoted candidate; record the rule that found its cue."""
    if cand.marked is None:
        return
    found = first(CUE_RULES, cand.kind, para, cand, where=f"paragraph {para.number}")
    if found is SKIPPED:
        cand.skipped = True
    elif found is not None:
        cand.rules.append(found[1])
    cand.needs_context = cand.cue is None and cand.label is None


def transcript_label(para: Para, cand: Candidate) -> bool:
    """A speaker label in capitals opens the quote: ‘“PENCE: Well, look, …”’."""
    span = cand.marked.span if cand.marked else None
    if span is None or span.inner_start != span.start + int(span.opened):
        return False
    label = _TRANSCRIPT_LABEL.match(para.text, span.inner_start)
    if label is None:
        return False
    cand.label = label.group(1).strip()
    cand.start = label.end()
    return True


def dash_byline(para: Para, cand: Candidate) -> bool:
    """A name after a dash follows the closing mark: ‘“We will win.” — Hillary Clinton’."""
    span = cand.marked.span if cand.marked else None
    rest = para.text[span.end :] if span is not None and span.closed else ""
    dash = _DASH_BYLINE.match(rest) if rest.strip() else None
    if span is None or dash is None:
        return False
    after = span.end + dash.end()
    name = next((t for t in para.doc if t.idx >= after and t.pos_ == "PROPN"), None)
    if name is None or name.idx - after >= 3:
        return False
    while name.dep_ in {"compound", "flat"} and name.head.pos_ == "PROPN":
        name = name.head
    cand.cue = name
    return True


def governing_verb(para: Para, cand: Candidate) -> bool:
    """The speech verb above the quote in the parse: ‘Li said the plan was “a mistake”.’"""
    cand.cue = governing_cue(cand.marked.tokens, para.ranges) if cand.marked else None
    return cand.cue is not None


def verb_after_quote(para: Para, cand: Candidate) -> bool:
    """A speech verb after the closing mark: ‘“We will appeal,” the spokesman said.’"""
    cand.cue = next((t for t in cand.marked.post_tokens if is_cue(t)), None) if cand.marked else None
    return cand.cue is not None


def verb_before_quote(para: Para, cand: Candidate) -> bool:
    """A speech verb before a colon or comma that opens the quote: ‘Li said, “We will appeal.”’"""
    m = cand.marked
    if m is None or not m.pre.endswith((":", ",")):
        return False
    cand.cue = next((t for t in reversed(m.pre_tokens) if is_cue(t)), None)
    return cand.cue is not None


def sentence_root_verb(para: Para, cand: Candidate) -> bool:
    """The sentence's main verb speaks a fragment: ‘Li called the plan, in his words, “a mistake”.’"""
    root = cand.marked.first_sent.root if cand.marked else None
    if root is None or not is_cue(root) or in_quotes(root, para.ranges):
        return False
    cand.cue = root
    return True


def next_sentence_verb(para: Para, cand: Candidate) -> bool:
    """A short sentence after the quote names its speaker: ‘“Why now?” Graham asked.’"""
    m = cand.marked
    if m is None or m.post or m.last_sent.end >= len(para.doc):
        return False
    following = [t for t in para.doc[m.last_sent.end].sent if not in_quotes(t, para.ranges)]
    if sum(t.is_alpha for t in following) > _NEXT_SENTENCE_WORDS:
        return False
    cand.cue = next((t for t in following[:6] if is_cue(t)), None)
    return cand.cue is not None


def document_after(para: Para, cand: Candidate) -> bool:
    """A document named right after the quote speaks it: ‘“…”, is in the same note.’"""
    post = cand.marked.post_tokens[:6] if cand.marked else []
    cand.cue = next((t for t in post if t.pos_ == "NOUN" and t.lemma_.lower() in DOCUMENT_NOUNS), None)
    return cand.cue is not None


def colon_intro(para: Para, cand: Candidate) -> bool:
    """The sentence or paragraph before ends in a colon after a speech verb: ‘Li said:’ ¶ ‘“We will …”’."""
    cue = _colon_cue(para, cand.marked.first_sent) if cand.marked else None
    if cue is None:
        return False
    cand.cue = cue
    if cue.doc is not para.doc:
        cand.cue_paragraph = para.units[para.index - 1].view.number
    return True


def _colon_cue(para: Para, sent: object) -> Token | None:
    """The speech verb of the sentence (or paragraph) before ``sent``, when that ends in a colon."""
    doc = para.doc
    start = sent.start  # type: ignore[attr-defined]
    if start > 0:
        prev_sent = doc[start - 1].sent
        if not prev_sent.text.rstrip().endswith(":"):
            return None
        return next(
            (t for t in reversed(list(prev_sent)) if is_cue(t) and not in_quotes(t, para.ranges)), None
        )
    if para.index == 0:
        return None
    prev_doc = para.docs[para.index - 1]
    if len(prev_doc) == 0 or not prev_doc.text.rstrip().endswith(":"):
        return None
    return next((t for t in reversed(list(prev_doc[-1].sent)) if is_cue(t)), None)


# Order matters: the first rule that finds a cue wins.
CUE_RULES: tuple[Rule[bool], ...] = (
    Rule("transcript_label", transcript_label, kinds=_MARKED, sets="label"),
    Rule("dash_byline", dash_byline, kinds=_MARKED, sets="cue"),
    Rule("governing_verb", governing_verb, kinds=_MARKED, sets="cue"),
    Rule("verb_after_quote", verb_after_quote, kinds=_DIRECT, sets="cue"),
    Rule("verb_before_quote", verb_before_quote, kinds=_DIRECT, sets="cue"),
    Rule("sentence_root_verb", sentence_root_verb, kinds=frozenset({"partial"}), sets="cue"),
    Rule("next_sentence_verb", next_sentence_verb, kinds=_DIRECT, sets="cue"),
    Rule("document_after", document_after, kinds=_MARKED, sets="cue"),
    Rule("colon_intro", colon_intro, kinds=_DIRECT, sets="cue, cue_paragraph"),
)
