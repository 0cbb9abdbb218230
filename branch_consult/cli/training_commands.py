"""Commands for trainers: personal score sheets from a quiz export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from branch_consult.cli.app import app


@app.command("score-sheets")
def score_sheets(
    responses: Annotated[
        Path, typer.Argument(help="The quiz export (quiz_responses as .csv or .xlsx).")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the sheets (created).")
    ] = Path("out/score_sheets"),
    course: Annotated[
        str,
        typer.Option(
            "--course",
            "-c",
            help="Shipped course id or a folder with course.yaml and questions.yaml.",
        ),
    ] = "service_marketing",
    quiz_size: Annotated[
        int, typer.Option("--quiz-size", min=1, help="Items on the quiz form.")
    ] = 20,
    seeds: Annotated[
        str, typer.Option("--seeds", help="Seed(s) of the form(s) the class sat, e.g. 1 or 1,2.")
    ] = "1",
    rule: Annotated[
        str,
        typer.Option(
            "--rule", help="Multiple-choice rule: all_or_nothing, right_minus_wrong or per_option."
        ),
    ] = "all_or_nothing",
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
    pass_mark: Annotated[float, typer.Option("--pass-mark", help="Pass mark in percent.")] = 60.0,
) -> None:
    """One Word score sheet per participant plus score_sheets_all.docx for printing."""
    from branch_consult.data.problems import DataProblems
    from branch_consult.export.score_sheets import write_class_sheets
    from branch_consult.training.scoring import MULTIPLE_RULES

    if lang not in ("zh", "en"):
        typer.secho(f"--lang must be zh or en, not {lang!r}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)
    if rule not in MULTIPLE_RULES:
        typer.secho(
            f"--rule must be one of {', '.join(MULTIPLE_RULES)}, not {rule!r}",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    try:
        paths = write_class_sheets(
            responses,
            course,
            out,
            quiz_size=quiz_size,
            seeds=seeds,
            rule=rule,
            lang=lang,
            pass_mark=pass_mark,
        )
    except (DataProblems, ValueError) as exc:  # DocumentError is a ValueError
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {len(paths) - 1} score sheets and {paths[-1].name} to {out}")
