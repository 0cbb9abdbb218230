"""HTML deliverable: cover, contents, tags, offline plotly, escaping; and a real browser check."""

import json
import re

import nbformat
import plotly.graph_objects as go
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from branch_consult.display import Callout, Figure, Table
from branch_consult.export.html_exporter import (
    PLOTLYJS_FILENAME,
    ConsultHTMLExporter,
    notebook_to_html,
    script_json,
    write_shared_plotlyjs,
)

EVIL = 'Bad "branch" </script><script>window.__pwned=1</script>\n\x07<img src=x onerror="window.__pwned=2">'


def _display(obj, tags=()):
    bundle = obj._repr_mimebundle_()
    return new_code_cell(
        "obj", metadata={"tags": list(tags)}, outputs=[new_output("display_data", data=bundle)]
    )


def report_notebook(name: str = "南山支行") -> nbformat.NotebookNode:
    fig = go.Figure(go.Bar(x=[name, "B"], y=[3, 5]))
    cells = [
        new_markdown_cell("## 概览 Overview\n\nIntro text."),
        _display(
            Table(
                caption=f"Branches incl. {name}",
                columns=[
                    {"key": "n", "label": "Branch", "format": "text"},
                    {"key": "d", "label": "Deposits", "format": "wan"},
                ],
                rows=[[name, 12_345_678.0], ["B", None]],
            )
        ),
        _display(Figure(caption=f"Deposits of {name}", source="Sample bank", figure=fig)),
        new_markdown_cell("### Detail"),
        new_code_cell(
            "bare",
            outputs=[
                new_output(
                    "display_data",
                    data={
                        "application/vnd.plotly.v1+json": json.loads(fig.to_json()),
                        "text/plain": "Figure()",
                    },
                )
            ],
            metadata={"tags": ["page-break"]},
        ),
        new_code_cell(
            "internal",
            metadata={"tags": ["remove-cell"]},
            outputs=[new_output("stream", name="stdout", text="SECRET-CELL")],
        ),
        new_code_cell(
            "quiet",
            metadata={"tags": ["remove-output"]},
            outputs=[new_output("stream", name="stdout", text="SECRET-OUTPUT")],
        ),
        new_code_cell("warn", outputs=[new_output("stream", name="stderr", text="SECRET-WARNING")]),
        new_code_cell(
            "SECRET_CODE = 1", outputs=[new_output("stream", name="stdout", text="visible")]
        ),
        _display(Callout(style="warning", title=name, text=f"Check {name}")),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["branch_consult"] = {
        "title": f"Diagnostic {name}",
        "subtitle": "Sub",
        "client": f"Client {name}",
        "branch": name,
        "date": "2026-10-31",
        "lang": "zh",
        "provenance": {
            "version": "0.1.0",
            "data_fingerprint": "0123456789abcdef",
            "finished_at": "2026-10-31T08:00:00Z",
            "playbook": "bank_overview",
        },
    }
    return nb


@pytest.fixture(scope="module")
def html() -> str:
    return notebook_to_html(report_notebook())


def test_cover_toc_and_footer(html):
    assert '<h1 class="bc-cover-title">Diagnostic 南山支行</h1>' in html
    assert "Client 南山支行" in html and "2026-10-31" in html
    toc = re.search(r'<nav[^>]*class="bc-toc".*?</nav>', html, re.S).group(0)
    assert "概览 Overview" in toc and "Detail" in toc and "目录" in toc
    # every contents link points at a heading id that exists in the body
    for href in re.findall(r'href="#([^"]+)"', toc):
        assert f'id="{href}"' in html
    footer = re.search(r'<footer class="bc-footer">.*?</footer>', html, re.S).group(0)
    assert "0.1.0" in footer and "0123456789abcdef" in footer and "2026-10-31T08:00:00Z" in footer
    assert '<html lang="zh">' in html


def test_code_hidden_and_tags_honoured(html):
    for secret in ("SECRET-CELL", "SECRET-OUTPUT", "SECRET-WARNING", "SECRET_CODE"):
        assert secret not in html
    assert "visible" in html
    assert "celltag_page-break" in html


def test_plotly_embedded_once_and_offline(html):
    assert html.count("Plotly.newPlot(") == 2  # library figure + bare plotly bundle
    assert html.count("window.Plotly") >= 2
    assert len(re.findall(r"<script[^>]*\bsrc=", html)) == 0  # no CDN or file references
    assert html.count("plotly.js v") == 1  # the bundle's banner, once
    assert "require.js" not in html


def test_shared_plotlyjs_links_a_file(tmp_path):
    body = notebook_to_html(report_notebook(), plotlyjs="shared")
    assert f'<script type="text/javascript" src="{PLOTLYJS_FILENAME}"></script>' in body
    assert len(body) < 1_000_000
    path = write_shared_plotlyjs(tmp_path)
    assert path.name == PLOTLYJS_FILENAME and path.stat().st_size > 1_000_000


def test_hostile_values_are_inert():
    body = notebook_to_html(report_notebook(EVIL))
    assert "<script>window.__pwned" not in body
    assert "<img src=x" not in body  # the tag survives only as escaped text
    assert "\x07" not in body.split("<body", 1)[1]
    # inside the plotly JSON the closing tag is unicode-escaped
    assert "\\u003c/script\\u003e" in body


def test_script_json_cannot_close_the_script():
    text = script_json({"a": "</script><!-- \u2028"})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- \u2028"}


def test_registered_as_nbconvert_exporter():
    from nbconvert.exporters import get_exporter

    assert get_exporter("consult_html") is ConsultHTMLExporter


@pytest.mark.browser
def test_renders_in_headless_chromium(tmp_path, chromium):
    page_file = tmp_path / "report.html"
    page_file.write_text(notebook_to_html(report_notebook(EVIL)), encoding="utf-8")
    errors: list[str] = []
    page = chromium.new_page(viewport={"width": 1100, "height": 1400})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)
    assert page.locator(".js-plotly-plot").count() == 2
    assert page.locator(".js-plotly-plot .main-svg").count() >= 2
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert EVIL.split("\n")[0] in page.inner_text(".bc-cover-title")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert errors == []


def test_contents_numbered_like_word_and_body_numbered_by_the_same_levels(html):
    toc = re.search(r'<nav[^>]*class="bc-toc".*?</nav>', html, re.S).group(0)
    entries = re.findall(
        r'<li class="bc-toc-l(\d)">.*?<span class="bc-toc-num">([^<]*)</span>([^<]*)</a>', toc
    )
    assert entries == [("1", "1", "概览 Overview"), ("2", "1.1", "Detail")]
    assert "bc-outline-h2" in re.search(r"<body[^>]*>", html).group(0)


def test_source_lines_are_prefixed_in_the_report_language(html):
    assert '<div class="bc-source">来源：Sample bank</div>' in html
    en = notebook_to_html(report_notebook(), lang="en")
    assert '<div class="bc-source">Source: Sample bank</div>' in en


def test_library_objects_rendered_again_in_the_report_language():
    nb = report_notebook()
    for cell in nb.cells:  # simulate a kernel that displayed in English
        for out in cell.get("outputs", []):
            if "text/html" in out.get("data", {}) and "bc-table" in out["data"]["text/html"]:
                out["data"]["text/html"] = "<p>STALE</p>"
    body = notebook_to_html(nb)
    assert "STALE" not in body and "1,234.6万" in body


def test_templates_compiled_once_per_process_give_the_same_report(monkeypatch):
    from branch_consult.export import html_exporter

    monkeypatch.setattr(html_exporter, "_COMPILED_TEMPLATES", {})
    nb = report_notebook()
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    first = notebook_to_html(copy, plotlyjs="shared")  # compiles, keeps the code
    compiled = html_exporter._COMPILED_TEMPLATES[False]._code
    assert any(key for key in compiled) and all(compiled.values())
    kept = dict(compiled)
    second = notebook_to_html(nb, plotlyjs="shared")  # loads the kept code
    uuid = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")
    assert uuid.sub("U", second) == uuid.sub("U", first)
    assert compiled == kept  # nothing compiled again
