"""Staff-fit case review: one review end to end, and the analysis alone, on a large generated bank.

    python bench/bench_staff_review.py [--data DIR] [--branches 1000] [--samples 3]

In one run, each against a baseline measured alongside:
(a) analysis alone: `review()` of one person (the planted under-performer), cold data
    cache (reading and validating the tables included) and again with the tables
    cached (the analysis itself), against a bare DuckDB/pandas read of the tables it
    needs (staff and targets of the whole bank, events and assessments of the branch);
(b) end to end: `run_playbook("staff_fit_review")` to Word + HTML for the planted
    pair, against the same pipeline on a trivial notebook (one table, one chart).
Prints medians and the ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import duckdb

from branch_consult.analysis.staff_review import ReviewSettings, review
from branch_consult.data import clear_cache, open_dataset
from branch_consult.run import run_playbook

TRIVIAL = Path(__file__).resolve().parent.parent / "tests" / "notebooks" / "simple.ipynb"


def _read(data: Path, table: str) -> str:
    for ext, fn in (("parquet", "read_parquet"), ("csv", "read_csv_auto")):
        if (data / f"{table}.{ext}").exists():
            return f"{fn}('{data / f'{table}.{ext}'}')"
    raise FileNotFoundError(table)


def bare(data: Path, branch: str) -> float:
    """The tables a review reads, straight into pandas with DuckDB (no validation, no analysis)."""
    t = time.perf_counter()
    con = duckdb.connect()
    staff = con.execute(f"SELECT * FROM {_read(data, 'staff')}").df()
    con.execute(f"SELECT * FROM {_read(data, 'targets')}").df()
    ids = staff.loc[staff["branch_id"] == branch, "staff_id"].tolist()
    con.register("ids", staff.loc[staff["branch_id"] == branch, ["staff_id"]])
    for table in ("staff_events", "assessments"):
        con.execute(
            f"SELECT * FROM {_read(data, table)} WHERE staff_id IN (SELECT staff_id FROM ids)"
        ).df()
    con.execute(f"SELECT * FROM {_read(data, 'role_profiles')}").df()
    assert ids
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=1000)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--samples", type=int, default=3)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    data = args.data or Path(__file__).parent / "_data" / f"bank_{args.branches}"
    if not (data / "planted.json").exists():
        from branch_consult.data.generator import write_sample_bank

        write_sample_bank(data, branches=args.branches, seed=1, progress=True)
    planted = json.loads((data / "planted.json").read_text(encoding="utf-8"))
    weak, star = planted["underperformer"], planted["top_performer_lost"]

    t_bare, t_review, t_warm = [], [], []
    for _ in range(args.samples):
        t_bare.append(bare(data, weak["branch_id"]))
        clear_cache()
        t = time.perf_counter()
        r = review(open_dataset(data), ReviewSettings(staff_ids=[weak["staff_id"]]))
        t_review.append(time.perf_counter() - t)
        t = time.perf_counter()  # again, tables already validated and cached: the analysis alone
        review(open_dataset(data), ReviewSettings(staff_ids=[weak["staff_id"]]))
        t_warm.append(time.perf_counter() - t)
    staff_rows = len(open_dataset(data).table("staff"))
    person = r.people[0]
    print(
        f"bank: {data} ({staff_rows} staff); person {weak['staff_id']}: "
        f"underperformer={person.underperformer}, better fit={person.facts['better_role']}"
    )
    print(
        f"bare read of the review's tables:     {statistics.median(t_bare):7.3f} s (median of {args.samples})"
    )
    print(
        f"review() of one person (cold cache):  {statistics.median(t_review):7.3f} s (median of {args.samples})"
    )
    print(
        f"ratio review / bare read:             {statistics.median(t_review) / statistics.median(t_bare):7.1f}x"
    )
    print(
        f"review() again, tables cached:        {statistics.median(t_warm):7.3f} s "
        f"({statistics.median(t_warm) / statistics.median(t_bare):.1f}x the bare read)"
    )

    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        run_playbook(str(TRIVIAL), out_dir=Path(out) / "trivial", formats=["docx", "html"])
        t_trivial = time.perf_counter() - t
        t = time.perf_counter()
        result = run_playbook(
            "staff_fit_review",
            data=str(data),
            out_dir=Path(out) / "review",
            params={"staff_ids": f"{weak['staff_id']},{star['staff_id']}"},
            formats=["docx", "html"],
        )
        t_run = time.perf_counter() - t
    print(f"trivial notebook to Word + HTML:      {t_trivial:7.2f} s")
    print(
        f"staff review (pair) to Word + HTML:   {t_run:7.2f} s ({', '.join(sorted(result.outputs))})"
    )
    print(f"ratio review run / trivial run:       {t_run / t_trivial:7.1f}x")


if __name__ == "__main__":
    main()
