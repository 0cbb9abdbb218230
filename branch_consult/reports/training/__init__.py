"""Training deliverables as display objects: handouts (participant/trainer) and quiz results, zh or en."""

from branch_consult.reports.training.common import NewPage, md_escape, show, text_of
from branch_consult.reports.training.handout import agenda, full_handout, lectures, overview, quiz
from branch_consult.reports.training.results import (
    item_analysis,
    reliability_section,
    response_issues,
    revise_list,
    scores,
    summary,
)

__all__ = [
    "NewPage",
    "agenda",
    "full_handout",
    "item_analysis",
    "lectures",
    "md_escape",
    "overview",
    "quiz",
    "reliability_section",
    "response_issues",
    "revise_list",
    "scores",
    "show",
    "summary",
    "text_of",
]
