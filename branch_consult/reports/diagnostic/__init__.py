"""The branch diagnostic as a report: a language-free `BranchDiagnostic`, worded for one reader
(`word_report(result, lang)` → `DiagnosticReport`), then each section as display objects.

A playbook cell calls one function per section and displays what it returns: a
Markdown heading (fixed wording only), a short narrative computed from the metrics
(in a `Callout`, so data values are escaped), then tables and charts.  Every data
value travels inside a display object, never inside Markdown, so exporters can
escape it for HTML and sanitise it for Word.  Customer and staff lists are
pseudonymised by default (see `pseudonyms`).

One module per section (`summary`, `deposits`, `tiers`, `cross_sell`, `channel`,
`lobby`, `referrals`, `targets`, `actions`), what they share in `common`,
`wording` (result → report in one language) and `pseudonyms`, the peer-rule names in `peer_rules`, the reading order in `report`.
"""

from branch_consult.reports.diagnostic.actions import action_plan
from branch_consult.reports.diagnostic.channel import channel_section
from branch_consult.reports.diagnostic.cross_sell import cross_sell_section
from branch_consult.reports.diagnostic.deposits import deposits_section
from branch_consult.reports.diagnostic.lobby import lobby_section
from branch_consult.reports.diagnostic.peer_rules import PEER_RULES, peer_rule
from branch_consult.reports.diagnostic.referrals import referrals_section
from branch_consult.reports.diagnostic.report import SECTIONS, full_report, show
from branch_consult.reports.diagnostic.summary import (
    executive_summary,
    introduction,
    scorecard_section,
)
from branch_consult.reports.diagnostic.targets import targets_section
from branch_consult.reports.diagnostic.tiers import tiers_section
from branch_consult.reports.diagnostic.wording import word_report

__all__ = [
    "PEER_RULES",
    "SECTIONS",
    "action_plan",
    "channel_section",
    "cross_sell_section",
    "deposits_section",
    "executive_summary",
    "full_report",
    "introduction",
    "lobby_section",
    "peer_rule",
    "referrals_section",
    "scorecard_section",
    "show",
    "targets_section",
    "tiers_section",
    "word_report",
]
