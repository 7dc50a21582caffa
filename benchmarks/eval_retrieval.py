"""Retrieval quality on the bundled article: hit@1, hit@3, MRR and abstention, against a naive baseline.

Usage: python benchmarks/eval_retrieval.py [--verbose]

Questions and the paragraphs that answer them are in benchmarks/questions.json (written by hand from the
article, phrased away from its wording). The naive baseline embeds whole paragraphs and ranks by cosine
alone; the other rows vary the passage size (words) with the hybrid (dense + BM25) ranking.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from retrieval.article import load_articles
from retrieval.config import RetrievalSettings
from retrieval.embedder import SentenceTransformerEmbedder
from retrieval.index import DENSE_WEIGHT
from retrieval.service import Newsdesk

HERE = Path(__file__).parent


def evaluate(service: Newsdesk, questions: dict, dense_weight: float, verbose: bool) -> dict[str, float]:
    ranks, false_abstain = [], 0
    index = service.index
    for item in questions["answerable"]:
        vector = service.embedder.encode([item["q"]])[0]
        result = index.search(vector, item["q"], top_k=len(index), dense_weight=dense_weight)
        paragraphs = [index.passages[f.index].paragraph for f in result.ranked]
        rank = next((i + 1 for i, p in enumerate(paragraphs) if p in item["paragraphs"]), None)
        ranks.append(rank)
        evidence = service.evidence(item["q"], result.top_cosine)
        false_abstain += not evidence.answerable
        if verbose and (rank != 1 or not evidence.answerable):
            print(f"  rank {rank} ¶{paragraphs[:3]} want {item['paragraphs']} {evidence} {item['q']}")
    true_abstain = 0
    for q in questions["unanswerable"]:
        vector = service.embedder.encode([q])[0]
        result = index.search(vector, q, top_k=1, dense_weight=dense_weight)
        evidence = service.evidence(q, result.top_cosine)
        true_abstain += not evidence.answerable
        if verbose and evidence.answerable:
            print(f"  answered off-topic: {evidence} {q}")
    n = len(ranks)
    return {
        "passages": len(index),
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None and r <= 3 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "false_abstentions": false_abstain,
        "answerable": n,
        "abstained_unanswerable": true_abstain,
        "unanswerable": len(questions["unanswerable"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    questions = json.loads((HERE / "questions.json").read_text())
    articles = load_articles(None)
    embedder = SentenceTransformerEmbedder()
    configs = [("baseline: whole paragraphs, dense only", 10_000, 0, 1.0)]
    configs += [(f"hybrid, {w}-word passages", w, 1, DENSE_WEIGHT) for w in (20, 30, 45, 60, 100)]
    configs += [("hybrid, whole paragraphs", 10_000, 0, DENSE_WEIGHT)]
    configs += [(f"60-word passages, dense weight {w}", 60, 1, w) for w in (0.4, 0.5, 0.7, 0.8, 1.0)]
    rows = []
    for label, words, overlap, weight in configs:
        settings = RetrievalSettings(
            _env_file=None, use_cache=False, chunk_words=words, chunk_overlap_sentences=overlap
        )
        service = Newsdesk(articles, settings=settings, embedder=embedder)
        if args.verbose:
            print(label)
        rows.append({"config": label, **evaluate(service, questions, weight, args.verbose)})
    if args.json:
        json.dump(rows, sys.stdout, indent=2)
        return 0
    print(
        f"{'config':<40} {'psg':>4} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} "
        f"{'false abst.':>12} {'abstained':>10}"
    )
    for r in rows:
        print(
            f"{r['config']:<40} {r['passages']:>4} {r['hit@1']:>6.3f} {r['hit@3']:>6.3f} {r['mrr']:>6.3f} "
            f"{r['false_abstentions']:>5}/{r['answerable']:<6} "
            f"{r['abstained_unanswerable']:>4}/{r['unanswerable']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
