"""The report period: chosen from months with complete data, and the choice stated."""

from __future__ import annotations

import datetime as dt

import pytest

from branch_consult.analysis.report_period import PeriodChoice, choose_months
from branch_consult.data.periods import stray_months

FULL = {f"2026-{m:02d}": 100 for m in range(1, 11)}  # 2026-01 .. 2026-10, 100 rows each


def test_latest_complete_month_is_chosen_and_the_partial_one_named():
    counts = FULL | {"2026-11": 12}  # an extract taken before November was loaded
    choice = choose_months(counts)
    assert (choice.month, choice.base_month) == ("2026-10", "2026-01")
    assert choice.reason == "latest_complete"
    assert choice.skipped == (("2026-11", 12, 100.0),)
    assert choice.note("en") == (
        "Report month 2026-10, the latest month with complete data; left out as incomplete: "
        "2026-11 (12 rows against about 100 before). Compared with 2026-01 (the earliest complete month in the data)."
    )
    assert "数据完整的最近月份2026-10" in choice.note("zh") and "2026-11（12行" in choice.note("zh")


def test_a_stray_far_future_row_does_not_move_the_period():
    choice = choose_months(FULL | {"2031-01": 1})
    assert choice.month == "2026-10"
    assert [m for m, _, _ in choice.skipped] == ["2031-01"]


def test_half_the_usual_rows_is_still_complete():
    # 50 rows against a median of 100 before: exactly COMPLETE_SHARE, kept
    choice = choose_months(FULL | {"2026-11": 50})
    assert choice == PeriodChoice("2026-11", "2026-01", "latest", (), "earliest")


def test_year_on_year_base_and_given_month():
    counts = {f"{y}-{m:02d}": 10 for y in (2025, 2026) for m in range(1, 13)}
    assert choose_months(counts).base_month == "2025-12"
    given = choose_months(counts, "2026-03")
    assert (given.month, given.base_month, given.reason, given.base_reason) == (
        "2026-03",
        "2025-03",
        "given",
        "year_on_year",
    )
    with pytest.raises(ValueError, match="month 2027-01 is not in the data"):
        choose_months(counts, "2027-01")


def test_stray_months_after_today_or_far_beyond_the_bulk():
    today = dt.date(2026, 11, 29)
    assert stray_months(FULL, today) == {}
    strays = stray_months(FULL | {"2031-01": 1, "1999-12": 100}, today)
    assert list(strays) == ["2031-01"]
    assert strays["2031-01"].startswith("after the current month (2026-11)")
    late = stray_months(FULL | {"2027-03": 2}, dt.date(2027, 6, 1))
    assert late == {
        "2027-03": "5 months after 2026-10, the last month holding most of the data "
        "(more than 3 months is not credible)"
    }
    # three months on is a gap in loading, not a stray
    assert stray_months(FULL | {"2027-01": 2}, dt.date(2027, 6, 1)) == {}


def test_diagnostic_period_skips_a_partial_month_and_refuses_a_future_one(tiny_csv):
    from branch_consult.data import DataProblems, open_dataset
    from branch_consult.results.branch_diagnostic import bank_context

    with open(tiny_csv / "holdings.csv", "a", encoding="utf-8") as fh:
        fh.write("C1,2026-11,deposit_time,1260000\n")  # one customer loaded so far for November
    bank = bank_context(open_dataset(tiny_csv))
    assert (bank.month, bank.comparison_month) == ("2026-10", "2026-09")
    assert bank.period is not None and bank.period.skipped == (("2026-11", 1, 4.5),)
    with open(tiny_csv / "holdings.csv", "a", encoding="utf-8") as fh:
        fh.write("C3,2031-01,wealth,100\n")  # another branch's customer, years ahead
    with pytest.raises(
        DataProblems, match=r"holdings › month: 1 row\(s\) dated 2031-01: after the current month"
    ):
        bank_context(open_dataset(tiny_csv).branch("B001"))


def test_today_can_be_set_for_a_back_dated_check(monkeypatch):
    from branch_consult.data import DataProblems
    from branch_consult.data.periods import today

    monkeypatch.setenv("BRANCH_CONSULT_TODAY", "2026-09-15")
    assert today() == dt.date(2026, 9, 15)
    assert list(stray_months(FULL)) == ["2026-10"]
    monkeypatch.setenv("BRANCH_CONSULT_TODAY", "15/09/2026")
    with pytest.raises(DataProblems, match="BRANCH_CONSULT_TODAY must be a date"):
        today()


def test_overview_states_a_left_out_month(tiny_csv):
    from branch_consult.analysis.overview import bank_overview
    from branch_consult.data import open_dataset
    from branch_consult.reports.bank_overview import observations

    with open(tiny_csv / "holdings.csv", "a", encoding="utf-8") as fh:
        fh.write("C1,2026-11,deposit_time,1260000\n")
    ov = bank_overview(open_dataset(tiny_csv))
    assert (ov.month, ov.base_month) == ("2026-10", "2026-09")
    text = observations(ov, "en")
    assert (
        "Report month 2026-10, the latest month with complete data; left out as incomplete: 2026-11 (1 row against about 4 before)"
        in text[1]
    )
