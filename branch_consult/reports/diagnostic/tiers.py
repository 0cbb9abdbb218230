"""The tiers section: tier mix, migration between tiers, claim and contact coverage, unattended top-tier customers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from branch_consult import charts
from branch_consult.analysis.tiers import TierMigration
from branch_consult.display import Callout
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
    mapped,
    report_lang,
    section_frame,
    table,
    tier_labels,
)
from branch_consult.reports.diagnostic.pseudonyms import customer_list


def _grouped_bar(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    value_title: str,
    value_format: str,
    lang: str,
    height: int = 400,
) -> go.Figure:
    """Side-by-side bars, one colour per series (e.g. share of customers vs share of assets)."""
    fig = base_fig(height)
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(
            go.Bar(
                x=list(categories),
                y=[None if not has_value(v) else float(v) for v in values],
                name=name,
                marker_color=charts.PALETTE[i % len(charts.PALETTE)],
                text=[formatted(v, value_format, lang) for v in values],
                textposition="outside",
                cliponaxis=False,
                textfont=dict(size=11),
            )
        )
    fig.update_layout(barmode="group", showlegend=True)
    fig.update_yaxes(
        title_text=charts.axis_title(value_title, value_format, lang),
        tickformat=".0%" if value_format.startswith("pct") else ",",
    )
    return fig


def tiers_section(d: DiagnosticReport) -> Objects:
    """Tier mix, migration, claim and contact coverage, and the unattended top-tier list."""
    lang = report_lang(d)
    m = d.metrics
    out: Objects = [heading("tiers", lang)]
    dist = section_frame(d, "tier_distribution")
    # a TierMigration (the results module still declares the field a DataFrame)
    migration = d.tables.migration
    moves = migration if isinstance(migration, TierMigration) else None
    if dist is not None:
        top = dist.set_index("tier")
        out.append(
            Callout(
                style="warning" if as_number(m.get("top_unattended_share")) >= 0.15 else "note",
                text=labels.text(
                    "tier_narr",
                    lang,
                    top=int(as_number(m.get("top_customers", top.at["top", "customers"]))),
                    top_share=formatted(top.at["top", "share"], "pct1", lang),
                    top_aum_share=formatted(top.at["top", "aum_share"], "pct1", lang),
                    unattended=int(as_number(m.get("top_unattended_count")) or 0),
                    peer_unattended=formatted(m.get("peer_top_unattended_share"), "pct1", lang),
                    base=d.comparison_month,
                    up=moves.up if moves is not None else 0,
                    down=moves.down if moves is not None else 0,
                ),
            )
        )
        shown = dist.assign(tier=tier_labels(dist["tier"], lang))
        spec = [
            ("tier", "col_tier", "text"),
            ("customers", "col_customers", "int"),
            ("share", "col_share", "pct1"),
            ("aum", "col_aum", "wan"),
            ("aum_share", "col_aum_share", "pct1"),
        ]
        out.append(
            table(
                shown,
                labels.text("tier_dist_caption", lang, month=d.month),
                spec,
                lang,
                source=labels.source("core", lang),
            )
        )
        fig = _grouped_bar(
            shown["tier"].tolist(),
            {
                labels.text("series_customers", lang): dist["share"].tolist(),
                labels.text("series_aum", lang): dist["aum_share"].tolist(),
            },
            value_title=labels.text("share_axis", lang),
            value_format="pct1",
            lang=lang,
        )
        out.append(figure(fig, labels.text("tier_dist_chart", lang), labels.source("core", lang)))
    if moves is not None:
        matrix = moves.matrix.copy()
        matrix.index = tier_labels(pd.Series(matrix.index), lang)
        matrix.columns = tier_labels(pd.Series(matrix.columns), lang)
        fig = charts.heatmap_chart(
            matrix,
            x_title=labels.text("mig_to", lang),
            y_title=labels.text("mig_from", lang),
            value_title="",
            value_format="int",
            lang=lang,
            height=380,
        )
        out.append(
            figure(
                fig,
                labels.text("mig_caption", lang, base=d.comparison_month, month=d.month),
                labels.source("core", lang),
            )
        )
        summary = moves.summary()
        summary = summary.assign(
            direction=mapped(summary["direction"], labels.MIGRATION_LABELS, lang)
        )
        out.append(
            table(
                summary,
                labels.text("mig_summary_caption", lang),
                [
                    ("direction", "col_direction", "text"),
                    ("customers", "col_customers", "int"),
                    ("share", "col_share", "pct1"),
                ],
                lang,
                source=labels.source("core", lang),
            )
        )
    out.extend(_claims(d))
    out.extend(
        customer_list(
            d,
            "unattended",
            caption="unatt_caption",
            empty="unatt_none",
            source="crm",
            spec=[
                ("customer_id", "col_customer", "text"),
                ("aum", "col_aum", "wan"),
                ("owner_staff_id", "col_owner", "text"),
                ("days_since_contact", "col_days", "int"),
                ("required_days", "col_required", "int"),
                ("reason", "col_reason", "text"),
            ],
            relabel={
                "reason": lambda s: mapped(s, labels.REASON_LABELS, lang),
                "tier": lambda s: tier_labels(s, lang),
            },
        )
    )
    return out


def _claims(d: DiagnosticReport) -> Objects:
    """Per tier: customers claimed by an owner and contacted within the required days."""
    lang = report_lang(d)
    cov = section_frame(d, "claim_coverage")
    if cov is None:
        return []
    comp = d.tables.contact_compliance
    merged = cov.copy()
    if isinstance(comp, pd.DataFrame) and len(comp):
        merged = merged.merge(
            comp[["tier", "required_days", "contacted_in_time", "compliance"]],
            on="tier",
            how="left",
        )
    merged["tier"] = tier_labels(merged["tier"], lang)
    if "required_days" in merged:
        merged["required_days"] = merged["required_days"].astype("Float64")
    spec = [
        ("tier", "col_tier", "text"),
        ("customers", "col_customers", "int"),
        ("claimed", "col_claimed", "int"),
        ("coverage", "col_coverage", "pct1"),
        ("required_days", "col_required", "int"),
        ("contacted_in_time", "col_in_time", "int"),
        ("compliance", "col_compliance", "pct1"),
    ]
    out: Objects = [
        table(
            merged,
            labels.text("claim_caption", lang),
            spec,
            lang,
            source=labels.source("crm", lang),
        )
    ]
    series = {labels.text("series_coverage", lang): merged["coverage"].tolist()}
    if "compliance" in merged:
        series[labels.text("series_compliance", lang)] = merged["compliance"].tolist()
    fig = _grouped_bar(
        merged["tier"].tolist(),
        series,
        value_title=labels.text("share_axis", lang),
        value_format="pct1",
        lang=lang,
    )
    fig.update_yaxes(range=[0, 1.15])
    out.append(figure(fig, labels.text("claim_chart", lang), labels.source("crm", lang)))
    return out
