"""Deposits and funds (存款/资金): daily trend, change decomposition, outflow watch.

Deposits are the "1" of "1+N": the diagnostic opens with how the balance moves
through the year, where a change came from (new, growing, shrinking, lost
customers) and which large customers are taking money out, so outflows are
caught while there is still time to call the customer.

Per-customer balances and month arithmetic shared with the other analyses live in
`balances.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from branch_consult.analysis.balances import (
    balances_for,
    customer_balances,
    month_end,
    shift_month,
)

#: Transaction kinds that move money out of the bank.
OUTFLOW_KINDS: tuple[str, ...] = ("withdrawal", "transfer_out")
#: Default peak season (旺季): the first quarter.
PEAK_MONTHS: tuple[int, ...] = (1, 2, 3)


# --------------------------------------------------------------------------- daily trend


def deposit_trend(
    branch_daily: pd.DataFrame,
    branch_id: str | None = None,
    peak_months: Sequence[int] = PEAK_MONTHS,
) -> pd.DataFrame:
    """Daily deposit balance of one branch (or the whole network if `branch_id` is None).

    Columns: date, month, deposits, daily_change, peak_season.  The peak-season flag
    lets the chart shade 旺季, when most of the year's growth is supposed to happen.
    """
    rows = (
        branch_daily
        if branch_id is None
        else branch_daily.loc[branch_daily["branch_id"] == branch_id]
    )
    daily = rows.groupby("date", sort=True)["deposits"].sum().astype("float64")
    dates = pd.to_datetime(pd.Series(daily.index, dtype=daily.index.dtype))
    out = pd.DataFrame(
        {
            "date": dates.to_numpy(),
            "month": dates.dt.strftime("%Y-%m").astype("str").to_numpy(),
            "deposits": daily.to_numpy(),
            "daily_change": daily.diff().to_numpy(),
            "peak_season": dates.dt.month.isin(list(peak_months)).to_numpy(dtype=bool),
        }
    )
    return out


def period_growth(trend: pd.DataFrame, freq: str = "month") -> pd.DataFrame:
    """Closing balance, daily average and growth per month or quarter of a `deposit_trend`.

    Growth compares closings (the balance the bank reports); the daily average
    (日均) is what most banks' targets are set on, so both are given.
    Columns: period, start_date, end_date, closing, daily_average, change, growth, peak_season.
    """
    if freq not in ("month", "quarter"):
        raise ValueError(f"freq must be 'month' or 'quarter', not {freq!r}")
    dates = pd.to_datetime(trend["date"])
    code = "M" if freq == "month" else "Q"
    period = dates.dt.to_period(code).astype("str")
    frame = pd.DataFrame(
        {
            "period": period,
            "date": dates,
            "deposits": trend["deposits"].astype("float64"),
            "peak": trend["peak_season"],
        }
    ).sort_values("date")
    g = frame.groupby("period", sort=True)
    out = pd.DataFrame(
        {
            "start_date": g["date"].min(),
            "end_date": g["date"].max(),
            "closing": g["deposits"].last(),
            "daily_average": g["deposits"].mean(),
            "peak_season": g["peak"].any().astype(bool),
        }
    )
    prev = out["closing"].shift(1)
    out["change"] = out["closing"] - prev
    out["growth"] = out["change"] / prev.where(prev != 0)
    out = out.reset_index()
    return out[
        [
            "period",
            "start_date",
            "end_date",
            "closing",
            "daily_average",
            "change",
            "growth",
            "peak_season",
        ]
    ]


# --------------------------------------------------------------------------- decomposition

#: component, English label, Chinese label, plotly waterfall measure
DECOMPOSITION_COMPONENTS: tuple[tuple[str, str, str, str], ...] = (
    ("start", "Opening deposits", "期初存款", "absolute"),
    ("new_customers", "New customers", "新增客户", "relative"),
    ("existing_up", "Existing customers, increase", "存量客户增加", "relative"),
    ("existing_down", "Existing customers, decrease", "存量客户减少", "relative"),
    ("lost_customers", "Lost customers", "流失客户", "relative"),
    ("end", "Closing deposits", "期末存款", "total"),
)


def deposit_change_decomposition(
    customers: pd.DataFrame,
    holdings: pd.DataFrame,
    from_month: str,
    to_month: str,
    branch_id: str | None = None,
) -> pd.DataFrame:
    """Split the change in deposits between two month-ends into four parts that add up exactly.

    Every customer's change goes to exactly one part, so the parts sum to the total:
    new customers (onboarded after `from_month`, or no positive holding at or before
    it), lost customers (deposits at `from_month`, none at `to_month`), and existing
    customers whose deposits rose or fell.  Rows are waterfall-ready: start, the four
    parts, end; columns component, label_en, label_zh, amount, customers, measure.
    """
    scope = customers if branch_id is None else customers.loc[customers["branch_id"] == branch_id]
    ids = pd.Index(scope["customer_id"].drop_duplicates())
    d0 = balances_for(ids, holdings, from_month)["deposits"].to_numpy()
    d1 = balances_for(ids, holdings, to_month)["deposits"].to_numpy()
    onboarded = pd.to_datetime(scope.drop_duplicates("customer_id")["onboarded_on"]).to_numpy()
    new = onboarded > np.datetime64(month_end(from_month))
    # Old relationship, but nothing held until after from_month: a new customer for the bank's money.
    candidate = ~new & (d0 == 0) & (d1 > 0)
    if candidate.any():
        cand_ids = ids[candidate]
        earlier = holdings.loc[
            (holdings["month"] <= from_month)
            & (holdings["balance"] > 0)
            & holdings["customer_id"].isin(cand_ids),
            "customer_id",
        ]
        new[candidate] = ~cand_ids.isin(earlier.unique())
    diff = d1 - d0
    lost = ~new & (d0 > 0) & (d1 == 0)
    up = ~new & ~lost & (diff > 0)
    down = ~new & ~lost & (diff < 0)
    amounts = {
        "start": float(d0.sum()),
        "new_customers": float(diff[new].sum()),
        "existing_up": float(diff[up].sum()),
        "existing_down": float(diff[down].sum()),
        "lost_customers": float(diff[lost].sum()),
        "end": float(d1.sum()),
    }
    counts = {
        "start": int((d0 > 0).sum()),
        "new_customers": int((new & (diff != 0)).sum()),
        "existing_up": int(up.sum()),
        "existing_down": int(down.sum()),
        "lost_customers": int(lost.sum()),
        "end": int((d1 > 0).sum()),
    }
    return pd.DataFrame(
        [
            {
                "component": c,
                "label_en": en,
                "label_zh": zh,
                "amount": amounts[c],
                "customers": counts[c],
                "measure": m,
            }
            for c, en, zh, m in DECOMPOSITION_COMPONENTS
        ]
    )


# --------------------------------------------------------------------------- outflow watchlist


@dataclass(frozen=True)
class OutflowWindow:
    """The months an outflow watchlist compares and the transaction window between them."""

    start_month: str
    as_of_month: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp


def outflow_window(as_of_month: str, lookback_months: int = 3) -> OutflowWindow:
    """Start month `lookback_months` before `as_of_month`; transactions after its end up to as-of month-end."""
    start = shift_month(as_of_month, -lookback_months)
    return OutflowWindow(
        start_month=start,
        as_of_month=as_of_month,
        window_start=month_end(start) + pd.Timedelta(days=1),
        window_end=month_end(as_of_month) + pd.Timedelta(days=1),
    )


def outflow_watchlist(
    holdings: pd.DataFrame,
    transactions: pd.DataFrame,
    customers: pd.DataFrame,
    as_of_month: str,
    threshold_yuan: float = 1_000_000,
    lookback_months: int = 3,
    min_drop_share: float = 0.3,
    measure: str = "aum",
) -> pd.DataFrame:
    """Large customers whose balance fell by at least `min_drop_share` over the lookback.

    Large = `measure` ('aum' or 'deposits') at the start month ≥ `threshold_yuan`.
    From the withdrawals and transfers out in the window: since when money has been
    leaving (first outflow date), where it goes (channel with the largest outflow
    amount), and how much left.  Sorted by the drop, largest first, so the call list
    starts with the money most at risk.
    """
    if measure not in ("aum", "deposits"):
        raise ValueError(f"measure must be 'aum' or 'deposits', not {measure!r}")
    window = outflow_window(as_of_month, lookback_months)
    start = customer_balances(holdings, window.start_month)[measure]
    start = start[start >= threshold_yuan]
    current = customer_balances(holdings, as_of_month)[measure].reindex(start.index, fill_value=0.0)
    drop = start - current
    share = drop / start.where(start != 0)
    keep = share >= min_drop_share
    out = pd.DataFrame(
        {
            "start_balance": start[keep].astype("float64"),
            "current_balance": current[keep].astype("float64"),
            "drop": drop[keep].astype("float64"),
            "drop_share": share[keep].astype("float64"),
        }
    )
    out.index.name = "customer_id"
    ids = out.index

    txn = transactions.loc[
        transactions["kind"].isin(OUTFLOW_KINDS)
        & (transactions["ts"] >= window.window_start)
        & (transactions["ts"] < window.window_end)
        & transactions["customer_id"].isin(ids),
        ["customer_id", "ts", "channel", "amount"],
    ]
    g = txn.groupby("customer_id", sort=False)
    first = g["ts"].min()
    total = g["amount"].sum()
    n = g.size()
    by_channel = (
        txn.groupby(["customer_id", "channel"], sort=True, observed=True)["amount"]
        .sum()
        .reset_index()
    )
    # Largest amount wins; ties go to the alphabetically first channel (stable sort on sorted input).
    by_channel = by_channel.sort_values(
        ["customer_id", "amount"], ascending=[True, False], kind="stable"
    )
    main = by_channel.drop_duplicates("customer_id").set_index("customer_id")["channel"]

    out["first_outflow_on"] = first.reindex(ids)
    out["main_channel"] = main.reindex(ids)
    out["outflow_amount"] = total.reindex(ids, fill_value=0.0).astype("float64")
    out["outflow_txns"] = n.reindex(ids, fill_value=0).astype("int64")
    info = customers.drop_duplicates("customer_id").set_index("customer_id")[
        ["branch_id", "owner_staff_id"]
    ]
    out = out.join(info, how="left").reset_index()
    out = out.sort_values(
        ["drop", "customer_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
    return out[
        [
            "customer_id",
            "branch_id",
            "owner_staff_id",
            "start_balance",
            "current_balance",
            "drop",
            "drop_share",
            "first_outflow_on",
            "main_channel",
            "outflow_amount",
            "outflow_txns",
        ]
    ]
