"""Deposit trend, change decomposition and outflow watchlist on hand-computed tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from branch_consult.analysis.balances import customer_balances, month_end, shift_month
from branch_consult.analysis.deposits import (
    deposit_change_decomposition,
    deposit_trend,
    outflow_watchlist,
    period_growth,
)


def _customers(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    ids, branches, onboarded = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "customer_id": list(ids),
            "branch_id": list(branches),
            "onboarded_on": pd.to_datetime(list(onboarded)),
            "owner_staff_id": [None] * len(rows),
        }
    )


def _holdings(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer_id", "month", "product", "balance"])


def test_month_helpers() -> None:
    assert month_end("2026-02") == pd.Timestamp("2026-02-28")
    assert shift_month("2026-01", -3) == "2025-10"
    assert shift_month("2026-10", 2) == "2026-12"


def test_customer_balances_excludes_credit_card_from_aum_and_counts_positive_products() -> None:
    h = _holdings(
        [
            ("A", "2026-10", "deposit_demand", 100.0),
            ("A", "2026-10", "wealth", 50.0),
            ("A", "2026-10", "credit_card", 30.0),
            ("A", "2026-10", "fund", 0.0),
            ("A", "2026-09", "deposit_demand", 999.0),
        ]
    )
    b = customer_balances(h, "2026-10").loc["A"]
    assert (b["deposits"], b["aum"], b["products"], b["other_products"]) == (100.0, 150.0, 3, 2)


def test_customer_balances_tolerates_missing_values() -> None:
    h = pd.DataFrame(
        {
            "customer_id": ["A", None, "A", "B"],
            "month": ["2026-10", "2026-10", "2026-10", None],
            "product": ["deposit_demand", "deposit_demand", "fund", "fund"],
            "balance": pd.array([100.0, 5.0, None], dtype="Float64").tolist() + [1.0],
        }
    )
    b = customer_balances(h, "2026-10")
    assert list(b.index) == ["A"]
    assert (b.at["A", "deposits"], b.at["A", "aum"], b.at["A", "products"]) == (100.0, 100.0, 1)


# --------------------------------------------------------------------------- trend


@pytest.fixture
def daily() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "branch_id": ["B1"] * 5 + ["B2", "B2"],
            "date": pd.to_datetime(
                [
                    "2026-01-31",
                    "2026-01-30",
                    "2026-02-01",
                    "2026-02-28",
                    "2026-04-01",
                    "2026-01-30",
                    "2026-01-31",
                ]
            ),
            "deposits": [110.0, 100.0, 105.0, 120.0, 130.0, 1.0, 2.0],
        }
    )


def test_deposit_trend_sorts_flags_peak_and_computes_daily_change(daily: pd.DataFrame) -> None:
    t = deposit_trend(daily, "B1")
    assert list(t["deposits"]) == [100.0, 110.0, 105.0, 120.0, 130.0]
    assert t["daily_change"].tolist()[1:] == [10.0, -5.0, 15.0, 10.0]
    assert math.isnan(t["daily_change"].iloc[0])
    assert list(t["peak_season"]) == [True, True, True, True, False]
    assert list(t["month"]) == ["2026-01", "2026-01", "2026-02", "2026-02", "2026-04"]
    # another peak definition
    assert list(deposit_trend(daily, "B1", peak_months=(4,))["peak_season"]) == [False] * 4 + [True]


def test_deposit_trend_network_and_missing_branch(daily: pd.DataFrame) -> None:
    t = deposit_trend(daily)
    assert list(t["deposits"][:2]) == [101.0, 112.0]
    empty = deposit_trend(daily, "NOPE")
    assert empty.empty and "deposits" in empty.columns
    assert period_growth(empty).empty


def test_period_growth_month_and_quarter(daily: pd.DataFrame) -> None:
    g = period_growth(deposit_trend(daily, "B1"))
    assert list(g["period"]) == ["2026-01", "2026-02", "2026-04"]
    assert list(g["closing"]) == [110.0, 120.0, 130.0]
    assert list(g["daily_average"]) == [105.0, 112.5, 130.0]
    assert g["change"].tolist()[1:] == [10.0, 10.0]
    assert g["growth"].tolist()[1:] == [pytest.approx(10 / 110), pytest.approx(10 / 120)]
    assert list(g["peak_season"]) == [True, True, False]
    q = period_growth(deposit_trend(daily, "B1"), freq="quarter")
    assert list(q["period"]) == ["2026Q1", "2026Q2"]
    assert list(q["closing"]) == [120.0, 130.0]
    assert q["growth"].iloc[1] == pytest.approx(10 / 120)
    with pytest.raises(ValueError):
        period_growth(deposit_trend(daily, "B1"), freq="week")


def test_period_growth_zero_opening_gives_nan() -> None:
    d = pd.DataFrame(
        {
            "branch_id": ["B"] * 2,
            "date": pd.to_datetime(["2026-05-31", "2026-06-30"]),
            "deposits": [0.0, 50.0],
        }
    )
    g = period_growth(deposit_trend(d, "B"))
    assert g["change"].iloc[1] == 50.0 and math.isnan(g["growth"].iloc[1])


# --------------------------------------------------------------------------- decomposition


@pytest.fixture
def decomposition_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = _customers(
        [
            ("C1", "B1", "2025-01-01"),  # up +50
            ("C2", "B1", "2025-01-01"),  # down -200
            ("C3", "B1", "2025-01-01"),  # lost -400
            ("C4", "B1", "2026-08-15"),  # new (onboarded after from_month) +250
            ("C5", "B1", "2024-05-01"),  # new (first holding after from_month) +80
            ("C6", "B1", "2025-01-01"),  # unchanged
            ("C7", "B1", "2024-01-01"),  # reactivated: existing up +30
            ("Z1", "B2", "2025-01-01"),  # other branch
        ]
    )
    holdings = _holdings(
        [
            ("C1", "2026-07", "deposit_demand", 100.0),
            ("C1", "2026-07", "deposit_time", 200.0),
            ("C1", "2026-09", "deposit_demand", 150.0),
            ("C1", "2026-09", "deposit_time", 200.0),
            ("C2", "2026-07", "deposit_demand", 500.0),
            ("C2", "2026-07", "wealth", 1000.0),
            ("C2", "2026-09", "deposit_demand", 300.0),
            ("C2", "2026-09", "wealth", 1000.0),
            ("C3", "2026-07", "deposit_time", 400.0),
            ("C3", "2026-09", "deposit_time", 0.0),
            ("C3", "2026-09", "wealth", 70.0),
            ("C4", "2026-09", "deposit_demand", 250.0),
            ("C5", "2026-09", "deposit_demand", 80.0),
            ("C6", "2026-07", "deposit_demand", 60.0),
            ("C6", "2026-09", "deposit_demand", 60.0),
            ("C7", "2026-05", "deposit_demand", 10.0),
            ("C7", "2026-09", "deposit_demand", 30.0),
            ("Z1", "2026-07", "deposit_demand", 9999.0),
        ]
    )
    return customers, holdings


def test_decomposition_parts_sum_exactly_to_the_total_change(decomposition_data) -> None:
    customers, holdings = decomposition_data
    d = deposit_change_decomposition(
        customers, holdings, "2026-07", "2026-09", branch_id="B1"
    ).set_index("component")
    amount = d["amount"]
    assert list(d.index) == [
        "start",
        "new_customers",
        "existing_up",
        "existing_down",
        "lost_customers",
        "end",
    ]
    assert amount["start"] == 1260.0
    assert amount["end"] == 1070.0
    assert amount["new_customers"] == 330.0
    assert amount["existing_up"] == 80.0
    assert amount["existing_down"] == -200.0
    assert amount["lost_customers"] == -400.0
    parts = amount[["new_customers", "existing_up", "existing_down", "lost_customers"]].sum()
    assert parts == amount["end"] - amount["start"]
    assert list(d["customers"]) == [4, 2, 2, 1, 1, 6]
    assert list(d["measure"]) == [
        "absolute",
        "relative",
        "relative",
        "relative",
        "relative",
        "total",
    ]
    assert d.loc["new_customers", "label_zh"] == "新增客户"


def test_decomposition_whole_network_and_empty_branch(decomposition_data) -> None:
    customers, holdings = decomposition_data
    d = deposit_change_decomposition(customers, holdings, "2026-07", "2026-09").set_index(
        "component"
    )["amount"]
    assert d["start"] == 1260.0 + 9999.0
    assert d["lost_customers"] == -400.0 - 9999.0
    assert d.iloc[1:5].sum() == d["end"] - d["start"]
    empty = deposit_change_decomposition(
        customers, holdings, "2026-07", "2026-09", branch_id="NONE"
    )
    assert (empty["amount"] == 0).all() and (empty["customers"] == 0).all()


# --------------------------------------------------------------------------- outflow watchlist


def test_outflow_watchlist() -> None:
    customers = _customers(
        [
            ("A", "B1", "2020-01-01"),
            ("B", "B1", "2020-01-01"),
            ("C", "B1", "2020-01-01"),
            ("D", "B2", "2020-01-01"),
        ]
    )
    customers["owner_staff_id"] = ["S1", None, None, "S2"]
    holdings = _holdings(
        [
            ("A", "2026-07", "deposit_demand", 1_500_000.0),
            ("A", "2026-07", "wealth", 500_000.0),
            ("A", "2026-10", "deposit_demand", 1_000_000.0),
            ("A", "2026-10", "credit_card", 500_000.0),  # not AUM
            ("B", "2026-07", "deposit_time", 1_200_000.0),
            ("B", "2026-10", "deposit_time", 1_000_000.0),  # drops only 1/6
            ("C", "2026-07", "deposit_time", 900_000.0),  # below threshold
            ("D", "2026-07", "fund", 3_000_000.0),  # all gone by October
        ]
    )
    txn = pd.DataFrame(
        {
            "txn_id": [f"T{i}" for i in range(6)],
            "customer_id": ["A", "A", "A", "A", "A", "C"],
            "branch_id": ["B1"] * 6,
            "ts": pd.to_datetime(
                [
                    "2026-08-05 10:00",
                    "2026-09-01 09:30",
                    "2026-10-20 15:00",
                    "2026-07-30 12:00",  # before the window
                    "2026-08-01 08:00",  # a deposit
                    "2026-08-02 08:00",
                ]
            ),
            "channel": ["mobile", "counter", "mobile", "online", "counter", "atm"],
            "kind": [
                "transfer_out",
                "withdrawal",
                "transfer_out",
                "transfer_out",
                "deposit",
                "withdrawal",
            ],
            "amount": [300_000.0, 200_000.0, 500_000.0, 999.0, 50.0, 10.0],
            "staff_id": [None] * 6,
        }
    )
    w = outflow_watchlist(holdings, txn, customers, "2026-10")
    assert list(w["customer_id"]) == ["D", "A"]
    d, a = w.iloc[0], w.iloc[1]
    assert (d["start_balance"], d["current_balance"], d["drop"], d["drop_share"]) == (
        3e6,
        0.0,
        3e6,
        1.0,
    )
    assert pd.isna(d["first_outflow_on"]) and pd.isna(d["main_channel"])
    assert (d["outflow_amount"], d["outflow_txns"], d["branch_id"], d["owner_staff_id"]) == (
        0.0,
        0,
        "B2",
        "S2",
    )
    assert (a["start_balance"], a["current_balance"], a["drop"], a["drop_share"]) == (
        2e6,
        1e6,
        1e6,
        0.5,
    )
    assert a["first_outflow_on"] == pd.Timestamp("2026-08-05 10:00")
    assert a["main_channel"] == "mobile"
    assert (a["outflow_amount"], a["outflow_txns"]) == (1_000_000.0, 3)

    # deposits only: A's deposits fell 1.5M → 1.0M (1/3), D held no deposits
    dep = outflow_watchlist(holdings, txn, customers, "2026-10", measure="deposits")
    assert list(dep["customer_id"]) == ["A"]
    assert dep["drop_share"].iloc[0] == pytest.approx(1 / 3)
    # a stricter share and lower threshold
    w2 = outflow_watchlist(
        holdings, txn, customers, "2026-10", threshold_yuan=100, min_drop_share=0.9
    )
    assert list(w2["customer_id"]) == ["D", "C"]
    assert outflow_watchlist(holdings, txn.iloc[0:0], customers, "2026-12").empty
