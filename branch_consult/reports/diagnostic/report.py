"""The whole report: the sections in reading order, and how a playbook cell shows one."""

from __future__ import annotations

from collections.abc import Callable

from branch_consult.diagnostic import BranchDiagnostic
from branch_consult.reports.diagnostic.actions import action_plan
from branch_consult.reports.diagnostic.channel import channel_section
from branch_consult.reports.diagnostic.common import Objects
from branch_consult.reports.diagnostic.cross_sell import cross_sell_section
from branch_consult.reports.diagnostic.deposits import deposits_section
from branch_consult.reports.diagnostic.lobby import lobby_section
from branch_consult.reports.diagnostic.referrals import referrals_section
from branch_consult.reports.diagnostic.summary import executive_summary, scorecard_section
from branch_consult.reports.diagnostic.targets import targets_section
from branch_consult.reports.diagnostic.tiers import tiers_section

#: the report in reading order: section name → function(d, pseudonymise)
SECTIONS: dict[str, Callable[..., Objects]] = {
    "summary": executive_summary,
    "scorecard": lambda d, pseudonymise=True: scorecard_section(d),
    "deposits": deposits_section,
    "tiers": tiers_section,
    "cross_sell": cross_sell_section,
    "channel": lambda d, pseudonymise=True: channel_section(d),
    "lobby": lambda d, pseudonymise=True: lobby_section(d),
    "referrals": referrals_section,
    "targets": targets_section,
    "actions": action_plan,
}


def show(objects: Objects) -> None:
    """Display a section's objects one after another (a playbook cell's only line)."""
    from IPython.display import display

    for obj in objects:
        display(obj)


def full_report(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """Every section in reading order (for batch use and tests; the playbook shows them cell by cell)."""
    out: Objects = []
    for section in SECTIONS.values():
        out.extend(section(d, pseudonymise=pseudonymise))
    return out
