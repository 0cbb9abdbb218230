"""Review-stage sections: summary, progress, leaderboard, uplift with intervals, what to do next time."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from branch_consult import charts
from branch_consult.campaign import CampaignReviewResult
from branch_consult.display import Callout, Scorecard, Tile
from branch_consult.reports.campaign import words as campaign_words
from branch_consult.reports.campaign.common import (
    Objects,
    base_fig,
    figure,
    fmt,
    group_labels,
    heading,
    keyed_row,
    metric_format,
    shown_staff,
    table,
    trim_staff,
)

STAFF_ROWS = 20
#: a ranking chart of a large network shows this many branches from the top and from the bottom
CHART_ENDS = 15


def _row(r: CampaignReviewResult, measure: str) -> pd.Series:
    return keyed_row(r.uplift, "measure", measure)


def _amount_text(value: float, lang: str) -> str:
    return fmt(value, "wan", lang)


def pp(value: float, lang: str) -> str:
    """A difference of two rates in percentage points (7.7 pp / 7.7个百分点), never as a percent."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    body = fmt(value * 100, "float1", lang)
    return f"{body}个百分点" if lang == "zh" else f"{body} pp"


def review_summary(r: CampaignReviewResult, lang: str) -> Objects:
    """How much the campaign caused, not only what happened."""
    conv = _row(r, "converted")
    amt = _row(r, "amount")
    pct = "pct1"
    text = campaign_words.text(
        "review_summary",
        lang,
        cid=r.campaign_id,
        nt=fmt(conv["n_treatment"], "int", lang),
        nc=fmt(conv["n_control"], "int", lang),
        pt=fmt(conv["treatment"], pct, lang),
        pc=fmt(conv["control"], pct, lang),
        diff=pp(conv["difference"], lang),
        low=pp(conv["low"], lang),
        high=pp(conv["high"], lang),
        verdict=campaign_words.text(f"verdict_word_{conv['verdict']}", lang),
        inc=fmt(conv["incremental"], "int", lang),
        inc_amt=_amount_text(amt["incremental"], lang),
    )
    total_target = float(r.branch_progress["target"].sum())
    total_actual = float(r.branch_progress["actual"].sum())
    status = (
        "green"
        if conv["verdict"] == "uplift"
        else ("red" if conv["verdict"] == "negative" else "amber")
    )
    tiles = [
        Tile(
            label=campaign_words.text("tile_uplift", lang),
            value=float(conv["difference"]),
            format="pct1",
            status=status,
            note=f"{fmt(conv['low'], pct, lang)} – {fmt(conv['high'], pct, lang)}",
        ),
        Tile(
            label=campaign_words.text("tile_inc", lang),
            value=float(conv["incremental"]),
            format="int",
        ),
        Tile(
            label=campaign_words.text("tile_inc_amt", lang),
            value=float(amt["incremental"]),
            format="wan",
        ),
        Tile(
            label=campaign_words.text("tile_completion", lang),
            value=total_actual / total_target if total_target else None,
            format="pct0",
        ),
    ]
    out: Objects = [
        heading("review_summary", lang),
        Callout(style="note" if conv["verdict"] == "uplift" else "warning", text=text),
        Scorecard(caption=r.planned.plan.name.get(lang), tiles=tiles),
    ]
    out.append(_contamination(r, lang))
    return out


def _contamination(r: CampaignReviewResult, lang: str) -> Callout:
    if r.contaminated:
        return Callout(
            style="warning",
            text=campaign_words.text(
                "contaminated",
                lang,
                n=fmt(r.contaminated, "int", lang),
                total=fmt(r.control_size, "int", lang),
            ),
        )
    return Callout(
        style="note",
        text=campaign_words.text("clean_control", lang, total=fmt(r.control_size, "int", lang)),
    )


def progress_section(r: CampaignReviewResult, lang: str, pseudonymise: bool = True) -> Objects:
    """Actual against plan per branch (with Wilson intervals on the conversion rate) and per staff."""
    f = metric_format(r.goal)
    metric = campaign_words.code(r.goal, lang)
    src = campaign_words.text("source_results", lang)
    bp = r.branch_progress.sort_values("id")
    spec = [
        ("id", "branch", "text"),
        ("name", "name", "text"),
        ("target", "target", f),
        ("actual", "actual", f),
        ("completion", "completion", "pct0"),
        ("treated", "treated", "int"),
        ("converted", "converted", "int"),
        ("rate", "rate", "pct1"),
        ("low", "low", "pct1"),
        ("high", "high", "pct1"),
    ]
    out: Objects = [
        heading("progress", lang),
        table(
            bp, campaign_words.text("progress_branch", lang, metric=metric), spec, lang, source=src
        ),
    ]
    if r.boundary_z is not None:
        passed = campaign_words.text(
            "passed" if abs(r.final_z) >= r.boundary_z else "not_passed", lang
        )
        out.append(
            Callout(
                style="note",
                text=campaign_words.text(
                    "progress_obf",
                    lang,
                    z=fmt(r.final_z, "float2", lang),
                    b=fmt(r.boundary_z, "float2", lang),
                    passed=passed,
                ),
            )
        )
    else:
        out.append(Callout(style="note", text=campaign_words.text("progress_desc", lang)))
    if len(r.staff_progress):
        sp = shown_staff(r.staff_progress, lang, pseudonymise)
        sspec = [
            ("branch_id", "branch", "text"),
            ("id", "staff", "text"),
            ("role", "role", "text"),
            ("target", "target", f),
            ("actual", "actual", f),
            ("completion", "completion", "pct0"),
            ("treated", "treated", "int"),
            ("rate", "rate", "pct0"),
            ("low", "low", "pct0"),
            ("high", "high", "pct0"),
        ]
        sp, cut = trim_staff(sp.sort_values(["branch_id", "id"]), lang)
        out.append(
            table(
                sp, campaign_words.text("progress_staff", lang), sspec, lang, source=src, note=cut
            )
        )
    return out


def leaderboard_section(r: CampaignReviewResult, lang: str, pseudonymise: bool = True) -> Objects:
    """Branches ranked by completion (chart and table) and the top of the staff ranking."""
    f = metric_format(r.goal)
    bp = r.branch_progress.sort_values(["rank", "id"])
    src = campaign_words.text("source_results", lang)
    shown = (
        bp if len(bp) <= 2 * CHART_ENDS else pd.concat([bp.head(CHART_ENDS), bp.tail(CHART_ENDS)])
    )
    fig = charts.bar_chart(
        [f"{i} {n}" for i, n in zip(shown["id"], shown["name"], strict=True)],
        shown["completion"].tolist(),
        horizontal=True,
        value_format="pct0",
        lang=lang,
        height=120 + 34 * len(shown),
    )
    spec = [
        ("rank", "rank", "int"),
        ("id", "branch", "text"),
        ("name", "name", "text"),
        ("target", "target", f),
        ("actual", "actual", f),
        ("completion", "completion", "pct0"),
    ]
    caption = (
        campaign_words.text("board_chart", lang)
        if len(shown) == len(bp)
        else campaign_words.text("board_chart_ends", lang, n=CHART_ENDS)
    )
    out: Objects = [
        heading("review_board", lang),
        figure(fig, caption, src),
        table(bp, campaign_words.text("board_chart", lang), spec, lang, source=src),
    ]
    if len(r.staff_progress):
        sp = r.staff_progress.sort_values(["rank", "id"]).head(STAFF_ROWS)
        sp = shown_staff(sp, lang, pseudonymise)
        sspec = [
            ("rank", "rank", "int"),
            ("branch_id", "branch", "text"),
            ("id", "staff", "text"),
            ("role", "role", "text"),
            ("actual", "actual", f),
            ("completion", "completion", "pct0"),
        ]
        out.append(
            table(
                sp, campaign_words.text("board_staff", lang, n=STAFF_ROWS), sspec, lang, source=src
            )
        )
    return out


def uplift_section(r: CampaignReviewResult, lang: str) -> Objects:
    """Response, conversion and amount uplift with intervals, overall and by target group."""
    src = campaign_words.text("source_results", lang)
    u = r.uplift.copy()
    rates = u[u["measure"] != "amount"]
    amount = u[u["measure"] == "amount"]
    spec_r = [
        ("measure", "measure", "text"),
        ("n_treatment", "n_treatment", "int"),
        ("n_control", "n_control", "int"),
        ("treatment", "treatment", "pct1"),
        ("control", "control", "pct1"),
        ("difference", "difference", "pct1"),
        ("low", "low", "pct1"),
        ("high", "high", "pct1"),
        ("incremental", "incremental", "int"),
        ("verdict", "verdict", "text"),
    ]
    spec_a = [
        (
            c,
            lab,
            "yuan"
            if c in ("treatment", "control", "difference", "low", "high")
            else ("wan" if c == "incremental" else fm),
        )
        for c, lab, fm in spec_r
    ]

    def word(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(
            measure=frame["measure"].map(lambda c: campaign_words.code(c, lang)),
            verdict=frame["verdict"].map(lambda c: campaign_words.code(c, lang)),
        )

    draws = r.planned.plan.review.bootstrap if r.planned.plan.review else 0
    out: Objects = [
        heading("uplift", lang),
        table(
            word(rates),
            campaign_words.text("uplift_table", lang, draws=draws),
            spec_r,
            lang,
            source=src,
        ),
        table(word(amount), campaign_words.code("amount", lang), spec_a, lang, source=src),
    ]
    names = group_labels(r.planned.plan, lang)
    conv = (
        r.uplift_by_group[r.uplift_by_group["measure"] == "converted"]
        if len(r.uplift_by_group)
        else pd.DataFrame()
    )
    labels = [campaign_words.text("tile_uplift", lang)] + [
        names.get(g, g) for g in conv.get("group", [])
    ]
    overall = _row(r, "converted")
    diffs = [overall["difference"], *conv.get("difference", [])]
    lows = [overall["low"], *conv.get("low", [])]
    highs = [overall["high"], *conv.get("high", [])]
    fig = base_fig(140 + 45 * len(labels))
    fig.add_trace(
        go.Scatter(
            x=[d * 100 for d in diffs],
            y=labels,
            mode="markers",
            marker=dict(
                size=10, color=[charts.HIGHLIGHT_COLOR] + [charts.PALETTE[0]] * (len(labels) - 1)
            ),
            error_x=dict(
                type="data",
                symmetric=False,
                array=[(h - d) * 100 for h, d in zip(highs, diffs, strict=True)],
                arrayminus=[(d - lo) * 100 for d, lo in zip(diffs, lows, strict=True)],
            ),
            showlegend=False,
        )
    )
    fig.add_vline(x=0, line_dash="dash", line_color=charts.PALETTE[4])
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(
        title_text=campaign_words.label("difference", lang) + " (pp)"
        if lang == "en"
        else "增量（百分点）"
    )
    out.append(figure(fig, campaign_words.text("uplift_chart", lang), src))
    if len(r.uplift_by_group):
        g = r.uplift_by_group.copy()
        g["group"] = g["group"].map(lambda x: names.get(x, x))
        gr = word(g[g["measure"] == "converted"])
        gspec = [("group", "group", "text"), *[c for c in spec_r[1:] if c[0] != "incremental"]]
        out.append(
            table(
                gr,
                campaign_words.text("uplift_groups", lang),
                gspec,
                lang,
                source=src,
                note=campaign_words.text("no_score", lang),
            )
        )
    if r.contaminated:  # the summary states it either way; repeated here only as a warning
        out.append(_contamination(r, lang))
    return out


def _formatted(values: dict, lang: str, r: CampaignReviewResult) -> dict:
    names = group_labels(r.planned.plan, lang)
    out = {}
    for k, v in values.items():
        if k in ("difference", "low", "high"):
            out[k] = pp(v, lang)
        elif k == "rate":
            out[k] = fmt(v, "pct1", lang)
        elif k == "group":
            out[k] = names.get(v, v)
        elif isinstance(v, float) and not math.isnan(v) and k not in ("ids",):
            out[k] = fmt(v, "int", lang)
        elif isinstance(v, int):
            out[k] = fmt(v, "int", lang)
        else:
            out[k] = v
    return out


def next_time_section(r: CampaignReviewResult, lang: str) -> Objects:
    """Lessons the review draws, most important first."""
    out: Objects = [heading("next_time", lang)]
    for lesson, values in r.lessons:
        style = (
            "warning"
            if lesson in ("contaminated", "verdict_no_evidence", "verdict_negative", "underpowered")
            else "tip"
        )
        out.append(
            Callout(
                style=style,
                text=campaign_words.text(f"lesson_{lesson}", lang, **_formatted(values, lang, r)),
            )
        )
    return out


#: a review section from (result, language, pseudonymise); sections that show no staff
#: ignore the flag. In reading order: the playbook shows slot after slot.
ReviewSection = Callable[[CampaignReviewResult, str, bool], Objects]
REVIEW_SECTIONS: dict[str, ReviewSection] = {
    "summary": lambda r, lang, _: review_summary(r, lang),
    "progress": lambda r, lang, pseudonymise: progress_section(r, lang, pseudonymise=pseudonymise),
    "leaderboard": lambda r, lang, pseudonymise: leaderboard_section(
        r, lang, pseudonymise=pseudonymise
    ),
    "uplift": lambda r, lang, _: uplift_section(r, lang),
    "next_time": lambda r, lang, _: next_time_section(r, lang),
}
