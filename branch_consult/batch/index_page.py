"""`index.html`: one offline page linking every deliverable of a batch, with a summary table.

Every data value is escaped (ids and labels come from client data); links are relative,
URL-quoted file names in the same folder. A few lines of inline JS sort (click a heading)
and filter (type in the box); without JS the table is still complete.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
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
  if(!isNaN(nx)&&!isNaN(ny))return dir*(nx-ny);if(!isNaN(nx)||!isNaN(ny))return isNaN(nx)?1:-1;
  return dir*x.localeCompare(y,undefined,{numeric:true});});
 rows.forEach(r=>t.tBodies[0].appendChild(r));});
"""

_STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.3em .45em;text-align:left}
th{cursor:pointer;background:#f4f4f4;user-select:none;font-size:.9em}td.n{text-align:right}td.name{white-space:nowrap}
.failed{color:#b00020}.done{color:#1b5e20}.pending{color:#777}input{padding:.3em;margin:.6em 0;width:20em}
.err{font-size:.85em;color:#b00020;max-width:40em}td.note{min-width:10em;max-width:32em}th,td.done,td.failed,td.pending{white-space:nowrap}
td.zero{color:#bbb}td.alert{color:#b00020;font-weight:bold}
"""


@dataclass(frozen=True)
class _PageWords:
    """The page's words in one language."""

    heads: list[str]
    status: dict[str, str]
    items: str
    comma: str
    data: str
    sample: str
    updated: str
    filter: str


#: the page's words; the language is the items' report language (`lang` parameter), else English
_WORDS = {
    "en": _PageWords(
        heads=[
            "item",
            "name",
            "status",
            *[f"findings: {s}" for s in SEVERITIES],
            *[f"tiles: {s}" for s in STATUSES],
            "top finding / error",
            "seconds",
            "files",
        ],
        status={},
        items="{n} items: {line}.",
        comma=", ",
        data="Data: ",
        sample="the embedded synthetic sample bank (not client data)",
        updated="updated",
        filter="filter",
    ),
    "zh": _PageWords(
        heads=[
            "编号",
            "名称",
            "状态",
            "发现·高",
            "发现·中",
            "发现·低",
            "发现·提示",
            "指标·红",
            "指标·黄",
            "指标·绿",
            "首要发现 / 错误",
            "用时（秒）",
            "文件",
        ],
        status={"done": "完成", "failed": "失败", "pending": "待运行"},
        items="共 {n} 项：{line}。",
        comma="，",
        data="数据：",
        sample="内置合成示例数据（非客户数据）",
        updated="更新于",
        filter="筛选",
    ),
}
#: a non-zero count in these columns is what a reader looks for first
_ALERT = {"findings": "high", "tiles": "red"}


def _natural(item: str) -> list[tuple[int, int | str]]:
    """A sort key that reads the digits in an id as a number."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", item)]


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _link(name: str, text: str) -> str:
    return f'<a href="{_e(quote(name))}">{_e(text)}</a>'


def page_language(manifest: Manifest) -> str:
    """The report language the items share (their `lang` parameter); English when none or mixed."""
    langs = {
        str((entry.get("parameters") or {}).get("lang") or "") for entry in manifest.items.values()
    }
    return langs.pop() if len(langs) == 1 and langs <= set(_WORDS) else "en"


def _data_line(location: Any, words: _PageWords) -> str:
    """The data source as a reader should see it: the sample named as such, a URL without password."""
    from branch_consult.data.db_url import mask_url
    from branch_consult.resources import is_sample_bank

    if is_sample_bank(location):
        return str(words.sample)
    return mask_url(str(location))


def _count(value: Any, alert: bool) -> str:
    if value in ("", None):
        return '<td class="n"></td>'
    kind = "zero" if value == 0 else "alert" if alert else ""
    return f'<td class="n {kind}">{_e(value)}</td>'


def _row(item: str, entry: dict[str, Any], lang: str = "en") -> str:
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
        f'<td class="{_e(status)}">{_e(_WORDS[lang].status.get(status, status))}</td>',
    ]
    cells += [_count(findings.get(s, ""), s == _ALERT["findings"]) for s in SEVERITIES]
    cells += [_count(tiles.get(s, ""), s == _ALERT["tiles"]) for s in STATUSES]
    note = summary.get("top_finding", "") if status == "done" else entry.get("error", "")
    cells.append(f'<td class="note{" err" if status == "failed" else ""}">{_e(note)}</td>')
    seconds = entry.get("seconds", "")
    shown = f"{seconds:.1f}" if isinstance(seconds, int | float) else seconds
    cells.append(f'<td class="n" data-v="{_e(seconds)}">{_e(shown)}</td>')
    cells.append(f"<td>{' '.join(links)}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def render_index(manifest: Manifest, *, title: str) -> str:
    """The page as text (for tests and for `write_index`)."""
    lang = page_language(manifest)
    words = _WORDS[lang]
    counts = manifest.counts()
    line = words.comma.join(f"{n} {words.status.get(s, s)}" for s, n in sorted(counts.items()))
    ordered = sorted(manifest.items, key=_natural)  # B2 before B10, as the page's own sort
    rows = "\n".join(_row(item, manifest.items[item], lang) for item in ordered)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1><p>{_e(words.items.format(n=len(manifest.items), line=line))} "
        f"{words.data}{_e(_data_line(manifest.header.get('data'), words))} · {words.updated} {_e(utc_now())}</p>"
        f'<input id="q" type="search" placeholder="{words.filter}" aria-label="{words.filter}">'
        '<table id="items"><thead><tr>'
        + "".join(f"<th>{_e(h)}</th>" for h in words.heads)
        + "</tr></thead>"
        f"<tbody>\n{rows}\n</tbody></table><script>{_SCRIPT}</script></body></html>\n"
    )


def write_index(out: Path, manifest: Manifest, *, title: str) -> Path:
    """Write `index.html` into the batch folder (atomically)."""
    return atomic_write(
        Path(out) / "index.html", render_index(manifest, title=title).encode("utf-8")
    )
