"""Test reliability: KR-20 (Cronbach's α for 0/1 items), Feldt interval, SEM, Spearman–Brown.

KR-20 = k/(k−1) · (1 − Σ pq / σ²) with σ² the *population* variance of total scores
(divide by N): the item variances pq are population variances too, and mixing in the
sample variance (N−1) inflates the coefficient. For partial credits the same formula
with item variances is Cronbach's α.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
from scipy.stats import f as f_dist


@dataclass(frozen=True)
class Reliability:
    """Reliability figures of one form: coefficient, interval, SEM, projected lengths."""

    n_persons: int
    n_items: int
    kr20: float
    ci_low: float
    ci_high: float
    level: float
    mean_points: float
    sd_points: float
    sem_points: float
    sem_percent: float
    doubled: float  # Spearman–Brown with twice the items
    items_for_target: int | None  # items needed to reach `target` (None when unreachable/met)
    target: float


def kr20(matrix: pd.DataFrame) -> float:
    """KR-20 / α from a participants × items credit matrix (NaN when totals do not vary)."""
    k = matrix.shape[1]
    if k < 2 or len(matrix) < 2:
        return math.nan
    item_var = matrix.var(axis=0, ddof=0).sum()
    total_var = matrix.sum(axis=1).var(ddof=0)
    if total_var == 0:
        return math.nan
    return k / (k - 1) * (1 - item_var / total_var)


def feldt_interval(
    alpha: float, n_persons: int, n_items: int, level: float = 0.95
) -> tuple[float, float]:
    """Feldt (1965) interval: 1 − (1 − α)·F with F quantiles on (N−1, (N−1)(k−1)) df."""
    if math.isnan(alpha) or n_persons < 2 or n_items < 2:
        return math.nan, math.nan
    df1, df2 = n_persons - 1, (n_persons - 1) * (n_items - 1)
    tail = (1 - level) / 2
    low = 1 - (1 - alpha) * f_dist.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * f_dist.ppf(tail, df1, df2)
    return float(low), float(high)


def sem(sd: float, reliability: float) -> float:
    """Standard error of measurement: SD · √(1 − r) (NaN when r is not defined)."""
    if math.isnan(reliability):
        return math.nan
    return sd * math.sqrt(max(0.0, 1 - reliability))


def spearman_brown(reliability: float, factor: float) -> float:
    """Reliability of a test `factor` times as long: m·r / (1 + (m−1)·r)."""
    return factor * reliability / (1 + (factor - 1) * reliability)


def length_factor(reliability: float, target: float) -> float:
    """How many times longer the test must be to reach `target`: r*(1−r)/(r(1−r*))."""
    return target * (1 - reliability) / (reliability * (1 - target))


def reliability(matrix: pd.DataFrame, level: float = 0.95, target: float = 0.80) -> Reliability:
    """All reliability figures of one form's credit matrix."""
    n, k = matrix.shape
    alpha = kr20(matrix)
    low, high = feldt_interval(alpha, n, k, level)
    totals = matrix.sum(axis=1)
    sd = float(totals.std(ddof=0)) if n else math.nan
    error = sem(sd, alpha)
    need: int | None = None
    if not math.isnan(alpha) and 0 < alpha < target:
        need = math.ceil(k * length_factor(alpha, target) - 1e-9)
    return Reliability(
        n_persons=n,
        n_items=k,
        kr20=alpha,
        ci_low=low,
        ci_high=high,
        level=level,
        mean_points=float(totals.mean()) if n else math.nan,
        sd_points=sd,
        sem_points=error,
        sem_percent=error / k * 100 if k else math.nan,
        doubled=spearman_brown(alpha, 2) if not math.isnan(alpha) else math.nan,
        items_for_target=need,
        target=target,
    )
