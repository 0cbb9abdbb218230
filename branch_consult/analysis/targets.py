"""Targets and progress (目标/进度): completion against the calendar, leaderboard, miss streaks, policy breaches.

Monthly target and actual are amounts achieved in the month, so year-to-date
figures are sums from January to the period month.  Two ratios:

* completion = actual YTD / annual target (完成率), compared with time elapsed =
  months elapsed / 12 (时间进度); behind pace when completion < time elapsed.  The
  annual target is the sum of the year's monthly targets; when the extract stops
  before December the missing months are assumed to continue at the average
  monthly target of the months present (months_with_target says how many there were);
* ytd_completion = actual YTD / target YTD (against the phased plan).

Ratios over a zero target are NaN.  Miss streaks count consecutive calendar
months with actual < target; a month missing from the data breaks a streak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

REVIEW_KINDS = ("review", "transfer")
PROGRESS_COLUMNS = [
    "level",
    "id",
    "metric",
    "months_elapsed",
    "target_ytd",
    "actual_ytd",
    "ytd_completion",
    "months_with_target",
    "annual_target",
    "completion",
    "time_elapsed",
    "pace_gap",
    "behind_pace",
]


def _month_index(months: pd.Series) -> pd.Series:
    """'YYYY-MM' → months since year 0, so consecutive months differ by 1."""
    text = months.astype("str")
    return text.str.slice(0, 4).astype("int64") * 12 + text.str.slice(5, 7).astype("int64") - 1


def _month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _check_month(month: str) -> int:
    if not (
        isinstance(month, str)
        and len(month) == 7
        and month[4] == "-"
        and month[:4].isdigit()
        and month[5:].isdigit()
        and 1 <= int(month[5:]) <= 12
    ):
        raise ValueError(f"month must be 'YYYY-MM', got {month!r}")
    return int(month[:4]) * 12 + int(month[5:]) - 1


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den > 0)).astype("float64")


# ------------------------------------------------------------------ progress


def ytd_progress(
    targets: pd.DataFrame,
    month: str,
    level: str | None = None,
    ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Year-to-date progress per (level, id, metric) for the year of `month`, up to and including it."""
    end = _check_month(month)
    year_start = end - end % 12
    frame = targets
    if level is not None:
        frame = frame[frame["level"] == level]
    if ids is not None:
        frame = frame[frame["id"].isin(list(ids))]
    idx = _month_index(frame["month"]) if len(frame) else pd.Series(dtype="int64")
    frame = frame[(idx >= year_start) & (idx < year_start + 12)]
    idx = idx[frame.index]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in PROGRESS_COLUMNS}).astype(
            {"level": "str", "id": "str", "metric": "str", "behind_pace": "bool"}
        )
    in_ytd = (idx <= end).to_numpy()
    work = pd.DataFrame(
        {
            "level": frame["level"].astype("str"),
            "id": frame["id"].astype("str"),
            "metric": frame["metric"].astype("str"),
            "target_all": frame["target"].astype("float64"),
            "target_ytd": frame["target"].astype("float64").where(in_ytd, 0.0),
            "actual_ytd": frame["actual"].astype("float64").where(in_ytd, 0.0),
            "has_target": frame["target"].notna().astype("int64"),
        }
    )
    out = (
        work.groupby(["level", "id", "metric"], sort=True)
        .agg(
            target_ytd=("target_ytd", "sum"),
            actual_ytd=("actual_ytd", "sum"),
            target_all=("target_all", "sum"),
            months_with_target=("has_target", "sum"),
        )
        .reset_index()
    )
    months_elapsed = end - year_start + 1
    out["months_elapsed"] = months_elapsed
    out["ytd_completion"] = _ratio(out["actual_ytd"], out["target_ytd"])
    present = out["months_with_target"].astype("float64")
    out["annual_target"] = (out["target_all"] / present.where(present > 0) * 12).where(
        present < 12, out["target_all"]
    )
    out["completion"] = _ratio(out["actual_ytd"], out["annual_target"])
    out["time_elapsed"] = months_elapsed / 12
    out["pace_gap"] = out["time_elapsed"] - out["completion"]
    out["behind_pace"] = (out["pace_gap"] > 0).astype("bool")
    return out[PROGRESS_COLUMNS]


def branch_progress(
    targets: pd.DataFrame, staff: pd.DataFrame, branch_id: str, month: str
) -> pd.DataFrame:
    """The branch's own rows and those of its staff, with name and role (branch rows first)."""
    people = staff[staff["branch_id"] == branch_id].drop_duplicates("staff_id")
    branch = ytd_progress(targets, month, "branch", [branch_id])
    persons = ytd_progress(targets, month, "staff", people["staff_id"].astype("str"))
    out = pd.concat([branch, persons], ignore_index=True)
    names = people.set_index("staff_id")
    is_staff = out["level"] == "staff"
    out.insert(2, "name", out["id"].map(names["name"]).where(is_staff).astype("str"))
    out.insert(3, "role", out["id"].map(names["role"]).where(is_staff).astype("str"))
    return out


def leaderboard(
    targets: pd.DataFrame,
    staff: pd.DataFrame,
    month: str,
    metric: str,
    branch_id: str | None = None,
    by: str = "completion",
) -> pd.DataFrame:
    """龙虎榜: staff ranked by completion on one metric (1 = best, ties share a rank, no target = unranked)."""
    if by not in ("completion", "ytd_completion"):
        raise ValueError(f"by must be 'completion' or 'ytd_completion', got {by!r}")
    people = staff.drop_duplicates("staff_id")
    if branch_id is not None:
        people = people[people["branch_id"] == branch_id]
    progress = ytd_progress(
        targets[targets["metric"] == metric], month, "staff", people["staff_id"].astype("str")
    )
    names = people.set_index("staff_id")
    out = pd.DataFrame(
        {
            "staff_id": progress["id"],
            "name": progress["id"].map(names["name"]).astype("str"),
            "role": progress["id"].map(names["role"]).astype("str"),
            "target_ytd": progress["target_ytd"],
            "actual_ytd": progress["actual_ytd"],
            "annual_target": progress["annual_target"],
            "ytd_completion": progress["ytd_completion"],
            "completion": progress["completion"],
            "behind_pace": progress["behind_pace"],
        }
    )
    out.insert(0, "rank", out[by].rank(method="min", ascending=False).astype("Int64"))
    return out.sort_values(
        [by, "staff_id"], ascending=[False, True], na_position="last", ignore_index=True
    )


# ------------------------------------------------------------------ streaks


def main_metrics(targets: pd.DataFrame) -> pd.Series:
    """Each person's main metric: where they carry the largest share of all staff's target.

    Targets of different metrics are in different units, so raw sizes cannot be
    compared; the share of the metric's total is unit-free.  Ties go to the metric
    first in alphabetical order.
    """
    staff = targets[targets["level"] == "staff"]
    if staff.empty:
        return pd.Series(dtype="str", name="metric", index=pd.Index([], name="id", dtype="str"))
    per = staff.groupby(["id", "metric"], sort=True)["target"].sum().rename("target").reset_index()
    totals = per.groupby("metric")["target"].transform("sum")
    per["share"] = _ratio(per["target"], totals).fillna(0.0)
    best = per.sort_values(
        ["id", "share", "metric"], ascending=[True, False, True]
    ).drop_duplicates("id")
    return best.set_index("id")["metric"].astype("str")


#: The metric each role is mainly judged on (the sample bank's and most banks' convention).
ROLE_MAIN_METRIC: dict[str, str] = {
    "personal_am": "deposits",
    "corporate_am": "deposits",
    "wealth_manager": "wealth_sales",
    "lobby_manager": "mobile_activations",
    "teller": "credit_cards",
}


def role_main_metrics(
    targets: pd.DataFrame, staff: pd.DataFrame, by_role: Mapping[str, str] = ROLE_MAIN_METRIC
) -> pd.Series:
    """Each person's main metric: their role's (when they have targets on it), else `main_metrics`."""
    fallback = main_metrics(targets)
    rows = targets[targets["level"] == "staff"]
    have = set(zip(rows["id"].astype("str"), rows["metric"].astype("str"), strict=True))
    out: dict[str, str] = {}
    for staff_id, role in zip(
        staff["staff_id"].astype("str"), staff["role"].astype("str"), strict=True
    ):
        wanted = by_role.get(role)
        if wanted and (staff_id, wanted) in have:
            out[staff_id] = wanted
        elif staff_id in fallback.index:
            out[staff_id] = str(fallback[staff_id])
    return pd.Series(out, dtype="str", name="metric").rename_axis("id")


STREAK_COLUMNS = [
    "staff_id",
    "metric",
    "months",
    "last_month",
    "missed_last",
    "current_streak",
    "current_start",
    "longest_streak",
    "longest_start",
]


def miss_streaks(
    targets: pd.DataFrame, metric: str | Mapping[str, str] | pd.Series | None = None
) -> pd.DataFrame:
    """Per staff member: current and longest run of consecutive months with actual < target.

    On `metric` for everyone, on a per-person metric ({staff_id: metric}, e.g. from
    `role_main_metrics`), or on each person's main metric (`main_metrics`) when None.
    current_streak counts back from the person's last month in the data (0 if that month was met).
    """
    staff = targets[targets["level"] == "staff"]
    if metric is None or not isinstance(metric, str):
        main = main_metrics(targets) if metric is None else pd.Series(dict(metric), dtype="str")
        staff = staff[staff["metric"].astype("str") == staff["id"].map(main)]
    else:
        staff = staff[staff["metric"] == metric]
    if staff.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in STREAK_COLUMNS}).astype(
            {
                "months": "int64",
                "missed_last": "bool",
                "current_streak": "int64",
                "longest_streak": "int64",
            }
        )
    work = pd.DataFrame(
        {
            "staff_id": staff["id"].astype("str"),
            "metric": staff["metric"].astype("str"),
            "m": _month_index(staff["month"]),
            "miss": (
                staff["actual"].astype("float64") < staff["target"].astype("float64")
            ).to_numpy(),
        }
    )
    work = (
        work.groupby(["staff_id", "m"], sort=True)
        .agg(metric=("metric", "first"), miss=("miss", "any"))
        .reset_index()
    )
    new_person = work["staff_id"].ne(work["staff_id"].shift())
    gap = work["m"].diff().ne(1)
    new_run = new_person | gap | work["miss"].ne(work["miss"].shift())
    work["run"] = new_run.cumsum()
    work["run_len"] = work.groupby("run").cumcount() + 1
    work["run_start"] = work.groupby("run")["m"].transform("min")
    last = work.groupby("staff_id", sort=True).tail(1).set_index("staff_id")
    misses = work[work["miss"]]
    # longest run: its final row has the run's length; earliest run wins ties
    ends = misses.sort_values(
        ["staff_id", "run_len", "m"], ascending=[True, False, True]
    ).drop_duplicates("staff_id")
    ends = ends.set_index("staff_id")
    out = pd.DataFrame(index=last.index)
    out["metric"] = last["metric"]
    out["months"] = work.groupby("staff_id", sort=True).size()
    out["last_month"] = [_month_text(int(m)) for m in last["m"]]
    out["missed_last"] = last["miss"].astype("bool")
    out["current_streak"] = last["run_len"].where(last["miss"], 0).astype("int64")
    out["current_start"] = pd.Series(
        [
            _month_text(int(s)) if miss else None
            for s, miss in zip(last["run_start"], last["miss"], strict=True)
        ],
        index=out.index,
        dtype="str",
    )
    out["longest_streak"] = ends["run_len"].reindex(out.index).fillna(0).astype("int64")
    starts = ends["run_start"].reindex(out.index)
    out["longest_start"] = pd.Series(
        [_month_text(int(s)) if pd.notna(s) else None for s in starts], index=out.index, dtype="str"
    )
    return out.reset_index()[STREAK_COLUMNS]


BREACH_COLUMNS = [
    "staff_id",
    "name",
    "role",
    "branch_id",
    "metric",
    "streak",
    "streak_start",
    "fire_month",
    "action_taken",
    "action_kind",
    "action_date",
    "still_employed",
    "breach",
]


def policy_breaches(
    streaks: pd.DataFrame,
    staff: pd.DataFrame,
    staff_events: pd.DataFrame,
    policy_months: int = 3,
) -> pd.DataFrame:
    """Staff whose miss streak reached the policy length, and whether the policy was applied.

    The streak used is the current one if it reached `policy_months`, else the
    longest.  fire_month is the month of the N-th consecutive miss.  Action taken =
    a review or transfer event dated from the start of fire_month to the end of the
    following month.  breach = no action and still employed (left_on empty): the
    under-performer was kept past the policy.  Breaches first, then longest streak.
    """
    if policy_months < 1:
        raise ValueError(f"policy_months must be ≥ 1, got {policy_months}")
    use_current = streaks["current_streak"] >= policy_months
    reached = streaks[use_current | (streaks["longest_streak"] >= policy_months)]
    use_current = use_current[reached.index]
    if reached.empty:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in BREACH_COLUMNS}).astype(
            {
                "streak": "int64",
                "action_taken": "bool",
                "action_date": "datetime64[ns]",
                "still_employed": "bool",
                "breach": "bool",
            }
        )
    out = pd.DataFrame(
        {
            "staff_id": reached["staff_id"].astype("str"),
            "metric": reached["metric"],
            "streak": reached["current_streak"]
            .where(use_current, reached["longest_streak"])
            .astype("int64"),
            "streak_start": reached["current_start"]
            .where(use_current, reached["longest_start"])
            .astype("str"),
        }
    )
    fire = _month_index(out["streak_start"]) + policy_months - 1
    out["fire_month"] = [_month_text(int(m)) for m in fire]
    window_start = pd.to_datetime(out["fire_month"] + "-01")
    window_end = window_start + pd.DateOffset(months=2)  # exclusive: end of the following month

    events = staff_events[staff_events["kind"].isin(REVIEW_KINDS)]
    cand = (
        out[["staff_id"]]
        .assign(start=window_start.to_numpy(), stop=window_end.to_numpy())
        .merge(
            pd.DataFrame(
                {
                    "staff_id": events["staff_id"].astype("str"),
                    "kind": events["kind"].astype("str"),
                    "date": pd.to_datetime(events["date"]),
                }
            ),
            on="staff_id",
            how="inner",
        )
    )
    cand = cand[(cand["date"] >= cand["start"]) & (cand["date"] < cand["stop"])]
    first = cand.sort_values(["staff_id", "date"]).drop_duplicates("staff_id").set_index("staff_id")
    out["action_taken"] = out["staff_id"].isin(first.index)
    out["action_kind"] = out["staff_id"].map(first["kind"]).astype("str")
    dates = first["date"].astype("datetime64[ns]").reindex(out["staff_id"].to_numpy())
    out["action_date"] = dates.to_numpy()

    people = staff.drop_duplicates("staff_id").set_index("staff_id")
    out["name"] = out["staff_id"].map(people["name"]).astype("str")
    out["role"] = out["staff_id"].map(people["role"]).astype("str")
    out["branch_id"] = out["staff_id"].map(people["branch_id"]).astype("str")
    known = out["staff_id"].isin(people.index)
    out["still_employed"] = (known & out["staff_id"].map(people["left_on"]).isna()).astype("bool")
    out["breach"] = (~out["action_taken"] & out["still_employed"]).astype("bool")
    out = out.sort_values(
        ["breach", "streak", "staff_id"], ascending=[False, False, True], ignore_index=True
    )
    return out[BREACH_COLUMNS]


# ------------------------------------------------------------------ all branches


def target_kpis(targets: pd.DataFrame, month: str, main_metric: str = "deposits") -> pd.DataFrame:
    """Branch-level completion per metric for every branch at once, indexed by branch_id.

    Columns: completion_<metric> for each branch metric in the data, time_elapsed,
    and for `main_metric`: target_completion and pace_gap (time elapsed − completion).
    """
    progress = ytd_progress(targets, month, "branch")
    time_elapsed = (_check_month(month) % 12 + 1) / 12
    if progress.empty:
        out = pd.DataFrame(
            {
                c: pd.Series(dtype="float64")
                for c in ("time_elapsed", "target_completion", "pace_gap")
            },
            index=pd.Index([], name="branch_id", dtype="str"),
        )
        return out
    wide = progress.pivot(index="id", columns="metric", values="completion")
    wide.columns = [f"completion_{m}" for m in wide.columns]
    wide.index = pd.Index(wide.index.astype("str"), name="branch_id")
    wide["time_elapsed"] = time_elapsed
    main = f"completion_{main_metric}"
    wide["target_completion"] = wide[main] if main in wide else np.nan
    wide["pace_gap"] = wide["time_elapsed"] - wide["target_completion"]
    return wide
