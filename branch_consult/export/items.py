"""What a notebook output shows, as typed objects every exporter reads.

Our own display payloads become the display objects they describe
(:mod:`branch_consult.display`); what any other notebook shows becomes the same kinds
where it can (a pandas DataFrame, from its data-resource or its HTML table, becomes a
:class:`~branch_consult.display.Table`; a bare plotly figure a ``Figure``) or one of the
small objects here: preformatted text, a picture, math, markdown. Exporters only
render; they never decide what an output is.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from pydantic import ValidationError

from branch_consult.display import PAYLOAD_MIME, PLOTLY_MIME, Column, Figure, Table, from_payload
from branch_consult.export.preprocessors import RASTER_MIMES, SVG_MIME, image_bytes

DATA_RESOURCE_MIME = "application/vnd.dataresource+json"
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Preformatted:
    """Plain-text results and printed output: a monospaced block."""

    text: str


@dataclass(frozen=True)
class Picture:
    """An image output; SVG stays SVG until an exporter needs pixels."""

    data: bytes
    mime: str


@dataclass(frozen=True)
class Math:
    """A LaTeX formula (``text/latex`` output, or ``$$…$$`` in markdown)."""

    latex: str
    display: bool = True


@dataclass(frozen=True)
class MarkdownText:
    """Markdown to render (a ``text/markdown`` output)."""

    text: str


def strip_tags(fragment: str) -> str:
    """The text of an HTML fragment (block elements as line breaks)."""
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6])>", "\n", fragment)
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", text)
    return html.unescape(_TAG.sub("", text)).strip()


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


class _TableParser(HTMLParser):
    """Rows of the first <table> in an HTML fragment: (is_header_row, [cell texts])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.done = False
        self.rows: list[tuple[bool, list[str]]] = []
        self.caption: list[str] = []
        self._row: list[str] | None = None
        self._head_row = False
        self._in_thead = False
        self._cell: list[str] | None = None
        self._in_caption = False
        self._span = 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "table":
            self.depth += 1
        elif self.depth == 1:
            if tag == "thead":
                self._in_thead = True
            elif tag == "tr":
                self._row, self._head_row = [], self._in_thead
            elif tag in ("td", "th") and self._row is not None:
                self._cell = []
                span = dict(attrs).get("colspan")
                self._span = int(span) if span and span.isdigit() else 1
            elif tag == "caption":
                self._in_caption = True
            elif tag == "br" and self._cell is not None:
                self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag == "table":
            self.depth -= 1
            if self.depth == 0:
                self.done = True
        elif self.depth == 1:
            if tag == "thead":
                self._in_thead = False
            elif tag in ("td", "th") and self._cell is not None and self._row is not None:
                text = " ".join("".join(self._cell).split())
                # a header spanning columns labels each of them ("2025 / Q1", "2025 / Q2")
                self._row.extend(
                    [text] * self._span if tag == "th" else [text] + [""] * (self._span - 1)
                )
                self._cell = None
            elif tag == "tr" and self._row is not None:
                self.rows.append((self._head_row, self._row))
                self._row = None
            elif tag == "caption":
                self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_caption:
            self.caption.append(data)


def html_table(fragment: str, caption: str = "") -> Table | None:
    """The first HTML table of a fragment (a DataFrame's repr, a table in markdown) as a Table."""
    if "<table" not in fragment.lower():
        return None
    parser = _TableParser()
    parser.feed(fragment)
    rows = [r for r in parser.rows if any(c.strip() for c in r[1])]
    if not rows:
        return None
    heads = [r for h, r in rows if h]
    body = [r for h, r in rows if not h]
    if not heads:  # no <thead>: a first row of header cells is the header
        heads, body = [body[0]], body[1:]
    width = max(len(r) for r in heads + body)
    heads = [r + [""] * (width - len(r)) for r in heads]
    labels = [" / ".join(dict.fromkeys(h[i] for h in heads if h[i])) for i in range(width)]
    columns = [Column(key=f"c{i}", label=label) for i, label in enumerate(labels)]
    cells = [r + [""] * (width - len(r)) for r in body]
    text = caption or " ".join("".join(parser.caption).split())
    return Table(caption=text, columns=columns, rows=cells)


def data_resource_table(resource: Any) -> Table | None:
    """A pandas data-resource output (table schema + records) as a Table, keeping the raw values."""
    if isinstance(resource, str):
        resource = json.loads(resource)
    fields = ((resource or {}).get("schema") or {}).get("fields") or []
    records = (resource or {}).get("data") or []
    if not fields:
        return None
    kinds = {"integer": "int", "number": "float2"}
    columns = [
        Column(
            key=str(f.get("name")),
            label=str(f.get("name")),
            format=kinds.get(str(f.get("type")), "text"),
        )
        for f in fields
    ]
    rows = [[rec.get(c.key) if isinstance(rec, dict) else None for c in columns] for rec in records]
    return Table(caption="", columns=columns, rows=rows)


def output_items(output: Any) -> list[Any]:
    """What one (already preprocessed) output shows, richest representation first."""
    kind = output.get("output_type")
    if kind == "stream":
        text = _text(output.get("text", ""))
        return [Preformatted(text.rstrip("\n"))] if text.strip() else []
    if kind not in ("display_data", "execute_result"):
        return []
    data = output.get("data") or {}
    payload = data.get(PAYLOAD_MIME)
    if isinstance(payload, dict):
        try:
            return [from_payload(payload)]
        except (ValueError, ValidationError, TypeError):
            pass  # a payload from another version: fall back to what else the output carries
    if isinstance(data.get(PLOTLY_MIME), dict):
        return [Figure(caption="", figure=data[PLOTLY_MIME])]
    if DATA_RESOURCE_MIME in data:
        table = data_resource_table(data[DATA_RESOURCE_MIME])
        if table is not None:
            return [table]
    if "text/html" in data:
        table = html_table(_text(data["text/html"]))
        if table is not None:
            return [table]
    for mime in RASTER_MIMES:
        if mime in data:
            return [Picture(image_bytes(data[mime]), mime)]
    if SVG_MIME in data:
        return [Picture(_text(data[SVG_MIME]).encode("utf-8"), SVG_MIME)]
    if "text/latex" in data:
        return [Math(_text(data["text/latex"]).strip().strip("$").strip())]
    if "text/markdown" in data:
        return [MarkdownText(_text(data["text/markdown"]))]
    if "text/html" in data:  # HTML that is not a table: its text
        text = strip_tags(_text(data["text/html"]))
        return [Preformatted(text)] if text.strip() else []
    if "text/plain" in data:
        text = _text(data["text/plain"])
        return [Preformatted(html.unescape(text))] if text.strip() else []
    return []


__all__ = [
    "DATA_RESOURCE_MIME",
    "MarkdownText",
    "Math",
    "Picture",
    "Preformatted",
    "data_resource_table",
    "html_table",
    "output_items",
    "strip_tags",
]
