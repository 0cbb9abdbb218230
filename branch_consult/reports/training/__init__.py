"""Training deliverables as display objects: handouts (participant/trainer) and quiz results, zh or en."""

from branch_consult.reports.training.common import NewPage, md_escape, show, text_of
from branch_consult.reports.training.handout import agenda, full_handout, lectures, overview, quiz

__all__ = ["NewPage", "agenda", "full_handout", "lectures", "md_escape", "overview", "quiz", "show", "text_of"]
