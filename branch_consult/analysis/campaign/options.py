"""Option appraisal: any table of options (item, quantity, value before, value after, cost).

Incremental value of a row is quantity × (value after − value before), e.g. floor
area × the price uplift of placing a sales centre there. Per option the rows are
summed and the cost taken off; the option with the highest net value is preferred and
its margin over the runner-up is what the decision turns on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from branch_consult.campaign_plan import OptionRow


@dataclass(frozen=True)
class Appraisal:
    rows: pd.DataFrame  # option, item, quantity, value_before, value_after, increment
    options: (
        pd.DataFrame
    )  # option, increment, cost, net, rank (order of first appearance kept in ties)
    preferred: str
    runner_up: str
    margin: float


def appraise(rows: Iterable[OptionRow]) -> Appraisal:
    """Side-by-side net incremental value of each option, the preferred one and its margin."""
    frame = pd.DataFrame([r.model_dump() for r in rows])
    frame["increment"] = frame["quantity"] * (frame["value_after"] - frame["value_before"])
    order = list(dict.fromkeys(frame["option"]))
    per = frame.groupby("option", sort=False).agg(
        increment=("increment", "sum"), cost=("cost", "sum")
    )
    per = per.reindex(order)
    per["net"] = per["increment"] - per["cost"]
    per["rank"] = per["net"].rank(ascending=False, method="first").astype(int)
    per = per.reset_index()
    ranked = per.sort_values("rank")
    return Appraisal(
        rows=frame[
            ["option", "item", "quantity", "value_before", "value_after", "increment", "cost"]
        ],
        options=per,
        preferred=str(ranked.iloc[0]["option"]),
        runner_up=str(ranked.iloc[1]["option"]),
        margin=float(ranked.iloc[0]["net"] - ranked.iloc[1]["net"]),
    )
