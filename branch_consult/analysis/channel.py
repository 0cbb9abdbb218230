"""Channel migration (渠道迁移): mobile-banking adoption overall, by tier and by age band.

Moving customers to mobile banking frees counter time and is itself a target;
adoption by tier shows whether valuable customers are being served digitally,
adoption by age shows where the untapped, reachable customers are.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from branch_consult.analysis.tiers import TIER_LABELS_ZH, TIERS

#: Default age cut points: <30, 30–44, 45–59, 60+.
AGE_CUTS: tuple[int, ...] = (30, 45, 60)
UNKNOWN_AGE = "unknown"


def age_band_labels(cuts: Sequence[int] = AGE_CUTS) -> list[str]:
    """Labels for the bands the cut points make: '<30', '30–44', '45–59', '60+'."""
    cuts = list(cuts)
    if not cuts or cuts != sorted(set(cuts)):
        raise ValueError(f"age cuts must be increasing and non-empty, got {cuts}")
    labels = [f"<{cuts[0]}"]
    labels += [f"{lo}–{hi - 1}" for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)]
    labels.append(f"{cuts[-1]}+")
    return labels


def age_bands(birth_year: pd.Series, as_of_year: int, cuts: Sequence[int] = AGE_CUTS) -> pd.Series:
    """Age band of each customer (age = as_of_year − birth_year); missing birth years give NaN."""
    age = as_of_year - pd.to_numeric(birth_year, errors="coerce").astype("float64")
    labels = age_band_labels(cuts)
    bins = [-np.inf, *cuts, np.inf]
    return pd.cut(age, bins=bins, labels=labels, right=False).rename("age_band")


def _flag(values: pd.Series) -> np.ndarray:
    """Booleans with missing values as False (unknown is not adopted)."""
    return values.astype("boolean").fillna(False).to_numpy(dtype=bool)


def adoption_rate(customers: pd.DataFrame) -> float:
    """Share of customers with mobile banking (NaN if there are none)."""
    n = len(customers)
    return float(_flag(customers["mobile_banking"]).sum() / n) if n else float("nan")


def _adoption(groups: pd.Series, mobile: pd.Series, order: list[str]) -> pd.DataFrame:
    """customers, mobile and rate per group, one row per label in `order` (empty groups: NaN rate)."""
    frame = pd.DataFrame({"group": groups.astype("str").to_numpy(), "mobile": _flag(mobile)})
    g = frame.groupby("group")
    out = pd.DataFrame({"customers": g.size(), "mobile": g["mobile"].sum()}).reindex(
        order, fill_value=0
    )
    out = out.astype("int64")
    out["rate"] = out["mobile"] / out["customers"].where(out["customers"] != 0)
    return out


def adoption_by_tier(customers: pd.DataFrame, tiers: pd.DataFrame) -> pd.DataFrame:
    """Mobile adoption per tier (`tiers` from `assign_tiers`): tier, tier_zh, customers, mobile, rate."""
    frame = tiers[["customer_id", "tier"]].merge(
        customers[["customer_id", "mobile_banking"]].drop_duplicates("customer_id"),
        on="customer_id",
        how="left",
    )
    out = _adoption(frame["tier"], frame["mobile_banking"], list(TIERS))
    out.index.name = "tier"
    out = out.reset_index()
    out.insert(1, "tier_zh", out["tier"].map(TIER_LABELS_ZH))
    return out


def adoption_by_age(
    customers: pd.DataFrame, as_of_year: int, cuts: Sequence[int] = AGE_CUTS
) -> pd.DataFrame:
    """Mobile adoption per age band, youngest first: age_band, customers, mobile, rate.

    Customers without a birth year get an 'unknown' row, shown only when there are any.
    """
    bands = age_bands(customers["birth_year"], as_of_year, cuts)
    labels = age_band_labels(cuts)
    missing = bands.isna().to_numpy()
    order = labels + ([UNKNOWN_AGE] if missing.any() else [])
    groups = bands.astype("object").where(~missing, UNKNOWN_AGE)
    out = _adoption(groups, customers["mobile_banking"], order)
    out.index.name = "age_band"
    return out.reset_index()
