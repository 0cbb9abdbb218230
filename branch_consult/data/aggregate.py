"""Bank-wide aggregates computed where the data lives.

Per-branch deposits and AUM over a million customers need not pass through pandas:
when the source can be scanned by DuckDB (Parquet folders, DuckDB files) the
contract's checks for the columns used are run as one SQL pass and the GROUP BY
runs in DuckDB too.  Other sources fall back to the validated pandas tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd

from branch_consult.data.contract import DEPOSIT_PRODUCTS, PRODUCTS, TABLES
from branch_consult.data.dataset import Dataset
from branch_consult.data.limits import Limits
from branch_consult.data.problems import DataProblems, Problem
from branch_consult.data.sql_pushdown import Dialect, breach_conditions, quoted, sql_list

_DUCKDB = Dialect("duckdb")

_NON_AUM = ("credit_card",)


def _pushdown_checks(
    con: duckdb.DuckDBPyConnection, holdings: str, customers: str, label: str
) -> list[Problem]:
    """The holdings/customers rules the aggregate depends on, in one scan each."""
    h = con.execute(
        f"""SELECT count(*) FILTER (WHERE balance < 0),
                   count(*) FILTER (WHERE balance IS NULL OR customer_id IS NULL OR month IS NULL),
                   count(*) FILTER (WHERE product NOT IN ({sql_list(PRODUCTS)}) OR product IS NULL)
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


def branch_balances(ds: Dataset, month: str, *, pushdown: bool = True) -> pd.DataFrame:
    """Deposits, AUM and customers holding anything, per branch, for one month (yuan);
    `pushdown=False` reads the validated pandas tables even where DuckDB could scan."""
    holdings_scan, customers_scan = (
        (ds.source.duckdb_scan("holdings"), ds.source.duckdb_scan("customers"))
        if pushdown
        else (None, None)
    )
    if holdings_scan is not None and customers_scan is not None:
        con, holdings_sql = holdings_scan
        _, customers_sql = customers_scan
        problems = _pushdown_checks(con, holdings_sql, customers_sql, ds.label)
        if problems:
            raise DataProblems(problems, headline=f"holdings from {ds.label} cannot be aggregated")
        frame: pd.DataFrame = con.execute(
            f"""SELECT c.branch_id,
                       sum(h.balance) FILTER (WHERE h.product IN ({sql_list(DEPOSIT_PRODUCTS)})) AS deposits,
                       sum(h.balance) FILTER (WHERE h.product NOT IN ({sql_list(_NON_AUM)})) AS aum,
                       count(DISTINCT h.customer_id) AS customers
                FROM {holdings_sql} h JOIN {customers_sql} c USING (customer_id)
                WHERE h.month = ?
                GROUP BY c.branch_id ORDER BY c.branch_id""",
            [month],
        ).df()
        return frame.fillna({"deposits": 0.0, "aum": 0.0})
    holdings = ds.table("holdings", month=[month])  # only the month's rows are read and judged
    customers = ds.table("customers")[["customer_id", "branch_id"]]
    merged = holdings.merge(customers, on="customer_id")
    merged["deposits"] = merged["balance"].where(merged["product"].isin(DEPOSIT_PRODUCTS), 0.0)
    merged["aum"] = merged["balance"].where(~merged["product"].isin(_NON_AUM), 0.0)
    out: pd.DataFrame = merged.groupby("branch_id", as_index=False).agg(
        deposits=("deposits", "sum"), aum=("aum", "sum"), customers=("customer_id", "nunique")
    )
    return out.sort_values("branch_id", ignore_index=True)


#: DuckDB column types a contract kind is read from without parsing (anything else: pandas judges)
_DUCK_TYPES: dict[str, tuple[str, ...]] = {
    "id": ("VARCHAR",),
    "text": ("VARCHAR",),
    "month": ("VARCHAR",),
    "money": ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT"),
    "float": ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT"),
    "int": ("BIGINT", "INTEGER", "SMALLINT", "TINYINT"),
    "date": ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"),
    "datetime": ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"),
    "bool": ("BOOLEAN",),
}


def contract_breaches(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    table: str,
    columns: Sequence[str],
    references: Mapping[str, str] | None = None,
    rows: str = "TRUE",
) -> int | None:
    """How many values of `columns` break the contract, counted in one SQL pass.

    Checks each column's type, required values, allowed values, range, month format,
    length limit and (for dates) no day after today, the table's key when `columns`
    hold it, and `references` (column -> SQL relation of the referenced keys, one
    column `k`), over the `rows` an SQL condition selects.  None when a column is absent or stored as another type: the caller
    then reads the table through pandas, whose parser and checks say what is wrong;
    a positive count means the same.  Zero: the aggregate may trust these columns.
    """
    spec = TABLES[table]
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error:
        return None
    types = {str(r[0]): str(r[1]).upper() for r in described}
    limits = Limits.from_env()
    counts: list[str] = []
    for name in columns:
        col = spec.column(name)
        kind = types.get(name, "").split("(")[0]
        if kind not in _DUCK_TYPES[col.kind]:
            return None
        finite = kind in ("DOUBLE", "FLOAT")  # isinf() does not take integers
        referenced = name in (references or {})
        bad = breach_conditions(
            _DUCKDB, col, quoted(name), limits, finite=finite, referenced=referenced
        )
        if bad:
            counts.append(f"count(*) FILTER (WHERE {' OR '.join(f'({b})' for b in bad)})")
    if spec.key and set(spec.key) <= set(columns):
        keys = ", ".join(quoted(k) for k in spec.key)
        counts.append(f"count(*) - count(DISTINCT ({keys}))")
    for name, keys in (references or {}).items():
        counts.append(
            f"count(*) FILTER (WHERE {quoted(name)} IS NOT NULL AND {quoted(name)} NOT IN (SELECT k FROM {keys}))"
        )
    if not counts:
        return 0
    try:
        found = con.execute(f"SELECT {', '.join(counts)} FROM {relation} WHERE {rows}").fetchall()
    except duckdb.Error:
        return None
    return sum(int(n or 0) for n in found[0])
