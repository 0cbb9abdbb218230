"""Tiers, migration, claim coverage, contact compliance and the unattended list."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from branch_consult.analysis.tiers import (
    TierThresholds,
    assign_tiers,
    claim_coverage,
    contact_compliance,
    current_owner,
    customer_aum,
    tier_distribution,
    tier_migration,
    unattended_top_customers,
)

AS_OF = pd.Timestamp("2026-10-31")


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["T1", "T2", "T3", "T4", "T5", "T6", "T7"],
            "branch_id": ["B1"] * 7,
            "onboarded_on": pd.to_datetime(["2020-01-01"] * 7),
            "owner_staff_id": ["S1", "S2", None, "S3", "S9", "S1", None],
            "last_contact_on": pd.to_datetime(
                ["2026-10-10", "2026-10-30", None, "2026-06-01", "2026-05-04", None, None]
            ),
        }
    )


@pytest.fixture
def holdings() -> pd.DataFrame:
    rows = [
        ("T1", "deposit_demand", 1_000_000.0),
        ("T1", "wealth", 500_000.0),
        ("T1", "credit_card", 900_000.0),  # not AUM
        ("T2", "deposit_time", 1_000_000.0),  # exactly on the top floor
        ("T3", "fund", 999_999.0),
        ("T4", "insurance", 200_000.0),
        ("T5", "metal", 50_000.0),
        ("T7", "deposit_demand", 49_999.99),
    ]
    return pd.DataFrame(
        [(c, "2026-10", p, b) for c, p, b in rows],
        columns=["customer_id", "month", "product", "balance"],
    )


@pytest.fixture
def staff() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "staff_id": ["S1", "S2", "S3"],
            "branch_id": ["B1"] * 3,
            "left_on": pd.to_datetime([None, "2026-09-15", "2026-10-31"]),
        }
    )


def test_thresholds_defaults_and_validation() -> None:
    t = TierThresholds()
    assert (t.top, t.core, t.potential) == (1_000_000, 200_000, 50_000)
    assert [t.contact_days(x) for x in ("top", "core", "potential", "ordinary")] == [
        30,
        90,
        180,
        None,
    ]
    with pytest.raises(ValueError):
        TierThresholds(top=100, core=200)
    with pytest.raises(KeyError):
        t.contact_days("gold")


def test_customer_aum(customers, holdings) -> None:
    aum = customer_aum(holdings, "2026-10")
    assert aum["T1"] == 1_500_000.0 and "T6" not in aum.index
    full = customer_aum(holdings, "2026-10", customers)
    assert full["T6"] == 0.0 and len(full) == 7
    assert customer_aum(holdings, "2026-09", customers).sum() == 0.0


def test_assign_tiers_boundaries_and_distribution(customers, holdings) -> None:
    tiers = assign_tiers(customers, holdings, "2026-10")
    assert list(tiers["tier"].astype(str)) == [
        "top",
        "top",
        "core",
        "core",
        "potential",
        "ordinary",
        "ordinary",
    ]
    dist = tier_distribution(tiers)
    assert list(dist["tier"]) == ["top", "core", "potential", "ordinary"]
    assert list(dist["tier_zh"]) == ["顶级", "核心", "潜力", "普通"]
    assert list(dist["customers"]) == [2, 2, 1, 2]
    assert list(dist["aum"]) == [2_500_000.0, 1_199_999.0, 50_000.0, 49_999.99]
    assert dist["share"].tolist() == pytest.approx([2 / 7, 2 / 7, 1 / 7, 2 / 7])
    assert dist["aum_share"].iloc[0] == pytest.approx(2_500_000 / 3_799_998.99)
    # custom thresholds move T3 into top
    custom = assign_tiers(customers, holdings, "2026-10", TierThresholds(top=999_999))
    assert custom.set_index("customer_id").at["T3", "tier"] == "top"


def test_distribution_of_nobody_has_nan_shares() -> None:
    empty = pd.DataFrame({"customer_id": [], "branch_id": [], "onboarded_on": pd.to_datetime([])})
    holdings = pd.DataFrame({"customer_id": [], "month": [], "product": [], "balance": []})
    dist = tier_distribution(assign_tiers(empty, holdings, "2026-10"))
    assert list(dist["customers"]) == [0, 0, 0, 0]
    assert dist["share"].isna().all() and dist["aum_share"].isna().all()


def test_current_owner_counts_leavers_and_unknown_ids_as_unclaimed(customers, staff) -> None:
    assert list(current_owner(customers, staff, AS_OF)) == [
        True,
        False,
        False,
        True,
        False,
        True,
        False,
    ]
    # before S2 left, S2's customer was claimed
    assert current_owner(customers, staff, "2026-09-01").iloc[1]


def test_claim_coverage(customers, holdings, staff) -> None:
    tiers = assign_tiers(customers, holdings, "2026-10")
    cov = claim_coverage(tiers, customers, staff, AS_OF)
    assert list(cov["customers"]) == [2, 2, 1, 2]
    assert list(cov["claimed"]) == [1, 1, 0, 1]
    assert list(cov["coverage"]) == [0.5, 0.5, 0.0, 0.5]


def test_contact_compliance(customers, holdings) -> None:
    tiers = assign_tiers(customers, holdings, "2026-10")
    cc = contact_compliance(tiers, customers, AS_OF)
    assert list(cc["tier"]) == ["top", "core", "potential"]  # ordinary has no requirement
    assert list(cc["required_days"]) == [30, 90, 180]
    assert list(cc["contacted_in_time"]) == [2, 0, 1]  # T5 at exactly 180 days is in time
    assert list(cc["compliance"]) == [1.0, 0.0, 1.0]
    strict = contact_compliance(tiers, customers, AS_OF, TierThresholds(potential_contact_days=179))
    assert strict["compliance"].iloc[2] == 0.0


def test_unattended_top_customers(customers, holdings, staff) -> None:
    tiers = assign_tiers(customers, holdings, "2026-10")
    top = unattended_top_customers(tiers, customers, staff, AS_OF)
    assert list(top["customer_id"]) == ["T2"]
    assert top["reason"].iloc[0] == "owner_left" and top["reason_zh"].iloc[0] == "管户经理已离职"
    assert top["owner_staff_id"].iloc[0] == "S2" and top["days_since_contact"].iloc[0] == 1.0

    both = unattended_top_customers(tiers, customers, staff, AS_OF, include_tiers=("top", "core"))
    assert list(both["customer_id"]) == ["T2", "T3", "T4"]
    assert list(both["aum"]) == [1_000_000.0, 999_999.0, 200_000.0]
    assert list(both["reason"]) == ["owner_left", "unclaimed", "overdue"]
    assert list(both["overdue"]) == [False, True, True]
    assert (
        math.isnan(both["days_since_contact"].iloc[1])
        and both["days_since_contact"].iloc[2] == 152.0
    )
    assert pd.isna(both["owner_staff_id"].iloc[1])
    with pytest.raises(ValueError):
        unattended_top_customers(tiers, customers, staff, AS_OF, include_tiers=("gold",))


def test_tier_migration() -> None:
    customers = pd.DataFrame(
        {
            "customer_id": ["M1", "M2", "M3", "M4", "M5", "M6"],
            "branch_id": ["B1"] * 6,
            "onboarded_on": pd.to_datetime(
                ["2020-01-01", "2020-01-01", "2020-01-01", "2020-01-01", "2026-09-01", "2020-01-01"]
            ),
        }
    )
    rows = [
        ("M1", "2026-07", 1_200_000.0),
        ("M1", "2026-10", 300_000.0),  # top → core
        ("M2", "2026-07", 60_000.0),
        ("M2", "2026-10", 1_100_000.0),  # potential → top
        ("M3", "2026-07", 250_000.0),
        ("M3", "2026-10", 260_000.0),  # core → core
        ("M4", "2026-10", 70_000.0),  # ordinary (nothing held) → potential
        ("M5", "2026-10", 5_000_000.0),  # joined after from_month: not a migration
        ("M6", "2026-07", 400_000.0),  # core → ordinary
    ]
    holdings = pd.DataFrame(
        [(c, m, "deposit_time", b) for c, m, b in rows],
        columns=["customer_id", "month", "product", "balance"],
    )
    mig = tier_migration(customers, holdings, "2026-07", "2026-10")
    assert (mig.customers, mig.up, mig.same, mig.down) == (5, 2, 1, 2)
    assert mig.up_share == 0.4 and mig.down_share == 0.4
    m = mig.matrix
    assert list(m.index) == ["top", "core", "potential", "ordinary"] == list(m.columns)
    assert (
        m.loc["top", "core"] == 1 and m.loc["potential", "top"] == 1 and m.loc["core", "core"] == 1
    )
    assert m.loc["ordinary", "potential"] == 1 and m.loc["core", "ordinary"] == 1
    assert int(m.to_numpy().sum()) == 5
    s = mig.summary()
    assert list(s["direction"]) == ["up", "same", "down"] and list(s["customers"]) == [2, 1, 2]
