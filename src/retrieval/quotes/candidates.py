"""Candidate rules: where the quotations of a paragraph are, before anyone is said to speak them.

Each rule finds candidates in one parsed paragraph; its vetoes drop a find. Order does not matter here
(candidates are sorted by position), but every rule's name goes first into the quote's ``rules``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import QuoteKind
from .lexicon import INDIRECT_VERBS, NAME_FUNCTION_WORDS, NAMING_NOUNS
from .marks import ALL_MARKS, MarkSpan
from .parse import Unit
from .rules import SKIPPED, Rule, apply, vetoed
from .syntax import in_quotes, is_cue, lemma, quote_ranges, tokens_in

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# A transcript turn: a speaker label in capitals, a colon, then what was said ("PENCE: Well, look, …").
_TURN_LABEL = re.compile(r"([A-Z][A-Z.'’\-]+(?: [A-Z][A-Z.'’\-]+){0,2}):\s+(?=\S)")
# Labels of the paper's own notes, not of anyone speaking.
_EDITORIAL = frozenset(
    """
    clarification correction update updated note editor's editor’s editors' watch read more related photos
    video disclosure disclaimer advertisement ad q a fact check breaking live
    """.split()
)
_MIXED_WORDS = 3  # words outside the marks for a reported clause with quoted fragments to be indirect


@dataclass(slots=True)
class Para:
    """One parsed unit (a paragraph or a window of one) and what every rule of it may look at."""

    index: int  # position in the sequence of parsed units
    number: int  # the unit's number (a paragraph's own while nothing is cut)
    doc: Doc
    spans: list[MarkSpan]
    units: Sequence[Unit]
    docs: Sequence[Doc]
    ranges: list[tuple[int, int]] = field(default_factory=list)
    direct: list[tuple[int, int]] = field(default_factory=list)  # inner ranges of direct quotes

    def __post_init__(self) -> None:
        self.ranges = quote_ranges(self.spans)

    @property
    def text(self) -> str:
        """The unit's text."""
        return self.doc.text


@dataclass(slots=True)
class Marked:
    """A quotation in marks and its sentence context: what the cue rules read."""

    span: MarkSpan
    tokens: list[Token]
    first_sent: Span
    last_sent: Span
    pre: str  # the sentence's text before the opening mark
    post: str  # the sentence's text after the closing mark
    pre_tokens: list[Token]
    post_tokens: list[Token]


@dataclass(slots=True)
class Candidate:
    """A quote found in a paragraph, waiting for its cue and speaker."""

    kind: QuoteKind
    start: int
    end: int
    cue: Token | None = None  # the speech verb, "according", a document noun or a byline name
    group: int | None = None  # pieces of one quote running over several paragraphs
    needs_context: bool = False  # no cue of its own: continues the speaker in context
    label: str | None = None  # a transcript's speaker label
    cue_paragraph: int | None = None  # set when the cue lies in the paragraph before ("He said:")
    marked: Marked | None = None
    rules: list[str] = field(default_factory=list)
    skipped: bool = False  # a rule failed on it (outside strict mode): it is dropped


def find_candidates(para: Para) -> list[Candidate]:
    """Every candidate of a paragraph, marked quotes first (the indirect rules need to know them)."""
    found: list[Candidate] = []
    for rule in CANDIDATE_RULES:
        got = apply(rule, para, where=f"paragraph {para.number}")
        if got is SKIPPED:
            continue
        for cand in got:
            cand.rules.insert(0, rule.name)
            found.append(cand)
        if rule.name == "quoted_span":
            para.direct = [(c.start, c.end) for c in found if c.kind == "direct"]
    return found


# --- vetoes ---------------------------------------------------------------------------------------


def no_words(para: Para, span: MarkSpan, tokens: Sequence[Token]) -> bool:
    """Marks around no word are no quote: ‘“ … ”’, ‘“2016”’."""
    return not any(t.is_alpha for t in tokens)


def title_case_name(para: Para, span: MarkSpan, tokens: Sequence[Token]) -> bool:
    """A short title-cased fragment is a name, not something said: ‘the ship “USS Enterprise”’."""
    doc = para.doc
    words = [t for t in tokens if t.is_alpha]
    if not words or len(words) > 6:
        return False
    if not all(t.text[0].isupper() or t.lower_ in NAME_FUNCTION_WORDS for t in words):
        return False
    if not any(t.text[0].isupper() for t in words):
        return False
    before = [t for t in doc if t.idx + len(t.text) <= span.start and not t.is_punct]
    if before and (before[-1].lower_ in NAMING_NOUNS or before[-1].lemma_.lower() in NAMING_NOUNS):
        return True
    # Title-cased but opening its sentence and ending in punctuation reads like a short utterance.
    sentence_start = tokens[0].sent.start_char if tokens else span.start
    first_alpha = next((t for t in doc if t.idx >= sentence_start and not t.is_punct), None)
    starts_sentence = first_alpha is not None and first_alpha.i == tokens[0].i
    ends_punct = span.inner_end > 0 and doc.text[span.inner_end - 1] in ".!?,"
    return not (starts_sentence and ends_punct)


def negated_verb(para: Para, verb: Token) -> bool:
    """What someone did not say is no quote of theirs: ‘Li did not say the talks failed.’"""
    return any(c.dep_ == "neg" for c in verb.children)


def editorial_label(para: Para, label: str) -> bool:
    """The paper's own note is no one's turn: ‘CLARIFICATION: The first sentence has been …’."""
    return any(word in _EDITORIAL for word in label.lower().replace(".", " ").split())


NO_WORDS: Rule[bool] = Rule("no_words", no_words)
EDITORIAL_LABEL: Rule[bool] = Rule("editorial_label", editorial_label)
TITLE_CASE_NAME: Rule[bool] = Rule("title_case_name", title_case_name)
NEGATED_VERB: Rule[bool] = Rule("negated_verb", negated_verb)


# --- candidate rules ------------------------------------------------------------------------------


def quoted_span(para: Para) -> list[Candidate]:
    """Text in quotation marks: ‘“We will appeal,” Li said.’ (direct, or partial inside a sentence)."""
    out = []
    for span in para.spans:
        tokens = tokens_in(para.doc, span.inner_start, span.inner_end)
        if vetoed(QUOTED_SPAN, para, span, tokens, where=f"paragraph {para.number}"):
            continue
        marked = _marked(para, span, tokens)
        kind: QuoteKind = "direct" if _starts_clean(marked) and _ends_clean(para, marked) else "partial"
        out.append(Candidate(kind=kind, start=span.inner_start, end=span.inner_end, marked=marked))
    return out


def _marked(para: Para, span: MarkSpan, tokens: list[Token]) -> Marked:
    """The sentence context of a quotation in marks."""
    doc, ranges = para.doc, para.ranges
    first_sent, last_sent = tokens[0].sent, tokens[-1].sent
    return Marked(
        span=span,
        tokens=tokens,
        first_sent=first_sent,
        last_sent=last_sent,
        pre=doc.text[first_sent.start_char : span.start].strip(),
        post=doc.text[span.end : last_sent.end_char].strip(),
        pre_tokens=[t for t in first_sent if t.idx < span.start and not in_quotes(t, ranges)],
        post_tokens=[t for t in last_sent if t.idx >= span.end and not in_quotes(t, ranges)],
    )


def _starts_clean(m: Marked) -> bool:
    """Whether the quotation opens its sentence (after a colon, a cue and a comma, or nothing said)."""
    pre = m.pre
    return (
        not pre
        or pre.endswith(":")
        or (pre.endswith(",") and any(is_cue(t) for t in m.pre_tokens))
        or all(not t.is_alpha for t in m.pre_tokens)
    )


def _ends_clean(para: Para, m: Marked) -> bool:
    """Whether the quotation ends its clause (punctuation, the sentence end, or an attribution after)."""
    closing = para.text[m.span.inner_end : m.span.end]
    return (
        not m.post
        or m.post[0] in ",.!?;—–―"
        or any(ch in ",.!?" for ch in closing)
        or any(is_cue(t) for t in m.post_tokens)
    )


def transcript_turn(para: Para) -> list[Candidate]:
    """A transcript turn without quotation marks: ‘PENCE: Well, look, we will win.’ (a label opens it)."""
    match = _TURN_LABEL.match(para.text)
    if (
        match is None
        or para.spans
        or vetoed(TRANSCRIPT_TURN, para, match.group(1), where=f"paragraph {para.number}")
    ):
        return []
    end = len(para.text.rstrip())
    if sum(ch.isalpha() for ch in para.text[match.end() : end]) < 2:
        return []
    return [Candidate(kind="direct", start=match.end(), end=end, label=match.group(1).strip())]


def according_to(para: Para) -> list[Candidate]:
    """The clause beside "according to X": ‘The talks failed, according to a diplomat.’"""
    out = []
    for tok in para.doc:
        if tok.lower_ != "according" or tok.dep_ != "prep" or in_quotes(tok, para.ranges):
            continue
        sent = tok.sent
        before = [t for t in sent if t.i < tok.left_edge.i]
        after = [t for t in sent if t.i > tok.right_edge.i]
        part = before if len(before) >= len(after) else after
        if any(ch in ALL_MARKS for ch in sent.text):
            cand = _mixed_clause(para.doc, part, tok, para.spans, para.direct)
        else:
            cand = _clause(part, "indirect")
        if cand is not None:
            cand.cue = tok
            out.append(cand)
    return out


def reported_clause(para: Para) -> list[Candidate]:
    """The clausal complement of a speech verb: ‘Li said (that) the talks had failed.’"""
    out = []
    ranges = para.ranges
    for tok in para.doc:
        if tok.pos_ != "VERB" or in_quotes(tok, ranges) or lemma(tok) not in INDIRECT_VERBS:
            continue
        ccomp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if ccomp is None or vetoed(REPORTED_CLAUSE, para, tok, where=f"paragraph {para.number}"):
            continue
        clause = list(ccomp.subtree)
        lo, hi = clause[0].idx, clause[-1].idx + len(clause[-1].text)
        while clause and (
            clause[0].dep_ == "mark" or (clause[0].is_punct and not in_quotes(clause[0], ranges))
        ):
            clause.pop(0)
        if any(ch in ALL_MARKS for ch in para.text[lo:hi]) or any(s < hi and lo < e for s, e in ranges):
            cand = _mixed_clause(para.doc, clause, tok, para.spans, para.direct)
        else:
            cand = _clause(clause, "indirect")
        if cand is not None:
            cand.cue = tok
            out.append(cand)
    return out


def _mixed_clause(
    doc: Doc,
    tokens: Sequence[Token],
    cue: Token,
    spans: Sequence[MarkSpan],
    direct: Sequence[tuple[int, int]],
) -> Candidate | None:
    """The indirect quote for a reported clause that holds quoted fragments, or None.

    The rule: the clause (the span an unquoted clause would give) is widened to take in whole every
    quotation it touches, marks included, and must stay inside the cue's sentence. It is an indirect
    quote when (a) none of those quotations is a direct quote (“…,” said Li. / Li said: “…”: the
    quotation is the whole content, an indirect copy would only repeat it) and (b) at least
    ``_MIXED_WORDS`` words lie outside the marks, so the reporter's own words carry part of what was
    said ("the Chinese military had “deployed troops …”" yes; "it was “ready to …”" no: that is the
    fragment with a pronoun and a copula, and the partial quote already says it). The fragments stay
    partial quotes of their own.
    """
    ranges = quote_ranges(spans)
    items = [t for t in tokens if not t.is_space]
    if not items:
        return None
    lo, hi = items[0].idx, items[-1].idx + len(items[-1].text)
    touched = [s for s in spans if s.start < hi and lo < s.end]
    if any(s.inner_start < de and ds < s.inner_end for s in touched for ds, de in direct):
        return None
    for span in touched:
        lo, hi = min(lo, span.start), max(hi, span.end)
    sent = cue.sent
    if lo < sent.start_char or hi > sent.end_char or lo <= cue.idx < hi:
        return None
    inside = [t for t in doc if t.idx >= lo and t.idx + len(t.text) <= hi]
    if sum(t.is_alpha and not in_quotes(t, ranges) for t in inside) < _MIXED_WORDS:
        return None
    while inside and inside[0].is_punct and not in_quotes(inside[0], ranges):
        inside.pop(0)
    while inside and inside[-1].is_punct and not in_quotes(inside[-1], ranges):
        inside.pop()
    if not inside:
        return None
    return Candidate(kind="indirect", start=inside[0].idx, end=inside[-1].idx + len(inside[-1].text))


def _clause(tokens: Sequence[Token], kind: QuoteKind) -> Candidate | None:
    """A candidate covering a run of tokens, trimmed of edge punctuation; None when too short."""
    items = list(tokens)
    while items and items[0].is_punct:
        items.pop(0)
    while items and items[-1].is_punct:
        items.pop()
    if sum(t.is_alpha for t in items) < 3:
        return None
    return Candidate(kind=kind, start=items[0].idx, end=items[-1].idx + len(items[-1].text))


QUOTED_SPAN: Rule[list[Candidate]] = Rule("quoted_span", quoted_span, vetoes=(NO_WORDS, TITLE_CASE_NAME))
TRANSCRIPT_TURN: Rule[list[Candidate]] = Rule("transcript_turn", transcript_turn, vetoes=(EDITORIAL_LABEL,))
REPORTED_CLAUSE: Rule[list[Candidate]] = Rule("reported_clause", reported_clause, vetoes=(NEGATED_VERB,))
# Order: marked quotes first, since a reported clause that holds one needs to know it is direct.
CANDIDATE_RULES: tuple[Rule[list[Candidate]], ...] = (
    QUOTED_SPAN,
    TRANSCRIPT_TURN,
    Rule("according_to", according_to),
    REPORTED_CLAUSE,
)
