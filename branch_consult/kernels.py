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
from collections.abc import Mapping
from typing import Any, ClassVar

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

_root: str | None = None


def _socket_dir() -> str:
    global _root
    if _root is None or not os.path.isdir(_root):
        _root = tempfile.mkdtemp(prefix="bc-kernels-")
        os.chmod(_root, 0o700)
        atexit.register(shutil.rmtree, _root, True)
    return _root


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

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        return os.path.join(_socket_dir(), "kernel")
