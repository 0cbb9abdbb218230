"""The Typer application object that every command module registers on."""

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="branch-consult: branch diagnostics, case reviews, campaign plans and workshop handouts.",
)
