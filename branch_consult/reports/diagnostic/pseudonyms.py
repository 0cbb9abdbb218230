"""Customers and staff in the report: pseudonymised by default, one token per person across the report.

A branch head needs to know *that* a customer is unattended and who owns the
follow-up; the consultant's file carries the names.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from branch_consult.diagnostic import BranchDiagnostic
from branch_consult.display import Callout
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports import labels as L
from branch_consult.reports.diagnostic.common import (
    MAX_LIST_ROWS,
    Objects,
    Spec,
    report_lang,
    section_frame,
    table,
)

_PSEUDONYMISERS: dict[int, tuple[weakref.ref, Pseudonymiser]] = {}


def pseudonymiser(d: BranchDiagnostic, enabled: bool = True) -> Pseudonymiser:
    """One pseudonymiser per diagnostic, so a person has the same token in every table of the report."""
    key = id(d)
    entry = _PSEUDONYMISERS.get(key)
    if entry is None or entry[0]() is not d:
        def forget(_ref: weakref.ref) -> None:
            _PSEUDONYMISERS.pop(key, None)

        _PSEUDONYMISERS[key] = (weakref.ref(d, forget), Pseudonymiser(lang=report_lang(d)))
    base = _PSEUDONYMISERS[key][1]
    if enabled:
        return base
    off = Pseudonymiser(lang=report_lang(d), enabled=False)
    off.salt = base.salt
    return off


def people(series: pd.Series, p: Pseudonymiser, kind: str) -> list[Any]:
    """Identifiers as shown: tokens when pseudonymising, else the value; missing stays missing."""
    out = []
    for v in series.tolist():
        missing = v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or str(v) in ("", "nan", "None", "<NA>")
        out.append(None if missing else (p.token(v, kind) if p.enabled else v))
    return out


def staff_column(frame: pd.DataFrame, id_col: str, p: Pseudonymiser) -> list[Any]:
    """Staff as shown: tokens of their IDs when pseudonymising, else their names (IDs if no names)."""
    if p.enabled or "name" not in frame:
        return people(frame[id_col], p, "staff")
    return frame["name"].tolist()


def _staff_names(d: BranchDiagnostic) -> dict[str, str]:
    """Staff name → staff_id from every section that carries both (to pseudonymise finding text)."""
    names: dict[str, str] = {}
    for key, id_col in (("referrals_by_person", "from_staff_id"), ("leaderboard", "staff_id"),
                        ("breaches", "staff_id"), ("exits", "staff_id"), ("staff_progress", "id")):
        frame = section_frame(d, key)
        if frame is None or "name" not in frame or id_col not in frame:
            continue
        for name, sid in zip(frame["name"].tolist(), frame[id_col].tolist(), strict=True):
            if isinstance(name, str) and name.strip() and name not in ("nan", "None", "<NA>"):
                names.setdefault(name, str(sid))
    return names


def scrub(text: str, d: BranchDiagnostic, p: Pseudonymiser) -> str:
    """Finding text with staff names replaced by their tokens (longest names first)."""
    if not p.enabled:
        return text
    for name, sid in sorted(_staff_names(d).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(name, p.token(sid, "staff"))
    return text


def list_note(n: int, k: int, lang: str, pseudonymised: bool) -> str | None:
    """The note under a list: how many rows of how many are shown, and that names are pseudonyms."""
    parts = []
    if n > k:
        parts.append(L.text("list_note", lang, n=n, k=k))
    if pseudonymised:
        parts.append(L.text("pseudo_note", lang))
    return (" " if lang == "en" else "").join(parts) or None


def customer_list(d: BranchDiagnostic, key: str, pseudonymise: bool, *, caption: str, empty: str, spec: Spec,
                  source: str, relabel: Mapping[str, Callable[[pd.Series], Any]] | None = None) -> Objects:
    """A list of customers with their owners (first rows, pseudonymised), or a tip when nobody is on it.

    `caption`, `empty` and `source` are label keys; `relabel` maps a column to the function
    that turns its codes into labels.
    """
    lang = report_lang(d)
    frame = section_frame(d, key)
    if frame is None:
        return [Callout(style="tip", text=L.text(empty, lang))]
    p = pseudonymiser(d, pseudonymise)
    shown = frame.head(MAX_LIST_ROWS).assign(
        customer_id=lambda f: people(f["customer_id"], p, "customer"),
        owner_staff_id=lambda f: people(f["owner_staff_id"], p, "staff"),
    )
    shown = shown.assign(**{col: to_label(shown[col]) for col, to_label in (relabel or {}).items()})
    return [table(shown, L.text(caption, lang), spec, lang, source=L.source(source, lang),
                  note=list_note(len(frame), len(shown), lang, p.enabled))]
