"""The finding rules fire on the thresholds written in the rules file, and only there."""

import math

import pytest

from branch_consult.findings import evaluate, load_rules, word

LUNCH = {
    "lunch_ratio_vs_peers": 2.4,
    "lunch_median_wait": 22.0,
    "lunch_wait_ratio": 3.1,
    "peer_lunch_wait_ratio": 1.3,
    "peak_counter_gap": 2.0,
}


def test_rules_file_loads_and_ids_unique():
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules) >= 8


def test_lunchtime_rule_levels_and_wording():
    [fired] = evaluate(LUNCH)
    assert fired.rule_id == "lunchtime_waits" and fired.severity == "high" and fired.value == 2.4
    f = word(fired, LUNCH, "zh")
    assert "22.0分钟" in f.evidence and "3.1倍" in f.evidence
    [fired] = evaluate({**LUNCH, "lunch_ratio_vs_peers": 1.6})
    f = word(fired, LUNCH, "en")
    assert f.severity == "medium" and "22.0 min" in f.evidence
    assert evaluate({**LUNCH, "lunch_ratio_vs_peers": 1.4}) == []


def test_also_condition_blocks():
    assert evaluate({**LUNCH, "lunch_median_wait": 6.0}) == []


def test_missing_and_nan_metrics_never_fire():
    assert evaluate({}) == []
    assert evaluate({"top_unattended_share": math.nan}) == []


def test_sorted_by_severity_and_missing_wording_values_dashed():
    metrics = {"cross_sell_leads": 7, "policy_breaches": 1}
    out = evaluate(metrics)
    assert [f.rule_id for f in out] == ["underperformer_kept", "cross_sell_gap"]
    assert "–" in word(out[1], metrics, "zh").evidence  # lead_deposits_wan not supplied


def test_bad_rules_file_is_a_clear_error(tmp_path):
    p = tmp_path / "rules.yaml"
    p.write_text("rules:\n  - id: x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot be read"):
        load_rules(p)


def test_rounded_zero_has_no_sign():
    metrics = {"growth_gap": 0.1, "deposit_growth": -0.0001, "peer_deposit_growth": 0.099}
    [fired] = evaluate(metrics)
    f = word(fired, metrics, "en")
    # growth reads as format_value writes it everywhere else: no "+" on a rise, no sign on a rounded zero
    assert (
        "changed by 0.0% over the period" in f.evidence
        and "of 9.9%" in f.evidence
        and "+" not in f.evidence
    )


def test_evaluation_is_language_free():
    """What fired carries no words: the same FiredRule words in either language."""
    [fired] = evaluate(LUNCH)
    assert not {"title", "evidence", "action"} & set(type(fired).model_fields)
    zh, en = word(fired, LUNCH, "zh"), word(fired, LUNCH, "en")
    assert zh.rule_id == en.rule_id and zh.value == en.value and zh.title != en.title
