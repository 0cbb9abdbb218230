"""What a Dask worker keeps warm for a batch: one kernel, one Chromium, a LibreOffice started early.

Registered by the batch on its client (a `distributed.WorkerPlugin`), so every worker —
local, remote, or one the nanny restarted after a crash — sets itself up the same way:
the kernel and the chart renderer start in the background as soon as the worker joins,
a spare LibreOffice is started after each Word contents' layout for the next one
(`export.office.SpareOffice`), and all stop when the batch unregisters the plugin or
the worker closes. Items find the
kernel with `current_kernel()`; outside a worker (tests, `run`) there is none and each
run starts its own, as before.

While the plugin is registered the worker's statistical profiler is paused: Dask samples
the running task's stack every 10 ms and keeps one call tree per second for the last
1,000 seconds, and an item's stacks (papermill, python-docx, kaleido) are deep and
varied, so that history grew each worker's own memory by 0.7–2.5 MB per item for the
first quarter of an hour of every batch (measured: docs/batch.md). Teardown resumes it.
"""

from __future__ import annotations

import threading
from typing import Any

from distributed import WorkerPlugin

from branch_consult.warm_kernel import RECYCLE_EVERY, WarmKernel

#: the plugin's name on the cluster (one batch's settings at a time per worker)
PLUGIN_NAME = "branch-consult-warm"
#: the worker's periodic callbacks that sample and keep its profile (distributed.worker.Worker)
PROFILER_CALLBACKS = ("profile", "profile-cycle")


class WarmWorker(WorkerPlugin):
    """One warm kernel (recycled every `recycle_every` items) and a warm renderer per worker."""

    name = PLUGIN_NAME

    def __init__(self, recycle_every: int = RECYCLE_EVERY, renderer: bool = True) -> None:
        self.recycle_every = recycle_every
        self.renderer = renderer
        self.kernel: WarmKernel | None = None
        #: the profiler callbacks this plugin paused, resumed at teardown
        self.paused: list[str] = []

    def __getstate__(self) -> dict[str, Any]:  # sent to workers before setup: settings only
        return {
            "recycle_every": self.recycle_every,
            "renderer": self.renderer,
            "kernel": None,
            "paused": [],
        }

    def setup(self, worker: Any) -> None:
        self.paused = pause_profiler(worker)
        if self.recycle_every > 0:  # 0: every item starts a kernel of its own
            self.kernel = WarmKernel(recycle_every=self.recycle_every)
            self.kernel.warm_up()  # in the kernel's thread: the worker's event loop is not held
        if self.renderer:
            threading.Thread(target=_start_renderer, name="bc-renderer-start", daemon=True).start()
        from branch_consult.export.office import keep_spare

        # from the first Word contents' layout on, the next LibreOffice is started early
        keep_spare(True)
        from branch_consult.export.office_server import keep_office

        keep_office(True)  # one running LibreOffice for every layout, when UNO is at hand

    def teardown(self, worker: Any) -> None:
        from branch_consult.batch.item import stop_renderers

        kernel, self.kernel = self.kernel, None
        try:
            if kernel is not None:
                kernel.close()
        finally:
            from branch_consult.export.office import keep_spare

            keep_spare(False)
            from branch_consult.export.office_server import keep_office

            keep_office(False)
            stop_renderers()
            resume_profiler(worker, self.paused)
            self.paused = []


def pause_profiler(worker: Any) -> list[str]:
    """Stop the worker's stack sampling and drop the profile it kept; the callbacks stopped."""
    callbacks = getattr(worker, "periodic_callbacks", {})
    paused = []
    for name in PROFILER_CALLBACKS:
        callback = callbacks.get(name)
        if callback is not None and callback.is_running():
            callback.stop()
            paused.append(name)
    if paused:
        from distributed import profile

        worker.profile_history.clear()
        worker.profile_keys_history.clear()
        worker.profile_keys.clear()
        worker.profile_recent = profile.create()
    return paused


def resume_profiler(worker: Any, paused: list[str]) -> None:
    """Start again the profiler callbacks `pause_profiler` stopped: the worker is left as found."""
    callbacks = getattr(worker, "periodic_callbacks", {})
    for name in paused:
        callback = callbacks.get(name)
        if callback is not None and not callback.is_running():
            callback.start()


def _start_renderer() -> None:
    from branch_consult.export.chart_renderer import get_renderer

    try:
        get_renderer().start()
    except Exception:  # the first chart tries again and reports a real failure on its item
        pass


def current_kernel() -> WarmKernel | None:
    """This worker's warm kernel, or None outside a batch worker."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return None
    plugin = worker.plugins.get(PLUGIN_NAME)
    return getattr(plugin, "kernel", None)
