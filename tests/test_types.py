"""mypy over the whole package, configured in pyproject.toml `[tool.mypy]`.

Why a test: CI runs the suite, so a type error fails the build like any other regression,
and a developer sees it with the same `pytest -m slow` they already run.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_mypy_passes_on_the_package() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", os.devnull, "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
