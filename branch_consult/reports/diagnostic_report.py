"""The branch diagnostic as a report: each section of a `BranchDiagnostic` as display objects.

A playbook cell calls one function per section and displays what it returns: a
Markdown heading (fixed wording only), a short narrative computed from the metrics
(in a `Callout`, so data values are escaped), then tables and charts.  Every data
value travels inside a display object, never inside Markdown, so exporters can
escape it for HTML and sanitise it for Word.  Customer and staff lists are
pseudonymised by default: a branch head needs to know *that* a customer is
unattended and who owns the follow-up, the consultant's file carries the names.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from IPython.display import Markdown

from branch_consult import charts
from branch_consult.analysis import peers
from branch_consult.analysis.deposits import month_end
from branch_consult.analysis.referrals import HANDOFF_LABELS
from branch_consult.diagnostic import BranchDiagnostic
from branch_consult.display import Callout, Figure, Finding, Scorecard, Table, Tile, severity_label
from branch_consult.findings.engine import SEVERITY_ORDER
from branch_consult.formats import clean_text, format_value
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports import labels as L

#: playbook parameter `peer_rule` → how peers are chosen
PEER_RULES: dict[str, peers.PeerRule] = {
    "area_type+size": peers.PeerRule(same_area_type=True, size_kpi="deposits"),
    "area_type": peers.PeerRule(same_area_type=True, size_kpi=None),
    "region": peers.PeerRule(same_area_type=False, same_region=True, size_kpi=None),
    "all": peers.PeerRule(same_area_type=False, same_region=False, size_kpi=None),
}
#: KPIs shown as tiles in the executive summary (those present in the scorecard)
SUMMARY_KPIS = ("deposits", "deposits_growth", "products_per_customer", "mobile_adoption",
                "top_contact_compliance", "wait_p90_min", "referral_conversion", "target_completion")
MAX_SUMMARY_FINDINGS = 5
MAX_LIST_ROWS = 20
_STATUS = {"green": "green", "amber": "amber", "red": "red"}
_STATUS_COLORS = {"green": "#4a8b5c", "amber": "#d68910", "red": "#b5473a"}

Objects = list[Any]


def peer_rule(name: str) -> peers.PeerRule:
    """The peer rule a playbook parameter names (`area_type+size`, `area_type`, `region`, `all`)."""
    try:
        return PEER_RULES[name]
    except KeyError:
        raise ValueError(f"unknown peer rule {name!r}; choose one of {', '.join(PEER_RULES)}") from None


# --------------------------------------------------------------------------- helpers


def _lang(d: BranchDiagnostic) -> str:
    return "en" if d.settings.lang == "en" else "zh"


def _heading(key: str, lang: str) -> Markdown:
    return Markdown(L.heading(key, lang))


def _fv(value: Any, fmt: str, lang: str) -> str:
    return format_value(value, fmt, lang)


def _minutes(value: Any, lang: str) -> str:
    """Minutes for narrative sentences ("12.3 分钟" / "12.3 min")."""
    if not _has(value):
        return format_value(None)
    return f"{_num(value):.1f} 分钟" if lang == "zh" else f"{_num(value):.1f} min"


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def _has(value: Any) -> bool:
    return not math.isnan(_num(value))


def _frame(d: BranchDiagnostic, key: str) -> pd.DataFrame | None:
    """A section frame if the diagnostic has it and it has rows."""
    frame = d.sections.get(key)
    return frame if isinstance(frame, pd.DataFrame) and len(frame) else None


_PSEUDONYMISERS: dict[int, tuple[weakref.ref, Pseudonymiser]] = {}


def pseudonymiser(d: BranchDiagnostic, enabled: bool = True) -> Pseudonymiser:
    """One pseudonymiser per diagnostic, so a person has the same token in every table of the report."""
    key = id(d)
    entry = _PSEUDONYMISERS.get(key)
    if entry is None or entry[0]() is not d:
        def forget(_ref: weakref.ref) -> None:
            _PSEUDONYMISERS.pop(key, None)

        _PSEUDONYMISERS[key] = (weakref.ref(d, forget), Pseudonymiser(lang=_lang(d)))
    base = _PSEUDONYMISERS[key][1]
    if enabled:
        return base
    off = Pseudonymiser(lang=_lang(d), enabled=False)
    off.salt = base.salt
    return off


def _people(series: pd.Series, p: Pseudonymiser, kind: str) -> list[Any]:
    """Identifiers as shown: tokens when pseudonymising, else the value; missing stays missing."""
    out = []
    for v in series.tolist():
        missing = v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or str(v) in ("", "nan", "None", "<NA>")
        out.append(None if missing else (p.token(v, kind) if p.enabled else v))
    return out


def _staff_names(d: BranchDiagnostic) -> dict[str, str]:
    """Staff name → staff_id from every section that carries both (to pseudonymise finding text)."""
    names: dict[str, str] = {}
    for key, id_col in (("referrals_by_person", "from_staff_id"), ("leaderboard", "staff_id"),
                        ("breaches", "staff_id"), ("exits", "staff_id"), ("staff_progress", "id")):
        frame = _frame(d, key)
        if frame is None or "name" not in frame or id_col not in frame:
            continue
        for name, sid in zip(frame["name"].tolist(), frame[id_col].tolist(), strict=True):
            if isinstance(name, str) and name.strip() and name not in ("nan", "None", "<NA>"):
                names.setdefault(name, str(sid))
    return names


def _scrub(text: str, d: BranchDiagnostic, p: Pseudonymiser) -> str:
    """Finding text with staff names replaced by their tokens (longest names first)."""
    if not p.enabled:
        return text
    for name, sid in sorted(_staff_names(d).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(name, p.token(sid, "staff"))
    return text


Spec = Sequence[tuple[str, str, str]]  # (column, label key, format)


def _table(frame: pd.DataFrame, caption: str, spec: Spec, lang: str, *, source: str | None = None,
           note: str | None = None, highlight: Sequence[int] = ()) -> Table:
    """A Table from the spec's columns that exist in `frame`, labelled in `lang`."""
    cols = [(c, lab, fmt) for c, lab, fmt in spec if c in frame.columns]
    sub = frame[[c for c, _, _ in cols]]
    return Table.from_frame(
        sub, caption=caption, source=source, note=note, highlight=list(highlight),
        formats={c: fmt for c, _, fmt in cols}, labels={c: L.text(lab, lang) for c, lab, _ in cols},
    )


def _mapped(series: pd.Series, table: Mapping[str, Mapping[str, str]], lang: str) -> pd.Series:
    return series.map(lambda v: L.label(table, v, lang) if isinstance(v, str) else v).astype("object")


def _figure(fig: go.Figure, caption: str, source: str, height: int | None = None) -> Figure:
    return Figure(caption=caption, source=source, figure=fig, height=height or int(fig.layout.height or 420))


def _base_fig(height: int) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=charts.TEMPLATE_NAME, height=height)
    return fig


def _grouped_bar(categories: Sequence[str], series: Mapping[str, Sequence[float]], *, value_title: str,
                 value_format: str, lang: str, height: int = 400) -> go.Figure:
    """Side-by-side bars, one colour per series (e.g. share of customers vs share of assets)."""
    fig = _base_fig(height)
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(go.Bar(
            x=list(categories), y=[None if not _has(v) else float(v) for v in values], name=name,
            marker_color=charts.PALETTE[i % len(charts.PALETTE)],
            text=[_fv(v, value_format, lang) for v in values], textposition="outside", cliponaxis=False,
            textfont=dict(size=11),
        ))
    fig.update_layout(barmode="group", showlegend=True)
    fig.update_yaxes(title_text=charts.axis_title(value_title, value_format, lang),
                     tickformat=".0%" if value_format.startswith("pct") else ",")
    return fig


# --------------------------------------------------------------------------- executive summary


def _rule_words(d: BranchDiagnostic, lang: str) -> str:
    if d.peer_group.fallback:
        return L.text("rule_fallback", lang)
    rule = d.settings.peer_rule
    for name, known in PEER_RULES.items():
        if rule == known:
            return L.text({"area_type+size": "rule_area_size", "area_type": "rule_area",
                           "region": "rule_region", "all": "rule_all"}[name], lang)
    return L.text("rule_custom", lang)


def _findings(d: BranchDiagnostic, p: Pseudonymiser) -> list[Finding]:
    lang = _lang(d)
    ordered = sorted(d.findings, key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    return [
        Finding(severity=f.severity, title=_scrub(f.title, d, p), evidence=_scrub(f.evidence, d, p),
                action=_scrub(f.action, d, p), subject=L.label(L.SUBJECT_LABELS, f.subject, lang))
        for f in ordered
    ]


def _tiles(d: BranchDiagnostic, kpis: Sequence[str] | None = None) -> list[Tile]:
    lang = _lang(d)
    card = d.scorecard.set_index("kpi")
    names = [k for k in (kpis or card.index.tolist()) if k in card.index]
    tiles = []
    for name in names:
        row = card.loc[name]
        if not _has(row["value"]):
            continue
        fmt = str(row["fmt"])
        median = row["peer_median"]
        tiles.append(Tile(
            label=str(row["label_zh"] if lang == "zh" else row["label_en"]),
            value=float(row["value"]), format=fmt, status=_STATUS.get(str(row["status"]), "none"),
            note=L.text("tile_note", lang, median=_fv(median, fmt, lang)) if _has(median) else None,
        ))
    return tiles


def _severity_counts(counts: Mapping[str, int], lang: str) -> str:
    """"高优先级 2 项、中优先级 1 项" / "2 high, 1 medium": only the severities that occur."""
    parts = [L.text("sev_count", lang, n=n, label=severity_label(sev, lang) if lang == "zh" else sev)
             for sev, n in counts.items() if n]
    return ("、" if lang == "zh" else ", ").join(parts)


def executive_summary(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """Who was reviewed, the overall verdict, the top findings (at most 5) and the key KPI tiles."""
    lang = _lang(d)
    p = pseudonymiser(d, pseudonymise)
    b = d.branch
    out: Objects = [_heading("summary", lang)]
    out.append(Callout(style="note", title=L.text("profile_title", lang), text=L.text(
        "profile", lang, name=clean_text(b.get("name", "")), branch_id=b.get("branch_id", ""),
        region=clean_text(b.get("region", "")), area=L.label(L.AREA_LABELS, b.get("area_type", ""), lang),
        month=d.month, base=d.comparison_month, n_peers=len(d.peer_group.peers), rule=_rule_words(d, lang))))
    status = d.scorecard["status"].astype(str)
    counts = {s: sum(f.severity == s for f in d.findings) for s in ("high", "medium", "low", "info")}
    if d.findings:
        out.append(Callout(style="warning" if counts["high"] else "note", title=L.text("overview_title", lang),
                           text=L.text("overview", lang, n=len(d.findings), counts=_severity_counts(counts, lang),
                                       n_kpi=int((status != "n/a").sum()),
                                       green=int((status == "green").sum()), red=int((status == "red").sum()))))
    else:
        out.append(Callout(style="tip", title=L.text("overview_title", lang), text=L.text("no_findings", lang)))
    # tiles before the findings: the figures at a glance, then what they mean
    tiles = _tiles(d, SUMMARY_KPIS)
    if tiles:
        out.append(Scorecard(caption=L.text("tiles_caption", lang), tiles=tiles))
    findings = _findings(d, p)
    if findings:
        out.append(_heading("findings", lang))
        out.extend(findings[:MAX_SUMMARY_FINDINGS])
        if len(findings) > MAX_SUMMARY_FINDINGS:
            out.append(Callout(style="note", text=L.text("more_findings", lang, n=len(findings) - MAX_SUMMARY_FINDINGS)))
    return out


# --------------------------------------------------------------------------- scorecard


def _range(low: Any, high: Any, fmt: str, lang: str) -> str:
    """"2,335.5 – 3,229.4万": a quartile range with the unit written once."""
    a, b = _fv(low, fmt, lang), _fv(high, fmt, lang)
    for unit in ("万", " wan", " min", "%"):
        if a.endswith(unit) and b.endswith(unit):
            a = a[: -len(unit)]
            break
    return f"{a} – {b}"


def scorecard_section(d: BranchDiagnostic) -> Objects:
    """Every KPI against the peer quartiles with a red/amber/green status, and a percentile chart."""
    lang = _lang(d)
    card = d.scorecard[d.scorecard["status"].astype(str) != "n/a"].reset_index(drop=True)
    out: Objects = [_heading("scorecard", lang)]
    if card.empty:
        return out
    label_col = "label_zh" if lang == "zh" else "label_en"
    red = card[card["status"] == "red"]
    green = int((card["status"] == "green").sum())
    narrative = (L.text("sc_narr", lang, green=green, red_list=("、" if lang == "zh" else ", ").join(red[label_col]))
                 if len(red) else L.text("sc_narr_none_red", lang, green=green))
    out.append(Callout(style="warning" if len(red) else "note", text=narrative))
    # percentile turned round for lower-is-better KPIs, so "higher is better" holds for every row
    standing = [p if hib else 100 - p for p, hib in zip(card["percentile"].astype("float64"),
                                                         card["higher_is_better"].astype(bool), strict=True)]
    rows = pd.DataFrame({
        "kpi": card[label_col].astype(str),
        "value": [_fv(v, f, lang) for v, f in zip(card["value"], card["fmt"], strict=True)],
        "peer_median": [_fv(v, f, lang) for v, f in zip(card["peer_median"], card["fmt"], strict=True)],
        "peer_iqr": [_range(a, b, f, lang) for a, b, f in zip(card["peer_q1"], card["peer_q3"], card["fmt"], strict=True)],
        "standing": standing,
        "status": [L.label(L.STATUS_LABELS, s, lang) for s in card["status"]],
    })
    spec = [("kpi", "col_kpi", "text"), ("value", "col_value", "text"), ("peer_median", "col_median", "text"),
            ("peer_iqr", "col_iqr", "text"), ("standing", "col_pct", "int"), ("status", "col_status", "text")]
    out.append(_table(rows, L.text("sc_caption", lang, month=d.month), spec, lang, source=L.source("peers", lang),
                      note=L.text("sc_note", lang), highlight=red.index.tolist()))
    fig = charts.bar_chart(card[label_col].astype(str).tolist(), standing,
                           value_title=L.text("sc_pct_axis", lang), value_format="int", horizontal=True,
                           lang=lang, height=max(320, 30 * len(card) + 110))
    fig.update_traces(marker_color=[_STATUS_COLORS.get(s, charts.BASE_COLOR) for s in card["status"]])
    fig.update_xaxes(range=[0, 110], tickformat=",d")
    fig.add_vline(x=50, line=dict(color="#7d8b99", width=1, dash="dot"))
    out.append(_figure(fig, L.text("sc_pct_caption", lang), L.source("peers", lang)))
    return out


# --------------------------------------------------------------------------- deposits


def _peak_runs(trend: pd.DataFrame, label: str) -> list[tuple[str, str, str]]:
    """Contiguous peak-season stretches of a daily trend as (first day, last day, label)."""
    runs: list[tuple[str, str, str]] = []
    flags = trend["peak_season"].astype(bool).tolist()
    days = pd.to_datetime(trend["date"]).dt.strftime("%Y-%m-%d").tolist()
    start = None
    for i, flag in enumerate(flags):
        if flag and start is None:
            start = i
        if start is not None and (not flag or i == len(flags) - 1):
            end = i if flag else i - 1
            runs.append((days[start], days[end], label))
            start = None
    return runs


def deposits_section(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """Balance, daily trend with peak season, the change decomposed, and the outflow watch list."""
    lang = _lang(d)
    m = d.metrics
    out: Objects = [_heading("deposits", lang)]
    dec = d.sections.get("decomposition")
    if isinstance(dec, pd.DataFrame) and len(dec):
        amounts = dec.set_index("component")["amount"]
        out.append(Callout(style="warning" if _num(m.get("growth_gap")) >= 0.04 else "note", text=L.text(
            "dep_narr", lang, deposits=_fv(amounts.get("end"), "wan", lang), base=d.comparison_month,
            growth=_fv(m.get("deposit_growth"), "pct1", lang), peer_growth=_fv(m.get("peer_deposit_growth"), "pct1", lang),
            new=_fv(amounts.get("new_customers"), "wan", lang),
            net_existing=_fv(_num(amounts.get("existing_up")) + _num(amounts.get("existing_down")), "wan", lang),
            lost=_fv(abs(_num(amounts.get("lost_customers"))), "wan", lang))))
    trend = _frame(d, "trend")
    if trend is not None:
        fig = charts.line_chart(
            pd.to_datetime(trend["date"]).dt.strftime("%Y-%m-%d").tolist(),
            {L.text("dep_axis", lang): trend["deposits"].astype("float64").tolist()},
            value_title=L.text("dep_axis", lang), value_format="wan",
            shaded=_peak_runs(trend, L.text("peak", lang)), lang=lang, height=400)
        fig.update_traces(mode="lines")
        fig.update_xaxes(tickformat="%Y-%m", dtick="M1")
        out.append(_figure(fig, L.text("dep_trend_caption", lang), L.source("daily", lang)))
    monthly = _frame(d, "monthly")
    if monthly is not None:
        spec = [("period", "col_period", "month"), ("closing", "col_closing", "wan"),
                ("daily_average", "col_daily_avg", "wan"), ("change", "col_change", "wan"),
                ("growth", "col_growth", "pct1")]
        peak = [i for i, f in enumerate(monthly["peak_season"].astype(bool)) if f]
        out.append(_table(monthly, L.text("dep_monthly_caption", lang), spec, lang,
                          source=L.source("daily", lang), highlight=peak))
    if isinstance(dec, pd.DataFrame) and len(dec):
        label_col = "label_zh" if lang == "zh" else "label_en"
        rel = dec[dec["measure"] == "relative"]
        start = dec[dec["component"] == "start"].iloc[0]
        end = dec[dec["component"] == "end"].iloc[0]
        fig = charts.waterfall_chart(
            [(str(r[label_col]), float(r["amount"])) for _, r in rel.iterrows()],
            start=(str(start[label_col]), float(start["amount"])), end_label=str(end[label_col]),
            value_title=L.text("dep_axis", lang), value_format="wan", lang=lang, height=420)
        out.append(_figure(fig, L.text("dep_waterfall_caption", lang, base=d.comparison_month, month=d.month),
                           L.source("core", lang)))
    out.extend(_watchlist(d, pseudonymise))
    return out


def _watchlist(d: BranchDiagnostic, pseudonymise: bool) -> Objects:
    lang = _lang(d)
    watch = _frame(d, "watchlist")
    if watch is None:
        return [Callout(style="tip", text=L.text("dep_watch_none", lang))]
    p = pseudonymiser(d, pseudonymise)
    shown = watch.head(MAX_LIST_ROWS).assign(
        customer_id=lambda f: _people(f["customer_id"], p, "customer"),
        owner_staff_id=lambda f: _people(f["owner_staff_id"], p, "staff"),
        main_channel=lambda f: _mapped(f["main_channel"], L.CHANNEL_LABELS, lang),
    )
    spec = [("customer_id", "col_customer", "text"), ("owner_staff_id", "col_owner", "text"),
            ("start_balance", "col_start", "wan"), ("current_balance", "col_current", "wan"),
            ("drop", "col_drop", "wan"), ("drop_share", "col_drop_share", "pct0"),
            ("first_outflow_on", "col_first_out", "date"), ("main_channel", "col_channel", "text"),
            ("outflow_txns", "col_out_txns", "int")]
    return [_table(shown, L.text("dep_watch_caption", lang), spec, lang, source=L.source("txn", lang),
                   note=_list_note(len(watch), len(shown), lang, p.enabled))]


def _list_note(n: int, k: int, lang: str, pseudonymised: bool) -> str | None:
    parts = []
    if n > k:
        parts.append(L.text("list_note", lang, n=n, k=k))
    if pseudonymised:
        parts.append(L.text("pseudo_note", lang))
    return (" " if lang == "en" else "").join(parts) or None


# --------------------------------------------------------------------------- tiers


def _tier_labels(series: pd.Series, lang: str) -> list[str]:
    return [L.label(L.TIER_LABELS, t, lang) for t in series.astype(str)]


def tiers_section(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """Tier mix, migration, claim and contact coverage, and the unattended top-tier list."""
    lang = _lang(d)
    m = d.metrics
    out: Objects = [_heading("tiers", lang)]
    dist = _frame(d, "tier_distribution")
    migration = d.sections.get("migration")
    if dist is not None:
        top = dist.set_index("tier")
        out.append(Callout(
            style="warning" if _num(m.get("top_unattended_share")) >= 0.15 else "note",
            text=L.text("tier_narr", lang, top=int(m.get("top_customers", top.at["top", "customers"])),
                        top_share=_fv(top.at["top", "share"], "pct1", lang),
                        top_aum_share=_fv(top.at["top", "aum_share"], "pct1", lang),
                        unattended=int(_num(m.get("top_unattended_count")) or 0),
                        peer_unattended=_fv(m.get("peer_top_unattended_share"), "pct0", lang),
                        base=d.comparison_month, up=getattr(migration, "up", 0), down=getattr(migration, "down", 0))))
        shown = dist.assign(tier=_tier_labels(dist["tier"], lang))
        spec = [("tier", "col_tier", "text"), ("customers", "col_customers", "int"), ("share", "col_share", "pct1"),
                ("aum", "col_aum", "wan"), ("aum_share", "col_aum_share", "pct1")]
        out.append(_table(shown, L.text("tier_dist_caption", lang, month=d.month), spec, lang,
                          source=L.source("core", lang)))
        fig = _grouped_bar(shown["tier"].tolist(), {L.text("series_customers", lang): dist["share"].tolist(),
                                                    L.text("series_aum", lang): dist["aum_share"].tolist()},
                           value_title=L.text("share_axis", lang), value_format="pct0", lang=lang)
        out.append(_figure(fig, L.text("tier_dist_chart", lang), L.source("core", lang)))
    if migration is not None and hasattr(migration, "matrix"):
        matrix = migration.matrix.copy()
        matrix.index = _tier_labels(pd.Series(matrix.index), lang)
        matrix.columns = _tier_labels(pd.Series(matrix.columns), lang)
        fig = charts.heatmap_chart(matrix, x_title=L.text("mig_to", lang), y_title=L.text("mig_from", lang),
                                   value_title="", value_format="int", lang=lang, height=380)
        out.append(_figure(fig, L.text("mig_caption", lang, base=d.comparison_month, month=d.month),
                           L.source("core", lang)))
        summary = migration.summary()
        summary = summary.assign(direction=_mapped(summary["direction"], L.MIGRATION_LABELS, lang))
        out.append(_table(summary, L.text("mig_summary_caption", lang),
                          [("direction", "col_direction", "text"), ("customers", "col_customers", "int"),
                           ("share", "col_share", "pct1")], lang, source=L.source("core", lang)))
    out.extend(_claims(d))
    out.extend(_unattended(d, pseudonymise))
    return out


def _claims(d: BranchDiagnostic) -> Objects:
    lang = _lang(d)
    cov = _frame(d, "claim_coverage")
    if cov is None:
        return []
    comp = d.sections.get("contact_compliance")
    merged = cov.copy()
    if isinstance(comp, pd.DataFrame) and len(comp):
        merged = merged.merge(comp[["tier", "required_days", "contacted_in_time", "compliance"]], on="tier", how="left")
    merged["tier"] = _tier_labels(merged["tier"], lang)
    if "required_days" in merged:
        merged["required_days"] = merged["required_days"].astype("Float64")
    spec = [("tier", "col_tier", "text"), ("customers", "col_customers", "int"), ("claimed", "col_claimed", "int"),
            ("coverage", "col_coverage", "pct1"), ("required_days", "col_required", "int"),
            ("contacted_in_time", "col_in_time", "int"), ("compliance", "col_compliance", "pct1")]
    out: Objects = [_table(merged, L.text("claim_caption", lang), spec, lang, source=L.source("crm", lang))]
    series = {L.text("series_coverage", lang): merged["coverage"].tolist()}
    if "compliance" in merged:
        series[L.text("series_compliance", lang)] = merged["compliance"].tolist()
    fig = _grouped_bar(merged["tier"].tolist(), series, value_title=L.text("share_axis", lang),
                       value_format="pct0", lang=lang)
    fig.update_yaxes(range=[0, 1.15])
    out.append(_figure(fig, L.text("claim_chart", lang), L.source("crm", lang)))
    return out


def _unattended(d: BranchDiagnostic, pseudonymise: bool) -> Objects:
    lang = _lang(d)
    frame = _frame(d, "unattended")
    if frame is None:
        return [Callout(style="tip", text=L.text("unatt_none", lang))]
    p = pseudonymiser(d, pseudonymise)
    shown = frame.head(MAX_LIST_ROWS).assign(
        customer_id=lambda f: _people(f["customer_id"], p, "customer"),
        owner_staff_id=lambda f: _people(f["owner_staff_id"], p, "staff"),
        reason=lambda f: _mapped(f["reason"], L.REASON_LABELS, lang),
        tier=lambda f: _tier_labels(f["tier"], lang),
    )
    spec = [("customer_id", "col_customer", "text"), ("aum", "col_aum", "wan"),
            ("owner_staff_id", "col_owner", "text"), ("days_since_contact", "col_days", "int"),
            ("required_days", "col_required", "int"), ("reason", "col_reason", "text")]
    return [_table(shown, L.text("unatt_caption", lang), spec, lang, source=L.source("crm", lang),
                   note=_list_note(len(frame), len(shown), lang, p.enabled))]


# --------------------------------------------------------------------------- cross-sell


def cross_sell_section(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """Products per customer, penetration by tier, and the deposit-only lead list."""
    lang = _lang(d)
    m = d.metrics
    out: Objects = [_heading("cross_sell", lang)]
    counts = _frame(d, "product_counts")
    single = counts.set_index("n_products")["share"].get("1") if counts is not None else math.nan
    out.append(Callout(style="warning" if _num(m.get("cross_sell_leads")) >= 20 else "note", text=L.text(
        "xs_narr", lang, ppc=_fv(m.get("products_per_customer"), "float2", lang),
        peer_ppc=_fv(m.get("peer_products_per_customer"), "float2", lang), single=_fv(single, "pct0", lang),
        leads=int(_num(m.get("cross_sell_leads")) or 0), lead_dep=_fv(_num(m.get("lead_deposits_wan")) * 1e4, "wan", lang))))
    if counts is not None:
        fig = charts.bar_chart(counts["n_products"].astype(str).tolist(), counts["customers"].astype("float64").tolist(),
                               value_title=L.text("xs_counts_axis", lang), value_format="int", lang=lang, height=360)
        fig.update_xaxes(title_text=L.text("xs_counts_x", lang), type="category")
        out.append(_figure(fig, L.text("xs_counts_caption", lang), L.source("core", lang)))
    pen = _frame(d, "penetration")
    if pen is not None:
        products = [c for c in L.PRODUCT_LABELS["en"] if c in pen.columns]
        matrix = pen.set_index("tier")[products].astype("float64")
        matrix.index = _tier_labels(pd.Series(matrix.index), lang)
        matrix.columns = [L.label(L.PRODUCT_LABELS, c, lang) for c in products]
        fig = charts.heatmap_chart(matrix, x_title=L.text("xs_pen_x", lang), y_title=L.text("xs_pen_y", lang),
                                   value_format="pct0", lang=lang, height=360)
        fig.update_traces(colorbar=dict(tickformat=".0%"))
        out.append(_figure(fig, L.text("xs_pen_caption", lang), L.source("core", lang)))
    leads = _frame(d, "leads")
    if leads is None:
        out.append(Callout(style="tip", text=L.text("xs_leads_none", lang)))
    else:
        p = pseudonymiser(d, pseudonymise)
        shown = leads.head(MAX_LIST_ROWS).assign(
            customer_id=lambda f: _people(f["customer_id"], p, "customer"),
            owner_staff_id=lambda f: _people(f["owner_staff_id"], p, "staff"))
        # deposit-only customers: their AUM is their deposits, one column says it
        spec = [("customer_id", "col_customer", "text"), ("owner_staff_id", "col_owner", "text"),
                ("deposits", "col_deposits", "wan")]
        out.append(_table(shown, L.text("xs_leads_caption", lang), spec, lang, source=L.source("core", lang),
                          note=_list_note(len(leads), len(shown), lang, p.enabled)))
    return out


# --------------------------------------------------------------------------- channel


def channel_section(d: BranchDiagnostic) -> Objects:
    """Mobile-banking adoption against peers, by age band and by tier."""
    lang = _lang(d)
    m = d.metrics
    out: Objects = [_heading("channel", lang)]
    ages = _frame(d, "adoption_by_age")
    unknown = "未知" if lang == "zh" else "Unknown"
    if ages is not None:
        ages = ages.assign(age_band=ages["age_band"].astype(str).replace({"unknown": unknown}))
        known = ages[(ages["age_band"] != unknown) & (ages["customers"] > 0)]
        if len(known):
            low = known.sort_values("rate").iloc[0]
            out.append(Callout(style="warning" if _num(m.get("mobile_gap")) >= 0.05 else "note", text=L.text(
                "ch_narr", lang, rate=_fv(m.get("mobile_adoption"), "pct1", lang),
                peer=_fv(m.get("peer_mobile_adoption"), "pct1", lang), low_band=low["age_band"],
                low_rate=_fv(low["rate"], "pct0", lang), low_gap=int(low["customers"] - low["mobile"]))))
        fig = charts.bar_chart(ages["age_band"].tolist(), ages["rate"].astype("float64").tolist(),
                               value_title=L.text("ch_age_axis", lang), value_format="pct0", lang=lang, height=360)
        fig.update_xaxes(title_text=L.text("ch_age_x", lang), type="category")
        fig.update_yaxes(range=[0, 1.1])
        out.append(_figure(fig, L.text("ch_age_caption", lang), L.source("core", lang)))
    tiers = _frame(d, "adoption_by_tier")
    if tiers is not None:
        shown = tiers.assign(tier=_tier_labels(tiers["tier"], lang))
        spec = [("tier", "col_tier", "text"), ("customers", "col_customers", "int"),
                ("mobile", "col_mobile", "int"), ("rate", "col_rate", "pct1")]
        out.append(_table(shown, L.text("ch_tier_caption", lang), spec, lang, source=L.source("core", lang)))
    return out


# --------------------------------------------------------------------------- lobby


def lobby_section(d: BranchDiagnostic) -> Objects:
    """Wait figures, their distribution, when waits peak, and counters needed against counters open."""
    lang = _lang(d)
    m = d.metrics
    out: Objects = [_heading("lobby", lang)]
    summary = d.sections.get("wait_summary")
    if summary is None:
        out.append(Callout(style="note", text=L.text("lb_none", lang)))
        return out
    threshold = float(getattr(summary, "threshold_min", d.settings.wait_threshold_min))
    worse = _num(m.get("share_over_15_vs_peers")) >= 1.3 or _num(m.get("lunch_ratio_vs_peers")) >= 1.5
    out.append(Callout(style="warning" if worse else "note", text=L.text(
        "lb_narr", lang, median=_minutes(summary.median_wait, lang), p90=_minutes(summary.p90_wait, lang),
        over=_fv(summary.share_over, "pct0", lang), threshold=threshold,
        peer_over=_fv(m.get("peer_share_over_15"), "pct0", lang), lunch=_minutes(m.get("lunch_median_wait"), lang))))
    over_status = ("red" if _num(m.get("share_over_15_vs_peers")) >= 1.3 else
                   "green" if _num(m.get("share_over_15_vs_peers")) <= 1.0 else "amber")
    out.append(Scorecard(caption=L.text("lb_tiles", lang), tiles=[
        Tile(label=L.text("lb_t_median", lang), value=summary.median_wait, format="min1"),
        Tile(label=L.text("lb_t_p90", lang), value=summary.p90_wait, format="min1"),
        Tile(label=L.text("lb_t_over", lang, threshold=threshold), value=summary.share_over, format="pct1",
             status=over_status if _has(m.get("share_over_15_vs_peers")) else "none",
             note=L.text("tile_note", lang, median=_fv(m.get("peer_share_over_15"), "pct1", lang))
             if _has(m.get("peer_share_over_15")) else None),
        Tile(label=L.text("lb_t_walk", lang), value=summary.walk_away_rate, format="pct1"),
        Tile(label=L.text("lb_t_lunch", lang), value=m.get("lunch_median_wait"), format="min1"),
    ]))
    dist = _frame(d, "wait_distribution")
    if dist is not None:
        fig = charts.bar_chart(dist["bin"].astype(str).tolist(), dist["share"].astype("float64").tolist(),
                               value_title=L.text("lb_dist_axis", lang), value_format="pct1", lang=lang, height=360,
                               highlight=[b for b, lo in zip(dist["bin"], dist["lower"], strict=True) if lo >= threshold])
        fig.update_xaxes(title_text=L.text("lb_dist_x", lang), type="category")
        out.append(_figure(fig, L.text("lb_dist_caption", lang), L.source("queue", lang)))
    heat = _frame(d, "heatmap")
    if heat is not None:
        order = heat.drop_duplicates("weekday").sort_values("weekday")["weekday_label"].tolist()
        matrix = heat.pivot(index="weekday_label", columns="hour", values="wait").reindex(order)
        matrix = matrix.reindex(columns=sorted(matrix.columns))
        matrix.columns = [f"{int(h)}" for h in matrix.columns]
        fig = charts.heatmap_chart(matrix, x_title=L.text("lb_heat_x", lang), y_title=L.text("lb_heat_y", lang),
                                   value_title=L.text("lb_heat_value", lang), value_format="int", lang=lang, height=380)
        out.append(_figure(fig, L.text("lb_heat_caption", lang), L.source("queue", lang)))
    counters = _frame(d, "counters")
    if counters is not None:
        out.append(_figure(_counter_chart(counters, lang), L.text("lb_counter_caption", lang), L.source("queue", lang)))
    return out


def _counter_chart(counters: pd.DataFrame, lang: str) -> go.Figure:
    """Counters needed per hour as bars, counters open as a line: the gap is where they part."""
    hours = [f"{int(h)}:00" for h in counters["hour"]]
    needed = [None if pd.isna(v) else float(v) for v in counters["counters_needed"].astype("Float64")]
    opened = counters["counters_open"].astype("float64").tolist()
    fig = _base_fig(380)
    short = [n is not None and n > o + 0.5 for n, o in zip(needed, opened, strict=True)]
    colors = [charts.NEGATIVE_COLOR if s else charts.BASE_COLOR for s in short]
    fig.add_trace(go.Bar(x=hours, y=needed, name=L.text("lb_counter_needed", lang), marker_color=colors,
                         text=[_fv(v, "int", lang) for v in needed], textposition="outside", cliponaxis=False))
    fig.add_trace(go.Scatter(x=hours, y=opened, name=L.text("lb_counter_open", lang), mode="lines+markers",
                             line=dict(color=charts.HIGHLIGHT_COLOR, width=3), marker=dict(size=7)))
    fig.update_yaxes(title_text=L.text("lb_counter_axis", lang), rangemode="tozero")
    fig.update_xaxes(title_text=L.text("lb_counter_x", lang), type="category")
    fig.update_layout(showlegend=True)
    return fig


# --------------------------------------------------------------------------- referrals


def _handoff_label(code: Any, lang: str) -> Any:
    return HANDOFF_LABELS.get(str(code), {}).get(lang, code) if isinstance(code, str) else code


def referrals_section(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """The referral funnel, conversion by referring role and by person."""
    lang = _lang(d)
    m = d.metrics
    out: Objects = [_heading("referrals", lang)]
    funnel = _frame(d, "funnel")
    if funnel is None:
        out.append(Callout(style="note", text=L.text("rf_none", lang)))
        return out
    reached = funnel.set_index("stage")["reached"]
    weakest, weakest_rate = m.get("weakest_handoff"), m.get("weakest_handoff_rate")
    by_role = _frame(d, "referrals_by_role")
    if weakest is None:  # worded from the branch's own funnel when the metrics lack it
        rates = {code: reached.get(a) / reached.get(b) if reached.get(b) else math.nan
                 for code, (a, b) in {"contact_rate": ("contacted", "referred"), "proposal_rate": ("proposed", "contacted"),
                                      "close_rate": ("sold", "proposed")}.items()}
        known = {k: v for k, v in rates.items() if _has(v)}
        if known:
            code = min(known, key=known.get)
            weakest, weakest_rate = _handoff_label(code, lang), known[code]
    conversion = m.get("referral_conversion")
    if not _has(conversion) and reached.get("referred"):
        conversion = reached.get("sold", 0) / reached["referred"]
    out.append(Callout(style="warning" if _num(m.get("referral_gap")) >= 0.05 else "note", text=L.text(
        "rf_narr", lang, referred=_fv(reached.get("referred"), "int", lang), sold=_fv(reached.get("sold"), "int", lang),
        conversion=_fv(conversion, "pct1", lang), peer=_fv(m.get("peer_referral_conversion"), "pct1", lang),
        weakest=weakest if weakest is not None else "–", weakest_rate=_fv(weakest_rate, "pct0", lang))))
    fig = charts.funnel_chart([L.label(L.STAGE_LABELS, s, lang) for s in funnel["stage"]],
                              funnel["reached"].astype("float64").tolist(), lang=lang, height=340)
    out.append(_figure(fig, L.text("rf_funnel_caption", lang), L.source("referrals", lang)))
    spec_counts = [("referred", "col_referred", "int"), ("contacted", "col_contacted", "int"),
                   ("proposed", "col_proposed", "int"), ("sold", "col_sold", "int"),
                   ("conversion", "col_conversion", "pct1"), ("sold_amount", "col_sold_amount", "wan"),
                   ("weakest_handoff", "col_weakest", "text")]
    if by_role is not None:
        shown = by_role.assign(role=_mapped(by_role["role"], L.ROLE_LABELS, lang),
                               weakest_handoff=by_role["weakest_handoff"].map(lambda c: _handoff_label(c, lang)))
        out.append(_table(shown, L.text("rf_role_caption", lang), [("role", "col_role", "text"), *spec_counts], lang,
                          source=L.source("referrals", lang)))
    by_person = _frame(d, "referrals_by_person")
    if by_person is not None:
        p = pseudonymiser(d, pseudonymise)
        staff = _people(by_person["from_staff_id"], p, "staff") if p.enabled else by_person["name"].tolist()
        shown = by_person.head(MAX_LIST_ROWS).assign(
            staff=staff[:MAX_LIST_ROWS], role=_mapped(by_person["role"].head(MAX_LIST_ROWS), L.ROLE_LABELS, lang),
            weakest_handoff=by_person["weakest_handoff"].head(MAX_LIST_ROWS).map(lambda c: _handoff_label(c, lang)))
        out.append(_table(shown, L.text("rf_person_caption", lang),
                          [("staff", "col_staff", "text"), ("role", "col_role", "text"), *spec_counts], lang,
                          source=L.source("referrals", lang), note=_list_note(len(by_person), len(shown), lang, p.enabled)))
    return out


# --------------------------------------------------------------------------- targets


#: target metrics counted in yuan (shown in 万); the others are counts
_METRIC_FORMATS = {"deposits": "wan", "aum": "wan", "wealth_sales": "wan", "fund_sales": "wan",
                   "insurance_sales": "wan"}


def _staff_column(frame: pd.DataFrame, id_col: str, p: Pseudonymiser) -> list[Any]:
    if p.enabled or "name" not in frame:
        return _people(frame[id_col], p, "staff")
    return frame["name"].tolist()


def targets_section(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """Completion against time elapsed, the leaderboard, and staff kept past (or lost despite) the policy."""
    lang = _lang(d)
    m = d.metrics
    p = pseudonymiser(d, pseudonymise)
    out: Objects = [_heading("targets", lang)]
    progress = _frame(d, "target_progress")
    if progress is None:
        out.append(Callout(style="note", text=L.text("tg_none", lang)))
        return out
    completion, elapsed = m.get("target_completion"), m.get("time_elapsed")
    dep = progress[progress["metric"] == "deposits"] if "metric" in progress else progress.iloc[:0]
    if not _has(completion) and len(dep):
        completion, elapsed = dep["completion"].iloc[0], dep["time_elapsed"].iloc[0]
    if _has(completion):
        out.append(Callout(style="warning" if _num(m.get("pace_gap")) >= 0.05 else "note", text=L.text(
            "tg_narr", lang, completion=_fv(completion, "pct1", lang), elapsed=_fv(elapsed, "pct1", lang))))
    if {"metric", "completion"} <= set(progress.columns):
        rows = progress.dropna(subset=["completion"])
        if len(rows):
            labels_ = [L.label(L.TARGET_METRIC_LABELS, x, lang) for x in rows["metric"]]
            fig = charts.bar_chart(labels_, rows["completion"].astype("float64").tolist(),
                                   value_title=L.text("tg_completion", lang), value_format="pct0", lang=lang,
                                   height=380)
            if "time_elapsed" in rows and _has(rows["time_elapsed"].iloc[0]):
                te = float(rows["time_elapsed"].iloc[0])
                fig.add_trace(go.Scatter(
                    x=labels_, y=[te] * len(labels_), mode="lines", line=dict(color="#7d8b99", width=2, dash="dash"),
                    name=f"{L.text('tg_elapsed', lang)} {_fv(te, 'pct0', lang)}"))
                fig.update_layout(showlegend=True)
                fig.update_traces(marker_color=[charts.NEGATIVE_COLOR if c < te else charts.PALETTE[0]
                                                for c in rows["completion"].astype("float64")],
                                  name=L.text("tg_completion", lang), selector=dict(type="bar"))
            out.append(_figure(fig, L.text("tg_progress_caption", lang), L.source("targets", lang)))
            units = [_METRIC_FORMATS.get(str(x), "int") for x in rows["metric"]]
            shown = rows.assign(
                metric=labels_,
                annual_target=[_fv(v, f, lang) for v, f in zip(rows["annual_target"], units, strict=True)],
                actual_ytd=[_fv(v, f, lang) for v, f in zip(rows["actual_ytd"], units, strict=True)])
            spec = [("metric", "col_metric", "text"), ("annual_target", "col_target", "text"),
                    ("actual_ytd", "col_actual", "text"), ("completion", "col_completion", "pct1"),
                    ("time_elapsed", "col_elapsed", "pct1")]
            out.append(_table(shown, L.text("tg_progress_caption", lang), spec, lang, source=L.source("targets", lang),
                              highlight=[i for i, c in enumerate(rows["completion"]) if c < _num(rows["time_elapsed"].iloc[0])]))
    board = _frame(d, "leaderboard")
    if board is not None:
        id_col = "staff_id" if "staff_id" in board else "id"
        shown = board.head(MAX_LIST_ROWS).copy()
        shown["staff"] = _staff_column(shown, id_col, p)
        if "role" in shown:
            shown["role"] = _mapped(shown["role"], L.ROLE_LABELS, lang)
        if "rank" in shown:
            shown["rank"] = shown["rank"].astype("Float64")
        spec = [("rank", "col_rank", "int"), ("staff", "col_staff", "text"), ("role", "col_role", "text"),
                ("completion", "col_completion", "pct1"), ("ytd_completion", "col_completion", "pct1")]
        spec = [s for s in spec if not (s[0] == "ytd_completion" and "completion" in shown)]
        behind = [i for i, b in enumerate(shown.get("behind_pace", pd.Series(dtype=bool)).tolist()) if b is True]
        out.append(_table(shown, L.text("tg_board_caption", lang, month=d.month), spec, lang,
                          source=L.source("targets", lang), highlight=behind,
                          note=" ".join(x for x in (L.text("tg_behind_note", lang) if behind else "",
                                                    _list_note(len(board), len(shown), lang, p.enabled) or "") if x)
                          or None))
    breaches = _frame(d, "breaches")
    if breaches is not None and "breach" in breaches:
        breaches = breaches[breaches["breach"].astype(bool)]
    if breaches is not None and len(breaches):
        shown = breaches.copy()
        shown["staff"] = _staff_column(shown, "staff_id", p)
        if "role" in shown:
            shown["role"] = _mapped(shown["role"], L.ROLE_LABELS, lang)
        if "metric" in shown:
            shown["metric"] = _mapped(shown["metric"], L.TARGET_METRIC_LABELS, lang)
        month_col = "fire_month" if "fire_month" in shown else "policy_month"
        spec = [("staff", "col_staff", "text"), ("role", "col_role", "text"), ("metric", "col_metric", "text"),
                ("streak", "col_streak", "int"), (month_col, "col_policy_month", "month"),
                ("action_taken", "col_reviewed", "text")]
        out.append(_table(shown, L.text("tg_breach_caption", lang), spec, lang, source=L.source("targets", lang),
                          note=_list_note(len(shown), len(shown), lang, p.enabled)))
    exits = _frame(d, "exits")
    if exits is not None:
        shown = exits.copy()
        shown["staff"] = _staff_column(shown, "staff_id", p) if "staff_id" in shown else (
            [p.token(n, "staff") for n in shown["name"]] if p.enabled else shown["name"].tolist())
        if "role" in shown:
            shown["role"] = _mapped(shown["role"], L.ROLE_LABELS, lang)
        spec = [("staff", "col_staff", "text"), ("role", "col_role", "text"),
                ("public_criticisms", "col_criticisms", "int"), ("left_on", "col_left", "date")]
        out.append(_table(shown, L.text("tg_exit_caption", lang), spec, lang, source=L.source("targets", lang),
                          note=_list_note(len(shown), len(shown), lang, p.enabled)))
    return out


# --------------------------------------------------------------------------- action plan


def action_plan(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """One row per finding: the action, who owns it (the practice's role), the due date and the KPI to watch."""
    lang = _lang(d)
    p = pseudonymiser(d, pseudonymise)
    out: Objects = [_heading("actions", lang)]
    end = month_end(d.month)
    if not d.findings:
        out.append(Callout(style="tip", text=L.text("act_none", lang)))
        return out
    ordered = sorted(d.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.due_days))
    rows = pd.DataFrame({
        "no": range(1, len(ordered) + 1),
        "priority": [severity_label(f.severity, lang) for f in ordered],
        "subject": [L.label(L.SUBJECT_LABELS, f.subject, lang) for f in ordered],
        "action": [_scrub(f.action, d, p) for f in ordered],
        "owner": [L.label(L.ROLE_LABELS, f.owner_role, lang) for f in ordered],
        "due": [(end + pd.Timedelta(days=int(f.due_days))).strftime("%Y-%m-%d") for f in ordered],
        "kpi": [f.kpi for f in ordered],
    })
    spec = [("priority", "col_priority", "text"), ("subject", "col_subject", "text"),
            ("action", "col_action", "text"), ("owner", "col_owner_role", "text"), ("due", "col_due", "date"),
            ("kpi", "col_kpi_watch", "text")]
    out.append(_table(rows, L.text("act_caption", lang, month_end=end.strftime("%Y-%m-%d")), spec, lang,
                      source=L.source("rules", lang)))
    return out


def introduction(d: BranchDiagnostic) -> Objects:
    """What the report covers and how to read it (fixed wording)."""
    return [Markdown(L.text("intro", _lang(d)))]


def show(objects: Objects) -> None:
    """Display a section's objects one after another (a playbook cell's only line)."""
    from IPython.display import display

    for obj in objects:
        display(obj)


#: the report in reading order: section name → function(d, pseudonymise)
SECTIONS: dict[str, Callable[..., Objects]] = {
    "summary": executive_summary,
    "scorecard": lambda d, pseudonymise=True: scorecard_section(d),
    "deposits": deposits_section,
    "tiers": tiers_section,
    "cross_sell": cross_sell_section,
    "channel": lambda d, pseudonymise=True: channel_section(d),
    "lobby": lambda d, pseudonymise=True: lobby_section(d),
    "referrals": referrals_section,
    "targets": targets_section,
    "actions": action_plan,
}


def full_report(d: BranchDiagnostic, pseudonymise: bool = True) -> Objects:
    """Every section in reading order (for batch use and tests; the playbook shows them cell by cell)."""
    out: Objects = []
    for section in SECTIONS.values():
        out.extend(section(d, pseudonymise=pseudonymise))
    return out


__all__ = [
    "PEER_RULES", "SECTIONS", "action_plan", "channel_section", "cross_sell_section", "deposits_section",
    "executive_summary", "full_report", "introduction", "show", "lobby_section", "peer_rule", "pseudonymiser", "referrals_section",
    "scorecard_section", "targets_section", "tiers_section",
]
