"""Worded findings: rules that turn a branch's metrics into findings and actions (zh/en)."""

from branch_consult.findings.engine import Finding, Rule, evaluate, load_rules

__all__ = ["Finding", "Rule", "evaluate", "load_rules"]
