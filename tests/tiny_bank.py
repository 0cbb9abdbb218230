"""A hand-made bank of two branches, small enough to reason about row by row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Tables as a client would export them (plain text cells)."""
    return {
        "branches": pd.DataFrame(
            {
                "branch_id": ["B001", "B002"],
                "name": ["城东支行", "高新园区支行"],
                "region": ["东区", "西区"],
                "area_type": ["community", "park"],
                "opened_on": ["2010-03-01", "2015-06-18"],
                "counters": ["5", "4"],
                "fte": ["12", "9.5"],
            }
        ),
        "staff": pd.DataFrame(
            {
                "staff_id": ["S1", "S2", "S3", "S4"],
                "branch_id": ["B001", "B001", "B002", "B002"],
                "name": ["王伟", "李娜", "张敏", "刘洋"],
                "role": ["branch_head", "personal_am", "branch_head", "teller"],
                "hired_on": ["2012-01-01", "2020-05-01", "2016-01-01", "2021-07-01"],
                "left_on": ["", "", "", ""],
                "manager_id": ["", "S1", "", "S3"],
            }
        ),
        "customers": pd.DataFrame(
            {
                "customer_id": ["C1", "C2", "C3", "C4"],
                "branch_id": ["B001", "B001", "B002", "B002"],
                "birth_year": ["1970", "1990", "1985", "1955"],
                "gender": ["F", "M", "F", "M"],
                "onboarded_on": ["2015-01-01", "2020-02-02", "2019-03-03", "2016-04-04"],
                "owner_staff_id": ["S2", "", "", "S4"],
                "priority_group": ["payroll", "", "business_owner", ""],
                "mobile_banking": ["true", "false", "true", "false"],
                "last_contact_on": ["2026-10-01", "", "2026-09-15", ""],
            }
        ),
        "holdings": pd.DataFrame(
            {
                "customer_id": ["C1", "C1", "C2", "C3", "C4", "C1", "C2", "C3", "C4"],
                "month": ["2026-09"] * 5 + ["2026-10"] * 4,
                "product": [
                    "deposit_time",
                    "wealth",
                    "deposit_demand",
                    "deposit_time",
                    "fund",
                    "deposit_time",
                    "deposit_demand",
                    "deposit_time",
                    "fund",
                ],
                "balance": [
                    "1200000",
                    "300000",
                    "50000",
                    "80000",
                    "20000",
                    "1250000",
                    "45000",
                    "82000",
                    "21000",
                ],
            }
        ),
    }


def write_folder(out: Path, fmt: str = "csv") -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tiny_tables().items():
        if fmt == "csv":
            frame.to_csv(out / f"{name}.csv", index=False)
        else:
            typed(name, frame).to_parquet(out / f"{name}.parquet", index=False)
    return out


def typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The same table with native column types, as a database would hold it."""
    out = frame.replace({"": None})
    for col in ("opened_on", "hired_on", "left_on", "onboarded_on", "last_contact_on"):
        if col in out:
            out[col] = pd.to_datetime(out[col])
    for col in ("counters", "birth_year"):
        if col in out:
            out[col] = out[col].astype("int64")
    for col in ("fte", "balance"):
        if col in out:
            out[col] = out[col].astype("float64")
    if "mobile_banking" in out:
        out["mobile_banking"] = out["mobile_banking"] == "true"
    return out
