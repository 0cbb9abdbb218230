"""Workshops: course documents, question banks, quiz forms, scoring and item analysis.

`course` and `question_bank` load the YAML a trainer writes; `quiz` draws a form;
`responses`, `scoring`, `item_analysis` and `reliability` turn a form tool's export
into scores and statistics; `results` assembles them for the report; `score_sheets`
writes one Word sheet per participant.
"""

from branch_consult.training.course import (
    Course,
    course_folder,
    load_course,
    shipped_courses,
    timing_plan,
)
from branch_consult.training.question_bank import QuestionBank, load_bank
from branch_consult.training.quiz import QuizForm, select_quiz
from branch_consult.training.results import QuizResults, analyse_quiz
from branch_consult.training.yaml_model import DocumentError

__all__ = [
    "Course",
    "DocumentError",
    "QuestionBank",
    "QuizForm",
    "QuizResults",
    "analyse_quiz",
    "course_folder",
    "load_bank",
    "load_course",
    "select_quiz",
    "shipped_courses",
    "timing_plan",
]
