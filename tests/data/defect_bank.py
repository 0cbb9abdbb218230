"""A small generated bank with every kind of defect `validate` reports, planted at once.

Used to compare the pandas (reference) and DuckDB validation paths: the same folder is
written as CSV and as Parquet (clean columns typed, defective ones left as text), and
both paths must list the same problems in the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from branch_consult.data.generator import write_sample_bank

Edit = Callable[[pd.DataFrame], pd.DataFrame]


def _set(column: str, row: int, value: str) -> Edit:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame

    return edit


def _dup(row: int) -> Edit:
    return lambda f: pd.concat([f, f.iloc[[row]]], ignore_index=True)


#: table -> edits; each line is one defect kind (comments name it)
DEFECTS: dict[str, list[Edit]] = {
    "branches": [
        _set("area_type", 1, "downtown"),  # unknown value
        _set("counters", 0, "2.5"),  # not a whole number
        _set("fte", 1, "INF"),  # non-finite number
        _set("name", 0, "城东支行" * 9_000),  # text too long
        _set("opened_on", 1, "2019/3/3"),  # messy but readable date
    ],
    "staff": [
        _set("role", 2, ""),  # empty required value
        _set("role", 3, "intern"),  # unknown value
        _set("manager_id", 4, "S99999"),  # self-reference to an unknown key
        _set("hired_on", 5, "03/04/2015"),  # ambiguous date: cannot read
        _set("branch_id", 6, "B999"),  # unknown reference
        _set("left_on", 7, "2031-01-01"),  # future date allowed here (future_ok)
    ],
    "customers": [
        _dup(1),  # duplicate key
        _set("owner_staff_id", 2, "S404"),  # unknown reference
        _set("birth_year", 3, "1850"),  # below minimum
        _set("birth_year", 4, "2099"),  # above maximum
        _set("birth_year", 5, "abc"),  # cannot read a number
        _set("mobile_banking", 6, "maybe"),  # cannot read a flag
        _set("mobile_banking", 7, "是"),  # messy but readable flag
        _set("onboarded_on", 8, "2031-03-03"),  # future date
        _set("gender", 9, "  M "),  # padded but readable
        _set("last_contact_on", 10, "-"),  # empty marker where empty is allowed
    ],
    "holdings": [
        _set("balance", 0, "-5"),  # negative
        _set("balance", 1, "inf"),  # non-finite
        _set("balance", 2, "1e309"),  # overflows to inf
        _set("balance", 3, "1,234.50"),  # thousands separator: readable
        _set("balance", 4, ""),  # empty required value
        _set("month", 5, "2031-01"),  # stray month (after today)
        _set("month", 6, "2026-13"),  # cannot read a month
        _set("product", 7, "存款"),  # unknown value
        _dup(8),  # duplicate key
        _set("customer_id", 9, "C9999999"),  # unknown reference
    ],
    "targets": [
        _set("id", 0, "B777"),  # level=branch: unknown branch
        _set("level", 1, "region"),  # unknown value
        _set("target", 2, "-1"),  # negative
        _set("month", 3, "2026年4月"),  # messy but readable month
    ],
    "transactions": [
        _set("branch_id", 0, "B999"),  # unknown reference
        _set("ts", 1, "2026-08-02 25:61:00"),  # cannot read a datetime
        _set("amount", 2, "(500)"),  # negative in parentheses
        _set("channel", 3, "fax"),  # unknown value
        _set("staff_id", 4, "S404"),  # unknown nullable reference
    ],
    "assessments": [
        _set("score", 0, "9"),  # above maximum
        _set("score", 1, "0"),  # below minimum
        _dup(2),  # duplicate key on a date column
    ],
    "role_profiles": [lambda f: f.drop(columns=["required"])],  # missing required column
    "branch_daily": [lambda f: f.iloc[0:0]],  # header but no data rows
    "staff_events": [
        _set("staff_id", 0, "S404"),  # unknown reference
        _set("public", 1, ""),  # empty required flag
        _set("kind", 2, "party"),  # unknown value
    ],
    "campaign_results": [
        _set("amount", 0, "1.5e2"),  # readable number in exponent form
        _set("group", 1, "placebo"),  # unknown value
        _set("contacted", 2, "2"),  # cannot read a flag
    ],
    "referrals": [
        _set("to_staff_id", 0, "S404"),  # unknown nullable reference
        _set("stage", 1, "won"),  # unknown value
        _set("date", 2, "2031-12-31"),  # future date
    ],
}


def write_defect_bank(out: Path, fmt: str = "csv") -> Path:
    """Generate a two-branch bank into `out` and plant every defect kind (fmt: csv or parquet)."""
    clean = out.parent / f".{out.name}-clean"
    if not clean.exists():
        write_sample_bank(clean, branches=2, customers_per_branch=15, fmt="csv")
    out.mkdir(parents=True, exist_ok=True)
    for file in sorted(clean.glob("*.csv")):
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        for edit in DEFECTS.get(file.stem, []):
            frame = edit(frame)
        if fmt == "csv":
            frame.to_csv(out / file.name, index=False)
        else:
            _typed(frame).to_parquet(out / f"{file.stem}.parquet", index=False)
    return out


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns that read cleanly as numbers become numbers; the rest stay text (as a client's
    Parquet export of a messy sheet would)."""
    out = {}
    for name in frame.columns:
        text = frame[name].astype(object)
        numbers = pd.to_numeric(text, errors="coerce")
        if len(text) and numbers.notna().all():
            out[name] = numbers
        else:
            out[name] = text.where(text != "", None)
    return pd.DataFrame(out)
