"""`branch-consult new-playbook`: a new playbook that `run`, `params` and `batch` accept at once.

The scaffold follows the house pattern (docs/playbooks.md): notebook metadata with zh/en
title and description and parameter constraints, a typed ``parameters`` cell, the
house style switched on, and one worked section (open the data, run a library
analysis, show a table and a chart) to replace with the consultant's own. `--from`
copies an existing playbook instead, outputs stripped.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,48}$")


class ScaffoldError(ValueError):
    """The playbook cannot be created (bad name, file exists, unknown source)."""


_SETUP = """\
from IPython.display import Markdown, display

from branch_consult import charts
from branch_consult.analysis import overview
from branch_consult.data import open_dataset
from branch_consult.display import Figure, Table, set_display_lang"""

_PARAMETERS = """\
data: str = ""  # Data source: folder, workbook or database URL, empty for the workspace's or the sample
month: str = ""  # Report month YYYY-MM, empty for the latest month in the data
lang: str = "zh"  # Report language: zh or en
client: str = ""  # Client name for the cover, empty for the workspace's
_source_facts: dict = {}  # Filled by branch-consult run (data fingerprint, months counted), leave empty"""

_LOAD = """\
set_display_lang(lang)
charts.use_house_style()
ds = open_dataset(data or None, **_source_facts)
ov = overview.bank_overview(ds, month)  # a tested library analysis: one row per branch
WORDS = {
    "zh": {"heading": "## 各区域存款", "intro": "按区域汇总各网点的月末存款与客户数。",
           "caption": "各区域存款与客户", "chart": "各区域存款（元）",
           "labels": {"region": "区域", "deposits": "存款（元）", "customers": "客户数"}},
    "en": {"heading": "## Deposits by region", "intro": "Month-end deposits and customers of the branches, by region.",
           "caption": "Deposits and customers by region", "chart": "Deposits by region (yuan)",
           "labels": {"region": "Region", "deposits": "Deposits (yuan)", "customers": "Customers"}},
}[lang]"""

_SECTION = """\
# Worked section: replace with your own. Keep analysis in library functions with tests;
# this cell only words and shows what they return.
by_region = ov.branches.groupby("region", as_index=False)[["deposits", "customers"]].sum()
display(Markdown(WORDS["heading"]))
display(Markdown(WORDS["intro"]))
display(Table.from_frame(by_region, caption=WORDS["caption"], labels=WORDS["labels"],
                         formats={"deposits": "int", "customers": "int"}, source=ds.label))"""

_CHART = """\
import plotly.express as px

fig = px.bar(by_region, x="region", y="deposits", labels=WORDS["labels"])
Figure(caption=WORDS["chart"], source=ds.label, figure=fig)"""


def _titled(name: str) -> str:
    return name.replace("_", " ").strip().capitalize()


def scaffold_notebook(name: str) -> nbformat.NotebookNode:
    """The notebook of a new playbook called `name` (stripped of outputs, runs with its defaults)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    title = _titled(name)
    nb.metadata["branch_consult"] = {
        "title": {"zh": title, "en": title},
        "description": {
            "zh": f"{title}（新建，请补充说明）",
            "en": f"{title} (new: describe what it delivers)",
        },
        "parameters": {
            "data": {"kind": "data"},
            "month": {"kind": "month"},
            "lang": {"choices": ["zh", "en"]},
        },
        "output_name": ["month", "lang"],
    }
    intro = nbformat.v4.new_markdown_cell(
        "<!-- Markdown cells are shown as written in every language; put wording that changes "
        "with `lang` in code cells (or in the library), data values in display objects. -->"
    )
    intro.metadata["tags"] = ["remove-cell"]
    cells = [
        (_SETUP, ["remove-cell"]),
        (_PARAMETERS, ["parameters"]),
        (_LOAD, ["remove-cell"]),
        (_SECTION, ["remove-input"]),
        (_CHART, ["remove-input"]),
    ]
    nb.cells = [intro] + [
        nbformat.v4.new_code_cell(src, metadata={"tags": tags}) for src, tags in cells
    ]
    return nb


def new_playbook(name: str, folder: str | Path, source: str | None = None) -> Path:
    """Write `<folder>/<name>.ipynb`: the scaffold, or a copy of playbook `source` (outputs stripped)."""
    if not _NAME.match(name):
        raise ScaffoldError(
            f"playbook name {name!r}: use lower-case letters, digits and _ (e.g. deposit_review)"
        )
    target = Path(folder) / f"{name}.ipynb"
    if target.exists():
        raise ScaffoldError(f"{target} exists already; choose another name or edit it")
    if source:
        from branch_consult.playbooks import PlaybookNotFound, get_playbook

        try:
            nb = nbformat.read(get_playbook(source).path, as_version=4)
        except PlaybookNotFound as exc:
            raise ScaffoldError(str(exc)) from None
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        meta = nb.metadata.setdefault("branch_consult", {})
        meta["derived_from"] = source
    else:
        nb = scaffold_notebook(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.validate(nb)
    target.write_text(nbformat.writes(nb), encoding="utf-8")
    return target


__all__ = ["ScaffoldError", "new_playbook", "scaffold_notebook"]
