"""The index page speaks the items' report language and makes the alarming counts stand out."""

import pytest

from branch_consult.batch import Manifest
from branch_consult.batch.index_page import page_language, render_index


def _manifest(tmp_path, lang):
    manifest = Manifest(tmp_path / "manifest.json", {"data": "bank"})
    manifest.items = {
        "B10": {
            "status": "done",
            "seconds": 84.1234,
            "parameters": {"branch_id": "B10", "lang": lang},
            "outputs": {"html": "B10.html"},
            "summary": {
                "label": "B10 城东支行",
                "findings": {"high": 1, "medium": 0, "low": 2, "info": 0},
                "tiles": {"red": 2, "amber": 0, "green": 5},
                "top_finding": "大量顶级客户无人认领",
            },
        },
        "B2": {
            "status": "failed",
            "seconds": 3.0,
            "parameters": {"branch_id": "B2", "lang": lang},
            "error": "cell 5: ValueError",
            "files": ["B2.failed.ipynb"],
        },
    }
    return manifest


def test_zh_items_get_a_zh_page_with_rounded_seconds_and_marked_counts(tmp_path):
    page = render_index(_manifest(tmp_path, "zh"), title="网点诊断报告")
    assert (
        '<html lang="zh">' in page and "<th>发现·高</th>" in page and "<th>用时（秒）</th>" in page
    )
    assert "共 2 项：1 完成，1 失败。" in page and 'placeholder="筛选"' in page
    assert ">完成</td>" in page and ">失败</td>" in page
    assert '<td class="n alert">1</td>' in page  # one high finding
    assert '<td class="n alert">2</td>' in page  # two red tiles
    assert '<td class="n zero">0</td>' in page and '<td class="n ">2</td>' in page  # low: plain
    assert 'data-v="84.1234">84.1</td>' in page


def test_mixed_or_missing_languages_give_an_english_page(tmp_path):
    manifest = _manifest(tmp_path, "zh")
    manifest.items["B2"]["parameters"]["lang"] = "en"
    assert page_language(manifest) == "en"
    assert page_language(Manifest(tmp_path / "m.json", {})) == "en"
    page = render_index(_manifest(tmp_path, "en"), title="t")
    assert "<th>findings: high</th>" in page and "2 items: 1 done, 1 failed." in page


@pytest.mark.browser
def test_zh_page_sorts_ids_numerically_and_keeps_failed_rows_last_by_count(tmp_path, chromium):
    page_file = tmp_path / "index.html"
    page_file.write_text(render_index(_manifest(tmp_path, "zh"), title="t"), encoding="utf-8")
    page = chromium.new_page()
    page.goto(page_file.as_uri())

    def items():
        return page.eval_on_selector_all(
            "#items tbody tr", "rs => rs.map(r => r.cells[0].textContent)"
        )

    assert items() == ["B2", "B10"]  # numeric from the start: B2 before B10
    page.click("th:has-text('编号')")
    assert items() == ["B2", "B10"]
    page.click("th:has-text('发现·高')")
    assert items() == ["B10", "B2"]  # a count before an empty cell, either direction
    page.click("th:has-text('发现·高')")
    assert items() == ["B10", "B2"]
    page.fill("#q", "城东")
    visible = page.eval_on_selector_all(
        "#items tbody tr", "rs => rs.filter(r => r.style.display !== 'none').length"
    )
    assert visible == 1
    page.close()


def test_data_line_names_the_sample_and_hides_a_database_password(tmp_path):
    from branch_consult.resources import sample_bank_dir

    manifest = _manifest(tmp_path, "zh")
    manifest.header["data"] = str(sample_bank_dir())
    assert "数据：内置合成示例数据（非客户数据）" in render_index(manifest, title="t")
    manifest.header["data"] = "postgresql://consultant:s3cret@db.bank/core"
    page = render_index(manifest, title="t")
    assert "s3cret" not in page and "postgresql://consultant:***@db.bank/core" in page
