"""Finding rules: which fired on a branch's metrics (language-free), and their wording in zh or en."""

from branch_consult.findings.engine import (
    FiredRule,
    Rule,
    WordedFinding,
    evaluate,
    load_rules,
    word,
)

__all__ = ["FiredRule", "Rule", "WordedFinding", "evaluate", "load_rules", "word"]
