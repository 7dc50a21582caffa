"""The Newsdesk facade: ranking, the on-disk cache, corpora of several articles, input errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.article import load_articles
from retrieval.config import RetrievalSettings
from retrieval.errors import QuestionError, UnknownArticleError
from retrieval.index import Weights
from retrieval.service import Newsdesk
from tests.fakes import FakeEmbedder


def test_ask_ranks_the_matching_paragraph_first(short_service: Newsdesk):
    answer = short_service.ask("when will the project engineer start the work", top_k=2)
    assert answer.hits[0].passage.paragraph == 3
    assert answer.hits[0].score >= answer.hits[1].score
    assert len(answer.hits) == 2


def test_names_are_found_lexically(short_service: Newsdesk):
    assert short_service.ask("Kowalski", top_k=1).hits[0].passage.paragraph == 2


def test_second_service_reuses_the_cache(short_article: Path, settings: RetrievalSettings):
    first = FakeEmbedder()
    Newsdesk(load_articles([short_article]), settings=settings, embedder=first).ask("pier")
    second = FakeEmbedder()
    Newsdesk(load_articles([short_article]), settings=settings, embedder=second).ask("pier")
    assert first.texts > 1
    assert second.texts == 1  # only the question was embedded


def test_changed_article_or_parameters_rebuild(short_article: Path, settings: RetrievalSettings):
    Newsdesk(load_articles([short_article]), settings=settings, embedder=FakeEmbedder()).ask("pier")
    short_article.write_text(short_article.read_text() + "\nA new paragraph about the lighthouse.\n")
    changed = FakeEmbedder()
    service = Newsdesk(load_articles([short_article]), settings=settings, embedder=changed)
    assert service.ask("lighthouse").hits
    assert changed.texts > 1
    other = FakeEmbedder()
    resized = settings.model_copy(update={"chunk_words": 10})
    Newsdesk(load_articles([short_article]), settings=resized, embedder=other).ask("pier")
    assert other.texts > 1


def test_corrupt_cache_is_detected_and_rebuilt(short_article: Path, settings: RetrievalSettings):
    Newsdesk(load_articles([short_article]), settings=settings, embedder=FakeEmbedder()).ask("pier")
    vectors = next(settings.cache_dir.rglob("vectors.npy"))
    vectors.write_bytes(vectors.read_bytes()[:100])  # a half-written file
    again = FakeEmbedder()
    answer = Newsdesk(load_articles([short_article]), settings=settings, embedder=again).ask("pier")
    assert again.texts > 1
    assert answer.hits[0].passage.paragraph == 2
    assert not list(settings.cache_dir.rglob(".*.*"))  # no temporary directories left behind


def test_cache_can_be_turned_off(short_article: Path, tmp_path: Path):
    settings = RetrievalSettings(_env_file=None, cache_dir=tmp_path / "off", use_cache=False)
    Newsdesk(load_articles([short_article]), settings=settings, embedder=FakeEmbedder()).ask("pier")
    assert not (tmp_path / "off").exists()


def test_several_articles_form_one_corpus(tmp_path: Path, short_article: Path, settings: RetrievalSettings):
    other = tmp_path / "weather.txt"
    other.write_text("Heavy snow closed the mountain pass on Tuesday.\n", encoding="utf-8")
    service = Newsdesk(load_articles([short_article, other]), settings=settings, embedder=FakeEmbedder())
    assert service.article_ids == ["harbour", "weather"]
    assert service.ask("snow closed the pass", top_k=1).hits[0].passage.article == "weather"
    only = service.ask("snow closed the pass", article="harbour")
    assert {h.passage.article for h in only.hits} == {"harbour"}
    with pytest.raises(UnknownArticleError, match="loaded: harbour, weather"):
        service.ask("snow", article="nope")


@pytest.mark.parametrize("question", ["", "   \n ", "x" * 1001])
def test_unusable_questions_raise(short_service: Newsdesk, question: str):
    with pytest.raises(QuestionError):
        short_service.ask(question)


def test_about_reports_metadata_and_passage_counts(short_service: Newsdesk):
    (info,) = short_service.about()
    assert (info.title, info.source, info.published, info.paragraphs) == (
        "Harbour budget approved",
        "Coast Gazette",
        "2024-03-04",
        4,
    )
    assert info.passages >= 4


@pytest.mark.parametrize(
    ("cosine", "names", "answerable"),
    [
        (0.60, (), True),
        (0.31, (), True),  # barely on topic is still on topic
        (0.25, (), False),  # nothing close: off-topic
        (0.90, ("Joe Biden",), False),  # someone the corpus never mentions
    ],
)
def test_abstention_rule(cosine, names, answerable):
    from retrieval.abstain import Evidence

    assert Evidence(cosine, names).answerable is answerable


LEXICON_TEXT = (
    "Tsai Ing-wen met Russia's envoy. Putin spoke to the U.S. Government Accountability Office "
    "while Defense Minister Li Shangfu listened."
)


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("What did Joe Biden tell Putin?", ("Joe Biden",)),
        ("what did joe biden say about the envoy?", ("joe biden",)),  # lower case: the speech verb's subject
        ("Who did Tsai Ing-wen meet?", ()),
        ("What did the GAO say about the envoy?", ()),  # an acronym the corpus spells out
        ("what did defense minister li say?", ()),  # a title and a surname
        ("Did Beijing and Moscow meet?", ()),  # places are weighed by meaning, not spelling
        ("**Who** is _Li Shangfu_?", ()),  # Discord markdown around a known name
        ("what did putin famously say?", ()),  # an adverb is not part of the name
        ("what did putin's envoy say?", ()),  # named by a relation, not by name
        ("how much has gina haspel given to the envoy?", ("Gina Haspel",)),  # lower case, rare surname
        ("if the envoys deadlock, do the regs stay?", ()),  # one rare word is slang, not a person
    ],
)
def test_absent_people_make_a_question_unanswerable(question, missing):
    from retrieval.abstain import Lexicon, weigh
    from retrieval.question import analyse

    lexicon = Lexicon.from_texts([LEXICON_TEXT])
    assert weigh(analyse(question), 0.9, lexicon).missing_names == missing
    # Told what the corpus knows, the analysis skips spaCy where no name can be missing; same verdict.
    assert weigh(analyse(question, lexicon.knows_name), 0.9, lexicon).missing_names == missing


def test_a_question_naming_only_people_the_corpus_knows_is_read_without_spacy(monkeypatch):
    from retrieval import question as question_module
    from retrieval.abstain import Lexicon

    lexicon = Lexicon.from_texts([LEXICON_TEXT])
    found = []
    monkeypatch.setattr(question_module, "_person_entities", lambda text, min_words: found.append(text) or [])
    question_module.analyse("Who did Li Shangfu meet in Russia?", lexicon.knows_name)
    question_module.analyse("what did li shangfu tell the envoy?", lexicon.knows_name)
    assert found == []
    question_module.analyse("Who did Gina Haspel meet?", lexicon.knows_name)
    assert found == ["Who did Gina Haspel meet?"]


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did li shangfu say about the envoy?", "li shangfu"),
        ("What has Putin told reporters?", "Putin"),
        ("what did the miami lawyer say?", None),  # a description, not a name
        ("what does putin want?", None),  # wanting is not saying
        ("Who is Li Shangfu?", None),
    ],
)
def test_a_question_about_someone_s_words_names_the_speaker(question, speaker):
    from retrieval.question import analyse

    assert analyse(question).quoted == speaker


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("According to Putin, what marked the talks?", "Putin"),
        ("what does the navy want?", "the navy"),
        ("Where did the envoy go?", None),
    ],
)
def test_a_question_can_ask_for_someone_s_words_without_a_verb_of_speech(question, speaker):
    from retrieval.question import analyse

    assert analyse(question).speaker == speaker


def test_someone_quoted_nowhere_has_said_nothing_the_article_reports():
    from retrieval.abstain import Lexicon, weigh
    from retrieval.question import analyse

    lexicon = Lexicon.from_texts([LEXICON_TEXT])
    question = analyse("What did Putin say about the envoy?")
    silent = weigh(question, 0.9, lexicon, speakers=["Li Shangfu", "Li", "the minister"])
    assert not silent.answerable
    assert silent.reason == "the article does not report anything Putin said"
    assert weigh(question, 0.9, lexicon, speakers=["Vladimir Putin", "Li Shangfu"]).answerable


@pytest.mark.parametrize(
    ("evidence", "reason"),
    [
        ({"missing_names": ("Joe Biden",)}, "the article never mentions Joe Biden"),
        ({"top_cosine": 0.1}, "nothing in the article is close to the question"),
        ({"typed_answer": False}, "the passages on this subject do not give what the question asks for"),
        ({}, None),
    ],
)
def test_every_abstention_says_why(evidence, reason):
    from retrieval.abstain import Evidence

    fields = {"top_cosine": 0.6, "missing_names": (), **evidence}
    assert Evidence(**fields).reason == reason
    assert Evidence(**fields).answerable is (reason is None)


SPOKESMAN_ARTICLE = """---
title: Port strike talks
---
Dock workers walked out on Monday over pay at the port of Wexford.

"The dock workers will not go back until they are paid," Keane said on Tuesday.

Michael Keane, a spokesman for the dock workers' union, said talks would resume next week.
"""


def test_a_who_question_prefers_the_passage_introducing_a_person(tmp_path: Path, settings: RetrievalSettings):
    """The first full mention of a person carries their role; a later quote by surname does not."""
    path = tmp_path / "port.txt"
    path.write_text(SPOKESMAN_ARTICLE, encoding="utf-8")
    service = Newsdesk(load_articles([path]), settings=settings, embedder=FakeEmbedder())
    question = "who speaks for the dock workers?"
    without, _ = service.search(question, top_k=1, weights=Weights(intro=0.0))
    assert service.index.passages[without.ranked[0].index].paragraph != 3  # what the lever changes
    assert service.ask(question, top_k=1).hits[0].passage.paragraph == 3
    # A person the question names, even by surname alone, is not introduced to it: no score moves.
    named, _ = service.search("who is keane?", top_k=3)
    plain, _ = service.search("who is keane?", top_k=3, weights=Weights(intro=0.0))
    assert [(r.index, r.score) for r in named.ranked] == [(r.index, r.score) for r in plain.ranked]


STRIKE_ARTICLE = """---
title: Strike spreads
---
The strike spread on Monday, and 40 percent of the ports in the region stand idle.

Twelve ports have walked out, and union leaders expect more to follow.
"""


def test_how_many_prefers_a_number_that_counts_the_thing_asked_about(
    tmp_path: Path, settings: RetrievalSettings
):
    path = tmp_path / "strike.txt"
    path.write_text(STRIKE_ARTICLE, encoding="utf-8")
    service = Newsdesk(load_articles([path]), settings=settings, embedder=FakeEmbedder())
    question = "how many ports have walked out in the region?"
    without, _ = service.search(question, top_k=1, weights=Weights(count=0.0))
    assert service.index.passages[without.ranked[0].index].paragraph == 1  # what the lever changes
    assert service.ask(question, top_k=1).hits[0].passage.paragraph == 2


BOOK_ARTICLE = """---
title: A planner's advice
---
Saving for college is hard, and families across the country are still looking for a plan that works for
them and their children.

These days the planner says his book was too strict about borrowing for college.

In 2002 the planner wrote his first book for young parents.
"""


def test_when_prefers_a_date_naming_a_point_in_time_over_a_span(tmp_path: Path, settings: RetrievalSettings):
    """ "These days" or "18 years" cannot answer "when"; "in 2002" can."""
    path = tmp_path / "book.txt"
    path.write_text(BOOK_ARTICLE, encoding="utf-8")
    service = Newsdesk(load_articles([path]), settings=settings, embedder=FakeEmbedder())
    question = "when did the planner's book come out?"
    without, _ = service.search(question, top_k=1, weights=Weights(point_dates=False))
    assert service.index.passages[without.ranked[0].index].paragraph == 2  # what the lever changes
    assert service.ask(question, top_k=1).hits[0].passage.paragraph == 3


def corpus_of(tmp_path: Path, settings: RetrievalSettings, **texts: str) -> Newsdesk:
    """A service over one article file per keyword (the file name is the article id)."""
    paths = []
    for name, text in texts.items():
        paths.append(tmp_path / f"{name}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    return Newsdesk(load_articles(paths), settings=settings, embedder=FakeEmbedder())


COURT_ARTICLE = """---
title: Port ruling
---
A federal judge ruled on Friday that the port must reopen, and the ruling can go to the appeals court if
the governor decides to appeal it.

"We will take this to a higher court," Governor Tom Brady said in a statement.
"""


def test_whether_someone_means_to_do_something_is_answered_by_their_own_words(
    tmp_path: Path, settings: RetrievalSettings
):
    """ "is X going to appeal?" asks what X intends: X's quote says it, not the passage about appeals."""
    service = corpus_of(tmp_path, settings, port=COURT_ARTICLE)
    question = "is brady going to appeal?"
    without, _ = service.search(question, top_k=1, weights=Weights(intent=False))
    assert service.index.passages[without.ranked[0].index].paragraph == 1  # what the lever changes
    assert service.ask(question, top_k=1).hits[0].passage.paragraph == 2


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("is roe going to appeal?", "roe"),
        ("Does Jane Roe plan to run again?", "Jane Roe"),
        ("is the court going to rule?", None),  # a description, not a name
        ("is he likely to win?", None),
        ("will the port reopen?", None),
    ],
)
def test_a_question_about_what_someone_means_to_do_names_them(question, speaker):
    from retrieval.question import analyse

    info = analyse(question)
    assert info.speaker == speaker
    assert info.intent is (speaker is not None)


BRIDGE_ARTICLE = """---
title: Bridge repairs
---
Senator Jane Marlow toured the old river crossing on Monday with county engineers.

Marlow promised voters that the state would pay to repair the bridge before winter.
"""

COUNCIL_ARTICLE = """---
title: Council budget
---
The council passed its budget on Tuesday after a long debate about roads and parks.

Members argued about the bridge budget, and what the council promised the town about the bridge budget.
"""


def test_in_a_corpus_an_article_that_never_mentions_the_person_asked_about_is_ranked_down(
    tmp_path: Path, settings: RetrievalSettings
):
    service = corpus_of(tmp_path, settings, bridge=BRIDGE_ARTICLE, council=COUNCIL_ARTICLE)
    question = "what did marlow promise about the bridge budget?"
    without, _ = service.search(question, top_k=1, weights=Weights(article_names=0.0))
    assert service.index.passages[without.ranked[0].index].article == "council"  # what the lever changes
    hit = service.ask(question, top_k=1).hits[0].passage
    assert (hit.article, hit.paragraph) == ("bridge", 2)
    # Within one article every passage lacks the same names: the lever moves nothing.
    alone, _ = service.search(question, top_k=2, article="council")
    plain, _ = service.search(question, top_k=2, article="council", weights=Weights(article_names=0.0))
    assert [(r.index, r.score) for r in alone.ranked] == [(r.index, r.score) for r in plain.ranked]


FERRY_ARTICLE = """---
title: Island service
---
The island ferry runs four times a day between the harbour and the village.

The ferry crew has grown to twelve, and the island ferry now sails at night.

Fuel costs doubled this year, so the fares went up.
"""

BUS_ARTICLE = """---
title: Bus routes
---
The city opened a new bus route in March and hired twenty drivers for it.

Fares rise every year, the mayor said, and costs rise too.
"""


def test_in_a_corpus_the_article_covering_more_of_the_question_s_terms_is_preferred(
    tmp_path: Path, settings: RetrievalSettings
):
    """The ferry article holds "island", "ferry" and "fares" between its paragraphs; the bus article's one
    paragraph matches "fares rise" better than any single ferry paragraph does."""
    service = corpus_of(tmp_path, settings, ferry=FERRY_ARTICLE, bus=BUS_ARTICLE)
    question = "why did the island ferry fares rise?"
    without, _ = service.search(question, top_k=1, weights=Weights(article_terms=0.0))
    assert service.index.passages[without.ranked[0].index].article == "bus"  # what the lever changes
    assert service.ask(question, top_k=1).hits[0].passage.article == "ferry"


def test_one_article_asked_inside_a_library_ranks_as_it_does_alone(
    tmp_path: Path, settings: RetrievalSettings
):
    """A thread or a default article asks one article of a library: the other articles must not change
    how its words weigh ("ferry" is rare in the library but in most of the ferry article's paragraphs)."""
    (tmp_path / "library").mkdir()
    (tmp_path / "alone").mkdir()
    library = corpus_of(tmp_path / "library", settings, ferry=FERRY_ARTICLE, bus=BUS_ARTICLE)
    alone = corpus_of(tmp_path / "alone", settings, ferry=FERRY_ARTICLE)
    for question in ("why did the island ferry fares rise?", "how many crew sail at night?", "fuel costs"):
        inside = library.ask(question, top_k=3, article="ferry")
        outside = alone.ask(question, top_k=3)
        assert [h.passage.paragraph for h in inside.hits] == [h.passage.paragraph for h in outside.hits]
        assert [h.score for h in inside.hits] == pytest.approx([h.score for h in outside.hits], abs=1e-4)
        assert [h.answer for h in inside.hits] == [h.answer for h in outside.hits]


def test_a_person_only_another_article_mentions_is_absent_from_the_article_asked(
    tmp_path: Path, settings: RetrievalSettings
):
    service = corpus_of(tmp_path, settings, bridge=BRIDGE_ARTICLE, council=COUNCIL_ARTICLE)
    question = "What did Jane Marlow say about the bridge budget?"
    inside = service.ask(question, article="council")
    assert not inside.answerable
    assert inside.reason == "the article never mentions Jane Marlow"
    assert "Marlow" not in (service.ask(question).reason or "")
    assert "Marlow" not in (service.ask(question, article="bridge").reason or "")
