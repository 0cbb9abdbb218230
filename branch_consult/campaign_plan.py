"""A campaign plan: the small YAML document a marketing lead writes, validated with pydantic.

The plan is the campaign's single source of assumptions: period and phases, the
branches in scope, target groups as rules over the customer tables, goals, paid
channels with their prices and rates, options to compare and the test design. Every
problem is reported in one line with the YAML line number and the field path, and a
misspelt key gets a "did you mean", so a consultant can fix the file without reading
Python.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

PHASES = ("warm_up", "launch", "push", "review")
METRICS = ("deposits", "wealth_sales", "new_customers", "mobile_activations", "credit_cards", "aum")
#: operators a target-group rule may use
OPERATORS = ("==", "!=", "in", "not_in", ">=", ">", "<=", "<", "between", "has", "lacks")
PRODUCTS = ("deposit_demand", "deposit_time", "wealth", "fund", "insurance", "metal", "credit_card")


class PlanError(ValueError):
    """A plan file that cannot be used; `problems` are one-line messages naming line and field."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """Wording in both report languages."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Phase(_Strict):
    kind: Literal["warm_up", "launch", "push", "review"]
    start: dt.date
    end: dt.date
    share: float = Field(0.0, ge=0, le=1, description="share of the goal expected in this phase")

    @model_validator(mode="after")
    def _order(self) -> Phase:
        if self.end < self.start:
            raise ValueError(f"phase {self.kind} ends ({self.end}) before it starts ({self.start})")
        return self


class Rule(_Strict):
    """One condition over a customer attribute (see `analysis.campaign.groups.FEATURES`)."""

    column: str
    op: Literal["==", "!=", "in", "not_in", ">=", ">", "<=", "<", "between", "has", "lacks"]
    value: Any

    @model_validator(mode="after")
    def _shape(self) -> Rule:
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(f"operator {self.op} needs a list value, e.g. [a, b]")
        if self.op == "between" and not (isinstance(self.value, list) and len(self.value) == 2):
            raise ValueError("operator between needs [low, high]")
        if self.op in ("has", "lacks") and self.value not in PRODUCTS:
            raise ValueError(f"operator {self.op} needs a product: {', '.join(PRODUCTS)}")
        return self


class TargetGroup(_Strict):
    id: str
    label: Text
    rules: list[Rule] = Field(min_length=1)


class Goal(_Strict):
    metric: Literal[
        "deposits", "wealth_sales", "new_customers", "mobile_activations", "credit_cards", "aum"
    ]
    target: float = Field(gt=0)
    unit: float = Field(
        1.0, gt=0, description="targets are rounded to multiples of this (e.g. 10000 yuan)"
    )


class SplitWeights(_Strict):
    """How a network goal is shared: by potential (target-group size) and by history (past actuals)."""

    potential: float = Field(0.6, ge=0)
    history: float = Field(0.4, ge=0)
    potential_by: Literal["aum", "customers"] = "aum"

    @model_validator(mode="after")
    def _some(self) -> SplitWeights:
        if self.potential + self.history <= 0:
            raise ValueError("potential and history weights cannot both be 0")
        return self


class CtrMultiplier(_Strict):
    """A format's CTR against the average, as the trade states it."""

    form: Literal["times", "plus_percent"]
    value: float = Field(gt=-100)

    def factor(self) -> float:
        """'2×' → 2.0; '+220%' → 3.2 (the base plus 220% of it)."""
        return self.value if self.form == "times" else 1.0 + self.value / 100.0


class Channel(_Strict):
    id: str
    label: Text
    billing: Literal["CPM", "CPC", "CPA"]
    price: float = Field(gt=0, description="yuan per 1,000 impressions, per click or per action")
    budget: float = Field(ge=0)
    min_budget: float = Field(0.0, ge=0)
    max_budget: float | None = Field(None, gt=0)
    ctr: float = Field(gt=0, le=1, description="average click-through rate")
    ctr_multiplier: CtrMultiplier | None = None
    lead_rate: float = Field(1.0, gt=0, le=1, description="leads per click")
    conversion: float = Field(gt=0, le=1, description="conversions per click")
    saturation: float | None = Field(
        None,
        gt=0,
        description="budget scale of diminishing returns: conversions = r·S·(1 − e^(−B/S))",
    )


class OptionRow(_Strict):
    option: str
    item: str
    quantity: float
    value_before: float
    value_after: float
    cost: float = 0.0


class Options(_Strict):
    caption: Text
    unit: Text = Text(zh="元", en="yuan")
    rows: list[OptionRow] = Field(min_length=2)


class TestDesign(_Strict):
    metric: Text = Text(zh="转化率", en="conversion rate")
    baseline: float = Field(gt=0, lt=1, description="expected control rate")
    expected: float = Field(gt=0, lt=1, description="expected treatment rate")
    ratio: float = Field(1.0, gt=0, description="treatment : control, e.g. 1.5 for 60/40")
    alpha: float = Field(0.05, gt=0, lt=0.5)
    power: float = Field(0.8, gt=0.5, lt=1)
    method: Literal["pooled_z", "cohen_h"] = "pooled_z"
    continuity: bool = False
    audience: int | None = Field(None, gt=1, description="customers available for the test (MDE)")
    looks: int = Field(1, ge=1, le=10, description="planned interim looks including the final one")
    boundary: Literal["obrien_fleming", "descriptive"] = "descriptive"

    @model_validator(mode="after")
    def _differ(self) -> TestDesign:
        if self.baseline == self.expected:
            raise ValueError("expected must differ from baseline")
        return self


class Review(_Strict):
    """What the review reads: the campaign id in campaign_results and the goal its amounts count to."""

    campaign_id: str
    goal: Literal[
        "deposits", "wealth_sales", "new_customers", "mobile_activations", "credit_cards", "aum"
    ]
    target: float | None = Field(
        None,
        gt=0,
        description="what the tracked customer list should deliver; default the whole goal",
    )
    bootstrap: int = Field(2000, ge=200, le=100_000)
    seed: int = 20260101


class Plan(_Strict):
    name: Text
    period: tuple[dt.date, dt.date]
    phases: list[Phase] = Field(min_length=1)
    branches: Literal["all"] | list[str] = "all"
    as_of: str | None = Field(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    target_groups: list[TargetGroup] = Field(min_length=1)
    goals: list[Goal] = Field(min_length=1)
    split: SplitWeights = SplitWeights()
    channels: list[Channel] = Field(default_factory=list)
    media_budget: float | None = Field(
        None, ge=0, description="total to allocate; default the channels' sum"
    )
    sensitivity: float = Field(
        0.2, gt=0, lt=1, description="± share each assumption is moved in the tornado"
    )
    options: Options | None = None
    test_design: TestDesign
    review: Review | None = None

    @field_validator("period")
    @classmethod
    def _period(cls, v: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
        if v[1] < v[0]:
            raise ValueError("period ends before it starts")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        kinds = [p.kind for p in self.phases]
        if len(set(kinds)) != len(kinds):
            raise ValueError("each phase kind appears once")
        for p in self.phases:
            if p.start < self.period[0] or p.end > self.period[1]:
                raise ValueError(f"phase {p.kind} lies outside the period")
        ids = [g.id for g in self.target_groups]
        if len(set(ids)) != len(ids):
            raise ValueError("target group ids must be unique")
        metrics = [g.metric for g in self.goals]
        if len(set(metrics)) != len(metrics):
            raise ValueError("one goal per metric")
        cids = [c.id for c in self.channels]
        if len(set(cids)) != len(cids):
            raise ValueError("channel ids must be unique")
        if self.review and self.review.goal not in metrics:
            raise ValueError(
                f"review.goal {self.review.goal} is not one of the goals ({', '.join(metrics)})"
            )
        if self.options:
            names = {r.option for r in self.options.rows}
            if len(names) < 2:
                raise ValueError("options need at least two different options to compare")
        return self

    def goal(self, metric: str) -> Goal:
        return next(g for g in self.goals if g.metric == metric)

    def total_media_budget(self) -> float:
        return (
            self.media_budget
            if self.media_budget is not None
            else sum(c.budget for c in self.channels)
        )


# ------------------------------------------------------------------ loading


def shipped_plans_dir() -> Path:
    """The worked plans committed with the project (`data_samples/campaigns`)."""
    from branch_consult.data import sample_path

    return sample_path().parent / "campaigns"


def default_plan_path() -> Path:
    """The plan a playbook uses when none is given: the shipped deposit drive."""
    return shipped_plans_dir() / "deposit_drive.yaml"


#: where a value sits in a YAML file: mapping keys and sequence positions from the top
YamlPath = tuple[str | int, ...]


def _line_index(node: yaml.Node, path: YamlPath = ()) -> dict[YamlPath, int]:
    """YAML node path → 1-based line, for every mapping key and sequence item."""
    lines = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, key.value)
            lines[sub] = key.start_mark.line + 1
            for k, v in _line_index(value, sub).items():
                if k != sub:
                    lines[k] = v
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.update(_line_index(item, (*path, i)))
    return lines


def _model_at(path: YamlPath) -> type[BaseModel] | None:
    """The pydantic model whose fields live at `path` (for did-you-mean suggestions)."""
    model: Any = Plan
    for part in path:
        if isinstance(part, int):
            continue
        field = (
            model.model_fields.get(part)
            if isinstance(model, type) and issubclass(model, BaseModel)
            else None
        )
        if field is None:
            return None
        ann = field.annotation
        model = _inner_model(ann)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def parse_plan(text: str, source: str = "plan") -> Plan:
    """Validate a plan's YAML text; PlanError with every problem (line, field, what was expected)."""
    try:
        node = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PlanError([f"{source}{where}: not valid YAML ({problem})"]) from None
    if not isinstance(raw, dict) or node is None:
        raise PlanError([f"{source}: a plan is a mapping of fields (name, period, phases, ...)"])
    lines = _line_index(node)
    try:
        return Plan.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(
                p
                for p in err["loc"]
                if not (isinstance(p, str) and p.startswith(("function-after", "literal")))
            )
            field = ".".join(str(p) for p in loc) or "(top level)"
            line = next((lines[loc[:i]] for i in range(len(loc), -1, -1) if loc[:i] in lines), None)
            where = f" line {line}" if line else ""
            if err["type"] == "extra_forbidden":
                model = _model_at(loc[:-1])
                near = (
                    difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1)
                    if model
                    else []
                )
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                valid = f"; valid keys: {', '.join(model.model_fields)}" if model else ""
                problems.append(f"{source}{where}: unknown key {field!r}{hint}{valid}")
            else:
                msg = err["msg"].removeprefix("Value error, ")
                problems.append(f"{source}{where}: {field}: {msg} (got {_show(err.get('input'))})")
        raise PlanError(problems) from None


def load_plan(path: str | Path | None = None) -> Plan:
    """Read and validate a plan file (empty: the shipped deposit drive)."""
    file = Path(path) if path not in (None, "") else default_plan_path()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError([f"cannot read plan {file}: {exc.strerror}"]) from None
    return parse_plan(text, source=str(file.name))


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
