"""Word exporter: a small executed-notebook fixture exported and read back."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import nbformat
import pytest
from docx.oxml.ns import qn

from branch_consult import charts
from branch_consult.display import Callout, Figure, Finding, Scorecard, Table, Tile
from branch_consult.export.docx_exporter import notebook_to_docx
from branch_consult.export.docx_properties import read_custom_properties

NASTY = '<script>alert("x")</script>\n"quoted"\x07'

MARKDOWN = """# 1. 网点概况 Overview

本报告诊断 **城西支行** 的存款与客户经营，*数据截至* `2026-10`。See [the method](https://example.com/method).

## 存款 Deposits

- 存款余额同比增长
- Core customers grew

1. 先认领高价值客户
2. Then follow up monthly

| 指标 | 本网点 | 同业中位数 |
|:---|---:|---:|
| 存款（万元） | 8,500 | 9,100 |
| 手机银行渗透率 | 18% | 27% |
"""


class FakeRenderer:
    """A renderer that returns a fixed PNG: keeps the fast tests free of Chromium."""

    def __init__(self) -> None:
        self.calls = 0

    def to_png(self, fig, width=900, height=450, scale=2.0) -> bytes:
        import base64

        self.calls += 1
        # 1x1 white PNG
        return base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
        )


def _output(obj) -> nbformat.NotebookNode:
    bundle = obj._repr_mimebundle_()
    return nbformat.v4.new_output("display_data", data=bundle)


def make_notebook(lang: str = "zh") -> nbformat.NotebookNode:
    table = Table.from_frame(
        __import__("pandas").DataFrame(
            {
                "branch": ["城东支行", NASTY, "城西支行"],
                "deposits": [120_000_000.0, None, 85_000_000.0],
                "mobile": [0.31, 0.27, 0.18],
            }
        ),
        caption="同业存款对比 Peer deposits",
        formats={"deposits": "wan", "mobile": "pct1"},
        labels={"branch": "网点", "deposits": "存款", "mobile": "手机银行渗透率"},
        source="核心系统 core banking",
        highlight=lambda r: r["branch"] == "城西支行",
    )
    fig = charts.bar_chart(
        ["城东支行", "城西支行", "江北支行"],
        [1.2e8, 8.5e7, 6.1e7],
        title="各网点存款",
        value_title="存款",
        value_format="wan",
        highlight="城西支行",
    )
    cells = [
        nbformat.v4.new_code_cell("branch = 'B01'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_markdown_cell(MARKDOWN),
        nbformat.v4.new_code_cell(
            "display(table)",
            outputs=[
                _output(table),
                nbformat.v4.new_output("stream", name="stderr", text="DEBUG should not appear"),
                nbformat.v4.new_output("stream", name="stdout", text="printed output shows"),
            ],
        ),
        nbformat.v4.new_code_cell(
            "display(fig)",
            metadata={"tags": ["page-break", "remove-input"]},
            outputs=[_output(Figure(fig=fig, caption="各网点存款余额", source="OCRM"))],
        ),
        nbformat.v4.new_code_cell(
            "findings",
            outputs=[
                _output(
                    Finding(
                        severity="high",
                        title="大客户资金流出",
                        evidence="前十大客户存款减少 1,200 万元",
                        action="客户经理本周逐户走访",
                        subject=NASTY,
                    )
                ),
                _output(
                    Finding(
                        severity="low",
                        title="Lobby wait time",
                        evidence="Peak waits 18 min",
                        action="Open a second counter at 11:00",
                    )
                ),
                _output(
                    Scorecard(
                        caption="关键指标 KPIs",
                        tiles=[
                            Tile(label="存款", value=85_000_000, format="wan", status="amber"),
                            Tile(
                                label="认领覆盖率",
                                value=0.62,
                                format="pct0",
                                status="red",
                                note="目标 90%",
                            ),
                            Tile(label="等候时间", value=12.3, format="min1", status="green"),
                        ],
                    )
                ),
                _output(Callout(style="warning", title="注意", text="数据为样例 sample data")),
                nbformat.v4.new_output(
                    "error", ename="ValueError", evalue="boom", traceback=["TRACEBACK"]
                ),
            ],
        ),
        nbformat.v4.new_code_cell(
            "secret()",
            metadata={"tags": ["remove-output"]},
            outputs=[
                _output(Callout(text="HIDDEN-OUTPUT")),
            ],
        ),
        nbformat.v4.new_markdown_cell("HIDDEN-CELL", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_markdown_cell("### 结论 Conclusion\n\nEnd of report."),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["branch_consult"] = {
        "title": "城西支行网点诊断报告",
        "subtitle": "Branch diagnostic 2026-10",
        "client": "示例银行",
        "branch": NASTY,
        "date": "2026-10-31",
        "lang": lang,
        "confidentiality": "内部资料 严格保密",
        "parameters": {"branch_id": "B01", "period": "2026-10"},
        "provenance": {"data_fingerprint": "sha256:abc123", "rows": 1234},
    }
    return nb


@pytest.fixture(scope="module")
def exported() -> tuple[bytes, FakeRenderer]:
    r = FakeRenderer()
    return notebook_to_docx(make_notebook(), renderer=r), r


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_headings_numbered_styles_and_manual_numbers_stripped(exported):
    d = docx.Document(io.BytesIO(exported[0]))
    heads = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert heads == [
        ("Heading 1", "网点概况 Overview"),
        ("Heading 2", "存款 Deposits"),
        ("Heading 3", "结论 Conclusion"),
    ]
    numpr = d.styles["Heading 1"].element.pPr.find(qn("w:numPr"))
    assert numpr is not None


def test_body_lists_links_and_code_hidden(exported):
    data, _ = exported
    d = docx.Document(io.BytesIO(data))
    text = "\n".join(_texts(d))
    assert "本报告诊断 城西支行 的存款与客户经营" in text
    bold = [r.text for p in d.paragraphs for r in p.runs if r.bold]
    assert "城西支行" in bold
    styles = {p.style.name for p in d.paragraphs}
    assert {"List Bullet", "List Number", "Title", "Subtitle", "Caption"} <= styles
    xml = d.element.xml
    assert (
        "https://example.com/method"
        in d.part.rels[
            next(k for k, v in d.part.rels.items() if v.reltype.endswith("/hyperlink"))
        ].target_ref
    )
    for hidden in (
        "DEBUG should not appear",
        "TRACEBACK",
        "HIDDEN-OUTPUT",
        "HIDDEN-CELL",
        "display(table)",
        "branch = 'B01'",
    ):
        assert hidden not in xml
    assert 'TOC \\o "1-3"' in xml
    printed = [p for p in d.paragraphs if p.text == "printed output shows"]
    assert printed and printed[0].style.name == "BC Code"  # stdout: a monospaced block (issue 9)
    assert d.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_tables_header_flag_alignment_highlight(exported):
    d = docx.Document(io.BytesIO(exported[0]))
    peer = next(t for t in d.tables if t.cell(0, 0).text == "网点")
    assert [c.text for c in peer.rows[0].cells] == ["网点", "存款", "手机银行渗透率"]
    assert peer.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in peer.rows[1].cells] == ["城东支行", "12,000.0万", "31.0%"]
    nasty = peer.rows[2].cells[0].text
    assert nasty == '<script>alert("x")</script>\n"quoted"' and peer.rows[2].cells[1].text == "–"
    assert peer.rows[1].cells[1].paragraphs[0].alignment == 2  # right
    assert peer.rows[3].cells[0].paragraphs[0].runs[0].bold  # highlighted row
    md = next(t for t in d.tables if t.cell(0, 0).text == "指标")
    assert md.cell(2, 2).text == "27%" and md.cell(2, 2).paragraphs[0].alignment == 2
    captions = [p.text for p in d.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("表 1") and "同业存款对比" in c for c in captions)
    assert any(c.startswith("图 1") and "各网点存款余额" in c for c in captions)
    assert "SEQ Figure" in d.element.xml and "SEQ Table" in d.element.xml


def test_findings_scorecard_callout_figure(exported):
    data, renderer = exported
    d = docx.Document(io.BytesIO(data))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    finding = next(c for c in cells if "大客户资金流出" in c)
    assert (
        "【高】" in finding
        and "依据：前十大客户存款减少 1,200 万元" in finding
        and "建议行动" in finding
    )
    assert any("[低]" in c or "【低】" in c for c in cells if "Lobby wait time" in c)
    assert any("8,500.0万" in c for c in cells) and any(
        "62%" in c and "目标 90%" in c for c in cells
    )
    assert any("数据为样例" in c for c in cells)
    assert renderer.calls == 1 and len(d.inline_shapes) == 1


def test_properties_core_and_custom(exported):
    data, _ = exported
    d = docx.Document(io.BytesIO(data))
    cp = d.core_properties
    assert cp.title == "城西支行网点诊断报告" and cp.subject == "Branch diagnostic 2026-10"
    assert "示例银行" in cp.keywords and cp.created.year == 2026
    custom = read_custom_properties(io.BytesIO(data))
    assert custom["data_fingerprint"] == "sha256:abc123"
    assert '"branch_id": "B01"' in custom["parameters"]
    assert custom["branch_consult_version"]
    assert "\x07" not in custom["branch"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        ct = z.read("[Content_Types].xml").decode()
        rels = z.read("_rels/.rels").decode()
    assert "/docProps/custom.xml" in ct and "custom-properties" in rels


def test_header_footer_and_east_asian_fonts(exported):
    d = docx.Document(io.BytesIO(exported[0]))
    sec = d.sections[0]
    assert "城西支行网点诊断报告" in sec.header.paragraphs[0].text
    assert "严格保密" in sec.header.paragraphs[0].text
    assert sec.different_first_page_header_footer
    footer_xml = sec.footer._element.xml
    assert (
        "NUMPAGES" in footer_xml
        and " PAGE " in footer_xml
        and "第 " in sec.footer.paragraphs[0].text
    )
    fonts = d.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"
    runs = [
        r
        for t in d.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    assert runs and all(
        r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Noto Sans CJK SC" for r in runs
    )
    assert abs(sec.page_width.cm - 21.0) < 0.01 and abs(sec.page_height.cm - 29.7) < 0.01


def test_english_labels_and_missing_reference():
    data = notebook_to_docx(make_notebook("en"), renderer=FakeRenderer())
    d = docx.Document(io.BytesIO(data))
    captions = [p.text for p in d.paragraphs if p.style.name == "Caption"]
    assert any(c.startswith("Figure 1") for c in captions) and any(
        c.startswith("Table 1") for c in captions
    )
    assert any("12,000.0 wan" in c.text for t in d.tables for row in t.rows for c in row.cells)
    with pytest.raises(FileNotFoundError):
        notebook_to_docx(
            make_notebook(), reference="/nonexistent/ref.docx", renderer=FakeRenderer()
        )


def test_custom_reference_document_is_used(tmp_path):
    ref = docx.Document()
    ref.sections[0].header.paragraphs[0].text = "FIRM {{title}}"
    ref.save(tmp_path / "firm.docx")
    data = notebook_to_docx(
        make_notebook(), reference=tmp_path / "firm.docx", renderer=FakeRenderer()
    )
    d = docx.Document(io.BytesIO(data))
    assert (
        d.sections[0].header.paragraphs[0].text == "FIRM 示例银行 · 城西支行网点诊断报告"
    )  # client leads the header


def test_nbconvert_entry_point(tmp_path):
    nb = make_notebook()
    nb.cells = [
        c for c in nb.cells if "Figure" not in str(c.get("outputs", ""))
    ]  # no Chromium here
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    jupyter = Path(sys.executable).with_name("jupyter")
    res = subprocess.run(
        [str(jupyter), "nbconvert", "--to", "consult_docx", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    out = tmp_path / "executed.docx"
    assert out.exists()
    d = docx.Document(str(out))
    assert any(p.text == "存款 Deposits" for p in d.paragraphs)


@pytest.mark.slow
@pytest.mark.office
def test_pdf_via_libreoffice(tmp_path):
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice/poppler not installed")
    data = notebook_to_docx(make_notebook())  # real warm renderer
    src = tmp_path / "report.docx"
    src.write_bytes(data)
    profile = tmp_path / "lo-profile"
    res = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists(), res.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    for expected in (
        "城西支行网点诊断报告",
        "网点概况",
        "Deposits",
        "同业存款对比",
        "12,000.0",
        "大客户资金流出",
        "目录",
        "图 1",
        "内部资料",
    ):
        assert expected in text, expected
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
    assert len([line for line in images.splitlines()[2:] if line.strip()]) >= 1
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 3 <= pages <= 8


# -- column widths ------------------------------------------------------------------------
from branch_consult.export.docx_widths import (  # noqa: E402
    CELL_MARGIN_TWIPS,
    UNIT_TWIPS,
    column_widths,
    longest_word_units,
)

ACTION_PLAN = [
    ["优先级", "专题", "行动", "责任岗位", "完成期限", "跟踪指标"],
    [
        "高",
        "厅堂服务",
        "实行午间错峰就餐与弹性排班，保证午间开足柜台；大堂经理在入口做一级分流，把非现金业务引导至自助设备和手机银行。",
        "大堂经理",
        "2026-11-14",
        "午间中位等候（分钟）",
    ],
    [
        "Medium",
        "Lobby service",
        "Apply three-level triage (entrance, waiting area, counter), open extra counters "
        "at peaks, and staff counters to the queueing model's requirement.",
        "Lobby manager",
        "2026-11-30",
        "Tier",
    ],
]


def test_longest_word_counts_cjk_double_and_keeps_numbers_whole():
    assert longest_word_units("关注") == 4
    assert longest_word_units("Lobby manager") == len("manager")
    assert longest_word_units("2,335.5 – 3,229.4万") == len("2,335.5 – 3,229.4") + 2
    long_zh = "实行午间错峰就餐与弹性排班，保证午间开足柜台"
    assert longest_word_units(long_zh) < 2 * len(long_zh)  # long Chinese text may wrap


def test_column_widths_fit_the_page_and_never_break_a_word():
    total = 9298  # A4 text width in twips
    widths = column_widths(ACTION_PLAN, total)
    assert sum(widths) == total
    for c, width in enumerate(widths):
        word = max(longest_word_units(row[c]) for row in ACTION_PLAN)
        assert width >= word * UNIT_TWIPS + 2 * CELL_MARGIN_TWIPS, (c, width)
    assert widths[2] == max(widths)  # the long text column takes the spare room


def test_column_widths_shrink_proportionally_when_nothing_fits():
    rows = [["x" * 60] * 6]
    widths = column_widths(rows, 9000)
    assert sum(widths) == 9000 and len(set(widths)) == 1


def test_word_tables_use_fixed_content_widths(exported):
    d = docx.Document(io.BytesIO(exported[0]))
    peer = next(t for t in d.tables if t.cell(0, 0).text == "网点")
    tblpr = peer._tbl.tblPr
    assert tblpr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(g.get(qn("w:w"))) for g in peer._tbl.tblGrid.findall(qn("w:gridCol"))]
    sec = d.sections[0]
    assert sum(grid) == int(sec.page_width - sec.left_margin - sec.right_margin) // 635
    # the schema order of tblPr children is kept (Word rejects files that break it)
    tags = [el.tag.split("}")[1] for el in tblpr]
    assert (
        tags.index("tblW")
        < tags.index("tblBorders")
        < tags.index("tblLayout")
        < tags.index("tblCellMar")
    )


# -- outline: contents numbers = body numbers ---------------------------------------------
def _sections_notebook(first_heading: str | None) -> nbformat.NotebookNode:
    md = "## 摘要\n\n### 主要发现\n\n## 同业对标\n\n## 行动计划"
    if first_heading:
        md = first_heading + "\n\n" + md
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(md)])
    nb.metadata["branch_consult"] = {"title": "网点诊断报告", "lang": "zh"}
    return nb


def _word_numbers(d) -> list[tuple[str, str]]:
    """Numbers as Word's multi-level list prints them, counted from the heading styles."""
    counters = [0, 0, 0]
    out = []
    for p in d.paragraphs:
        if p.style.name.startswith("Heading "):
            level = int(p.style.name[-1])
            counters[level - 1] += 1
            counters[level:] = [0] * (3 - level)
            out.append((".".join(map(str, counters[:level])), p.text))
    return out


@pytest.mark.parametrize("first", [None, "# 网点诊断报告"])
def test_toc_numbers_equal_body_numbers(first):
    d = docx.Document(
        io.BytesIO(notebook_to_docx(_sections_notebook(first), renderer=FakeRenderer()))
    )
    body = _word_numbers(d)
    assert body == [("1", "摘要"), ("1.1", "主要发现"), ("2", "同业对标"), ("3", "行动计划")]
    toc = [
        tuple(p.text.split("\t")[:2])
        for p in d.paragraphs
        if p.style.name.startswith("TOC ") and "\t" in p.text
    ]
    assert toc == body
    assert not any(
        p.text == "网点诊断报告" for p in d.paragraphs if p.style.name.startswith("Heading")
    )


def test_word_source_line_prefix_matches_html(exported):
    d = docx.Document(io.BytesIO(exported[0]))
    sources = [p.text for p in d.paragraphs if p.style.name == "BC Source" and p.text]
    assert "来源：核心系统 core banking" in sources and "来源：OCRM" in sources


def test_figure_rendered_for_the_page_width_and_crisp(exported):
    calls = []

    class Recorder(FakeRenderer):
        def to_png(self, fig, width=900, height=450, scale=2.0):
            calls.append((fig, width, height, scale))
            return super().to_png(fig, width, height, scale)

    notebook_to_docx(make_notebook(), renderer=Recorder())
    fig, width, height, scale = calls[0]
    assert width <= 700 and width * scale >= 1800  # ~9 pt chart text, ~300 dpi on A4
    assert "width" not in fig["layout"] and "height" not in fig["layout"]
