"""The deposits section: balance against peers, the daily trend with peak season, the change decomposed, the outflow watch list."""

from __future__ import annotations

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
    label_column,
    mapped,
    report_lang,
    section_frame,
    table,
)
from branch_consult.reports.diagnostic.pseudonyms import customer_list


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


def deposits_section(d: DiagnosticReport) -> Objects:
    """Balance, daily trend with peak season, the change decomposed, and the outflow watch list."""
    lang = report_lang(d)
    m = d.metrics
    out: Objects = [heading("deposits", lang)]
    dec = d.tables.decomposition
    if isinstance(dec, pd.DataFrame) and len(dec):
        amounts = dec.set_index("component")["amount"]
        out.append(
            Callout(
                style="warning" if as_number(m.get("growth_gap")) >= 0.04 else "note",
                text=labels.text(
                    "dep_narr",
                    lang,
                    deposits=formatted(amounts.get("end"), "wan", lang),
                    base=d.comparison_month,
                    growth=formatted(m.get("deposit_growth"), "pct1", lang),
                    peer_growth=formatted(m.get("peer_deposit_growth"), "pct1", lang),
                    new=formatted(amounts.get("new_customers"), "wan", lang),
                    net_existing=formatted(
                        as_number(amounts.get("existing_up"))
                        + as_number(amounts.get("existing_down")),
                        "wan",
                        lang,
                    ),
                    lost=formatted(abs(as_number(amounts.get("lost_customers"))), "wan", lang),
                ),
            )
        )
    trend = section_frame(d, "trend")
    if trend is not None:
        fig = charts.line_chart(
            pd.to_datetime(trend["date"]).dt.strftime("%Y-%m-%d").tolist(),
            {labels.text("dep_axis", lang): trend["deposits"].astype("float64").tolist()},
            value_title=labels.text("dep_axis", lang),
            value_format="wan",
            shaded=_peak_runs(trend, labels.text("peak", lang)),
            lang=lang,
            height=400,
        )
        fig.update_traces(mode="lines")
        fig.update_xaxes(tickformat="%Y-%m", dtick="M1")
        out.append(
            figure(fig, labels.text("dep_trend_caption", lang), labels.source("daily", lang))
        )
    monthly = section_frame(d, "monthly")
    if monthly is not None:
        spec = [
            ("period", "col_period", "month"),
            ("closing", "col_closing", "wan"),
            ("daily_average", "col_daily_avg", "wan"),
            ("change", "col_change", "wan"),
            ("growth", "col_growth", "pct1"),
        ]
        peak = [i for i, f in enumerate(monthly["peak_season"].astype(bool)) if f]
        out.append(
            table(
                monthly,
                labels.text("dep_monthly_caption", lang),
                spec,
                lang,
                source=labels.source("daily", lang),
                highlight=peak,
            )
        )
    if isinstance(dec, pd.DataFrame) and len(dec):
        label_col = label_column(lang)
        rel = dec[dec["measure"] == "relative"]
        start = dec[dec["component"] == "start"].iloc[0]
        end = dec[dec["component"] == "end"].iloc[0]
        fig = charts.waterfall_chart(
            [(str(r[label_col]), float(r["amount"])) for _, r in rel.iterrows()],
            start=(str(start[label_col]), float(start["amount"])),
            end_label=str(end[label_col]),
            value_title=labels.text("dep_axis", lang),
            value_format="wan",
            lang=lang,
            height=420,
        )
        out.append(
            figure(
                fig,
                labels.text("dep_waterfall_caption", lang, base=d.comparison_month, month=d.month),
                labels.source("core", lang),
            )
        )
    out.extend(
        customer_list(
            d,
            "watchlist",
            caption="dep_watch_caption",
            empty="dep_watch_none",
            source="txn",
            spec=[
                ("customer_id", "col_customer", "text"),
                ("owner_staff_id", "col_owner", "text"),
                ("start_balance", "col_start", "wan"),
                ("current_balance", "col_current", "wan"),
                ("drop", "col_drop", "wan"),
                ("drop_share", "col_drop_share", "pct1"),
                ("first_outflow_on", "col_first_out", "date"),
                ("main_channel", "col_channel", "text"),
                ("outflow_txns", "col_out_txns", "int"),
            ],
            relabel={"main_channel": lambda s: mapped(s, labels.CHANNEL_LABELS, lang)},
        )
    )
    return out
