"""The cross-sell section: products per customer, product penetration by tier, the deposit-only lead list."""

from __future__ import annotations

import math

import pandas as pd

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
    tier_labels,
)
from branch_consult.reports.diagnostic.pseudonyms import customer_list


def cross_sell_section(d: DiagnosticReport) -> Objects:
    """Products per customer, penetration by tier, and the deposit-only lead list."""
    lang = report_lang(d)
    m = d.metrics
    out: Objects = [heading("cross_sell", lang)]
    counts = section_frame(d, "product_counts")
    single = counts.set_index("n_products")["share"].get("1") if counts is not None else math.nan
    out.append(
        Callout(
            style="warning" if as_number(m.get("cross_sell_leads")) >= 20 else "note",
            text=labels.text(
                "xs_narr",
                lang,
                ppc=formatted(m.get("products_per_customer"), "float2", lang),
                peer_ppc=formatted(m.get("peer_products_per_customer"), "float2", lang),
                single=formatted(single, "pct1", lang),
                leads=int(as_number(m.get("cross_sell_leads")) or 0),
                lead_dep=formatted(as_number(m.get("lead_deposits_wan")) * 1e4, "wan", lang),
            ),
        )
    )
    if counts is not None:
        fig = charts.bar_chart(
            counts["n_products"].astype(str).tolist(),
            counts["customers"].astype("float64").tolist(),
            value_title=labels.text("xs_counts_axis", lang),
            value_format="int",
            lang=lang,
            height=360,
        )
        fig.update_xaxes(title_text=labels.text("xs_counts_x", lang), type="category")
        out.append(figure(fig, labels.text("xs_counts_caption", lang), labels.source("core", lang)))
    pen = section_frame(d, "penetration")
    if pen is not None:
        products = [c for c in labels.PRODUCT_LABELS["en"] if c in pen.columns]
        matrix = pen.set_index("tier")[products].astype("float64")
        matrix.index = tier_labels(pd.Series(matrix.index), lang)
        matrix.columns = [labels.label(labels.PRODUCT_LABELS, c, lang) for c in products]
        fig = charts.heatmap_chart(
            matrix,
            x_title=labels.text("xs_pen_x", lang),
            y_title=labels.text("xs_pen_y", lang),
            value_format="pct1",
            lang=lang,
            height=360,
        )
        fig.update_traces(colorbar=dict(tickformat=".0%"))
        out.append(figure(fig, labels.text("xs_pen_caption", lang), labels.source("core", lang)))
    # deposit-only customers: their AUM is their deposits, one column says it
    out.extend(
        customer_list(
            d,
            "leads",
            caption="xs_leads_caption",
            empty="xs_leads_none",
            source="core",
            spec=[
                ("customer_id", "col_customer", "text"),
                ("owner_staff_id", "col_owner", "text"),
                ("deposits", "col_deposits", "wan"),
            ],
        )
    )
    return out
