"""`index.html`: one offline page linking every deliverable of a batch, with a summary table.

Every data value is escaped (ids and labels come from client data); links are relative,
URL-quoted file names in the same folder. A few lines of inline JS sort (click a heading)
and filter (type in the box); without JS the table is still complete.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any
from urllib.parse import quote

from branch_consult.atomic import atomic_write
from branch_consult.batch.item import SEVERITIES, STATUSES
from branch_consult.batch.manifest import Manifest
from branch_consult.provenance import utc_now

_SCRIPT = """
const t=document.getElementById('items'),q=document.getElementById('q');
q.addEventListener('input',()=>{const v=q.value.toLowerCase();
 for(const r of t.tBodies[0].rows)r.style.display=r.textContent.toLowerCase().includes(v)?'':'none';});
t.tHead.addEventListener('click',e=>{const th=e.target.closest('th');if(!th)return;
 const i=th.cellIndex,dir=th.dataset.dir==='asc'?-1:1;th.dataset.dir=dir>0?'asc':'desc';
 const rows=[...t.tBodies[0].rows],key=r=>r.cells[i].dataset.v??r.cells[i].textContent;
 rows.sort((a,b)=>{const x=key(a),y=key(b),nx=parseFloat(x),ny=parseFloat(y);
  return dir*(!isNaN(nx)&&!isNaN(ny)?nx-ny:x.localeCompare(y));});
 rows.forEach(r=>t.tBodies[0].appendChild(r));});
"""

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:left}
th{cursor:pointer;background:#f4f4f4;user-select:none}td.n{text-align:right}td.name{white-space:nowrap}
.failed{color:#b00020}.done{color:#1b5e20}.pending{color:#777}input{padding:.3em;margin:.6em 0;width:20em}
.err{font-size:.85em;color:#b00020;max-width:40em}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _link(name: str, text: str) -> str:
    return f'<a href="{_e(quote(name))}">{_e(text)}</a>'


def _row(item: str, entry: dict[str, Any]) -> str:
    status = str(entry.get("status", "pending"))
    summary = entry.get("summary") or {}
    findings = summary.get("findings") or {}
    tiles = summary.get("tiles") or {}
    outputs = entry.get("outputs") or {}
    links = [_link(name, fmt) for fmt, name in sorted(outputs.items())]
    if status == "failed":
        links += [_link(n, "notebook") for n in entry.get("files") or [] if n.endswith(".ipynb")]
    label = str(summary.get("label", ""))
    label = label[len(item) :].strip() if label.startswith(item + " ") else label
    cells = [
        f"<td>{_e(item)}</td>",
        f'<td class="name">{_e(label)}</td>',
        f'<td class="{_e(status)}">{_e(status)}</td>',
    ]
    cells += [f'<td class="n">{_e(findings.get(s, ""))}</td>' for s in SEVERITIES]
    cells += [f'<td class="n">{_e(tiles.get(s, ""))}</td>' for s in STATUSES]
    note = summary.get("top_finding", "") if status == "done" else entry.get("error", "")
    cells.append(f'<td class="{"err" if status == "failed" else ""}">{_e(note)}</td>')
    cells.append(
        f'<td class="n" data-v="{_e(entry.get("seconds", ""))}">{_e(entry.get("seconds", ""))}</td>'
    )
    cells.append(f"<td>{' '.join(links)}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def render_index(manifest: Manifest, *, title: str) -> str:
    """The page as text (for tests and for `write_index`)."""
    heads = [
        "item",
        "name",
        "status",
        *[f"findings: {s}" for s in SEVERITIES],
        *[f"tiles: {s}" for s in STATUSES],
        "top finding / error",
        "seconds",
        "files",
    ]
    counts = manifest.counts()
    line = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    rows = "\n".join(_row(item, manifest.items[item]) for item in sorted(manifest.items))
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1><p>{_e(len(manifest.items))} items: {_e(line)}. "
        f"Data: {_e(manifest.header.get('data', ''))} · updated {_e(utc_now())}</p>"
        '<input id="q" type="search" placeholder="filter / 筛选" aria-label="filter">'
        '<table id="items"><thead><tr>'
        + "".join(f"<th>{_e(h)}</th>" for h in heads)
        + "</tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table><script>{_SCRIPT}</script></body></html>\n"
    )


def write_index(out: Path, manifest: Manifest, *, title: str) -> Path:
    """Write `index.html` into the batch folder (atomically)."""
    return atomic_write(
        Path(out) / "index.html", render_index(manifest, title=title).encode("utf-8")
    )
