"""The quiz after the workshop: scores, item analysis, reliability and items to revise.

`analyse_quiz` is the one entry point a results playbook calls; it returns a
language-free `QuizResults` (numbers, tables, reason codes) that the report sections
word in zh or en.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from branch_consult.training.item_analysis import KELLEY_FRACTION, distractors, item_table
from branch_consult.training.question_bank import QuestionBank
from branch_consult.training.quiz import QuizForm
from branch_consult.training.reliability import Reliability, reliability
from branch_consult.training.responses import ResponseIssue, Responses, collect_responses
from branch_consult.training.scoring import MultipleRule, branch_averages, score_sheet

RULES_PATH = Path(__file__).with_name("revise_rules.yaml")


def load_revise_rules(path: str | Path | None = None) -> dict[str, Any]:
    """Thresholds and reason wording for the items-to-revise list."""
    source = path or RULES_PATH
    with open(source, encoding="utf-8") as fh:
        rules = yaml.safe_load(fh)
    if not isinstance(rules, dict):
        raise ValueError(f"{source}: expected a mapping of thresholds and reasons at the top")
    return rules


@dataclass
class FormAnalysis:
    """Item statistics and reliability of one quiz form."""

    form: QuizForm
    participants: int
    items: pd.DataFrame  # item_table columns
    distractors: pd.DataFrame
    reliability: Reliability
    #: item_id, reason code, value (one row per reason)
    revise: pd.DataFrame


@dataclass
class QuizResults:
    course: str
    rule: str
    source: str
    sheet: pd.DataFrame
    branches: pd.DataFrame
    forms: list[FormAnalysis]
    issues: list[ResponseIssue] = field(default_factory=list)
    kelley_fraction: float = KELLEY_FRACTION
    responses: Responses | None = None
    forms_given: list[QuizForm] = field(default_factory=list)


def revise_reasons(items: pd.DataFrame, thresholds: dict[str, float]) -> pd.DataFrame:
    """One row per (item, reason): negative/poor/marginal D, low r, too easy/hard, dead distractors."""
    rows = []
    for rec in items.to_dict("records"):
        d, r, p = rec["D"], rec["r_pb"], rec["p"]
        if d < 0:
            rows.append((rec["item_id"], "negative_d", d))
        elif d < thresholds["discrimination_poor"]:
            rows.append((rec["item_id"], "poor_d", d))
        elif d < thresholds["discrimination_good"]:
            rows.append((rec["item_id"], "marginal_d", d))
        if not math.isnan(r) and r < thresholds["point_biserial_floor"]:
            rows.append((rec["item_id"], "low_r", r))
        if p > thresholds["too_easy"]:
            rows.append((rec["item_id"], "too_easy", p))
        elif p < thresholds["too_hard"]:
            rows.append((rec["item_id"], "too_hard", p))
        if rec["non_functional"]:
            rows.append((rec["item_id"], "non_functional", rec["non_functional"]))
    return pd.DataFrame(rows, columns=["item_id", "reason", "value"])


def analyse_quiz(
    frame: pd.DataFrame,
    bank: QuestionBank,
    forms: Sequence[QuizForm],
    rule: MultipleRule = "all_or_nothing",
    level: float = 0.95,
    target: float = 0.80,
    rules: dict[str, Any] | None = None,
) -> QuizResults:
    """Score every participant and analyse every form that at least two people sat."""
    rules = rules or load_revise_rules()
    responses = collect_responses(frame, bank, forms)
    sheet, scored = score_sheet(responses, bank, forms, rule)
    analyses = []
    for s in scored:
        if len(s.matrix) < 2:
            continue
        dist = distractors(responses, bank, list(s.matrix.index), list(s.form.item_ids))
        items = item_table(s.matrix, bank, dist)
        analyses.append(
            FormAnalysis(
                form=s.form,
                participants=len(s.matrix),
                items=items,
                distractors=dist,
                reliability=reliability(s.matrix, level, target),
                revise=revise_reasons(items, rules["thresholds"]),
            )
        )
    return QuizResults(
        course=bank.course,
        rule=rule,
        source=responses.source,
        sheet=sheet,
        branches=branch_averages(sheet),
        forms=analyses,
        issues=responses.issues,
        responses=responses,
        forms_given=list(forms),
    )
