"""Markdown cells → Word paragraphs, lists and tables (via markdown-it-py tokens).

Headings map to the numbered Heading 1–3 styles, inline bold/italic/code/links become
runs, lists use List Bullet / List Number (each ordered list restarts at 1), and pipe
tables become real Word tables in the same look as display tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from markdown_it import MarkdownIt
from markdown_it.token import Token

from branch_consult.formats import clean_text

_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_TAG = re.compile(r"<[^>]+>")


def heading_list(source: str) -> list[tuple[int, str]]:
    """(level, plain text) of every heading in a markdown text, in order."""
    tokens = _MD.parse(clean_text(source))
    found = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and i + 1 < len(tokens):
            text = "".join(c.content for c in (tokens[i + 1].children or []) if c.type in ("text", "code_inline"))
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

    def write(self, source: str) -> None:
        tokens = _MD.parse(clean_text(source))
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
            self.lists.append(_ListState(ordered, self.out.new_list_num(start) if ordered else None))
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
            text = _TAG.sub("", tok.content).strip()
            if text:
                self.out.paragraph().add_run(clean_text(text))
            return i + 1
        return i + 1  # list_item_open/close, hr, etc.

    def _list_paragraph(self, inline: Token, tok: Token) -> None:
        state = self.lists[-1]
        depth = min(len(self.lists), 2)
        style = ("List Number" if state.ordered else "List Bullet") + ("" if depth == 1 else " 2")
        p = self.out.paragraph(style=style)
        if state.ordered and state.num_id is not None:
            ppr = p._p.get_or_add_pPr()
            numpr = OxmlElement("w:numPr")
            ilvl = OxmlElement("w:ilvl")
            ilvl.set(qn("w:val"), "0")
            nid = OxmlElement("w:numId")
            nid.set(qn("w:val"), str(state.num_id))
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
                    aligns.append("right" if "right" in str(style) else "center" if "center" in str(style) else "left")
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
                if link is not None:
                    self.out.link(paragraph, link, child.content)
                else:
                    self.out.run(paragraph, child.content, bold=bold, italic=italic, strike=strike)
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
                alt = child.content or ""
                if alt:
                    self.out.run(paragraph, f"[{alt}]", italic=True)
            elif ct == "html_inline":
                continue  # raw HTML is not carried into Word

    def plain(self, inline: Token) -> str:
        """Text of an inline token without markup (for headings in properties, cells)."""
        return "".join(c.content for c in (inline.children or []) if c.type in ("text", "code_inline"))
