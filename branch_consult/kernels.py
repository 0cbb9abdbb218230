"""The kernel manager playbook runs use: local IPC sockets rather than TCP ports.

A playbook's kernel only ever talks to this process, so it needs no network port:
Unix sockets in a private temporary folder keep client data off the loopback
interface (other local users cannot connect) and spare every run ipykernel's
"running over TCP without encryption" warning.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Mapping
from typing import Any, ClassVar

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

_root: str | None = None
_root_pid: int | None = None  # a forked child makes its own folder, never removes its parent's
_lock = threading.Lock()
#: managers whose kernels have a socket path in the folder; the last one to stop removes it
_users: weakref.WeakSet[LocalKernelManager] = weakref.WeakSet()


def _socket_dir() -> str:
    global _root, _root_pid
    if _root is None or _root_pid != os.getpid() or not os.path.isdir(_root):
        _root, _root_pid = tempfile.mkdtemp(prefix="bc-kernels-"), os.getpid()
        os.chmod(_root, 0o700)
    return _root


def _remove_socket_dir() -> None:
    """Remove this process's socket folder (when its last kernel stops, and at exit)."""
    global _root, _root_pid
    if _root is not None and _root_pid == os.getpid():
        shutil.rmtree(_root, ignore_errors=True)
    _root = _root_pid = None


atexit.register(_remove_socket_dir)


class LocalKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernels listen on Unix sockets in a private folder.

    `extra_env` goes into the kernel's environment only (never the notebook): how a run
    hands its kernel a database password that the parameters carry masked.
    """

    extra_env: ClassVar[dict[str, str]] = {}

    @classmethod
    def with_env(cls, env: Mapping[str, str]) -> type[LocalKernelManager]:
        """A kernel manager class whose kernels also get `env` (papermill takes a class)."""
        return type("LocalKernelManagerWithEnv", (cls,), {"extra_env": dict(env)})

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        # The kernel's own stderr is not the user's: cell errors arrive over the
        # messaging channel, and a kernel stopped by Ctrl-C would print its handlers'
        # tracebacks over the command's one-line message.
        kw.setdefault("stderr", subprocess.DEVNULL)
        kw.setdefault("stdout", subprocess.DEVNULL)
        if self.extra_env:
            kw["env"] = {**(kw.get("env") or os.environ), **self.extra_env}
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if restart:
            return
        with _lock:
            _users.discard(self)
            if not _users:
                _remove_socket_dir()

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        with _lock:
            _users.add(self)
            return os.path.join(_socket_dir(), "kernel")
