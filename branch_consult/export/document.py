"""Cover fields of a deliverable for any notebook, ours or not.

A playbook run writes title, language, client and date into the notebook metadata
(``branch_consult``). A notebook without them still gets a sensible cover: its first
heading as the title, the language its text is written in (not Chinese by default),
today's date, and the client, consultant and branding of the active workspace.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _source(cell: Any) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def content_language(nb: Any) -> str:
    """ "zh" when Chinese characters make up a fair share of the markdown text, else "en"."""
    text = "\n".join(_source(c) for c in nb.get("cells", []) if c.get("cell_type") == "markdown")
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    # one Chinese character carries about as much as a short English word
    return "zh" if cjk and cjk * 4 >= latin else "en"


def first_heading(nb: Any) -> str:
    """The text of the notebook's first markdown heading ("" if none)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            found = _HEADING.search(_source(cell))
            if found:
                return re.sub(r"[*_`]", "", found.group(1)).strip()
    return ""


def complete_meta(nb: Any) -> dict[str, Any]:
    """The notebook's ``branch_consult`` metadata with cover defaults filled in where missing."""
    meta = dict((nb.get("metadata") or {}).get("branch_consult") or {})
    if not meta.get("title"):
        meta["title"] = first_heading(nb) or str((nb.get("metadata") or {}).get("title") or "")
    if not meta.get("lang"):
        meta["lang"] = content_language(nb)
    if not meta.get("date") and "provenance" not in meta:
        meta["date"] = date.today().isoformat()
    if "provenance" not in meta:  # not a playbook run: the workspace dresses the cover
        try:
            from branch_consult.workspace import WorkspaceError, current

            ws = current()
        except WorkspaceError:
            ws = None
        if ws is not None:
            for key, value in {**ws.document_meta(), "client": ws.client}.items():
                if value and not meta.get(key):
                    meta[key] = value
    return meta


__all__ = ["complete_meta", "content_language", "first_heading"]
