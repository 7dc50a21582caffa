"""Who speaks: a speaker as resolved for one attribution, and the discourse state of the walk."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import SpeakerKind
from .entities import Entity, Pos

UNATTRIBUTED = "unattributed"  # the speaker of quotes that name no one: an unresolved pronoun, a fragment
_CONTEXT_PARAGRAPHS = 1  # an unattributed quote continues the speaker of this many paragraphs back


@dataclass(frozen=True, slots=True)
class Who:
    """A resolved (or not) speaker for one attribution; ``rules`` name the mention rule that found it."""

    name: str
    resolved: bool
    kind: SpeakerKind
    surface: str
    entity: Entity | None = None
    rules: tuple[str, ...] = field(default=(), compare=False)
    also: tuple[Who, ...] = field(default=(), compare=False)  # co-speakers: "X and Y said"


@dataclass(slots=True)
class State:
    """Discourse state while walking the article in order."""

    last: tuple[Pos, Who] | None = None
    issuer: Who | None = None
    groups: dict[int, Who] = field(default_factory=dict)


def context_speaker(state: State, number: int) -> Who | None:
    """The speaker of the previous attribution, when it is close enough to be continuing."""
    if state.last is None:
        return None
    (last_number, _), who = state.last
    return who if number - last_number <= _CONTEXT_PARAGRAPHS else None
