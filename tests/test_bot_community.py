"""Server settings, answers, votes, stats and the QA export, without Discord; and the embeds they make."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from bot import formatting
from retrieval.article import parse_article
from retrieval.cli import main
from retrieval.community.answers import AnswerRecord, is_help, passage_id, relevance, thread_name
from retrieval.community.cooldown import Cooldowns
from retrieval.community.feedback import ArticleStats, StoredVote, export, question_type, stats_of, voter_hash
from retrieval.community.help import help_examples
from retrieval.community.settings import GuildSettings
from retrieval.community.store import SCHEMA_VERSION, CommunityStore, UnknownAnswerError
from retrieval.config import RetrievalSettings
from retrieval.library.pages import ExtractedArticle
from retrieval.library.store import Library, LibraryError
from retrieval.models import Answer, AnswerSpan, Hit, Passage
from retrieval.service import Newsdesk
from tests.bot_helpers import ARTICLE, make_newsdesk
from tests.fakes import FakeEmbedder

GUILD = 1_000_000_000_000_000_003


def hit(article: str, paragraph: int, text: str, score: float, answer: str | None = None) -> Hit:
    span = None
    if answer is not None:
        start = text.index(answer)
        span = AnswerSpan(start, start + len(answer), answer)
    return Hit(Passage(article, paragraph, 0, len(text), text), score, (), span)


ANSWERED = Answer(
    "when do they start?",
    True,
    (
        hit("harbour", 2, "We start in May. It takes two years.", 0.8, "We start in May."),
        hit("harbour", 3, "Noise worries residents.", 0.75),
        hit("harbour", 4, "The bridge opens in 2026.", 0.3),
    ),
)
ABSTAINED = Answer("what about the ferry?", False, (hit("harbour", 1, "Budget approved.", 0.2),))


# -- the store -----------------------------------------------------------------------------------------


def test_settings_start_as_defaults_and_persist_in_the_librarys_database(library_url):
    store = CommunityStore.open(library_url)
    assert store.guild(GUILD) == GuildSettings(GUILD)
    store.update_guild(GUILD, thread_mode=True, cooldown_s=30, private_answers=True, article_threads=55)
    store.update_channel(GUILD, 7, ask=True)
    store.update_channel(GUILD, 8, article="harbour")
    store.update_channel(GUILD, 7, article="budget")  # keeps it an ask channel
    again = CommunityStore.open(library_url).guild(GUILD)  # a new process: read from the database
    assert again == GuildSettings(
        GUILD,
        ask_channels=frozenset({7}),
        thread_mode=True,
        cooldown_s=30,
        private_answers=True,
        article_threads=55,
        articles={7: "budget", 8: "harbour"},
    )
    assert again.asks_in(7) and again.asks_in(99, parent_id=7) and not again.asks_in(8)
    assert again.article_for(99, parent_id=8) == "harbour" and again.article_for(99) is None
    store.update_channel(GUILD, 7, ask=False, article=None)
    store.update_guild(GUILD, article_threads=None)
    cleared = store.guild(GUILD)
    assert 7 not in cleared.ask_channels and 7 not in cleared.articles and cleared.article_threads is None
    assert store.guild(GUILD + 1) == GuildSettings(GUILD + 1)  # another server is untouched
    assert Library(library_url).articles() == []  # the articles' tables are there, and untouched


def test_bad_settings_are_refused(library_url):
    store = CommunityStore.open(library_url)
    with pytest.raises(ValueError, match="between 0 and 3600"):
        store.update_guild(GUILD, cooldown_s=3601)
    with pytest.raises(ValueError, match="not a server setting"):
        store.update_guild(GUILD, colour=1)


def test_votes_keep_the_answer_and_a_salted_hash_one_vote_per_member(library_url):
    store = CommunityStore.open(library_url)
    answer_id = store.record_answer(AnswerRecord.of(ANSWERED), guild_id=GUILD, via="slash")
    assert store.vote(answer_id, 42, 1).previous is None
    assert store.vote(answer_id, 42, -1).previous == 1  # changed, not added
    store.vote(answer_id, 43, 1)
    votes = store.votes()
    assert sorted(v.vote for v in votes) == [-1, 1]
    vote = votes[0]
    assert vote.question == "when do they start?" and vote.article == "harbour" and vote.answerable
    assert vote.passages == ("harbour#2:0-36", "harbour#3:0-24", "harbour#4:0-25")
    assert vote.evidence == "We start in May."
    assert store.votes(GUILD + 1) == [] and len(store.votes(GUILD)) == 2
    with pytest.raises(UnknownAnswerError):
        store.vote("0" * 16, 42, 1)
    with pytest.raises(ValueError):
        store.vote(answer_id, 42, 2)


def test_the_voter_is_never_stored_only_a_hash_salted_per_database(tmp_path):
    first, second = (CommunityStore.open(f"sqlite:///{tmp_path / n}.sqlite3") for n in ("a", "b"))
    for store in (first, second):
        store.vote(store.record_answer(AnswerRecord.of(ANSWERED), guild_id=GUILD, via="slash"), 123456789, 1)
    dump = "\n".join(sqlite3.connect(tmp_path / "a.sqlite3").iterdump())
    assert "123456789" not in dump
    hashes = [
        sqlite3.connect(tmp_path / f"{n}.sqlite3").execute("SELECT voter FROM community_votes").fetchone()[0]
        for n in "ab"
    ]
    assert hashes[0] != hashes[1] and len(hashes[0]) == 64  # another database, another salt
    assert voter_hash("salt", 1) != voter_hash("salt", 2) and voter_hash("a", 1) != voter_hash("b", 1)


def test_stats_per_article_count_questions_abstentions_and_thumbs(library_url):
    store = CommunityStore.open(library_url)
    ids = [
        store.record_answer(AnswerRecord.of(a), guild_id=GUILD, via="message")
        for a in (ANSWERED, ANSWERED, ABSTAINED)
    ]
    store.record_answer(AnswerRecord.of(Answer("x?", False, ())), guild_id=GUILD, via="message")
    store.record_answer(AnswerRecord.of(ANSWERED), guild_id=GUILD + 1, via="message")  # another server
    store.vote(ids[0], 1, 1)
    store.vote(ids[1], 2, -1)
    store.vote(ids[2], 3, 1)
    stats = store.stats(GUILD)
    assert stats.total == ArticleStats(None, 4, 2, 2, 1)
    assert stats.articles == (ArticleStats("harbour", 3, 1, 2, 1), ArticleStats(None, 1, 1, 0, 0))
    assert stats.articles[0].up_share == pytest.approx(2 / 3) and stats.articles[1].up_share is None


def test_a_database_from_a_newer_newsdesk_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'library.sqlite3'}"
    CommunityStore.open(url)
    with sqlite3.connect(tmp_path / "library.sqlite3") as conn:
        conn.execute("UPDATE community_schema SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(LibraryError, match="written by a newer newsdesk"):
        CommunityStore.open(url)


# -- answers, relevance and routing rules ----------------------------------------------------------


def test_relevance_is_a_word_relative_to_the_best_passage():
    assert relevance(ANSWERED) == ["strong", "strong", "partial"]  # 0.75 >= 0.9 * 0.8; 0.3 is not
    assert relevance(ABSTAINED) == ["closest"]
    assert relevance(Answer("q", True, ())) == []


def test_the_record_of_an_answer_holds_what_was_shown_and_its_answer_sentence():
    record = AnswerRecord.of(ANSWERED)
    assert record.article == "harbour" and record.evidence == "We start in May."
    assert AnswerRecord.of(ANSWERED, "budget").article == "budget"  # the article asked about wins
    abstained = AnswerRecord.of(ABSTAINED)
    assert abstained.passages == ("harbour#1:0-16",) and abstained.evidence is None
    assert AnswerRecord.of(Answer("q", False, ())).article is None
    assert passage_id(ANSWERED.hits[0].passage) == "harbour#2:0-36"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", True), ("help", True), ("Help!", True), ("help me", True), ("commands?", True),
     ("help with the budget?", False), ("who helps the mayor?", False), ("what can you do", True)],
)  # fmt: skip
def test_what_counts_as_asking_for_help(text, expected):
    assert is_help(text) is expected


def test_thread_names_are_one_plain_line_within_discords_limit():
    assert thread_name("  **Who** is\n<@123> _Tom_?  ") == "Who is Tom?"
    long = thread_name("why " * 60)
    assert len(long) <= 100 and long.endswith("…")
    assert thread_name("***") == "Question"


def test_the_cooldown_is_per_member_per_server_and_counts_from_the_last_question():
    now = [100.0]
    cooldowns = Cooldowns(clock=lambda: now[0])
    assert cooldowns.retry_after(1, 7, 30) == 0
    now[0] = 110.0
    assert cooldowns.retry_after(1, 7, 30) == pytest.approx(20)
    assert cooldowns.retry_after(1, 8, 30) == 0 and cooldowns.retry_after(2, 7, 30) == 0
    now[0] = 131.0
    assert cooldowns.retry_after(1, 7, 30) == 0
    assert cooldowns.retry_after(1, 7, 0) == 0  # off


def test_help_examples_come_from_the_newest_article():
    examples = help_examples(make_newsdesk())
    assert examples.title == "Harbour bridge budget approved" and examples.speaker == "Tom Becker"
    assert examples.question == "What did Tom Becker say?"


# -- the export ------------------------------------------------------------------------------------


def vote(question: str, value: int, *, answerable: bool = True, evidence: str | None = "E.", article="a"):
    return StoredVote(
        "id",
        "1",
        question,
        article,
        answerable,
        ("a#1:0-2",),
        evidence if answerable else None,
        value,
        datetime.now(UTC).isoformat(),
    )


def test_the_export_turns_agreed_votes_into_qa_rows_and_leaves_disputes_to_a_person():
    result = export(
        [
            vote("Who builds it?", 1, evidence="Tom builds it."),
            vote("who builds  IT?", 1, evidence="Tom builds it."),  # the same question, asked again
            vote("When?", 1, evidence="In May."),
            vote("When?", -1, evidence="Later."),
            vote("What about the ferry?", 1, answerable=False),
            vote("Is it safe?", -1),  # only 👎: which passage is right is unknown
            vote("How much?", 1, evidence="Ten."),
            vote("How much?", 1, answerable=False),  # disagreement
            vote("Nothing close?", 1, answerable=False, article=None),  # no article to test it on
        ]
    )
    assert result.rows == [
        {
            "id": "a",
            "qa": [
                {"q": "Who builds it?", "evidence": ["Tom builds it."], "type": "who"},
                {"q": "When?", "evidence": ["In May."], "type": "when"},
            ],
            "unanswerable": ["What about the ferry?"],
        }
    ]
    assert [r["q"] for r in result.review] == ["Is it safe?", "How much?"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [("Who is the mayor?", "who"), ("What did Li say about trust?", "quote"), ("when does it end", "when"),
     ("Is the bridge safe?", "yesno"), ("Which ship sailed?", "what"), ("so why did they leave?", "why")],
)  # fmt: skip
def test_question_types_follow_the_dev_sets(question, kind):
    assert question_type(question) == kind


def test_feedback_export_writes_the_dev_qa_sets_format_and_the_eval_can_score_it(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'library.sqlite3'}"
    library = Library(url)
    row = library.add(
        ExtractedArticle(
            "Harbour bridge budget approved", None, "The Fake Gazette", None, ARTICLE.split("---\n\n")[1]
        ),
        scope=str(GUILD),
    ).article
    settings = RetrievalSettings(_env_file=None, use_cache=False, top_k=3, database_url=url)
    desk = Newsdesk([row.article()], settings=settings, embedder=FakeEmbedder())
    store = CommunityStore(library)
    for question, value in [
        ("when will they start building?", 1),
        ("who is the mayor?", 1),
        ("what about the ferry?", 1),
    ]:
        answer = desk.ask(question)
        store.vote(store.record_answer(AnswerRecord.of(answer), guild_id=GUILD, via="slash"), 9, value)
    out, articles = tmp_path / "qa.jsonl", tmp_path / "articles.jsonl"
    code = main(["feedback", "export", "--out", str(out), "--articles", str(articles), "--scope", str(GUILD)])
    assert code == 0
    assert "exported" in capsys.readouterr().err
    [qa] = [json.loads(line) for line in out.read_text().splitlines()]
    assert set(qa) == {"id", "qa", "unanswerable"} and qa["id"] == row.id
    assert all(set(item) == {"q", "evidence", "type"} for item in qa["qa"])
    # What benchmarks/eval_retrieval.py does with the dev set: parse the text, count a hit when a
    # passage holds an evidence string. Every exported question's evidence is in a passage of the article.
    [text] = [json.loads(line) for line in articles.read_text().splitlines()]
    parsed = parse_article(text["text"].encode(), article_id=text["id"])
    check = Newsdesk([parsed], settings=settings, embedder=FakeEmbedder())
    for item in qa["qa"]:
        passages = [p.text for p in check.index.passages]
        assert any(e in p for e in item["evidence"] for p in passages), item
    assert main(["feedback", "export", "--scope", "1"]) == 0  # another server: nothing, and says so
    assert capsys.readouterr().out == ""


# -- embeds ------------------------------------------------------------------------------------------


def test_settings_stats_and_help_embeds_stay_within_discords_limits():
    many = GuildSettings(
        GUILD,
        ask_channels=frozenset(range(1, 200)),
        thread_mode=True,
        cooldown_s=10,
        articles={i: "x" * 300 for i in range(200)},
        article_threads=5,
    )
    for embed in (
        formatting.settings_embed(many, message_content=False, titles={"x" * 300: "t" * 400}),
        formatting.stats_embed(stats_of(ArticleStats(f"a{i}" * 30, 5, 1, 2, 1) for i in range(40))),
        formatting.help_embed(help_examples(make_newsdesk()), ask_channels=list(range(1, 50))),
    ):
        assert len(embed) <= formatting.EMBED_TOTAL_MAX and len(embed.fields) <= formatting.FIELDS_MAX
        assert all(len(f.value) <= formatting.FIELD_VALUE_MAX for f in embed.fields)


def test_days_become_discord_timestamps_at_noon_utc_and_other_dates_stay_as_written():
    assert formatting.discord_date("2024-03-04") == "<t:1709553600:D>"
    assert formatting.discord_date("2024-03") is None and formatting.discord_date("2024-W12") is None
    assert formatting.discord_date("2024-02-30") is None and formatting.discord_date(None) is None


def test_an_answer_from_several_articles_links_each_source_and_keeps_within_limits():
    articles = {
        "harbour": parse_article(
            b"---\ntitle: Bridge [update]\nurl: https://a.example/x\n---\n\nText.", article_id="harbour"
        ),
        "budget": parse_article(
            b"---\ntitle: Budget\nurl: javascript:alert(1)\n---\n\nText.", article_id="budget"
        ),
    }
    answer = Answer(
        "q?", True, (ANSWERED.hits[0], hit("budget", 1, "Money for parks.", 0.79, "Money for parks."))
    )
    embed = formatting.answer_embed(answer, show_article=True, articles=articles, feedback=True)
    assert embed.author.name == "Bridge [update]" and embed.author.url == "https://a.example/x"
    assert (
        embed.fields[-1].name == "Sources"
        and embed.fields[-1].value == "[Bridge (update)](https://a.example/x)"
    )
    assert "javascript" not in str(embed.to_dict())  # only http(s) links
    assert embed.footer.text.endswith("👍/👎: did this help?")
    assert embed.colour == formatting.COLOUR
    abstained = formatting.answer_embed(ABSTAINED, articles=articles)
    assert abstained.colour == formatting.ABSTAIN_COLOUR and abstained.fields[0].name.endswith(
        "closest passage"
    )


def test_an_article_threads_first_message_says_how_to_ask_there():
    with_intent = formatting.article_thread_intro(
        "Ferry *returns*", "https://c.example/f", message_content=True
    )
    assert with_intent.startswith("New article: [Ferry \\*returns\\*](<https://c.example/f>)")
    assert "Ask anything about it here" in with_intent
    without = formatting.article_thread_intro("@everyone news", None, message_content=False)
    assert "Mention me here" in without and "@everyone" not in without
