"""Bank-wide aggregates computed where the data lives.

Per-branch deposits and AUM over a million customers need not pass through pandas:
when the source can be scanned by DuckDB (Parquet folders, DuckDB files) the
contract's checks for the columns used are run as one SQL pass and the GROUP BY
runs in DuckDB too.  Other sources fall back to the validated pandas tables.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pandas as pd

from branch_consult.data.contract import DEPOSIT_PRODUCTS, PRODUCTS
from branch_consult.data.dataset import Dataset
from branch_consult.data.problems import DataProblems, Problem

_NON_AUM = ("credit_card",)


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _pushdown_checks(
    con: duckdb.DuckDBPyConnection, holdings: str, customers: str, label: str
) -> list[Problem]:
    """The holdings/customers rules the aggregate depends on, in one scan each."""
    h = con.execute(
        f"""SELECT count(*) FILTER (WHERE balance < 0),
                   count(*) FILTER (WHERE balance IS NULL OR customer_id IS NULL OR month IS NULL),
                   count(*) FILTER (WHERE product NOT IN ({_sql_list(PRODUCTS)}) OR product IS NULL)
            FROM {holdings}"""
    ).fetchone()
    assert h is not None  # an aggregate query always returns one row
    c = con.execute(
        f"SELECT count(*) - count(DISTINCT customer_id), count(*) FILTER (WHERE branch_id IS NULL) FROM {customers}"
    ).fetchone()
    assert c is not None  # an aggregate query always returns one row
    problems: list[Problem] = []
    for n, table, column, what in (
        (h[0], "holdings", "balance", "negative value(s); expected ≥ 0"),
        (h[1], "holdings", None, "empty value(s) in customer_id, month or balance"),
        (h[2], "holdings", "product", f"unknown value(s); expected one of: {', '.join(PRODUCTS)}"),
        (c[0], "customers", "customer_id", "duplicate key (customer_id)"),
        (c[1], "customers", "branch_id", "empty value(s) where a value is required"),
    ):
        if n:
            problems.append(Problem(label, table, f"{n} {what}", column))
    return problems


def branch_balances(ds: Dataset, month: str) -> pd.DataFrame:
    """Deposits, AUM and customers holding anything, per branch, for one month (yuan)."""
    holdings_scan, customers_scan = (
        ds.source.duckdb_scan("holdings"),
        ds.source.duckdb_scan("customers"),
    )
    if holdings_scan is not None and customers_scan is not None:
        con, holdings_sql = holdings_scan
        _, customers_sql = customers_scan
        problems = _pushdown_checks(con, holdings_sql, customers_sql, ds.label)
        if problems:
            raise DataProblems(problems, headline=f"holdings from {ds.label} cannot be aggregated")
        frame: pd.DataFrame = con.execute(
            f"""SELECT c.branch_id,
                       sum(h.balance) FILTER (WHERE h.product IN ({_sql_list(DEPOSIT_PRODUCTS)})) AS deposits,
                       sum(h.balance) FILTER (WHERE h.product NOT IN ({_sql_list(_NON_AUM)})) AS aum,
                       count(DISTINCT h.customer_id) AS customers
                FROM {holdings_sql} h JOIN {customers_sql} c USING (customer_id)
                WHERE h.month = ?
                GROUP BY c.branch_id ORDER BY c.branch_id""",
            [month],
        ).df()
        return frame.fillna({"deposits": 0.0, "aum": 0.0})
    holdings = ds.table("holdings")
    holdings = holdings[holdings["month"] == month]
    customers = ds.table("customers")[["customer_id", "branch_id"]]
    merged = holdings.merge(customers, on="customer_id")
    merged["deposits"] = merged["balance"].where(merged["product"].isin(DEPOSIT_PRODUCTS), 0.0)
    merged["aum"] = merged["balance"].where(~merged["product"].isin(_NON_AUM), 0.0)
    out: pd.DataFrame = merged.groupby("branch_id", as_index=False).agg(
        deposits=("deposits", "sum"), aum=("aum", "sum"), customers=("customer_id", "nunique")
    )
    return out.sort_values("branch_id", ignore_index=True)
