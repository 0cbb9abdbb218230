"""What the case costs: replacing a leaver, and the target shortfall carried while policy waited.

Replacement cost is a multiple of annual employment cost by role class; the defaults
follow published ranges (about 0.4× for frontline roles, 0.8× for specialists, 2× for
managers — see docs/staff-review.md for sources).  The data has no pay, so annual
cost per role class is an assumption the consultant replaces with the client's figure.
"""

from __future__ import annotations

import pandas as pd
from pydantic import BaseModel, Field

from branch_consult.analysis.staff_review import months as M

ROLE_CLASS: dict[str, str] = {
    "teller": "frontline",
    "lobby_manager": "frontline",
    "back_office": "frontline",
    "wealth_manager": "specialist",
    "personal_am": "specialist",
    "corporate_am": "specialist",
    "branch_head": "manager",
}


class CostAssumptions(BaseModel):
    """Replacement-cost multiples and annual cost (yuan) per role class."""

    replacement_multiple: dict[str, float] = Field(
        default_factory=lambda: {"frontline": 0.4, "specialist": 0.8, "manager": 2.0}
    )
    annual_cost: dict[str, float] = Field(
        default_factory=lambda: {
            "frontline": 150_000.0,
            "specialist": 250_000.0,
            "manager": 400_000.0,
        }
    )


def replacement_cost(role: str, assumptions: CostAssumptions) -> dict[str, object]:
    """Role class, multiple, annual cost and replacement cost (multiple × annual cost) for a role."""
    role_class = ROLE_CLASS.get(role, "frontline")
    multiple = float(assumptions.replacement_multiple.get(role_class, 0.0))
    annual = float(assumptions.annual_cost.get(role_class, 0.0))
    return {
        "role_class": role_class,
        "multiple": multiple,
        "annual_cost": annual,
        "replacement_cost": multiple * annual,
    }


def shortfall_while_waiting(
    main_comp: pd.DataFrame, first_due: str | None, acted_on: pd.Timestamp | None, as_of: str
) -> dict[str, object]:
    """Months missed, and target minus actual summed, from the first overdue review to the action (or as-of).

    `main_comp` is the person's main-metric completion rows.  Nothing is carried when
    no review was due.
    """
    if first_due is None:
        return {"months": 0, "shortfall": 0.0, "from": None, "to": None}
    stop = M.of(acted_on) if acted_on is not None and pd.notna(acted_on) else as_of
    if M.index(stop) < M.index(first_due):
        return {"months": 0, "shortfall": 0.0, "from": first_due, "to": stop}
    idx = main_comp["month"].map(M.index)
    rows = main_comp[(idx >= M.index(first_due)) & (idx <= M.index(stop)) & main_comp["missed"]]
    return {
        "months": len(rows),
        "shortfall": float((rows["target"] - rows["actual"]).sum()),
        "from": first_due,
        "to": stop,
    }
