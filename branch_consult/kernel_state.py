"""Inside a warm kernel: remember the state of a fresh kernel, and put it back between items.

A batch worker keeps one kernel for many items (`warm_kernel.py`). What one item's
notebook can leave behind in the process — variables, working folder, environment
variables, `sys.path`, modules of its own, rebound globals of library modules, the
display language, plotly's default template, pandas options, matplotlib settings and open figures, warning filters and the
"shown once" registries, random seeds, locale, logging handlers, IPython's execution
counter — is recorded once after the kernel's warm-up imports and restored after every
item, so the next item runs as in a kernel just started. Libraries imported by an item
stay imported (importing them again would give the same modules); the data layer's
table cache stays too, on purpose: it is keyed by the source's identity and version and
its tables are read-only.

This module runs in the kernel only; the worker calls `snapshot()` once and `restore()`
after each item, through the kernel's messaging channel.
"""

from __future__ import annotations

import copy
import functools
import gc
import locale
import logging
import os
import random
import sys
import types
import warnings
from typing import Any

_BASE: dict[str, Any] = {}
_MISSING = object()

#: the kernel's own machinery and what `restore` puts back by other means: their globals
#: change as the kernel runs, and are not a notebook's to leave behind
_MACHINERY = frozenset(
    {
        "__main__", "builtins", "sys", "os", "posixpath", "warnings", "logging", "locale",
        "random", "asyncio", "threading", "concurrent", "selectors", "socket", "ssl",
        "signal", "io", "gc", "importlib", "encodings", "tornado", "zmq", "ipykernel",
        "IPython", "jupyter_client", "jupyter_core", "traitlets", "comm", "debugpy",
        "prompt_toolkit", "kernel_state",
    }
)  # fmt: skip


def _library_module(module: Any) -> bool:
    """An installed library or the standard library (kept): not code beside a playbook."""
    name = getattr(module, "__name__", "")
    if name.split(".")[0] == "branch_consult":
        return True
    path = getattr(module, "__file__", None)
    if not path:
        return True  # built-in or namespace package
    return _installed_file(path)


@functools.cache
def _installed_file(path: str) -> bool:
    """Under the interpreter's prefixes (asked again for the same modules after every item)."""
    real = os.path.realpath(path)
    roots = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return any(real.startswith(root + os.sep) for root in roots)


def _pandas_options() -> Any:
    pandas = sys.modules.get("pandas")
    if pandas is None:
        return None
    return copy.deepcopy(pandas._config.config._global_config)


def _set_pandas_options(saved: Any) -> None:
    pandas = sys.modules.get("pandas")
    if pandas is None:
        return
    live = pandas._config.config._global_config
    if saved is None:  # imported by an item: back to pandas' defaults
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pandas.reset_option("all")
        return
    live.clear()
    live.update(copy.deepcopy(saved))


def _module_globals() -> dict[str, dict[str, Any]]:
    """Each library module's globals as they are now (references, not copies)."""
    saved: dict[str, dict[str, Any]] = {}
    for name, module in list(sys.modules.items()):
        parts = name.split(".")
        if not isinstance(module, types.ModuleType) or name.startswith("_"):
            continue
        if parts[0] in _MACHINERY or parts[-1] in _MACHINERY:
            continue
        saved[name] = dict(vars(module))
    return saved


def _restore_module_globals(saved: dict[str, dict[str, Any]]) -> None:
    """Put back every global an item rebound or deleted (``string.ascii_uppercase = ...``).

    Objects changed in place (a cache filled, a list appended to) are left as they are:
    that is how the data layer's table cache outlives an item, on purpose.
    """
    for name, before in saved.items():
        module = sys.modules.get(name)
        if module is None:
            continue
        live = vars(module)
        for key, value in before.items():
            if live.get(key, _MISSING) is not value:
                live[key] = value


def _display_lang() -> str | None:
    words = sys.modules.get("branch_consult.display.words")
    return words.get_display_lang() if words is not None else None


def snapshot() -> None:
    """Record the kernel's state right after its warm-up imports (once per kernel)."""
    plotly_io = sys.modules.get("plotly.io")
    root = logging.getLogger()
    _BASE.clear()
    _BASE.update(
        cwd=os.getcwd(),
        environ=dict(os.environ),
        path=list(sys.path),
        argv=list(sys.argv),
        modules=set(sys.modules),
        lang=_display_lang(),
        template=plotly_io.templates.default if plotly_io else None,
        renderer=plotly_io.renderers.default if plotly_io else None,
        pandas=_pandas_options(),
        warnings=list(warnings.filters),
        locale=locale.setlocale(locale.LC_ALL),
        log_handlers=list(root.handlers),
        log_level=root.level,
        recursion=sys.getrecursionlimit(),
        globals=_module_globals(),
    )


def prepare(cwd: str, env: dict[str, str]) -> None:
    """Before an item: its working folder and its own environment variables (keys, passwords)."""
    os.chdir(cwd)
    os.environ.update(env)


def restore() -> None:
    """After an item: everything `snapshot` recorded, as it was; the user namespace emptied."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)  # %reset -f, and a new history session for the counter below
        shell.execution_count = 1
        kernel = getattr(shell, "kernel", None)
        if kernel is not None:
            kernel.execution_count = 0
    os.chdir(_BASE["cwd"])
    os.environ.clear()
    os.environ.update(_BASE["environ"])
    sys.path[:] = _BASE["path"]
    sys.argv[:] = _BASE["argv"]
    for name in [n for n in sys.modules if n not in _BASE["modules"]]:
        if not _library_module(sys.modules[name]):
            del sys.modules[name]
    _restore_module_globals(_BASE["globals"])
    words = sys.modules.get("branch_consult.display.words")
    if words is not None and _BASE["lang"] is not None:
        words.set_display_lang(_BASE["lang"])
    plotly_io = sys.modules.get("plotly.io")
    if plotly_io is not None and _BASE["template"] is not None:
        if plotly_io.templates.default != _BASE["template"]:  # setting it validates it again
            plotly_io.templates.default = _BASE["template"]
        plotly_io.renderers.default = _BASE["renderer"]
    _set_pandas_options(_BASE["pandas"])
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            matplotlib.rcParams.update(matplotlib.rcParamsOrig)
    warnings.filters[:] = _BASE["warnings"]  # type: ignore[index]  # a list at run time
    warnings._filters_mutated()  # type: ignore[attr-defined]  # every "already shown" registry is stale
    getattr(warnings, "_onceregistry", {}).clear()
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(None)
    try:
        locale.setlocale(locale.LC_ALL, _BASE["locale"])
    except locale.Error:
        pass
    root = logging.getLogger()
    root.handlers[:] = _BASE["log_handlers"]
    root.setLevel(_BASE["log_level"])
    sys.setrecursionlimit(_BASE["recursion"])
    gc.collect()
    # What is still alive now is the kernel's long-lived state (modules, the table cache):
    # moved out of the collector's reach, so the next item's collections (and IPython's
    # full one in the next reset) walk only what that item allocates. Reclaimed with the
    # kernel when it is recycled; nothing the item sees depends on it.
    gc.freeze()
