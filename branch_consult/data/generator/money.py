"""Balances and flows: month-end holdings, daily branch deposits and transactions.

Product mix shifts with wealth (the wealthy hold wealth products, funds and
insurance), deposits grow in the Q1 peak season, and branch_daily ends each month
exactly on the sum of its customers' deposit holdings so the two tables agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from branch_consult.data.contract import PRODUCTS
from branch_consult.data.generator.context import BranchContext, make_ids
from branch_consult.data.generator.period import DAY

_DEPOSIT = np.array([p in ("deposit_demand", "deposit_time") for p in PRODUCTS])
_CARD = PRODUCTS.index("credit_card")
#: monthly deposit growth by calendar month: the peak season is January to March
_SEASON = {
    1: 0.030,
    2: 0.042,
    3: 0.032,
    4: -0.006,
    5: 0.002,
    6: 0.006,
    7: 0.0,
    8: 0.002,
    9: 0.004,
    10: -0.002,
    11: 0.003,
    12: 0.008,
}


@dataclass(frozen=True)
class PlantedOutflow:
    """The planted outflow's transfers, which the transactions table must show."""

    row: int  # the customer's row in the branch's customer frame
    days: np.ndarray  # datetime64[D], one per transfer
    amounts: np.ndarray  # yuan, one per transfer
    channels: np.ndarray  # mobile / online / counter, one per transfer


@dataclass(frozen=True)
class HoldingFacts:
    """What the later tables of a branch need from its holdings, so they agree with them."""

    aum_by_month: np.ndarray  # customers x months, credit card excluded
    deposits_by_month: np.ndarray  # the branch's deposits at each month-end
    tier_aum: np.ndarray  # per customer: the AUM its tier is claimed on
    held: np.ndarray  # customers x products: which products each customer holds
    outflow: PlantedOutflow | None  # in the branch the outflow is planted in


def _holds(rng: np.random.Generator, aum: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Which products each customer holds (customers x products)."""
    n = len(aum)
    w = np.clip((np.log10(aum) - 4.0) / 2.5, 0.0, 1.0)  # 0 at 10k, 1 at ~3M
    p = np.column_stack(
        [
            np.ones(n),  # deposit_demand: the base relationship
            0.25 + 0.45 * w,  # deposit_time
            0.03 + 0.75 * w**1.3,  # wealth
            0.02 + 0.55 * w**1.5,  # fund
            0.02 + 0.45 * w**1.5 + 0.05 * (age > 40),  # insurance
            0.01 + 0.12 * w**2,  # metal
            np.where((age >= 23) & (age <= 55), 0.38, 0.12),  # credit_card
        ]
    )
    held: np.ndarray = rng.random((n, len(PRODUCTS))) < np.clip(p, 0, 0.97)
    held[:, 0] = True
    return held


def holdings(ctx: BranchContext, cust: pd.DataFrame) -> tuple[pd.DataFrame, HoldingFacts]:
    """Month-end balances per customer and product; returns the table and facts for later tables."""
    rng = ctx.rng("holdings")
    per = ctx.period
    m_count = len(per.months)
    n = len(cust)
    aum = cust["base_aum"].to_numpy()
    held = _holds(rng, aum, cust["age"].to_numpy())
    weight = rng.gamma(1.0, 1.0, (n, len(PRODUCTS))) * held
    small = aum < 5e4
    weight[:, 0] *= np.where(small, 4.0, 1.0)  # small savers keep it on demand
    weight[:, _CARD] = 0.0
    share = weight / weight.sum(axis=1, keepdims=True)
    cal_month = np.array([int(m[5:]) for m in per.months])
    dep_growth = np.array([_SEASON[c] for c in cal_month])
    dep_path = np.exp(np.cumsum(dep_growth[None, :] + rng.normal(0, 0.035, (n, m_count)), axis=1))
    inv_path = np.exp(np.cumsum(rng.normal(0.004, 0.045, (n, m_count)), axis=1))
    # balance[c, m, p]
    bal = (
        aum[:, None, None]
        * share[:, None, :]
        * np.where(_DEPOSIT[None, None, :], dep_path[:, :, None], inv_path[:, :, None])
    )
    card = rng.lognormal(np.log(6000), 0.9, (n, m_count)) * held[:, None, _CARD]
    bal[:, :, _CARD] = card
    # months before onboarding are empty; a few ordinary customers leave during the year
    onboard_m = per.month_index(cust["onboarded_on"].to_numpy())
    churn_m = np.where((rng.random(n) < 0.035) & (aum < 8e5), rng.integers(2, m_count, n), m_count)
    months = np.arange(m_count)
    alive = (months[None, :] >= onboard_m[:, None]) & (months[None, :] < churn_m[:, None])
    bal *= alive[:, :, None]
    outflow = None
    tier_aum = (bal[:, -1, :] * ~(np.arange(len(PRODUCTS)) == _CARD)).sum(axis=1)
    if ctx.is_("outflow"):
        outflow = _plant_outflow(ctx, cust, bal, rng)
        i = outflow.row
        tier_aum[i] = bal[i, -3, :_CARD].sum() + bal[i, -3, _CARD + 1 :].sum()
    bal = np.round(bal, 2)
    ci, mi, pi = np.nonzero(bal > 0)
    table = pd.DataFrame(
        {
            "customer_id": cust["customer_id"].to_numpy()[ci],
            "month": np.array(per.months)[mi],
            "product": np.array(PRODUCTS)[pi],
            "balance": bal[ci, mi, pi],
        }
    )
    non_card = np.arange(len(PRODUCTS)) != _CARD
    facts = HoldingFacts(
        aum_by_month=(bal[:, :, non_card]).sum(axis=2),
        deposits_by_month=(bal[:, :, _DEPOSIT]).sum(axis=(0, 2)),
        tier_aum=tier_aum,
        held=held,
        outflow=outflow,
    )
    return table, facts


def _plant_outflow(
    ctx: BranchContext, cust: pd.DataFrame, bal: np.ndarray, rng: np.random.Generator
) -> PlantedOutflow:
    """The largest long-standing customer moves 85% of the money out over five weeks."""
    per = ctx.period
    aum_before = bal[:, -3, :].sum(axis=1) - bal[:, -3, _CARD]
    old = per.month_index(cust["onboarded_on"].to_numpy()) < 0
    row = int(np.argmax(np.where(old, aum_before, -1)))
    total = 0.85 * aum_before[row]
    k = int(rng.integers(6, 10))
    first = per.last_day - 36 * DAY
    offsets = np.sort(rng.choice(np.arange(0, 34), size=k, replace=False))
    days = first + offsets * DAY
    parts = rng.dirichlet(np.full(k, 3.0)) * total
    parts = np.round(parts, 2)
    in_last = days >= per.month_starts[-1]
    out_second_last = parts[~in_last].sum()
    for m, gone in ((-2, out_second_last), (-1, parts.sum())):
        factor = 1.0 - gone / aum_before[row]
        bal[row, m, :] = bal[row, -3, :] * factor
        bal[row, m, _CARD] = bal[row, -3, _CARD]
    channels = np.where(
        rng.random(k) < 0.85, np.where(rng.random(k) < 0.7, "mobile", "online"), "counter"
    )
    ctx.log["outflow"] = {
        "branch_id": ctx.branch_id,
        "customer_id": str(cust["customer_id"].iloc[row]),
        "first_transfer_on": str(days[0]),
        "last_transfer_on": str(days[-1]),
        "transfers": k,
        "amount": round(float(parts.sum()), 2),
    }
    return PlantedOutflow(row=row, days=days, amounts=parts, channels=channels)


def branch_daily(ctx: BranchContext, deposits_by_month: np.ndarray) -> pd.DataFrame:
    """End-of-day deposits: a path between month-ends with payday bumps, pinned at each month-end."""
    rng = ctx.rng("branch_daily")
    per = ctx.period
    before = deposits_by_month[0] / (1 + _SEASON[int(per.months[0][5:])])
    levels = np.concatenate([[before], deposits_by_month])
    days = np.arange(per.first_day, per.last_day + DAY, DAY)
    m = per.month_index(days)
    start = per.month_starts[m]
    length = (per.month_ends[m] - start).astype(int) + 1
    frac = ((days - start).astype(int) + 1) / length
    base = levels[m] + (levels[m + 1] - levels[m]) * frac
    dom = (days - start).astype(int) + 1
    wiggle = rng.normal(0, 0.004, len(days)) + 0.006 * np.exp(-((dom - 12) ** 2) / 8.0)
    value = base * (1 + np.where(frac == 1.0, 0.0, wiggle))
    return pd.DataFrame(
        {"branch_id": ctx.branch_id, "date": days, "deposits": np.round(np.maximum(value, 0), 2)}
    )


_KINDS = np.array(
    ["deposit", "withdrawal", "transfer_in", "transfer_out", "purchase", "redemption"]
)


def transactions(
    ctx: BranchContext, cust: pd.DataFrame, people: pd.DataFrame, facts: HoldingFacts
) -> pd.DataFrame:
    """A sample of customer movements over the transaction window (not reconciled to balances,
    except the planted outflow, whose transfers add up to the fall in its holdings)."""
    rng = ctx.rng("transactions")
    per = ctx.period
    n = len(cust)
    aum = facts.aum_by_month[:, -1]
    alive = aum > 0
    rate = np.where(cust["mobile_banking"].to_numpy(), 5.0, 2.5) * (1 + 0.3 * (aum > 2e5))
    count = rng.poisson(rate * per.transaction_days / 30.0) * alive
    who = np.repeat(np.arange(n), count)
    k = len(who)
    kind = _KINDS[rng.choice(6, k, p=[0.22, 0.22, 0.2, 0.2, 0.08, 0.08])]
    investor = facts.held[who, 2] | facts.held[who, 3]
    kind = np.where(np.isin(kind, ("purchase", "redemption")) & ~investor, "deposit", kind)
    mobile = cust["mobile_banking"].to_numpy()[who]
    u = rng.random(k)
    channel = np.where(
        mobile,
        np.select([u < 0.55, u < 0.67, u < 0.8], ["mobile", "online", "atm"], "counter"),
        np.select([u < 0.55, u < 0.95], ["counter", "atm"], "online"),
    ).astype(object)
    channel[(channel == "atm") & ~np.isin(kind, ("deposit", "withdrawal"))] = "counter"
    scale = np.clip(aum[who] * 0.03, 300, 2e5)
    amount = np.round(rng.lognormal(np.log(scale), 0.8), 2)
    day = per.transaction_start + rng.integers(0, per.transaction_days, k) * DAY
    counter_like = np.isin(channel, ("counter", "atm"))
    minute = np.where(
        counter_like, rng.integers(9 * 60, 17 * 60, k), rng.integers(7 * 60, 23 * 60 + 30, k)
    )
    ts = day.astype("datetime64[s]") + (minute * 60 + rng.integers(0, 60, k)) * np.timedelta64(
        1, "s"
    )
    staff_id = _counter_staff(rng, people, kind, channel)
    cust_ids = cust["customer_id"].to_numpy()[who]
    out = facts.outflow
    if out is not None:
        j = len(out.days)
        mins = rng.integers(8 * 60, 22 * 60, j)
        extra_ts = out.days.astype("datetime64[s]") + mins * np.timedelta64(60, "s")
        keep = extra_ts >= per.transaction_start.astype("datetime64[s]")
        ch = out.channels[keep].astype(object)
        cust_ids = np.concatenate(
            [cust_ids, np.full(int(keep.sum()), cust["customer_id"].iloc[out.row])]
        )
        kind = np.concatenate([kind, np.full(int(keep.sum()), "transfer_out")])
        channel = np.concatenate([channel, ch])
        amount = np.concatenate([amount, out.amounts[keep]])
        ts = np.concatenate([ts, extra_ts[keep]])
        tellers = people.loc[
            (people["role"] == "teller") & people["left_on"].isna(), "staff_id"
        ].to_numpy()
        staff_id = np.concatenate([staff_id, np.where(ch == "counter", tellers[0], None)])
    order = np.argsort(ts, kind="stable")
    ids = make_ids("T", ctx.serials.take("txn", len(order)), 10)
    return pd.DataFrame(
        {
            "txn_id": ids,
            "customer_id": cust_ids[order],
            "branch_id": ctx.branch_id,
            "ts": ts[order],
            "channel": channel[order],
            "kind": kind[order],
            "amount": amount[order],
            "staff_id": staff_id[order],
        }
    )


def _counter_staff(
    rng: np.random.Generator, people: pd.DataFrame, kind: np.ndarray, channel: np.ndarray
) -> np.ndarray:
    """Tellers book cash and transfers at the counter; wealth managers book investments."""
    tellers = people.loc[
        (people["role"] == "teller") & people["left_on"].isna(), "staff_id"
    ].to_numpy()
    wms = people.loc[
        (people["role"] == "wealth_manager") & people["left_on"].isna(), "staff_id"
    ].to_numpy()
    k = len(kind)
    staff = np.full(k, None, dtype=object)
    at_counter = channel == "counter"
    invest = np.isin(kind, ("purchase", "redemption"))
    if len(tellers):
        staff[at_counter & ~invest] = rng.choice(tellers, int((at_counter & ~invest).sum()))
    pool = wms if len(wms) else tellers
    staff[at_counter & invest] = rng.choice(pool, int((at_counter & invest).sum()))
    return staff
