"""How much memory DuckDB may take before it spills to disk, and where it spills.

DuckDB's default is 80 % of the machine's memory, so whole-bank sums (hash joins over
every customer) grew with the bank: the bank context's peak went from 367 MB on 1,000
branches to 664 MB on 3,000.  A bound keeps a whole-bank job's memory flat as the bank
grows and two batch workers from competing for the machine; above it DuckDB spills its
joins and aggregates to a private temporary folder, removed when the process ends.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading

import duckdb

from branch_consult.data.problems import DataProblems

MEMORY_ENV = "BRANCH_CONSULT_DUCKDB_MEMORY_MB"
#: enough for a 1,000-branch bank's sums without spilling (they peak at ~150 MB)
DEFAULT_MEMORY_MB = 256

_spill: list[str] = []
_spill_lock = threading.Lock()


def memory_mb() -> int:
    """The bound in MB: `$BRANCH_CONSULT_DUCKDB_MEMORY_MB`, else the default."""
    text = os.environ.get(MEMORY_ENV, "").strip()
    if not text:
        return DEFAULT_MEMORY_MB
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 64:
        raise DataProblems(
            [], headline=f"{MEMORY_ENV} must be a whole number of MB, at least 64, not {text!r}"
        )
    return value


def _spill_folder() -> str:
    """One temporary folder per process (DuckDB names its spill files per database only)."""
    with _spill_lock:
        if not _spill:
            _spill.append(tempfile.mkdtemp(prefix="bc-duckdb-"))
            atexit.register(shutil.rmtree, _spill[0], True)
        return _spill[0]


def connect(
    database: str = ":memory:", *, read_only: bool = False, limit_mb: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection bounded to `limit_mb` (default `memory_mb()`), spilling to this
    process's folder (DuckDB's own default is `.tmp` in the working folder)."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": f"{limit_mb or memory_mb()}MB",
        "temp_directory": _spill_folder(),
    }
    return duckdb.connect(database, read_only=read_only, config=config)
