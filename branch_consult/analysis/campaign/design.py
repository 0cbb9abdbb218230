"""Test design for a treatment/control campaign: sample size per arm and minimum detectable effect.

Methods (the report prints which one was used):
- `pooled_z`: the z test's power with the pooled proportion under the null and the
  unpooled variance under the alternative, one tail counted — what R's
  `power.prop.test` does (`strict = FALSE`), generalised to unequal arms through
  statsmodels' `power_proportions_2indep` (ratio = control : treatment here inverted
  as `nobs2 = ratio · nobs1`).
- `cohen_h`: Cohen's effect size h = 2·asin√p1 − 2·asin√p2 with statsmodels'
  `NormalIndPower` (what R's `pwr.2p2n.test` does).
- `continuity`: Fleiss' continuity correction on top of either,
  n' = n/4 · (1 + √(1 + 2(1 + k)/(k · n · |p1 − p2|)))² with k = n_control / n_treatment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy.optimize import brentq
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import power_proportions_2indep, proportion_effectsize


@dataclass(frozen=True)
class SampleSize:
    method: str
    continuity: bool
    p_treatment: float
    p_control: float
    alpha: float
    power: float
    ratio: float  # treatment : control
    n_treatment: float  # exact (unrounded) per-arm sizes
    n_control: float

    @property
    def n_treatment_needed(self) -> int:
        return math.ceil(self.n_treatment - 1e-9)

    @property
    def n_control_needed(self) -> int:
        return math.ceil(self.n_control - 1e-9)

    @property
    def total_needed(self) -> int:
        return self.n_treatment_needed + self.n_control_needed


def _power_pooled(p1: float, p2: float, n1: float, k: float, alpha: float) -> float:
    """Power of the two-sided pooled z test, one tail counted (as power.prop.test); n2 = k·n1."""
    res = power_proportions_2indep(
        p1 - p2,
        p2,
        n1,
        ratio=k,
        alpha=alpha / 2,
        alternative="larger" if p1 > p2 else "smaller",
        return_results=True,
    )
    return float(res.power)


def _power(method: str, p1: float, p2: float, n1: float, k: float, alpha: float) -> float:
    if method == "pooled_z":
        return _power_pooled(p1, p2, n1, k, alpha)
    h = abs(float(proportion_effectsize(p1, p2)))
    return float(
        NormalIndPower().power(
            effect_size=h, nobs1=n1, alpha=alpha, ratio=k, alternative="two-sided"
        )
    )


def _fleiss(n1: float, k: float, diff: float) -> float:
    return n1 / 4 * (1 + math.sqrt(1 + 2 * (1 + k) / (k * n1 * abs(diff)))) ** 2


def sample_size(
    p_treatment: float,
    p_control: float,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    method: str = "pooled_z",
    continuity: bool = False,
) -> SampleSize:
    """Customers needed per arm to detect p_treatment against p_control (ratio = treatment : control)."""
    if method not in ("pooled_z", "cohen_h"):
        raise ValueError(f"unknown method {method!r}: pooled_z or cohen_h")
    if p_treatment == p_control:
        raise ValueError("the two proportions must differ")
    k = 1.0 / ratio  # control per treatment customer

    def short(n: float) -> float:
        return _power(method, p_treatment, p_control, n, k, alpha) - power

    n1 = 2.0 if short(2.0) >= 0 else brentq(short, 2.0, 1e12, xtol=1e-8)
    if continuity:
        n1 = _fleiss(n1, k, p_treatment - p_control)
    return SampleSize(method, continuity, p_treatment, p_control, alpha, power, ratio, n1, n1 * k)


def power_at(
    p_treatment: float,
    p_control: float,
    n_treatment: float,
    *,
    alpha: float = 0.05,
    ratio: float = 1.0,
    method: str = "pooled_z",
) -> float:
    """Power of the test with `n_treatment` treatment customers and n_treatment / ratio controls."""
    return _power(method, p_treatment, p_control, n_treatment, 1.0 / ratio, alpha)


def minimum_detectable_effect(
    p_control: float,
    audience: int,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    method: str = "pooled_z",
    continuity: bool = False,
) -> float:
    """Smallest lift (treatment − control, absolute) detectable with `audience` customers split ratio:1."""
    n1 = audience * ratio / (1 + ratio)

    def gap(d: float) -> float:
        return (
            sample_size(
                p_control + d,
                p_control,
                alpha=alpha,
                power=power,
                ratio=ratio,
                method=method,
                continuity=continuity,
            ).n_treatment
            - n1
        )

    high = 1 - p_control - 1e-6
    if gap(high) > 0:
        return math.nan  # even the largest lift cannot be detected with this audience
    return float(brentq(gap, 1e-4, high, xtol=1e-7))
