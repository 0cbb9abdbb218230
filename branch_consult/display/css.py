"""The inline stylesheet of display objects in JupyterLab, and the widths that keep short cells on one line."""

from __future__ import annotations

# Minimal, scoped styling so objects look right in JupyterLab; the HTML deliverable's
# stylesheet overrides these (same class names). Repeated <style> blocks are harmless.
#: Text columns whose widest cell is at most this many half-width units never wrap in HTML.
SHORT_TEXT_UNITS = 16
#: Headers up to this width (优先级, Region) stay on one line; longer ones wrap.
SHORT_HEADER_UNITS = 8

INLINE_CSS = (
    "<style>"
    ".bc-table{border-collapse:collapse;font-size:13px;margin:6px 0;table-layout:auto}"
    ".bc-table .bc-keep{white-space:nowrap}"
    ".bc-table caption{caption-side:top;text-align:left;font-weight:600;padding:4px 0}"
    ".bc-table th{background:#1f3b5c;color:#fff;padding:4px 8px;font-weight:600}"
    ".bc-table td{padding:3px 8px;border-bottom:1px solid #e3e7ec}"
    ".bc-table .bc-num{text-align:right;font-variant-numeric:tabular-nums}"
    ".bc-table tr.bc-highlight td{background:#fff4d6;font-weight:600}"
    ".bc-source,.bc-note{font-size:11px;color:#6b7785;margin:2px 0}"
    ".bc-finding{border-left:5px solid #8aa0b8;background:#f3f6f9;padding:8px 12px;margin:8px 0}"
    ".bc-sev-high{border-color:#c0392b;background:#fbeceb}"
    ".bc-sev-medium{border-color:#d68910;background:#fdf3e1}"
    ".bc-badge{display:inline-block;font-size:11px;padding:1px 6px;margin-right:8px;border-radius:3px;background:#8aa0b8;color:#fff}"
    ".bc-sev-high .bc-badge{background:#c0392b}.bc-sev-medium .bc-badge{background:#d68910}"
    ".bc-finding p{margin:4px 0}"
    ".bc-subject{color:#6b7785;margin-left:.5em}.bc-subject::before{content:'· '}"
    ".bc-tiles{display:flex;flex-wrap:wrap;gap:8px}"
    ".bc-tile{border:1px solid #d5dbe2;border-top:4px solid #aab4bf;padding:6px 10px;min-width:120px}"
    ".bc-status-red{border-top-color:#c0392b}.bc-status-amber{border-top-color:#d68910}"
    ".bc-status-green{border-top-color:#2e8b57}"
    ".bc-tile-label{font-size:11px;color:#4a5563}.bc-tile-value{font-size:20px;font-weight:600}"
    ".bc-tile-note{font-size:11px;color:#6b7785}"
    ".bc-callout{border:1px solid #c9d6e3;background:#f1f6fb;padding:8px 12px;margin:8px 0}"
    ".bc-callout-warning{border-color:#e5b55b;background:#fdf6e7}"
    ".bc-callout-tip{border-color:#9cc9a8;background:#eef8f1}"
    ".bc-callout-title{font-weight:600}"
    "</style>"
)
