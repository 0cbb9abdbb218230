"""Flight risk: the score month by month, stacked by the signal it comes from, with the model on the page."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from branch_consult import charts
from branch_consult.analysis.staff_review import PersonReview, StaffReview
from branch_consult.analysis.staff_review import months as M
from branch_consult.display import Callout
from branch_consult.reports.staff_review import labels as L
from branch_consult.reports.staff_review.common import (
    Objects,
    base_fig,
    figure,
    heading,
    pseudonymiser,
    table,
    who,
)


def risk_chart(r: StaffReview, pr: PersonReview, lang: str) -> go.Figure:
    """Stacked bars of points per signal for each month, with the medium and high lines and the resignation."""
    months = pr.risk_scores["month"].tolist()
    fig = base_fig(400)
    for i, sig in enumerate(r.risk_model.signals):
        rows = pr.risk_contributions[pr.risk_contributions["signal"] == sig.id].set_index("month")[
            "points"
        ]
        fig.add_trace(
            go.Bar(
                x=months,
                y=[float(rows.get(m, 0.0)) for m in months],
                name=sig.label.get(lang),
                marker_color=charts.PALETTE[i % len(charts.PALETTE)],
            )
        )
    for key, colour in (("medium", "#d68910"), ("high", charts.NEGATIVE_COLOR)):
        level = r.risk_model.thresholds.get(key)
        if level is not None:
            fig.add_hline(
                y=level,
                line=dict(color=colour, dash="dot", width=1.5),
                annotation_text=L.text(f"risk_{key}_line", lang),
                annotation_position="top left",
                annotation_font=dict(size=11, color=colour),
            )
    resigned = pr.person.resigned_on or pr.person.left_on
    if resigned is not None and M.of(resigned) in months:
        fig.add_vline(x=M.of(resigned), line=dict(color=charts.NEGATIVE_COLOR, width=2))
        fig.add_annotation(
            x=M.of(resigned),
            y=0.98,
            yref="paper",
            text=L.text("resigned_marker", lang),
            showarrow=False,
            yanchor="top",
            xanchor="right",
            xshift=-4,
            font=dict(size=11, color=charts.NEGATIVE_COLOR),
        )
    fig.update_layout(barmode="stack", margin=dict(t=72))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title_text=L.text("risk_axis", lang))
    return fig


def risk_table(r: StaffReview, pr: PersonReview, person: str, lang: str):
    """Month × signal points, total and level; high months highlighted."""
    wide = pr.risk_contributions.pivot_table(
        index="month", columns="signal", values="points", aggfunc="sum"
    ).fillna(0.0)
    shown = pd.DataFrame({"month": pr.risk_scores["month"]})
    spec = [("month", "col_month", "text")]
    for sig in r.risk_model.signals:
        shown[sig.id] = [
            float(wide[sig.id].get(m, 0.0)) if sig.id in wide else 0.0 for m in shown["month"]
        ]
        spec.append((sig.id, "col_signal", "int"))
    shown["total"] = pr.risk_scores["score"].to_numpy()
    shown["level"] = [L.label(L.RISK_LABELS, x, lang) for x in pr.risk_scores["level"]]
    spec += [("total", "col_total", "int"), ("level", "col_level", "text")]
    tab = table(
        shown,
        L.text("risk_table_caption", lang, person=person),
        spec,
        lang,
        source=L.text("src_model", lang),
        highlight=[i for i, x in enumerate(pr.risk_scores["level"]) if x == "high"],
    )
    names = {s.id: s.label.get(lang) for s in r.risk_model.signals}
    for column in tab.columns:
        if column.key in names:
            column.label = names[column.key]
    return tab


def model_table(r: StaffReview, lang: str):
    rows = pd.DataFrame(
        {
            "signal": [s.label.get(lang) for s in r.risk_model.signals],
            "weight": [s.weight for s in r.risk_model.signals],
            "cap": [s.cap for s in r.risk_model.signals],
            "explain": [s.text(lang) for s in r.risk_model.signals],
        }
    )
    return table(
        rows,
        L.text("risk_model_caption", lang),
        [
            ("signal", "col_signal", "text"),
            ("weight", "col_weight", "int"),
            ("cap", "col_cap", "int"),
            ("explain", "col_explain", "text"),
        ],
        lang,
        source=L.text("src_model", lang),
    )


def flight_risk_section(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """Per person: the stacked monthly chart and its table; then the model itself."""
    p = pseudonymiser(r, lang, pseudonymise)
    out: Objects = [heading("flight_risk", lang)]
    for pr in r.people:
        person = who(r, pr.person.staff_id, p)
        if pr.risk_scores.empty or pr.completion.empty:
            out.append(Callout(style="tip", text=L.text("risk_none", lang, person=person)))
            continue
        out.append(
            figure(
                risk_chart(r, pr, lang),
                L.text("risk_caption", lang, person=person),
                L.text("src_model", lang),
            )
        )
        out.append(risk_table(r, pr, person, lang))
    out.append(model_table(r, lang))
    return out
