"""From a language-free diagnostic to one reader's report: people as shown, codes in words, findings worded.

`word_report(result, lang)` is the one step between `diagnose` and the report sections.
People are pseudonymised here, in the *values* the findings are worded from (staff ids
become tokens, or names when pseudonymisation is off), so no finished text is ever
searched and replaced: a staff member named 高峰 cannot corrupt "高峰时段增开柜台".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from branch_consult.analysis.referrals import HANDOFF_LABELS
from branch_consult.findings import word
from branch_consult.privacy import Pseudonymiser
from branch_consult.reports.diagnostic.common import DiagnosticReport
from branch_consult.results import BranchDiagnostic

#: channel code → the word used inside a finding's sentence (zh, en)
CHANNEL_WORDS: dict[str, tuple[str, str]] = {
    "mobile": ("手机银行", "mobile banking"),
    "online": ("网上银行", "online banking"),
    "counter": ("柜面", "the counter"),
    "atm": ("自助设备", "ATMs"),
}


def _channel_word(code: object, lang: str) -> str:
    zh, en = CHANNEL_WORDS.get(str(code), (str(code), str(code)))
    return zh if lang == "zh" else en


def _people(ids: Iterable[Any], names: dict[str, str], people: Pseudonymiser) -> str:
    """Staff as one enumeration: tokens, or names (ids when a name is unknown) when not pseudonymising."""
    shown = (people.shown(i, "staff", names.get(str(i))) for i in ids)
    return "、".join(str(s) for s in shown if s is not None)


def shown_metrics(result: BranchDiagnostic, lang: str, people: Pseudonymiser) -> dict[str, Any]:
    """The metrics as the reader may see them: codes in words of `lang`, staff ids as tokens or names."""
    values = dict(result.metrics)
    if "outflow_main_channel" in values:
        values["outflow_main_channel"] = _channel_word(values["outflow_main_channel"], lang)
    handoff = values.get("weakest_handoff")
    if isinstance(handoff, str) and handoff in HANDOFF_LABELS:
        values["weakest_handoff"] = HANDOFF_LABELS[handoff][lang]
    for ids_key, names_key in (
        ("breach_staff_ids", "breach_names"),
        ("exit_staff_ids", "exit_names"),
    ):
        if values.get(ids_key):
            values[names_key] = _people(values[ids_key], result.staff_names, people)
    return values


def delivery_date(start_on: date | str | None = None) -> date:
    """The delivery date due dates count from: `start_on` (YYYY-MM-DD) or today (UTC, as on the cover)."""
    if isinstance(start_on, date):
        return start_on
    if start_on:
        try:
            return date.fromisoformat(str(start_on))
        except ValueError:
            raise ValueError(f"start_on must be a date YYYY-MM-DD, got {start_on!r}") from None
    return datetime.now(UTC).date()


def word_report(
    result: BranchDiagnostic,
    lang: str = "zh",
    *,
    pseudonymise: bool = True,
    start_on: date | str | None = None,
    people: Pseudonymiser | None = None,
) -> DiagnosticReport:
    """The diagnostic for one reader in `lang` (zh or en): findings worded from pseudonymised values.

    `people` lets a caller share one pseudonymiser (secret, key file) across reports;
    by default one is made with the client's secret (`privacy.pseudonym_secret`).
    """
    lang = "en" if lang == "en" else "zh"
    people = people or Pseudonymiser(lang=lang, enabled=pseudonymise)
    values = shown_metrics(result, lang, people)
    findings = [word(fired, values, lang) for fired in result.findings]
    return DiagnosticReport(
        result=result,
        lang=lang,
        people=people,
        metrics=values,
        findings=findings,
        delivered_on=delivery_date(start_on),
    )
