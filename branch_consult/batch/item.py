"""One item of a batch, as a Dask task: run the playbook, never raise for the item's own failure.

A failing cell, a bad export or a bad value becomes a `failed` entry with the message and
the failing cell; only a dead worker (the task never returns) is left to Dask, which
reruns the item once elsewhere. The summary for the index page is read from the
executed notebook's display payloads, never recomputed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from branch_consult.provenance import utc_now

SEVERITIES = ("high", "medium", "low", "info")


def _kernel_died() -> tuple[type[BaseException], ...]:
    from nbclient.exceptions import DeadKernelError

    from branch_consult.warm_kernel import KernelUnusable

    return (DeadKernelError, KernelUnusable)


#: a kernel that died under an item or could not be reset: the item is run once more
KERNEL_DIED = _kernel_died()
STATUSES = ("red", "amber", "green")


def notebook_summary(path: Path) -> dict[str, Any]:
    """Findings by severity, scorecard tiles by status and the most severe finding, from the outputs."""
    import nbformat

    from branch_consult.display import PAYLOAD_MIME

    findings = dict.fromkeys(SEVERITIES, 0)
    tiles = dict.fromkeys(STATUSES, 0)
    top, top_rank = "", len(SEVERITIES)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            payload = (output.get("data") or {}).get(PAYLOAD_MIME)
            if not isinstance(payload, dict):
                continue
            if payload.get("kind") == "finding" and payload.get("severity") in findings:
                findings[payload["severity"]] += 1
                rank = SEVERITIES.index(payload["severity"])
                if rank < top_rank:  # the first of the most severe findings
                    top, top_rank = str(payload.get("title", "")), rank
            elif payload.get("kind") == "scorecard":
                for tile in payload.get("tiles", []) or []:
                    if isinstance(tile, dict) and tile.get("status") in tiles:
                        tiles[tile["status"]] += 1
    meta = nb.metadata.get("branch_consult", {}) or {}
    return {
        "findings": findings,
        "tiles": tiles,
        "top_finding": top,
        "label": str(meta.get("branch") or ""),
        "period": str(meta.get("period") or ""),
    }


def run_item(
    playbook_path: str,
    item: str,
    *,
    parameter: str,
    data: str | None,
    out: str,
    params: Mapping[str, Any],
    lang: str | None,
    formats: list[str],
    plotlyjs: str,
) -> dict[str, Any]:
    """Run one item into the shared folder; the manifest entry (status, timings, files, error)."""
    from branch_consult.batch.worker import current_kernel
    from branch_consult.errors import BranchConsultError, PlaybookFailed
    from branch_consult.run import run_playbook

    started, clock = utc_now(), time.perf_counter()
    entry: dict[str, Any] = {"item": item, "started": started}

    def attempt() -> Any:
        return run_playbook(
            playbook_path,
            data=data,
            out_dir=out,
            params={**params, parameter: item},
            lang=lang,
            formats=formats,
            plotlyjs=plotlyjs,
            force=True,
            recover=False,  # the batch recovered the folder once, before any item
            kernel=current_kernel(),  # the worker's warm kernel; None: a new kernel per run
        )

    try:
        try:
            result = attempt()
        except KERNEL_DIED:  # the kernel crashed (or could not be reset): once more on a new one
            entry["retried"] = "kernel died"
            result = attempt()
    except PlaybookFailed as exc:
        failed = exc.failed_notebook
        entry.update(
            status="failed",
            error=str(exc),
            cell=exc.cell_index,
            ename=exc.ename,
            files=[failed.name] if failed is not None and failed.exists() else [],
        )
    except BranchConsultError as exc:
        entry.update(status="failed", error=str(exc), cell=None, files=[])
    except Exception as exc:  # a bug in one item must not stop the batch; the manifest keeps it
        entry.update(status="failed", error=f"{type(exc).__name__}: {exc}", cell=None, files=[])
    else:
        files = [p.name for p in result.paths]
        key_file = result.notebook.with_suffix(".key.csv")
        if key_file.exists():
            files.append(key_file.name)
        entry.update(
            status="done",
            files=files,
            notebook=result.notebook.name,
            outputs={fmt: p.name for fmt, p in result.outputs.items()},
        )
        try:
            entry["summary"] = notebook_summary(result.notebook)
        except Exception as exc:  # the index shows less; the deliverables are fine
            entry["summary"] = {"error": f"{type(exc).__name__}: {exc}"}
    entry["finished"] = utc_now()
    entry["seconds"] = round(time.perf_counter() - clock, 3)
    return entry


def stop_renderers() -> int:
    """Stop this process's warm Chromium (run on every worker before the cluster closes)."""
    import sys

    stopped = 0
    for name, module in list(sys.modules.items()):
        get_renderer = (
            getattr(module, "get_renderer", None) if name.startswith("branch_consult") else None
        )
        if callable(get_renderer):
            get_renderer().stop()
            stopped += 1
    return stopped
