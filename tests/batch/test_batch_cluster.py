"""Batches on real Dask clusters: a LocalCluster, and a scheduler + worker started as processes.

Slow: every item is a real papermill run in a kernel on a Dask worker.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from branch_consult.batch import run_batch

pytestmark = pytest.mark.slow

FIXTURE = str(Path(__file__).parent / "notebooks" / "per_branch.ipynb")
BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True, scope="module")
def _stop_resource_tracker():
    """LocalCluster's worker processes start multiprocessing's resource tracker, which lives until
    this test process exits; stop it so the leftover-process check sees nothing running."""
    yield
    from multiprocessing import resource_tracker

    resource_tracker._resource_tracker._stop()


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_one_failing_item_does_not_stop_the_others_and_a_rerun_resumes(tmp_path):
    result = run_batch(
        FIXTURE,
        out_dir=tmp_path,
        items="B001,B002,B003",
        params={"fail_on": "B002"},
        formats=["html"],
        jobs=2,
        live=False,
    )
    assert sorted(result.ran) == ["B001", "B003"] and result.failed == ["B002"]
    items = _manifest(tmp_path)["items"]
    assert items["B002"]["status"] == "failed" and items["B002"]["cell"] == 3
    assert "ValueError: no figures for B002" in items["B002"]["error"]
    assert items["B001"]["summary"]["findings"] == {"high": 1, "medium": 0, "low": 1, "info": 0}
    assert items["B001"]["files"] == ["per_branch_B001.ipynb", "per_branch_B001.html"]
    assert all((tmp_path / f).is_file() for f in items["B003"]["files"])
    # one plotly.js beside the HTML deliverables, none inlined
    assert (tmp_path / "plotly.min.js").is_file()
    assert 'src="plotly.min.js"' in (tmp_path / "per_branch_B001.html").read_text(encoding="utf-8")
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;B001&lt;/b&gt; &amp; co" in page and 'href="per_branch_B003.html"' in page

    # same command again: the finished items are skipped, the failed one is tried again
    stamp = (tmp_path / "per_branch_B001.html").stat().st_mtime_ns
    again = run_batch(
        FIXTURE,
        out_dir=tmp_path,
        items="B001,B002,B003",
        params={"fail_on": "B002"},
        formats=["html"],
        jobs=1,
        live=False,
    )
    assert (
        sorted(again.skipped) == ["B001", "B003"] and again.failed == ["B002"] and again.ran == []
    )
    assert (tmp_path / "per_branch_B001.html").stat().st_mtime_ns == stamp
    # changed parameters: every item's inputs changed, so every item is redone
    third = run_batch(
        FIXTURE,
        out_dir=tmp_path,
        items="B001,B002,B003",
        params={"fail_on": "B009"},
        formats=["html"],
        jobs=2,
        live=False,
    )
    assert sorted(third.ran) == ["B001", "B002", "B003"] and third.skipped == []


def test_branch_diagnostic_batch_on_a_local_cluster(tmp_path, monkeypatch):
    from branch_consult.results import ResultCache

    cache_dir = tmp_path.with_name(tmp_path.name + "-cache")  # not inside the batch's folder
    monkeypatch.setenv("BRANCH_CONSULT_CACHE_DIR", str(cache_dir))
    result = run_batch(
        "branch_diagnostic",
        out_dir=tmp_path,
        items="B001,B002,B003",
        formats=["docx", "html"],
        jobs=2,
        live=False,
    )
    assert sorted(result.ran) == ["B001", "B002", "B003"] and not result.failed
    items = _manifest(tmp_path)["items"]
    for branch, entry in items.items():
        assert entry["status"] == "done" and set(entry["outputs"]) == {"docx", "html"}
        assert all((tmp_path / f).stat().st_size > 0 for f in entry["files"])
        assert branch in entry["summary"]["label"]
        assert (
            sum(entry["summary"]["findings"].values()) > 0
        )  # the diagnostic's findings, read from its outputs
    html = (tmp_path / items["B001"]["outputs"]["html"]).read_text(encoding="utf-8")
    assert 'src="plotly.min.js"' in html and len(html) < 2_000_000
    # the parent computed the bank context once; the three kernels read it
    cache = ResultCache(cache_dir)
    assert len(cache.computations("bank_context")) == 1
    assert len(cache.computations("branch_diagnostic")) == 3


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_batch_on_a_separate_scheduler_and_worker(tmp_path):
    """`dask scheduler` and `dask worker` as their own processes on loopback; the batch only connects."""
    address_file = tmp_path / "scheduler.json"
    env = {**os.environ}
    scheduler = subprocess.Popen(
        [
            str(BIN / "dask"),
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--dashboard-address",  # its HTTP routes start anyway: never on another's :8787
            "127.0.0.1:0",
            "--scheduler-file",
            str(address_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(address_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        worker = subprocess.Popen(
            [
                str(BIN / "dask"),
                "worker",
                address,
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        out = tmp_path / "out"
        result = run_batch(
            FIXTURE, out_dir=out, items="B001,B002", formats=["html"], scheduler=address, live=False
        )
        assert sorted(result.ran) == ["B001", "B002"]
        assert (out / "per_branch_B002.html").is_file() and (out / "index.html").is_file()
    finally:
        if worker is not None:
            _stop(worker)
        _stop(scheduler)


def test_sigkill_of_the_batch_then_the_same_command_finishes_only_the_rest(tmp_path):
    out = tmp_path / "out"
    cmd = [
        str(BIN / "branch-consult"),
        "batch",
        FIXTURE,
        "--out",
        str(out),
        "--items",
        "B001,B002,B003",
        "--jobs",
        "1",
        "--formats",
        "html",
        "-p",
        "pause",
        "2",
    ]
    first = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 180
        done: list[str] = []
        while time.monotonic() < deadline and not done:
            time.sleep(0.2)
            try:
                done = [k for k, v in _manifest(out)["items"].items() if v["status"] == "done"]
            except (OSError, ValueError, KeyError):
                continue
        assert done, "no item finished in time"
    finally:
        os.killpg(
            first.pid, signal.SIGKILL
        )  # the batch, its cluster and kernels: a crash of the whole job
        first.communicate()
    assert first.returncode == -signal.SIGKILL
    finished_before = {k for k, v in _manifest(out)["items"].items() if v["status"] == "done"}
    stamps = {k: (out / f"per_branch_{k}.html").stat().st_mtime_ns for k in finished_before}

    second = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert (
        f"{3 - len(finished_before)} done, 0 failed, {len(finished_before)} already current"
        in second.stdout
    )
    items = _manifest(out)["items"]
    assert all(v["status"] == "done" for v in items.values()) and len(items) == 3
    assert all((out / f"per_branch_{k}.html").stat().st_mtime_ns == s for k, s in stamps.items())
    assert not list(out.glob(".branch-consult-staging-*"))


def test_an_item_whose_worker_is_killed_is_retried_once(tmp_path):
    marker = tmp_path / "killed-once"
    out = tmp_path / "out"
    result = run_batch(
        FIXTURE,
        out_dir=out,
        items="B001",
        params={"die_once": str(marker)},
        formats=["html"],
        jobs=1,
        live=False,
    )
    assert marker.exists()  # the first attempt killed its worker
    assert result.ran == ["B001"] and (out / "per_branch_B001.html").is_file()
