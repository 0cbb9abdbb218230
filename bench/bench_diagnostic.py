"""Diagnostic analysis time for one branch of a 1,000-branch bank.

    python bench/bench_diagnostic.py [--branches 1000] [--customers-per-branch 1000] [--data DIR]

In one run: (a) baseline: reading one branch's customers and holdings with a bare
DuckDB query into pandas; (b) the bank context (KPIs of every branch for the peer
comparison), computed once per bank and shared by a batch; (c) `diagnose` for one
branch given that context (median over several branches, cold data cache each time,
since a batch also reads each branch once).  Prints (c)/(a).
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import duckdb
from generated_bank import add_bank_arguments, bank_folder

from branch_consult.data import clear_cache, open_dataset
from branch_consult.results import DiagnosticSettings, bank_context, diagnose


def main() -> None:
    ap = argparse.ArgumentParser()
    add_bank_arguments(ap)
    ap.add_argument("--samples", type=int, default=5)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    data = bank_folder(args)
    ids = sorted(
        r[0]
        for r in duckdb.sql(
            f"SELECT branch_id FROM read_parquet('{data}/branches.parquet')"
        ).fetchall()
    )
    picks = ids[:: max(1, len(ids) // args.samples)][: args.samples]

    def bare(branch: str) -> float:
        t = time.perf_counter()
        con = duckdb.connect()
        c = con.execute(
            f"SELECT * FROM read_parquet('{data}/customers.parquet') WHERE branch_id = ?", [branch]
        ).df()
        con.register("ids", c[["customer_id"]])
        con.execute(
            f"SELECT * FROM read_parquet('{data}/holdings.parquet') WHERE customer_id IN (SELECT customer_id FROM ids)"
        ).df()
        return time.perf_counter() - t

    t = time.perf_counter()
    ds = open_dataset(data)
    bank = bank_context(ds)
    t_bank = time.perf_counter() - t
    t_bare, t_diag = [], []
    for b in picks:
        t_bare.append(bare(b))
        clear_cache()
        ds = open_dataset(data)
        t = time.perf_counter()
        d = diagnose(ds, DiagnosticSettings(branch_id=b), bank)
        t_diag.append(time.perf_counter() - t)
        print(f"  {b}: {t_diag[-1]:.2f} s, {len(d.findings)} findings")
    bare_med, diag_med = statistics.median(t_bare), statistics.median(t_diag)
    print(f"branches: {len(ids)}; sampled {len(picks)}")
    print(f"bank context (once per bank):          {t_bank:7.2f} s")
    print(f"bare DuckDB read of one branch's slice: {bare_med:7.3f} s (median)")
    print(f"diagnose one branch (given context):    {diag_med:7.3f} s (median)")
    print(f"ratio diagnose / bare slice read:       {diag_med / bare_med:7.1f}x")


if __name__ == "__main__":
    main()
