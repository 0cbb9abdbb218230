"""Customer tiers (客户分层): AUM tiers, migration, claim coverage and contact compliance.

Each bank sets its own AUM thresholds and maintenance frequencies, so they are a
parameter object with documented defaults.  The diagnostic asks three questions of
the tiers: is value growing (migration up vs down), is every valuable customer
claimed (认领) by a current account manager, and is each one contacted as often as
the tier requires (定时维护).  `unattended_top_customers` turns the gaps into a list
of names to act on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from branch_consult.analysis.balances import balances_for, customer_balances, month_end

TIERS: tuple[str, ...] = ("top", "core", "potential", "ordinary")
TIER_LABELS_ZH: dict[str, str] = {
    "top": "顶级",
    "core": "核心",
    "potential": "潜力",
    "ordinary": "普通",
}
TIER_DTYPE = pd.CategoricalDtype(list(TIERS), ordered=True)

#: Why a customer is on the unattended list, most serious first.
REASONS: tuple[str, ...] = ("unclaimed", "owner_left", "never_contacted", "overdue")
REASON_LABELS_ZH: dict[str, str] = {
    "unclaimed": "未认领",
    "owner_left": "管户经理已离职",
    "never_contacted": "从未联系",
    "overdue": "联系超期",
}


@dataclass(frozen=True)
class TierThresholds:
    """AUM floors (yuan) per tier and the contact frequency (days) each tier requires.

    Defaults: top ≥ 1,000,000; core ≥ 200,000; potential ≥ 50,000; else ordinary.
    Contact at least every 30 / 90 / 180 days for top / core / potential; ordinary
    customers have no required frequency (None).
    """

    top: float = 1_000_000
    core: float = 200_000
    potential: float = 50_000
    top_contact_days: int | None = 30
    core_contact_days: int | None = 90
    potential_contact_days: int | None = 180
    ordinary_contact_days: int | None = None

    def __post_init__(self) -> None:
        if not (self.top >= self.core >= self.potential >= 0):
            raise ValueError(
                f"tier thresholds must satisfy top ≥ core ≥ potential ≥ 0, got {self.top}, {self.core}, {self.potential}"
            )

    def contact_days(self, tier: str) -> int | None:
        """Required contact frequency of a tier, None if the tier has none."""
        if tier not in TIERS:
            raise KeyError(f"unknown tier {tier!r}; tiers are {', '.join(TIERS)}")
        days: int | None = getattr(self, f"{tier}_contact_days")
        return days

    def tier_of(self, aum: pd.Series | np.ndarray) -> pd.Categorical:
        """Tier for each AUM value (NaN AUM counts as 0: nothing held)."""
        values = np.nan_to_num(np.asarray(aum, dtype="float64"), nan=0.0)
        codes = np.select(
            [values >= self.top, values >= self.core, values >= self.potential],
            [0, 1, 2],
            default=3,
        )
        return pd.Categorical.from_codes(codes, dtype=TIER_DTYPE)


DEFAULT_THRESHOLDS = TierThresholds()


def customer_aum(
    holdings: pd.DataFrame, month: str, customers: pd.DataFrame | None = None
) -> pd.Series:
    """AUM per customer at a month-end: all products except the credit card.

    Indexed by customer_id.  Pass `customers` to get every customer, with 0 for
    those without holdings that month.
    """
    if customers is None:
        aum = customer_balances(holdings, month)["aum"]
    else:
        aum = balances_for(pd.Index(customers["customer_id"].drop_duplicates()), holdings, month)[
            "aum"
        ]
    return aum.rename("aum")


def assign_tiers(
    customers: pd.DataFrame,
    holdings: pd.DataFrame,
    month: str,
    thresholds: TierThresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """Every customer's AUM and tier at a month-end: customer_id, branch_id, aum, tier (ordered categorical)."""
    base = customers.drop_duplicates("customer_id")
    aum = balances_for(pd.Index(base["customer_id"]), holdings, month)["aum"].to_numpy()
    return pd.DataFrame(
        {
            "customer_id": base["customer_id"].to_numpy(),
            "branch_id": base["branch_id"].to_numpy(),
            "aum": aum,
            "tier": thresholds.tier_of(aum),
        }
    )


def _with_tier_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Tier index → leading tier / tier_zh columns, in tier order."""
    frame = frame.reindex(pd.CategoricalIndex(TIERS, dtype=TIER_DTYPE, name="tier")).reset_index()
    frame["tier"] = frame["tier"].astype("str")
    frame.insert(1, "tier_zh", frame["tier"].map(TIER_LABELS_ZH))
    return frame


def tier_distribution(tiers: pd.DataFrame) -> pd.DataFrame:
    """Customers and AUM per tier, with shares: tier, tier_zh, customers, share, aum, aum_share (top first)."""
    g = tiers.groupby("tier", observed=False)
    out = pd.DataFrame({"customers": g.size(), "aum": g["aum"].sum().astype("float64")})
    out = _with_tier_labels(out)
    out["customers"] = out["customers"].fillna(0).astype("int64")
    out["aum"] = out["aum"].fillna(0.0)
    n, total = out["customers"].sum(), out["aum"].sum()
    out["share"] = out["customers"] / n if n else np.nan
    out["aum_share"] = out["aum"] / total if total else np.nan
    return out[["tier", "tier_zh", "customers", "share", "aum", "aum_share"]]


@dataclass(frozen=True)
class TierMigration:
    """Tier moves between two month-ends: a from × to count matrix and the up/same/down totals."""

    matrix: pd.DataFrame
    customers: int
    up: int
    same: int
    down: int

    @property
    def up_share(self) -> float:
        return self.up / self.customers if self.customers else float("nan")

    @property
    def down_share(self) -> float:
        return self.down / self.customers if self.customers else float("nan")

    def summary(self) -> pd.DataFrame:
        """direction, direction_zh, customers, share: the up/same/down rows for a report table."""
        rows = [("up", "升级", self.up), ("same", "不变", self.same), ("down", "降级", self.down)]
        n = self.customers
        return pd.DataFrame(
            [
                {
                    "direction": d,
                    "direction_zh": zh,
                    "customers": c,
                    "share": c / n if n else np.nan,
                }
                for d, zh, c in rows
            ]
        )


def tier_migration(
    customers: pd.DataFrame,
    holdings: pd.DataFrame,
    from_month: str,
    to_month: str,
    thresholds: TierThresholds = DEFAULT_THRESHOLDS,
) -> TierMigration:
    """How customers moved between tiers from one month-end to another.

    Only customers onboarded by the end of `from_month` count (unknown onboarding
    dates count too): a customer who joined later would otherwise look like an
    upgrade from ordinary.  Rows of the matrix are the from-tier, columns the to-tier.
    """
    onboarded = pd.to_datetime(customers["onboarded_on"])
    existing = customers.loc[~(onboarded > month_end(from_month))].drop_duplicates("customer_id")
    ids = pd.Index(existing["customer_id"])
    t0 = thresholds.tier_of(balances_for(ids, holdings, from_month)["aum"])
    t1 = thresholds.tier_of(balances_for(ids, holdings, to_month)["aum"])
    matrix = pd.crosstab(
        pd.Series(t0, name="from_tier"), pd.Series(t1, name="to_tier"), dropna=False
    ).reindex(index=list(TIERS), columns=list(TIERS), fill_value=0)
    matrix.index = pd.Index(list(TIERS), name="from_tier")
    matrix.columns = pd.Index(list(TIERS), name="to_tier")
    c0, c1 = np.asarray(t0.codes), np.asarray(t1.codes)
    return TierMigration(
        matrix=matrix.astype("int64"),
        customers=len(ids),
        up=int((c1 < c0).sum()),
        same=int((c1 == c0).sum()),
        down=int((c1 > c0).sum()),
    )


# --------------------------------------------------------------------------- claims and contact


def _as_of(as_of: pd.Timestamp | str) -> pd.Timestamp:
    return pd.Timestamp(as_of).normalize()


def current_owner(
    customers: pd.DataFrame, staff: pd.DataFrame, as_of: pd.Timestamp | str
) -> pd.Series:
    """True where the customer's owner is a staff member still employed on `as_of`.

    An owner who left before `as_of`, or who is not in the staff table, does not
    count: the customer is in practice unclaimed.  Aligned to `customers`' index.
    """
    return customers["owner_staff_id"].isin(active_staff(staff, as_of)).astype(bool)


def active_staff(staff: pd.DataFrame, as_of: pd.Timestamp | str) -> pd.Series:
    """The ids of staff still employed on `as_of` (not left, or leaving that day or later),
    as text: who may own a customer (also what the bank-wide sums in SQL count as claimed)."""
    left = pd.to_datetime(staff["left_on"])
    active = staff.loc[left.isna() | (left >= _as_of(as_of)), "staff_id"]
    return pd.Series(active.dropna().astype(str).unique(), dtype="str")


def days_since_contact(customers: pd.DataFrame, as_of: pd.Timestamp | str) -> pd.Series:
    """Whole days from last_contact_on to `as_of` (NaN if never contacted). Aligned to `customers`."""
    last = pd.to_datetime(customers["last_contact_on"])
    return ((_as_of(as_of) - last).dt.days).astype("float64")


def _contact_limit(tier: pd.Series, thresholds: TierThresholds) -> pd.Series:
    """Required days for each row's tier, NaN where the tier has no requirement."""
    limits = {
        t: (np.nan if (days := thresholds.contact_days(t)) is None else float(days)) for t in TIERS
    }
    return tier.astype("str").map(limits).astype("float64")


def _tiered_customers(tiers: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    cols = ["customer_id", "owner_staff_id", "last_contact_on"]
    return tiers.merge(customers[cols].drop_duplicates("customer_id"), on="customer_id", how="left")


def claim_coverage(
    tiers: pd.DataFrame, customers: pd.DataFrame, staff: pd.DataFrame, as_of: pd.Timestamp | str
) -> pd.DataFrame:
    """Share of each tier's customers claimed by a current staff member: tier, tier_zh, customers, claimed, coverage."""
    frame = _tiered_customers(tiers, customers)
    frame["claimed"] = current_owner(frame, staff, as_of).to_numpy()
    g = frame.groupby("tier", observed=False)
    out = _with_tier_labels(pd.DataFrame({"customers": g.size(), "claimed": g["claimed"].sum()}))
    out[["customers", "claimed"]] = out[["customers", "claimed"]].fillna(0).astype("int64")
    out["coverage"] = out["claimed"] / out["customers"].where(out["customers"] != 0)
    return out[["tier", "tier_zh", "customers", "claimed", "coverage"]]


def contact_compliance(
    tiers: pd.DataFrame,
    customers: pd.DataFrame,
    as_of: pd.Timestamp | str,
    thresholds: TierThresholds = DEFAULT_THRESHOLDS,
) -> pd.DataFrame:
    """Per tier with a required frequency: share of customers contacted within it as of `as_of`.

    Columns tier, tier_zh, required_days, customers, contacted_in_time, compliance.
    Never contacted counts as not in time.  Tiers without a requirement are left out.
    """
    frame = _tiered_customers(tiers, customers)
    days = days_since_contact(frame, as_of)
    limit = _contact_limit(frame["tier"], thresholds)
    frame["in_time"] = (days <= limit).to_numpy()
    g = frame.groupby("tier", observed=False)
    out = _with_tier_labels(
        pd.DataFrame({"customers": g.size(), "contacted_in_time": g["in_time"].sum()})
    )
    out[["customers", "contacted_in_time"]] = (
        out[["customers", "contacted_in_time"]].fillna(0).astype("int64")
    )
    out.insert(2, "required_days", [thresholds.contact_days(t) for t in out["tier"]])
    out = out.loc[out["required_days"].notna()].reset_index(drop=True)
    out["required_days"] = out["required_days"].astype("int64")
    out["compliance"] = out["contacted_in_time"] / out["customers"].where(out["customers"] != 0)
    return out[["tier", "tier_zh", "required_days", "customers", "contacted_in_time", "compliance"]]


def unattended_top_customers(
    tiers: pd.DataFrame,
    customers: pd.DataFrame,
    staff: pd.DataFrame,
    as_of: pd.Timestamp | str,
    thresholds: TierThresholds = DEFAULT_THRESHOLDS,
    include_tiers: Sequence[str] = ("top",),
) -> pd.DataFrame:
    """High-value customers nobody is looking after: unclaimed, owner gone, or contact overdue.

    `reason` is the most serious gap (unclaimed > owner_left > never_contacted >
    overdue); `claimed` and `overdue` flag both gaps separately.  Sorted by AUM,
    largest first, because value-first (价值优先) is how claims are assigned.
    """
    unknown = set(include_tiers) - set(TIERS)
    if unknown:
        raise ValueError(f"unknown tiers {sorted(unknown)}; tiers are {', '.join(TIERS)}")
    frame = _tiered_customers(tiers.loc[tiers["tier"].isin(list(include_tiers))], customers)
    claimed = current_owner(frame, staff, as_of).to_numpy()
    has_owner = frame["owner_staff_id"].notna().to_numpy()
    days = days_since_contact(frame, as_of)
    limit = _contact_limit(frame["tier"], thresholds)
    never = days.isna().to_numpy() & limit.notna().to_numpy()
    late = (days > limit).to_numpy()
    overdue = never | late
    reason = np.select([~has_owner, ~claimed, never, late], list(REASONS), default="")
    out = pd.DataFrame(
        {
            "customer_id": frame["customer_id"].to_numpy(),
            "branch_id": frame["branch_id"].to_numpy(),
            "tier": frame["tier"].astype("str").to_numpy(),
            "aum": frame["aum"].to_numpy(dtype="float64"),
            "owner_staff_id": frame["owner_staff_id"].to_numpy(),
            "claimed": claimed,
            "days_since_contact": days.to_numpy(),
            "required_days": limit.to_numpy(),
            "overdue": overdue,
            "reason": reason,
        }
    )
    out = out.loc[out["reason"] != ""].copy()
    out["reason_zh"] = out["reason"].map(REASON_LABELS_ZH)
    return out.sort_values(
        ["aum", "customer_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
