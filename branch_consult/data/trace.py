"""A record of the costly things a process does to a data source, to count a run's hops.

A run opens its source in the parent (checks, fingerprint, cover) and again in the
kernel; what the parent learnt is handed to the kernel rather than learnt twice
(docs/architecture.md, "One way through the data"). When `$BRANCH_CONSULT_TRACE_FILE`
names a file, every process appends one line per event: `<pid> <event> <source label>`,
so a test can count the opens, fingerprints and month scans of one run across the
parent and its kernel. Unset (always, outside tests), recording costs one lookup.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

ENV = "BRANCH_CONSULT_TRACE_FILE"
#: what is recorded: a source opened, its fingerprint computed, a table's months counted,
#: a column's distinct values read
EVENTS = ("open", "fingerprint", "months", "distinct")


def record(event: str, label: str) -> None:
    """Append `event` on the source `label` to the trace file, when one is named."""
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {event} {label}\n")


def counts(path: str | os.PathLike[str]) -> dict[int, Counter[str]]:
    """Events per process id in a trace file."""
    per_pid: dict[int, Counter[str]] = {}
    text = Path(path).read_text(encoding="utf-8") if Path(path).is_file() else ""
    for line in text.splitlines():
        pid, event, _ = line.split(" ", 2)
        per_pid.setdefault(int(pid), Counter())[event] += 1
    return per_pid
