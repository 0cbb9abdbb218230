"""A run's set of files: distinct names, no silent overwrite, whole sets only, clean exits.

The kill, interrupt and full-disk tests run the real command line in a child process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import psutil
import pytest

from branch_consult.errors import OutputExists
from branch_consult.run import STAGING_PREFIX, recover_staging, run_playbook
from tests.run.test_run import NOTEBOOKS, SIMPLE, spy_papermill, write_tiny_bank

SET = ("simple_world_en.docx", "simple_world_en.html", "simple_world_en.ipynb")


def _rename_branches(folder: Path, names: dict[str, str]) -> Path:
    for table in ("branches", "customers"):
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        frame["branch_id"] = frame["branch_id"].replace(names)
        frame.to_csv(folder / f"{table}.csv", index=False)
    return folder


@pytest.mark.slow
def test_two_chinese_branch_ids_never_share_a_file(tmp_path):
    bank = _rename_branches(
        write_tiny_bank(tmp_path / "bank"), {"B001": "城东支行", "B002": "高新支行"}
    )
    out = tmp_path / "out"
    branch = str(NOTEBOOKS / "branch.ipynb")
    first = run_playbook(
        branch, data=bank, out_dir=out, params={"branch_id": "城东支行"}, formats=["html"]
    )
    second = run_playbook(
        branch, data=bank, out_dir=out, params={"branch_id": "高新支行"}, formats=["html"]
    )
    assert first.outputs["html"].name == "branch_城东支行.html"
    assert second.outputs["html"].name == "branch_高新支行.html"
    assert sorted(p.name for p in out.iterdir()) == [
        "branch_城东支行.html",
        "branch_城东支行.ipynb",
        "branch_高新支行.html",
        "branch_高新支行.ipynb",
    ]


def test_an_existing_deliverable_is_replaced_only_with_force(tmp_path, monkeypatch):
    calls: list = []
    spy_papermill(monkeypatch, calls)
    first = run_playbook(SIMPLE, out_dir=tmp_path, formats=["html"])
    before = first.outputs["html"].read_bytes()
    with pytest.raises(
        OutputExists, match=r"simple_world_en.html exists; pass --force to replace the 2 files"
    ):
        run_playbook(SIMPLE, out_dir=tmp_path, params={"shout": True}, formats=["html"])
    assert (
        len(calls) == 1 and first.outputs["html"].read_bytes() == before
    )  # refused before the kernel
    run_playbook(SIMPLE, out_dir=tmp_path, params={"shout": True}, formats=["html"], force=True)
    assert "Rows for WORLD" in first.outputs["html"].read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "simple_world_en.html",
        "simple_world_en.ipynb",
    ]


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _close_started_runs():
    """Close the pipes of every run a test started (unclosed pipes are ResourceWarnings, i.e. errors)."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def _cli(args, **kw) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "branch_consult.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )
    _STARTED.append(proc)
    return proc


def _version(out: Path) -> set[str]:
    """Which run each file of the set comes from: 'old' (world) or 'new' (WORLD)."""
    seen = set()
    for name in SET:
        path = out / name
        if name.endswith(".docx"):
            with zipfile.ZipFile(path) as z:
                text = z.read("word/document.xml").decode()
        else:
            text = path.read_text(encoding="utf-8")
        seen.add("new" if "Rows for WORLD" in text else "old" if "Rows for world" in text else "?")
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", [-1, 0, 1, 2, 3])
def test_a_kill_at_any_file_boundary_leaves_the_old_set_or_the_new(tmp_path, kill_at):
    out = tmp_path / "out"
    old = _cli(["run", SIMPLE, "--out", str(out), "--formats", "docx,html"])
    assert old.wait(180) == 0, old.stderr.read()
    assert _version(out) == {"old"}

    run = _cli(
        [
            "run",
            SIMPLE,
            "--out",
            str(out),
            "--formats",
            "docx,html",
            "-p",
            "shout",
            "true",
            "--force",
        ],
        env={**os.environ, "BRANCH_CONSULT_TEST_KILL_AT_MOVE": str(kill_at)},
    )
    assert run.wait(180) == -signal.SIGKILL
    left = sorted(p.name for p in out.iterdir())
    staging = [n for n in left if n.startswith(STAGING_PREFIX)]
    assert len(staging) == 1 and set(left) - set(staging) == set(SET), left  # no stray temporaries
    recover_staging(out)  # what the next run into this folder does first
    assert sorted(p.name for p in out.iterdir()) == list(SET)
    assert _version(out) == ({"old"} if kill_at == -1 else {"new"})


def _sleeper(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('lang: str = "en"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import time\ntime.sleep(120)"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "sleeper.ipynb"
    nbformat.write(nb, path)
    return path


def _kernel_of(proc: subprocess.Popen, timeout: float = 60) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in psutil.Process(proc.pid).children(recursive=True):
            try:
                if "ipykernel" in " ".join(child.cmdline()):
                    return child
            except psutil.NoSuchProcess:
                continue
        time.sleep(0.2)
    raise AssertionError("no kernel started")


@pytest.mark.slow
@pytest.mark.parametrize(
    "signum, delay", [(signal.SIGINT, 1.5), (signal.SIGTERM, 1.5), (signal.SIGINT, 0)]
)
def test_interrupt_prints_one_line_exits_130_and_stops_the_kernel(tmp_path, signum, delay):
    out = tmp_path / "out"
    run = _cli(["run", str(_sleeper(tmp_path)), "--out", str(out), "--formats", "html"])
    kernel = _kernel_of(run)
    time.sleep(delay)  # 0: while the kernel starts up; 1.5: while the cell runs
    run.send_signal(signum)
    code = run.wait(60)
    err = run.stderr.read()
    assert code == 130, err
    assert err.strip() == "interrupted: nothing was delivered by the unfinished run"
    kernel.wait(15)  # raises if the kernel is still running
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.slow
def test_full_disk_is_one_line_and_leaves_nothing(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)], capture_output=True
        ).returncode
        == 0
    )
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        run = _cli(["run", SIMPLE, "--out", str(disk / "out"), "--formats", "docx,html"])
        code = run.wait(180)
        err = run.stderr.read()
        assert code == 1, err
        assert "the disk is full; nothing was written" in err and err.count("\n") == 1
        assert "Traceback" not in err
        assert list((disk / "out").iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)
