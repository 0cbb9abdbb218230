"""The bank context added up in DuckDB equals the pandas one; unusable data takes the pandas path."""

from __future__ import annotations

import shutil
import warnings

import duckdb
import pandas as pd
import pytest

from branch_consult.analysis import bank_figures
from branch_consult.data import DataProblems, Dataset, clear_cache, sample_path
from branch_consult.data.sources import FolderSource
from branch_consult.results.branch_diagnostic import bank_context


class UnscannedFolder(FolderSource):
    """The same files, read only through pandas (as CSV or Excel files are)."""

    def duckdb_scan(self, table):
        return None

    def parse_origin(self, table):
        return None  # nor a parsed copy to scan: every table through pandas


def _both(folder, **kwargs):
    clear_cache()
    fast_ds = Dataset(FolderSource(folder))
    assert bank_figures.scannable(fast_ds, "customers", "holdings", "queue_tickets")
    # every figure of the context is added up in DuckDB here, none falls back to pandas
    month = kwargs.get("month") or max(fast_ds.distinct("holdings", "month"))
    assert bank_figures.referral_conversion(fast_ds, fast_ds.table("branches")) is not None
    assert bank_figures.target_completion(fast_ds, month) is not None
    assert bank_figures.lobby_kpis(fast_ds, 15.0) is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = bank_context(fast_ds, **kwargs)
        clear_cache()
        slow = bank_context(Dataset(UnscannedFolder(folder)), **kwargs)
    return fast, slow


def _same(fast, slow):
    assert (fast.month, fast.comparison_month) == (slow.month, slow.comparison_month)
    pd.testing.assert_frame_equal(fast.branches, slow.branches)
    pd.testing.assert_frame_equal(fast.kpis, slow.kpis, check_exact=False, rtol=1e-9)


def test_sample_bank_context_is_the_same_from_duckdb():
    fast, slow = _both(sample_path())
    _same(fast, slow)
    assert fast.kpis["top_unattended_share"].notna().any()
    assert fast.kpis["wait_p90_min"].notna().all()


def test_generated_bank_context_is_the_same_for_another_month(tmp_path):
    from branch_consult.data.generator import write_sample_bank

    write_sample_bank(
        tmp_path / "bank", branches=30, seed=7, customers_per_branch=60, fmt="parquet"
    )
    months = sorted(
        r[0]
        for r in duckdb.sql(
            f"SELECT DISTINCT month FROM read_parquet('{tmp_path / 'bank' / 'holdings.parquet'}')"
        ).fetchall()
    )
    _same(*_both(tmp_path / "bank"))
    _same(*_both(tmp_path / "bank", month=months[-4], comparison_month=months[0]))


def test_csv_tables_are_added_up_from_their_parsed_copy(tmp_path, monkeypatch):
    """CSV customers, holdings and tickets: scanned from the parsed-table cache, same figures."""
    monkeypatch.setenv("BRANCH_CONSULT_CACHE_DIR", str(tmp_path / "cache"))
    bank = tmp_path / "bank"
    shutil.copytree(sample_path(), bank)
    for table in ("customers", "holdings", "queue_tickets"):
        pd.read_parquet(bank / f"{table}.parquet").to_csv(bank / f"{table}.csv", index=False)
        (bank / f"{table}.parquet").unlink()
    _same(*_both(bank))


def test_a_broken_column_takes_the_pandas_path_and_its_message(tmp_path):
    """A negative balance: DuckDB's check declines, and the pandas path reports it as always."""
    bank = tmp_path / "bank"
    shutil.copytree(sample_path(), bank)
    holdings = pd.read_parquet(bank / "holdings.parquet")
    latest = holdings.index[holdings["month"] == holdings["month"].max()][3]
    holdings.loc[latest, "balance"] = -5.0
    holdings.to_parquet(bank / "holdings.parquet", index=False)
    clear_cache()
    ds = Dataset(FolderSource(bank))
    from branch_consult.analysis.balances import month_end
    from branch_consult.analysis.tiers import DEFAULT_THRESHOLDS

    month = str(holdings.loc[latest, "month"])
    assert (
        bank_figures.customer_sums(
            ds,
            month,
            month,
            month_end(month),
            DEFAULT_THRESHOLDS,
            ds.table("branches"),
            ds.table("staff"),
        )
        is None
    )
    with pytest.raises(DataProblems) as caught:
        bank_context(ds)
    assert "1 negative value(s); expected ≥ 0" in caught.value.report()
