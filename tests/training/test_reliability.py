"""Reliability against hand-computed values: the staircase matrix and a published example."""

import math

import pandas as pd
import pytest

from branch_consult.training.reliability import (
    feldt_interval,
    kr20,
    length_factor,
    reliability,
    spearman_brown,
)


def staircase() -> pd.DataFrame:
    """6 people, 5 items; person i has the first 5-i items right (totals 5, 4, 3, 2, 1, 0)."""
    return pd.DataFrame(
        [[1.0 if j < 5 - i else 0.0 for j in range(5)] for i in range(6)],
        index=[f"P{i}" for i in range(6)],
        columns=[f"Q{j + 1}" for j in range(5)],
    )


# Wuensch, K. L., "The Kuder-Richardson 20", East Carolina University StatHelp
# (core.ecu.edu/wuenschk/StatHelp/KR20.txt): ten students, ten items; p per item
# .7 .7 .6 .7 .6 .8 .7 .7 .5 .6, Σpq = 2.18, variance of totals 5.84 (divide by N).
WUENSCH = """
A 1 1 1 1 1 1 0 1 1 0
B 1 0 1 1 0 1 1 1 0 1
C 1 1 1 1 0 1 1 0 0 1
D 0 0 1 0 0 0 1 0 0 0
E 0 0 0 0 0 1 0 0 1 0
F 1 1 1 0 1 1 1 1 1 1
G 1 1 0 1 1 1 0 1 1 1
H 1 1 1 1 1 1 1 1 0 1
I 0 1 0 1 1 1 1 1 0 1
J 1 1 0 1 1 0 1 1 1 0
"""


def wuensch() -> pd.DataFrame:
    rows = [line.split() for line in WUENSCH.strip().splitlines()]
    return pd.DataFrame(
        [[float(v) for v in r[1:]] for r in rows],
        index=[r[0] for r in rows],
        columns=[f"Q{j + 1}" for j in range(10)],
    )


def test_staircase_kr20_uses_population_variance():
    m = staircase()
    assert m.sum(axis=1).tolist() == [5, 4, 3, 2, 1, 0]
    # Σpq = (5+8+9+8+5)/36 = 35/36; σ² = 17.5/6; KR-20 = 5/4 · (1 − (35/36)/(35/12)) = 5/6
    assert kr20(m) == pytest.approx(5 / 6, abs=1e-12)
    assert round(kr20(m), 4) == 0.8333
    # the trap: the sample variance (÷5, 3.5) gives 0.9028 instead
    sample = 5 / 4 * (1 - (35 / 36) / 3.5)
    assert round(sample, 4) == 0.9028 and kr20(m) != pytest.approx(sample)


def test_staircase_sem_feldt_spearman_brown():
    r = reliability(staircase())
    sd = math.sqrt(17.5 / 6)  # population SD of the totals
    assert r.sd_points == pytest.approx(sd)
    assert r.sem_points == pytest.approx(sd * math.sqrt(1 / 6))  # 0.6972
    assert round(r.sem_points, 4) == 0.6972
    assert r.sem_percent == pytest.approx(r.sem_points / 5 * 100)
    # doubling: 2·(5/6) / (1 + 5/6) = 10/11
    assert r.doubled == pytest.approx(10 / 11)
    # Feldt, df (5, 20): F(.975) = 3.2891 and F(.025) = 1/6.3285 from F tables
    assert r.ci_low == pytest.approx(1 - (1 / 6) * 3.2891, abs=2e-4)
    assert r.ci_high == pytest.approx(1 - (1 / 6) / 6.3285, abs=2e-4)
    assert r.items_for_target is None  # 0.83 already meets 0.80


def test_wuensch_published_example():
    m = wuensch()
    assert m.mean().round(1).tolist() == [0.7, 0.7, 0.6, 0.7, 0.6, 0.8, 0.7, 0.7, 0.5, 0.6]
    assert (m.mean() * (1 - m.mean())).sum() == pytest.approx(2.18)
    assert m.sum(axis=1).var(ddof=0) == pytest.approx(5.84)
    # 10/9 · (1 − 2.18/5.84) = 0.6963
    assert kr20(m) == pytest.approx(10 / 9 * (1 - 2.18 / 5.84))
    assert round(kr20(m), 4) == 0.6963
    r = reliability(m)
    # items for 0.80: 10 · 0.8·(1−0.6963)/(0.6963·0.2) = 17.45 → 18 items
    assert r.items_for_target == 18


def test_spearman_brown_and_length_factor_are_inverse():
    assert spearman_brown(0.5, 3) == pytest.approx(0.75)
    assert length_factor(0.5, 0.75) == pytest.approx(3)


def test_degenerate_cases_are_nan_not_errors():
    flat = pd.DataFrame([[1.0, 1.0], [1.0, 1.0]])
    assert math.isnan(kr20(flat))
    assert all(math.isnan(v) for v in feldt_interval(math.nan, 10, 5))
