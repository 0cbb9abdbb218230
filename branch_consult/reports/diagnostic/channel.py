"""The channel section: mobile-banking adoption against peers, by age band and by tier."""

from __future__ import annotations

from branch_consult import charts
from branch_consult.display import Callout
from branch_consult.reports import labels
from branch_consult.reports.diagnostic.common import (
    DiagnosticReport,
    Objects,
    as_number,
    figure,
    formatted,
    heading,
    report_lang,
    section_frame,
    table,
    tier_labels,
)


def channel_section(d: DiagnosticReport) -> Objects:
    """Mobile-banking adoption against peers, by age band and by tier."""
    lang = report_lang(d)
    m = d.metrics
    out: Objects = [heading("channel", lang)]
    ages = section_frame(d, "adoption_by_age")
    unknown = "未知" if lang == "zh" else "Unknown"
    if ages is not None:
        ages = ages.assign(age_band=ages["age_band"].astype(str).replace({"unknown": unknown}))
        known = ages[(ages["age_band"] != unknown) & (ages["customers"] > 0)]
        if len(known):
            low = known.sort_values("rate").iloc[0]
            out.append(
                Callout(
                    style="warning" if as_number(m.get("mobile_gap")) >= 0.05 else "note",
                    text=labels.text(
                        "ch_narr",
                        lang,
                        rate=formatted(m.get("mobile_adoption"), "pct1", lang),
                        peer=formatted(m.get("peer_mobile_adoption"), "pct1", lang),
                        low_band=low["age_band"],
                        low_rate=formatted(low["rate"], "pct1", lang),
                        low_gap=int(low["customers"] - low["mobile"]),
                    ),
                )
            )
        fig = charts.bar_chart(
            ages["age_band"].tolist(),
            ages["rate"].astype("float64").tolist(),
            value_title=labels.text("ch_age_axis", lang),
            value_format="pct1",
            lang=lang,
            height=360,
        )
        fig.update_xaxes(title_text=labels.text("ch_age_x", lang), type="category")
        fig.update_yaxes(range=[0, 1.1])
        out.append(figure(fig, labels.text("ch_age_caption", lang), labels.source("core", lang)))
    tiers = section_frame(d, "adoption_by_tier")
    if tiers is not None:
        shown = tiers.assign(tier=tier_labels(tiers["tier"], lang))
        spec = [
            ("tier", "col_tier", "text"),
            ("customers", "col_customers", "int"),
            ("mobile", "col_mobile", "int"),
            ("rate", "col_rate", "pct1"),
        ]
        out.append(
            table(
                shown,
                labels.text("ch_tier_caption", lang),
                spec,
                lang,
                source=labels.source("core", lang),
            )
        )
    return out
