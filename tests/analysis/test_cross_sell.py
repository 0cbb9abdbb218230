"""Products per customer, penetration by tier and the deposit-only lead list."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from branch_consult.analysis.cross_sell import (
    lead_list,
    penetration_by_tier,
    product_count_distribution,
    product_depth,
    products_per_customer,
)
from branch_consult.analysis.tiers import assign_tiers

MONTH = "2026-10"


@pytest.fixture
def customers() -> pd.DataFrame:
    ids = ["X1", "X2", "X3", "X4", "X5", "X6"]
    return pd.DataFrame(
        {
            "customer_id": ids,
            "branch_id": ["B1"] * 5 + ["B2"],
            "onboarded_on": pd.to_datetime(["2020-01-01"] * 6),
            "owner_staff_id": ["S1", None, "S1", None, None, "S2"],
        }
    )


@pytest.fixture
def holdings() -> pd.DataFrame:
    rows = [
        ("X1", MONTH, "deposit_demand", 300_000.0),
        ("X1", MONTH, "deposit_time", 100_000.0),
        ("X2", MONTH, "deposit_demand", 250_000.0),
        ("X2", MONTH, "wealth", 0.0),  # redeemed: not held
        ("X3", MONTH, "deposit_demand", 500_000.0),
        ("X3", MONTH, "fund", 10_000.0),
        ("X3", "2026-09", "deposit_demand", 900_000.0),  # other month
        ("X4", MONTH, "deposit_demand", 199_999.99),
        ("X6", MONTH, "deposit_time", 600_000.0),
        ("X6", MONTH, "credit_card", 5_000.0),  # a non-deposit product
    ]
    return pd.DataFrame(rows, columns=["customer_id", "month", "product", "balance"])


def test_products_per_customer_distribution_and_depth(customers, holdings) -> None:
    counts = products_per_customer(customers, holdings, MONTH)
    assert counts.to_dict() == {"X1": 2, "X2": 1, "X3": 2, "X4": 1, "X5": 0, "X6": 2}
    dist = product_count_distribution(counts)
    assert list(dist["n_products"]) == ["0", "1", "2", "3", "4", "5+"]
    assert list(dist["customers"]) == [1, 2, 3, 0, 0, 0]
    assert dist["share"].tolist() == pytest.approx([1 / 6, 2 / 6, 3 / 6, 0, 0, 0])
    capped = product_count_distribution(counts, cap=1)
    assert list(capped["n_products"]) == ["0", "1+"] and list(capped["customers"]) == [1, 5]
    depth = product_depth(counts)
    assert depth.customers == 6
    assert depth.mean_products == pytest.approx(8 / 6)
    assert depth.single_product_share == pytest.approx(2 / 6)
    assert depth.no_product_share == pytest.approx(1 / 6)


def test_empty_base_gives_nan_not_errors() -> None:
    empty = pd.Series([], dtype="int64")
    assert product_count_distribution(empty)["share"].isna().all()
    assert math.isnan(product_depth(empty).mean_products)


def test_penetration_by_tier(customers, holdings) -> None:
    tiers = assign_tiers(customers, holdings, MONTH)
    pen = penetration_by_tier(tiers, holdings, MONTH).set_index("tier")
    assert list(pen.index) == ["top", "core", "potential", "ordinary", "all"]
    assert list(pen["customers"]) == [0, 4, 1, 1, 6]
    assert pen.loc["all", "tier_zh"] == "合计"
    assert pen.loc[
        ["core", "potential", "ordinary", "all"], "deposit_demand"
    ].tolist() == pytest.approx([0.75, 1.0, 0.0, 4 / 6])
    core = pen.loc["core"]
    assert (core["deposit_time"], core["fund"], core["wealth"], core["credit_card"]) == (
        0.5,
        0.25,
        0.0,
        0.25,
    )
    assert pen.loc["top", ["deposit_demand", "fund"]].isna().all()
    only = penetration_by_tier(tiers, holdings, MONTH, products=("fund",))
    assert list(only.columns) == ["tier", "tier_zh", "customers", "fund"]


def test_lead_list(customers, holdings) -> None:
    leads = lead_list(customers, holdings, MONTH)
    assert list(leads["customer_id"]) == ["X1", "X2"]
    assert list(leads["deposits"]) == [400_000.0, 250_000.0]
    assert leads["owner_staff_id"].iloc[0] == "S1" and pd.isna(leads["owner_staff_id"].iloc[1])
    assert list(leads.columns) == ["customer_id", "branch_id", "owner_staff_id", "deposits", "aum"]
    lower = lead_list(customers, holdings, MONTH, min_deposits=199_999.99)
    assert list(lower["customer_id"]) == ["X1", "X2", "X4"]
    assert lead_list(customers, holdings, "2026-01").empty
