"""A warm static renderer for Word/PDF deliverables: plotly figures to PNG with kaleido.

:class:`StaticRenderer` keeps one headless Chromium (kaleido) open and renders many
figures to PNG. A cold kaleido start costs seconds per figure; warm renders cost a
tenth of that, which is what makes batch Word exports affordable.  Export-side code:
the kernel builds figures (`branch_consult.charts`), exporters render them here.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from branch_consult.formats import clean_text


def _kaleido_options(timeout: float) -> dict[str, Any]:
    # MathJax would be fetched from a CDN: deliverables never need it, and offline it stalls.
    return {"n": 1, "timeout": timeout, "mathjax": False}


def _clean_strings(value: Any) -> Any:
    """Every string in a figure spec without the control characters Chromium rejects."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {k: _clean_strings(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_strings(v) for v in value]
    if hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "OUS":
        return [_clean_strings(v) for v in value.tolist()]
    return value


def _fig_for_kaleido(fig: Any) -> Any:
    """A plain figure dict whose data values (e.g. branch names) cannot break the renderer."""
    spec = fig if isinstance(fig, Mapping) else fig.to_plotly_json()
    return {
        "data": _clean_strings(list(spec.get("data") or [])),
        "layout": _clean_strings(dict(spec.get("layout") or {})),
    }


class StaticRenderer:
    """A kaleido (headless Chromium) kept open to render many figures to PNG.

    Use as a context manager, or :func:`get_renderer` for the process-wide instance.
    kaleido's own ``start_sync_server`` is not used because a Chromium that fails to
    start there leaves callers waiting forever; here every call has a timeout and a
    start-up failure is raised to the caller.
    """

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._lock = threading.Lock()
        self.renders = 0
        #: the tab held by the open `document` (None: every render borrows and reloads one)
        self._tab: Any = None
        self._tab_owner: int | None = None

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def start(self) -> StaticRenderer:
        """Start Chromium (idempotent)."""
        with self._lock:
            if self._kaleido is not None:
                return self
            import kaleido

            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="bc-kaleido", daemon=True)
            thread.start()

            async def _open() -> Any:
                k = kaleido.Kaleido(**_kaleido_options(self.timeout))
                await k.__aenter__()
                return k

            try:
                self._kaleido = asyncio.run_coroutine_threadsafe(_open(), loop).result(self.timeout)
            except BaseException:
                loop.call_soon_threadsafe(loop.stop)
                thread.join(5)
                loop.close()
                raise
            self._loop, self._thread = loop, thread
            # registered after kaleido's temp-dir finaliser, so Chromium closes before it runs
            atexit.register(self.stop)
            return self

    def stop(self) -> None:
        """Close Chromium and the event-loop thread (idempotent)."""
        with self._lock:
            if self._kaleido is None or self._loop is None:
                return
            k, loop, thread = self._kaleido, self._loop, self._thread
            self._kaleido = self._loop = self._thread = None
            try:
                asyncio.run_coroutine_threadsafe(k.__aexit__(None, None, None), loop).result(30)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                if thread is not None:
                    thread.join(10)
                loop.close()

    def to_png(self, fig: Any, width: int = 900, height: int = 450, scale: float = 2.0) -> bytes:
        """Render a plotly figure (object or dict) to PNG bytes; starts Chromium if needed."""
        if not self.running:
            self.start()
        loop, k = self._loop, self._kaleido
        assert loop is not None
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        if self._tab is not None and self._tab_owner == threading.get_ident():
            coro = self._render_on_held_tab(_fig_for_kaleido(fig), opts)
        else:
            coro = k.calc_fig(_fig_for_kaleido(fig), opts=opts)
        data = asyncio.run_coroutine_threadsafe(coro, loop).result(self.timeout)
        self.renders += 1
        loop.call_soon_threadsafe(_forget_finished_event_tasks, k)
        return bytes(data)

    async def _render_on_held_tab(self, spec: dict[str, Any], opts: dict[str, Any]) -> bytes:
        from kaleido import _profiler
        from kaleido._utils import fig_tools

        full = fig_tools.coerce_for_js(spec, None, opts)
        profile = _profiler.RenderTaskProfile(full, None, self._tab.tab.target_id)
        return bytes(
            await asyncio.wait_for(
                self._tab._calc_fig(full, topojson=None, render_prof=profile, stepper=False),
                self.timeout,
            )
        )

    @contextlib.contextmanager
    def document(self) -> Iterator[StaticRenderer]:
        """Render one document's charts on one page, reloaded once at the end, not after each.

        kaleido reloads its page (parsing plotly.js again) after every figure, which costs
        Chromium about three times the render itself. Inside this block the renders of the
        calling thread share one page load; the PNGs are byte-identical (tested). The page
        is reloaded when the block ends, so no document sees another's page. Without
        kaleido's tab API (another kaleido version) every render borrows a tab as before.
        """
        if not self.running:
            self.start()
        assert self._loop is not None
        k = self._kaleido
        if (
            self._tab is not None
            or not all(hasattr(k, name) for name in ("_get_kaleido_tab", "_return_kaleido_tab"))
            or not _held_tab_api()
        ):
            yield self  # nested, or a kaleido without the tab API: renders as usual
            return
        tab = asyncio.run_coroutine_threadsafe(k._get_kaleido_tab(), self._loop).result(
            self.timeout
        )
        if not hasattr(tab, "_calc_fig"):
            asyncio.run_coroutine_threadsafe(k._return_kaleido_tab(tab), self._loop).result(
                self.timeout
            )
            yield self
            return
        self._tab, self._tab_owner = tab, threading.get_ident()
        try:
            yield self
        finally:
            self._tab = self._tab_owner = None
            asyncio.run_coroutine_threadsafe(k._return_kaleido_tab(tab), self._loop).result(
                self.timeout
            )
            self._loop.call_soon_threadsafe(_forget_finished_event_tasks, k)

    def __enter__(self) -> StaticRenderer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _forget_finished_event_tasks(k: Any) -> None:
    """Drop the finished tasks choreographer keeps for every browser event (on the loop's thread).

    kaleido subscribes a debug printer to every event of its tabs; choreographer runs each
    call as a task and keeps it in a set that is only emptied when the browser closes, so
    a warm renderer gained ~9 tasks per Word document for the life of the worker.
    """
    tasks = getattr(getattr(k, "_broker", None), "_background_tasks_cancellable", None)
    if isinstance(tasks, set):
        tasks.difference_update([t for t in tasks if t.done()])


_shared: dict[str, StaticRenderer] = {}


def _held_tab_api() -> bool:
    """Whether this kaleido has the internals a held tab renders with (kaleido 1.5 does)."""
    try:
        from kaleido import _profiler  # noqa: F401
        from kaleido._utils import fig_tools  # noqa: F401
    except ImportError:
        return False
    return True


def get_renderer() -> StaticRenderer:
    """The process-wide warm renderer (started on first render, stopped at exit)."""
    if "r" not in _shared:
        _shared["r"] = StaticRenderer()
    return _shared["r"]


def render_png_cold(fig: Any, width: int = 900, height: int = 450, scale: float = 2.0) -> bytes:
    """Render with a fresh Chromium that is closed afterwards (the slow path; for comparison)."""
    with StaticRenderer() as r:
        return r.to_png(fig, width, height, scale)
