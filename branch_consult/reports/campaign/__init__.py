"""The campaign playbook as a report: plan-stage and review-stage sections, zh or en.

Each function takes the typed result (`campaign.CampaignPlanResult` or
`CampaignReviewResult`) and a language and returns display objects; the playbook
shows them cell by cell. Wording lives in `words`.
"""

from branch_consult.campaign import CampaignPlanResult, CampaignReviewResult
from branch_consult.reports.campaign.common import Objects, show
from branch_consult.reports.campaign.plan import (
    PLAN_SECTIONS,
    blank_leaderboard,
    design_section,
    groups_section,
    media_section,
    options_section,
    schedule_section,
    summary_section,
    targets_section,
)
from branch_consult.reports.campaign.review import (
    REVIEW_SECTIONS,
    leaderboard_section,
    next_time_section,
    progress_section,
    review_summary,
    uplift_section,
)

__all__ = [
    "PLAN_SECTIONS",
    "REVIEW_SECTIONS",
    "blank_leaderboard",
    "design_section",
    "groups_section",
    "leaderboard_section",
    "media_section",
    "next_time_section",
    "options_section",
    "progress_section",
    "review_summary",
    "schedule_section",
    "show",
    "summary_section",
    "targets_section",
    "uplift_section",
]

#: the sections of each stage in reading order; the playbook shows slot after slot
STAGES: dict[str, list[str]] = {"plan": list(PLAN_SECTIONS), "review": list(REVIEW_SECTIONS)}


def section(
    stage: str,
    slot: int,
    result: CampaignPlanResult | CampaignReviewResult,
    lang: str,
    pseudonymise: bool = True,
) -> Objects:
    """The `slot`-th section of `stage` (empty when the stage has fewer), so one notebook serves both stages."""
    names = STAGES[stage]
    if slot >= len(names):
        return []
    name = names[slot]
    if stage == "plan" and isinstance(result, CampaignPlanResult):
        return PLAN_SECTIONS[name](result, lang, pseudonymise)
    if stage == "review" and isinstance(result, CampaignReviewResult):
        return REVIEW_SECTIONS[name](result, lang, pseudonymise)
    raise TypeError(f"the {stage} stage has no sections for a {type(result).__name__}")


__all__ += ["STAGES", "section"]
