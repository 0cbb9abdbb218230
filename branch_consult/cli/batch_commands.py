"""`branch-consult batch`: one playbook run per item (branch, person...), on Dask.

A thin shell over `branch_consult.batch.run_batch`; user errors print one red line
(exit 2), a batch where some items failed exits 1 after finishing the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from branch_consult.cli.app import app
from branch_consult.cli.options import DataOption, ParamsFileOption, ReportLangOption
from branch_consult.cli.playbook_commands import _given_values, _guard, _split_formats


@app.command("batch", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def batch_command(
    ctx: typer.Context,
    playbook: Annotated[
        str, typer.Argument(help="Playbook name or path; it declares what it iterates over.")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for the deliverables, manifest.json and index.html."),
    ],
    data: DataOption = None,
    items: Annotated[
        str, typer.Option("--items", help="all, ID,ID,... or a file of ids (one a line).")
    ] = "all",
    jobs: Annotated[
        int, typer.Option("--jobs", help="Worker processes of the local Dask cluster.")
    ] = 2,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Address of an existing Dask scheduler, e.g. tcp://host:8786."
        ),
    ] = None,
    formats: Annotated[
        str, typer.Option("--formats", help="Comma-separated: docx,html.")
    ] = "docx,html",
    param: Annotated[
        list[str] | None,
        typer.Option(
            "-p", "--param", metavar="NAME VALUE", help="A parameter for every item (repeatable)."
        ),
    ] = None,
    params_file: ParamsFileOption = None,
    lang: ReportLangOption = None,
    recycle_every: Annotated[
        int,
        typer.Option(
            "--recycle-every",
            help="Items a worker's warm kernel runs before it is replaced; 0: a new kernel per item.",
        ),
    ] = 25,
) -> None:
    """Run a playbook for every item; skip items already done with the same inputs; write an index page."""
    from branch_consult.batch import run_batch
    from branch_consult.errors import RUN_FAILED

    values = _given_values(param, list(ctx.args), params_file)
    result = _guard(
        lambda: run_batch(
            playbook,
            out_dir=out,
            data=data,
            items=items,
            params=values,
            lang=lang,
            formats=_split_formats(formats),
            jobs=jobs,
            scheduler=scheduler,
            recycle_every=recycle_every,
        )
    )
    typer.echo(
        f"{len(result.ran)} done, {len(result.failed)} failed, {len(result.skipped)} already current"
    )
    typer.echo(str(result.index))
    if result.failed:
        typer.secho(
            f"failed items: {', '.join(result.failed)} (see {result.manifest})",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(RUN_FAILED)
