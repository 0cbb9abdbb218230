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
import tempfile
from collections.abc import Mapping
from typing import Any

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
    """An AsyncKernelManager whose kernels listen on Unix sockets in a private folder."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        return os.path.join(_socket_dir(), "kernel")

    #: variables added to the inherited environment of this manager's kernels (see `with_env`)
    run_env: Mapping[str, str] = {}

    @classmethod
    def with_env(cls, env: Mapping[str, str]) -> type[LocalKernelManager]:
        """A manager class whose kernels also get `env` (per run, without touching this process's environment)."""
        return type(cls.__name__, (cls,), {"run_env": dict(env)})

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        if self.run_env:
            kw["env"] = {**kw.get("env", os.environ), **self.run_env}
        return await super()._async_pre_start_kernel(**kw)
