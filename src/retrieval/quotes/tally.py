"""Tally rules and the tally: the speaker names as listed, and one Speaker per name.

Tally rules run on every attribution, in order, before it becomes a Quote; each may rewrite the
speaker (returning None leaves it as it is). Their names join the quote's ``rules`` when they change it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..models import Quote, Speaker, SpeakerKind
from .entities import Registry
from .lexicon import GROUP_PRONOUNS, PARTY_NOUNS, PERSON_PRONOUNS
from .marks import ALL_MARKS
from .rules import SKIPPED, Rule, apply
from .who import UNATTRIBUTED, Who

_PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS  # "I" is a first-person narrator, kept as written
# A quotation mark, "!", "?" or ";" inside a would-be name: what precedes is a fragment of the quote or
# of another sentence, not part of the name ("It is good,” mayor Person150"). Full stops and commas stay:
# "U.S. Navy", "Rep. Lynch", "Smith, Jr.".
_BREAKS = "".join(sorted(ALL_MARKS)) + "!?;"
_FRAGMENT = re.compile(r"^.*[" + re.escape(_BREAKS) + r"]\s*")


def tally_rules(who: Who) -> tuple[Who, list[str]]:
    """Run the tally rules on one attribution's speaker; the rewritten speaker and the rules that did."""
    fired = []
    for rule in TALLY_RULES:
        found = apply(rule, who, where=f"speaker {who.name!r}")
        if found is not None and found is not SKIPPED:
            who = found
            fired.append(rule.name)
    return who, fired


def clean_name(who: Who) -> Who | None:
    """No quotation mark or quoted fragment in a name: ‘It is good,” mayor Person150’ is "mayor Person150"."""
    if not any(ch in ALL_MARKS for ch in who.name) and not any(
        ch in ".!?;:" for ch in who.name.replace(".", "")
    ):
        return None
    name = _FRAGMENT.sub("", who.name).strip(" ,;:" + "".join(ALL_MARKS))
    if name == who.name:
        return None
    if not any(ch.isalpha() for ch in name):
        return Who(UNATTRIBUTED, False, who.kind, who.surface, rules=who.rules)
    return replace(who, name=name, surface=name if who.surface == who.name else who.surface)


def unattributed_pronoun(who: Who) -> Who | None:
    """A pronoun that refers to no one named is listed as unattributed, not as a speaker called "he"."""
    if who.resolved or who.name.lower() not in _PRONOUNS:
        return None
    return Who(UNATTRIBUTED, False, who.kind, who.surface, rules=who.rules)


TALLY_RULES: tuple[Rule[Who | None], ...] = (
    Rule("clean_name", clean_name),
    Rule("unattributed_pronoun", unattributed_pronoun),
)


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


def speakers(article_id: str, quotes: Sequence[tuple[Quote, Who]], registry: Registry) -> tuple[Speaker, ...]:
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
        pronoun = surface.lower() in PERSON_PRONOUNS and who.name != UNATTRIBUTED
        if who.name in surface or surface in tally.aliases or pronoun:
            continue
        tally.aliases.append(surface)
    speakers = []
    # The unattributed go last: they are no speaker beside the named ones.
    for name, tally in sorted(tallies.items(), key=lambda item: item[0] == UNATTRIBUTED):
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
