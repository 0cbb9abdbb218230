"""What the campaign report sections share: tables from frames, figures, formatted values."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown

from branch_consult import charts
from branch_consult.display import Figure
from branch_consult.formats import format_value
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports.blocks import chart_figure, labelled_table
from branch_consult.reports.campaign import words as campaign_words

Objects = list[Any]
#: a column to show: (frame column, label key, format)
MONEY_METRICS = {"deposits", "wealth_sales", "aum"}
#: a staff list longer than this is cut in the document (a large network prints per-branch lists instead)
MAX_STAFF_ROWS = 300


def heading(key: str, lang: str) -> Markdown:
    """A heading: fixed wording only."""
    return Markdown(campaign_words.heading(key, lang))


def fmt(value: Any, kind: str, lang: str) -> str:
    return format_value(value, kind, lang)


def metric_format(metric: str) -> str:
    """Money goals in 万 (wan), counts as whole numbers."""
    return "wan" if metric in MONEY_METRICS else "int"


#: a Table of the spec's columns that exist in `frame`, labelled in `lang`
table = labelled_table(campaign_words.label)


def figure(fig: go.Figure, caption: str, source: str) -> Figure:
    """A Figure display object, as tall as the chart was laid out."""
    return chart_figure(fig, caption, source)


def base_fig(height: int) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=charts.TEMPLATE_NAME, height=height)
    return fig


def group_labels(plan: Any, lang: str) -> dict[str, str]:
    """Group id → its label in `lang` (plus the union row)."""
    out = {g.id: g.label.get(lang) for g in plan.target_groups}
    out["_any"] = campaign_words.code("_any", lang)
    return out


def channel_labels(plan: Any, lang: str) -> dict[str, str]:
    out = {c.id: c.label.get(lang) for c in plan.channels}
    out["_total"] = campaign_words.code("_total", lang)
    return out


def show(objects: Objects) -> None:
    """Display a section's objects one after another (a playbook cell's only line)."""
    from IPython.display import display

    for obj in objects:
        display(obj)


def keyed_row(frame: pd.DataFrame, column: str, key: str) -> pd.Series:
    """The row whose `column` holds `key`, such as a total row ("_any", "_total").

    A Series even where an index lookup could return a frame (a repeated key).
    """
    return frame.loc[frame[column] == key].iloc[0]


def trim_staff(frame: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, str | None]:
    """At most MAX_STAFF_ROWS rows, with a note saying how many were left out."""
    if len(frame) <= MAX_STAFF_ROWS:
        return frame, None
    note = (
        f"仅列出前 {MAX_STAFF_ROWS} 人（共 {len(frame)} 人）；各网点名单请按网点分别输出。"
        if lang == "zh"
        else f"First {MAX_STAFF_ROWS} of {len(frame)} staff; print per-branch lists for the rest."
    )
    return frame.head(MAX_STAFF_ROWS), note


def shown_staff(frame: pd.DataFrame, lang: str, pseudonymise: bool) -> pd.DataFrame:
    """Staff rows as a report shows them: ids as pseudonyms (unless off), roles in `lang`."""
    pseud = Pseudonymiser(lang=lang, enabled=pseudonymise)
    return frame.assign(
        id=pseud.series(frame["id"], "staff"),
        role=frame["role"].map(lambda c: campaign_words.code(c, lang)),
    )
