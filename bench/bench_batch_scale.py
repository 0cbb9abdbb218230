"""How `branch-consult batch` grows with the number of items, and whether workers' memory stays flat.

    python bench/bench_batch_scale.py [--sizes 24,96,384] [--memory-items 200] [--jobs 2]
                                      [--work DIR] [--every 5]

(a) Scaling: for each size N a bank of N branches is generated (`branch-consult
    sample-data DIR -n N`, not timed), then one `batch branch_diagnostic --jobs J` over all
    its branches (docx + html, an empty result cache) is timed. Prints the times, a
    least-squares line time = a + b * items and its R^2 (1.0: perfectly linear).
(b) Memory: a batch over `--memory-items` branches on a LocalCluster this script starts
    (the same shape as `--jobs J`: J single-threaded worker processes on loopback), given
    to the batch with `--scheduler`. Every `--every` seconds it asks each worker, through
    the Dask client, for its own RSS and the RSS of its child processes (kernels,
    Chromium) and reads how many items the manifest has recorded. Prints the samples and
    each worker's peak in the first and the last quarter of the run: flat means no leak.
`--sizes ''` or `--memory-items 0` skips a part. Banks go under --work (default a temp dir).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def make_bank(work: Path, branches: int) -> Path:
    bank = work / f"bank_{branches}"
    if not (bank / "branches.csv").exists():
        subprocess.run(
            [str(BIN / "branch-consult"), "sample-data", str(bank), "-n", str(branches)],
            check=True,
            capture_output=True,
        )
    return bank


def batch_command(bank: Path, out: Path, *extra: str) -> list[str]:
    return [str(BIN / "branch-consult"), "batch", "branch_diagnostic", "--data", str(bank)] + [
        "--out",
        str(out),
        "--formats",
        "docx,html",
        *extra,
    ]


def timed_batch(bank: Path, out: Path, jobs: int, cache: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        batch_command(bank, out, "--jobs", str(jobs)),
        check=True,
        capture_output=True,
        env={**os.environ, "BRANCH_CONSULT_CACHE_DIR": str(cache)},
    )
    return time.perf_counter() - started


def linear_fit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
    """Least squares y = a + b x: (a, b, R^2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    a = my - b * mx
    ss_res = sum((y - (a + b * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return a, b, 1.0 - ss_res / ss_tot if ss_tot else 1.0


def worker_memory() -> tuple[int, int]:
    """(this process's RSS, RSS of its descendants): runs on a Dask worker."""
    import psutil

    me = psutil.Process()
    children = 0
    for child in me.children(recursive=True):
        try:
            children += child.memory_info().rss
        except psutil.Error:  # ended between listing and reading
            pass
    return me.memory_info().rss, children


def items_recorded(manifest: Path) -> int:
    try:
        items = json.loads(manifest.read_text(encoding="utf-8"))["items"]
    except (OSError, ValueError, KeyError):
        return 0
    return sum(1 for e in items.values() if e.get("status") in ("done", "failed"))


def memory_run(bank: Path, out: Path, jobs: int, every: float, cache: Path) -> None:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=jobs,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # not :8787, as the batch does
    )
    client = Client(cluster)
    samples: list[tuple[float, int, dict[str, tuple[int, int]]]] = []
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            batch_command(bank, out, "--scheduler", cluster.scheduler_address),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "BRANCH_CONSULT_CACHE_DIR": str(cache)},
        )
        while proc.poll() is None:
            memory = client.run(worker_memory)
            samples.append(
                (time.perf_counter() - started, items_recorded(out / "manifest.json"), memory)
            )
            time.sleep(every)
    finally:
        client.close()
        cluster.close()
    wall = time.perf_counter() - started
    mb = 1024 * 1024
    workers = sorted({w for _, _, m in samples for w in m})
    print(
        f"memory: {items_recorded(out / 'manifest.json')} items in {wall:.0f} s, {len(samples)} samples"
    )
    print("  seconds  items  " + "  ".join(f"w{i} own / +children MB" for i in range(len(workers))))
    step = max(1, len(samples) // 12)
    for t, n, memory in samples[::step]:
        cells = [
            f"{memory[w][0] / mb:7.0f} / {sum(memory[w]) / mb:7.0f}" if w in memory else "   -"
            for w in workers
        ]
        print(f"  {t:7.0f}  {n:5d}  " + "    ".join(cells))
    quarter = max(1, len(samples) // 4)
    for i, w in enumerate(workers):
        first = [sum(m[w]) for _, _, m in samples[:quarter] if w in m]
        last = [sum(m[w]) for _, _, m in samples[-quarter:] if w in m]
        own_first = [m[w][0] for _, _, m in samples[:quarter] if w in m]
        own_last = [m[w][0] for _, _, m in samples[-quarter:] if w in m]
        if first and last:
            print(
                f"  w{i} peak, first quarter -> last quarter: own {max(own_first) / mb:.0f} -> "
                f"{max(own_last) / mb:.0f} MB, with children {max(first) / mb:.0f} -> "
                f"{max(last) / mb:.0f} MB"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="24,96,384")
    ap.add_argument("--memory-items", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--every", type=float, default=5.0)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = args.work or Path(tmp)
        run = Path(tempfile.mkdtemp(prefix="runs-", dir=tmp))
        times = []
        for n in sizes:
            bank = make_bank(work, n)
            times.append(timed_batch(bank, run / f"out_{n}", args.jobs, run / f"cache_{n}"))
            print(f"{n:5d} items: {times[-1]:7.1f} s  ({times[-1] / n:5.2f} s/item)", flush=True)
        if len(sizes) >= 2:
            a, b, r2 = linear_fit([float(n) for n in sizes], times)
            print(f"fit: time = {a:.1f} s + {b:.2f} s/item x items; R^2 = {r2:.4f}")
        if args.memory_items:
            bank = make_bank(work, args.memory_items)
            memory_run(bank, run / "out_memory", args.jobs, args.every, run / "cache_memory")


if __name__ == "__main__":
    main()
