"""Commands about playbooks: list, show parameters, run, open in JupyterLab."""

from branch_consult.cli.app import app  # noqa: F401

