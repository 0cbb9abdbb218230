"""Progress of a long validation: a tqdm bar on a terminal, one plain line per table otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence


def table_progress(names: Sequence[str], enabled: bool) -> Iterator[str]:
    """Yield the table names, showing which table is being checked (on stderr)."""
    if not enabled:
        yield from names
        return
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(names, desc="validate", unit="table", file=sys.stderr, leave=False)
        for name in bar:
            bar.set_postfix_str(name)
            yield name
        bar.close()
        return
    for i, name in enumerate(names, 1):
        start = time.monotonic()
        yield name
        print(
            f"validate: {i}/{len(names)} {name} ({time.monotonic() - start:.1f} s)",
            file=sys.stderr,
            flush=True,
        )
