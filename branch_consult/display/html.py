"""Notebook HTML of the display objects: escaped data, scoped classes (the HTML deliverable restyles them)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from branch_consult.display.css import INLINE_CSS, SHORT_HEADER_UNITS, SHORT_TEXT_UNITS
from branch_consult.display.words import finding_word, label_colon, severity_label, source_line
from branch_consult.formats import clean_text, format_value, text_units

if TYPE_CHECKING:
    from branch_consult.display.models import Callout, Figure, Finding, Scorecard, Table


def esc(value: Any) -> str:
    """Escape untrusted text for HTML: control characters dropped, newlines as <br>."""
    return html.escape(clean_text(value), quote=True).replace("\n", "<br>")


def table_html(obj: Table, lang: str) -> str:
    """A table: numbers right-aligned, short text kept on one line, highlighted rows marked."""
    rows = obj.formatted_rows(lang)
    kinds = ["bc-num" if n else "bc-text" for n in obj.numeric_columns(lang)]
    # short text (names, regions, labels) never wraps mid-word; long text (actions) still may
    keep = [
        k == "bc-text" and max((text_units(r[i]) for r in rows), default=0) <= SHORT_TEXT_UNITS
        for i, k in enumerate(kinds)
    ]
    cell_kinds = [f"{k} bc-keep" if kp else k for k, kp in zip(kinds, keep, strict=True)]
    head = "".join(
        f'<th class="{k}{" bc-keep" if text_units(c.label) <= SHORT_HEADER_UNITS else ""}">{esc(c.label)}</th>'
        for c, k in zip(obj.columns, kinds, strict=True)
    )
    body = []
    marked = set(obj.highlight_rows)
    for i, row in enumerate(rows):
        cells = "".join(
            f'<td class="{k}">{esc(v)}</td>' for v, k in zip(row, cell_kinds, strict=True)
        )
        cls_attr = ' class="bc-highlight"' if i in marked else ""
        body.append(f"<tr{cls_attr}>{cells}</tr>")
    foot = ""
    if obj.note:
        foot += f'<p class="bc-note">{esc(obj.note)}</p>'
    if obj.source:
        foot += f'<p class="bc-source">{esc(source_line(obj.source, lang))}</p>'
    return (
        f'<div class="bc-table-wrap">{INLINE_CSS}<table class="bc-table">'
        f'<caption class="bc-caption">{esc(obj.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{foot}</div>"
    )


def figure_html(obj: Figure, lang: str) -> str:
    """A figure's caption and source (the chart itself is the plotly output beside it)."""
    src = f'<p class="bc-source">{esc(source_line(obj.source, lang))}</p>' if obj.source else ""
    return (
        f'<figure class="bc-figure">{INLINE_CSS}'
        f'<figcaption class="bc-caption">{esc(obj.caption)}</figcaption>{src}</figure>'
    )


def finding_html(obj: Finding, lang: str) -> str:
    """A finding box: severity badge, title, subject, evidence and action."""
    subject = f'<span class="bc-subject">{esc(obj.subject)}</span>' if obj.subject else ""
    return (
        f'<div class="bc-finding bc-sev-{obj.severity}">{INLINE_CSS}'
        f'<div class="bc-finding-head"><span class="bc-badge">{esc(severity_label(obj.severity, lang))}</span>'
        f'<strong class="bc-finding-title">{esc(obj.title)}</strong>{subject}</div>'
        f'<p class="bc-evidence"><strong>{esc(finding_word("evidence", lang) + label_colon(lang))}</strong>'
        f"{esc(obj.evidence)}</p>"
        f'<p class="bc-action"><strong>{esc(finding_word("action", lang) + label_colon(lang))}</strong>'
        f"{esc(obj.action)}</p></div>"
    )


def scorecard_html(obj: Scorecard, lang: str) -> str:
    """KPI tiles with a traffic-light border each."""
    tiles = "".join(
        f'<div class="bc-tile bc-status-{t.status}"><div class="bc-tile-label">{esc(t.label)}</div>'
        f'<div class="bc-tile-value">{esc(format_value(t.value, t.format, lang))}</div>'
        + (f'<div class="bc-tile-note">{esc(t.note)}</div>' if t.note else "")
        + "</div>"
        for t in obj.tiles
    )
    return (
        f'<div class="bc-scorecard">{INLINE_CSS}<div class="bc-caption">{esc(obj.caption)}</div>'
        f'<div class="bc-tiles">{tiles}</div></div>'
    )


def callout_html(obj: Callout, lang: str) -> str:
    """A boxed note, warning or tip."""
    title = f'<div class="bc-callout-title">{esc(obj.title)}</div>' if obj.title else ""
    return (
        f'<div class="bc-callout bc-callout-{obj.style}">{INLINE_CSS}{title}'
        f'<div class="bc-callout-text">{esc(obj.text)}</div></div>'
    )
