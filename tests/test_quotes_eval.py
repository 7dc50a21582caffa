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
