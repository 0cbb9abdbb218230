"""The typed, language-free result of a staff-fit case review: numbers, tables, rule ids.

No wording lives here: the report (`branch_consult.reports.staff_review`) turns a
`StaffReview` into zh or en display objects, so one review is computed once and can
be worded in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field

from branch_consult.analysis.staff_review.cost import CostAssumptions
from branch_consult.analysis.staff_review.fairness import ManagerFlags
from branch_consult.analysis.staff_review.flight_risk import RiskModel
from branch_consult.analysis.staff_review.policy import AssessmentCheck, Policy
from branch_consult.analysis.staff_review.recommendations import (
    LawfulBasis,
    Recommendation,
    RootCause,
    Rules,
)


class ReviewSettings(BaseModel):
    """The consultant's choices for one case review (all but staff_ids have working defaults)."""

    staff_ids: list[str]
    month: str = ""  # as of; empty: latest month of targets in the data
    policy: Policy = Field(default_factory=Policy)
    lookback_months: int = Field(12, ge=3)
    costs: CostAssumptions = Field(default_factory=CostAssumptions)
    min_fit_coverage: float = Field(0.2, ge=0, le=1)
    fit_margin: float = Field(0.05, ge=0)
    flight_risk_path: str = ""
    rules_path: str = ""


@dataclass
class Person:
    """Who the person is (ids and names are personal data: the report pseudonymises them)."""

    staff_id: str
    name: str
    role: str
    branch_id: str
    manager_id: str | None
    hired_on: pd.Timestamp | None
    left_on: pd.Timestamp | None
    resigned_on: pd.Timestamp | None


@dataclass
class PersonReview:
    """Everything the review found about one person."""

    person: Person
    main_metric: str | None
    missing: list[str]  # "targets", "assessment", "events", "role_profile": evidence not on record
    completion: pd.DataFrame  # history.completion, every metric in the window
    miss_runs: pd.DataFrame
    over_runs: pd.DataFrame
    rank: dict[str, Any]
    review_checkpoints: pd.DataFrame
    recognition_checkpoints: pd.DataFrame
    assessment_check: AssessmentCheck
    latest_assessment: pd.DataFrame
    gap: pd.DataFrame
    fits: pd.DataFrame
    better: pd.DataFrame
    risk_contributions: pd.DataFrame
    risk_scores: pd.DataFrame
    risk_counts: pd.DataFrame
    first_high: str | None
    events: pd.DataFrame  # the person's events (date, kind, by_staff_id, public, note)
    team: pd.DataFrame  # fairness.team_fairness of the person's team
    team_quartiles: pd.DataFrame
    manager_flags: ManagerFlags
    cost: dict[str, Any]
    basis: LawfulBasis
    facts: dict[str, Any]
    recommendations: list[Recommendation] = field(default_factory=list)
    root_causes: list[RootCause] = field(default_factory=list)

    @property
    def underperformer(self) -> bool:
        """Kept past the review policy: a review is overdue while misses continue."""
        return bool(
            self.facts.get("review_missing", 0) >= 1 and self.facts.get("still_employed") == 1
        )

    @property
    def flight_risk_level(self) -> str:
        """The risk level in the last month evaluated (low when nothing was evaluated)."""
        return str(self.risk_scores["level"].iloc[-1]) if len(self.risk_scores) else "low"


@dataclass
class StaffReview:
    """A case review of one person or a few (a pair is compared side by side)."""

    settings: ReviewSettings
    as_of: str
    months: list[str]
    people: list[PersonReview]
    directory: pd.DataFrame  # staff_id, name, role, branch_id of everyone the review mentions
    risk_model: RiskModel
    rules: Rules

    @property
    def review_date(self) -> pd.Timestamp:
        """The date the review speaks from: the end of the as-of month."""
        return pd.Period(self.as_of, freq="M").end_time.normalize()
