"""The staff-fit case review as a report: each part of a `StaffReview` as display objects, zh or en.

One module per section (`summary`, `timeline`, `evidence`, `competency`, `risk`,
`fairness`, `actions`), the wording in `labels` (rule wording stays with the rules in
the analysis YAML), what they share — the one pseudonymiser per review — in `common`,
the reading order in `report`.  Data values travel only inside display objects.
"""

from branch_consult.reports.diagnostic.report import show
from branch_consult.reports.staff_review.actions import recommendations_section, root_cause_section
from branch_consult.reports.staff_review.common import pseudonymiser
from branch_consult.reports.staff_review.competency import competency_section
from branch_consult.reports.staff_review.evidence import evidence_section
from branch_consult.reports.staff_review.fairness import fairness_section
from branch_consult.reports.staff_review.report import SECTIONS, full_report
from branch_consult.reports.staff_review.risk import flight_risk_section
from branch_consult.reports.staff_review.summary import answer, case_summary
from branch_consult.reports.staff_review.timeline import timeline_section

__all__ = [
    "SECTIONS",
    "answer",
    "case_summary",
    "competency_section",
    "evidence_section",
    "fairness_section",
    "flight_risk_section",
    "full_report",
    "pseudonymiser",
    "recommendations_section",
    "root_cause_section",
    "show",
    "timeline_section",
]
