"""`branch-consult batch --jobs 2` against the naive loop a user would write today.

    python bench/bench_batch.py [--branches 4] [--jobs 2] [--data BANK] [--cold]

Both over the first N branches of the bank (default the sample), docx + html, measured
side by side: (a) naive: for each branch, the papermill command line, then `jupyter
nbconvert --to consult_docx` and `--to consult_html` as separate processes; (b) one
`branch-consult batch` command (LocalCluster start, workers, manifest and index page
included). `--cold` adds (c): the same batch with `--recycle-every 0` (a new kernel per
item, as before warm kernels). Each arm gets an empty result cache of its own, so no arm
reuses another's analysis. Prints wall times, the time per branch and the ratios, and
for each arm the CPU seconds of all its processes (kernels, workers, Chromium, LibreOffice:
every process the arm starts is waited for, so `RUSAGE_CHILDREN` holds the whole tree) and
the load average around it: on a shared machine the arms run under different loads, and
the CPU ratio is the one that load does not skew.
"""

from __future__ import annotations

import argparse
import os
import resource
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


class Arm:
    """Wall and CPU time (all descendant processes) of one arm, and the load around it."""

    def __init__(self, name: str):
        self.name = name
        self.wall = self.cpu = 0.0
        self.load = (0.0, 0.0)

    def __enter__(self) -> Arm:
        self._cpu0 = _children_cpu()
        self._load0 = os.getloadavg()[0]
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu = _children_cpu() - self._cpu0
        self.load = (self._load0, os.getloadavg()[0])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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
    arms: list[Arm] = []
    with tempfile.TemporaryDirectory() as tmp:
        with Arm("naive loop (papermill + 2 nbconvert)") as arm:
            arm.wall = naive(branches, Path(tmp) / "naive", data)
        arms.append(arm)
        if args.cold:
            with Arm("batch, new kernel per item") as arm:
                arm.wall = batch(branches, Path(tmp) / "cold", args.jobs, data, 0)
            arms.append(arm)
        with Arm(f"branch-consult batch --jobs {args.jobs}") as arm:
            arm.wall = batch(branches, Path(tmp) / "batch", args.jobs, data)
        arms.append(arm)
    n = len(branches)
    print(f"branches: {n} (docx + html), jobs: {args.jobs}, data: {data}")
    base = arms[0]
    for arm in arms:
        print(
            f"{arm.name:40s} wall {arm.wall:7.1f} s ({arm.wall / n:5.1f} s/branch, "
            f"x{base.wall / arm.wall:.2f})  CPU {arm.cpu:7.1f} s ({arm.cpu / n:5.1f} s/branch, "
            f"x{base.cpu / arm.cpu:.2f})  load {arm.load[0]:.1f}->{arm.load[1]:.1f}"
        )
    print(
        f"ratio naive / batch: wall {base.wall / arms[-1].wall:.2f}x, CPU {base.cpu / arms[-1].cpu:.2f}x"
    )


if __name__ == "__main__":
    main()
