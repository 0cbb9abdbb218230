"""One branch's extract the way clients really send it, rebuilt from the sample bank.

The workbook has Chinese sheet names and headers, a merged title row on every sheet,
a merged group-header row on the customer sheet, balances in 万元, Chinese and
slash-separated dates, amounts with thousands separators typed as text, and blank
trailing rows.  Two CSVs add the encodings: GB18030 without BOM, UTF-8 with BOM.
Every value still means the same as in the bank, so loaders can be tested against it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from branch_consult.data.contract import TABLES


def _read(bank_dir: Path, name: str) -> pd.DataFrame:
    csv = bank_dir / f"{name}.csv"
    if csv.exists():
        return pd.read_csv(csv, dtype=str, keep_default_na=False)
    return pd.read_parquet(bank_dir / f"{name}.parquet")


def _zh(name: str) -> dict[str, str]:
    return {c.name: c.zh[0] for c in TABLES[name].columns}


def _timestamp(value: object) -> pd.Timestamp | None:
    """A date cell as a Timestamp; None when it is blank or missing (None, "", NaN, NaT)."""
    if not isinstance(value, str | int | float | np.integer | dt.date | np.datetime64):
        return None
    if isinstance(value, str) and not value:
        return None
    ts = pd.Timestamp(value)
    return None if pd.isna(ts) else ts


def _cn_date(value: object) -> str:
    ts = _timestamp(value)
    return "" if ts is None else f"{ts.year}年{ts.month}月{ts.day}日"


def _slash_date(value: object) -> str:
    ts = _timestamp(value)
    return "" if ts is None else f"{ts.year}/{ts.month}/{ts.day}"


def _thousands(value: float) -> str:
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def _yes_no(value: object) -> str:
    return "是" if str(value).lower() in ("true", "1") else "否"


def branch_slice(bank_dir: Path, branch_id: str) -> dict[str, pd.DataFrame]:
    """The branch's rows of the tables in the extract (holdings: the last two months)."""
    branches = _read(bank_dir, "branches")
    staff = _read(bank_dir, "staff")
    customers = _read(bank_dir, "customers")
    holdings = _read(bank_dir, "holdings")
    targets = _read(bank_dir, "targets")
    staff = staff[staff["branch_id"] == branch_id]
    customers = customers[customers["branch_id"] == branch_id]
    holdings = holdings[holdings["customer_id"].isin(customers["customer_id"])]
    last_two = sorted(holdings["month"].unique())[-2:]
    ids = {branch_id, *staff["staff_id"]}
    return {
        "branches": branches[branches["branch_id"] == branch_id],
        "staff": staff,
        "customers": customers,
        "holdings": holdings[holdings["month"].isin(last_two)],
        "targets": targets[targets["id"].isin(ids)],
    }


def _sheet(
    wb: Workbook,
    name: str,
    title: str,
    header: list[str],
    rows: list[list[object]],
    groups: list[tuple[str, int]] | None = None,
    trailing_blank: int = 0,
) -> None:
    ws = wb.create_sheet(TABLES[name].zh)
    width = len(header)
    ws.append([title] + [None] * (width - 1))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    if groups:
        row = ws.max_row + 1
        col = 1
        for label, span in groups:
            ws.cell(row, col, label)
            if span > 1:
                ws.merge_cells(
                    start_row=row, start_column=col, end_row=row, end_column=col + span - 1
                )
            col += span
    ws.append(header)
    for r in rows:
        ws.append(r)
    for _ in range(trailing_blank):
        ws.append([" "] * width)


def write_messy_extract(out: Path, bank_dir: Path, branch_id: str) -> list[Path]:
    """Write branch_extract_zh.xlsx, customers_gbk.csv and staff_utf8_bom.csv into `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    part = branch_slice(Path(bank_dir), branch_id)
    branch = part["branches"].iloc[0]
    as_of = sorted(part["holdings"]["month"].unique())[-1]
    stamp = f"{as_of[:4]}年{int(as_of[5:])}月"
    wb = Workbook()
    wb.remove(wb.active)

    zh = _zh("branches")
    b = part["branches"]
    _sheet(
        wb,
        "branches",
        f"{branch['name']}基本信息（{stamp}）",
        [zh[c] for c in b.columns],
        [
            [
                r["branch_id"],
                r["name"],
                r["region"],
                r["area_type"],
                _slash_date(r["opened_on"]),
                int(r["counters"]),
                float(r["fte"]),
            ]
            for r in b.to_dict("records")
        ],
    )

    zh = _zh("staff")
    s = part["staff"]
    _sheet(
        wb,
        "staff",
        f"{branch['name']}员工花名册（{stamp}）",
        [zh[c] for c in s.columns],
        [
            [
                r["staff_id"],
                r["branch_id"],
                r["name"],
                r["role"],
                _cn_date(r["hired_on"]),
                _cn_date(r["left_on"]),
                r["manager_id"] or None,
            ]
            for r in s.to_dict("records")
        ],
    )

    zh = _zh("customers")
    c = part["customers"]
    _sheet(
        wb,
        "customers",
        f"{branch['name']}客户清单（{stamp}）",
        [zh[k] for k in c.columns],
        [
            [
                r["customer_id"],
                r["branch_id"],
                int(r["birth_year"]),
                r["gender"],
                _slash_date(r["onboarded_on"]),
                r["owner_staff_id"] or None,
                r["priority_group"] or None,
                _yes_no(r["mobile_banking"]),
                pd.Timestamp(r["last_contact_on"]).to_pydatetime()
                if pd.notna(r["last_contact_on"])
                else None,
            ]
            for r in c.to_dict("records")
        ],
        groups=[("客户基本信息", 5), ("管户与渠道", 4)],
    )

    zh = _zh("holdings")
    h = part["holdings"]
    header = [zh["customer_id"], zh["month"], zh["product"], f"{zh['balance']}(万元)"]
    _sheet(
        wb,
        "holdings",
        f"{branch['name']}客户持仓（最近两个月，单位：万元）",
        header,
        [
            [
                r["customer_id"],
                f"{r['month'][:4]}年{int(r['month'][5:])}月",
                r["product"],
                round(float(r["balance"]) / 1e4, 6),
            ]
            for r in h.to_dict("records")
        ],
        trailing_blank=3,
    )

    zh = _zh("targets")
    t = part["targets"]
    _sheet(
        wb,
        "targets",
        f"{branch['name']}目标与完成情况",
        [zh[k] for k in t.columns],
        [
            [
                r["level"],
                r["id"],
                r["month"],
                r["metric"],
                _thousands(r["target"]),
                _thousands(r["actual"]),
            ]
            for r in t.to_dict("records")
        ],
        trailing_blank=2,
    )
    book = out / "branch_extract_zh.xlsx"
    wb.save(book)

    cz = c.rename(columns=_zh("customers")).copy()
    cz[_zh("customers")["mobile_banking"]] = c["mobile_banking"].map(_yes_no).to_numpy()
    gbk = out / "customers_gbk.csv"
    cz.to_csv(gbk, index=False, encoding="gb18030", lineterminator="\r\n")
    bom = out / "staff_utf8_bom.csv"
    s.rename(columns=_zh("staff")).to_csv(bom, index=False, encoding="utf-8-sig")
    return [book, gbk, bom]
