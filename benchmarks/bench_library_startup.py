"""Starting with a library of 1,000 articles, against reloading the same index from the cache.

Usage: ``python benchmarks/bench_library_startup.py [--articles 1000] [--runs 3] [--keep DIR]``

The articles are the annotated news of ../shared/data (each also in paragraph-rotated variants to reach
the count; the bundled article rotated when that folder is absent), stored in a SQLite library. The
cache is filled once (the first start embeds everything and extracts every article's quotes: minutes),
then each measurement is a fresh process with the model already loaded before the clock starts:

- reload: ``Newsdesk(articles).index``, the same articles read back from the cache (what a restart of
  the CLI or of the bot did before the library existed: the issue's "today's cache reload");
- library start: ``LiveLibrary(settings)`` then the global snapshot warm, as ``newsdesk-bot`` does before
  it connects (database read, articles parsed, index from the cache, every article's quotes);
- add: one more ~1,000-word article added to the running 1,000-article library (searchable), against
  embedding its passages alone.

Each process also reports its peak RSS. ``--keep DIR`` keeps the library and cache in DIR for reruns.
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
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def settings_for(folder: Path):
    from retrieval.config import RetrievalSettings

    return RetrievalSettings(
        _env_file=None,
        cache_dir=folder / "cache",
        database_url=f"sqlite:///{folder / 'library.sqlite3'}",
        progress_min_articles=10**9,
    )


def fill(folder: Path, count: int) -> dict[str, float]:
    """Store ``count`` articles in the library, then start once to fill the cache."""
    from bench_retrieval import write_corpus

    from retrieval.library.pages import ExtractedArticle
    from retrieval.library.store import Library

    library = Library(settings_for(folder).library_url)
    have = len(library.articles())
    if have < count:
        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(Path(tmp), 2 * count)  # spares: a one-paragraph article rotates to itself
            for path in sorted(Path(tmp).glob("*.txt")):
                text = path.read_text(encoding="utf-8")
                title = " ".join(text.split()[:8])
                have += library.add(ExtractedArticle(title, None, None, None, text)).created
                if have >= count:
                    break
    start = time.perf_counter()
    child("library", folder)  # the first start: embeds and extracts whatever the cache lacks
    return {"fill_s": time.perf_counter() - start, "articles": len(library.articles())}


def measure(mode: str, folder: Path) -> dict[str, float]:
    """In this (fresh) process: load the model, then time one start (or one add)."""
    from retrieval.embedder import SentenceTransformerEmbedder
    from retrieval.library.live import LiveLibrary, corpus_articles
    from retrieval.service import Newsdesk

    settings = settings_for(folder)
    embedder = SentenceTransformerEmbedder()
    embedder.encode(["warm-up"])
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out: dict[str, float] = {"rss_model_mb": rss_before}
    start = time.perf_counter()
    if mode == "reload":
        articles = corpus_articles(settings)
        out["parse_s"] = time.perf_counter() - start
        desk = Newsdesk(articles, settings=settings, embedder=embedder)
        desk.index  # noqa: B018 - loads it
        out["articles"] = len(articles)
        out["index_s"] = time.perf_counter() - start
        desk.warm()  # the rest of a bot's start before the library: a query warm-up, every article's quotes
    else:
        live = LiveLibrary(settings, embedder=embedder)
        live.for_guild(None).warm()
        out["articles"] = len(live.for_guild(None).article_ids)
    out["start_s"] = time.perf_counter() - start
    if mode == "add":
        from bench_library import pick_article

        from retrieval.library.pages import ExtractedArticle
        from retrieval.passages import split_passages

        picked = pick_article()
        if picked is None:
            return out
        article = ExtractedArticle(
            picked.title, picked.published, None, None, picked.text + f"\n({time.time()})"
        )
        live.settle()  # spaCy loads in the background after a start; an admin's first add comes later
        start = time.perf_counter()
        added = live.add(article).article
        out["add_s"] = time.perf_counter() - start
        live.settle()
        out["add_quotes_s"] = time.perf_counter() - start
        passages = split_passages(added.article(), max_words=settings.chunk_words, overlap=1)
        start = time.perf_counter()
        embedder.encode([p.text for p in passages])
        out["embed_alone_s"] = time.perf_counter() - start
        live.library.remove(added.id)  # the next run adds it to the same 1,000
        live.close()
    out["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def child(mode: str, folder: Path) -> dict[str, float]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--keep", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep the library and cache here (reused when present)")
    parser.add_argument("--child", choices=["reload", "library", "add"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.child:
        print(json.dumps(measure(args.child, args.keep)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        filled = fill(folder, args.articles)
        print(
            f"library of {filled['articles']:.0f} articles; filling the cache took {filled['fill_s']:.0f} s"
        )
        results: dict[str, list[dict[str, float]]] = {"reload": [], "library": [], "add": []}
        for _ in range(args.runs):  # interleaved, so a busy machine slows each alike
            for mode in results:
                results[mode].append(child(mode, folder))

    def med(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in results[mode] if key in r)

    index_s, reload_s = med("reload", "index_s"), med("reload", "start_s")
    start_s = med("library", "start_s")
    pairs = list(zip(results["library"], results["reload"], strict=True))
    per_index = statistics.median(lib["start_s"] / old["index_s"] for lib, old in pairs)
    per_start = statistics.median(lib["start_s"] / old["start_s"] for lib, old in pairs)
    print(
        f"reload from the cache (today): index {index_s:.2f} s (parsing the articles "
        f"{med('reload', 'parse_s'):.2f} s); with the quotes and a query warm-up, as the bot started "
        f"before the library: {reload_s:.2f} s; peak RSS {med('reload', 'rss_peak_mb'):.0f} MB"
    )
    print(
        f"library start (database, snapshot, index, quotes, warm-up): {start_s:.2f} s = "
        f"{start_s / index_s:.2f}x the index reload (per-run median {per_index:.2f}x), "
        f"{start_s / reload_s:.2f}x the bot's start before the library (per-run median {per_start:.2f}x; "
        "target <= 1.5x); "
        f"peak RSS {med('library', 'rss_peak_mb'):.0f} MB "
        f"(model alone {med('library', 'rss_model_mb'):.0f} MB)"
    )
    if any("add_s" in r for r in results["add"]):
        add, alone = med("add", "add_s"), med("add", "embed_alone_s")
        print(
            f"adding one article to the {filled['articles']:.0f}: searchable in {add:.2f} s, quotes ready "
            f"{med('add', 'add_quotes_s'):.2f} s; embedding its passages alone {alone:.2f} s "
            f"({add / alone:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
