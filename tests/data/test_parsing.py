"""Reading messy values: encodings, units, separators, Chinese dates, header rows."""

import pandas as pd
import pytest

from branch_consult.data.contract import table
from branch_consult.data.parsing import (
    coerce_column,
    detect_encoding,
    frame_from_cells,
    split_unit,
)


def test_encodings_detected():
    assert detect_encoding("客户号".encode("utf-8-sig")) == "utf-8-sig"
    assert detect_encoding("客户号".encode()) == "utf-8"
    assert detect_encoding("客户号,余额".encode("gbk")) == "gb18030"


def test_units_in_headers():
    assert split_unit("余额(万元)") == ("余额", 10000.0)
    assert split_unit("余额（万元）") == ("余额", 10000.0)
    assert split_unit("存款余额万元") == ("存款余额", 10000.0)
    assert split_unit("balance") == ("balance", 1.0)


def _coerce(values, column, table_name="holdings", mult=1.0):
    col = table(table_name).column(column)
    s = pd.Series(values, index=range(2, 2 + len(values)), dtype=object)
    return coerce_column(s, col, mult, "src", table_name)


def test_money_with_separators_and_wan():
    out, problems = _coerce(["1,234.5", "￥2,000", 3, ""], "balance", mult=10000.0)
    assert problems == []
    assert out.tolist()[:3] == [12_345_000.0, 20_000_000.0, 30_000.0]
    assert pd.isna(out.iloc[3])


def test_chinese_and_slash_dates():
    out, problems = _coerce(
        ["2017年4月17日", "2017/4/17", "2017-04-17", "20170417"], "onboarded_on", "customers"
    )
    assert problems == []
    assert set(out.dt.strftime("%Y-%m-%d")) == {"2017-04-17"}


def test_ambiguous_date_refused_with_row():
    out, problems = _coerce(["2017-04-17", "04/05/2017"], "onboarded_on", "customers")
    assert len(problems) == 1
    p = problems[0]
    assert p.column == "onboarded_on" and p.rows == (3,)
    assert "04/05/2017" in p.describe()


def test_months_and_bools():
    out, problems = _coerce(["2026年4月", "2026-04", "202604", "2026/4"], "month")
    assert problems == [] and set(out) == {"2026-04"}
    out, problems = _coerce(["是", "否", "true", "0"], "mobile_banking", "customers")
    assert problems == [] and out.tolist() == [True, False, True, False]


def test_excel_float_ids_come_back_as_written():
    out, _ = _coerce([1001.0, "C02"], "customer_id")
    assert out.tolist() == ["1001", "C02"]


def test_header_below_title_and_group_rows():
    cells = pd.DataFrame(
        [
            ["某某银行客户明细表", None, None, None],
            ["客户信息", None, "资产", None],
            ["客户号", "月份", "产品", "余额(万元)"],
            ["C1", "2026年10月", "deposit_time", "12.5"],
            [None, None, None, None],
            ["", "", "", ""],
        ],
        dtype=object,
    )
    frame, mult, problems = frame_from_cells(cells, table("holdings"), "x.xlsx")
    assert problems == []
    assert list(frame.columns) == ["customer_id", "month", "product", "balance"]
    assert len(frame) == 1 and frame.index[0] == 4  # spreadsheet row number
    assert mult["balance"] == 10000.0


@pytest.mark.parametrize("bad", ["abc", "1.2.3"])
def test_unreadable_number_reported(bad):
    out, problems = _coerce(["5", bad], "balance")
    assert len(problems) == 1 and problems[0].rows == (3,)
