"""Budget across channels for the most expected conversions, under caps and diminishing returns.

Each channel's conversions are concave in its budget (linear, or saturating), so the
greedy rule "give the next slice of budget to the channel whose next slice buys the
most conversions" is optimal on the grid of slices: after the minimums, slices go
out one by one to the best marginal return until the budget or every cap is used.
Tests check it against brute force on a small case.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from branch_consult.analysis.campaign.media import conversions_at
from branch_consult.campaign_plan import Channel


def allocate(
    channels: Sequence[Channel], total: float, step: float | None = None
) -> dict[str, float]:
    """Budget per channel id: minimums first, then `step` slices to the best marginal conversions.

    Raises ValueError when `total` cannot cover the channels' minimums. Caps are the
    channels' `max_budget` (none: unbounded). Budget that no channel can take stays
    unallocated (the sum is then below `total`).
    """
    floors = {c.id: c.min_budget for c in channels}
    if sum(floors.values()) > total + 1e-9:
        raise ValueError(
            f"total budget {total:,.0f} is below the channels' minimums ({sum(floors.values()):,.0f})"
        )
    step = step or max(total / 2000, 1.0)
    alloc = dict(floors)
    left = total - sum(floors.values())
    caps = {c.id: (c.max_budget if c.max_budget is not None else float("inf")) for c in channels}
    by_id = {c.id: c for c in channels}

    def gain(cid: str) -> tuple[float, float]:
        room = min(step, caps[cid] - alloc[cid], left)
        if room <= 1e-9:
            return 0.0, 0.0
        c = by_id[cid]
        return conversions_at(c, alloc[cid] + room) - conversions_at(c, alloc[cid]), room

    heap = [(-gain(c.id)[0] / step, i, c.id) for i, c in enumerate(channels)]
    heapq.heapify(heap)
    while left > 1e-9 and heap:
        _, i, cid = heapq.heappop(heap)
        g, room = gain(cid)
        if room <= 1e-9:
            continue
        alloc[cid] += room
        left -= room
        g2, room2 = gain(cid)
        if room2 > 1e-9:
            heapq.heappush(heap, (-g2 / room2, i, cid))
    return alloc


def expected_conversions(channels: Sequence[Channel], budgets: dict[str, float]) -> float:
    """Total expected conversions of an allocation."""
    return sum(conversions_at(c, budgets.get(c.id, 0.0)) for c in channels)
