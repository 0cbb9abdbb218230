"""Referral funnel on a hand-made table; the counts are worked out in the comments."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from branch_consult.analysis.referrals import (
    FUNNEL_COLUMNS,
    funnel,
    funnel_by_person,
    funnel_by_role,
    funnel_summary,
    referral_kpis,
)

# B1: S1 (teller) refers R1 sold, R3 proposed, R4 contacted; S2 (lobby manager) refers R2 sold,
# R5 referred, R6 lost, R9 contacted.  B2: S3 refers R7 contacted, R8 sold.
ROWS = [
    ("R1", "B1", "S1", "sold", 100_000.0),
    ("R2", "B1", "S2", "sold", 50_000.0),
    ("R3", "B1", "S1", "proposed", 0.0),
    ("R4", "B1", "S1", "contacted", 0.0),
    ("R5", "B1", "S2", "referred", None),
    ("R6", "B1", "S2", "lost", 0.0),
    ("R9", "B1", "S2", "contacted", 0.0),
    ("R7", "B2", "S3", "contacted", 0.0),
    ("R8", "B2", "S3", "sold", 20_000.0),
]


def referrals_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "referral_id": pd.Series([r[0] for r in rows], dtype="str"),
            "branch_id": pd.Series([r[1] for r in rows], dtype="str"),
            "date": pd.Series([pd.Timestamp("2026-10-01")] * len(rows), dtype="datetime64[ns]"),
            "customer_id": pd.Series([f"C{i}" for i in range(len(rows))], dtype="str"),
            "from_staff_id": pd.Series([r[2] for r in rows], dtype="str"),
            "to_staff_id": pd.Series(["S7"] * len(rows), dtype="str"),
            "product": pd.Series(["wealth"] * len(rows), dtype="str"),
            "stage": pd.Series([r[3] for r in rows], dtype="str"),
            "amount": pd.Series([r[4] for r in rows], dtype="float64"),
        }
    )


STAFF = pd.DataFrame(
    {
        "staff_id": pd.Series(["S1", "S2", "S3", "S7"], dtype="str"),
        "branch_id": pd.Series(["B1", "B1", "B2", "B1"], dtype="str"),
        "name": pd.Series(["王伟", "李娜", "张敏", "刘洋"], dtype="str"),
        "role": pd.Series(["teller", "lobby_manager", "teller", "personal_am"], dtype="str"),
    }
)


@pytest.fixture
def b1() -> pd.DataFrame:
    return referrals_frame([r for r in ROWS if r[1] == "B1"])


def test_funnel_stages(b1):
    f = funnel(b1)
    # reached: all 7 referred (lost counts as referred), contacted R1 R2 R3 R4 R9 = 5, proposed R1 R2 R3 = 3, sold 2
    assert f["stage"].tolist() == ["referred", "contacted", "proposed", "sold"]
    assert f["reached"].tolist() == [7, 5, 3, 2]
    assert math.isnan(f["rate_from_previous"].iloc[0])
    assert f["rate_from_previous"].tolist()[1:] == pytest.approx([5 / 7, 3 / 5, 2 / 3])
    assert f["share_of_referred"].iloc[-1] == pytest.approx(2 / 7)


def test_funnel_summary(b1):
    s = funnel_summary(b1)
    assert (s["referred"], s["contacted"], s["proposed"], s["sold"], s["lost"]) == (7, 5, 3, 2, 1)
    assert s["contact_rate"] == pytest.approx(5 / 7)
    assert s["proposal_rate"] == pytest.approx(0.6)
    assert s["close_rate"] == pytest.approx(2 / 3)
    assert s["conversion"] == pytest.approx(2 / 7)
    assert s["sold_amount"] == 150_000.0
    assert s["weakest_handoff"] == "proposal_rate" and s["weakest_handoff_rate"] == pytest.approx(
        0.6
    )


def test_funnel_by_role(b1):
    r = funnel_by_role(b1, STAFF).set_index("role")
    # lobby manager S2: R2 sold, R5 referred, R6 lost, R9 contacted → 4 / 2 / 1 / 1
    assert r.loc[
        "lobby_manager", ["referred", "contacted", "proposed", "sold", "lost"]
    ].tolist() == [4, 2, 1, 1, 1]
    # teller S1: R1 sold, R3 proposed, R4 contacted → 3 / 3 / 2 / 1
    assert r.loc["teller", ["referred", "contacted", "proposed", "sold"]].tolist() == [3, 3, 2, 1]
    assert r.loc["teller", "close_rate"] == 0.5 and r.loc["teller", "sold_amount"] == 100_000.0
    assert r.loc["teller", "weakest_handoff"] == "close_rate"  # 1.0, 2/3, 1/2
    assert list(r.index) == ["lobby_manager", "teller"]  # most referrals first


def test_funnel_by_role_unknown_staff():
    r = funnel_by_role(referrals_frame([("X1", "B1", "S99", "sold", 5.0)]), STAFF)
    assert r["role"].tolist() == ["unknown"] and r["conversion"].tolist() == [1.0]


def test_funnel_by_person(b1):
    p = funnel_by_person(b1, STAFF)
    assert p[["from_staff_id", "name", "role"]].values.tolist() == [
        ["S2", "李娜", "lobby_manager"],
        ["S1", "王伟", "teller"],
    ]
    assert p["conversion"].tolist() == pytest.approx([1 / 4, 1 / 3])
    assert p["sold_amount"].tolist() == [50_000.0, 100_000.0]


def test_referral_kpis_all_branches():
    k = referral_kpis(referrals_frame(ROWS))
    assert k.index.tolist() == ["B1", "B2"]
    assert k.loc["B1", "referrals"] == 7 and k.loc["B1", "conversion"] == pytest.approx(2 / 7)
    # B2: R7 contacted, R8 sold → 2 referred, 2 contacted, 1 proposed, 1 sold
    assert k.loc["B2", ["referred", "contacted", "proposed", "sold"]].tolist() == [2, 2, 1, 1]
    assert k.loc["B2", "conversion"] == 0.5 and k.loc["B2", "sold_amount"] == 20_000.0
    assert k.loc["B2", "weakest_handoff"] == "proposal_rate"


def test_zero_denominators_are_nan():
    s = funnel_summary(
        referrals_frame([("X1", "B1", "S1", "lost", 0.0), ("X2", "B1", "S1", "referred", 0.0)])
    )
    assert (s["referred"], s["contacted"], s["lost"]) == (2, 0, 1)
    assert s["contact_rate"] == 0.0 and s["conversion"] == 0.0
    assert math.isnan(s["proposal_rate"]) and math.isnan(s["close_rate"])
    assert s["weakest_handoff"] == "contact_rate"


def test_empty_frames():
    empty = referrals_frame([])
    assert funnel(empty)["reached"].tolist() == [0, 0, 0, 0]
    s = funnel_summary(empty)
    assert s["referred"] == 0 and math.isnan(s["conversion"]) and pd.isna(s["weakest_handoff"])
    k = referral_kpis(empty)
    assert k.empty and {"referrals", *FUNNEL_COLUMNS} <= set(k.columns)
    assert funnel_by_person(empty, STAFF).empty and funnel_by_role(empty, STAFF).empty


def test_unknown_stage_is_an_error():
    with pytest.raises(ValueError, match="unknown referral stage"):
        funnel(referrals_frame([("X1", "B1", "S1", "won", 0.0)]))
