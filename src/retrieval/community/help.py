"""Examples for the help message, taken from the articles a server can ask about."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..errors import NewsdeskError
from ..service import Newsdesk

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HelpExamples:
    """A real article, speaker and question to show in the help, so the examples work when tried."""

    articles: int  # how many articles the server can ask about
    title: str  # the newest article's title (or id)
    article: str  # its id
    speaker: str | None  # its most quoted speaker, if anyone is quoted
    question: str  # a question the article can answer


def help_examples(desk: Newsdesk) -> HelpExamples:
    """Examples from the newest article of ``desk``: its title, most quoted speaker and a question."""
    article = list(desk.articles.values())[-1]
    speaker = None
    try:
        speakers = [s for s in desk.speakers(article.id) if s.kind == "person"]
    except NewsdeskError as error:  # quotes could not be extracted: examples without a speaker
        log.info("help: no speaker examples: %s", error)
        speakers = []
    if speakers:
        speaker = max(speakers, key=lambda s: (s.quotes, -s.first_paragraph)).name
    title = article.title or article.id
    question = f"What did {speaker} say?" if speaker else f"What is “{title}” about?"
    return HelpExamples(len(desk.articles), title, article.id, speaker, question)
