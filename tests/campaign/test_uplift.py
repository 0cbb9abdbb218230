"""Uplift: Newcombe interval on a published case, seeded bootstrap, and the planted campaigns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from branch_consult.analysis.campaign.uplift import (
    amount_uplift,
    campaign_uplift,
    contamination,
    rate_uplift,
)
from branch_consult.data import open_dataset


def test_newcombe_published_case():
    # Newcombe (1998) example: 56/70 vs 48/80, difference 0.2000, hybrid score interval 0.0524 to 0.3339
    u = rate_uplift(np.r_[np.ones(56), np.zeros(14)], np.r_[np.ones(48), np.zeros(32)], "converted")
    assert u.difference == pytest.approx(0.2)
    assert (u.low, u.high) == pytest.approx((0.0524, 0.3339), abs=1e-4)
    assert u.verdict == "uplift" and u.incremental == pytest.approx(14.0)


def test_bootstrap_is_seeded_and_centred():
    rng = np.random.default_rng(1)
    t = np.where(rng.random(400) < 0.2, 1000.0, 0.0)
    c = np.where(rng.random(300) < 0.1, 1000.0, 0.0)
    a = amount_uplift(t, c, draws=1000, seed=5)
    b = amount_uplift(t, c, draws=1000, seed=5)
    assert (a.low, a.high) == (b.low, b.high)
    assert a.difference == pytest.approx(t.mean() - c.mean())
    assert a.low < a.difference < a.high
    # the interval's width matches the normal approximation's 2 x 1.96 x SE within 10%
    se = np.sqrt(t.var() / len(t) + c.var() / len(c))
    assert (a.high - a.low) == pytest.approx(2 * 1.96 * se, rel=0.10)


def test_contamination_counts_contacted_controls():
    rows = pd.DataFrame(
        {"group": ["treatment", "control", "control"], "contacted": [True, True, False]}
    )
    assert contamination(rows) == (1, 2)


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    return open_dataset(None).table("campaign_results")


def test_cmp2601_true_uplift_inside_interval(results):
    # planted: 12% of the treatment group convert against 4% of the control -> true uplift 0.08
    ups = {
        u.measure: u for u in campaign_uplift(results[results["campaign_id"] == "CMP2601"], seed=1)
    }
    conv = ups["converted"]
    assert conv.low <= 0.08 <= conv.high
    assert conv.verdict == "uplift"


def test_cmp2607_not_called_a_success(results):
    ups = {
        u.measure: u for u in campaign_uplift(results[results["campaign_id"] == "CMP2607"], seed=1)
    }
    assert ups["converted"].verdict != "uplift"
    assert ups["converted"].low <= 0.0 <= ups["converted"].high
    assert ups["amount"].verdict != "uplift"


def test_sample_control_groups_are_clean(results):
    for cid in ("CMP2601", "CMP2607"):
        assert contamination(results[results["campaign_id"] == cid])[0] == 0
