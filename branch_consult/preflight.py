"""Playbook-specific checks run before any kernel starts, after the parameters are validated.

The parameter schema checks names, types and choices; some playbooks also read a
document named by a parameter (a campaign plan) that must fit the data. A check is a
function (validated parameters, dataset opener) → list of one-line problems; a
playbook registers one here by name. Problems are raised as a ParameterError, so the
CLI exits with code 2 and no kernel or output file is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from branch_consult.params import ParameterError

Check = Callable[[Mapping[str, Any], Callable[[], Any]], list[str]]


def _campaign_plan(params: Mapping[str, Any], dataset: Callable[[], Any]) -> list[str]:
    from branch_consult.campaign import plan_problems
    from branch_consult.campaign_plan import PlanError, load_plan

    try:
        plan = load_plan(params.get("plan") or None)
    except PlanError as exc:
        return [f"parameter 'plan': {p}" for p in exc.problems]
    return plan_problems(dataset(), plan, str(params.get("stage", "plan")))


#: playbook name → its check. A new check is one entry.
CHECKS: dict[str, Check] = {"campaign_plan": _campaign_plan}


def check(playbook: str, params: Mapping[str, Any], dataset: Callable[[], Any]) -> None:
    """Raise ParameterError listing every problem the playbook's check finds (none registered: pass)."""
    fn = CHECKS.get(playbook)
    if fn is None:
        return
    problems = fn(params, dataset)
    if problems:
        raise ParameterError(problems)
