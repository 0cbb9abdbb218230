"""What every report section shares: the report language, headings, value formatting, tables and figures.

Data values only ever travel inside display objects (Table, Figure, Callout...), never
inside Markdown, so exporters can escape them for HTML and sanitise them for Word.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, SupportsFloat, SupportsIndex

import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown

from branch_consult import charts
from branch_consult.analysis.peers import PeerGroup
from branch_consult.display import Callout, Figure, Finding, Scorecard, Table
from branch_consult.findings import WordedFinding
from branch_consult.formats import format_value
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports import labels
from branch_consult.reports.blocks import chart_figure, labelled_table
from branch_consult.results import (
    BankContext,
    BranchDiagnostic,
    DiagnosticSettings,
    DiagnosticTables,
)

#: one thing a section shows: a heading (fixed wording, Markdown) or a display object
Shown = Markdown | Table | Figure | Finding | Scorecard | Callout
#: a section as returned to the playbook: a heading, then display objects
Objects = list[Shown]
#: table columns to show: (column, label key, format)
#: at most this many rows of a customer or staff list
MAX_LIST_ROWS = 20


@dataclass
class DiagnosticReport:
    """One computed diagnostic as one reader sees it: in one language, people as shown, findings worded.

    Built by `wording.word_report(result, lang, ...)`; every section function reads it.
    The language-free `result` is shared by the zh and en reports of a branch.
    """

    result: BranchDiagnostic
    lang: str
    people: Pseudonymiser  # tokens (or names, when pseudonymisation is off) for customers and staff
    metrics: dict[
        str, Any
    ]  # the result's metrics as shown: codes in words, staff as tokens or names
    findings: list[WordedFinding]  # most severe first
    delivered_on: date  # the action plan's due dates count from here

    @property
    def tables(self) -> DiagnosticTables:
        return self.result.tables

    @property
    def settings(self) -> DiagnosticSettings:
        return self.result.settings

    @property
    def bank(self) -> BankContext:
        return self.result.bank

    @property
    def branch(self) -> dict[str, Any]:
        return self.result.branch

    @property
    def peer_group(self) -> PeerGroup:
        return self.result.peer_group

    @property
    def scorecard(self) -> pd.DataFrame:
        return self.result.scorecard

    @property
    def month(self) -> str:
        return self.result.month

    @property
    def comparison_month(self) -> str:
        return self.result.comparison_month


def report_lang(d: DiagnosticReport) -> str:
    """The report language (zh or en)."""
    return "en" if d.lang == "en" else "zh"


def heading(key: str, lang: str) -> Markdown:
    """A section heading: fixed wording only, so Markdown is safe."""
    return Markdown(labels.heading(key, lang))


def formatted(value: object, fmt: str, lang: str) -> str:
    """A value as a reader sees it (万 for money, % for shares...)."""
    return format_value(value, fmt, lang)


def as_number(value: object) -> float:
    """A float, or NaN when the value is missing or not a number."""
    if not isinstance(value, str | SupportsFloat | SupportsIndex):
        return math.nan
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def has_value(value: object) -> bool:
    """True when the value is a number (not missing, not NaN)."""
    return not math.isnan(as_number(value))


def label_column(lang: str) -> str:
    """The column of an analysis frame that holds labels in `lang`."""
    return "label_zh" if lang == "zh" else "label_en"


def section_frame(d: DiagnosticReport, key: str) -> pd.DataFrame | None:
    """An analysis table of the diagnostic if it has it and it has rows."""
    frame = getattr(d.tables, key)
    return frame if isinstance(frame, pd.DataFrame) and len(frame) else None


def mapped(series: pd.Series, table: Mapping[str, Mapping[str, str]], lang: str) -> pd.Series:
    """Codes replaced by their labels in `lang` (non-text values kept as they are)."""
    return series.map(lambda v: labels.label(table, v, lang) if isinstance(v, str) else v).astype(
        "object"
    )


def tier_labels(series: pd.Series, lang: str) -> list[str]:
    """Tier codes as labels in `lang`."""
    return [labels.label(labels.TIER_LABELS, t, lang) for t in series.astype(str)]


#: a Table of the spec's columns that exist in `frame`, labelled in `lang`
table = labelled_table(labels.text)


def figure(fig: go.Figure, caption: str, source: str, height: int | None = None) -> Figure:
    """A Figure display object, as tall as the chart was laid out."""
    return chart_figure(fig, caption, source, height)


def base_fig(height: int) -> go.Figure:
    """An empty chart in the house template, for charts `branch_consult.charts` does not draw."""
    fig = go.Figure()
    fig.update_layout(template=charts.TEMPLATE_NAME, height=height)
    return fig
