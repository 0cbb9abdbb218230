"""Person–role fit from competency assessments against role profiles (人岗匹配).

The score is deliberately simple so a branch head can check it by hand:

* fit = Σ min(score, required) / Σ required over the profile's competencies that
  were assessed — the share of the required levels the person covers (1.0 = meets
  every required level; being above a level earns nothing extra);
* coverage = assessed competencies / competencies in the profile: how much of the
  profile the evidence covers (a role judged on one competency is a lead to check
  with a full assessment, not a verdict);
* gap = score − required per competency; met = score ≥ required.
"""

from __future__ import annotations

import pandas as pd

GAP_COLUMNS = ["competency", "required", "score", "gap", "met"]
FIT_COLUMNS = [
    "role",
    "fit",
    "coverage",
    "assessed",
    "competencies",
    "met",
    "mean_shortfall",
    "own_role",
]


def latest_assessment(assessments: pd.DataFrame, staff_id: str) -> pd.DataFrame:
    """The person's most recent assessment: competency, score, date, assessor (empty when never assessed)."""
    mine = assessments[assessments["staff_id"].astype(str) == staff_id]
    if mine.empty:
        return pd.DataFrame(columns=["competency", "score", "date", "assessor"])
    dates = pd.to_datetime(mine["date"])
    last = mine[dates == dates.max()]
    out = pd.DataFrame(
        {
            "competency": last["competency"].astype(str),
            "score": last["score"].astype("float64"),
            "date": pd.to_datetime(last["date"]),
            "assessor": last["assessor"].astype(str),
        }
    )
    return out.drop_duplicates("competency", keep="last").reset_index(drop=True)


def role_gap(latest: pd.DataFrame, profiles: pd.DataFrame, role: str) -> pd.DataFrame:
    """Each competency of the role's profile: required level, the person's score, gap and met (score NaN if not assessed)."""
    profile = profiles[profiles["role"].astype(str) == role]
    scores = latest.set_index("competency")["score"] if len(latest) else pd.Series(dtype="float64")
    out = pd.DataFrame(
        {
            "competency": profile["competency"].astype(str).to_numpy(),
            "required": profile["required"].astype("float64").to_numpy(),
        }
    )
    out["score"] = out["competency"].map(scores).astype("float64")
    out["gap"] = out["score"] - out["required"]
    out["met"] = (out["gap"] >= 0).where(out["score"].notna())
    return out[GAP_COLUMNS]


def role_fit(latest: pd.DataFrame, profiles: pd.DataFrame, own_role: str) -> pd.DataFrame:
    """The person's fit against every role profile, best first (see the module docstring for the score)."""
    rows = []
    for role in sorted(profiles["role"].astype(str).unique()):
        gap = role_gap(latest, profiles, role)
        seen = gap[gap["score"].notna()]
        covered = seen[["score", "required"]].min(axis=1).sum()
        required = seen["required"].sum()
        rows.append(
            {
                "role": role,
                "fit": float(covered / required) if required > 0 else float("nan"),
                "coverage": len(seen) / len(gap) if len(gap) else 0.0,
                "assessed": len(seen),
                "competencies": len(gap),
                "met": int((seen["gap"] >= 0).sum()),
                "mean_shortfall": float((-seen["gap"]).clip(lower=0).mean())
                if len(seen)
                else float("nan"),
                "own_role": role == own_role,
            }
        )
    out = pd.DataFrame(rows, columns=FIT_COLUMNS)
    return out.sort_values(
        ["fit", "coverage", "role"],
        ascending=[False, False, True],
        na_position="last",
        ignore_index=True,
    )


def better_fit(fits: pd.DataFrame, min_coverage: float = 0.2, margin: float = 0.05) -> pd.DataFrame:
    """Roles that fit clearly better than the own role (by `margin`), on enough evidence (`min_coverage`)."""
    own = fits.loc[fits["own_role"], "fit"]
    if own.empty or pd.isna(own.iloc[0]):
        return fits.iloc[0:0]
    cand = fits[
        ~fits["own_role"]
        & (fits["coverage"] >= min_coverage)
        & (fits["fit"] >= own.iloc[0] + margin)
    ]
    better: pd.DataFrame = cand.reset_index(drop=True)
    return better
