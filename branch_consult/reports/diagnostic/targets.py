"""The targets section: completion against time elapsed, the leaderboard, staff kept past (or lost despite) the policy."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from branch_consult import charts
from branch_consult.display import Callout
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports import labels
from branch_consult.reports.diagnostic.common import (
    MAX_LIST_ROWS,
    DiagnosticReport,
    Objects,
    as_number,
    figure,
    formatted,
    has_value,
    heading,
    mapped,
    report_lang,
    section_frame,
    table,
)
from branch_consult.reports.diagnostic.pseudonyms import list_note, staff_column

#: target metrics counted in yuan (shown in 万); the others are counts
_METRIC_FORMATS = {
    "deposits": "wan",
    "aum": "wan",
    "wealth_sales": "wan",
    "fund_sales": "wan",
    "insurance_sales": "wan",
}


def _with_role_labels(shown: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame with its role codes (if any) as labels in `lang`."""
    if "role" in shown:
        shown["role"] = mapped(shown["role"], labels.ROLE_LABELS, lang)
    return shown


def targets_section(d: DiagnosticReport) -> Objects:
    """Completion against time elapsed, the leaderboard, and staff kept past (or lost despite) the policy."""
    lang = report_lang(d)
    m = d.metrics
    p = d.people
    out: Objects = [heading("targets", lang)]
    progress = section_frame(d, "target_progress")
    if progress is None:
        out.append(Callout(style="note", text=labels.text("tg_none", lang)))
        return out
    completion, elapsed = m.get("target_completion"), m.get("time_elapsed")
    dep = progress[progress["metric"] == "deposits"] if "metric" in progress else progress.iloc[:0]
    if not has_value(completion) and len(dep):
        completion, elapsed = dep["completion"].iloc[0], dep["time_elapsed"].iloc[0]
    if has_value(completion):
        out.append(
            Callout(
                style="warning" if as_number(m.get("pace_gap")) >= 0.05 else "note",
                text=labels.text(
                    "tg_narr",
                    lang,
                    completion=formatted(completion, "pct1", lang),
                    elapsed=formatted(elapsed, "pct1", lang),
                ),
            )
        )
    if {"metric", "completion"} <= set(progress.columns):
        out.extend(_progress(progress.dropna(subset=["completion"]), lang))
    out.extend(_leaderboard(d, p, lang))
    out.extend(_breaches(d, p, lang))
    out.extend(_exits(d, p, lang))
    return out


def _progress(rows: pd.DataFrame, lang: str) -> Objects:
    """Completion per target metric, as a chart against time elapsed and as a table."""
    if not len(rows):
        return []
    labels_ = [labels.label(labels.TARGET_METRIC_LABELS, x, lang) for x in rows["metric"]]
    fig = charts.bar_chart(
        labels_,
        rows["completion"].astype("float64").tolist(),
        value_title=labels.text("tg_completion", lang),
        value_format="pct1",
        lang=lang,
        height=380,
    )
    if "time_elapsed" in rows and has_value(rows["time_elapsed"].iloc[0]):
        te = float(rows["time_elapsed"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=labels_,
                y=[te] * len(labels_),
                mode="lines",
                line=dict(color="#7d8b99", width=2, dash="dash"),
                name=f"{labels.text('tg_elapsed', lang)} {formatted(te, 'pct0', lang)}",
            )
        )
        fig.update_layout(showlegend=True)
        fig.update_traces(
            marker_color=[
                charts.NEGATIVE_COLOR if c < te else charts.PALETTE[0]
                for c in rows["completion"].astype("float64")
            ],
            name=labels.text("tg_completion", lang),
            selector=dict(type="bar"),
        )
    out: Objects = [
        figure(fig, labels.text("tg_progress_caption", lang), labels.source("targets", lang))
    ]
    units = [_METRIC_FORMATS.get(str(x), "int") for x in rows["metric"]]
    shown = rows.assign(
        metric=labels_,
        annual_target=[
            formatted(v, f, lang) for v, f in zip(rows["annual_target"], units, strict=True)
        ],
        actual_ytd=[formatted(v, f, lang) for v, f in zip(rows["actual_ytd"], units, strict=True)],
    )
    spec = [
        ("metric", "col_metric", "text"),
        ("annual_target", "col_target", "text"),
        ("actual_ytd", "col_actual", "text"),
        ("completion", "col_completion", "pct1"),
        ("time_elapsed", "col_elapsed", "pct1"),
    ]
    out.append(
        table(
            shown,
            labels.text("tg_progress_caption", lang),
            spec,
            lang,
            source=labels.source("targets", lang),
            highlight=[
                i
                for i, c in enumerate(rows["completion"])
                if c < as_number(rows["time_elapsed"].iloc[0])
            ],
        )
    )
    return out


def _leaderboard(d: DiagnosticReport, p: Pseudonymiser, lang: str) -> Objects:
    """Staff ranked by completion this month, those behind pace highlighted."""
    board = section_frame(d, "leaderboard")
    if board is None:
        return []
    id_col = "staff_id" if "staff_id" in board else "id"
    shown = board.head(MAX_LIST_ROWS).copy()
    shown["staff"] = staff_column(shown, id_col, p)
    shown = _with_role_labels(shown, lang)
    if "rank" in shown:
        shown["rank"] = shown["rank"].astype("Float64")
    spec = [
        ("rank", "col_rank", "int"),
        ("staff", "col_staff", "text"),
        ("role", "col_role", "text"),
        ("completion", "col_completion", "pct1"),
        ("ytd_completion", "col_completion", "pct1"),
    ]
    spec = [s for s in spec if not (s[0] == "ytd_completion" and "completion" in shown)]
    behind = [
        i
        for i, b in enumerate(shown.get("behind_pace", pd.Series(dtype=bool)).tolist())
        if b is True
    ]
    note = " ".join(
        x
        for x in (
            labels.text("tg_behind_note", lang) if behind else "",
            list_note(len(board), len(shown), lang, p.enabled) or "",
        )
        if x
    )
    return [
        table(
            shown,
            labels.text("tg_board_caption", lang, month=d.month),
            spec,
            lang,
            source=labels.source("targets", lang),
            highlight=behind,
            note=note or None,
        )
    ]


def _breaches(d: DiagnosticReport, p: Pseudonymiser, lang: str) -> Objects:
    """Staff past the policy's streak of missed targets, and what was done about them."""
    if d.metrics.get("staff_events_missing"):
        return [Callout(style="note", text=labels.text("tg_no_events", lang))]
    breaches = section_frame(d, "breaches")
    if breaches is not None and "breach" in breaches:
        breaches = breaches[breaches["breach"].astype(bool)]
    if breaches is None or not len(breaches):
        return []
    shown = breaches.copy()
    shown["staff"] = staff_column(shown, "staff_id", p)
    shown = _with_role_labels(shown, lang)
    if "metric" in shown:
        shown["metric"] = mapped(shown["metric"], labels.TARGET_METRIC_LABELS, lang)
    month_col = "fire_month" if "fire_month" in shown else "policy_month"
    spec = [
        ("staff", "col_staff", "text"),
        ("role", "col_role", "text"),
        ("metric", "col_metric", "text"),
        ("streak", "col_streak", "int"),
        (month_col, "col_policy_month", "month"),
        ("action_taken", "col_reviewed", "text"),
    ]
    return [
        table(
            shown,
            labels.text("tg_breach_caption", lang),
            spec,
            lang,
            source=labels.source("targets", lang),
            note=list_note(len(shown), len(shown), lang, p.enabled),
        )
    ]


def _exits(d: DiagnosticReport, p: Pseudonymiser, lang: str) -> Objects:
    """Staff who left, with how often they had been criticised in public."""
    exits = section_frame(d, "exits")
    if exits is None:
        return []
    shown = exits.copy()
    staff: list[Any] = (
        staff_column(shown, "staff_id", p)
        if "staff_id" in shown
        else [p.token(n, "staff") for n in shown["name"]]
        if p.enabled
        else shown["name"].tolist()
    )
    shown["staff"] = staff
    shown = _with_role_labels(shown, lang)
    spec = [
        ("staff", "col_staff", "text"),
        ("role", "col_role", "text"),
        ("public_criticisms", "col_criticisms", "int"),
        ("left_on", "col_left", "date"),
    ]
    return [
        table(
            shown,
            labels.text("tg_exit_caption", lang),
            spec,
            lang,
            source=labels.source("targets", lang),
            note=list_note(len(shown), len(shown), lang, p.enabled),
        )
    ]
