"""The torch-free question path: the ONNX export, its agreement with sentence-transformers, and its upkeep.

The model tests share one cache holding a short article's index and the export, both made once by the real
model. Rebuilding an export is tested with the saved files standing in for a second torch export. The top-3
passages of both paths are compared on the dev QA set's 180 questions by benchmarks/bench_cold.py (CI time).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from retrieval import onnx_export, onnx_query
from retrieval.article import load_articles
from retrieval.cache import MANIFEST, Cache, digest
from retrieval.config import RetrievalSettings
from retrieval.embedder import DualEmbedder, SentenceTransformerEmbedder, encode_query, make_embedder
from retrieval.onnx_query import (
    KIND,
    MIN_AGREEMENT,
    SPEC_FILE,
    WEIGHTS_FILE,
    ExportSpec,
    ExportUnusable,
    OnnxQueryEncoder,
    load_export,
    pool,
)
from retrieval.service import Newsdesk
from tests.conftest import SHORT_ARTICLE
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = json.loads((ROOT / "benchmarks" / "questions.json").read_text())
# Every third of the project's questions (bench_cold compares all 180 of the dev QA set): CI time.
OWN_QUESTIONS = ([q["q"] for q in QUESTIONS["answerable"]] + list(QUESTIONS["unanswerable"]))[::3]
# Texts that stress tokenisation: casing, accents, CJK, emoji, markup, numbers, nothing, and too many tokens.
EDGE_TEXTS = [
    "",
    "   ",
    "?",
    "WHO DID THE CHINESE DEFENCE MINISTER MEET",
    "Qui a rencontré le ministre chinois de la Défense à Moscou ?",
    "李尚福 met Shoigu in 莫斯科 — “a new era”, he said 🤝",
    "**Who** is _Shi Yi_? <@123456> @everyone `code`",
    "How many ships sailed on 2023-04-16 at 10:30 for $1,250,000 (12.5%)?",
    "naïve café coöperation Ærø façade",
    "word " * 400,  # past the 256-token limit: both sides truncate alike (kept last)
]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)


# -- without the model ----------------------------------------------------------------------------------


def test_mean_pooling_ignores_padding_and_normalises():
    tokens = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    assert np.allclose(pool(tokens, mask, "mean", normalize=False), [[2.0, 0.0]])
    assert np.allclose(pool(tokens, mask, "mean", normalize=True), [[1.0, 0.0]])
    assert np.allclose(pool(tokens, mask, "cls", normalize=False), [[1.0, 0.0]])
    assert np.allclose(pool(tokens, mask, "max", normalize=False), [[3.0, 0.0]])


def test_an_all_zero_vector_stays_zero_when_normalised():
    tokens = np.zeros((1, 2, 3), dtype=np.float32)
    assert np.array_equal(pool(tokens, np.ones((1, 2)), "mean", normalize=True), np.zeros((1, 3)))


def spec(**changes) -> ExportSpec:
    values = {
        "inputs": ("input_ids", "attention_mask", "token_type_ids"),
        "pooling": "mean",
        "normalize": True,
        "max_seq_length": 256,
        "lowercase": False,
        "probe_vectors": ((1.0, 0.0), (0.0, 1.0)),
    }
    return ExportSpec(**{**values, **changes})


def test_the_export_spec_reads_back_what_it_wrote():
    assert ExportSpec.from_json(spec().to_json()) == spec()


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"[]",
        json.dumps({"format": 99}).encode(),
        spec(pooling="weightedmean").to_json(),
        spec(inputs=("input_ids", "pixel_values")).to_json(),
        spec(probe_vectors=((1.0,),)).to_json(),
    ],
)
def test_a_malformed_or_foreign_spec_makes_the_export_unusable(raw: bytes):
    with pytest.raises(ExportUnusable):
        ExportSpec.from_json(raw)


def test_the_query_backend_setting_is_read_as_users_write_it(monkeypatch):
    monkeypatch.setenv("NEWSDESK_QUERY_BACKEND", " Torch ")
    assert RetrievalSettings(_env_file=None).query_backend == "torch"
    monkeypatch.setenv("NEWSDESK_QUERY_BACKEND", "")
    assert RetrievalSettings(_env_file=None).query_backend == "onnx"
    monkeypatch.setenv("NEWSDESK_QUERY_BACKEND", "tensorflow")
    with pytest.raises(ValidationError):
        RetrievalSettings(_env_file=None)


def test_an_injected_embedder_without_a_query_path_encodes_questions_itself():
    fake = FakeEmbedder()
    assert np.array_equal(encode_query(fake, ["a question"]), fake.encode(["a question"]))


def test_without_onnxruntime_questions_take_the_torch_path(monkeypatch, tmp_path):
    monkeypatch.setattr(onnx_query, "available", lambda: False)
    dual = DualEmbedder(SentenceTransformerEmbedder(), Cache(tmp_path), "onnx")
    assert dual.backend == "torch"
    assert dual.query_encoder is dual.reference  # chosen without loading anything


def test_make_embedder_keeps_the_export_beside_the_given_cache(tmp_path):
    settings = RetrievalSettings(_env_file=None, cache_dir=tmp_path / "settings", query_backend="torch")
    dual = make_embedder(settings, Cache(tmp_path / "service"))
    assert dual.cache.root == tmp_path / "service" and dual.backend == "torch"
    assert make_embedder(settings.model_copy(update={"use_cache": False})).cache.root is None


def write_entry(cache: Cache, files: dict[str, bytes]) -> Path:
    cache.save(KIND, "k", files, {"export_of": "m"})
    assert cache.root is not None
    return cache.root / KIND / "k"


def test_an_entry_path_is_given_only_for_a_complete_entry(tmp_path):
    cache = Cache(tmp_path)
    assert cache.entry_path(KIND, "k") is None
    entry = write_entry(cache, {"a.json": b"{}", "big.bin": b"x" * 10})
    assert cache.entry_path(KIND, "k", verify=("a.json",)) == entry
    (entry / "big.bin").unlink()
    assert cache.entry_path(KIND, "k") is None
    assert not entry.exists()  # a damaged entry is removed, so it is rebuilt


def test_an_entry_whose_verified_file_changed_is_removed(tmp_path):
    cache = Cache(tmp_path)
    entry = write_entry(cache, {"a.json": b"{}", "big.bin": b"x"})
    (entry / "a.json").write_bytes(b'{"changed": 1}')
    assert cache.entry_path(KIND, "k", verify=("a.json",)) is None
    assert not entry.exists()


def test_a_new_export_of_the_same_model_replaces_the_old_one(tmp_path):
    cache = Cache(tmp_path)
    cache.save(KIND, "old", {"f": b"1"}, {"export_of": "model-a"})
    cache.save(KIND, "other", {"f": b"1"}, {"export_of": "model-b"})
    Cache(tmp_path).save(KIND, "new", {"f": b"2"}, {"export_of": "model-a"})
    assert sorted(p.name for p in (tmp_path / KIND).iterdir()) == ["new", "other"]


# -- with the real model --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warm_cache(real_embedder, tmp_path_factory) -> Path:
    """A cache with a short article's quotes, index and export, the index made by the real model.

    The article file is ``harbour.txt`` beside the cache folder.
    """
    root = tmp_path_factory.mktemp("warm") / "cache"
    article = root.parent / "harbour.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    dual = DualEmbedder(real_embedder, Cache(root), "onnx")
    settings = RetrievalSettings(_env_file=None, cache_dir=root)
    desk = Newsdesk(load_articles([article]), settings=settings, embedder=dual)
    desk.index  # noqa: B018 - builds it
    desk.quotes()  # the quotes, cached as a first ask caches them (spaCy parses the article once)
    assert dual.cache.entry_path(KIND, dual.export_key) is not None, "the first index build exports"
    return root


@pytest.fixture(scope="module")
def onnx_encoder(warm_cache, real_embedder) -> OnnxQueryEncoder:
    encoder = load_export(Cache(warm_cache), DualEmbedder(real_embedder, Cache(warm_cache)).export_key, "m")
    assert encoder is not None
    return encoder


@pytest.mark.model
def test_question_vectors_agree_with_sentence_transformers(onnx_encoder, real_embedder):
    texts, long = OWN_QUESTIONS + EDGE_TEXTS[:-1], EDGE_TEXTS[-1]
    # The long text alone: in a batch it would pad every other text to 256 tokens (seconds on a busy CPU).
    reference = np.vstack([real_embedder.encode(texts), real_embedder.encode([long])])
    one_by_one = np.vstack([onnx_encoder.encode([t]) for t in [*texts, long]])
    # One batch padded to its longest text: the attention mask must hide the padding.
    batched = onnx_encoder.encode(texts)
    assert one_by_one.dtype == np.float32 and one_by_one.shape == reference.shape
    assert cosines(one_by_one, reference).min() >= MIN_AGREEMENT
    assert cosines(batched, reference[:-1]).min() >= MIN_AGREEMENT
    empty = texts.index("")
    assert np.allclose(np.linalg.norm(np.delete(one_by_one, empty, axis=0), axis=1), 1.0, atol=1e-5)


def run_python(code: str, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NEWSDESK_CACHE_DIR": str(cache), "HF_HUB_OFFLINE": "1", **env}
    environment["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=180, env=environment
    )


HEAVY = ("torch", "transformers", "sentence_transformers")
# Modules imported so far; spaCy's loader holds a None in place of torch for a moment, which is no import.
REPORT = (
    "import json, sys\n"
    "print(json.dumps({m: sys.modules.get(m) is not None for m in ('torch', 'transformers', "
    "'sentence_transformers', 'onnxruntime', 'tokenizers', 'faiss', 'scipy', 'spacy')}))\n"
)


@pytest.mark.model
def test_ask_and_the_bots_library_never_import_torch_with_a_warm_cache(warm_cache):
    article = warm_cache.parent / "harbour.txt"
    code = (
        "from retrieval.cli import main\n"
        "from retrieval.config import RetrievalSettings\n"
        "from retrieval.library.live import LiveLibrary\n"
        f"argv = ['ask', 'Who will start the work in May?', '--json', '--article', {str(article)!r}]\n"
        "assert main(argv) == 0\n"
        + REPORT
        + "desk = LiveLibrary(RetrievalSettings(_env_file=None)).for_guild(None)\n"
        "assert desk.ask('Who is the mayor?').hits and desk.embedder.query_backend == 'onnx'\n" + REPORT
    )
    result = run_python(code, warm_cache, NEWSDESK_ARTICLES=str(article))
    assert result.returncode == 0, result.stderr[-2000:]
    answer, after_ask, after_library = (json.loads(line) for line in result.stdout.splitlines()[-3:])
    assert answer["passages"][0]["paragraph"] == 3
    for modules in (after_ask, after_library):
        assert not any(modules[m] for m in HEAVY), modules
        assert modules["onnxruntime"] and modules["tokenizers"] and modules["faiss"]
        assert not modules["scipy"], (
            "scipy costs a cold ask about 0.2 s and the lexical index does not need it"
        )
    # "May" is in the article, so no name can be missing and the CLI does not load spaCy (a second cold).
    # The bot's library loads it in the background, ready for the next article added.
    assert not after_ask["spacy"]


def rewrite(path: Path, data: bytes) -> None:
    """A new file in place of a hard link, so the shared warm cache keeps its own."""
    path.unlink()
    path.write_bytes(data)


@pytest.fixture
def export_copy(warm_cache, real_embedder, tmp_path, monkeypatch) -> tuple[DualEmbedder, dict[str, bytes]]:
    """A DualEmbedder over a copy of the warm cache; exporting again gives the saved files (no torch run)."""
    # Hard links, not 90 MB copies: a test that changes a file replaces it (rewrite), never edits in place.
    shutil.copytree(warm_cache, tmp_path / "cache", copy_function=os.link)
    dual = DualEmbedder(real_embedder, Cache(tmp_path / "cache"), "onnx")
    folder = dual.cache.entry_path(KIND, dual.export_key)
    assert folder is not None
    saved = {p.name: p.read_bytes() for p in folder.iterdir() if p.name != MANIFEST}
    exports: list[int] = []

    def export_files(model):
        exports.append(1)
        return saved

    monkeypatch.setattr(onnx_export, "export_files", export_files)
    dual.exports = exports  # type: ignore[attr-defined]
    return dual, saved


@pytest.mark.model
def test_a_missing_export_sends_questions_to_torch_and_is_rebuilt(export_copy):
    dual, _ = export_copy
    dual.cache.remove(KIND, dual.export_key)
    assert dual.query_backend == "torch"
    assert dual.exports == [1]  # type: ignore[attr-defined]
    assert dual.cache.entry_path(KIND, dual.export_key) is not None
    fresh = DualEmbedder(dual.reference, Cache(dual.cache.root), "onnx")  # the next process
    assert fresh.query_backend == "onnx"


@pytest.mark.model
def test_an_export_that_disagrees_with_the_reference_is_dropped_and_rebuilt(export_copy, caplog):
    dual, saved = export_copy
    folder = dual.cache.entry_path(KIND, dual.export_key)
    assert folder is not None
    stale = json.loads(saved[SPEC_FILE])
    stale["probe_vectors"] = [list(reversed(v)) for v in stale["probe_vectors"]]  # another model's vectors
    data = json.dumps(stale).encode()
    rewrite(folder / SPEC_FILE, data)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"][SPEC_FILE] = digest(data)  # consistent on disk: only the probe check can tell
    rewrite(folder / MANIFEST, json.dumps(manifest).encode())
    assert dual.query_backend == "torch"
    assert "agree to cosine" in caplog.text
    assert dual.exports == [1]  # type: ignore[attr-defined]


@pytest.mark.model
def test_truncated_weights_are_dropped_and_rebuilt(export_copy):
    dual, saved = export_copy
    folder = dual.cache.entry_path(KIND, dual.export_key)
    assert folder is not None
    rewrite(folder / WEIGHTS_FILE, saved[WEIGHTS_FILE][: len(saved[WEIGHTS_FILE]) // 2])
    assert dual.query_backend == "torch"
    assert dual.exports == [1]  # type: ignore[attr-defined]


@pytest.mark.model
def test_new_library_versions_make_a_new_export_and_drop_the_old(export_copy, monkeypatch):
    dual, _ = export_copy
    old_key = dual.export_key
    versions = {**onnx_query.reference_versions(), "transformers": "99.0"}
    monkeypatch.setattr(onnx_query, "reference_versions", lambda: versions)
    assert dual.export_key != old_key
    assert dual.query_backend == "torch"
    assert dual.exports == [1]  # type: ignore[attr-defined]
    assert not (dual.cache.root / KIND / old_key).exists()  # type: ignore[operator]


@pytest.mark.model
def test_the_torch_backend_never_exports(real_embedder, tmp_path):
    dual = DualEmbedder(real_embedder, Cache(tmp_path), "torch")
    dual.encode(["a passage"])
    assert dual.query_backend == "torch"
    assert not (tmp_path / KIND).exists()
