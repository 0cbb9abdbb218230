"""Provenance of a deliverable: what was run, on which data, with which code, when.

Kept in the executed notebook's metadata (`branch_consult.provenance`) so the audit
trail travels with the notebook, and shown by the exporters (HTML footer, Word
custom properties) so it travels with the deliverable too.
"""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import branch_consult


def utc_now() -> str:
    """Current time as an ISO-8601 UTC timestamp with seconds (`2026-10-31T08:00:00Z`)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def code_version() -> dict[str, str]:
    """Package version and, when run from a git checkout, the commit (marked dirty if so)."""
    info = {
        "package": "branch-consult",
        "version": branch_consult.__version__,
        "python": platform.python_version(),
    }
    package = Path(str(files("branch_consult")))
    try:  # a commit only when git tracks this very package (a checkout, not a venv inside some repo)
        tracked = (
            subprocess.run(
                ["git", "-C", str(package), "ls-files", "--error-unmatch", "__init__.py"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).returncode
            == 0
        )
        if tracked:
            commit = subprocess.run(
                ["git", "-C", str(package), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
            if commit:
                dirty = subprocess.run(
                    ["git", "-C", str(package), "status", "--porcelain", "--untracked-files=no"],
                    capture_output=True,
                    text=True,
                    timeout=5,
                    check=False,
                ).stdout.strip()
                info["commit"] = commit + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def build_provenance(
    *,
    playbook: str,
    playbook_path: Path,
    playbook_sha256: str,
    parameters: dict[str, Any],
    data_source: str | None,
    data_fingerprint: str | None,
    started_at: str,
    finished_at: str,
    kernel_name: str,
) -> dict[str, Any]:
    """The provenance record written into an executed notebook."""
    return {
        "playbook": playbook,
        "playbook_path": str(playbook_path),
        "playbook_sha256": playbook_sha256,
        "parameters": parameters,
        "data_source": data_source,
        "data_fingerprint": data_fingerprint,
        "started_at": started_at,
        "finished_at": finished_at,
        "kernel_name": kernel_name,
        **code_version(),
    }
