"""Team fairness: who gets recognition and who gets criticism, against how they perform.

A manager whose criticism lands on the best performers, or whose praise lands on the
weakest, teaches the team that results do not count — the fairness breach that
precedes a top performer's exit.  Quartiles are of main-metric completion over the
review window within the team (the manager's reports, or the branch).
"""

from __future__ import annotations

from typing import TypedDict

import pandas as pd

from branch_consult.analysis.staff_review import months as M
from branch_consult.analysis.staff_review.policy import RECOGNITION_KINDS

PERSON_COLUMNS = [
    "staff_id",
    "completion",
    "quartile",
    "recognitions",
    "criticisms",
    "public_criticisms",
]
QUARTILE_COLUMNS = [
    "quartile",
    "people",
    "recognitions",
    "criticisms",
    "recognitions_per_person",
    "criticisms_per_person",
]


def quartiles(completion: pd.Series) -> pd.Series:
    """Quartile of each value, 1 = top 25% … 4 = bottom 25% (by rank, ties share the better quartile)."""
    if completion.empty:
        return pd.Series(dtype="int64")
    share_above = (completion.rank(method="min", ascending=False) - 1) / len(completion)
    return (share_above * 4).astype(int).clip(0, 3).add(1).astype("int64")


def team_fairness(
    team_completion: pd.Series, events: pd.DataFrame, months: list[str]
) -> pd.DataFrame:
    """Per team member: completion, quartile, recognitions (praise + reward), criticisms and public ones in `months`."""
    ev = events.assign(date=pd.to_datetime(events["date"]), staff_id=events["staff_id"].astype(str))
    ev = ev[
        (ev["date"] >= M.start(months[0]))
        & (ev["date"] <= M.end(months[-1]))
        & ev["staff_id"].isin(team_completion.index)
    ]
    crit = ev[ev["kind"] == "criticism"]
    out = pd.DataFrame(
        {"staff_id": team_completion.index.astype(str), "completion": team_completion.to_numpy()}
    )
    out["quartile"] = quartiles(team_completion).to_numpy()
    out["recognitions"] = (
        out["staff_id"]
        .map(ev[ev["kind"].isin(RECOGNITION_KINDS)].groupby("staff_id").size())
        .fillna(0)
        .astype("int64")
    )
    out["criticisms"] = (
        out["staff_id"].map(crit.groupby("staff_id").size()).fillna(0).astype("int64")
    )
    out["public_criticisms"] = (
        out["staff_id"]
        .map(crit[crit["public"].astype(bool)].groupby("staff_id").size())
        .fillna(0)
        .astype("int64")
    )
    return out.sort_values(["quartile", "completion"], ascending=[True, False], ignore_index=True)[
        PERSON_COLUMNS
    ]


def by_quartile(people: pd.DataFrame) -> pd.DataFrame:
    """Recognition and criticism per quartile, in total and per person."""
    agg = people.groupby("quartile").agg(
        people=("staff_id", "size"),
        recognitions=("recognitions", "sum"),
        criticisms=("criticisms", "sum"),
    )
    agg = agg.reindex(range(1, 5), fill_value=0)
    agg["recognitions_per_person"] = agg["recognitions"] / agg["people"].where(agg["people"] > 0)
    agg["criticisms_per_person"] = agg["criticisms"] / agg["people"].where(agg["people"] > 0)
    return agg.rename_axis("quartile").reset_index()[QUARTILE_COLUMNS]


class ManagerFlags(TypedDict):
    """Counts and shares of a team's criticism and recognition, and the two flags drawn from them."""

    criticisms: int
    public_criticisms: int
    recognitions: int
    criticism_top_share: float
    public_criticism_top_share: float
    recognition_bottom_share: float
    criticism_on_top: bool
    praise_on_bottom: bool


def manager_flags(people: pd.DataFrame, min_events: int = 2, share: float = 0.5) -> ManagerFlags:
    """Does criticism fall on the top quartile, or recognition on the bottom one?

    criticism_on_top: at least `min_events` criticisms, and at least `share` of them
    (or of the public ones) went to top-quartile people.  praise_on_bottom: the same
    for recognitions going to the bottom quartile.
    """
    crit, pub, rec = (
        people["criticisms"].sum(),
        people["public_criticisms"].sum(),
        people["recognitions"].sum(),
    )
    top, bottom = (
        people[people["quartile"] == 1],
        people[people["quartile"] == people["quartile"].max()],
    )
    crit_top = top["criticisms"].sum() / crit if crit else 0.0
    pub_top = top["public_criticisms"].sum() / pub if pub else 0.0
    rec_bottom = bottom["recognitions"].sum() / rec if rec else 0.0
    return {
        "criticisms": int(crit),
        "public_criticisms": int(pub),
        "recognitions": int(rec),
        "criticism_top_share": float(crit_top),
        "public_criticism_top_share": float(pub_top),
        "recognition_bottom_share": float(rec_bottom),
        "criticism_on_top": bool(
            (crit >= min_events and crit_top >= share) or (pub >= min_events and pub_top >= share)
        ),
        "praise_on_bottom": bool(rec >= min_events and rec_bottom >= share),
    }
