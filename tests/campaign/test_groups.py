"""Target groups on a hand-made customer list: rule operators, sizes per branch, overlap counted once."""

from __future__ import annotations

import pandas as pd
import pytest

from branch_consult.analysis.campaign.groups import (
    customer_features,
    membership,
    network_totals,
    size_groups,
)
from branch_consult.campaign_plan import Rule, TargetGroup, Text

T = Text(zh="x", en="x")


def _data() -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4"],
            "branch_id": ["B1", "B1", "B2", "B2"],
            "birth_year": [1970, 1990, 1985, 1955],
            "gender": ["F", "M", "F", "M"],
            "onboarded_on": pd.to_datetime(
                ["2010-01-01", "2026-05-01", "2015-01-01", "2001-01-01"]
            ),
            "owner_staff_id": ["S1", None, "S3", None],
            "priority_group": ["payroll", None, "business_owner", "payroll"],
            "mobile_banking": [True, True, False, False],
            "last_contact_on": pd.to_datetime(["2026-10-20", None, "2026-03-01", "2026-09-15"]),
        }
    )
    holdings = pd.DataFrame(
        {
            "customer_id": ["C1", "C1", "C2", "C3", "C3", "C4", "C4"],
            "month": ["2026-10"] * 7,
            "product": [
                "deposit_demand",
                "wealth",
                "deposit_demand",
                "deposit_demand",
                "deposit_time",
                "deposit_demand",
                "credit_card",
            ],
            "balance": [300_000.0, 100_000.0, 5_000.0, 150_000.0, 100_000.0, 60_000.0, 8_000.0],
        }
    )
    return customers, holdings


def test_features_by_hand():
    f = customer_features(*_data(), "2026-10").set_index("customer_id")
    assert f.loc["C1", "aum"] == 400_000 and f.loc["C1", "tier"] == "core"
    assert (
        f.loc["C4", "aum"] == 60_000 and f.loc["C4", "tier"] == "potential"
    )  # credit card is not AUM
    assert f.loc["C3", "deposits"] == 250_000 and bool(f.loc["C3", "lacks_investment"])
    assert f.loc["C2", "age"] == 36 and bool(f.loc["C2", "new_customer"])
    assert f.loc["C1", "days_since_contact"] == 11  # 2026-10-20 to 2026-10-31
    assert f.loc["C4", "product_count"] == 2


def test_groups_and_overlap_counted_once():
    f = customer_features(*_data(), "2026-10")
    groups = [
        TargetGroup(
            id="payroll", label=T, rules=[Rule(column="priority_group", op="==", value="payroll")]
        ),
        TargetGroup(
            id="big_deposit_no_time",
            label=T,
            rules=[
                Rule(column="deposits", op=">", value=50_000),
                Rule(column="products", op="lacks", value="deposit_time"),
            ],
        ),
        TargetGroup(id="aged", label=T, rules=[Rule(column="age", op="between", value=[40, 60])]),
    ]
    m = membership(f, groups)
    assert m["payroll"].tolist() == [True, False, False, True]
    assert m["big_deposit_no_time"].tolist() == [True, False, False, True]
    assert m["aged"].tolist() == [True, False, True, False]  # C1 56, C3 41
    sizes = size_groups(f, m).set_index(["group", "branch_id"])
    # union: C1, C3, C4 -> B1 one customer (400,000), B2 two (250,000 + 60,000)
    assert (
        sizes.loc[("_any", "B1"), "customers"] == 1 and sizes.loc[("_any", "B2"), "customers"] == 2
    )
    assert sizes.loc[("_any", "B2"), "aum"] == 310_000
    assert sizes.loc[("_any", "B2"), "owner_coverage"] == 0.5
    totals = network_totals(sizes, f, m).set_index("group")
    assert totals.loc["_any", "customers"] == 3  # 2 + 2 + 2 memberships, 3 customers
    assert totals["customers"].drop("_any").sum() == 6


@pytest.mark.parametrize(
    "rule,expected",
    [
        (
            Rule(column="priority_group", op="in", value=["payroll", "business_owner"]),
            [True, False, True, True],
        ),
        (Rule(column="priority_group", op="!=", value="payroll"), [False, True, True, False]),
        (Rule(column="aum", op=">=", value=250_000), [True, False, True, False]),
        (Rule(column="products", op="has", value="credit_card"), [False, False, False, True]),
        (Rule(column="mobile_banking", op="==", value=False), [False, False, True, True]),
        (
            Rule(column="days_since_contact", op="<=", value=90),
            [True, False, False, True],
        ),  # never contacted: no
    ],
)
def test_rule_operators(rule, expected):
    f = customer_features(*_data(), "2026-10")
    m = membership(f, [TargetGroup(id="g", label=T, rules=[rule])])
    assert m["g"].tolist() == expected
