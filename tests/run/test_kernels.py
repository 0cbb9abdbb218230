"""Kernels listen on Unix sockets in a private folder, removed when the last kernel stops."""

from __future__ import annotations

import asyncio
import gc
import os

import pytest

from branch_consult import kernels
from branch_consult.kernels import LocalKernelManager


async def _start_two_stop_each() -> tuple[str, bool, bool]:
    first, second = (
        LocalKernelManager(kernel_name="python3"),
        LocalKernelManager(kernel_name="python3"),
    )
    folder = os.path.dirname(first.ip)
    assert os.path.dirname(second.ip) == folder
    await first.start_kernel()
    await second.start_kernel()
    await first.shutdown_kernel(now=True)
    after_first = os.path.isdir(folder)  # the second kernel still listens there
    await second.shutdown_kernel(now=True)
    return folder, after_first, os.path.isdir(folder)


@pytest.mark.slow
def test_socket_folder_is_removed_when_the_last_kernel_stops():
    gc.collect()  # managers of earlier tests that never started a kernel no longer hold it
    folder, after_first, after_last = asyncio.run(_start_two_stop_each())
    assert after_first and not after_last
    assert kernels._root is None  # the next kernel gets a new private folder
    again = LocalKernelManager(kernel_name="python3")
    assert os.path.isdir(os.path.dirname(again.ip)) and os.path.dirname(again.ip) != folder
    assert oct(os.stat(os.path.dirname(again.ip)).st_mode)[-3:] == "700"
    del again
    gc.collect()
    kernels._remove_socket_dir()  # what exit does: no folder left behind by this test


def test_a_forked_child_makes_its_own_folder_and_never_removes_its_parents(tmp_path):
    parent_folder = kernels._socket_dir()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own folder, removed by itself; the parent's left alone
        try:
            own = kernels._socket_dir()
            kernels._remove_socket_dir()
            ok = own != parent_folder and not os.path.isdir(own) and os.path.isdir(parent_folder)
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    os.close(read)
    os.close(write)
    assert os.path.isdir(parent_folder)
    kernels._remove_socket_dir()
    assert not os.path.isdir(parent_folder)
