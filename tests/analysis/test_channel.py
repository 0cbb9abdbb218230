"""Mobile-banking adoption overall, by tier and by age band."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from branch_consult.analysis.channel import (
    adoption_by_age,
    adoption_by_tier,
    adoption_rate,
    age_band_labels,
    age_bands,
)


@pytest.fixture
def customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E", "F", "G"],
            "birth_year": pd.array([2000, 1997, 1996, 1982, 1981, 1966, None], dtype="Int64"),
            "mobile_banking": [True, False, True, True, False, False, True],
        }
    )


def test_age_band_labels_and_edges(customers) -> None:
    assert age_band_labels() == ["<30", "30–44", "45–59", "60+"]
    assert age_band_labels((18, 65)) == ["<18", "18–64", "65+"]
    with pytest.raises(ValueError):
        age_band_labels((45, 30))
    bands = age_bands(customers["birth_year"], 2026)
    assert list(bands.astype(str)[:6]) == ["<30", "<30", "30–44", "30–44", "45–59", "60+"]
    assert pd.isna(bands.iloc[6])


def test_adoption_rate(customers) -> None:
    assert adoption_rate(customers) == pytest.approx(4 / 7)
    assert math.isnan(adoption_rate(customers.iloc[0:0]))


def test_adoption_by_age(customers) -> None:
    a = adoption_by_age(customers, 2026)
    assert list(a["age_band"]) == ["<30", "30–44", "45–59", "60+", "unknown"]
    assert list(a["customers"]) == [2, 2, 1, 1, 1]
    assert list(a["mobile"]) == [1, 2, 0, 0, 1]
    assert list(a["rate"]) == [0.5, 1.0, 0.0, 0.0, 1.0]
    # other cut points; without unknown birth years there is no 'unknown' row
    b = adoption_by_age(customers.iloc[:6], 2026, cuts=(40,))
    assert list(b["age_band"]) == ["<40", "40+"]
    assert list(b["customers"]) == [3, 3] and list(b["mobile"]) == [2, 1]


def test_adoption_by_tier_with_empty_tier(customers) -> None:
    tiers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E", "F", "G"],
            "tier": ["top", "top", "core", "core", "core", "ordinary", "ordinary"],
        }
    )
    t = adoption_by_tier(customers, tiers)
    assert list(t["tier"]) == ["top", "core", "potential", "ordinary"]
    assert list(t["tier_zh"]) == ["顶级", "核心", "潜力", "普通"]
    assert list(t["customers"]) == [2, 3, 0, 2]
    assert list(t["mobile"]) == [1, 2, 0, 1]
    assert t["rate"].iloc[0] == 0.5 and t["rate"].iloc[1] == pytest.approx(2 / 3)
    assert math.isnan(t["rate"].iloc[2])


def test_missing_mobile_flag_counts_as_not_adopted() -> None:
    frame = pd.DataFrame(
        {"birth_year": [1990, 1990], "mobile_banking": pd.array([True, None], dtype="boolean")}
    )
    assert adoption_rate(frame) == 0.5
    assert list(adoption_by_age(frame, 2026)["mobile"]) == [0, 1, 0, 0]
