"""The bank figures' contract checks (`figure_checks`) judge alike in DuckDB and in SQLite:
one planted defect at a time, on the hand-made two-branch bank."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from tiny_bank import tiny_tables, typed

from branch_consult.analysis import bank_figures, sql_bank_figures
from branch_consult.analysis.figure_checks import BRANCH_BALANCES, CUSTOMER_SUMS, Checked
from branch_consult.data import clear_cache, open_dataset

MONTHS = ("2026-10", "2026-09")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("BRANCH_CONSULT_TODAY", "2026-11-29")


def _planted(table: str, column: str, row: int, value: object) -> dict[str, pd.DataFrame]:
    tables = {name: typed(name, frame) for name, frame in tiny_tables().items()}
    frame = tables[table]
    if value is not None and isinstance(value, str) and frame[column].dtype != object:
        frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    return tables


def _parquet(tmp_path, tables):
    folder = tmp_path / "parquet"
    folder.mkdir(parents=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def _sqlite(tmp_path, tables):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "bank.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as con:
        for name, frame in tables.items():
            frame.to_sql(name, con, index=False)
    engine.dispose()
    return path


def _judged(tmp_path, tables, checks: tuple[Checked, ...]) -> tuple[bool, bool]:
    """(DuckDB over Parquet, SQLite) verdicts: True = a breach, take the pandas path."""
    clear_cache()
    ds = open_dataset(_parquet(tmp_path, tables))
    con, rel = bank_figures._scans(ds, "customers", "holdings")
    branches, staff = ds.table("branches"), ds.table("staff")
    duck = bank_figures._breached(con, rel, checks, MONTHS, branches, staff)
    db = open_dataset(_sqlite(tmp_path, tables))
    with sql_bank_figures._session(db) as (sql_con, dialect, engine):
        sql = sql_bank_figures._breached(sql_con, dialect, engine, checks, MONTHS, branches, staff)
    return duck, sql


def test_the_clean_bank_passes_both(tmp_path):
    tables = {name: typed(name, frame) for name, frame in tiny_tables().items()}
    assert _judged(tmp_path, tables, CUSTOMER_SUMS) == (False, False)


@pytest.mark.parametrize(
    ("table", "column", "row", "value", "sums", "balances"),
    [
        ("customers", "branch_id", 1, "B999", True, True),  # unknown branch
        ("customers", "owner_staff_id", 1, "S999", True, False),  # only the sums read owners
        ("customers", "customer_id", 1, "C1", True, True),  # duplicate key
        ("customers", "last_contact_on", 0, pd.Timestamp("2027-01-05"), True, False),  # future
        ("holdings", "balance", 6, -5.0, True, True),  # negative, report month
        ("holdings", "product", 7, "gold", True, True),  # unknown product
        ("holdings", "customer_id", 8, "C9", True, True),  # unknown customer
        # text rules implied by the allowed list or the reference (not written for these)
        ("holdings", "product", 7, "fund ", True, True),
        ("holdings", "customer_id", 8, " C4", True, True),
        ("customers", "branch_id", 2, "null", True, True),
        ("customers", "customer_id", 3, "C4 ", True, True),  # a key with no reference
        ("holdings", "month", 8, "2026-13", False, False),  # not one of the figure's months
        ("holdings", "balance", 0, -5.0, True, True),  # the comparison month is judged too
    ],
)
def test_a_planted_defect_is_judged_alike(tmp_path, table, column, row, value, sums, balances):
    tables = _planted(table, column, row, value)
    assert _judged(tmp_path / "s", tables, CUSTOMER_SUMS) == (sums, sums)
    assert _judged(tmp_path / "b", tables, BRANCH_BALANCES) == (balances, balances)
