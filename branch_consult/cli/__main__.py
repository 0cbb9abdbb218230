"""`python -m branch_consult.cli`: the same command line as `branch-consult`."""

from branch_consult.cli import app

app()
