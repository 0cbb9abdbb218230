"""Customers and staff in the report: pseudonymised by default, one stable token per person.

A branch head needs to know *that* a customer is unattended and who owns the
follow-up; the key file beside the deliverables (`<stem>.key.csv`) maps tokens back
to ids and names for the consultant.  Tokens come from the report's `Pseudonymiser`
(`DiagnosticReport.people`), applied to the data before it is shown or worded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from branch_consult.display import Callout
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports import labels
from branch_consult.reports.blocks import Spec
from branch_consult.reports.diagnostic.common import (
    MAX_LIST_ROWS,
    DiagnosticReport,
    Objects,
    report_lang,
    section_frame,
    table,
)


def people(
    series: pd.Series, p: Pseudonymiser, kind: str, names: Mapping[str, str] | None = None
) -> list[Any]:
    """Identifiers as shown: tokens when pseudonymising, else the value; missing stays missing.

    `names` (id → name) only feeds the key file; the shown value is the token or the id.
    """
    lookup = names or {}
    if not p.enabled:
        return [p.shown(v, kind) for v in series.tolist()]
    return [p.shown(v, kind, lookup.get(str(v))) for v in series.tolist()]


def staff_column(frame: pd.DataFrame, id_col: str, p: Pseudonymiser) -> list[Any]:
    """Staff as shown: tokens of their IDs when pseudonymising, else their names (IDs if no names)."""
    names = (
        dict(zip(frame[id_col].astype(str), frame["name"], strict=True)) if "name" in frame else {}
    )
    if p.enabled or "name" not in frame:
        return people(frame[id_col], p, "staff", names)
    return frame["name"].tolist()


def list_note(n: int, k: int, lang: str, pseudonymised: bool) -> str | None:
    """The note under a list: how many rows of how many are shown, and that names are pseudonyms."""
    parts = []
    if n > k:
        parts.append(labels.text("list_note", lang, n=n, k=k))
    if pseudonymised:
        parts.append(labels.text("pseudo_note", lang))
    return (" " if lang == "en" else "").join(parts) or None


def customer_list(
    d: DiagnosticReport,
    key: str,
    *,
    caption: str,
    empty: str,
    spec: Spec,
    source: str,
    relabel: Mapping[str, Callable[[pd.Series], Any]] | None = None,
) -> Objects:
    """A list of customers with their owners (first rows, pseudonymised), or a tip when nobody is on it.

    `caption`, `empty` and `source` are label keys; `relabel` maps a column to the function
    that turns its codes into labels.
    """
    lang = report_lang(d)
    frame = section_frame(d, key)
    if frame is None:
        return [Callout(style="tip", text=labels.text(empty, lang))]
    p = d.people
    staff_names = d.result.staff_names
    shown = frame.head(MAX_LIST_ROWS).assign(
        customer_id=lambda f: people(f["customer_id"], p, "customer"),
        owner_staff_id=lambda f: people(f["owner_staff_id"], p, "staff", staff_names),
    )
    shown = shown.assign(**{col: to_label(shown[col]) for col, to_label in (relabel or {}).items()})
    return [
        table(
            shown,
            labels.text(caption, lang),
            spec,
            lang,
            source=labels.source(source, lang),
            note=list_note(len(frame), len(shown), lang, p.enabled),
        )
    ]
