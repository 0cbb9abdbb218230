"""One personal score sheet per participant: score, rank, result by section and by item.

Language-free: the Word rendering (`branch_consult.export.score_sheets`)
words it. Sheets carry the participant's real name: they are addressed to that person.
"""

from __future__ import annotations

from dataclasses import dataclass

from branch_consult.training.course import Course
from branch_consult.training.question_bank import QuestionBank
from branch_consult.training.results import QuizResults


@dataclass(frozen=True)
class SectionResult:
    section_id: str
    title: str
    items: int
    points: float


@dataclass(frozen=True)
class ItemResult:
    number: int
    item_id: str
    given: str  # letters as scored, "" when blank/missing/invalid
    key: str
    credit: float
    invalid: str = ""  # the text given when it was not a valid answer


@dataclass(frozen=True)
class PersonalSheet:
    participant_id: str
    name: str
    branch_id: str | None
    form: str
    percent: float
    rank: int
    of: int
    passed: bool
    sections: tuple[SectionResult, ...]
    items: tuple[ItemResult, ...]


def personal_sheets(
    results: QuizResults, bank: QuestionBank, course: Course, pass_mark: float = 60.0
) -> list[PersonalSheet]:
    """A sheet for every participant on the ranked score sheet, in rank order."""
    from branch_consult.training.scoring import item_score

    if results.responses is None:
        raise ValueError("the results carry no responses; run analyse_quiz first")
    by_id = bank.by_id
    forms = {f.id: f for f in results.forms_given}
    titles = {s.id: s.title for s in course.sections}
    n = len(results.sheet)
    out = []
    for rec in results.sheet.to_dict("records"):
        form = forms[rec["form"]]
        answers = results.responses.answers[rec["participant_id"]]
        items = []
        per_section: dict[str, list[float]] = {}
        for k, q in enumerate(form.item_ids, 1):
            item = by_id[q]
            given = answers.get(q)
            credit = item_score(item, given, results.rule)  # type: ignore[arg-type]
            invalid = results.responses.invalid.get(rec["participant_id"], {}).get(q, "")
            items.append(
                ItemResult(
                    k, q, "".join(sorted(given)) if given else "", item.answer, credit, invalid
                )
            )
            per_section.setdefault(item.section, []).append(credit)
        sections = tuple(
            SectionResult(s, titles.get(s, s), len(v), sum(v)) for s, v in per_section.items()
        )
        out.append(
            PersonalSheet(
                participant_id=rec["participant_id"],
                name=rec["name"],
                branch_id=rec["branch_id"],
                form=rec["form"],
                percent=float(rec["percent"]),
                rank=int(rec["rank"]),
                of=n,
                passed=float(rec["percent"]) >= pass_mark,
                sections=sections,
                items=tuple(items),
            )
        )
    return out
