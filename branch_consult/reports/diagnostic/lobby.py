"""The lobby section: waiting times, their distribution, when waits peak, counters needed against counters open."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from branch_consult import charts
from branch_consult.analysis.lobby import WEEKDAY_LABELS
from branch_consult.display import Callout, Scorecard, Tile
from branch_consult.formats import format_value
from branch_consult.reports import labels
from branch_consult.reports.diagnostic.common import (
    DiagnosticReport,
    Objects,
    as_number,
    base_fig,
    figure,
    formatted,
    has_value,
    heading,
    report_lang,
    section_frame,
)


def _minutes(value: Any, lang: str) -> str:
    """Minutes for narrative sentences ("12.3 分钟" / "12.3 min")."""
    if not has_value(value):
        return format_value(None)
    return format_value(as_number(value), "min1", lang)


#: a lobby figure this many times the peer median is red; at or under the median, green (waits: lower is better)
RED_VS_PEERS = 1.3


def _tile(label: str, value: Any, peer: Any, fmt: str, lang: str) -> Tile:
    """One lobby tile against the peer median when there is one (every lobby figure is lower-is-better)."""
    if not (has_value(value) and has_value(peer)):
        return Tile(label=label, value=value, format=fmt)
    ratio = (
        as_number(value) / as_number(peer)
        if as_number(peer)
        else (1.0 if as_number(value) == 0 else float("inf"))
    )
    status = "red" if ratio >= RED_VS_PEERS else "green" if ratio <= 1.0 else "amber"
    return Tile(
        label=label,
        value=value,
        format=fmt,
        status=status,
        note=labels.text("tile_note", lang, median=formatted(peer, fmt, lang)),
    )


def lobby_section(d: DiagnosticReport) -> Objects:
    """Wait figures, their distribution, when waits peak, and counters needed against counters open."""
    lang = report_lang(d)
    m = d.metrics
    out: Objects = [heading("lobby", lang)]
    summary = d.tables.wait_summary
    if summary is None:
        out.append(Callout(style="note", text=labels.text("lb_none", lang)))
        return out
    threshold = float(getattr(summary, "threshold_min", d.settings.wait_threshold_min))
    worse = (
        as_number(m.get("share_over_15_vs_peers")) >= 1.3
        or as_number(m.get("lunch_ratio_vs_peers")) >= 1.5
    )
    out.append(
        Callout(
            style="warning" if worse else "note",
            text=labels.text(
                "lb_narr",
                lang,
                median=_minutes(summary.median_wait, lang),
                p90=_minutes(summary.p90_wait, lang),
                over=formatted(summary.share_over, "pct1", lang),
                threshold=threshold,
                peer_over=formatted(m.get("peer_share_over_15"), "pct1", lang),
                lunch=_minutes(m.get("lunch_median_wait"), lang),
                walk=labels.text(
                    "lb_walk",
                    lang,
                    walk=formatted(summary.walk_away_rate, "pct1", lang),
                    peer_walk=formatted(m.get("peer_walk_away_rate"), "pct1", lang),
                )
                if has_value(summary.walk_away_rate)
                else "",
            ),
        )
    )
    out.append(
        Scorecard(
            caption=labels.text("lb_tiles", lang),
            tiles=[
                _tile(
                    labels.text("lb_t_median", lang),
                    summary.median_wait,
                    m.get("peer_median_wait"),
                    "min1",
                    lang,
                ),
                _tile(
                    labels.text("lb_t_p90", lang),
                    summary.p90_wait,
                    m.get("peer_p90_wait"),
                    "min1",
                    lang,
                ),
                _tile(
                    labels.text("lb_t_over", lang, threshold=threshold),
                    summary.share_over,
                    m.get("peer_share_over_15"),
                    "pct1",
                    lang,
                ),
                _tile(
                    labels.text("lb_t_walk", lang),
                    summary.walk_away_rate,
                    m.get("peer_walk_away_rate"),
                    "pct1",
                    lang,
                ),
                _tile(
                    labels.text("lb_t_lunch", lang),
                    m.get("lunch_median_wait"),
                    m.get("peer_lunch_median_wait"),
                    "min1",
                    lang,
                ),
            ],
        )
    )
    dist = section_frame(d, "wait_distribution")
    if dist is not None:
        fig = charts.bar_chart(
            dist["bin"].astype(str).tolist(),
            dist["share"].astype("float64").tolist(),
            value_title=labels.text("lb_dist_axis", lang),
            value_format="pct1",
            lang=lang,
            height=360,
            highlight=[
                b for b, lo in zip(dist["bin"], dist["lower"], strict=True) if lo >= threshold
            ],
        )
        fig.update_xaxes(title_text=labels.text("lb_dist_x", lang), type="category")
        out.append(figure(fig, labels.text("lb_dist_caption", lang), labels.source("queue", lang)))
    heat = section_frame(d, "heatmap")
    if heat is not None:
        heat = heat.assign(weekday_label=[WEEKDAY_LABELS[lang][int(w)] for w in heat["weekday"]])
        order = heat.drop_duplicates("weekday").sort_values("weekday")["weekday_label"].tolist()
        matrix = heat.pivot(index="weekday_label", columns="hour", values="wait").reindex(order)
        matrix = matrix.reindex(columns=sorted(matrix.columns))
        matrix.columns = [f"{int(h)}" for h in matrix.columns]
        fig = charts.heatmap_chart(
            matrix,
            x_title=labels.text("lb_heat_x", lang),
            y_title=labels.text("lb_heat_y", lang),
            value_title=labels.text("lb_heat_value", lang),
            value_format="int",
            lang=lang,
            height=380,
        )
        out.append(figure(fig, labels.text("lb_heat_caption", lang), labels.source("queue", lang)))
    counters = section_frame(d, "counters")
    if counters is not None:
        out.append(
            figure(
                _counter_chart(counters, lang),
                labels.text("lb_counter_caption", lang),
                labels.source("queue", lang),
            )
        )
    return out


def _counter_chart(counters: pd.DataFrame, lang: str) -> go.Figure:
    """Counters needed per hour as bars, counters open as a line: the gap is where they part."""
    hours = [f"{int(h)}:00" for h in counters["hour"]]
    needed = [
        None if pd.isna(v) else float(v) for v in counters["counters_needed"].astype("Float64")
    ]
    opened = counters["counters_open"].astype("float64").tolist()
    fig = base_fig(380)
    short = [n is not None and n > o + 0.5 for n, o in zip(needed, opened, strict=True)]
    colors = [charts.NEGATIVE_COLOR if s else charts.BASE_COLOR for s in short]
    fig.add_trace(
        go.Bar(
            x=hours,
            y=needed,
            name=labels.text("lb_counter_needed", lang),
            marker_color=colors,
            text=[formatted(v, "int", lang) for v in needed],
            textposition="outside",
            cliponaxis=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=hours,
            y=opened,
            name=labels.text("lb_counter_open", lang),
            mode="lines+markers",
            line=dict(color=charts.HIGHLIGHT_COLOR, width=3),
            marker=dict(size=7),
        )
    )
    fig.update_yaxes(
        title_text=labels.text("lb_counter_axis", lang), rangemode="tozero", tickformat=",d"
    )
    fig.update_xaxes(title_text=labels.text("lb_counter_x", lang), type="category")
    fig.update_layout(showlegend=True)
    return fig
