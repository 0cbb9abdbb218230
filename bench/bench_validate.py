"""Whole-bank `validate`: DuckDB path vs the bare DuckDB scans it needs, time and peak memory.

    python bench/bench_validate.py [--data /tmp/banks/b1000 --data /tmp/banks/b3000] [--pandas]

For each bank, in one run, each job in its own child process (peak RSS is the child's
own ru_maxrss): (a) bare DuckDB scans of every table validate reads (every column read
once, plus a GROUP BY over the table's key); (b) `Dataset.validate()` with the default
engine (DuckDB where the source allows); optionally (c) the pandas reference path.
Prints the ratios; targets: (b) within 3x of (a), peak under 1.5 GB; from 1,000 to
3,000 branches time linear and memory flat.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

DEFAULT = Path("/tmp/banks/b1000")


def bare(data: Path) -> int:
    """Read every column of every contract table once and group each by its key."""
    import duckdb

    from branch_consult.data.contract import TABLES

    con = duckdb.connect()
    rows = 0
    for file in sorted(data.iterdir()):
        spec = TABLES.get(file.stem)
        if spec is None or file.suffix not in (".csv", ".parquet"):
            continue
        scan = (
            f"read_parquet('{file}')"
            if file.suffix == ".parquet"
            else f"read_csv('{file}', all_varchar = true, header = true)"
        )
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()]
        counts = ", ".join(f'count("{n}")' for n in names)
        rows += int(con.execute(f"SELECT count(*), {counts} FROM {scan}").fetchone()[0])
        key = [k for k in spec.key if k in names]
        if key:
            cols = ", ".join(f'"{k}"' for k in key)
            con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {scan} GROUP BY ALL HAVING count(*) > 1)"
            ).fetchall()
    return rows


def validate(data: Path, engine: str) -> int:
    from branch_consult.data import open_dataset

    report = open_dataset(data).validate(engine=engine)
    return sum(report.rows.values()) + 0 * len(report.problems)


def child(mode: str, data: Path) -> None:
    start = time.perf_counter()
    rows = bare(data) if mode == "bare" else validate(data, mode)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    print(json.dumps({"seconds": seconds, "peak": peak, "rows": rows}))


def measure(mode: str, data: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--data", str(data)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, action="append")
    ap.add_argument("--pandas", action="store_true", help="also time the pandas reference path")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    banks = args.data or [DEFAULT]
    if args.child:
        child(args.child, banks[0])
        return
    gb = 1024**3
    results = {}
    for data in banks:
        a = measure("bare", data)
        b = measure("auto", data)
        results[data] = (a, b)
        print(f"{data}: {b['rows']:,.0f} rows validated")
        print(f"  bare DuckDB scans:      {a['seconds']:7.1f} s  peak {a['peak'] / gb:5.2f} GB")
        print(f"  validate (DuckDB):      {b['seconds']:7.1f} s  peak {b['peak'] / gb:5.2f} GB")
        print(
            f"  ratio validate / bare:  {b['seconds'] / a['seconds']:7.2f}x  (target <= 3x; "
            f"peak target < 1.5 GB)"
        )
        if args.pandas:
            c = measure("pandas", data)
            print(f"  validate (pandas):      {c['seconds']:7.1f} s  peak {c['peak'] / gb:5.2f} GB")
            print(f"  ratio pandas / DuckDB:  {c['seconds'] / b['seconds']:7.2f}x")
    if len(banks) > 1:
        (a0, b0), (a1, b1) = results[banks[0]], results[banks[-1]]
        size = b1["rows"] / b0["rows"]
        print(
            f"scale {banks[0].name} -> {banks[-1].name}: rows x{size:.2f}, "
            f"validate time x{b1['seconds'] / b0['seconds']:.2f}, "
            f"peak x{b1['peak'] / b0['peak']:.2f}, bare time x{a1['seconds'] / a0['seconds']:.2f}"
        )


if __name__ == "__main__":
    main()
