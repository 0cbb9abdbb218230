"""The bank overview at scale: DuckDB path against the pandas path and a bare DuckDB aggregate.

    python bench/bench_overview.py [--banks /tmp/banks/b1000 /tmp/banks/b3000] [--skip-pandas]

Each measurement runs in a fresh child process (its own peak memory, no per-process
cache), one at a time: (1) a bare DuckDB aggregate of the overview's figures (deposits,
AUM and customers per branch for the report month and its base month); (2) `bank_overview`
with cold caches (CSV tables parsed on the way); (3) the same with the CSV tables parsed
before; (4) the pandas path (`pushdown=False`); (5) `cached_bank_overview` a second time.
Ratios are against (1).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from child_run import run_child

CHILD = r"""
import json, os, resource, sys, time, warnings
warnings.simplefilter("ignore")
job, data = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
out = {}
if job == "bare":
    from bare_scan import open_bank
    con, rel, (month, base) = open_bank(data)
    con.execute(f'''SELECT h.month, c.branch_id,
                      sum(h.balance) FILTER (WHERE h.product IN ('deposit_demand', 'deposit_time')),
                      sum(h.balance) FILTER (WHERE h.product <> 'credit_card'),
                      count(DISTINCT h.customer_id)
                    FROM {rel('holdings')} h JOIN {rel('customers')} c USING (customer_id)
                    WHERE h.month IN (?, ?) GROUP BY ALL''', [month, base]).fetchall()
    con.execute(f"SELECT * FROM {rel('branches')}").fetchall()
else:
    from branch_consult.data import open_dataset
    from branch_consult.analysis.overview import bank_overview
    from branch_consult.results.cache import cached_bank_overview
    out["imports"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ds = open_dataset(data)
    ov = bank_overview(ds, pushdown=False) if job == "pandas" else cached_bank_overview(ds)
    out["branches"] = len(ov.branches)
out["seconds"] = time.perf_counter() - t0
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("BENCH-RESULT " + json.dumps(out))
"""


def child(job: str, data: Path, cache: Path) -> dict[str, float]:
    return run_child(CHILD, job, str(data), cache=cache)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--banks", type=Path, nargs="+", default=[Path("/tmp/banks/b1000")])
    ap.add_argument("--skip-pandas", action="store_true", help="leave out the pandas path")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-overview-"))
    print(f"load: {os.getloadavg()[0]:.2f} (1 min)")
    try:
        for data in args.banks:
            cache = root / data.name
            bare = child("bare", data, root / "unused")
            rows = [("bare DuckDB aggregate", bare)]
            rows.append(("overview, cold caches", child("duckdb", data, cache)))
            for entry in cache.glob("*.pickle"):
                entry.unlink()  # keep the parsed tables, drop the cached overview
            rows.append(("overview, CSV parsed before", child("duckdb", data, cache)))
            rows.append(("overview, second run (cached)", child("duckdb", data, cache)))
            if not args.skip_pandas:
                rows.append(("overview, pandas path", child("pandas", data, root / "pandas")))
            print(f"{data} ({int(rows[1][1]['branches']):,} branches)")
            for label, got in rows:
                ratio = got["seconds"] / bare["seconds"]
                print(
                    f"  {label:<31} {got['seconds']:7.2f} s  peak {got['peak_mb']:6.0f} MB  ({ratio:4.1f}x bare)"
                )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
