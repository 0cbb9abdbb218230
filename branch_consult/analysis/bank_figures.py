"""Bank-wide figures added up where the data lives (DuckDB), not after loading whole tables.

The bank context needs, per branch, sums over every customer and holding of the bank
(deposits, AUM, active customers, top-tier claims) and wait statistics over every
queue ticket.  Loading, typing and validating a million customers and millions of
holdings in pandas to add them up costs tens of seconds and gigabytes; DuckDB scans
the Parquet files (or the DuckDB database) and returns one row per branch.

Each function first checks the contract's rules for the columns it reads, in SQL
(`aggregate.contract_breaches`); when a column is absent, of another type, or breaks
a rule, it returns None and the caller takes the pandas path, which reports the
problem exactly as it always has.  The figures follow the pandas definitions in
`peers.branch_kpis`, `tiers.unattended_top_customers` and `lobby.lobby_kpis` (tests
compare the two paths); sums may differ from pandas' in the last bits of a float.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from branch_consult.analysis import figure_checks, sql_bank_figures
from branch_consult.analysis.balances import NON_AUM_PRODUCTS
from branch_consult.analysis.figure_checks import Checked, any_breach, key_values
from branch_consult.analysis.lobby import LUNCH, _clock_minutes, lobby_kpi_columns
from branch_consult.analysis.peers import summed_kpis
from branch_consult.analysis.referrals import _REACH
from branch_consult.analysis.tiers import TierThresholds, active_staff
from branch_consult.data import Dataset
from branch_consult.data.aggregate import contract_breaches
from branch_consult.data.contract import DEPOSIT_PRODUCTS
from branch_consult.data.sql_pushdown import sql_list


def _frame(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> pd.DataFrame | None:
    """The query's rows, None when DuckDB cannot run it (an odd column): pandas then judges."""
    try:
        return con.execute(sql, params or []).df()
    except duckdb.Error:
        return None


def _scans(ds: Dataset, *tables: str) -> tuple[duckdb.DuckDBPyConnection, dict[str, str]] | None:
    """One connection and a relation per table, when DuckDB can scan them all together."""
    if ds.branch_filter or any(t not in ds.tables() for t in tables):
        return None
    relations: dict[str, str] = {}
    con: duckdb.DuckDBPyConnection | None = None
    for table in tables:
        scan = ds.scan(table)
        if scan is None:
            return None
        con = con or scan[0]
        relations[table] = scan[1]
    return (con, relations) if con is not None else None


def _breached(
    con: duckdb.DuckDBPyConnection,
    rel: dict[str, str],
    checks: tuple[Checked, ...],
    months: tuple[str, ...] = (),
    branches: pd.DataFrame | None = None,
    staff: pd.DataFrame | None = None,
) -> bool:
    """Whether the columns `checks` name break the contract (`figure_checks`), counted here."""
    registered: list[str] = []

    def keys(key_set: str) -> str:
        if key_set == "customers":
            return f"(SELECT customer_id AS k FROM {rel['customers']})"
        name = f"_bc_{key_set}_keys"
        if name not in registered:
            con.register(name, pd.DataFrame({"k": key_values(key_set, branches, staff)}))
            registered.append(name)
        return name

    def count(check: Checked, references: dict[str, str], rows: str | None) -> int | None:
        relation = rel[check.table]
        return contract_breaches(
            con, relation, check.table, check.columns, references, rows or "TRUE"
        )

    try:
        return any_breach(checks, months, count, keys)
    finally:
        for name in registered:
            con.unregister(name)


def scannable(ds: Dataset, *tables: str) -> bool:
    """Whether DuckDB can scan all these tables of the whole bank (Parquet files, a DuckDB file),
    or they live in a database that adds them up itself (`sql_bank_figures`)."""
    return sql_bank_figures.pushable(ds, *tables) or _scans(ds, *tables) is not None


def customer_sums(
    ds: Dataset,
    month: str,
    comparison_month: str,
    as_of: pd.Timestamp,
    thresholds: TierThresholds,
    branches: pd.DataFrame,
    staff: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Per-branch sums for `peers.kpis_from_sums` and the top-tier unattended share, or None.

    `branches` and `staff` are the validated (small) tables; customers and holdings are
    scanned.  Returns (sums indexed by branch_id with columns `KPI_SUMS`, frame of
    branch_id + top_unattended_share for branches with top-tier customers).
    """
    if sql_bank_figures.pushable(ds, "customers", "holdings"):
        return sql_bank_figures.customer_sums(
            ds, month, comparison_month, as_of, thresholds, branches, staff
        )
    found = _scans(ds, "customers", "holdings")
    if found is None:
        return None
    con, rel = found
    active = active_staff(staff, as_of)
    if _breached(con, rel, figure_checks.CUSTOMER_SUMS, (month, comparison_month), branches, staff):
        return None
    con.register("_bc_active_staff", pd.DataFrame({"k": active}))
    try:
        frame = _frame(
            con,
            _CUSTOMER_SUMS.format(
                customers=rel["customers"],
                holdings=rel["holdings"],
                deposit=sql_list(DEPOSIT_PRODUCTS),
                non_aum=sql_list(NON_AUM_PRODUCTS),
                top_days="NULL"
                if thresholds.top_contact_days is None
                else int(thresholds.top_contact_days),
            ),
            [month, comparison_month, as_of.date(), month, comparison_month, thresholds.top],
        )
        if frame is None:
            return None
    finally:
        con.unregister("_bc_active_staff")
    return summed_kpis(frame)


_CUSTOMER_SUMS = """
WITH h AS (
    SELECT customer_id, month,
           sum(CASE WHEN product IN ({deposit}) THEN CAST(balance AS DOUBLE) ELSE 0 END) AS deposits,
           sum(CASE WHEN product NOT IN ({non_aum}) THEN CAST(balance AS DOUBLE) ELSE 0 END) AS aum,
           count(*) FILTER (WHERE balance > 0) AS products
    FROM {holdings}
    WHERE month IN (?, ?)
    GROUP BY customer_id, month
), c AS (
    SELECT c.branch_id,
           coalesce(h1.deposits, 0) AS deposits, coalesce(h0.deposits, 0) AS deposits_prev,
           coalesce(h1.aum, 0) AS aum, coalesce(h0.aum, 0) AS aum_prev,
           coalesce(h1.products, 0) AS products, coalesce(h0.products, 0) AS products_prev,
           coalesce(c.mobile_banking, false) AS mobile_banking,
           c.owner_staff_id IN (SELECT k FROM _bc_active_staff) AS claimed,
           date_diff('day', CAST(c.last_contact_on AS DATE), CAST(? AS DATE)) AS days
    FROM {customers} c
    LEFT JOIN h h1 ON h1.customer_id = c.customer_id AND h1.month = ?
    LEFT JOIN h h0 ON h0.customer_id = c.customer_id AND h0.month = ?
), t AS (
    SELECT *, aum >= ? AS top FROM c
)
SELECT branch_id,
       sum(deposits) AS deposits, sum(deposits_prev) AS deposits_prev,
       sum(aum) AS aum, sum(aum_prev) AS aum_prev,
       count(*) FILTER (WHERE products > 0) AS customers,
       count(*) FILTER (WHERE products_prev > 0) AS customers_prev,
       sum(CASE WHEN products > 0 THEN products ELSE 0 END) AS products,
       count(*) FILTER (WHERE products > 0 AND mobile_banking) AS mobile,
       count(*) FILTER (WHERE top) AS top,
       count(*) FILTER (WHERE top AND coalesce(claimed, false)) AS top_claimed,
       count(*) FILTER (WHERE top AND days <= {top_days}) AS top_in_time,
       count(*) FILTER (WHERE top AND (NOT coalesce(claimed, false)
                        OR ({top_days} IS NOT NULL AND (days IS NULL OR days > {top_days})))) AS unattended
FROM t
GROUP BY branch_id
"""


def lobby_kpis(ds: Dataset, threshold_min: float) -> pd.DataFrame | None:
    """`lobby.lobby_kpis` of every branch from the queue tickets, scanned; None: use pandas."""
    if sql_bank_figures.pushable(ds, "queue_tickets"):
        return sql_bank_figures.lobby_kpis(ds, threshold_min)
    found = _scans(ds, "queue_tickets")
    if found is None:
        return None
    con, rel = found
    tickets = rel["queue_tickets"]
    if _breached(con, rel, figure_checks.LOBBY):
        return None
    start, end = (_clock_minutes(w) for w in LUNCH)
    frame = _frame(
        con,
        f"""
        WITH w AS (
            SELECT branch_id,
                   (epoch_ns(called_at) - epoch_ns(issued_at)) / 1e9 / 60.0 AS wait,
                   (epoch_ns(finished_at) - epoch_ns(called_at)) / 1e9 / 60.0 AS service,
                   called_at IS NULL AS walked,
                   coalesce(hour(issued_at) * 60 + minute(issued_at) + second(issued_at) / 60.0 >= {start}
                            AND hour(issued_at) * 60 + minute(issued_at) + second(issued_at) / 60.0 < {end},
                            false) AS lunch
            FROM {tickets}
            WHERE branch_id IS NOT NULL
        ), t AS (
            SELECT branch_id, walked, lunch,
                   CASE WHEN coalesce(wait < 0, false) OR coalesce(service < 0, false)
                        THEN NULL ELSE wait END AS wait
            FROM w
        )
        SELECT branch_id,
               count(*) AS tickets,
               avg(CAST(walked AS DOUBLE)) AS walk_away_rate,
               median(wait) AS median_wait,
               quantile_cont(wait, 0.9) AS p90_wait,
               avg(wait) AS mean_wait,
               avg(CASE WHEN wait IS NULL THEN NULL WHEN wait > ? THEN 1.0 ELSE 0.0 END) AS share_over,
               median(wait) FILTER (WHERE lunch) AS lunch_median_wait,
               median(wait) FILTER (WHERE NOT lunch) AS other_median_wait
        FROM t
        GROUP BY branch_id
        ORDER BY branch_id
        """,
        [float(threshold_min)],
    )
    if frame is None:
        return None
    out = frame.set_index(pd.Index(frame["branch_id"].astype("str"), name="branch_id", dtype="str"))
    out = out.drop(columns="branch_id").astype("float64").astype({"tickets": "int64"})
    other = out["other_median_wait"]
    out["lunch_ratio"] = (out["lunch_median_wait"] / other).where(other > 0)
    share_col = f"share_over_{threshold_min:g}"
    out = out.rename(columns={"share_over": share_col})
    return out[lobby_kpi_columns(threshold_min)]


def referral_conversion(ds: Dataset, branches: pd.DataFrame) -> pd.DataFrame | None:
    """Per branch: referrals sold / referred (`referrals.referral_kpis` conversion), or None."""
    if sql_bank_figures.pushable(ds, "referrals"):
        return sql_bank_figures.referral_conversion(ds, branches)
    found = _scans(ds, "referrals")
    if found is None:
        return None
    con, rel = found
    if _breached(con, rel, figure_checks.REFERRALS, branches=branches):
        return None
    sold = [s for s, rank in _REACH.items() if rank >= _REACH["sold"]]
    frame = _frame(
        con,
        f"""SELECT branch_id,
                   CAST(count(*) FILTER (WHERE stage IN ({sql_list(tuple(sold))})) AS DOUBLE)
                   / count(*) AS referral_conversion
            FROM {rel["referrals"]} WHERE branch_id IS NOT NULL
            GROUP BY branch_id ORDER BY branch_id""",
    )
    if frame is None:
        return None
    frame["branch_id"] = frame["branch_id"].astype("str")
    frame["referral_conversion"] = frame["referral_conversion"].astype("float64")
    return frame


def target_completion(
    ds: Dataset, month: str, main_metric: str = "deposits"
) -> pd.DataFrame | None:
    """Per branch: year-to-date completion of the main metric's annual target
    (`targets.target_kpis` target_completion), from branch-level rows, or None."""
    if sql_bank_figures.pushable(ds, "targets"):
        return sql_bank_figures.target_completion(ds, month, main_metric)
    found = _scans(ds, "targets")
    if found is None:
        return None
    con, rel = found
    if _breached(con, rel, figure_checks.TARGETS):
        return None
    end = int(month[:4]) * 12 + int(month[5:7]) - 1
    start = end - end % 12
    frame = _frame(
        con,
        f"""
        WITH t AS (
            SELECT id, metric, target, actual,
                   CAST(substr(month, 1, 4) AS BIGINT) * 12 + CAST(substr(month, 6, 2) AS BIGINT) - 1 AS idx
            FROM {rel["targets"]} WHERE {figure_checks.BRANCH_TARGET_ROWS}
        ), p AS (
            SELECT id, metric,
                   coalesce(sum(CASE WHEN idx <= ? THEN actual ELSE 0 END), 0) AS actual_ytd,
                   coalesce(sum(target), 0) AS target_all,
                   count(target) AS months_with_target
            FROM t WHERE idx >= ? AND idx < ?
            GROUP BY id, metric
        ), c AS (
            SELECT id, metric, actual_ytd,
                   CASE WHEN months_with_target >= 12 THEN target_all
                        WHEN months_with_target > 0 THEN target_all / months_with_target * 12
                   END AS annual_target
            FROM p
        )
        SELECT id AS branch_id,
               max(CASE WHEN metric = ? AND annual_target > 0 THEN actual_ytd / annual_target END)
                   AS target_completion
        FROM c GROUP BY id ORDER BY id
        """,
        [end, start, start + 12, main_metric],
    )
    if frame is None:
        return None
    frame["branch_id"] = frame["branch_id"].astype("str")
    frame["target_completion"] = frame["target_completion"].astype("float64")
    return frame


def branch_balances(
    ds: Dataset, months: tuple[str, ...], branches: pd.DataFrame
) -> dict[str, pd.DataFrame] | None:
    """`aggregate.branch_balances` of each month in one scan (deposits, AUM, customers holding
    anything, per branch), or None: the caller then takes the pandas path, which reports the problem.

    The contract's rules for the columns read are checked first over the rows the pandas
    path validates: customers (customer_id, branch_id, a known branch) and the months'
    holdings (customer_id of a known customer, month, product, balance).
    """
    if sql_bank_figures.pushable(ds, "customers", "holdings"):
        return sql_bank_figures.branch_balances(ds, months, branches)
    found = _scans(ds, "customers", "holdings")
    if found is None or not months:
        return None
    con, rel = found
    if _breached(con, rel, figure_checks.BRANCH_BALANCES, months, branches):
        return None
    frame = _frame(
        con,
        f"""SELECT h.month, c.branch_id,
                   sum(CASE WHEN h.product IN ({sql_list(DEPOSIT_PRODUCTS)})
                            THEN CAST(h.balance AS DOUBLE) ELSE 0 END) AS deposits,
                   sum(CASE WHEN h.product NOT IN ({sql_list(NON_AUM_PRODUCTS)})
                            THEN CAST(h.balance AS DOUBLE) ELSE 0 END) AS aum,
                   count(DISTINCT h.customer_id) AS customers
            FROM {rel["holdings"]} h JOIN {rel["customers"]} c USING (customer_id)
            WHERE h.month IN ({sql_list(months)})
            GROUP BY h.month, c.branch_id""",
    )
    if frame is None:
        return None
    frame["branch_id"] = frame["branch_id"].astype(branches["branch_id"].dtype)
    frame = frame.astype({"deposits": "float64", "aum": "float64", "customers": "int64"})
    return {
        m: part.drop(columns="month").sort_values("branch_id", ignore_index=True)
        for m, part in ((m, frame[frame["month"] == m]) for m in months)
    }
