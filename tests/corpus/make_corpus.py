"""Writes the exporter corpus: small notebooks, made here, that show what notebooks usually show.

Run `python tests/corpus/make_corpus.py` to regenerate the committed notebooks. Each
notebook's metadata `corpus` says how many images and tables its deliverables must
carry; the outputs are written as Jupyter would have saved them (no kernel needed).
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

HERE = Path(__file__).parent


def _image(fmt: str, size=(60, 30), colour=(31, 59, 92)) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, (255, 255, 255))
    ImageDraw.Draw(img).rectangle([4, 4, size[0] - 5, size[1] - 5], fill=colour)
    buf = io.BytesIO()
    if fmt == "GIF":
        frames = [img, Image.new("RGB", size, colour)]
        frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=200)
    else:
        img.save(buf, fmt)
    return buf.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
    '<rect x="2" y="2" width="116" height="56" fill="#c8102e"/>'
    '<circle cx="60" cy="30" r="18" fill="#ffffff"/></svg>'
)


def _display(data: dict, result: bool = False):
    if result:
        return new_output("execute_result", data=data, execution_count=1)
    return new_output("display_data", data=data)


def dataframes() -> nbformat.NotebookNode:
    import pandas as pd

    df = pd.DataFrame(
        {"branch": ["人民路支行", "Riverside"], "deposits": [1234567.5, 98765.25], "staff": [12, 9]}
    )
    wide = pd.DataFrame(
        [[1, 2, 3, 4]],
        columns=pd.MultiIndex.from_tuples(
            [("2025", "Q1"), ("2025", "Q2"), ("2026", "Q1"), ("2026", "Q2")]
        ),
    )
    resource = json.loads(df.to_json(orient="table", index=False))
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# DataFrames in a report\n\nA DataFrame shown by pandas becomes a real table."
            ),
            new_code_cell(
                "df",
                outputs=[_display({"text/html": df._repr_html_(), "text/plain": repr(df)}, True)],
            ),
            new_markdown_cell("## Two header rows"),
            new_code_cell(
                "wide",
                outputs=[
                    _display({"text/html": wide._repr_html_(), "text/plain": repr(wide)}, True)
                ],
            ),
            new_markdown_cell("## Data resource\n\nThe table-schema form pandas can emit."),
            new_code_cell(
                "df",
                outputs=[
                    _display(
                        {"application/vnd.dataresource+json": resource, "text/plain": repr(df)},
                        True,
                    )
                ],
            ),
            new_markdown_cell(
                "## A table written in HTML\n\n<table><thead><tr><th>Region</th><th>Branches</th></tr>"
                "</thead><tbody><tr><td>North</td><td>4</td></tr><tr><td>South</td><td>8</td></tr>"
                "</tbody></table>\n\nAnd one in pipes:\n\n| a | b |\n|---|--:|\n| x | 1 |\n"
            ),
        ]
    )
    nb.metadata["corpus"] = {"images": 0, "tables": 5}
    return nb


def text_and_errors() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Printed output, results and errors"),
            new_code_cell(
                "print(...)",
                outputs=[
                    new_output(
                        "stream",
                        name="stdout",
                        text="total deposits: 1,234,567\n  of which time: 800,000\n",
                    ),
                    new_output(
                        "stream", name="stderr", text="DeprecationWarning: hidden from readers\n"
                    ),
                ],
            ),
            new_code_cell("3 * 7", outputs=[_display({"text/plain": "21"}, True)]),
            new_code_cell(
                "1 / 0",
                outputs=[
                    new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=["SECRET-TRACEBACK-LINE"],
                    )
                ],
            ),
            new_raw_cell("raw text, shown as it is:\n  indented line"),
            new_raw_cell("**Raw markdown** cell", metadata={"format": "text/markdown"}),
            new_raw_cell(
                "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>",
                metadata={"format": "text/html"},
            ),
            new_markdown_cell("Closing words after a rule.\n\n---\n\nThe end."),
        ]
    )
    nb.metadata["corpus"] = {
        "images": 0,
        "tables": 1,
        "absent": ["SECRET-TRACEBACK-LINE", "hidden from readers"],
        "present": ["total deposits: 1,234,567", "21", "raw text, shown as it is:"],
    }
    return nb


def images() -> nbformat.NotebookNode:
    png, jpeg, gif = (
        _image("PNG"),
        _image("JPEG", colour=(46, 125, 91)),
        _image("GIF", colour=(214, 137, 16)),
    )
    (HERE / "corpus_figure.png").write_bytes(_image("PNG", (80, 40), (120, 40, 160)))
    attach = new_markdown_cell("An attached picture: ![attached](attachment:dot.png)")
    attach.attachments = {"dot.png": {"image/png": _b64(_image("PNG", (40, 40), (200, 16, 46)))}}
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Pictures of every kind"),
            new_code_cell(
                "png", outputs=[_display({"image/png": _b64(png), "text/plain": "<Figure>"})]
            ),
            new_code_cell(
                "jpeg", outputs=[_display({"image/jpeg": _b64(jpeg), "text/plain": "<Figure>"})]
            ),
            new_code_cell(
                "gif", outputs=[_display({"image/gif": _b64(gif), "text/plain": "<Figure>"})]
            ),
            new_code_cell("svg", outputs=[_display({"image/svg+xml": SVG, "text/plain": "<SVG>"})]),
            new_code_cell(
                "broken",
                outputs=[
                    _display(
                        {
                            "image/png": _b64(b"this is not a picture"),
                            "text/plain": "<broken figure>",
                        }
                    )
                ],
            ),
            new_markdown_cell("A picture next to the notebook:\n\n![chart](corpus_figure.png)"),
            attach,
        ]
    )
    nb.metadata["corpus"] = {"images": 6, "tables": 0}
    return nb


def math() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# Formulas\n\nCost per acquisition is $\\mathrm{CPA} = \\frac{\\mathrm{CPC}}{c}$ "
                "where $c$ is the conversion rate, and a price of $5 stays text.\n\n"
                "$$\\mathrm{KR20} = \\frac{k}{k-1}\\left(1 - \\frac{\\sum p_i q_i}{\\sigma^2}\\right)$$"
            ),
            new_code_cell(
                "Math(...)",
                outputs=[
                    _display(
                        {
                            "text/latex": "$$\\sqrt{x_1^2 + x_2^2}$$",
                            "text/plain": "<IPython.core.display.Math object>",
                        }
                    )
                ],
            ),
        ]
    )
    nb.metadata["corpus"] = {"images": 0, "tables": 0, "math": 4}
    return nb


def structure() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Workshop plan\n\nA plain notebook: no metadata of ours."),
            new_markdown_cell(
                "## Steps\n\n1. Prepare\n   1. Book the room\n      1. Check the projector\n"
                "         1. Bring a spare cable\n   2. Print handouts\n2. Run the day\n\n"
                "- Lobby manager\n  - Greets\n    - Triage at the door\n"
            ),
            new_markdown_cell(
                "***\n\n## After\n\nCollect the quiz, score it, and review the items."
            ),
        ]
    )
    nb.metadata["corpus"] = {"images": 0, "tables": 0, "lang": "en", "title": "Workshop plan"}
    return nb


def chinese_notes() -> nbformat.NotebookNode:
    figure = {
        "data": [{"type": "bar", "x": ["东城", "西城"], "y": [3, 5]}],
        "layout": {"title": {"text": "网点数"}},
    }
    nb = new_notebook(
        cells=[
            new_markdown_cell("# 网点走访笔记\n\n本笔记记录两个区域的网点数量与走访安排。"),
            new_code_cell(
                "fig",
                outputs=[
                    _display({"application/vnd.plotly.v1+json": figure, "text/plain": "Figure"})
                ],
            ),
            new_markdown_cell("## 下一步\n\n- 与支行长确认时间\n- 准备问卷"),
        ]
    )
    nb.metadata["corpus"] = {"images": 1, "tables": 0, "lang": "zh", "title": "网点走访笔记"}
    return nb


CORPUS = {
    "dataframes": dataframes,
    "text_and_errors": text_and_errors,
    "images": images,
    "math": math,
    "structure": structure,
    "chinese_notes": chinese_notes,
}


def main() -> None:
    for name, make in CORPUS.items():
        nb = make()
        nb.metadata["kernelspec"] = {
            "display_name": "Python 3",
            "language": "python",
            "name": "python3",
        }
        nbformat.validate(nb)
        (HERE / f"{name}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")


if __name__ == "__main__":
    main()
