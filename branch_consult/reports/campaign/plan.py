"""Plan-stage sections: summary, target groups, targets, media, options, test design, schedule, blank leaderboard."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go

from branch_consult import charts
from branch_consult.campaign import CampaignPlanResult
from branch_consult.display import Callout, Scorecard, Table, Tile
from branch_consult.reports.campaign import words as campaign_words
from branch_consult.reports.campaign.common import (
    Objects,
    base_fig,
    channel_labels,
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


def _goals_text(r: CampaignPlanResult, lang: str) -> str:
    sep = "；" if lang == "zh" else "; "
    colon = "" if lang == "zh" else " "
    return sep.join(
        f"{campaign_words.code(s.metric, lang)}{colon}{fmt(s.goal, metric_format(s.metric), lang)}"
        for s in r.splits
    )


def summary_section(r: CampaignPlanResult, lang: str) -> Objects:
    """One paragraph and the key numbers of the plan."""
    plan = r.plan
    anyg = keyed_row(r.group_totals, "group", "_any")
    text = campaign_words.text(
        "summary",
        lang,
        name=plan.name.get(lang),
        start=plan.period[0].isoformat(),
        end=plan.period[1].isoformat(),
        branches=len(r.branches),
        customers=fmt(anyg["customers"], "int", lang),
        aum=fmt(anyg["aum"], "wan", lang),
        goals=_goals_text(r, lang),
    )
    tiles = [
        Tile(
            label=campaign_words.text("tile_customers", lang),
            value=int(anyg["customers"]),
            format="int",
        ),
        Tile(label=campaign_words.text("tile_aum", lang), value=float(anyg["aum"]), format="wan"),
    ]
    if r.media is not None:
        planned = keyed_row(r.media.planned, "channel", "_total")
        best = keyed_row(r.media.optimised, "channel", "_total")
        text += " " + campaign_words.text(
            "summary_media",
            lang,
            budget=fmt(r.media.total_budget, "yuan", lang),
            conv=fmt(planned["conversions"], "int", lang),
            cpa=fmt(planned["cpa"], "yuan", lang),
            best=fmt(best["conversions"], "int", lang),
        )
        tiles += [
            Tile(
                label=campaign_words.text("tile_budget", lang),
                value=r.media.total_budget,
                format="wan",
            ),
            Tile(
                label=campaign_words.text("tile_conv", lang),
                value=float(planned["conversions"]),
                format="int",
            ),
        ]
    size = r.test.size
    tiles.append(
        Tile(
            label=campaign_words.text("tile_n", lang),
            value=size.n_treatment_needed,
            format="int",
            note=f"{fmt(size.n_treatment_needed, 'int', lang)} / {fmt(size.n_control_needed, 'int', lang)}",
        )
    )
    if r.test.mde is not None:
        tiles.append(
            Tile(label=campaign_words.text("tile_mde", lang), value=r.test.mde, format="pct1")
        )
    return [
        heading("summary", lang),
        Callout(style="note", text=text),
        Scorecard(caption=plan.name.get(lang), tiles=tiles),
    ]


def groups_section(r: CampaignPlanResult, lang: str) -> Objects:
    """Group sizes across the network and per branch; a customer in two groups counts once in 'any group'."""
    names = group_labels(r.plan, lang)
    src = campaign_words.text("source_plan_bank", lang)
    totals = r.group_totals.assign(group=r.group_totals["group"].map(names))
    spec = [
        ("group", "group", "text"),
        ("customers", "customers", "int"),
        ("aum", "aum", "wan"),
        ("products_per_customer", "products_per_customer", "float1"),
        ("owner_coverage", "owner_coverage", "pct0"),
    ]
    per_branch = (
        r.group_sizes[r.group_sizes["group"] == "_any"]
        .merge(r.branches, on="branch_id", how="right")
        .fillna({"customers": 0, "aum": 0.0})
    )
    bspec = [
        ("branch_id", "branch", "text"),
        ("name", "name", "text"),
        ("customers", "customers", "int"),
        ("aum", "aum", "wan"),
        ("products_per_customer", "products_per_customer", "float1"),
        ("owner_coverage", "owner_coverage", "pct0"),
        ("contacted_recently", "contacted_recently", "pct0"),
    ]
    own = r.group_totals[r.group_totals["group"] != "_any"]
    fig = charts.bar_chart(
        [names[g] for g in own["group"]],
        own["customers"].tolist(),
        horizontal=True,
        value_format="int",
        lang=lang,
        height=100 + 36 * len(own),
    )
    return [
        heading("groups", lang),
        Callout(
            style="note",
            text=campaign_words.text(
                "groups_note", lang, as_of=r.as_of, overlap=fmt(r.overlap, "int", lang)
            ),
        ),
        table(
            totals,
            campaign_words.text("groups_table", lang),
            spec,
            lang,
            source=src,
            highlight=[len(totals) - 1],
        ),
        figure(fig, campaign_words.text("groups_chart", lang), src),
        table(per_branch, campaign_words.text("groups_branch", lang), bspec, lang, source=src),
    ]


def targets_section(r: CampaignPlanResult, lang: str, pseudonymise: bool = True) -> Objects:
    """Each goal by branch; the first goal by staff; weekly milestones of every goal."""
    plan = r.plan
    by = campaign_words.text("by_aum" if plan.split.potential_by == "aum" else "by_customers", lang)
    out: Objects = [heading("targets", lang)]
    first = r.splits[0]
    out.append(
        Callout(
            style="note",
            text=campaign_words.text(
                "targets_note",
                lang,
                by=by,
                wp=fmt(plan.split.potential, "float1", lang),
                wh=fmt(plan.split.history, "float1", lang),
                unit=fmt(first.unit, "int", lang),
            ),
        )
    )
    src = campaign_words.text("source_plan_bank", lang)
    for s in r.splits:
        f = metric_format(s.metric)
        frame = s.branches.copy()
        pot_share = (
            frame["potential"] / frame["potential"].sum()
            if frame["potential"].sum()
            else frame["potential"]
        )
        hist_share = (
            frame["history"] / frame["history"].sum()
            if frame["history"].sum()
            else frame["history"]
        )
        frame = frame.assign(potential=pot_share, history=hist_share)
        spec = [
            ("id", "branch", "text"),
            ("name", "name", "text"),
            ("potential", "potential", "pct1"),
            ("history", "history", "pct1"),
            ("share", "share", "pct1"),
            ("target", "target", f),
        ]
        out.append(
            table(
                frame,
                campaign_words.text(
                    "targets_branch",
                    lang,
                    metric=campaign_words.code(s.metric, lang),
                    total=fmt(s.goal, f, lang),
                ),
                spec,
                lang,
                source=src,
            )
        )
    if len(first.staff):
        staff = shown_staff(first.staff, lang, pseudonymise)
        sspec = [
            ("branch_id", "branch", "text"),
            ("id", "staff", "text"),
            ("role", "role", "text"),
            ("share", "share", "pct1"),
            ("target", "target", metric_format(first.metric)),
        ]
        staff, cut = trim_staff(staff, lang)
        out.append(
            table(
                staff,
                campaign_words.text(
                    "targets_staff", lang, metric=campaign_words.code(first.metric, lang)
                ),
                sspec,
                lang,
                source=src,
                note=cut,
            )
        )
    out.append(heading("milestones", lang))
    ms = r.splits[0].milestones[["week", "week_end", "phase"]].copy()
    ms["phase"] = ms["phase"].map(lambda c: campaign_words.code(c, lang))
    spec = [("week", "week", "int"), ("week_end", "week_end", "date"), ("phase", "phase", "text")]
    for s in r.splits:
        ms[s.metric] = s.milestones["cumulative"].to_numpy()
    labels = {s.metric: campaign_words.code(s.metric, lang) for s in r.splits}
    t = Table.from_frame(  # labels here are metric names, not label keys
        ms,
        caption=campaign_words.text("milestones", lang),
        formats={
            "week": "int",
            "week_end": "date",
            "phase": "text",
            **{s.metric: metric_format(s.metric) for s in r.splits},
        },
        labels={**{k: campaign_words.label(lab, lang) for k, lab, _ in spec}, **labels},
        source=campaign_words.text("source_plan", lang),
    )
    out.append(t)
    return out


def media_section(r: CampaignPlanResult, lang: str) -> Objects:
    """Funnel per channel, CTR multipliers as stated, best allocation and the tornado."""
    if r.media is None:
        return []
    m = r.media
    names = channel_labels(r.plan, lang)
    src = campaign_words.text("source_plan", lang)
    units = m.planned.set_index("channel")[["cpm", "cpc", "cpa"]]
    mult = m.multipliers.join(units, on="channel")
    mult = mult.assign(
        channel=mult["channel"].map(names),
        form=mult["form"].map(lambda c: campaign_words.code(c, lang) if c else "–"),
    )
    mspec = [
        ("channel", "channel", "text"),
        ("form", "form", "text"),
        ("stated", "stated", "float1"),
        ("factor", "factor", "float1"),
        ("base_ctr", "base_ctr", "pct1"),
        ("effective_ctr", "effective_ctr", "pct1"),
        ("cpm", "cpm", "float1"),
        ("cpc", "cpc", "float2"),
        ("cpa", "cpa", "float1"),
    ]
    fspec = [
        ("channel", "channel", "text"),
        ("billing", "billing", "text"),
        ("budget", "budget", "wan"),
        ("impressions", "impressions", "int"),
        ("clicks", "clicks", "int"),
        ("leads", "leads", "int"),
        ("conversions", "conversions", "int"),
        ("cpa", "cpa", "float1"),
    ]
    planned = m.planned.assign(channel=m.planned["channel"].map(names))
    best = m.optimised.assign(channel=m.optimised["channel"].map(names))
    pt = keyed_row(m.planned, "channel", "_total")["conversions"]
    bt = keyed_row(m.optimised, "channel", "_total")["conversions"]
    tor = m.tornado.head(10)
    ylabels = [
        f"{names[c]} · {campaign_words.code(a, lang)}"
        for c, a in zip(tor["channel"], tor["assumption"], strict=True)
    ]
    base = float(tor["base_conversions"].iloc[0]) if len(tor) else 0.0
    fig = base_fig(140 + 36 * len(tor))
    fig.add_trace(
        go.Bar(
            y=ylabels,
            x=(tor["conversions_low"] - base).tolist(),
            base=base,
            orientation="h",
            name=f"−{fmt(r.plan.sensitivity, 'pct0', lang)}",
            marker_color=charts.PALETTE[3],
        )
    )
    fig.add_trace(
        go.Bar(
            y=ylabels,
            x=(tor["conversions_high"] - base).tolist(),
            base=base,
            orientation="h",
            name=f"+{fmt(r.plan.sensitivity, 'pct0', lang)}",
            marker_color=charts.PALETTE[0],
        )
    )
    fig.update_layout(barmode="overlay", legend=dict(orientation="h", y=-0.15))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=campaign_words.label("conversions", lang))
    tt = tor.assign(
        channel=tor["channel"].map(names),
        assumption=tor["assumption"].map(lambda a: campaign_words.code(a, lang)),
    )
    tspec = [
        ("channel", "channel", "text"),
        ("assumption", "assumption", "text"),
        ("conversions_low", "conversions_low", "int"),
        ("conversions_high", "conversions_high", "int"),
        ("cpa_low", "cpa_low", "float1"),
        ("cpa_high", "cpa_high", "float1"),
    ]
    swing = fmt(r.plan.sensitivity, "pct0", lang)
    return [
        heading("media", lang),
        Callout(style="note", text=campaign_words.text("media_note", lang)),
        table(mult, campaign_words.text("media_mult", lang), mspec, lang, source=src),
        table(
            planned,
            campaign_words.text("media_planned", lang),
            fspec,
            lang,
            source=src,
            highlight=[len(planned) - 1],
        ),
        table(
            best,
            campaign_words.text("media_best", lang, budget=fmt(m.total_budget, "yuan", lang)),
            fspec,
            lang,
            source=src,
            highlight=[len(best) - 1],
            note=campaign_words.text(
                "media_best_note",
                lang,
                plan=fmt(pt, "int", lang),
                best=fmt(bt, "int", lang),
                gain=fmt(bt - pt, "int", lang),
            ),
        ),
        figure(fig, campaign_words.text("tornado", lang, swing=swing), src),
        table(tt, campaign_words.text("tornado_table", lang), tspec, lang, source=src),
    ]


def options_section(r: CampaignPlanResult, lang: str) -> Objects:
    """Rows and option totals side by side, with the preferred option and its margin."""
    a, stated = r.appraisal, r.plan.options
    if a is None or stated is None:
        return []
    cap = stated.caption.get(lang)
    src = campaign_words.text("source_plan", lang)
    rspec = [
        ("option", "option", "text"),
        ("item", "item", "text"),
        ("quantity", "quantity", "float1"),
        ("value_before", "value_before", "int"),
        ("value_after", "value_after", "int"),
        ("increment", "increment", "wan"),
        ("cost", "cost", "wan"),
    ]
    ospec = [
        ("rank", "rank", "int"),
        ("option", "option", "text"),
        ("increment", "increment", "wan"),
        ("cost", "cost", "wan"),
        ("net", "net", "wan"),
    ]
    best = a.options.sort_values("rank")
    winner = [int(i) for i in range(len(best)) if best.iloc[i]["option"] == a.preferred]
    net_best = float(best.iloc[0]["net"])
    return [
        heading("options", lang),
        table(
            a.rows, campaign_words.text("options_rows", lang, caption=cap), rspec, lang, source=src
        ),
        table(
            best,
            campaign_words.text("options_sum", lang, caption=cap),
            ospec,
            lang,
            source=src,
            highlight=winner,
        ),
        Callout(
            style="tip",
            text=campaign_words.text(
                "options_pick",
                lang,
                best=a.preferred,
                net=fmt(net_best, "wan", lang),
                second=a.runner_up,
                margin=fmt(a.margin, "wan", lang),
            ),
        ),
    ]


def design_section(r: CampaignPlanResult, lang: str) -> Objects:
    """Sample size per arm, MDE for the audience, the method used, and how interim looks are treated."""
    td = r.plan.test_design
    size = r.test.size
    metric = td.metric.get(lang)
    rows = [
        (campaign_words.text("p_control", lang, metric=metric), fmt(td.baseline, "pct1", lang)),
        (campaign_words.text("p_treatment", lang, metric=metric), fmt(td.expected, "pct1", lang)),
        (campaign_words.text("n_treatment", lang), fmt(size.n_treatment_needed, "int", lang)),
        (campaign_words.text("n_control", lang), fmt(size.n_control_needed, "int", lang)),
    ]
    if td.audience:
        rows += [
            (campaign_words.text("audience", lang), fmt(td.audience, "int", lang)),
            (
                campaign_words.text("mde", lang),
                fmt(r.test.mde, "pct1", lang)
                if r.test.mde is not None and not math.isnan(r.test.mde)
                else "–",
            ),
            (campaign_words.text("power_at", lang), fmt(r.test.power_at_audience, "pct0", lang)),
        ]
    frame = pd.DataFrame(rows, columns=["parameter", "value"])
    src = campaign_words.text("source_plan", lang)
    method = campaign_words.text(
        "design_method",
        lang,
        method=campaign_words.code(size.method, lang),
        cc=campaign_words.text("design_cc", lang) if size.continuity else "",
        ratio=fmt(td.ratio, "float1", lang),
        alpha=fmt(td.alpha, "float2", lang),
        power=fmt(td.power, "pct0", lang),
    )
    out: Objects = [
        heading("design", lang),
        Callout(style="note", text=method),
        table(
            frame,
            campaign_words.text("design_table", lang),
            [("parameter", "parameter", "text"), ("value", "value", "text")],
            lang,
            source=src,
        ),
    ]
    naive = fmt(r.test.naive_error, "pct1", lang)
    if r.test.boundary is not None:
        out.append(
            Callout(
                style="warning",
                text=campaign_words.text(
                    "obf_note",
                    lang,
                    looks=td.looks,
                    alpha=fmt(td.alpha, "float2", lang),
                    naive=naive,
                ),
            )
        )
        bspec = [
            ("look", "look", "int"),
            ("information", "information", "pct0"),
            ("z", "z", "float2"),
            ("p_nominal", "p_nominal", "text"),
        ]
        b = r.test.boundary.assign(
            p_nominal=r.test.boundary["p_nominal"].map(
                lambda p: f"{p:.4f}" if p >= 1e-4 else "<0.0001"
            )
        )
        out.append(table(b, campaign_words.text("obf_table", lang), bspec, lang, source=src))
    else:
        out.append(
            Callout(
                style="warning",
                text=campaign_words.text(
                    "descriptive_note",
                    lang,
                    looks=max(td.looks, 5),
                    alpha=fmt(td.alpha, "float2", lang),
                    naive=fmt(_naive(td.looks, td.alpha), "pct1", lang),
                ),
            )
        )
    return out


def _naive(looks: int, alpha: float) -> float:
    from branch_consult.analysis.campaign.tracking import naive_error_rate

    return naive_error_rate(max(looks, 5), alpha)


def schedule_section(r: CampaignPlanResult, lang: str) -> Objects:
    """Gantt chart of the phases with the weekly milestones marked, and the phase table."""
    ph = r.phases
    labels = [campaign_words.code(k, lang) for k in ph["phase"]]
    fig = base_fig(120 + 50 * len(ph))
    ms_per_day = 86_400_000
    for i, (_, row) in enumerate(ph.iterrows()):
        fig.add_trace(
            go.Bar(
                y=[labels[i]],
                x=[row["days"] * ms_per_day],
                base=[pd.Timestamp(row["start"]).isoformat()],
                orientation="h",
                marker_color=charts.PALETTE[i % len(charts.PALETTE)],
                showlegend=False,
                opacity=0.85,
            )
        )
    weeks = r.splits[0].milestones
    fig.add_trace(
        go.Scatter(
            x=[pd.Timestamp(d).isoformat() for d in weeks["week_end"]],
            y=[campaign_words.code(p, lang) if p else labels[-1] for p in weeks["phase"]],
            mode="markers",
            marker=dict(symbol="diamond", size=9, color=charts.HIGHLIGHT_COLOR),
            showlegend=False,
        )
    )
    fig.update_xaxes(type="date", tickformat="%m-%d")
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=labels)
    frame = ph.assign(phase=labels)
    spec = [
        ("phase", "phase", "text"),
        ("start", "start", "date"),
        ("end", "end", "date"),
        ("days", "days", "int"),
        ("share", "share", "pct0"),
    ]
    src = campaign_words.text("source_plan", lang)
    return [
        heading("schedule", lang),
        figure(fig, campaign_words.text("gantt", lang), src),
        table(frame, campaign_words.text("phases", lang), spec, lang, source=src),
    ]


def blank_leaderboard(r: CampaignPlanResult, lang: str) -> Objects:
    """Branches with their target of the first goal and empty columns to fill in and pin up."""
    s = r.splits[0]
    frame = s.branches[["id", "name", "target"]].copy()
    for col, width in (("actual", 6), ("completion", 4), ("rank", 2), ("signature", 6)):
        frame[col] = "\uff3f" * width  # a line to write on by hand
    spec = [
        ("id", "branch", "text"),
        ("name", "name", "text"),
        ("target", "target", metric_format(s.metric)),
        ("actual", "actual", "text"),
        ("completion", "completion", "text"),
        ("rank", "rank", "text"),
        ("signature", "signature", "text"),
    ]
    start = r.plan.period[0]
    return [
        heading("leaderboard", lang),
        table(
            frame,
            campaign_words.text(
                "board", lang, metric=campaign_words.code(s.metric, lang), start=_d(start)
            ),
            spec,
            lang,
            note=campaign_words.text("board_note", lang),
        ),
    ]


def _d(day: dt.date) -> str:
    return day.isoformat()


#: a plan section from (result, language, pseudonymise); sections that show no staff
#: ignore the flag. In reading order: the playbook shows slot after slot.
PlanSection = Callable[[CampaignPlanResult, str, bool], Objects]
PLAN_SECTIONS: dict[str, PlanSection] = {
    "summary": lambda r, lang, _: summary_section(r, lang),
    "groups": lambda r, lang, _: groups_section(r, lang),
    "targets": lambda r, lang, pseudonymise: targets_section(r, lang, pseudonymise=pseudonymise),
    "media": lambda r, lang, _: media_section(r, lang),
    "options": lambda r, lang, _: options_section(r, lang),
    "design": lambda r, lang, _: design_section(r, lang),
    "schedule": lambda r, lang, _: schedule_section(r, lang),
    "leaderboard": lambda r, lang, _: blank_leaderboard(r, lang),  # names no one
}
