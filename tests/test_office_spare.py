"""A spare LibreOffice lays a document out as a cold start does, and leaves nothing running."""

from __future__ import annotations

import io

import psutil
import pytest
from docx import Document

from branch_consult.export import office

pytestmark = [pytest.mark.office, pytest.mark.slow]


def _docx() -> bytes:
    doc = Document()
    for i in range(1, 4):
        doc.add_heading(f"Section {i}", 1)
        for _ in range(40):
            doc.add_paragraph("Branch deposits grew while the peers' fell. " * 4)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _spares() -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if any("--accept=pipe,name=bc-office-" in part for part in proc.info["cmdline"] or []):
            found.append(proc)
    return found


def test_a_conversion_on_the_spare_gives_the_cold_layout_and_the_spare_is_renewed():
    data = _docx()
    cold = office.pdf_outline(office.docx_to_pdf(data))  # spares off: as `run` converts
    assert [title for title, _ in cold] == ["Section 1", "Section 2", "Section 3"]
    office.keep_spare(True)
    try:
        office.docx_to_pdf(data)  # converts cold, then starts the spare for the next one
        spare = office._SPARES["spare"]
        assert spare is not None and spare.ready(60)
        warm = office.pdf_outline(office.docx_to_pdf(data))  # handed to the running spare
        assert warm == cold and spare.proc.returncode == 0  # it converted, then exited by itself
        assert office._SPARES["spare"] is not spare and not spare.work.exists()
    finally:
        office.keep_spare(False)
    assert not _spares()
