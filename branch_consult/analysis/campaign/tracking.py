"""Tracking during the campaign: rates with Wilson intervals, progress against plan, and the
group-sequential boundary that keeps repeated looks honest.

Looking at the data every day and stopping at the first "significant" result inflates
false positives (five looks at a nominal z of 1.96 give about 14%). O'Brien–Fleming
boundaries keep the overall level at α: on the z scale look k of K must pass
c·√(K/k), with c found so that the chance of ever crossing under no effect is α.
The crossing probabilities are computed exactly by numerical integration of the
running sum (Armitage, McPherson and Rowe's recursion), so the numbers are
deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint


def wilson(
    successes: Sequence[float] | np.ndarray,
    trials: Sequence[float] | np.ndarray,
    alpha: float = 0.05,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (low, high) for each successes / trials (NaN where trials is 0)."""
    s = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    lo = np.full(s.shape, np.nan)
    hi = np.full(s.shape, np.nan)
    ok = n > 0
    if ok.any():
        lo[ok], hi[ok] = proportion_confint(s[ok], n[ok], alpha=alpha, method="wilson")
    return lo, hi


def rate_table(frame: pd.DataFrame, by: str, success: str, alpha: float = 0.05) -> pd.DataFrame:
    """Per value of `by`: trials, successes, rate and its Wilson interval."""
    g = frame.groupby(by)[success].agg(trials="size", successes="sum").reset_index()
    g["rate"] = g["successes"] / g["trials"]
    g["low"], g["high"] = wilson(g["successes"].to_numpy(), g["trials"].to_numpy(), alpha)
    return g


def _simpson(bound: float, points: int) -> tuple[np.ndarray, np.ndarray]:
    """Grid on [-bound, bound] and its Simpson weights (points odd)."""
    x = np.linspace(-bound, bound, points)
    h = x[1] - x[0]
    w = np.full(points, 2.0)
    w[1:-1:2] = 4.0
    w[0] = w[-1] = 1.0
    return x, w * h / 3


def crossing_probability(z_bounds: Sequence[float], points: int = 801) -> float:
    """P(|Z_k| ≥ z_bounds[k] at some look k) under no effect, looks equally spaced in information.

    The running sum S_k = √k·Z_k has independent N(0, 1) steps; the density of S_k
    among paths that have not yet crossed is carried from look to look on a grid that
    spans exactly the continuation interval, integrated with Simpson's rule.
    """
    points += 1 - points % 2
    x, w = _simpson(z_bounds[0], points)
    f = norm.pdf(x)
    for k in range(1, len(z_bounds)):
        y, wy = _simpson(z_bounds[k] * np.sqrt(k + 1), points)
        f = norm.pdf(y[:, None] - x[None, :]) @ (f * w)
        x, w = y, wy
    return 1.0 - float((f * w).sum())


def obrien_fleming(looks: int, alpha: float = 0.05) -> pd.DataFrame:
    """O'Brien–Fleming z boundaries for `looks` equally spaced looks at two-sided level α.

    Columns: look, information fraction, z boundary, nominal two-sided p at that look.
    """
    if looks == 1:
        c = float(norm.isf(alpha / 2))
    else:
        c = brentq(
            lambda c: (
                crossing_probability([c * np.sqrt(looks / k) for k in range(1, looks + 1)]) - alpha
            ),
            1.5,
            4.0,
            xtol=1e-6,
        )
    ks = np.arange(1, looks + 1)
    z = c * np.sqrt(looks / ks)
    return pd.DataFrame(
        {"look": ks, "information": ks / looks, "z": z, "p_nominal": 2 * norm.sf(z)}
    )


def naive_error_rate(looks: int, alpha: float = 0.05) -> float:
    """False-positive rate of stopping at the first nominal-α result over `looks` looks."""
    return crossing_probability([float(norm.isf(alpha / 2))] * looks)


def progress(actual: pd.DataFrame, targets: pd.DataFrame, key: str) -> pd.DataFrame:
    """Targets joined with actuals by `key`: actual, completion (actual / target) and rank."""
    out = targets.merge(actual, on=key, how="left")
    out["actual"] = out["actual"].fillna(0.0)
    out["completion"] = np.where(out["target"] > 0, out["actual"] / out["target"], np.nan)
    out["rank"] = out["completion"].rank(ascending=False, method="min").astype("Int64")
    return out.sort_values(["rank", key]).reset_index(drop=True)
