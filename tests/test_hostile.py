"""Hostile and careless input (issue 10): every case gets one clear line and exit 2, or is handled sensibly.

The table in docs/testing.md lists each case with the test that covers it.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import sys
from datetime import date
from pathlib import Path

import pytest

from retrieval import limits
from retrieval.article import load_articles, parse_article
from retrieval.cli import main
from retrieval.config import RetrievalSettings
from retrieval.errors import ArticleError, NewsdeskError
from retrieval.nlp import load_spacy
from retrieval.quotes import extract_quotes
from retrieval.quotes.extract import windows
from retrieval.service import Newsdesk
from retrieval.timeline import build_timeline
from tests.fakes import FakeEmbedder


def fake_factory(settings: RetrievalSettings) -> Newsdesk:
    return Newsdesk.from_settings(settings, embedder=FakeEmbedder(), library=False)


def run(argv, capsys, factory=fake_factory):
    code = main(argv, service_factory=factory)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(code: int, err: str, message: str) -> None:
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


# --- article paths ----------------------------------------------------------------------------------


def test_an_empty_article_path_is_refused_not_read_as_the_current_directory(tmp_path: Path, capsys):
    (tmp_path / "other.txt").write_text("Some text that is not what the user asked for.\n")
    code, _, err = run(["quotes", "--article", ""], capsys)
    assert_one_line(code, err, "path is empty")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, capsys):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    code, _, err = run(["quotes", "--article", str(fifo)], capsys)
    assert_one_line(code, err, "not a regular file")
    code, _, err = run(["quotes", "--article", str(tmp_path)], capsys)  # found through its directory too
    assert_one_line(code, err, "not a regular file")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any directory")
def test_an_article_in_a_directory_without_search_permission_is_one_line(short_article: Path, capsys):
    locked = short_article.parent / "locked"
    locked.mkdir()
    (locked / "x.txt").write_text("Text.\n")
    locked.chmod(0)
    try:
        code, _, err = run(["quotes", "--article", str(locked / "x.txt")], capsys)
    finally:
        locked.chmod(0o755)
    assert_one_line(code, err, "Permission denied")


def test_the_same_file_by_two_paths_counts_once(tmp_path: Path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "x.txt").write_text("The council met on Monday.\n")
    articles = load_articles([folder / "x.txt", tmp_path / "a" / ".." / "a" / "x.txt", folder])
    assert [a.id for a in articles] == ["x"]


def test_an_article_over_the_size_limit_is_refused_with_the_limit_named(tmp_path: Path, capsys):
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (limits.ARTICLE_MAX_BYTES // 5 + 1))
    code, _, err = run(["quotes", "--article", str(big)], capsys)
    assert_one_line(code, err, f"{limits.ARTICLE_MAX_BYTES / 1e6:g} MB limit")
    with pytest.raises(ArticleError, match="limit"):
        parse_article(b"x" * (limits.ARTICLE_MAX_BYTES + 1), article_id="big")


# --- settings ---------------------------------------------------------------------------------------


def test_a_dot_env_that_is_not_utf8_is_one_line(short_article: Path, capsys):
    Path(".env").write_bytes(b"NEWSDESK_TOP_K=3\n# caf\xe9\n")
    code, _, err = run(["quotes", "--article", str(short_article)], capsys)
    assert_one_line(code, err, ".env: not UTF-8")


@pytest.mark.parametrize("device", ["bogus", "cuda:x", "gpu"])
def test_an_unknown_device_is_refused_by_the_settings(device: str, short_article: Path, capsys, monkeypatch):
    monkeypatch.setenv("NEWSDESK_DEVICE", device)
    code, _, err = run(["quotes", "--article", str(short_article)], capsys)
    assert_one_line(code, err, "invalid setting device")


def test_cuda_on_a_machine_without_it_is_one_line(short_article: Path, capsys, monkeypatch):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    monkeypatch.setenv("NEWSDESK_DEVICE", "cuda")
    code, _, err = run(["ask", "pier", "--article", str(short_article)], capsys, factory=real_factory)
    assert_one_line(code, err, "sees no CUDA GPU")


def real_factory(settings: RetrievalSettings) -> Newsdesk:
    return Newsdesk.from_settings(settings, library=False)


def test_a_model_path_that_is_not_a_directory_is_refused(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("NEWSDESK_MODEL_PATH", str(tmp_path / "nowhere"))
    code, _, err = run(["quotes"], capsys)
    assert_one_line(code, err, "invalid setting model_path")


def test_a_model_directory_with_an_empty_config_is_one_line(
    short_article: Path, tmp_path, capsys, monkeypatch
):
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    monkeypatch.setenv("NEWSDESK_MODEL_PATH", str(model))
    code, _, err = run(["ask", "pier", "--article", str(short_article)], capsys, factory=real_factory)
    assert_one_line(code, err, "cannot load the embedding model")


def test_limits_have_one_home():
    from bot.cogs import article as cog

    assert cog.TOP_K_MAX == limits.TOP_K_MAX
    assert cog.QUESTION_MAX == limits.QUESTION_MAX_CHARS
    assert RetrievalSettings.model_fields["top_k"].metadata[-1].le == limits.TOP_K_MAX
    RetrievalSettings(_env_file=None, top_k=limits.TOP_K_MAX)
    with pytest.raises(ValueError):
        RetrievalSettings(_env_file=None, top_k=limits.TOP_K_MAX + 1)


def test_top_k_over_the_shared_limit_is_refused_by_the_cli(short_article: Path, capsys):
    code, _, err = run(["ask", "pier", "--top-k", str(limits.TOP_K_MAX + 1)], capsys)
    assert_one_line(code, err, f"between 1 and {limits.TOP_K_MAX}")
    code, out, _ = run(
        ["ask", "pier", "--top-k", str(limits.TOP_K_MAX), "--article", str(short_article)], capsys
    )
    assert code == 0 and out


# --- questions --------------------------------------------------------------------------------------


def test_a_question_with_invalid_utf8_on_argv_is_one_line(short_article: Path, capsys):
    question = os.fsdecode(b"Who is \xff?")  # how Python hands over argv bytes that are not UTF-8
    code, _, err = run(["ask", question, "--article", str(short_article)], capsys)
    assert_one_line(code, err, "not valid UTF-8")


def test_a_batch_answers_every_usable_line_and_exits_2_at_the_end(short_article: Path, capsys, monkeypatch):
    long_question = "why " * (limits.QUESTION_MAX_CHARS // 4 + 1)
    data = b"pier money\n\xff bad\n\n" + long_question.encode() + b"\nlighthouse noise\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, err = run(["ask", "-", "--article", str(short_article)], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [("error" in row) for row in rows] == [False, True, True, False]
    assert rows[1]["question"] == "\ufffd bad" and "UTF-8" in rows[1]["error"]
    assert str(limits.QUESTION_MAX_CHARS) in rows[2]["error"]
    assert rows[3]["question"] == "lighthouse noise" and rows[3]["passages"]
    assert_one_line(code, err, "2 question(s) could not be used")


# --- quotes and timeline ----------------------------------------------------------------------------

TRANSCRIPT_TURN = (
    "“We will rebuild the pier before the summer,” said Mayor Anna Kowalski. "
    "Engineer Tom Becker said the work would start in May. "
    "“It starts on Monday, the best news in years,” Becker said. "
)


def test_a_paragraph_longer_than_spacy_allows_is_parsed_in_windows(monkeypatch):
    nlp = load_spacy()
    monkeypatch.setattr(nlp, "max_length", 5_000)  # E088 past this, as past 1,000,000 characters normally
    text = TRANSCRIPT_TURN * 60  # about 12,000 characters in one paragraph
    article = parse_article(text.encode(), article_id="transcript")
    extraction = extract_quotes(article)
    assert extraction.complete
    direct = [q for q in extraction.quotes if q.kind == "direct"]
    assert len(direct) == 120
    paragraph = article.paragraphs[0].text
    assert all(paragraph[q.start : q.end] == q.text for q in extraction.quotes)
    assert {q.speaker for q in direct} == {"Anna Kowalski", "Tom Becker"}


def test_windows_cover_the_text_and_cut_between_sentences_outside_quotes():
    text = TRANSCRIPT_TURN * 40
    spans = windows(text, limit=1_000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(end - start <= 1_000 for start, end in spans)
    for _, end in spans[:-1]:
        before = text[:end]
        assert before[-1].isspace() and before.rstrip()[-1] in ".!?”"
        assert before.count("“") == before.count("”")  # no cut inside a quotation


def test_a_failed_extraction_is_an_error_and_never_cached(short_article: Path, settings, monkeypatch):
    import retrieval.quotes.extract as extract

    def broken(*_args, **_kwargs):
        raise ValueError("[E088] Text of length 1000001 exceeds maximum of 1000000.")

    monkeypatch.setattr(extract, "_parse", broken)  # the parser fails; the rules never run
    service = Newsdesk(load_articles([short_article]), settings=settings, embedder=FakeEmbedder())
    with pytest.raises(NewsdeskError, match="quote extraction failed"):
        service.speakers()
    assert not list((settings.cache_dir / "quotes").glob("*/manifest.json"))
    monkeypatch.undo()
    fresh = Newsdesk(load_articles([short_article]), settings=settings, embedder=FakeEmbedder())
    assert [s.name for s in fresh.speakers()] == ["Anna Kowalski", "Tom Becker"]


ARTICLE_WITH_RELATIVE_DATES = """The council met yesterday and will meet again tomorrow.

Last year the pier was closed; next year it opens, the mayor said on Monday.
"""


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31"])
def test_published_at_the_edges_of_the_calendar_keeps_every_event(published: str, tmp_path: Path, capsys):
    path = tmp_path / "edge.txt"
    path.write_text(ARTICLE_WITH_RELATIVE_DATES)
    code, out, _ = run(["timeline", "--json", "--published", published, "--article", str(path)], capsys)
    assert code == 0
    events = json.loads(out)["events"]
    assert {e["expression"] for e in events} >= {"yesterday", "tomorrow", "Last year", "next year"}
    for event in events:
        if event["date"] is not None:
            year = int(event["date"][:4])
            assert len(event["date"].split("-")[0]) == 4 and 1 <= year <= 9999
    dated = [e["date"] for e in events if e["date"]]
    assert dated == sorted(dated, key=lambda d: (d[:4], d))


def test_timeline_of_a_long_single_paragraph_keeps_its_speakers():
    text = TRANSCRIPT_TURN * 30
    article = parse_article(text.encode(), article_id="t")
    quotes = extract_quotes(article).quotes
    timeline = build_timeline(article, date(2024, 3, 4), quotes)
    mondays = [e for e in timeline.events if e.expression == "on Monday"]
    assert len(mondays) == 30 and {e.speaker for e in mondays} == {"Tom Becker"}


# --- the bot ----------------------------------------------------------------------------------------

TOKEN = "MTA1.GhIj.abcdefghijklmnopqrstuvwxyz0123"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DISCORD_API_BASE_URL", "not a url"),
        ("DISCORD_API_BASE_URL", "ftp://discord.com/api"),
        ("DISCORD_API_BASE_URL", "http://127.0.0.1:port/api"),
        ("DISCORD_GATEWAY_URL", "https://gateway.discord.gg"),
    ],
)
def test_the_bot_refuses_a_url_that_is_not_one_before_loading_anything(name, value, monkeypatch, capsys):
    from bot.__main__ import main as bot_main

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv(name, value)
    code = bot_main([])
    _, err = capsys.readouterr()
    assert code == 2
    assert name in err and ("URL" in err or "port" in err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_the_bot_says_one_line_for_a_dot_env_that_is_not_utf8(monkeypatch, capsys):
    from bot.__main__ import main as bot_main

    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    Path(".env").write_bytes(b"DISCORD_GUILD_ID=1\n# \xff\n")
    code = bot_main([])
    _, err = capsys.readouterr()
    assert code == 2 and ".env: not UTF-8" in err and len(err.strip().splitlines()) == 1


def test_article_ids_from_file_names_are_neutralised_in_every_embed():
    from bot import formatting
    from retrieval.models import ArticleDates, ArticleInfo, Quote, Timeline, TimelineEvent

    hostile = "@everyone **bold** <@123>"
    event = TimelineEvent(hostile, "2024-03-04", "on Monday", None, "It starts on Monday.", 1, None)
    quote = Quote(hostile, "Anna", True, "We will rebuild.", "direct", 1, 0, 16)
    info = ArticleInfo(hostile, None, None, None, None, 1, 1, "0.1.0")
    embeds = [
        *formatting.timeline_pages(
            Timeline((ArticleDates(hostile, None, None, "unknown"),), (event,)), show_article=True
        ),
        *formatting.quote_pages([quote], show_article=True),
        formatting.about_embed([info, info]),
        formatting.about_embed([info]),
    ]
    for embed in embeds:  # footers render no markdown and ping no one; the rest does
        shown = [embed.title or "", embed.description or ""]
        shown += [part for field in embed.fields for part in (field.name or "", field.value or "")]
        text = "\n".join(shown)
        assert "@everyone" not in text and "<@123>" not in text and "**bold**" not in text


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "file:///etc/passwd", "example.com/story", "https://"]
)
def test_a_front_matter_url_that_is_not_http_is_not_used_as_the_embed_link(url: str):
    from bot import formatting
    from retrieval.models import ArticleInfo

    info = ArticleInfo("story", "Title", None, url, None, 1, 1, "0.1.0")
    assert formatting.about_embed([info]).url is None
    ok = ArticleInfo("story", "Title", None, "https://example.com/story", None, 1, 1, "0.1.0")
    assert formatting.about_embed([ok]).url == "https://example.com/story"


# --- the cache --------------------------------------------------------------------------------------


def _service(path: Path, cache_dir: Path) -> Newsdesk:
    settings = RetrievalSettings(_env_file=None, cache_dir=cache_dir)
    return Newsdesk(load_articles([path]), settings=settings, embedder=FakeEmbedder())


def test_the_cache_removes_stale_temp_folders_and_superseded_versions(short_article: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    _service(short_article, cache).speakers()
    stale = cache / "quotes" / ".0123.killed"
    stale.mkdir()
    os.utime(stale, (0, 0))  # left by a writer killed long ago
    fresh = cache / "quotes" / ".4567.writing"
    fresh.mkdir()  # another process writing right now: left alone
    short_article.write_text(short_article.read_text() + "\nA new closing paragraph.\n")
    _service(short_article, cache).speakers()
    entries = [p.name for p in (cache / "quotes").iterdir()]
    assert len([e for e in entries if not e.startswith(".")]) == 1  # the old version is gone
    assert ".0123.killed" not in entries and ".4567.writing" in entries


def test_a_cache_path_of_the_wrong_kind_is_repaired_without_warnings(short_article, tmp_path, caplog):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "quotes").write_text("not a folder")
    with caplog.at_level("WARNING"):
        first = _service(short_article, cache).speakers()
        second = _service(short_article, cache).speakers()
    assert first == second and (cache / "quotes").is_dir()
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


@pytest.mark.parametrize("kind", ["file", "read-only"])
def test_an_unusable_cache_dir_answers_right_and_never_says_corrupt(kind, short_article, tmp_path, caplog):
    if kind == "read-only" and os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    cache = tmp_path / "cache"
    if kind == "file":
        cache.write_text("a file, not a folder")
    else:
        cache.mkdir()
        cache.chmod(0o555)
    try:
        with caplog.at_level("WARNING"):
            speakers = _service(short_article, cache).speakers()
    finally:
        if kind == "read-only":
            cache.chmod(0o755)
    assert [s.name for s in speakers] == ["Anna Kowalski", "Tom Becker"]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "working without it" in warnings[0]
    assert not any("corrupt" in w for w in warnings)
