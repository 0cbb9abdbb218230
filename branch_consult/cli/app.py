"""The Typer application object that every command module registers on."""

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="branch-consult: branch diagnostics, case reviews, campaign plans and workshop handouts.",
)
from branch_consult.cli import training_commands  # noqa: E402, F401  (registers score-sheets; after `app` exists)
