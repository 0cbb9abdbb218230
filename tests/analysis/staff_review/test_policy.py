"""Policy checkpoints on hand-made runs and events."""

import pandas as pd

from branch_consult.analysis.staff_review.policy import (
    Policy,
    assessment_check,
    recognition_checkpoints,
    review_checkpoints,
)

RUN_COLUMNS = ["staff_id", "metric", "state", "start", "end", "months"]


def _events(rows):
    return pd.DataFrame(
        rows, columns=["staff_id", "date", "kind", "by_staff_id", "public", "note"]
    ).assign(date=lambda f: pd.to_datetime(f["date"]))


def test_review_due_the_month_after_the_third_miss_and_next_step_after_coaching():
    runs = pd.DataFrame([["A", "deposits", "missed", "2026-02", "2026-10", 9]], columns=RUN_COLUMNS)
    out = review_checkpoints(
        runs, _events([["A", "2026-04-21", "training", "H", False, ""]]), Policy(), "2026-10"
    )
    assert out[["step", "trigger_month", "due_month", "status"]].values.tolist() == [
        ["review", "2026-04", "2026-05", "missing"],
        ["next_step", "2026-07", "2026-08", "missing"],
    ]
    # overdue from 2026-05-01 to 2026-10-31: 183 days; from 2026-08-01: 91
    assert out["delay_days"].tolist() == [183, 91]


def test_on_time_late_and_left():
    runs = pd.DataFrame(
        [
            ["A", "d", "missed", "2026-01", "2026-03", 3],
            ["B", "d", "missed", "2026-01", "2026-03", 3],
            ["C", "d", "missed", "2026-01", "2026-03", 3],
        ],
        columns=RUN_COLUMNS,
    )
    events = _events(
        [
            ["A", "2026-04-05", "review", "H", False, ""],
            ["B", "2026-06-10", "transfer", "H", False, ""],
        ]
    )
    left = pd.Series({"C": pd.Timestamp("2026-03-20")})
    out = review_checkpoints(
        runs, events, Policy(coaching_window_months=0), "2026-10", left
    ).set_index("staff_id")
    assert out.at["A", "status"] == "on_time" and out.at["A", "delay_days"] == 4
    assert (
        out.at["B", "status"] == "late"
        and out.at["B", "action_kind"] == "transfer"
        and out.at["B", "delay_days"] == 70
    )
    assert out.at["C", "status"] == "left"


def test_recognition_blocks_of_three_months():
    runs = pd.DataFrame([["S", "w", "over", "2025-11", "2026-09", 11]], columns=RUN_COLUMNS)
    events = _events([["S", "2026-05-10", "praise", "H", True, ""]])
    out = recognition_checkpoints(runs, events, Policy(), "2026-10")
    # blocks Nov-Jan (due Feb), Feb-Apr (due May), May-Jul (due Aug): praise on 10 May is in time
    # for the second block (its due month) and falls inside the third
    assert out[["trigger_month", "status"]].values.tolist() == [
        ["2026-01", "missing"],
        ["2026-04", "on_time"],
        ["2026-07", "on_time"],
    ]
    assert out["delay_days"].iloc[0] == 272  # 2026-02-01 to 2026-10-31


def test_month_three_assessment():
    assess = pd.DataFrame(
        {
            "staff_id": ["N", "N"],
            "date": pd.to_datetime(["2026-05-01", "2026-05-01"]),
            "competency": ["a", "b"],
            "score": [3, 4],
            "assessor": ["HR", "HR"],
        }
    )
    done = assessment_check("N", pd.Timestamp("2026-02-10"), assess, Policy(), "2026-10", "2025-11")
    assert done["due"] == pd.Timestamp("2026-05-10")
    assert done["status"] == "done"  # 2026-05-01 is before the due date 2026-05-10
    late = assessment_check("N", pd.Timestamp("2026-01-10"), assess, Policy(), "2026-10", "2025-11")
    assert late["status"] == "late"
    missing = assessment_check(
        "M", pd.Timestamp("2026-01-10"), assess, Policy(), "2026-10", "2025-11"
    )
    assert missing["status"] == "missing"
    assert (
        assessment_check("M", pd.Timestamp("2026-09-10"), assess, Policy(), "2026-10", "2025-11")[
            "status"
        ]
        == "not_due"
    )
    assert (
        assessment_check("M", pd.Timestamp("2019-01-10"), assess, Policy(), "2026-10", "2025-11")[
            "status"
        ]
        == "before_records"
    )
