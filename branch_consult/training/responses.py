"""Quiz responses as exported by a form tool: read, normalised, and every fault recorded.

Form tools export one row per participant and question (the contract's
``quiz_responses`` table, Chinese headers accepted). Answers arrive as 'a, c', 'ＡＣ',
'对', '√' or blank. Nothing here is dropped silently: each row that cannot be scored
as given becomes a `ResponseIssue` with the rule applied to it, and the report lists
them all.

Rules (stated in the report):
- unknown question (not in the bank) or a bank item not on the participant's form: ignored;
- unknown option letter, or several letters on a single-answer item: scored as wrong;
- blank answer, or no row for an item on the form: scored as wrong (omitted);
- duplicate rows for one participant and question: the last row in the file counts;
- answers to items of two forms: scored on the form with more answered items
  (the first listed form on a tie); the other form's answers are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from branch_consult.data.contract import table as contract_table
from branch_consult.data.parsing import frame_from_cells, read_csv_cells, read_excel_cells
from branch_consult.data.problems import DataProblems, Problem
from branch_consult.training.question_bank import Item, QuestionBank
from branch_consult.training.quiz import QuizForm

TABLE = "quiz_responses"
ISSUE_KINDS = (
    "unknown_question",
    "off_form",
    "two_forms",
    "unknown_option",
    "several_on_single",
    "blank",
    "missing",
    "duplicate",
)
_TRUE = {"T", "TRUE", "Y", "YES", "√", "✓", "✔", "对", "正确", "是"}
_FALSE = {"F", "FALSE", "N", "NO", "×", "✗", "✘", "X", "错", "错误", "否"}
_SEPARATORS = re.compile(r"[\s,，、;；/|+]+")


@dataclass(frozen=True)
class ResponseIssue:
    """One row (or missing row) that was not scored exactly as given."""

    kind: str  # one of ISSUE_KINDS
    participant_id: str
    question_id: str
    row: int | None  # source row number; None for a missing row
    value: str = ""


@dataclass(frozen=True)
class Participant:
    participant_id: str
    name: str
    branch_id: str | None


@dataclass
class Responses:
    """Clean answers per participant on their form, plus every issue met on the way."""

    source: str
    participants: list[Participant]
    form_of: dict[str, str]  # participant -> form id
    #: participant -> item -> letters given (None: blank, missing or invalid)
    answers: dict[str, dict[str, frozenset[str] | None]]
    #: participant -> item -> the invalid text given (unknown option letters)
    invalid: dict[str, dict[str, str]] = field(default_factory=dict)
    issues: list[ResponseIssue] = field(default_factory=list)


def read_responses_file(path: str | Path) -> pd.DataFrame:
    """The quiz_responses rows of a CSV or Excel file as text, indexed by source row.

    Raises `DataProblems` naming the file and the missing column when the header
    cannot be matched to the contract (English or Chinese headers).
    """
    p = Path(path)
    spec = contract_table(TABLE)
    label = p.name
    if not p.is_file():
        raise DataProblems(
            [Problem(str(p), TABLE, "no such file")], headline="quiz responses not found"
        )
    suffix = p.suffix.lower()
    if suffix == ".csv":
        cells = read_csv_cells(p)
    elif suffix in (".xlsx", ".xlsm"):
        cells = read_excel_cells(p, 0)
    else:
        raise DataProblems(
            [
                Problem(
                    label, TABLE, f"expected a .csv or .xlsx file, not {suffix or 'no extension'}"
                )
            ],
            headline="quiz responses cannot be read",
        )
    frame, _, problems = frame_from_cells(cells, spec, label)
    if problems:
        raise DataProblems(problems, headline="quiz responses cannot be read")
    missing = [c.name for c in spec.columns if c.required and c.name not in frame.columns]
    if missing:
        raise DataProblems(
            [Problem(label, TABLE, "required column missing", column=m) for m in missing],
            headline="quiz responses cannot be read",
        )
    for c in spec.columns:
        if c.name not in frame.columns:
            frame[c.name] = ""
    frame = frame[[c.name for c in spec.columns]].map(
        lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()
    )
    empty_ids = frame.index[(frame["participant_id"] == "") | (frame["question_id"] == "")]
    if len(empty_ids):
        col = (
            "participant_id"
            if (frame.loc[empty_ids, "participant_id"] == "").any()
            else "question_id"
        )
        raise DataProblems(
            [
                Problem(
                    label,
                    TABLE,
                    "value required but empty",
                    column=col,
                    rows=tuple(int(r) for r in empty_ids),
                )
            ],
            headline="quiz responses cannot be read",
        )
    frame.attrs["source"] = label
    return frame


def normalise_answer(text: str, item: Item) -> tuple[frozenset[str] | None, bool]:
    """(letters, valid): 'a, c' -> {A, C}; '对' -> {T}; blank -> (None, True); 'E' on A-D -> (None, False)."""
    raw = unicodedata.normalize("NFKC", str(text or "")).strip().upper()
    if raw in ("", "NAN", "NONE", "-", "—"):
        return None, True
    if item.type == "true_false":
        if raw in _TRUE:
            return frozenset("T"), True
        if raw in _FALSE:
            return frozenset("F"), True
        return None, False
    compact = _SEPARATORS.sub("", raw)
    letters = frozenset(compact)
    if not compact or any(c not in item.choices for c in compact):
        return None, False
    return letters, True


def _pick_form(answered: set[str], forms: Sequence[QuizForm]) -> QuizForm:
    return max(forms, key=lambda f: (len(answered & set(f.item_ids)), -forms.index(f)))


def collect_responses(
    frame: pd.DataFrame, bank: QuestionBank, forms: Sequence[QuizForm]
) -> Responses:
    """Apply the stated rules to raw rows: one clean answer per participant and form item."""
    if not forms:
        raise ValueError("at least one quiz form is needed to score responses")
    source = str(frame.attrs.get("source", TABLE))
    by_id = bank.by_id
    on_forms = {i for f in forms for i in f.item_ids}
    issues: list[ResponseIssue] = []
    people: dict[str, Participant] = {}
    rows: dict[str, dict[str, tuple[int, str]]] = {}
    for r, rec in zip(frame.index.astype(int), frame.to_dict("records"), strict=True):
        pid, qid, value = rec["participant_id"], rec["question_id"], rec["answer"]
        if pid not in people:
            people[pid] = Participant(pid, rec["name"], rec["branch_id"] or None)
        if qid not in by_id:
            issues.append(ResponseIssue("unknown_question", pid, qid, r, value))
            continue
        if qid not in on_forms:
            issues.append(ResponseIssue("off_form", pid, qid, r, value))
            continue
        mine = rows.setdefault(pid, {})
        if qid in mine:
            issues.append(ResponseIssue("duplicate", pid, qid, mine[qid][0], mine[qid][1]))
        mine[qid] = (r, value)
    form_of: dict[str, str] = {}
    answers: dict[str, dict[str, frozenset[str] | None]] = {}
    invalid: dict[str, dict[str, str]] = {}
    for pid in people:
        mine = rows.get(pid, {})
        answered = {q for q, (_, v) in mine.items() if v.strip()}
        form = _pick_form(answered or set(mine), forms)
        form_of[pid] = form.id
        chosen = set(form.item_ids)
        for q, (r, v) in mine.items():
            if q not in chosen:
                issues.append(ResponseIssue("two_forms", pid, q, r, v))
        answers[pid] = {}
        for q in form.item_ids:
            if q not in mine:
                issues.append(ResponseIssue("missing", pid, q, None, ""))
                answers[pid][q] = None
                continue
            r, v = mine[q]
            letters, valid = normalise_answer(v, by_id[q])
            if not valid:
                issues.append(ResponseIssue("unknown_option", pid, q, r, v))
                invalid.setdefault(pid, {})[q] = v
            elif letters is None:
                issues.append(ResponseIssue("blank", pid, q, r, v))
            elif by_id[q].type == "single" and len(letters) > 1:
                issues.append(ResponseIssue("several_on_single", pid, q, r, v))
            answers[pid][q] = letters
    order = {k: i for i, k in enumerate(ISSUE_KINDS)}
    issues.sort(
        key=lambda i: (
            order[i.kind],
            i.row if i.row is not None else 10**9,
            i.participant_id,
            i.question_id,
        )
    )
    return Responses(source, list(people.values()), form_of, answers, invalid, issues)
