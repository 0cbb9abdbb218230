"""Personal score sheets as Word files: one .docx per participant and one merged file for printing.

Built with the house `DocxBuilder` (reference styles, CJK fonts, A4), in memory first;
files are written atomically, so an error never leaves a half-written sheet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from branch_consult.atomic import atomic_write
from branch_consult.export import docx_xml
from branch_consult.export.docx_builder import HEAD_FILL, HIGHLIGHT_FILL, STRIPE_FILL, DocxBuilder
from branch_consult.export.docx_properties import set_core_properties
from branch_consult.reports.training.results_words import rword
from branch_consult.training.score_sheets import PersonalSheet

SHEET_WORDS = {
    "zh": {
        "title": "结业成绩单",
        "name": "姓名",
        "id": "学员编号",
        "branch": "网点",
        "date": "日期",
        "form": "试卷",
        "score": "得分",
        "rank": "第 {rank} 名 / 共 {of} 人",
        "pass": "合格",
        "fail": "未达合格线",
        "sections": "各小节得分",
        "section": "小节",
        "items": "题数",
        "points": "得分",
        "rate": "得分率",
        "answers": "逐题结果",
        "no": "题号",
        "item": "题目编号",
        "given": "你的答案",
        "key": "正确答案",
        "credit": "得分",
        "blank": "（未作答）",
        "sign": "讲师签字：＿＿＿＿＿＿　　日期：＿＿＿＿＿＿",
        "pass_mark": "合格线 {mark}%。—：未作答；?：无效答案，按答错计。",
    },
    "en": {
        "title": "Personal score sheet",
        "name": "Name",
        "id": "Participant ID",
        "branch": "Branch",
        "date": "Date",
        "form": "Form",
        "score": "Score",
        "rank": "rank {rank} of {of}",
        "pass": "Pass",
        "fail": "Below the pass mark",
        "sections": "Score by section",
        "section": "Section",
        "items": "Items",
        "points": "Points",
        "rate": "Rate",
        "answers": "Item by item",
        "no": "No.",
        "item": "Item",
        "given": "Your answer",
        "key": "Key",
        "credit": "Credit",
        "blank": "(no answer)",
        "sign": "Trainer's signature: ____________    Date: ____________",
        "pass_mark": "Pass mark {mark}%. —: no answer; ?: invalid answer, scored wrong.",
    },
}
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
#: items per row of the item-by-item grid
ITEMS_PER_ROW = 10


@dataclass(frozen=True)
class SheetContext:
    """What every sheet of a class shares."""

    course_title: str
    date: str
    rule: str
    pass_mark: float
    lang: str = "zh"


def _w(key: str, lang: str, **values: object) -> str:
    text = SHEET_WORDS["en" if lang == "en" else "zh"][key]
    return text.format(**values) if values else text


def _fmt(x: float) -> str:
    return f"{x:.1f}" if x != int(x) else str(int(x))


class _Styles:
    """Style ids looked up once per document: python-docx's by-name lookup scans every style per call."""

    def __init__(self, b: DocxBuilder):
        self.ids = {st.name: st.style_id for st in b.doc.styles}

    def apply(self, paragraph, name: str) -> None:
        sid = self.ids.get(name)
        if sid is None:
            return
        ppr = paragraph._p.get_or_add_pPr()
        ps = ppr.find(qn("w:pStyle"))
        if ps is None:
            ps = OxmlElement("w:pStyle")
            ppr.insert(0, ps)
        ps.set(qn("w:val"), sid)


def _table(
    b: DocxBuilder,
    st: _Styles,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    highlight: Sequence[int] = (),
    cells_marked: frozenset = frozenset(),
) -> None:
    """The house table look (navy header, stripes, highlighted rows or cells) without per-cell style scans."""
    t = b._table(len(rows) + 1, len(header))
    marked = set(highlight)
    docx_xml.repeat_header(t.rows[0])
    for r, values in enumerate([header, *rows]):
        row = t.rows[r]
        docx_xml.cant_split(row)
        cells = row.cells  # python-docx rebuilds this list on every access
        for c, text in enumerate(values):
            cell = cells[c]
            head = r == 0
            if head:
                docx_xml.shade(cell, HEAD_FILL)
            elif r - 1 in marked or (r - 1, c) in cells_marked:
                docx_xml.shade(cell, HIGHLIGHT_FILL)
            elif r % 2 == 0:
                docx_xml.shade(cell, STRIPE_FILL)
            para = cell.paragraphs[0]
            st.apply(para, "BC Table Head" if head else "BC Table Text")
            if numeric[c]:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            b.run(
                para,
                text,
                bold=head or (r - 1 in marked) or (r - 1, c) in cells_marked,
                color="FFFFFF" if head else None,
            )
    b._set_widths(t, [list(header), *[list(v) for v in rows]])


def _para(b: DocxBuilder, st: _Styles, style: str | None = None):
    p = b.doc.add_paragraph()
    if style:
        st.apply(p, style)
    return p


def write_sheet(
    b: DocxBuilder, s: PersonalSheet, ctx: SheetContext, new_page: bool = False
) -> None:
    """One sheet into an open document (from a new page when `new_page`)."""
    lang = ctx.lang
    st = _Styles(b)
    title = _para(b, st, "Title")
    title.paragraph_format.page_break_before = new_page
    b.run(title, _w("title", lang))
    b.run(_para(b, st, "Subtitle"), ctx.course_title)
    colon = "：" if lang == "zh" else ": "
    for pairs in (
        (
            (_w("name", lang), s.name),
            (_w("id", lang), s.participant_id),
            (_w("branch", lang), s.branch_id or "—"),
        ),
        ((_w("form", lang), s.form), (_w("date", lang), ctx.date)),
    ):
        p = _para(b, st, "BC Cover Meta")
        for k, (label, value) in enumerate(pairs):
            b.run(p, ("　　" if k else "") + label + colon, color="6B7785")
            b.run(p, value, bold=True)
    p = _para(b, st)
    p.paragraph_format.space_before = None
    b.run(p, f"{_w('score', lang)}  ", size=14)
    b.run(p, f"{s.percent:.1f}%", bold=True, size=20, color="1F3B5C")
    b.run(p, f"   {_w('rank', lang, rank=s.rank, of=s.of)}   ", size=12, color="6B7785")
    b.run(
        p,
        _w("pass" if s.passed else "fail", lang),
        bold=True,
        size=14,
        color="2E7D5B" if s.passed else "B5473A",
    )
    rows = [
        [sec.title, str(sec.items), _fmt(sec.points), f"{sec.points / sec.items * 100:.0f}%"]
        for sec in s.sections
    ]
    b.run(_para(b, st, "BC Caption"), _w("sections", lang), bold=True)
    _table(
        b,
        st,
        [_w("section", lang), _w("items", lang), _w("points", lang), _w("rate", lang)],
        rows,
        [False, True, True, True],
    )
    b.run(_para(b, st, "BC Caption"), _w("answers", lang), bold=True)
    for start in range(0, len(s.items), ITEMS_PER_ROW):
        block = s.items[start : start + ITEMS_PER_ROW]
        header = [_w("no", lang)] + [str(i.number) for i in block]
        rows = [
            [_w("item", lang)] + [i.item_id for i in block],
            [_w("given", lang)]
            + [i.given or (f"{i.invalid}?" if i.invalid else "—") for i in block],
            [_w("key", lang)] + [i.key for i in block],
            [_w("credit", lang)] + [_fmt(i.credit) for i in block],
        ]
        wrong = frozenset((r, c + 1) for c, i in enumerate(block) if i.credit < 1 for r in (1, 3))
        _table(b, st, header, rows, [False] * len(header), cells_marked=wrong)
        _para(b, st).paragraph_format.space_after = None
    note = rword(f"rule_{ctx.rule}", lang) + " " + _w("pass_mark", lang, mark=_fmt(ctx.pass_mark))
    b.run(_para(b, st, "BC Source"), note)
    b.run(_para(b, st), _w("sign", lang))


def _document(ctx: SheetContext) -> DocxBuilder:
    return DocxBuilder(lang=ctx.lang)


def _finish(b: DocxBuilder, ctx: SheetContext, title: str) -> bytes:
    b.header_footer({"title": ctx.course_title, "confidentiality": ""})
    set_core_properties(b.doc, {"title": title, "lang": ctx.lang, "date": ctx.date})
    return b.save()


def sheet_bytes(sheet: PersonalSheet, ctx: SheetContext) -> bytes:
    """The .docx of one participant's sheet."""
    b = _document(ctx)
    write_sheet(b, sheet, ctx)
    return _finish(b, ctx, f"{_w('title', ctx.lang)} {sheet.name}")


def merged_bytes(sheets: Sequence[PersonalSheet], ctx: SheetContext) -> bytes:
    """All sheets in one .docx, each from a new page, for printing."""
    b = _document(ctx)
    for k, s in enumerate(sheets):
        write_sheet(b, s, ctx, new_page=k > 0)
    return _finish(b, ctx, _w("title", ctx.lang))


def sheet_file_name(sheet: PersonalSheet) -> str:
    """`score_sheet_<participant_id>.docx`, the id made file-name safe (names never go into paths)."""
    return f"score_sheet_{_SAFE.sub('-', sheet.participant_id).strip('-') or 'participant'}.docx"


def write_score_sheets(
    sheets: Sequence[PersonalSheet], out_dir: str | Path, ctx: SheetContext
) -> list[Path]:
    """One .docx per participant plus `score_sheets_all.docx`; every file rendered before any is written."""
    out = Path(out_dir)
    rendered = {sheet_file_name(s): sheet_bytes(s, ctx) for s in sheets}
    if len(rendered) != len(sheets):
        raise ValueError(
            "two participants' ids give the same file name; make participant ids distinct"
        )
    rendered["score_sheets_all.docx"] = merged_bytes(sheets, ctx)
    return [atomic_write(out / name, data) for name, data in rendered.items()]


def write_class_sheets(
    responses: str | Path,
    course: str | Path,
    out_dir: str | Path,
    *,
    quiz_size: int = 20,
    seeds: str | int = "1",
    rule: str = "all_or_nothing",
    lang: str = "zh",
    pass_mark: float = 60.0,
    date: str | None = None,
) -> list[Path]:
    """Score a class's export and write every participant's sheet plus the merged file.

    Raises `DataProblems` (unreadable export), `DocumentError` (bad course or bank) or
    `ValueError` (bad seeds, size or rule) before anything is written.
    """
    import datetime as dt

    from branch_consult.training.handout import load_course_and_bank
    from branch_consult.training.quiz import forms_for
    from branch_consult.training.responses import read_responses_file
    from branch_consult.training.results import analyse_quiz
    from branch_consult.training.score_sheets import personal_sheets

    c, bank = load_course_and_bank(course)
    forms = forms_for(bank, quiz_size, seeds)
    results = analyse_quiz(read_responses_file(responses), bank, forms, rule=rule)  # type: ignore[arg-type]
    sheets = personal_sheets(results, bank, c, pass_mark)
    ctx = SheetContext(c.title, date or dt.date.today().isoformat(), rule, pass_mark, lang)
    return write_score_sheets(sheets, out_dir, ctx)
