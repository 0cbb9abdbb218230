"""Whole-table validation of a SQL source (SQLite, PostgreSQL) finds what the pandas path finds.

The tables are streamed from the database into DuckDB in batches and checked by the
same rules (`validation.checks`), so the problems, their words and their order are the
pandas path's; the copy never holds more than a batch in pandas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from branch_consult.data import clear_cache, open_dataset
from branch_consult.data.sources import open_source
from branch_consult.data.validation import SqlValidation
from branch_consult.data.validation import scan as scan_module
from tests.data.defect_bank import write_defect_bank
from tests.pg_server import fresh_database


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("BRANCH_CONSULT_TODAY", "2026-11-29")


def _load(folder: Path, url: str) -> str:
    """The defect bank's Parquet tables (clean columns typed, defective ones text) into a database."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as con:
            for file in sorted(folder.glob("*.parquet")):
                pd.read_parquet(file).to_sql(file.stem, con, index=False, if_exists="replace")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="module")
def defect_parquet(tmp_path_factory) -> Path:
    return write_defect_bank(tmp_path_factory.mktemp("defects") / "parquet", "parquet")


def _texts(problems):
    return [f"[{p.severity}] {p.describe()}" for p in problems]


def _compare(location: str) -> None:
    clear_cache()
    pulled = open_source(location)
    pulled.pushdown = False
    from branch_consult.data import Dataset

    old = Dataset(pulled).validate(engine="pandas")
    clear_cache()
    ds = open_dataset(location)
    sql = SqlValidation(ds)
    try:  # every table is checked on the streamed path here, none falls back to pandas
        assert [t for t in ds.tables() if sql.typed(t) is None] == []
    finally:
        sql.close()
    clear_cache()
    new = open_dataset(location).validate()
    assert _texts(new.problems) == _texts(old.problems)
    assert new.problems == old.problems
    assert new.rows == old.rows
    text = "\n".join(_texts(new.problems))
    for needle in (
        "unknown value(s)",
        "negative value(s)",
        "duplicate key (customer_id)",
        "reference(s) to unknown staff.staff_id",
        "cannot read 1 value(s); expected a month",
        "value(s) after today (2026-11-29)",
        "row(s) dated 2031-01: after the current month",
    ):
        assert needle in text, needle


def test_defect_bank_same_problems_from_sqlite(defect_parquet, tmp_path):
    _compare(_load(defect_parquet, f"sqlite:///{tmp_path / 'defects.sqlite'}"))


def test_small_batches_number_rows_as_pandas_does(defect_parquet, tmp_path, monkeypatch):
    monkeypatch.setattr(scan_module, "SQL_BATCH", 7)
    _compare(_load(defect_parquet, f"sqlite:///{tmp_path / 'defects.sqlite'}"))


def test_text_stored_in_a_number_column_takes_the_pandas_path(tmp_path):
    url = f"sqlite:///{tmp_path / 'odd.sqlite'}"
    with sa.create_engine(url).begin() as con:
        con.execute(sa.text("CREATE TABLE branches (branch_id TEXT, counters BIGINT)"))
        con.execute(sa.text("INSERT INTO branches VALUES ('B1', 3), ('B2', 'three')"))
    ds = open_dataset(url)
    sql = SqlValidation(ds)
    try:
        assert sql.typed("branches") is None
    finally:
        sql.close()


@pytest.mark.postgres
def test_defect_bank_same_problems_from_postgresql(defect_parquet, postgres_url):
    _compare(_load(defect_parquet, fresh_database(postgres_url, "defect_bank")))


@pytest.mark.postgres
def test_password_reaches_no_problem_and_temporary_tables_need_no_write_grant(
    defect_parquet, postgres_url
):
    """As a read-only role whose password is in the URL: same problems, the URL masked in each."""
    from tests.data.conftest import PASSWORD_ROLE

    password = "Pw-pushdown-7Hq2-secret"
    bank = fresh_database(postgres_url, "pushdown_bank")
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        exists = con.execute(
            sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": PASSWORD_ROLE}
        ).first()
        verb = "ALTER" if exists else "CREATE"
        con.execute(sa.text(f"{verb} ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{password}'"))
        con.execute(sa.text(f"GRANT pg_read_all_data TO {PASSWORD_ROLE}"))
    admin.dispose()
    _load(defect_parquet, bank)
    host = bank.rsplit("/", 1)[0].split("@", 1)[1]
    url = f"postgresql+psycopg://{PASSWORD_ROLE}:{password}@{host}/pushdown_bank"
    clear_cache()
    report = open_dataset(url).validate()
    text = report.text()
    assert report.problems and "duplicate key (customer_id)" in text
    assert password not in text and f"{PASSWORD_ROLE}:***@" in text
    assert all(password not in p.describe() for p in report.problems)
    clear_cache()
    assert _texts(open_dataset(url).validate(engine="pandas").problems) == _texts(report.problems)
