"""Quote extraction and speaker attribution: the bundled article, synthetic English, and messy input."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.article import load_article, parse_article
from retrieval.models import Article, Paragraph, Quote, QuoteExtraction
from retrieval.quotes import EXTRACTOR_VERSION, extract_quotes

BUNDLED = Path(__file__).resolve().parents[1] / "src" / "retrieval" / "data" / "000_58fe8462cd8d2dcd.txt"


def extract(text: str) -> QuoteExtraction:
    return extract_quotes(parse_article(text.encode(), article_id="t"))


def in_paragraph(result: QuoteExtraction, number: int) -> list[Quote]:
    return [q for q in result.quotes if q.paragraph == number]


@pytest.fixture(scope="module")
def article() -> Article:
    return load_article(BUNDLED)


@pytest.fixture(scope="module")
def bundled(article: Article) -> QuoteExtraction:
    return extract_quotes(article)


# --- the bundled article ----------------------------------------------------------------------------

EXPECTED = {
    1: "Li Shangfu",
    2: "Li Shangfu",
    3: "Li Shangfu",
    4: "Vladimir Putin",
    5: "Vladimir Putin",
    7: "Tan Kefei",
    8: "Tan Kefei",
    9: "Tan Kefei",
    10: "the Chinese military",
    12: "China",
    13: "Beijing",
    16: "Shi Yi",
    17: "Shi Yi",
    18: "Shi Yi",
    19: "U.S. Navy’s Seventh Fleet",
    20: "U.S. Navy’s Seventh Fleet",  # "“…”, is in the same note. “…,” he added."
}


@pytest.mark.parametrize(("number", "speaker"), sorted(EXPECTED.items()))
def test_every_quote_of_the_bundled_article_has_the_right_speaker(bundled, number, speaker):
    quotes = in_paragraph(bundled, number)
    assert quotes, f"no quote found in paragraph {number}"
    assert {q.speaker for q in quotes} == {speaker}
    assert all(q.speaker_resolved for q in quotes)


def test_paragraphs_without_quotes_yield_none(bundled):
    quoted = {q.paragraph for q in bundled.quotes}
    assert quoted <= set(EXPECTED) | {20}
    assert not quoted & {6, 11, 14, 15, 21, 22, 23, 24, 25}


def test_spans_slice_the_paragraph_to_the_quoted_text(article, bundled):
    texts = {p.number: p.text for p in article.paragraphs}
    for quote in bundled.quotes:
        assert texts[quote.paragraph][quote.start : quote.end] == quote.text
        assert quote.text == quote.text.strip()


def test_quotes_come_in_article_order(bundled):
    keys = [(q.paragraph, q.start) for q in bundled.quotes]
    assert keys == sorted(keys)


def test_partial_quote_in_reported_speech(bundled):
    # The reported clause is an indirect quote, its quoted fragment a partial quote of its own.
    clause, quote = in_paragraph(bundled, 1)
    assert clause.kind == "indirect"
    assert clause.text.startswith(
        "the Chinese military is ready to “strengthen strategic communications” with"
    )
    assert quote.kind == "partial"
    assert quote.text == "strengthen strategic communications"


# Paragraphs whose speech verb governs a reported clause holding quoted fragments, with its start.
MIXED_CLAUSES = {
    1: "the Chinese military is ready to “strengthen",
    5: "military cooperation plays an “important role",
    8: "The Chinese and Russian armies “maintained",
    9: "This interaction “enriched",
    12: "it is neutral but maintains an “unrestricted” relationship with Russia",
    17: "the Chinese military had “deployed troops",
}


@pytest.mark.parametrize(("number", "opening"), sorted(MIXED_CLAUSES.items()))
def test_a_reported_clause_with_quoted_fragments_is_also_an_indirect_quote(bundled, number, opening):
    quotes = in_paragraph(bundled, number)
    (clause,) = [q for q in quotes if q.kind == "indirect"]
    assert clause.text.startswith(opening)
    # The clause holds its fragments, marks and all; each is still a partial quote of the same speaker.
    inside = [q for q in quotes if q.kind == "partial" and clause.start < q.start and q.end < clause.end]
    assert inside
    assert all(f"“{q.text}" in clause.text and q.speaker == clause.speaker for q in inside)


def test_the_model_indirect_quote_of_the_spec(bundled):
    clause, fragment = in_paragraph(bundled, 12)
    assert (clause.kind, clause.speaker) == ("indirect", "China")
    assert clause.text == (
        "it is neutral but maintains an “unrestricted” relationship with Russia and has refused to criticize"
        " the invasion"
    )
    assert (fragment.kind, fragment.text) == ("partial", "unrestricted")


def test_no_indirect_copy_without_a_reported_clause_of_its_own(bundled):
    # "recalled the “…”", "agreed to “…”", "stressed the importance of “…”": no clause; "stated that it
    # was “…”": two words outside the marks; direct quotes are the whole content.
    for number in (2, 3, 4, 10, 13, 16, 18, 20):
        assert all(q.kind != "indirect" for q in in_paragraph(bundled, number)), number


def test_direct_quote_with_inverted_attribution(bundled):
    (quote,) = in_paragraph(bundled, 2)
    assert quote.kind == "direct"
    assert quote.text.startswith("China is ready to cooperate with Russia")
    assert quote.text.endswith("global and regional security and stability")


def test_nominal_speakers_resolve_to_the_person_whose_role_fits(bundled):
    # "The Chinese minister" is Li Shangfu; "The Russian leader" is the president, Putin.
    assert {q.speaker for q in in_paragraph(bundled, 3)} == {"Li Shangfu"}
    russian_leader = [q for q in in_paragraph(bundled, 4) if q.text.startswith("further strengthen")]
    assert [q.speaker for q in russian_leader] == ["Vladimir Putin"]


def test_all_fragments_of_a_paragraph_are_found(bundled):
    assert len(in_paragraph(bundled, 4)) == 3
    texts = [q.text for q in in_paragraph(bundled, 5) if q.kind == "partial"]
    assert texts[0] == "important role in Russia-China relations"
    # ". expressed hope that …": the subject was lost, the sentence continues Putin's remarks.
    assert texts[1].startswith("enhance cooperation in joint training")


def test_indirect_speech_without_quotation_marks(bundled):
    (quote,) = in_paragraph(bundled, 7)
    assert quote.kind == "indirect"
    assert "he will meet Russian military leaders" in quote.text
    assert "said" not in quote.text


def test_organisations_and_countries_speak(bundled):
    kinds = {s.name: s.kind for s in bundled.speakers}
    assert kinds["the Chinese military"] == "organisation"
    assert kinds["China"] == "organisation"
    assert kinds["Beijing"] == "organisation"
    beijing = [q.text for q in in_paragraph(bundled, 13)]
    assert beijing == ["respecting the sovereignty of all countries", "Cold War mentality"]


def test_quote_with_missing_opening_mark(bundled):
    (quote,) = in_paragraph(bundled, 16)
    assert quote.kind == "direct"
    assert quote.start == 0
    assert quote.text.startswith("The Arleigh Burke USS Milius sailed")
    assert quote.text.endswith("which sparked riots")


def test_the_spokesman_is_the_most_recent_spokesman(bundled):
    (quote,) = in_paragraph(bundled, 18)
    assert quote.speaker == "Shi Yi"  # not Tan Kefei, the earlier spokesman
    assert quote.kind == "direct"


def test_a_statement_speaks_for_its_issuer(bundled):
    (quote,) = in_paragraph(bundled, 19)
    assert quote.kind == "indirect"
    first, second = in_paragraph(bundled, 20)
    assert first.speaker == "U.S. Navy’s Seventh Fleet"  # "is in the same note"
    assert first.text.startswith("Milius’ passage")
    # "he added" after an organisation's statement: the issuer, or honestly unresolved.
    assert second.speaker == "U.S. Navy’s Seventh Fleet" or not second.speaker_resolved


def test_ship_names_in_quotation_marks_are_not_quotes(bundled):
    assert not any(q.text.strip() == "Milius" for q in bundled.quotes)
    assert extract("The destroyer “USS Milius” sailed through the strait on Sunday.").quotes == ()


def test_speakers_carry_role_kind_aliases_counts(bundled):
    speakers = {s.name: s for s in bundled.speakers}
    li = speakers["Li Shangfu"]
    assert li.role == "Chinese Defense Minister"
    assert li.kind == "person"
    assert li.first_paragraph == 1
    assert "Li" in li.aliases and "the Chinese minister" in li.aliases
    shi = speakers["Shi Yi"]
    assert shi.role == "spokesman for the People’s Liberation Army’s Eastern Theater Command"
    assert speakers["Tan Kefei"].role == "Chinese army spokesman"
    assert speakers["Vladimir Putin"].role == "Russian President"
    for speaker in bundled.speakers:
        assert speaker.quotes == sum(q.speaker == speaker.name for q in bundled.quotes)
        assert speaker.article == "000_58fe8462cd8d2dcd"


def test_extraction_is_deterministic(article, bundled):
    assert extract_quotes(article) == bundled
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


# --- synthetic general English ----------------------------------------------------------------------


def test_said_after_a_full_name_with_apposition():
    result = extract("“We will not back down,” said Maria Lopez, the mayor of Springfield.")
    (quote,) = result.quotes
    assert (quote.speaker, quote.kind, quote.text) == ("Maria Lopez", "direct", "We will not back down")
    (speaker,) = result.speakers
    assert speaker.role == "mayor of Springfield"


def test_surname_resolves_to_the_full_name_introduced_earlier():
    result = extract("Sarah Connor was elected in May.\n“We are ready for the vote,” Connor said on Tuesday.")
    (quote,) = result.quotes
    assert quote.speaker == "Sarah Connor" and quote.speaker_resolved


def test_pronoun_resolves_to_the_person_in_context():
    text = "John Smith, a city official, spoke on Monday.\n“It was a mistake, and we regret it,” he added."
    (quote,) = extract(text).quotes
    assert quote.speaker == "John Smith" and quote.speaker_resolved


def test_speaker_before_a_colon():
    (quote,) = extract("Governor Anna Berg said: “The budget is balanced and the schools are funded.”").quotes
    assert (quote.speaker, quote.kind) == ("Anna Berg", "direct")


def test_unresolvable_speaker_stays_as_written():
    (quote,) = extract("“Prices will rise again next month,” a source said.").quotes
    assert quote.speaker == "a source" and not quote.speaker_resolved
    (quote,) = extract("“Nothing has changed since the meeting,” the spokesman said.").quotes
    assert quote.speaker == "the spokesman" and not quote.speaker_resolved


def test_quote_running_over_two_paragraphs():
    text = "“The first part of the quote runs on.\n“And the second part ends it,” said Ann Lee, the coach."
    result = extract(text)
    assert [q.paragraph for q in result.quotes] == [1, 2]
    assert {q.speaker for q in result.quotes} == {"Ann Lee"}


def test_straight_quotation_marks():
    (quote,) = extract('"The plan is working," Mr. Brown told reporters on Friday.').quotes
    assert (quote.speaker, quote.text) == ("Brown", "The plan is working")


def test_scare_quote_nobody_speaks_is_not_a_quote():
    assert extract("The so-called “reform” has stalled in parliament for months.").quotes == ()


def test_indirect_speech_by_an_organisation():
    result = extract("Acme Corporation said it would cut 200 jobs next year.")
    (quote,) = result.quotes
    assert quote.kind == "indirect"
    assert quote.speaker == "Acme Corporation"
    assert quote.text == "it would cut 200 jobs next year"
    assert result.speakers[0].kind == "organisation"


def test_question_then_attribution_in_the_next_sentence():
    (quote,) = extract("“Does anybody know what the plan is?” Graham asked. He did not wait.").quotes
    assert quote.speaker == "Graham" and quote.kind == "direct"


# --- robustness -------------------------------------------------------------------------------------

GARBAGE = [
    "“",
    "”",
    '"""""',
    "“”“”",
    "“ ” “",
    "“Never closed, said the man",
    "Closed but never opened,” she said. “And again",
    "\u200b\u200b“\u00a0”",
    "🙂 “🙂” 🙂 said 🙂",
    "\x00\x01 “\x02” ",
    "said said said “said” said",
    "“" * 50 + "word" + "”" * 50,
    "a" * 5000,
    "He said.\n\n“",
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_never_raises_and_spans_stay_in_bounds(text):
    result = extract(text)
    article = parse_article(text.encode(), article_id="t")
    texts = {p.number: p.text for p in article.paragraphs}
    for quote in result.quotes:
        assert 0 <= quote.start <= quote.end <= len(texts[quote.paragraph])
        assert texts[quote.paragraph][quote.start : quote.end] == quote.text


def test_empty_and_blank_paragraphs():
    article = Article(id="e", path="", sha256="", paragraphs=(Paragraph(1, ""), Paragraph(2, "   ")))
    assert extract_quotes(article) == QuoteExtraction()
    assert extract_quotes(Article(id="e", path="", sha256="", paragraphs=())) == QuoteExtraction()


def test_unclosed_quote_does_not_swallow_the_next_paragraph():
    text = "“This quote is never closed, the official said.\nThe weather was fine and the market opened."
    result = extract(text)
    assert all(q.paragraph == 1 for q in result.quotes)


def test_dash_byline_names_the_speaker():
    text = "“The debate changed my mind about the race.” ― Jane Rivera\n“I am still undecided.” ― Tom Okafor"
    quotes = extract(text).quotes
    assert [(q.paragraph, q.speaker) for q in quotes] == [(1, "Jane Rivera"), (2, "Tom Okafor")]


def test_transcript_label_speaks_and_is_not_part_of_the_quote():
    text = 'Mike Pence joined the show on Sunday.\n"PENCE: Well, look, we are going to win this election.'
    (quote,) = extract(text).quotes
    assert quote.speaker == "Mike Pence"
    assert quote.text.startswith("Well, look")


def test_speaker_in_the_paragraph_before_a_colon():
    text = "Senator Ruth Adler said:\n“We have to pass this bill before the summer recess.”"
    (quote,) = extract(text).quotes
    assert (quote.paragraph, quote.speaker, quote.kind) == (2, "Ruth Adler", "direct")


def test_a_thing_that_cannot_speak_gives_way_to_the_reporting_speaker():
    text = "City attorney Brad Holm said in the letter that the advertisement “wrongfully” suggests support."
    (quote,) = [q for q in extract(text).quotes if q.kind == "partial"]
    assert quote.speaker == "Brad Holm"


def test_statement_issued_by_an_organisation_speaks_for_it():
    text = "The Security Council issued a statement calling the test “a clear violation” of its resolutions."
    (quote,) = extract(text).quotes
    assert quote.speaker == "Security Council"
    assert quote.speaker_resolved


def test_inflected_speech_verbs_are_recognised():
    (quote,) = extract("The fact-checking site rated the claim as “mostly false” on Monday.").quotes
    assert quote.kind == "partial" and quote.text == "mostly false"


def test_pronoun_in_a_reported_clause_is_the_reporting_speaker():
    text = "Loretta Lynch said she recalled thinking, “This is what people have talked about for years.”"
    (quote,) = [q for q in extract(text).quotes if q.kind != "indirect"]
    assert quote.speaker == "Loretta Lynch"


def test_quote_continues_the_previous_speaker():
    text = "“We will appeal the ruling,” said Dana Whitfield, the company’s lawyer.\n“This is not over.”"
    quotes = extract(text).quotes
    assert [(q.paragraph, q.speaker) for q in quotes] == [(1, "Dana Whitfield"), (2, "Dana Whitfield")]
    (speaker,) = extract(text).speakers
    assert speaker.quotes == 2 and speaker.first_paragraph == 1


def test_possessed_speech_noun_attributes_the_fragment():
    text = "Senator Ana Ruiz repeated her claim that there were “thousands of errors” in the count."
    (quote,) = [q for q in extract(text).quotes if q.kind == "partial"]
    assert quote.speaker == "Ana Ruiz"


def test_subject_found_across_a_preposition():
    text = "Gail Porter spoke later. After saying the plan was “dead on arrival,” she left the room."
    clause, quote = extract(text).quotes
    assert (clause.kind, clause.text) == ("indirect", "the plan was “dead on arrival,”")
    assert quote.kind == "partial"
    assert clause.speaker == quote.speaker == "Gail Porter"


def test_first_person_narrator_stays_as_written():
    (quote,) = extract("Then I laughed and said, “I do not believe a word of it.”").quotes
    assert quote.speaker == "I" and not quote.speaker_resolved


def test_missing_closing_mark_does_not_swallow_the_attribution():
    (quote,) = extract("“The talks have failed, the official said on Monday.").quotes
    assert quote.text == "The talks have failed"
    assert quote.speaker == "the official" and not quote.speaker_resolved
    (quote,) = extract("“We expect a deal by Friday, said Ruth Adler.").quotes
    assert (quote.text, quote.speaker) == ("We expect a deal by Friday", "Ruth Adler")


# --- speaker roles ----------------------------------------------------------------------------------


def role_of(text: str, name: str) -> str | None:
    speakers = {s.name: s for s in extract(text).speakers}
    assert name in speakers, f"{name!r} not among {sorted(speakers)}"
    return speakers[name].role


APPOSITIONS = [
    (
        "“We will start building in May,” said Tom Becker, the project engineer, adding that the work"
        " takes two years.",
        "Tom Becker",
        "project engineer",
    ),
    (
        "Tom Becker, a spokesman for the city, said the road “will be closed for a week”.",
        "Tom Becker",
        "spokesman for the city",
    ),
    (
        "Tom Becker, a civil engineer with the firm, said “the soil is too soft”.",
        "Tom Becker",
        "civil engineer with the firm",
    ),
    ("“We need more nurses,” said Dr. Sara Kim, a nurse practitioner.", "Sara Kim", "nurse practitioner"),
]


@pytest.mark.parametrize(("text", "name", "role"), APPOSITIONS)
def test_role_from_an_apposition_after_the_name(text, name, role):
    assert role_of(text, name) == role


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "Mayor Ana Silva said the bridge would open in 2026 and called it “a bridge for the whole city”.",
            "Ana Silva",
            "Mayor",
        ),
        ("Senator John Doe said the bill was “dead on arrival”.", "John Doe", "Senator"),
        ("“The pool will reopen on Monday,” city spokeswoman Jane Roe said.", "Jane Roe", "city spokeswoman"),
        (
            "Police Chief Ann Lee told reporters the suspect was “armed and dangerous”.",
            "Ann Lee",
            "Police Chief",
        ),
        ("Queen Elizabeth said the year had been “horrible”.", "Elizabeth", "Queen"),
        (
            "Secretary of State Anne Blake said the talks were “productive”.",
            "Anne Blake",
            "Secretary of State",
        ),
        ("Lt. Gov. Dan Patrick said the border was “open”.", "Dan Patrick", "Lt. Gov."),
        ("Deputy Mayor Jane Roe said the plan was “on track”.", "Jane Roe", "Deputy Mayor"),
    ],
)
def test_role_from_a_title_before_the_name(text, name, role):
    assert role_of(text, name) == role


def test_courtesy_titles_are_no_roles():
    assert role_of("Mr. Becker said the plan was “a disaster”.", "Becker") is None
    assert role_of("Dr. Sara Kim said the virus was “dangerous”.", "Sara Kim") is None


@pytest.mark.parametrize(
    ("text", "role"),
    [
        (
            "Tom Becker, who heads the agency, said the road “will be closed for a week”.",
            "head of the agency",
        ),
        (
            "Tom Becker, who is the chief engineer at the plant, said the road “will be closed for a week”.",
            "chief engineer at the plant",
        ),
    ],
)
def test_role_from_a_relative_clause(text, role):
    assert role_of(text, "Tom Becker") == role


def test_a_past_relative_clause_gives_no_role():
    assert role_of("Tom Becker, who headed the agency, said the road was “a mess”.", "Tom Becker") is None


@pytest.mark.parametrize(
    ("text", "nominal"),
    [
        (
            "“We will start building in May,” said Tom Becker, the project engineer.\n"
            "“It will take two years,” the engineer added.",
            "the engineer",
        ),
        (
            "Mayor Ana Silva said the bridge would open in 2026.\n"
            "“It is a bridge for the whole city,” the mayor said.",
            "the mayor",
        ),
        (
            "Health Minister Sara Kim said hospitals were “at capacity”.\n"
            "“We need more nurses,” the minister said.",
            "the minister",
        ),
    ],
)
def test_new_roles_resolve_role_nominals(text, nominal):
    result = extract(text)
    second = [q for q in result.quotes if q.paragraph == 2]
    assert second and all(q.speaker_resolved for q in second)
    (first_speaker,) = {q.speaker for q in result.quotes if q.paragraph == 1}
    assert {q.speaker for q in second} == {first_speaker}
    speaker = next(s for s in result.speakers if s.name == first_speaker)
    assert nominal in speaker.aliases


def test_an_apposed_role_and_a_title_the_longer_role_wins():
    text = "Mayor Ana Silva, the city's first female mayor, said the bridge was “a bridge for all”."
    assert role_of(text, "Ana Silva") == "city's first female mayor"


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "“It was bad,” said Maria Chen, one of the mayor's closest aides.",
            "Maria Chen",
            "one of the mayor's closest aides",
        ),
        (
            "“It is fiscally irresponsible,” said Paul Grant, a senior fellow at the Rowan Institute.",
            "Paul Grant",
            "senior fellow at the Rowan Institute",
        ),
        (
            "“The numbers are wrong,” said Jean-Luc Moreau, the foreign minister of Belgium.",
            "Jean-Luc Moreau",
            "foreign minister of Belgium",
        ),
    ],
)
def test_more_appositions(text, name, role):
    assert role_of(text, name) == role


def test_an_office_goes_before_a_party_affiliation():
    assert (
        role_of("Senator Ruth Hale, Democrat of Oregon, said the bill was “a start”.", "Ruth Hale")
        == "Senator"
    )


def test_a_courtesy_title_with_a_modifier_is_no_role():
    result = extract("“I was humiliated,” said former Miss Universe Alicia Lopez.")
    assert all(s.role is None for s in result.speakers)


def test_a_surname_tagged_as_an_organisation_is_the_person():
    text = (
        "The network asked NBC’s Dana Holt, the moderator for the debate, to check facts. "
        "Holt said the rules were “clear”."
    )
    assert [(q.kind, q.speaker) for q in extract(text).quotes] == [
        ("indirect", "Dana Holt"),
        ("partial", "Dana Holt"),
    ]
    assert role_of(text, "Dana Holt") == "moderator for the debate"


def test_a_word_before_a_name_is_not_part_of_it():
    text = (
        "Beyond Becker’s own plans is the question of money. Becker says the budget is “enough”.\n"
        "Tom Becker, the project engineer, agreed."
    )
    assert [(q.kind, q.text, q.speaker) for q in extract(text).quotes] == [
        ("indirect", "the budget is “enough”", "Tom Becker"),
        ("partial", "enough", "Tom Becker"),
    ]


def test_an_indefinite_role_nominal_is_someone_new():
    text = (
        "“We will start building in May,” said Tom Becker, the project engineer.\n"
        "“It is a mistake,” an engineer at the rival firm said."
    )
    second = [q for q in extract(text).quotes if q.paragraph == 2]
    assert [(q.speaker, q.speaker_resolved) for q in second] == [("an engineer at the rival firm", False)]


# --- reported clauses holding quoted fragments ------------------------------------------------------


def test_a_reported_clause_with_a_fragment_gives_the_clause_and_the_fragment():
    text = (
        "China has said it is neutral but maintains an “unrestricted” relationship with Russia and has"
        " refused to criticize the invasion."
    )
    clause, fragment = extract(text).quotes
    assert (clause.kind, clause.speaker) == ("indirect", "China")
    assert clause.text == (
        "it is neutral but maintains an “unrestricted” relationship with Russia and has refused to criticize"
        " the invasion"
    )
    assert text[clause.start : clause.end] == clause.text
    assert (fragment.kind, fragment.speaker, fragment.text) == ("partial", "China", "unrestricted")
    # The same clause without marks is the same indirect quote.
    (plain,) = extract(text.replace("an “unrestricted”", "a close")).quotes
    assert plain.kind == "indirect" and plain.text.startswith("it is neutral but maintains a close")


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        (
            "Senator Jane Doe warned that the new rules would make it “almost impossible” for small farms.",
            "the new rules would make it “almost impossible” for small farms",
        ),
        (
            "Jane Doe said the ministry “will not back down” and that the talks would resume next week.",
            "the ministry “will not back down” and that the talks would resume next week",
        ),
        (
            "The plan would cut “wasteful” spending by half, according to Mayor John Reed.",
            "The plan would cut “wasteful” spending by half",
        ),
    ],
)
def test_any_speech_verb_or_according_to_gives_the_clause(text, clause):
    quotes = extract(text).quotes
    (indirect,) = [q for q in quotes if q.kind == "indirect"]
    assert indirect.text == clause
    assert all(q.speaker in {"Jane Doe", "John Reed"} for q in quotes)
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)


@pytest.mark.parametrize(
    "text",
    [
        "“We will not back down,” said Li Wei, the minister.",
        "Governor Anna Berg said: “The budget is balanced and the schools are funded.”",
        "“The budget is balanced,” Anna Berg said, “and the schools are funded.”",
        "Anna Berg said “the budget is balanced”.",
    ],
)
def test_a_direct_quote_gets_no_indirect_copy(text):
    quotes = extract(text).quotes
    assert quotes and all(q.kind != "indirect" for q in quotes)


def test_a_clause_that_is_little_more_than_the_fragment_stays_partial():
    # "it was" is two words outside the marks: the partial quote already says it all.
    (quote,) = extract("Mayor John Reed said it was “a disaster”.").quotes
    assert (quote.kind, quote.text) == ("partial", "a disaster")


def test_a_direct_quote_beside_a_reported_clause_with_a_fragment():
    text = "“We are ready,” Jane Doe said, adding that the troops had “already arrived” at the border."
    assert [(q.kind, q.text) for q in extract(text).quotes] == [
        ("direct", "We are ready"),
        ("indirect", "the troops had “already arrived” at the border"),
        ("partial", "already arrived"),
    ]
