"""Where the planted patterns go, and the record of them written to planted.json.

Playbook tests check that each analysis finds exactly what was planted, so the
positions are fixed: in a bank of 12 branches every pattern sits in its own branch
and branch B001 carries none of them (the healthy reference).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

#: 0-based branch positions of the branch-level patterns
HEALTHY_AT = 0
LUNCH_QUEUE_AT = 2
UNOWNED_TOP_AT = 4
OUTFLOW_AT = 6
STAFF_CASES_AT = 8

#: the metric each sales role is measured on first (its "main metric")
MAIN_METRIC: dict[str, str] = {
    "personal_am": "deposits",
    "wealth_manager": "wealth_sales",
    "corporate_am": "deposits",
    "lobby_manager": "mobile_activations",
    "teller": "credit_cards",
}


@dataclass(frozen=True)
class Positions:
    """Branch positions of the patterns for a bank of `n` branches (wrapping when small)."""

    n: int

    def at(self, position: int) -> int:
        return position % self.n

    @property
    def lunch_queue(self) -> int:
        return self.at(LUNCH_QUEUE_AT)

    @property
    def unowned_top(self) -> int:
        return self.at(UNOWNED_TOP_AT)

    @property
    def outflow(self) -> int:
        return self.at(OUTFLOW_AT)

    @property
    def staff_cases(self) -> int:
        return self.at(STAFF_CASES_AT)

    @property
    def healthy(self) -> int | None:
        used = {self.lunch_queue, self.unowned_top, self.outflow, self.staff_cases}
        if HEALTHY_AT not in used:
            return HEALTHY_AT
        free = [i for i in range(self.n) if i not in used]
        return free[0] if free else None


class Policy(BaseModel):
    """The bank rules the analyses apply by default (and the generator plants against)."""

    tier_thresholds: dict[str, float] = Field(
        default={"top": 1_000_000.0, "core": 200_000.0, "potential": 50_000.0},
        description="AUM floor in yuan per tier; AUM = month-end balances of all products except credit_card.",
    )
    contact_days: dict[str, int] = Field(default={"top": 30, "core": 90, "potential": 180})
    review_after_misses: int = Field(
        3, description="Consecutive months below target that must trigger a review."
    )
    main_metric: dict[str, str] = Field(default_factory=lambda: dict(MAIN_METRIC))


class LunchQueue(BaseModel):
    branch_id: str
    window: tuple[str, str] = ("11:30", "13:30")
    counters_at_lunch: int
    counters: int


class UnownedTop(BaseModel):
    branch_id: str
    customer_ids: list[str] = Field(
        description="Top-tier customers left without an owner or a contact in 90 days."
    )


class Outflow(BaseModel):
    branch_id: str
    customer_id: str
    first_transfer_on: str
    last_transfer_on: str
    transfers: int
    amount: float


class Underperformer(BaseModel):
    branch_id: str
    staff_id: str
    role: str
    metric: str
    missed_months: list[str]
    review_due_month: str = Field(
        description="Month after the 3rd consecutive miss: when policy says review."
    )


class TopPerformerLost(BaseModel):
    branch_id: str
    staff_id: str
    role: str
    metric: str
    over_target_months: list[str]
    criticised_by: str
    criticised_on: list[str]
    resigned_on: str = Field(description="Date of the resignation event (notice given).")
    left_on: str = Field(description="Last day employed (staff.left_on).")


class Campaigns(BaseModel):
    uplift: str = Field(description="Campaign with a real uplift over its control group.")
    no_uplift: str = Field(description="Campaign whose treatment converts like its control.")
    rates: dict[str, dict[str, float]] = Field(
        description="Planted conversion rate by campaign and group."
    )


class Planted(BaseModel):
    """What `write_sample_bank` planted, so playbooks and tests know what to find."""

    seed: int
    branches: int
    customers_per_branch: int
    months: list[str]
    queue_ticket_days: tuple[str, str]
    transaction_days: tuple[str, str]
    healthy_branch: str | None = Field(
        description="A branch carrying none of the planted patterns."
    )
    policy: Policy = Field(default_factory=Policy)
    lunch_queue: LunchQueue
    unowned_top: UnownedTop
    outflow: Outflow
    underperformer: Underperformer
    top_performer_lost: TopPerformerLost
    campaigns: Campaigns
