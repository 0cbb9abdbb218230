"""Lobby queue tickets from a small multi-counter queue simulation per branch and day.

Arrivals peak mid-morning and at lunchtime, Mondays and Fridays are busiest and
weekends quiet; service takes longer for wealth than for cash.  Counters close in
turn for lunch (one stays closed); in the planted branch all but one close, so
lunchtime waits explode while the rest of the day looks normal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from branch_consult.data.generator.context import BranchContext, make_ids
from branch_consult.data.generator.period import DAY

OPEN, CLOSE = 9 * 60, 17 * 60
LUNCH = (11 * 60 + 30, 13 * 60 + 30)
_DOW = np.array([1.3, 1.0, 0.95, 1.0, 1.25, 0.7, 0.5])  # Monday first
_SERVICES = np.array(["cash", "non_cash", "wealth", "vip"])
_SERVICE_P = np.array([0.45, 0.35, 0.12, 0.08])
_SERVICE_MEDIAN = np.array([4.0, 8.0, 18.0, 12.0])  # minutes
_PER_COUNTER = 36  # tickets per weekday per counter open at lunch: busy but coping


def _intensity() -> np.ndarray:
    """Relative arrival rate per minute of the opening hours."""
    t = np.arange(OPEN, CLOSE)
    rate = np.ones(len(t))
    rate[(t >= 9 * 60 + 30) & (t < 11 * 60)] = 1.8
    rate[(t >= LUNCH[0]) & (t < LUNCH[1])] = 1.6
    rate[(t >= 15 * 60) & (t < 16 * 60)] = 1.15
    shares: np.ndarray = rate / rate.sum()
    return shares


_RATE = _intensity()


def _simulate(
    arrive: np.ndarray, service: np.ndarray, patience: np.ndarray, counters: int, lunch_open: int
) -> tuple[np.ndarray, np.ndarray]:
    """Start times (minutes) of service and the counter, NaN / -1 where the customer gave up.

    `arrive` already includes the customer's earliest call time (tickets are never
    called the instant they are drawn); one FIFO queue, the first free open counter calls.
    """
    free = [float(OPEN)] * counters
    start = np.full(len(arrive), np.nan)
    server = np.full(len(arrive), -1)
    lo, hi = LUNCH
    for j in range(len(arrive)):
        t = arrive[j]
        best, bi = np.inf, -1
        for i in range(counters):
            s = free[i] if free[i] > t else t
            if i >= lunch_open and lo <= s < hi:
                s = float(hi)
            if s < best:
                best, bi = s, i
        if best - t > patience[j]:
            continue
        start[j] = best
        server[j] = bi
        free[bi] = best + service[j]
    return start, server


def queue_tickets(ctx: BranchContext, people: pd.DataFrame, counters: int) -> pd.DataFrame:
    """Tickets for the last `period.ticket_days` days."""
    rng = ctx.rng("queue_tickets")
    per = ctx.period
    planted = ctx.is_("lunch_queue")
    lunch_open = 1 if planted else max(1, counters - 1)
    if planted:
        ctx.log["lunch_queue"] = {
            "branch_id": ctx.branch_id,
            "counters": counters,
            "counters_at_lunch": lunch_open,
        }
    employed = people["left_on"].isna()
    at_counter = people.loc[
        employed & people["role"].isin(["teller", "wealth_manager"]), "staff_id"
    ]
    desk = at_counter.to_numpy().astype(object)  # who sits at counter i (repeating if short)
    days = np.arange(per.ticket_start, per.last_day + DAY, DAY)
    parts: dict[str, list[np.ndarray]] = {
        k: [] for k in ("issued_at", "called_at", "finished_at", "service", "staff_id")
    }
    minutes = np.arange(OPEN, CLOSE)
    sec = np.timedelta64(1, "s")
    for day in days:
        dow = (int(day.astype(int)) + 3) % 7  # 1970-01-01 was a Thursday
        n = rng.poisson(_PER_COUNTER * (counters - 1) * _DOW[dow])
        arrive = np.sort(rng.choice(minutes, n, p=_RATE) + rng.random(n))
        kind = rng.choice(4, n, p=_SERVICE_P)
        service = rng.lognormal(np.log(_SERVICE_MEDIAN[kind]), 0.5)
        patience = 20 + rng.exponential(45, n)
        lag = rng.lognormal(np.log(2.0), 0.6, n)  # screen, walk to the counter
        start, server = _simulate(arrive + lag, service + 1.0, patience, counters, lunch_open)
        served = ~np.isnan(start)
        base = day.astype("datetime64[s]")
        parts["issued_at"].append(base + np.round(arrive * 60).astype(int) * sec)
        parts["called_at"].append(
            np.where(
                served,
                base + np.round(np.nan_to_num(start) * 60).astype(int) * sec,
                np.datetime64("NaT"),
            )
        )
        parts["finished_at"].append(
            np.where(
                served,
                base + np.round(np.nan_to_num(start + service) * 60).astype(int) * sec,
                np.datetime64("NaT"),
            )
        )
        parts["service"].append(_SERVICES[kind])
        staff = desk[np.maximum(server, 0) % len(desk)]
        staff[~served] = None
        parts["staff_id"].append(staff)
    cols = {k: np.concatenate(v) for k, v in parts.items()}
    n_all = len(cols["issued_at"])
    return pd.DataFrame(
        {
            "ticket_id": make_ids("Q", ctx.serials.take("ticket", n_all), 10),
            "branch_id": ctx.branch_id,
            **cols,
        }
    )
