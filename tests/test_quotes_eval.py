"""The quality script's matching rules and its clean skip without data."""

from __future__ import annotations

from benchmarks.eval_quotes import Gold, gold_head, main, matches


def test_eval_skips_cleanly_without_data(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "absent.jsonl")]) == 0
    assert "skipped" in capsys.readouterr().out


def test_a_fragment_inside_a_gold_clause_matches():
    gold = Gold(spans=((100, 200),), source="Trump", marked=True, text="")
    assert matches((150, 170), gold)
    assert not matches((195, 260), gold)  # touching is not matching


def test_gold_heads_are_surnames_of_names_only():
    assert gold_head("Rep. Stephen Lynch (D-Mass.)") == "lynch"
    assert gold_head("Secretary of State John F. Kerry") == "kerry"
    assert gold_head("Mr. Morgan of the Sierra Club") == "morgan"
    assert gold_head("Trump’s") == "trump"
    assert gold_head("he") is None
    assert gold_head("the campaign") is None
    assert gold_head(None) is None


def test_the_halves_are_fixed_even_and_odd_positions_by_id():
    from benchmarks.eval_quotes import halves

    rows = [{"id": name} for name in ("d", "b", "a", "c", "e")]
    parts = halves(rows)
    assert [r["id"] for r in parts["dev"]] == ["a", "c", "e"]
    assert [r["id"] for r in parts["held-out"]] == ["b", "d"]
    assert len(parts["all"]) == 5


def test_the_naive_baseline_takes_every_pair_of_marks_and_the_name_by_said():
    from benchmarks.eval_quotes import naive_quotes
    from retrieval.article import parse_article

    text = "“We will appeal,” said Anna Kowalski. The “pier” is old."
    article = parse_article(text.encode(), article_id="t")
    quotes = naive_quotes(article)
    assert [q.text for q in quotes] == ["We will appeal", "pier"]
    assert quotes[0].speaker == "Anna Kowalski"
