"""What every section of the case review shares: language, the one pseudonymiser, people as shown,
rule wording filled from facts.

Personal data is pseudonymised in the data before any wording: ids and names become
tokens (`Pseudonymiser.token(staff_id, "staff")`) in the frames and values that the
sentences and tables are built from, and staff names inside free-text event notes are
replaced by the same tokens.  One Pseudonymiser per review and language, so a person
has one token across every section of the report.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown

from branch_consult import charts
from branch_consult.analysis.staff_review import PersonReview, StaffReview
from branch_consult.display import Figure
from branch_consult.formats import format_value
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports import labels as DL
from branch_consult.reports.blocks import chart_figure, labelled_table
from branch_consult.reports.staff_review import labels as L

Objects = list[Any]
#: (column, label key, format)
#: target metrics counted in yuan (shown in 万); the others are counts
MONEY_METRICS = {"deposits", "aum", "wealth_sales", "fund_sales", "insurance_sales"}

_PSEUDONYMISERS: dict[tuple[int, str, bool], tuple[weakref.ref, Pseudonymiser]] = {}


def pseudonymiser(r: StaffReview, lang: str, enabled: bool = True) -> Pseudonymiser:
    """The one pseudonymiser of this review in `lang` (a person keeps one token across sections)."""
    key = (id(r), lang, enabled)
    entry = _PSEUDONYMISERS.get(key)
    if entry is None or entry[0]() is not r:

        def forget(_ref: weakref.ref, key: tuple[int, str, bool] = key) -> None:
            _PSEUDONYMISERS.pop(key, None)

        _PSEUDONYMISERS[key] = (weakref.ref(r, forget), Pseudonymiser(lang=lang, enabled=enabled))
    return _PSEUDONYMISERS[key][1]


def who(r: StaffReview, staff_id: object, p: Pseudonymiser) -> str:
    """A person as the report shows them: a token when pseudonymising, else 'name (id)'."""
    if (
        staff_id is None
        or (isinstance(staff_id, float) and math.isnan(staff_id))
        or str(staff_id) in ("", "None", "nan")
    ):
        return "–"
    names = r.directory.set_index(r.directory["staff_id"].astype(str))["name"]
    name = names.get(str(staff_id))
    if p.enabled:
        return p.token(str(staff_id), "staff", name=name)  # the name goes to the key file only
    return f"{name}（{staff_id}）" if name is not None else str(staff_id)


def heading(key: str, lang: str) -> Markdown:
    """A section heading (fixed wording only)."""
    return Markdown(L.heading(key, lang))


def role(code: object, lang: str) -> str:
    return DL.label(DL.ROLE_LABELS, code, lang)


def metric(code: object, lang: str) -> str:
    return DL.label(DL.TARGET_METRIC_LABELS, code, lang)


def metric_format(code: object) -> str:
    return "wan" if str(code) in MONEY_METRICS else "int"


def fmt(value: Any, kind: str, lang: str) -> str:
    return format_value(value, kind, lang)


def day(value: Any) -> str:
    """A date as YYYY-MM-DD ('–' when missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return pd.Timestamp(value).strftime("%Y-%m-%d")


#: a Table of the spec's columns that exist in `frame`, labelled in `lang`
table = labelled_table(L.text)


def figure(fig: go.Figure, caption: str, source: str) -> Figure:
    """A Figure display object, as tall as the chart was laid out."""
    return chart_figure(fig, caption, source)


def base_fig(height: int) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=charts.TEMPLATE_NAME, height=height)
    return fig


def rule_values(pr: PersonReview, r: StaffReview, lang: str, p: Pseudonymiser) -> dict[str, Any]:
    """The facts a rule's wording may use, ready for a sentence: people as shown, roles and metrics
    as words, dates and amounts formatted.  Numbers stay numbers (the wording formats them)."""
    values: dict[str, Any] = {}
    for key, value in pr.facts.items():
        if isinstance(value, pd.Timestamp):
            values[key] = day(value)
        elif value is None:
            values[key] = "–"
        else:
            values[key] = value
    values["manager"] = who(r, pr.facts.get("manager"), p)

    def word(
        text: str,
    ) -> str:  # mid-sentence in English: "of deposits target", "the back office profile"
        return text.lower() if lang == "en" else text

    values["better_role"] = (
        word(role(pr.facts.get("better_role"), lang)) if pr.facts.get("better_role") else "–"
    )
    values["metric"] = word(metric(pr.main_metric, lang)) if pr.main_metric else "–"
    values["shortfall"] = fmt(pr.facts.get("shortfall"), metric_format(pr.main_metric), lang)
    return values


def fill(template: str, values: dict[str, Any]) -> str:
    """Rule wording filled from values; a missing or unformattable value shows as '–'."""
    import string

    class _Safe(string.Formatter):
        def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
            return kwargs.get(key, "–") if isinstance(key, str) else "–"

        def format_field(self, value: Any, format_spec: str) -> str:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return "–"
            try:
                return format(value, format_spec)
            except (ValueError, TypeError):
                return str(value)

    try:
        return _Safe().vformat(template, (), values)
    except (ValueError, IndexError, AttributeError):
        return template
