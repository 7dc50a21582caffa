"""Query vectors without torch: the cached ONNX export of the embedding model, run by onnxruntime.

sentence-transformers makes every index vector and stays the reference. Encoding a question only needs the
model's transformer, its tokenizer and the pooling its config names, so the first index build exports them
(``onnx_export.py``, the one place torch runs for this) into the cache, and later processes encode questions
here with ``onnxruntime`` and ``tokenizers``, never importing torch, transformers or sentence-transformers.

An export is one cache entry of kind ``onnx``:
- ``model.onnx``: the transformer's graph, fp32, with dynamic batch and sequence axes;
- ``model.onnx.data``: its weights, which onnxruntime maps instead of parsing and copying 90 MB (about
  70 MB less peak memory, and a faster start);
- ``tokenizer.json``: the reference's tokenizer with its truncation and padding;
- ``export.json``: input names, pooling, normalisation, and the reference's vectors of probe texts.

Its key covers the model and the versions of the libraries that made the reference vectors, so a new model
or a new torch or transformers makes a new export. On load the probes are encoded again and must agree with
the reference to ``MIN_AGREEMENT``: a stale or damaged export is dropped and rebuilt, never used.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import util
from pathlib import Path
from typing import Any

import numpy as np

from .cache import Cache, make_key, package_versions

log = logging.getLogger(__name__)

KIND = "onnx"
EXPORT_FORMAT = 2
MODEL_FILE = "model.onnx"
WEIGHTS_FILE = "model.onnx.data"  # the external data of MODEL_FILE
TOKENIZER_FILE = "tokenizer.json"
SPEC_FILE = "export.json"
# Query vectors from the export agree with the reference to at least this cosine, or it is not used.
MIN_AGREEMENT = 0.9999
# Encoded at export time by the reference and again at every load: one short question and one longer text,
# in one batch, so padding and the attention mask are exercised too.
PROBES = (
    "Who did the Chinese defence minister meet?",
    "The council approved the harbour budget on Sunday, and the engineer said work would start in May.",
)
# Inputs the export can feed from a tokenizers encoding.
_ENCODING_FIELDS = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}
POOLINGS = ("mean", "cls", "max")
# Threads per query: a single question gains nothing from more, and the bot shares the machine.
MAX_THREADS = 4


class ExportUnusable(Exception):
    """The cached export is missing, stale or damaged (the reason is the message)."""


@dataclass(frozen=True, slots=True)
class ExportSpec:
    """How to turn the exported transformer's output into the reference's sentence vectors."""

    inputs: tuple[str, ...]  # model inputs, each one of _ENCODING_FIELDS
    pooling: str  # one of POOLINGS
    normalize: bool  # unit length (the model's Normalize module)
    max_seq_length: int  # tokens, special tokens included
    lowercase: bool  # the reference lower-cases before tokenizing
    probe_vectors: tuple[tuple[float, ...], ...]  # the reference's vectors of PROBES

    def to_json(self) -> bytes:
        """The spec as export.json."""
        return json.dumps({"format": EXPORT_FORMAT, **asdict(self)}, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes) -> ExportSpec:
        """Read export.json; ExportUnusable when it is of another format or malformed."""
        try:
            raw = json.loads(data)
            if raw.get("format") != EXPORT_FORMAT:
                raise ExportUnusable(f"export format {raw.get('format')!r}, expected {EXPORT_FORMAT}")
            spec = cls(
                inputs=tuple(str(name) for name in raw["inputs"]),
                pooling=str(raw["pooling"]),
                normalize=bool(raw["normalize"]),
                max_seq_length=int(raw["max_seq_length"]),
                lowercase=bool(raw["lowercase"]),
                probe_vectors=tuple(tuple(float(x) for x in row) for row in raw["probe_vectors"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ExportUnusable(f"{SPEC_FILE} is malformed ({exc})") from None
        if spec.pooling not in POOLINGS or not set(spec.inputs) <= _ENCODING_FIELDS.keys():
            raise ExportUnusable(f"{SPEC_FILE} names pooling {spec.pooling!r} or inputs {spec.inputs}")
        if len(spec.probe_vectors) != len(PROBES) or spec.max_seq_length < 2:
            raise ExportUnusable(f"{SPEC_FILE} has {len(spec.probe_vectors)} probe vectors")
        return spec


def available() -> bool:
    """Whether onnxruntime and tokenizers are installed (without importing them)."""
    return all(util.find_spec(name) is not None for name in ("onnxruntime", "tokenizers"))


def reference_versions() -> dict[str, str]:
    """Versions of what made the reference vectors (read from package metadata: nothing is imported)."""
    return package_versions(("sentence-transformers", "transformers", "torch"))


def export_key(model_id: str, model_path: Path | None = None) -> str:
    """The cache key of the export of one model by these library versions.

    ``model_path`` is given for a model directory named by path (the packaged model is versioned by its
    package): the sizes and times of its files join the key, so weights replaced in place make a new export.
    """
    parts: dict[str, Any] = {
        "onnx_export": EXPORT_FORMAT,
        "model": model_id,
        "versions": reference_versions(),
    }
    if model_path is not None:
        parts["files"] = _fingerprint(model_path)
    return make_key(parts)


def _fingerprint(folder: Path) -> list[tuple[str, int, int]]:
    out = []
    try:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                out.append((str(path.relative_to(folder)), stat.st_size, stat.st_mtime_ns))
    except OSError:
        pass
    return out


class OnnxQueryEncoder:
    """Sentence vectors from the exported transformer: tokenizers, onnxruntime, then pooling in numpy."""

    def __init__(self, folder: Path, spec: ExportSpec, model_id: str) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_id = model_id
        self.spec = spec
        self.folder = folder
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        options = ort.SessionOptions()
        options.intra_op_num_threads = min(MAX_THREADS, os.cpu_count() or 1)
        options.log_severity_level = 3  # errors only: no notes about graph optimisations on stderr
        self._session = ort.InferenceSession(
            str(folder / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        names = tuple(i.name for i in self._session.get_inputs())
        if set(names) != set(spec.inputs):
            raise ExportUnusable(f"the model takes {names}, {SPEC_FILE} names {spec.inputs}")

    @classmethod
    def open(cls, folder: Path, model_id: str) -> OnnxQueryEncoder:
        """Load an export and check it against the reference's probe vectors (ExportUnusable if it fails)."""
        try:
            spec = ExportSpec.from_json((folder / SPEC_FILE).read_bytes())
            encoder = cls(folder, spec, model_id)
        except ExportUnusable:
            raise
        except Exception as exc:  # onnxruntime and tokenizers raise their own types for a damaged file
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            raise ExportUnusable(f"cannot load the export ({reason})") from None
        encoder.check()
        return encoder

    def check(self) -> None:
        """ExportUnusable unless the probes' vectors agree with the reference's to MIN_AGREEMENT."""
        expected = np.asarray(self.spec.probe_vectors, dtype=np.float32)
        got = self.encode(PROBES)
        if got.shape != expected.shape:
            raise ExportUnusable(f"probe vectors of shape {got.shape}, the reference's {expected.shape}")
        agreement = _cosines(got, expected)
        if float(agreement.min()) < MIN_AGREEMENT:
            raise ExportUnusable(f"probe vectors agree to cosine {agreement.min():.6f} only")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Sentence vectors of ``texts``, float32, pooled and normalised as the reference does."""
        if not texts:
            return np.zeros((0, len(self.spec.probe_vectors[0])), dtype=np.float32)
        texts = [t.lower() for t in texts] if self.spec.lowercase else list(texts)
        encodings = self._tokenizer.encode_batch(texts)
        feed = {
            name: np.array([getattr(e, _ENCODING_FIELDS[name]) for e in encodings], dtype=np.int64)
            for name in self.spec.inputs
        }
        mask = (
            feed["attention_mask"]
            if "attention_mask" in feed
            else np.array([e.attention_mask for e in encodings], dtype=np.int64)
        )
        tokens = self._session.run(None, feed)[0]
        return pool(tokens, mask, self.spec.pooling, self.spec.normalize)


def pool(tokens: np.ndarray, mask: np.ndarray, pooling: str, normalize: bool) -> np.ndarray:
    """Token vectors (batch, sequence, dim) to sentence vectors, as sentence-transformers' Pooling does."""
    weights = mask[..., None].astype(np.float32)
    if pooling == "mean":
        vectors = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    elif pooling == "cls":
        vectors = tokens[:, 0]
    elif pooling == "max":
        vectors = np.where(weights > 0, tokens, np.float32(-1e9)).max(axis=1)
    else:
        raise ExportUnusable(f"unknown pooling {pooling!r}")
    vectors = vectors.astype(np.float32, copy=False)
    if normalize:
        # torch.nn.functional.normalize's epsilon, so an all-zero vector stays zero as in the reference.
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return (a * b).sum(axis=1) / np.maximum(norms, 1e-12)


def load_export(cache: Cache, key: str, model_id: str) -> OnnxQueryEncoder | None:
    """The cached export as a query encoder, or None when there is none; a stale one is removed."""
    folder = cache.entry_path(KIND, key, verify=(SPEC_FILE, TOKENIZER_FILE))
    if folder is None:
        return None
    try:
        return OnnxQueryEncoder.open(folder, model_id)
    except ExportUnusable as exc:
        log.warning("the ONNX export at %s cannot be used (%s); it will be rebuilt", folder, exc)
        cache.remove(KIND, key)
        return None
