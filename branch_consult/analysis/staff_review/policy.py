"""Was the bank's own policy applied to this person, on both sides?

Performance side: N consecutive misses on the main metric trigger a review
(`review` or `transfer` event, as in `analysis.targets.REVIEW_KINDS`), due the month
after the N-th miss; when the misses go on through an optional coaching window the
next step (a change of role, or a documented decision) is due.  A new hire gets an
assessment by month M.  Recognition side: N consecutive months of over-performance
deserve praise or a reward; a top performer who is never recognised is a breach too.
Each checkpoint says when it fell due, what actually happened and how late.
"""

from __future__ import annotations

from typing import TypedDict

import pandas as pd
from pydantic import BaseModel, Field

from branch_consult.analysis.staff_review import months as M
from branch_consult.analysis.targets import REVIEW_KINDS

RECOGNITION_KINDS = ("praise", "reward")
CHECKPOINT_COLUMNS = [
    "staff_id",
    "step",
    "trigger_month",
    "due_month",
    "action_kind",
    "action_date",
    "status",
    "delay_days",
]


class Policy(BaseModel):
    """The bank's people policy as parameters (defaults: the sample bank's policy)."""

    review_after_misses: int = Field(
        3, ge=1, description="Consecutive misses that trigger a review."
    )
    coaching_window_months: int = Field(
        3, ge=0, description="Months of coaching after the review before the next step; 0: none."
    )
    assessment_month: int = Field(
        3, ge=1, description="A new hire is assessed by this month of service."
    )
    recognition_after_months: int = Field(
        3, ge=1, description="Consecutive over-target months that deserve recognition."
    )
    over_level: float = Field(1.1, gt=1.0, description="Completion counted as over-performance.")


def _events_of(events: pd.DataFrame, staff_id: str, kinds: tuple[str, ...]) -> pd.DataFrame:
    mine = events[(events["staff_id"].astype(str) == staff_id) & events["kind"].isin(kinds)]
    return mine.assign(date=pd.to_datetime(mine["date"])).sort_values("date")


def _status(
    action: pd.Timestamp | None, due_month: str, as_of: str, left_on: pd.Timestamp | None
) -> tuple[str, int | None]:
    """on_time / late / missing / left / not_due, and the delay in days from the start of the due month."""
    due = M.start(due_month)
    if action is not None:
        return ("on_time" if action <= M.end(due_month) else "late"), max(0, (action - due).days)
    if M.index(due_month) > M.index(as_of):
        return "not_due", None
    if left_on is not None and left_on < due:
        return "left", None
    stop = min(M.end(as_of), left_on) if left_on is not None else M.end(as_of)
    return "missing", max(0, (stop - due).days)


def review_checkpoints(
    miss_runs: pd.DataFrame,
    events: pd.DataFrame,
    policy: Policy,
    as_of: str,
    left_on: pd.Series | None = None,
) -> pd.DataFrame:
    """Every point a miss streak should have triggered the policy, and what happened.

    `miss_runs` are main-metric runs of misses (`history.runs(..., "missed")`).  Step
    "review" is triggered by the N-th consecutive miss and due the month after; step
    "next_step" (change of role or a documented decision) by the (N + coaching
    window)-th miss.  The action is the first review/transfer event from the start of
    the trigger month on (before the next checkpoint of the same person, if any).
    """
    left_on = left_on if left_on is not None else pd.Series(dtype="datetime64[ns]")
    rows = []
    n, w = policy.review_after_misses, policy.coaching_window_months
    for run in miss_runs.to_dict("records"):
        steps = [("review", n)] + ([("next_step", n + w)] if w > 0 else [])
        for step, k in steps:
            if int(run["months"]) < k:
                continue
            trigger = M.shift(str(run["start"]), k - 1)
            rows.append(
                {
                    "staff_id": run["staff_id"],
                    "step": step,
                    "trigger_month": trigger,
                    "due_month": M.shift(trigger, 1),
                }
            )
    out = pd.DataFrame(rows, columns=["staff_id", "step", "trigger_month", "due_month"])
    kinds, dates, statuses, delays = [], [], [], []
    out = out.sort_values(["staff_id", "trigger_month"], ignore_index=True)
    for i, row in enumerate(out.to_dict("records")):  # a fresh 0..n-1 index: i is the label
        acts = _events_of(events, row["staff_id"], REVIEW_KINDS)
        acts = acts[acts["date"] >= M.start(row["trigger_month"])]
        later = out[(out["staff_id"] == row["staff_id"]) & (out.index > i)]
        if len(later):
            acts = acts[acts["date"] < M.start(later.iloc[0]["trigger_month"])]
        acts = acts[acts["date"] <= M.end(as_of)]
        first = acts.iloc[0] if len(acts) else None
        left = left_on.get(row["staff_id"])
        left = pd.Timestamp(left) if left is not None and pd.notna(left) else None
        status, delay = _status(
            first["date"] if first is not None else None, row["due_month"], as_of, left
        )
        kinds.append(first["kind"] if first is not None else None)
        dates.append(first["date"] if first is not None else pd.NaT)
        statuses.append(status)
        delays.append(delay)
    out["action_kind"] = pd.Series(kinds, dtype="object")
    out["action_date"] = pd.to_datetime(pd.Series(dates, dtype="object"))
    out["status"] = pd.Series(statuses, dtype="object")
    out["delay_days"] = pd.Series(delays, dtype="object").astype("Int64")
    return out[CHECKPOINT_COLUMNS]


def recognition_checkpoints(
    over_runs: pd.DataFrame, events: pd.DataFrame, policy: Policy, as_of: str
) -> pd.DataFrame:
    """Every block of N consecutive over-target months, and whether praise or a reward followed.

    A run of over-performance is cut into blocks of N months (a long run deserves
    recognition more than once); the block's recognition is any praise/reward from the
    block's first month to the end of the month after it.
    """
    n = policy.recognition_after_months
    rows = []
    for run in over_runs.to_dict("records"):
        for b in range(int(run["months"]) // n):
            first = M.shift(str(run["start"]), b * n)
            trigger = M.shift(first, n - 1)
            rows.append(
                {
                    "staff_id": run["staff_id"],
                    "step": "recognition",
                    "first": first,
                    "trigger_month": trigger,
                    "due_month": M.shift(trigger, 1),
                }
            )
    out = pd.DataFrame(rows, columns=["staff_id", "step", "first", "trigger_month", "due_month"])
    kinds, dates, statuses, delays = [], [], [], []
    for row in out.to_dict("records"):
        acts = _events_of(events, row["staff_id"], RECOGNITION_KINDS)
        acts = acts[
            (acts["date"] >= M.start(row["first"]))
            & (acts["date"] <= min(M.end(row["due_month"]), M.end(as_of)))
        ]
        act = acts.iloc[0] if len(acts) else None
        status, delay = _status(
            act["date"] if act is not None else None, row["due_month"], as_of, None
        )
        if act is not None:
            status, delay = "on_time", 0
        kinds.append(act["kind"] if act is not None else None)
        dates.append(act["date"] if act is not None else pd.NaT)
        statuses.append(status)
        delays.append(delay)
    out = out.drop(columns="first")
    out["action_kind"] = pd.Series(kinds, dtype="object")
    out["action_date"] = pd.to_datetime(pd.Series(dates, dtype="object"))
    out["status"] = pd.Series(statuses, dtype="object")
    out["delay_days"] = pd.Series(delays, dtype="object").astype("Int64")
    return out.sort_values(["staff_id", "trigger_month"], ignore_index=True)[CHECKPOINT_COLUMNS]


class AssessmentCheck(TypedDict):
    """The month-M assessment of one new hire (see `assessment_check`)."""

    staff_id: str
    hired_on: pd.Timestamp
    due: pd.Timestamp
    first_assessment: pd.Timestamp | None
    status: str  # done, late, missing, not_due or before_records


def assessment_check(
    staff_id: str,
    hired_on: pd.Timestamp,
    assessments: pd.DataFrame,
    policy: Policy,
    as_of: str,
    records_start: str,
) -> AssessmentCheck:
    """The month-M assessment of a new hire: due date, first assessment on record, status.

    status: done (assessed by the due date), late, missing, not_due (due after the
    as-of month) or before_records (due before the data's first month: unknowable).
    """
    hired = pd.Timestamp(hired_on)
    due = hired + pd.DateOffset(months=policy.assessment_month)
    mine = assessments[assessments["staff_id"].astype(str) == staff_id]
    dates = pd.to_datetime(mine["date"]).sort_values()
    dates = dates[dates >= hired]
    first = dates.iloc[0] if len(dates) else None
    if due > M.end(as_of):
        status = "not_due"
    elif due < M.start(records_start):
        status = "before_records"
    elif first is None or first > M.end(as_of):
        status = "missing"
    else:
        status = "done" if first <= due else "late"
    return {
        "staff_id": staff_id,
        "hired_on": hired,
        "due": due,
        "first_assessment": first,
        "status": status,
    }
