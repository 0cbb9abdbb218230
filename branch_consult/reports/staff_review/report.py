"""The case review in reading order, and how a playbook cell shows one section."""

from __future__ import annotations

from collections.abc import Callable

from branch_consult.analysis.staff_review import StaffReview
from branch_consult.reports.staff_review.actions import recommendations_section, root_cause_section
from branch_consult.reports.staff_review.common import Objects
from branch_consult.reports.staff_review.competency import competency_section
from branch_consult.reports.staff_review.evidence import evidence_section
from branch_consult.reports.staff_review.fairness import fairness_section
from branch_consult.reports.staff_review.risk import flight_risk_section
from branch_consult.reports.staff_review.summary import case_summary
from branch_consult.reports.staff_review.timeline import timeline_section

#: section name → function(review, lang, pseudonymise), in reading order
SECTIONS: dict[str, Callable[[StaffReview, str, bool], Objects]] = {
    "summary": case_summary,
    "timeline": timeline_section,
    "evidence": evidence_section,
    "competency": competency_section,
    "flight_risk": flight_risk_section,
    "fairness": fairness_section,
    "root_causes": root_cause_section,
    "recommendations": recommendations_section,
}


def full_report(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """Every section in reading order (for tests and batch use; the playbook shows them cell by cell)."""
    out: Objects = []
    for section in SECTIONS.values():
        out.extend(section(r, lang, pseudonymise))
    return out
