"""The plan document: both worked plans load; errors name the YAML line and field, with a did-you-mean."""

from __future__ import annotations

import pytest

from branch_consult.campaign_plan import PlanError, load_plan, parse_plan, shipped_plans_dir

PLANS = sorted(shipped_plans_dir().glob("*.yaml"))


def _text(name: str = "deposit_drive.yaml") -> str:
    return (shipped_plans_dir() / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_shipped_plans_load(path):
    plan = load_plan(path)
    assert plan.goals and plan.target_groups and plan.channels


def test_two_worked_plans_are_shipped():
    assert {p.stem for p in PLANS} >= {"deposit_drive", "mobile_ad_buy"}


def test_misspelt_key_gets_line_and_suggestion():
    text = _text().replace("    min_budget: 20000", "    min_budgt: 20000")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "min_budgt" in ln)
    with pytest.raises(PlanError) as err:
        parse_plan(text, "p.yaml")
    msg = str(err.value)
    assert (
        f"p.yaml line {line}: unknown key 'channels.0.min_budgt' (did you mean 'min_budget'?)"
        in msg
    )


def test_bad_value_names_field_and_line():
    text = _text().replace("  ratio: 1.5", "  ratio: -1")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "ratio: -1" in ln)
    with pytest.raises(PlanError) as err:
        parse_plan(text, "p.yaml")
    assert f"p.yaml line {line}: test_design.ratio: Input should be greater than 0" in str(
        err.value
    )


def test_unknown_phase_kind_and_every_problem_reported_together():
    text = _text().replace("kind: launch", "kind: lanch").replace("  alpha: 0.05", "  alpha: 2")
    with pytest.raises(PlanError) as err:
        parse_plan(text, "p.yaml")
    assert len(err.value.problems) == 2
    assert "phases.1.kind" in str(err.value) and "test_design.alpha" in str(err.value)


def test_invalid_yaml_has_line():
    with pytest.raises(PlanError, match=r"p.yaml line \d+: not valid YAML"):
        parse_plan("name: {zh: a\nperiod: [", "p.yaml")


def test_multiplier_forms():
    plan = load_plan(shipped_plans_dir() / "mobile_ad_buy.yaml")
    by_id = {c.id: c for c in plan.channels}
    assert by_id["location"].ctr_multiplier.factor() == 2.0  # "2x the average CTR"
    assert by_id["native"].ctr_multiplier.factor() == pytest.approx(
        3.2
    )  # "+220%" is 3.2x, not 2.2x


def test_phase_outside_period_refused():
    text = _text().replace(
        "{kind: review,  start: 2027-03-22, end: 2027-03-28",
        "{kind: review,  start: 2027-03-22, end: 2027-04-28",
    )
    with pytest.raises(PlanError, match="phase review lies outside the period"):
        parse_plan(text)
