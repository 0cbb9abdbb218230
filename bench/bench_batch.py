"""`branch-consult batch --jobs 2` against the naive loop a user would write today.

    python bench/bench_batch.py [--branches 4] [--jobs 2] [--data BANK] [--cold]

Both over the first N branches of the bank (default the sample), docx + html, measured
side by side: (a) naive: for each branch, the papermill command line, then `jupyter
nbconvert --to consult_docx` and `--to consult_html` as separate processes; (b) one
`branch-consult batch` command (LocalCluster start, workers, manifest and index page
included). `--cold` adds (c): the same batch with `--recycle-every 0` (a new kernel per
item, as before warm kernels). Each arm gets an empty result cache of its own, so no arm
reuses another's analysis. Prints wall times, the time per branch and the ratios.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from branch_consult.playbooks import get_playbook
from branch_consult.resources import sample_bank_dir

BIN = Path(sys.executable).parent


def _own_cache(out: Path) -> dict[str, str]:
    """The environment of one arm: an empty result cache of its own."""
    return {**os.environ, "BRANCH_CONSULT_CACHE_DIR": str(out.parent / f"{out.name}-cache")}


def naive(branches: list[str], out: Path, data: str) -> float:
    playbook = get_playbook("branch_diagnostic").path
    out.mkdir(parents=True)
    env = _own_cache(out)
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
                data,
                "--cwd",
                str(playbook.parent),
                "--no-progress-bar",
            ],
            check=True,
            capture_output=True,
            env=env,
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
                env=env,
            )
    return time.perf_counter() - started


def batch(
    branches: list[str], out: Path, jobs: int, data: str, recycle: int | None = None
) -> float:
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
            data,
            *(["--recycle-every", str(recycle)] if recycle is not None else []),
        ],
        check=True,
        capture_output=True,
        env=_own_cache(out),
    )
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--data", default=str(sample_bank_dir()), help="bank folder (default: sample)")
    ap.add_argument("--cold", action="store_true", help="also the batch with a new kernel per item")
    args = ap.parse_args()
    from branch_consult.data import open_dataset

    data = str(Path(args.data).resolve())
    branches = open_dataset(data).branch_ids()[: args.branches]
    with tempfile.TemporaryDirectory() as tmp:
        t_naive = naive(branches, Path(tmp) / "naive", data)
        t_cold = batch(branches, Path(tmp) / "cold", args.jobs, data, 0) if args.cold else None
        t_batch = batch(branches, Path(tmp) / "batch", args.jobs, data)
    n = len(branches)
    print(f"branches: {n} (docx + html), jobs: {args.jobs}, data: {data}")
    print(f"naive loop (papermill + 2 nbconvert):  {t_naive:7.1f} s  ({t_naive / n:5.1f} s/branch)")
    if t_cold is not None:
        print(
            f"batch, new kernel per item:           {t_cold:7.1f} s  ({t_cold / n:5.1f} s/branch)"
            f"  ratio {t_naive / t_cold:.2f}x"
        )
    print(
        f"branch-consult batch --jobs {args.jobs}:        {t_batch:7.1f} s  ({t_batch / n:5.1f} s/branch)"
    )
    print(f"ratio naive / batch: {t_naive / t_batch:.2f}x")


if __name__ == "__main__":
    main()
