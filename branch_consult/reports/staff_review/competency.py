"""Competency fit: a radar of scores against the role's required levels, the gap, and the best-fit ranking."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from branch_consult import charts
from branch_consult.analysis.staff_review import PersonReview, StaffReview
from branch_consult.display import Callout
from branch_consult.reports.staff_review import labels as L
from branch_consult.reports.staff_review.common import (
    Objects,
    base_fig,
    day,
    figure,
    heading,
    pseudonymiser,
    role,
    table,
    who,
)


def radar_chart(pr: PersonReview, lang: str) -> go.Figure:
    """Required level and assessed score on each competency of the person's own role profile."""
    gap = pr.gap
    axis = gap["competency"].tolist()
    closed = axis + axis[:1]
    fig = base_fig(420)
    fig.add_trace(
        go.Scatterpolar(
            r=gap["required"].tolist() + gap["required"].tolist()[:1],
            theta=closed,
            name=L.text("series_required", lang),
            mode="lines",
            line=dict(color=charts.BASE_COLOR, dash="dash", width=2),
        )
    )
    scores = gap["score"].tolist()
    fig.add_trace(
        go.Scatterpolar(
            r=scores + scores[:1],
            theta=closed,
            name=L.text("series_score", lang),
            mode="lines+markers",
            fill="toself",
            fillcolor="rgba(199,154,58,0.18)",
            line=dict(color=charts.HIGHLIGHT_COLOR, width=2.4),
        )
    )
    fig.update_layout(
        polar=dict(
            radialaxis=dict(range=[0, 5], dtick=1, gridcolor=charts.GRID_COLOR),
            angularaxis=dict(gridcolor=charts.GRID_COLOR),
        ),
        margin=dict(l=60, r=60, t=56, b=40),
    )
    return fig


def competency_section(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """Per person: radar, gap table, and every role profile ranked by fit (score defined in the note)."""
    p = pseudonymiser(r, lang, pseudonymise)
    out: Objects = [heading("competency", lang)]
    for pr in r.people:
        person = who(r, pr.person.staff_id, p)
        if pr.latest_assessment.empty or pr.gap.empty:
            out.append(Callout(style="tip", text=L.text("no_assessment", lang, person=person)))
            continue
        out.append(
            figure(
                radar_chart(pr, lang),
                L.text("radar_caption", lang, person=person, role=role(pr.person.role, lang)),
                L.text("src_assess", lang),
            )
        )
        gap = pr.gap.assign(
            met=[L.text("yes" if m else "no", lang) if pd.notna(m) else "–" for m in pr.gap["met"]]
        )
        out.append(
            table(
                gap,
                L.text(
                    "gap_caption", lang, person=person, date=day(pr.latest_assessment["date"].max())
                ),
                [
                    ("competency", "col_competency", "text"),
                    ("required", "col_required", "int"),
                    ("score", "col_score", "int"),
                    ("gap", "col_gap", "int"),
                    ("met", "col_met", "text"),
                ],
                lang,
                source=L.text("src_assess", lang),
                highlight=[i for i, g in enumerate(pr.gap["gap"]) if pd.notna(g) and g < 0],
            )
        )
        fits = pr.fits[pr.fits["assessed"] > 0]
        shown = fits.assign(
            role=[role(x, lang) for x in fits["role"]],
            own_role=[L.text("yes" if o else "no", lang) for o in fits["own_role"]],
        )
        better = set(pr.better["role"])
        out.append(
            table(
                shown,
                L.text("fit_caption", lang, person=person),
                [
                    ("role", "col_role", "text"),
                    ("fit", "col_fit", "pct0"),
                    ("coverage", "col_coverage", "pct0"),
                    ("assessed", "col_assessed", "int"),
                    ("competencies", "col_count", "int"),
                    ("met", "col_met_count", "int"),
                    ("mean_shortfall", "col_shortfall", "float1"),
                    ("own_role", "col_own", "text"),
                ],
                lang,
                source=L.text("src_assess", lang),
                note=L.text("fit_note", lang),
                highlight=[i for i, x in enumerate(fits["role"]) if x in better],
            )
        )
    return out
