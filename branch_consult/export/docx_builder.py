"""Writes the parts of a Word deliverable onto a reference document.

One :class:`DocxBuilder` per document: cover, table of contents, paragraphs and runs
(fonts set for Latin and East Asian text on every run), numbered captions with SEQ
fields, and the native renderings of display payloads (tables, figures, findings,
scorecards, callouts). Every string passes :func:`clean_text` first.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from branch_consult.display import (
    Callout,
    Figure,
    Finding,
    Scorecard,
    Table,
    finding_word,
    label_colon,
    severity_label,
    source_line,
)
from branch_consult.export import docx_xml
from branch_consult.export.docx_reference import DEFAULT_PATH, SEVERITY_COLORS, build_reference
from branch_consult.export.docx_widths import CELL_MARGIN_TWIPS, column_widths
from branch_consult.export.outline import Outline
from branch_consult.formats import clean_text, format_value, numeric_column

if TYPE_CHECKING:
    from markdown_it.token import Token

    from branch_consult.export.docx_markdown import MarkdownWriter

HEAD_FILL = "1F3B5C"
HIGHLIGHT_FILL = "FFF1CC"
STRIPE_FILL = "F6F8FA"
STATUS_COLORS = {"red": "B5473A", "amber": "D68910", "green": "2E7D5B", "none": "AAB4BF"}
CALLOUT_COLORS = {
    "note": ("5B7A99", "EEF3F8"),
    "warning": ("D68910", "FDF4E3"),
    "tip": ("2E7D5B", "EDF7F1"),
}
#: Plotly figures are drawn for a 900 px wide screen; on the 16.4 cm A4 text width that
#: shrinks 13 px text to ~6.5 pt. Rendering at this CSS width keeps chart text at ~9 pt,
#: and ``FIGURE_SCALE`` × that many pixels gives ~300 dpi on paper.
FIGURE_CSS_WIDTH = 680
FIGURE_HEIGHT_FACTOR = 0.85
FIGURE_SCALE = 3
#: Tables up to this many rows are kept on one page (with their caption and source).
KEEP_TOGETHER_ROWS = 20
_MANUAL_NUMBER = re.compile(r"^\s*(\d+(\.\d+)*\.?|[一二三四五六七八九十]+、)\s*")
WORDS = {
    "zh": {
        "figure": "图",
        "table": "表",
        "contents": "目录",
        "client": "客户",
        "branch": "网点",
        "period": "报告期",
        "date": "编制日期",
        "consultant": "顾问",
        "sample": "数据：内置合成示例数据（非客户数据）",
        "toc_hint": "（目录将在打开文档时更新；如未更新，请右键选择“更新域”。）",
    },
    "en": {
        "figure": "Figure",
        "table": "Table",
        "contents": "Contents",
        "client": "Client",
        "branch": "Branch",
        "period": "Period",
        "date": "Prepared",
        "consultant": "Consultant",
        "sample": "Data: the embedded synthetic sample bank, not client data",
        "toc_hint": "(The table of contents is updated when the document is opened.)",
    },
}
#: the footer's page line: text before the page number, between it and the page count, after
PAGE_WORDS = {"zh": ("第 ", " 页 / 共 ", " 页"), "en": ("Page ", " of ", "")}


class PngRenderer(Protocol):
    """What draws a chart for Word: plotly JSON in, PNG bytes out (`StaticRenderer` is one)."""

    def to_png(self, fig: Any, width: int = ..., height: int = ..., scale: float = ...) -> bytes:
        """The chart as PNG bytes, `width` × `height` CSS pixels at `scale` pixels each."""
        ...


def _png_px(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", data[16:24])


class DocxBuilder:
    """A Word document being written from a reference docx.

    The reference document supplies styles, page setup, header and footer, so a firm
    restyles every deliverable by editing one file; its body is discarded.

    Parameters
    ----------
    reference
        The reference .docx; default the house reference built into the package.
    lang
        ``"zh"`` or ``"en"``: the fixed words (captions, cover labels, page line).
    latin_font, east_asia_font
        Fonts set on every run, so Word never substitutes one without the characters.
    renderer
        Turns plotly JSON into PNG (`export.chart_renderer.StaticRenderer`); needed
        only when the document has figures.

    Raises
    ------
    FileNotFoundError
        When `reference` is given and does not exist.
    ValueError
        When the reference document's last section sets no page width or margins.
    """

    def __init__(
        self,
        reference: str | Path | None = None,
        lang: str = "zh",
        latin_font: str = "Calibri",
        east_asia_font: str = "Noto Sans CJK SC",
        renderer: PngRenderer | None = None,
    ) -> None:
        path = Path(reference) if reference else DEFAULT_PATH
        if path.exists():
            self.doc = docx.Document(str(path))
        elif reference:
            raise FileNotFoundError(f"reference document not found: {path}")
        else:  # never write into the installed package: build the house default in a scratch folder
            import tempfile

            with tempfile.TemporaryDirectory(prefix="bc-reference-") as tmp:
                self.doc = docx.Document(str(build_reference(Path(tmp) / "reference.docx")))
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        docx_xml.set_east_asian_defaults(self.doc)  # also for a firm's own reference document
        self.lang = lang if lang in WORDS else "zh"
        self.words = WORDS[self.lang]
        self.latin, self.east_asia = latin_font, east_asia_font
        self.renderer = renderer
        self.head_fill = HEAD_FILL
        self.accent = "C79A3A"
        self.figures = 0
        self.tables = 0
        self.headings: list[tuple[int, str, str]] = []
        self._counters = [0, 0, 0]
        #: markdown heading level → outline level (set from the whole notebook by the exporter)
        self.outline = Outline()
        self._heading_index = 0
        self._toc: tuple[Any, Any] | None = None
        self._break_pending = False
        self._toc_page_runs: list[Any] = []
        #: style name -> whether the reference has it / its id, looked up once per document
        #: (python-docx searches every style for each lookup: most of a table's build time)
        self._has_style: dict[str, bool] = {}
        self._style_ids: dict[tuple[str, Any], str | None] = {}
        sec = self.doc.sections[-1]
        page, left, right = sec.page_width, sec.left_margin, sec.right_margin
        if page is None or left is None or right is None:
            raise ValueError(
                f"reference document {path}: its last section sets no page width or margins"
            )
        self.text_width = int(page - left - right)

    # -- basic text ----------------------------------------------------------------
    def has_style(self, name: str) -> bool:
        """Whether the reference document defines style `name`.

        A client's own reference.docx may lack the house styles; callers then fall back to
        direct formatting instead of failing the export.

        Parameters
        ----------
        name
            A paragraph, character or table style name, e.g. ``"BC Table"``.

        Returns
        -------
        bool
        """
        if name not in self._has_style:
            try:
                self.doc.styles[name]
                self._has_style[name] = True
            except KeyError:
                self._has_style[name] = False
        return self._has_style[name]

    def set_style(self, target: Paragraph | DocxTable, name: str) -> None:
        """Give a paragraph or table style `name` (which must exist), as python-docx's setter does.

        The same style id is written; only the look-up is done once per document.
        """
        from docx.enum.style import WD_STYLE_TYPE

        kind = WD_STYLE_TYPE.TABLE if isinstance(target, DocxTable) else WD_STYLE_TYPE.PARAGRAPH
        key = (name, kind)
        if key not in self._style_ids:
            self._style_ids[key] = self.doc.part.get_style_id(self.doc.styles[name], kind)
        if isinstance(target, DocxTable):
            target._tbl.tblStyle_val = self._style_ids[key]
        else:
            target._p.style = self._style_ids[key]

    def paragraph(self, style: str | None = None, container: _Cell | None = None) -> Paragraph:
        """A new paragraph at the end of the body or of `container` (a table cell, a box).

        Parameters
        ----------
        style
            Paragraph style name; ignored when the reference document lacks it.
        container
            Where to add it; default the document body.

        Returns
        -------
        docx.text.paragraph.Paragraph
        """
        target = container if container is not None else self.doc
        p = target.add_paragraph()
        if style and self.has_style(style):
            self.set_style(p, style)
        if self._break_pending and container is None:
            self._break_pending = False
            p.paragraph_format.page_break_before = True  # the page starts here
        return p

    def run(
        self,
        paragraph: Paragraph,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        strike: bool = False,
        code: bool = False,
        color: str | None = None,
        size: float | None = None,
    ) -> Run:
        """A run of text with the document's Latin and East Asian fonts set.

        Chinese needs its own font on every run, or Word substitutes one that lacks
        the characters; `clean_text` strips control characters from untrusted values.

        Returns
        -------
        docx.text.run.Run
        """
        r = paragraph.add_run(clean_text(text))
        if bold:
            r.bold = True
        if italic:
            r.italic = True
        if strike:
            r.font.strike = True
        docx_xml.set_fonts(r._r, "Consolas" if code else self.latin, self.east_asia)
        if code:
            docx_xml.shade(r._r.get_or_add_rPr(), "F1F3F5")
        if color:
            r.font.color.rgb = RGBColor.from_string(color)
        if size:
            r.font.size = Pt(size)
        return r

    def link(self, paragraph: Paragraph, url: str, text: str) -> None:
        """A clickable hyperlink in `paragraph`; plain text unless `url` is http(s) or mailto.

        Data values are untrusted, so only web and mail links become live links in a
        deliverable sent to a client.

        Parameters
        ----------
        paragraph
            The paragraph the link is added to.
        url
            The target; any other scheme (``javascript:``, ``file:``) is written as text.
        text
            What the reader sees.
        """
        if not re.match(r"^(https?|mailto):", url or ""):
            self.run(paragraph, text)
            return
        run = docx_xml.add_hyperlink(paragraph, url, text)
        docx_xml.set_fonts(
            run.get_or_add_rPr() if hasattr(run, "get_or_add_rPr") else run.find(qn("w:rPr")),
            self.latin,
            self.east_asia,
        )

    def heading(self, inline: Token, level: int, md: MarkdownWriter) -> None:
        """A numbered Heading 1-3 from a Markdown heading; the TOC gets the number Word shows.

        The notebook's first top heading is skipped (the cover already shows the title), and
        a hand-typed number ("2.", "三、") is dropped so Word's list numbering is the only one.

        Parameters
        ----------
        inline
            The heading's inline Markdown token.
        level
            Markdown level (1 for ``#``), mapped through the notebook's `outline`.
        md
            The Markdown writer, for the heading's plain text.
        """
        index, self._heading_index = self._heading_index, self._heading_index + 1
        if index == self.outline.title_index:
            return  # the report title: the cover already shows it
        text = _MANUAL_NUMBER.sub("", md.plain(inline)).strip() or md.plain(inline)
        level = max(1, min(self.outline.level(level), 3))
        p = self.paragraph(style=f"Heading {level}")
        self.run(p, text)
        self._counters[level - 1] += 1
        for deeper in range(level, 3):
            self._counters[deeper] = 0
        number = ".".join(str(n) for n in self._counters[:level])
        self.headings.append((level, number, text))

    def page_break(self) -> None:
        """Start the next paragraph on a new page.

        Marks the next body paragraph "page break before" instead of adding a paragraph
        holding a break: a break paragraph after a full page leaves an empty page in Word
        and LibreOffice; a paragraph that starts a page never does.
        """
        body = self.doc.element.body
        last = [c for c in body if c.tag != qn("w:sectPr")]
        if not last:
            return  # nothing before: a break would leave an empty page
        self._break_pending = True

    def style_num_id(self, style: str) -> int | None:
        """The numbering instance a list style points at.

        Bullet lists reuse it at every nesting level, so bullets look the same as in the
        reference document.

        Parameters
        ----------
        style
            A list style, e.g. ``"List Bullet"``.

        Returns
        -------
        int or None
            The ``w:numId``; None when the style is missing or not numbered.
        """
        if not self.has_style(style):
            return None
        ppr = self.doc.styles[style].element.pPr
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        num = numpr.find(qn("w:numId")) if numpr is not None else None
        return int(num.get(qn("w:val"))) if num is not None else None

    def new_list_num(self, start: int = 1, level: int = 0) -> int | None:
        """A fresh numbering instance of List Number, so each ordered list restarts.

        Word continues one numbering instance across the whole document; a Markdown list
        that starts at 1 (or at `start`) needs its own.

        Parameters
        ----------
        start
            The first number shown.
        level
            The list level the restart applies to (0 for the outermost).

        Returns
        -------
        int or None
            The new ``w:numId``; None when the reference document has no numbered List Number.
        """
        if not self.has_style("List Number"):
            return None
        ppr = self.doc.styles["List Number"].element.pPr
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None or numpr.find(qn("w:numId")) is None:
            return None
        base_id = numpr.find(qn("w:numId")).get(qn("w:val"))
        numbering = self.doc.part.numbering_part.element
        abstract = None
        for num in numbering.findall(qn("w:num")):
            if num.get(qn("w:numId")) == base_id:
                abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        if abstract is None:
            return None
        new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(new_id))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), abstract)
        num.append(ref)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), str(level))
        so = OxmlElement("w:startOverride")
        so.set(qn("w:val"), str(start))
        override.append(so)
        num.append(override)
        numbering.append(num)
        return new_id

    # -- document frame ----------------------------------------------------------------
    def brand(self, meta: Mapping[str, Any]) -> None:
        """Take the workspace's brand colour for table headers, the cover rule and client band.

        Parameters
        ----------
        meta
            Notebook metadata; ``brand_colour`` as ``#RRGGBB``. Anything else keeps the house
            colours (a data value never reaches the XML unchecked).
        """
        colour = str(meta.get("brand_colour") or "")
        if re.fullmatch(r"#?[0-9A-Fa-f]{6}", colour):
            self.head_fill = colour.lstrip("#").upper()
            self.accent = self.head_fill

    def logo(self, path: str | Path, height_cm: float, paragraph: Paragraph | None = None) -> bool:
        """The client's logo as a picture (PNG, JPEG or GIF).

        A broken or missing logo file must not cost the deliverable, so failure is reported
        by the return value, not raised.

        Parameters
        ----------
        path
            The logo file.
        height_cm
            Height on the page; the width follows the picture's proportions.
        paragraph
            Where to add it; default a new paragraph.

        Returns
        -------
        bool
            False, with nothing added, when the file cannot be read as a picture.
        """
        from docx.shared import Cm

        try:
            data = Path(str(path)).read_bytes()
            run = (paragraph if paragraph is not None else self.paragraph()).add_run()
            run.add_picture(io.BytesIO(data), height=Cm(height_cm))
            return True
        except Exception:  # a broken logo never costs the deliverable
            return False

    def cover(self, meta: Mapping[str, Any]) -> None:
        """The cover page: logo or spacing, client band, title with the accent rule, the facts.

        Parameters
        ----------
        meta
            Notebook metadata: title, subtitle, client, consultant, branch, period, date,
            logo and brand_colour (all optional).
        """
        self.brand(meta)
        if meta.get("logo"):
            self.logo(meta["logo"], 2.0)
            self.paragraph()
        else:
            for _ in range(5):
                self.paragraph()
        band = self.paragraph()
        self.run(
            band,
            clean_text(meta.get("client") or "").upper() or " ",
            bold=True,
            color=self.accent,
            size=11,
        )
        title = self.paragraph(style="Title")
        self.run(title, meta.get("title") or "")
        ppr = title._p.get_or_add_pPr()
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (
            ("w:val", "single"),
            ("w:sz", "18"),
            ("w:space", "8"),
            ("w:color", self.accent),
        ):
            bottom.set(qn(k), v)
        bdr.append(bottom)
        ppr.append(bdr)
        if meta.get("subtitle"):
            self.run(self.paragraph(style="Subtitle"), meta["subtitle"])
        for key in ("client", "consultant", "branch", "period", "date"):
            if meta.get(key):
                p = self.paragraph(style="BC Cover Meta")
                self.run(p, f"{self.words[key]}  ", color="6B7785")
                self.run(p, str(meta[key]), bold=True)
        if meta.get("sample_data"):
            self.run(
                self.paragraph(style="BC Cover Meta"),
                self.words["sample"],
                bold=True,
                color="B5473A",
            )
        if meta.get("confidentiality"):
            self.run(self.paragraph(style="BC Confidential"), meta["confidentiality"])
        self.page_break()

    def toc(self) -> None:
        """A contents list as a Word TOC field (headings 1-3), on a page of its own.

        Word fills the field when the document is opened; `finish_toc` writes the text
        beforehand, so viewers that never update fields still show the contents.
        """
        p = self.paragraph(style="TOC Heading")
        self.run(p, self.words["contents"])
        p = self.paragraph(style="TOC 1")
        result = docx_xml.add_field(p, 'TOC \\o "1-3" \\h \\z \\u', self.words["toc_hint"])
        self._toc = (p, result)
        docx_xml.set_update_fields_on_open(self.doc)
        self.page_break()

    def finish_toc(self) -> None:
        """Fill the TOC field's cached result with the headings written so far.

        Called once the whole body is written. Page numbers are placeholders until
        `set_toc_pages` writes the pages measured in a rendered copy.
        """
        if self._toc is None or not self.headings:
            return
        from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
        from docx.shared import Emu

        from branch_consult.export.toc_pages import PLACEHOLDER

        p, result = self._toc
        end = result._r.getnext()
        p._p.remove(result._r)
        p._p.remove(end)
        current = p
        self._toc_page_runs = []
        for i, (level, number, text) in enumerate(self.headings):
            if i:
                new = OxmlElement("w:p")
                current._p.addnext(new)
                current = Paragraph(new, p._parent)
            style = f"TOC {level}"
            if self.has_style(style):
                self.set_style(current, style)
            current.paragraph_format.tab_stops.add_tab_stop(
                Emu(self.text_width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            self.run(current, f"{number}\t{text}\t")
            self._toc_page_runs.append(self.run(current, PLACEHOLDER))
        current._p.append(end)

    def set_toc_pages(self, pages: Sequence[int]) -> None:
        """Write the measured heading pages into the contents and stop Word asking to update fields.

        Parameters
        ----------
        pages
            One page number per heading, in the order of `headings`.
        """
        for run, page in zip(self._toc_page_runs, pages, strict=True):
            run.text = str(page)
        if self._toc is not None:
            for mark in self._toc[0]._p.iter(qn("w:fldChar")):
                mark.attrib.pop(qn("w:dirty"), None)  # the cached result is current
        docx_xml.clear_update_fields_on_open(self.doc)

    def header_footer(self, meta: Mapping[str, Any]) -> None:
        """Fill the reference document's header and footer placeholders ({{title}} and the like).

        Parameters
        ----------
        meta
            Notebook metadata; client and title make the running header.
        """
        title = clean_text(meta.get("title") or "")
        client = clean_text(meta.get("client") or "")
        values = {
            "{{title}}": f"{client} · {title}" if client and title else title or client,
            "{{confidentiality}}": clean_text(meta.get("confidentiality") or ""),
        }
        for sec in self.doc.sections:
            for part in (sec.header, sec.first_page_header, sec.even_page_header):
                for p in part.paragraphs:
                    if (
                        meta.get("logo")
                        and "{{title}}" in p.text
                        and self.logo(meta["logo"], 0.6, p)
                    ):
                        pic = p.runs[-1]._r  # the logo leads the header line
                        ppr = p._p.pPr
                        (ppr.addnext(pic) if ppr is not None else p._p.insert(0, pic))
                        values = {**values, "{{title}}": "  " + values["{{title}}"]}
                    self._replace(p, values)
            for footer in (sec.footer, sec.even_page_footer):
                for p in footer.paragraphs:
                    if "{{page_x_of_y}}" in p.text:
                        self._page_x_of_y(p)

    def _replace(self, p, values: Mapping[str, str]) -> None:
        for run in p.runs:
            for key, value in values.items():
                if key in run.text:
                    run.text = run.text.replace(key, value)
                    docx_xml.set_fonts(run._r, self.latin, self.east_asia)

    def _page_x_of_y(self, p) -> None:
        for r in list(p.runs):
            r._r.getparent().remove(r._r)
        before, middle, after = PAGE_WORDS[self.lang]
        self.run(p, before)
        docx_xml.add_field(p, "PAGE", "1")
        self.run(p, middle)
        docx_xml.add_field(p, "NUMPAGES", "1")
        if after:
            self.run(p, after)

    # -- captions ----------------------------------------------------------------------
    def caption(self, kind: str, text: str, number: int) -> None:
        """A numbered caption ("图 3" / "Figure 3") as a SEQ field, so Word can renumber it.

        Parameters
        ----------
        kind
            ``"figure"`` or ``"table"``.
        text
            The caption after the number.
        number
            The number shown until Word updates the field.
        """
        p = self.paragraph(style="Caption")
        label = self.words[kind]
        self.run(p, f"{label} " if self.lang == "en" else label + " ")
        seq = "Figure" if kind == "figure" else "Table"
        r = docx_xml.add_field(p, f"SEQ {seq} \\* ARABIC", str(number))
        docx_xml.set_fonts(r._r, self.latin, self.east_asia)
        self.run(p, "  " + clean_text(text))
        docx_xml.keep_with_next(
            p
        )  # a table caption stays with its table, a figure caption with its source

    def source(self, text: str | None, note: str | None = None) -> None:
        """Note and source lines under a table or figure ("来源：…"), as in the HTML deliverable.

        Parameters
        ----------
        text
            Where the numbers come from; prefixed with the localised "Source:".
        note
            A footnote shown above the source line.
        """
        lines = [clean_text(note)] if note and clean_text(note).strip() else []
        if text and clean_text(text).strip():
            lines.append(source_line(text, self.lang))
        for i, line in enumerate(lines):
            p = self.paragraph(style="BC Source")
            self.run(p, line)
            if i < len(lines) - 1:
                p.paragraph_format.space_after = Pt(1)

    # -- tables ------------------------------------------------------------------------
    def _table(self, n_rows: int, n_cols: int):
        if self._break_pending:  # a table cannot carry the break: an anchor line starts the page
            anchor = self.paragraph()
            anchor.paragraph_format.space_after = Pt(0)
        t = self.doc.add_table(rows=n_rows, cols=n_cols)
        if self.has_style("BC Table"):
            self.set_style(t, "BC Table")
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        docx_xml.table_width_pct(t, 100)
        docx_xml.table_borders(t)
        return t

    def _set_widths(self, table, texts: Sequence[Sequence[str]]) -> None:
        """Content-based column widths that add up to the text width, fixed so every viewer keeps them."""
        total = self.text_width // 635  # EMU → twips
        widths = column_widths(texts, total)
        if not widths:
            return
        docx_xml.table_layout(table, widths, CELL_MARGIN_TWIPS)
        for row in table.rows:
            for c, cell in enumerate(row.cells):
                cell.width = Emu(widths[c] * 635)

    def _cell_text(
        self,
        cell,
        text: str,
        *,
        style: str,
        align=None,
        bold: bool = False,
        color: str | None = None,
    ) -> None:
        p = cell.paragraphs[0]
        if self.has_style(style):
            self.set_style(p, style)
        if align is not None:
            p.alignment = align
        self.run(p, text, bold=bold, color=color)

    def data_table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        numeric: Sequence[bool],
        highlight: Sequence[int] = (),
    ) -> DocxTable:
        """A Word table: repeated navy header row, right-aligned numbers, highlighted rows.

        Tables of at most ``KEEP_TOGETHER_ROWS`` rows are kept on one page with their source
        line; longer ones repeat their header on every page.

        Parameters
        ----------
        header
            Column headers.
        rows
            Cell texts, already formatted for the document's language.
        numeric
            One flag per column: right-align it.
        highlight
            Row positions to shade and set in bold.

        Returns
        -------
        docx.table.Table
        """
        t = self._table(len(rows) + 1, len(header))
        marked = set(highlight)
        hdr = t.rows[0]
        docx_xml.repeat_header(hdr)
        docx_xml.cant_split(hdr)
        for c, text in enumerate(header):
            cell = hdr.cells[c]
            docx_xml.shade(cell, self.head_fill)
            self._cell_text(
                cell,
                text,
                style="BC Table Head",
                bold=True,
                color="FFFFFF",
                align=WD_ALIGN_PARAGRAPH.RIGHT if numeric[c] else WD_ALIGN_PARAGRAPH.LEFT,
            )
        for r, values in enumerate(rows):
            row = t.rows[r + 1]
            docx_xml.cant_split(row)
            for c, text in enumerate(values):
                cell = row.cells[c]
                if r in marked:
                    docx_xml.shade(cell, HIGHLIGHT_FILL)
                elif r % 2 == 1:
                    docx_xml.shade(cell, STRIPE_FILL)
                self._cell_text(
                    cell,
                    text,
                    style="BC Table Text",
                    bold=r in marked,
                    align=WD_ALIGN_PARAGRAPH.RIGHT if numeric[c] else WD_ALIGN_PARAGRAPH.LEFT,
                )
        self._set_widths(t, [list(header), *[list(v) for v in rows]])
        if len(rows) <= KEEP_TOGETHER_ROWS:
            for (
                row
            ) in t.rows:  # short tables do not split; the last row holds on to the source line
                for cell in row.cells:
                    for para in cell.paragraphs:
                        docx_xml.keep_with_next(para)
        return t

    def markdown_table(
        self,
        header: Sequence[Token],
        rows: Sequence[Sequence[Token]],
        aligns: Sequence[str],
        md: MarkdownWriter,
    ) -> None:
        """A table written in a Markdown cell, laid out like a display Table.

        Numbers are right-aligned when the Markdown says so or when the column only holds
        numbers, matching the HTML deliverable.

        Parameters
        ----------
        header
            The header cells' inline tokens.
        rows
            The body cells' inline tokens; short rows are padded.
        aligns
            ``"left"``, ``"center"`` or ``"right"`` per column, from the Markdown.
        md
            The Markdown writer, for the cells' plain text.
        """
        head = [md.plain(tok) for tok in header]
        body = [[md.plain(tok) for tok in row] + [""] * (len(head) - len(row)) for row in rows]
        numeric = [a == "right" for a in aligns] + [False] * (len(head) - len(aligns))
        numeric = [n or numeric_column([r[c] for r in body]) for c, n in enumerate(numeric)]
        self.data_table(head, [r[: len(head)] for r in body], numeric)
        self.paragraph(style="BC Source")

    def table(self, t: Table) -> None:
        """A display Table as a Word table, numbered caption above and source below.

        The cells come from `Table.formatted_rows` and the alignment from
        `Table.numeric_columns`, the same calls the HTML exporter makes, so both deliverables
        show the same text.

        Parameters
        ----------
        t
            The table read back from the notebook's payload.
        """
        if not t.columns:
            return
        if t.caption:
            self.tables += 1
            self.caption("table", t.caption, self.tables)
        self.data_table(
            [clean_text(c.label) for c in t.columns],
            t.formatted_rows(self.lang),
            t.numeric_columns(self.lang),
            t.highlight_rows,
        )
        self.source(t.source, t.note)
        if not t.caption and not (t.source or t.note):
            self.paragraph(style="BC Source")  # a little air under a bare table

    # -- boxes -------------------------------------------------------------------------
    def _box(self, accent: str, fill: str):
        t = self._table(1, 1)
        docx_xml.cant_split(t.rows[0])  # a finding or callout is read as one piece: never split it
        cell = t.cell(0, 0)
        docx_xml.shade(cell, fill)
        docx_xml.cell_borders(cell, left=(accent, 24), top=None, bottom=None, right=None)
        tcpr = cell._tc.get_or_add_tcPr()
        mar = OxmlElement("w:tcMar")
        for side, w in (("top", 100), ("bottom", 100), ("left", 180), ("right", 180)):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(w))
            el.set(qn("w:type"), "dxa")
            mar.append(el)
        tcpr.append(mar)
        tblpr = t._tbl.tblPr
        for b in tblpr.findall(qn("w:tblBorders")):
            tblpr.remove(b)
        return cell

    def _spacer(self) -> None:
        p = self.paragraph()
        p.paragraph_format.space_after = Pt(2)
        p.paragraph_format.line_spacing = 0.6

    def finding(self, f: Finding) -> None:
        """A finding box: severity and title, then the evidence and the recommended action.

        Boxed and coloured by severity so a reader scanning the report sees the serious
        findings first; the box never splits across pages.

        Parameters
        ----------
        f
            The finding read back from the notebook's payload.
        """
        sev = f.severity if f.severity in SEVERITY_COLORS else "info"
        accent, fill = SEVERITY_COLORS[sev]
        cell = self._box(accent, fill)
        head = cell.paragraphs[0]
        style = f"BC Finding {sev.capitalize()}"
        if self.has_style(style):
            self.set_style(head, style)
        self.run(
            head,
            f"【{severity_label(sev, self.lang)}】"
            if self.lang == "zh"
            else f"[{severity_label(sev, self.lang)}] ",
            bold=True,
            color=accent,
        )
        self.run(head, f.title or "", bold=True, color=accent)
        if f.subject:
            self.run(head, f"  · {f.subject}", color="6B7785")
        colon = label_colon(self.lang)
        for key in ("evidence", "action"):
            para = self.paragraph(style="BC Finding Body", container=cell)
            self.run(para, finding_word(key, self.lang) + colon, bold=True)
            self.run(para, getattr(f, key) or "")
        self._spacer()

    def callout(self, c: Callout) -> None:
        """A boxed note, warning or tip, coloured by its style.

        Parameters
        ----------
        c
            The callout read back from the notebook's payload.
        """
        accent, fill = CALLOUT_COLORS.get(c.style, CALLOUT_COLORS["note"])
        cell = self._box(accent, fill)
        first = cell.paragraphs[0]
        if self.has_style("BC Callout"):
            self.set_style(first, "BC Callout")
        if c.title:
            self.run(first, c.title, bold=True, color=accent)
            first = self.paragraph(style="BC Callout", container=cell)
        self.run(first, c.text or "")
        self._spacer()

    def scorecard(self, s: Scorecard) -> None:
        """KPI tiles in rows of three or four, each with its traffic-light colour on top.

        Rows are balanced (5 tiles → 3 + 2) so the tiles keep a readable width on A4.

        Parameters
        ----------
        s
            The scorecard read back from the notebook's payload.
        """
        tiles = list(s.tiles)
        if not tiles:
            return
        if s.caption:
            cap = self.paragraph(style="Caption")
            self.run(cap, s.caption)
            docx_xml.keep_with_next(cap)
        n_rows = -(-len(tiles) // 4)
        per_row = -(-len(tiles) // n_rows)  # 5 tiles → 3 + 2, 6 → 3 + 3, 8 → 4 + 4
        t = self._table(n_rows, per_row)
        for row in t.rows:
            docx_xml.cant_split(row)
        tblpr = t._tbl.tblPr
        for b in tblpr.findall(qn("w:tblBorders")):
            tblpr.remove(b)
        for i in range(n_rows * per_row):
            cell = t.cell(i // per_row, i % per_row)
            docx_xml.cell_borders(
                cell, left=("FFFFFF", 24), right=("FFFFFF", 24), bottom=("FFFFFF", 24)
            )
            if i >= len(tiles):
                continue
            tile = tiles[i]
            status = tile.status if tile.status in STATUS_COLORS else "none"
            docx_xml.shade(cell, "F4F6F8")
            docx_xml.cell_borders(cell, top=(STATUS_COLORS[status], 24))
            self._cell_text(cell, tile.label or "", style="BC Tile Label")
            value = self.paragraph(style="BC Tile Value", container=cell)
            self.run(
                value,
                format_value(tile.value, tile.format, self.lang),
                color=STATUS_COLORS[status] if status in ("red", "amber") else None,
            )
            if tile.note:
                self.run(self.paragraph(style="BC Tile Label", container=cell), tile.note)
            if i // per_row < n_rows - 1:
                for para in cell.paragraphs:
                    docx_xml.keep_with_next(para)
        self._spacer()

    # -- pictures ----------------------------------------------------------------------
    def picture(self, png: bytes, width_emu: int | None = None) -> None:
        """A centred PNG, never wider than the text width (at 96 dpi when no width is given).

        Parameters
        ----------
        png
            The image bytes.
        width_emu
            Width in EMU; default the image's own width, capped at the text width.
        """
        size = _png_px(png)
        width = self.text_width if width_emu is None else min(width_emu, self.text_width)
        if width_emu is None and size is not None:
            width = min(self.text_width, int(size[0] * 914400 / 96))
        p = self.paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(png), width=Emu(width))

    def figure(self, f: Figure) -> None:
        """A plotly chart re-rendered for the page width, with its numbered caption and source.

        Re-rendered from the chart's JSON (not a screenshot of the notebook) so text stays
        about 9 pt and the picture about 300 dpi on paper.

        Parameters
        ----------
        f
            The figure read back from the notebook's payload.

        Raises
        ------
        RuntimeError
            When the builder was made without a renderer.
        """
        if self.renderer is None:
            raise RuntimeError(
                "a figure needs a renderer (branch_consult.export.chart_renderer.StaticRenderer)"
            )
        width, height = int(f.width or 900), int(f.height or 450)
        from branch_consult.charts import compact_layout  # plotly only when a figure is drawn

        fig = compact_layout(f.figure or {})
        layout = fig.setdefault("layout", {})
        layout.pop("width", None)
        layout.pop("height", None)
        css_width = min(width, FIGURE_CSS_WIDTH)
        css_height = round(height * max(FIGURE_HEIGHT_FACTOR, css_width / width))
        png = self.renderer.to_png(fig, width=css_width, height=css_height, scale=FIGURE_SCALE)
        self.picture(png, width_emu=self.text_width)
        if f.caption:
            self.figures += 1
            self.caption("figure", f.caption, self.figures)
        self.source(f.source)

    # -- any notebook's outputs -----------------------------------------------------------
    def preformatted(self, text: str) -> None:
        """Printed output and plain-text results: monospaced lines, kept as they were laid out.

        Parameters
        ----------
        text
            The output text; tabs become four spaces.
        """
        lines = clean_text(text).split("\n")
        for i, line in enumerate(lines):
            p = self.paragraph(style="BC Code")
            docx_xml.shade(p._p.get_or_add_pPr(), "F4F6F8")
            self.run(p, line.replace("\t", "    ") or " ", code=False)
            for r in p.runs:
                docx_xml.set_fonts(r._r, "Consolas", self.east_asia)
            if i < len(lines) - 1:
                docx_xml.keep_with_next(p)

    def image(self, data: bytes, mime: str) -> bool:
        """A picture from an image output or attachment; SVG is converted to PNG first.

        Word cannot show SVG everywhere and shows only the first frame of a GIF, so both are
        turned into PNG. An unreadable picture is skipped, never fatal.

        Parameters
        ----------
        data
            The image bytes.
        mime
            Its MIME type, e.g. ``"image/png"``.

        Returns
        -------
        bool
            False, with nothing added, when the picture cannot be read.
        """
        if mime == "image/svg+xml":
            try:
                import cairosvg

                data = cairosvg.svg2png(bytestring=data, output_width=None, scale=2)
            except Exception:  # a drawing cairo cannot read is skipped by the caller
                return False
        try:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as img:
                px_width = img.size[0] / (2 if mime == "image/svg+xml" else 1)
                if img.format == "GIF" and getattr(img, "n_frames", 1) > 1:
                    buf = io.BytesIO()  # Word shows the first frame of an animation
                    img.convert("RGBA").save(buf, "PNG")
                    data = buf.getvalue()
            width = min(self.text_width, int(px_width * 914400 / 96))
            p = self.paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run().add_picture(io.BytesIO(data), width=Emu(width))
            return True
        except Exception:  # never kill the document for one picture
            return False

    def math(self, latex: str, display: bool = True, paragraph: Paragraph | None = None) -> bool:
        """A formula as Office Math, an equation the reader can edit in Word.

        Parameters
        ----------
        latex
            The TeX source, without the ``$`` delimiters.
        display
            True for a centred formula of its own, False for one inside a line of text.
        paragraph
            Where an inline formula goes; default a new paragraph.

        Returns
        -------
        bool
            False, with nothing added, when the TeX cannot be converted.
        """
        from branch_consult.export.math import latex_to_omml

        try:
            element = latex_to_omml(latex, display)
        except ValueError:
            return False
        if paragraph is None:
            paragraph = self.paragraph()
            if display:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph._p.append(element)
        return True

    def rule(self) -> None:
        """A horizontal rule (Markdown ``---``): an empty paragraph with a bottom border."""
        p = self.paragraph()
        ppr = p._p.get_or_add_pPr()
        bdr = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "BFC7D1")):
            bottom.set(qn(k), v)
        bdr.append(bottom)
        ppr.append(bdr)

    def save(self) -> bytes:
        """The finished document as .docx bytes.

        Bytes rather than a file, so the caller writes the deliverable atomically.

        Returns
        -------
        bytes
        """
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


__all__ = ["DocxBuilder"]
