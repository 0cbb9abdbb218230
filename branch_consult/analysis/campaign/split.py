"""Splitting a network goal down to branches and staff, so the parts add up exactly.

Each part's share is a weighted mix of potential (target-group AUM or customers) and
history (past actuals on the goal's metric). Amounts are rounded to the goal's unit
with the largest-remainder (Hamilton) method: floor every part, then hand the units
left over to the largest remainders, so the published targets sum to the goal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def largest_remainder(
    total: float, weights: Sequence[float] | np.ndarray, unit: float = 1.0
) -> np.ndarray:
    """`total` split in proportion to `weights` in multiples of `unit`, summing exactly to `total`.

    `total` must be a multiple of `unit`. Ties in the remainders go to the earlier part.
    Zero weights everywhere split equally.
    """
    w = np.asarray(weights, dtype=float)
    if len(w) == 0:
        return w
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and not negative")
    units = round(total / unit)
    if not np.isclose(units * unit, total):
        raise ValueError(f"total {total} is not a multiple of the unit {unit}")
    if w.sum() == 0:
        w = np.ones_like(w)
    quotas = units * w / w.sum()
    base = np.floor(quotas + 1e-9)
    left = int(units - base.sum())
    order = np.argsort(-(quotas - base), kind="stable")
    base[order[:left]] += 1
    rounded: np.ndarray = base * unit
    return rounded


def shares(
    potential: Sequence[float] | np.ndarray,
    history: Sequence[float] | np.ndarray,
    w_potential: float,
    w_history: float,
) -> np.ndarray:
    """Weighted mix of each part's share of potential and of history (weights normalised to 1).

    A side whose total is zero (no history yet) drops out and the other takes its weight.
    """
    p = np.asarray(potential, dtype=float)
    h = np.asarray(history, dtype=float)
    parts, weights = [], []
    if p.sum() > 0 and w_potential > 0:
        parts.append(p / p.sum())
        weights.append(w_potential)
    if h.sum() > 0 and w_history > 0:
        parts.append(h / h.sum())
        weights.append(w_history)
    if not parts:
        return np.full(len(p), 1.0 / len(p)) if len(p) else p
    mixed: np.ndarray = sum(w * s for w, s in zip(weights, parts, strict=True)) / sum(weights)
    return mixed


def split_goal(
    total: float,
    keys: Sequence[str],
    potential: Sequence[float] | np.ndarray,
    history: Sequence[float] | np.ndarray,
    w_potential: float,
    w_history: float,
    unit: float = 1.0,
) -> pd.DataFrame:
    """One row per key: potential, history, share and the rounded target (summing to `total`)."""
    s = shares(potential, history, w_potential, w_history)
    target = largest_remainder(total, s, unit)
    return pd.DataFrame(
        {
            "id": list(keys),
            "potential": np.asarray(potential, float),
            "history": np.asarray(history, float),
            "share": s,
            "target": target,
        }
    )


def round_goal(total: float, unit: float) -> float:
    """A goal as a whole number of units (the split cannot publish half a unit)."""
    return round(total / unit) * unit
