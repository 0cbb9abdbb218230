"""Scores: each item 0..1 under a stated multiple-choice rule, each participant a percentage.

A participant's score is the share of the form's items answered right, as a
percentage with one decimal rounded half up (9 of 10 -> 90.0). Single-choice and
true/false items are right or wrong. Multiple-choice items follow `rule`:

- ``all_or_nothing`` (default): 1 when the set given equals the key, else 0;
- ``right_minus_wrong``: (keyed options chosen − unkeyed options chosen) / keyed options, floored at 0;
- ``per_option``: the share of the item's options judged correctly (chosen when keyed, left when not).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import pandas as pd

from branch_consult.training.question_bank import Item, QuestionBank
from branch_consult.training.quiz import QuizForm
from branch_consult.training.responses import Responses

MultipleRule = Literal["all_or_nothing", "right_minus_wrong", "per_option"]
MULTIPLE_RULES: tuple[str, ...] = ("all_or_nothing", "right_minus_wrong", "per_option")


def item_score(
    item: Item, given: frozenset[str] | None, rule: MultipleRule = "all_or_nothing"
) -> float:
    """Credit 0..1 for one answer; None (blank, missing, invalid) earns 0."""
    if given is None:
        return 0.0
    key = frozenset(item.answer)
    if item.type != "multiple":
        return 1.0 if given == key else 0.0
    if rule == "all_or_nothing":
        return 1.0 if given == key else 0.0
    if rule == "right_minus_wrong":
        return max(0.0, (len(given & key) - len(given - key)) / len(key))
    if rule == "per_option":
        options = frozenset(item.options)
        judged_right = len(given & key) + len((options - given) - key)
        return judged_right / len(options)
    raise ValueError(f"unknown multiple-choice rule {rule!r}; rules: {', '.join(MULTIPLE_RULES)}")


def percent(points: float, items: int) -> float:
    """Share of items right as a percentage, one decimal, rounded half up (2/3 -> 66.7)."""
    if items <= 0:
        return 0.0
    value = Decimal(repr(points)) * 100 / Decimal(items)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def competition_rank(values: Sequence[float]) -> list[int]:
    """Rank 1 = highest; ties share the rank and the next rank is skipped (1, 2, 2, 4)."""
    return [1 + sum(1 for w in values if w > v) for v in values]


@dataclass
class ScoredForm:
    """Item credits of the participants who sat one form (rows: participants, columns: items)."""

    form: QuizForm
    matrix: pd.DataFrame


def score_matrix(
    responses: Responses, bank: QuestionBank, form: QuizForm, rule: MultipleRule = "all_or_nothing"
) -> pd.DataFrame:
    """Credits of every participant on `form` (0..1 per item), index participant_id."""
    by_id = bank.by_id
    pids = [
        p.participant_id
        for p in responses.participants
        if responses.form_of[p.participant_id] == form.id
    ]
    data = [
        [item_score(by_id[q], responses.answers[pid].get(q), rule) for q in form.item_ids]
        for pid in pids
    ]
    return pd.DataFrame(
        data, index=pd.Index(pids, name="participant_id"), columns=list(form.item_ids), dtype=float
    )


def score_sheet(
    responses: Responses,
    bank: QuestionBank,
    forms: Sequence[QuizForm],
    rule: MultipleRule = "all_or_nothing",
) -> tuple[pd.DataFrame, list[ScoredForm]]:
    """The ranked score sheet and the per-form credit matrices.

    Columns: rank, participant_id, name, branch_id, form, items, points, percent.
    Sorted by percent (highest first), then participant id.
    """
    if rule not in MULTIPLE_RULES:
        raise ValueError(
            f"unknown multiple-choice rule {rule!r}; rules: {', '.join(MULTIPLE_RULES)}"
        )
    scored = [ScoredForm(f, score_matrix(responses, bank, f, rule)) for f in forms]
    points = {pid: float(row.sum()) for s in scored for pid, row in s.matrix.iterrows()}
    items = {pid: len(s.form) for s in scored for pid in s.matrix.index}
    rows = [
        {
            "participant_id": p.participant_id,
            "name": p.name,
            "branch_id": p.branch_id,
            "form": responses.form_of[p.participant_id],
            "items": items[p.participant_id],
            "points": round(points[p.participant_id], 4),
            "percent": percent(points[p.participant_id], items[p.participant_id]),
        }
        for p in responses.participants
    ]
    sheet = pd.DataFrame(
        rows, columns=["participant_id", "name", "branch_id", "form", "items", "points", "percent"]
    )
    sheet = sheet.sort_values(
        ["percent", "participant_id"], ascending=[False, True], kind="mergesort"
    )
    sheet.insert(0, "rank", competition_rank(sheet["percent"].tolist()))
    return sheet.reset_index(drop=True), [s for s in scored if len(s.matrix)]


def branch_averages(sheet: pd.DataFrame) -> pd.DataFrame:
    """Per branch: participants, mean, lowest and highest percentage (one decimal).

    Participants without a branch are left out; empty when nobody carries one.
    """
    with_branch = sheet[sheet["branch_id"].notna() & (sheet["branch_id"].astype(str) != "")]
    if with_branch.empty:
        return pd.DataFrame(columns=["branch_id", "participants", "mean", "min", "max"])
    g = with_branch.groupby("branch_id")["percent"]
    out = pd.DataFrame(
        {
            "participants": g.size(),
            "mean": g.apply(
                lambda s: float(
                    Decimal(repr(float(s.mean()))).quantize(Decimal("0.1"), ROUND_HALF_UP)
                )
            ),
            "min": g.min(),
            "max": g.max(),
        }
    ).reset_index()
    return out.sort_values(["mean", "branch_id"], ascending=[False, True]).reset_index(drop=True)
