"""`branch-consult batch --jobs 2` against the naive loop a user would write today.

    python bench/bench_batch.py [--branches 4] [--jobs 2]

Both over the first N branches of the sample bank, docx + html, measured side by side:
(a) naive: for each branch, the papermill command line, then `jupyter nbconvert --to
consult_docx` and `--to consult_html` as separate processes; (b) one `branch-consult
batch` command (LocalCluster start, workers, manifest and index page included).
Prints both wall times, the time per branch and the ratio (a)/(b).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from branch_consult.playbooks import get_playbook
from branch_consult.resources import sample_bank_dir

BIN = Path(sys.executable).parent


def naive(branches: list[str], out: Path) -> float:
    playbook = get_playbook("branch_diagnostic").path
    out.mkdir(parents=True)
    started = time.perf_counter()
    for branch in branches:
        executed = out / f"branch_diagnostic_{branch}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(playbook),
                str(executed),
                "-p",
                "branch_id",
                branch,
                "-p",
                "data",
                str(sample_bank_dir()),
                "--cwd",
                str(playbook.parent),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
        )
        for fmt in ("consult_docx", "consult_html"):
            subprocess.run(
                [
                    str(BIN / "jupyter"),
                    "nbconvert",
                    "--to",
                    fmt,
                    str(executed),
                    "--output-dir",
                    str(out),
                ],
                check=True,
                capture_output=True,
            )
    return time.perf_counter() - started


def batch(branches: list[str], out: Path, jobs: int) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            str(BIN / "branch-consult"),
            "batch",
            "branch_diagnostic",
            "--out",
            str(out),
            "--items",
            ",".join(branches),
            "--jobs",
            str(jobs),
            "--formats",
            "docx,html",
            "--data",
            str(sample_bank_dir()),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    from branch_consult.data import open_dataset

    branches = open_dataset(sample_bank_dir()).branch_ids()[: args.branches]
    with tempfile.TemporaryDirectory() as tmp:
        t_naive = naive(branches, Path(tmp) / "naive")
        t_batch = batch(branches, Path(tmp) / "batch", args.jobs)
    n = len(branches)
    print(f"branches: {n} (docx + html), jobs: {args.jobs}")
    print(f"naive loop (papermill + 2 nbconvert):  {t_naive:7.1f} s  ({t_naive / n:5.1f} s/branch)")
    print(
        f"branch-consult batch --jobs {args.jobs}:        {t_batch:7.1f} s  ({t_batch / n:5.1f} s/branch)"
    )
    print(f"ratio naive / batch: {t_naive / t_batch:.2f}x")


if __name__ == "__main__":
    main()
