"""Retrieval over news articles: passages, quotes, speakers and timelines."""

__version__ = "0.1.0"
