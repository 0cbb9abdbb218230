"""Targets: progress, leaderboard, streaks and policy breaches on hand-made histories."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from branch_consult.analysis.targets import (
    branch_progress,
    leaderboard,
    main_metrics,
    miss_streaks,
    policy_breaches,
    target_kpis,
    ytd_progress,
)


def history(
    level: str,
    id_: str,
    metric: str,
    targets: list[float],
    actuals: list[float | None],
    first: int = 1,
    year: int = 2026,
) -> list[dict]:
    """One row per month from `first`; actuals may be shorter (later months have no actual yet)."""
    return [
        {
            "level": level,
            "id": id_,
            "month": f"{year}-{first + i:02d}",
            "metric": metric,
            "target": t,
            "actual": actuals[i] if i < len(actuals) else None,
        }
        for i, t in enumerate(targets)
    ]


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["level", "id", "month", "metric", "target", "actual"])
    return df.astype(
        {
            "level": "str",
            "id": "str",
            "month": "str",
            "metric": "str",
            "target": "float64",
            "actual": "float64",
        }
    )


PROGRESS = frame(
    history(
        "branch", "B1", "deposits", [100] * 12, [90, 110, 100, 60, 500]
    )  # May is after the period
    + [
        {
            "level": "branch",
            "id": "B1",
            "month": "2025-12",
            "metric": "deposits",
            "target": 100,
            "actual": 500,
        }
    ]
    + history("branch", "B1", "wealth_sales", [50] * 4, [60] * 4)  # extract stops in April
    + history("branch", "B2", "deposits", [200] * 4, [0] * 4)
    + history("staff", "S1", "deposits", [10] * 12, [10, 10, 10, 20])
    + history("staff", "S2", "deposits", [10] * 12, [5, 5, 5, 5])
    + history("staff", "S4", "deposits", [10] * 12, [10, 10, 10, 20])
    + history("staff", "S3", "deposits", [20] * 12, [20] * 4)
)

STAFF = pd.DataFrame(
    {
        "staff_id": ["S1", "S2", "S3", "S4"],
        "branch_id": ["B1", "B1", "B2", "B1"],
        "name": ["王伟", "李娜", "张敏", "刘洋"],
        "role": ["teller", "personal_am", "teller", "wealth_manager"],
        "hired_on": pd.to_datetime(["2020-01-01"] * 4),
        "left_on": pd.to_datetime([None, None, None, "2026-10-31"]),
        "manager_id": [None, None, None, None],
    }
).astype({"staff_id": "str", "branch_id": "str", "name": "str", "role": "str", "manager_id": "str"})


def test_ytd_progress_branch():
    p = ytd_progress(PROGRESS, "2026-04", "branch").set_index(["id", "metric"])
    dep = p.loc[("B1", "deposits")]
    # Jan–Apr: actual 90+110+100+60 = 360 against 400; annual target 12 × 100 = 1200
    assert (dep["target_ytd"], dep["actual_ytd"], dep["annual_target"]) == (400.0, 360.0, 1200.0)
    assert dep["ytd_completion"] == pytest.approx(0.9)
    assert dep["completion"] == pytest.approx(0.3)
    assert dep["time_elapsed"] == pytest.approx(4 / 12) and dep["months_elapsed"] == 4
    assert bool(dep["behind_pace"]) and dep["pace_gap"] == pytest.approx(1 / 3 - 0.3)
    ws = p.loc[("B1", "wealth_sales")]
    # only 4 months of targets: the year continues at 50/month → 600; 240/600 = 0.4, ahead of 1/3
    assert ws["months_with_target"] == 4 and ws["annual_target"] == 600.0
    assert ws["completion"] == pytest.approx(0.4) and not bool(ws["behind_pace"])
    assert p.loc[("B2", "deposits"), "completion"] == 0.0


def test_ytd_progress_zero_target_and_empty():
    zero = frame(history("branch", "B9", "deposits", [0, 0], [5, 5]))
    p = ytd_progress(zero, "2026-02")
    assert math.isnan(p["completion"].iloc[0]) and math.isnan(p["ytd_completion"].iloc[0])
    assert not bool(p["behind_pace"].iloc[0])
    e = ytd_progress(PROGRESS, "2024-06")
    assert e.empty and "completion" in e.columns
    with pytest.raises(ValueError):
        ytd_progress(PROGRESS, "2026-13")


def test_branch_progress():
    p = branch_progress(PROGRESS, STAFF, "B1", "2026-04")
    assert p[["level", "id"]].values.tolist() == [
        ["branch", "B1"],
        ["branch", "B1"],
        ["staff", "S1"],
        ["staff", "S2"],
        ["staff", "S4"],
    ]
    s2 = p[p["id"] == "S2"].iloc[0]
    assert (s2["name"], s2["role"]) == ("李娜", "personal_am")
    assert s2["completion"] == pytest.approx(20 / 120) and s2["ytd_completion"] == 0.5
    assert pd.isna(p["name"].iloc[0])


def test_leaderboard():
    board = leaderboard(PROGRESS, STAFF, "2026-04", "deposits", branch_id="B1")
    # S1 and S4: 50/120; S2: 20/120 → ranks 1, 1, 3
    assert board[["rank", "staff_id", "name"]].values.tolist() == [
        [1, "S1", "王伟"],
        [1, "S4", "刘洋"],
        [3, "S2", "李娜"],
    ]
    assert board["completion"].tolist() == pytest.approx([50 / 120, 50 / 120, 20 / 120])
    everyone = leaderboard(PROGRESS, STAFF, "2026-04", "deposits")
    assert everyone["staff_id"].tolist() == ["S1", "S4", "S3", "S2"]  # S3: 80/240 = 1/3
    by_plan = leaderboard(PROGRESS, STAFF, "2026-04", "deposits", by="ytd_completion")
    assert by_plan["ytd_completion"].tolist() == pytest.approx([1.25, 1.25, 1.0, 0.5])
    assert leaderboard(PROGRESS, STAFF, "2026-04", "credit_cards").empty


# Streak histories, Jan–Oct 2026.  S1: deposits always met, new_customers the main metric
# (50 of 60 new-customer target vs 100 of 560 deposits), missed Jan-Feb, Apr-Jun, Aug-Oct.
MET, MISS = 10.0, 0.0
STREAKS = frame(
    history("staff", "S1", "deposits", [10] * 10, [MET] * 10)
    + history("staff", "S1", "new_customers", [5] * 10, [0, 0, 5, 0, 0, 0, 9, 0, 0, 0])
    + history("staff", "S2", "new_customers", [1] * 10, [1] * 10)
    + history("staff", "S2", "deposits", [30] * 10, [0] * 5 + [30] * 5)  # missed Jan–May
    + history("staff", "S3", "deposits", [20, 20], [MISS, MISS])  # Jan, Feb ...
    + history("staff", "S3", "deposits", [20], [MISS], first=4)  # ... March missing, April
    + history("staff", "S4", "deposits", [10] * 10, [MET] * 6 + [MISS] * 4)  # missed Jul–Oct
    + history("branch", "B1", "deposits", [1000] * 10, [0] * 10)  # branch rows are ignored
)


def test_main_metrics():
    main = main_metrics(STREAKS)
    assert main.to_dict() == {
        "S1": "new_customers",
        "S2": "deposits",
        "S3": "deposits",
        "S4": "deposits",
    }


def test_miss_streaks_main_metric():
    s = miss_streaks(STREAKS).set_index("staff_id")
    assert s.loc[
        "S1", ["metric", "current_streak", "current_start", "longest_streak", "longest_start"]
    ].tolist() == ["new_customers", 3, "2026-08", 3, "2026-04"]  # ties: the earliest run
    assert s.loc[
        "S2", ["current_streak", "longest_streak", "longest_start", "last_month"]
    ].tolist() == [0, 5, "2026-01", "2026-10"]
    assert pd.isna(s.loc["S2", "current_start"]) and not s.loc["S2", "missed_last"]
    # S3: March is missing, so Jan–Feb (2) and April (1) are separate runs
    assert s.loc[
        "S3", ["months", "current_streak", "current_start", "longest_streak", "longest_start"]
    ].tolist() == [3, 1, "2026-04", 2, "2026-01"]
    assert s.loc["S4", ["current_streak", "current_start"]].tolist() == [4, "2026-07"]


def test_miss_streaks_given_metric_and_empty():
    s = miss_streaks(STREAKS, metric="deposits").set_index("staff_id")
    assert s.loc["S1", ["current_streak", "longest_streak"]].tolist() == [0, 0]
    assert pd.isna(s.loc["S1", "longest_start"])
    e = miss_streaks(STREAKS, metric="credit_cards")
    assert e.empty and "longest_streak" in e.columns


def test_policy_breaches():
    events = pd.DataFrame(
        {
            "staff_id": ["S2", "S4", "S4", "S1"],
            "date": pd.to_datetime(["2026-04-20", "2026-09-10", "2026-11-05", "2026-06-01"]),
            "kind": ["review", "criticism", "review", "review"],
            "by_staff_id": [None] * 4,
            "public": [False] * 4,
            "note": [None] * 4,
        }
    ).astype({"staff_id": "str", "kind": "str", "by_staff_id": "str", "note": "str"})
    b = policy_breaches(miss_streaks(STREAKS), STAFF, events, policy_months=3)
    # S1: current streak from 2026-08 → fires 2026-10, June review is too early → breach
    # S2: longest streak from 2026-01 → fires 2026-03, reviewed 2026-04-20 (within a month) → no breach
    # S4: streak from 2026-07 → fires 2026-09, criticism is not a review, Nov review too late; has left
    # S3: streak of 2 never reached the policy
    assert b["staff_id"].tolist() == ["S1", "S2", "S4"]
    rows = b.set_index("staff_id")
    assert rows.loc[
        "S1", ["streak", "streak_start", "fire_month", "action_taken", "still_employed", "breach"]
    ].tolist() == [3, "2026-08", "2026-10", False, True, True]
    assert rows.loc[
        "S2", ["streak", "fire_month", "action_taken", "action_kind", "breach"]
    ].tolist() == [5, "2026-03", True, "review", False]
    assert rows.loc["S2", "action_date"] == pd.Timestamp("2026-04-20")
    assert rows.loc["S4", ["fire_month", "action_taken", "still_employed", "breach"]].tolist() == [
        "2026-09",
        False,
        False,
        False,
    ]
    assert rows.loc["S1", "name"] == "王伟" and rows.loc["S1", "branch_id"] == "B1"
    # a stricter policy: 5 months → only S2 (5 months) reached it
    assert policy_breaches(miss_streaks(STREAKS), STAFF, events, policy_months=5)[
        "staff_id"
    ].tolist() == ["S2"]
    none = policy_breaches(miss_streaks(STREAKS), STAFF, events, policy_months=12)
    assert none.empty and "breach" in none.columns


def test_target_kpis():
    k = target_kpis(PROGRESS, "2026-04")
    assert k.index.tolist() == ["B1", "B2"] and k.index.name == "branch_id"
    assert k.loc["B1", "completion_deposits"] == pytest.approx(0.3)
    assert k.loc["B1", "completion_wealth_sales"] == pytest.approx(0.4)
    assert k.loc["B2", "completion_deposits"] == 0.0 and math.isnan(
        k.loc["B2", "completion_wealth_sales"]
    )
    assert k.loc["B1", "target_completion"] == pytest.approx(0.3)
    assert k.loc["B2", "pace_gap"] == pytest.approx(1 / 3)
    e = target_kpis(PROGRESS, "2024-01")
    assert e.empty and "pace_gap" in e.columns
