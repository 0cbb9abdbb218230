"""Every error a user can cause or meet, under one base class with its exit code.

The command line maps `BranchConsultError` to a one-line message and `exit_code`
in one place, so a new error is one class here, and an unexpected exception (a bug)
is never mistaken for a user error. The classes are re-exported where they used to
live (`params.ParameterError`, `run.PlaybookFailed`, ...) so imports keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

#: exit codes of the command line
USER_ERROR = 2  # the input or the command was wrong: fix it and run again
RUN_FAILED = 1  # the input was accepted but the run or the output failed
INTERRUPTED = 130  # SIGINT, as shells report it


class BranchConsultError(Exception):
    """Base of every error the command line reports as one line (never a traceback)."""

    exit_code: ClassVar[int] = USER_ERROR


class ParameterError(BranchConsultError, ValueError):
    """Parameters a user gave do not fit the playbook; `str()` is the readable report."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class PlaybookNotFound(BranchConsultError, LookupError):
    """No playbook by that name or path; the message lists the known ones."""


class PlaybookDefinitionError(BranchConsultError, ValueError):
    """A playbook's own parameters cell or metadata cannot be read (an author's error)."""


class OutputError(BranchConsultError):
    """The output folder cannot take the deliverables (a file, unwritable, full); nothing was written."""

    def __init__(self, message: str, exit_code: int = USER_ERROR):
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]


class OutputExists(BranchConsultError):
    """A deliverable of the same name exists and `--force` was not given."""


class PlaybookFailed(BranchConsultError, RuntimeError):
    """A cell of the playbook raised; `str()` names the cell and the error in one line."""

    exit_code = RUN_FAILED

    def __init__(
        self,
        message: str,
        *,
        cell_index: int | None = None,
        ename: str = "",
        evalue: str = "",
        failed_notebook: Path | None = None,
    ):
        super().__init__(message)
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.failed_notebook = failed_notebook


class ExportFailed(BranchConsultError, RuntimeError):
    """An exporter could not render the executed notebook; no deliverable was written."""

    exit_code = RUN_FAILED


class WorkspaceError(BranchConsultError, ValueError):
    """A workspace cannot be used; `str()` names the file, the key and what was expected."""
