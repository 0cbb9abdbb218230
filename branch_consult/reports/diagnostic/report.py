"""The whole report: the sections in reading order, and how a playbook cell shows one."""

from __future__ import annotations

from collections.abc import Callable

from branch_consult.reports.diagnostic.actions import action_plan
from branch_consult.reports.diagnostic.channel import channel_section
from branch_consult.reports.diagnostic.common import DiagnosticReport, Objects
from branch_consult.reports.diagnostic.cross_sell import cross_sell_section
from branch_consult.reports.diagnostic.deposits import deposits_section
from branch_consult.reports.diagnostic.lobby import lobby_section
from branch_consult.reports.diagnostic.referrals import referrals_section
from branch_consult.reports.diagnostic.summary import executive_summary, scorecard_section
from branch_consult.reports.diagnostic.targets import targets_section
from branch_consult.reports.diagnostic.tiers import tiers_section

#: the report in reading order: section name → function(report)
SECTIONS: dict[str, Callable[..., Objects]] = {
    "summary": executive_summary,
    "scorecard": scorecard_section,
    "deposits": deposits_section,
    "tiers": tiers_section,
    "cross_sell": cross_sell_section,
    "channel": channel_section,
    "lobby": lobby_section,
    "referrals": referrals_section,
    "targets": targets_section,
    "actions": action_plan,
}


def show(objects: Objects) -> None:
    """Display a section's objects one after another (a playbook cell's only line)."""
    from IPython.display import display

    for obj in objects:
        display(obj)


def full_report(d: DiagnosticReport) -> Objects:
    """Every section in reading order (for batch use and tests; the playbook shows them cell by cell)."""
    out: Objects = []
    for section in SECTIONS.values():
        out.extend(section(d))
    return out
