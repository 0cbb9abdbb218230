"""Recommendations from rules, and the lawful sequence: no dismissal without training/reassignment and a later documented failure."""

import pandas as pd
import pytest
import yaml

from branch_consult.analysis.staff_review import recommendations as R

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
COMP = pd.DataFrame(
    {
        "month": MONTHS,
        "target": [100.0] * 5,
        "actual": [100.0, 80.0, 80.0, 80.0, 80.0],
        "missed": [False, True, True, True, True],
    }
)


def _events(rows):
    return pd.DataFrame(rows, columns=["staff_id", "date", "kind", "by_staff_id", "public", "note"])


def test_basis_complete_after_training_three_misses_and_a_review():
    ev = _events(
        [
            ["A", "2026-01-15", "training", "H", False, ""],
            ["A", "2026-05-05", "review", "H", False, ""],
        ]
    )
    basis = R.lawful_basis(ev, COMP, "A", 3)
    assert basis.complete and basis.misses_after == 3  # Feb, Mar, Apr month-ends fall between
    assert basis.documented_failure == pd.Timestamp("2026-05-05")


def test_basis_incomplete_without_a_later_review_or_without_training():
    training_only = _events([["A", "2026-01-15", "training", "H", False, ""]])
    assert R.lawful_basis(training_only, COMP, "A", 3).missing == ["documented_failure"]
    review_too_early = _events(
        [
            ["A", "2026-01-15", "training", "H", False, ""],
            ["A", "2026-03-05", "review", "H", False, ""],
        ]
    )  # only Feb missed in between
    assert not R.lawful_basis(review_too_early, COMP, "A", 3).complete
    review_only = _events([["A", "2026-05-05", "review", "H", False, ""]])
    assert R.lawful_basis(review_only, COMP, "A", 3).missing == [
        "training_or_transfer",
        "documented_failure",
    ]


FACTS = {"miss_streak": 9, "still_employed": 1, "review_missing": 1, "better_fit_found": 0}
DAY = pd.Timestamp("2026-10-31")


def test_no_dismissal_without_the_record_the_next_lawful_step_instead():
    rules = R.load_rules()
    for missing, step in (
        ("documented_failure", "formal_review"),
        ("training_or_transfer", "reassign"),
    ):
        recs = R.recommend({**FACTS, "lawful_basis": 0, "lawful_missing": missing}, rules, DAY)
        assert "dismissal" not in {r.id for r in recs} and all(r.kind != "dismissal" for r in recs)
        replaced = [r for r in recs if r.replaces == "dismissal"]
        assert [r.id for r in replaced] == [step]
    recs = R.recommend({**FACTS, "lawful_basis": 1}, rules, DAY)
    dismissal = next(r for r in recs if r.id == "dismissal")
    assert dismissal.owner == "hr" and dismissal.checkpoints == [pd.Timestamp("2026-11-30")]


def test_an_edited_rules_file_cannot_switch_the_guard_off(tmp_path):
    raw = yaml.safe_load(R.DEFAULT_RULES.read_text(encoding="utf-8"))
    for rule in raw["recommendations"]:
        if rule["kind"] == "dismissal":
            rule["when"] = []  # "always dismiss"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    recs = R.recommend({"still_employed": 1, "lawful_basis": 0}, R.load_rules(path), DAY)
    assert all(r.kind != "dismissal" for r in recs)
    del raw["recommendations"][[r["kind"] for r in raw["recommendations"]].index("dismissal")][
        "instead"
    ]
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="lawful step"):
        R.load_rules(path)


def test_checkpoints_dated_30_60_90_and_month_three():
    rules = R.load_rules()
    recs = R.recommend({**FACTS, "better_fit_found": 1, "review_missing": 0}, rules, DAY)
    reassign = next(r for r in recs if r.id == "reassign")
    assert reassign.checkpoints == [
        pd.Timestamp("2026-11-30"),
        pd.Timestamp("2026-12-30"),
        pd.Timestamp("2027-01-29"),
    ]
    m3 = R.recommend({"month3_open": 1}, rules, DAY, pd.Timestamp("2026-12-05"))
    assert [(r.id, r.checkpoints) for r in m3] == [("month3_check", [pd.Timestamp("2026-12-05")])]


def test_root_causes_in_category_order():
    causes = R.root_causes(
        {"review_missing": 1, "competency_gap": 3, "public_criticisms": 1}, R.load_rules()
    )
    assert [c.category for c in causes] == ["person_role_fit", "management", "process"]
