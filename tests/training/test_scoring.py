"""Scoring rules and percentages against hand-computed values."""

import pandas as pd
import pytest

from branch_consult.training.question_bank import Item
from branch_consult.training.scoring import branch_averages, competition_rank, item_score, percent

MULTI = Item(
    id="M1",
    section="S",
    type="multiple",
    stem="?",
    answer="ACD",
    explanation="x",
    options={k: k for k in "ABCDE"},
)
SINGLE = Item(
    id="S1",
    section="S",
    type="single",
    stem="?",
    answer="B",
    explanation="x",
    options={k: k for k in "ABCD"},
)
TF = Item(id="T1", section="S", type="true_false", stem="?", answer="T", explanation="x")


@pytest.mark.parametrize(
    ("given", "aon", "rmw", "per"),
    [
        ("ACD", 1.0, 1.0, 1.0),
        ("AC", 0.0, 2 / 3, 4 / 5),  # per option: A, C chosen rightly; B, E left rightly; D missed
        ("ACE", 0.0, 1 / 3, 3 / 5),  # (2 right − 1 wrong)/3; A, C, B right of five
        ("BE", 0.0, 0.0, 0.0),  # floored at 0; every option misjudged
        ("ABCDE", 0.0, 1 / 3, 3 / 5),
    ],
)
def test_multiple_choice_rules(given, aon, rmw, per):
    g = frozenset(given)
    assert item_score(MULTI, g, "all_or_nothing") == pytest.approx(aon)
    assert item_score(MULTI, g, "right_minus_wrong") == pytest.approx(rmw)
    assert item_score(MULTI, g, "per_option") == pytest.approx(per)


def test_single_and_true_false_ignore_the_rule():
    for rule in ("all_or_nothing", "right_minus_wrong", "per_option"):
        assert item_score(SINGLE, frozenset("B"), rule) == 1.0
        assert item_score(SINGLE, frozenset("AB"), rule) == 0.0
        assert item_score(TF, frozenset("F"), rule) == 0.0
        assert item_score(TF, None, rule) == 0.0


def test_percent_one_decimal_half_up():
    assert percent(9, 10) == 90.0
    assert percent(2, 3) == 66.7
    assert percent(1, 16) == 6.3  # 6.25 rounds half up, not to even
    assert percent(0, 20) == 0.0
    assert percent(2 / 3 + 1, 3) == 55.6


def test_competition_rank():
    assert competition_rank([90.0, 85.0, 85.0, 70.0]) == [1, 2, 2, 4]


def test_branch_averages():
    sheet = pd.DataFrame(
        {"branch_id": ["B1", "B1", "B2", None], "percent": [80.0, 65.0, 90.0, 50.0]}
    )
    out = branch_averages(sheet)
    assert out.to_dict("records") == [
        {"branch_id": "B2", "participants": 1, "mean": 90.0, "min": 90.0, "max": 90.0},
        {"branch_id": "B1", "participants": 2, "mean": 72.5, "min": 65.0, "max": 80.0},
    ]
