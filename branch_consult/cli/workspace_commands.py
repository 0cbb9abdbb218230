"""Commands about a consultant's workspace: create one, scaffold a playbook, choose one for a command.

`--workspace DIR` (before the command) or `$BRANCH_CONSULT_WORKSPACE` names the
workspace; otherwise commands find `branch-consult.toml` upwards from the current folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from branch_consult.cli.app import app


def _fail(message: str) -> typer.Exit:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(2)


@app.callback()
def main(
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Client workspace folder (default: found from the current folder upwards).",
        ),
    ] = None,
) -> None:
    """branch-consult: branch diagnostics, case reviews, campaign plans and workshop handouts."""
    from branch_consult.workspace import WorkspaceError, activate

    if workspace is not None:
        try:
            activate(workspace)
        except WorkspaceError as exc:
            raise _fail(str(exc)) from None


@app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(help="Folder for the new workspace (created).")],
    client: Annotated[
        str, typer.Option("--client", help="Client name for covers and headers.")
    ] = "",
    consultant: Annotated[
        str, typer.Option("--consultant", help="Consultant or firm named on the cover.")
    ] = "",
    lang: Annotated[str, typer.Option("--lang", help="Default report language: zh or en.")] = "zh",
    colour: Annotated[str, typer.Option("--colour", help="Brand colour #RRGGBB.")] = "#1F3B5C",
    logo: Annotated[
        Path | None, typer.Option("--logo", help="Logo image (PNG/JPEG) to copy into templates/.")
    ] = None,
) -> None:
    """Create a client workspace: config, playbooks/, templates/, data/, out/ and a README."""
    from branch_consult.workspace import WorkspaceError, init

    try:
        ws = init(
            folder, client=client, consultant=consultant, lang=lang, brand_colour=colour, logo=logo
        )
    except WorkspaceError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"workspace created: {ws.root}")
    typer.echo(
        f"  edit {ws.config_path.name} (client, logo, colour); put the client's extract in data/"
    )
    typer.echo(f"  then: cd {ws.root} && branch-consult run branch_diagnostic")


@app.command("new-playbook")
def new_playbook_command(
    name: Annotated[str, typer.Argument(help="Name of the new playbook (lower case, digits, _).")],
    source: Annotated[
        str | None, typer.Option("--from", help="Copy this playbook instead of the scaffold.")
    ] = None,
    folder: Annotated[
        Path | None,
        typer.Option("--dir", help="Where to write it (default: the workspace's playbooks/)."),
    ] = None,
) -> None:
    """Scaffold a playbook (typed parameters, house style, a worked section) that `run` accepts at once."""
    from branch_consult.scaffold import ScaffoldError, new_playbook
    from branch_consult.workspace import WorkspaceError, current

    try:
        ws = current()
    except WorkspaceError as exc:
        raise _fail(str(exc)) from None
    target = folder or (ws.playbooks_dir if ws is not None else None)
    if target is None:
        raise _fail(
            "no workspace here: create one with `branch-consult init DIR`, or pass --dir FOLDER"
        )
    try:
        path = new_playbook(name, target, source)
    except ScaffoldError as exc:
        raise _fail(str(exc)) from None
    typer.echo(str(path))
