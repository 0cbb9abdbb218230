"""Evidence: the monthly history on every metric, the policy checkpoints, the events on record."""

from __future__ import annotations

import math

import pandas as pd

from branch_consult.analysis.staff_review import PersonReview, StaffReview
from branch_consult.display import Callout, Table
from branch_consult.formats import format_value
from branch_consult.reports.staff_review import labels as L
from branch_consult.reports.staff_review.common import (
    Objects,
    heading,
    metric,
    metric_format,
    pseudonymiser,
    table,
    who,
)


def history_table(pr: PersonReview, person: str, lang: str) -> Table:
    """One row per month: the main metric's target, actual and completion, then the other metrics' completion.

    Months that missed the main metric are highlighted.
    """
    comp = pr.completion
    main = comp[comp["main"]].set_index("month")
    months = sorted(comp["month"].unique())
    code = pr.main_metric
    unit = metric_format(code)
    shown = pd.DataFrame({"month": months})
    shown["target"] = [format_value(main["target"].get(m), unit, lang) for m in months]
    shown["actual"] = [format_value(main["actual"].get(m), unit, lang) for m in months]
    shown["completion"] = [main["completion"].get(m) for m in months]
    spec = [
        ("month", "col_month", "text"),
        ("target", "col_target", "text"),
        ("actual", "col_actual", "text"),
        ("completion", "col_completion", "pct0"),
    ]
    labels = {}
    for other, rows in comp[~comp["main"]].groupby("metric", sort=True):
        col = f"c_{other}"
        shown[col] = [rows.set_index("month")["completion"].get(m) for m in months]
        spec.append((col, "col_completion", "pct0"))
        labels[col] = (
            metric(other, lang) + L.text("col_completion", lang)
            if lang == "zh"
            else f"{metric(other, lang)} {L.text('col_completion', lang).lower()}"
        )
    missed = set(main.index[main["missed"]])
    tab = table(
        shown,
        L.text("hist_caption", lang, person=person),
        spec,
        lang,
        source=L.text("src_targets", lang),
        highlight=[i for i, m in enumerate(months) if m in missed],
    )
    main_label = metric(code, lang)
    for column in tab.columns:
        if column.key in labels:
            column.label = labels[column.key]
        elif column.key in ("target", "actual", "completion"):
            column.label = (
                (main_label + column.label)
                if lang == "zh"
                else f"{main_label}: {column.label.lower()}"
            )
    return tab


def checkpoints_table(pr: PersonReview, person: str, lang: str):
    rows = pd.concat([pr.review_checkpoints, pr.recognition_checkpoints], ignore_index=True)
    rows = rows.sort_values("trigger_month", kind="stable", ignore_index=True)
    shown = pd.DataFrame(
        {
            "step": [L.label(L.STATUS_LABELS, s, lang) for s in rows["step"]],
            "trigger": rows["trigger_month"],
            "due": rows["due_month"],
            "action": [
                L.label(L.EVENT_LABELS, k, lang) if isinstance(k, str) else "–"
                for k in rows["action_kind"]
            ],
            "action_date": rows["action_date"],
            "status": [L.label(L.STATUS_LABELS, s, lang) for s in rows["status"]],
            "delay": rows["delay_days"].astype("float64"),
        }
    )
    marked = [i for i, s in enumerate(rows["status"]) if s in ("missing", "late")]
    return table(
        shown,
        L.text("checks_caption", lang, person=person),
        [
            ("step", "col_step", "text"),
            ("trigger", "col_trigger", "text"),
            ("due", "col_due", "text"),
            ("action", "col_action", "text"),
            ("action_date", "col_action_date", "date"),
            ("status", "col_status", "text"),
            ("delay", "col_delay", "int"),
        ],
        lang,
        source=L.text("src_targets", lang) + " · " + L.text("src_events", lang),
        highlight=marked,
    )


def events_table(r: StaffReview, pr: PersonReview, person: str, lang: str, p):
    ev = pr.events[pr.events["date"] >= pd.Timestamp(f"{r.months[0]}-01")]
    shown = pd.DataFrame(
        {
            "date": ev["date"],
            "kind": [L.label(L.EVENT_LABELS, k, lang) for k in ev["kind"]],
            "by": [who(r, b, p) for b in ev["by_staff_id"]],
            "public": [L.text("yes" if bool(v) else "no", lang) for v in ev["public"]],
        }
    )
    if not p.enabled:  # free text may name anyone: only the internal edition shows it
        shown["note"] = [
            None if n is None or (isinstance(n, float) and math.isnan(n)) else str(n)
            for n in ev["note"]
        ]
    marked = [
        i
        for i, (k, pub) in enumerate(zip(ev["kind"], ev["public"], strict=True))
        if k == "criticism" and bool(pub)
    ]
    return table(
        shown,
        L.text("events_caption", lang, person=person),
        [
            ("date", "col_date", "date"),
            ("kind", "col_kind", "text"),
            ("by", "col_by", "text"),
            ("public", "col_public", "text"),
            ("note", "col_note", "text"),
        ],
        lang,
        source=L.text("src_events", lang),
        note=L.text("notes_withheld", lang) if p.enabled else None,
        highlight=marked,
    )


def evidence_section(r: StaffReview, lang: str = "zh", pseudonymise: bool = True) -> Objects:
    """Per person: monthly history, policy checkpoints, events."""
    p = pseudonymiser(r, lang, pseudonymise)
    out: Objects = [heading("evidence", lang)]
    for pr in r.people:
        person = who(r, pr.person.staff_id, p)
        if len(pr.completion):
            out.append(history_table(pr, person, lang))
        if len(pr.review_checkpoints) or len(pr.recognition_checkpoints):
            out.append(checkpoints_table(pr, person, lang))
        elif len(pr.completion):
            out.append(Callout(style="note", text=L.text("no_checks", lang, person=person)))
        if len(pr.events):
            out.append(events_table(r, pr, person, lang, p))
        else:
            out.append(
                Callout(
                    style="tip",
                    text=L.text(
                        "missing_person",
                        lang,
                        person=person,
                        items=L.label(L.MISSING_LABELS, "events", lang),
                    ),
                )
            )
    return out
