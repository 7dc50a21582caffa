"""The real packaged model on the bundled article: real questions find the right paragraph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.article import load_articles
from retrieval.config import RetrievalSettings
from retrieval.service import Newsdesk

pytestmark = pytest.mark.model

QUESTIONS = json.loads((Path(__file__).parents[1] / "benchmarks" / "questions.json").read_text())


@pytest.fixture(scope="module")
def service(real_embedder, tmp_path_factory) -> Newsdesk:
    settings = RetrievalSettings(_env_file=None, cache_dir=tmp_path_factory.mktemp("cache"))
    return Newsdesk(load_articles(None), settings=settings, embedder=real_embedder)


@pytest.mark.parametrize(
    ("question", "paragraph"),
    [
        ("Who did the Chinese defence minister meet?", 1),
        ("When does Li's trip end?", 6),
        ("Why was Li sanctioned by the United States?", 11),
        ("Which US warship sailed through the Taiwan Strait?", 15),
        ("Who is Shi Yi?", 16),
        ("When did the Nationalist government flee to Taiwan?", 24),
    ],
)
def test_real_questions_retrieve_their_paragraph(service: Newsdesk, question: str, paragraph: int):
    answer = service.ask(question, top_k=3)
    assert answer.answerable
    assert paragraph in [hit.passage.paragraph for hit in answer.hits]


def test_question_set_quality_holds(service: Newsdesk):
    """The hand-written question set: every answer in the top 3, nothing answerable abstained on."""
    top1 = 0
    for item in QUESTIONS["answerable"]:
        answer = service.ask(item["q"], top_k=3)
        assert answer.answerable, item["q"]
        assert {h.passage.paragraph for h in answer.hits} & set(item["paragraphs"]), item["q"]
        top1 += answer.hits[0].passage.paragraph in item["paragraphs"]
    assert top1 / len(QUESTIONS["answerable"]) >= 0.85


def test_questions_the_article_cannot_answer_abstain(service: Newsdesk):
    """Off-topic questions and absent people abstain; a detail the article never gives may not (India)."""
    answers = [service.ask(question) for question in QUESTIONS["unanswerable"]]
    assert all(answer.hits for answer in answers)  # the closest passage is still offered
    abstained = sum(not answer.answerable for answer in answers)
    assert abstained >= len(answers) - 1


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "How do I bake bread?",
        "What did Angela Merkel tell Putin?",
        "what did joe biden say about the destroyer?",
    ],
)
def test_off_topic_questions_and_absent_people_abstain(service: Newsdesk, question: str):
    assert not service.ask(question).answerable


def test_a_question_whose_kind_of_answer_the_article_never_gives_abstains(service: Newsdesk):
    # The article talks about the destroyer but gives no price and counts no ships.
    assert not service.ask("how much did the destroyer cost?").answerable
    assert not service.ask("How many ships took part?").answerable
    assert service.ask("When did the destroyer pass through the strait?").answerable


def test_asking_what_someone_said_who_is_never_quoted_abstains(service: Newsdesk):
    assert not service.ask("what did xi jinping say about the drills?").answerable
    assert service.ask("what did the spokesman say about the destroyer?").answerable


def test_asking_what_someone_said_ranks_their_quote_first(service: Newsdesk):
    # The headline restates the question's words; the navy's own statement answers it.
    hit = service.ask("what did the US Navy say about the passage?").hits[0]
    assert any("Navy" in speaker for speaker in hit.speakers)
    assert "freedom of navigation" in hit.passage.text


def test_the_answer_sentence_is_marked_inside_the_passage(service: Newsdesk):
    hit = service.ask("Who is Shi Yi?").hits[0]
    assert hit.answer is not None
    assert hit.passage.text[hit.answer.start : hit.answer.end] == hit.answer.text
    assert "Shi Yi" in hit.answer.text


def test_markup_and_mentions_do_not_make_a_question_unanswerable(service: Newsdesk):
    for question in ("**Who** is _Shi Yi_?", "@everyone what did Putin say?"):
        answer = service.ask(question)
        assert answer.answerable, question


def test_an_absent_person_is_not_answerable_even_on_topic(service: Newsdesk):
    on_topic = service.ask("What did Joe Biden say about the destroyer?")
    assert not on_topic.answerable
    assert service.ask("What did Shi Yi say about the destroyer?").answerable
