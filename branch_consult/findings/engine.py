"""Evaluate readable finding rules against one branch's metrics, then word what fired.

Evaluation is language-free (`evaluate` → `FiredRule`: rule, severity, value), so one
computed diagnostic serves a zh and an en report; wording (`word` → `WordedFinding`)
happens when a report section is built, from values already pseudonymised. Rules live in `rules.yaml` beside this module (or a consultant's own file): each names
a metric, the thresholds that make it a finding of some severity, and the wording of
title, evidence and action in zh and en.  No code is evaluated from the file: a
condition is a metric, an operator and a number, so a consultant can edit thresholds
without being able to break or subvert the report.
"""

from __future__ import annotations

import math
import operator
import re
import string
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

Severity = Literal["high", "medium", "low", "info"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}
DEFAULT_RULES = Path(__file__).with_name("rules.yaml")

_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq}


class Text(BaseModel):
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Level(BaseModel):
    op: Literal[">", ">=", "<", "<=", "=="]
    value: float
    severity: Severity


class Condition(BaseModel):
    metric: str
    op: Literal[">", ">=", "<", "<=", "=="]
    value: float


class Rule(BaseModel):
    """One finding rule; `levels` are tried in order, the first that holds sets severity."""

    id: str
    subject: str
    metric: str
    levels: list[Level]
    also: list[Condition] = Field(default_factory=list)  # extra conditions that must all hold
    title: Text
    evidence: Text
    action: Text
    owner_role: str = "branch_head"
    due_days: int = 30
    kpi: Text | None = None


class FiredRule(BaseModel):
    """A rule that fired for one branch: which rule, how severe, the triggering value. No words."""

    rule: Rule
    severity: Severity
    value: float

    @property
    def rule_id(self) -> str:
        return self.rule.id

    @property
    def subject(self) -> str:
        return self.rule.subject

    @property
    def owner_role(self) -> str:
        return self.rule.owner_role

    @property
    def due_days(self) -> int:
        return self.rule.due_days


class WordedFinding(BaseModel):
    """A fired rule in one language: title, evidence and action filled with the shown values."""

    rule_id: str
    subject: str
    severity: Severity
    title: str
    evidence: str
    action: str
    owner_role: str
    due_days: int
    kpi: str
    value: float


_MISSING = object()
_SIGNED_ZERO = re.compile(r"^[-+]((?:0[.,]?)0*%?)$")


class _Wording(string.Formatter):
    """Fills wording templates; a missing or unformattable metric shows as '–'."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(key, _MISSING) if isinstance(key, str) else _MISSING

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is _MISSING or value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        try:
            text = format(value, format_spec)
        except (ValueError, TypeError):
            return str(value)
        # a value that rounds to zero is shown without a sign: "0.0%", not "-0.0%"
        return _SIGNED_ZERO.sub(r"\1", text)


#: an optional part of a wording: "[[ (peers {peer_x:.2f})]]" is left out when a metric in it is missing
_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)
_FIELD = re.compile(r"\{(\w+)[^}]*\}")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _fmt(template: str, metrics: Mapping[str, object]) -> str:
    """The wording filled in; an optional [[...]] part is dropped when a metric in it is missing."""

    def part(m: re.Match[str]) -> str:
        return (
            "" if any(_missing(metrics.get(n)) for n in _FIELD.findall(m.group(1))) else m.group(1)
        )

    template = _OPTIONAL.sub(part, template)
    try:
        return _Wording().vformat(template, (), dict(metrics))
    except (ValueError, IndexError, AttributeError):
        return template  # a wording typo must not break the report


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Rules from a YAML file (default: the practice's rules shipped with the package)."""
    path = Path(path) if path else DEFAULT_RULES
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return [Rule.model_validate(item) for item in raw["rules"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValidationError) as exc:
        raise ValueError(f"finding rules in {path} cannot be read: {exc}") from None


def _holds(value: float, op: str, threshold: float) -> bool:
    return not math.isnan(value) and _OPS[op](value, threshold)


def _number(metrics: Mapping[str, object], name: str) -> float:
    value = metrics.get(name)
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def evaluate(metrics: Mapping[str, object], rules: list[Rule] | None = None) -> list[FiredRule]:
    """Rules that fire on one branch's metrics, most severe first; metrics missing from the map never fire."""
    fired: list[FiredRule] = []
    for rule in rules if rules is not None else load_rules():
        value = _number(metrics, rule.metric)
        if not all(_holds(_number(metrics, c.metric), c.op, c.value) for c in rule.also):
            continue
        level = next((lv for lv in rule.levels if _holds(value, lv.op, lv.value)), None)
        if level is None:
            continue
        fired.append(FiredRule(rule=rule, severity=level.severity, value=value))
    fired.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    return fired


def word(fired: FiredRule, values: Mapping[str, object], lang: str) -> WordedFinding:
    """One fired rule worded in `lang`, its templates filled from `values` (metrics as shown to the reader).

    `values` must already hold what the reader may see: pseudonyms instead of names,
    channel and hand-off words in `lang` instead of codes.
    """
    rule = fired.rule
    return WordedFinding(
        rule_id=rule.id,
        subject=rule.subject,
        severity=fired.severity,
        title=_fmt(rule.title.get(lang), values),
        evidence=_fmt(rule.evidence.get(lang), values),
        action=_fmt(rule.action.get(lang), values),
        owner_role=rule.owner_role,
        due_days=rule.due_days,
        kpi=rule.kpi.get(lang) if rule.kpi else rule.metric,
        value=fired.value,
    )
