"""Reading the dependency parse: speech verbs, their subjects, noun phrases, quoted ranges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .lexicon import CLAUSE_ONLY_VERBS, CUE_VERBS, INDIRECT_VERBS, SPEECH_NOUNS
from .marks import MarkSpan

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_CLIMB_DEPS = frozenset({"conj", "xcomp", "advcl", "pcomp"})  # verbs that share their head's subject
_NP_DROP = frozenset({"appos", "relcl", "acl", "punct", "cc", "conj", "advcl", "parataxis"})
_NP_PREPS = frozenset({"of", "for", "at", "from"})
MAX_CHAIN = 12  # dependency hops from a quote to its cue verb; parses are shallow, this is generous
_COGNITIVE = frozenset({"believe", "think", "want", "hope", "feel", "wonder", "fear", "know"})
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
Ranges = Sequence[tuple[int, int]]  # character ranges (marks included) of a paragraph's quotations


def tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    """Tokens lying inside the character range."""
    return [t for t in doc if t.idx >= start and t.idx + len(t.text) <= end]


def lemma(tok: Token) -> str:
    """The verb lemma, repaired from the inflected form when the lemmatizer missed ("rated" → "rat")."""
    lemma = tok.lemma_.lower()
    if lemma in CUE_VERBS:
        return lemma
    word = tok.lower_
    for cut, add in _SUFFIXES:
        if word.endswith(cut) and len(word) > len(cut) + 1 and (base := word[: -len(cut)] + add) in CUE_VERBS:
            return base
    return lemma


def is_cue(tok: Token) -> bool:
    """A speech verb (or "according to") that can attribute a quote."""
    if tok.lower_ == "according":
        return True
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in SPEECH_NOUNS:
        return any(c.dep_ == "poss" for c in tok.children)  # "Trump’s claim that …"
    return tok.pos_ in {"VERB", "AUX"} and lemma(tok) in CUE_VERBS


def quote_ranges(spans: Sequence[MarkSpan]) -> list[tuple[int, int]]:
    """Character ranges (with marks) of every quote in a paragraph."""
    return [(s.start, s.end) for s in spans]


def in_quotes(tok: Token, ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether a token falls inside any quoted range."""
    return any(s <= tok.idx < e for s, e in ranges)


def governing_cue(tokens: Sequence[Token], ranges: Sequence[tuple[int, int]]) -> Token | None:
    """The first speech verb above the quote in the dependency tree, outside every quote."""
    inside = {t.i for t in tokens}
    for root in tokens:
        if root.head.i in inside and root.head.i != root.i:
            continue
        child, head = root, root.head
        for _ in range(MAX_CHAIN):
            if head.i == root.i:
                break
            if not in_quotes(head, ranges) and is_cue(head):
                clause_only = lemma(head) in CLAUSE_ONLY_VERBS
                if not clause_only or child.dep_ in {"ccomp", "parataxis", "dep"}:
                    if lemma(head) in _COGNITIVE:
                        # "Obama said Americans believe “…”": the words are the reporter's speaker's.
                        outer = outer_speech(head, ranges)
                        return outer or head
                    return head
            if head.head.i == head.i:
                break
            child, head = head, head.head
    return None


def outer_speech(verb: Token, ranges: Sequence[tuple[int, int]]) -> Token | None:
    """A speech verb (say, tell …) that governs ``verb`` in the same sentence."""
    head = verb.head
    for _ in range(MAX_CHAIN):
        if head.i == verb.i or (head.i == head.head.i and not is_cue(head)):
            return None
        if lemma(head) in INDIRECT_VERBS and head.pos_ == "VERB" and not in_quotes(head, ranges):
            return head
        if head.head.i == head.i:
            return None
        head = head.head
    return None


def subject_of(verb: Token, ranges: Sequence[tuple[int, int]] = ()) -> Token | None:
    """The subject of a speech verb, borrowed from the verb it depends on if it has none of its own."""
    for _ in range(5):
        subject = next(
            (c for c in verb.children if c.dep_ in SUBJECT_DEPS and not in_quotes(c, ranges)), None
        )
        if subject is None and verb.i > 0 and verb.doc[verb.i - 1].is_punct:
            # Inverted attribution after a quote ("…,” said Leslie Wimes): the name follows the verb.
            subject = next(
                (
                    c
                    for c in verb.rights
                    if c.pos_ == "PROPN" and c.dep_ != "prep" and not in_quotes(c, ranges)
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


def noun_phrase(head: Token) -> list[Token]:
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


def surface_of(tokens: Sequence[Token]) -> str:
    """The text of a token run as written, with a leading capitalised article lowered."""
    doc = tokens[0].doc
    text = doc[tokens[0].i : tokens[-1].i + 1].text
    first = tokens[0]
    if first.lower_ in {"the", "a", "an"} and first.text[0].isupper():
        text = first.lower_ + text[len(first.text) :]
    return text
