"""Errors the retrieval layer raises for bad input; the CLI and the bot turn them into one clear line."""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class: a problem with the user's input, reported without a traceback."""


class ArticleError(NewsdeskError):
    """An article is missing, empty, undecodable or has malformed front matter."""


class QuestionError(NewsdeskError):
    """A question is empty or otherwise unusable."""


class UnknownArticleError(NewsdeskError):
    """An article id that is not in the corpus."""


class UnknownSpeakerError(NewsdeskError):
    """No speaker matches the requested name; ``known`` lists the speakers there are."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        listing = ", ".join(known) if known else "none"
        super().__init__(f"no speaker matches {name!r}; known speakers: {listing}")
