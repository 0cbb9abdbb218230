"""One batch at a time per output folder: an advisory lock the kernel drops if the batch dies.

`flock` rather than a pid file: a SIGKILLed batch leaves no stale lock to clean up.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from branch_consult.errors import BranchConsultError

LOCK_NAME = ".batch.lock"


class BatchLocked(BranchConsultError):
    """Another batch is writing into the same output folder."""


@contextmanager
def batch_lock(out: Path) -> Iterator[Path]:
    """Hold the folder's batch lock for the block, or raise BatchLocked naming the holder."""
    path = Path(out) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            raise BatchLocked(
                f"another batch (pid {holder}) is writing into {out}; wait for it to finish or choose another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield path
    finally:
        os.close(fd)  # closing drops the lock
