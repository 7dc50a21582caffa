"""Quotes and timeline on one very long article: a single paragraph against the same text in paragraphs.

Usage: ``python benchmarks/bench_long_article.py [--size BYTES] [--words-per-paragraph N] [--data PATH]``.

The text is real news: the articles of PolNeAR dev (``../shared/data/polnear-dev.jsonl``) one after the
other, repeated until ``--size`` characters (1 MB by default); without that file, the bundled article
repeated. It is measured twice, as one paragraph (a long transcript) and cut into paragraphs of
``--words-per-paragraph`` words (100 by default), each time cold (no cache), in this process:

* quote extraction (``extract_quotes``) and the timeline with those quotes (``build_timeline``);
* the timeline alone, with a publication date given, which issue 10 wants under 5 s for 1 MB, and with
  the date inferred from the text (which reads the text's dates twice).

Targets (issue 10): single paragraph within 3x of the paragraphed text; 1 MB timeline under 5 s. The
spaCy model is loaded before any timing starts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from retrieval.article import parse_article  # noqa: E402
from retrieval.nlp import load_spacy  # noqa: E402
from retrieval.quotes import extract_quotes  # noqa: E402
from retrieval.timeline import build_timeline  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear-dev.jsonl"
BUNDLED = ROOT / "src" / "retrieval" / "data" / "000_58fe8462cd8d2dcd.txt"
PUBLISHED = date(2016, 11, 1)


def source_words(data: Path) -> list[str]:
    """The words of the source text, in order."""
    if data.is_file():
        texts = [json.loads(line)["text"] for line in data.read_text(encoding="utf-8").splitlines() if line]
    else:
        print(f"({data} not found: using the bundled article)")
        texts = [BUNDLED.read_text(encoding="utf-8").split("---", 2)[-1]]
    return " ".join(texts).split()


def long_text(words: list[str], size: int) -> list[str]:
    """Words of the source, repeated, until their text holds ``size`` characters."""
    out: list[str] = []
    length = 0
    while length < size:
        for word in words:
            out.append(word)
            length += len(word) + 1
            if length >= size:
                break
    return out


def measure(label: str, body: str) -> tuple[float, float, float]:
    """Seconds for quotes, the timeline after quotes, and the timeline alone with its date given."""
    article = parse_article(body.encode(), article_id=label)
    t0 = time.perf_counter()
    extraction = extract_quotes(article)
    t1 = time.perf_counter()
    timeline = build_timeline(article, PUBLISHED, extraction.quotes)
    t2 = time.perf_counter()
    build_timeline(article, PUBLISHED)
    t3 = time.perf_counter()
    inferred = build_timeline(article)
    t4 = time.perf_counter()
    print(
        f"{label:<22} {len(article.paragraphs):>6} paragraphs  quotes {t1 - t0:7.2f} s "
        f"({len(extraction.quotes)} found)  timeline {t2 - t1:6.2f} s ({len(timeline.events)} events)  "
        f"timeline alone {t3 - t2:6.2f} s  with the date inferred {t4 - t3:6.2f} s "
        f"(published {inferred.articles[0].published})"
    )
    return t1 - t0, t2 - t1, t3 - t2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="characters of text (default 1 MB)")
    parser.add_argument("--words-per-paragraph", type=int, default=100)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    words = long_text(source_words(args.data), args.size)
    per = args.words_per_paragraph
    single = " ".join(words)
    paragraphed = "\n\n".join(" ".join(words[i : i + per]) for i in range(0, len(words), per))
    print(f"{len(single):,} characters, {len(words):,} words")
    load_spacy()
    q1, t1, alone = measure("one paragraph", single)
    q2, t2, _ = measure(f"{per}-word paragraphs", paragraphed)
    both_single, both_split = q1 + t1, q2 + t2
    ratio = both_single / both_split if both_split else float("inf")
    print(
        f"quotes + timeline: one paragraph {both_single:.2f} s, paragraphs {both_split:.2f} s, "
        f"ratio {ratio:.2f}x (target <= 3x)"
    )
    print(f"timeline alone, one paragraph: {alone:.2f} s (target < 5 s for 1 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
