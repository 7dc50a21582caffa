"""The quote extractor's rules, one table row (or more) per rule, keyed by the rule's name.

Each row is ``(text, quoted, speaker)``: extracting ``text`` gives a quote whose text contains ``quoted``,
spoken by ``speaker``, with the rule among the rules that produced it. ``speaker=None`` is a
counter-example: no quote that is exactly ``quoted`` comes out (what a veto drops). Tally rules rewrite a
speaker name: their rows are ``(name, None, listed name)``.

Adding a rule: one function, one entry in its list, one row here (the last test fails without it).
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from retrieval.article import parse_article
from retrieval.models import Quote
from retrieval.quotes import RULE_LISTS, UNATTRIBUTED, Rule, RuleError, all_rules, extract_quotes
from retrieval.quotes.who import Who

QUOTES_DIR = Path(__file__).resolve().parents[1] / "src" / "retrieval" / "quotes"

TABLE: dict[str, list[tuple[str, str | None, str | None]]] = {
    # candidates
    "quoted_span": [("“We will appeal,” Anna Kowalski said.", "We will appeal", "Anna Kowalski")],
    "no_words": [("Anna Kowalski said “2016” was the year.", "2016", None)],
    "title_case_name": [("Mayor Anna Kowalski praised the ship “USS Enterprise” on Monday.", "USS", None)],
    "transcript_turn": [
        (
            "Mike Pence and Tim Kaine met.\n\nPENCE: Well, look, we will win.\n\nKAINE: We will not.",
            "we will win",
            "Mike Pence",
        ),
        (
            "Mike Pence and Tim Kaine met.\n\nPENCE: Well, look, we will win.\n\nKAINE: We will not.",
            "We will not",
            "Tim Kaine",
        ),
    ],
    "editorial_label": [
        (
            "CLARIFICATION: The first sentence has been clarified.",
            "The first sentence has been clarified.",
            None,
        )
    ],
    "according_to": [
        ("The talks failed, according to the Foreign Ministry.", "talks failed", "Foreign Ministry")
    ],
    "reported_clause": [
        (
            "Mayor Anna Kowalski said the pier would be rebuilt by the summer.",
            "the pier would",
            "Anna Kowalski",
        )
    ],
    "negated_verb": [("Mayor Anna Kowalski did not say the pier would be rebuilt.", "pier", None)],
    # cues
    "transcript_label": [
        ("Mike Pence spoke first. “PENCE: Well, look, we will win.”", "we will win", "Mike Pence")
    ],
    "dash_byline": [("“We will win this race.” — Hillary Clinton", "win this race", "Hillary Clinton")],
    "governing_verb": [
        ("Anna Kowalski said, “We will appeal the ruling.”", "appeal the ruling", "Anna Kowalski")
    ],
    "verb_after_quote": [
        (
            "“If he thinks that makes him smart,” the ad’s narrator says, “what now?”",
            "If he",
            "the ad’s narrator",
        )
    ],
    "verb_before_quote": [
        (
            "“If he thinks that makes him smart,” the ad’s narrator says, “what now?”",
            "what now",
            "the ad’s narrator",
        )
    ],
    "sentence_root_verb": [
        ("Anna Kowalski added “a fresh start” to the plan.", "fresh start", "Anna Kowalski")
    ],
    "next_sentence_verb": [("“Why now?” Lindsey Graham asked.", "Why now", "Lindsey Graham")],
    "document_after": [
        (
            "The drills began. “The drills are routine and lawful,” is in the same statement.",
            "routine",
            "the same statement",
        )
    ],
    "colon_intro": [
        (
            "Anna Kowalski told reporters:\n\n“We will appeal the ruling in the highest court.”",
            "appeal",
            "Anna Kowalski",
        )
    ],
    # speakers
    "quote_group": [
        (
            "“We will rebuild the pier before the summer, and we will not stop,\n\n"
            "“and the lighthouse will shine again,” Mayor Anna Kowalski said.",
            "rebuild the pier",
            "Anna Kowalski",
        )
    ],
    "label_speaker": [
        ("Mike Pence spoke first. “PENCE: Well, look, we will win.”", "we will win", "Mike Pence")
    ],
    "according_to_source": [
        ("The talks failed, according to the Foreign Ministry.", "talks failed", "Foreign Ministry")
    ],
    "speech_noun_owner": [("Trump’s claim that “nobody knew” was false.", "nobody knew", "Trump")],
    "named_cue": [("“We will win this race.” — Hillary Clinton", "win this race", "Hillary Clinton")],
    "nested_reporting": [
        ("Trump said Clinton once called the deal “a disaster” for workers.", "a disaster", "Trump")
    ],
    "joint_subjects": [
        ("Anna Kowalski and Tom Becker said the pier “will be rebuilt”.", "will be rebuilt", "Anna Kowalski"),
        ("Anna Kowalski and Tom Becker said the pier “will be rebuilt”.", "will be rebuilt", "Tom Becker"),
    ],
    "verb_subject": [("“We will appeal,” Anna Kowalski said.", "We will appeal", "Anna Kowalski")],
    "subjectless_verb": [
        ("“We will win,” Anna Kowalski said. And added: “It is safe.”", "It is safe", "Anna Kowalski")
    ],
    "continues_context": [
        (
            "“We will rebuild the pier,” said Mayor Anna Kowalski. “It will take a year.”",
            "take a year",
            "Anna Kowalski",
        )
    ],
    # mentions
    "reported_clause_pronoun": [
        ("Lynch said she told the board the pier would be rebuilt by May.", "the pier would", "Lynch")
    ],
    "pronoun": [("Anna Kowalski met voters. “We will wait,” she said.", "We will wait", "Anna Kowalski")],
    "apposed_name": [
        (
            "The head of the inquiry, Kenneth Piernick, said the pier “was never safe”.",
            "never safe",
            "Kenneth Piernick",
        )
    ],
    "document_issuer": [
        (
            "The drills began. “The drills are routine and lawful,” is in the same statement.",
            "routine",
            "the same statement",
        )
    ],
    "named_entity": [("“We will appeal,” Anna Kowalski said.", "We will appeal", "Anna Kowalski")],
    "proper_name": [
        ("“It is good,” mayor Person150 said. “Really good,” added Person151.", "Really good", "Person151")
    ],
    "role_then_name": [
        ("“It is good,” mayor Person150 said. “Really good,” added Person151.", "It is good", "Person150")
    ],
    "role_nominal": [
        ("Mayor Anna Kowalski spoke. The mayor said: “We will wait.”", "We will wait", "Anna Kowalski")
    ],
    "organisation_noun": [("The city council said: “We will wait.”", "We will wait", "the city council")],
    "as_written": [
        ("“We will wait,” one voter said.", "We will wait", "one voter"),
        ('Nested "quotes "everywhere" never" end, said Anna Kowalski.', "everywhere", UNATTRIBUTED),
    ],
    # tally (names in, names out)
    "clean_name": [
        ("It is good,” mayor Person150", None, "mayor Person150"),
        ("U.S. Navy", None, "U.S. Navy"),
    ],
    "unattributed_pronoun": [("he", None, UNATTRIBUTED), ("I", None, "I")],
}

TALLY = {rule.name: rule for rule in RULE_LISTS["tally"]}


def extract(text: str) -> list[Quote]:
    return list(extract_quotes(parse_article(text.encode(), article_id="t")).quotes)


ROWS = [(name, *row) for name, rows in TABLE.items() for row in rows]


@pytest.mark.parametrize(
    ("rule", "text", "quoted", "speaker"), ROWS, ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)]
)
def test_rule_table(rule, text, quoted, speaker):
    if rule in TALLY:
        who = Who(text, False, "person", text)
        listed = TALLY[rule].fn(who) or who
        assert listed.name == speaker
        return
    quotes = [q for q in extract(text) if quoted in q.text]
    if speaker is None:
        assert all(q.text != quoted for q in quotes), f"{rule}: expected no quote {quoted!r}, got {quotes}"
        return
    assert quotes, f"{rule}: no quote holding {quoted!r}"
    assert any(q.speaker == speaker and rule in q.rules for q in quotes), [
        (q.speaker, q.rules) for q in quotes
    ]


def test_every_rule_has_a_row_and_a_docstring_with_an_example():
    names = [rule.name for rule in all_rules()]
    assert len(names) == len(set(names)), "rule names must be unique"
    assert set(names) == set(TABLE), (
        f"missing rows: {set(names) - set(TABLE)}; stale rows: {set(TABLE) - set(names)}"
    )
    for rule in all_rules():
        assert rule.example, f"{rule.name} has no docstring"
        assert any(mark in rule.example for mark in "“‘\"'"), (
            f"{rule.name}: the docstring's first line needs an example"
        )


def test_no_file_over_500_lines_and_no_function_over_60_lines_in_quotes():
    for path in sorted(QUOTES_DIR.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert source.count("\n") <= 500, f"{path.name} has {source.count(chr(10))} lines"
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= 60, f"{path.name}:{node.lineno} {node.name} has {length} lines"


def _boom(*_args):
    """A broken rule: ‘anything’."""
    raise KeyError("boom")


def _break_first_rule(monkeypatch, stage: str) -> None:
    """Put a rule that raises first in one stage's list."""
    import retrieval.quotes.candidates as candidates
    import retrieval.quotes.cues as cues
    import retrieval.quotes.mentions as mentions
    import retrieval.quotes.speakers as speakers
    import retrieval.quotes.tally as tally

    module, name = {
        "candidates": (candidates, "CANDIDATE_RULES"),
        "cues": (cues, "CUE_RULES"),
        "speakers": (speakers, "SPEAKER_RULES"),
        "mentions": (mentions, "MENTION_RULES"),
        "tally": (tally, "TALLY_RULES"),
    }[stage]
    monkeypatch.setattr(module, name, (Rule("broken_rule", _boom), *getattr(module, name)))


def _swap_first_cue_rule(monkeypatch):
    _break_first_rule(monkeypatch, "cues")


@pytest.mark.parametrize("stage", list(RULE_LISTS))
def test_a_failing_rule_in_any_stage_fails_in_strict_mode_and_is_skipped_by_name_outside(
    stage, monkeypatch, caplog
):
    _break_first_rule(monkeypatch, stage)
    text = "“We will appeal,” Anna Kowalski said."
    with pytest.raises(RuleError, match="broken_rule"):
        extract(text)
    monkeypatch.setenv("NEWSDESK_STRICT", "0")
    with caplog.at_level(logging.WARNING):
        result = extract_quotes(parse_article(text.encode(), article_id="t"))
    assert result.complete and "broken_rule" in caplog.text
    for quote in result.quotes:  # whatever survives is still well formed
        assert quote.rules and quote.speaker


def test_a_rule_that_raises_fails_under_strict_mode(monkeypatch):
    _swap_first_cue_rule(monkeypatch)
    with pytest.raises(RuleError, match="broken_rule"):
        extract("“We will appeal,” Anna Kowalski said.")


def test_outside_strict_mode_a_failing_rule_is_logged_by_name_and_its_item_skipped(monkeypatch, caplog):
    monkeypatch.setenv("NEWSDESK_STRICT", "0")
    _swap_first_cue_rule(monkeypatch)
    text = "“We will appeal,” Anna Kowalski said. Anna Kowalski said the pier would be rebuilt by May."
    with caplog.at_level(logging.WARNING):
        result = extract_quotes(parse_article(text.encode(), article_id="t"))
    assert result.complete
    assert "broken_rule" in caplog.text
    # The quote the broken rule worked on is skipped; the other rules' quotes stay.
    assert [q.kind for q in result.quotes] == ["indirect"]
    assert result.quotes[0].speaker == "Anna Kowalski"


@pytest.mark.parametrize(
    "text",
    [
        "Anna Kowalski spoke. “It is good,” mayor Person150 said. “Fine,” added Person151.",
        "It is good,” mayor Person150 said the thing.",
        'Nested "quotes "everywhere" never" end, said Anna Kowalski.',
        'The reply came: "Nested "quotes "everywhere" never" end," said the official.',
    ],
)
def test_speaker_names_hold_no_quotation_marks_or_fragments(text):
    result = extract_quotes(parse_article(text.encode(), article_id="t"))
    names = [q.speaker for q in result.quotes] + [s.name for s in result.speakers]
    assert names
    for name in names:
        assert not any(mark in name for mark in '“”"„«»!?;'), name
        assert name == UNATTRIBUTED or name.split()[-1][0].isupper() or name.startswith(("the ", "a ")), name
