"""Where client data lives: a folder of files, one workbook, a DuckDB file, a database URL.

Each source class knows how to list its tables, say when its data changed, and read
one table, optionally restricted to some key values (`where`), pushing that filter
down to the engine where it can (DuckDB over Parquet, SQL WHERE) so that one
branch's slice never reads the whole bank into pandas.  New kinds of source are a
class plus one entry in `SOURCE_KINDS`.
"""

from __future__ import annotations

import hashlib
import os
import threading
import weakref
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import duckdb
import pandas as pd

from branch_consult.data import duckdb_memory
from branch_consult.data.contract import TABLES, Table
from branch_consult.data.limits import check_workbook
from branch_consult.data.parsing import (
    frame_from_cells,
    header_lookup,
    header_warnings,
    match_headers,
    read_csv_cells,
    read_excel_cells,
)
from branch_consult.data.problems import DataProblems, Problem, first_line

#: conditions ANDed together, each "column IN values"; None reads the whole table
Where = Sequence[tuple[str, Sequence[str]]] | None


@dataclass
class RawTable:
    """One table as read: contract column names, not yet typed; index = source row."""

    frame: pd.DataFrame
    label: str  # where it came from, for messages: "bank/customers.csv"
    multipliers: dict[str, float] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    filtered: bool = False  # True when `where` was already applied by the engine
    headers: tuple[str, ...] = ()  # the column headers as written, for messages


def _table_for_name(stem: str) -> Table | None:
    for spec in TABLES.values():
        if stem == spec.name or stem == spec.zh:
            return spec
    return None


def _rename_to_contract(frame: pd.DataFrame, spec: Table) -> tuple[pd.DataFrame, dict[str, float]]:
    """Typed sources may still use Chinese or differently-cased column names."""
    raw = list(frame.columns)
    mapping, mult, _ = match_headers(raw, header_lookup(spec))
    return frame.rename(columns={raw[c]: name for c, name in mapping.items()}), mult


def _typed_raw(frame: pd.DataFrame, spec: Table, label: str) -> RawTable:
    """A RawTable from an engine that already split columns (Parquet, DuckDB, SQL)."""
    headers = tuple(str(c) for c in frame.columns)
    renamed, mult = _rename_to_contract(frame, spec)
    return RawTable(
        _ordinal_index(renamed),
        label,
        mult,
        header_warnings(headers, spec, label),
        filtered=True,
        headers=headers,
    )


def _ordinal_index(frame: pd.DataFrame, first: int = 1) -> pd.DataFrame:
    frame.index = pd.RangeIndex(first, first + len(frame))
    return frame


_local = threading.local()


def _duck() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB connection per thread for scanning files."""
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb_memory.connect()
        _local.con = con
    return con


def _duck_query(
    con: duckdb.DuckDBPyConnection,
    scan: str,
    where: Where,
    params: list[object],
    in_order: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """The rows of `scan` that `where` selects, in the source's row order.

    DuckDB (2.0) returns a filtered scan of several row groups in an order that varies from
    run to run, with a key list in literals as with a joined one; `in_order` (the scan with
    a row-number column, and that column's name or pseudo-column) puts the rows back in the
    source's order, so row numbers in messages and ties in the analyses stay the same."""
    if not where:
        return con.execute(f"SELECT * FROM {scan}", params).df()
    clauses: list[str] = []
    args = list(params)
    registered: list[str] = []
    text: set[str] | None = None
    try:
        for i, (column, values) in enumerate(where):
            values = [str(v) for v in values]
            if len(values) <= 64:  # a literal list lets DuckDB prune Parquet row groups
                clauses.append(
                    f'"{column}" IN ({", ".join("?" * len(values))})' if values else "FALSE"
                )
                args += values
            else:
                name = f"_bc_keys_{i}"
                con.register(name, pd.DataFrame({"k": values}))
                registered.append(name)
                clauses.append(f'"{column}" IN (SELECT k FROM {name})')
                text = text_columns(con, scan, params) if text is None else text
                if column in text:  # the keys' range prunes row groups (a semi-join cannot)
                    clauses.append(f'"{column}" BETWEEN ? AND ?')
                    args += [min(values), max(values)]
        condition = " AND ".join(clauses)
        if in_order is not None:
            numbered, number = in_order
            hidden = f' EXCLUDE ("{number}")' if number != "rowid" else ""
            return con.execute(
                f'SELECT *{hidden} FROM {numbered} WHERE {condition} ORDER BY "{number}"', args
            ).df()
        return con.execute(f"SELECT * FROM {scan} WHERE {condition}", args).df()
    finally:
        for name in registered:
            con.unregister(name)


def text_columns(
    con: duckdb.DuckDBPyConnection, relation: str, params: Sequence[object] = ()
) -> set[str]:
    """The VARCHAR columns of a relation: where a key range (text order) may be added to a
    key filter without changing what it selects."""
    rows = con.execute(f"DESCRIBE SELECT * FROM {relation}", list(params)).fetchall()
    return {str(r[0]) for r in rows if str(r[1]) == "VARCHAR"}


class Source(ABC):
    """Where tables come from: subclasses set `kind` and implement the four methods."""

    kind: ClassVar[str] = "source"
    label: str

    @classmethod
    @abstractmethod
    def accepts(cls, location: str) -> bool:
        """Whether this kind of source can open `location`."""

    @abstractmethod
    def tables(self) -> list[str]:
        """The contract tables present, in contract order."""

    @abstractmethod
    def version(self) -> str:
        """Changes whenever the data changes (keys the per-process cache)."""

    @abstractmethod
    def read(self, table: str, where: Where = None) -> RawTable:
        """One table, restricted by `where` (pushed down where the engine allows)."""

    def duckdb_scan(self, table: str) -> tuple[duckdb.DuckDBPyConnection, str] | None:
        """A connection and SQL relation expression for pushdown aggregation, if any."""
        return None

    def value_counts(self, table: str, column: str) -> dict[str, int] | None:
        """Rows per non-empty value of a text column, counted by the engine that holds the
        table (a database's GROUP BY); None: count them from the loaded table."""
        return None

    def parse_origin(self, table: str) -> str | None:
        """What a parsed (CSV or Excel) table depends on, for the parsed-table cache;
        None for sources an engine reads typed (Parquet, databases), which need no cache."""
        return None

    def has_rows(self, table: str) -> bool:
        """Whether the table holds any data row (cheaply where the engine can say)."""
        scan = self.duckdb_scan(table)
        if scan is not None:
            con, relation = scan
            return con.execute(f"SELECT 1 FROM {relation} LIMIT 1").fetchone() is not None
        return len(self.read(table).frame) > 0


def _file_head(location: str, size: int = 16) -> bytes | None:
    """The first bytes of a file (its format's magic number), None when it is not a file."""
    path = Path(location)
    if not path.is_file():
        return None
    with open(path, "rb") as fh:
        return fh.read(size)


def _stat_version(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        try:
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
        except OSError:  # vanished since the folder was listed: reading it will say so
            h.update(f"{p.name}:missing;".encode())
    return h.hexdigest()[:16]


class FolderSource(Source):
    """A folder of `<table>.csv|.parquet|.xlsx` files (table names in English or Chinese)."""

    kind = "folder"
    SUFFIXES = (".parquet", ".csv", ".xlsx", ".xls")

    def __init__(self, path: Path):
        self.path = Path(path)
        self.label = self.path.name or str(self.path)
        self.files: dict[str, Path] = {}
        self.conflicts: list[Problem] = []
        #: files in the folder that are not read, with why (validate lists them)
        self.ignored: dict[str, str] = {}
        for file in sorted(self.path.iterdir()):
            if file.name.startswith((".", "~$")):
                continue
            if file.is_dir():
                self.ignored[file.name + "/"] = "a folder"
                continue
            if file.suffix.lower() not in self.SUFFIXES:
                self.ignored[file.name] = f"not a {', '.join(self.SUFFIXES)} file"
                continue
            spec = _table_for_name(file.stem)
            if spec is None:
                self.ignored[file.name] = "not named after a contract table"
                continue
            if spec.name in self.files:
                self.conflicts.append(
                    Problem(
                        self.label,
                        spec.name,
                        f"two files for one table: {self.files[spec.name].name} and {file.name}; keep one",
                    )
                )
                self.ignored[file.name] = f"a second file for {spec.name}"
                continue
            self.files[spec.name] = file

    @classmethod
    def accepts(cls, location: str) -> bool:
        return Path(location).is_dir()

    def tables(self) -> list[str]:
        return [t for t in TABLES if t in self.files]

    def inputs(self) -> dict[str, str]:
        """Each table present -> the file it is read from."""
        return {t: self.files[t].name for t in self.tables()}

    def version(self) -> str:
        return _stat_version(list(self.files.values()))

    def _file(self, table: str) -> Path:
        if table not in self.files:
            raise DataProblems(
                [
                    Problem(
                        self.label,
                        table,
                        f"no file for this table; expected {table}.csv, {table}.parquet or {table}.xlsx in {self.path}",
                    )
                ],
                headline="a table is missing",
            )
        return self.files[table]

    def read(self, table: str, where: Where = None) -> RawTable:
        file = self._file(table)
        spec = TABLES[table]
        label = f"{self.label}/{file.name}"
        suffix = file.suffix.lower()
        try:
            if suffix == ".parquet":
                numbered = ("read_parquet(?, file_row_number = true)", "file_row_number")
                frame = _duck_query(_duck(), "read_parquet(?)", where, [str(file)], numbered)
                return _typed_raw(frame, spec, label)
            if suffix == ".csv":
                cells = read_csv_cells(file, label, table)
            else:
                check_workbook(file, label)
                cells = read_excel_cells(file, 0)
        except DataProblems:
            raise
        except Exception as exc:  # unreadable file: name the file, not just the folder
            raise DataProblems(
                [Problem(label, table, f"cannot be read: {type(exc).__name__}: {first_line(exc)}")],
                headline=f"table {table} cannot be read",
            ) from None
        frame, mult, problems = frame_from_cells(cells, spec, label)
        return RawTable(frame, label, mult, problems, headers=tuple(frame.attrs.get("headers", ())))

    def parse_origin(self, table: str) -> str | None:
        file = self._file(table)
        if file.suffix.lower() == ".parquet":
            return None
        return _file_origin(file, table)

    def duckdb_scan(self, table: str) -> tuple[duckdb.DuckDBPyConnection, str] | None:
        file = self._file(table)
        if file.suffix.lower() != ".parquet":
            return None
        return _duck(), f"read_parquet('{_sql_literal(file)}')"

    #: lines of a CSV read to tell whether it has data rows (title rows + header + a few)
    HEAD_LINES = 40

    def has_rows(self, table: str) -> bool:
        file = self._file(table)
        if file.suffix.lower() != ".csv":
            return super().has_rows(table)
        cells = read_csv_cells(file, f"{self.label}/{file.name}", table, nrows=self.HEAD_LINES)
        frame, _, _ = frame_from_cells(cells, TABLES[table], file.name)
        # no data in the first lines of a long file: let the full read judge
        return len(frame) > 0 or len(cells) >= self.HEAD_LINES


def _file_origin(file: Path, *parts: str) -> str:
    """A file's identity and version (absolute path, size, modification time) and `parts`."""
    try:
        st = file.stat()
    except OSError:
        return ""  # vanished: reading it will say so
    return ":".join([str(file.resolve()), str(st.st_size), str(st.st_mtime_ns), *parts])


def _sql_literal(path: Path) -> str:
    return str(path).replace("'", "''")


class WorkbookSource(Source):
    """One Excel workbook with a sheet per table (sheet named like the table, English or Chinese)."""

    kind = "workbook"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.label = self.path.name
        check_workbook(self.path, self.label)
        with pd.ExcelFile(self.path, engine="openpyxl") as book:
            names = book.sheet_names
        self.sheets: dict[str, str] = {}
        #: sheets that are not read, with why (validate lists them)
        self.ignored: dict[str, str] = {}
        for sheet in names:
            spec = _table_for_name(str(sheet).strip())
            if spec is None:
                self.ignored[f"sheet {sheet}"] = "not named after a contract table"
            elif spec.name in self.sheets:
                self.ignored[f"sheet {sheet}"] = f"a second sheet for {spec.name}"
            else:
                self.sheets[spec.name] = str(sheet)

    @classmethod
    def accepts(cls, location: str) -> bool:
        return Path(location).is_file() and Path(location).suffix.lower() in (".xlsx", ".xlsm")

    def tables(self) -> list[str]:
        return [t for t in TABLES if t in self.sheets]

    def inputs(self) -> dict[str, str]:
        """Each table present -> the sheet it is read from."""
        return {t: f"sheet {self.sheets[t]}" for t in self.tables()}

    def version(self) -> str:
        return _stat_version([self.path])

    def parse_origin(self, table: str) -> str | None:
        return _file_origin(self.path, self.sheets.get(table, ""), table)

    def read(self, table: str, where: Where = None) -> RawTable:
        if table not in self.sheets:
            raise DataProblems(
                [
                    Problem(
                        self.label,
                        table,
                        f"no sheet for this table; expected a sheet named {table} or {TABLES[table].zh}",
                    )
                ],
                headline="a table is missing",
            )
        sheet = self.sheets[table]
        label = f"{self.label} › {sheet}"
        frame, mult, problems = frame_from_cells(
            read_excel_cells(self.path, sheet), TABLES[table], label
        )
        return RawTable(frame, label, mult, problems, headers=tuple(frame.attrs.get("headers", ())))


class DuckDBSource(Source):
    """A DuckDB database file with tables named as in the contract."""

    kind = "duckdb"

    def __init__(self, path: Path):
        self.path = Path(path)
        self.label = self.path.name
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()

    @classmethod
    def accepts(cls, location: str) -> bool:
        head = _file_head(location)
        return head is not None and (
            head[8:12] == b"DUCK" or Path(location).suffix.lower() in (".duckdb", ".ddb")
        )

    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb_memory.connect(str(self.path), read_only=True)
        return self._con

    def _names(self) -> set[str]:
        return {
            r[0]
            for r in self.con()
            .execute("SELECT table_name FROM information_schema.tables")
            .fetchall()
        }

    def tables(self) -> list[str]:
        names = self._names()
        return [t for t in TABLES if t in names]

    @property
    def ignored(self) -> dict[str, str]:
        """Tables in the database that are not contract tables (validate lists them)."""
        return {
            f"table {n}": "not a contract table name"
            for n in sorted(self._names())
            if n not in TABLES
        }

    def version(self) -> str:
        return _stat_version([self.path])

    def read(self, table: str, where: Where = None) -> RawTable:
        if table not in self.tables():
            raise DataProblems(
                [Problem(self.label, table, "no such table in the database")],
                headline="a table is missing",
            )
        with self._lock:
            con = self.con().cursor()
            kind = con.execute(
                "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [table]
            ).fetchall()
            # a base table's rows have a `rowid` (their order); a view's have none
            in_order = (f'"{table}"', "rowid") if kind == [("BASE TABLE",)] else None
            frame = _duck_query(con, f'"{table}"', where, [], in_order)
        return _typed_raw(frame, TABLES[table], f"{self.label}:{table}")

    def duckdb_scan(self, table: str) -> tuple[duckdb.DuckDBPyConnection, str]:
        return self.con().cursor(), f'"{table}"'


class SQLSource(Source):
    """Any database SQLAlchemy can reach (PostgreSQL, SQLite, a warehouse), tables by name."""

    kind = "sql"

    def __init__(self, url: str):
        import sqlalchemy as sa

        from branch_consult.data.db_url import engine_arguments, mask_url

        self.url = mask_url(url)  # never keep the password where a message could show it
        self.label = self.url
        resolved, connect_args = engine_arguments(url)
        self.engine = sa.create_engine(resolved, connect_args=connect_args)
        # close the pooled connections when the source goes away: a dropped Dataset must not
        # leave server connections open until the interpreter exits (psycopg warns of it)
        weakref.finalize(self, self.engine.dispose)
        self._tables: list[str] | None = None
        if resolved.get_backend_name() == "sqlite" and resolved.database not in (
            None,
            "",
            ":memory:",
        ):
            if not Path(resolved.database).is_file():  # SQLite would create an empty database
                raise SourceUnavailable(self.label, f"no such SQLite file {resolved.database}")
        self.tables()  # connect now: an unreachable server is reported when the source opens

    def _unavailable(self, exc: Exception) -> SourceUnavailable:
        from branch_consult.data.db_url import error_cause

        return SourceUnavailable(self.label, error_cause(exc))

    @classmethod
    def accepts(cls, location: str) -> bool:
        return "://" in location

    def tables(self) -> list[str]:
        import sqlalchemy as sa

        if self._tables is None:
            try:
                names = set(sa.inspect(self.engine).get_table_names())
            except sa.exc.SQLAlchemyError as exc:
                raise self._unavailable(exc) from None
            self._tables = [t for t in TABLES if t in names]
        return self._tables

    #: seconds a version stays valid: counting rows on every table access would load a warehouse
    VERSION_TTL = 30.0

    def version(self) -> str:
        # a server has no file mtime: key the cache on row counts, which change when data is loaded
        import time

        import sqlalchemy as sa

        now = time.monotonic()
        cached: tuple[float, str] | None = getattr(self, "_version", None)
        if cached is not None and now - cached[0] < self.VERSION_TTL:
            return cached[1]
        try:
            with self.engine.connect() as con:
                counts = [
                    str(con.execute(sa.text(f'SELECT COUNT(*) FROM "{t}"')).scalar())
                    for t in self.tables()
                ]
        except sa.exc.SQLAlchemyError as exc:
            raise self._unavailable(exc) from None
        version = hashlib.sha256(("|".join(counts)).encode()).hexdigest()[:16]
        self._version = (now, version)
        return version

    def has_rows(self, table: str) -> bool:
        import sqlalchemy as sa

        with self.engine.connect() as con:
            return con.execute(sa.text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None

    #: False: every bank-wide figure and check reads rows through pandas (the reference path)
    pushdown: bool = True

    def value_counts(self, table: str, column: str) -> dict[str, int] | None:
        import sqlalchemy as sa

        from branch_consult.data.sql_pushdown import column_types, dialect_of, quoted

        if not self.pushdown or dialect_of(self.engine) is None or table not in self.tables():
            return None
        try:
            if not isinstance(column_types(self.engine, table).get(column), sa.String):
                return None
            q = quoted(column)
            with self.engine.connect() as con:
                rows = con.execute(
                    sa.text(
                        f"SELECT {q}, count(*) FROM {quoted(table)} WHERE {q} IS NOT NULL GROUP BY {q}"
                    )
                ).fetchall()
        except sa.exc.SQLAlchemyError:
            return None
        if not all(isinstance(v, str) for v, _ in rows):
            return None  # SQLite may hold numbers in a text column: the parser judges them
        return {str(v): int(n) for v, n in rows}

    def read(self, table: str, where: Where = None) -> RawTable:
        import sqlalchemy as sa

        if table not in self.tables():
            raise DataProblems(
                [Problem(self.label, table, "no such table in the database")],
                headline="a table is missing",
            )
        try:
            meta = sa.MetaData()
            tbl = sa.Table(table, meta, autoload_with=self.engine)
            query = sa.select(tbl)
            for column, values in where or ():
                query = query.where(tbl.c[column].in_([str(v) for v in values]))
            with self.engine.connect() as con:
                frame = pd.read_sql(query, con)
        except sa.exc.SQLAlchemyError as exc:
            raise self._unavailable(exc) from None
        return _typed_raw(frame, TABLES[table], f"{self.label}:{table}")


class SQLiteFileSource(SQLSource):
    """A SQLite file given by path (read through SQLAlchemy)."""

    kind = "sqlite"

    def __init__(self, path: Path):
        super().__init__(f"sqlite:///{Path(path).resolve()}")
        self.path = Path(path)
        self.label = self.path.name

    @classmethod
    def accepts(cls, location: str) -> bool:
        return _file_head(location) == b"SQLite format 3\x00"

    def version(self) -> str:
        return _stat_version([self.path])


class SourceUnavailable(DataProblems):
    """A database cannot be reached or read: one line naming the source (password masked) and the cause."""

    def __init__(self, source: str, cause: str):
        super().__init__([Problem(source, "-", cause)], headline="the data source cannot be opened")
        self.source = source
        self.cause = cause

    def report(self) -> str:
        return f"cannot open {self.problems[0].source}: {self.problems[0].message}"


#: tried in order; the first whose `accepts` is true opens the location
SOURCE_KINDS: list[type[Source]] = [
    FolderSource,
    WorkbookSource,
    SQLiteFileSource,
    DuckDBSource,
    SQLSource,
]


def open_source(location: str | os.PathLike[str]) -> Source:
    """The source for a folder, workbook, DuckDB/SQLite file or database URL."""
    from branch_consult.data.db_url import error_cause, mask_url

    text = str(location)
    for kind in SOURCE_KINDS:
        if kind.accepts(text):
            try:
                return kind(text if kind is SQLSource else Path(text))  # type: ignore[call-arg]
            except DataProblems:
                raise
            except Exception as exc:  # a driver or file error: say which source and why
                if issubclass(kind, SQLSource):
                    raise SourceUnavailable(mask_url(text), error_cause(exc)) from None
                raise DataProblems(
                    [
                        Problem(
                            text,
                            "-",
                            f"cannot open as a {kind.kind} source: {type(exc).__name__}: {exc}",
                        )
                    ],
                    headline="the data source cannot be opened",
                ) from None
    if not Path(text).exists():
        why = "no such file or folder"
    else:
        why = "not a folder, .xlsx workbook, DuckDB or SQLite file, or database URL"
    raise DataProblems([Problem(text, "-", why)], headline="the data source cannot be opened")
