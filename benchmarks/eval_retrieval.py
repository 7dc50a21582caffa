"""Answer quality on questions nobody tuned for: hit@1, hit@3, answer sentences and abstention, one table.

Usage: python benchmarks/eval_retrieval.py [--data ../shared/data] [--verbose] [--json]
       python benchmarks/eval_retrieval.py --qa feedback.jsonl --qa-articles articles.jsonl

Question sets:
- polnear-dev-qa.jsonl (../shared/data, not in the repository): 144 questions over 12 real articles,
  written independently of this project, plus 36 unanswerable ones. A passage is a hit when it contains
  one of the evidence strings. The articles are split by a fixed rule, their position in id order: even
  positions are the development half (the weights were chosen there), odd positions the held-back half.
  "corpus" asks every question of one corpus of all 12 articles; "corpus, dev. q." and "corpus, held q."
  are its questions on the articles of each half (decisions read the first). "one article of 12" asks
  each question of the 12-article corpus restricted to its own article, as the bot's article threads and
  default articles do in a library: it must score as the two halves together.
- --qa FILE --qa-articles FILE: any set in the same format instead, such as real users' voted questions
  from `newsdesk feedback export --out FILE --articles FILE` (scored per article and as one corpus).
- benchmarks/questions.json: the project's own questions on the bundled article (a hit is a passage of
  an answering paragraph).

Systems, measured in the same run:
- naive: whole paragraphs, MiniLM cosine only, a cosine floor for abstention;
- hybrid-60: the first ranker (60-word passages, 0.6 cosine + 0.4 BM25, nothing else);
- newsdesk: what `ask` does now; and newsdesk without each lever in turn, to show what each adds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from retrieval.abstain import MIN_COSINE
from retrieval.article import load_articles, parse_article
from retrieval.cache import Cache
from retrieval.config import RetrievalSettings
from retrieval.embedder import SentenceTransformerEmbedder
from retrieval.index import Weights
from retrieval.models import Article
from retrieval.service import Newsdesk

HERE = Path(__file__).parent
DEFAULT_DATA = HERE.parent.parent / "shared" / "data"


@dataclass(frozen=True)
class Question:
    """One question with what makes a passage a hit."""

    article: str
    text: str
    type: str
    evidence: tuple[str, ...] = ()  # a hit contains one of these
    paragraphs: tuple[int, ...] = ()  # or is one of these paragraphs
    answerable: bool = True

    def hit(self, text: str, paragraph: int) -> bool:
        return paragraph in self.paragraphs or any(e in text for e in self.evidence)


@dataclass(frozen=True)
class System:
    """A ranking configuration."""

    name: str
    chunk_words: int
    overlap: int
    weights: Weights
    naive_abstention: bool = False


# The baselines: every lever off, by name (a positional Weights(...) leaves a lever added later on).
_OFF = Weights(
    dense=1.0,
    sentence=0.0,
    type_bonus=0.0,
    heading=0.0,
    speaker=0.0,
    intro=0.0,
    count=0.0,
    point_dates=False,
    intent=False,
    article_names=0.0,
    article_terms=0.0,
)

SYSTEMS = [
    System("naive: paragraphs, cosine", 10_000, 0, _OFF, naive_abstention=True),
    System("hybrid-60 (first ask)", 60, 1, replace(_OFF, dense=0.6)),
    System("newsdesk", 100, 1, Weights()),
    System("  without best sentence", 100, 1, replace(Weights(), sentence=0.0)),
    System("  without answer type", 100, 1, replace(Weights(), type_bonus=0.0)),
    System("  without heading penalty", 100, 1, replace(Weights(), heading=0.0)),
    System("  without speaker routing", 100, 1, replace(Weights(), speaker=0.0)),
    System("  without introductions", 100, 1, replace(Weights(), intro=0.0)),
    System("  without counted nouns", 100, 1, replace(Weights(), count=0.0)),
    System("  with any date for when", 100, 1, replace(Weights(), point_dates=False)),
    System("  without intentions", 100, 1, replace(Weights(), intent=False)),
    System("  without article names", 100, 1, replace(Weights(), article_names=0.0)),
    System("  without article terms", 100, 1, replace(Weights(), article_terms=0.0)),
    System("  with 60-word passages", 60, 1, Weights()),
    System("  with 150-word passages", 150, 1, Weights()),
]


class MemoEmbedder:
    """The real model, with each distinct text embedded once for the whole run."""

    def __init__(self, inner: SentenceTransformerEmbedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.memo: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if todo:
            self.memo.update(zip(todo, self.inner.encode(todo), strict=True))
        return np.stack([self.memo[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def load_polnear(data: Path) -> tuple[list[Article], list[Question], list[str]]:
    """The 12 articles with questions, their questions, and the article ids in order."""
    return load_qa(data / "polnear-dev-qa.jsonl", data / "polnear-dev.jsonl")


def load_qa(qa_path: Path, articles_path: Path) -> tuple[list[Article], list[Question], list[str]]:
    """A question set in the dev QA format and the articles it asks about, and the article ids in order.

    ``qa_path`` has one ``{id, qa: [{q, evidence, type?}], unanswerable: [q]}`` per line (the dev set, or
    ``newsdesk feedback export``); ``articles_path`` one ``{id, text}`` per line (``polnear-dev.jsonl``, or
    the export's ``--articles`` file). Articles without questions are left out.
    """
    qa = [json.loads(line) for line in qa_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {row["id"] for row in qa}
    texts = {}
    for line in articles_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else {}
        if row.get("id") in wanted:
            texts[row["id"]] = row["text"]
    absent = sorted(wanted - texts.keys())
    if absent:
        raise SystemExit(f"eval_retrieval: {articles_path} lacks the articles {', '.join(absent[:5])}")
    ids = sorted(wanted)
    articles = [parse_article(texts[i].encode(), article_id=i) for i in ids]
    questions = []
    for row in qa:
        for q in row["qa"]:
            kind = q.get("type") or "open"
            questions.append(Question(row["id"], q["q"], kind, evidence=tuple(q["evidence"])))
        for q in row.get("unanswerable", []):
            questions.append(Question(row["id"], q, "unanswerable", answerable=False))
    return articles, questions, ids


def load_own() -> tuple[Article, list[Question]]:
    """The bundled article and the project's own questions about it."""
    raw = json.loads((HERE / "questions.json").read_text())
    article = load_articles(None)[0]
    questions = [
        Question(article.id, q["q"], "own", paragraphs=tuple(q["paragraphs"])) for q in raw["answerable"]
    ]
    questions += [Question(article.id, q, "unanswerable", answerable=False) for q in raw["unanswerable"]]
    return article, questions


def score(service: Newsdesk, system: System, questions: Sequence[Question], corpus: bool) -> dict:
    """hit@1, hit@3, per-type hit@1, answer-sentence and abstention figures over ``questions``."""
    out: dict = {"n": 0, "hit1": 0, "hit3": 0, "answer_in": 0, "false_abst": 0, "unans": 0, "true_abst": 0}
    types: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for q in questions:
        article = None if corpus else q.article
        result, evidence = service.search(q.text, top_k=3, article=article, weights=system.weights)
        answerable = result.top_cosine >= MIN_COSINE if system.naive_abstention else evidence.answerable
        if not q.answerable:
            out["unans"] += 1
            out["true_abst"] += not answerable
            continue
        passages = [service.index.passages[r.index] for r in result.ranked]
        hits = [q.hit(p.text, p.paragraph) for p in passages]
        out["n"] += 1
        out["hit1"] += hits[0]
        out["hit3"] += any(hits)
        out["false_abst"] += not answerable
        types[q.type][0] += hits[0]
        types[q.type][1] += 1
        if hits[0]:
            start, end = result.ranked[0].answer
            sentence = passages[0].text[start:end]
            out["answer_in"] += q.hit(sentence, -1) if q.evidence else 1
        else:
            misses.append(f"{q.type:6} {q.text}\n       got: {passages[0].text[:120]}")
    n = max(out["n"], 1)
    return {
        "hit@1": out["hit1"] / n,
        "hit@3": out["hit3"] / n,
        "answer sentence": out["answer_in"] / max(out["hit1"], 1),
        "false abstention": out["false_abst"] / n,
        "abstained": out["true_abst"] / max(out["unans"], 1),
        "questions": out["n"],
        "by type": {t: round(a / b, 3) for t, (a, b) in sorted(types.items())},
        "type counts": dict(types),
        "abstention counts": (out["true_abst"], out["unans"]),
        "misses": misses,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--verbose", action="store_true", help="list the misses of newsdesk")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--qa", type=Path, help="score this QA file instead (e.g. `newsdesk feedback export --out`)"
    )
    parser.add_argument(
        "--qa-articles",
        type=Path,
        help="the articles --qa asks about (`newsdesk feedback export --articles`)",
    )
    args = parser.parse_args()
    own_article, own_questions = load_own()
    if args.qa is not None:
        if args.qa_articles is None:
            print("eval_retrieval: --qa needs --qa-articles, the articles it asks about", file=sys.stderr)
            return 2
        articles, questions, _ = load_qa(args.qa, args.qa_articles)
        corpus_name = f"corpus of {len(articles)}"
        library_name = f"one article of {len(articles)}"
        sets = {"qa file": questions, corpus_name: questions, library_name: questions}
        corpus_sets = {corpus_name}
    else:
        if not (args.data / "polnear-dev-qa.jsonl").is_file():
            print(f"eval_retrieval: no question set under {args.data}", file=sys.stderr)
            return 2
        articles, questions, ids = load_polnear(args.data)
        develop, held = set(ids[0::2]), set(ids[1::2])
        corpus_name = "corpus of 12"
        library_name = "one article of 12"
        sets = {
            "develop half": [q for q in questions if q.article in develop],
            "held-back half": [q for q in questions if q.article in held],
            "corpus of 12": questions,
            # The corpus split by the half a question's article is in: decisions read the develop part.
            "corpus, dev. q.": [q for q in questions if q.article in develop],
            "corpus, held q.": [q for q in questions if q.article in held],
            library_name: questions,
            "own set": own_questions,
        }
        corpus_sets = {corpus_name, "corpus, dev. q.", "corpus, held q."}
    embedder = MemoEmbedder(SentenceTransformerEmbedder())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for system in SYSTEMS:
            settings = RetrievalSettings(
                _env_file=None,
                cache_dir=Path(tmp),
                chunk_words=system.chunk_words,
                chunk_overlap_sentences=system.overlap,
            )
            cache = Cache(Path(tmp))
            # One service per article (each question searches its own article alone), one for the corpus.
            single = {
                a.id: Newsdesk([a], settings=settings, embedder=embedder, cache=cache)
                for a in [*articles, own_article]
            }
            corpus = Newsdesk(articles, settings=settings, embedder=embedder, cache=cache)
            for name, subset in sets.items():
                if name in corpus_sets:
                    result = score(corpus, system, subset, corpus=True)
                elif name == library_name:
                    result = score(corpus, system, subset, corpus=False)
                else:
                    by_article = defaultdict(list)
                    for q in subset:
                        by_article[q.article].append(q)
                    parts = [score(single[a], system, qs, corpus=False) for a, qs in by_article.items()]
                    result = _merge(parts)
                rows.append({"system": system.name, "set": name, **result})
    if args.json:
        keep = ("misses", "type counts", "abstention counts")
        json.dump([{k: v for k, v in r.items() if k not in keep} for r in rows], sys.stdout, indent=2)
        return 0
    _print(rows, args.verbose)
    return 0


def _merge(parts: list[dict]) -> dict:
    """Pool per-article results, weighting each by its question count."""
    n = sum(p["questions"] for p in parts)
    merged: dict = {"questions": n, "misses": [m for p in parts for m in p["misses"]]}
    for key in ("hit@1", "hit@3", "false abstention"):
        merged[key] = sum(p[key] * p["questions"] for p in parts) / max(n, 1)
    hits1 = sum(p["hit@1"] * p["questions"] for p in parts)
    merged["answer sentence"] = sum(p["answer sentence"] * p["hit@1"] * p["questions"] for p in parts) / max(
        hits1, 1
    )
    abstained = sum(p["abstention counts"][0] for p in parts)
    merged["abstained"] = abstained / max(sum(p["abstention counts"][1] for p in parts), 1)
    types: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in parts:
        for t, (hits, count) in p["type counts"].items():
            types[t][0] += hits
            types[t][1] += count
    merged["by type"] = {t: round(a / b, 3) for t, (a, b) in sorted(types.items())}
    return merged


def _print(rows: list[dict], verbose: bool) -> None:
    print(
        f"{'system':<28} {'set':<17} {'n':>4} {'hit@1':>6} {'hit@3':>6} "
        f"{'ans.sent':>8} {'f.abst':>7} {'abst':>6}"
    )
    for r in rows:
        print(
            f"{r['system']:<28} {r['set']:<17} {r['questions']:>4} {r['hit@1']:>6.3f} {r['hit@3']:>6.3f} "
            f"{r['answer sentence']:>8.3f} {r['false abstention']:>7.3f} {r['abstained']:>6.3f}"
        )
    print()
    for r in rows:
        if r["set"] in ("develop half", "held-back half", "qa file") and not r["system"].startswith("  "):
            print(f"hit@1 by type, {r['system']}, {r['set']}: {r['by type']}")
    if verbose:
        for r in rows:
            if r["system"] == "newsdesk":
                print(f"\nmisses, {r['set']}:")
                for m in r["misses"]:
                    print("  " + m)


if __name__ == "__main__":
    raise SystemExit(main())
