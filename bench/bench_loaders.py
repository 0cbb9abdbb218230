"""Per-branch deposits and AUM for a whole bank: project loaders vs a bare DuckDB GROUP BY.

    python bench/bench_loaders.py [--branches 1000] [--customers-per-branch 1000] [--data DIR]

Generates the bank once (cached under bench/_data), then in one run times, best of
three each: (a) a bare DuckDB GROUP BY over the same Parquet files, (b) the project's
`open_dataset` + `branch_balances` (with its push-down validation), cold cache each
time, and (c) loading one branch's validated slice of customers and holdings.
Prints the ratio (b)/(a); the target is within 3x.
"""

from __future__ import annotations

import argparse
import time

import duckdb
from generated_bank import add_bank_arguments, bank_folder

from branch_consult.data import clear_cache, open_dataset
from branch_consult.data.aggregate import branch_balances

BARE = """
SELECT c.branch_id,
       sum(h.balance) FILTER (WHERE h.product IN ('deposit_demand','deposit_time')) AS deposits,
       sum(h.balance) FILTER (WHERE h.product <> 'credit_card') AS aum
FROM read_parquet('{d}/holdings.parquet') h JOIN read_parquet('{d}/customers.parquet') c USING (customer_id)
WHERE h.month = ? GROUP BY c.branch_id
"""


def best_of(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    add_bank_arguments(ap)
    args = ap.parse_args()
    data = bank_folder(args)
    month = duckdb.sql(
        f"SELECT max(month) FROM read_parquet('{data}/holdings.parquet')"
    ).fetchall()[0][0]
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{data}/holdings.parquet')").fetchall()[
        0
    ][0]

    def bare():
        con = duckdb.connect()
        return con.execute(BARE.format(d=data), [month]).df()

    def project():
        clear_cache()
        return branch_balances(open_dataset(data), month)

    ids = sorted(
        r[0]
        for r in duckdb.sql(
            f"SELECT branch_id FROM read_parquet('{data}/branches.parquet')"
        ).fetchall()
    )
    middle = ids[len(ids) // 2]

    def one_branch():
        clear_cache()
        ds = open_dataset(data)
        customers, holdings = ds.table("customers", middle), ds.table("holdings", middle)
        assert len(customers) and len(holdings)
        return customers, holdings

    a, b = bare(), project()
    assert abs(a["deposits"].sum() - b["deposits"].sum()) < 1e-3 * a["deposits"].sum()
    t_bare, t_project, t_branch = best_of(bare), best_of(project), best_of(one_branch)
    print(f"holdings rows: {rows:,}; month {month}")
    print(f"bare DuckDB GROUP BY:            {t_bare:7.3f} s")
    print(f"project loaders + aggregate:     {t_project:7.3f} s")
    print(f"ratio project / bare:            {t_project / t_bare:7.2f}x  (target <= 3x)")
    print(
        f"one branch's validated slice:    {t_branch:7.3f} s  ({middle}: customers + holdings, cold cache)"
    )


if __name__ == "__main__":
    main()
