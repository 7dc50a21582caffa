"""Measure article-body extraction on ../shared/data/article-extraction-dev (91 real web pages).

Usage: ``python benchmarks/eval_extract.py [--data DIR] [--worst N]``. Exits 0 with a message when the
data folder is absent.

The benchmark's own metric: both texts are split into word tokens (``\\w+``) and cut into 4-token
shingles (a text shorter than 4 tokens is one shingle); per page, tp, fp and fn are counted over the
shingle multisets. Precision and recall are averaged over pages (a page with no predicted text has no
precision, and recall 0), and F1 is the harmonic mean of the two averages.

Rows: trafilatura 2.3 with its defaults (the baseline), then newsdesk's steps one at a time: comments
off, trafilatura's precision mode, and newsdesk's boilerplate line filter (the default).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from retrieval.errors import ArticleError  # noqa: E402
from retrieval.library.pages import extract_html  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "article-extraction-dev"


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def score(predicted: dict[str, str | None], gold: dict[str, str]) -> tuple[float, float, float, list]:
    precisions, recalls, per_page = [], [], []
    for key, truth in gold.items():
        pred, true = shingles(predicted.get(key) or ""), shingles(truth)
        tp = sum((pred & true).values())
        fp, fn = sum(pred.values()) - tp, sum(true.values()) - tp
        if pred:
            precisions.append(tp / (tp + fp))
        recalls.append(tp / (tp + fn) if tp + fn else 1.0)
        per_page.append((fp, fn, key))
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0, per_page


def trafilatura_defaults(html: bytes, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract(html, url=url)


def trafilatura_no_comments(html: bytes, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False)


def trafilatura_precision(html: bytes, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False, favor_precision=True)


def newsdesk(clean: bool) -> Callable[[bytes, str], str | None]:
    def run(html: bytes, url: str) -> str | None:
        try:
            return extract_html(html, url=url, clean=clean).text
        except ArticleError:
            return None

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--worst", type=int, default=0, help="show the N pages with most false shingles")
    args = parser.parse_args()
    truth_file = args.data / "ground-truth.json"
    if not truth_file.is_file():
        print(f"eval_extract: {truth_file} not found; nothing to measure")
        return 0
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    gold = {key: row["articleBody"] for key, row in truth.items()}
    pages = {key: gzip.decompress((args.data / "html" / f"{key}.html.gz").read_bytes()) for key in truth}
    rows: list[tuple[str, Callable[[bytes, str], str | None]]] = [
        ("trafilatura 2.3 defaults (baseline)", trafilatura_defaults),
        ("comments off", trafilatura_no_comments),
        ("+ precision mode", trafilatura_precision),
        ("+ boilerplate lines dropped (newsdesk)", newsdesk(clean=True)),
    ]
    # Two halves by a fixed rule (page ids in order, even and odd positions), to see how much a figure
    # moves between pages alone.
    ordered = sorted(pages)
    halves = {"even": set(ordered[0::2]), "odd": set(ordered[1::2])}
    print(f"{len(pages)} pages from {args.data}")
    print(
        f"{'extractor':<42} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}"
        f" {'even P/F1':>12} {'odd P/F1':>12}"
    )
    last: list = []
    for name, extract in rows:
        start = time.perf_counter()
        predicted = {key: extract(html, truth[key]["url"]) for key, html in pages.items()}
        elapsed = time.perf_counter() - start
        p, r, f1, last = score(predicted, gold)
        split = []
        for keys in halves.values():
            hp, _, hf1, _ = score({k: predicted[k] for k in keys}, {k: gold[k] for k in keys})
            split.append(f"{hp:.3f}/{hf1:.3f}")
        print(
            f"{name:<42} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {len(pages) / elapsed:>8.1f}"
            f" {split[0]:>12} {split[1]:>12}"
        )
    for fp, fn, key in sorted(last, reverse=True)[: args.worst]:
        print(f"  {key[:12]} false shingles {fp:>4}, missed {fn:>4}  {truth[key]['url'][:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
