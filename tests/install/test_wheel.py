"""The wheel carries everything: built from a copy of the checkout, installed into a fresh
virtualenv outside it, `branch-consult demo` runs there and writes nothing into the package.

Dependencies come from pip's cache (and the machine's indexes) pinned by constraints.txt,
so the test measures the real install a consultant does, at the versions the suite tested.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "out",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".ipynb_checkpoints",
    "_data",
)


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert done.returncode == 0, (
        f"{' '.join(map(str, cmd))}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


@pytest.mark.slow
@pytest.mark.timeout(1200)
@pytest.mark.skipif(
    os.environ.get("BRANCH_CONSULT_WHEEL_TEST") != "1",
    reason="about 5 minutes; .ci/run sets BRANCH_CONSULT_WHEEL_TEST=1",
)
def test_wheel_installs_outside_the_checkout_and_runs_the_demo(tmp_path):
    timings = {}
    src = tmp_path / "src"
    shutil.copytree(REPO, src, symlinks=True, ignore=IGNORE)
    started = time.perf_counter()
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(src),
            "--no-deps",
            "-w",
            str(tmp_path / "dist"),
            "-q",
        ]
    )
    wheel = next((tmp_path / "dist").glob("branch_consult-*.whl"))
    timings["build"] = time.perf_counter() - started

    started = time.perf_counter()
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    py = venv / "bin" / "python"
    _run(
        [
            str(py),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-compile",
            str(wheel),
            "-c",
            str(REPO / "constraints.txt"),
        ]
    )
    timings["install"] = time.perf_counter() - started

    work = tmp_path / "elsewhere"
    work.mkdir()
    site = Path(
        _run(
            [
                str(py),
                "-c",
                "import branch_consult, pathlib; "
                "print(pathlib.Path(branch_consult.__file__).parent)",
            ],
            cwd=work,
        ).stdout.strip()
    )
    assert venv in site.parents and REPO not in site.parents
    assert (site / "_resources" / "playbooks" / "branch_diagnostic.ipynb").is_file()
    assert not (
        site / "_resources" / "playbooks"
    ).is_symlink()  # real copies, not links to the checkout
    before = _tree_digest(site)

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BRANCH_CONSULT", "PYTHONPATH", "VIRTUAL_ENV"))
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    started = time.perf_counter()
    done = _run(
        [str(venv / "bin" / "branch-consult"), "demo", "--out", str(work / "out")],
        cwd=work,
        env=env,
        timeout=900,
    )
    timings["demo"] = time.perf_counter() - started
    print("wheel install timings (s): " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
    written = sorted(p.name for p in (work / "out").iterdir())
    assert any(n.endswith(".docx") for n in written) and any(n.endswith(".html") for n in written)
    from branch_consult.cli.playbook_commands import DEMO_JOBS

    assert len([n for n in written if n.endswith(".docx")]) == sum(
        len(langs) for _, _, langs in DEMO_JOBS
    )
    assert "sample" in done.stderr.lower()  # the demo says it runs on the embedded sample
    assert (work / "out" / "batch" / "index.html").is_file()  # the demo ends with a small batch
    assert _tree_digest(site) == before  # nothing written into the installed package
