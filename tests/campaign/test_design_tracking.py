"""Sample size (against R's power.prop.test and pwr), MDE, Wilson/Newcombe intervals, sequential boundaries."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from branch_consult.analysis.campaign.design import minimum_detectable_effect, power_at, sample_size
from branch_consult.analysis.campaign.tracking import (
    crossing_probability,
    naive_error_rate,
    obrien_fleming,
    progress,
    wilson,
)


def _closed_form(p1: float, p2: float, alpha: float, power: float) -> float:
    """power.prop.test's equation solved for n: (z_a·√(2 p̄ q̄) + z_b·√(p1q1 + p2q2))² / (p1 − p2)²."""
    pbar = (p1 + p2) / 2
    za, zb = norm.isf(alpha / 2), norm.isf(1 - power)
    return (
        za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / (p1 - p2) ** 2


def test_pooled_z_matches_r_power_prop_test():
    # R documentation examples: power.prop.test(p1 = .50, p2 = .75, power = .90) => n = 76.7
    s = sample_size(0.75, 0.5, power=0.9)
    assert s.n_treatment == pytest.approx(76.7066, abs=1e-3)
    assert s.n_treatment_needed == 77 and s.n_control == s.n_treatment
    # power.prop.test(n = 50, p1 = .50, p2 = .75) => power = 0.740
    assert power_at(0.75, 0.5, 50) == pytest.approx(0.7401659, abs=1e-6)


@pytest.mark.parametrize(
    "p1,p2,alpha,power", [(0.12, 0.04, 0.05, 0.8), (0.07, 0.04, 0.05, 0.8), (0.3, 0.2, 0.01, 0.9)]
)
def test_pooled_z_equals_the_closed_form(p1, p2, alpha, power):
    # (0.12, 0.04, .05, .8): (1.95996·√(2·.08·.92) + 0.84162·√(.1056 + .0384))² / .0064
    #   = (0.75198 + 0.31937)² / .0064 = 179.34
    n = sample_size(p1, p2, alpha=alpha, power=power).n_treatment
    assert n == pytest.approx(_closed_form(p1, p2, alpha, power), rel=1e-6)
    if (p1, p2) == (0.12, 0.04):
        assert n == pytest.approx(179.34, abs=0.01)


def test_cohen_h_matches_pwr():
    # pwr.2p.test(h = ES.h(.75, .5), power = .9): h = 0.5236, n = 2·(1.95996 + 1.28155)² / h² = 76.65
    s = sample_size(0.75, 0.5, power=0.9, method="cohen_h")
    assert s.n_treatment == pytest.approx(76.653, abs=1e-3)


def test_continuity_correction_fleiss():
    # n' = n/4 · (1 + √(1 + 4 / (n·|d|)))² with n = 76.7066, d = .25 -> 84.52
    s = sample_size(0.75, 0.5, power=0.9, continuity=True)
    n = 76.70693
    assert s.n_treatment == pytest.approx(
        n / 4 * (1 + math.sqrt(1 + 4 / (n * 0.25))) ** 2, rel=1e-5
    )
    assert s.n_treatment == pytest.approx(84.52, abs=0.01)


def test_unequal_ratio():
    # 60/40 (ratio 1.5): control arm is two thirds of treatment; total above the 1:1 total
    s = sample_size(0.07, 0.04, ratio=1.5)
    assert s.n_control == pytest.approx(s.n_treatment / 1.5)
    equal = sample_size(0.07, 0.04)
    assert s.n_treatment + s.n_control > 2 * equal.n_treatment
    # power at the computed size is the requested power
    assert power_at(0.07, 0.04, s.n_treatment, ratio=1.5) == pytest.approx(0.8, abs=1e-6)


def test_mde_inverts_sample_size():
    mde = minimum_detectable_effect(0.04, 2_000, ratio=1.5)
    s = sample_size(0.04 + mde, 0.04, ratio=1.5)
    assert s.n_treatment + s.n_control == pytest.approx(2_000, rel=1e-5)
    assert 0.02 < mde < 0.04


def test_wilson_by_hand():
    # 3 of 10: centre (3 + 1.92)/(13.84) ..., Wilson (0.1078, 0.6032) as in Newcombe (1998) table I style cases
    lo, hi = wilson([3], [10])
    z = norm.isf(0.025)
    p, n = 0.3, 10
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (lo[0], hi[0]) == pytest.approx((centre - half, centre + half))
    assert (lo[0], hi[0]) == pytest.approx((0.1078, 0.6032), abs=1e-4)
    assert np.isnan(wilson([0], [0])[0][0])


def test_obrien_fleming_matches_published_constants():
    # Jennison & Turnbull (2000) table 2.3, two-sided alpha = .05: C_B = 1.977, 2.004, 2.024, 2.040 for K = 2..5
    for k, c in ((2, 1.977), (3, 2.004), (4, 2.024), (5, 2.040)):
        b = obrien_fleming(k)
        assert b["z"].iloc[-1] == pytest.approx(c, abs=1e-3)
        assert b["z"].iloc[0] == pytest.approx(b["z"].iloc[-1] * math.sqrt(k), rel=1e-9)
    assert obrien_fleming(1)["z"].iloc[0] == pytest.approx(1.959964, abs=1e-6)


def test_naive_repeated_looks_inflate_errors():
    # Armitage, McPherson & Rowe (1969): 2 looks -> .083, 5 looks -> .142 at nominal .05
    assert naive_error_rate(2) == pytest.approx(0.083, abs=1e-3)
    assert naive_error_rate(5) == pytest.approx(0.142, abs=1e-3)
    assert crossing_probability([norm.isf(0.025)]) == pytest.approx(0.05, abs=1e-6)


def test_progress_ranks_by_completion():
    import pandas as pd

    t = pd.DataFrame({"id": ["a", "b", "c"], "target": [100.0, 200.0, 50.0]})
    a = pd.DataFrame({"id": ["a", "b"], "actual": [120.0, 100.0]})
    out = progress(a, t, "id").set_index("id")
    assert out.loc["a", "completion"] == 1.2 and out.loc["b", "completion"] == 0.5
    assert out.loc["c", "actual"] == 0 and out["rank"].to_dict() == {"a": 1, "b": 2, "c": 3}
