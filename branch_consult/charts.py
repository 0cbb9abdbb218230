"""Charts in one house style (kernel side: builders of plotly figures).

* ``pio.templates["branch_consult"]``: a restrained bank-report look with a CJK-capable
  font stack, so the same figure reads the same in JupyterLab, HTML and Word.
* Builders for the charts every playbook uses (bar with "this branch" highlighted, time
  series with shaded peak season, waterfall, weekday×hour heatmap, funnel, peer position).

Rendering figures to PNG for Word/PDF is export-side: `branch_consult.export.chart_renderer`.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from branch_consult.formats import format_value, unit_label

TEMPLATE_NAME = "branch_consult"
#: Latin in Calibri (or its metric twin Carlito), Chinese in Noto Sans CJK: as in Word and HTML.
FONT_FAMILY = 'Calibri, Carlito, "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

#: Navy, teal, gold, slate, muted red, green, light blue, plum.
PALETTE = ["#1f3b5c", "#2a7f8e", "#c79a3a", "#7d8b99", "#b5473a", "#4a8b5c", "#7aa6c8", "#8a6a9e"]
BASE_COLOR = "#9fb1c4"  # peers / ordinary bars
HIGHLIGHT_COLOR = "#c79a3a"  # "this branch"
NEGATIVE_COLOR = "#b5473a"
POSITIVE_COLOR = "#2e7d5b"
SHADE_COLOR = "rgba(199,154,58,0.13)"
TEXT_COLOR = "#2b2f36"
GRID_COLOR = "#e4e8ed"


def _build_template() -> go.layout.Template:
    axis = dict(
        showgrid=False,
        zeroline=False,
        showline=True,
        linecolor="#9aa5b1",
        linewidth=1,
        ticks="outside",
        tickcolor="#9aa5b1",
        ticklen=4,
        automargin=True,
        title=dict(font=dict(size=12, color="#4a5563"), standoff=8),
        tickfont=dict(size=11, color="#4a5563"),
    )
    yaxis = dict(axis, showgrid=True, gridcolor=GRID_COLOR, showline=False, ticks="")
    return go.layout.Template(
        layout=dict(
            font=dict(family=FONT_FAMILY, size=13, color=TEXT_COLOR),
            title=dict(
                font=dict(size=17, color="#1f3b5c"),
                x=0,
                xanchor="left",
                xref="paper",
                y=0.97,
                yanchor="top",
                pad=dict(b=8),
            ),
            colorway=PALETTE,
            paper_bgcolor="white",
            plot_bgcolor="white",
            margin=dict(l=64, r=24, t=72, b=56),
            xaxis=axis,
            yaxis=yaxis,
            legend=dict(
                orientation="h",
                x=0,
                xanchor="left",
                y=1.02,
                yanchor="bottom",
                font=dict(size=11),
                bgcolor="rgba(0,0,0,0)",
                title=dict(text=""),
            ),
            hoverlabel=dict(font=dict(family=FONT_FAMILY)),
            bargap=0.28,
            colorscale=dict(sequential=[[0, "#f1f5f9"], [0.5, "#7aa6c8"], [1, "#1f3b5c"]]),
            separators=".,",
        ),
        data=dict(
            bar=[go.Bar(marker=dict(line=dict(width=0)))],
            scatter=[go.Scatter(line=dict(width=2.4))],
        ),
    )


pio.templates[TEMPLATE_NAME] = _build_template()


def use_house_style() -> None:
    """Make the house style the default for every figure (call once in a notebook)."""
    pio.templates.default = TEMPLATE_NAME


def axis_title(label: str, fmt: str = "", lang: str = "zh") -> str:
    """ "存款 (万元)": an axis title with the unit that ``fmt`` implies."""
    unit = unit_label(fmt, lang)
    return f"{label} ({unit})" if unit and unit != "%" else (f"{label} (%)" if unit else label)


def _scale(values: Sequence[Any], fmt: str) -> list[Any]:
    """Values as plotted: 万 formats are divided by 10,000 so the axis matches the unit."""
    div = 10_000 if fmt in ("wan", "wan1") else 1
    return [None if v is None else float(v) / div for v in values]


def _tickformat(fmt: str) -> str:
    return {"pct0": ".0%", "pct1": ".0%", "int": ",d", "yuan": ",.0f"}.get(fmt, ",")


_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _month_edge(value: Any, days: int) -> Any:
    """'2026-03' → a date half a month before/after the 1st, so shading covers whole months."""
    if isinstance(value, str) and _MONTH.match(value):
        first = _dt.date(int(value[:4]), int(value[5:7]), 1)
        return (first + _dt.timedelta(days=days)).isoformat()
    return value


def _base(title: str | None, height: int) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE_NAME, height=height)
    if title:
        fig.update_layout(title_text=title)
    return fig


def compact_layout(figure: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a figure dict whose top margin fits what is above the plot.

    The house template reserves 72 px for a chart title, but deliverables put the title
    in a numbered caption instead; without a title only the legend (or the value labels
    of the tallest bar) needs room, and a blank band above every chart looks unfinished.
    """
    fig = json.loads(json.dumps(dict(figure), default=str))
    layout = fig.setdefault("layout", {})
    title = layout.get("title")
    if (title.get("text") if isinstance(title, Mapping) else title) or (
        layout.get("margin") or {}
    ).get("t") is not None:
        return fig
    data = fig.get("data") or []
    legend = layout.get("showlegend")
    if legend is None:
        legend = sum(1 for t in data if t.get("showlegend", True) is not False) > 1
    layout["margin"] = dict(layout.get("margin") or {}, t=48 if legend else 28)
    return fig


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str | None = None,
    value_title: str = "",
    value_format: str = "float1",
    highlight: str | Sequence[str] | None = None,
    horizontal: bool = False,
    sort: bool = False,
    lang: str = "zh",
    height: int = 420,
) -> go.Figure:
    """Bars with value labels; bars named in ``highlight`` (e.g. this branch) in gold."""
    pairs = list(zip(labels, values, strict=True))
    if sort:
        pairs.sort(key=lambda p: (p[1] is None, p[1]), reverse=not horizontal)
    labels_ = [str(p[0]) for p in pairs]
    vals = [p[1] for p in pairs]
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    colors = [
        HIGHLIGHT_COLOR if lab in marked else (PALETTE[0] if not marked else BASE_COLOR)
        for lab in labels_
    ]
    text = [format_value(v, value_format, lang) for v in vals]
    y = _scale(vals, value_format)
    fig = _base(title, height)
    trace = go.Bar(
        x=y if horizontal else labels_,
        y=labels_ if horizontal else y,
        orientation="h" if horizontal else "v",
        marker_color=colors,
        text=text,
        textposition="outside",
        cliponaxis=False,
        textfont=dict(size=11),
        hoverinfo="x+y",
    )
    fig.add_trace(trace)
    vaxis = dict(
        title_text=axis_title(value_title, value_format, lang), tickformat=_tickformat(value_format)
    )
    if horizontal:
        fig.update_xaxes(**vaxis, showgrid=True, gridcolor=GRID_COLOR)
        fig.update_yaxes(showgrid=False, autorange="reversed")
    else:
        fig.update_yaxes(**vaxis)
    fig.update_layout(showlegend=False)
    return fig


def line_chart(
    x: Sequence[Any],
    series: Mapping[str, Sequence[float]],
    *,
    title: str | None = None,
    value_title: str = "",
    value_format: str = "float1",
    shaded: Sequence[tuple[Any, Any, str]] = (),
    x_title: str = "",
    lang: str = "zh",
    height: int = 420,
) -> go.Figure:
    """Time series (one line per series) with shaded periods such as peak season (旺季)."""
    fig = _base(title, height)
    for i, (name, ys) in enumerate(series.items()):
        fig.add_trace(
            go.Scatter(
                x=list(x),
                y=_scale(list(ys), value_format),
                name=str(name),
                mode="lines+markers",
                marker=dict(size=5),
                line=dict(color=PALETTE[i % len(PALETTE)]),
            )
        )
    for start, end, label in shaded:
        fig.add_vrect(
            x0=_month_edge(start, -15),
            x1=_month_edge(end, 15),
            fillcolor=SHADE_COLOR,
            line_width=0,
            layer="below",
            annotation_text=label,
            annotation_position="top left",
            annotation_font=dict(size=11, color="#8a6d2b"),
        )
    fig.update_yaxes(
        title_text=axis_title(value_title, value_format, lang), tickformat=_tickformat(value_format)
    )
    fig.update_xaxes(title_text=x_title)
    xs = list(x)
    if xs and all(isinstance(v, str) and _MONTH.match(v) for v in xs):
        fig.update_xaxes(tickformat="%Y-%m", dtick="M1" if len(xs) <= 13 else "M3")
    fig.update_layout(showlegend=len(series) > 1)
    return fig


def waterfall_chart(
    steps: Sequence[tuple[str, float]],
    *,
    start: tuple[str, float] | None = None,
    end_label: str | None = None,
    title: str | None = None,
    value_title: str = "",
    value_format: str = "wan",
    lang: str = "zh",
    height: int = 420,
) -> go.Figure:
    """Bridge from a start balance through signed changes to the end balance."""
    labels: list[str] = []
    values: list[float] = []
    measures: list[str] = []
    if start is not None:
        labels.append(start[0])
        values.append(start[1])
        measures.append("absolute")
    for label, v in steps:
        labels.append(label)
        values.append(v)
        measures.append("relative")
    if end_label:
        labels.append(end_label)
        values.append(0.0)
        measures.append("total")
    total = sum(values)
    text = []
    for v, m in zip(values, measures, strict=True):
        shown = total if m == "total" else v
        sign = "+" if m == "relative" and v > 0 else ""
        text.append(sign + format_value(shown, value_format, lang))
    fig = _base(title, height)
    fig.add_trace(
        go.Waterfall(
            x=labels,
            y=_scale(values, value_format),
            measure=measures,
            text=text,
            textposition="outside",
            cliponaxis=False,
            connector=dict(line=dict(color="#b8c2cc", width=1, dash="dot")),
            increasing=dict(marker=dict(color=POSITIVE_COLOR)),
            decreasing=dict(marker=dict(color=NEGATIVE_COLOR)),
            totals=dict(marker=dict(color=PALETTE[0])),
        )
    )
    fig.update_yaxes(
        title_text=axis_title(value_title, value_format, lang), tickformat=_tickformat(value_format)
    )
    fig.update_layout(showlegend=False)
    return fig


def heatmap_chart(
    matrix: Any,
    *,
    title: str | None = None,
    x_title: str = "",
    y_title: str = "",
    value_title: str = "",
    value_format: str = "float1",
    lang: str = "zh",
    height: int = 400,
) -> go.Figure:
    """Heatmap of a DataFrame (e.g. weekday rows × hour columns of average wait)."""
    z = [[None if v != v else float(v) for v in row] for row in matrix.to_numpy().tolist()]
    text = [[format_value(v, value_format, lang) for v in row] for row in z]
    fig = _base(title, height)
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=[str(c) for c in matrix.columns],
            y=[str(i) for i in matrix.index],
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=10),
            colorscale=[[0, "#f1f5f9"], [0.5, "#7aa6c8"], [1, "#1f3b5c"]],
            colorbar=dict(title=dict(text=value_title, side="right"), thickness=12),
            xgap=2,
            ygap=2,
        )
    )
    fig.update_xaxes(title_text=x_title, showline=False, ticks="", type="category")
    fig.update_yaxes(title_text=y_title, showgrid=False, autorange="reversed", type="category")
    return fig


def funnel_chart(
    stages: Sequence[str],
    values: Sequence[float],
    *,
    title: str | None = None,
    lang: str = "zh",
    height: int = 380,
) -> go.Figure:
    """Referral funnel (推荐 → 引荐 → 成交) with stage-to-stage conversion in the labels."""
    fig = _base(title, height)
    fig.add_trace(
        go.Funnel(
            y=list(stages),
            x=list(values),
            textinfo="value+percent previous",
            marker=dict(color=[PALETTE[i % 3] for i in range(len(stages))]),
            connector=dict(fillcolor="#eef2f6"),
        )
    )
    fig.update_yaxes(showline=False, ticks="")
    fig.update_xaxes(showline=False, showticklabels=False)
    return fig


def peer_position_chart(
    peers: Mapping[str, float],
    subject: str,
    *,
    title: str | None = None,
    value_title: str = "",
    value_format: str = "float1",
    lang: str = "zh",
    height: int = 300,
) -> go.Figure:
    """Where one branch sits among its peers: box + points, the branch marked and labelled."""
    names = list(peers)
    vals = _scale([peers[n] for n in names], value_format)
    fig = _base(title, height)
    fig.add_trace(
        go.Box(
            x=vals,
            y=[""] * len(vals),
            orientation="h",
            boxpoints="all",
            jitter=0.35,
            pointpos=0,
            marker=dict(color=BASE_COLOR, size=7),
            line=dict(color="#7d8b99"),
            fillcolor="rgba(159,177,196,0.18)",
            text=names,
            hoverinfo="text+x",
            name="",
        )
    )
    if subject in peers:
        v = _scale([peers[subject]], value_format)[0]
        fig.add_trace(
            go.Scatter(
                x=[v],
                y=[""],
                mode="markers+text",
                text=[f"{subject}: {format_value(peers[subject], value_format, lang)}"],
                textposition="top right",
                marker=dict(
                    color=HIGHLIGHT_COLOR,
                    size=14,
                    symbol="diamond",
                    line=dict(color="white", width=1.5),
                ),
                textfont=dict(size=12, color="#6b4f12"),
                name=subject,
            )
        )
    fig.update_xaxes(
        title_text=axis_title(value_title, value_format, lang),
        tickformat=_tickformat(value_format),
        showgrid=True,
        gridcolor=GRID_COLOR,
    )
    fig.update_yaxes(showgrid=False, showline=False, ticks="", showticklabels=False)
    fig.update_layout(showlegend=False)
    return fig


def figure_json(fig: go.Figure) -> dict[str, Any]:
    """JSON-safe dict of a figure (numpy arrays encoded the way plotly does)."""
    return json.loads(fig.to_json())
