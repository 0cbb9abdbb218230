"""Option appraisal on a hand-computed table."""

from __future__ import annotations

import pytest

from branch_consult.analysis.campaign.options import appraise
from branch_consult.campaign_plan import OptionRow


def test_appraisal_by_hand():
    rows = [
        # lease then sell: 2 floors; sell now: one row
        OptionRow(
            option="lease",
            item="floor 1",
            quantity=100,
            value_before=10_000,
            value_after=12_000,
            cost=50_000,
        ),
        OptionRow(
            option="lease",
            item="floor 2",
            quantity=80,
            value_before=9_000,
            value_after=10_000,
            cost=0,
        ),
        OptionRow(
            option="sell",
            item="all",
            quantity=180,
            value_before=9_500,
            value_after=10_500,
            cost=10_000,
        ),
    ]
    a = appraise(rows)
    per = a.options.set_index("option")
    # lease: 100 x 2,000 + 80 x 1,000 = 280,000 less 50,000 = 230,000; sell: 180 x 1,000 - 10,000 = 170,000
    assert per.loc["lease", "increment"] == 280_000 and per.loc["lease", "net"] == 230_000
    assert per.loc["sell", "net"] == 170_000
    assert (a.preferred, a.runner_up, a.margin) == ("lease", "sell", pytest.approx(60_000))
    assert a.rows["increment"].tolist() == [200_000, 80_000, 180_000]


def test_any_number_of_options():
    rows = [
        OptionRow(option=f"o{i}", item="x", quantity=1, value_before=0, value_after=v, cost=0)
        for i, v in enumerate([5, 9, 7])
    ]
    a = appraise(rows)
    assert a.preferred == "o1" and a.runner_up == "o2" and a.margin == 2
    assert a.options.set_index("option")["rank"].to_dict() == {"o0": 3, "o1": 1, "o2": 2}
