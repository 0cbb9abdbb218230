"""The assembled plan and review on the sample bank, and the checks that run before any kernel."""

from __future__ import annotations

import pytest

from branch_consult.campaign import analyse_plan, analyse_review, plan_problems
from branch_consult.campaign_plan import load_plan, parse_plan, shipped_plans_dir
from branch_consult.data import open_dataset
from branch_consult.params import ParameterError
from branch_consult.playbooks import get_playbook
from branch_consult.reports import campaign as rc
from branch_consult.run import _resolve


@pytest.fixture(scope="module")
def ds():
    return open_dataset(None)


@pytest.fixture(scope="module")
def drive(ds):
    plan = load_plan(shipped_plans_dir() / "deposit_drive.yaml")
    planned = analyse_plan(ds, plan)
    return plan, planned, analyse_review(ds, plan, planned)


def test_splits_add_up_exactly(drive):
    _, r, _ = drive
    for s in r.splits:
        assert s.branches["target"].sum() == s.goal
        assert s.staff["target"].sum() == s.goal
        per_branch = s.staff.groupby("branch_id")["target"].sum()
        assert (per_branch == s.branches.set_index("id")["target"]).all()
        assert (s.branches["target"] % s.unit == 0).all()
        assert s.milestones["cumulative"].iloc[-1] == s.goal


def test_group_union_counted_once(drive):
    _, r, _ = drive
    totals = r.group_totals.set_index("group")
    assert totals.loc["_any", "customers"] == int(r.membership.any(axis=1).sum())
    assert totals.drop("_any")["customers"].sum() == totals.loc["_any", "customers"] + r.overlap


def test_review_of_cmp2601(drive):
    _, _, rv = drive
    conv = rv.uplift.set_index("measure").loc["converted"]
    assert conv["low"] <= 0.08 <= conv["high"] and conv["verdict"] == "uplift"
    assert rv.contaminated == 0
    assert rv.branch_progress["target"].sum() == 2_500_000  # the review's own target, split exactly
    assert rv.lessons[0][0] == "verdict_uplift"


def test_review_of_cmp2607_is_not_a_success(ds):
    plan = load_plan(shipped_plans_dir() / "mobile_ad_buy.yaml")
    rv = analyse_review(ds, plan)
    assert rv.uplift.set_index("measure").loc["converted", "verdict"] == "no_evidence"
    assert rv.lessons[0][0] == "verdict_no_evidence"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_section_renders(drive, lang):
    _, r, rv = drive
    for i in range(len(rc.STAGES["plan"])):
        assert rc.section("plan", i, r, lang)
    for i in range(len(rc.STAGES["review"])):
        assert rc.section("review", i, rv, lang)
    assert rc.section("review", 7, rv, lang) == []


def _plan_text(**replace: str) -> str:
    text = (shipped_plans_dir() / "deposit_drive.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_plan_that_does_not_fit_the_data(ds):
    text = _plan_text(
        **{
            "branches: all": "branches: [B001, B0002]",
            "{column: tier, op: in": "{column: teir, op: in",
            "    budget: 120000\n    min_budget: 20000": "    budget: 12000\n    min_budget: 20000",
        }
    )
    problems = plan_problems(ds, parse_plan(text), "review")
    assert any("unknown branch 'B0002'" in p for p in problems)
    assert any("unknown column 'teir' (did you mean 'tier'?)" in p for p in problems)
    assert any("budget 12,000 is below the channel's minimum 20,000" in p for p in problems)


def test_refused_before_any_kernel(tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text(_plan_text(**{"branches: all": "branches: [B001, B099]"}), encoding="utf-8")
    with pytest.raises(ParameterError, match="unknown branch 'B099'"):
        _resolve(get_playbook("campaign_plan"), None, {"plan": str(bad)}, None)
    bad.write_text(
        _plan_text(**{"  campaign_id: CMP2601": "  campaign_id: CMP9999"}), encoding="utf-8"
    )
    _resolve(
        get_playbook("campaign_plan"), None, {"plan": str(bad)}, None
    )  # fine for the plan stage
    with pytest.raises(ParameterError, match="CMP9999"):
        _resolve(get_playbook("campaign_plan"), None, {"plan": str(bad), "stage": "review"}, None)
    bad.write_text("name: [", encoding="utf-8")
    with pytest.raises(ParameterError, match="parameter 'plan': plan.yaml line 1: not valid YAML"):
        _resolve(get_playbook("campaign_plan"), None, {"plan": str(bad)}, None)
