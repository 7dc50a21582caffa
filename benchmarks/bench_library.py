"""Speed of the live library: adding a ~1,000-word article to a running process (real model).

Usage: ``python benchmarks/bench_library.py [--runs N]``. Reads one page of
../shared/data/article-extraction-dev (exits 0 with a message when absent). Compares ``LiveLibrary.add``
(store, chunk, embed passages and sentences, entity labels, build and swap in the snapshot: the article is
searchable when it returns) with embedding the same passages alone, in a fresh temporary library and
cache each run. Also reports when the article's quotes are ready (extracted after the swap, in the
background) and what embedding everything the index embeds (passages and distinct sentences) takes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from retrieval.config import RetrievalSettings  # noqa: E402
from retrieval.embedder import SentenceTransformerEmbedder  # noqa: E402
from retrieval.library.live import LiveLibrary  # noqa: E402
from retrieval.library.pages import ExtractedArticle, extract_html  # noqa: E402
from retrieval.library.store import Library  # noqa: E402
from retrieval.passages import split_passages, split_sentences  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "article-extraction-dev"


def pick_article() -> ExtractedArticle | None:
    truth_file = DATA / "ground-truth.json"
    if not truth_file.is_file():
        return None
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    best = None
    for key in sorted(truth):
        article = extract_html(gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes()))
        words = len(article.text.split())
        if best is None or abs(words - 1000) < abs(len(best.text.split()) - 1000):
            best = article
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh libraries to add the article to")
    parser.add_argument("--batch-size", type=int, help="texts per model batch (default: the setting's)")
    args = parser.parse_args()
    article = pick_article()
    if article is None:
        print(f"bench_library: {DATA} not found; nothing to measure")
        return 0
    batch_size = args.batch_size or RetrievalSettings(_env_file=None).batch_size
    embedder = SentenceTransformerEmbedder(batch_size=batch_size)  # the add and the baseline alike
    embedder.encode(["warm-up"])
    adds, settled, embeds, everything = [], [], [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            settings = RetrievalSettings(
                _env_file=None, cache_dir=Path(tmp) / "cache", database_url=f"sqlite:///{tmp}/lib.sqlite3"
            )
            live = LiveLibrary(settings, embedder=embedder)  # the bundled article, as a fresh bot has
            getattr(live, "settle", lambda: True)()  # what a start leaves running in the background
            variant = ExtractedArticle(
                article.title, article.published, article.source, article.url, article.text + f"\n(run {run})"
            )
            start = time.perf_counter()
            live.add(variant)
            adds.append(time.perf_counter() - start)
            # Versions before the background extraction had neither: quotes were extracted inside add.
            getattr(live, "settle", lambda: True)()
            settled.append(time.perf_counter() - start)
            getattr(live, "close", lambda: None)()
            row = Library(settings.library_url).articles()[0]
            parsed = row.article()
            passages = split_passages(parsed, max_words=settings.chunk_words, overlap=1)
            sentences = [p.text[s:e] for p in parsed.paragraphs for s, e in split_sentences(p.text)]
            # Interleaved with the adds, so a busy machine slows both sides alike.
            start = time.perf_counter()
            embedder.encode([p.text for p in passages])
            embeds.append(time.perf_counter() - start)
            start = time.perf_counter()
            embedder.encode(list(dict.fromkeys([p.text for p in passages] + sentences)))
            everything.append(time.perf_counter() - start)
    add, embed = statistics.median(adds), statistics.median(embeds)
    ratios = [a / e for a, e in zip(adds, embeds, strict=True)]
    print(
        f"article: {article.title!r}, {len(article.text.split())} words, {len(passages)} passages, "
        f"{len(sentences)} sentences; batches of {batch_size}"
    )
    print(
        f"searchable after add (median of {args.runs}): {add:.3f} s; embedding its passages alone: "
        f"{embed:.3f} s; ratio {add / embed:.2f}x, median of per-run ratios "
        f"{statistics.median(ratios):.2f}x (target <= 2x)"
    )
    print(
        f"quotes ready (background): {statistics.median(settled):.3f} s after add began; "
        f"embedding passages + distinct sentences (what the index embeds): "
        f"{statistics.median(everything):.3f} s ({statistics.median(everything) / embed:.2f}x passages alone)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
