"""Commands about input data: validate a source, write a sample bank, print the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from branch_consult.cli.app import app
from branch_consult.data import DataProblems, open_dataset


@app.command()
def validate(
    path: Annotated[
        str,
        typer.Argument(
            help="Folder, .xlsx workbook, DuckDB/SQLite file or database URL (default: the sample bank)."
        ),
    ] = "",
    branch: Annotated[
        str, typer.Option("--branch", "-b", help="Check only this branch's slice.")
    ] = "",
    playbook: Annotated[
        list[str] | None,
        typer.Option(
            "--playbook",
            "-P",
            help="Check the tables of this playbook only (repeatable; default: every playbook).",
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="auto: whole tables checked in DuckDB where the source allows (flat memory); "
            "pandas: the pandas loaders only (the reference path).",
        ),
    ] = "auto",
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            help="Show which table is being checked (default: a bar when on a terminal).",
        ),
    ] = None,
) -> None:
    """Check every table of a data source against the contract and list all problems,
    the files read and ignored, and the tables each playbook lacks."""
    import sys

    if engine not in ("auto", "pandas"):
        typer.secho(
            f"unknown --engine {engine!r}; expected auto or pandas", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(2)
    try:
        ds = open_dataset(path or None)
        if branch:
            ds = ds.branch(branch)
        report = ds.validate(
            playbooks=playbook or None,
            engine=engine,
            progress=sys.stderr.isatty() if progress is None else progress,
        )
    except DataProblems as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    typer.echo(report.text())
    if not report.ok:
        why: list[str] = []
        if report.unusable:
            why.append(f"unusable table(s): {', '.join(report.unusable)}")
        for name, missing in report.missing_required.items():
            if missing:
                why.append(f"{name} lacks required table(s) {', '.join(missing)}")
        if report.unknown_branches:
            why.append(f"unknown branch(es): {', '.join(report.unknown_branches)}")
        typer.secho("; ".join(why), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


@app.command("sample-data")
def sample_data(
    out: Annotated[Path, typer.Argument(help="Folder to write the tables into (created).")],
    branches: Annotated[
        int, typer.Option("--branches", "-n", min=1, help="Number of branches.")
    ] = 12,
    seed: Annotated[
        int, typer.Option("--seed", "-s", help="Random seed: same seed, same bank.")
    ] = 7,
    customers_per_branch: Annotated[
        int, typer.Option("--customers-per-branch", help="0: the generator's default.")
    ] = 0,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="mixed (CSV for small tables, Parquet for big), parquet or csv."
        ),
    ] = "mixed",
) -> None:
    """Write a synthetic bank with the planted patterns documented in docs/sample-data.md."""
    from branch_consult.data.generator import write_sample_bank

    if fmt not in ("mixed", "parquet", "csv"):
        typer.secho(
            f"--format must be mixed, parquet or csv, not {fmt!r}", fg=typer.colors.RED, err=True
        )
        raise typer.Exit(2)
    planted = write_sample_bank(
        out,
        branches=branches,
        seed=seed,
        customers_per_branch=customers_per_branch or None,
        fmt=fmt,  # type: ignore[arg-type]  # checked against the three formats just above
        progress=True,
    )
    typer.echo(f"wrote {branches} branches to {out}")
    typer.echo(f"planted patterns: {out / 'planted.json'}")
    del planted


@app.command()
def contract(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print as a Markdown document.")
    ] = False,
) -> None:
    """Print the data contract: every table, its key and its columns."""
    from branch_consult.data.contract_doc import contract_markdown, contract_text

    typer.echo(contract_markdown() if markdown else contract_text())
