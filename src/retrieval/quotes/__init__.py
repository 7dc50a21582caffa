"""Quotation extraction and speaker attribution for news articles (rule-based, over spaCy)."""

from .extract import EXTRACTOR_VERSION, extract_quotes

__all__ = ["EXTRACTOR_VERSION", "extract_quotes"]
