"""SQL sources (SQLite, PostgreSQL): validate and the bank context, in the database vs pulling rows.

    python bench/bench_sql_source.py [--branches 150] [--bank /tmp/sqlpush-bank150]

Generates a bank (`branch-consult sample-data DIR -n N`, Parquet), copies it into a SQLite
file and into a throw-away PostgreSQL server, then times, each job in its own child
process (peak RSS is the child's own VmHWM, so the server's memory is not counted):
(a) `validate()`: tables streamed into DuckDB in batches and checked there, vs
    `validate(engine="pandas")`: whole tables read into pandas;
(b) `bank_context()`: figures added up in the client's database (`sql_bank_figures`),
    vs the source with `pushdown = False`: customers, holdings and tickets pulled into pandas.
Prints a table of seconds and peak MB side by side.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def job(url: str, what: str, pushdown: bool) -> dict[str, float]:
    """One measurement in this (child) process."""
    import warnings

    from branch_consult.data import Dataset
    from branch_consult.data.sources import open_source

    warnings.simplefilter("ignore")
    source = open_source(url)
    source.pushdown = pushdown
    start = time.perf_counter()
    if what == "validate":
        report = Dataset(source).validate(engine="auto" if pushdown else "pandas")
        rows = sum(report.rows.values())
    else:
        from branch_consult.results.branch_diagnostic import bank_context

        rows = len(bank_context(Dataset(source)).kpis)
    seconds = time.perf_counter() - start
    # VmHWM, not ru_maxrss: Linux carries a parent's peak into a child across exec
    status = Path("/proc/self/status").read_text()
    peak = int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1]) / 1024
    return {"seconds": seconds, "peak_mb": peak, "rows": rows}


def _child(url: str, what: str, pushdown: bool) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--job", what, "--url", url, *([] if pushdown else ["--pull"])],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _generate(bank: Path, branches: int) -> None:
    if (bank / "holdings.parquet").exists():
        return
    subprocess.run(
        [
            str(Path(sys.executable).with_name("branch-consult")),
            "sample-data",
            str(bank),
            "-n",
            str(branches),
        ],
        check=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=150)
    parser.add_argument("--bank", type=Path, default=None)
    parser.add_argument("--job", choices=["validate", "context"])
    parser.add_argument("--url")
    parser.add_argument("--pull", action="store_true")
    args = parser.parse_args()
    if args.job:
        print(json.dumps(job(args.url, args.job, not args.pull)))
        return
    from tests.pg_server import fresh_database, throwaway_postgres
    from tests.sql_bank import copy_into

    bank = args.bank or Path(f"/tmp/sqlpush-bank{args.branches}")
    _generate(bank, args.branches)
    sqlite_file = bank.with_suffix(".sqlite")
    if not sqlite_file.exists():
        copy_into(bank, f"sqlite:///{sqlite_file}")
    rows: list[tuple[str, str, dict[str, float], dict[str, float]]] = []
    with throwaway_postgres() as server:
        pg = fresh_database(server, "bench")
        start = time.perf_counter()
        copy_into(bank, pg)
        print(f"copied {bank} into PostgreSQL in {time.perf_counter() - start:.0f} s", flush=True)
        for name, url in (("SQLite", f"sqlite:///{sqlite_file}"), ("PostgreSQL", pg)):
            for what in ("validate", "context"):
                pushed = _child(url, what, True)
                pulled = _child(url, what, False)
                rows.append((name, what, pushed, pulled))
                print(name, what, pushed, pulled, flush=True)
    print()
    print(f"bank: {bank} ({args.branches} branches)")
    print(
        f"{'source':<11} {'job':<9} {'in database s':>13} {'MB':>6} {'pulled s':>9} {'MB':>6} {'time x':>7}"
    )
    for name, what, a, b in rows:
        print(
            f"{name:<11} {what:<9} {a['seconds']:>13.1f} {a['peak_mb']:>6.0f} "
            f"{b['seconds']:>9.1f} {b['peak_mb']:>6.0f} {b['seconds'] / a['seconds']:>7.1f}"
        )


if __name__ == "__main__":
    main()
