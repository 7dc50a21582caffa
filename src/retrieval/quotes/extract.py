"""Rule-based quotation extraction and speaker attribution over a spaCy parse of each paragraph."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Article, Paragraph, Quote, QuoteExtraction, QuoteKind, Speaker, SpeakerKind
from ..nlp import load_spacy
from ..text import last_at_most, sentence_ends
from .entities import Entity, Pos, Registry
from .lexicon import (
    CLAUSE_ONLY_VERBS,
    CUE_VERBS,
    DOCUMENT_NOUNS,
    GROUP_PRONOUNS,
    INDIRECT_VERBS,
    NAME_FUNCTION_WORDS,
    NAMING_NOUNS,
    ORG_NOUNS,
    PARTY_NOUNS,
    PERSON_PRONOUNS,
    PERSON_ROLES,
    SPEECH_NOUNS,
)
from .marks import ALL_MARKS, MarkSpan, pair_marks, starts_with_opener

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "quotes-6"  # bump whenever the output changes: results are cached by it
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_CLIMB_DEPS = frozenset({"conj", "xcomp", "advcl", "pcomp"})  # verbs that share their head's subject
_NP_DROP = frozenset({"appos", "relcl", "acl", "punct", "cc", "conj", "advcl", "parataxis"})
_NP_PREPS = frozenset({"of", "for", "at", "from"})
_MAX_CHAIN = 12  # dependency hops from a quote to its cue verb; parses are shallow, this is generous
_CONTEXT_PARAGRAPHS = 1  # an unattributed quote continues the speaker of this many paragraphs back
_PRONOUN_PARAGRAPHS = 2
_TAIL_WORDS = 6  # "…, the official said on Monday." : words allowed after the verb of an attribution
_MIXED_WORDS = 3  # words outside the marks for a reported clause with quoted fragments to be indirect
_NEXT_SENTENCE_WORDS = 12  # "“…?” Graham asked." : a short sentence after a quote can attribute it
_COGNITIVE = frozenset({"believe", "think", "want", "hope", "feel", "wonder", "fear", "know"})
_PEOPLE_NOUNS = frozenset(
    """
    source person people man woman men women voter voters resident critic supporter opponent member
    worker parent student teacher doctor expert witness protester demonstrator activist fan friend
    neighbor neighbour colleague staffer insider observer analyst lawmaker aide
    """.split()
)
_SUFFIXES = (
    ("ied", "y"),
    ("ies", "y"),
    ("ing", ""),
    ("ing", "e"),
    ("ed", ""),
    ("ed", "e"),
    ("d", ""),
    ("s", ""),
)
_ISSUING_VERBS = frozenset({"issue", "release", "publish", "send", "post", "put", "circulate", "file"})
_DASH_BYLINE = re.compile(r"\s*[―—–]\s*")
_TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z.'’\- ]{1,40}):\s+")  # "PENCE: Well, look, …"
# A paragraph is parsed in windows of whole sentences of at most this many characters: spaCy refuses a
# text over 1,000,000 characters (E088), and several lookups here scan a whole document per quote. News
# paragraphs are far shorter (under 1,000 characters in PolNeAR), so only transcripts and run-on text
# are ever cut.
WINDOW_CHARS = 2000


@dataclass(frozen=True, slots=True)
class _Who:
    """A resolved (or not) speaker for one attribution."""

    name: str
    resolved: bool
    kind: SpeakerKind
    surface: str
    entity: Entity | None = None


@dataclass(slots=True)
class _Candidate:
    """A quote found in a paragraph, waiting for its speaker."""

    kind: QuoteKind
    start: int
    end: int
    cue: Token | None = None  # the speech verb, "according", or a document noun
    group: int | None = None  # pieces of one quote running over several paragraphs
    needs_context: bool = False  # no cue of its own: continues the speaker in context
    label: str | None = None  # a transcript's speaker label
    cue_paragraph: int | None = None  # set when the cue lies in the paragraph before ("He said:")


@dataclass(slots=True)
class _State:
    """Discourse state while walking the article in order."""

    last: tuple[Pos, _Who] | None = None
    issuer: _Who | None = None
    groups: dict[int, _Who] = field(default_factory=dict)


def extract_quotes(article: Article, *, progress: Callable[[int], object] | None = None) -> QuoteExtraction:
    """Find the quotations of an article and attribute each to a speaker; never raises.

    A failure costs this article's quotes, never the caller's request: it is logged in one line (the
    traceback at DEBUG) and the result says ``complete=False``, so nobody caches it as "no quotes".
    ``progress`` is called with the number of characters parsed, as parsing goes on.
    """
    try:
        return _extract(article, progress)
    except Exception as exc:
        log.error("quote extraction failed for %s: %s: %s", article.id, type(exc).__name__, exc)
        log.debug("quote extraction failed for %s", article.id, exc_info=True)
        return QuoteExtraction(complete=False)


def _extract(article: Article, progress: Callable[[int], object] | None = None) -> QuoteExtraction:
    """The extraction proper, in article order."""
    units = _units(article)
    if not units:
        return QuoteExtraction()
    # From here on a long paragraph's windows stand in for paragraphs, numbered in sequence; quotes are
    # mapped back to their paragraph and its character offsets when they are made (``_quote``).
    paragraphs = [unit.view for unit in units]
    nlp = load_spacy()
    docs = []
    for paragraph, doc in zip(paragraphs, nlp.pipe([p.text for p in paragraphs]), strict=True):
        docs.append(doc)
        if progress is not None:
            progress(len(paragraph.text) + 1)
    numbers = [p.number for p in paragraphs]
    where = {unit.view.number: unit for unit in units}
    registry = Registry(numbers, docs)
    state = _State()
    quotes: list[tuple[Quote, _Who]] = []
    pending: list[tuple[Paragraph, _Candidate, _Who | None]] = []
    group_id = 0
    open_group: int | None = None
    for index, (paragraph, doc) in enumerate(zip(paragraphs, docs, strict=True)):
        spans = _trim_unclosed(doc, pair_marks(paragraph.text))
        # A quote left open at the end of a paragraph continues when the next opens with a mark.
        group_here: int | None = None
        if open_group is not None and spans and (not spans[0].opened or starts_with_opener(paragraph.text)):
            group_here = open_group
        open_group = None
        candidates = _marked_candidates(doc, spans, index, paragraphs, docs)
        if group_here is not None and candidates and candidates[0].start <= spans[0].inner_start:
            candidates[0].group = group_here
        if spans and not spans[-1].closed and spans[-1].end == len(paragraph.text):
            nxt = paragraphs[index + 1].text if index + 1 < len(paragraphs) else ""
            if starts_with_opener(nxt) or any(not s.opened for s in pair_marks(nxt)[:1]):
                if (
                    candidates
                    and candidates[-1].group is None
                    and candidates[-1].end >= spans[-1].inner_start
                ):
                    group_id += 1
                    candidates[-1].group = group_id
                open_group = candidates[-1].group if candidates else None
        direct = [(c.start, c.end) for c in candidates if c.kind == "direct"]
        candidates.extend(_indirect_candidates(doc, spans, direct))
        ranges = _quote_positions(spans)
        candidates.sort(key=lambda c: c.start)
        for cand in candidates:
            if cand.group is not None and cand.cue is None and cand.group not in state.groups:
                # A piece of a quote whose attribution comes in a later paragraph: decide at the end.
                pending.append((paragraph, cand, _context(state, paragraph.number)))
                continue
            who = _attribute(cand, paragraph.number, registry, state, ranges)
            if who is not None:
                quotes.append((_quote(article.id, where[paragraph.number], cand, who), who))
    for paragraph, cand, fallback in pending:
        who = state.groups.get(cand.group) if cand.group is not None else None
        if who is not None or (who := fallback) is not None:
            quotes.append((_quote(article.id, where[paragraph.number], cand, who), who))
    quotes.sort(key=lambda item: (item[0].paragraph, item[0].start))
    return QuoteExtraction(
        quotes=tuple(q for q, _ in quotes), speakers=_speakers(article.id, quotes, registry)
    )


def _trim_unclosed(doc: Doc, spans: list[MarkSpan]) -> list[MarkSpan]:
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
    for verb in _tokens(doc, span.inner_start, span.inner_end):
        if verb.pos_ != "VERB" or _lemma(verb) not in INDIRECT_VERBS:
            continue
        tail = [t for t in verb.sent if t.i > verb.i and not t.is_punct]
        if len(tail) > _TAIL_WORDS:
            continue
        subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
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


def _quote(article_id: str, unit: _Unit, cand: _Candidate, who: _Who) -> Quote:
    """The Quote for a resolved candidate, in its paragraph's numbering and character offsets."""
    return Quote(
        article=article_id,
        speaker=who.name,
        speaker_resolved=who.resolved,
        text=unit.view.text[cand.start : cand.end],
        kind=cand.kind,
        paragraph=unit.paragraph,
        start=unit.offset + cand.start,
        end=unit.offset + cand.end,
    )


# --- bounded windows ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Unit:
    """What is parsed as one document: a paragraph, or a window of a long one."""

    view: Paragraph  # the window's text, numbered in the sequence of parsed units
    paragraph: int  # the article's paragraph number
    offset: int  # where the window starts in the paragraph


def _units(article: Article) -> list[_Unit]:
    """Paragraphs to parse; one longer than ``WINDOW_CHARS`` becomes windows of whole sentences.

    Numbers stay the paragraphs' own while nothing is cut, so ordinary articles parse exactly as before;
    each extra window shifts the numbers after it by one.
    """
    units: list[_Unit] = []
    shift = 0
    for para in article.paragraphs:
        if not para.text.strip():
            continue
        spans = windows(para.text)
        for k, (start, end) in enumerate(spans):
            view = Paragraph(para.number + shift + k, para.text[start:end].rstrip())
            units.append(_Unit(view, para.number, start))
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


# --- finding quotes ---------------------------------------------------------------------------------


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    """Tokens lying inside the character range."""
    return [t for t in doc if t.idx >= start and t.idx + len(t.text) <= end]


def _lemma(tok: Token) -> str:
    """The verb lemma, repaired from the inflected form when the lemmatizer missed ("rated" → "rat")."""
    lemma = tok.lemma_.lower()
    if lemma in CUE_VERBS:
        return lemma
    word = tok.lower_
    for cut, add in _SUFFIXES:
        if word.endswith(cut) and len(word) > len(cut) + 1 and (base := word[: -len(cut)] + add) in CUE_VERBS:
            return base
    return lemma


def _is_cue(tok: Token) -> bool:
    """A speech verb (or "according to") that can attribute a quote."""
    if tok.lower_ == "according":
        return True
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in SPEECH_NOUNS:
        return any(c.dep_ == "poss" for c in tok.children)  # "Trump’s claim that …"
    return tok.pos_ in {"VERB", "AUX"} and _lemma(tok) in CUE_VERBS


def _name_like(doc: Doc, span: MarkSpan, tokens: Sequence[Token]) -> bool:
    """A short title-cased fragment ("USS Enterprise", "Face the Nation"): a name, not something said."""
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


def _quote_positions(spans: Sequence[MarkSpan]) -> list[tuple[int, int]]:
    """Character ranges (with marks) of every quote in a paragraph."""
    return [(s.start, s.end) for s in spans]


def _in_quotes(tok: Token, ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether a token falls inside any quoted range."""
    return any(s <= tok.idx < e for s, e in ranges)


def _chain_cue(tokens: Sequence[Token], ranges: Sequence[tuple[int, int]]) -> Token | None:
    """The first speech verb above the quote in the dependency tree, outside every quote."""
    inside = {t.i for t in tokens}
    for root in tokens:
        if root.head.i in inside and root.head.i != root.i:
            continue
        child, head = root, root.head
        for _ in range(_MAX_CHAIN):
            if head.i == root.i:
                break
            if not _in_quotes(head, ranges) and _is_cue(head):
                clause_only = _lemma(head) in CLAUSE_ONLY_VERBS
                if not clause_only or child.dep_ in {"ccomp", "parataxis", "dep"}:
                    if _lemma(head) in _COGNITIVE:
                        # "Obama said Americans believe “…”": the words are the reporter's speaker's.
                        outer = _outer_speech(head, ranges)
                        return outer or head
                    return head
            if head.head.i == head.i:
                break
            child, head = head, head.head
    return None


def _outer_speech(verb: Token, ranges: Sequence[tuple[int, int]]) -> Token | None:
    """A speech verb (say, tell …) that governs ``verb`` in the same sentence."""
    head = verb.head
    for _ in range(_MAX_CHAIN):
        if head.i == verb.i or (head.i == head.head.i and not _is_cue(head)):
            return None
        if _lemma(head) in INDIRECT_VERBS and head.pos_ == "VERB" and not _in_quotes(head, ranges):
            return head
        if head.head.i == head.i:
            return None
        head = head.head
    return None


def _marked_candidates(
    doc: Doc, spans: Sequence[MarkSpan], index: int, paragraphs: Sequence[Paragraph], docs: Sequence[Doc]
) -> list[_Candidate]:
    """Quotes in quotation marks, each with its cue where the sentence holds one."""
    ranges = _quote_positions(spans)
    out: list[_Candidate] = []
    for span in spans:
        tokens = _tokens(doc, span.inner_start, span.inner_end)
        if not any(t.is_alpha for t in tokens) or _name_like(doc, span, tokens):
            continue
        first_sent, last_sent = tokens[0].sent, tokens[-1].sent
        pre = doc.text[first_sent.start_char : span.start].strip()
        post = doc.text[span.end : last_sent.end_char].strip()
        pre_tokens = [t for t in first_sent if t.idx < span.start and not _in_quotes(t, ranges)]
        post_tokens = [t for t in last_sent if t.idx >= span.end and not _in_quotes(t, ranges)]
        starts_clean = (
            not pre
            or pre.endswith(":")
            or (pre.endswith(",") and any(_is_cue(t) for t in pre_tokens))
            or all(not t.is_alpha for t in pre_tokens)
        )
        closing = doc.text[span.inner_end : span.end]
        ends_clean = (
            not post
            or post[0] in ",.!?;—–―"
            or any(ch in ",.!?" for ch in closing)
            or any(_is_cue(t) for t in post_tokens)
        )
        kind: QuoteKind = "direct" if starts_clean and ends_clean else "partial"
        cand = _Candidate(kind=kind, start=span.inner_start, end=span.inner_end)
        label = _TRANSCRIPT_LABEL.match(doc.text, span.inner_start)
        if label is not None and span.inner_start == span.start + int(span.opened):
            cand.label = label.group(1).strip()
            cand.start = label.end()
            out.append(cand)
            continue
        rest = doc.text[span.end :]
        dash = _DASH_BYLINE.match(rest) if span.closed and rest.strip() else None
        if dash is not None:
            after = span.end + dash.end()
            name = next((t for t in doc if t.idx >= after and t.pos_ == "PROPN"), None)
            if name is not None and name.idx - after < 3:
                while name.dep_ in {"compound", "flat"} and name.head.pos_ == "PROPN":
                    name = name.head
                cand.cue = name
                out.append(cand)
                continue
        cue = _chain_cue(tokens, ranges)
        if cue is None and kind == "direct":
            cue = next((t for t in post_tokens if _is_cue(t)), None)
            if cue is None and pre.endswith((":", ",")):
                cue = next((t for t in reversed(pre_tokens) if _is_cue(t)), None)
        if cue is None and kind == "partial":
            root = first_sent.root
            if _is_cue(root) and not _in_quotes(root, ranges):
                cue = root
        if cue is None and kind == "direct" and not post and last_sent.end < len(doc):
            following = [t for t in doc[last_sent.end].sent if not _in_quotes(t, ranges)]
            if sum(t.is_alpha for t in following) <= _NEXT_SENTENCE_WORDS:
                cue = next((t for t in following[:6] if _is_cue(t)), None)
        if cue is None:
            cue = _document_after(post_tokens)
        if cue is None and kind == "direct":
            cue = _colon_intro(doc, first_sent, index, paragraphs, docs, ranges)
            if cue is not None and cue.doc is not doc:
                cand.cue_paragraph = paragraphs[index - 1].number
        cand.cue = cue
        cand.needs_context = cue is None
        if cue is None and kind == "partial":
            continue  # a scare quote or a name that nobody is said to speak
        out.append(cand)
    return out


def _document_after(post_tokens: Sequence[Token]) -> Token | None:
    """A document named right after a quote: "…”, is in the same note"."""
    for tok in post_tokens[:6]:
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in DOCUMENT_NOUNS:
            return tok
    return None


def _colon_intro(
    doc: Doc,
    sent: Span,
    index: int,
    paragraphs: Sequence[Paragraph],
    docs: Sequence[Doc],
    ranges: Sequence[tuple[int, int]],
) -> Token | None:
    """A cue in the sentence (or paragraph) before, when it ends in a colon: "X said:" then the quote."""
    if sent.start > 0:
        prev_sent = doc[sent.start - 1].sent
        if prev_sent.text.rstrip().endswith(":"):
            return next(
                (t for t in reversed(list(prev_sent)) if _is_cue(t) and not _in_quotes(t, ranges)), None
            )
        return None
    if index == 0:
        return None
    prev_doc = docs[index - 1]
    if not prev_doc.text.rstrip().endswith(":") or len(prev_doc) == 0:
        return None
    last = prev_doc[-1].sent
    return next((t for t in reversed(list(last)) if _is_cue(t)), None)


def _indirect_candidates(
    doc: Doc, spans: Sequence[MarkSpan], direct: Sequence[tuple[int, int]]
) -> list[_Candidate]:
    """Reported speech: "X said (that) …" and "according to X", quoted fragments and all.

    A reported clause holding quoted fragments ("China has said it is neutral but maintains an
    “unrestricted” relationship …") is an indirect quote as a whole, beside its partial quotes; see
    ``_mixed_clause`` for when.
    """
    ranges = _quote_positions(spans)
    out: list[_Candidate] = []
    for tok in doc:
        if _in_quotes(tok, ranges):
            continue
        if tok.lower_ == "according" and tok.dep_ == "prep":
            sent = tok.sent
            before = [t for t in sent if t.i < tok.left_edge.i]
            after = [t for t in sent if t.i > tok.right_edge.i]
            part = before if len(before) >= len(after) else after
            if any(ch in ALL_MARKS for ch in sent.text):
                cand = _mixed_clause(doc, part, tok, spans, direct)
            else:
                cand = _clause(part, "indirect")
            if cand is not None:
                cand.cue = tok
                out.append(cand)
            continue
        if tok.pos_ != "VERB" or _lemma(tok) not in INDIRECT_VERBS:
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue
        ccomp = next((c for c in tok.children if c.dep_ == "ccomp"), None)
        if ccomp is None:
            continue
        clause = [t for t in ccomp.subtree]
        lo, hi = clause[0].idx, clause[-1].idx + len(clause[-1].text)
        while clause and (
            clause[0].dep_ == "mark" or (clause[0].is_punct and not _in_quotes(clause[0], ranges))
        ):
            clause.pop(0)
        if any(ch in ALL_MARKS for ch in doc.text[lo:hi]) or any(s < hi and lo < e for s, e in ranges):
            cand = _mixed_clause(doc, clause, tok, spans, direct)
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
) -> _Candidate | None:
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
    ranges = _quote_positions(spans)
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
    if sum(t.is_alpha and not _in_quotes(t, ranges) for t in inside) < _MIXED_WORDS:
        return None
    while inside and inside[0].is_punct and not _in_quotes(inside[0], ranges):
        inside.pop(0)
    while inside and inside[-1].is_punct and not _in_quotes(inside[-1], ranges):
        inside.pop()
    if not inside:
        return None
    return _Candidate(kind="indirect", start=inside[0].idx, end=inside[-1].idx + len(inside[-1].text))


def _clause(tokens: Sequence[Token], kind: QuoteKind) -> _Candidate | None:
    """A candidate covering a run of tokens, trimmed of edge punctuation; None when too short."""
    items = list(tokens)
    while items and items[0].is_punct:
        items.pop(0)
    while items and items[-1].is_punct:
        items.pop()
    if sum(t.is_alpha for t in items) < 3:
        return None
    return _Candidate(kind=kind, start=items[0].idx, end=items[-1].idx + len(items[-1].text))


# --- attributing speakers ---------------------------------------------------------------------------


def _attribute(
    cand: _Candidate,
    number: int,
    registry: Registry,
    state: _State,
    ranges: Sequence[tuple[int, int]],
) -> _Who | None:
    """Resolve a candidate's speaker and update the discourse state; None drops the candidate."""
    pos: Pos = (number, cand.start)
    who: _Who | None = None
    if cand.group is not None and cand.group in state.groups:
        who = state.groups[cand.group]
    elif cand.label is not None:
        words = cand.label.split()
        known = registry.person_named(words[-1].title(), pos) if words else None
        who = (
            _Who(known.name, True, "person", cand.label, known)
            if known
            else _Who(cand.label, False, "person", cand.label)
        )
    elif cand.cue is not None:
        # A cue in the paragraph before is not inside this paragraph's quotes.
        cue_ranges = () if cand.cue_paragraph is not None else ranges
        cue_number = cand.cue_paragraph if cand.cue_paragraph is not None else number
        who = _from_cue(cand.cue, cue_number, registry, state, cue_ranges)
        if who is None and not _subject_of(cand.cue, cue_ranges):
            # A subjectless speech verb (". expressed hope that …") continues the speaker in context.
            who = _context(state, number)
    elif cand.needs_context:
        who = _context(state, number)
    if who is None:
        return None
    if cand.group is not None:
        state.groups.setdefault(cand.group, who)
    state.last = (pos, who)
    return who


def _context(state: _State, number: int) -> _Who | None:
    """The speaker of the previous attribution, when it is close enough to be continuing."""
    if state.last is None:
        return None
    (last_number, _), who = state.last
    return who if number - last_number <= _CONTEXT_PARAGRAPHS else None


def _subject_of(verb: Token, ranges: Sequence[tuple[int, int]] = ()) -> Token | None:
    """The subject of a speech verb, borrowed from the verb it depends on if it has none of its own."""
    for _ in range(5):
        subject = next(
            (c for c in verb.children if c.dep_ in _SUBJECT_DEPS and not _in_quotes(c, ranges)), None
        )
        if subject is None and verb.i > 0 and verb.doc[verb.i - 1].is_punct:
            # Inverted attribution after a quote ("…,” said Leslie Wimes): the name follows the verb.
            subject = next(
                (
                    c
                    for c in verb.rights
                    if c.pos_ == "PROPN" and c.dep_ != "prep" and not _in_quotes(c, ranges)
                ),
                None,
            )
        if subject is not None:
            if subject.lower_ in {"who", "that", "which"}:
                return _antecedent(subject, verb)
            return _past_dateline(subject)
        if verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN"}:
            return verb.head  # "footage of Trump saying, …": the participle's noun speaks
        if verb.dep_ in {"compound", "amod", "nmod"} and verb.head.pos_ == "PROPN":
            return verb.head  # "Said Ellis: …", parsed as a modifier of the name
        before = verb.doc[verb.i - 1] if verb.i > 0 else None
        if (
            verb.tag_ == "VBG"
            and before is not None
            and before.ent_type_ in {"PERSON", "ORG"}
            and before.head.i != verb.i
        ):
            return before  # "footage of Clinton asking, …" even when parsed as the main verb's complement
        head = verb.head
        if head.i == verb.i:
            return None
        if verb.dep_ in {"pcomp", "pobj"} and head.pos_ == "ADP" and head.head.i != head.i:
            # "despite admitting that …", "after saying …": step over the preposition to its clause.
            verb = head.head
        elif verb.dep_ in _CLIMB_DEPS:
            verb = head
        else:
            return None
    return None


def _past_dateline(subject: Token) -> Token:
    """A dateline parsed as the subject ("WASHINGTON -- President Obama … said") yields to its apposition."""
    nxt = subject.doc[subject.i + 1] if subject.i + 1 < len(subject.doc) else None
    if subject.is_upper and nxt is not None and nxt.text in {"--", "—", "–", "―"}:
        return next((c for c in subject.children if c.dep_ == "appos"), subject)
    return subject


def _antecedent(pronoun: Token, verb: Token) -> Token | None:
    """The noun a relative pronoun stands for: the relative clause's head, or the noun just before."""
    if verb.dep_ == "relcl" and verb.head.pos_ in {"NOUN", "PROPN"}:
        return verb.head
    i = pronoun.i - 1
    doc = pronoun.doc
    while i >= 0 and doc[i].is_punct:
        i -= 1
    if i >= 0 and doc[i].pos_ in {"NOUN", "PROPN"}:
        return doc[i]
    return None


def _from_cue(
    cue: Token, number: int, registry: Registry, state: _State, ranges: Sequence[tuple[int, int]]
) -> _Who | None:
    """The speaker a cue points at: the verb's subject, the object of "according to", a document."""
    if cue.lower_ == "according":
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        return _resolve(source, number, registry, state) if source is not None else None
    if cue.pos_ == "NOUN" and cue.lemma_.lower() in SPEECH_NOUNS:
        owner = next((c for c in cue.children if c.dep_ == "poss"), None)
        return _resolve(owner, number, registry, state) if owner is not None else None
    if cue.pos_ in {"NOUN", "PROPN"}:
        return _resolve(cue, number, registry, state)
    subject = _subject_of(cue, ranges)
    if subject is not None and not _can_speak(subject, number, registry):
        # "Holm said the advertisement “…” suggests …": an advert does not speak, Holm does.
        outer = _outer_speech(cue, ranges)
        outer_subject = _subject_of(outer, ranges) if outer is not None else None
        if outer_subject is not None:
            subject = outer_subject
    if subject is None:
        return None
    return _resolve(subject, number, registry, state)


def _can_speak(subject: Token, number: int, registry: Registry) -> bool:
    """Whether a subject can be a speaker: a name, a pronoun, a person, an organisation or a document."""
    if subject.pos_ in {"PROPN", "PRON"} or registry.entity_at(number, subject.i) is not None:
        return True
    lemma = subject.lemma_.lower()
    if lemma in PERSON_ROLES or lemma in ORG_NOUNS or lemma in DOCUMENT_NOUNS:
        return True
    # Plural people ("demonstrators", "critics", "sources") speak; so do most nouns naming people.
    return subject.ent_type_ in {"NORP", "PERSON", "ORG", "GPE"} or lemma in _PEOPLE_NOUNS


def _noun_phrase(head: Token) -> list[Token]:
    """The tokens of the noun phrase headed by ``head``, without appositions, clauses or conjuncts."""
    dropped: set[int] = set()
    for child in head.children:
        keep_prep = head.pos_ != "PROPN" and child.lower_ in _NP_PREPS  # "spokesman for the ministry"
        if child.dep_ in _NP_DROP or (child.dep_ == "prep" and not keep_prep):
            dropped.update(t.i for t in child.subtree)
    tokens = [t for t in head.subtree if t.i not in dropped]
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    return tokens or [head]


def _surface(tokens: Sequence[Token]) -> str:
    """The text of a token run as written, with a leading capitalised article lowered."""
    doc = tokens[0].doc
    text = doc[tokens[0].i : tokens[-1].i + 1].text
    first = tokens[0]
    if first.lower_ in {"the", "a", "an"} and first.text[0].isupper():
        text = first.lower_ + text[len(first.text) :]
    return text


def _resolve(head: Token, number: int, registry: Registry, state: _State) -> _Who | None:
    """Resolve a speaker mention to an entity of the article, or keep it as written."""
    pos: Pos = (number, head.idx)
    if head.pos_ == "PRON" or head.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS:
        return _pronoun(head, number, registry, state)
    tokens = _noun_phrase(head)
    surface = _surface(tokens)
    entity = registry.entity_at(number, head.i) or next(
        (e for t in tokens if t.pos_ == "PROPN" and (e := registry.entity_at(number, t.i))), None
    )
    lemma = head.lemma_.lower()
    if head.pos_ == "NOUN":
        # "the head of the investigation, Kenneth Piernick": the apposed name is the speaker.
        named = next(
            (
                e
                for t in head.subtree
                if t.dep_ == "appos" and t.ent_type_ == "PERSON" and (e := registry.entity_at(number, t.i))
            ),
            None,
        )
        if named is not None:
            return _Who(named.name, True, "person", surface, named)
    if head.pos_ == "NOUN" and lemma in DOCUMENT_NOUNS:
        return _document(head, tokens, surface, number, registry, state)
    if entity is not None and (head.pos_ == "PROPN" or registry.entity_at(number, head.i) is entity):
        return _Who(entity.name, True, entity.kind, surface, entity)
    # "the minister" tagged as a proper noun is still a role nominal.
    role_noun = lemma in PERSON_ROLES or head.lower_ in PERSON_ROLES
    if head.pos_ == "PROPN" and not (role_noun and head.is_lower):
        known = registry.person_named(head.text, pos)
        if known is not None:
            known.add_alias(head.text)
            return _Who(known.name, True, "person", surface, known)
        kind: SpeakerKind = "organisation" if any(t.lower_ in ORG_NOUNS for t in tokens) else "person"
        return _Who(surface, True, kind, surface)
    if role_noun:
        modifiers = [
            t.lower_ for t in tokens if t.i != head.i and t.dep_ in {"amod", "compound"} and t.is_alpha
        ]
        # "an engineer said" is someone new; "the engineer said" is the one the article named.
        indefinite = any(c.dep_ == "det" and c.lower_ in {"a", "an", "another"} for c in head.children)
        found = None if indefinite else registry.by_role(lemma, modifiers, pos)
        if found is not None:
            found.add_alias(surface)
            return _Who(found.name, True, "person", surface, found)
        return _Who(surface, False, "person", surface)
    if lemma in ORG_NOUNS or head.lower_ in ORG_NOUNS:
        # "the Chinese military" names itself; a bare "the ministry" needs an antecedent.
        if any(
            t.i != head.i and (t.pos_ == "PROPN" or t.ent_type_ in {"NORP", "GPE", "ORG"}) for t in tokens
        ):
            return _Who(surface, True, "organisation", surface)
        found = registry.org_with_word(head.lower_, pos)
        if found is not None:
            found.add_alias(surface)
            return _Who(found.name, True, "organisation", surface, found)
        return _Who(surface, False, "organisation", surface)
    if head.pos_ in {"NOUN", "PROPN"}:
        return _Who(surface, False, "person", surface)
    return None


def _document(
    head: Token, tokens: Sequence[Token], surface: str, number: int, registry: Registry, state: _State
) -> _Who:
    """A document speaks for its issuer: "a statement released by X", "X's note", "the same note"."""
    issuer_token: Token | None = None
    for child in head.children:
        if child.dep_ == "poss":
            issuer_token = child
        elif child.dep_ == "acl":
            agent = next((c for c in child.children if c.dep_ == "agent"), None)
            if agent is not None:
                issuer_token = next((c for c in agent.children if c.dep_ == "pobj"), None)
        elif child.dep_ == "compound" and child.pos_ == "PROPN":
            issuer_token = child
        elif child.dep_ == "prep" and child.lower_ == "by":
            issuer_token = next((c for c in child.children if c.dep_ == "pobj"), None)  # "a report by X"
        if issuer_token is not None:
            break
    if issuer_token is None and head.dep_ == "dobj" and head.head.lemma_.lower() in _ISSUING_VERBS:
        issuer_token = _subject_of(head.head)  # "the Council issued a statement calling …"
    if issuer_token is not None:
        issuer = _resolve(issuer_token, number, registry, state)
        if issuer is not None and issuer.kind is not None:
            state.issuer = issuer
            return issuer
    if state.issuer is not None and any(t.lower_ in {"the", "this", "that", "same"} for t in tokens):
        return state.issuer
    return _Who(surface, False, "organisation", surface)


def _pronoun_speaker(
    kind: SpeakerKind,
    named_between: Callable[[Pos, Pos], list[str]],
    number: int,
    here: Pos,
    registry: Registry,
    state: _State,
    surface: str,
) -> _Who:
    """A pronoun's speaker: the last subject of its kind named since the last quote, else that speaker."""
    lo: Pos = (number - _PRONOUN_PARAGRAPHS, 0)
    last = state.last
    if last is not None and last[0] >= lo:
        lo = last[0]
    named = named_between(lo, here)
    if named:
        entity = registry.entities[named[-1]]
        return _Who(entity.name, True, kind, surface, entity)
    if last is not None and last[0][0] >= number - _PRONOUN_PARAGRAPHS and last[1].kind == kind:
        return last[1]
    return _Who(surface, False, kind, surface)


def _pronoun(head: Token, number: int, registry: Registry, state: _State) -> _Who | None:
    """A pronoun speaks for the speaker in context, or for a person just named as a subject."""
    word = head.lower_
    surface = head.text
    here: Pos = (number, head.idx)
    # "Lynch said she recalled …": a pronoun inside a reported clause is that clause's speaker.
    outer = _outer_speech(head.head, ()) if head.head.i != head.i else None
    if outer is not None:
        subject = _subject_of(outer)
        if subject is not None and subject.pos_ != "PRON" and subject.i != head.i:
            found = _resolve(subject, number, registry, state)
            if found is not None:
                return found
    if word in PERSON_PRONOUNS:
        between = registry.subject_persons_between
        return _pronoun_speaker("person", between, number, here, registry, state, surface)
    if word == "i":
        return _Who(surface, False, "person", surface)  # a first-person narrator, as written
    if word in GROUP_PRONOUNS:
        between = registry.subject_orgs_between
        return _pronoun_speaker("organisation", between, number, here, registry, state, surface)
    return None


# --- speakers ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Tally:
    """What is known about one speaker while the quotes are counted."""

    role: str | None
    kind: SpeakerKind
    first: int
    quotes: int = 0
    aliases: list[str] = field(default_factory=list)


def _affiliation(role: str) -> bool:
    """Whether a role only names a party and a place ("Democrat of California")."""
    words = role.split()
    return len(words) >= 3 and words[0].lower() in PARTY_NOUNS and words[1] == "of"


def _best_role(roles: Sequence[str]) -> str | None:
    """The first role of several words ("Chinese Defense Minister" over "Sen."), else the first; an office
    goes before a party affiliation ("Senator" over "Democrat of California")."""
    ranked = [r for r in roles if not _affiliation(r)] or list(roles)
    return next((r for r in ranked if len(r.split()) > 1), ranked[0] if ranked else None)


def _speakers(
    article_id: str, quotes: Sequence[tuple[Quote, _Who]], registry: Registry
) -> tuple[Speaker, ...]:
    """One Speaker per distinct speaker name, in order of first quote."""
    tallies: dict[str, _Tally] = {}
    for quote, who in quotes:
        entity = who.entity or registry.entities.get(who.name)
        if who.name not in tallies:
            role = _best_role(entity.roles) if entity is not None else None
            tallies[who.name] = _Tally(role=role, kind=who.kind, first=quote.paragraph)
        tally = tallies[who.name]
        tally.quotes += 1
        surface = who.surface
        # "French Foreign Minister Jean Dupont" is the name with its role, not another name.
        if who.name in surface or surface in tally.aliases or surface.lower() in PERSON_PRONOUNS:
            continue
        tally.aliases.append(surface)
    speakers = []
    for name, tally in tallies.items():
        entity = registry.entities.get(name)
        aliases = list(tally.aliases)
        if entity is not None:
            aliases.extend(a for a in entity.aliases if a not in aliases and name not in a)
        speakers.append(
            Speaker(
                article=article_id,
                name=name,
                role=tally.role,
                kind=tally.kind,
                aliases=tuple(aliases),
                quotes=tally.quotes,
                first_paragraph=tally.first,
            )
        )
    return tuple(speakers)
