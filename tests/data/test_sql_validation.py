"""Whole-table validation in DuckDB finds the same problems, in the same words, as pandas.

The pandas path (`engine="pandas"`) is the reference; the DuckDB path is the default for
whole-source validation of Parquet, DuckDB and plain CSV tables.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from branch_consult.cli import app
from branch_consult.data import clear_cache, open_dataset
from branch_consult.data.dataset import sample_path
from branch_consult.data.problems import Problem
from branch_consult.data.validation import SqlValidation
from branch_consult.data.validation.scan import plain_csv
from tests.data.defect_bank import write_defect_bank

runner = CliRunner()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("BRANCH_CONSULT_TODAY", "2026-11-29")


def _both(location) -> tuple[list[Problem], list[Problem], dict, dict]:
    clear_cache()
    old = open_dataset(location).validate(engine="pandas")
    clear_cache()
    new = open_dataset(location).validate()
    return old.problems, new.problems, old.rows, new.rows


def _texts(problems: list[Problem]) -> list[str]:
    return [f"[{p.severity}] {p.describe()}" for p in problems]


@pytest.fixture(scope="module")
def defect_banks(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("defects")
    return {fmt: write_defect_bank(root / fmt, fmt) for fmt in ("csv", "parquet")}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_defect_bank_same_problems_on_both_paths(defect_banks, fmt):
    old, new, old_rows, new_rows = _both(defect_banks[fmt])
    assert _texts(new) == _texts(old)
    assert new == old  # source, table, column, every row and example, severity
    assert new_rows == old_rows
    # every planted kind is there (a sample of the messages the catalogue promises)
    text = "\n".join(_texts(new))
    for needle in (
        "unknown value(s)",
        "negative value(s)",
        "value(s) below 1900",
        "value(s) above 2030",
        "empty value(s) where a value is required",
        "duplicate key (customer_id)",
        "reference(s) to unknown staff.staff_id",
        "reference(s) to unknown branches.branch_id",
        "reference(s) to unknown customers.customer_id",
        "cannot read 1 value(s); expected a whole number",
        "cannot read 1 value(s); expected yes/no",
        "cannot read 1 value(s); expected a month",
        "cannot read 1 value(s); expected a date and time",
        "expected a finite number",
        "expected a whole number (row",
        "value(s) after today (2026-11-29)",
        "row(s) dated 2031-01: after the current month",
        "longer than 32,767 characters",
        "missing required column(s) required",
        "the table has a header but no data rows",
    ):
        assert needle in text, needle


def test_defect_bank_tables_take_the_sql_path(defect_banks):
    ds = open_dataset(defect_banks["csv"])
    sql = SqlValidation(ds)
    try:
        assert all(sql.typed(t) is not None for t in ds.tables())
    finally:
        sql.close()


def test_committed_sample_validates_clean_on_both_paths():
    old, new, old_rows, new_rows = _both(sample_path())
    assert new == old == []
    assert new_rows == old_rows


# ---------------------------------------------------------------- one rule at a time


def _edit(folder: Path, table: str, fn) -> None:
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(frame).to_csv(path, index=False)


def _to_parquet(folder: Path) -> None:
    """Every CSV of the folder as a Parquet file of text columns (the messy-export case)."""
    for path in list(folder.glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.astype(object).where(frame != "", None).to_parquet(path.with_suffix(".parquet"))
        path.unlink()


RULES = [
    ("allowed", "branches", lambda f: f.assign(area_type=["community", "downtown"])),
    ("min", "holdings", lambda f: f.assign(balance=["-5", *f["balance"][1:]])),
    ("max", "customers", lambda f: f.assign(birth_year=["2099", *f["birth_year"][1:]])),
    ("required", "staff", lambda f: f.assign(role=["", *f["role"][1:]])),
    ("key", "customers", lambda f: pd.concat([f, f.iloc[[1]]], ignore_index=True)),
    ("reference", "customers", lambda f: f.assign(owner_staff_id=["S2", "S99", "", "S4"])),
    ("self reference", "staff", lambda f: f.assign(manager_id=["S77", *f["manager_id"][1:]])),
    ("unreadable number", "holdings", lambda f: f.assign(balance=["abc", *f["balance"][1:]])),
    ("unreadable date", "branches", lambda f: f.assign(opened_on=["2010-03-01", "03/04/2015"])),
    ("unreadable flag", "customers", lambda f: f.assign(mobile_banking=["maybe", "1", "0", "是"])),
    ("unreadable month", "holdings", lambda f: f.assign(month=["2026-13", *f["month"][1:]])),
    ("infinite", "holdings", lambda f: f.assign(balance=["1e309", *f["balance"][1:]])),
    ("fraction", "branches", lambda f: f.assign(counters=["2.5", "4"])),
    (
        "future date",
        "customers",
        lambda f: f.assign(onboarded_on=["2031-01-01", *f["onboarded_on"][1:]]),
    ),
    ("stray month", "holdings", lambda f: f.assign(month=["2031-01", *f["month"][1:]])),
    ("missing column", "staff", lambda f: f.drop(columns=["role"])),
    ("no rows", "holdings", lambda f: f.iloc[0:0]),
    ("messy but fine", "holdings", lambda f: f.assign(balance=["1,200,000", *f["balance"][1:]])),
    ("padded", "branches", lambda f: f.assign(area_type=[" community ", "park"])),
]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize(("rule", "table", "edit"), RULES, ids=[r[0] for r in RULES])
def test_each_rule_same_on_both_paths(tiny_csv, fmt, rule, table, edit):
    _edit(tiny_csv, table, edit)
    if fmt == "parquet":
        _to_parquet(tiny_csv)
    old, new, old_rows, new_rows = _both(tiny_csv)
    assert _texts(new) == _texts(old)
    assert new_rows == old_rows
    if rule in ("messy but fine", "padded"):
        assert new == []
    else:
        assert any(p.table == table for p in new), _texts(new)


def test_typed_parquet_and_duckdb_file(tiny_parquet, tmp_path):
    """Typed columns (numbers, dates, booleans) read like the pandas path reads them."""
    c = pd.read_parquet(tiny_parquet / "customers.parquet")
    c.loc[1, "birth_year"] = 1850
    c.to_parquet(tiny_parquet / "customers.parquet")
    old, new, _, _ = _both(tiny_parquet)
    assert _texts(new) == _texts(old) and any("below 1900" in t for t in _texts(new))
    db = tmp_path / "bank.duckdb"
    with duckdb.connect(str(db)) as con:
        for path in tiny_parquet.glob("*.parquet"):
            con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM read_parquet('{path}')")
    old, new, _, _ = _both(db)
    assert _texts(new) == _texts(old) and any("below 1900" in t for t in _texts(new))


def test_messy_csv_keeps_the_parser(tiny_csv):
    """GBK, title rows or Chinese headers with units are not plain: the pandas parser reads them."""
    frame = pd.read_csv(tiny_csv / "holdings.csv", dtype=str, keep_default_na=False)
    frame.rename(columns={"balance": "余额(万元)"}).to_csv(tiny_csv / "holdings.csv", index=False)
    assert not plain_csv(tiny_csv / "holdings.csv", "holdings")
    assert plain_csv(tiny_csv / "customers.csv", "customers")
    (tiny_csv / "staff.csv").write_bytes((tiny_csv / "staff.csv").read_bytes() + b"\n\n")
    assert plain_csv(tiny_csv / "staff.csv", "staff")  # blank lines at the very end are harmless
    with open(tiny_csv / "branches.csv", "a", encoding="utf-8") as fh:
        fh.write("\nB003,x,y,park,2015-06-18,4,9\n")
    assert not plain_csv(tiny_csv / "branches.csv", "branches")  # a blank line moves line numbers
    old, new, _, _ = _both(tiny_csv)
    assert _texts(new) == _texts(old)


def test_many_bad_rows_keep_the_count_but_not_every_row(tiny_parquet):
    h = pd.read_parquet(tiny_parquet / "holdings.parquet")
    h = pd.concat([h] * 300, ignore_index=True)
    h["balance"] = -1.0
    h["month"] = [f"20{10 + i // 12 % 15:02d}-{i % 12 + 1:02d}" for i in range(len(h))]
    h["customer_id"] = [f"C{i}" for i in range(len(h))]
    h.to_parquet(tiny_parquet / "holdings.parquet")
    clear_cache()
    report = open_dataset(tiny_parquet).validate()
    negative = next(p for p in report.problems if "negative" in p.message)
    assert negative.message.startswith(f"{len(h)} negative value(s)")
    assert len(negative.rows) == 1000 and negative.total_rows == len(h)
    assert f"and {len(h) - 8} more)" in negative.describe()


def test_validate_command_progress_and_engine(tiny_csv):
    result = runner.invoke(app, ["validate", str(tiny_csv), "--progress"])
    assert result.exit_code == 0, result.output
    assert "validate: 1/" in result.output and "No problems found." in result.output
    result = runner.invoke(app, ["validate", str(tiny_csv), "--engine", "pandas"])
    assert result.exit_code == 0 and "validate: 1/" not in result.output
