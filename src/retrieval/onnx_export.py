"""Export the sentence-transformers model's transformer to ONNX, for the torch-free query path.

The one place torch runs for ``onnx_query``: called by the process that builds an index (it has the model
loaded already) or that found the export missing or stale. Only the module stack ``Transformer``,
``Pooling`` (mean, cls or max), optional ``Normalize`` is exported; pooling and normalisation are
re-done in numpy from the spec.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .onnx_query import (
    _ENCODING_FIELDS,
    MODEL_FILE,
    POOLINGS,
    PROBES,
    SPEC_FILE,
    TOKENIZER_FILE,
    WEIGHTS_FILE,
    ExportSpec,
)

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

OPSET = 17


class UnsupportedModel(Exception):
    """The model's module stack is not one the ONNX query path reproduces."""


def export_files(model: SentenceTransformer) -> dict[str, bytes]:
    """The export's files for ``model``, with the reference's vectors of the probe texts.

    UnsupportedModel when the model has modules the query path does not reproduce. Whether the export
    reproduces the reference is checked where it is loaded (``OnnxQueryEncoder.open``), every time.
    """
    spec = _spec(model)
    tokenizer = _tokenizer(model)
    with tempfile.TemporaryDirectory(prefix="newsdesk-onnx-") as tmp:
        folder = Path(tmp)
        (folder / TOKENIZER_FILE).write_text(tokenizer.to_str())
        _export_transformer(model, spec.inputs, folder / MODEL_FILE)
        (folder / SPEC_FILE).write_bytes(spec.to_json())
        names = (MODEL_FILE, WEIGHTS_FILE, TOKENIZER_FILE, SPEC_FILE)
        return {name: (folder / name).read_bytes() for name in names}


def _spec(model: SentenceTransformer) -> ExportSpec:
    modules = list(model)
    names = [type(m).__name__ for m in modules]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        raise UnsupportedModel(
            f"modules {names}; the ONNX query path reproduces Transformer, Pooling, Normalize"
        )
    transformer, pooling = modules[0], modules[1]
    mode = _pooling_mode(pooling)
    if mode not in POOLINGS:
        raise UnsupportedModel(f"pooling {mode!r}; the ONNX query path reproduces {', '.join(POOLINGS)}")
    inputs = tuple(n for n in model.tokenizer.model_input_names if n in _ENCODING_FIELDS)
    if "input_ids" not in inputs:
        raise UnsupportedModel(f"tokenizer inputs {model.tokenizer.model_input_names}")
    probes = model.encode(list(PROBES), convert_to_numpy=True, show_progress_bar=False)
    return ExportSpec(
        inputs=inputs,
        pooling=mode,
        normalize=names[-1] == "Normalize",
        max_seq_length=int(model.max_seq_length or model.tokenizer.model_max_length),
        lowercase=bool(getattr(transformer, "do_lower_case", False)),
        probe_vectors=tuple(tuple(float(x) for x in row) for row in np.asarray(probes, dtype=np.float32)),
    )


def _pooling_mode(pooling: Any) -> str:  # noqa: ANN401 - a sentence-transformers Pooling of any version
    """'mean', 'cls', 'max' or another description, across sentence-transformers versions."""
    if getattr(pooling, "include_prompt", True) is False:
        return "mean without the prompt"
    mode = getattr(pooling, "pooling_mode", None)
    if isinstance(mode, str):
        return mode
    config = pooling.get_config_dict()
    chosen = [key for key, on in config.items() if key.startswith("pooling_mode_") and on is True]
    short = {
        "pooling_mode_mean_tokens": "mean",
        "pooling_mode_cls_token": "cls",
        "pooling_mode_max_tokens": "max",
    }
    return short.get(chosen[0], chosen[0]) if len(chosen) == 1 else "+".join(chosen)


def _tokenizer(model: SentenceTransformer) -> Any:  # noqa: ANN401 - tokenizers.Tokenizer
    """The reference's fast tokenizer, set to truncate at its max_seq_length and pad to the longest."""
    from tokenizers import Tokenizer

    hf = model.tokenizer
    backend = getattr(hf, "backend_tokenizer", None)
    if backend is None:
        raise UnsupportedModel(f"{type(hf).__name__} is not a fast tokenizer")
    tokenizer = Tokenizer.from_str(backend.to_str())
    tokenizer.no_truncation()
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=int(model.max_seq_length or hf.model_max_length))
    tokenizer.enable_padding(
        direction=getattr(hf, "padding_side", "right"),
        pad_id=int(hf.pad_token_id or 0),
        pad_type_id=int(getattr(hf, "pad_token_type_id", 0) or 0),
        pad_token=str(hf.pad_token or "[PAD]"),
    )
    return tokenizer


def _export_transformer(model: SentenceTransformer, inputs: tuple[str, ...], path: Path) -> None:
    """The transformer as ONNX: token vectors out, batch and sequence axes dynamic; the weights in
    WEIGHTS_FILE beside ``path``."""
    import onnx
    import torch

    transformer: torch.nn.Module = model[0].auto_model  # type: ignore[assignment]
    device = next(transformer.parameters()).device

    class TokenVectors(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.inner(**dict(zip(inputs, tensors, strict=True)))[0]

    # Two rows, the second padded: the trace must keep the attention mask, not specialise on all-ones.
    length = 16
    ids = torch.full((2, length), 1000, dtype=torch.long, device=device)
    mask = torch.ones((2, length), dtype=torch.long, device=device)
    mask[1, length // 2 :] = 0
    example = {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}
    axes = {name: {0: "batch", 1: "sequence"} for name in (*inputs, "token_vectors")}
    was_training = transformer.training
    transformer.eval()
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # The tracer's notes about Python booleans and shape constants: the checks below are the proof.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                TokenVectors(),
                tuple(example[name] for name in inputs),
                str(path.with_suffix(".traced.onnx")),
                input_names=list(inputs),
                output_names=["token_vectors"],
                dynamic_axes=axes,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
    finally:
        transformer.train(was_training)
    graph = onnx.load(str(path.with_suffix(".traced.onnx")))
    onnx.save_model(
        graph,
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=WEIGHTS_FILE,
        size_threshold=1024,
    )
