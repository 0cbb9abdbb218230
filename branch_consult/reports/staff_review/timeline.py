"""Timeline: the main metric's monthly completion with every event on the same time axis, one chart per person."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from branch_consult import charts
from branch_consult.analysis.staff_review import PersonReview, StaffReview
from branch_consult.analysis.staff_review import months as M
from branch_consult.display import Callout
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports.staff_review import labels as L
from branch_consult.reports.staff_review.common import (
    Objects,
    base_fig,
    day,
    figure,
    heading,
    metric,
    pseudonymiser,
    who,
)

#: event kind → marker colour (negative red, positive green, HR steps navy, others grey)
_COLOURS = {
    "criticism": charts.NEGATIVE_COLOR,
    "complaint": charts.NEGATIVE_COLOR,
    "praise": charts.POSITIVE_COLOR,
    "reward": charts.POSITIVE_COLOR,
    "review": charts.PALETTE[0],
    "transfer": charts.PALETTE[0],
    "training": charts.PALETTE[1],
    "resignation": charts.NEGATIVE_COLOR,
}
_SYMBOLS = {
    "criticism": "x",
    "complaint": "x",
    "praise": "star",
    "reward": "star",
    "review": "square",
    "transfer": "square",
    "training": "triangle-up",
    "resignation": "diamond",
}


def timeline_chart(r: StaffReview, pr: PersonReview, lang: str, p: Pseudonymiser) -> go.Figure:
    """Completion line (mid-month points), a 100% target line, overdue-review shading and event markers."""
    main = pr.completion[pr.completion["main"]]
    x = [M.start(m) + pd.Timedelta(days=14) for m in main["month"]]
    fig = base_fig(380)
    fig.add_trace(
        go.Scatter(
            x=x,
            y=main["completion"].tolist(),
            name=L.text("series_completion", lang),
            mode="lines+markers",
            line=dict(color=charts.PALETTE[0]),
            marker=dict(size=6),
        )
    )
    lo = M.start(r.months[0])
    hi = M.end(r.months[-1])
    fig.add_trace(
        go.Scatter(
            x=[lo, hi],
            y=[1.0, 1.0],
            name=L.text("target_line", lang),
            mode="lines",
            line=dict(color=charts.BASE_COLOR, dash="dash", width=1.5),
        )
    )
    for row in pr.review_checkpoints.itertuples(index=False):
        if row.status not in ("missing", "late") or row.step != "review":
            continue
        acted = row.action_date  # a Timestamp, or NaT while the step is still missing
        stop = acted if isinstance(acted, pd.Timestamp) else min(hi, pr.person.left_on or hi)
        fig.add_vrect(
            x0=M.start(str(row.due_month)),
            x1=stop,
            fillcolor="rgba(181,71,58,0.10)",
            line_width=0,
            layer="below",
            annotation_text=L.text("overdue", lang),
            annotation_position="top left",
            annotation_font=dict(size=11, color=charts.NEGATIVE_COLOR),
        )
    ymax = max(1.2, float(main["completion"].max()) if len(main) else 1.2) * 1.12
    ev = pr.events[
        (pr.events["date"] >= lo) & (pr.events["date"] <= hi) & (pr.events["kind"] != "hire")
    ]
    for kind_code, group in ev.groupby("kind", sort=False):
        kind = str(kind_code)
        hover = [
            f"{day(d)} {L.label(L.EVENT_LABELS, kind, lang)}"
            + (f" · {who(r, b, p)}" if pd.notna(b) else "")
            for d, b in zip(group["date"], group["by_staff_id"], strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=group["date"].tolist(),
                y=[ymax] * len(group),
                mode="markers",
                name=L.label(L.EVENT_LABELS, kind, lang),
                marker=dict(
                    size=12,
                    symbol=_SYMBOLS.get(kind, "circle"),
                    color=_COLOURS.get(kind, charts.PALETTE[3]),
                ),
                text=hover,
                hoverinfo="text",
            )
        )
    fig.update_yaxes(
        title_text=L.text("axis_completion", lang),
        tickformat=".0%",
        rangemode="tozero",
        range=[0, ymax * 1.08],
    )
    fig.update_xaxes(range=[lo, hi], tickformat="%Y-%m", dtick="M1")
    fig.update_layout(margin=dict(t=64), legend=dict(y=1.04))
    return fig


def timeline_section(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """One chart per person (or a note when the person has no targets)."""
    p = pseudonymiser(r, lang, pseudonymise)
    out: Objects = [heading("timeline", lang)]
    for pr in r.people:
        person = who(r, pr.person.staff_id, p)
        if pr.completion.empty:
            out.append(
                Callout(
                    style="tip",
                    text=L.text(
                        "missing_person",
                        lang,
                        person=person,
                        items=L.label(L.MISSING_LABELS, "targets", lang),
                    ),
                )
            )
            continue
        fig = timeline_chart(r, pr, lang, p)
        out.append(
            figure(
                fig,
                L.text(
                    "timeline_caption", lang, person=person, metric=metric(pr.main_metric, lang)
                ),
                L.text("src_targets", lang) + " · " + L.text("src_events", lang),
            )
        )
    return out
