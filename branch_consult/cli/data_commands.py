"""Commands about input data: validate a source, write a sample bank, print the contract."""

from branch_consult.cli.app import app  # noqa: F401

