"""Whole-bank jobs from 1,000 to 3,000 branches: time, peak memory, the linear fit, 10,000.

    python bench/bench_bank_scale.py [--banks /tmp/banks/b1000 /tmp/banks/b3000] [--jobs context ...]

For each bank, one job at a time, each in a fresh child process with its own empty
cache folder (peak memory is the child's; no parsed table or result is reused):
`validate` (DuckDB engine), the bank context (`cached_bank_context`, cold) and the bank
overview (`cached_bank_overview`, cold).  Then, per job, the line through the points
and its value at 10,000 branches.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from child_run import run_child

CHILD = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
job, data = sys.argv[1], sys.argv[2]
from branch_consult.data import open_dataset
from branch_consult.results import DiagnosticSettings
from branch_consult.results.cache import cached_bank_context, cached_bank_overview
t0 = time.perf_counter()
ds = open_dataset(data)
if job == "validate":
    ds.validate()
elif job == "context":
    cached_bank_context(ds, DiagnosticSettings(branch_id=""))
else:
    cached_bank_overview(ds)
out = {"seconds": time.perf_counter() - t0,
       "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
       "branches": len(ds.table("branches"))}
print("BENCH-RESULT " + json.dumps(out))
"""

JOBS = ("validate", "context", "overview")


def child(job: str, data: Path, cache: Path) -> dict[str, float]:
    return run_child(CHILD, job, str(data), cache=cache)


def fit(points: list[tuple[float, float]], at: float) -> tuple[float, float, float]:
    """Slope and intercept of the least-squares line through the points, and its value at `at`."""
    slope, icept = statistics.linear_regression([p[0] for p in points], [p[1] for p in points])
    return slope, icept, icept + slope * at


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--banks",
        type=Path,
        nargs="+",
        default=[Path("/tmp/banks/b1000"), Path("/tmp/banks/b3000")],
    )
    ap.add_argument("--jobs", nargs="+", choices=JOBS, default=list(JOBS))
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    points: dict[str, list[tuple[float, float, float]]] = {j: [] for j in args.jobs}
    try:
        for data in args.banks:
            for job in args.jobs:
                load = os.getloadavg()[0]
                got = child(job, data, root / f"{data.name}-{job}")
                points[job].append((got["branches"], got["seconds"], got["peak_mb"]))
                print(
                    f"{data.name:>8} {job:<9} {int(got['branches']):>6,} branches "
                    f"{got['seconds']:7.1f} s  peak {got['peak_mb']:6.0f} MB  (load {load:.1f})"
                )
        for job, rows in points.items():
            if len({r[0] for r in rows}) < 2:
                continue
            ts, ti, t10 = fit([(r[0], r[1]) for r in rows], 10_000)
            ms, mi, m10 = fit([(r[0], r[2]) for r in rows], 10_000)
            print(
                f"{job:<9} time {ti:6.1f} + {ts * 1000:6.2f} s per 1,000 branches -> {t10:6.0f} s at 10,000; "
                f"peak {mi:6.0f} + {ms * 1000:5.0f} MB per 1,000 -> {m10:6.0f} MB at 10,000"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
