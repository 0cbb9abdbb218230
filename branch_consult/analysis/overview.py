"""Bank overview: every branch side by side (deposits, customers, AUM, growth, staff).

The first thing a consultant shows a client: where the money sits, who grows, who
shrinks, how concentrated the network is, and how productive each branch's staff is.
`compute_overview` is pure (frames in, frame out) so it is tested without any data
source; `bank_overview` loads what it needs from a Dataset.  The wording, table and
charts of the overview report live in `branch_consult.reports.bank_overview`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

import pandas as pd

from branch_consult.analysis.report_period import PeriodChoice, choose_months
from branch_consult.data.dataset import Dataset

GROWTH_LOOKBACK = 12  # months: year-on-year when the data reaches back that far


class OverviewTotals(TypedDict):
    """Bank-wide figures of the overview month (yuan; shares as fractions)."""

    branches: int
    deposits: float
    aum: float
    customers: int
    fte: float
    growth: float | None  # deposits against the base month; None without a base month
    top3_share: float | None  # deposits of the three largest branches; None without deposits


@dataclass
class Overview:
    """Per-branch figures for one month, compared with a base month."""

    month: str
    base_month: str | None
    branches: pd.DataFrame  # one row per branch, sorted by deposits (largest first)
    totals: OverviewTotals
    period: PeriodChoice | None = (
        None  # how the months were chosen (stated when a month was left out)
    )


def pick_months(available: list[str], month: str = "") -> tuple[str, str | None]:
    """The report month (latest if empty) and the base month for growth (12 months earlier, else earliest)."""
    choice = choose_months(dict.fromkeys(available, 1), month)
    return choice.month, choice.base_month


def compute_overview(
    branches: pd.DataFrame,
    current: pd.DataFrame,
    base: pd.DataFrame | None,
    month: str,
    base_month: str | None,
) -> Overview:
    """Join branch master data with balances now and at the base month.

    `current`/`base` have branch_id, deposits, aum, customers (yuan, counts).
    """
    frame = branches[["branch_id", "name", "region", "area_type", "fte"]].merge(
        current[["branch_id", "deposits", "aum", "customers"]], on="branch_id", how="left"
    )
    frame = frame.fillna({"deposits": 0.0, "aum": 0.0, "customers": 0})
    if base is not None and len(base):
        frame = frame.merge(
            base[["branch_id", "deposits"]].rename(columns={"deposits": "deposits_base"}),
            on="branch_id",
            how="left",
        )
        growth = frame["deposits"] / frame["deposits_base"] - 1
        frame["growth"] = growth.where(frame["deposits_base"] > 0)
    else:
        frame["deposits_base"] = float("nan")
        frame["growth"] = float("nan")
    fte = frame["fte"].astype("float64")
    frame["deposits_per_fte"] = (frame["deposits"] / fte).where(fte > 0)
    total_deposits = float(frame["deposits"].sum())
    frame["share"] = frame["deposits"] / total_deposits if total_deposits else float("nan")
    frame = frame.sort_values("deposits", ascending=False, ignore_index=True)
    base_total = float(frame["deposits_base"].sum()) if base_month else float("nan")
    totals: OverviewTotals = {
        "branches": len(frame),
        "deposits": total_deposits,
        "aum": float(frame["aum"].sum()),
        "customers": int(frame["customers"].sum()),
        "fte": float(fte.sum()),
        "growth": (total_deposits / base_total - 1) if base_month and base_total > 0 else None,
        "top3_share": float(frame["share"].head(3).sum()) if total_deposits else None,
    }
    return Overview(month=month, base_month=base_month, branches=frame, totals=totals)


def bank_overview(ds: Dataset, month: str = "", *, pushdown: bool = True) -> Overview:
    """The overview for `month` ('' = latest month with complete data) from a Dataset.

    The per-branch balances are added up by DuckDB over the sources when it can scan them
    and the columns used keep the contract (`bank_figures.branch_balances`); otherwise, or
    with `pushdown=False`, through the validated pandas tables, which report any problem.
    """
    choice = choose_months(ds.month_counts("holdings"), month)
    month, base_month = choice.month, choice.base_month
    months = (month, base_month) if base_month else (month,)
    scanned = _scanned_balances(ds, months) if pushdown else None
    if scanned is not None:
        branches, balances = scanned
    else:
        from branch_consult.data.aggregate import branch_balances

        balances = {m: branch_balances(ds, m, pushdown=pushdown) for m in months}
        branches = ds.table("branches")
    base = balances[base_month] if base_month else None
    ov = compute_overview(branches, balances[month], base, month, base_month)
    ov.period = choice
    return ov


def _scanned_balances(
    ds: Dataset, months: tuple[str, ...]
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]] | None:
    """Branch master data and each month's balances by DuckDB, or None: the pandas path then
    reads (and judges) the tables in its own order, so the problem reported stays the same."""
    from branch_consult.analysis import bank_figures
    from branch_consult.data import DataProblems

    if not bank_figures.scannable(ds, "customers", "holdings"):
        return None
    try:
        branches = ds.table("branches")
    except DataProblems:
        return None
    balances = bank_figures.branch_balances(ds, months, branches)
    return None if balances is None else (branches, balances)
