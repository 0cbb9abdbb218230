"""What a handout holds, before any wording: the course, its timing plan and the quiz form.

`prepare_handout` is the handout's "analysis": it loads and validates the course and
its bank, draws the quiz form from (size, seed) and fixes the edition. The report
sections word it; the participant edition is built without ever reading answers or
explanations, so they cannot leak into its files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from branch_consult.training.course import Course, Slot, course_folder, load_course, timing_plan
from branch_consult.training.question_bank import QuestionBank, load_bank
from branch_consult.training.quiz import QuizForm, select_quiz

Edition = Literal["participant", "trainer"]
EDITIONS: tuple[str, ...] = ("participant", "trainer")


@dataclass(frozen=True)
class HandoutPlan:
    course: Course
    bank: QuestionBank
    form: QuizForm
    seed: int
    edition: str
    slots: tuple[Slot, ...]

    @property
    def trainer(self) -> bool:
        return self.edition == "trainer"


def load_course_and_bank(course: str | Path) -> tuple[Course, QuestionBank]:
    """A shipped course id, or a folder with course.yaml and questions.yaml; both validated."""
    folder = course_folder(course)
    c = load_course(folder / "course.yaml")
    return c, load_bank(folder / "questions.yaml", c)


def prepare_handout(
    course: str | Path, edition: str = "participant", quiz_size: int = 20, seed: int = 1
) -> HandoutPlan:
    """Everything a handout shows, for one course, edition and quiz form."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {', '.join(EDITIONS)}, not {edition!r}")
    c, bank = load_course_and_bank(course)
    form = select_quiz(bank, quiz_size, seed)
    return HandoutPlan(c, bank, form, seed, edition, tuple(timing_plan(c)))
