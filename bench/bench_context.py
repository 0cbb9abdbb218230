"""The bank context at scale: the project's path against bare DuckDB, cached re-runs, per-branch slices.

    python bench/bench_context.py [--parquet /tmp/banks/b1000] [--csv /tmp/banks/b1000csv]
                                  [--big /tmp/banks/b3000] [--samples 3] [--rounds 2] [--only abcd]

In one run, each measurement in a fresh child process (so peak memory is its own and
no per-process cache helps), one at a time:
(a) a bare DuckDB aggregate of the context's figures (per-branch deposits, AUM,
    customers, products, mobile, top tier; lobby waits; referral and target figures)
    against `bank_context` from a cold result cache and cold parsed-table cache;
(b) the second run on unchanged data (`cached_bank_context`, a new process; the
    context's own time, the libraries' import time shown apart);
(c) one branch's `diagnose` given the context, median over a few branches and rounds,
    on the large bank (Parquet and CSV) against the 12-branch sample's, interleaved;
(d) the context on 1,000 vs 3,000 branches: time and peak memory, the linear fit
    and its extrapolation to 10,000 branches.
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
import json, os, resource, sys, time, warnings
warnings.simplefilter("ignore")
job, data = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
out = {}
if job == "bare":
    from bare_scan import open_bank
    con, rel, (month, prev) = open_bank(data)
    con.execute(f'''
        WITH h AS (SELECT customer_id, month,
                     sum(balance) FILTER (WHERE product IN ('deposit_demand','deposit_time')) dep,
                     sum(balance) FILTER (WHERE product <> 'credit_card') aum,
                     count(*) FILTER (WHERE balance > 0) n
                   FROM {rel('holdings')} WHERE month IN (?, ?) GROUP BY ALL),
             c AS (SELECT c.branch_id, h1.dep, h0.dep dep0, h1.aum, h0.aum aum0, h1.n, h0.n n0,
                          c.mobile_banking, c.owner_staff_id, c.last_contact_on
                   FROM {rel('customers')} c
                   LEFT JOIN h h1 ON h1.customer_id = c.customer_id AND h1.month = ?
                   LEFT JOIN h h0 ON h0.customer_id = c.customer_id AND h0.month = ?)
        SELECT branch_id, sum(dep), sum(dep0), sum(aum), sum(aum0), count(*) FILTER (WHERE n > 0),
               count(*) FILTER (WHERE n0 > 0), sum(n), count(*) FILTER (WHERE n > 0 AND mobile_banking),
               count(*) FILTER (WHERE aum >= 1e6),
               count(*) FILTER (WHERE aum >= 1e6 AND owner_staff_id IN (SELECT staff_id FROM {rel('staff')} WHERE left_on IS NULL)),
               count(*) FILTER (WHERE aum >= 1e6 AND date_diff('day', CAST(last_contact_on AS DATE), DATE '{month}-01') <= 30)
        FROM c GROUP BY branch_id''', [month, prev, month, prev]).fetchall()
    con.execute(f'''
        WITH w AS (SELECT branch_id, epoch(called_at) - epoch(issued_at) AS wait, called_at IS NULL AS walked,
                          hour(issued_at) * 60 + minute(issued_at) BETWEEN 690 AND 809 AS lunch
                   FROM {rel('queue_tickets')})
        SELECT branch_id, median(wait), quantile_cont(wait, 0.9), avg(CAST(wait > 900 AS DOUBLE)),
               avg(CAST(walked AS DOUBLE)), median(wait) FILTER (WHERE lunch), median(wait) FILTER (WHERE NOT lunch)
        FROM w GROUP BY branch_id''').fetchall()
    con.execute(f"SELECT branch_id, avg(CAST(stage = 'sold' AS DOUBLE)) FROM {rel('referrals')} GROUP BY branch_id").fetchall()
    con.execute(f'''SELECT id, sum(actual) FILTER (WHERE month <= ?) / (sum(target) / count(target) * 12)
                    FROM {rel('targets')} WHERE level = 'branch' AND metric = 'deposits' AND month LIKE ?
                    GROUP BY id''', [month, f"{month[:4]}-%"]).fetchall()
elif job == "context":
    from branch_consult.data import open_dataset
    from branch_consult.results import DiagnosticSettings
    from branch_consult.results.cache import cached_bank_context
    out["imports"] = time.perf_counter() - t0
    t0 = time.perf_counter()  # the context's own time, after Python has loaded the libraries
    bank = cached_bank_context(open_dataset(data), DiagnosticSettings(branch_id=""))
    out["branches"] = len(bank.kpis)
elif job == "diagnose":
    import pickle
    from branch_consult.data import clear_cache, open_dataset
    from branch_consult.results import DiagnosticSettings, diagnose
    from branch_consult.results.cache import cached_bank_context
    bank = cached_bank_context(open_dataset(data), DiagnosticSettings(branch_id=""))
    ids = sorted(bank.kpis["branch_id"])
    picks = ids[:: max(1, len(ids) // int(sys.argv[3]))][: int(sys.argv[3])]
    if sys.argv[4:] == ["warm"]:  # one untimed branch first: the process's one-time costs
        clear_cache()
        diagnose(open_dataset(data), DiagnosticSettings(branch_id=ids[-1]), bank)
    times, cpu = [], []
    for b in picks:
        clear_cache()
        ds = open_dataset(data)
        t, c = time.perf_counter(), time.process_time()
        diagnose(ds, DiagnosticSettings(branch_id=b), bank)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    out["times"], out["cpu"] = times, cpu
out["seconds"] = time.perf_counter() - t0
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("BENCH-RESULT " + json.dumps(out))
"""


def child(job: str, data: Path, cache: Path, *extra: str) -> dict[str, object]:
    return run_child(CHILD, job, str(data), *extra, cache=cache)


def forget_results(cache: Path) -> None:
    """Drop the cached results (bank contexts) but keep the parsed tables."""
    for entry in cache.glob("*.pickle"):
        entry.unlink()


def fit(points: list[tuple[int, float]], at: int) -> tuple[float, float, float]:
    """Slope and intercept of the least-squares line through the points, and its value at `at`."""
    slope, icept = statistics.linear_regression([p[0] for p in points], [p[1] for p in points])
    return slope, icept, icept + slope * at


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parquet", type=Path, default=Path("/tmp/banks/b1000"))
    ap.add_argument("--csv", type=Path, default=Path("/tmp/banks/b1000csv"))
    ap.add_argument("--big", type=Path, default=Path("/tmp/banks/b3000"))
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2, help="(c): rounds over the banks")
    ap.add_argument("--only", default="abcd", help="the parts to run, e.g. c")
    args = ap.parse_args()
    from branch_consult.data import sample_path

    sample = sample_path()
    root = Path(tempfile.mkdtemp(prefix="bench-context-"))
    try:
        if "a" in args.only:
            context_figures(args, root)
        if "c" in args.only:
            diagnose_figures(args, root, sample)
        if "d" in args.only:
            scale_figures(args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def load() -> str:
    """The load average (1 minute), shown with every figure: other jobs share the cores."""
    return f"load {os.getloadavg()[0]:.1f}"


def context_figures(args: argparse.Namespace, root: Path) -> None:
    """(a) and (b): the context against bare DuckDB, and its second run."""
    print(f"(a) bank context on {args.parquet} ({load()})")
    bare = child("bare", args.parquet, root / "unused")
    cold = child("context", args.parquet, root / "b1000")
    again = child("context", args.parquet, root / "b1000")
    forget_results(root / "b1000")
    parsed = child("context", args.parquet, root / "b1000")
    print(f"  bare DuckDB aggregate:        {bare['seconds']:7.2f} s")
    for label, got in (
        ("bank context, cold caches:   ", cold),
        ("same, CSV files parsed before:", parsed),
    ):
        ratio = float(got["seconds"]) / float(bare["seconds"])  # type: ignore[arg-type]
        print(
            f"  {label} {got['seconds']:7.2f} s  peak {got['peak_mb']:6.0f} MB  ({ratio:.1f}x bare; target <= 3x)"
        )
    print(
        f"  (b) second run, new process:  {again['seconds']:7.2f} s  (target < 1 s; "
        f"importing the libraries first: {again['imports']:.2f} s; {load()})"
    )


def diagnose_figures(args: argparse.Namespace, root: Path, sample: Path) -> None:
    """(c) one branch's diagnose given the context: the large banks against the sample.

    Per bank, a first process computes the context (parsing CSV files into the parsed-table
    cache) and diagnoses one branch, which may parse the tables the context does not read:
    the "first run".  Then `--rounds` rounds, each a new process per bank in turn (so a
    change of load hits every bank alike), diagnose `--samples` branches after one untimed
    branch, the per-process table cache cleared before each ("warm": parsed tables cached).
    Medians over every timed branch; wall and CPU seconds both (CPU time is the steadier
    figure when other jobs share the cores)."""
    banks = [
        (label, data)
        for label, data in (
            ("sample, 12 branches", sample),
            ("Parquet bank", args.parquet),
            ("CSV bank", args.csv),
        )
        if data.exists()
    ]
    print(
        f"(c) one branch's diagnose given the context: median of {args.samples} branches "
        f"x {args.rounds} rounds ({load()})"
    )
    first: dict[str, float] = {}
    for label, data in banks:
        got = child("diagnose", data, root / f"diag-{data.name}", "1")
        first[label] = got["times"][0]  # type: ignore[index]
    wall: dict[str, list[float]] = {label: [] for label, _ in banks}
    cpu: dict[str, list[float]] = {label: [] for label, _ in banks}
    loads: list[float] = []
    for _ in range(args.rounds):
        for label, data in banks:
            loads.append(os.getloadavg()[0])
            got = child("diagnose", data, root / f"diag-{data.name}", str(args.samples), "warm")
            wall[label] += got["times"]  # type: ignore[arg-type]
            cpu[label] += got["cpu"]  # type: ignore[arg-type]
    base, base_cpu = statistics.median(wall[banks[0][0]]), statistics.median(cpu[banks[0][0]])
    for label, _ in banks:
        med, mcpu = statistics.median(wall[label]), statistics.median(cpu[label])
        print(
            f"  {label:<22} warm {med:5.2f} s ({med / base:.2f}x the sample; target <= 2x), "
            f"CPU {mcpu:5.2f} s ({mcpu / base_cpu:.2f}x); first run {first[label]:.2f} s"
        )
    print(f"  load average during the rounds: {min(loads):.1f} to {max(loads):.1f} ({load()} now)")


def scale_figures(args: argparse.Namespace, root: Path) -> None:
    """(d) the context on 1,000 vs 3,000 branches, the fit and its extrapolation."""
    print(f"(d) scale: bank context, cold caches, 1,000 vs 3,000 branches ({load()})")
    series: dict[str, list[tuple[int, float]]] = {}
    for data in (args.parquet, args.big):
        if not data.exists():
            continue
        bare_n = child("bare", data, root / "unused")
        cache = root / f"scale-{data.name}"
        got = child("context", data, cache)
        forget_results(cache)
        warm = child("context", data, cache)
        n = int(got["branches"])  # type: ignore[call-overload]
        for name, run in (("cold", got), ("CSV parsed before", warm)):
            series.setdefault(f"time, {name} (s)", []).append((n, float(run["seconds"])))  # type: ignore[arg-type]
            series.setdefault(f"peak memory, {name} (MB)", []).append(
                (n, float(run["peak_mb"]))  # type: ignore[arg-type]
            )
        print(
            f"  {n:>6,} branches: cold {got['seconds']:7.2f} s, peak {got['peak_mb']:6.0f} MB; "
            f"CSV parsed before {warm['seconds']:6.2f} s, peak {warm['peak_mb']:6.0f} MB "
            f"(bare DuckDB {bare_n['seconds']:.2f} s; {load()})"
        )
    for name, points in series.items():
        if len(points) >= 2:
            slope, icept, at = fit(points, 10_000)
            print(
                f"  {name}: {icept:.2f} + {slope * 1000:.3f} per 1,000 branches -> {at:.1f} at 10,000"
            )


if __name__ == "__main__":
    main()
