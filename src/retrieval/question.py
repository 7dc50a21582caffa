"""What a question asks for: the kind of entity an answer holds, and the people it is about.

Both are read off the question's wording with general English patterns; nothing here knows an article.

- The expected answer type comes from the question word: "when" wants a date, "how many" a number,
  "where" a place, "who" a person or an organisation, "which <thing>" a named thing. The ranker gives a
  small bonus to sentences holding an entity of that type (spaCy's labels, computed at index time).
- The people asked about are the subject of a speech verb ("what did <X> say ...") and the PERSON entities
  spaCy finds in the question; a lower-case question gets its words outside the model's vocabulary
  capitalised first. The abstention check needs them: a question about someone the corpus never mentions
  has no answer there, however on-topic the rest of it is.
- Whose words the question asks for ("what did X say", "according to X") re-ranks X's quotes first, and
  "what did X say" with X quoted nowhere has no answer. So does a yes/no question about what X means to
  do ("is X going to appeal?"): X's own words answer it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
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

# Verbs of speech proper: "what did <X> say" asks for X's words, which the article must report.
_SAY = re.compile(
    r"^(?:say|said|tell|told|claim|argue|write|tweet|announce|warn|respond|reply|testify|insist|predict"
    r"|promise)$",
    re.I,
)
# "according to X, ...": the question asks for X's words.
_ACCORDING = re.compile(r"\baccording to (?P<subject>[\w.’'-]+(?:\s+[\w.’'-]+){0,3}?)\s*[,?]", re.I)
# A description, not a name: "the Miami lawyer", "his spokesman".
_DETERMINERS = frozenset("the a an his her their its this that our your".split())
# "what did <X> say/tell/propose ...": X is someone the answer must quote.
_SPEECH_SUBJECT = re.compile(
    r"\b(?:what|how|why|when|where|who)(?:[’']s)?\s+(?:did|does|do|has|have|had|will|would|is|was)\s+"
    r"(?P<subject>[\w.’'-]+(?:\s+[\w.’'-]+){0,4}?)\s+"
    r"(?P<verb>say|said|tell|told|propose|proposed|claim|argue|think|mean|write|tweet|announce|add|suggest|warn"
    r"|respond|reply|recommend|predict|promise|accuse|ask|want|testify|insist|admit|deny|reveal)\b",
    re.I,
)
# "is X going to appeal?", "does X plan to run?": whether X means to do something is answered by X's own
# words ("we will appeal", X said), so these rank X's quotes first, as "what did X say" does.
_INTENT = re.compile(
    r"^(?:(?:is|are|was|were)\s+(?P<subject>[\w.’'-]+(?:\s+[\w.’'-]+){0,3}?)\s+"
    r"(?:going|planning|intending|expected|likely|set|about|ready|willing|trying)\s+to"
    r"|(?:does|do|did)\s+(?P<other>[\w.’'-]+(?:\s+[\w.’'-]+){0,3}?)\s+"
    r"(?:plan|intend|want|expect|hope|vow|pledge|promise|mean)\s+to)\b",
    re.I,
)
# Subjects that name nobody whose quotes could be found: pronouns, and descriptions ("the court").
_NOT_NAMES = _DETERMINERS | frozenset("he she they it there we you i".split())
_WORD = re.compile(r"[A-Za-z][\w’'.-]*")
# Markup and mentions a Discord user may type around a question: **bold**, _italics_, `code`, @everyone.
_MARKUP = re.compile(r"[*_~`|>]+|<@[!&]?\d+>|@(?:everyone|here)\b")


@dataclass(frozen=True, slots=True)
class QuestionInfo:
    """What the ranker and the abstention check need to know about a question."""

    text: str  # the question without markup, as it is embedded and matched
    answer_labels: frozenset[str]  # entity labels an answer would hold; empty when the type is open
    persons: tuple[str, ...]  # people the question is about, as written
    quoted: str | None = None  # X of "what did X say", when X is a name: the article must report X's words
    speaker: str | None = None  # X of "what did X say/think/want", or "according to X": rank X's words first
    intent: bool = False  # the speaker is X of "is X going to ...?" (what X means to do), not a speech verb


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
    return _subject_name(match) if match else None


def asked_speaker(question: str) -> str | None:
    """Whose words the question asks for: X in "what did X say/think ..." or "according to X, ..."."""
    subject = speech_subject(question)
    if subject:
        return subject
    match = _ACCORDING.search(question)
    return match["subject"] if match else None


def intent_subject(question: str) -> str | None:
    """X in a yes/no question about what X means to do ("is X going to ...", "does X plan to ..."), when X
    is a name; the answer is in X's own words."""
    match = _INTENT.search(question)
    subject = match and (match["subject"] or match["other"])
    if not subject or subject.split()[0].lower() in _NOT_NAMES:
        return None
    return subject


def quoted_speaker(question: str) -> str | None:
    """X in "what did X say/tell/claim ..." when X is a name, not a description ("the lawyer")."""
    match = _SPEECH_SUBJECT.search(question)
    if not match or not _SAY.match(match["verb"]):
        return None
    name = _subject_name(match)
    if name is None or name.split()[0].lower() in _DETERMINERS:
        return None
    return name


def _subject_name(match: re.Match[str]) -> str | None:
    words = match["subject"].split()
    # An adverb before the verb is not part of the name ("what did X famously say").
    while words and words[-1].lower().endswith("ly"):
        words.pop()
    # "X's adviser" names someone by a relation, not by name: nothing to look up.
    if not words or any(w.lower().endswith(("'s", "’s")) for w in words):
        return None
    return " ".join(words)


_SMALL = frozenset(
    "a an the of to in on at for by with from and or but is are was were be been has have had do does did "
    "what who whom whose when where why how which that this these those it its his her their he she they "
    "about after before over under into s".split()
)


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from .embedder import packaged_model_path

    lines = (packaged_model_path() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w.isalpha())


def _title_cased(text: str) -> str:
    """A lower-case question with its rare words capitalised, so spaCy can see names ("did jane zhou ...")."""
    common = _common_words()
    words = text.split()
    core = [re.sub(r"[’']s$|[^\w-]", "", w.lower()) for w in words]
    rare = [bool(c) and c not in common and not c.isdigit() for c in core]
    out = []
    for i, w in enumerate(words):
        cap = rare[i] or (i + 1 < len(words) and rare[i + 1] and core[i] not in _SMALL and core[i].isalpha())
        out.append(w[:1].upper() + w[1:] if cap else w)
    return " ".join(out)


def _person_entities(text: str, *, min_words: int) -> list[str]:
    from .nlp import load_spacy

    return [e.text for e in load_spacy()(text).ents if e.label_ == "PERSON" and len(e) >= min_words]


def _needs_ner(question: str) -> bool:
    """True when the question capitalises a word past the first, so spaCy can read its names as written."""
    words = _WORD.findall(question)
    return any(word[0].isupper() for word in words[1:])


def _unique(names: list[str]) -> tuple[str, ...]:
    """One entry per name whatever its case, in first-seen order and spelt as first written."""
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def analyse(question: str, known: Callable[[str], bool] | None = None) -> QuestionInfo:
    """Read the expected answer type and the people asked about off ``question``.

    ``known`` tells whether the corpus knows a name (``Lexicon.knows_name``). With it, spaCy runs only when
    a capitalised word of the question is unknown: a person whose every name the corpus holds cannot be
    missing from it, so finding them is not worth loading spaCy (a second in a cold process), and
    ``persons`` then lists only the people who may be missing.
    """
    text = strip_markup(question)
    persons: list[str] = []
    subject = speech_subject(text)
    if subject:
        persons.append(subject)
    if _needs_ner(text):
        cased, min_words = text, 1
    else:
        # Discord questions are often all lower case; spaCy sees names only when they are capitalised.
        # One rare word alone ("regs", "gop") is as often slang as a surname; two words are a name.
        cased, min_words = _title_cased(text), 2
    if cased != text or min_words == 1:
        capitalised = [word for word in _WORD.findall(cased) if word[0].isupper()]
        if known is None or not all(known(word) for word in capitalised):
            persons.extend(_person_entities(cased, min_words=min_words))
    speaker = asked_speaker(text)
    intender = None if speaker else intent_subject(text)
    return QuestionInfo(
        text=text,
        answer_labels=answer_labels(text),
        persons=_unique(persons),
        quoted=quoted_speaker(text),
        speaker=speaker or intender,
        intent=intender is not None,
    )
