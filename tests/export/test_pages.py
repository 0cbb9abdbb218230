"""Pages of the Word deliverable: breaks, contents page numbers, East Asian settings, PDF (issue 10)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import docx
import nbformat
import pytest
from docx.oxml.ns import qn

from branch_consult.export import office
from branch_consult.export.docx_builder import DocxBuilder
from branch_consult.export.docx_exporter import notebook_to_docx
from branch_consult.export.docx_reference import DEFAULT_PATH
from branch_consult.export.html_exporter import notebook_to_html
from branch_consult.export.toc_pages import PLACEHOLDER, heading_pages

ROOT = Path(__file__).resolve().parents[2]
HAS_OFFICE = office.find_office() is not None


def _report(
    sections: int = 4, paragraphs: int = 14, title: str = "城西支行网点诊断报告"
) -> nbformat.NotebookNode:
    """A report long enough to span pages: each section a heading and some text."""
    cells = []
    for i in range(sections):
        body = "\n\n".join(
            f"第{i + 1}部分第{j + 1}段：存款余额 12.3 万元，等候 12.3分钟。" * 6
            for j in range(paragraphs)
        )
        cells.append(
            nbformat.v4.new_markdown_cell(
                f"## 第{i + 1}节 Section {i + 1}\n\n{body}",
                metadata={"tags": ["page-break"]} if i == 2 else {},
            )
        )
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["branch_consult"] = {"title": title, "lang": "zh", "date": "2026-11-29"}
    return nb


def _body(data: bytes):
    return docx.Document(io.BytesIO(data))


# -- page breaks ------------------------------------------------------------------------


def test_page_break_starts_the_next_paragraph_on_a_new_page_without_a_break_paragraph():
    b = DocxBuilder(lang="zh")
    b.paragraph().add_run("first page")
    b.page_break()
    second = b.paragraph()
    second.add_run("second page")
    xml = b.doc.element.body.xml
    assert 'w:type="page"' not in xml  # no paragraph holding a break (it makes blank pages)
    assert second.paragraph_format.page_break_before is True
    assert len(b.doc.paragraphs) == 2


def test_page_break_before_a_table_is_carried_by_an_anchor_paragraph_and_at_the_end_adds_nothing():
    b = DocxBuilder(lang="zh")
    b.paragraph().add_run("text")
    b.page_break()
    b._table(1, 1)
    anchor = b.doc.paragraphs[-1]
    assert anchor.paragraph_format.page_break_before is True
    b.page_break()  # nothing follows: no empty page
    assert 'w:type="page"' not in b.doc.element.body.xml
    assert sum(1 for p in b.doc.paragraphs if p.paragraph_format.page_break_before) == 1


def test_exported_report_has_no_break_paragraphs_only_pages_started_by_headings():
    d = _body(notebook_to_docx(_report()))
    assert 'w:type="page"' not in d.element.body.xml
    starts = [p for p in d.paragraphs if p.paragraph_format.page_break_before]
    # the contents page (after the cover), the first section (after the contents), the tagged section
    assert [p.style.name for p in starts] == ["TOC Heading", "Heading 1", "Heading 1"]
    assert starts[2].text.startswith("第3节")


def test_diagnostic_starts_only_its_major_parts_on_a_new_page():
    nb = json.loads((ROOT / "playbooks" / "branch_diagnostic.ipynb").read_text(encoding="utf-8"))
    breaking = [
        "".join(c["source"]) for c in nb["cells"] if "page-break" in c["metadata"].get("tags", [])
    ]
    assert breaking == ["reports.show(reports.action_plan(d))"]


# -- East Asian language and spacing ------------------------------------------------------


@pytest.mark.parametrize("source", ["reference", "export"])
def test_east_asian_language_is_simplified_chinese_without_auto_spacing(source):
    d = (
        docx.Document(str(DEFAULT_PATH))
        if source == "reference"
        else _body(notebook_to_docx(_report(1, 1)))
    )
    theme = d.settings.element.find(qn("w:themeFontLang"))
    assert theme.get(qn("w:eastAsia")) == "zh-CN"
    defaults = d.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    assert "ja-JP" not in d.settings.element.xml + d.styles.element.xml
    for ppr in (
        defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")),
        d.styles["Normal"].element.pPr,
    ):
        for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
            assert ppr.find(qn(tag)).get(qn("w:val")) == "0"
    fonts = (
        d.styles.element.find(qn("w:docDefaults"))
        .find(qn("w:rPrDefault"))
        .find(qn("w:rPr"))
        .find(qn("w:rFonts"))
    )
    assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"


# -- contents page numbers -------------------------------------------------------------

HEADINGS = [(1, "1", "概况 Overview"), (2, "1.1", "存款 Deposits"), (1, "2", "行动计划")]


def test_heading_pages_follow_the_bookmarks_in_document_order():
    outline = [
        ("1 概况  Overview", 3),
        ("1.1 存款 Deposits", 4),
        ("概况 Overview", 5),
        ("2 行动计划", 9),
    ]
    assert heading_pages(outline, HEADINGS) == [3, 4, 9]
    unnumbered = [
        ("概况 Overview", 3),
        ("存款 Deposits", 3),
        ("行动计划", 7),
    ]  # a firm's reference without numbering
    assert heading_pages(unnumbered, HEADINGS) == [3, 3, 7]


def test_heading_pages_none_when_a_heading_is_missing_or_out_of_order():
    assert heading_pages([("1 概况 Overview", 3), ("2 行动计划", 5)], HEADINGS) is None
    assert (
        heading_pages(
            [("2 行动计划", 3), ("1 概况 Overview", 4), ("1.1 存款 Deposits", 4)], HEADINGS
        )
        is None
    )
    assert heading_pages([], HEADINGS) is None


def test_contents_entries_carry_a_placeholder_then_set_pages_opens_clean():
    b = DocxBuilder(lang="zh")
    b.cover({"title": "T"})
    b.toc()
    for level, number, text in HEADINGS:
        b.headings.append((level, number, text))
    b.finish_toc()
    entries = [
        p
        for p in b.doc.paragraphs
        if p.style.name.startswith("TOC ") and p.style.name != "TOC Heading"
    ]
    assert [p.text for p in entries] == [f"{n}\t{t}\t{PLACEHOLDER}" for _l, n, t in HEADINGS]
    tab = entries[0].paragraph_format.tab_stops[-1]
    assert (tab.alignment.name, tab.leader.name) == ("RIGHT", "DOTS")
    assert b.doc.settings.element.find(qn("w:updateFields")) is not None
    b.set_toc_pages([3, 4, 9])
    assert [p.text.rsplit("\t", 1)[1] for p in entries] == ["3", "4", "9"]
    assert b.doc.settings.element.find(qn("w:updateFields")) is None
    assert 'w:dirty="true"' not in entries[0]._p.xml


def test_without_libreoffice_the_contents_fall_back_to_word_updating_with_a_warning(
    monkeypatch, caplog
):
    monkeypatch.setenv("BRANCH_CONSULT_SOFFICE", "")
    d = _body(notebook_to_docx(_report(2, 2), toc_pages=True))
    assert d.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    assert any(
        "contents page numbers not filled" in r.getMessage() and "LibreOffice" in r.getMessage()
        for r in caplog.records
    )


@pytest.mark.office
@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice not installed")
def test_contents_page_numbers_match_the_pdf_and_word_opens_clean():
    data = notebook_to_docx(_report(), toc_pages=True)
    d = _body(data)
    assert d.settings.element.find(qn("w:updateFields")) is None
    entries = [p.text for p in d.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    pages = [int(e.rsplit("\t", 1)[1]) for e in entries]
    assert pages[0] == 3  # cover, contents, then the first section
    assert pages == sorted(pages) and pages[2] > pages[1]  # the tagged section starts a new page
    pdf = office.docx_to_pdf(data)
    texts = office.pdf_page_texts(pdf)
    for entry, page in zip(entries, pages, strict=True):
        _number, text, _ = entry.split("\t")
        assert text.replace(" ", "") in texts[page - 1].replace(" ", "").replace("\n", "")
    assert [page for _title, page in office.pdf_outline(pdf)] == pages
    assert "...00" not in texts[1]  # the contents page shows numbers, not the placeholder


# -- PDF ---------------------------------------------------------------------------------


@pytest.mark.office
@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice not installed")
def test_two_pdf_conversions_run_at_once_without_colliding():
    data = [notebook_to_docx(_report(2, 3, title=f"报告 {i}")) for i in range(2)]
    results: dict[int, bytes | BaseException] = {}

    def convert(i: int) -> None:
        try:
            results[i] = office.docx_to_pdf(data[i])
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion below
            results[i] = exc

    threads = [threading.Thread(target=convert, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for i in range(2):
        pdf = results[i]
        assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF"), pdf
        assert f"报告{i}" in "".join(office.pdf_page_texts(pdf)).replace(" ", "")


def test_pdf_without_libreoffice_is_one_clear_line_and_exit_2(tmp_path):
    env = {**os.environ, "BRANCH_CONSULT_SOFFICE": ""}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "branch_consult.cli",
            "run",
            "branch_diagnostic",
            "--formats",
            "docx,pdf",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip() and "sample" not in line]
    assert len(lines) == 1 and "LibreOffice" in lines[0] and "Traceback" not in done.stderr
    assert not any(tmp_path.iterdir())


def test_pdf_is_a_registered_format():
    from branch_consult.run import EXPORTERS

    assert EXPORTERS["pdf"][0] == "pdf"


# -- HTML ---------------------------------------------------------------------------------


def test_html_title_is_the_report_title():
    html = notebook_to_html(_report(1, 1, title="城西支行网点诊断报告 <2026-10>"))
    assert "<title>城西支行网点诊断报告 &lt;2026-10&gt;</title>" in html
    assert "<title>Notebook</title>" not in html


def test_layout_copy_swaps_pictures_for_one_pixel_and_keeps_everything_else():
    import zipfile

    from branch_consult.export.toc_pages import TINY_PNG, layout_copy

    b = DocxBuilder(lang="en")
    b.paragraph().add_run("a picture follows")
    b.picture((ROOT / "tests" / "corpus" / "corpus_figure.png").read_bytes(), width_emu=3_000_000)
    full = b.save()
    cheap = layout_copy(full)
    zf, zc = zipfile.ZipFile(io.BytesIO(full)), zipfile.ZipFile(io.BytesIO(cheap))
    assert zf.namelist() == zc.namelist()
    media = [n for n in zf.namelist() if n.startswith("word/media/")]
    assert media and all(zc.read(n) == TINY_PNG for n in media)
    assert all(zf.read(n) == zc.read(n) for n in zf.namelist() if n not in media)
    assert len(cheap) < len(full)
    from PIL import Image

    with Image.open(io.BytesIO(TINY_PNG)) as tiny:
        tiny.load()  # a valid PNG, not only a header
        assert tiny.size == (1, 1)


@pytest.mark.slow
@pytest.mark.office
@pytest.mark.skipif(not HAS_OFFICE, reason="LibreOffice not installed")
def test_layout_copy_finds_the_same_heading_pages_as_the_full_diagnostic(tmp_path):
    """The sample's diagnostics (B001, B003, B005, zh and en), laid out in full and cheaply."""
    from branch_consult.export.toc_pages import layout_copy
    from branch_consult.run import run_playbook
    from branch_consult.warm_kernel import WarmKernel

    kernel = WarmKernel()
    try:
        for branch in ("B001", "B003", "B005"):
            for lang in ("zh", "en"):
                result = run_playbook(
                    "branch_diagnostic",
                    out_dir=tmp_path / f"{branch}-{lang}",
                    params={"branch_id": branch},
                    lang=lang,
                    formats=["docx"],
                    kernel=kernel,
                )
                data = result.outputs["docx"].read_bytes()
                full = office.pdf_outline(office.docx_to_pdf(data))
                cheap = office.pdf_outline(office.docx_to_pdf(layout_copy(data)))
                assert len(full) > 8
                assert cheap == full, (branch, lang)
                entries = [
                    p.text for p in _body(data).paragraphs if p.style.name.startswith("TOC ")
                ]
                shown = [int(e.rsplit("\t", 1)[1]) for e in entries if "\t" in e]
                assert shown == [page for _title, page in full], (branch, lang)
    finally:
        kernel.close()
