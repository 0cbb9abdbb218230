"""The batch flow: validate once, skip current items, run the rest on Dask, record each as it ends.

`--jobs N` starts a LocalCluster of N single-threaded worker processes on loopback; an
address uses an existing cluster whose workers see the same output folder. Every item
is one task calling `run.run_playbook`; the parent alone writes the manifest and index.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from branch_consult.batch.index_page import write_index
from branch_consult.batch.item import run_item, stop_renderers
from branch_consult.batch.lock import batch_lock
from branch_consult.batch.manifest import Manifest, inputs_key
from branch_consult.batch.progress import Progress
from branch_consult.batch.spec import batch_spec, choose_items, list_items
from branch_consult.errors import ParameterError
from branch_consult.provenance import utc_now

#: a worker that dies while running an item: the item is tried once more, then recorded as failed
ALLOWED_FAILURES = 1
#: items a worker's warm kernel runs before it is replaced (`warm_kernel.py`)
RECYCLE_EVERY = 25


@dataclass
class BatchResult:
    """What a batch did: items run, skipped as current, failed; where the manifest and index are."""

    out: Path
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def manifest(self) -> Path:
        return self.out / "manifest.json"

    @property
    def index(self) -> Path:
        return self.out / "index.html"


def _cluster(jobs: int, scheduler: str | None) -> tuple[Any, Any]:
    """A Dask client on the given scheduler, or on a new loopback LocalCluster of `jobs` processes."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except OSError as exc:
            raise ParameterError(
                [f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc})"]
            ) from None
    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        cluster = LocalCluster(
            n_workers=max(1, jobs),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=40,
            # the scheduler's HTTP routes start even without a dashboard, on :8787 by default:
            # a random loopback port, so two batches (or tests) on one machine never collide
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        )
    return Client(cluster), cluster


def run_batch(
    playbook_name: str | os.PathLike[str],
    *,
    out_dir: str | os.PathLike[str],
    data: str | os.PathLike[str] | None = None,
    items: str = "all",
    params: Mapping[str, Any] | None = None,
    lang: str | None = None,
    formats: Iterable[str] = ("docx", "html"),
    jobs: int = 2,
    scheduler: str | None = None,
    stream: TextIO | None = None,
    live: bool | None = None,
    recycle_every: int = RECYCLE_EVERY,
) -> BatchResult:
    """Run the playbook once per item into `out_dir`; resume what a previous batch left undone.

    Each worker runs its items on one warm kernel, replaced every `recycle_every` items
    (0: every item starts a kernel of its own, as `run` does).
    """
    from branch_consult.export.html_exporter import write_shared_plotlyjs
    from branch_consult.playbooks import get_playbook
    from branch_consult.run import (
        EXPORTERS,
        _absolute,
        _apply_workspace,
        _opener,
        _prepare_out,
        _resolve,
        _sample_location,
        recover_staging,
    )

    formats = [f.strip() for f in formats if f.strip()]
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise ParameterError(
            [f"unknown format {', '.join(unknown)}; formats: {', '.join(EXPORTERS)}"]
        )
    if jobs < 1:
        raise ParameterError([f"--jobs {jobs}: give at least 1"])
    if recycle_every < 0:
        raise ParameterError([f"--recycle-every {recycle_every}: give 0 or more"])
    playbook = get_playbook(playbook_name)
    spec = batch_spec(playbook)
    params = dict(params or {})
    if spec.parameter in params:
        raise ParameterError(
            [f"parameter {spec.parameter!r} is what the batch varies; choose items with --items"]
        )

    # validate everything once, with the first item, before any worker starts
    data_w, params_w, lang_w, _ = _apply_workspace(playbook, data, params, lang)
    # the items first: the iterated parameter's default (the diagnostic's B003) need not exist
    location = _absolute(str(data_w)) if data_w not in (None, "") else _sample_location()
    available = list_items(spec, _opener(location))
    chosen = choose_items(spec, items, available)
    first = _resolve(playbook, data_w, {**params_w, spec.parameter: chosen[0]}, lang_w)
    fingerprint = first.dataset().fingerprint() if first.location is not None else None
    sha = playbook.sha256()
    # the workers get the location the parent settled on (workspace default or sample included)
    data_arg = _absolute(str(data_w)) if data_w not in (None, "") else first.location

    out = Path(out_dir)
    _prepare_out(out)
    result = BatchResult(out.resolve())
    with batch_lock(out):
        manifest = Manifest.load(out)
        manifest.header.update(
            playbook=playbook.name,
            playbook_sha256=sha,
            parameter=spec.parameter,
            data=first.values.get("data"),
            data_fingerprint=fingerprint,
            formats=formats,
            updated=utc_now(),
        )
        keys: dict[str, str] = {}
        todo: list[str] = []
        for item in chosen:
            values = {**first.values, spec.parameter: item}
            keys[item] = inputs_key(
                playbook_sha256=sha,
                data_fingerprint=fingerprint,
                parameters=values,
                formats=formats,
            )
            (result.skipped if manifest.is_current(item, keys[item]) else todo).append(item)
        for item in todo:
            previous = manifest.items.get(item, {})
            manifest.items[item] = {
                "status": "pending",
                "inputs": keys[item],
                "parameters": {**first.values, spec.parameter: item},
                "attempts": int(previous.get("attempts", 0)),
            }
        manifest.save()
        recover_staging(out)  # what killed runs left; items then leave each other's staging alone
        if "html" in formats:
            write_shared_plotlyjs(out)  # once, before workers race to write it

        progress = Progress(len(todo), skipped=len(result.skipped), stream=stream, live=live)
        if todo and playbook.name == "branch_diagnostic":  # workers then read, not compute, it
            from branch_consult.results.cache import warm_bank_context

            warm_bank_context(first.dataset(), first.values)
        if todo:
            _dispatch(
                todo,
                manifest,
                keys,
                progress,
                result,
                playbook_path=str(playbook.path),
                spec=spec,
                data=data_arg,
                out=str(result.out),
                params=params_w,
                lang=lang_w,
                formats=formats,
                jobs=jobs,
                scheduler=scheduler,
                recycle_every=recycle_every,
            )
        progress.close()
        write_index(out, manifest, title=playbook.title(lang_w or first.values.get("lang") or "en"))
    return result


def _dispatch(
    todo: list[str],
    manifest: Manifest,
    keys: Mapping[str, str],
    progress: Progress,
    result: BatchResult,
    *,
    playbook_path: str,
    spec: Any,
    data: str | None,
    out: str,
    params: Mapping[str, Any],
    lang: str | None,
    formats: list[str],
    jobs: int,
    scheduler: str | None,
    recycle_every: int = RECYCLE_EVERY,
) -> None:
    from distributed import as_completed

    from branch_consult.batch.worker import PLUGIN_NAME, WarmWorker

    client, cluster = _cluster(jobs, scheduler)
    try:
        # every worker (and any the nanny restarts) keeps a warm kernel and renderer
        client.register_plugin(WarmWorker(recycle_every=recycle_every))
        futures = {}
        for item in todo:
            future = client.submit(
                run_item,
                playbook_path,
                item,
                parameter=spec.parameter,
                data=data,
                out=out,
                params=dict(params),
                lang=lang,
                formats=formats,
                plotlyjs="shared",
                key=f"batch-item-{item}-{keys[item]}",
                pure=False,
                retries=1,
            )
            futures[future] = item
        pending = as_completed(list(futures))
        for future in pending:
            # forgotten once recorded, so the worker releases the item's result
            item = futures.pop(future)
            try:
                entry = future.result()
            except (
                Exception
            ) as exc:  # the task itself died (a killed worker, twice): recorded, the rest go on
                entry = {
                    "item": item,
                    "status": "failed",
                    "error": f"{type(exc).__name__}: {exc}",
                    "cell": None,
                    "files": [],
                    "finished": utc_now(),
                }
            entry["inputs"] = keys[item]
            entry["parameters"] = manifest.items[item].get("parameters", {})
            entry["attempts"] = int(manifest.items[item].get("attempts", 0)) + 1
            manifest.record(item, entry)
            (result.ran if entry["status"] == "done" else result.failed).append(item)
            progress.update(item, entry)
            future.release()
    finally:
        try:  # kernels and renderers stop; an existing cluster's workers are left as found
            client.unregister_worker_plugin(PLUGIN_NAME)
        except Exception:  # a worker already gone has nothing left to stop
            pass
        try:
            client.run(stop_renderers)
        except Exception:  # a worker already gone has no renderer left to stop
            pass
        client.close()
        if cluster is not None:
            cluster.close()
