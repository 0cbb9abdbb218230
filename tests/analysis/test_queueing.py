"""Erlang C against closed forms, the direct-sum formula and an independent Poisson form."""

from __future__ import annotations

import math

import pytest
from scipy.stats import poisson

from branch_consult.analysis.queueing import (
    erlang_b,
    erlang_c,
    expected_wait,
    probability_of_waiting,
    queue_metrics,
    servers_needed,
    service_level,
)


def direct_erlang_c(c: int, a: float) -> float:
    """Textbook sum formula, fine for small c."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_single_server_is_mm1():
    # M/M/1, λ=10/h, μ=12/h: P(wait) = ρ = 5/6, Wq = ρ/(μ-λ) = 5/12 h = 25 min
    assert probability_of_waiting(1, 10, 12) == pytest.approx(5 / 6)
    assert expected_wait(1, 10, 12) * 60 == pytest.approx(25.0)
    # P(wait ≤ 6 min) = 1 - ρ·e^{-(μ-λ)t} = 1 - (5/6)e^{-0.2}
    assert service_level(1, 10, 12, 0.1) == pytest.approx(1 - 5 / 6 * math.exp(-0.2))


def test_two_servers_closed_form():
    # M/M/2 with ρ = λ/(2μ) = 0.5: C = 2ρ²/(1+ρ) = 1/3, Wq = C/(2μ-λ) = 1/3
    m = queue_metrics(2, 1.0, 1.0, target_wait=1.0)
    assert m.feasible
    assert m.offered_load == 1.0 and m.utilisation == 0.5
    assert m.p_wait == pytest.approx(1 / 3)
    assert m.expected_wait == pytest.approx(1 / 3)
    assert m.service_level == pytest.approx(1 - math.exp(-1) / 3)


def test_hand_computed_three_counters():
    # a = 2.5, c = 3: sum_{k<3} a^k/k! = 6.625; a^3/3! · 3/0.5 = 15.625 → C = 15.625/22.25
    assert erlang_c(3, 2.5) == pytest.approx(125 / 178)
    assert erlang_b(1, 2.0) == pytest.approx(2 / 3)  # a/(1+a)


@pytest.mark.parametrize(
    "c,a", [(1, 0.3), (2, 1.7), (3, 2.5), (4, 2.5), (5, 4.9), (8, 6.0), (12, 3.0)]
)
def test_matches_direct_sum(c, a):
    assert erlang_c(c, a) == pytest.approx(direct_erlang_c(c, a), rel=1e-12)


def test_stable_for_large_loads():
    # a = 400 Erlangs on 420 servers: factorials overflow; compare with scipy's Poisson form
    c, a = 420, 400.0
    pmf, cdf_below = poisson.pmf(c, a), poisson.cdf(c - 1, a)
    expected = pmf * c / (c - a) / (cdf_below + pmf * c / (c - a))
    assert erlang_b(c, a) == pytest.approx(pmf / poisson.cdf(c, a), rel=1e-9)
    assert erlang_c(c, a) == pytest.approx(expected, rel=1e-9)
    assert 0 < erlang_c(c, a) < 1


def test_infeasible_reported_cleanly():
    m = queue_metrics(2, 10, 4, target_wait=0.1)  # λ = 10 ≥ cμ = 8
    assert not m.feasible
    assert m.p_wait == 1.0 and m.expected_wait == math.inf and m.service_level == 0.0
    assert m.utilisation == pytest.approx(1.25)
    assert queue_metrics(2, 8, 4).feasible is False  # λ = cμ exactly is not stable either
    assert queue_metrics(0, 1, 4).feasible is False


def test_no_arrivals():
    m = queue_metrics(1, 0.0, 4, target_wait=0.0)
    assert m.feasible and m.p_wait == 0.0 and m.expected_wait == 0.0 and m.service_level == 1.0
    assert servers_needed(0.0, 4, 1 / 6, 0.8) == 0


def test_servers_needed_smallest_reaching_level():
    # λ=10/h, 15-min service (μ=4/h), 80 % within 10 min:
    # c=3: 1 - (125/178)e^{-2/6} = 0.497; c=4: 1 - 0.31986·e^{-1} = 0.882 → 4
    assert service_level(3, 10, 4, 1 / 6) == pytest.approx(1 - 125 / 178 * math.exp(-1 / 3))
    assert service_level(4, 10, 4, 1 / 6) == pytest.approx(0.8823312944)
    assert servers_needed(10, 4, 1 / 6, 0.8) == 4
    assert servers_needed(10, 4, 1 / 6, 0.9) == 5  # c=5 gives 0.975
    assert servers_needed(10, 4, 1 / 6, 0.0) == 3  # the smallest stable count


def test_servers_needed_beyond_range_is_none():
    assert servers_needed(100, 1, 0.1, 0.8, max_servers=50) is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: queue_metrics(-1, 1, 1),
        lambda: queue_metrics(1.5, 1, 1),
        lambda: queue_metrics(1, -1, 1),
        lambda: queue_metrics(1, 1, 0),
        lambda: queue_metrics(1, float("nan"), 1),
        lambda: servers_needed(1, 1, 0.1, 1.5),
        lambda: servers_needed(1, 1, -0.1, 0.8),
    ],
)
def test_bad_inputs_raise(call):
    with pytest.raises(ValueError):
        call()
