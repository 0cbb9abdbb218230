"""The action plan: one row per finding with the action, its owner, the due date and the KPI to watch.

Due dates count from the delivery date (`start_on`, default today), not the period end:
a report must not arrive with its deadlines already passed.
"""

from __future__ import annotations

import pandas as pd

from branch_consult.display import Callout, severity_label
from branch_consult.findings.engine import SEVERITY_ORDER
from branch_consult.reports import labels
from branch_consult.reports.diagnostic.common import (
    DiagnosticReport,
    Objects,
    heading,
    report_lang,
    table,
)


def action_plan(d: DiagnosticReport) -> Objects:
    """One row per finding: the action, who owns it (the practice's role), the due date and the KPI to watch."""
    lang = report_lang(d)
    out: Objects = [heading("actions", lang)]
    start = pd.Timestamp(d.delivered_on)
    if not d.findings:
        out.append(Callout(style="tip", text=labels.text("act_none", lang)))
        return out
    ordered = sorted(d.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.due_days))
    rows = pd.DataFrame(
        {
            "no": range(1, len(ordered) + 1),
            "priority": [severity_label(f.severity, lang) for f in ordered],
            "subject": [labels.label(labels.SUBJECT_LABELS, f.subject, lang) for f in ordered],
            "action": [f.action for f in ordered],
            "owner": [labels.label(labels.ROLE_LABELS, f.owner_role, lang) for f in ordered],
            "due": [
                (start + pd.Timedelta(days=int(f.due_days))).strftime("%Y-%m-%d") for f in ordered
            ],
            "kpi": [f.kpi for f in ordered],
        }
    )
    spec = [
        ("priority", "col_priority", "text"),
        ("subject", "col_subject", "text"),
        ("action", "col_action", "text"),
        ("owner", "col_owner_role", "text"),
        ("due", "col_due", "date"),
        ("kpi", "col_kpi_watch", "text"),
    ]
    out.append(
        table(
            rows,
            labels.text("act_caption", lang, start_on=start.strftime("%Y-%m-%d")),
            spec,
            lang,
            source=labels.source("rules", lang),
        )
    )
    return out
