"""Value accuracy of the timeline's date expressions on TempEval-3 (TimeBank + AQUAINT), DCT given.

Usage: ``python benchmarks/eval_timeline.py [--data PATH] [--errors N] [--infer]``.

Gold: the TIMEX3 expressions of type DATE whose value is ``YYYY``, ``YYYY-MM``, ``YYYY-Www`` or
``YYYY-MM-DD`` (a week written ``2000-W7`` counts as ``2000-W07``). Each article's ``dct`` is given as
the publication date.

* recall: share of gold expressions overlapped by one of ours with exactly the same value.
* precision: among our expressions that overlap such a gold expression, the share with its exact value.
* strict precision: as precision, but our expressions that overlap no gold TIMEX3 at all (of any type)
  count as wrong too. Ours that overlap only a gold expression outside the scope (a duration, a
  ``PAST_REF``, a decade...) are left out of both, and counted.

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
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from retrieval.timeline import find_expressions
from retrieval.timeline.published import infer_published

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "tempeval3-tbaq-train.jsonl"
IN_SCOPE = re.compile(r"^\d{4}(?:-\d{2}|-W\d{2}|-\d{2}-\d{2})?$")
_UNPADDED_WEEK = re.compile(r"^(\d{4})-W(\d)$")


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


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the numbers; exit 0 when the data is absent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors of each kind")
    parser.add_argument("--infer", action="store_true", help="also measure publication-date inference")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} not found (the TempEval-3 data lives outside the repository)")
        return 0
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]

    gold_total = gold_found = 0
    ours_scoped = ours_right = ours_unmatched = ours_out_of_scope = 0
    missed: list[str] = []
    miss_kinds: Counter[str] = Counter()
    wrong: list[str] = []
    spurious: list[str] = []
    started = time.perf_counter()
    predictions = []
    for row in rows:
        published = date.fromisoformat(row["dct"][:10])
        predictions.append(find_expressions(row["text"], published))
    elapsed = time.perf_counter() - started

    for row, ours in zip(rows, predictions, strict=True):
        text = row["text"]
        gold_all = [(t["start"], t["end"], t["type"], _gold_value(t["value"])) for t in row["timexes"]]
        gold = [(s, e, v) for s, e, kind, v in gold_all if kind == "DATE" and IN_SCOPE.match(v)]
        for s, e, value in gold:
            gold_total += 1
            if any(_overlaps((x.start, x.end), (s, e)) and x.value == value for x in ours):
                gold_found += 1
            else:
                got = [(x.text, x.value) for x in ours if _overlaps((x.start, x.end), (s, e))]
                miss_kinds[_miss_kind(value, [v for _, v in got])] += 1
                context = text[max(0, s - 50) : e + 30].replace("\n", " ")
                missed.append(f"{row['dct'][:10]} gold={value} {text[s:e]!r} ours={got} | {context}")
        for x in ours:
            span = (x.start, x.end)
            scoped = [v for s, e, v in gold if _overlaps(span, (s, e))]
            if scoped:
                ours_scoped += 1
                if x.value in scoped:
                    ours_right += 1
                else:
                    context = text[max(0, x.start - 50) : x.end + 30].replace("\n", " ")
                    wrong.append(f"{row['dct'][:10]} ours={x.value} gold={scoped} {x.text!r} | {context}")
            elif any(_overlaps(span, (s, e)) for s, e, _, _ in gold_all):
                ours_out_of_scope += 1
            else:
                ours_unmatched += 1
                context = text[max(0, x.start - 50) : x.end + 30].replace("\n", " ")
                spurious.append(f"{row['dct'][:10]} ours={x.value} {x.text!r} | {context}")

    recall = gold_found / gold_total if gold_total else 0.0
    precision = ours_right / ours_scoped if ours_scoped else 0.0
    strict = ours_right / (ours_scoped + ours_unmatched) if ours_scoped + ours_unmatched else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"articles: {len(rows)}  gold DATE expressions in scope: {gold_total}")
    print(f"recall:           {recall:.3f}  ({gold_found}/{gold_total})")
    print(f"precision:        {precision:.3f}  ({ours_right}/{ours_scoped})  F1 {f1:.3f}")
    print(f"strict precision: {strict:.3f}  ({ours_right}/{ours_scoped + ours_unmatched}; "
          f"{ours_unmatched} of ours overlap no gold timex)")  # fmt: skip
    print(f"left out: {ours_out_of_scope} of ours overlap only out-of-scope gold timexes")
    print(f"missed gold, by kind: {dict(miss_kinds.most_common())}")
    print(f"speed: {len(rows) / elapsed:.0f} articles/s ({elapsed:.2f} s for find_expressions)")
    if args.infer:
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
    for name, items in (("missed", missed), ("wrong value", wrong), ("no gold timex", spurious)):
        if args.errors and items:
            print(f"\n--- {name} ({len(items)}) ---")
            for item in items[: args.errors]:
                print(item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
