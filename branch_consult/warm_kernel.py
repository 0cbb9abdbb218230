"""One kernel kept warm for many items: started once, reset between items, recycled every K.

Starting a kernel and importing the library costs more than a second per deliverable.
A batch worker keeps one `WarmKernel`: started with the library imported, its state
recorded (`kernel_state.snapshot`); each item runs through papermill on that kernel
(the `branch-consult-warm` engine hands papermill the running kernel instead of a new
one), then everything the item could leave is put back (`kernel_state.restore`). After
`recycle_every` items, after any failing item and after a crash the kernel is replaced,
so a notebook that breaks the kernel in a way no reset sees costs at most one item.

All kernel traffic goes through one thread of this object's own: the kernel client's
sockets belong to that thread's event loop, whichever thread the caller is.
"""

from __future__ import annotations

import concurrent.futures
import os
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines

from branch_consult.kernels import LocalKernelManager

#: papermill engine name under which a run is given a running kernel
ENGINE = "branch-consult-warm"
#: items a kernel runs before it is replaced (a leak no reset sees stays bounded)
RECYCLE_EVERY = 25
#: imported once per kernel: what every playbook imports first anyway
WARM_IMPORTS = (
    "pandas",
    "plotly.graph_objects",
    "branch_consult.charts",
    "branch_consult.data",
    "branch_consult.display",
    "branch_consult.reports",
    "branch_consult.results",
)
_START_TIMEOUT = 120.0

T = TypeVar("T")


class KernelUnusable(RuntimeError):
    """The warm kernel could not be started, prepared or reset (the item is run again on a new one)."""


class _WarmEngine(NBClientEngine):
    """papermill's nbclient engine, on the kernel and client of a `WarmKernel`."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        warm: WarmKernel = kwargs.pop("warm_kernel")
        client = PapermillNotebookClient(
            nb_man,
            km=warm.km,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client.kc = warm.kc  # the running client: nbclient neither starts nor stops it
        return client.execute()


papermill_engines.register(ENGINE, _WarmEngine)


class WarmKernel:
    """A kernel reused across items; `execute` runs one notebook on it as if it were fresh."""

    def __init__(self, recycle_every: int = RECYCLE_EVERY, kernel_name: str = "python3") -> None:
        self.recycle_every = max(1, int(recycle_every))
        self.kernel_name = kernel_name
        self.km: Any = None
        self.kc: Any = None
        self.items = 0  # items run on the current kernel
        self.started = 0  # kernels started so far
        self._home = tempfile.mkdtemp(prefix="bc-warm-")  # the kernel's folder between items
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="bc-warm-kernel")
        self._loop: Any = None

    # ---------------------------------------------------------------- in the kernel's thread

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self._pool.submit(fn, *args, **kwargs).result()

    def _run(self, coro: Any) -> Any:
        from jupyter_core.utils import ensure_event_loop

        # the loop nbclient's own calls use in this thread: one loop for every socket of the client
        self._loop = ensure_event_loop()
        return self._loop.run_until_complete(coro)

    def _start(self) -> None:
        km = LocalKernelManager(kernel_name=self.kernel_name)
        # sockets of its own: a replacement kernel never reuses the paths of the one it replaces
        km.ip = f"{km.ip}-{os.getpid()}-{self.started + 1}"
        self._run(km.start_kernel(cwd=self._home))
        kc = km.client()
        kc.start_channels()
        try:
            self._run(kc.wait_for_ready(timeout=_START_TIMEOUT))
        except Exception:
            kc.stop_channels()
            self._run(km.shutdown_kernel(now=True))
            raise
        self.km, self.kc, self.items = km, kc, 0
        self.started += 1
        imports = "\n".join(f"import {name}" for name in WARM_IMPORTS)
        self._exec(
            f"{imports}\nimport branch_consult.kernel_state as _bc_state\n"
            "_bc_state.snapshot()\n_bc_state.restore()\n"
        )

    def _exec(self, code: str) -> None:
        """Run code in the kernel outside any notebook: silent, no history, no counter."""

        async def run() -> None:
            msg_id = self.kc.execute(code, silent=True, store_history=False)
            while True:
                reply = await self.kc.get_shell_msg(timeout=_START_TIMEOUT)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            content = reply["content"]
            if content.get("status") != "ok":
                raise KernelUnusable(
                    f"warm kernel: {content.get('ename', 'error')}: {content.get('evalue', '')}"
                )

        self._run(run())

    def _stop(self) -> None:
        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            try:
                self._run(km.shutdown_kernel(now=True))
            except Exception:  # already dead: nothing left to stop
                pass
        if self._loop is not None:
            # a new loop for the next kernel: readers of the closed sockets stay with this one
            # (a new socket reusing a file descriptor would otherwise never be woken)
            self._loop.close()
            self._loop = None

    def _execute(self, runner: Callable[..., Any], prepare: str) -> Any:
        if self.km is None:
            self._start()
        try:
            self._exec(prepare)
        except Exception as exc:
            self._stop()
            raise KernelUnusable(f"warm kernel could not be prepared: {exc}") from exc
        try:
            result = runner(engine_name=ENGINE, warm_kernel=self)
        except BaseException:
            self._stop()  # a failed item may have left anything behind: the next item gets a new kernel
            raise
        self.items += 1
        try:
            self._exec(_RESTORE)
        except Exception:
            self._stop()
            return result
        if self.items >= self.recycle_every:
            self._stop()
        return result

    # ---------------------------------------------------------------- the caller's side

    def warm_up(self) -> concurrent.futures.Future[None]:
        """Start the kernel in the background (the first item waits for it)."""
        return self._pool.submit(lambda: None if self.km is not None else self._start())

    def execute(
        self,
        runner: Callable[..., Any],
        *,
        cwd: str | os.PathLike[str],
        env: Mapping[str, str],
    ) -> Any:
        """Run `runner(engine_name=..., warm_kernel=...)` (papermill) on the warm kernel.

        The item's working folder and environment variables are set in the kernel first,
        and the kernel's state is restored afterwards, so the item sees a fresh kernel.
        """
        # what a kernel started now would inherit (a run may have set e.g. the workspace variable
        # in this process since the kernel started), then the item's own variables
        environment = {**os.environ, **dict(env)}
        prepare = (
            "import branch_consult.kernel_state as _bc_state_prep\n"
            f"_bc_state_prep.prepare({str(Path(cwd))!r}, {environment!r})\n"
            "del _bc_state_prep\n"
        )
        return self._call(self._execute, runner, prepare)

    def close(self) -> None:
        """Shut the kernel down and end the thread (idempotent)."""
        try:
            self._call(self._stop)
        finally:
            self._pool.shutdown(wait=True)
            import shutil

            shutil.rmtree(self._home, ignore_errors=True)


_RESTORE = textwrap.dedent(
    """\
    import branch_consult.kernel_state as _bc_state_post
    _bc_state_post.restore()
    """
)
