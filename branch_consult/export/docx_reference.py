"""Build the Word reference document (styles, page set-up, header/footer) from python-docx's default.

A firm can replace ``templates/reference.docx`` with its own; the exporter only relies on
style names (with fallbacks) and on the placeholders ``{{title}}``/``{{confidentiality}}`` in
the header and ``{{page_x_of_y}}`` in the footer.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from branch_consult.export.docx_xml import set_east_asian_defaults, set_fonts
from branch_consult.resources import templates_dir

LATIN_FONT = "Calibri"
EAST_ASIA_FONT = "Noto Sans CJK SC"
NAVY = RGBColor(0x1F, 0x3B, 0x5C)
GREY = RGBColor(0x6B, 0x77, 0x85)
#: Severity → (accent colour, light fill) shared with the exporter's finding boxes.
SEVERITY_COLORS = {
    "high": ("B5473A", "FBEDEB"),
    "medium": ("D68910", "FDF4E3"),
    "low": ("5B7A99", "F0F4F8"),
    "info": ("8A9BAD", "F4F6F8"),
}
DEFAULT_PATH = templates_dir() / "reference.docx"


def _style(doc, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = "Normal"):
    try:
        return doc.styles[name]
    except KeyError:
        s = doc.styles.add_style(name, kind)
        if base and kind == WD_STYLE_TYPE.PARAGRAPH:
            s.base_style = doc.styles[base]
        return s


def _para_style(
    doc,
    name,
    *,
    size=None,
    bold=None,
    color=None,
    before=None,
    after=None,
    base="Normal",
    italic=None,
    align=None,
    keep_next=None,
    line=None,
):
    s = _style(doc, name, base=base)
    f = s.font
    if size is not None:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    if italic is not None:
        f.italic = italic
    if color is not None:
        f.color.rgb = color
    pf = s.paragraph_format
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if align is not None:
        pf.alignment = align
    if keep_next is not None:
        pf.keep_with_next = keep_next
    if line is not None:
        pf.line_spacing = line
    set_fonts(s.element, LATIN_FONT, EAST_ASIA_FONT)
    return s


def _heading_numbering(doc) -> None:
    """A multi-level list 1 / 1.1 / 1.1.1 linked to Heading 1–3, so headings number themselves."""
    numbering = doc.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abs_id = max(ids, default=0) + 1
    absn = OxmlElement("w:abstractNum")
    absn.set(qn("w:abstractNumId"), str(abs_id))
    mlt = OxmlElement("w:multiLevelType")
    mlt.set(qn("w:val"), "multilevel")
    absn.append(mlt)
    texts = ["%1", "%1.%2", "%1.%2.%3"]
    for lvl, text in enumerate(texts):
        el = OxmlElement("w:lvl")
        el.set(qn("w:ilvl"), str(lvl))
        for tag, val in (
            ("w:start", "1"),
            ("w:numFmt", "decimal"),
            ("w:pStyle", f"Heading{lvl + 1}"),
            ("w:lvlText", text),
            ("w:lvlJc", "left"),
        ):
            child = OxmlElement(tag)
            child.set(qn("w:val"), val)
            el.append(child)
        ppr = OxmlElement("w:pPr")
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(567 + 142 * lvl))
        ind.set(qn("w:hanging"), str(567 + 142 * lvl))
        ppr.append(ind)
        el.append(ppr)
        absn.append(el)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(absn)
    else:
        numbering.append(absn)
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    num_id = max(num_ids, default=0) + 1
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(abs_id))
    num.append(ref)
    numbering.append(num)
    for lvl in range(3):
        ppr = doc.styles[f"Heading {lvl + 1}"].element.get_or_add_pPr()
        numpr = OxmlElement("w:numPr")
        ilvl = OxmlElement("w:ilvl")
        ilvl.set(qn("w:val"), str(lvl))
        nid = OxmlElement("w:numId")
        nid.set(qn("w:val"), str(num_id))
        numpr.append(ilvl)
        numpr.append(nid)
        ppr.insert(0, numpr)


def _header_footer(doc) -> None:
    sec = doc.sections[0]

    sec.different_first_page_header_footer = True  # the cover has none
    hp = sec.header.paragraphs[0]
    hp.text = ""
    hp.style = doc.styles["Header"]
    hp.add_run("{{title}}")
    hp.add_run("\t\t")
    hp.add_run("{{confidentiality}}")
    ppr = hp._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "4"), ("w:space", "4"), ("w:color", "9AA5B1")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)
    fp = sec.footer.paragraphs[0]
    fp.text = "{{page_x_of_y}}"
    fp.style = doc.styles["Footer"]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name in ("Header", "Footer"):
        s = doc.styles[name]
        s.font.size = Pt(8.5)
        s.font.color.rgb = GREY
        set_fonts(s.element, LATIN_FONT, EAST_ASIA_FONT)
    # tab stops: centre and right edge of the A4 text area (title left, confidentiality right)
    text_width = sec.page_width - sec.left_margin - sec.right_margin
    for name in ("Header", "Footer"):
        stops = doc.styles[name].paragraph_format.tab_stops
        for _stop in list(stops):
            del stops[0]
        stops.add_tab_stop(int(text_width / 2), WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)


def build_reference(path: str | Path = DEFAULT_PATH) -> Path:
    """Write the house reference document to ``path`` and return the path."""
    doc = docx.Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(2.4), Cm(2.2)
    sec.left_margin, sec.right_margin = Cm(2.3), Cm(2.3)
    sec.header_distance, sec.footer_distance = Cm(1.2), Cm(1.0)

    # document defaults: every run falls back to these fonts
    rpr_default = (
        doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    set_fonts(rpr_default, LATIN_FONT, EAST_ASIA_FONT)

    normal = _para_style(doc, "Normal", size=10.5, after=6, base=None, line=1.3)
    normal.font.color.rgb = RGBColor(0x2B, 0x2F, 0x36)
    _para_style(
        doc, "Title", size=26, bold=True, color=NAVY, after=10, align=WD_ALIGN_PARAGRAPH.LEFT
    )
    _para_style(doc, "Subtitle", size=15, color=GREY, after=24, italic=False)
    for level, (size, before, after) in enumerate(
        [(16, 18, 8), (13, 14, 6), (11.5, 10, 4)], start=1
    ):
        s = _para_style(
            doc,
            f"Heading {level}",
            size=size,
            bold=True,
            color=NAVY,
            before=before,
            after=after,
            keep_next=True,
        )
        s.font.italic = False
    doc.styles["Heading 1"].paragraph_format.page_break_before = False
    _para_style(
        doc,
        "Caption",
        size=9.5,
        bold=True,
        color=NAVY,
        before=4,
        after=4,
        italic=False,
        keep_next=False,
    )
    _para_style(doc, "BC Source", size=8, color=GREY, after=10, italic=False)
    # exact line height: Latin-only and CJK cells then share one baseline across a row
    for name, bold, color in (
        ("BC Table Text", None, None),
        ("BC Table Head", True, RGBColor(0xFF, 0xFF, 0xFF)),
    ):
        s = _para_style(doc, name, size=9, after=0, before=0, bold=bold, color=color)
        s.paragraph_format.line_spacing = Pt(13.5)
        s.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    _para_style(doc, "BC Cover Meta", size=11, color=RGBColor(0x2B, 0x2F, 0x36), after=2)
    _para_style(doc, "BC Confidential", size=9, color=GREY, before=30)
    _para_style(doc, "BC Code", size=9, after=2, line=1.0)
    set_fonts(doc.styles["BC Code"].element, "Consolas", EAST_ASIA_FONT)
    _para_style(doc, "BC Tile Label", size=8.5, color=GREY, after=0, line=1.0)
    _para_style(doc, "BC Tile Value", size=16, bold=True, color=NAVY, after=0, line=1.0)
    _para_style(doc, "BC Callout", size=10, after=2)
    _para_style(doc, "BC Finding Body", size=10, after=3)
    for sev, (accent, _fill) in SEVERITY_COLORS.items():
        _para_style(
            doc,
            f"BC Finding {sev.capitalize()}",
            size=11,
            bold=True,
            color=RGBColor.from_string(accent),
            after=3,
            keep_next=True,
        )
    for name in (
        "List Bullet",
        "List Number",
        "List Bullet 2",
        "List Number 2",
        "Quote",
        "TOC Heading",
    ):
        _para_style(doc, name, after=3)
    toc_heading = _para_style(doc, "TOC Heading", size=16, bold=True, color=NAVY, after=12)
    toc_heading.base_style = doc.styles["Normal"]  # not a numbered heading
    sub_rpr = doc.styles["Subtitle"].element.rPr
    for spacing in sub_rpr.findall(qn("w:spacing")) if sub_rpr is not None else []:
        sub_rpr.remove(spacing)
    for level in (1, 2, 3):
        _para_style(doc, f"TOC {level}", size=10.5, after=2)
        pf = doc.styles[f"TOC {level}"].paragraph_format
        pf.left_indent = Cm(0.6 * (level - 1))
        pf.tab_stops.add_tab_stop(Cm(0.6 * (level - 1) + 0.9 + 0.3 * (level - 1)))  # number ⇥ text
    table_style = _style(doc, "BC Table", WD_STYLE_TYPE.TABLE, base=None)
    table_style.base_style = doc.styles["Normal Table"]
    _heading_numbering(doc)
    _header_footer(doc)
    set_east_asian_defaults(doc)
    doc.core_properties.title = "branch-consult reference"
    doc.core_properties.author = "branch-consult"
    # the reference carries styles only: no body content
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out
