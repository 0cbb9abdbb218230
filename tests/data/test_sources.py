"""Every kind of source gives the same validated tables and the same branch slices."""

from __future__ import annotations

import sqlite3

import duckdb
import pandas as pd
import pytest
from tiny_bank import tiny_tables, typed

from branch_consult.data import open_dataset
from branch_consult.data.dataset import _CACHE


def _check_tiny(ds) -> None:
    report = ds.validate()
    assert report.ok, report.text()
    assert report.rows["customers"] == 4
    assert ds.branch_ids() == ["B001", "B002"]
    customers = ds.table("customers")
    assert customers["mobile_banking"].dtype == bool
    assert customers["birth_year"].tolist() == [1970, 1990, 1985, 1955]
    assert pd.isna(customers.loc[1, "owner_staff_id"])
    holdings = ds.table("holdings", branch_id="B002")
    assert sorted(holdings["customer_id"].unique()) == ["C3", "C4"]
    assert holdings["balance"].sum() == 80000 + 20000 + 82000 + 21000
    b1 = ds.branch("B001")
    assert b1["staff"]["staff_id"].tolist() == ["S1", "S2"]


def test_folder_of_csv(tiny_csv):
    _check_tiny(open_dataset(tiny_csv))


def test_folder_of_parquet(tiny_parquet):
    _check_tiny(open_dataset(tiny_parquet))


def test_folder_of_xlsx(tmp_path):
    for name, frame in tiny_tables().items():
        frame.to_excel(tmp_path / f"{name}.xlsx", index=False)
    _check_tiny(open_dataset(tmp_path))


def test_one_workbook_with_chinese_sheet_names(tmp_path):
    path = tmp_path / "extract.xlsx"
    zh = {"branches": "网点", "staff": "员工", "customers": "客户", "holdings": "持仓"}
    with pd.ExcelWriter(path) as xl:
        for name, frame in tiny_tables().items():
            frame.to_excel(xl, sheet_name=zh[name], index=False)
    _check_tiny(open_dataset(path))


def test_duckdb_file(tmp_path):
    path = tmp_path / "bank.duckdb"
    con = duckdb.connect(str(path))
    for name, frame in tiny_tables().items():
        t = typed(name, frame)
        con.register("t", t)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM t")
        con.unregister("t")
    con.close()
    _check_tiny(open_dataset(path))


def test_sqlite_file(tmp_path):
    path = tmp_path / "bank.sqlite"
    with sqlite3.connect(path) as con:
        for name, frame in tiny_tables().items():
            typed(name, frame).to_sql(name, con, index=False)
    _check_tiny(open_dataset(path))
    _check_tiny(open_dataset(f"sqlite:///{path}"))


def test_cache_is_keyed_by_modification(tiny_csv):
    ds = open_dataset(tiny_csv)
    first = ds["branches"]
    n = len(_CACHE)
    ds["branches"]
    assert len(_CACHE) == n  # second read served from the cache
    frame = pd.read_csv(tiny_csv / "branches.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "name"] = "新名字支行"
    frame.to_csv(tiny_csv / "branches.csv", index=False)
    import os

    os.utime(tiny_csv / "branches.csv", ns=(1, 10**18))
    assert ds["branches"].loc[0, "name"] == "新名字支行"
    assert first.loc[0, "name"] == "城东支行"


def test_parquet_slice_reads_only_the_branch(tmp_path):
    """A branch slice from Parquet is filtered by DuckDB, not after a full pandas load."""
    folder = tmp_path / "big"
    folder.mkdir()
    n = 200_000
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i:07d}" for i in range(n)],
            "branch_id": [f"B{i // 1000:03d}" for i in range(n)],
            "birth_year": 1980,
            "gender": "F",
            "onboarded_on": pd.Timestamp("2020-01-01"),
            "owner_staff_id": None,
            "priority_group": None,
            "mobile_banking": True,
            "last_contact_on": pd.NaT,
        }
    )
    customers.to_parquet(folder / "customers.parquet", row_group_size=10_000)
    ds = open_dataset(folder)
    from branch_consult.data.sources import FolderSource

    raw = FolderSource(folder).read("customers", [("branch_id", ["B007"])])
    assert raw.filtered and len(raw.frame) == 1000
    assert len(ds.table("customers", "B007")) == 1000


@pytest.mark.postgres
def test_postgresql_server(postgres_url):
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as con:
            for name, frame in tiny_tables().items():
                typed(name, frame).to_sql(name, con, index=False, if_exists="replace")
    finally:
        engine.dispose()  # a pooled psycopg connection left to the garbage collector warns (an error here)
    _check_tiny(open_dataset(postgres_url))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_filters_on_other_columns(tmp_path, fmt):
    from tiny_bank import write_folder

    ds = open_dataset(write_folder(tmp_path / fmt, fmt))
    oct_b2 = ds.table("holdings", "B002", month=["2026-10"])
    assert sorted(oct_b2["customer_id"]) == ["C3", "C4"] and set(oct_b2["month"]) == {"2026-10"}
    assert len(ds.table("holdings", month="2026-09")) == 5
    from branch_consult.data import DataProblems

    with pytest.raises(DataProblems, match="unknown column"):
        ds.table("holdings", colour="red")
