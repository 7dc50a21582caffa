"""The people and organisations an article mentions: canonical names, aliases, roles, and where they occur."""

from __future__ import annotations

import bisect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import SpeakerKind
from .lexicon import (
    ABBREVIATIONS,
    NAME_TITLES,
    NON_RESTRICTIVE,
    ORG_NOUNS,
    PERSON_ROLES,
    PERSON_SUFFIXES,
    ROLE_FAMILIES,
    ROLE_VERBS,
    TITLES,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

log = logging.getLogger(__name__)

Pos = tuple[int, int]  # (paragraph number, character offset): orders mentions through the article
ORG_LABELS = frozenset({"ORG", "GPE", "FAC"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "appos"})
COURTESY = frozenset({"mr", "mrs", "ms", "miss", "mx", "sir", "dame", "dr"})
_ROLE_STRIP = frozenset({"the", "a", "an", "his", "her", "its", "their", "our", "my", "your"})


@dataclass(slots=True)
class Entity:
    """A person or organisation of one article, built up as its mentions are read."""

    name: str
    kind: SpeakerKind
    words: tuple[str, ...]
    roles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    mentions: list[Pos] = field(default_factory=list)

    def add_alias(self, text: str) -> None:
        """Remember a surface form, once, if it differs from the name."""
        if text and text != self.name and text not in self.aliases:
            self.aliases.append(text)

    def last_before(self, pos: Pos) -> Pos | None:
        """The latest mention strictly before ``pos``."""
        k = bisect.bisect_left(self.mentions, pos)
        return self.mentions[k - 1] if k else None


def _title_prefix(span: Span) -> int:
    """How many leading tokens of an NER span are titles, punctuation or "the" rather than the name."""
    person = span.label_ == "PERSON" or is_person(span)
    titles = NAME_TITLES if person else TITLES
    k = 0
    while k < len(span):
        tok = span[k]
        word = tok.lower_.rstrip(".")
        dotted = tok.text.endswith(".") or (
            k + 1 < len(span) and span[k + 1].text == "." and not tok.whitespace_
        )
        if not (
            word in titles
            or tok.is_punct
            or tok.lower_ == "the"
            or (person and dotted and word in ABBREVIATIONS)
        ):
            break
        k += 1
    return k


def clean_name(span: Span) -> tuple[str, Token | None]:
    """A name without titles, possessive endings or edge punctuation; and its first token."""
    tokens = [t for t in span][_title_prefix(span) :]
    # "Beyond Trump's finances", "Lawmakers Rip Donald Trump": a word governing the name is not part of it.
    if len(tokens) > 1 and span.label_ == "PERSON":
        rest = {t.i for t in tokens[1:]}
        function_word = tokens[0].pos_ in {"ADP", "SCONJ", "CCONJ", "DET", "ADV", "PART", "PRON"}
        if function_word or any(c.dep_ in {"pobj", "dobj"} and c.i in rest for c in tokens[0].children):
            tokens = tokens[1:]
    while tokens and (tokens[-1].text in _POSSESSIVE or tokens[-1].is_punct):
        tokens.pop()
    if not tokens:
        return "", None
    doc = span.doc
    return doc[tokens[0].i : tokens[-1].i + 1].text, tokens[0]


def _trim(tokens: Sequence[Token]) -> str:
    """Text of a token run without leading determiners and edge punctuation."""
    items = list(tokens)
    while items and (items[0].is_punct or items[0].lower_ in _ROLE_STRIP):
        items.pop(0)
    while items and items[-1].is_punct:
        items.pop()
    if not items:
        return ""
    return items[0].doc[items[0].i : items[-1].i + 1].text


def person_noun(tok: Token) -> bool:
    """Whether a noun names a person by function ("minister", "Gov.", "economist", "spokeswoman")."""
    word = tok.lower_.rstrip(".")
    word = ABBREVIATIONS.get(word, word)
    if word in PERSON_ROLES or tok.lemma_.lower() in PERSON_ROLES or word in TITLES:
        return True
    # "Berman" or "Christian" as a name is no "-man" or "-ian" of a role.
    if tok.pos_ == "PROPN" and not tok.is_lower and (tok.ent_type_ == "PERSON" or not tok.is_title):
        return False
    return len(word) > 5 and word.endswith(PERSON_SUFFIXES)


def _phrase(head: Token) -> list[Token]:
    """A role phrase: the head's subtree without relative clauses, up to the first comma after it."""
    dropped = {t.i for c in head.subtree if c.i != head.i and c.dep_ in _CLAUSE_DEPS for t in c.subtree}
    tokens = [t for t in head.subtree if t.i not in dropped]
    for k, tok in enumerate(tokens):
        if tok.i > head.i and tok.text in {",", ";", "(", "—", "–"}:
            return tokens[:k]
    return tokens


def _glued_stop(tokens: Sequence[Token], k: int) -> bool:
    """Whether token ``k`` is the full stop of an abbreviation split off by the tokenizer ("Lt" ".")."""
    tok = tokens[k]
    if tok.text != "." or k == 0:
        return False
    prev = tokens[k - 1]
    return not prev.whitespace_ and prev.lower_ in ABBREVIATIONS


def _is_title_run(tokens: Sequence[Token]) -> bool:
    """Whether words before a name form a role: they end in a person noun ("Police Chief"), or in a
    person noun with its office ("Secretary of State", "Minister of Foreign Affairs")."""
    if not tokens:
        return False
    if person_noun(tokens[-1]):
        return True
    last = max((k for k, t in enumerate(tokens) if person_noun(t)), default=-1)
    tail = tokens[last + 1 :]
    if last < 0 or len(tail) < 2 or tail[0].lower_ not in {"of", "for"}:
        return False
    return all(t.is_title or t.lower_ in {"and", "the", "&"} for t in tail[1:])


def _before_name(ent: Span) -> list[Token]:
    """The words before a name that hang off it, and titles the NER span starts with."""
    doc = ent.doc
    root = ent.root
    before = {t.i for t in root.subtree if t.i < ent.start}
    taken: list[Token] = []
    i = ent.start - 1
    while i >= 0 and i in before and doc[i].ent_type_ != "DATE":
        # "Judge Amy Berman Jackson", named as two people: the words before both are the role.
        tok = doc[i]
        if not taken and tok.ent_type_ == "PERSON" and tok.pos_ == "PROPN" and not person_noun(tok):
            i -= 1
            continue
        taken.insert(0, tok)
        i -= 1
    # "Mayor Ana Silva" as one NER span: its title is a role too.
    taken.extend(ent[: _title_prefix(ent)])
    while taken and (taken[-1].is_punct or taken[-1].text in _POSSESSIVE):
        taken.pop()
    # A dateline or bracket before the title ("(UPI) — Former President") is not part of it.
    cut = max(
        (
            k
            for k, t in enumerate(taken)
            if t.is_punct and t.text not in _POSSESSIVE and not _glued_stop(taken, k)
        ),
        default=-1,
    )
    return taken[cut + 1 :]


def _relative_roles(root: Token) -> list[str]:
    """Roles a relative clause gives: "X, who heads the agency," and "X, who is the chief engineer,"."""
    roles: list[str] = []
    for clause in root.children:
        if clause.dep_ != "relcl" or clause.tag_ not in {"VBZ", "VBP"}:
            continue  # present tense only: "who headed the agency" is no longer its head
        if not any(c.dep_ == "nsubj" and c.lower_ in {"who", "that"} for c in clause.children):
            continue
        lemma = clause.lemma_.lower()
        if lemma in {"be", "serve", "work", "act"}:
            for child in clause.children:
                noun = child
                if child.dep_ == "prep" and child.lower_ == "as":
                    noun = next((c for c in child.children if c.dep_ == "pobj"), child)
                if noun.dep_ in {"attr", "pobj"} and person_noun(noun) and (text := _trim(_phrase(noun))):
                    roles.append(text)
        elif lemma in ROLE_VERBS:
            obj = next((c for c in clause.children if c.dep_ == "dobj"), None)
            if obj is not None and obj.pos_ in {"NOUN", "PROPN"} and (text := _phrase_text(obj)):
                roles.append(f"{ROLE_VERBS[lemma]} of {text}")
    return roles


def _phrase_text(head: Token) -> str:
    """Text of a noun phrase up to the first comma after its head, edge punctuation dropped."""
    tokens = _phrase(head)
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    if not tokens:
        return ""
    return head.doc[tokens[0].i : tokens[-1].i + 1].text


def person_roles(ent: Span) -> list[str]:
    """Roles the article gives a person at this mention: a title before the name, an apposition, or a
    relative clause."""
    roles: list[str] = []
    root = ent.root
    # "former Secretary of State Hillary Clinton": the words before the name that hang off it.
    taken = _before_name(ent)
    # "Mr.", "former Miss": a courtesy title, even with a modifier, is no role.
    courtesy_only = bool(taken) and taken[-1].lower_.rstrip(".") in COURTESY
    if _is_title_run(taken) and not courtesy_only and (text := _trim(taken)):
        roles.append(text)
    for child in root.children:
        if child.dep_ != "appos" or child.ent_type_ == "PERSON":
            continue
        # "Benjamin J. Rhodes, one of the president's closest aides": the role is the group's.
        of = next((c for c in child.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        group = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        is_one = child.lower_ == "one" and group is not None and person_noun(group)
        if (is_one or person_noun(child)) and (text := _trim(_phrase(child))):
            roles.append(text)
    roles.extend(_relative_roles(root))
    # "his French counterpart, Jean Dupont": the name is the apposition of the role.
    head = root.head
    if root.dep_ == "appos" and head.pos_ == "NOUN" and head.ent_type_ != "PERSON" and person_noun(head):
        tokens = [t for t in head.subtree if head.left_edge.i <= t.i < root.left_edge.i]
        if text := _trim(tokens):
            roles.append(text)
    return roles


def is_person(ent: Span) -> bool:
    """Whether an NER mention names a person: tagged so, or a personal name tagged as an organisation
    that an apposition gives a person's role ("Vann R. Newkirk II, a writer for The Atlantic")."""
    if ent.label_ == "PERSON":
        return True
    if ent.label_ != "ORG":
        return False
    words = [t for t in ent if not t.is_punct]
    if not 2 <= len(words) <= 4 or ent[0].lower_ == "the":
        return False
    if any(t.pos_ != "PROPN" or not t.text[0].isupper() or t.lower_ in ORG_NOUNS for t in words):
        return False
    return any(c.dep_ == "appos" and c.pos_ == "NOUN" and person_noun(c) for c in ent.root.children)


def _normal(word: str) -> str:
    """A role word lower-cased, without edge punctuation or possessive, abbreviations spelled out."""
    word = word.strip(",.;:").lower()
    for ending in ("'s", "’s"):
        word = word.removesuffix(ending)
    return ABBREVIATIONS.get(word, word)


def _part_of_a_name(words: tuple[str, ...], full_names: Sequence[tuple[str, ...]]) -> bool:
    """Whether words are a person's full name or its surname ("Holt" of "Lester Holt")."""
    return any(words[-1] == full[-1] and set(words) <= set(full) for full in full_names)


class Registry:
    """Canonical entities of one article, with a lookup from (paragraph, token) to entity."""

    def __init__(self, numbers: Sequence[int], docs: Sequence[Doc]) -> None:
        self.entities: dict[str, Entity] = {}
        self._by_token: dict[tuple[int, int], str] = {}
        self.subject_persons: list[tuple[Pos, str]] = []
        self.subject_orgs: list[tuple[Pos, str]] = []
        people: list[tuple[int, Span]] = []
        for number, doc in zip(numbers, docs, strict=True):
            for ent in doc.ents:
                if ent.label_ == "PERSON" or ent.label_ in ORG_LABELS:
                    people.append((number, ent))
        # Full names known anywhere in the article: a surname used before the full name still resolves.
        full_names: list[tuple[str, ...]] = []
        for _, ent in people:
            if is_person(ent):
                name, _first = clean_name(ent)
                words = tuple(name.split())
                if len(words) >= 2 and words not in full_names:
                    full_names.append(words)
        for number, ent in people:
            self._add(number, ent, full_names)

    def _add(self, number: int, ent: Span, full_names: list[tuple[str, ...]]) -> None:
        """Register one NER mention under its canonical entity."""
        name, first = clean_name(ent)
        if not name or first is None or not any(ch.isalpha() for ch in name):
            return
        pos: Pos = (number, first.idx)
        kind: SpeakerKind = "person" if is_person(ent) else "organisation"
        words = tuple(name.split())
        if kind == "organisation" and ent.label_ == "ORG" and _part_of_a_name(words, full_names):
            kind = "person"  # "Holt" tagged as an organisation after "Lester Holt, the moderator"
        entity = self._person(words, pos, full_names) if kind == "person" else self._org(words)
        if entity is None:
            entity = Entity(name=name, kind=kind, words=words)
            self.entities[name] = entity
        entity.add_alias(name)
        bisect.insort(entity.mentions, pos)
        if kind == "person":
            for role in person_roles(ent):
                if role not in entity.roles:
                    entity.roles.append(role)
            if ent.root.dep_ in {"nsubj", "nsubjpass"}:
                self.subject_persons.append((pos, entity.name))
        elif ent.root.dep_ in {"nsubj", "nsubjpass"}:
            self.subject_orgs.append((pos, entity.name))
        for tok in ent:
            self._by_token[(number, tok.i)] = entity.name

    def _person(self, words: tuple[str, ...], pos: Pos, full_names: list[tuple[str, ...]]) -> Entity | None:
        """The person entity a name refers to; a new one is made if it has none."""
        persons = [e for e in self.entities.values() if e.kind == "person"]
        if len(words) >= 2:
            for e in persons:
                same_ends = e.words[0] == words[0] and e.words[-1] == words[-1]
                if same_ends or set(words) <= set(e.words):
                    return e
            return None
        word = words[0]
        matches = [e for e in persons if word in e.words and len(e.words) > 1]
        if matches:
            # Two people may share a surname: the one mentioned last is meant.
            return max(matches, key=lambda e: e.last_before(pos) or (0, 0))
        later = next((full for full in full_names if word in full), None)
        if later is not None:
            name = " ".join(later)
            if name not in self.entities:
                self.entities[name] = Entity(name=name, kind="person", words=later)
            return self.entities[name]
        return self.entities.get(word)

    def _org(self, words: tuple[str, ...]) -> Entity | None:
        """The organisation a name refers to: the same name, or a longer one it ends."""
        lowered = tuple(w.lower() for w in words)
        for e in self.entities.values():
            if e.kind != "organisation":
                continue
            other = tuple(w.lower() for w in e.words)
            if other == lowered or (len(other) > len(lowered) and other[-len(lowered) :] == lowered):
                return e
        return None

    def entity_at(self, number: int, token_i: int) -> Entity | None:
        """The entity whose mention covers a token, if any."""
        name = self._by_token.get((number, token_i))
        return self.entities.get(name) if name else None

    def by_role(self, head: str, modifiers: Sequence[str], pos: Pos) -> Entity | None:
        """The most recently mentioned person whose role fits a nominal like "the Chinese minister"."""
        wanted = ROLE_FAMILIES.get(head, frozenset({head}))
        best: tuple[Pos, Entity] | None = None
        for e in self.entities.values():
            if e.kind != "person" or not e.roles:
                continue
            role_words = {_normal(w) for role in e.roles for w in role.split()}
            if not role_words & wanted:
                continue
            if any(m not in role_words for m in modifiers if m not in NON_RESTRICTIVE):
                continue
            last = e.last_before(pos)
            if last is not None and (best is None or last > best[0]):
                best = (last, e)
        return best[1] if best else None

    def person_named(self, word: str, pos: Pos) -> Entity | None:
        """The most recently mentioned person with this word in their name (NER missed the mention)."""
        best: tuple[Pos, Entity] | None = None
        for e in self.entities.values():
            if e.kind != "person" or word not in e.words:
                continue
            last = e.last_before(pos) or (0, 0)
            if best is None or last > best[0]:
                best = (last, e)
        return best[1] if best else None

    def org_with_word(self, word: str, pos: Pos) -> Entity | None:
        """The most recently mentioned organisation whose name holds a word ("the ministry")."""
        best: tuple[Pos, Entity] | None = None
        for e in self.entities.values():
            if e.kind != "organisation" or word not in {w.lower() for w in e.words}:
                continue
            last = e.last_before(pos)
            if last is not None and (best is None or last > best[0]):
                best = (last, e)
        return best[1] if best else None

    def subject_persons_between(self, lo: Pos, hi: Pos) -> list[str]:
        """Persons named as a clause subject after ``lo`` and before ``hi``, in order."""
        return [name for pos, name in self.subject_persons if lo < pos < hi]

    def subject_orgs_between(self, lo: Pos, hi: Pos) -> list[str]:
        """Organisations named as a clause subject after ``lo`` and before ``hi``, in order."""
        return [name for pos, name in self.subject_orgs if lo < pos < hi]
