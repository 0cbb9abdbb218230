"""Branch KPIs, peer groups and the scorecard."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from branch_consult.analysis.peers import (
    KPIS,
    PeerRule,
    branch_kpis,
    kpi_table,
    merge_kpis,
    peer_group,
    percentile_rank,
    rag_status,
    scorecard,
)
from branch_consult.formats import NUMERIC_FORMATS


def test_kpi_metadata_is_complete() -> None:
    table = kpi_table()
    assert {"name", "label_en", "label_zh", "unit", "higher_is_better", "fmt"} <= set(table.columns)
    assert set(table["fmt"]) <= NUMERIC_FORMATS
    assert KPIS["wait_median_min"].higher_is_better is False
    assert KPIS["deposits"].fmt == "wan"


# --------------------------------------------------------------------------- branch_kpis


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    branches = pd.DataFrame(
        {
            "branch_id": ["B1", "B2", "B3"],
            "area_type": ["community"] * 3,
            "fte": [2.0, 0.0, 5.0],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["K1", "K2", "K3", "K4", "K5"],
            "branch_id": ["B1", "B1", "B1", "B1", "B2"],
            "onboarded_on": pd.to_datetime(["2020-01-01"] * 5),
            "owner_staff_id": ["S1", None, "S2", "S1", None],
            "mobile_banking": [True, False, True, True, True],
            "last_contact_on": pd.to_datetime(["2026-10-21", None, None, None, None]),
        }
    )
    staff = pd.DataFrame(
        {"staff_id": ["S1", "S2"], "left_on": pd.to_datetime([None, "2026-01-01"])}
    )
    rows = [
        ("K1", "2026-09", "deposit_demand", 800_000.0),
        ("K1", "2026-10", "deposit_demand", 900_000.0),
        ("K1", "2026-10", "wealth", 300_000.0),
        ("K1", "2026-10", "credit_card", 50_000.0),
        ("K2", "2026-09", "deposit_time", 100_000.0),
        ("K2", "2026-10", "deposit_time", 50_000.0),
        ("K2", "2026-10", "fund", 50_000.0),
        ("K3", "2026-10", "deposit_demand", 2_000_000.0),
        ("K5", "2026-09", "deposit_demand", 100.0),
    ]
    holdings = pd.DataFrame(rows, columns=["customer_id", "month", "product", "balance"])
    return {"branches": branches, "customers": customers, "holdings": holdings, "staff": staff}


def test_branch_kpis_hand_computed(tables) -> None:
    k = branch_kpis(**tables, month="2026-10", comparison_month="2026-09").set_index("branch_id")
    assert list(k.index) == ["B1", "B2", "B3"]
    b1 = k.loc["B1"]
    assert b1["deposits"] == 2_950_000.0 and b1["deposits_prev"] == 900_000.0
    assert b1["deposits_growth"] == pytest.approx(2_050_000 / 900_000)
    assert b1["aum"] == 3_300_000.0 and b1["aum_growth"] == pytest.approx(2_400_000 / 900_000)
    assert (b1["customers"], b1["net_new_customers"]) == (3, 1)
    assert b1["deposits_per_fte"] == 1_475_000.0
    assert b1["products_per_customer"] == 2.0
    assert b1["mobile_adoption"] == pytest.approx(2 / 3)
    assert b1["top_customers"] == 2
    assert b1["top_claim_coverage"] == 0.5  # K3's owner has left
    assert b1["top_contact_compliance"] == 0.5  # K1 10 days ago, K3 never

    b2 = k.loc["B2"]
    assert (b2["deposits"], b2["deposits_growth"], b2["customers"], b2["net_new_customers"]) == (
        0.0,
        -1.0,
        0,
        -1,
    )
    for col in (
        "deposits_per_fte",
        "products_per_customer",
        "mobile_adoption",
        "top_claim_coverage",
    ):
        assert math.isnan(b2[col]), col

    b3 = k.loc["B3"]  # a branch with no customers at all
    assert (b3["deposits"], b3["customers"], b3["deposits_per_fte"]) == (0.0, 0, 0.0)
    assert math.isnan(b3["deposits_growth"]) and math.isnan(b3["aum_growth"])


def test_branch_kpis_as_of_and_extra_frames(tables) -> None:
    waits = pd.DataFrame({"branch_id": ["B1", "B3"], "wait_median_min": [5.0, 12.0]})
    k = branch_kpis(
        **tables, month="2026-10", comparison_month="2026-09", as_of="2025-12-15", extra=[waits]
    ).set_index("branch_id")
    assert k.loc["B1", "top_claim_coverage"] == 1.0  # S2 was still employed
    assert k.loc["B1", "wait_median_min"] == 5.0 and math.isnan(k.loc["B2", "wait_median_min"])


def test_merge_kpis_refuses_duplicates_and_clashes() -> None:
    base = pd.DataFrame({"branch_id": ["B1", "B2"], "deposits": [1.0, 2.0]})
    with pytest.raises(ValueError, match="more than one row"):
        merge_kpis(base, pd.DataFrame({"branch_id": ["B1", "B1"], "x": [1, 2]}))
    with pytest.raises(ValueError, match="already present"):
        merge_kpis(base, pd.DataFrame({"branch_id": ["B1"], "deposits": [3.0]}))
    with pytest.raises(ValueError, match="no branch_id"):
        merge_kpis(base, pd.DataFrame({"x": [1]}))
    merged = merge_kpis(base, pd.DataFrame({"branch_id": ["B2"], "referral_conversion": [0.25]}))
    assert merged["referral_conversion"].isna().tolist() == [True, False]


# --------------------------------------------------------------------------- peer groups


@pytest.fixture
def network() -> tuple[pd.DataFrame, pd.DataFrame]:
    branches = pd.DataFrame(
        {
            "branch_id": ["B1", "B2", "B3", "B4", "B5", "B6", "B7"],
            "region": ["N", "N", "S", "N", "N", "S", "N"],
            "area_type": ["community"] * 4 + ["business", "community", "community"],
        }
    )
    kpis = pd.DataFrame(
        {
            "branch_id": list(branches["branch_id"]),
            "deposits": [100.0, 60.0, 200.0, 201.0, 100.0, 50.0, np.nan],
        }
    )
    return branches, kpis


def test_peer_group_default_rule(network) -> None:
    branches, kpis = network
    g = peer_group(branches, kpis, "B1")
    assert g.peers == ("B2", "B3", "B6")  # B4 too big, B5 other area type, B7 no size
    assert not g.fallback and g.rule == "same area_type, deposits within a factor of 2"


def test_peer_group_falls_back_when_too_few(network) -> None:
    branches, kpis = network
    g = peer_group(branches, kpis, "B1", PeerRule(same_region=True))
    assert g.fallback and g.peers == ("B2", "B3", "B4", "B5", "B6", "B7")
    assert g.rule.startswith("all branches (only 1 matched")
    loose = peer_group(branches, kpis, "B1", PeerRule(same_area_type=False, size_kpi=None))
    assert loose.peers == ("B2", "B3", "B4", "B5", "B6", "B7") and not loose.fallback
    # a branch without a size value cannot match on size
    assert peer_group(branches, kpis, "B7").fallback
    with pytest.raises(KeyError):
        peer_group(branches, kpis, "B99")


# --------------------------------------------------------------------------- scorecard


def test_percentile_and_status() -> None:
    peers = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    assert percentile_rank(35.0, peers) == 60.0
    assert percentile_rank(30.0, peers) == 50.0  # tie counts half
    assert math.isnan(percentile_rank(np.nan, peers)) and math.isnan(
        percentile_rank(1.0, np.array([]))
    )
    assert [rag_status(v, 20, 30, 40, True) for v in (30, 25, 20, 19.9)] == [
        "green",
        "amber",
        "amber",
        "red",
    ]
    assert [rag_status(v, 4, 6, 8, False) for v in (6, 7, 8, 8.1)] == [
        "green",
        "amber",
        "amber",
        "red",
    ]
    assert rag_status(np.nan, 1, 2, 3, True) == "n/a"


def test_scorecard() -> None:
    kpis = pd.DataFrame(
        {
            "branch_id": ["X", "P1", "P2", "P3", "P4", "P5", "OTHER"],
            "deposits": [35.0, 10.0, 20.0, 30.0, 40.0, 50.0, 1000.0],
            "wait_median_min": [9.0, 2.0, 4.0, 6.0, 8.0, 10.0, 0.0],
            "mobile_adoption": [np.nan, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
            "products_per_customer": [1.0, np.nan, np.nan, np.nan, np.nan, np.nan, 2.0],
            "complaints": [3.0, 1.0, 2.0, 3.0, 4.0, 5.0, 0.0],
            "unlisted": [1.0] * 7,
        }
    )
    sc = scorecard(kpis, "X", ["P1", "P2", "P3", "P4", "P5", "X"], directions={"complaints": False})
    sc = sc.set_index("kpi")
    assert list(sc.index) == [
        "deposits",
        "wait_median_min",
        "mobile_adoption",
        "products_per_customer",
        "complaints",
    ]
    d = sc.loc["deposits"]
    assert (d["value"], d["peer_n"], d["peer_q1"], d["peer_median"], d["peer_q3"]) == (
        35.0,
        5,
        20.0,
        30.0,
        40.0,
    )
    assert (d["percentile"], d["status"], d["label_zh"], d["fmt"]) == (
        60.0,
        "green",
        "存款余额",
        "wan",
    )
    w = sc.loc["wait_median_min"]
    assert (w["peer_median"], w["percentile"], w["status"], w["higher_is_better"]) == (
        6.0,
        80.0,
        "red",
        False,
    )
    assert sc.loc["mobile_adoption", "status"] == "n/a"
    p = sc.loc["products_per_customer"]
    assert p["peer_n"] == 0 and p["status"] == "n/a" and math.isnan(p["peer_median"])
    c = sc.loc["complaints"]
    assert (c["status"], c["label_en"], c["higher_is_better"]) == ("green", "complaints", False)
    with pytest.raises(KeyError):
        scorecard(kpis, "NOPE", ["P1"])
