"""What a rule is, and how one runs: by name, with its gates, strict under tests.

The extractor is four ordered lists of rules (see ``pipeline.py``):

* candidate rules find quotations in a paragraph (their vetoes drop a find);
* cue rules find what attributes a quotation (a speech verb, a colon, a dash byline, a label);
* speaker rules turn the cue into a speaker, and mention rules resolve a speaker mention to a name;
* tally rules decide how the speakers are listed.

Each rule is a small named function whose docstring's first line holds an example, wrapped in a
``Rule`` that carries its gates (which quote kinds it looks at) and vetoes. The names of the rules that
produced a quote travel with it (``Quote.rules``), so ``newsdesk quotes --explain`` can say why.

A rule that raises is a bug in that rule. With ``NEWSDESK_STRICT=1`` (set for every test) it raises
``RuleError`` naming the rule; otherwise it is logged once per rule with its name and the item it was
working on is skipped, never the whole article.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

R = TypeVar("R")
STRICT_ENV = "NEWSDESK_STRICT"
_FAILURES_KEPT = 100  # where a rule failed, for a debugging session; a long-running bot keeps no more


class RuleError(RuntimeError):
    """A rule raised while strict mode was on; the rule's name is in the message."""


def strict() -> bool:
    """Whether a rule that raises should fail loudly (tests) rather than be logged and skipped."""
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


@dataclass(frozen=True, slots=True)
class Rule(Generic[R]):
    """One named rule: ``fn`` does the work; ``kinds`` gates it to some quote kinds; ``vetoes`` may drop
    what it found (each a Rule of its own); ``sets`` says what a cue rule fills in (for readers)."""

    name: str
    fn: Callable[..., R]
    kinds: frozenset[str] | None = None  # None: every kind
    vetoes: tuple[Rule[bool], ...] = ()
    sets: str = ""
    failures: list[str] = field(default_factory=list, compare=False, repr=False)

    @property
    def example(self) -> str:
        """The first line of the rule's docstring (it holds an example)."""
        return (self.fn.__doc__ or "").strip().splitlines()[0] if self.fn.__doc__ else ""

    def admits(self, kind: str) -> bool:
        """Whether the rule's gate lets a quote of this kind through."""
        return self.kinds is None or kind in self.kinds


SKIPPED: Any = object()  # what ``apply`` returns when a rule raised outside strict mode


def apply(rule: Rule[R], *args: object, where: str = "") -> R:
    """Run one rule; a rule that raises fails in strict mode, else is logged by name and ``SKIPPED``."""
    try:
        return rule.fn(*args)
    except RuleError:
        raise
    except Exception as exc:
        if strict():
            raise RuleError(
                f"quote rule {rule.name!r} failed{' on ' + where if where else ''}: {exc!r}"
            ) from exc
        if not rule.failures:
            log.warning(
                "quote rule %s failed on %s (item skipped): %s: %s", rule.name, where, type(exc).__name__, exc
            )
        if len(rule.failures) < _FAILURES_KEPT:
            rule.failures.append(where)
        log.debug("quote rule %s failed on %s", rule.name, where, exc_info=True)
        return SKIPPED


def first(
    rules: tuple[Rule[Any], ...], kind: str | None, *args: object, where: str = ""
) -> tuple[Any, str] | None:
    """The result of the first rule (in order, past its gate) that gives one, with that rule's name.

    A rule that raised (outside strict mode) skips the item: no later rule is tried, ``SKIPPED`` is returned.
    """
    for rule in rules:
        if kind is not None and not rule.admits(kind):
            continue
        found = apply(rule, *args, where=where)
        if found is SKIPPED:
            return SKIPPED
        if found is not None and found is not False:
            return found, rule.name
    return None


def vetoed(rule: Rule[Any], *args: object, where: str = "") -> str | None:
    """The name of the first veto of ``rule`` that drops the item (a veto that raised drops it too)."""
    for veto in rule.vetoes:
        verdict = apply(veto, *args, where=where)
        if verdict is SKIPPED or verdict:
            return veto.name
    return None
