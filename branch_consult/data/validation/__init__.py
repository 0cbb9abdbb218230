"""Whole-bank validation in DuckDB: every contract rule as SQL, memory flat in the bank's size.

`SqlValidation(dataset).validate(table)` checks one table where DuckDB can scan it
(Parquet, DuckDB tables, plain CSV) and returns its row count and problems, worded and
ordered as the pandas path (`Dataset._read`, the reference) words them; it returns None
for tables only the pandas loaders read faithfully, which then take that path.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from branch_consult.data.contract import TABLES
from branch_consult.data.parsing import header_lookup, header_warnings, match_headers
from branch_consult.data.problems import DataProblems, Problem, empty_table_problem
from branch_consult.data.sources import DuckDBSource
from branch_consult.data.validation.checks import TableChecks
from branch_consult.data.validation.scan import connection, scan_table
from branch_consult.data.validation.typed import TypedTable, Unsupported, typed_table

if TYPE_CHECKING:
    from branch_consult.data.dataset import Dataset

__all__ = ["SqlValidation"]

_keys = itertools.count()
#: tables up to this many rows are typed once into a temporary table (spilled beyond the cap)
MATERIALIZE_ROWS = 500_000


class SqlValidation:
    """DuckDB validation of the tables of one dataset's source (whole tables, no branch slice)."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.source = dataset.source
        if isinstance(self.source, DuckDBSource):
            self.con = self.source.con().cursor()
        else:
            self.con = connection()
        self._typed: dict[str, TypedTable | None] = {}
        self._key_relations: dict[tuple[str, str], str | None] = {}
        self._relations: dict[str, str | None] = {}

    def close(self) -> None:
        self.con.close()

    def typed(self, name: str) -> TypedTable | None:
        """The typed relation of a table, None when the pandas path must read it."""
        if name not in self._typed:
            self._typed[name] = self._make_typed(name)
        return self._typed[name]

    def _make_typed(self, name: str) -> TypedTable | None:
        try:
            scan = scan_table(self.source, name, self.con)
            if scan is None:
                return None
            spec = TABLES[name]
            positions, mult, _ = match_headers(list(scan.headers), header_lookup(spec))
            mapping = {contract: scan.headers[c] for c, contract in positions.items()}
            return typed_table(scan, spec, mapping, mult)
        except (Unsupported, duckdb.Error):
            return None

    def validate(self, name: str) -> tuple[int, list[Problem]] | None:
        """Rows and problems of one whole table; None: use the pandas path."""
        typed = self.typed(name)
        if typed is None:
            return None
        spec = TABLES[name]
        label = typed.scan.label
        problems = header_warnings(typed.scan.headers, spec, label)
        missing = [c.name for c in spec.columns if c.required and c.name not in typed.columns]
        if missing:
            have = ", ".join(repr(h) for h in typed.scan.headers) or "none"
            problems.append(
                Problem(
                    label,
                    name,
                    f"missing required column(s) {', '.join(missing)}; the header row has: {have}",
                )
            )
        try:
            checks = TableChecks(typed, label, self.keys, self.relation(name))
            checks.census(
                checks.reading_rules()
                + checks.future_rules()
                + (checks.schema_rules() if not missing else [])
            )
            problems += checks.reading()
            rows = checks.row_count()
            if rows == 0:
                problems.append(empty_table_problem(label, name))
            problems += checks.stray_months()
            problems += checks.future_dates()
            if not missing:
                problems += checks.schema()
                problems += checks.references()
        except duckdb.Error:
            return None  # e.g. a corrupt file: the pandas path says what is wrong with it
        return rows, problems

    def relation(self, name: str) -> str | None:
        """The typed relation of a table: copied into a temporary table when small (each
        check then reads the copy instead of re-parsing the file), else the SQL itself."""
        if name in self._relations:
            return self._relations[name]
        typed = self.typed(name)
        if typed is None:
            return None
        sql = typed.sql()
        row = self.con.execute(f"SELECT count(*) FROM {typed.scan.relation}").fetchone()
        if row and int(row[0]) <= MATERIALIZE_ROWS:
            copy = f"_bc_typed_{next(_keys)}"
            try:
                self.con.execute(f"CREATE TEMP TABLE {copy} AS SELECT * FROM {sql}")
                sql = copy
            except duckdb.Error:
                pass  # a read-only database may refuse: read the source each time
        self._relations[name] = sql
        return sql

    def keys(self, table: str, column: str) -> str | None:
        """A relation (column k) of the distinct keys of `table.column`; None: not checked
        (table absent or unreadable: its own check reports that)."""
        key = (table, column)
        if key not in self._key_relations:
            self._key_relations[key] = self._make_keys(table, column)
        return self._key_relations[key]

    def _make_keys(self, table: str, column: str) -> str | None:
        if table not in self.source.tables():
            return None
        typed = self.typed(table)
        if typed is not None:
            if column not in typed.columns:
                return None
            i = typed.index(column)
            return (
                f"(SELECT DISTINCT v{i} AS k FROM {self.relation(table)} t WHERE v{i} IS NOT NULL)"
            )
        try:
            frame, _ = self.dataset._load(table, None)
        except DataProblems:
            return None
        if column not in frame.columns:
            return None
        name = f"_bc_keys_{next(_keys)}"
        values = sorted(set(frame[column].dropna().astype(str)))
        self.con.register(name, pd.DataFrame({"k": pd.Series(values, dtype=object)}))
        return name
