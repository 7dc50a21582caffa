"""Value accuracy of the timeline's date expressions on TempEval-3's training data, split in two parts.

Usage: ``python benchmarks/eval_timeline.py [--data PATH] [--errors N] [--part NAME] [--infer]``.

The data (``../shared/data/tempeval3-tbaq-train.jsonl``) holds two corpora, told apart by the folder in
each row's ``source_path``: **TimeBank** (183 articles, mostly Wall Street Journal) and **AQUAINT** (73
articles of AP, New York Times and Xinhua wire). The rules are developed on TimeBank; AQUAINT is held out:
its errors are not printed unless asked for (``--part aquaint``), and a rule is kept only if it does not
hurt AQUAINT. The one article of the ``testpipeline`` folder is a copy of a TimeBank article and is
dropped. Every run prints both parts, for newsdesk and for a naive baseline, beside the reference.

Gold: the TIMEX3 expressions of type DATE whose value is ``YYYY``, ``YYYY-MM``, ``YYYY-Www`` or
``YYYY-MM-DD`` (a week written ``2000-W7`` counts as ``2000-W07``). Each article's ``dct`` is given as
the publication date.

* recall: share of gold expressions overlapped by one of ours with exactly the same value.
* precision: among our expressions that overlap such a gold expression, the share with its exact value.
* strict precision: as precision, but our expressions that overlap no gold TIMEX3 at all (of any type)
  count as wrong too. Ours that overlap only a gold expression outside the scope (a duration, a
  ``PAST_REF``, a decade...) are left out of both, and counted.

The naive baseline dates only what is written out (``April 16, 1998``, ``March 1998``, ``1998``,
``1998-04-16``), plus ``today``/``yesterday``/``tomorrow`` and a bare weekday as the latest one on or
before the publication date, and a month and day without a year in the publication year.
The reference is HeidelTime's value recall and precision as reported with the issue that set the
targets (on TempEval-3's platinum test set; HeidelTime is not run here).

Speed: articles per second of ``find_expressions`` over all articles, the best of three passes (the
machine is shared; the best pass is the least disturbed one).

``--infer`` also infers each article's publication date from the text alone (the dct withheld) and
compares it with the dct. The rule picks the most recent matching year up to "today", so for these
1989-2000 articles "today" is set to one year after the dct (the era is assumed known, not the day).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from retrieval.timeline import find_expressions
from retrieval.timeline.published import infer_published

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tempeval3-tbaq-train.jsonl"
IN_SCOPE = re.compile(r"^\d{4}(?:-\d{2}|-W\d{2}|-\d{2}-\d{2})?$")
_UNPADDED_WEEK = re.compile(r"^(\d{4})-W(\d)$")
PARTS = ("TimeBank", "AQUAINT")
DEVELOPED_ON = "TimeBank"
REFERENCE = {"name": "HeidelTime (reported, platinum test)", "recall": 0.959, "precision": 0.954}


@dataclass(frozen=True, slots=True)
class Found:
    """One predicted expression: span, text and ISO value (the shape both taggers return)."""

    start: int
    end: int
    text: str
    value: str | None


@dataclass(slots=True)
class Score:
    """Counts for one tagger on one part, and the error lines behind them."""

    articles: int = 0
    gold_total: int = 0
    gold_found: int = 0
    scoped: int = 0
    right: int = 0
    unmatched: int = 0
    out_of_scope: int = 0
    miss_kinds: Counter[str] = field(default_factory=Counter)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold_total if self.gold_total else 0.0

    @property
    def precision(self) -> float:
        return self.right / self.scoped if self.scoped else 0.0

    @property
    def strict(self) -> float:
        total = self.scoped + self.unmatched
        return self.right / total if total else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _gold_value(value: str) -> str:
    """A gold value as ISO 8601 writes it: ``2000-W7`` (as some TimeBank files have it) is ``2000-W07``."""
    return _UNPADDED_WEEK.sub(r"\1-W0\2", value)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two ``[start, end)`` spans share a character."""
    return a[0] < b[1] and b[0] < a[1]


def _granularity(value: str) -> str:
    """``year``, ``month``, ``week`` or ``day`` of an in-scope ISO value."""
    return "week" if "W" in value else {4: "year", 7: "month", 10: "day"}.get(len(value), "other")


def _miss_kind(gold: str, ours: list[str | None]) -> str:
    """Why a gold expression was missed: not found, another precision, or another value."""
    if not ours:
        return "not found"
    if any(v is not None and _granularity(v) != _granularity(gold) for v in ours):
        return "other precision"
    return "other value"


def part_of(row: dict) -> str | None:
    """``TimeBank`` or ``AQUAINT`` from the row's source path; None for the duplicated test copy."""
    folder = row.get("source_path", "").split("/")[-2:-1]
    return folder[0] if folder and folder[0] in PARTS else None


# --- the naive baseline -----------------------------------------------------------------------------

_MONTH_NAMES = "January February March April May June July August September October November December".split()
_MONTHS = {name.lower()[:3]: number for number, name in enumerate(_MONTH_NAMES, 1)}
_MONTH_RE = rf"(?P<month>{'|'.join(_MONTH_NAMES)}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NAIVE = re.compile(
    rf"\b{_MONTH_RE}\s+(?P<day>\d{{1,2}})(?:,\s+(?P<year>(?:19|20)\d\d))?\b"
    rf"|\b{_MONTH_RE.replace('month', 'month2')}\s+(?P<year2>(?:19|20)\d\d)\b"
    r"|\b(?P<iso>(?:19|20)\d\d-\d\d-\d\d)\b"
    r"|\b(?P<year3>(?:19|20)\d\d)\b"
    r"|\b(?P<deictic>today|yesterday|tomorrow)\b"
    r"|\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
)


def _naive_value(m: re.Match[str], dct: date) -> str | None:
    """The value the naive baseline gives one match."""
    try:
        if m["day"]:
            year = int(m["year"]) if m["year"] else dct.year
            return date(year, _MONTHS[m["month"].lower()[:3]], int(m["day"])).isoformat()
        if m["year2"]:
            return f"{m['year2']}-{_MONTHS[m['month2'].lower()[:3]]:02d}"
    except ValueError:
        return None
    if m["iso"] or m["year3"]:
        return m["iso"] or m["year3"]
    if m["deictic"]:
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[m["deictic"]]
        return (dct + timedelta(days=shift)).isoformat()
    back = (dct.weekday() - _WEEKDAYS.index(m["weekday"].lower())) % 7
    return (dct - timedelta(days=back)).isoformat()


def naive_expressions(text: str, dct: date) -> list[Found]:
    """Explicit dates, deictic days and bare weekdays: what a tagger without rules for context finds."""
    out = []
    for m in _NAIVE.finditer(text):
        value = _naive_value(m, dct)
        if value is not None:
            out.append(Found(m.start(), m.end(), m.group(), value))
    return out


def newsdesk_expressions(text: str, dct: date) -> list[Found]:
    """The timeline's own expressions."""
    return [Found(e.start, e.end, e.text, e.value) for e in find_expressions(text, dct)]


# --- scoring ----------------------------------------------------------------------------------------


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - 50) : end + 30].replace("\n", " ")


def score_article(row: dict, ours: Sequence[Found], score: Score) -> None:
    """Add one article's counts (and error lines) to ``score``."""
    text, dct = row["text"], row["dct"][:10]
    gold_all = [(t["start"], t["end"], t["type"], _gold_value(t["value"])) for t in row["timexes"]]
    gold = [(s, e, v) for s, e, kind, v in gold_all if kind == "DATE" and IN_SCOPE.match(v)]
    for s, e, value in gold:
        score.gold_total += 1
        if any(_overlaps((x.start, x.end), (s, e)) and x.value == value for x in ours):
            score.gold_found += 1
            continue
        got = [(x.text, x.value) for x in ours if _overlaps((x.start, x.end), (s, e))]
        score.miss_kinds[_miss_kind(value, [v for _, v in got])] += 1
        score.missed.append(
            f"{row['id']} {dct} gold={value} {text[s:e]!r} ours={got} | {_context(text, s, e)}"
        )
    for x in ours:
        span = (x.start, x.end)
        scoped = [v for s, e, v in gold if _overlaps(span, (s, e))]
        if scoped:
            score.scoped += 1
            if x.value in scoped:
                score.right += 1
            else:
                line = f"{row['id']} {dct} ours={x.value} gold={scoped} {x.text!r} | "
                score.wrong.append(line + _context(text, x.start, x.end))
        elif any(_overlaps(span, (s, e)) for s, e, _, _ in gold_all):
            score.out_of_scope += 1
        else:
            score.unmatched += 1
            line = f"{row['id']} {dct} ours={x.value} {x.text!r} | "
            score.spurious.append(line + _context(text, x.start, x.end))


Tagger = Callable[[str, date], list[Found]]


def evaluate(rows: Sequence[dict], tagger: Tagger) -> dict[str, Score]:
    """Scores per part, and for both parts together under ``all``."""
    scores = {name: Score() for name in (*PARTS, "all")}
    for row in rows:
        ours = tagger(row["text"], date.fromisoformat(row["dct"][:10]))
        for name in (row["part"], "all"):
            scores[name].articles += 1
            score_article(row, ours, scores[name])
    return scores


def speed(rows: Sequence[dict], passes: int = 3) -> float:
    """Articles per second of ``find_expressions``, the best of ``passes`` passes."""
    best = float("inf")
    for _ in range(passes):
        started = time.perf_counter()
        for row in rows:
            find_expressions(row["text"], date.fromisoformat(row["dct"][:10]))
        best = min(best, time.perf_counter() - started)
    return len(rows) / best


def _table(ours: dict[str, Score], naive: dict[str, Score]) -> list[str]:
    lines = [
        f"{'part':<10} {'articles':>8} {'gold':>5}   {'recall':>6} {'prec.':>6} {'strict':>6} {'F1':>6}"
        f"   {'naive R':>7} {'naive P':>7}"
    ]
    for name in (*PARTS, "all"):
        o, n = ours[name], naive[name]
        role = " (dev)" if name == DEVELOPED_ON else " (held out)" if name in PARTS else ""
        lines.append(
            f"{name:<10} {o.articles:>8} {o.gold_total:>5}   {o.recall:>6.3f} {o.precision:>6.3f} "
            f"{o.strict:>6.3f} {o.f1:>6.3f}   {n.recall:>7.3f} {n.precision:>7.3f}{role}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the numbers; exit 0 when the data is absent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors of each kind")
    parser.add_argument(
        "--part", choices=[p.lower() for p in PARTS], default=DEVELOPED_ON.lower(),
        help=f"whose errors --errors prints (default: {DEVELOPED_ON}, the development part)",
    )  # fmt: skip
    parser.add_argument("--infer", action="store_true", help="also measure publication-date inference")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} not found (the TempEval-3 data lives outside the repository)")
        return 0
    rows = []
    for line in args.data.read_text(encoding="utf-8").splitlines():
        if line.strip() and (row := json.loads(line)) and (part := part_of(row)) is not None:
            rows.append({**row, "part": part})
    ours, naive = evaluate(rows, newsdesk_expressions), evaluate(rows, naive_expressions)
    print(
        f"TempEval-3 train, DATE expressions in scope; developed on {DEVELOPED_ON}, the other part held out"
    )
    print("\n".join(_table(ours, naive)))
    ref = REFERENCE
    print(f"reference: {ref['name']}: recall {ref['recall']:.3f}, precision {ref['precision']:.3f}")
    for name in PARTS:
        s = ours[name]
        print(
            f"{name}: missed by kind {dict(s.miss_kinds.most_common())}; {s.unmatched} of ours overlap"
            f" no gold timex; {s.out_of_scope} overlap only out-of-scope gold"
        )
    print(
        f"speed: {speed(rows):.0f} articles/s (find_expressions, best of 3 passes over {len(rows)} articles)"
    )
    if args.infer:
        _infer(rows)
    chosen = ours[{p.lower(): p for p in PARTS}[args.part]]
    for title, items in (
        ("missed", chosen.missed),
        ("wrong value", chosen.wrong),
        ("no gold timex", chosen.spurious),
    ):
        if args.errors and items:
            print(f"\n--- {args.part}: {title} ({len(items)}) ---")
            for item in items[: args.errors]:
                print(item)
    return 0


def _infer(rows: Sequence[dict]) -> None:
    """Print how often the publication date is inferred right from the text alone."""
    outcome: Counter[str] = Counter()
    for row in rows:
        dct = date.fromisoformat(row["dct"][:10])
        guess = infer_published(row["text"], today=dct + timedelta(days=365))
        if guess is None:
            outcome["no guess"] += 1
        elif guess == dct:
            outcome["right"] += 1
        elif abs((guess - dct).days) <= 1:
            outcome["off by one day"] += 1
        else:
            outcome["wrong"] += 1
    print(f"publication inference from text alone: {dict(outcome)} of {len(rows)} articles")


if __name__ == "__main__":
    raise SystemExit(main())
