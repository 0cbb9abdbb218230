"""Performance history of the people under review: every metric they carry, month by month.

The role's main metric comes first (`analysis.targets.role_main_metrics`, the same
choice the diagnostic makes), so a person is judged on what their role is for.  Runs
of misses and of over-performance, and where the person stands in the branch and in
their role across the bank, are what the policy and flight-risk checks read.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from branch_consult.analysis.staff_review import months as M

COMPLETION_COLUMNS = [
    "staff_id",
    "metric",
    "main",
    "month",
    "target",
    "actual",
    "completion",
    "missed",
    "over",
]
RUN_COLUMNS = ["staff_id", "metric", "state", "start", "end", "months"]
RANK_COLUMNS = [
    "staff_id",
    "metric",
    "completion",
    "branch_rank",
    "branch_n",
    "role_rank",
    "role_n",
    "role_percentile",
]


def completion(
    targets: pd.DataFrame,
    staff_ids: Iterable[str],
    main: pd.Series,
    months: list[str],
    over_level: float = 1.1,
) -> pd.DataFrame:
    """Monthly target, actual and completion of `staff_ids` on every metric, in `months`.

    missed = actual < target; over = completion ≥ `over_level`.  `main` maps staff_id →
    main metric; main-metric rows come first for each person.  Months with no target
    (zero or missing) have no completion and count as neither.
    """
    ids = [str(s) for s in staff_ids]
    rows = targets[
        (targets["level"] == "staff")
        & targets["id"].astype(str).isin(ids)
        & targets["month"].astype(str).isin(months)
    ]
    target = rows["target"].astype("float64")
    out = pd.DataFrame(
        {
            "staff_id": rows["id"].astype(str),
            "metric": rows["metric"].astype(str),
            "month": rows["month"].astype(str),
            "target": target,
            "actual": rows["actual"].astype("float64"),
        }
    )
    out["completion"] = out["actual"] / target.where(target > 0)
    out["missed"] = (out["completion"] < 1.0).fillna(False).astype(bool)
    out["over"] = (out["completion"] >= over_level).fillna(False).astype(bool)
    out["main"] = out["metric"] == out["staff_id"].map(main).astype(object)
    out = out.sort_values(
        ["staff_id", "main", "metric", "month"], ascending=[True, False, True, True]
    )
    return out[COMPLETION_COLUMNS].reset_index(drop=True)


def runs(comp: pd.DataFrame, flag: str) -> pd.DataFrame:
    """Every run of consecutive months where `flag` ("missed" or "over") holds, per person and metric.

    A month missing from the data breaks a run.  state is the flag's name; start and
    end are months; the longest runs come first within a person.
    """
    work = comp[["staff_id", "metric", "month", flag]].copy()
    if work.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in RUN_COLUMNS}).astype(
            {"months": "int64"}
        )
    work["m"] = [M.index(m) for m in work["month"]]
    work = work.sort_values(["staff_id", "metric", "m"]).reset_index(drop=True)
    same = work["staff_id"].eq(work["staff_id"].shift()) & work["metric"].eq(work["metric"].shift())
    new = ~same | work["m"].diff().ne(1) | work[flag].ne(work[flag].shift())
    work["run"] = new.cumsum()
    held = work[work[flag]]
    agg = held.groupby("run").agg(
        staff_id=("staff_id", "first"),
        metric=("metric", "first"),
        first=("m", "min"),
        last=("m", "max"),
        months=("m", "size"),
    )
    out = pd.DataFrame(
        {
            "staff_id": agg["staff_id"],
            "metric": agg["metric"],
            "state": flag,
            "start": [M.text(int(i)) for i in agg["first"]],
            "end": [M.text(int(i)) for i in agg["last"]],
            "months": agg["months"].astype("int64"),
        }
    )
    return out.sort_values(
        ["staff_id", "metric", "months", "start"],
        ascending=[True, True, False, True],
        ignore_index=True,
    )[RUN_COLUMNS]


def run_length_at(comp: pd.DataFrame, flag: str) -> pd.Series:
    """For each row (person, metric, month): how many consecutive months up to it `flag` has held (0 if not)."""
    work = comp.assign(m=[M.index(m) for m in comp["month"]]).sort_values(
        ["staff_id", "metric", "m"]
    )
    same = work["staff_id"].eq(work["staff_id"].shift()) & work["metric"].eq(work["metric"].shift())
    new = ~same | work["m"].diff().ne(1) | work[flag].ne(work[flag].shift())
    counts = work.groupby(new.cumsum()).cumcount() + 1
    return counts.where(work[flag], 0).astype("int64").reindex(comp.index)


def ranks(
    targets: pd.DataFrame,
    staff: pd.DataFrame,
    main: pd.Series,
    staff_ids: Iterable[str],
    months: list[str],
) -> pd.DataFrame:
    """Where each person stands on their main metric over `months`: within the branch and within the role bank-wide.

    completion = Σ actual / Σ target over the months (a person with no target in
    them is unranked).  In the branch, the person is ranked among colleagues with the
    same main metric (`main`); across the bank, among everyone in the same role who
    carries that metric.  Rank 1 is best; role_percentile is the share of the role's
    people this person does at least as well as (0-1).
    """
    rows = targets[(targets["level"] == "staff") & targets["month"].astype(str).isin(months)]
    people = staff.drop_duplicates("staff_id")
    people = people.set_index(people["staff_id"].astype(str))
    out = []
    for sid in (str(s) for s in staff_ids):
        metric = main.get(sid)
        if metric is None or pd.isna(metric) or sid not in people.index:
            continue
        mine = rows[rows["metric"].astype(str) == metric]
        sums = mine.groupby(mine["id"].astype(str))[["target", "actual"]].sum()
        comp = (sums["actual"] / sums["target"].where(sums["target"] > 0)).dropna()
        if sid not in comp.index:
            continue
        role_ids = people.index[people["role"] == people.at[sid, "role"]]
        in_branch = people.index[people["branch_id"] == people.at[sid, "branch_id"]]
        branch_ids = [i for i in in_branch if main.get(i) == metric]
        by_role, by_branch = comp[comp.index.isin(role_ids)], comp[comp.index.isin(branch_ids)]
        value = comp[sid]
        out.append(
            {
                "staff_id": sid,
                "metric": metric,
                "completion": float(value),
                "branch_rank": int((by_branch > value).sum()) + 1,
                "branch_n": len(by_branch),
                "role_rank": int((by_role > value).sum()) + 1,
                "role_n": len(by_role),
                "role_percentile": float((by_role <= value).sum() / len(by_role)),
            }
        )
    if not out:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in RANK_COLUMNS})
    return pd.DataFrame(out, columns=RANK_COLUMNS)
