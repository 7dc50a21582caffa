"""Timeline: expressions normalised against the publication date (bundled article, synthetic text)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from retrieval.article import load_article, parse_article
from retrieval.models import Quote
from retrieval.timeline import build_timeline, find_expressions, infer_published, merge_timelines

BUNDLED = Path(__file__).resolve().parents[1] / "src" / "retrieval" / "data" / "000_58fe8462cd8d2dcd.txt"


@pytest.fixture(scope="module")
def bundled_timeline():
    with pytest.MonkeyPatch.context() as patch:  # module scope: before the autouse fixture sets it
        patch.setenv("NEWSDESK_STRICT", "1")
        return build_timeline(load_article(BUNDLED))


def _article(text: str, article_id: str = "a"):
    return parse_article(text.encode(), article_id=article_id)


def _values(text: str, published: date | None) -> dict[str, str | None]:
    return {e.text: e.value for e in find_expressions(text, published)}


def test_bundled_publication_date_is_inferred(bundled_timeline):
    (dates,) = bundled_timeline.articles
    assert dates.published == "2023-04-17"
    assert dates.published_source == "inferred"


EXPECTED = {
    (1, "on Sunday"): ("2023-04-16", None),
    (6, "on Sunday"): ("2023-04-16", None),
    (6, "on Wednesday"): ("2023-04-19", None),
    (7, "last week"): ("2023-W15", None),
    (10, "late March"): ("2023-03", "late"),
    (11, "in 2018"): ("2018", None),
    (11, "in March this year"): ("2023-03", None),
    (13, "last February"): ("2023-02", None),
    (15, "on Monday"): ("2023-04-17", None),
    (15, "on Sunday"): ("2023-04-16", None),
    (15, "a week after"): ("2023-W14", None),  # the maneuvers: a week before that Sunday
    (16, "April 16"): ("2023-04-16", None),
    (16, "today"): ("2023-04-17", None),
    (19, "today"): ("2023-04-17", None),
    (21, "early April"): ("2023-04", "early"),
    (24, "the end of World War II"): ("1945", None),
    (24, "in 1949"): ("1949", None),
}


def test_bundled_every_event_has_the_right_date(bundled_timeline):
    got = {(e.paragraph, e.expression): (e.date, e.modifier) for e in bundled_timeline.events}
    assert got == EXPECTED


def test_bundled_durations_and_non_dates_are_not_events(bundled_timeline):
    expressions = " | ".join(e.expression for e in bundled_timeline.events)
    assert "four days" not in expressions
    assert "Cold War" not in expressions
    assert "this day" not in expressions


def test_bundled_events_carry_their_clause(bundled_timeline):
    events = {(e.paragraph, e.expression): e.text for e in bundled_timeline.events}
    first_sunday = events[1, "on Sunday"]
    assert "Li Shangfu" in first_sunday and "Putin" in first_sunday  # what was said belongs to the saying
    assert events[16, "April 16"].endswith(
        "USS Milius sailed through the waters of the Taiwan Strait [no dia] April 16"
    )
    assert events[6, "on Sunday"] == "Li’s visit to Russia, which began on Sunday and ends on Wednesday"
    assert events[15, "on Monday"].endswith("through the Taiwan Strait on Sunday")  # not the anchored phrase
    assert events[15, "a week after"] == "Beijing conducted military maneuvers around the island"
    assert events[24, "in 1949"].endswith(
        "the Nationalist government took refuge on the island"
    )  # not ", which"


def test_bundled_timeline_is_chronological_and_coarser_first(bundled_timeline):
    dates = [e.date for e in bundled_timeline.events]
    assert dates[:3] == ["1945", "1949", "2018"]
    assert dates.index("2023-04") < dates.index("2023-W15") < dates.index("2023-04-16")
    march = [(e.expression, e.modifier) for e in bundled_timeline.events if e.date == "2023-03"]
    assert march == [("in March this year", None), ("late March", "late")]  # the whole month, then its end
    assert dates[-1] == "2023-04-19"
    sundays = [e.paragraph for e in bundled_timeline.events if e.date == "2023-04-16"]
    assert sundays == sorted(sundays)  # a full tie keeps article order


def test_bundled_timeline_is_json_shaped(bundled_timeline):
    data = asdict(bundled_timeline)
    assert set(data["articles"][0]) == {"article", "title", "published", "published_source"}
    assert set(data["events"][0]) == {
        "article",
        "date",
        "expression",
        "modifier",
        "text",
        "paragraph",
        "speaker",
        "rules",
    }


def test_speaker_is_filled_when_the_expression_sits_in_a_quote():
    text = "Tom Becker said: “The harbour budget was approved on Monday and work begins next week.”"
    article = _article(text)
    start = text.index("“")
    quote = Quote("a", "Tom Becker", True, text[start:], "direct", 1, start, len(text))
    timeline = build_timeline(article, date(2024, 3, 6), quotes=[quote])
    assert {e.expression: e.speaker for e in timeline.events} == {
        "on Monday": "Tom Becker",
        "next week": "Tom Becker",
    }


def test_front_matter_date_wins_and_is_given():
    article = _article("---\npublished: 2024-03-06\n---\nThe council met yesterday.\n")
    timeline = build_timeline(article, published=date(2020, 1, 1))
    assert timeline.articles[0].published == "2024-03-06"
    assert timeline.articles[0].published_source == "given"
    assert timeline.events[0].date == "2024-03-05"


def test_published_override_is_used_without_front_matter():
    timeline = build_timeline(_article("The council met yesterday."), published=date(2024, 3, 6))
    assert timeline.articles[0].published_source == "given"
    assert timeline.events[0].date == "2024-03-05"


def test_no_clues_means_unknown_and_relative_events_are_still_ordered():
    text = "The vote is due tomorrow. The council met yesterday. Officials spoke today. It was built in 1990."
    timeline = build_timeline(_article(text))
    dates = timeline.articles[0]
    assert dates.published is None and dates.published_source == "unknown"
    events = [(e.expression, e.date) for e in timeline.events]
    assert events == [("in 1990", "1990"), ("yesterday", None), ("today", None), ("tomorrow", None)]


def test_unknown_publication_does_not_invent_a_year():
    got = _values("The talks resumed in March this year and ended last week.", None)
    assert got == {"in March this year": None, "last week": None}


def test_tense_flips_the_direction_of_a_weekday():
    published = date(2024, 3, 6)  # a Wednesday
    got = _values("The summit, which began on Monday and ends on Friday, was planned for months.", published)
    assert got == {"on Monday": "2024-03-04", "on Friday": "2024-03-08"}
    assert _values("The minister will travel to Rome on Friday.", published) == {"on Friday": "2024-03-08"}
    assert _values("The minister travelled to Rome on Friday.", published) == {"on Friday": "2024-03-01"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened on April 16.", {"on April 16": "2024-04-16"}),
        ("The treaty was signed on March 5, 1946.", {"on March 5, 1946": "1946-03-05"}),
        ("Prices rose in March 2023.", {"March 2023": "2023-03"}),
        ("He was born in 1949.", {"in 1949": "1949"}),
        ("Sales fell last year.", {"last year": "2023"}),
        ("It will open next month.", {"next month": "2024-05"}),
        ("They met two weeks ago.", {"two weeks ago": "2024-W15"}),
        ("The war ended 41 years ago.", {"41 years ago": "1983"}),
        ("Talks began in mid-November.", {"mid-November": "2023-11"}),
        ("The deal closes early next year.", {"early next year": "2025"}),
        ("The plant opened on 3 June 2021.", {"on 3 June 2021": "2021-06-03"}),
        (
            "He fled in June 1998 and returned later that year.",
            {"June 1998": "1998-06", "later that year": "1998"},
        ),
        ("The rally was held last Thanksgiving.", {"last Thanksgiving": "2023-11-23"}),
        ("Results are due on 2024-05-02.", {"2024-05-02": "2024-05-02"}),
        ("He came to power in nineteen ninety-six.", {"nineteen ninety-six": "1996"}),
        ("The hearing is set for the week of March 6.", {"the week of March 6": "2024-W10"}),
        ("It changed at the end of the Cold War.", {"the end of the Cold War": "1991"}),
        ("The vote is Tuesday.", {"Tuesday": "2024-04-30"}),
        ("The vote was Tuesday.", {"Tuesday": "2024-04-23"}),
        ("He arrived last Friday.", {"last Friday": "2024-04-19"}),
        ("He will arrive next Friday.", {"next Friday": "2024-04-26"}),
        ("The day before yesterday was warm.", {"The day before yesterday": "2024-04-22"}),
        ("The firm expects profits in the current fiscal year.", {"the current fiscal year": "2024"}),
        ("She was born on 5 November 1955.", {"on 5 November 1955": "1955-11-05"}),
        ("The treaty expires Jan. 2.", {"Jan. 2": "2025-01-02"}),
        ("The plant closed Dec. 28.", {"Dec. 28": "2023-12-28"}),
    ],
)
def test_general_expressions(text, expected):
    assert _values(text, date(2024, 4, 24)) == expected


def test_modifiers_are_kept_and_no_day_is_invented():
    (late,) = find_expressions("It was announced in late March.", date(2023, 4, 17))
    assert (late.value, late.modifier) == ("2023-03", "late")
    (end,) = find_expressions("The goal is to finish by the end of 1990.", date(1989, 10, 30))
    assert (end.value, end.modifier) == ("1990", "late")


def test_names_and_generic_words_are_not_dates():
    for text in (
        "Theresa May spoke.",
        "May I say something?",
        "The 1990s were good.",
        "The 1980\u2019s were good.",
        "This is VOA Today.",
        "Today's youth is restless.",
        "He reads the Sunday Times.",
        "They joined the annual March for Life.",
    ):
        assert find_expressions(text, date(2024, 4, 24)) == [], text


def test_durations_and_numbers_are_not_dates():
    text = "China held four days of exercises; 1,500 troops and $2000 were involved, over 2,000 people."
    assert find_expressions(text, date(2024, 1, 1)) == []


def test_offsets_point_into_the_text():
    text = "Officials said on Sunday, April 16, that the ship had passed."
    for expr in find_expressions(text, date(2023, 4, 17)):
        assert text[expr.start : expr.end] == expr.text
    assert _values(text, date(2023, 4, 17)) == {"on Sunday, April 16": "2023-04-16"}


def test_weekday_with_date_pins_the_most_recent_past_year():
    text = "The ship passed on Sunday, April 16. On Monday, officials protested at the passage on Sunday."
    assert infer_published(text, today=date(2026, 12, 1)) == date(2023, 4, 17)


def test_weekday_with_date_never_picks_a_future_year():
    text = "The ship passed on Sunday, April 16, officials said on Sunday."
    assert infer_published(text, today=date(2023, 4, 1)) == date(2017, 4, 16)


def test_a_dated_weekday_alone_does_not_fix_the_publication_day():
    assert infer_published("The doctor was killed on Friday, Oct. 23.", today=date(2026, 12, 1)) is None


def test_merge_orders_events_across_articles():
    one = build_timeline(_article("The plant opened in 2001. It closed yesterday.", "one"), date(2024, 3, 6))
    two = build_timeline(
        _article("The mayor was elected in 1999. The mine reopened on Monday.", "two"), date(2024, 3, 6)
    )
    merged = merge_timelines([one, two])
    assert [a.article for a in merged.articles] == ["one", "two"]
    assert [(e.article, e.date) for e in merged.events] == [
        ("two", "1999"),
        ("one", "2001"),
        ("two", "2024-03-04"),
        ("one", "2024-03-05"),
    ]
    assert merge_timelines([]).events == ()


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00\x01", "May", "on", "31 February", "February 30, 2023", "9999 years ago", "Sunday " * 500,
     "in 0000", "the following year", "Monday, Feb. 30", "“unclosed quote on Friday", "a" * 10000,
     "He left the day before Monday.", "He left the day after Friday.", "It rose this week as last.",
     "On Friday. The previous Monday he left.", "On Monday. The following Friday he left.",
     "He met on Dec. 30 and 31.", "It will be back in 5 days.", "On Friday. Until then, later in the day."],
)  # fmt: skip
def test_bad_inputs_never_crash(text):
    for published in (None, date(2024, 1, 1), date(1, 1, 1), date(9999, 12, 31)):
        find_expressions(text, published)
    infer_published(text)
    if text.strip():
        build_timeline(_article(text), date(2024, 1, 1))


def test_find_expressions_accepts_non_text():
    assert find_expressions(None, None) == []  # type: ignore[arg-type]


def test_timeline_does_not_import_torch():
    code = (
        "import sys\nfrom pathlib import Path\nfrom retrieval.article import load_article\n"
        "from retrieval.timeline import build_timeline\n"
        f"build_timeline(load_article(Path({str(BUNDLED)!r})))\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
    )
    src = str(Path(__file__).resolve().parents[1] / "src")
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": src})


def test_prepositions_and_attributive_participles_do_not_signal_the_future():
    published = date(2024, 3, 6)  # a Wednesday
    text = "Two people were hurt in the blast next to the station on Friday."
    assert _values(text, published) == {"on Friday": "2024-03-01"}
    text = "On Friday, when the minister set aside the hastily planned trip, the ministry lifted the warning."
    assert _values(text, published) == {"On Friday": "2024-03-01"}


def test_a_noun_with_an_infinitive_points_forward():
    text = "The firm announced an agreement to buy the bank in January."
    assert _values(text, date(2024, 11, 5)) == {"in January": "2025-01"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("For the year, sales were flat.", {"the year": "2024"}),
        ("Revenue rose in the first nine months of the year.", {"the year": "2024"}),
        ("The stock hit a high for the year of $42 in March.", {"the year": "2024", "in March": "2024-03"}),
        ("In 1988 sales rose through the year.", {"In 1988": "1988"}),  # another year is in focus
        ("In 1988 the firm lost money. For the year, revenue fell.", {"In 1988": "1988"}),
        ("She was named Player of the Year.", {}),
        ("Sales fell from the year before.", {}),
        ("Hate groups grew over the past year.", {"past year": "2023"}),
    ],
)
def test_the_year_is_the_publication_year_unless_another_is_in_focus(text, expected):
    assert _values(text, date(2024, 4, 24)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Women's Day is this coming Friday, March eighth.", {"Friday, March eighth": "2024-03-08"}),
        ("The fair opens on June twenty-first.", {"on June twenty-first": "2024-06-21"}),
        ("Sales rose in March second-quarter terms.", {"in March": "2024-03"}),
        ("The summit is on April 24 and 25.", {"on April 24": "2024-04-24", "25": "2024-04-25"}),
        ("The talks ran June 3-5, 1999.", {"June 3": "1999-06-03", "5, 1999": "1999-06-05"}),
        ("The rally on May 2 and 300 marchers were there.", {"on May 2": "2024-05-02"}),
        (
            "He met her the day before last Tuesday's hearing.",
            {"the day before last Tuesday's": "2024-03-04"},
        ),
        (
            "The rights will end on Nov. 30. Until then, the stock trades.",
            {"on Nov. 30": "2024-11-30", "then": "2024-11-30"},
        ),
        ("Until then, the stock trades.", {}),  # nothing to point back at
    ],
)
def test_spelled_and_coordinated_days_and_pointers_to_a_named_day(text, expected):
    assert _values(text, date(2024, 3, 6)) == expected


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("The bonds will be redeemed in five years.", date(2024, 3, 6), {"in five years": "2029"}),
        ("His second letter in two weeks was published.", date(2024, 3, 6), {}),
        (
            "Shares closed lower Friday, down 4% from the previous Friday.",
            date(2024, 3, 11),
            {"Friday": "2024-03-08", "previous Friday": "2024-03-01"},
        ),
        (
            "Prices rose after Oct. 12, the day before the crash.",
            date(2024, 11, 5),
            {"Oct. 12": "2024-10-12", "the day": "2024-10-12"},
        ),
    ],
)
def test_spans_ahead_and_days_counted_from_the_day_in_focus(text, published, expected):
    assert _values(text, published) == expected


def test_earlier_or_later_in_the_day_is_the_day_in_focus():
    text = "The minister lands in Cairo on Tuesday and flies to Nairobi later in the day."
    assert _values(text, date(2024, 3, 4)) == {"on Tuesday": "2024-03-05", "later in the day": "2024-03-05"}
    assert _values("He left later in the day.", date(2024, 3, 4)) == {}  # no day to point back at


def test_rule_gates_change_no_result(monkeypatch):
    from dataclasses import replace

    from retrieval.timeline import expressions

    text = (
        "A YEAR EARLIER sales fell; two weeks ago, by the end of the month, That Year and the week of March 6"
        " came after the Cold War. Until then, Oct. 12, the day before the crash, later in the day, year-ago "
        "results, the current fiscal year and for the year were fine. This Month and next year-end too."
        " Yesterday it was twice as high this year as last; the following Monday, tonight."
    )
    gated = find_expressions(text, date(2024, 3, 6))
    monkeypatch.setattr(expressions, "RULES", tuple(replace(r, gate=()) for r in expressions.RULES))
    monkeypatch.setattr(
        expressions, "POST_PASSES", tuple(replace(p, gate=()) for p in expressions.POST_PASSES)
    )
    assert find_expressions(text, date(2024, 3, 6)) == gated


def test_spans_and_anchorless_following_days_are_left_to_tense():
    published = date(2024, 3, 6)  # a Wednesday
    assert _values("In the year since the attack, nothing changed.", published) == {}
    assert _values("The following Monday he left.", published) == {"following Monday": "2024-03-04"}
    text = "He arrived on March 1. The following Monday he left."
    assert _values(text, published) == {"on March 1": "2024-03-01", "following Monday": "2024-03-04"}


def test_the_nth_day_of_an_ongoing_event_is_today_only_in_the_present():
    published = date(2024, 3, 6)
    assert _values("It's the second day of an offensive.", published) == {"the second day": "2024-03-06"}
    assert _values("Today is the eighth day of the strike.", published) == {
        "Today": "2024-03-06",
        "the eighth day": "2024-03-06",
    }
    assert _values("On the second day of the talks, they left.", published) == {}


def test_an_elliptic_last_is_the_period_before_this_one():
    published = date(2024, 3, 6)
    text = "The gain means twice as high a dividend this year as last."
    assert _values(text, published) == {"this year": "2024", "last": "2023"}
    assert _values("Sales rose more so far this month than last.", published) == {
        "so far this month": "2024-03",
        "last": "2024-02",
    }
    assert _values("He came last.", published) == {}


def test_cli_explain_shows_the_rules_behind_each_event(tmp_path, capsys):
    from retrieval.cli import main

    path = tmp_path / "a.txt"
    path.write_text(
        "---\npublished: 2024-03-06\n---\nShops opened the day after Christmas. He left in 1990 and came back"
        " the following year.\n",
        encoding="utf-8",
    )
    assert main(["timeline", "--explain", "--article", str(path)]) == 0
    out = capsys.readouterr().out
    assert "rules: holiday › day_before_after" in out
    assert "rules: year\n" in out
    assert "rules: anaphor › anaphor_shift" in out
    assert main(["timeline", "--article", str(path)]) == 0
    assert "rules:" not in capsys.readouterr().out


def test_cli_json_events_carry_their_rules(capsys):
    import json

    from retrieval.cli import main
    from retrieval.timeline.expressions import POST_PASSES, RULES

    assert main(["timeline", "--json", "--article", str(BUNDLED)]) == 0
    events = json.loads(capsys.readouterr().out)["events"]
    names = {step.name for step in (*RULES, *POST_PASSES)}
    assert events and all(e["rules"] and set(e["rules"]) <= names for e in events)
    assert {e["expression"]: e["rules"] for e in events}["April 16"] == ["full_date"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The army held drills on Saturday. A week after the drills, the navy sailed in.",
            {"on Saturday": "2024-03-02", "A week after the drills": "2024-W10"},
        ),
        (
            "The vote was held on Sunday, March 3. The day after the vote, protests began.",
            {"on Sunday, March 3": "2024-03-03", "The day after the vote": "2024-03-04"},
        ),
        (
            "Kopp was seen near the house 10 days before the murder. Slepian was murdered on Oct. 23, 1998.",
            {"10 days before the murder": "1998-10-13", "on Oct. 23, 1998": "1998-10-23"},
        ),
        # the article dates no vote: nothing to count from, and not publication either
        ("Protests began the day after the vote.", {}),
        ("He left a year before the election.", {}),
        # two different days for the same event: no guess
        ("The vote on Monday failed. The vote on Friday passed. A week after the vote, he quit.",
         {"on Monday": "2024-03-04", "on Friday": "2024-03-01"}),
        # already dated by its own expression
        ("Shops opened the day after Christmas.", {"the day after Christmas": "2023-12-26"}),
    ],
)  # fmt: skip
def test_expressions_anchored_to_a_dated_event_of_the_article(text, expected):
    assert _values(text, date(2024, 3, 6)) == expected


def test_an_anchored_phrase_in_apposition_dates_its_own_event():
    article = _article(
        "---\npublished: 2024-03-06\n---\nThe destroyer sailed through the strait on Sunday, a week after"
        " Beijing held drills around the island.\n"
    )
    events = {e.expression: e for e in build_timeline(article).events}
    assert events["on Sunday"].date == "2024-03-03"
    assert events["on Sunday"].text == "The destroyer sailed through the strait on Sunday"
    assert events["a week after"].date == "2024-W08"
    assert events["a week after"].text == "Beijing held drills around the island"
    assert events["a week after"].rules == ("event_anchor",)


@pytest.mark.parametrize(
    ("sentence", "expression", "clause"),
    [
        ("He resigned on Monday; his deputy stays.", "on Monday", "He resigned on Monday"),
        ("The talks ended on Friday, but the strike goes on.", "on Friday", "The talks ended on Friday"),
        ("The strike goes on, while talks ended on Friday.", "on Friday", "while talks ended on Friday."),
        ("The plan was dropped – it was announced on Monday.", "on Monday", "it was announced on Monday."),
        ("The summit, which opens on Friday, is in Paris.", "on Friday", "The summit, which opens on Friday"),
        ("The summit, which opens in Paris, ends on Friday.", "on Friday",
         "The summit, which opens in Paris, ends on Friday."),
        ("He said on Monday that it was done.", "on Monday", "He said on Monday that it was done."),
        ("Yes, on Monday.", "on Monday", "Yes, on Monday."),  # too short to stand alone: the sentence
    ],
)  # fmt: skip
def test_event_text_is_the_clause_the_expression_dates(sentence, expression, clause):
    article = _article(f"---\npublished: 2024-03-06\n---\n{sentence}\n")
    assert {e.expression: e.text for e in build_timeline(article).events}[expression] == clause


def test_a_possessive_after_the_part_of_the_day_names_a_day_already_seen():
    published = date(2016, 9, 30)  # a Friday
    text = "He wants to bounce back from Monday night’s widely panned debate performance."
    assert _values(text, published) == {"Monday night": "2016-09-26"}


def test_a_holiday_far_in_the_past_is_not_read_from_a_shaky_tense():
    published = date(2016, 9, 21)
    text = "Mrs. Clinton's donors have given less, as Election Day grows near."
    assert _values(text, published) == {"Election Day": "2016-11-08"}  # not 2015-11-03, 323 days back
    assert _values("Stores closed on Christmas.", date(2024, 3, 6)) == {"Christmas": "2023-12-25"}
    assert _values("On this weekend’s broadcast of Fox News Sunday, he spoke.", published) == {}
