"""Mention rules: who a speaker mention ("he", "the spokesman", "Li", "the statement") stands for.

Tried in order on the head word of a mention; the first rule that gives a speaker wins. What no rule
resolves to an entity of the article stays as written, with ``resolved=False``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..models import SpeakerKind
from .entities import Entity, Pos, Registry
from .lexicon import DOCUMENT_NOUNS, GROUP_PRONOUNS, ORG_NOUNS, PERSON_PRONOUNS, PERSON_ROLES
from .marks import ALL_MARKS
from .rules import SKIPPED, Rule, first
from .syntax import noun_phrase, outer_speech, subject_of, surface_of
from .who import UNATTRIBUTED, State, Who

if TYPE_CHECKING:
    from spacy.tokens import Token

_PRONOUN_PARAGRAPHS = 2
_ISSUING_VERBS = frozenset({"issue", "release", "publish", "send", "post", "put", "circulate", "file"})
_MODIFIER_DEPS = frozenset({"amod", "compound"})
_NAME_DEPS = frozenset({"appos", "compound", "flat", "npadvmod"})
_NAME_BREAKS = frozenset(".!?;:") | ALL_MARKS  # a name never runs across these


@dataclass(slots=True)
class Mention:
    """A speaker mention and what the rules read of it."""

    head: Token
    number: int
    registry: Registry
    state: State
    tokens: list[Token]  # the noun phrase, without clauses, appositions or anything quoted
    surface: str
    lemma: str
    entity: Entity | None

    @property
    def pos(self) -> Pos:
        """Where the mention is, in article order."""
        return (self.number, self.head.idx)


def resolve(head: Token, number: int, registry: Registry, state: State) -> Who | None:
    """Resolve a speaker mention to an entity of the article, or keep it as written."""
    tokens = name_tokens(noun_phrase(head), head)
    entity = registry.entity_at(number, head.i) or next(
        (e for t in tokens if t.pos_ == "PROPN" and (e := registry.entity_at(number, t.i))), None
    )
    mention = Mention(head, number, registry, state, tokens, surface_of(tokens), head.lemma_.lower(), entity)
    found = first(MENTION_RULES, None, mention, where=f"paragraph {number}")
    if found is None or found is SKIPPED:
        return None
    return replace(found[0], rules=(found[1],))


def name_tokens(tokens: list[Token], head: Token) -> list[Token]:
    """The run of a noun phrase around its head that crosses no quotation mark or sentence end.

    ‘It is good,” mayor Person150 said’ may parse with the quote inside the subject: the name is
    "mayor Person150", never the quoted words.
    """
    k = next((j for j, t in enumerate(tokens) if t.i == head.i), None)
    if k is None:
        return tokens or [head]
    lo = k
    while lo > 0 and not _breaks(tokens[lo - 1]) and tokens[lo - 1].i == tokens[lo].i - 1:
        lo -= 1
    hi = k
    while hi + 1 < len(tokens) and not _breaks(tokens[hi + 1]) and tokens[hi + 1].i == tokens[hi].i + 1:
        hi += 1
    return tokens[lo : hi + 1]


def _breaks(tok: Token) -> bool:
    """Whether a token ends a name: a quotation mark or sentence punctuation."""
    return tok.is_punct and any(ch in _NAME_BREAKS for ch in tok.text)


def _is_pronoun(head: Token) -> bool:
    """Whether a mention is a pronoun."""
    return head.pos_ == "PRON" or head.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS


def reported_clause_pronoun(m: Mention) -> Who | None:
    """A pronoun in a reported clause is its speaker: ‘Lynch said she recalled “…”’ is Lynch."""
    head = m.head
    if not _is_pronoun(head) or head.head.i == head.i:
        return None
    outer = outer_speech(head.head, ())
    subject = subject_of(outer) if outer is not None else None
    if subject is None or subject.pos_ == "PRON" or subject.i == head.i:
        return None
    return resolve(subject, m.number, m.registry, m.state)


def pronoun(m: Mention) -> Who | None:
    """A pronoun is the person (or group) just named as a subject, else the last speaker: ‘“…,” he said.’"""
    if not _is_pronoun(m.head):
        return None
    word, surface, registry = m.head.lower_, m.head.text, m.registry
    if word in PERSON_PRONOUNS:
        between = registry.subject_persons_between
        return _pronoun_speaker("person", between, m.number, m.pos, registry, m.state, surface)
    if word == "i":
        return Who(surface, False, "person", surface)  # a first-person narrator, as written
    if word in GROUP_PRONOUNS:
        between = registry.subject_orgs_between
        return _pronoun_speaker("organisation", between, m.number, m.pos, registry, m.state, surface)
    return None


def apposed_name(m: Mention) -> Who | None:
    """A role with a name in apposition: ‘the head of the inquiry, Kenneth Piernick, said “…”’."""
    if m.head.pos_ != "NOUN":
        return None
    for t in m.head.subtree:
        if t.dep_ == "appos" and t.ent_type_ == "PERSON" and (e := m.registry.entity_at(m.number, t.i)):
            return Who(e.name, True, "person", m.surface, e)
    return None


def document_issuer(m: Mention) -> Who | None:
    """A document speaks for its issuer: ‘a statement released by the ministry said “…”’."""
    head, state = m.head, m.state
    if head.pos_ != "NOUN" or m.lemma not in DOCUMENT_NOUNS:
        return None
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
        issuer_token = subject_of(head.head)  # "the Council issued a statement calling …"
    if issuer_token is not None:
        issuer = resolve(issuer_token, m.number, m.registry, state)
        if issuer is not None and issuer.kind is not None:
            state.issuer = issuer
            return issuer
    if state.issuer is not None and any(t.lower_ in {"the", "this", "that", "same"} for t in m.tokens):
        return state.issuer
    return Who(m.surface, False, "organisation", m.surface)


def _pronoun_speaker(
    kind: SpeakerKind,
    named_between: Callable[[Pos, Pos], list[str]],
    number: int,
    here: Pos,
    registry: Registry,
    state: State,
    surface: str,
) -> Who:
    """A pronoun's speaker: the last subject of its kind named since the last quote, else that speaker."""
    lo: Pos = (number - _PRONOUN_PARAGRAPHS, 0)
    last = state.last
    if last is not None and last[0] >= lo:
        lo = last[0]
    named = named_between(lo, here)
    if named:
        entity = registry.entities[named[-1]]
        return Who(entity.name, True, kind, surface, entity)
    if last is not None and last[0][0] >= number - _PRONOUN_PARAGRAPHS and last[1].kind == kind:
        return last[1]
    if last is not None and last[0][0] == number and state.issuer is not None and last[1] == state.issuer:
        return last[1]  # "“…”, is in the same note. “…,” he added.": the note's issuer speaks on
    return Who(surface, False, kind, surface)


def named_entity(m: Mention) -> Who | None:
    """A name the article's entity recogniser found: ‘“…,” said Li Shangfu.’"""
    entity = m.entity
    if entity is None or not (m.head.pos_ == "PROPN" or m.registry.entity_at(m.number, m.head.i) is entity):
        return None
    return Who(entity.name, True, entity.kind, m.surface, entity)


def _role_noun(m: Mention) -> bool:
    """Whether the head is a role noun ("the minister", even tagged as a proper noun)."""
    return m.lemma in PERSON_ROLES or m.head.lower_ in PERSON_ROLES


def proper_name(m: Mention) -> Who | None:
    """A proper noun the recogniser missed, matched to a person by one word: ‘“…,” Kowalski said.’"""
    head = m.head
    if head.pos_ != "PROPN" or (_role_noun(m) and head.is_lower):
        return None
    known = m.registry.person_named(head.text, m.pos)
    if known is not None:
        known.add_alias(head.text)
        return Who(known.name, True, "person", m.surface, known)
    kind: SpeakerKind = "organisation" if any(t.lower_ in ORG_NOUNS for t in m.tokens) else "person"
    return Who(m.surface, True, kind, m.surface)


def role_then_name(m: Mention) -> Who | None:
    """A role noun in lower case right before a name: ‘“…,” spokesman Person150 said’ is Person150."""
    head = m.head
    if not _role_noun(m) or head.pos_ != "NOUN":
        return None
    name = next(
        (c for c in head.children if c.i == head.i + 1 and c.pos_ == "PROPN" and c.dep_ in _NAME_DEPS), None
    )
    if name is None:
        return None
    return resolve(name, m.number, m.registry, m.state)


def role_nominal(m: Mention) -> Who | None:
    """A role noun is the person last named with that role: ‘“…,” the spokesman said.’"""
    if not _role_noun(m):
        return None
    head = m.head
    modifiers = [
        t.lower_ for t in m.tokens if t.i != head.i and t.dep_ in {"amod", "compound"} and t.is_alpha
    ]
    # "an engineer said" is someone new; "the engineer said" is the one the article named.
    indefinite = any(c.dep_ == "det" and c.lower_ in {"a", "an", "another"} for c in head.children)
    found = None if indefinite else m.registry.by_role(m.lemma, modifiers, m.pos)
    if found is not None:
        found.add_alias(m.surface)
        return Who(found.name, True, "person", m.surface, found)
    return Who(m.surface, False, "person", m.surface)


def organisation_noun(m: Mention) -> Who | None:
    """An organisation noun names itself or the one last named: ‘the ministry said “…”’."""
    head = m.head
    if m.lemma not in ORG_NOUNS and head.lower_ not in ORG_NOUNS:
        return None
    if any(t.i != head.i and (t.pos_ == "PROPN" or t.ent_type_ in {"NORP", "GPE", "ORG"}) for t in m.tokens):
        return Who(m.surface, True, "organisation", m.surface)
    found = m.registry.org_with_word(head.lower_, m.pos)
    if found is not None:
        found.add_alias(m.surface)
        return Who(found.name, True, "organisation", m.surface, found)
    return Who(m.surface, False, "organisation", m.surface)


def as_written(m: Mention) -> Who | None:
    """Any other noun speaks as written, unresolved: ‘“…,” one voter said.’"""
    head = m.head
    if head.pos_ not in {"NOUN", "PROPN"}:
        return None
    # A lone singular lower-case noun ("end" of ‘… never" end, said X’) is a fragment, not someone: the
    # quote stays, unattributed. A speaker as written is a phrase ("the clip", "one voter", "member of
    # the panel"), plural ("sources said") or capitalised.
    if head.pos_ == "NOUN" and len(m.tokens) == 1 and head.tag_ != "NNS" and head.is_lower:
        return Who(UNATTRIBUTED, False, "person", m.surface)
    return Who(m.surface, False, "person", m.surface)


# Order matters: the first rule that gives a speaker wins.
MENTION_RULES: tuple[Rule[Who | None], ...] = (
    Rule("reported_clause_pronoun", reported_clause_pronoun),
    Rule("pronoun", pronoun),
    Rule("apposed_name", apposed_name),
    Rule("document_issuer", document_issuer),
    Rule("named_entity", named_entity),
    Rule("proper_name", proper_name),
    Rule("role_then_name", role_then_name),
    Rule("role_nominal", role_nominal),
    Rule("organisation_noun", organisation_noun),
    Rule("as_written", as_written),
)
