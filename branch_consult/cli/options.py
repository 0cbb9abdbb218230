"""Options `run` and `batch` share: one definition each, so their flags and help agree.

Typer reads options from `Annotated` types; a command declares `data: DataOption = None`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DataOption = Annotated[
    str | None,
    typer.Option("--data", help="Data source (folder, workbook, DB URL); default the sample."),
]
ParamsFileOption = Annotated[
    Path | None, typer.Option("--params", help="YAML file of parameters (-p wins).")
]
ReportLangOption = Annotated[str | None, typer.Option("--lang", help="Report language: zh or en.")]
