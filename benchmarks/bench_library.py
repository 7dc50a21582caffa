"""Speed of the live library: adding a ~1,000-word article to a running process (real model).

Usage: ``python benchmarks/bench_library.py``. Reads one page of ../shared/data/article-extraction-dev
(exits 0 with a message when absent). Compares ``LiveLibrary.add`` (store, chunk, embed, rebuild the
snapshot, quotes) with embedding the same passages alone, in a fresh temporary library and cache.
"""

from __future__ import annotations

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
from retrieval.passages import split_passages  # noqa: E402

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
    article = pick_article()
    if article is None:
        print(f"bench_library: {DATA} not found; nothing to measure")
        return 0
    embedder = SentenceTransformerEmbedder()
    embedder.encode(["warm-up"])
    adds, embeds = [], []
    for run in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            settings = RetrievalSettings(
                _env_file=None, cache_dir=Path(tmp) / "cache", database_url=f"sqlite:///{tmp}/lib.sqlite3"
            )
            live = LiveLibrary(settings, embedder=embedder)  # the bundled article, as a fresh bot has
            variant = ExtractedArticle(
                article.title, article.published, article.source, article.url, article.text + f"\n(run {run})"
            )
            start = time.perf_counter()
            live.add(variant)
            adds.append(time.perf_counter() - start)
            row = Library(settings.library_url).articles()[0]
            passages = split_passages(row.article(), max_words=settings.chunk_words, overlap=1)
            start = time.perf_counter()
            embedder.encode([p.text for p in passages])
            embeds.append(time.perf_counter() - start)
    add, embed = statistics.median(adds), statistics.median(embeds)
    print(f"article: {article.title!r}, {len(article.text.split())} words, {len(passages)} passages")
    print(f"add to a running library (median of 3): {add:.3f} s; embedding its passages alone: {embed:.3f} s")
    print(f"ratio {add / embed:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
