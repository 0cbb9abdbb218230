"""Team fairness and the cost of a case, on hand-made tables."""

import pandas as pd

from branch_consult.analysis.staff_review.cost import (
    CostAssumptions,
    replacement_cost,
    shortfall_while_waiting,
)
from branch_consult.analysis.staff_review.fairness import (
    by_quartile,
    manager_flags,
    quartiles,
    team_fairness,
)


def test_quartiles_by_rank():
    values = pd.Series([1.3, 1.2, 1.1, 1.0, 0.9, 0.8, 0.7, 0.6], index=list("abcdefgh"))
    assert quartiles(values).tolist() == [1, 1, 2, 2, 3, 3, 4, 4]


def test_team_fairness_counts_and_flags():
    comp = pd.Series([1.3, 1.1, 0.9, 0.7], index=["top", "b", "c", "low"])
    events = pd.DataFrame(
        {
            "staff_id": ["top", "top", "low", "low", "b", "top"],
            "date": pd.to_datetime(
                ["2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01", "2026-06-02", "2025-01-01"]
            ),
            "kind": ["criticism", "criticism", "praise", "reward", "praise", "criticism"],
            "by_staff_id": ["H"] * 6,
            "public": [True, True, True, False, True, True],
            "note": [""] * 6,
        }
    )
    people = team_fairness(
        comp, events, ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    )
    rows = people.set_index("staff_id")
    assert (
        rows.at["top", "criticisms"] == 2 and rows.at["top", "public_criticisms"] == 2
    )  # 2025 event outside
    assert rows.at["low", "recognitions"] == 2 and rows.at["low", "quartile"] == 4
    q = by_quartile(people).set_index("quartile")
    assert q.at[1, "criticisms"] == 2 and q.at[4, "recognitions_per_person"] == 2.0
    flags = manager_flags(people)
    assert flags["criticism_on_top"] and flags["criticism_top_share"] == 1.0
    assert flags["praise_on_bottom"] and round(flags["recognition_bottom_share"], 3) == round(
        2 / 3, 3
    )


def test_replacement_cost_by_role_class():
    c = replacement_cost("wealth_manager", CostAssumptions())
    assert c == {
        "role_class": "specialist",
        "multiple": 0.8,
        "annual_cost": 250_000.0,
        "replacement_cost": 200_000.0,
    }
    assert replacement_cost("branch_head", CostAssumptions())["replacement_cost"] == 800_000.0


def test_shortfall_carried_while_the_review_waited():
    comp = pd.DataFrame(
        {
            "month": ["2026-04", "2026-05", "2026-06", "2026-07"],
            "target": [100.0] * 4,
            "actual": [80.0, 70.0, 110.0, 60.0],
            "missed": [True, True, False, True],
        }
    )
    out = shortfall_while_waiting(comp, "2026-05", None, "2026-07")
    assert out["months"] == 2 and out["shortfall"] == 70.0  # (100-70) + (100-60)
    acted = shortfall_while_waiting(comp, "2026-05", pd.Timestamp("2026-05-20"), "2026-07")
    assert acted["months"] == 1 and acted["shortfall"] == 30.0
    assert shortfall_while_waiting(comp, None, None, "2026-07")["months"] == 0
