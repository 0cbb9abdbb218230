"""Erlang C (M/M/c) queueing: how many counters a lobby needs for a service level.

The diagnostic turns observed arrivals and service times into a counter
requirement: with c counters, customers arriving at rate λ and each counter
serving at rate μ, Erlang C gives the chance a customer waits at all, the mean
wait, and the share served within a target wait.  The queue only settles when
λ < cμ; otherwise it grows without bound, which is reported as infeasible
(`feasible=False`, infinite wait, service level 0) instead of a nonsense number.

Rates share one time unit (e.g. per hour); waits come back in that unit.  The
Erlang B recursion keeps the maths stable for large loads (no factorials).
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class QueueMetrics:
    """Erlang C figures for one staffing level; waits are in the rates' time unit."""

    servers: int
    arrival_rate: float
    service_rate: float
    offered_load: float  # λ/μ, in servers' worth of work (Erlangs)
    utilisation: float  # λ/(cμ); ≥ 1 means the queue never settles
    feasible: bool
    p_wait: float  # probability an arriving customer has to wait
    expected_wait: float  # mean wait in queue over all customers
    service_level: float  # P(wait ≤ target_wait); NaN when no target given


def _check(servers: int, arrival_rate: float, service_rate: float) -> None:
    if int(servers) != servers or servers < 0:
        raise ValueError(f"servers must be a whole number ≥ 0, got {servers!r}")
    if not arrival_rate >= 0:  # also rejects NaN
        raise ValueError(f"arrival_rate must be ≥ 0, got {arrival_rate!r}")
    if not service_rate > 0:
        raise ValueError(f"service_rate must be > 0, got {service_rate!r}")


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of an M/M/c/c system, by the stable recursion B(k) = aB(k-1)/(k + aB(k-1))."""
    if int(servers) != servers or servers < 0:
        raise ValueError(f"servers must be a whole number ≥ 0, got {servers!r}")
    if not load >= 0:
        raise ValueError(f"load must be ≥ 0, got {load!r}")
    b = 1.0
    for k in range(1, int(servers) + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability of waiting with `servers` counters and offered load a = λ/μ (1.0 when a ≥ c)."""
    if load >= servers:
        return 1.0
    if load == 0:
        return 0.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


def queue_metrics(
    servers: int,
    arrival_rate: float,
    service_rate: float,
    target_wait: float | None = None,
) -> QueueMetrics:
    """All Erlang C figures for one staffing level, with a clean infeasible result when λ ≥ cμ."""
    _check(servers, arrival_rate, service_rate)
    c = int(servers)
    load = arrival_rate / service_rate
    utilisation = load / c if c else (math.inf if load > 0 else math.nan)
    if arrival_rate == 0:
        level = math.nan if target_wait is None else 1.0
        return QueueMetrics(
            c, arrival_rate, service_rate, 0.0, 0.0 if c else math.nan, True, 0.0, 0.0, level
        )
    if load >= c:
        level = math.nan if target_wait is None else 0.0
        return QueueMetrics(
            c, arrival_rate, service_rate, load, utilisation, False, 1.0, math.inf, level
        )
    p_wait = erlang_c(c, load)
    drain = c * service_rate - arrival_rate  # rate at which the queue empties
    expected_wait = p_wait / drain
    if target_wait is None:
        level = math.nan
    else:
        if target_wait < 0:
            raise ValueError(f"target_wait must be ≥ 0, got {target_wait!r}")
        level = 1.0 - p_wait * math.exp(-drain * target_wait)
    return QueueMetrics(
        c, arrival_rate, service_rate, load, utilisation, True, p_wait, expected_wait, level
    )


def probability_of_waiting(servers: int, arrival_rate: float, service_rate: float) -> float:
    """P(an arriving customer waits): 1.0 when the queue is unstable."""
    return queue_metrics(servers, arrival_rate, service_rate).p_wait


def expected_wait(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in the rates' time unit; infinite when λ ≥ cμ."""
    return queue_metrics(servers, arrival_rate, service_rate).expected_wait


def service_level(
    servers: int, arrival_rate: float, service_rate: float, target_wait: float
) -> float:
    """P(wait ≤ target_wait) = 1 − C·exp(−(cμ − λ)t); 0 when the queue is unstable."""
    return queue_metrics(servers, arrival_rate, service_rate, target_wait).service_level


def servers_needed(
    arrival_rate: float,
    service_rate: float,
    target_wait: float,
    target_share: float,
    max_servers: int = 50,
) -> int | None:
    """Smallest number of counters serving `target_share` of customers within `target_wait`.

    0 when nobody arrives; None when even `max_servers` counters cannot reach it,
    so a caller can say "beyond the model's range" instead of showing a number.
    """
    _check(0, arrival_rate, service_rate)
    if not 0 <= target_share <= 1:
        raise ValueError(f"target_share must be in [0, 1], got {target_share!r}")
    if not target_wait >= 0:
        raise ValueError(f"target_wait must be ≥ 0, got {target_wait!r}")
    if arrival_rate == 0:
        return 0
    load = arrival_rate / service_rate
    for c in range(math.floor(load) + 1, int(max_servers) + 1):
        if service_level(c, arrival_rate, service_rate, target_wait) >= target_share:
            return c
    return None
