"""The staff-fit case review (人岗匹配案例复盘): is this person in the wrong role, about to
leave, and was our process fair?

One module per subject — `history` (performance month by month), `policy` (was the
bank's own policy applied, on both sides), `competency` (fit against every role
profile), `flight_risk` (a transparent additive score, weights in flight_risk.yaml),
`fairness` (who gets praise and criticism), `cost` (what the case costs),
`recommendations` (rules in recommendations.yaml, the lawful sequence enforced) —
assembled by `review(dataset, settings)` into a language-free `StaffReview`.
"""

from branch_consult.analysis.staff_review.result import (
    Person,
    PersonReview,
    ReviewSettings,
    StaffReview,
)
from branch_consult.analysis.staff_review.review import review, unknown_staff

__all__ = ["Person", "PersonReview", "ReviewSettings", "StaffReview", "review", "unknown_staff"]
