"""Recommendations and root causes from rules (recommendations.yaml), with the lawful sequence enforced.

Rules are data: conditions on the case's facts, an owner, checkpoint days and zh/en
wording.  One thing is code, so no edit of the file can switch it off: a dismissal is
recommended only when a training or reassignment record AND a later documented
failure are both on record (Labour Contract Law art. 40(2)); otherwise the rule's
`instead` — the next lawful step — is recommended.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, Field, ValidationError

from branch_consult.analysis.staff_review.flight_risk import Words
from branch_consult.analysis.targets import REVIEW_KINDS

DEFAULT_RULES = Path(__file__).with_name("recommendations.yaml")
#: what art. 40(2) needs on record, in order
LAWFUL_RECORDS = ("training_or_transfer", "documented_failure")
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq}

#: facts the rules may read (numbers; 1/0 for yes/no), computed per person by `review`
FACTS: dict[str, str] = {
    "miss_streak": "current run of missed months on the main metric",
    "review_missing": "review checkpoints with no review or transfer on record",
    "review_delay_days": "days the first missing review is overdue",
    "first_review_due": "month the first missing review fell due",
    "still_employed": "1 while employed at the review date",
    "left": "1 if the person has left",
    "competency_gap": "own-role competencies below the required level",
    "own_fit": "fit score against the own role profile",
    "better_fit_found": "1 if another role fits clearly better on enough evidence",
    "better_role": "that role (code)",
    "better_fit": "its fit score",
    "training_after_trigger": "training events since the first review trigger",
    "lawful_basis": "1 if training/reassignment AND a later documented failure are on record",
    "lawful_missing": "the first art. 40(2) record missing (training_or_transfer / documented_failure)",
    "flight_risk_high_now": "1 if the flight risk is high in the review month",
    "flight_risk_high_before_exit": "1 if the risk was high before the month the person left",
    "first_high": "first month the flight risk was high",
    "recognition_missing": "over-target periods with no praise or reward",
    "public_criticisms": "public criticisms by a senior manager in the window",
    "manager": "the person's manager (staff id)",
    "manager_criticism_on_top": "1 if the manager's criticism falls on the top quartile",
    "weak_peer_kept": "colleagues kept past the review policy (during employment)",
    "top_performer": "1 if in the top quartile of the team or over target for a sustained run",
    "team_policy_breaches": "people in the team kept past the review policy now",
    "month3_missing": "1 if the month-M assessment of a hire in the data was missed",
    "month3_open": "1 if the month-M assessment is still to come",
    "review_after": "the policy's number of misses",
}


class Condition(BaseModel):
    fact: str
    op: Literal[">", ">=", "<", "<=", "=="]
    value: float


class RecommendationRule(BaseModel):
    id: str
    kind: str
    when: list[Condition]
    owner: str
    days: list[int | Literal["month3"]] = Field(
        default_factory=lambda: list[int | Literal["month3"]]([30])
    )
    instead: dict[str, str] | None = None  # dismissal only: missing record → next lawful step
    text: Words


class RootCauseRule(BaseModel):
    id: str
    category: Literal["person_role_fit", "management", "process"]
    when: list[Condition]
    text: Words


class Rules(BaseModel):
    owners: dict[str, Words]
    recommendations: list[RecommendationRule]
    root_causes: list[RootCauseRule]

    def rule(self, rule_id: str) -> RecommendationRule:
        return next(r for r in self.recommendations if r.id == rule_id)


@dataclass
class Recommendation:
    """One recommended step: which rule, who owns it, when it is checked."""

    id: str
    kind: str
    owner: str
    checkpoints: list[pd.Timestamp]
    replaces: str | None = None  # the dismissal rule this lawful step stands in for


@dataclass
class RootCause:
    id: str
    category: str


@dataclass
class LawfulBasis:
    """The record art. 40(2) needs: training or reassignment, then a documented failure after it."""

    training_or_transfer: pd.Timestamp | None = None
    documented_failure: pd.Timestamp | None = None
    misses_after: int = 0
    complete: bool = False
    missing: list[str] = field(default_factory=list)


def load_rules(path: str | Path | None = None) -> Rules:
    """Recommendation and root-cause rules from YAML (default: the practice's, beside this module)."""
    path = Path(path) if path else DEFAULT_RULES
    try:
        rules = Rules.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise ValueError(
            f"recommendation rules in {path} cannot be read: {str(exc).splitlines()[0]}"
        ) from None
    conditions = [(r.id, c) for r in rules.recommendations for c in r.when]
    conditions += [(r.id, c) for r in rules.root_causes for c in r.when]
    problems = [f"{rid}: unknown fact {c.fact!r}" for rid, c in conditions if c.fact not in FACTS]
    problems += [
        f"{r.id}: unknown owner {r.owner!r}"
        for r in rules.recommendations
        if r.owner not in rules.owners
    ]
    ids = {r.id for r in rules.recommendations}
    problems += [
        f"{r.id}: `instead` names unknown rule {step!r}"
        for r in rules.recommendations
        for step in (r.instead or {}).values()
        if step not in ids
    ]
    for r in rules.recommendations:
        if r.kind != "dismissal":
            continue
        steps = r.instead or {}
        if set(steps) != set(LAWFUL_RECORDS) or any(
            s in ids and rules.rule(s).kind == "dismissal" for s in steps.values()
        ):
            problems.append(
                f"{r.id}: a dismissal rule needs `instead` with a lawful step for each of "
                f"{', '.join(LAWFUL_RECORDS)}"
            )
    if problems:
        raise ValueError(f"recommendation rules in {path}: " + "; ".join(problems))
    return rules


def lawful_basis(
    events: pd.DataFrame, main_comp: pd.DataFrame, staff_id: str, review_after: int
) -> LawfulBasis:
    """Is the art. 40(2) record complete for this person?

    Needs (1) a training or transfer event, and (2) after it, a documented failure: a
    review event (`review`) dated after that record, with at least `review_after`
    missed months on the main metric between the record and the review.  The earliest
    complete pair is returned; `missing` says what is not on record.
    """
    ev = events[events["staff_id"].astype(str) == staff_id].assign(
        date=lambda f: pd.to_datetime(f["date"])
    )
    basis = ev[ev["kind"].isin(("training", "transfer"))].sort_values("date")
    reviews = ev[ev["kind"] == REVIEW_KINDS[0]].sort_values("date")
    out = LawfulBasis()
    if basis.empty:
        out.missing = ["training_or_transfer", "documented_failure"]
        return out
    out.training_or_transfer = basis["date"].iloc[0]
    month_end = main_comp.assign(
        end=pd.to_datetime(main_comp["month"] + "-01") + pd.offsets.MonthEnd(0)
    )
    for first in basis["date"]:
        for when in reviews.loc[reviews["date"] > first, "date"]:
            misses = month_end[
                (month_end["end"] > first) & (month_end["end"] <= when) & month_end["missed"]
            ]
            if len(misses) >= review_after:
                out.training_or_transfer, out.documented_failure = first, when
                out.misses_after, out.complete = len(misses), True
                return out
    out.missing = ["documented_failure"]
    return out


def _holds(facts: dict[str, Any], cond: Condition) -> bool:
    value = facts.get(cond.fact)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return not math.isnan(number) and _OPS[cond.op](number, cond.value)


def recommend(
    facts: dict[str, Any],
    rules: Rules,
    review_date: pd.Timestamp,
    month3_date: pd.Timestamp | None = None,
) -> list[Recommendation]:
    """The recommendations whose conditions hold, in rule order, each with dated checkpoints.

    A dismissal rule is replaced by its `instead` step for the first missing record
    unless facts["lawful_basis"] is 1 — whatever its own conditions say.
    """
    out: list[Recommendation] = []
    for rule in rules.recommendations:
        if not all(_holds(facts, c) for c in rule.when):
            continue
        chosen, replaces = rule, None
        if rule.kind == "dismissal" and facts.get("lawful_basis") != 1:
            missing = str(facts.get("lawful_missing") or LAWFUL_RECORDS[0])
            step = (rule.instead or {}).get(missing) or (rule.instead or {}).get(
                LAWFUL_RECORDS[0], ""
            )
            chosen, replaces = rules.rule(step), rule.id
            if chosen.kind == "dismissal":  # belt and braces: never, whatever the file says
                continue
        done = next((r for r in out if r.id == chosen.id), None)
        if done is not None:
            done.replaces = done.replaces or replaces
            continue
        dates = []
        for d in chosen.days:
            if d == "month3":
                if month3_date is not None:
                    dates.append(pd.Timestamp(month3_date))
            else:
                dates.append(pd.Timestamp(review_date) + pd.Timedelta(days=int(d)))
        out.append(Recommendation(chosen.id, chosen.kind, chosen.owner, dates, replaces))
    return out


def root_causes(facts: dict[str, Any], rules: Rules) -> list[RootCause]:
    """Root causes whose conditions hold, in rule order (person–role fit, management, process)."""
    order = {"person_role_fit": 0, "management": 1, "process": 2}
    found = [
        RootCause(r.id, r.category)
        for r in rules.root_causes
        if all(_holds(facts, c) for c in r.when)
    ]
    return sorted(found, key=lambda c: order[c.category])
