"""Campaign plan and review on a generated bank: analysis only and end to end.

    python bench/bench_campaign.py [--branches 1000] [--customers-per-branch 300] [--data DIR] [--skip-e2e]

In one run: (a) baseline: a bare DuckDB read into pandas of what the campaign reads
(customers, one month of holdings, the campaign's results); (b) `analyse_plan` and
(c) `analyse_review` on the whole bank with the shipped deposit drive (branches: all);
(d) end to end: `run_playbook` for each stage (papermill + Word + HTML, English).
Prints each time and its ratio to (a). The bank is generated once into bench/_data.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings

import duckdb
from generated_bank import add_bank_arguments, bank_folder

from branch_consult.campaign import analyse_plan, analyse_review
from branch_consult.campaign_plan import default_plan_path, load_plan
from branch_consult.data import clear_cache, open_dataset


def main() -> None:
    ap = argparse.ArgumentParser()
    add_bank_arguments(ap, customers_per_branch=300)
    ap.add_argument("--skip-e2e", action="store_true")
    ap.add_argument("--stages", default="plan,review", help="stages to run end to end")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    data = bank_folder(args)
    plan = load_plan(default_plan_path())

    t = time.perf_counter()
    con = duckdb.connect()
    month = con.execute(
        f"SELECT max(month) FROM read_parquet('{data}/holdings.parquet')"
    ).fetchone()[0]
    customers = con.execute(f"SELECT * FROM read_parquet('{data}/customers.parquet')").df()
    con.execute(
        f"SELECT * FROM read_parquet('{data}/holdings.parquet') WHERE month = ?", [month]
    ).df()
    con.execute(
        f"SELECT * FROM read_parquet('{data}/campaign_results.parquet') WHERE campaign_id = ?",
        [plan.review.campaign_id],
    ).df()
    base = time.perf_counter() - t

    clear_cache()
    ds = open_dataset(data)
    t = time.perf_counter()
    planned = analyse_plan(ds, plan)
    t_plan = time.perf_counter() - t
    t = time.perf_counter()
    review = analyse_review(ds, plan, planned)
    t_review = time.perf_counter() - t
    conv = review.uplift.set_index("measure").loc["converted"]

    print(
        f"branches: {len(planned.branches)}; customers: {len(customers):,}; holdings month {month}"
    )
    print(f"baseline: bare DuckDB read of the inputs:  {base:7.2f} s")
    print(
        f"analyse_plan (whole bank):                 {t_plan:7.2f} s  ({t_plan / base:5.1f}x baseline)"
    )
    print(
        f"analyse_review (given the plan result):    {t_review:7.2f} s  ({t_review / base:5.1f}x baseline)"
    )
    print(
        f"  conversion uplift {conv['difference']:.4f} [{conv['low']:.4f}, {conv['high']:.4f}] (planted 0.08)"
    )
    if args.skip_e2e:
        return
    from branch_consult.run import run_playbook

    with tempfile.TemporaryDirectory() as out:
        for stage in args.stages.split(","):
            t = time.perf_counter()
            result = run_playbook(
                "campaign_plan", data=str(data), out_dir=out, lang="en", params={"stage": stage}
            )
            took = time.perf_counter() - t
            sizes = ", ".join(
                f"{k} {p.stat().st_size / 1e6:.1f} MB" for k, p in result.outputs.items()
            )
            print(
                f"end to end, {stage:6s} stage (docx + html):  {took:7.2f} s  ({took / base:5.1f}x baseline; {sizes})"
            )


if __name__ == "__main__":
    main()
