"""Paid-channel funnel: a budget turned into impressions, clicks, leads and conversions.

The trade's identities hold for every billing model: CPC = CPM ÷ (1000 × CTR) and
CPA = CPC ÷ conversion rate (conversions per click). A format's CTR multiplier is
applied as the plan states it ("2×" or "+220%" = 3.2×). Where a plan gives a
saturation scale S, conversions follow r·S·(1 − e^(−B/S)): the first yuan buys at
the linear rate r, later yuan less, which is what an allocation must respect.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from branch_consult.campaign_plan import Channel


@dataclass(frozen=True)
class Funnel:
    """One channel's expected results at one budget."""

    channel: str
    billing: str
    budget: float
    ctr: float  # effective CTR (base × format multiplier)
    impressions: float
    clicks: float
    leads: float
    conversions: float
    cpm: float
    cpc: float
    cpa: float


def effective_ctr(ch: Channel) -> float:
    """The average CTR times the format's multiplier (1 when the plan gives none)."""
    return ch.ctr * (ch.ctr_multiplier.factor() if ch.ctr_multiplier else 1.0)


def unit_prices(ch: Channel) -> tuple[float, float, float]:
    """(CPM, CPC, CPA) implied by the channel's billing price, CTR and conversion rate."""
    ctr = effective_ctr(ch)
    if ch.billing == "CPM":
        cpm = ch.price
        cpc = cpm / (1000 * ctr)
        cpa = cpc / ch.conversion
    elif ch.billing == "CPC":
        cpc = ch.price
        cpm = cpc * 1000 * ctr
        cpa = cpc / ch.conversion
    else:
        cpa = ch.price
        cpc = cpa * ch.conversion
        cpm = cpc * 1000 * ctr
    return cpm, cpc, cpa


def conversions_at(ch: Channel, budget: float) -> float:
    """Expected conversions for `budget`: linear at 1/CPA, or saturating when the plan gives S."""
    _, _, cpa = unit_prices(ch)
    rate = 1.0 / cpa
    if ch.saturation is None or budget <= 0:
        return max(budget, 0.0) * rate
    return rate * ch.saturation * (1.0 - math.exp(-budget / ch.saturation))


def funnel(ch: Channel, budget: float | None = None) -> Funnel:
    """The channel's funnel at `budget` (default its planned budget); leads = clicks × lead rate."""
    b = ch.budget if budget is None else budget
    cpm, cpc, _ = unit_prices(ch)
    conv = conversions_at(ch, b)
    # saturation lowers results at every stage alike: work back from conversions
    clicks = conv / ch.conversion
    impressions = clicks / effective_ctr(ch)
    return Funnel(
        channel=ch.id,
        billing=ch.billing,
        budget=b,
        ctr=effective_ctr(ch),
        impressions=impressions,
        clicks=clicks,
        leads=clicks * ch.lead_rate,
        conversions=conv,
        cpm=b / impressions * 1000 if impressions else cpm,
        cpc=b / clicks if clicks else cpc,
        cpa=b / conv if conv else math.inf,
    )


def media_plan(
    channels: Sequence[Channel], budgets: Mapping[str, float] | None = None
) -> pd.DataFrame:
    """One row per channel plus a total row (`channel` = "_total"): funnel at the given budgets."""
    rows = [funnel(c, (budgets or {}).get(c.id)).__dict__ for c in channels]
    frame = pd.DataFrame(rows)
    if len(frame):
        tot = frame[["budget", "impressions", "clicks", "leads", "conversions"]].sum()
        frame.loc[len(frame)] = {
            "channel": "_total",
            "billing": "",
            "budget": tot["budget"],
            "impressions": tot["impressions"],
            "clicks": tot["clicks"],
            "leads": tot["leads"],
            "conversions": tot["conversions"],
            "ctr": tot["clicks"] / tot["impressions"] if tot["impressions"] else math.nan,
            "cpm": tot["budget"] / tot["impressions"] * 1000 if tot["impressions"] else math.nan,
            "cpc": tot["budget"] / tot["clicks"] if tot["clicks"] else math.nan,
            "cpa": tot["budget"] / tot["conversions"] if tot["conversions"] else math.nan,
        }
    return frame


# ------------------------------------------------------------------ sensitivity

#: channel assumptions the tornado moves, and how
ASSUMPTIONS = ("price", "ctr", "ctr_multiplier", "conversion", "budget")


def _moved(ch: Channel, assumption: str, factor: float) -> Channel:
    if assumption == "ctr_multiplier":
        if ch.ctr_multiplier is None:
            return ch
        m = ch.ctr_multiplier.factor() * factor
        value = m if ch.ctr_multiplier.form == "times" else (m - 1) * 100
        return replace_model(
            ch, ctr_multiplier=ch.ctr_multiplier.model_copy(update={"value": value})
        )
    if assumption in ("ctr", "conversion"):
        return replace_model(ch, **{assumption: min(getattr(ch, assumption) * factor, 1.0)})
    return replace_model(ch, **{assumption: getattr(ch, assumption) * factor})


def replace_model(ch: Channel, **update: object) -> Channel:
    """A copy of a (frozen) channel with some fields changed."""
    return ch.model_copy(update=update)


def _totals(
    channels: Sequence[Channel], solve: Callable[[Sequence[Channel]], Mapping[str, float]] | None
) -> tuple[float, float]:
    budgets = solve(channels) if solve else {c.id: c.budget for c in channels}
    conv = sum(conversions_at(c, budgets[c.id]) for c in channels)
    spend = sum(budgets.values())
    return conv, (spend / conv if conv else math.inf)


def tornado(channels: Sequence[Channel], swing: float = 0.2) -> pd.DataFrame:
    """Conversions and CPA when each assumption of each channel moves by ±`swing` (others held).

    Rows are sorted by the conversions range, widest first, as a tornado chart draws them.
    """
    base_conv, base_cpa = _totals(channels, None)
    rows = []
    for i, ch in enumerate(channels):
        for a in ASSUMPTIONS:
            if a == "ctr_multiplier" and ch.ctr_multiplier is None:
                continue
            out = {}
            for side, f in (("low", 1 - swing), ("high", 1 + swing)):
                moved = list(channels)
                moved[i] = _moved(ch, a, f)
                out[f"conversions_{side}"], out[f"cpa_{side}"] = _totals(moved, None)
            rows.append(
                {
                    "channel": ch.id,
                    "assumption": a,
                    "base_conversions": base_conv,
                    "base_cpa": base_cpa,
                    **out,
                    "range": abs(out["conversions_high"] - out["conversions_low"]),
                }
            )
    frame = pd.DataFrame(rows)
    return (
        frame.sort_values("range", ascending=False, kind="stable").reset_index(drop=True)
        if len(frame)
        else frame
    )
