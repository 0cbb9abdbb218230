"""CPU time of one warm batch item, step by step, child processes included.

    python bench/bench_item_cpu.py [--data BANK] [--items B001,B002,B003] [--lang zh]

Runs the diagnostic for each item as a batch worker does (one warm kernel, the warm
chart renderer, a spare LibreOffice started after each contents' layout), and reports
for the items after the first the wall time and the CPU seconds of each step: this
process, the live descendants (kernel, Chromium) and the reaped ones (LibreOffice). With
`--jobs 2` on two cores a batch is CPU bound, so CPU per item is what sets throughput.
Run it with another checkout's interpreter to compare the two side by side.
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil


def _tree_cpu() -> tuple[float, float, dict[int, float]]:
    """(this process, its reaped children, each live descendant incl. what it reaped)."""
    t = os.times()
    live: dict[int, float] = {}
    for proc in psutil.Process().children(recursive=True):
        try:
            c = proc.cpu_times()
            live[proc.pid] = c.user + c.system + c.children_user + c.children_system
        except psutil.Error:
            continue
    return t.user + t.system, t.children_user + t.children_system, live


def _cpu_between(
    a: tuple[float, float, dict[int, float]], b: tuple[float, float, dict[int, float]]
):
    """(own, children) CPU seconds spent between two snapshots."""
    own = b[0] - a[0]
    kids = b[1] - a[1]
    for pid, value in b[2].items():
        kids += value - a[2].get(pid, 0.0)
    for pid, value in a[2].items():
        if pid not in b[2]:
            kids -= value  # reaped since: its whole life is in a reaper's total now
    return own, kids


STATS: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0])  # wall, own, kids, calls


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        a, w = _tree_cpu(), time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            own, kids = _cpu_between(a, _tree_cpu())
            s = STATS[name]
            s[0] += time.perf_counter() - w
            s[1] += own
            s[2] += kids
            s[3] += 1

    return wrapper


def instrument() -> None:
    """Wrap the steps of a run (measurement only: behaviour unchanged)."""
    from branch_consult import run
    from branch_consult.batch import item
    from branch_consult.export import chart_renderer, docx_builder, office

    run._execute = timed("execute (warm kernel)", run._execute)
    for fmt, (ext, fn) in list(run.EXPORTERS.items()):
        run.EXPORTERS[fmt] = (ext, timed(f"export {fmt}", fn))
    chart_renderer.StaticRenderer.to_png = timed(
        "  charts (kaleido)", chart_renderer.StaticRenderer.to_png
    )
    office.docx_to_pdf = timed("  contents layout (LibreOffice)", office.docx_to_pdf)
    office.pdf_outline = timed("  pdf outline (pdftohtml)", office.pdf_outline)
    B = docx_builder.DocxBuilder
    B.table = timed("  tables", B.table)
    B.save = timed("  docx save", B.save)
    B.scorecard = timed("  scorecards", B.scorecard)
    B.finding = timed("  findings", B.finding)
    B.__init__ = timed("  builder init (reference)", B.__init__)
    item.notebook_summary = timed("index summary", item.notebook_summary)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=None)
    ap.add_argument("--items", default="B001,B002,B003")
    ap.add_argument("--lang", default=None)
    ap.add_argument("--no-spare", action="store_true")
    ap.add_argument("--no-office", action="store_true", help="no running LibreOffice (UNO)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-item-cpu-"))
    os.environ.setdefault("BRANCH_CONSULT_CACHE_DIR", str(tmp / "cache"))
    from branch_consult.batch.item import run_item
    from branch_consult.batch.worker import _start_renderer
    from branch_consult.export.office import keep_spare
    from branch_consult.playbooks import get_playbook
    from branch_consult.warm_kernel import WarmKernel

    instrument()
    kernel = WarmKernel()
    kernel.warm_up().result()
    _start_renderer()
    if not args.no_spare:
        keep_spare(True)
    office_server: Any = None
    if not args.no_office:
        try:  # what the worker plugin does (absent in older checkouts)
            from branch_consult.export import office_server

            office_server.keep_office(True)
        except ImportError:
            office_server = None
    import branch_consult.batch.worker as worker

    worker.current_kernel = lambda: kernel  # what a batch worker hands each item
    items = args.items.split(",")
    totals = []
    try:
        for n, branch in enumerate(items):
            if n == 1:
                STATS.clear()
            a, w = _tree_cpu(), time.perf_counter()
            entry = run_item(
                str(get_playbook("branch_diagnostic").path),
                branch,
                parameter="branch_id",
                data=args.data,
                out=str(tmp / "out"),
                params={},
                lang=args.lang,
                formats=["docx", "html"],
                plotlyjs="shared",
            )
            own, kids = _cpu_between(a, _tree_cpu())
            assert entry["status"] == "done", entry
            if n:
                totals.append((time.perf_counter() - w, own, kids))
            print(
                f"{branch}: {time.perf_counter() - w:.2f} s wall, cpu {own:.2f} + {kids:.2f} children"
            )
    finally:
        keep_spare(False)
        if office_server is not None:
            office_server.keep_office(False)
        kernel.close()
        from branch_consult.export.chart_renderer import get_renderer

        get_renderer().stop()
    k = len(totals)
    print(f"\nper item after the first ({k} items), load average {os.getloadavg()[0]:.1f}:")
    print(
        f"{'step':36s} {'wall s':>7s} {'cpu own':>8s} {'cpu kids':>8s} {'cpu all':>8s} {'calls':>6s}"
    )
    wall = sum(t[0] for t in totals) / k
    own = sum(t[1] for t in totals) / k
    kids = sum(t[2] for t in totals) / k
    for name, (w, o, c, calls) in STATS.items():
        print(
            f"{name:36s} {w / k:7.2f} {o / k:8.2f} {c / k:8.2f} {(o + c) / k:8.2f} {calls / k:6.1f}"
        )
    print(f"{'whole item':36s} {wall:7.2f} {own:8.2f} {kids:8.2f} {own + kids:8.2f}")


if __name__ == "__main__":
    main()
