"""Writing one file so that readers see the old content or the new, never half of it.

Every deliverable, score sheet and key file goes through `atomic_write`: a temporary
file in the same folder, then `os.replace`.  A whole set of files (a run's .ipynb,
.docx and .html) needs more than this; `run` stages and records sets on top of it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

#: the process umask, read once (os.umask can only be read by setting it)
UMASK = os.umask(0)
os.umask(UMASK)


def atomic_write(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; deliverables get the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
