"""Low-level WordprocessingML helpers python-docx lacks: fonts, shading, borders, fields.

Kept apart from the exporter so the reference-document builder and the exporter share
one definition of how a field or an East Asian font is written.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from branch_consult.formats import clean_text


def child(parent, tag: str):
    """The first child element `tag` of `parent`, appended if it is not there yet."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    return el


def set_fonts(rpr_parent, latin: str, east_asia: str) -> None:
    """Set Latin and East Asian fonts on a run or a style (its ``w:rPr``)."""
    rpr = rpr_parent.get_or_add_rPr() if hasattr(rpr_parent, "get_or_add_rPr") else rpr_parent
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme_attr), None)


#: pPr children that come after w:autoSpaceDE/DN in the schema's order
_AFTER_AUTOSPACE = (
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
#: rPr children that come after w:lang
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def _insert_ordered(parent, el, later: tuple[str, ...]) -> None:
    for existing in parent:
        if existing.tag in {qn(t) for t in later}:
            existing.addprevious(el)
            return
    parent.append(el)


def no_auto_space(ppr) -> None:
    """Turn off the extra gap Word/LibreOffice put between CJK text and Latin letters or digits.

    The report text writes "12.3分钟" without a space on purpose; autoSpaceDE/DN would add one.
    """
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        el = ppr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            _insert_ordered(
                ppr,
                el,
                ("w:autoSpaceDN", *_AFTER_AUTOSPACE)
                if tag == "w:autoSpaceDE"
                else _AFTER_AUTOSPACE,
            )
        el.set(qn("w:val"), "0")


def set_east_asian_defaults(document, language: str = "zh-CN") -> None:
    """Simplified Chinese as the East Asian language, with no automatic CJK/Latin spacing.

    The language picks Noto CJK's SC face (a ja-JP setting makes renderers prefer the JP
    glyphs); set in the document defaults, the theme font language and the Normal style.
    """
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), language)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr_default = child(defaults, "w:rPrDefault")
    rpr = child(rpr_default, "w:rPr")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        _insert_ordered(rpr, lang, _AFTER_LANG)
    lang.set(qn("w:eastAsia"), language)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        rpr_default.addnext(ppr_default)
    no_auto_space(child(ppr_default, "w:pPr"))
    try:
        no_auto_space(document.styles["Normal"].element.get_or_add_pPr())
    except KeyError:
        pass


def shade(cell_or_ppr, fill: str) -> None:
    """Background colour of a table cell (``tcPr``) or paragraph (``pPr``)."""
    el = cell_or_ppr
    if hasattr(el, "_tc"):
        el = el._tc.get_or_add_tcPr()
    shd = child(el, "w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)


def cell_borders(cell, **sides: tuple[str, int] | None) -> None:
    """Borders of one cell: ``cell_borders(c, left=("C0392B", 24), top=None)``; None = none."""
    tcpr = cell._tc.get_or_add_tcPr()
    borders = child(tcpr, "w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        if side not in sides:
            continue
        el = OxmlElement(f"w:{side}")
        spec = sides[side]
        if spec is None:
            el.set(qn("w:val"), "nil")
        else:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(spec[1]))
            el.set(qn("w:color"), spec[0])
            el.set(qn("w:space"), "0")
        old = borders.find(qn(f"w:{side}"))
        if old is not None:
            borders.remove(old)
        borders.append(el)


def table_borders(table, color: str = "BFC7D1", size: int = 4, inside_v: bool = False) -> None:
    """Light horizontal rules (and optional vertical ones) for a whole table."""
    tblpr = table._tbl.tblPr
    borders = tblpr.find(qn("w:tblBorders"))
    if borders is not None:
        tblpr.remove(borders)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        if side in ("left", "right") or (side == "insideV" and not inside_v):
            el.set(qn("w:val"), "nil")
        else:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(size))
            el.set(qn("w:color"), color)
            el.set(qn("w:space"), "0")
        borders.append(el)
    tblpr.append(borders)
    _order_tblpr(tblpr)


def table_width_pct(table, pct: int = 100) -> None:
    tblpr = table._tbl.tblPr
    w = child(tblpr, "w:tblW")
    w.set(qn("w:type"), "pct")
    w.set(qn("w:w"), str(pct * 50))
    _order_tblpr(tblpr)


def table_layout(table, widths_twips: list[int], cell_margin_twips: int) -> None:
    """Fixed layout with these column widths (twips), total width and left/right cell margins.

    A fixed layout is what makes Word and LibreOffice use the widths as given instead
    of re-fitting columns to content (which breaks short words mid-word).
    """
    tblpr = table._tbl.tblPr
    w = child(tblpr, "w:tblW")
    w.set(qn("w:type"), "dxa")
    w.set(qn("w:w"), str(sum(widths_twips)))
    layout = child(tblpr, "w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    mar = child(tblpr, "w:tblCellMar")
    for side in ("left", "right"):
        el = child(mar, f"w:{side}")
        el.set(qn("w:w"), str(cell_margin_twips))
        el.set(qn("w:type"), "dxa")
    _order_tblpr(tblpr)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_twips, strict=False):
        col.set(qn("w:w"), str(width))


# CT_TblPr child order required by the schema (Word refuses files that break it).
_TBLPR_ORDER = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
]


def _order_tblpr(tblpr) -> None:
    rank = {qn(f"w:{name}"): i for i, name in enumerate(_TBLPR_ORDER)}
    children = sorted(tblpr, key=lambda el: rank.get(el.tag, len(rank)))
    for el in children:
        tblpr.append(el)


def repeat_header(row) -> None:
    """Mark a table row as header row repeated on every page (``w:tblHeader``)."""
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def add_field(paragraph, instruction: str, placeholder: str = "1"):
    """Append a complex field (PAGE, NUMPAGES, SEQ, TOC ...) with a cached result.

    Word and LibreOffice recompute the result; the placeholder is what readers that do
    not (e.g. text extraction of the raw file) see.
    """

    def run_with(child):
        r = OxmlElement("w:r")
        r.append(child)
        paragraph._p.append(r)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    result = paragraph.add_run(clean_text(placeholder))
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)
    return result


def set_update_fields_on_open(document) -> None:
    """Ask Word to refresh fields (TOC, page counts) when the file is opened."""
    settings = document.settings.element
    el = child(settings, "w:updateFields")
    el.set(qn("w:val"), "true")


def clear_update_fields_on_open(document) -> None:
    """Open without Word's "update the fields?" question (the fields already hold their results)."""
    settings = document.settings.element
    for el in settings.findall(qn("w:updateFields")):
        settings.remove(el)


def keep_with_next(paragraph) -> None:
    paragraph.paragraph_format.keep_with_next = True


def add_hyperlink(paragraph, url: str, text: str, color: str = "1F5C99"):
    """An external hyperlink run (python-docx has no API for creating one)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    r_id = paragraph.part.relate_to(clean_text(url), RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    c = OxmlElement("w:color")
    c.set(qn("w:val"), color)
    u = OxmlElement("w:u")
    u.set(qn("w:val"), "single")
    rpr.append(c)
    rpr.append(u)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = clean_text(text)
    run.append(t)
    link.append(run)
    paragraph._p.append(link)
    return run
