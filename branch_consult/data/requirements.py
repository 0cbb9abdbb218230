"""Which tables each playbook needs, declared as data (`playbook_tables.yaml`).

`validate` uses it to say, for every playbook, which of its tables a source lacks, and
`run` to refuse before the kernel starts when a required table is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from branch_consult.data.contract import TABLES

_FILE = Path(__file__).with_name("playbook_tables.yaml")


@dataclass(frozen=True)
class TableNeeds:
    """The tables one playbook reads."""

    playbook: str
    required: tuple[str, ...]
    optional: tuple[str, ...]


@cache
def playbook_needs() -> dict[str, TableNeeds]:
    """Every playbook's declared tables (unknown table names are a programming error)."""
    raw = yaml.safe_load(_FILE.read_text(encoding="utf-8")) or {}
    out: dict[str, TableNeeds] = {}
    for name, spec in raw.items():
        required = tuple(spec.get("required") or ())
        optional = tuple(spec.get("optional") or ())
        unknown = [t for t in (*required, *optional) if t not in TABLES]
        if unknown:
            raise ValueError(
                f"{_FILE.name}: playbook {name} names unknown table(s) {', '.join(unknown)}"
            )
        out[str(name)] = TableNeeds(str(name), required, optional)
    return out
