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

The folder is capped (`$BRANCH_CONSULT_PARSED_CACHE_MB`, default 2,048 MB): after each
store the least recently used entries go until it fits.  A hit refreshes an entry's
modification time, which is its "last used"; entries used in the last `IN_USE_SECONDS`
are never removed, so a batch worker that has just found an entry (and reads it, or
hands its path to DuckDB) keeps it while other workers store theirs.  On POSIX a file
already open stays readable after it is removed.  One process evicts at a time (a lock
file); the others skip.
"""

from __future__ import annotations

import bisect
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
ENV_CAP = "BRANCH_CONSULT_PARSED_CACHE_MB"
#: the folder's size cap when `$BRANCH_CONSULT_PARSED_CACHE_MB` is unset (megabytes)
DEFAULT_CAP_MB = 2048
#: an entry used (found, loaded or stored) this recently is never evicted (seconds)
IN_USE_SECONDS = 600
#: a writer's temporary file untouched this long was left by a crash (seconds)
STALE_TMP_SECONDS = 3600
_LOCK = ".evict.lock"
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
    _touch(path)
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
        with pq.ParquetFile(path) as stored:
            meta = json.loads((stored.schema_arrow.metadata or {})[_META])
            dtypes: dict[str, str] = meta["dtypes"]
            # string columns filter in Arrow, before any row becomes Python; others in
            # pandas.  Only the row groups whose key range holds one of the keys asked for
            # are read (rows are stored sorted by the slicing column, so a branch's keys sit
            # in a few groups); the exact membership test then runs on the rows read.
            arrow_where = [(c, v) for c, v in where if dtypes.get(c) == "str"]
            groups = set(range(stored.num_row_groups))
            for column, values in arrow_where:
                groups &= _groups_holding(stored.metadata, column, [str(x) for x in values])
            table = stored.read_row_groups(sorted(groups))
        for column, values in arrow_where:
            wanted = pa.array([str(x) for x in values], pa.string())
            table = table.filter(pc.is_in(table[column].cast(pa.string()), value_set=wanted))
        frame = table.sort_by(_ORDER).drop_columns([_ORDER]).to_pandas()
    except (OSError, KeyError, ValueError, pa.ArrowException):
        return None  # absent, or written by other code: parse again
    _touch(path)
    frame = frame.astype({c: d for c, d in dtypes.items() if str(frame[c].dtype) != d})
    frame.index.name = None
    for column, values in where:
        if (column, values) not in arrow_where:
            frame = frame[frame[column].astype(str).isin([str(v) for v in values])]
    return Parsed(frame, _problems(meta), int(meta["rows"]), str(meta["label"]))


def _groups_holding(meta: pq.FileMetaData, column: str, keys: list[str]) -> set[int]:
    """The row groups whose `column` may hold one of `keys`: each group's min..max (from
    the file's statistics) tested against the sorted keys, so a branch and its staff ids
    (B0501, S06677..S06691) read the groups around each, not everything between them.
    A group without statistics is always read."""
    wanted = sorted(set(keys))
    position = meta.schema.names.index(column)
    groups: set[int] = set()
    for group in range(meta.num_row_groups):
        stats = meta.row_group(group).column(position).statistics
        if stats is None or not stats.has_min_max:
            groups.add(group)
            continue
        low, high = stats.min, stats.max
        if not isinstance(low, str) or not isinstance(high, str):
            groups.add(group)  # not text statistics: no pruning
            continue
        first = bisect.bisect_left(wanted, low)
        if first < len(wanted) and wanted[first] <= high:
            groups.add(group)
    return groups


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
        return  # a read-only or full cache folder, or an odd column: the next read parses again
    evict()


def _touch(path: Path) -> None:
    """Mark an entry used now (its modification time is its last use)."""
    try:
        os.utime(path)
    except OSError:
        pass  # read-only cache, or removed meanwhile: nothing to keep fresh


def cap_bytes() -> int:
    """The folder's size cap: `$BRANCH_CONSULT_PARSED_CACHE_MB` megabytes, else the default."""
    text = os.environ.get(ENV_CAP, "").strip()
    try:
        mb = float(text) if text else DEFAULT_CAP_MB
    except ValueError:
        mb = DEFAULT_CAP_MB  # an unreadable setting must not stop a run
    return max(0, int(mb * 1024 * 1024))


@dataclass
class Usage:
    """What the parsed-table cache holds."""

    folder: Path
    entries: int
    bytes: int
    cap: int


def usage() -> Usage:
    """Entries and bytes in the cache folder (temporary files of writers included)."""
    folder = cache_dir()
    files = [f for f in _files(folder) if f.suffix in (".parquet", ".tmp")]
    sizes = [_stat(f) for f in files]
    return Usage(
        folder,
        sum(1 for f in files if f.suffix == ".parquet"),
        sum(st.st_size for st in sizes if st is not None),
        cap_bytes(),
    )


def evict(cap: int | None = None, *, now: float | None = None) -> list[Path]:
    """Remove least recently used entries until the folder fits `cap` (default `cap_bytes()`);
    entries used within `IN_USE_SECONDS` stay.  Returns the removed files (none when another
    process is evicting: it does the work)."""
    import fcntl
    import time

    folder = cache_dir()
    limit = cap_bytes() if cap is None else cap
    moment = time.time() if now is None else now
    try:
        lock = open(folder / _LOCK, "a")  # noqa: SIM115 - held for the whole eviction below
    except OSError:
        return []  # no folder, or read-only: nothing this process may remove
    removed: list[Path] = []
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return []
        entries: list[tuple[float, int, Path]] = []
        total = 0
        for file in _files(folder):
            st = _stat(file)
            if st is None:
                continue
            if file.suffix == ".tmp":
                if moment - st.st_mtime > STALE_TMP_SECONDS:  # left by a crashed writer
                    file.unlink(missing_ok=True)
                    removed.append(file)
                else:
                    total += st.st_size
            elif file.suffix == ".parquet":
                total += st.st_size
                entries.append((st.st_mtime, st.st_size, file))
        for used, size, file in sorted(entries):
            if total <= limit:
                break
            if moment - used < IN_USE_SECONDS:
                break  # the rest were used more recently still
            try:
                file.unlink()
            except FileNotFoundError:
                pass  # cleared by someone else meanwhile
            except OSError:
                continue
            total -= size
            removed.append(file)
    return removed


def clear() -> Usage:
    """Remove every entry (a writer's unfinished temporary file stays); what was there before."""
    before = usage()
    for file in _files(before.folder):
        if file.suffix == ".parquet":
            file.unlink(missing_ok=True)
    return before


def _files(folder: Path) -> list[Path]:
    try:
        return [f for f in folder.iterdir() if f.is_file()]
    except OSError:
        return []


def _stat(file: Path) -> os.stat_result | None:
    try:
        return file.stat()
    except OSError:
        return None
