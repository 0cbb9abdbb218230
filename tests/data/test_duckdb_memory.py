"""DuckDB's memory is bounded (`$BRANCH_CONSULT_DUCKDB_MEMORY_MB`) and it spills to a private
folder that goes with the process, never to `.tmp` in the user's working folder."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from branch_consult.data import DataProblems, duckdb_memory

# a GROUP BY whose lists need far more than 64 MB: it must spill to finish
_CHILD = r"""
import json, os
from branch_consult.data import duckdb_memory
con = duckdb_memory.connect()
limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
n = con.execute("SELECT count(*) FROM (SELECT i % 3000000 AS k, list(i) AS l "
                "FROM range(12000000) t(i) GROUP BY k)").fetchone()[0]
folder = duckdb_memory._spill_folder()
print(json.dumps({"limit": limit, "groups": n, "folder": folder, "used": os.listdir(folder)}))
"""


def _child(tmp_path: Path, memory_mb: str) -> dict:
    env = {"BRANCH_CONSULT_DUCKDB_MEMORY_MB": memory_mb, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_job_beyond_the_bound_spills_to_a_private_folder_that_goes_at_exit(tmp_path):
    bounded = _child(tmp_path, "64")
    assert bounded["limit"] == "61.0 MiB"  # DuckDB shows 64 MB in MiB
    assert bounded["groups"] == 3_000_000
    assert bounded["used"], "DuckDB did not spill under a 64 MB bound"
    assert not Path(bounded["folder"]).exists()  # removed when the process ended
    assert list(tmp_path.iterdir()) == []  # no .tmp in the working folder
    roomy = _child(tmp_path, "4096")
    assert roomy["groups"] == 3_000_000 and roomy["used"] == []


def test_the_default_and_a_bad_setting(monkeypatch):
    monkeypatch.delenv(duckdb_memory.MEMORY_ENV, raising=False)
    assert duckdb_memory.memory_mb() == duckdb_memory.DEFAULT_MEMORY_MB
    con = duckdb_memory.connect(limit_mb=512)
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "488.2 MiB"
    for bad in ("lots", "10"):
        monkeypatch.setenv(duckdb_memory.MEMORY_ENV, bad)
        with pytest.raises(DataProblems, match="BRANCH_CONSULT_DUCKDB_MEMORY_MB must be"):
            duckdb_memory.memory_mb()
