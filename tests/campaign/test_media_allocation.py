"""Media funnel arithmetic, the optimal allocation (checked by brute force) and the tornado."""

from __future__ import annotations

import itertools

import pytest

from branch_consult.analysis.campaign.allocation import allocate, expected_conversions
from branch_consult.analysis.campaign.media import funnel, media_plan, tornado, unit_prices
from branch_consult.campaign_plan import Channel, CtrMultiplier, Text

T = Text(zh="x", en="x")


def ch(**kw) -> Channel:
    base = dict(
        id="c", label=T, billing="CPM", price=20.0, budget=10_000.0, ctr=0.01, conversion=0.05
    )
    base.update(kw)
    return Channel(**base)


def test_cpm_funnel_by_hand():
    # CPM 20, CTR 1%: CPC = 20 / (1000 x 0.01) = 2; CPA = 2 / 0.05 = 40
    c = ch()
    assert unit_prices(c) == pytest.approx((20.0, 2.0, 40.0))
    f = funnel(c)
    # 10,000 yuan: 500,000 impressions, 5,000 clicks, 250 conversions
    assert (f.impressions, f.clicks, f.conversions, f.cpa) == pytest.approx(
        (500_000, 5_000, 250, 40)
    )


def test_cpc_and_cpa_billing_by_hand():
    c = ch(billing="CPC", price=3.0, ctr=0.02, conversion=0.1)
    assert unit_prices(c) == pytest.approx((60.0, 3.0, 30.0))  # CPM = 3 x 1000 x 0.02
    f = funnel(c, 3_000)
    assert (f.clicks, f.impressions, f.conversions) == pytest.approx((1_000, 50_000, 100))
    a = ch(billing="CPA", price=150.0, conversion=0.2, ctr=0.05)
    assert unit_prices(a) == pytest.approx((1500.0, 30.0, 150.0))  # CPC = 150 x 0.2
    assert funnel(a, 4_500).conversions == pytest.approx(30)


def test_plus_percent_multiplier_is_base_plus():
    native = ch(ctr=0.005, ctr_multiplier=CtrMultiplier(form="plus_percent", value=220))
    # CTR 0.5% x 3.2 = 1.6%: CPC = 20 / 16 = 1.25
    assert unit_prices(native)[1] == pytest.approx(1.25)
    times = ch(ctr=0.005, ctr_multiplier=CtrMultiplier(form="times", value=2))
    assert unit_prices(times)[1] == pytest.approx(2.0)


def test_saturation_curve_by_hand():
    c = ch(saturation=10_000.0)
    # r = 1/40; conversions = r S (1 - e^-1) = 250 x 0.6321
    assert funnel(c).conversions == pytest.approx(250 * (1 - 2.718281828459045**-1))


def test_media_plan_total_row():
    plan = media_plan([ch(id="a"), ch(id="b", price=40.0)])
    total = plan.set_index("channel").loc["_total"]
    assert total["budget"] == 20_000
    assert total["conversions"] == pytest.approx(250 + 125)
    assert total["cpa"] == pytest.approx(20_000 / 375)


def test_allocation_matches_brute_force():
    chans = [
        ch(id="a", price=20.0, saturation=3_000.0, min_budget=1_000.0, max_budget=8_000.0),
        ch(id="b", price=30.0, ctr=0.015, saturation=6_000.0, max_budget=9_000.0),
        ch(id="c", billing="CPC", price=2.5, ctr=0.02, conversion=0.04, max_budget=5_000.0),
    ]
    total, step = 12_000.0, 500.0
    best = allocate(chans, total, step=step)
    grid = [x * step for x in range(int(total / step) + 1)]
    brute = max(
        expected_conversions(chans, dict(zip("abc", combo, strict=True)))
        for combo in itertools.product(grid, repeat=3)
        if sum(combo) == total
        and combo[0] >= 1_000
        and combo[0] <= 8_000
        and combo[1] <= 9_000
        and combo[2] <= 5_000
    )
    assert sum(best.values()) == pytest.approx(total)
    assert expected_conversions(chans, best) == pytest.approx(brute, rel=1e-9)


def test_allocation_respects_caps_and_minimums():
    chans = [
        ch(id="cheap", price=10.0, max_budget=3_000.0),
        ch(id="dear", price=40.0, min_budget=2_000.0),
    ]
    best = allocate(chans, 10_000.0, step=100.0)
    assert best == pytest.approx({"cheap": 3_000.0, "dear": 7_000.0})
    with pytest.raises(ValueError, match="below the channels' minimums"):
        allocate(chans, 1_000.0)


def test_tornado_moves_each_assumption():
    chans = [ch(id="a"), ch(id="b", billing="CPC", price=2.0, ctr=0.02, conversion=0.05)]
    t = tornado(chans, 0.2).set_index(["channel", "assumption"])
    # channel a: price +20% -> 250/1.2 conversions; the other channel's 250 unchanged
    assert t.loc[("a", "price"), "conversions_high"] == pytest.approx(250 / 1.2 + 250)
    assert t.loc[("a", "conversion"), "conversions_low"] == pytest.approx(250 * 0.8 + 250)
    # budget +20% on a: 300 + 250 conversions for 22,000 yuan
    assert t.loc[("a", "budget"), "cpa_high"] == pytest.approx(22_000 / 550)
    assert t["range"].is_monotonic_decreasing
