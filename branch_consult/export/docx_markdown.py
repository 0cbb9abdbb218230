"""Markdown cells → Word paragraphs, lists and tables (via markdown-it-py tokens).

Headings map to the numbered Heading 1–3 styles, inline bold/italic/code/links become
runs, lists use List Bullet / List Number (each ordered list restarts at 1), and pipe
tables become real Word tables in the same look as display tables.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from markdown_it import MarkdownIt
from markdown_it.token import Token

from branch_consult.export.items import strip_tags
from branch_consult.export.math import PLACEHOLDER, cut_math
from branch_consult.formats import clean_text

_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_TAG = re.compile(r"<[^>]+>")
_IMAGE_MIMES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
}


def heading_list(source: str) -> list[tuple[int, str]]:
    """(level, plain text) of every heading in a markdown text, in order."""
    tokens = _MD.parse(clean_text(source))
    found = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and i + 1 < len(tokens):
            text = "".join(
                c.content
                for c in (tokens[i + 1].children or [])
                if c.type in ("text", "code_inline")
            )
            found.append((int(tok.tag[1]), text.strip()))
    return found


@dataclass
class _ListState:
    ordered: bool
    num_id: int | None = None


@dataclass
class MarkdownWriter:
    """Writes markdown into a document through a :class:`DocxBuilder`-like ``out``."""

    out: Any
    lists: list[_ListState] = field(default_factory=list)
    #: the cell being written ("cell 4 (…)"), for warnings
    where: str = ""
    #: called with a warning about something left out (unreadable image, formula)
    warn: Callable[[str], None] = lambda message: None
    #: folder of the notebook: markdown images are files next to it
    base_dir: Path | None = None
    attachments: dict[str, Any] = field(default_factory=dict)
    _formulas: list[tuple[str, bool]] = field(default_factory=list)

    def write(self, source: str, attachments: dict[str, Any] | None = None) -> None:
        text, self._formulas = cut_math(clean_text(source))
        self.attachments = dict(attachments or {})
        tokens = _MD.parse(text)
        i = 0
        while i < len(tokens):
            i = self._block(tokens, i)

    # -- blocks ------------------------------------------------------------------
    def _block(self, tokens: list[Token], i: int) -> int:
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            level = int(tok.tag[1])
            self.out.heading(tokens[i + 1], level, self)
            return i + 3
        if t == "paragraph_open":
            inline = tokens[i + 1]
            if self.lists:
                self._list_paragraph(inline, tok)
            else:
                p = self.out.paragraph()
                self.inline(p, inline)
            return i + 3
        if t in ("bullet_list_open", "ordered_list_open"):
            ordered = t == "ordered_list_open"
            start = int(tok.attrs.get("start", 1) or 1) if ordered else 1
            level = min(len(self.lists), 8)
            self.lists.append(
                _ListState(ordered, self.out.new_list_num(start, level) if ordered else None)
            )
            return i + 1
        if t in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            return i + 1
        if t == "table_open":
            return self._table(tokens, i)
        if t == "blockquote_open":
            j = i + 1
            while tokens[j].type != "blockquote_close":
                if tokens[j].type == "inline":
                    p = self.out.paragraph(style="Quote")
                    self.inline(p, tokens[j])
                j += 1
            return j + 1
        if t in ("fence", "code_block"):
            for line in tok.content.rstrip("\n").split("\n"):
                self.out.paragraph(style="BC Code").add_run(clean_text(line))
            return i + 1
        if t == "html_block":
            from branch_consult.export.items import html_table

            table = html_table(tok.content)
            if table is not None:
                self.out.table(table)
                return i + 1
            text = strip_tags(tok.content)
            if text:
                self.out.run(self.out.paragraph(), text)
            return i + 1
        if t == "hr":
            self.out.rule()
            return i + 1
        return i + 1  # list_item_open/close, etc.

    def _list_paragraph(self, inline: Token, tok: Token) -> None:
        state = self.lists[-1]
        depth = len(self.lists)  # any depth: Word's list levels 0-8, indented by depth
        style = "List Number" if state.ordered else "List Bullet"
        p = self.out.paragraph(style=style)
        num_id = state.num_id if state.ordered else self.out.style_num_id(style)
        if depth > 1:
            from docx.shared import Cm

            p.paragraph_format.left_indent = Cm(0.75 * depth)
            p.paragraph_format.first_line_indent = Cm(-0.5)
        if num_id is not None:
            ppr = p._p.get_or_add_pPr()
            for old in ppr.findall(qn("w:numPr")):
                ppr.remove(old)
            numpr = OxmlElement("w:numPr")
            ilvl = OxmlElement("w:ilvl")
            # numbered lists count per level; bullets keep the level-0 glyph and are indented instead
            ilvl.set(qn("w:val"), str(min(depth - 1, 8) if state.ordered else 0))
            nid = OxmlElement("w:numId")
            nid.set(qn("w:val"), str(num_id))
            numpr.append(ilvl)
            numpr.append(nid)
            pstyle = ppr.find(qn("w:pStyle"))
            if pstyle is None:
                ppr.insert(0, numpr)
            else:
                pstyle.addnext(numpr)
        self.inline(p, inline)

    def _table(self, tokens: list[Token], i: int) -> int:
        header: list[Token] = []
        rows: list[list[Token]] = []
        aligns: list[str] = []
        current: list[Token] | None = None
        in_head = False
        j = i + 1
        while tokens[j].type != "table_close":
            tt = tokens[j].type
            if tt == "thead_open":
                in_head = True
            elif tt == "thead_close":
                in_head = False
            elif tt == "tr_open":
                current = []
            elif tt == "tr_close":
                if in_head:
                    header = current or []
                else:
                    rows.append(current or [])
            elif tt in ("th_open", "td_open"):
                style = tokens[j].attrs.get("style", "") or ""
                if in_head:
                    aligns.append(
                        "right"
                        if "right" in str(style)
                        else "center"
                        if "center" in str(style)
                        else "left"
                    )
            elif tt == "inline" and current is not None:
                current.append(tokens[j])
            j += 1
        self.out.markdown_table(header, rows, aligns, self)
        return j + 1

    # -- inline ------------------------------------------------------------------
    def inline(self, paragraph: Any, inline: Token) -> None:
        bold = italic = strike = False
        link: str | None = None
        for child in inline.children or []:
            ct = child.type
            if ct == "text":
                for k, piece in enumerate(PLACEHOLDER.split(child.content)):
                    if k % 2:
                        self._formula(
                            paragraph,
                            int(piece),
                            alone=child.content.strip() == f"\ue000{piece}\ue001",
                        )
                    elif not piece:
                        continue
                    elif link is not None:
                        self.out.link(paragraph, link, piece)
                    else:
                        self.out.run(paragraph, piece, bold=bold, italic=italic, strike=strike)
            elif ct == "strong_open":
                bold = True
            elif ct == "strong_close":
                bold = False
            elif ct == "em_open":
                italic = True
            elif ct == "em_close":
                italic = False
            elif ct == "s_open":
                strike = True
            elif ct == "s_close":
                strike = False
            elif ct == "code_inline":
                self.out.run(paragraph, child.content, bold=bold, italic=italic, code=True)
            elif ct == "link_open":
                link = str(child.attrs.get("href", ""))
            elif ct == "link_close":
                link = None
            elif ct == "softbreak":
                self.out.run(paragraph, " ")
            elif ct == "hardbreak":
                paragraph.add_run().add_break()
            elif ct == "image":
                self._image(paragraph, str(child.attrs.get("src", "")), child.content or "")
            elif ct == "html_inline":
                continue  # raw HTML is not carried into Word

    def _formula(self, paragraph: Any, index: int, alone: bool) -> None:
        latex, display = self._formulas[index]
        if not self.out.math(
            latex, display=display, paragraph=None if display and alone else paragraph
        ):
            self.warn(f"{self.where}: formula {latex[:40]!r} could not be read; shown as TeX")
            self.out.run(paragraph, latex, code=True)

    def _image(self, paragraph: Any, src: str, alt: str) -> None:
        """A markdown image: a cell attachment or a file next to the notebook; never fetched from the web."""
        data: bytes | None = None
        mime = _IMAGE_MIMES.get(Path(src.split("?")[0]).suffix.lower(), "")
        if src.startswith("attachment:"):
            bundle = self.attachments.get(src.split(":", 1)[1]) or {}
            for kind in ("image/png", "image/jpeg", "image/gif", "image/svg+xml"):
                if kind in bundle:
                    value = bundle[kind]
                    value = "".join(value) if isinstance(value, list) else value
                    data = (
                        value.encode("utf-8")
                        if kind == "image/svg+xml"
                        else base64.b64decode(value)
                    )
                    mime = kind
                    break
        elif "://" not in src and self.base_dir is not None and src:
            path = (self.base_dir / src).resolve()
            if path.is_file() and mime:
                data = path.read_bytes()
        if data is None or not self.out.image(data, mime):
            self.warn(f"{self.where}: image {src!r} could not be read; skipped")
            if alt:
                self.out.run(paragraph, f"[{alt}]", italic=True)

    def plain(self, inline: Token) -> str:
        """Text of an inline token without markup (for headings in properties, cells)."""
        return "".join(
            c.content for c in (inline.children or []) if c.type in ("text", "code_inline")
        )
