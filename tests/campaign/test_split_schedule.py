"""Target split (largest remainder, exact sums) and weekly milestones, on hand-computed cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from branch_consult.analysis.campaign.schedule import weekly_milestones
from branch_consult.analysis.campaign.split import largest_remainder, shares, split_goal
from branch_consult.campaign_plan import Phase


def test_largest_remainder_hand_case():
    # 10 split 1:1:1 -> quotas 3.33 each; floors 3,3,3; the one left goes to the first (ties: earlier)
    assert largest_remainder(10, [1, 1, 1]).tolist() == [4, 3, 3]
    # quotas 4.2, 3.5, 2.3 -> floors 4,3,2 (9); one left to the largest remainder 0.5 (second)
    assert largest_remainder(10, [4.2, 3.5, 2.3]).tolist() == [4, 4, 2]


def test_largest_remainder_in_units_sums_exactly():
    out = largest_remainder(1_000_000, [1, 1, 1], unit=10_000)
    assert out.tolist() == [340_000, 330_000, 330_000]
    rng = np.random.default_rng(3)
    for _ in range(50):
        w = rng.random(rng.integers(1, 40))
        assert largest_remainder(7_770_000, w, 10_000).sum() == 7_770_000


def test_largest_remainder_refuses_total_off_unit():
    with pytest.raises(ValueError, match="not a multiple"):
        largest_remainder(15, [1, 2], unit=10)


def test_shares_mix_potential_and_history():
    # potential shares 0.25/0.75, history 0.5/0.5, weights 0.6/0.4 -> 0.35 / 0.65
    s = shares([1, 3], [10, 10], 0.6, 0.4)
    assert s.tolist() == pytest.approx([0.35, 0.65])
    # no history at all: potential takes the whole weight
    assert shares([1, 3], [0, 0], 0.6, 0.4).tolist() == pytest.approx([0.25, 0.75])


def test_split_goal_rounds_to_unit():
    out = split_goal(100, ["a", "b"], [1, 3], [10, 10], 0.6, 0.4, unit=10)
    assert out["target"].tolist() == [40, 60]  # quotas 3.5 / 6.5 units: tie goes to the first


def test_weekly_milestones_end_at_goal():
    phases = [
        Phase(kind="warm_up", start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 10), share=0.2),
        Phase(kind="push", start=dt.date(2027, 1, 11), end=dt.date(2027, 1, 24), share=0.8),
    ]
    ms = weekly_milestones(phases, 100)
    # week 1: the warm-up's 20; weeks 2 and 3: 40 each
    assert ms["target"].tolist() == [20, 40, 40]
    assert ms["cumulative"].tolist() == [20, 60, 100]
    assert ms["phase"].tolist() == ["warm_up", "push", "push"]
