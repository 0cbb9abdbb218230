"""Bad and messy extracts: read what is unambiguous, report the rest clearly, all at once."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from branch_consult.cli import app
from branch_consult.data import DataProblems, open_dataset

runner = CliRunner()


def _edit(folder, table, fn):
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = fn(frame)
    frame.to_csv(path, index=False)


def test_gbk_and_bom_csvs_read(tiny_csv):
    frame = pd.read_csv(tiny_csv / "customers.csv", dtype=str, keep_default_na=False)
    frame.columns = ["客户号", "网点号", "出生年份", "性别", "开户日期", "管户经理", "客群", "手机银行", "最近联系日期"]
    frame["开户日期"] = ["2015年1月1日", "2020年2月2日", "2019/3/3", "2016/4/4"]
    frame.to_csv(tiny_csv / "customers.csv", index=False, encoding="gb18030")
    staff = pd.read_csv(tiny_csv / "staff.csv", dtype=str, keep_default_na=False)
    staff.to_csv(tiny_csv / "staff.csv", index=False, encoding="utf-8-sig")
    ds = open_dataset(tiny_csv)
    assert ds.validate().ok, ds.validate().text()
    customers = ds["customers"]
    assert customers["onboarded_on"].dt.year.tolist() == [2015, 2020, 2019, 2016]
    assert ds["staff"].columns[0] == "staff_id"


def test_wan_yuan_header_and_thousands(tiny_csv):
    def to_wan(f):
        f["balance"] = [f"{float(v) / 10000:,.2f}" for v in f["balance"]]
        return f.rename(columns={"balance": "余额(万元)"})

    _edit(tiny_csv, "holdings", to_wan)
    h = open_dataset(tiny_csv)["holdings"]
    assert h["balance"].iloc[0] == pytest.approx(1_200_000)


def _problems(folder):
    report = open_dataset(folder).validate()
    return report, "\n".join(p.describe() for p in report.problems)


def test_duplicate_keys(tiny_csv):
    _edit(tiny_csv, "customers", lambda f: pd.concat([f, f.iloc[[1]]], ignore_index=True))
    report, text = _problems(tiny_csv)
    assert "customers" in report.unusable
    assert "bank_csv/customers.csv › customers › customer_id: duplicate key" in text
    assert "rows 3, 6" in text  # CSV line numbers (header is line 1)


def test_unknown_ids(tiny_csv):
    _edit(tiny_csv, "customers", lambda f: f.assign(owner_staff_id=["S2", "S99", "", "S4"]))
    report, text = _problems(tiny_csv)
    assert "owner_staff_id: 1 reference(s) to unknown staff.staff_id (row 3); found: 'S99'" in text


def test_negative_balance(tiny_csv):
    _edit(tiny_csv, "holdings", lambda f: f.assign(balance=["-5"] + list(f["balance"][1:])))
    report, text = _problems(tiny_csv)
    assert "holdings › balance: 1 negative value(s); expected ≥ 0 (row 2)" in text


def test_unknown_category(tiny_csv):
    _edit(tiny_csv, "branches", lambda f: f.assign(area_type=["community", "downtown"]))
    report, text = _problems(tiny_csv)
    assert "area_type: 1 unknown value(s); expected one of: business, community" in text
    assert "'downtown'" in text


def test_missing_required_column(tiny_csv):
    _edit(tiny_csv, "staff", lambda f: f.drop(columns=["role"]))
    report, text = _problems(tiny_csv)
    assert "staff: missing required column(s) role" in text
    assert "staff" in report.unusable


def test_all_problems_reported_together_and_table_access_refused(tiny_csv):
    _edit(tiny_csv, "holdings", lambda f: f.assign(balance=["-5", "abc"] + list(f["balance"][2:])))
    _edit(tiny_csv, "branches", lambda f: f.assign(area_type=["community", "downtown"]))
    report, text = _problems(tiny_csv)
    assert set(report.unusable) == {"branches", "holdings"}
    assert "negative" in text and "cannot read 1 value(s)" in text and "downtown" in text
    with pytest.raises(DataProblems) as err:
        open_dataset(tiny_csv)["holdings"]
    assert "table holdings from bank_csv cannot be used" in str(err.value)


def test_validate_command_exit_codes(tiny_csv):
    ok = runner.invoke(app, ["validate", str(tiny_csv)])
    assert ok.exit_code == 0, ok.output
    assert "No problems found." in ok.output
    _edit(tiny_csv, "holdings", lambda f: f.assign(balance=["-5"] + list(f["balance"][1:])))
    bad = runner.invoke(app, ["validate", str(tiny_csv)])
    assert bad.exit_code == 1
    assert "negative value(s)" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(app, ["validate", str(tiny_csv / "nope")])
    assert missing.exit_code == 2 and "no such file or folder" in missing.output


def test_broken_workbook_is_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not really a zip file")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "cannot open as a workbook source" in result.output


def test_corrupt_parquet_is_a_message(tiny_parquet):
    (tiny_parquet / "customers.parquet").write_bytes(b"PAR1 garbage")
    report = open_dataset(tiny_parquet).validate()
    text = "\n".join(p.describe() for p in report.problems)
    assert "customers: cannot be read" in text
    result = runner.invoke(app, ["validate", str(tiny_parquet)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_unknown_ids_in_a_parquet_branch_slice(tiny_parquet):
    """References of a slice are checked by an anti-join in DuckDB, not a full key load."""
    c = pd.read_parquet(tiny_parquet / "customers.parquet")
    c.loc[2, "owner_staff_id"] = "S404"
    c.to_parquet(tiny_parquet / "customers.parquet")
    with pytest.raises(DataProblems, match="reference.*unknown staff.staff_id"):
        open_dataset(tiny_parquet).table("customers", "B002")
    assert len(open_dataset(tiny_parquet).table("customers", "B001")) == 2


def test_unreadable_required_value_is_reported_once(tiny_csv):
    _edit(tiny_csv, "branches", lambda f: f.assign(opened_on=["2010-03-01", "03/04/2015"]))
    report, text = _problems(tiny_csv)
    assert "opened_on: cannot read 1 value(s)" in text and "(row 3)" in text
    assert "empty value" not in text


def test_validate_one_branch_slice(tiny_csv):
    _edit(tiny_csv, "customers", lambda f: f.assign(owner_staff_id=["S2", "", "S99", "S4"]))
    clean = runner.invoke(app, ["validate", str(tiny_csv), "--branch", "B001"])
    assert clean.exit_code == 0, clean.output
    assert "customers                  2 rows" in clean.output
    dirty = runner.invoke(app, ["validate", str(tiny_csv), "--branch", "B002"])
    assert dirty.exit_code == 1 and "S99" in dirty.output
