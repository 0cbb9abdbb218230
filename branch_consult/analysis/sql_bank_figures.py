"""The bank context's figures added up inside a client's database (PostgreSQL, SQLite).

`bank_figures` adds up Parquet and DuckDB sources in DuckDB; for a SQL source the same
figures are computed by the client's own engine (one row per branch comes back, not
millions of customers and holdings).  The SQL is the DuckDB SQL rewritten to run on
both dialects: counts as `count(CASE ...)` instead of FILTER, doubles cast before
dividing, dates and clock times through `sql_pushdown.Dialect`, quantiles from row
numbers (SQLite has no percentile function).  Each function first checks the
contract's rules for the columns it reads in the same database and returns None on
any breach or failure: the caller then takes the pandas path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import pandas as pd

from branch_consult.analysis import figure_checks
from branch_consult.analysis.balances import NON_AUM_PRODUCTS
from branch_consult.analysis.figure_checks import Checked, any_breach, key_values
from branch_consult.analysis.lobby import LUNCH, _clock_minutes, lobby_kpi_columns
from branch_consult.analysis.peers import summed_kpis
from branch_consult.analysis.referrals import _REACH
from branch_consult.analysis.tiers import TierThresholds, active_staff
from branch_consult.data import Dataset
from branch_consult.data.contract import DEPOSIT_PRODUCTS
from branch_consult.data.sources import SQLSource
from branch_consult.data.sql_pushdown import (
    Dialect,
    column_types,
    contract_breaches,
    dialect_of,
    key_table,
    sql_list,
    temp_name,
)

P = ParamSpec("P")
R = TypeVar("R")


def pushable(ds: Dataset, *tables: str) -> bool:
    """Whether these whole-bank tables live in a database whose SQL we write."""
    source = ds.source
    return (
        isinstance(source, SQLSource)
        and getattr(source, "pushdown", True)
        and not ds.branch_filter
        and dialect_of(source.engine) is not None
        and all(t in ds.tables() for t in tables)
    )


@contextmanager
def _session(ds: Dataset) -> Iterator[tuple[Any, Dialect, Any]]:
    """A connection (rolled back at the end: temporary tables vanish), dialect, engine."""
    source = ds.source
    assert isinstance(source, SQLSource)
    dialect = dialect_of(source.engine)
    assert dialect is not None
    with source.engine.connect() as con:
        try:
            yield con, dialect, source.engine
        finally:
            con.rollback()


def _frame(con: Any, sql: str, params: dict[str, object] | None = None) -> pd.DataFrame:
    import sqlalchemy as sa

    result = con.execute(sa.text(sql), params or {})
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def _guarded(fn: Callable[P, R]) -> Callable[P, R | None]:
    """None instead of a database error: the pandas path then reads and reports."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
        import sqlalchemy as sa

        try:
            return fn(*args, **kwargs)
        except sa.exc.SQLAlchemyError:
            return None

    return wrapper


def _breached(
    con: Any,
    d: Dialect,
    engine: Any,
    checks: tuple[Checked, ...],
    months: tuple[str, ...] = (),
    branches: pd.DataFrame | None = None,
    staff: pd.DataFrame | None = None,
) -> bool:
    """Whether the columns `checks` name break the contract (`figure_checks`), counted in
    the client's database (key sets as temporary tables, gone at the session's end)."""
    made: dict[str, str] = {}

    def keys(key_set: str) -> str:
        if key_set == "customers":
            return '(SELECT customer_id AS k FROM "customers")'
        if key_set not in made:
            made[key_set] = key_table(con, key_values(key_set, branches, staff))
        return made[key_set]

    def count(check: Checked, references: dict[str, str], rows: str | None) -> int | None:
        types = column_types(engine, check.table)
        return contract_breaches(
            con, d, types, check.table, check.columns, references, rows or "1 = 1"
        )

    return any_breach(checks, months, count, keys)


@_guarded
def customer_sums(
    ds: Dataset,
    month: str,
    comparison_month: str,
    as_of: pd.Timestamp,
    thresholds: TierThresholds,
    branches: pd.DataFrame,
    staff: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """`bank_figures.customer_sums` in the client's database, or None."""
    if not pushable(ds, "customers", "holdings"):
        return None
    active = active_staff(staff, as_of)
    with _session(ds) as (con, d, engine):
        if _breached(
            con, d, engine, figure_checks.CUSTOMER_SUMS, (month, comparison_month), branches, staff
        ):
            return None
        active_keys = key_table(con, active)
        top_days = thresholds.top_contact_days
        days = d.days_between("c.last_contact_on", as_of.date().isoformat())
        in_time = "1 = 0" if top_days is None else f"days <= {int(top_days)}"
        late = "1 = 0" if top_days is None else f"(days IS NULL OR days > {int(top_days)})"
        frame = _frame(
            con,
            f"""
            WITH h AS (
                SELECT customer_id, month,
                       sum(CASE WHEN product IN ({sql_list(DEPOSIT_PRODUCTS)})
                                THEN CAST(balance AS {d.double}) ELSE 0 END) AS deposits,
                       sum(CASE WHEN product NOT IN ({sql_list(NON_AUM_PRODUCTS)})
                                THEN CAST(balance AS {d.double}) ELSE 0 END) AS aum,
                       count(CASE WHEN balance > 0 THEN 1 END) AS products
                FROM "holdings"
                WHERE month IN (:month, :comparison)
                GROUP BY customer_id, month
            ), c AS (
                SELECT c.branch_id,
                       coalesce(h1.deposits, 0) AS deposits, coalesce(h0.deposits, 0) AS deposits_prev,
                       coalesce(h1.aum, 0) AS aum, coalesce(h0.aum, 0) AS aum_prev,
                       coalesce(h1.products, 0) AS products, coalesce(h0.products, 0) AS products_prev,
                       CASE WHEN {d.truth("c.mobile_banking")} THEN 1 ELSE 0 END AS mobile,
                       CASE WHEN c.owner_staff_id IN (SELECT k FROM {active_keys}) THEN 1 ELSE 0 END
                           AS claimed,
                       {days} AS days
                FROM "customers" c
                LEFT JOIN h h1 ON h1.customer_id = c.customer_id AND h1.month = :month
                LEFT JOIN h h0 ON h0.customer_id = c.customer_id AND h0.month = :comparison
            ), t AS (
                SELECT c.*, CASE WHEN aum >= :top THEN 1 ELSE 0 END AS top FROM c
            )
            SELECT branch_id,
                   sum(deposits) AS deposits, sum(deposits_prev) AS deposits_prev,
                   sum(aum) AS aum, sum(aum_prev) AS aum_prev,
                   count(CASE WHEN products > 0 THEN 1 END) AS customers,
                   count(CASE WHEN products_prev > 0 THEN 1 END) AS customers_prev,
                   sum(CASE WHEN products > 0 THEN products ELSE 0 END) AS products,
                   count(CASE WHEN products > 0 AND mobile = 1 THEN 1 END) AS mobile,
                   count(CASE WHEN top = 1 THEN 1 END) AS top,
                   count(CASE WHEN top = 1 AND claimed = 1 THEN 1 END) AS top_claimed,
                   count(CASE WHEN top = 1 AND {in_time} THEN 1 END) AS top_in_time,
                   count(CASE WHEN top = 1 AND (claimed = 0 OR {late}) THEN 1 END) AS unattended
            FROM t
            GROUP BY branch_id
            """,
            {"month": month, "comparison": comparison_month, "top": float(thresholds.top)},
        )
    return summed_kpis(frame)


def _quantiles(d: Dialect, value: str, groups: str, source: str, qs: dict[str, float]) -> str:
    """Per group, linear-interpolated quantiles of `value` (as DuckDB's quantile_cont and
    pandas' quantile), from row numbers: SQLite has no percentile function."""
    picks = []
    for name, q in qs.items():
        pos = f"(n - 1) * {q!r}"
        lo = d.floor(pos)
        picks.append(
            f"""max(CASE WHEN rn = {lo} + 1 THEN v END)
                + (max(CASE WHEN rn = {lo} + 2 THEN v END) - max(CASE WHEN rn = {lo} + 1 THEN v END))
                  * ({pos} - {lo}) AS {name}_hi,
                max(CASE WHEN rn = {lo} + 1 THEN v END) AS {name}_lo,
                {pos} - {lo} AS {name}_frac"""
        )
    return f"""
        SELECT {groups}, {", ".join(picks)}
        FROM (SELECT {groups}, {value} AS v,
                     row_number() OVER (PARTITION BY {groups} ORDER BY {value}) AS rn,
                     count(*) OVER (PARTITION BY {groups}) AS n
              FROM {source} WHERE {value} IS NOT NULL) r
        GROUP BY {groups}, n"""


def _pick(frame: pd.DataFrame, name: str) -> pd.Series:
    """The quantile: the lower value when it falls exactly on a row, else interpolated."""
    frac = frame[f"{name}_frac"].astype("float64")
    lo = frame[f"{name}_lo"].astype("float64")
    hi = frame[f"{name}_hi"].astype("float64")
    return lo.where(frac == 0, hi)


@_guarded
def lobby_kpis(ds: Dataset, threshold_min: float) -> pd.DataFrame | None:
    """`lobby.lobby_kpis` of every branch, added up in the client's database; None: pandas."""
    import sqlalchemy as sa

    if not pushable(ds, "queue_tickets"):
        return None
    start, end = (_clock_minutes(w) for w in LUNCH)
    with _session(ds) as (con, d, engine):
        if _breached(con, d, engine, figure_checks.LOBBY):
            return None
        clock = d.clock_minutes("issued_at")
        waits = temp_name("waits")  # computed once, read by the three queries below
        con.execute(
            sa.text(f"""CREATE TEMPORARY TABLE {waits} AS
            SELECT branch_id, walked, lunch,
                   CASE WHEN wait < 0 OR service < 0 THEN NULL ELSE wait END AS wait
            FROM (
                SELECT branch_id,
                       {d.minutes_between("issued_at", "called_at")} AS wait,
                       {d.minutes_between("called_at", "finished_at")} AS service,
                       CASE WHEN called_at IS NULL THEN 1 ELSE 0 END AS walked,
                       CASE WHEN {clock} >= {start} AND {clock} < {end} THEN 1 ELSE 0 END AS lunch
                FROM "queue_tickets" WHERE branch_id IS NOT NULL
            ) w""")
        )
        totals = _frame(
            con,
            f"""SELECT branch_id, count(*) AS tickets,
                       avg(CAST(walked AS {d.double})) AS walk_away_rate,
                       avg(wait) AS mean_wait,
                       avg(CASE WHEN wait IS NULL THEN NULL WHEN wait > :over THEN 1.0 ELSE 0.0 END)
                           AS share_over
                FROM {waits} GROUP BY branch_id""",
            {"over": float(threshold_min)},
        ).set_index("branch_id")
        spread = _frame(
            con, _quantiles(d, "wait", "branch_id", waits, {"median": 0.5, "p90": 0.9})
        ).set_index("branch_id")
        parts = _frame(con, _quantiles(d, "wait", "branch_id, lunch", waits, {"median": 0.5}))
    totals.index = pd.Index(totals.index.astype("str"), name="branch_id", dtype="str")
    out = totals.astype("float64")
    spread.index = spread.index.astype("str")
    out["median_wait"] = _pick(spread, "median").reindex(out.index)
    out["p90_wait"] = _pick(spread, "p90").reindex(out.index)
    parts["branch_id"] = parts["branch_id"].astype("str")
    parts["value"] = _pick(parts, "median")
    for flag, column in ((1, "lunch_median_wait"), (0, "other_median_wait")):
        rows = parts[parts["lunch"].astype(int) == flag].set_index("branch_id")["value"]
        out[column] = rows.reindex(out.index).astype("float64")
    out = out.sort_index().astype({"tickets": "int64"})
    other = out["other_median_wait"]
    out["lunch_ratio"] = (out["lunch_median_wait"] / other).where(other > 0)
    out = out.rename(columns={"share_over": f"share_over_{threshold_min:g}"})
    return out[lobby_kpi_columns(threshold_min)]


@_guarded
def referral_conversion(ds: Dataset, branches: pd.DataFrame) -> pd.DataFrame | None:
    """`bank_figures.referral_conversion` in the client's database, or None."""
    if not pushable(ds, "referrals"):
        return None
    sold = [s for s, rank in _REACH.items() if rank >= _REACH["sold"]]
    with _session(ds) as (con, d, engine):
        if _breached(con, d, engine, figure_checks.REFERRALS, branches=branches):
            return None
        frame = _frame(
            con,
            f"""SELECT branch_id,
                       CAST(count(CASE WHEN stage IN ({sql_list(sold)}) THEN 1 END) AS {d.double})
                       / count(*) AS referral_conversion
                FROM "referrals" WHERE branch_id IS NOT NULL
                GROUP BY branch_id ORDER BY branch_id""",
        )
    frame["branch_id"] = frame["branch_id"].astype("str")
    frame["referral_conversion"] = frame["referral_conversion"].astype("float64")
    return frame


@_guarded
def target_completion(
    ds: Dataset, month: str, main_metric: str = "deposits"
) -> pd.DataFrame | None:
    """`bank_figures.target_completion` in the client's database, or None."""
    if not pushable(ds, "targets"):
        return None
    end = int(month[:4]) * 12 + int(month[5:7]) - 1
    start = end - end % 12
    with _session(ds) as (con, d, engine):
        if _breached(con, d, engine, figure_checks.TARGETS):
            return None
        frame = _frame(
            con,
            f"""
            WITH t AS (
                SELECT id, metric, CAST(target AS {d.double}) AS target,
                       CAST(actual AS {d.double}) AS actual,
                       CAST(substr(month, 1, 4) AS INTEGER) * 12
                           + CAST(substr(month, 6, 2) AS INTEGER) - 1 AS idx
                FROM "targets" WHERE {figure_checks.BRANCH_TARGET_ROWS}
            ), p AS (
                SELECT id, metric,
                       coalesce(sum(CASE WHEN idx <= :end THEN actual ELSE 0 END), 0) AS actual_ytd,
                       coalesce(sum(target), 0) AS target_all,
                       count(target) AS months_with_target
                FROM t WHERE idx >= :start AND idx < :stop
                GROUP BY id, metric
            ), c AS (
                SELECT id, metric, actual_ytd,
                       CASE WHEN months_with_target >= 12 THEN target_all
                            WHEN months_with_target > 0 THEN target_all / months_with_target * 12
                       END AS annual_target
                FROM p
            )
            SELECT id AS branch_id,
                   max(CASE WHEN metric = :metric AND annual_target > 0
                            THEN actual_ytd / annual_target END) AS target_completion
            FROM c GROUP BY id ORDER BY id
            """,
            {"end": end, "start": start, "stop": start + 12, "metric": main_metric},
        )
    frame["branch_id"] = frame["branch_id"].astype("str")
    frame["target_completion"] = frame["target_completion"].astype("float64")
    return frame


@_guarded
def branch_balances(
    ds: Dataset, months: tuple[str, ...], branches: pd.DataFrame
) -> dict[str, pd.DataFrame] | None:
    """`bank_figures.branch_balances` (the bank overview's per-branch deposits, AUM and
    customers holding anything, each month) in the client's database, or None."""
    if not pushable(ds, "customers", "holdings") or not months:
        return None
    with _session(ds) as (con, d, engine):
        if _breached(con, d, engine, figure_checks.BRANCH_BALANCES, months, branches):
            return None
        frame = _frame(
            con,
            f"""SELECT h.month, c.branch_id,
                       sum(CASE WHEN h.product IN ({sql_list(DEPOSIT_PRODUCTS)})
                                THEN CAST(h.balance AS {d.double}) ELSE 0 END) AS deposits,
                       sum(CASE WHEN h.product NOT IN ({sql_list(NON_AUM_PRODUCTS)})
                                THEN CAST(h.balance AS {d.double}) ELSE 0 END) AS aum,
                       count(DISTINCT h.customer_id) AS customers
                FROM "holdings" h JOIN "customers" c ON c.customer_id = h.customer_id
                WHERE h.month IN ({sql_list(months)})
                GROUP BY h.month, c.branch_id""",
        )
    frame["branch_id"] = frame["branch_id"].astype(branches["branch_id"].dtype)
    frame = frame.astype({"deposits": "float64", "aum": "float64", "customers": "int64"})
    return {
        m: part.drop(columns="month").sort_values("branch_id", ignore_index=True)
        for m, part in ((m, frame[frame["month"] == m]) for m in months)
    }
