"""On the committed sample bank, each planted pattern is among its branch's top findings,
and the healthy branch raises none of those alarms."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest

from branch_consult.data import open_dataset, sample_path
from branch_consult.results import DiagnosticSettings, bank_context, diagnose

PLANTED = json.loads((sample_path() / "planted.json").read_text(encoding="utf-8"))
PATTERN_RULES = {
    "lunch_queue": "lunchtime_waits",
    "unowned_top": "unattended_top_tier",
    "outflow": "large_outflows",
    "underperformer": "underperformer_kept",
    "top_performer_lost": "top_performer_exit",
}


@pytest.fixture(scope="module")
def diagnostics():
    ds = open_dataset(sample_path())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bank = bank_context(ds)
        return {b: diagnose(ds, DiagnosticSettings(branch_id=b), bank) for b in ds.branch_ids()}


@pytest.mark.parametrize("pattern", sorted(PATTERN_RULES))
def test_planted_pattern_is_a_top_finding(diagnostics, pattern):
    branch = PLANTED[pattern]["branch_id"]
    findings = diagnostics[branch].findings
    top = [f.rule_id for f in findings[:5]]
    assert PATTERN_RULES[pattern] in top, f"{branch}: {[(f.rule_id, f.severity) for f in findings]}"
    hit = next(f for f in findings if f.rule_id == PATTERN_RULES[pattern])
    assert hit.severity == "high"


def test_healthy_branch_has_no_alarm_of_those_kinds(diagnostics):
    healthy = diagnostics[PLANTED["healthy_branch"]]
    alarms = {f.rule_id for f in healthy.findings} & set(PATTERN_RULES.values())
    assert not alarms, [(f.rule_id, f.value) for f in healthy.findings]


def test_pattern_alarms_do_not_fire_everywhere(diagnostics):
    """A rule that fires in most branches is noise, not a finding."""
    for rule in PATTERN_RULES.values():
        fired = [b for b, d in diagnostics.items() if any(f.rule_id == rule for f in d.findings)]
        assert len(fired) <= 3, f"{rule} fired in {fired}"


def test_planted_staff_are_named_in_the_evidence(diagnostics):
    under = PLANTED["underperformer"]
    d = diagnostics[under["branch_id"]]
    assert under["staff_id"] in set(d.tables.breaches["staff_id"])
    outflow = d = diagnostics[PLANTED["outflow"]["branch_id"]]
    assert outflow.metrics["outflow_customers"] >= 1


GOLDEN = Path(__file__).parent.parent / "golden" / "sample_findings.json"


def _summary(diagnostics) -> dict:
    """Rule, severity and the triggering value (rounded) per branch: no timestamps, no wording."""
    return {
        b: [[f.rule_id, f.severity, round(f.value, 3)] for f in d.findings]
        for b, d in sorted(diagnostics.items())
    }


def test_findings_match_the_golden_file(diagnostics):
    """Any change in what the sample bank's diagnostics find is deliberate: regenerate with
    BC_UPDATE_GOLDEN=1 pytest tests/test_diagnostic_findings.py and review the diff."""
    current = _summary(diagnostics)
    if os.environ.get("BC_UPDATE_GOLDEN"):
        GOLDEN.write_text(
            json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    assert current == json.loads(GOLDEN.read_text(encoding="utf-8"))
