"""One measurement in a fresh Python process: its own peak memory, no cache shared with the last.

The child may import this folder's modules (`bare_scan`).  A bench's child script prints one line `BENCH-RESULT {json}` at the end; `run_child`
runs it with extra environment (a private cache folder, say) and returns that JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

MARK = "BENCH-RESULT "


def run_child(script: str, *args: str, cache: Path | None = None) -> dict[str, Any]:
    """The result the child printed; stops the bench with the child's error output on failure."""
    env = dict(os.environ)
    here = str(Path(__file__).parent)  # the child may import this folder's helpers
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    if cache is not None:
        env["BRANCH_CONSULT_CACHE_DIR"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.rsplit(MARK, 1)[-1].splitlines()[0])
    return result
