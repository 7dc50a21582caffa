"""Speaker rules: who speaks a candidate, from its cue, its label, its quote group or the context.

Tried in order for each candidate; the first rule that gives a speaker wins. Rules that read a mention
("Li", "the spokesman", "he") hand it to the mention rules (``mentions.resolve``). A candidate no rule
attributes is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .candidates import Candidate
from .entities import Registry
from .lexicon import DOCUMENT_NOUNS, ORG_NOUNS, PERSON_ROLES, SPEECH_NOUNS
from .mentions import resolve
from .rules import SKIPPED, Rule, first
from .syntax import Ranges, outer_speech, subject_of
from .who import State, Who, context_speaker

if TYPE_CHECKING:
    from spacy.tokens import Token

_PEOPLE_NOUNS = frozenset(
    """
    source person people man woman men women voter voters resident critic supporter opponent member
    worker parent student teacher doctor expert witness protester demonstrator activist fan friend
    neighbor neighbour colleague staffer insider observer analyst lawmaker aide
    """.split()
)


@dataclass(slots=True)
class At:
    """Where a candidate is attributed: its paragraph, the article's entities, the discourse state."""

    number: int
    registry: Registry
    state: State
    ranges: Ranges

    def for_cue(self, cand: Candidate) -> At:
        """The same, seen from the cue's paragraph (a cue in the paragraph before is in no quote here)."""
        if cand.cue_paragraph is None:
            return self
        return At(cand.cue_paragraph, self.registry, self.state, ())


def attribute(cand: Candidate, at: At) -> Who | None:
    """The speaker of a candidate (and the rules that found it), or None to drop it."""
    found = first(SPEAKER_RULES, cand.kind, cand, at, where=f"paragraph {at.number}")
    if found is None or found is SKIPPED:
        return None
    who, name = found
    return replace(who, rules=(name, *who.rules))


def quote_group(cand: Candidate, at: At) -> Who | None:
    """A piece of a quote running over paragraphs has the speaker of its other pieces: ‘“… ¶ “…,” Li said.’"""
    who = at.state.groups.get(cand.group) if cand.group is not None else None
    return replace(who, rules=()) if who is not None else None


def label_speaker(cand: Candidate, at: At) -> Who | None:
    """A transcript label is the person of that surname, else the label: ‘“PENCE: Well, …”’ is Mike Pence."""
    if cand.label is None:
        return None
    words = cand.label.split()
    known = at.registry.person_named(words[-1].title(), (at.number, cand.start)) if words else None
    if known is not None:
        return Who(known.name, True, "person", cand.label, known)
    return Who(cand.label, False, "person", cand.label)


def according_to_source(cand: Candidate, at: At) -> Who | None:
    """The object of "according to" speaks: ‘…, according to the ministry.’"""
    cue = cand.cue
    if cue is None or cue.lower_ != "according":
        return None
    to = next((c for c in cue.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    at = at.for_cue(cand)
    return resolve(source, at.number, at.registry, at.state) if source is not None else None


def speech_noun_owner(cand: Candidate, at: At) -> Who | None:
    """The owner of a speech noun speaks: ‘Trump’s claim that “…”’."""
    cue = cand.cue
    if cue is None or cue.pos_ != "NOUN" or cue.lemma_.lower() not in SPEECH_NOUNS:
        return None
    owner = next((c for c in cue.children if c.dep_ == "poss"), None)
    at = at.for_cue(cand)
    return resolve(owner, at.number, at.registry, at.state) if owner is not None else None


def named_cue(cand: Candidate, at: At) -> Who | None:
    """A cue that is itself a noun speaks: a byline name ‘“…” — Li’, a document ‘“…”, the note says’."""
    cue = cand.cue
    if cue is None or cue.pos_ not in {"NOUN", "PROPN"} or _speech_noun(cue):
        return None
    at = at.for_cue(cand)
    return resolve(cue, at.number, at.registry, at.state)


def joint_subjects(cand: Candidate, at: At) -> Who | None:
    """Each of joined subjects speaks: ‘Anna Kowalski and Tom Becker said the pier “will be rebuilt”.’"""
    cue = cand.cue
    if cue is None or cue.lower_ == "according" or cue.pos_ in {"NOUN", "PROPN"}:
        return None
    at = at.for_cue(cand)
    subject = subject_of(cue, at.ranges)
    if subject is None or subject.pos_ != "PROPN":
        return None
    joined = [c for c in subject.conjuncts if c.pos_ == "PROPN" and c.i > subject.i]
    if not joined:
        return None
    found = [resolve(t, at.number, at.registry, at.state) for t in (subject, *joined)]
    people = [who for who in found if who is not None]
    if len(people) < 2:
        return None
    return replace(people[0], also=tuple(people[1:]))


def nested_reporting(cand: Candidate, at: At) -> Who | None:
    """Words reported in someone's report are the reporter's: ‘Trump said Clinton called it “a disaster”.’"""
    cue = cand.cue
    if cue is None or cue.lower_ == "according" or cue.pos_ in {"NOUN", "PROPN"}:
        return None
    at = at.for_cue(cand)
    outer = outer_speech(cue, at.ranges)
    subject = subject_of(outer, at.ranges) if outer is not None else None
    if subject is None or not can_speak(subject, at.number, at.registry):
        return None
    return resolve(subject, at.number, at.registry, at.state)


def verb_subject(cand: Candidate, at: At) -> Who | None:
    """The subject of the speech verb speaks: ‘“…,” the spokesman said.’"""
    cue = cand.cue
    if cue is None or cue.lower_ == "according" or cue.pos_ in {"NOUN", "PROPN"}:
        return None
    at = at.for_cue(cand)
    subject = subject_of(cue, at.ranges)
    if subject is not None and not can_speak(subject, at.number, at.registry):
        # "Holm said the advertisement “…” suggests …": an advert does not speak, Holm does.
        outer = outer_speech(cue, at.ranges)
        outer_subject = subject_of(outer, at.ranges) if outer is not None else None
        if outer_subject is not None:
            subject = outer_subject
    return resolve(subject, at.number, at.registry, at.state) if subject is not None else None


def subjectless_verb(cand: Candidate, at: At) -> Who | None:
    """A speech verb without a subject continues the last speaker: ‘… and expressed hope that “…”’."""
    cue = cand.cue
    if cue is None or subject_of(cue, at.for_cue(cand).ranges) is not None:
        return None
    who = context_speaker(at.state, at.number)
    return replace(who, rules=()) if who is not None else None


def continues_context(cand: Candidate, at: At) -> Who | None:
    """A quote with no cue of its own continues the speaker just before: ‘Li said: … ¶ “We will …”’."""
    if not cand.needs_context:
        return None
    who = context_speaker(at.state, at.number)
    return replace(who, rules=()) if who is not None else None


def _speech_noun(tok: Token) -> bool:
    """Whether a token is a speech noun ("claim", "remark")."""
    return tok.pos_ == "NOUN" and tok.lemma_.lower() in SPEECH_NOUNS


def can_speak(subject: Token, number: int, registry: Registry) -> bool:
    """Whether a subject can be a speaker: a name, a pronoun, a person, an organisation or a document."""
    if subject.pos_ in {"PROPN", "PRON"} or registry.entity_at(number, subject.i) is not None:
        return True
    lemma = subject.lemma_.lower()
    if lemma in PERSON_ROLES or lemma in ORG_NOUNS or lemma in DOCUMENT_NOUNS:
        return True
    # Plural people ("demonstrators", "critics", "sources") speak; so do most nouns naming people.
    return subject.ent_type_ in {"NORP", "PERSON", "ORG", "GPE"} or lemma in _PEOPLE_NOUNS


# Order matters: the first rule that gives a speaker wins.
SPEAKER_RULES: tuple[Rule[Who | None], ...] = (
    Rule("quote_group", quote_group),
    Rule("label_speaker", label_speaker),
    Rule("according_to_source", according_to_source),
    Rule("speech_noun_owner", speech_noun_owner),
    Rule("named_cue", named_cue),
    # Quoted words only: an indirect clause is the paraphrase of its nearest speaker, not of the reporter.
    Rule("nested_reporting", nested_reporting, kinds=frozenset({"direct", "partial"})),
    Rule("joint_subjects", joint_subjects),
    Rule("verb_subject", verb_subject),
    Rule("subjectless_verb", subjectless_verb),
    Rule("continues_context", continues_context),
)
