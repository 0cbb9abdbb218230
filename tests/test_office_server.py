"""A running LibreOffice (UNO) lays documents out as a cold start does, one after another,
falls back to the cold way when it cannot be used, and leaves nothing running."""

from __future__ import annotations

import io

import psutil
import pytest
from docx import Document

from branch_consult.export import office, office_server

pytestmark = [pytest.mark.office, pytest.mark.slow]

needs_uno = pytest.mark.skipif(
    office_server.uno_python() is None, reason="no Python with LibreOffice's uno module"
)


def _docx(sections: int, paragraphs: int) -> bytes:
    doc = Document()
    for i in range(1, sections + 1):
        doc.add_heading(f"Section {i}", 1)
        for _ in range(paragraphs):
            doc.add_paragraph("Branch deposits grew while the peers' fell. " * 4)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _running() -> list[psutil.Process]:
    """This test process's LibreOffice servers and UNO clients still alive."""
    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if any("bc-officesrv-" in part for part in proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            continue
    return found


TITLES = ["Section 1", "Section 2", "Section 3"]


@needs_uno
def test_documents_laid_out_in_a_row_get_the_pages_of_cold_conversions(monkeypatch):
    documents = [_docx(3, 40), _docx(4, 25), _docx(2, 70)]
    cold = [office.pdf_outline(office.docx_to_pdf(d)) for d in documents]  # as `run` converts
    assert [title for title, _ in cold[0]] == TITLES
    assert len({tuple(pages) for pages in cold}) == 3  # three different layouts
    monkeypatch.setattr(office_server, "CONVERSIONS_PER_OFFICE", 4)
    office_server.keep_office(True)
    try:
        first = office_server._STATE["server"]
        warm = [office.pdf_outline(office.docx_to_pdf(d)) for d in documents + documents]
        assert warm == cold + cold
        assert office_server._STATE["failures"] == 0
        # replaced after 4 documents: the fifth and sixth went to a new office
        assert office_server._STATE["server"] is not first and not first.work.exists()
        assert office_server._STATE["server"].conversions == 2
    finally:
        office_server.keep_office(False)
    assert office_server._STATE["server"] is None
    assert not _running()


@needs_uno
def test_a_dead_office_is_replaced_by_a_cold_conversion(monkeypatch):
    data = _docx(3, 40)
    cold = office.pdf_outline(office.docx_to_pdf(data))
    office_server.keep_office(True)
    try:
        server = office_server._STATE["server"]
        assert server is not None
        for proc in psutil.Process(server.office.pid).children(recursive=True):
            proc.kill()
        server.office.kill()
        outline = office.pdf_outline(office.docx_to_pdf(data))  # converted cold instead
        assert outline == cold and [title for title, _ in cold] == TITLES
        assert office_server._STATE["failures"] == 1 and office_server._STATE["server"] is None
    finally:
        office_server.keep_office(False)
    assert not _running()


def test_without_a_uno_python_conversions_go_the_cold_way(monkeypatch):
    monkeypatch.setenv(office_server.UNO_PYTHON_ENV, "")
    office_server.uno_python.cache_clear()
    try:
        assert office_server.uno_python() is None
        office_server.keep_office(True)
        assert office_server._STATE["server"] is None
        assert office_server.convert_on_server("soffice", b"", 10) is None
    finally:
        office_server.keep_office(False)
        monkeypatch.delenv(office_server.UNO_PYTHON_ENV)
        office_server.uno_python.cache_clear()
