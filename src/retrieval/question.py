"""What a question asks for: the kind of entity an answer holds, and the people it is about.

Both are read off the question's wording with general English patterns; nothing here knows an article.

- The expected answer type comes from the question word: "when" wants a date, "how many" a number,
  "where" a place, "who" a person or an organisation, "which <thing>" a named thing. The ranker gives a
  small bonus to sentences holding an entity of that type (spaCy's labels, computed at index time).
- The people asked about are the subject of a speech verb ("what did <X> say ...") and, when the question
  is capitalised, the PERSON entities spaCy finds in it. The abstention check needs them: a question about
  someone the corpus never mentions has no answer there, however on-topic the rest of it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# spaCy (OntoNotes) labels that answer each kind of question.
NUMBER_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
DATE_LABELS = frozenset({"DATE", "TIME"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
AGENT_LABELS = frozenset({"PERSON", "ORG", "NORP"})
NAMED_LABELS = frozenset(
    {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "LAW", "WORK_OF_ART", "PRODUCT", "EVENT"}
)

_NUMBER = re.compile(r"\bhow (?:many|much)\b|\bwhat (?:percentage|share|number|amount|proportion)\b", re.I)
_DATE = re.compile(r"\bwhen\b|\b(?:what|which) (?:year|day|date|month|time|week)\b|\bhow long ago\b", re.I)
_PLACE = re.compile(r"\bwhere\b|\b(?:what|which) (?:state|city|country|place|town|county|region)\b", re.I)
_AGENT = re.compile(r"\b(?:who|whom|whose|who[’']s)\b", re.I)
_WHICH = re.compile(r"\bwhich\b", re.I)

# "what did <X> say/tell/propose ...": X is someone the answer must quote.
_SPEECH_SUBJECT = re.compile(
    r"\b(?:what|how|why|when|where|who)(?:[’']s)?\s+(?:did|does|do|has|have|had|will|would|is|was)\s+"
    r"(?P<subject>[\w.’'-]+(?:\s+[\w.’'-]+){0,4}?)\s+"
    r"(?:say|said|tell|told|propose|proposed|claim|argue|think|mean|write|tweet|announce|add|suggest|warn"
    r"|respond|reply|recommend|predict|promise|accuse|ask|want|testify|insist|admit|deny|reveal)\b",
    re.I,
)
_WORD = re.compile(r"[A-Za-z][\w’'.-]*")
# Markup and mentions a Discord user may type around a question: **bold**, _italics_, `code`, @everyone.
_MARKUP = re.compile(r"[*_~`|>]+|<@[!&]?\d+>|@(?:everyone|here)\b")


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What the ranker and the abstention check need to know about a question."""

    text: str  # the question without markup, as it is embedded and matched
    answer_labels: frozenset[str]  # entity labels an answer would hold; empty when the type is open
    persons: tuple[str, ...]  # people the question is about, as written


def strip_markup(question: str) -> str:
    """The question without Discord markdown and mentions ("**Who** is _X_?" -> "Who is X?")."""
    return " ".join(_MARKUP.sub(" ", question).split())


def answer_labels(question: str) -> frozenset[str]:
    """The entity labels an answer to ``question`` would hold (empty for open "what/why/how" questions)."""
    if _NUMBER.search(question):
        return NUMBER_LABELS
    if _DATE.search(question):
        return DATE_LABELS
    if _PLACE.search(question):
        return PLACE_LABELS
    if _AGENT.search(question):
        return AGENT_LABELS
    if _WHICH.search(question):
        return NAMED_LABELS
    return frozenset()


def speech_subject(question: str) -> str | None:
    """X in "what did X say ...", the person whose words are asked for."""
    match = _SPEECH_SUBJECT.search(question)
    if not match:
        return None
    words = match["subject"].split()
    # An adverb before the verb is not part of the name ("what did X famously say").
    while words and words[-1].lower().endswith("ly"):
        words.pop()
    # "X's adviser" names someone by a relation, not by name: nothing to look up.
    if not words or any(w.lower().endswith(("'s", "’s")) for w in words):
        return None
    return " ".join(words)


def _needs_ner(question: str) -> bool:
    """spaCy only pays off on a capitalised word past the first: lower-case questions give it nothing."""
    words = _WORD.findall(question)
    return any(word[0].isupper() for word in words[1:])


def analyse(question: str) -> QuestionInfo:
    """Read the expected answer type and the people asked about off ``question``."""
    text = strip_markup(question)
    persons: list[str] = []
    subject = speech_subject(text)
    if subject:
        persons.append(subject)
    if _needs_ner(text):
        from .nlp import load_spacy

        doc = load_spacy()(text)
        persons.extend(ent.text for ent in doc.ents if ent.label_ == "PERSON")
    return QuestionInfo(text=text, answer_labels=answer_labels(text), persons=tuple(dict.fromkeys(persons)))
