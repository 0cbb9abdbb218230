"""Parsed CSV and Excel tables kept as Parquet, so one branch's slice does not re-parse the bank.

Typing a 19 MB targets.csv takes about a second; a batch of 1,000 branch reports (one
kernel each) would pay it 1,000 times to keep one branch's rows each time.  The first
read of a CSV or Excel table stores the typed whole table, with the problems found
while reading and typing it, as one Parquet file keyed by the file's fingerprint (path,
size, modification time), the table, the parsing code and the parsing limits.  Later
reads take their slice from that file and get the same rows, dtypes, row numbers and
problems as a fresh parse.

The folder is `$BRANCH_CONSULT_CACHE_DIR/tables`, else `$XDG_CACHE_HOME/branch-consult/tables`
(`~/.cache/...`), private to its owner (it holds client data); entries are written
atomically and a broken or unwritable cache only costs a fresh parse.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from branch_consult.data.limits import Limits
from branch_consult.data.problems import Problem

ENV_DIR = "BRANCH_CONSULT_CACHE_DIR"
_META = b"branch_consult.parsed"
_ORDER = "__bc_source_order__"
#: rows per Parquet row group: small enough that a branch's keys touch few groups
_ROW_GROUP = 16_384
#: the modules whose code decides what a parsed table holds
_PARSING_CODE = (
    "parsing.py",
    "contract.py",
    "sources.py",
    "limits.py",
    "problems.py",
    "parsed_cache.py",
)


@dataclass
class Parsed:
    """A typed table (index = source row) and what reading and typing it found."""

    frame: pd.DataFrame
    problems: list[Problem]
    rows: int  # data rows in the whole table, however much of it `frame` holds
    label: str  # where it was read from, for messages


def cache_dir() -> Path:
    """`$BRANCH_CONSULT_CACHE_DIR/tables`, else the user's cache folder (XDG_CACHE_HOME respected)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser() / "tables"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "branch-consult" / "tables"


@cache
def _code_version() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in _PARSING_CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def parsed_key(origin: str) -> str:
    """The entry name for a source file's table (`origin`: path, size, mtime, sheet, table)."""
    parts = {"origin": origin, "code": _code_version(), "limits": asdict(Limits.from_env())}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _path(key: str) -> Path:
    return cache_dir() / f"{key}.parquet"


def entry(key: str) -> tuple[Path, list[Problem]] | None:
    """The stored file and the problems its table was parsed with, without reading rows."""
    path = _path(key)
    try:
        meta = json.loads((pq.read_schema(path).metadata or {})[_META])
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None
    return path, _problems(meta)


def _problems(meta: dict[str, Any]) -> list[Problem]:
    return [
        Problem(**{**p, "rows": tuple(p["rows"]), "examples": tuple(p["examples"])})
        for p in meta["problems"]
    ]


def load(key: str, where: Sequence[tuple[str, Sequence[str]]]) -> Parsed | None:
    """The stored table restricted to `where` (each column IN values), None when not stored."""
    path = _path(key)
    try:
        schema = pq.read_schema(path)
        meta = json.loads((schema.metadata or {})[_META])
        dtypes: dict[str, str] = meta["dtypes"]
        # string columns filter in Arrow, before any row becomes Python; others in pandas.
        # The key range prunes row groups (rows are stored sorted by the slicing column);
        # the exact membership test then runs on the few rows read.
        arrow_where = [(c, v) for c, v in where if dtypes.get(c) == "str"]
        ranges: list[tuple[str, str, str]] = []
        for column, values in arrow_where:
            keys = [str(x) for x in values]
            ranges += [(column, ">=", min(keys)), (column, "<=", max(keys))] if keys else []
        table = pq.read_table(path, filters=ranges or None)
        for column, values in arrow_where:
            wanted = pa.array([str(x) for x in values], pa.string())
            table = table.filter(pc.is_in(table[column].cast(pa.string()), value_set=wanted))
        frame = table.sort_by(_ORDER).drop_columns([_ORDER]).to_pandas()
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None  # absent, or written by other code: parse again
    frame = frame.astype({c: d for c, d in dtypes.items() if str(frame[c].dtype) != d})
    frame.index.name = None
    for column, values in where:
        if (column, values) not in arrow_where:
            frame = frame[frame[column].astype(str).isin([str(v) for v in values])]
    return Parsed(frame, _problems(meta), int(meta["rows"]), str(meta["label"]))


def store(key: str, parsed: Parsed, sort_by: str | None = None) -> None:
    """Keep a whole parsed table for the next reads (best effort: never fails the read).

    Rows are stored ordered by `sort_by` (the column branch slices filter on) in small
    row groups, so a slice reads only the groups holding its keys; the source order is
    restored on reading."""
    meta = {
        "dtypes": {str(c): str(t) for c, t in parsed.frame.dtypes.items()},
        "problems": [asdict(p) for p in parsed.problems],
        "rows": parsed.rows,
        "label": parsed.label,
    }
    try:
        table = pa.Table.from_pandas(parsed.frame, preserve_index=True)
        table = table.append_column(_ORDER, pa.array(range(table.num_rows), pa.int64()))
        if sort_by in parsed.frame.columns:
            table = table.sort_by(sort_by)
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), _META: json.dumps(meta).encode()}
        )
        folder = cache_dir()
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # the results' folder too
        folder.mkdir(exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            pq.write_table(table, tmp, row_group_size=_ROW_GROUP)
            os.replace(tmp, _path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, pa.ArrowException):
        pass  # a read-only or full cache folder, or an odd column: the next read parses again
