"""Language-free results: what a playbook computed, before any wording.

A playbook's flow is `analyse(data, settings) → result → report sections(result, lang)`;
this package holds the result objects (typed dataclasses, no words, no pseudonyms) and
a disk cache so a zh + en pair of one deliverable computes its result once.
"""

from branch_consult.results.branch_diagnostic import (
    METRICS,
    BankContext,
    BranchDiagnostic,
    DiagnosticSettings,
    DiagnosticTables,
    bank_context,
    diagnose,
)
from branch_consult.results.cache import ResultCache, cached_diagnose

__all__ = [
    "METRICS",
    "BankContext",
    "BranchDiagnostic",
    "DiagnosticSettings",
    "DiagnosticTables",
    "ResultCache",
    "bank_context",
    "cached_diagnose",
    "diagnose",
]
