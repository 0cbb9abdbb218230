"""Every corpus notebook converts to Word and HTML with the images and tables it shows,
errors reported rather than delivered; LibreOffice opens every .docx, Chromium renders
every .html."""

from __future__ import annotations

import io
import logging
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import docx
import nbformat
import pytest
from docx.oxml.ns import qn

from branch_consult.export.docx_exporter import notebook_to_docx
from tests.export.test_docx_exporter import FakeRenderer

HERE = Path(__file__).parent
NOTEBOOKS = sorted(HERE.glob("*.ipynb"))
NAMES = [p.stem for p in NOTEBOOKS]
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def _html(path: Path) -> str:
    from nbconvert.exporters import export

    from branch_consult.export.html_exporter import ConsultHTMLExporter

    body, _ = export(
        ConsultHTMLExporter(), str(path), resources={"metadata": {"path": str(path.parent)}}
    )
    return body


@pytest.fixture(scope="module")
def converted():
    out = {}
    for path in NOTEBOOKS:
        out[path.stem] = (notebook_to_docx(path, renderer=FakeRenderer()), _html(path))
    return out


def _expect(name: str) -> dict:
    return nbformat.read(HERE / f"{name}.ipynb", as_version=4).metadata["corpus"]


def _docx_counts(data: bytes) -> tuple[int, int, int]:
    d = docx.Document(io.BytesIO(data))
    body = d.element.body
    images = len(body.findall(".//" + qn("pic:pic")))
    tables = len(body.findall(qn("w:tbl")))
    formulas = len(body.findall(f".//{{{M_NS}}}oMath"))
    return images, tables, formulas


class _Counter(HTMLParser):
    """Images, tables and formulas of the report body (script text is not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.counts = {"images": 0, "tables": 0, "math": 0}
        self.svg_depth = 0
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "section" and "bc-body" in cls:
            self.in_body = True
        if not self.in_body:
            return
        if tag == "svg":
            self.svg_depth += 1
            if self.svg_depth == 1:
                self.counts["images"] += 1
        elif tag == "img" or (tag == "div" and "bc-plotly" in cls):
            self.counts["images"] += 1
        elif tag == "table":
            self.counts["tables"] += 1
        elif tag == "math":
            self.counts["math"] += 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg_depth -= 1
        elif tag == "section":
            self.in_body = False


def _html_counts(text: str) -> dict:
    counter = _Counter()
    counter.feed(text)
    return counter.counts


def test_the_corpus_is_there():
    assert {"dataframes", "text_and_errors", "images", "math", "structure", "chinese_notes"} <= set(
        NAMES
    )


@pytest.mark.parametrize("name", NAMES)
def test_images_and_tables_counted_against_the_notebook(converted, name):
    expect = _expect(name)
    data, html = converted[name]
    images, tables, formulas = _docx_counts(data)
    assert (images, tables) == (expect["images"], expect["tables"])
    counts = _html_counts(html)
    assert (counts["images"], counts["tables"]) == (expect["images"], expect["tables"])
    if "math" in expect:
        assert formulas == expect["math"] and counts["math"] == expect["math"]


@pytest.mark.parametrize("name", ["text_and_errors"])
def test_errors_are_reported_not_delivered_and_text_is_monospaced(converted, name, caplog):
    expect = _expect(name)
    with caplog.at_level(logging.WARNING, logger="branch_consult.export"):
        data = notebook_to_docx(HERE / f"{name}.ipynb", renderer=FakeRenderer())
    assert any(
        "ZeroDivisionError" in r.getMessage() and "left out" in r.getMessage()
        for r in caplog.records
    )
    d = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in d.paragraphs)
    html = converted[name][1]
    for absent in expect["absent"]:
        assert absent not in text and absent not in html
    for present in expect["present"]:
        assert present in text and present in html
    code = [p.text for p in d.paragraphs if p.style.name == "BC Code"]
    assert "total deposits: 1,234,567" in code
    assert any(
        p.text.startswith("Raw markdown") for p in d.paragraphs
    )  # a raw markdown cell rendered


def test_invalid_image_is_skipped_with_a_warning_naming_the_cell(caplog):
    with caplog.at_level(logging.WARNING, logger="branch_consult.export"):
        notebook_to_docx(HERE / "images.ipynb", renderer=FakeRenderer())
    assert any(
        "broken" in r.getMessage() and "not a valid image" in r.getMessage() for r in caplog.records
    )


def test_nested_lists_keep_their_depth_and_rules_are_drawn(converted):
    d = docx.Document(io.BytesIO(converted["structure"][0]))
    levels = []
    for p in d.paragraphs:
        ilvl = p._p.find(".//" + qn("w:ilvl"))
        if ilvl is not None:
            levels.append(int(ilvl.get(qn("w:val"))))
    assert max(levels) == 3 and levels.count(0) >= 3
    assert (
        len(d.element.body.findall(".//" + qn("w:pBdr"))) >= 2
    )  # the title rule and the markdown rule


@pytest.mark.parametrize(
    "name, lang, contents", [("structure", "en", "Contents"), ("chinese_notes", "zh", "目录")]
)
def test_notebook_without_our_metadata_gets_a_cover_in_its_language(
    converted, name, lang, contents
):
    expect = _expect(name)
    data, html = converted[name]
    d = docx.Document(io.BytesIO(data))
    assert d.core_properties.title == expect["title"]
    assert any(p.text == contents for p in d.paragraphs)
    assert f"bc-lang-{lang}" in html and f'class="bc-cover-title">{expect["title"]}<' in html
    assert (
        f'>{expect["title"]}<a class="anchor-link"' not in html
    )  # the title heading is not repeated


@pytest.mark.office
def test_libreoffice_opens_every_docx(converted, tmp_path):
    for name, (data, _) in converted.items():
        (tmp_path / f"{name}.docx").write_bytes(data)
    docs = sorted(str(p) for p in tmp_path.glob("*.docx"))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *docs,
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    for name in converted:
        pdf = tmp_path / f"{name}.pdf"
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), name
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert (
            int(next(ln.split()[-1] for ln in pages.splitlines() if ln.startswith("Pages:"))) >= 2
        )


@pytest.mark.browser
def test_chromium_renders_every_html(converted, tmp_path, chromium):
    page = chromium.new_page()
    for name, (_, html) in converted.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert errors == [], name
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0).length"
        )
        assert broken == 0, name
        if name == "math":  # MathML laid out by the browser: formulas have a real size
            height = page.evaluate(
                "Math.max(...[...document.querySelectorAll('math')].map(m => m.getBoundingClientRect().height))"
            )
            assert height > 10
    page.close()


def test_docx_is_a_valid_package(converted):
    for data, _ in converted.values():
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_html_that_is_not_a_table_keeps_its_text_and_a_dataframe_keeps_its_cells():
    from branch_consult.display import Table
    from branch_consult.export.items import Preformatted, output_items

    [item] = output_items(
        {
            "output_type": "display_data",
            "data": {"text/html": "<div><b>Done</b><br>3 files<script>alert(1)</script></div>"},
        }
    )
    assert item == Preformatted("Done\n3 files")
    [table] = output_items(
        {
            "output_type": "execute_result",
            "execution_count": 1,
            "data": {
                "text/html": "<table><thead><tr><th></th><th colspan='2'>2026</th></tr><tr><th></th><th>Q1</th>"
                "<th>Q2</th></tr></thead><tbody><tr><th>B1</th><td>1</td><td>2</td></tr></tbody></table>"
            },
        }
    )
    assert isinstance(table, Table)
    assert [c.label for c in table.columns] == ["", "2026 / Q1", "2026 / Q2"] and table.rows == [
        ["B1", "1", "2"]
    ]
    assert table.numeric_columns("en") == [False, True, True]
