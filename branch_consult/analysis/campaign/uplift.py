"""Review: what the campaign caused, measured as treatment against control.

Rates (response, conversion) are compared by the difference in proportions with
Newcombe's hybrid score interval (built from the two Wilson intervals; statsmodels'
`confint_proportions_2indep(method="newcomb")`). The amount is the mean per customer
(zeros included) compared by a percentile bootstrap with a fixed seed, so the review
reads the same every time it is run. A control group in which anyone was contacted is
contaminated: its customers were treated too, and the uplift is understated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

MEASURES = ("responded", "converted", "amount")


@dataclass(frozen=True)
class Uplift:
    measure: str
    n_treatment: int
    n_control: int
    treatment: float  # rate or mean amount per customer
    control: float
    difference: float
    low: float
    high: float
    incremental: float  # difference × treatment customers: what the campaign added
    verdict: str  # "uplift", "no_evidence" or "negative"


def _verdict(low: float, high: float) -> str:
    if low > 0:
        return "uplift"
    if high < 0:
        return "negative"
    return "no_evidence"


def rate_uplift(
    treated: np.ndarray, control: np.ndarray, measure: str, alpha: float = 0.05
) -> Uplift:
    """Difference of two proportions (treatment − control) with the Newcombe interval."""
    nt, nc = len(treated), len(control)
    st, sc = int(np.sum(treated)), int(np.sum(control))
    if nt == 0 or nc == 0:
        nan = float("nan")
        return Uplift(measure, nt, nc, nan, nan, nan, nan, nan, nan, "no_evidence")
    low, high = confint_proportions_2indep(
        st, nt, sc, nc, method="newcomb", compare="diff", alpha=alpha
    )
    diff = st / nt - sc / nc
    return Uplift(
        measure,
        nt,
        nc,
        st / nt,
        sc / nc,
        diff,
        float(low),
        float(high),
        diff * nt,
        _verdict(float(low), float(high)),
    )


def amount_uplift(
    treated: np.ndarray,
    control: np.ndarray,
    *,
    draws: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
) -> Uplift:
    """Difference in mean amount per customer with a seeded percentile bootstrap interval."""
    t = np.asarray(treated, dtype=float)
    c = np.asarray(control, dtype=float)
    if len(t) == 0 or len(c) == 0:
        nan = float("nan")
        return Uplift("amount", len(t), len(c), nan, nan, nan, nan, nan, nan, "no_evidence")
    rng = np.random.default_rng(seed)
    bt = _resampled_means(t, draws, rng)
    bc = _resampled_means(c, draws, rng)
    low, high = np.quantile(bt - bc, [alpha / 2, 1 - alpha / 2])
    diff = t.mean() - c.mean()
    return Uplift(
        "amount",
        len(t),
        len(c),
        float(t.mean()),
        float(c.mean()),
        float(diff),
        float(low),
        float(high),
        float(diff * len(t)),
        _verdict(float(low), float(high)),
    )


def _resampled_means(values: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Means of `draws` bootstrap resamples (with replacement, same size).

    Amounts are mostly zero (only converters have one), so each resample draws how many
    non-zero values it holds (binomial) and then which ones: the same distribution as
    resampling every customer, at a fraction of the cost on a large bank.
    """
    n = len(values)
    nonzero = values[values != 0]
    counts = rng.binomial(n, len(nonzero) / n, size=draws)
    if len(nonzero) == 0:
        return np.zeros(draws)
    return np.array([nonzero[rng.integers(0, len(nonzero), size=k)].sum() / n for k in counts])


def campaign_uplift(
    results: pd.DataFrame, *, draws: int = 2000, seed: int = 0, alpha: float = 0.05
) -> list[Uplift]:
    """Response, conversion and amount uplift for one campaign's rows (group, responded, converted, amount)."""
    t = results[results["group"] == "treatment"]
    c = results[results["group"] == "control"]
    return [
        rate_uplift(t["responded"].to_numpy(), c["responded"].to_numpy(), "responded", alpha),
        rate_uplift(t["converted"].to_numpy(), c["converted"].to_numpy(), "converted", alpha),
        amount_uplift(
            t["amount"].to_numpy(), c["amount"].to_numpy(), draws=draws, seed=seed, alpha=alpha
        ),
    ]


def uplift_frame(uplifts: list[Uplift]) -> pd.DataFrame:
    return pd.DataFrame([u.__dict__ for u in uplifts])


def contamination(results: pd.DataFrame) -> tuple[int, int]:
    """(control customers contacted, control customers): any contact makes the control contaminated."""
    c = results[results["group"] == "control"]
    return int(c["contacted"].sum()), len(c)
