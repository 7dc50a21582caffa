"""The limits on what users may ask for, in one place: the CLI, the settings and the bot all read them."""

from __future__ import annotations

from .errors import QuestionError

# Passages one answer may show. Ten 60-word passages still fit one Discord embed (6,000 characters).
TOP_K_MAX = 10
# Characters in one question, after runs of whitespace are collapsed.
QUESTION_MAX_CHARS = 1000
# Bytes in one article file. Past this, indexing and extraction take many minutes and gigabytes;
# a 1 MB transcript takes about a minute on two cores.
ARTICLE_MAX_BYTES = 5_000_000
# Bytes of one fetched web page. The page is bigger than the article it carries (markup, scripts), so it
# has its own limit; the article extracted from it is then held to ARTICLE_MAX_BYTES like any other.
PAGE_MAX_BYTES = 2 * ARTICLE_MAX_BYTES


def question_text(question: str) -> str:
    """The question with runs of whitespace collapsed; QuestionError when it is empty, too long or not text.

    A question read from bytes that are not UTF-8 arrives with lone surrogates (how Python decodes such
    command-line arguments); no tokenizer takes those, so they are refused here with a clear reason.
    """
    text = " ".join(question.split())
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > QUESTION_MAX_CHARS:
        raise QuestionError(f"the question is longer than {QUESTION_MAX_CHARS} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise QuestionError("the question is not valid UTF-8 text") from None
    return text
