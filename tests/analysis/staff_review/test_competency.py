"""Competency fit on a hand-made profile set."""

import pandas as pd

from branch_consult.analysis.staff_review.competency import (
    better_fit,
    latest_assessment,
    role_fit,
    role_gap,
)

PROFILES = pd.DataFrame(
    {
        "role": ["sales", "sales", "sales", "back", "back"],
        "competency": ["drive", "talk", "care", "care", "systems"],
        "required": [4, 4, 3, 4, 4],
    }
)
ASSESS = pd.DataFrame(
    {
        "staff_id": ["P"] * 5,
        "date": pd.to_datetime(
            ["2025-06-30", "2026-06-30", "2026-06-30", "2026-06-30", "2025-06-30"]
        ),
        "competency": ["drive", "drive", "talk", "care", "talk"],
        "score": [4, 2, 3, 5, 5],
        "assessor": ["x"] * 5,
    }
)


def test_latest_assessment_only():
    latest = latest_assessment(ASSESS, "P")
    assert dict(zip(latest["competency"], latest["score"], strict=True)) == {
        "drive": 2,
        "talk": 3,
        "care": 5,
    }
    assert latest_assessment(ASSESS, "nobody").empty


def test_gap_to_own_role():
    gap = role_gap(latest_assessment(ASSESS, "P"), PROFILES, "sales")
    assert gap["gap"].tolist() == [-2, -1, 2] and gap["met"].tolist() == [False, False, True]


def test_fit_against_every_role_and_the_better_one():
    fits = role_fit(latest_assessment(ASSESS, "P"), PROFILES, "sales").set_index("role")
    # sales: (2 + 3 + 3) / (4 + 4 + 3) = 8/11; back: care only, min(5, 4)/4 = 1.0 on 1 of 2
    assert (
        round(fits.at["sales", "fit"], 4) == round(8 / 11, 4)
        and fits.at["sales", "coverage"] == 1.0
    )
    assert (
        fits.at["back", "fit"] == 1.0
        and fits.at["back", "coverage"] == 0.5
        and fits.at["back", "met"] == 1
    )
    assert round(fits.at["sales", "mean_shortfall"], 4) == 1.0  # (2 + 1 + 0) / 3
    assert fits.index[0] == "back"
    better = better_fit(fits.reset_index(), min_coverage=0.5)
    assert better["role"].tolist() == ["back"]
    assert better_fit(fits.reset_index(), min_coverage=0.6).empty  # not enough evidence
