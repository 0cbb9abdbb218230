"""Which tables DuckDB can validate in place, and the SQL relation that scans each one.

A relation yields the source's columns as written plus `__bc_row`, the row number the
pandas path reports (CSV: the line, header = line 1; Parquet and DuckDB: the 1-based
record).  Only sources whose cells DuckDB reads exactly as the pandas loaders do are
scanned: Parquet files, DuckDB tables, and plain CSVs (UTF-8 without BOM, contract
names in the first line, no blank lines).  Everything else (GBK, title rows, Chinese
headers with units, Excel) keeps the existing parser.
"""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from branch_consult.data import duckdb_memory
from branch_consult.data.contract import TABLES
from branch_consult.data.parsing import INVISIBLE, detect_encoding
from branch_consult.data.sources import DuckDBSource, FolderSource, Source, SQLSource

ROW = "__bc_row"

_counter = itertools.count()


@dataclass(frozen=True)
class Scan:
    """One table as DuckDB sees it: connection, relation, message label, column types."""

    con: duckdb.DuckDBPyConnection
    relation: str
    label: str
    #: column as written -> DuckDB type name
    types: dict[str, str]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(self.types)


def connection(memory_mb: int = 1024) -> duckdb.DuckDBPyConnection:
    """A private connection with a memory cap: big GROUP BYs spill to disk instead of growing."""
    con = duckdb_memory.connect(limit_mb=memory_mb)
    con.execute("SET preserve_insertion_order = true")
    return con


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _types(con: duckdb.DuckDBPyConnection, relation: str) -> dict[str, str]:
    rows = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    return {str(r[0]): str(r[1]) for r in rows if r[0] != ROW}


def scan_table(source: Source, table: str, con: duckdb.DuckDBPyConnection) -> Scan | None:
    """The scan of one table, or None when only the pandas loaders can read it faithfully."""
    try:
        if isinstance(source, FolderSource):
            file = source.files.get(table)
            if file is None:
                return None
            label = f"{source.label}/{file.name}"
            suffix = file.suffix.lower()
            if suffix == ".parquet":
                relation = (
                    f"(SELECT * EXCLUDE (file_row_number), file_row_number + 1 AS {ROW} "
                    f"FROM read_parquet({_literal(str(file))}, file_row_number = true))"
                )
                return Scan(con, relation, label, _types(con, relation))
            if suffix == ".csv" and plain_csv(file, table):
                return _csv_scan(con, file, label)
            return None
        if isinstance(source, DuckDBSource):
            if table not in source.tables():
                return None
            cursor = source.con().cursor()
            relation = f'(SELECT *, rowid + 1 AS {ROW} FROM "{table}")'
            return Scan(cursor, relation, f"{source.label}:{table}", _types(cursor, relation))
        if isinstance(source, SQLSource):
            return _sql_scan(con, source, table)
    except duckdb.Error:
        return None  # the pandas path reads it and says what is wrong
    return None


def _csv_scan(con: duckdb.DuckDBPyConnection, file: Path, label: str) -> Scan:
    """A plain CSV copied into a temporary table (DuckDB has no CSV line numbers; the copy's
    rowid is the record number, and it spills to disk beyond the memory cap)."""
    name = f"_bc_csv_{next(_counter)}"
    con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT * FROM read_csv({_literal(str(file))}, "
        "all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"', "
        "null_padding = true, strict_mode = true)"
    )
    columns = [str(r[0]) for r in con.execute(f"DESCRIBE {name}").fetchall()]
    blank = " AND ".join(f"coalesce(trim(\"{c}\"), '') = ''" for c in columns) or "FALSE"
    relation = f"(SELECT *, rowid + 2 AS {ROW} FROM {name} WHERE NOT ({blank}))"
    return Scan(con, relation, label, _types(con, relation))


#: rows fetched from a database at a time when copying a table for validation
SQL_BATCH = 50_000

#: SQLite's storage classes that a declared column type keeps as SQLAlchemy reads it
_SQLITE_STORED = {
    "VARCHAR": "'text'",
    "BIGINT": "'integer'",
    "DOUBLE": "'integer', 'real'",
    "BOOLEAN": "'integer'",
    "TIMESTAMP": "'text'",
    "DATE": "'text'",
}


def _duck_type(sa_type: object) -> str | None:
    """The DuckDB type a database column is copied as; None: only pandas reads it faithfully."""
    import sqlalchemy as sa

    if isinstance(sa_type, sa.Boolean):
        return "BOOLEAN"
    if isinstance(sa_type, sa.Integer):
        return "BIGINT"
    if isinstance(sa_type, sa.Float) or (isinstance(sa_type, sa.Numeric) and not sa_type.asdecimal):
        return "DOUBLE"
    if isinstance(sa_type, sa.DateTime):
        return "TIMESTAMP"
    if isinstance(sa_type, sa.Date):
        return "DATE"
    if isinstance(sa_type, sa.String):
        return "VARCHAR"
    return None


def _sql_scan(con: duckdb.DuckDBPyConnection, source: SQLSource, table: str) -> Scan | None:
    """A database table streamed into a temporary DuckDB table in batches (the copy spills to
    disk beyond the memory cap; no batch outlives its insert), rows numbered as the pandas
    path numbers them (the order the database returns them).  None when a column's type,
    or a value SQLite stores against its declared type, is one only pandas reads faithfully."""
    import sqlalchemy as sa

    from branch_consult.data.sql_pushdown import column_types, dialect_of, quoted

    if not source.pushdown or dialect_of(source.engine) is None or table not in source.tables():
        return None
    dbapi_error = source.engine.dialect.loaded_dbapi.Error
    try:
        declared = column_types(source.engine, table)
        found = {name: _duck_type(t) for name, t in declared.items()}
        types = {name: t for name, t in found.items() if t is not None}
        if not types or len(types) < len(found):
            return None
        name = f"_bc_sql_{next(_counter)}"
        columns = ", ".join(f"{_quoted(c)} {t}" for c, t in types.items())
        con.execute(f"CREATE TEMP TABLE {name} ({columns})")
        casts = ", ".join(f"CAST({_quoted(c)} AS {t})" for c, t in types.items())
        with source.engine.connect() as db:
            if source.engine.dialect.name == "sqlite" and _sqlite_odd(db, table, types):
                return None
            # the driver's own cursor (server-side on PostgreSQL): plain tuples, no row objects
            raw = db.connection.dbapi_connection
            assert raw is not None
            postgres = source.engine.dialect.name == "postgresql"
            cursor = raw.cursor(name="bc_validate") if postgres else raw.cursor()
            try:
                cursor.execute(f"SELECT * FROM {quoted(table)}")
                while batch := cursor.fetchmany(SQL_BATCH):
                    values = zip(*batch, strict=True)  # rows to columns
                    frame = pa.table({f"c{i}": pa.array(list(v)) for i, v in enumerate(values)})
                    con.register("_bc_sql_batch", frame.rename_columns(list(types)))
                    try:
                        con.execute(f"INSERT INTO {name} SELECT {casts} FROM _bc_sql_batch")
                    finally:
                        con.unregister("_bc_sql_batch")
            finally:
                cursor.close()
    except (sa.exc.SQLAlchemyError, dbapi_error, ValueError, TypeError, pa.ArrowException):
        return None  # the pandas path reads it and says what is wrong
    relation = f"(SELECT *, rowid + 1 AS {ROW} FROM {name})"
    return Scan(con, relation, f"{source.label}:{table}", _types(con, relation))


def _sqlite_odd(db: object, table: str, types: dict[str, str]) -> bool:
    """Whether SQLite holds a value other than SQLAlchemy would give the pandas path for the
    column's declared type (SQLite keeps any value anywhere): text in a number column, a
    flag other than 0/1, a timestamp text SQLAlchemy and DuckDB might read differently."""
    import sqlalchemy as sa

    from branch_consult.data.sql_pushdown import quoted

    odd: list[str] = []
    for column, kind in types.items():
        q = quoted(column)
        odd.append(f"typeof({q}) NOT IN ({_SQLITE_STORED[kind]}, 'null')")
        if kind == "BOOLEAN":
            odd.append(f"{q} NOT IN (0, 1)")
        if kind in ("TIMESTAMP", "DATE"):
            odd.append(
                f"NOT ({q} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND length({q}) IN (10, 19, 26))"
            )
    found = db.execute(  # type: ignore[attr-defined]
        sa.text(f"SELECT 1 FROM {quoted(table)} WHERE {' OR '.join(odd)} LIMIT 1")
    ).first()
    return found is not None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: bytes read at a time when looking for blank lines in a CSV
_CHUNK = 1 << 23


def plain_csv(file: Path, table: str) -> bool:
    """A UTF-8 CSV (no BOM) whose first line is contract column names and with no blank lines
    (the pandas reader numbers blank lines, DuckDB skips them)."""
    spec = TABLES[table]
    with open(file, "rb") as fh:
        head = fh.read(1 << 16)
    if not head or detect_encoding(head) != "utf-8":
        return False
    first = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")
    try:
        header = next(csv.reader(io.StringIO(first)))
    except (csv.Error, StopIteration):
        return False
    if not header or len(set(header)) != len(header):
        return False
    if any(h not in spec.names or INVISIBLE.search(h) for h in header):
        return False
    return not _has_blank_line(file)


def _has_blank_line(file: Path) -> bool:
    with open(file, "rb") as fh:
        tail = b""
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                return False
            data = tail + chunk
            for pattern in (b"\n\n", b"\n\r\n"):
                at = data.find(pattern)
                if at >= 0 and not _rest_is_newlines(fh, data[at:]):
                    return True
            tail = data[-2:]


def _rest_is_newlines(fh: io.BufferedReader, data: bytes) -> bool:
    """Whether only line ends follow (a blank line at the very end is harmless: both readers drop it)."""
    if data.strip(b"\r\n"):
        return False
    pos = fh.tell()
    rest = fh.read()
    fh.seek(pos)
    return not rest.strip(b"\r\n")
