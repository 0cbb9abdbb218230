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


def test_pre_commit_runs_the_ci_checks_without_cloning_anything() -> None:
    """The hooks CI relies on are configured, and none is cloned from a git host.

    Developer machines and CI reach the package registries only, so a ``repo:`` URL
    would make `pre-commit run` fail before checking anything.
    """
    import yaml

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "ruff-format", "mypy", "check-added-large-files"} <= set(hooks)
    assert hooks["mypy"]["pass_filenames"] is False  # the whole package, as CI checks it
    assert "--maxkb=1000" in hooks["check-added-large-files"]["args"]
