"""What the training report sections share: Markdown-safe headings, new-page headings, show()."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from IPython.display import Markdown

#: a section as returned to the playbook: headings and display objects
Objects = list[Any]
#: output metadata that asks the Word exporter to start a new page before the output
PAGE_BREAK_METADATA = {"branch_consult": {"page_break": True}}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()#+\-.!<>&|~^$])")


def md_escape(text: str) -> str:
    """Course text made inert in Markdown (no emphasis, links or raw HTML): every special character escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


@dataclass(frozen=True)
class NewPage:
    """A heading that starts a new printed page (a lecture)."""

    markdown: str


def heading(
    level: int, text: str, *, escape: bool = True, new_page: bool = False
) -> Markdown | NewPage:
    """A Markdown heading; course text is escaped, fixed wording may pass `escape=False`."""
    md = "#" * level + " " + (md_escape(text) if escape else text)
    return NewPage(md) if new_page else Markdown(md)


def show(objects: Objects) -> None:
    """Display a section's objects in order; a `NewPage` heading carries the page-break request."""
    from IPython.display import display

    for obj in objects:
        if isinstance(obj, NewPage):
            display(Markdown(obj.markdown), metadata=PAGE_BREAK_METADATA)
        else:
            display(obj)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _strings(v)]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _strings(v)]
    return []


def text_of(objects: Objects) -> str:
    """All text a section would show (headings and every string of every payload), one per line.

    For tests that search a deliverable for text that must (or must not) be there.
    """
    parts = []
    for obj in objects:
        if isinstance(obj, NewPage):
            parts.append(obj.markdown)
        elif isinstance(obj, Markdown):
            parts.append(str(obj.data))
        elif hasattr(obj, "payload"):
            parts += _strings(obj.payload())
    return "\n".join(parts)
