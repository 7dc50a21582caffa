"""Quotation extraction and speaker attribution for news articles (rule-based, over spaCy).

``extract_quotes(article)`` pairs quotation marks per paragraph (tolerating a missing opening or
closing mark and quotes that run over paragraphs), finds the speech verb that governs each quote in
the dependency parse (or a colon, a dash byline, a transcript label, "according to", a document), and
resolves its subject to an entity of the article: surnames to full names, role nominals ("the
spokesman") to the most recent person with that role, pronouns to the speaker in context, documents
to their issuer. What cannot be resolved stays as written with ``speaker_resolved=False``. Reported
speech ("X said (that) …", "according to X") gives indirect quotes; a reported clause holding quoted
fragments gives the indirect quote of the whole clause as well as a partial quote per fragment.
"""

from .extract import EXTRACTOR_VERSION, extract_quotes

__all__ = ["EXTRACTOR_VERSION", "extract_quotes"]
