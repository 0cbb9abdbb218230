"""Lobby waits (厅堂等候) from queue tickets: how long customers wait, when, and how many counters that needs.

A ticket's wait is called_at − issued_at and its service time finished_at −
called_at, both in minutes.  Rules, applied the same way everywhere:

* a ticket never called is a walk-away (客户流失): counted on its own, never as a wait;
* a ticket with a negative wait or a negative service time has a clock error: its
  timestamps contradict each other, so neither duration is trusted; it is dropped
  from waits and service times and counted;
* a called ticket without finished_at has a wait but no service time.

Time-of-day questions (lunchtime, heatmap, arrivals) use the hour the ticket was
issued; counters open use the hour a staff member called a ticket.  Every function
takes whatever tickets it is given (filter to a branch or a queue first);
`lobby_kpis` is the exception that groups all branches at once for peer comparison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from branch_consult.analysis.queueing import servers_needed

WEEKDAY_LABELS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
}
DEFAULT_BINS = (0, 5, 10, 15, 20, 30, 45, 60)
LUNCH = ("11:30", "13:30")


# ------------------------------------------------------------------ durations


def ticket_times(tickets: pd.DataFrame) -> pd.DataFrame:
    """Per ticket: wait_min and service_min (NaN where unknown or untrusted), walked_away, clock_error.

    Keeps branch_id, issued_at, called_at and staff_id so callers can group by them.
    """
    issued = pd.to_datetime(tickets["issued_at"])
    called = pd.to_datetime(tickets["called_at"])
    finished = pd.to_datetime(tickets["finished_at"])
    wait = (called - issued).dt.total_seconds() / 60.0
    service = (finished - called).dt.total_seconds() / 60.0
    clock_error = (wait < 0) | (service < 0)
    return pd.DataFrame(
        {
            "branch_id": tickets["branch_id"],
            "issued_at": issued,
            "called_at": called,
            "staff_id": tickets["staff_id"],
            "wait_min": wait.where(~clock_error),
            "service_min": service.where(~clock_error),
            "walked_away": called.isna(),
            "clock_error": clock_error,
        },
        index=tickets.index,
    )


def _minutes_of_day(ts: pd.Series) -> pd.Series:
    minutes: pd.Series = ts.dt.hour * 60 + ts.dt.minute + ts.dt.second / 60.0
    return minutes


def _clock_minutes(hhmm: str) -> float:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _ratio(num: float, den: float) -> float:
    return num / den if den and not math.isnan(den) and not math.isnan(num) else math.nan


# ------------------------------------------------------------------ summary


@dataclass(frozen=True)
class WaitSummary:
    """Headline wait figures for a set of tickets; waits in minutes, shares as fractions."""

    tickets: int  # all tickets issued
    waits: int  # tickets whose wait is counted (called, no clock error)
    walk_aways: int
    clock_errors: int
    median_wait: float
    p90_wait: float
    mean_wait: float
    threshold_min: float
    share_over: float  # share of counted waits strictly longer than threshold_min
    walk_away_rate: float  # walk_aways / tickets issued


def wait_summary(tickets: pd.DataFrame, threshold_min: float = 15.0) -> WaitSummary:
    """Median, P90 (linear interpolation), mean, share over the threshold and walk-away rate."""
    t = ticket_times(tickets)
    waits = t["wait_min"].dropna()
    n = len(t)
    walk = int(t["walked_away"].sum())
    return WaitSummary(
        tickets=n,
        waits=len(waits),
        walk_aways=walk,
        clock_errors=int(t["clock_error"].sum()),
        median_wait=float(waits.median()) if len(waits) else math.nan,
        p90_wait=float(waits.quantile(0.9)) if len(waits) else math.nan,
        mean_wait=float(waits.mean()) if len(waits) else math.nan,
        threshold_min=float(threshold_min),
        share_over=float((waits > threshold_min).mean()) if len(waits) else math.nan,
        walk_away_rate=walk / n if n else math.nan,
    )


def wait_distribution(tickets: pd.DataFrame, edges: Sequence[float] = DEFAULT_BINS) -> pd.DataFrame:
    """Histogram of counted waits: bins (lower, upper] (the first includes 0), the last open-ended.

    Right-closed bins make "over 15 minutes" exactly the bins above 15, matching `wait_summary`.
    """
    edges = [float(e) for e in edges]
    if len(edges) < 1 or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
        raise ValueError(f"bin edges must be increasing, got {edges}")
    waits = ticket_times(tickets)["wait_min"].dropna()
    cuts = [*edges, math.inf]
    counts = (
        pd.cut(waits, cuts, right=True, include_lowest=True).value_counts(sort=False).to_numpy()
    )
    labels = [f"{a:g}–{b:g}" for a, b in zip(edges, edges[1:], strict=False)] + [f"{edges[-1]:g}+"]
    total = int(counts.sum())
    share = counts / total if total else np.full(len(counts), np.nan)
    return pd.DataFrame(
        {
            "bin": labels,
            "lower": edges,
            "upper": [*edges[1:], math.inf],
            "count": counts.astype("int64"),
            "share": share,
            "cumulative_share": np.cumsum(share),
        }
    )


# ------------------------------------------------------------------ when


def weekday_hour_heatmap(
    tickets: pd.DataFrame, stat: str = "median", lang: str = "en"
) -> pd.DataFrame:
    """Wait and ticket volume per weekday × hour of issue, long format (pivot for a heatmap).

    Columns: weekday (0 = Monday), weekday_label, hour, tickets, tickets_per_day
    (tickets / days of that weekday observed), waits (counted), wait (median or mean).
    """
    if stat not in ("median", "mean"):
        raise ValueError(f"stat must be 'median' or 'mean', got {stat!r}")
    if lang not in WEEKDAY_LABELS:
        raise ValueError(f"lang must be one of {sorted(WEEKDAY_LABELS)}, got {lang!r}")
    t = ticket_times(tickets)
    issued = t["issued_at"]
    frame = pd.DataFrame(
        {
            "weekday": issued.dt.day_of_week.astype("int64"),
            "hour": issued.dt.hour.astype("int64"),
            "day": issued.dt.normalize(),
            "wait_min": t["wait_min"],
        }
    )
    grouped = frame.groupby(["weekday", "hour"])["wait_min"]
    out = grouped.agg(tickets="size", waits="count", wait=stat).reset_index()
    days = frame.groupby("weekday")["day"].nunique()
    out["tickets"] = out["tickets"].astype("int64")
    out["waits"] = out["waits"].astype("int64")
    out["tickets_per_day"] = out["tickets"] / out["weekday"].map(days).astype("float64")
    labels = WEEKDAY_LABELS[lang]
    out["weekday_label"] = pd.Series(
        [labels[d] for d in out["weekday"]], index=out.index, dtype="str"
    )
    return out[["weekday", "weekday_label", "hour", "tickets", "tickets_per_day", "waits", "wait"]]


@dataclass(frozen=True)
class LunchComparison:
    """Median wait of tickets issued in the lunch window against the rest of the day."""

    window: tuple[str, str]
    lunch_median_wait: float
    other_median_wait: float
    ratio: float  # lunch / other; NaN when either side has no waits or other is 0
    lunch_waits: int
    other_waits: int


def _in_window(issued: pd.Series, window: tuple[str, str]) -> pd.Series:
    start, end = (_clock_minutes(w) for w in window)
    if end <= start:
        raise ValueError(f"window must end after it starts, got {window}")
    minute = _minutes_of_day(issued)
    return (minute >= start) & (minute < end)


def lunchtime_ratio(tickets: pd.DataFrame, window: tuple[str, str] = LUNCH) -> LunchComparison:
    """How much longer customers wait at lunch, when counters close for breaks (issued in [start, end))."""
    t = ticket_times(tickets)
    lunch = _in_window(t["issued_at"], window)
    in_lunch = t.loc[lunch, "wait_min"].dropna()
    other = t.loc[~lunch, "wait_min"].dropna()
    lm = float(in_lunch.median()) if len(in_lunch) else math.nan
    om = float(other.median()) if len(other) else math.nan
    return LunchComparison(
        (window[0], window[1]), lm, om, _ratio(lm, om), len(in_lunch), len(other)
    )


# ------------------------------------------------------------------ counters


def counter_requirement(
    tickets: pd.DataFrame,
    target_wait_min: float = 10.0,
    target_share: float = 0.8,
    by_day_type: bool = False,
    max_servers: int = 50,
) -> pd.DataFrame:
    """Counters needed per hour of day (Erlang C) against counters actually open → gap.

    For each hour (and day type 'weekday'/'weekend' if `by_day_type`), averaged over
    the days observed (days with any ticket): arrivals per hour = tickets issued
    (walk-aways included: they are demand); mean service time from that hour's
    tickets (the overall mean when the hour has none); counters needed = the
    smallest count serving `target_share` within `target_wait_min`; counters open =
    distinct staff calling a ticket in that hour, per day.  gap = needed − open
    (positive: too few counters).  counters_needed is <NA> when no service times
    exist or more than `max_servers` would be needed.
    """
    t = ticket_times(tickets)
    issued = t["issued_at"]
    keys = ["day_type", "hour"] if by_day_type else ["hour"]
    columns = [
        *keys,
        "days",
        "tickets",
        "arrivals_per_hour",
        "mean_service_min",
        "counters_needed",
        "counters_open",
        "gap",
    ]
    if t.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype="str" if c == "day_type" else "float64") for c in columns}
        )

    def day_type(ts: pd.Series) -> np.ndarray:
        return np.where(ts.dt.day_of_week >= 5, "weekend", "weekday")

    demand = pd.DataFrame(
        {"hour": issued.dt.hour, "day": issued.dt.normalize(), "service_min": t["service_min"]}
    )
    if by_day_type:
        demand["day_type"] = day_type(issued)
    out = (
        demand.groupby(keys)
        .agg(tickets=("day", "size"), mean_service_min=("service_min", "mean"))
        .reset_index()
    )

    served = t[t["called_at"].notna() & t["staff_id"].notna() & ~t["clock_error"]]
    called = served["called_at"]
    supply = pd.DataFrame(
        {"hour": called.dt.hour, "day": called.dt.normalize(), "staff_id": served["staff_id"]}
    )
    if by_day_type:
        supply["day_type"] = day_type(called)
    staff_hours = (
        supply.drop_duplicates([*keys, "day", "staff_id"])
        .groupby(keys)
        .size()
        .rename("staff_hours")
        .reset_index()
    )
    observed = pd.concat([demand[[*keys, "day"]], supply[[*keys, "day"]]], ignore_index=True)
    out = out.merge(staff_hours, on=keys, how="outer")
    if by_day_type:
        days = observed.groupby("day_type")["day"].nunique()
        out["days"] = out["day_type"].map(days).astype("int64")
    else:
        out["days"] = int(observed["day"].nunique())
    out["tickets"] = out["tickets"].fillna(0).astype("int64")
    # an hour without service times of its own borrows the overall mean
    out["mean_service_min"] = out["mean_service_min"].fillna(t["service_min"].mean())
    out["arrivals_per_hour"] = out["tickets"] / out["days"]
    out["counters_open"] = out["staff_hours"].fillna(0) / out["days"]

    def needed(row: pd.Series) -> int | None:
        mean = row["mean_service_min"]
        if not mean > 0:  # NaN or zero: no usable service time
            return None
        return servers_needed(
            row["arrivals_per_hour"], 60.0 / mean, target_wait_min / 60.0, target_share, max_servers
        )

    out["counters_needed"] = pd.array([needed(r) for _, r in out.iterrows()], dtype="Int64")
    out["gap"] = out["counters_needed"].astype("float64") - out["counters_open"]
    return out.sort_values(keys, ignore_index=True)[columns]


# ------------------------------------------------------------------ all branches


def lobby_kpi_columns(threshold_min: float = 15.0) -> list[str]:
    """The columns of `lobby_kpis`, in order: one list for the pandas and the DuckDB paths."""
    return [
        "tickets",
        "walk_away_rate",
        "median_wait",
        "p90_wait",
        "mean_wait",
        f"share_over_{threshold_min:g}",
        "lunch_median_wait",
        "other_median_wait",
        "lunch_ratio",
    ]


def lobby_kpis(
    tickets: pd.DataFrame,
    threshold_min: float = 15.0,
    lunch_window: tuple[str, str] = LUNCH,
) -> pd.DataFrame:
    """Wait KPIs of every branch at once (grouped, no loop over branches), indexed by branch_id.

    Columns: tickets, walk_away_rate, median_wait, p90_wait, mean_wait,
    share_over_<threshold> (share_over_15 by default), lunch_median_wait,
    other_median_wait, lunch_ratio.  Same rules as `wait_summary` and `lunchtime_ratio`.
    """
    share_col = f"share_over_{threshold_min:g}"
    columns = lobby_kpi_columns(threshold_min)
    t = ticket_times(tickets)
    if t.empty:
        index = pd.Index([], name="branch_id", dtype="str")
        return pd.DataFrame(
            {c: pd.Series(dtype="int64" if c == "tickets" else "float64") for c in columns},
            index=index,
        )
    wait = t["wait_min"]
    # factorise once: grouping on small integers is much faster than re-hashing strings per groupby
    codes, branch_ids = pd.factorize(t["branch_id"], sort=True)
    frame = pd.DataFrame(
        {
            "branch_id": codes,
            "wait": wait,
            "over": (wait > threshold_min).astype("float64").where(wait.notna()),
            "walked": t["walked_away"].astype("float64"),
            "lunch": _in_window(t["issued_at"], lunch_window),
        }
    )
    by_branch = frame.groupby("branch_id", sort=True)
    out = by_branch.agg(
        tickets=("walked", "size"),
        walk_away_rate=("walked", "mean"),
        median_wait=("wait", "median"),
        mean_wait=("wait", "mean"),
        **{share_col: ("over", "mean")},
    )
    out["p90_wait"] = by_branch["wait"].quantile(0.9)
    split = frame.groupby(["branch_id", "lunch"], sort=True)["wait"].median().unstack("lunch")
    split = split.reindex(index=out.index, columns=[True, False])
    out["lunch_median_wait"] = split[True]
    out["other_median_wait"] = split[False]
    other = out["other_median_wait"]
    out["lunch_ratio"] = (out["lunch_median_wait"] / other).where(other > 0)
    out = out[out.index >= 0]  # code -1: tickets without a branch_id
    out.index = pd.Index(branch_ids.take(out.index.to_numpy()), name="branch_id", dtype="str")
    return out[columns]
