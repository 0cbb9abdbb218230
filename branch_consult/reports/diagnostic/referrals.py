"""The referrals section: the referral funnel, conversion by referring role and by person."""

from __future__ import annotations

import math
from typing import Any

from branch_consult import charts
from branch_consult.analysis.referrals import HANDOFF_LABELS
from branch_consult.display import Callout
from branch_consult.reports import labels
from branch_consult.reports.diagnostic.common import (
    MAX_LIST_ROWS,
    DiagnosticReport,
    Objects,
    as_number,
    figure,
    formatted,
    has_value,
    heading,
    mapped,
    report_lang,
    section_frame,
    table,
)
from branch_consult.reports.diagnostic.pseudonyms import list_note, staff_column

#: funnel hand-off → (stage reached, stage it is a share of)
_HANDOFFS = {
    "contact_rate": ("contacted", "referred"),
    "proposal_rate": ("proposed", "contacted"),
    "close_rate": ("sold", "proposed"),
}


def _handoff_label(code: Any, lang: str) -> Any:
    return HANDOFF_LABELS.get(str(code), {}).get(lang, code) if isinstance(code, str) else code


def referrals_section(d: DiagnosticReport) -> Objects:
    """The referral funnel, conversion by referring role and by person."""
    lang = report_lang(d)
    m = d.metrics
    out: Objects = [heading("referrals", lang)]
    funnel = section_frame(d, "funnel")
    if funnel is None:
        out.append(Callout(style="note", text=labels.text("rf_none", lang)))
        return out
    reached = funnel.set_index("stage")["reached"]
    weakest, weakest_rate = m.get("weakest_handoff"), m.get("weakest_handoff_rate")
    by_role = section_frame(d, "referrals_by_role")
    if weakest is None:  # worded from the branch's own funnel when the metrics lack it
        rates = {
            code: as_number(reached.get(a)) / as_number(reached.get(b))
            if reached.get(b)
            else math.nan
            for code, (a, b) in _HANDOFFS.items()
        }
        known = {k: v for k, v in rates.items() if has_value(v)}
        if known:
            code = min(known, key=lambda k: known[k])
            weakest, weakest_rate = _handoff_label(code, lang), known[code]
    conversion = m.get("referral_conversion")
    if not has_value(conversion) and reached.get("referred"):
        conversion = reached.get("sold", 0) / reached["referred"]
    out.append(
        Callout(
            style="warning" if as_number(m.get("referral_gap")) >= 0.05 else "note",
            text=labels.text(
                "rf_narr",
                lang,
                referred=formatted(reached.get("referred"), "int", lang),
                sold=formatted(reached.get("sold"), "int", lang),
                conversion=formatted(conversion, "pct1", lang),
                peer=formatted(m.get("peer_referral_conversion"), "pct1", lang),
                weakest=weakest if weakest is not None else "–",
                weakest_rate=formatted(weakest_rate, "pct1", lang),
            ),
        )
    )
    fig = charts.funnel_chart(
        [labels.label(labels.STAGE_LABELS, s, lang) for s in funnel["stage"]],
        funnel["reached"].astype("float64").tolist(),
        lang=lang,
        height=340,
    )
    out.append(
        figure(fig, labels.text("rf_funnel_caption", lang), labels.source("referrals", lang))
    )
    spec_counts = [
        ("referred", "col_referred", "int"),
        ("contacted", "col_contacted", "int"),
        ("proposed", "col_proposed", "int"),
        ("sold", "col_sold", "int"),
        ("conversion", "col_conversion", "pct1"),
        ("sold_amount", "col_sold_amount", "wan"),
        ("weakest_handoff", "col_weakest", "text"),
    ]
    if by_role is not None:
        shown = by_role.assign(
            role=mapped(by_role["role"], labels.ROLE_LABELS, lang),
            weakest_handoff=by_role["weakest_handoff"].map(lambda c: _handoff_label(c, lang)),
        )
        out.append(
            table(
                shown,
                labels.text("rf_role_caption", lang),
                [("role", "col_role", "text"), *spec_counts],
                lang,
                source=labels.source("referrals", lang),
            )
        )
    by_person = section_frame(d, "referrals_by_person")
    if by_person is not None:
        p = d.people
        top = by_person.head(MAX_LIST_ROWS)
        shown = top.assign(
            staff=staff_column(top, "from_staff_id", p),
            role=mapped(top["role"], labels.ROLE_LABELS, lang),
            weakest_handoff=top["weakest_handoff"].map(lambda c: _handoff_label(c, lang)),
        )
        out.append(
            table(
                shown,
                labels.text("rf_person_caption", lang),
                [("staff", "col_staff", "text"), ("role", "col_role", "text"), *spec_counts],
                lang,
                source=labels.source("referrals", lang),
                note=list_note(len(by_person), len(shown), lang, p.enabled),
            )
        )
    return out
