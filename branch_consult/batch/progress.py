"""Progress of a batch: a live tqdm bar on a terminal, one plain line per item otherwise."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


class Progress:
    """Counts done and failed items; shows rate and time left."""

    def __init__(
        self,
        total: int,
        *,
        skipped: int = 0,
        stream: TextIO | None = None,
        live: bool | None = None,
    ):
        self.total, self.skipped, self.done, self.failed = total, skipped, 0, 0
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.started = time.monotonic()
        self._bar: Any = None
        if self.live and total:
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=self.stream, unit="item", dynamic_ncols=True)
            self._bar.set_postfix(done=0, failed=0)

    def update(self, item: str, entry: dict[str, Any]) -> None:
        if entry.get("status") == "done":
            self.done += 1
        else:
            self.failed += 1
        if self._bar is not None:
            self._bar.set_postfix(done=self.done, failed=self.failed)
            self._bar.update(1)
            if entry.get("status") != "done":
                self._bar.write(f"failed {item}: {entry.get('error', '')}", file=self.stream)
            return
        finished = self.done + self.failed
        elapsed = time.monotonic() - self.started
        rate = finished / elapsed if elapsed > 0 else 0.0
        left = (self.total - finished) / rate if rate > 0 else 0.0
        line = (
            f"[{finished}/{self.total}] {entry.get('status')} {item} ({entry.get('seconds', 0):.1f} s)"
            f"  done {self.done}, failed {self.failed}, {rate * 60:.1f} items/min, ~{left:.0f} s left"
        )
        if entry.get("status") != "done":
            line += f"\n    {entry.get('error', '')}"
        print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
