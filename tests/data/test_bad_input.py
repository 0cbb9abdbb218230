"""Bad and messy extracts: read what is unambiguous, report the rest clearly, all at once."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from branch_consult.cli import app
from branch_consult.data import DataProblems, clear_cache, open_dataset

runner = CliRunner()


def _edit(folder, table, fn):
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = fn(frame)
    frame.to_csv(path, index=False)


def test_gbk_and_bom_csvs_read(tiny_csv):
    frame = pd.read_csv(tiny_csv / "customers.csv", dtype=str, keep_default_na=False)
    frame.columns = [
        "客户号",
        "网点号",
        "出生年份",
        "性别",
        "开户日期",
        "管户经理",
        "客群",
        "手机银行",
        "最近联系日期",
    ]
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


# ---------------------------------------------------------------- the bad-input catalogue
#
# One case per class of bad input found by the hardening probe (issue 7): how to make
# it from the tiny bank, the exit code of `validate`, and the one-line message it must
# print. No case may print a traceback.


def _append(folder, table, text, encoding="utf-8"):
    with open(folder / f"{table}.csv", "ab") as fh:
        fh.write(text.encode(encoding) if isinstance(text, str) else text)


def _header(folder, table, old, new):
    path = folder / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = lines[0].replace(old, new)
    path.write_text("\n".join(lines), encoding="utf-8")


def _header_only(folder, table):
    path = folder / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")


def _add_branch_daily(folder):
    pd.DataFrame({"branch_id": ["B001"], "date": ["2026-10-31"], "deposits": ["100"]}).to_csv(
        folder / "branch_daily.csv", index=False
    )


def _formula_workbook(folder):
    import openpyxl

    (folder / "branches.csv").unlink()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["branch_id", "name", "region", "area_type", "opened_on", "counters", "fte"])
    sheet.append(["B001", "城东支行", "东区", "community", "2010-03-01", 5, "=10+2"])
    sheet.append(["B002", "高新园区支行", "西区", "park", "2015-06-18", 4, 9.5])
    book.save(folder / "branches.xlsx")


def _inflate(path, placeholder, size):
    """Rewrite a saved workbook so one cell holds `size` characters (openpyxl caps cells at 32,767)."""
    import zipfile

    parts = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            parts[name] = zf.read(name).replace(placeholder.encode(), b"x" * size)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _huge_string_workbook(path, sheet_title=None, size=3_000_000):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if sheet_title:
        sheet.title = sheet_title
    sheet.append(["branch_id", "name", "region", "area_type", "opened_on", "counters", "fte"])
    sheet.append(["B001", "PLACEHOLDER", "东区", "community", "2010-03-01", 5, 12])
    sheet.append(["B002", "高新园区支行", "西区", "park", "2015-06-18", 4, 9.5])
    book.save(path)
    _inflate(path, "PLACEHOLDER", size)
    assert path.stat().st_size < 100_000


def _long_name(folder):
    _edit(folder, "branches", lambda f: f.assign(name=["城东支行" * 250_000, "高新园区支行"]))


NUMBER_COLUMNS = [  # table, column: the 8 contract number columns whose absence crashed parsing
    ("branches", "fte"),
    ("holdings", "balance"),
    ("branch_daily", "deposits"),
    ("transactions", "amount"),
    ("referrals", "amount"),
    ("targets", "target"),
    ("targets", "actual"),
    ("campaign_results", "amount"),
]

CATALOGUE = [
    # (case, make the bad input, validate exit code, the message it must print)
    (
        "future month",
        lambda d: _append(d, "holdings", "C3,2031-01,wealth,100\n"),
        1,
        "bank_csv/holdings.csv › holdings › month: 1 row(s) dated 2031-01: after the current month",
    ),
    (
        "future date",
        lambda d: _edit(
            d,
            "customers",
            lambda f: f.assign(
                onboarded_on=["2015-01-01", "2020-02-02", "2031-03-03", "2016-04-04"]
            ),
        ),
        1,
        "customers › onboarded_on: 1 value(s) after today (",
    ),
    (
        "inf amount",
        lambda d: _append(d, "holdings", "C3,2026-10,wealth,inf\n"),
        1,
        "holdings › balance: cannot read 1 value(s); expected a finite number",
    ),
    (
        "Infinity amount",
        lambda d: _append(d, "holdings", "C3,2026-10,wealth,Infinity\n"),
        1,
        "holdings › balance: cannot read 1 value(s); expected a finite number",
    ),
    (
        "-inf amount",
        lambda d: _append(d, "holdings", "C3,2026-10,wealth,-inf\n"),
        1,
        "holdings › balance: cannot read 1 value(s); expected a finite number",
    ),
    (
        "1e309 amount",
        lambda d: _append(d, "holdings", "C3,2026-10,wealth,1e309\n"),
        1,
        "holdings › balance: cannot read 1 value(s); expected a finite number (inf, Infinity or a number too large"
        " to hold is not an amount) (row 11); found: '1e309'",
    ),
    (
        "inf in a number column",
        lambda d: _edit(d, "branches", lambda f: f.assign(fte=["12", "INF"])),
        1,
        "branches › fte: cannot read 1 value(s); expected a finite number",
    ),
    (
        "header-only required table",
        lambda d: _header_only(d, "holdings"),
        1,
        "bank_csv/holdings.csv › holdings: the table has a header but no data rows",
    ),
    (
        "header-only optional table",
        lambda d: (_add_branch_daily(d), _header_only(d, "branch_daily")),
        1,
        "bank_csv/branch_daily.csv › branch_daily: the table has a header but no data rows",
    ),
    *[
        (
            f"missing {t}.{c}",
            lambda d, t=t, c=c: (_add_all(d), _header(d, t, c, "zz")),
            1,
            f"{t}: missing required column(s) {c}; the header row has: ",
        )
        for t, c in NUMBER_COLUMNS
    ],
    (
        "BOM inside a Chinese header",
        lambda d: _header(d, "holdings", "balance", "余\ufeff额"),
        0,
        "holdings: header(s) contain invisible characters, ignored when matching: '余\\ufeff额'",
    ),
    (
        "zero-width space in a header",
        lambda d: _header(d, "branches", "counters", "counters\u200b"),
        0,
        "branches: header(s) contain invisible characters, ignored when matching: 'counters\\u200b'",
    ),
    (
        "misspelt header shown raw",
        lambda d: _header(d, "branches", "counters", "count\u200cers x"),
        1,
        "branches: missing required column(s) counters; the header row has: 'branch_id', 'name', 'region', "
        "'area_type', 'opened_on', 'count\\u200cers x', 'fte'",
    ),
    (
        "0-byte CSV",
        lambda d: (d / "customers.csv").write_bytes(b""),
        1,
        "bank_csv/customers.csv › customers: the file is empty (0 bytes); expected a header row and data rows",
    ),
    (
        "mixed encodings",
        lambda d: (
            _append(d, "holdings", "C3,2026-08,wealth,100\n" * 4000),
            _append(d, "holdings", "C4,2026-10,存款,5\n", "gbk"),
        ),
        1,
        "bank_csv/holdings.csv › holdings: line 4011 (byte 88,302) is not valid utf-8 like the lines before it, "
        "found bytes b4 e6 bf ee; save the whole file in one encoding (UTF-8 or GBK)",
    ),
    (
        "formula without a saved value",
        _formula_workbook,
        1,
        "bank_csv/branches.xlsx › branches › fte: cannot read 1 value(s): formula(s) with no saved result",
    ),
    (
        "1 MB branch name",
        _long_name,
        1,
        "branches › name: 1 value(s) longer than 32,767 characters (longest 1,000,000); expected a short text (row 2)",
    ),
]


def _add_all(folder):
    """The optional tables with number columns, one plausible row each."""
    rows = {
        "branch_daily": {"branch_id": "B001", "date": "2026-10-31", "deposits": "100"},
        "transactions": {
            "txn_id": "T1",
            "customer_id": "C1",
            "branch_id": "B001",
            "ts": "2026-10-02 10:00:00",
            "channel": "counter",
            "kind": "deposit",
            "amount": "500",
            "staff_id": "S2",
        },
        "referrals": {
            "referral_id": "R1",
            "branch_id": "B001",
            "date": "2026-10-02",
            "customer_id": "C1",
            "from_staff_id": "S2",
            "to_staff_id": "S1",
            "product": "wealth",
            "stage": "sold",
            "amount": "1000",
        },
        "targets": {
            "level": "branch",
            "id": "B001",
            "month": "2026-10",
            "metric": "deposits",
            "target": "10",
            "actual": "9",
        },
        "campaign_results": {
            "campaign_id": "K1",
            "customer_id": "C1",
            "group": "treatment",
            "contacted": "1",
            "responded": "1",
            "converted": "0",
            "amount": "0",
        },
    }
    for name, row in rows.items():
        pd.DataFrame([row]).to_csv(folder / f"{name}.csv", index=False)


@pytest.mark.parametrize(
    ("make", "code", "message"), [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE]
)
def test_bad_input_catalogue(tiny_csv, make, code, message):
    make(tiny_csv)
    result = runner.invoke(app, ["validate", str(tiny_csv)])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert message in result.output, result.output
    assert result.exit_code == code, result.output


def test_catalogue_clean_baseline(tiny_csv):
    """Every optional table the catalogue adds is valid on its own (so each case tests one fault)."""
    _add_all(tiny_csv)
    result = runner.invoke(app, ["validate", str(tiny_csv)])
    assert result.exit_code == 0 and "No problems found." in result.output, result.output


def test_empty_csv_reported_once_and_dependent_tables_still_listed(tiny_csv):
    (tiny_csv / "customers.csv").write_bytes(b"")
    result = runner.invoke(app, ["validate", str(tiny_csv)])
    assert result.output.count("the file is empty") == 1, result.output
    assert "EmptyDataError" not in result.output
    assert (
        "holdings                   9 rows" in result.output
    )  # references to customers are not re-reported
    assert "customers                  -       unreadable  from customers.csv" in result.output


def test_validate_unknown_branch_fails(tiny_csv):
    result = runner.invoke(app, ["validate", str(tiny_csv), "-b", "B999"])
    assert result.exit_code == 1 and "No problems found" not in result.output
    assert "unknown branch(es): B999" in result.output


def test_validate_folder_without_table_files(tmp_path):
    (tmp_path / "客户清单.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1 and "No problems found" not in result.output
    assert "ignored: notes.txt (not a .parquet, .csv, .xlsx, .xls file)" in result.output
    assert "ignored: 客户清单.csv (not named after a contract table)" in result.output
    assert (
        "playbook bank_overview: cannot run: missing required table(s) branches, customers, holdings"
        in result.output
    )
    assert "no contract table found" in result.output


def test_validate_lists_files_and_playbook_needs(tiny_csv):
    result = runner.invoke(app, ["validate", str(tiny_csv)])
    assert result.exit_code == 0, result.output
    assert "holdings                   9 rows  ok  from holdings.csv" in result.output
    assert (
        "playbook branch_diagnostic: can run; sections left out without branch_daily"
        in result.output
    )
    (tiny_csv / "staff.csv").unlink()
    _edit(tiny_csv, "customers", lambda f: f.assign(owner_staff_id=""))
    only_overview = runner.invoke(app, ["validate", str(tiny_csv), "-P", "bank_overview"])
    assert only_overview.exit_code == 0, only_overview.output
    every = runner.invoke(app, ["validate", str(tiny_csv)])
    assert every.exit_code == 1
    assert "branch_diagnostic lacks required table(s) staff" in every.output


def test_oversized_workbook_refused_before_loading(tiny_csv, monkeypatch):
    (tiny_csv / "branches.csv").unlink()
    _huge_string_workbook(tiny_csv / "branches.xlsx")
    monkeypatch.setenv("BRANCH_CONSULT_MAX_WORKBOOK_PART_BYTES", str(1024 * 1024))
    result = runner.invoke(app, ["validate", str(tiny_csv)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "branches.xlsx › -: refused before loading: the workbook unpacks to" in result.output
    assert "largest part xl/worksheets/sheet1.xml: 2.9 MiB (limit 1.0 MiB)" in result.output
    monkeypatch.delenv("BRANCH_CONSULT_MAX_WORKBOOK_PART_BYTES")
    monkeypatch.setenv(
        "BRANCH_CONSULT_MAX_TEXT_CHARS", "1000"
    )  # within the size limits: the cell length is refused
    clear_cache()
    result = runner.invoke(app, ["validate", str(tiny_csv)])
    assert (
        "branches › name: 1 value(s) longer than 1,000 characters (longest 3,000,000)"
        in result.output
    )


def test_oversized_workbook_source_refused(tmp_path, monkeypatch):
    _huge_string_workbook(tmp_path / "bank.xlsx", "branches")
    monkeypatch.setenv("BRANCH_CONSULT_MAX_WORKBOOK_BYTES", str(1024 * 1024))
    result = runner.invoke(app, ["validate", str(tmp_path / "bank.xlsx")])
    assert result.exit_code == 2 and "refused before loading" in result.output


def test_stray_month_refused_before_the_run_starts(tiny_csv):
    from branch_consult.playbooks import get_playbook
    from branch_consult.run import _resolve

    _append(tiny_csv, "holdings", "C3,2031-01,wealth,100\n")
    with pytest.raises(
        DataProblems, match=r"holdings › month: 1 row\(s\) dated 2031-01: after the current month"
    ):
        _resolve(get_playbook("branch_diagnostic"), tiny_csv, {"branch_id": "B001"}, None)


def test_empty_optional_table_refused_before_the_run_starts(tiny_csv):
    from branch_consult.playbooks import get_playbook
    from branch_consult.run import _resolve

    _add_branch_daily(tiny_csv)
    _header_only(tiny_csv, "branch_daily")
    with pytest.raises(DataProblems, match="branch_daily: the table has a header but no data rows"):
        _resolve(get_playbook("branch_diagnostic"), tiny_csv, {"branch_id": "B001"}, None)


def test_empty_table_in_a_branch_slice_of_parquet(tiny_parquet):
    """A header-only Parquet table read through a branch's slice is still reported."""
    frame = pd.read_parquet(tiny_parquet / "holdings.parquet").iloc[0:0]
    frame.to_parquet(tiny_parquet / "holdings.parquet")
    with pytest.raises(DataProblems, match="holdings: the table has a header but no data rows"):
        open_dataset(tiny_parquet).table("holdings", "B001")


def test_stray_month_of_another_branch_fails_a_branch_validate(tiny_csv):
    _append(tiny_csv, "holdings", "C3,2031-01,wealth,100\n")  # C3 is a customer of B002
    result = runner.invoke(app, ["validate", str(tiny_csv), "-b", "B001"])
    assert result.exit_code == 1, result.output
    assert "holdings › month: 1 row(s) dated 2031-01: after the current month" in result.output


def test_run_refuses_a_stray_month_in_one_message(tiny_csv, tmp_path):
    _append(tiny_csv, "holdings", "C3,2031-01,wealth,100\n")
    result = runner.invoke(
        app,
        [
            "run",
            "branch_diagnostic",
            "--data",
            str(tiny_csv),
            "--out",
            str(tmp_path / "out"),
            "-p",
            "branch_id",
            "B001",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "holdings › month: 1 row(s) dated 2031-01: after the current month" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_non_finite_numbers_in_parquet(tiny_parquet):
    frame = pd.read_parquet(tiny_parquet / "holdings.parquet")
    frame.loc[1, "balance"] = float("inf")
    frame.to_parquet(tiny_parquet / "holdings.parquet")
    report, text = _problems(tiny_parquet)
    assert (
        "holdings › balance: cannot read 1 value(s); expected a finite number" in text
        and "(row 2)" in text
    )
    assert "holdings" in report.unusable


def test_zip_bomb_workbook_refused_with_default_limits(tmp_path):
    """17 MiB packed into a few KB: refused by its packing ratio, before openpyxl sees it."""
    _huge_string_workbook(tmp_path / "bank.xlsx", "branches", size=17 * 2**20)
    result = runner.invoke(app, ["validate", str(tmp_path / "bank.xlsx")])
    assert result.exit_code == 2, result.output
    assert "refused before loading: part xl/worksheets/sheet1.xml unpacks" in result.output
    assert "limit 200 times" in result.output and "Traceback" not in result.output


def test_run_on_a_corrupt_parquet_is_one_message(tiny_parquet, tmp_path):
    (tiny_parquet / "staff_events.parquet").write_bytes(b"PAR1 garbage")
    (tiny_parquet / "holdings.parquet").write_bytes(b"PAR1 garbage")
    result = runner.invoke(
        app,
        [
            "run",
            "branch_diagnostic",
            "--data",
            str(tiny_parquet),
            "--out",
            str(tmp_path / "o"),
            "-p",
            "branch_id",
            "B001",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "holdings" in result.output
    assert "LINE 1" not in result.output  # the driver's SQL context is not part of the message


def test_workbook_sheet_formula_and_duckdb_extra_table(tmp_path):
    import duckdb
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "网点"
    sheet.append(["网点号", "网点名称", "区域", "区域类型", "开业日期", "柜台数", "员工数"])
    sheet.append(["B001", "城东支行", "东区", "community", "2010-03-01", "=2+3", 12])
    book.create_sheet("说明").append(["free text"])
    book.save(tmp_path / "bank.xlsx")
    result = runner.invoke(app, ["validate", str(tmp_path / "bank.xlsx")])
    assert (
        "bank.xlsx › 网点 › branches › counters: cannot read 1 value(s): formula(s) with no saved result"
        in result.output
    )
    assert (
        "found: '=2+3'" in result.output
        and "ignored: sheet 说明 (not named after a contract table)" in result.output
    )

    con = duckdb.connect(str(tmp_path / "bank.duckdb"))
    con.execute("CREATE TABLE scratch (x INTEGER)")
    con.close()
    result = runner.invoke(app, ["validate", str(tmp_path / "bank.duckdb")])
    assert (
        result.exit_code == 1
        and "ignored: table scratch (not a contract table name)" in result.output
    )
