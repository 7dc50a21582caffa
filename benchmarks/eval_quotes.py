"""Measure quote extraction and speaker attribution on PolNeAR dev (../shared/data/polnear-dev.jsonl).

Usage: ``python benchmarks/eval_quotes.py [--data PATH] [--errors N] [--half dev|held-out]``. Exits 0 with
a message when the data file is absent.

Halves (the generalisation check): the articles sorted by ``id``; even positions (0, 2, 4, …) are the
**dev** half, the one rules are developed on, odd positions the **held-out** half, only measured. Both
halves and all articles are printed in one run, each beside a **naive baseline** (quotation marks paired
as the extractor pairs them; the speaker is the capitalised name next to the nearest "said"/"says"/
"told"/"according to" in the sentence after or before the quote, else none). A rule is kept only when
it helps the held-out half too.

Articles: each non-blank line of ``text`` is a paragraph (leading/trailing blanks stripped, offsets kept),
so a predicted quote's (paragraph, start, end) maps back to a character span of the gold text.

Matching rules (stated here so the numbers can be judged):

* Gold set: attributions with ``has_quote_marks`` (direct and mixed quotes). Their content may have
  several spans (a quote over several paragraphs); we use the union.
* Predicted set: quotes of kind ``direct`` or ``partial`` (indirect ones carry no quotation marks).
* A prediction and a gold attribution match when the characters they share are at least half of the
  shorter of the two (prediction span vs. gold content union). Partial quotes are short fragments of a
  longer gold clause, so the shorter side is the fair denominator; a prediction that merely touches a
  gold clause does not match.
* Precision: matched predictions / predictions. Recall: gold attributions matched by at least one
  prediction / gold attributions. A gold quote split into pieces (one per paragraph) counts once.
* Speaker accuracy, over matched gold attributions whose source is a name: the gold source text is cut
  at the first comma, parenthesis or "who"; it is a name when its last word is capitalised and not a
  pronoun or article ("Trump", "Rep. Stephen Lynch", "The New York Times"; not "he", "the campaign",
  "a source"). Around "of", the first part ending in a non-title word is used ("Mr. Morgan of the
  Sierra Club" → Morgan, "Secretary of State John F. Kerry" → Kerry). The prediction with the largest
  overlap is correct when that word (the surname or head, possessive dropped) is one of the words of
  the predicted speaker name. Unresolved speakers are scored like any other prediction.
* Also reported, for information only: the same matching for indirect predictions against gold
  attributions without quotation marks.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from retrieval.article import load_article  # noqa: E402
from retrieval.models import Article, Paragraph, Quote  # noqa: E402
from retrieval.quotes import EXTRACTOR_VERSION, extract_quotes  # noqa: E402
from retrieval.quotes.lexicon import TITLES  # noqa: E402
from retrieval.quotes.marks import pair_marks  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "polnear-dev.jsonl"
BUNDLED = ROOT / "src" / "retrieval" / "data" / "000_58fe8462cd8d2dcd.txt"
NOT_NAMES = frozenset(
    "he she it they we i you his her its their our the a an this that these those one who".split()
)


@dataclass(frozen=True)
class Gold:
    """One gold attribution: content spans, source text and whether it has quotation marks."""

    spans: tuple[tuple[int, int], ...]
    source: str | None
    marked: bool
    text: str


def build_article(row: dict) -> tuple[Article, list[int]]:
    """An Article with one paragraph per non-blank line, and each paragraph's offset in ``text``."""
    paragraphs: list[Paragraph] = []
    offsets: list[int] = []
    pos = 0
    for line in row["text"].split("\n"):
        stripped = line.strip()
        if stripped:
            offsets.append(pos + (len(line) - len(line.lstrip())))
            paragraphs.append(Paragraph(len(paragraphs) + 1, stripped))
        pos += len(line) + 1
    article = Article(id=row["id"], path="", sha256="", paragraphs=tuple(paragraphs))
    return article, offsets


def golds(row: dict) -> list[Gold]:
    """The gold attributions that have content."""
    out = []
    for attr in row["attributions"]:
        content = attr.get("content")
        if not content or not content.get("spans"):
            continue
        source = attr["source"]["text"] if attr.get("source") else None
        spans = tuple((int(s), int(e)) for s, e in content["spans"])
        out.append(Gold(spans, source, bool(attr["has_quote_marks"]), content["text"]))
    return out


def overlap(span: tuple[int, int], gold: Gold) -> int:
    """Characters a predicted span shares with the gold content."""
    s, e = span
    return sum(max(0, min(e, ge) - max(s, gs)) for gs, ge in gold.spans)


def matches(span: tuple[int, int], gold: Gold) -> bool:
    """Shared characters cover at least half of the shorter side."""
    gold_len = sum(ge - gs for gs, ge in gold.spans)
    shorter = min(span[1] - span[0], gold_len)
    return shorter > 0 and overlap(span, gold) >= 0.5 * shorter


def gold_head(source: str | None) -> str | None:
    """The surname/head word of a gold source that is a name, else None."""
    if not source:
        return None
    cut = re.split(r",|\(|\s—|\s–|\swho\s", source, maxsplit=1)[0].strip()
    # "Secretary of State John F. Kerry", "Mr. Morgan of the Sierra Club": the first part of the
    # phrase around "of" that ends in a capitalised word which is not a title.
    for part in re.split(r"\sof\s", cut):
        words = [w for w in part.split() if w]
        if not words:
            continue
        last = re.sub(r"(’s|'s|’|')$", "", words[-1]).strip(".,;:")
        if not last or not last[0].isupper() or last.lower() in NOT_NAMES:
            return None
        if last.lower().rstrip(".") not in TITLES:
            return last.lower()
    return None


def name_words(name: str) -> set[str]:
    """Lower-cased words of a predicted speaker name, possessives and punctuation dropped."""
    return {re.sub(r"(’s|'s|’|')$", "", w).strip(".,;:").lower() for w in name.split()}


@dataclass
class Score:
    """Counts for one quote family."""

    predicted: int = 0
    predicted_ok: int = 0
    gold: int = 0
    gold_found: int = 0
    named: int = 0
    named_ok: int = 0

    def line(self, label: str) -> str:
        """A printable summary."""
        p = self.predicted_ok / self.predicted if self.predicted else 0.0
        r = self.gold_found / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        text = (
            f"{label}: precision {p:.3f} ({self.predicted_ok}/{self.predicted})  "
            f"recall {r:.3f} ({self.gold_found}/{self.gold})  F1 {f:.3f}"
        )
        if self.named:
            text += f"  speaker accuracy {self.named_ok / self.named:.3f} ({self.named_ok}/{self.named})"
        return text


def score(
    preds: list[tuple[tuple[int, int], Quote]], gold: list[Gold], result: Score, errors: list[str], text: str
) -> None:
    """Add one article's predictions and gold attributions to the running score."""
    result.predicted += len(preds)
    result.gold += len(gold)
    for span, quote in preds:
        if any(matches(span, g) for g in gold):
            result.predicted_ok += 1
        else:
            errors.append(f"FP [{quote.speaker}] {text[span[0] : span[1]][:120]!r}")
    for g in gold:
        hits = [(overlap(span, g), quote) for span, quote in preds if matches(span, g)]
        if not hits:
            s0 = g.spans[0][0]
            errors.append(f"FN [{g.source}] {g.text[:100]!r}\n     CTX {text[max(0, s0 - 150) : s0 + 150]!r}")
            continue
        result.gold_found += 1
        head = gold_head(g.source)
        if head is None:
            continue
        result.named += 1
        best = max(hits, key=lambda h: h[0])[1]
        if head in name_words(best.speaker):
            result.named_ok += 1
        else:
            s0 = g.spans[0][0]
            errors.append(
                f"SPK gold {g.source!r} got {best.speaker!r}: {g.text[:80]!r}\n"
                f"     CTX {text[max(0, s0 - 200) : s0 + 100]!r}"
            )


_SAY = re.compile(r"\b(?:said|says|say|told|tells|according to|added|asked|wrote)\b")
_NAME = re.compile(r"(?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'-]*")
_BASELINE_REACH = 120  # characters either side of a quote searched for "said" and a name


def naive_quotes(article: Article) -> list[Quote]:
    """The naive baseline: every pair of quotation marks is a quote of the name next to the nearest "said"."""
    out = []
    for para in article.paragraphs:
        text = para.text
        for span in pair_marks(text):
            after = text[span.end : span.end + _BASELINE_REACH]
            before = text[max(0, span.start - _BASELINE_REACH) : span.start]
            speaker = _name_near_say(after, first=True) or _name_near_say(before, first=False) or "?"
            out.append(
                Quote(article.id, speaker, speaker != "?", text[span.inner_start : span.inner_end],
                      "direct", para.number, span.inner_start, span.inner_end)
            )  # fmt: skip
    return out


def _name_near_say(text: str, *, first: bool) -> str | None:
    """The capitalised name just before or after the first (or last) speech word of ``text``."""
    says = list(_SAY.finditer(text))
    if not says:
        return None
    say = says[0] if first else says[-1]
    right = _NAME.match(text, say.end() + 1)
    left = [m for m in _NAME.finditer(text[: say.start()]) if m.end() >= say.start() - 1]
    found = left[-1].group().split(". ")[-1] if left else (right.group().split(". ")[0] if right else None)
    return found if found and found.split()[-1].lower() not in NOT_NAMES else None


@dataclass
class Run:
    """One extractor's scores over a set of articles."""

    marked: Score
    indirect: Score
    seconds: float
    errors: list[str]


def evaluate(rows: list[dict], extractor: Callable[[Article], Sequence[Quote]]) -> Run:
    """Score an extractor over some articles."""
    run = Run(Score(), Score(), 0.0, [])
    indirect_errors: list[str] = []
    for row in rows:
        article, offsets = build_article(row)
        t0 = time.perf_counter()
        quotes = extractor(article)
        run.seconds += time.perf_counter() - t0
        spans = [((offsets[q.paragraph - 1] + q.start, offsets[q.paragraph - 1] + q.end), q) for q in quotes]
        gold = golds(row)
        marked = ([s for s in spans if s[1].kind != "indirect"], [g for g in gold if g.marked])
        score(*marked, run.marked, run.errors, row["text"])
        indirect = ([s for s in spans if s[1].kind == "indirect"], [g for g in gold if not g.marked])
        score(*indirect, run.indirect, indirect_errors, row["text"])
    return run


def halves(rows: list[dict]) -> dict[str, list[dict]]:
    """The fixed split: sorted by id, even positions are the dev half, odd ones the held-out half."""
    ordered = sorted(rows, key=lambda row: row["id"])
    return {"dev": ordered[0::2], "held-out": ordered[1::2], "all": ordered}


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation on both halves, with the baseline, and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of each kind")
    parser.add_argument("--half", choices=["dev", "held-out", "all"], default="dev", help="whose errors")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} not found")
        return 0
    started = time.perf_counter()
    extract_quotes(load_article(BUNDLED))
    cold = time.perf_counter() - started
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"extractor {EXTRACTOR_VERSION} on {args.data.name}: {len(rows)} articles, split by id (even/odd)")
    runs = {}
    for name, part in halves(rows).items():
        runs[name] = run = evaluate(part, lambda a: extract_quotes(a).quotes)
        base = evaluate(part, naive_quotes)
        print(f"\n[{name}: {len(part)} articles]")
        print(run.marked.line("  newsdesk, quotes with quotation marks"))
        print(base.marked.line("  naive baseline                      "))
        print(run.indirect.line("  newsdesk, indirect (information only)"))
    everything = runs["all"]
    print(
        f"\nspeed: {len(rows) / everything.seconds:.1f} articles/s ({everything.seconds:.1f} s); "
        f"cold extract on bundled (model load included): {cold:.2f} s"
    )
    if args.errors:
        errors = runs[args.half].errors
        for tag in ("FP", "FN", "SPK"):
            chosen = [e for e in errors if e.startswith(tag)][: args.errors]
            print(f"\n{tag} ({sum(e.startswith(tag) for e in errors)}) on the {args.half} half:")
            print("\n".join(chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
