"""The top-performer-who-left pattern, on a hand-made history."""

import pandas as pd

from branch_consult.analysis.staff_fit import monthly_completion, top_performer_exits

MONTHS = [f"2026-{m:02d}" for m in range(1, 10)]


def _targets():
    rows = []
    for mth in MONTHS:
        rows.append(("staff", "S1", mth, "deposits", 100.0, 130.0))  # star
        rows.append(("staff", "S2", mth, "deposits", 100.0, 60.0))  # weak
        rows.append(("staff", "S3", mth, "deposits", 100.0, 120.0))  # star who stays
    return pd.DataFrame(rows, columns=["level", "id", "month", "metric", "target", "actual"])


STAFF = pd.DataFrame(
    {
        "staff_id": ["S0", "S1", "S2", "S3"],
        "name": ["王总", "李娜", "张伟", "刘洋"],
        "role": ["branch_head", "personal_am", "personal_am", "wealth_manager"],
        "left_on": pd.to_datetime([None, "2026-09-20", None, None]),
    }
)


def _events(public=True):
    return pd.DataFrame(
        {
            "staff_id": ["S1", "S1", "S1", "S3"],
            "date": pd.to_datetime(["2026-07-10", "2026-08-15", "2026-09-01", "2026-08-01"]),
            "kind": ["criticism", "criticism", "resignation", "criticism"],
            "by_staff_id": ["S0", "S0", None, "S0"],
            "public": [public, public, False, True],
            "note": ["", "", "", ""],
        }
    )


def test_monthly_completion_on_main_metric():
    comp = monthly_completion(_targets())
    assert comp[comp["staff_id"] == "S1"]["completion"].round(2).unique().tolist() == [1.3]


def test_star_who_left_after_public_criticism_is_found():
    out = top_performer_exits(_targets(), STAFF, _events(), "2026-10")
    assert out["staff_id"].tolist() == ["S1"]
    row = out.iloc[0]
    assert row["public_criticisms"] == 2 and row["criticised_by"] == "王总"
    assert row["left_on"] == pd.Timestamp("2026-09-01")  # resignation event precedes left_on
    assert row["months_over_target"] == 6


def test_private_criticism_or_no_exit_is_not_the_pattern():
    assert top_performer_exits(_targets(), STAFF, _events(public=False), "2026-10").empty
    assert top_performer_exits(_targets(), STAFF, _events(), "2028-10").empty  # outside lookback
