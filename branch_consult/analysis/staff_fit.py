"""Staff fit (人岗匹配): flight-risk signals and the top-performer-who-left pattern.

The classic loss: someone consistently over target is criticised by a senior manager,
in public, sees a weak peer tolerated, and resigns.  The data shows the first two
and the resignation; this module finds people who fit that sequence so the
diagnostic (and later the case review) can point at the leadership gap.
"""

from __future__ import annotations

import pandas as pd

from branch_consult.analysis.targets import main_metrics


def monthly_completion(targets: pd.DataFrame, main: pd.Series | None = None) -> pd.DataFrame:
    """Per staff and month on their main metric: target, actual, completion (actual/target)."""
    staff_rows = targets[targets["level"] == "staff"]
    if staff_rows.empty:
        return pd.DataFrame(
            columns=["staff_id", "month", "metric", "target", "actual", "completion"]
        )
    given: pd.Series | pd.DataFrame = main_metrics(staff_rows) if main is None else main
    frame = (
        given.rename("metric").rename_axis("staff_id").reset_index()
        if isinstance(given, pd.Series)
        else given
    )
    mains = frame.rename(columns={"id": "staff_id", "main_metric": "metric"})[
        ["staff_id", "metric"]
    ]
    rows = staff_rows.rename(columns={"id": "staff_id"}).merge(mains, on=["staff_id", "metric"])
    target = rows["target"].astype("float64")
    out = rows[["staff_id", "month", "metric"]].copy()
    out["target"] = target
    out["actual"] = rows["actual"].astype("float64")
    out["completion"] = out["actual"] / target.where(target > 0)
    return out.sort_values(["staff_id", "month"], ignore_index=True)


def top_performer_exits(
    targets: pd.DataFrame,
    staff: pd.DataFrame,
    events: pd.DataFrame,
    month: str,
    lookback_months: int = 12,
    history_months: int = 6,
    over_share: float = 0.8,
    criticism_window_days: int = 180,
    main: pd.Series | None = None,
) -> pd.DataFrame:
    """Leavers of the last `lookback_months` who beat target in most of their last
    `history_months` months and were publicly criticised within `criticism_window_days`
    before leaving; with who criticised them."""
    columns = [
        "staff_id",
        "name",
        "role",
        "left_on",
        "months_over_target",
        "months_observed",
        "mean_completion",
        "public_criticisms",
        "criticised_by",
    ]
    end = pd.Period(month, freq="M").end_time.normalize()
    start = end - pd.DateOffset(months=lookback_months)
    resigned = events[events["kind"] == "resignation"].groupby("staff_id")["date"].min()
    left = staff.set_index("staff_id")["left_on"].dropna()
    left_on = pd.concat([left, resigned]).groupby(level=0).min()
    left_on = left_on[(left_on > start) & (left_on <= end)]
    if left_on.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    comp = monthly_completion(targets, main)
    rows = []
    names = staff.set_index("staff_id")
    for staff_id, left_date in left_on.items():
        before = comp[
            (comp["staff_id"] == staff_id)
            & (comp["month"] <= f"{left_date.year:04d}-{left_date.month:02d}")
        ].tail(history_months)
        if before.empty:
            continue
        over = int((before["completion"] >= 1.0).sum())
        if over < over_share * len(before):
            continue
        crit = events[
            (events["staff_id"] == staff_id)
            & (events["kind"] == "criticism")
            & events["public"].astype(bool)
            & (events["date"] <= left_date)
            & (events["date"] >= left_date - pd.Timedelta(days=criticism_window_days))
        ]
        if crit.empty:
            continue
        by = crit["by_staff_id"].dropna().astype(str).unique().tolist()
        person = names.loc[staff_id] if staff_id in names.index else None
        rows.append(
            {
                "staff_id": staff_id,
                "name": person["name"] if person is not None else staff_id,
                "role": person["role"] if person is not None else "",
                "left_on": left_date,
                "months_over_target": over,
                "months_observed": len(before),
                "mean_completion": float(before["completion"].mean()),
                "public_criticisms": len(crit),
                "criticised_by": "、".join(
                    str(names.loc[b, "name"]) if b in names.index else b for b in by
                ),
            }
        )
    return pd.DataFrame(rows, columns=columns)
