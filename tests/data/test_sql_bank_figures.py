"""The bank context added up inside a SQL database equals the pandas one, on SQLite and PostgreSQL."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
import sqlalchemy as sa
from sql_bank import copy_into
from tiny_bank import tiny_tables, typed

from branch_consult.analysis import bank_figures, sql_bank_figures
from branch_consult.analysis.tiers import DEFAULT_THRESHOLDS
from branch_consult.data import DataProblems, Dataset, clear_cache, open_dataset, sample_path
from branch_consult.data.sources import open_source
from branch_consult.results.branch_diagnostic import bank_context
from tests.pg_server import fresh_database


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("BRANCH_CONSULT_TODAY", "2026-11-29")


@pytest.fixture(scope="module")
def sample_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlbank") / "bank.sqlite"
    copy_into(sample_path(), f"sqlite:///{path}")
    return path


def _tiny_sqlite(tmp_path):
    path = tmp_path / "tiny.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as con:
        for name, frame in tiny_tables().items():
            typed(name, frame).to_sql(name, con, index=False)
    engine.dispose()
    return path


def _sums(ds, as_of):
    return sql_bank_figures.customer_sums(
        ds,
        "2026-10",
        "2026-09",
        pd.Timestamp(as_of),
        DEFAULT_THRESHOLDS,
        ds.table("branches"),
        ds.table("staff"),
    )


def test_tiny_bank_sums_by_hand(tmp_path):
    ds = open_dataset(_tiny_sqlite(tmp_path))
    sums, share = _sums(ds, "2026-10-31")
    # B001: C1 holds 1,250,000 time deposit (Sep: 1.2M deposit + 300k wealth), C2 45,000 demand
    # (Sep 50,000); B002: C3 82,000 deposit (80,000), C4 21,000 fund (20,000)
    assert sums.loc["B001", ["deposits", "deposits_prev", "aum", "aum_prev"]].tolist() == [
        1_295_000.0,
        1_250_000.0,
        1_295_000.0,
        1_550_000.0,
    ]
    assert sums.loc["B002", ["deposits", "deposits_prev", "aum", "aum_prev"]].tolist() == [
        82_000.0,
        80_000.0,
        103_000.0,
        100_000.0,
    ]
    counted = ["customers", "customers_prev", "products", "mobile", "top", "top_claimed"]
    assert sums.loc["B001", counted].tolist() == [2, 2, 2, 1, 1, 1]  # C1 top, owned by S2
    assert sums.loc["B002", counted].tolist() == [2, 2, 2, 1, 0, 0]
    # C1 last contacted 2026-10-01: 30 days before 31 October, within the top tier's 30
    assert sums.loc["B001", "top_in_time"] == 1
    assert share.to_dict("list") == {"branch_id": ["B001"], "top_unattended_share": [0.0]}
    # 45 days before 15 November: late, so unattended
    sums, share = _sums(ds, "2026-11-15")
    assert sums.loc["B001", "top_in_time"] == 0
    assert share["top_unattended_share"].tolist() == [1.0]


def test_tiny_bank_month_counts_from_the_database(tmp_path):
    source = open_source(_tiny_sqlite(tmp_path))
    assert source.value_counts("holdings", "month") == {"2026-09": 5, "2026-10": 4}
    assert Dataset(source).month_counts("holdings") == {"2026-09": 5, "2026-10": 4}


def _both(location, **kwargs):
    clear_cache()
    pushed = Dataset(open_source(location))
    month = max(pushed.month_counts("holdings"))
    # every figure is added up in the database here, none falls back to pandas
    assert sql_bank_figures.customer_sums(
        pushed,
        month,
        month,
        pd.Timestamp("2026-09-30"),
        DEFAULT_THRESHOLDS,
        pushed.table("branches"),
        pushed.table("staff"),
    )
    assert sql_bank_figures.referral_conversion(pushed, pushed.table("branches")) is not None
    assert sql_bank_figures.target_completion(pushed, month) is not None
    assert sql_bank_figures.lobby_kpis(pushed, 15.0) is not None
    pulled_source = open_source(location)
    pulled_source.pushdown = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = bank_context(pushed, **kwargs)
        clear_cache()
        slow = bank_context(Dataset(pulled_source), **kwargs)
    assert (fast.month, fast.comparison_month) == (slow.month, slow.comparison_month)
    pd.testing.assert_frame_equal(fast.branches, slow.branches)
    pd.testing.assert_frame_equal(fast.kpis, slow.kpis, check_exact=False, rtol=1e-9)
    return fast


def test_sample_bank_context_is_the_same_from_sqlite(sample_sqlite):
    fast = _both(sample_sqlite)
    assert fast.kpis["top_unattended_share"].notna().any()
    assert fast.kpis["wait_p90_min"].notna().all()


def test_another_month_is_the_same_from_sqlite(sample_sqlite):
    months = sorted(open_dataset(sample_sqlite).month_counts("holdings"))
    _both(sample_sqlite, month=months[-3], comparison_month=months[0])


def test_a_broken_column_takes_the_pandas_path_and_its_message(tmp_path):
    path = _tiny_sqlite(tmp_path)
    with sa.create_engine(f"sqlite:///{path}").begin() as con:
        con.execute(
            sa.text(
                "UPDATE holdings SET balance = -5 WHERE customer_id = 'C2' AND month = '2026-10'"
            )
        )
    clear_cache()
    ds = open_dataset(path)
    assert _sums(ds, "2026-10-31") is None
    assert bank_figures.scannable(ds, "customers", "holdings")
    with pytest.raises(DataProblems) as caught:
        bank_context(ds)
    assert "1 negative value(s); expected ≥ 0" in caught.value.report()


def test_text_in_a_number_column_is_left_to_the_parser(tmp_path):
    """SQLite keeps any value anywhere: a balance stored as text is not added up in SQL."""
    path = _tiny_sqlite(tmp_path)
    with sa.create_engine(f"sqlite:///{path}").begin() as con:
        con.execute(sa.text("UPDATE holdings SET balance = '1,000' WHERE customer_id = 'C2'"))
    assert _sums(open_dataset(path), "2026-10-31") is None


@pytest.mark.postgres
def test_sample_bank_context_is_the_same_from_postgresql(postgres_url):
    url = fresh_database(postgres_url, "sample_bank")
    copy_into(sample_path(), url)
    fast = _both(url)
    assert fast.kpis["wait_p90_min"].notna().all()
    months = sorted(open_dataset(url).month_counts("holdings"))
    _both(url, month=months[-3], comparison_month=months[0])


def _overview_both(location) -> None:
    """The bank overview added up in the database equals the one from pulled rows."""
    from branch_consult.analysis.overview import _scanned_balances, bank_overview

    ds = open_dataset(location)
    months = tuple(sorted(ds.month_counts("holdings"))[-2:])
    assert _scanned_balances(ds, months) is not None  # really added up in the database
    clear_cache()
    summed = bank_overview(open_dataset(location))
    clear_cache()
    pulled = bank_overview(open_dataset(location), pushdown=False)
    pd.testing.assert_frame_equal(summed.branches, pulled.branches)
    assert summed.totals == pytest.approx(pulled.totals)


def test_sample_bank_overview_is_the_same_from_sqlite(sample_sqlite):
    _overview_both(sample_sqlite)


def test_tiny_bank_overview_by_hand_from_sqlite(tmp_path):
    from branch_consult.analysis.overview import bank_overview

    f = bank_overview(open_dataset(_tiny_sqlite(tmp_path)), "2026-10").branches
    f = f.set_index("branch_id")
    # B001 = C1 1,250,000 time deposit + C2 45,000 demand; B002 = C3 82,000 (+ C4 fund 21,000)
    assert f.loc["B001", "deposits"] == 1_295_000.0
    assert f.loc["B002", "aum"] == 103_000.0


@pytest.mark.postgres
def test_sample_bank_overview_is_the_same_from_postgresql(postgres_url):
    url = fresh_database(postgres_url, "sample_overview")
    copy_into(sample_path(), url)
    _overview_both(url)
