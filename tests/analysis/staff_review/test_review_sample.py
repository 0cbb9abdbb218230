"""The review on the committed sample bank finds exactly what was planted (docs/sample-data.md, patterns 4 and 5)."""

import json

import pandas as pd
import pytest

from branch_consult.analysis.staff_review import ReviewSettings, review
from branch_consult.data import DataProblems, open_dataset, sample_path
from branch_consult.reports.staff_review import answer, full_report

PLANTED = json.loads((sample_path() / "planted.json").read_text(encoding="utf-8"))
WEAK = PLANTED["underperformer"]
STAR = PLANTED["top_performer_lost"]


@pytest.fixture(scope="module")
def pair():
    return review(
        open_dataset(None), ReviewSettings(staff_ids=[WEAK["staff_id"], STAR["staff_id"]])
    )


def test_underperformer_kept_past_the_policy(pair):
    weak = pair.people[0]
    assert weak.person.staff_id == WEAK["staff_id"] and weak.underperformer
    assert weak.main_metric == WEAK["metric"] and weak.facts["miss_streak"] == len(
        WEAK["missed_months"]
    )
    first = weak.review_checkpoints.iloc[0]
    assert first["step"] == "review" and first["status"] == "missing"
    assert first["trigger_month"] == WEAK["missed_months"][2]  # the third miss
    assert first["due_month"] == WEAK["review_due_month"]  # the month the policy should have fired
    assert weak.facts["first_review_due"] == WEAK["review_due_month"]


def test_underperformer_competency_gap_and_a_better_fitting_role(pair):
    weak = pair.people[0]
    below = weak.gap[weak.gap["met"] == False]  # noqa: E712
    assert set(below["competency"]) == {"客户开发", "营销沟通", "需求挖掘", "抗压韧性"}
    assert (below["gap"] == -2).all()
    assert weak.better["role"].iloc[0] == "back_office"
    assert {r.id for r in weak.recommendations} >= {"formal_review", "reassign"}
    assert "role_fit" in {c.id for c in weak.root_causes}


def test_top_performer_high_risk_before_resignation_with_criticism_and_no_recognition(pair):
    star = pair.people[1]
    resigned = pd.Timestamp(STAR["resigned_on"])
    assert star.first_high is not None and pd.Period(star.first_high, "M").end_time < resigned
    before = star.risk_scores[star.risk_scores["month"] < STAR["resigned_on"][:7]]
    assert before["level"].iloc[-1] == "high"
    last = star.risk_contributions[star.risk_contributions["month"] == before["month"].iloc[-1]]
    top3 = last.sort_values("points", ascending=False)["signal"].head(3).tolist()
    assert "public_criticism" in top3 and "no_recognition" in top3
    assert (
        star.facts["public_criticisms"] == len(STAR["criticised_on"])
        and star.facts["manager"] == STAR["criticised_by"]
    )
    assert (
        star.facts["recognition_missing"] >= 1 and star.facts["flight_risk_high_before_exit"] == 1
    )
    assert {"manager_coaching", "exit_lessons"} <= {r.id for r in star.recommendations}
    assert not star.underperformer


def test_steady_average_performer_flagged_for_neither():
    ds = open_dataset(None)
    staff = ds.table("staff")
    healthy = staff[
        (staff["branch_id"] == PLANTED["healthy_branch"])
        & staff["left_on"].isna()
        & (staff["role"] == "personal_am")
    ]
    r = review(ds, ReviewSettings(staff_ids=healthy["staff_id"].tolist()))
    steady = min(r.people, key=lambda p: abs(p.rank["completion"] - 1.0))
    assert 0.95 <= steady.rank["completion"] <= 1.1
    assert not steady.underperformer and steady.flight_risk_level != "high"
    assert steady.facts["flight_risk_high_now"] == 0 and steady.facts["review_missing"] == 0
    assert not {"formal_review", "reassign", "improvement_plan", "dismissal", "retention"} & {
        x.id for x in steady.recommendations
    }


def test_no_dismissal_for_the_planted_underperformer(pair):
    weak = pair.people[0]
    assert weak.basis.training_or_transfer is not None and weak.basis.documented_failure is None
    assert all(r.kind != "dismissal" for r in weak.recommendations)
    assert any(r.replaces == "dismissal" for r in weak.recommendations)


def test_pair_report_in_both_languages_with_pseudonyms(pair):
    names = set(pair.directory["name"])
    for lang in ("zh", "en"):
        objects = full_report(pair, lang)
        text = "\n".join(o.to_text(lang) if hasattr(o, "to_text") else str(o.data) for o in objects)
        assert not [n for n in names if n in text]
        assert answer(pair, pair.people[0], lang)
    assert "高桂" in "\n".join(
        o.to_text("zh")
        for o in full_report(pair, "zh", pseudonymise=False)
        if hasattr(o, "to_text")
    )


def test_unknown_staff_id_did_you_mean():
    with pytest.raises(DataProblems, match="did you mean 'S00121'"):
        review(open_dataset(None), ReviewSettings(staff_ids=["S0121"]))


def test_a_person_with_nothing_on_record_gets_a_report_that_says_so(tiny_csv):
    r = review(open_dataset(tiny_csv), ReviewSettings(staff_ids=["S4"]))
    person = r.people[0]
    assert set(person.missing) >= {"targets", "assessment", "events"}
    for lang, words in (("zh", "无法形成结论"), ("en", "no conclusion can be drawn")):
        assert words in answer(r, person, lang)
        objects = full_report(r, lang)  # every section renders without an empty chart
        assert not [o for o in objects if type(o).__name__ == "Figure"]
