"""Referral funnel (联动营销): where referrals leak between teller, lobby manager and account manager.

Stages run referred → contacted → proposed → sold.  A referral's `stage` is the
furthest stage it reached, so it also counts as having reached every earlier
stage.  A 'lost' referral does not say where it stopped; it is counted as reaching
'referred' only (conservative: later stages are never inflated) and counted
separately as lost.

Every funnel frame has the same columns (`FUNNEL_COLUMNS`): counts reaching each
stage, lost, the three hand-off rates (contact_rate = contacted/referred,
proposal_rate = proposed/contacted, close_rate = sold/proposed), conversion
(sold/referred), sold_amount (yuan, sold referrals only) and the weakest hand-off.
Rates over zero are NaN.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STAGES = ("referred", "contacted", "proposed", "sold")
_REACH = {"referred": 0, "contacted": 1, "proposed": 2, "sold": 3, "lost": 0}
#: hand-off rate column → (stage reached, stage before), with labels for reports
HANDOFFS = {
    "contact_rate": ("contacted", "referred"),
    "proposal_rate": ("proposed", "contacted"),
    "close_rate": ("sold", "proposed"),
}
HANDOFF_LABELS = {
    "contact_rate": {"en": "referred → contacted", "zh": "转介→联系"},
    "proposal_rate": {"en": "contacted → proposed", "zh": "联系→方案"},
    "close_rate": {"en": "proposed → sold", "zh": "方案→成交"},
}
FUNNEL_COLUMNS = [
    *STAGES,
    "lost",
    *HANDOFFS,
    "conversion",
    "sold_amount",
    "weakest_handoff",
    "weakest_handoff_rate",
]


def _reach(referrals: pd.DataFrame) -> pd.DataFrame:
    """Per referral: 1/0 for each stage reached, lost flag and the sold amount."""
    rank = referrals["stage"].map(_REACH)
    unknown = rank.isna() & referrals["stage"].notna()
    if unknown.any():
        bad = referrals.loc[unknown, "stage"].iloc[0]
        raise ValueError(f"unknown referral stage {bad!r}; expected one of {sorted(_REACH)}")
    reached = rank.fillna(0).astype("int64").to_numpy()
    out = pd.DataFrame(
        {s: (reached >= i).astype("int64") for i, s in enumerate(STAGES)}, index=referrals.index
    )
    out["lost"] = (referrals["stage"] == "lost").to_numpy().astype("int64")
    amount = pd.to_numeric(referrals["amount"], errors="coerce").fillna(0.0).astype("float64")
    out["sold_amount"] = amount.where(out["sold"] == 1, 0.0)
    return out


def _rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Add hand-off rates, conversion and the weakest hand-off to stage counts."""
    out = counts.copy()

    def share(num: pd.Series, den: pd.Series) -> pd.Series:
        return (num / den.where(den > 0)).astype("float64")

    for col, (stage, before) in HANDOFFS.items():
        out[col] = share(out[stage], out[before])
    out["conversion"] = share(out["sold"], out["referred"])
    rates = out[list(HANDOFFS)]
    has_rate = rates.notna().any(axis=1)
    filled = rates.fillna(np.inf).to_numpy()
    weakest = (
        np.array(list(HANDOFFS), dtype=object)[filled.argmin(axis=1)]
        if len(out)
        else np.array([], dtype=object)
    )
    out["weakest_handoff"] = pd.Series(weakest, index=out.index, dtype="str").where(has_rate)
    out["weakest_handoff_rate"] = rates.min(axis=1, skipna=True).where(has_rate)
    return out[[c for c in out.columns if c not in FUNNEL_COLUMNS] + FUNNEL_COLUMNS]


def _funnel_by(referrals: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    reach = _reach(referrals)
    counts = (
        pd.concat([keys, reach], axis=1).groupby(list(keys.columns), sort=True, dropna=False).sum()
    )
    return _rates(counts).reset_index()


def funnel(referrals: pd.DataFrame) -> pd.DataFrame:
    """The overall funnel, one row per stage: reached, rate from the previous stage, share of referred.

    Long format for a funnel chart; the last row's share_of_referred is the overall conversion.
    """
    reach = _reach(referrals)
    reached = [int(reach[s].sum()) for s in STAGES]
    total = reached[0]
    prev = [np.nan, *reached[:-1]]
    return pd.DataFrame(
        {
            "stage": pd.Series(STAGES, dtype="str"),
            "reached": pd.Series(reached, dtype="int64"),
            "rate_from_previous": [
                r / p if p else np.nan for r, p in zip(reached, prev, strict=True)
            ],
            "share_of_referred": [r / total if total else np.nan for r in reached],
        }
    )


def funnel_summary(referrals: pd.DataFrame) -> pd.Series:
    """All funnel figures for the referrals given, as one row (counts, rates, sold amount, weakest hand-off)."""
    keys = pd.DataFrame({"all": np.zeros(len(referrals), dtype="int64")}, index=referrals.index)
    out = _funnel_by(referrals, keys).drop(columns="all")
    if out.empty:
        out = _rates(pd.DataFrame({c: [0] for c in [*STAGES, "lost"]} | {"sold_amount": [0.0]}))
    return out.iloc[0]


def funnel_by_role(referrals: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """Funnel per role of the referring person (teller, lobby manager ...); unknown staff → 'unknown'."""
    roles = referrals["from_staff_id"].map(
        staff.drop_duplicates("staff_id").set_index("staff_id")["role"]
    )
    keys = pd.DataFrame({"role": roles.fillna("unknown").astype("str")}, index=referrals.index)
    return _funnel_by(referrals, keys).sort_values(
        ["referred", "role"], ascending=[False, True], ignore_index=True
    )


def funnel_by_person(referrals: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """Funnel per referring person with name and role, most referrals first (ties by staff_id)."""
    keys = pd.DataFrame(
        {"from_staff_id": referrals["from_staff_id"].astype("str")}, index=referrals.index
    )
    out = _funnel_by(referrals, keys)
    people = staff.drop_duplicates("staff_id").set_index("staff_id")
    out.insert(1, "name", out["from_staff_id"].map(people["name"]).astype("str"))
    out.insert(2, "role", out["from_staff_id"].map(people["role"]).astype("str"))
    return out.sort_values(
        ["referred", "from_staff_id"], ascending=[False, True], ignore_index=True
    )


def referral_kpis(referrals: pd.DataFrame) -> pd.DataFrame:
    """Funnel figures of every branch at once (grouped, no loop), indexed by branch_id.

    Columns: referrals (= referred), the funnel columns and conversion, for peer comparison.
    """
    keys = pd.DataFrame({"branch_id": referrals["branch_id"].astype("str")}, index=referrals.index)
    out = _funnel_by(referrals, keys).set_index("branch_id")
    out.insert(0, "referrals", out["referred"])
    out.index = out.index.astype("str")
    return out
