"""A class of 40 gives 40 personal sheets and one merged file."""

import io
import zipfile

import docx
import pytest

from branch_consult.export.score_sheets import write_class_sheets
from branch_consult.training.sample_path import sample_responses_path


@pytest.mark.slow
def test_forty_sheets_and_the_merged_file(tmp_path):
    paths = write_class_sheets(
        sample_responses_path(), "service_marketing", tmp_path, seeds="1,2", date="2026-11-29"
    )
    sheets = [p for p in paths if p.name.startswith("score_sheet_")]
    merged = tmp_path / "score_sheets_all.docx"
    assert len(sheets) == 40 and merged in paths and len(paths) == 41
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in paths
    )  # no temp files left
    one = docx.Document(str(tmp_path / "score_sheet_P12.docx"))
    text = "\n".join(p.text for p in one.paragraphs)
    assert "陈婷婷" in text and "55.0%" in text and "第 29 名 / 共 40 人" in text
    cells = [c.text for t in one.tables for row in t.rows for c in row.cells]
    assert "E?" in cells  # P12's invalid option shown as given, scored wrong
    all_doc = docx.Document(str(merged))
    titles = [p for p in all_doc.paragraphs if p.text == "结业成绩单"]
    assert len(titles) == 40
    assert sum(bool(p.paragraph_format.page_break_before) for p in titles) == 39
    with zipfile.ZipFile(io.BytesIO(merged.read_bytes())) as z:
        assert "word/document.xml" in z.namelist()
