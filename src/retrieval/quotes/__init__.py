"""Quotation extraction and speaker attribution for news articles: a pipeline of named rules over spaCy.

``extract_quotes(article)`` pairs quotation marks per paragraph (tolerating a missing opening or
closing mark and quotes that run over paragraphs), finds what attributes each quote (the speech verb
that governs it in the dependency parse, a colon, a dash byline, a transcript label, "according to",
a document) and resolves the speaker to an entity of the article: surnames to full names, role
nominals ("the spokesman") to the most recent person with that role, pronouns to the speaker in
context, documents to their issuer. Reported speech ("X said (that) …", "according to X") gives
indirect quotes. Every quote names the rules that produced it (``Quote.rules``).

The rules, in the order they run: ``candidates.CANDIDATE_RULES``, ``cues.CUE_RULES``,
``speakers.SPEAKER_RULES`` (with ``mentions.MENTION_RULES`` for each speaker mention) and
``tally.TALLY_RULES``. To add a case: write one small function with a one-line docstring holding an
example, add it to the list where it belongs, and add a row for it in ``tests/test_quote_rules.py``.
"""

from .candidates import CANDIDATE_RULES
from .cues import CUE_RULES
from .extract import EXTRACTOR_VERSION, extract_quotes
from .mentions import MENTION_RULES
from .rules import Rule, RuleError
from .speakers import SPEAKER_RULES
from .tally import TALLY_RULES, UNATTRIBUTED

RULE_LISTS: dict[str, tuple[Rule, ...]] = {
    "candidates": CANDIDATE_RULES,
    "cues": CUE_RULES,
    "speakers": SPEAKER_RULES,
    "mentions": MENTION_RULES,
    "tally": TALLY_RULES,
}


def all_rules() -> list[Rule]:
    """Every rule of the pipeline, vetoes included, in pipeline order."""
    out: list[Rule] = []
    for rules in RULE_LISTS.values():
        for rule in rules:
            out.append(rule)
            out.extend(rule.vetoes)
    return out


__all__ = [
    "EXTRACTOR_VERSION",
    "RULE_LISTS",
    "UNATTRIBUTED",
    "Rule",
    "RuleError",
    "all_rules",
    "extract_quotes",
]
