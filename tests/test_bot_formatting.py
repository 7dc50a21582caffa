"""Embeds and text: Discord's limits on oversized input, mention neutralising, markdown escaping."""

from __future__ import annotations

import pytest

from bot import formatting
from bot.formatting import (
    CHOICES_MAX,
    CONTENT_MAX,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    FOOTER_MAX,
    TITLE_MAX,
)
from retrieval.models import (
    Answer,
    AnswerSpan,
    ArticleDates,
    ArticleInfo,
    Hit,
    Passage,
    Quote,
    Speaker,
    Timeline,
    TimelineEvent,
)

DANGEROUS = "@everyone @here <@123456789012345678> <@!123456789012345678> <@&223456789012345678> <@42>"


def hit(text: str, paragraph: int = 1, score: float = 0.5, speakers: tuple[str, ...] = ()) -> Hit:
    return Hit(Passage("harbour", paragraph, 0, len(text), text), score, speakers)


def within_limits(embed) -> None:
    assert len(embed.title or "") <= TITLE_MAX
    assert len(embed.description or "") <= DESCRIPTION_MAX
    assert len(embed.fields) <= FIELDS_MAX
    for field in embed.fields:
        assert 0 < len(field.name) <= FIELD_NAME_MAX
        assert 0 < len(field.value) <= FIELD_VALUE_MAX
    assert len(embed.footer.text or "") <= FOOTER_MAX
    assert len(embed) <= EMBED_TOTAL_MAX


def assert_no_live_mentions(text: str) -> None:
    for raw in ("@everyone", "@here", "<@123456789012345678>", "<@!123456789012345678>", "<@&2234", "<@42>"):
        assert raw not in text


@pytest.mark.parametrize("limit", [1, 2, 10, 100])
def test_truncate_respects_the_limit_and_marks_the_cut(limit):
    text = "word " * 100
    out = formatting.truncate(text, limit)
    assert len(out) <= limit
    assert out.endswith("…")


def test_truncate_leaves_short_text_alone():
    assert formatting.truncate("short", 5) == "short"


def test_truncate_cuts_at_a_word_boundary():
    assert formatting.truncate("alpha beta gamma delta", 18) == "alpha beta gamma…"


def test_truncate_never_leaves_a_dangling_escape():
    escaped = formatting.clean("a" * 8 + "*" * 20)
    out = formatting.truncate(escaped, 12)
    body = out[:-1]
    assert len(body) - len(body.rstrip("\\")) in (0, 2, 4)  # an even run: no backslash escapes the "…"


def test_neutralise_mentions_breaks_every_kind_of_ping():
    out = formatting.neutralise_mentions(DANGEROUS)
    assert_no_live_mentions(out)
    assert "@\u200beveryone" in out and "<@\u200b&223456789012345678>" in out


def test_clean_escapes_markdown_too():
    assert formatting.clean("*bold* _it_ `code` ~~s~~ ||spoiler||") == (
        "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\|\\|spoiler\\|\\|"
    )


def test_answer_embed_lists_paragraph_relevance_speakers_and_text():
    answer = Answer("who builds it?", True, (hit("Tom builds it.", 2, 0.8123, ("Tom Becker",)), hit("x", 3)))
    embed = formatting.answer_embed(answer)
    assert embed.title == "who builds it?"
    assert embed.description is None
    assert embed.fields[0].name == "Paragraph 2 · strong match"
    assert embed.fields[1].name == "Paragraph 3 · partial match"  # 0.5 is well under 0.9 of 0.81
    assert embed.fields[0].value == "**Speakers:** Tom Becker\nTom builds it."
    assert len(embed.fields) == 2


def test_answer_embed_names_the_article_when_several_are_loaded():
    embed = formatting.answer_embed(Answer("q", True, (hit("t", 2),)), show_article=True)
    assert embed.fields[0].name.startswith("harbour · paragraph 2")


def test_unanswerable_says_the_article_doesnt_say_and_offers_only_the_closest():
    embed = formatting.answer_embed(Answer("q", False, (hit("closest", 1), hit("next", 2))))
    assert embed.description == formatting.NOT_ANSWERABLE
    assert [f.value for f in embed.fields] == ["closest"]


def test_unanswerable_without_hits_still_answers():
    embed = formatting.answer_embed(Answer("q", False, ()))
    assert embed.description == formatting.NO_HITS and not embed.fields


def test_answer_embed_stays_within_limits_on_oversized_input():
    hits = tuple(hit("lorem ipsum " * 400, i, speakers=("S" * 300,)) for i in range(40))
    embed = formatting.answer_embed(Answer("why? " * 200, True, hits))
    within_limits(embed)
    assert len(embed.fields) < 40
    assert "did not fit" in embed.footer.text


def test_answer_embed_neutralises_mentions_in_question_and_passages():
    embed = formatting.answer_embed(Answer(DANGEROUS, True, (hit(DANGEROUS, speakers=("@everyone",)),)))
    assert_no_live_mentions(embed.title + embed.fields[0].value)


def quote(i: int, text: str = "We will build it", kind: str = "direct") -> Quote:
    return Quote("harbour", "Tom Becker", True, text, kind, i, 0, len(text))  # type: ignore[arg-type]


def test_quote_pages_split_long_results_and_number_them():
    pages = formatting.quote_pages([quote(i) for i in range(12)], speaker="Tom Becker")
    assert len(pages) == 3
    assert [len(p.fields) for p in pages] == [5, 5, 2]
    assert pages[0].title == "Quotes by Tom Becker"
    assert pages[2].footer.text == "Page 3/3 · 12 quotes"
    assert pages[0].fields[0].value == "“We will build it”"


def test_quote_pages_mark_indirect_quotes_and_escape_them():
    page = formatting.quote_pages([quote(1, "said *all* of @everyone", "indirect")])[0]
    assert page.fields[0].name == "Tom Becker · Paragraph 1 · indirect"
    assert page.fields[0].value == "said \\*all\\* of @\u200beveryone"


def test_quote_pages_within_limits_on_oversized_quotes():
    pages = formatting.quote_pages([quote(i, "x " * 3000) for i in range(7)], speaker="S" * 400)
    for page in pages:
        within_limits(page)


def test_no_quotes_is_one_page_saying_so():
    pages = formatting.quote_pages([])
    assert len(pages) == 1 and pages[0].description == "No quotes found."


def event(i: int, date: str | None = "2024-05", text: str = "Building starts") -> TimelineEvent:
    return TimelineEvent("harbour", date, "in May", None, text, i, "Tom Becker")


def test_timeline_pages_keep_order_and_show_publication_date():
    timeline = Timeline(
        (ArticleDates("harbour", "Bridge", "2024-03-04", "given"),),
        tuple(event(i, f"2024-{i + 1:02d}") for i in range(10)),
    )
    pages = formatting.timeline_pages(timeline)
    assert len(pages) == 2
    assert "Bridge: published 2024-03-04" in pages[0].description
    values = [f.value for p in pages for f in p.fields]
    assert values[0].startswith("2024-01 · ") and values[-1].startswith("2024-10 · ")
    assert pages[0].fields[0].value == "2024-01 · **in May**: Building starts (Tom Becker)"
    assert pages[0].fields[0].name == "Paragraph 0"


def test_timeline_pages_show_modifier_and_unknown_dates():
    e = TimelineEvent("harbour", None, "next week", "early", "Works", 2)
    page = formatting.timeline_pages(Timeline((), (e,)))[0]
    assert page.fields[0].name == "Paragraph 2"
    assert page.fields[0].value.startswith("early date unknown · **next week**")


def test_empty_timeline_says_so():
    assert "No dated events" in formatting.timeline_pages(Timeline())[0].description


def test_timeline_within_limits_on_oversized_events():
    timeline = Timeline((), tuple(event(i, text="y " * 5000) for i in range(30)))
    for page in formatting.timeline_pages(timeline):
        within_limits(page)


def test_speaker_pages_show_role_and_quote_count():
    speakers = [
        Speaker("harbour", "Tom Becker", "project engineer", "person", (), 2, 2),
        Speaker("harbour", "Council", None, "organisation", (), 1, 1),
    ]
    page = formatting.speaker_pages(speakers)[0]
    assert page.description == "**Tom Becker**, project engineer: 2 quotes\n**Council**: 1 quote"


def test_speaker_pages_within_limits_on_many_long_names():
    speakers = [Speaker("a", "N" * 500, "R" * 500, "person", (), 3, 1) for _ in range(40)]
    pages = formatting.speaker_pages(speakers)
    assert len(pages) == 3
    for page in pages:
        within_limits(page)


def info(article: str = "harbour", **changes) -> ArticleInfo:
    values = dict(
        article=article,
        title="Bridge",
        source="Gazette",
        url=None,
        published="2024-03-04",
        paragraphs=4,
        passages=5,
        version="0.1.0",
    )
    values.update(changes)
    return ArticleInfo(**values)  # type: ignore[arg-type]


def test_about_embed_for_one_article():
    embed = formatting.about_embed([info()])
    assert embed.title == "Bridge"
    assert {f.name: f.value for f in embed.fields} == {
        "Source": "Gazette",
        "Published": "2024-03-04",
        "Passages": "5 from 4 paragraphs",
        "Version": "0.1.0",
    }


def test_about_embed_for_many_articles_stays_within_limits():
    embed = formatting.about_embed([info(f"a{i}", title="T" * 300, source="S" * 900) for i in range(40)])
    within_limits(embed)
    assert embed.description == "40 articles loaded."
    assert "more not shown" in embed.footer.text


def test_about_embed_with_unknowns():
    embed = formatting.about_embed([info(title=None, source=None, published=None)])
    assert embed.title == "harbour"
    assert {f.name: f.value for f in embed.fields}["Published"] == "unknown"


def test_choices_prefer_prefix_matches_and_respect_discord_limits():
    names = ["Ana Silva", "Tom Becker", "Tomás Ruiz", "Atom Ant", "x" * 101] + [f"Tom {i}" for i in range(40)]
    out = formatting.choices_for("tom", names)
    assert len(out) == CHOICES_MAX
    assert out[0] == "Tom 0" or out[0].startswith("Tom")
    assert "Atom Ant" not in out[:20]
    assert formatting.choices_for("", ["b", "a"]) == ["a", "b"]


def test_plain_text_is_cut_to_the_message_limit_without_pings():
    out = formatting.plain(DANGEROUS * 100)
    assert len(out) <= CONTENT_MAX
    assert_no_live_mentions(out)


def test_the_answer_sentence_is_bold_inside_its_passage():
    text = "The council met on Sunday. It approved the harbour budget of 4 million. Work starts in May."
    start = text.index("It approved")
    end = text.index(" Work")
    value = formatting.highlighted(text, AnswerSpan(start, end, text[start:end]))
    assert "**It approved the harbour budget of 4 million.**" in value
    assert value.startswith("The council met") and value.endswith("Work starts in May.")


def test_a_long_passage_is_cut_around_its_bold_answer():
    before = "word " * 400
    answer = "The answer is here."
    text = before + answer + " and more" * 300
    value = formatting.highlighted(text, AnswerSpan(len(before), len(before) + len(answer), answer), 500)
    assert len(value) <= 500
    assert "**The answer is here.**" in value
    assert value.startswith(formatting.ELLIPSIS)
