"""The generated bank a bench measures: `--branches`, `--customers-per-branch` or `--data`.

Generated once into `bench/_data/` (Parquet) and reused by every later run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def add_bank_arguments(ap: argparse.ArgumentParser, customers_per_branch: int = 1000) -> None:
    ap.add_argument("--branches", type=int, default=1000)
    ap.add_argument("--customers-per-branch", type=int, default=customers_per_branch)
    ap.add_argument("--data", type=Path, default=None, help="a bank folder instead of generating")


def bank_folder(args: argparse.Namespace) -> Path:
    """The bank to measure: `--data`, or the generated one (made now if missing)."""
    data: Path = (
        args.data
        or Path(__file__).parent / "_data" / f"bank_{args.branches}x{args.customers_per_branch}"
    )
    if not (data / "holdings.parquet").exists() and args.data is None:
        from branch_consult.data.generator import write_sample_bank

        t = time.perf_counter()
        write_sample_bank(
            data,
            branches=args.branches,
            seed=1,
            customers_per_branch=args.customers_per_branch,
            fmt="parquet",
            progress=True,
        )
        print(f"generated {args.branches} branches in {time.perf_counter() - t:.0f} s -> {data}")
    return data
