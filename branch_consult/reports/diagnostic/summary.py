"""The opening of the report: how to read it, the executive summary, and the KPI scorecard against peers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown

from branch_consult import charts
from branch_consult.analysis.overview import GROWTH_LOOKBACK
from branch_consult.display import Callout, Finding, Scorecard, Tile, severity_label
from branch_consult.findings.engine import SEVERITY_ORDER
from branch_consult.formats import clean_text
from branch_consult.reports import labels
from branch_consult.reports.diagnostic.common import (
    DiagnosticReport,
    Objects,
    as_number,
    figure,
    formatted,
    has_value,
    heading,
    label_column,
    report_lang,
    table,
)
from branch_consult.reports.diagnostic.peer_rules import rule_words

#: KPIs shown as tiles in the executive summary (those present in the scorecard)
SUMMARY_KPIS = (
    "deposits",
    "deposits_growth",
    "products_per_customer",
    "mobile_adoption",
    "top_contact_compliance",
    "wait_p90_min",
    "referral_conversion",
    "target_completion",
)
MAX_SUMMARY_FINDINGS = 5
#: a percentile below this is too short to see as a bar: it gets a marker too
MIN_VISIBLE_BAR = 3
_STATUS = {"green": "green", "amber": "amber", "red": "red"}
_STATUS_COLORS = {"green": "#4a8b5c", "amber": "#d68910", "red": "#b5473a"}


def introduction(d: DiagnosticReport) -> Objects:
    """What the report covers and how to read it; the period and the delivery date, stated apart."""
    lang = report_lang(d)
    dates = labels.text(
        "intro_dates",
        lang,
        month=d.month,
        base=d.comparison_month,
        delivered=d.delivered_on.isoformat(),
    )
    shift = base_shift(d)
    if shift:
        dates = f"{dates}{'' if lang == 'zh' else ' '}{shift}"
    return [Markdown(labels.text("intro", lang)), Callout(style="note", text=dates)]


def _months_between(early: str, late: str) -> int:
    return (int(late[:4]) * 12 + int(late[5:7])) - (int(early[:4]) * 12 + int(early[5:7]))


def base_shift(d: DiagnosticReport) -> str | None:
    """One sentence when the comparison month is not the year-earlier month the reader expects, else None.

    The default comparison is 12 months back; data that does not reach back so far moves
    it to the earliest month, and the report says so instead of letting "growth" read as annual.
    """
    month, base = d.month, d.comparison_month
    if d.settings.comparison_month or not base or base == month:
        return None
    n = _months_between(base, month)
    if n == GROWTH_LOOKBACK:
        return None
    year, mon = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 - GROWTH_LOOKBACK, 12)
    return labels.text(
        "base_shift",
        report_lang(d),
        wanted=f"{year:04d}-{mon + 1:02d}",
        base=base,
        n=n,
        plural="" if n == 1 else "s",
    )


def _profile_key(d: DiagnosticReport) -> str:
    """The profile sentence: peers as chosen, a fallback to the whole bank (and why), or no comparison."""
    if not has_peers(d):
        return "profile_no_peers"
    return "profile_fallback" if d.peer_group.fallback else "profile"


def has_peers(d: DiagnosticReport) -> bool:
    """True when the branch has enough peers for a comparison (the peer rule's minimum)."""
    return len(d.peer_group.peers) >= d.settings.peer_rule.min_peers


def _joined(items: Iterable[str], lang: str) -> str:
    """Items as an enumeration: "a、b" in Chinese, "a, b" in English."""
    return ("、" if lang == "zh" else ", ").join(items)


# --------------------------------------------------------------------------- executive summary


def _findings(d: DiagnosticReport) -> list[Finding]:
    lang = report_lang(d)
    ordered = sorted(d.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    return [
        Finding(
            severity=f.severity,
            title=f.title,
            evidence=f.evidence,
            action=f.action,
            subject=labels.label(labels.SUBJECT_LABELS, f.subject, lang),
        )
        for f in ordered
    ]


def _tiles(d: DiagnosticReport, kpis: Sequence[str] | None = None) -> list[Tile]:
    lang = report_lang(d)
    card = d.scorecard.set_index("kpi")
    names = [k for k in (kpis or card.index.tolist()) if k in card.index]
    tiles = []
    for name in names:
        row = card.loc[name]
        if not has_value(row["value"]):
            continue
        fmt = str(row["fmt"])
        median = row["peer_median"]
        tiles.append(
            Tile(
                label=str(row[label_column(lang)]),
                value=as_number(row["value"]),
                format=fmt,
                status=_STATUS.get(str(row["status"]), "none"),
                note=labels.text("tile_note", lang, median=formatted(median, fmt, lang))
                if has_value(median)
                else None,
            )
        )
    return tiles


def _severity_counts(counts: Mapping[str, int], lang: str) -> str:
    """ "高优先级 2 项、中优先级 1 项" / "2 high, 1 medium": only the severities that occur."""
    return _joined(
        [
            labels.text(
                "sev_count", lang, n=n, label=severity_label(sev, lang) if lang == "zh" else sev
            )
            for sev, n in counts.items()
            if n
        ],
        lang,
    )


def executive_summary(d: DiagnosticReport) -> Objects:
    """Who was reviewed, the overall verdict, the top findings (at most 5) and the key KPI tiles."""
    lang = report_lang(d)
    b = d.branch
    out: Objects = [heading("summary", lang)]
    area = labels.label(labels.AREA_LABELS, b.get("area_type", ""), lang)
    n_others = int(d.bank.branches["branch_id"].nunique()) - 1
    out.append(
        Callout(
            style="note",
            title=labels.text("profile_title", lang),
            text=labels.text(
                _profile_key(d),
                lang,
                name=clean_text(b.get("name", "")),
                branch_id=b.get("branch_id", ""),
                region=clean_text(b.get("region", "")),
                area=labels.with_article(area) if lang == "en" else area,
                month=d.month,
                base=d.comparison_month,
                n_peers=len(d.peer_group.peers),
                rule=rule_words(d, lang, configured=d.peer_group.fallback),
                n_others=n_others,
                es="" if n_others == 1 else "es",
                min_peers=d.settings.peer_rule.min_peers,
            ),
        )
    )
    status = d.scorecard["status"].astype(str)
    counts = {
        s: sum(f.severity == s for f in d.findings) for s in ("high", "medium", "low", "info")
    }
    n_kpi = int((status != "n/a").sum())
    if d.findings:
        out.append(
            Callout(
                style="warning" if counts["high"] else "note",
                title=labels.text("overview_title", lang),
                text=labels.text(
                    "overview" if n_kpi else "overview_no_peers",
                    lang,
                    n=len(d.findings),
                    plural="" if len(d.findings) == 1 else "s",
                    counts=_severity_counts(counts, lang),
                    n_kpi=n_kpi,
                    green=int((status == "green").sum()),
                    red=int((status == "red").sum()),
                ),
            )
        )
    else:
        out.append(
            Callout(
                style="tip",
                title=labels.text("overview_title", lang),
                text=labels.text("no_findings", lang),
            )
        )
    # tiles before the findings: the figures at a glance, then what they mean
    tiles = _tiles(d, SUMMARY_KPIS)
    if tiles:
        out.append(
            Scorecard(
                caption=labels.text(
                    "tiles_caption" if has_peers(d) else "tiles_caption_no_peers", lang
                ),
                tiles=tiles,
            )
        )
    findings = _findings(d)
    if findings:
        out.append(heading("findings", lang))
        out.extend(findings[:MAX_SUMMARY_FINDINGS])
        if len(findings) > MAX_SUMMARY_FINDINGS:
            more = len(findings) - MAX_SUMMARY_FINDINGS
            out.append(
                Callout(
                    style="note",
                    text=labels.text(
                        "more_findings",
                        lang,
                        n=more,
                        plural="" if more == 1 else "s",
                        verb="is" if more == 1 else "are",
                    ),
                )
            )
    return out


# --------------------------------------------------------------------------- scorecard


def _range(low: Any, high: Any, fmt: str, lang: str) -> str:
    """ "2,335.5 – 3,229.4万": a quartile range with the unit written once."""
    a, b = formatted(low, fmt, lang), formatted(high, fmt, lang)
    for unit in ("万", " wan", " min", "分钟", "%"):
        if a.endswith(unit) and b.endswith(unit):
            a = a[: -len(unit)]
            break
    return f"{a} – {b}"


def scorecard_section(d: DiagnosticReport) -> Objects:
    """Every KPI against the peer quartiles with a red/amber/green status, and a percentile chart."""
    lang = report_lang(d)
    card = d.scorecard[d.scorecard["status"].astype(str) != "n/a"].reset_index(drop=True)
    out: Objects = [heading("scorecard", lang)]
    if card.empty:
        out.append(
            Callout(
                style="note",
                text=labels.text("sc_no_peers", lang, min_peers=d.settings.peer_rule.min_peers),
            )
        )
        return out
    label_col = label_column(lang)
    red = card[card["status"] == "red"]
    green = int((card["status"] == "green").sum())
    narrative = (
        labels.text("sc_narr", lang, green=green, red_list=_joined(red[label_col], lang))
        if len(red)
        else labels.text("sc_narr_none_red", lang, green=green)
    )
    out.append(Callout(style="warning" if len(red) else "note", text=narrative))
    # percentile turned round for lower-is-better KPIs, so "higher is better" holds for every row
    standing = [
        p if hib else 100 - p
        for p, hib in zip(
            card["percentile"].astype("float64"), card["higher_is_better"].astype(bool), strict=True
        )
    ]
    rows = pd.DataFrame(
        {
            "kpi": card[label_col].astype(str),
            "value": [
                formatted(v, f, lang) for v, f in zip(card["value"], card["fmt"], strict=True)
            ],
            "peer_median": [
                formatted(v, f, lang) for v, f in zip(card["peer_median"], card["fmt"], strict=True)
            ],
            "peer_iqr": [
                _range(a, b, f, lang)
                for a, b, f in zip(card["peer_q1"], card["peer_q3"], card["fmt"], strict=True)
            ],
            "standing": standing,
            "status": [labels.label(labels.STATUS_LABELS, s, lang) for s in card["status"]],
        }
    )
    spec = [
        ("kpi", "col_kpi", "text"),
        ("value", "col_value", "text"),
        ("peer_median", "col_median", "text"),
        ("peer_iqr", "col_iqr", "text"),
        ("standing", "col_pct", "int"),
        ("status", "col_status", "text"),
    ]
    out.append(
        table(
            rows,
            labels.text("sc_caption", lang, month=d.month),
            spec,
            lang,
            source=labels.source("peers", lang),
            note=labels.text("sc_note", lang),
            highlight=red.index.tolist(),
        )
    )
    fig = charts.bar_chart(
        card[label_col].astype(str).tolist(),
        standing,
        value_title=labels.text("sc_pct_axis", lang),
        value_format="int",
        horizontal=True,
        lang=lang,
        height=max(320, 30 * len(card) + 110),
    )
    fig.update_traces(
        marker_color=[_STATUS_COLORS.get(s, charts.BASE_COLOR) for s in card["status"]]
    )
    # a bar of length 0 draws nothing, so the worst standing would look like missing data: a standing
    # too short to see as a bar gets a marker at its place (0 included)
    low = [i for i, p in enumerate(standing) if p == p and p < MIN_VISIBLE_BAR]
    if low:
        fig.add_trace(
            go.Scatter(
                x=[standing[i] for i in low],
                y=[str(card[label_col].iloc[i]) for i in low],
                mode="markers",
                hoverinfo="skip",
                showlegend=False,
                cliponaxis=False,
                marker=dict(
                    symbol="diamond",
                    size=11,
                    line=dict(color="white", width=1),
                    color=[
                        _STATUS_COLORS.get(str(card["status"].iloc[i]), charts.BASE_COLOR)
                        for i in low
                    ],
                ),
            )
        )
    fig.update_xaxes(range=[-3, 110], tickformat=",d")
    fig.add_vline(x=50, line=dict(color="#7d8b99", width=1, dash="dot"))
    out.append(figure(fig, labels.text("sc_pct_caption", lang), labels.source("peers", lang)))
    return out
