"""Bank overview: month choice, growth, concentration, productivity, and the wording."""

import math

import pandas as pd
import pytest

from branch_consult.analysis.overview import compute_overview, pick_months
from branch_consult.reports.bank_overview import observations, overview_table


def branches(n=4):
    return pd.DataFrame(
        {
            "branch_id": [f"B{i}" for i in range(n)],
            "name": [f"Br{i}" for i in range(n)],
            "region": ["R"] * n,
            "area_type": ["business"] * n,
            "fte": [10.0, 5.0, 0.0, 8.0][:n],
        }
    )


def balances(deposits):
    return pd.DataFrame(
        {
            "branch_id": [f"B{i}" for i in range(len(deposits))],
            "deposits": deposits,
            "aum": [d * 1.5 for d in deposits],
            "customers": [100] * len(deposits),
        }
    )


def test_pick_months_prefers_year_on_year():
    months = [f"2025-{m:02d}" for m in range(1, 13)] + ["2026-01", "2026-02"]
    assert pick_months(months) == ("2026-02", "2025-02")
    assert pick_months(["2026-08", "2026-09", "2026-10"]) == ("2026-10", "2026-08")
    assert pick_months(["2026-10"]) == ("2026-10", None)
    with pytest.raises(
        ValueError, match="2026-12 is not in the data; months available: 2026-08 to 2026-10"
    ):
        pick_months(["2026-08", "2026-10"], "2026-12")


def test_growth_share_and_per_fte():
    ov = compute_overview(
        branches(),
        balances([400.0, 300.0, 200.0, 100.0]),
        balances([200.0, 300.0, 250.0, 0.0]),
        "2026-10",
        "2025-10",
    )
    f = ov.branches.set_index("branch_id")
    assert f.loc["B0", "growth"] == pytest.approx(1.0)
    assert f.loc["B2", "growth"] == pytest.approx(-0.2)
    assert math.isnan(f.loc["B3", "growth"])  # no base balance: growth undefined, not infinite
    assert math.isnan(f.loc["B2", "deposits_per_fte"])  # zero FTE
    assert f.loc["B1", "deposits_per_fte"] == pytest.approx(60.0)
    assert ov.totals["top3_share"] == pytest.approx(0.9)
    assert ov.totals["growth"] == pytest.approx(1000 / 750 - 1)
    assert list(ov.branches["branch_id"]) == ["B0", "B1", "B2", "B3"]  # largest first


def test_observations_in_both_languages():
    ov = compute_overview(
        branches(),
        balances([400.0e4, 300.0e4, 200.0e4, 100.0e4]),
        balances([200.0e4, 300.0e4, 250.0e4, 50.0e4]),
        "2026-10",
        "2025-10",
    )
    zh = observations(ov, "zh")
    en = observations(ov, "en")
    assert len(zh) == len(en) == 6
    assert "存款增长最快的是Br0（100.0%），最慢的是Br2（-20.0%）" in zh[2]
    assert "1个网点存款较2025-10下降：Br2" in zh[3]
    assert "top three branches hold 90.0%" in en[4]
    assert "Br1 at 60.0 wan against Br3 at 12.5 wan, a 4.8x gap" in en[5]


def test_single_month_says_growth_unknown():
    ov = compute_overview(branches(2), balances([1.0e6, 2.0e6]), None, "2026-10", None)
    assert any("single month" in s for s in observations(ov, "en"))
    assert ov.totals["growth"] is None


def test_table_carries_wan_formats_and_labels():
    ov = compute_overview(branches(), balances([4e6, 3e6, 2e6, 1e6]), None, "2026-10", None)
    table = overview_table(ov, "zh", source="sample")
    payload = table.payload()
    formats = {c["key"]: c["format"] for c in payload["columns"]}
    assert (
        formats["deposits"] == "wan"
        and formats["growth"] == "pct1"
        and formats["customers"] == "int"
    )
    assert payload["columns"][0]["label"] == "网点"
    assert payload["rows"][0][2] == 4e6 and payload["rows"][0][3] is None
