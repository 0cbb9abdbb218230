"""The campaign calendar: phases as a Gantt chart and weekly cumulative milestones.

Each phase carries the share of the goal expected in it; inside a phase progress is
spread by days, and the weekly increments are rounded with the largest-remainder
method so the last milestone is the whole goal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from branch_consult.analysis.campaign.split import largest_remainder
from branch_consult.campaign_plan import Phase


def phase_table(phases: Sequence[Phase]) -> pd.DataFrame:
    """Phase, start, end, days and goal share, in calendar order."""
    rows = [
        {
            "phase": p.kind,
            "start": p.start,
            "end": p.end,
            "days": (p.end - p.start).days + 1,
            "share": p.share,
        }
        for p in sorted(phases, key=lambda p: p.start)
    ]
    return pd.DataFrame(rows)


def daily_share(phases: Sequence[Phase]) -> pd.Series:
    """Expected share of the goal per calendar day (phase share spread evenly over its days)."""
    total = sum(p.share for p in phases)
    values: dict[dt.date, float] = {}
    for p in phases:
        days = pd.date_range(p.start, p.end, freq="D")
        for d in days:
            values[d.date()] = values.get(d.date(), 0.0) + (
                p.share / total / len(days) if total else 0.0
            )
    return pd.Series(values).sort_index()


def weekly_milestones(phases: Sequence[Phase], goal: float, unit: float = 1.0) -> pd.DataFrame:
    """Week ending, phase, this week's target and the cumulative milestone (ends at `goal` exactly)."""
    daily = daily_share(phases)
    start = daily.index[0]
    week = [(d - start).days // 7 for d in daily.index]
    frame = pd.DataFrame({"date": daily.index, "share": daily.to_numpy(), "week": week})
    by_week = frame.groupby("week").agg(week_end=("date", "max"), share=("share", "sum"))
    by_week["target"] = largest_remainder(goal, by_week["share"].to_numpy(), unit)
    by_week["cumulative"] = by_week["target"].cumsum()
    kinds = {d: p.kind for p in phases for d in pd.date_range(p.start, p.end).date}
    by_week["phase"] = [kinds.get(d, "") for d in by_week["week_end"]]
    by_week = by_week.reset_index()
    by_week["week"] += 1
    return by_week[["week", "week_end", "phase", "target", "cumulative"]]
