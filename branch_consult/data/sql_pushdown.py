"""The contract's checks and small counts run inside a client's database (SQLAlchemy).

A SQL source (PostgreSQL, SQLite) can add up a bank in its own engine instead of
sending every row to pandas.  The SQL here is written once for both: the few places
where the dialects differ (booleans, dates, timestamps, infinities, pattern matching)
are fragments of `Dialect`.  The contract's value rules as SQL conditions
(`breach_conditions`) are written once for these two and for DuckDB, whose check is
`aggregate.contract_breaches`.  `contract_breaches` here counts them in the client's
database: zero means the aggregate may trust the columns, anything else (a count, or
None when a column is absent or of another type) sends the caller to the pandas
path, which reports exactly as it always has.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from branch_consult.data.contract import TABLES, Column
from branch_consult.data.limits import Limits
from branch_consult.data.parsing import _EMPTY as EMPTY_TEXT
from branch_consult.data.periods import today

#: dialects whose SQL this module writes (others keep the pandas path)
DIALECTS = ("postgresql", "sqlite")

_temp_names = itertools.count()


def sql_list(values: Iterable[str]) -> str:
    """Quoted SQL string literals, comma-separated (values from the contract, not the data)."""
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Dialect:
    """SQL fragments that differ between PostgreSQL, SQLite and (for the contract's value
    rules only) DuckDB."""

    name: str

    @property
    def double(self) -> str:
        return {"postgresql": "DOUBLE PRECISION", "duckdb": "DOUBLE"}.get(self.name, "REAL")

    def floor(self, expr: str) -> str:
        """The integer part of a non-negative number (PostgreSQL's CAST rounds; SQLite's truncates)."""
        return f"floor({expr})" if self.name == "postgresql" else f"CAST({expr} AS INTEGER)"

    def truth(self, expr: str) -> str:
        """A boolean column as a condition, empty read as false."""
        return (
            f"coalesce({expr}, false)" if self.name == "postgresql" else f"coalesce({expr}, 0) <> 0"
        )

    def days_between(self, column: str, day: str) -> str:
        """Whole days from a date/timestamp column to the ISO date literal `day`."""
        if self.name == "postgresql":
            return f"(DATE '{day}' - CAST({column} AS DATE))"
        return f"CAST(julianday('{day}') - julianday(date({column})) AS INTEGER)"

    def minutes_between(self, start: str, end: str) -> str:
        """Minutes from one timestamp to another (fractional; to the millisecond)."""
        if self.name == "postgresql":
            return f"(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION) / 60.0)"
        return f"(round((julianday({end}) - julianday({start})) * 86400000.0) / 60000.0)"

    def clock_minutes(self, column: str) -> str:
        """Minutes since midnight of a timestamp (seconds as a fraction)."""
        if self.name == "postgresql":
            return (
                f"(EXTRACT(HOUR FROM {column}) * 60 + EXTRACT(MINUTE FROM {column})"
                f" + EXTRACT(SECOND FROM {column}) / 60.0)"
            )
        return (
            f"(CAST(strftime('%H', {column}) AS INTEGER) * 60 + CAST(strftime('%M', {column}) AS INTEGER)"
            f" + CAST(strftime('%f', {column}) AS REAL) / 60.0)"
        )

    def not_month(self, column: str) -> str:
        """True when text is not YYYY-MM with a real month."""
        if self.name == "duckdb":
            return f"NOT regexp_full_match({column}, '\\d{{4}}-(0[1-9]|1[0-2])')"
        if self.name == "postgresql":
            return f"{column} !~ '^[0-9]{{4}}-(0[1-9]|1[0-2])$'"
        return (
            f"NOT ({column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' "
            f"AND substr({column}, 6, 2) BETWEEN '01' AND '12')"
        )

    def not_finite(self, column: str) -> str:
        if self.name == "duckdb":
            return f"isinf({column}) OR isnan({column})"
        if self.name == "postgresql":
            return f"{column} IN ('Infinity'::float8, '-Infinity'::float8, 'NaN'::float8)"
        return f"abs({column}) > 1.7976931348623157e308"  # SQLite keeps NaN as NULL

    def at_or_after(self, column: str, moment: str) -> str:
        if self.name in ("postgresql", "duckdb"):
            return f"{column} >= TIMESTAMP '{moment}'"
        return f"julianday({column}) >= julianday('{moment}')"

    def stored_as(self, column: str, kind: str) -> str | None:
        """SQLite keeps any value in any column: a condition true for a value not stored as
        the kind the contract wants (PostgreSQL's declared type is enough)."""
        if self.name != "sqlite":
            return None
        wanted = {
            "id": "'text'",
            "text": "'text'",
            "month": "'text'",
            "money": "'integer', 'real'",
            "float": "'integer', 'real'",
            "int": "'integer'",
            "bool": "'integer'",
            "date": "'text'",
            "datetime": "'text'",
        }[kind]
        bad = f"typeof({column}) NOT IN ({wanted}, 'null')"
        if kind == "bool":
            bad += f" OR {column} NOT IN (0, 1)"
        if kind in ("date", "datetime"):
            # ISO text SQLite's date functions read ("2026-03-31" or "2026-03-31 09:15:00")
            bad += (
                f" OR NOT ({column} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*')"
                f" OR julianday({column}) IS NULL"
            )
            if kind == "date":
                bad += f" OR (length({column}) > 10 AND time({column}) <> '00:00:00')"
        return f"{column} IS NOT NULL AND ({bad})"


def dialect_of(engine: Any) -> Dialect | None:
    """The dialect of a SQLAlchemy engine, None when this module has no SQL for it."""
    name = engine.dialect.name
    return Dialect(name) if name in DIALECTS else None


#: SQLAlchemy generic types a contract kind is read from without parsing (anything else: pandas)
def _type_fits(kind: str, sa_type: Any, dialect: Dialect) -> bool:
    import sqlalchemy as sa

    text = isinstance(sa_type, sa.String)
    number = isinstance(sa_type, sa.Float | sa.Integer) or (
        isinstance(sa_type, sa.Numeric) and not sa_type.asdecimal
    )
    timestamp = isinstance(sa_type, sa.DateTime)
    if dialect.name == "sqlite":  # declared types are advice: `stored_as` checks the values
        timestamp = timestamp or isinstance(sa_type, sa.Date) or text
    return {
        "id": text,
        "text": text,
        "month": text,
        "money": number,
        "float": number,
        "int": isinstance(sa_type, sa.Integer),
        "date": timestamp or isinstance(sa_type, sa.Date),
        "datetime": timestamp,
        "bool": isinstance(sa_type, sa.Boolean)
        or (dialect.name == "sqlite" and isinstance(sa_type, sa.Integer)),
    }[kind]


def column_types(engine: Any, table: str) -> dict[str, Any]:
    """Column name -> SQLAlchemy type, as the database declares them."""
    import sqlalchemy as sa

    return {c["name"]: c["type"] for c in sa.inspect(engine).get_columns(table)}


def temp_name(what: str) -> str:
    """A name for a temporary table no other in this process uses."""
    return f"_bc_{what}_{next(_temp_names)}"


def key_table(con: Any, values: Iterable[str]) -> str:
    """A temporary table (one column `k`) holding `values`, in this connection."""
    import sqlalchemy as sa

    name = temp_name("keys")
    con.execute(sa.text(f"CREATE TEMPORARY TABLE {name} (k VARCHAR(512))"))
    rows = [{"k": str(v)} for v in values]
    if rows:
        con.execute(sa.text(f"INSERT INTO {name} (k) VALUES (:k)"), rows)
    return name


def breach_conditions(
    dialect: Dialect,
    col: Column,
    q: str,
    limits: Limits,
    *,
    finite: bool = True,
    referenced: bool = False,
) -> list[str]:
    """The contract's value rules for one column as SQL conditions, each true for a bad value:
    how the value is stored (SQLite), required, allowed values, range, finite numbers
    (`finite=False` when the stored type cannot hold infinities), month format, length
    limit, stripped text and empty markers (the parser reads "-", "null" as empty), and
    no day after today.

    The text rules are left out where another rule implies them, as they cost most: a
    value from the contract's allowed list, or one that must be among checked keys
    (`referenced`), is short, stripped and not an empty marker whenever it passes."""
    bad: list[str] = []
    stored = dialect.stored_as(q, col.kind)
    if stored:
        bad.append(stored)
    if not col.nullable:
        bad.append(f"{q} IS NULL")
    if col.allowed is not None:
        bad.append(f"{q} NOT IN ({sql_list(col.allowed)})")
    if col.min is not None:
        bad.append(f"{q} < {col.min!r}")
    if col.max is not None:
        bad.append(f"{q} > {col.max!r}")
    if col.kind in ("money", "float") and finite:
        bad.append(dialect.not_finite(q))
    if col.kind == "month":
        bad.append(dialect.not_month(q))
    if col.kind in ("id", "text") and col.allowed is None and not referenced:
        limit = limits.id_chars if col.kind == "id" else limits.text_chars
        bad.append(
            f"length({q}) > {limit} OR trim({q}) <> {q} OR lower({q}) IN ({sql_list(sorted(EMPTY_TEXT))})"
        )
    if col.kind in ("date", "datetime") and not col.future_ok:
        end_of_today = (today() + timedelta(days=1)).isoformat()
        bad.append(dialect.at_or_after(q, end_of_today))
    return bad


def contract_breaches(
    con: Any,
    dialect: Dialect,
    types: Mapping[str, Any],
    table: str,
    columns: Sequence[str],
    references: Mapping[str, str] | None = None,
    rows: str = "1 = 1",
) -> int | None:
    """How many values of `columns` of `table` break the contract, counted in the database.

    The same rules as `aggregate.contract_breaches` (types, required, allowed values,
    ranges, month format, length limit, empty markers, no day after today, the key when
    `columns` hold it, `references`: column -> SQL relation with one column `k`) over the
    rows the SQL condition `rows` selects.  None: a column is absent or of another type.
    """
    import sqlalchemy as sa

    spec = TABLES[table]
    limits = Limits.from_env()
    counts: list[str] = []
    for name in columns:
        col = spec.column(name)
        if name not in types or not _type_fits(col.kind, types[name], dialect):
            return None
        referenced = name in (references or {})
        bad = breach_conditions(dialect, col, quoted(name), limits, referenced=referenced)
        if bad:
            # a NULL condition counts as not broken, as DuckDB's FILTER does
            counts.append(f"count(CASE WHEN {' OR '.join(f'({b})' for b in bad)} THEN 1 END)")
    for name, keys in (references or {}).items():
        counts.append(
            f"count(CASE WHEN {quoted(name)} IS NOT NULL AND {quoted(name)} NOT IN (SELECT k FROM {keys} AS r) THEN 1 END)"
        )
    total = 0
    try:
        if counts:
            row = con.execute(
                sa.text(f"SELECT {', '.join(counts)} FROM {quoted(table)} WHERE {rows}")
            ).first()
            total += sum(int(n or 0) for n in row or ())
        if spec.key and set(spec.key) <= set(columns):
            keys = ", ".join(quoted(k) for k in spec.key)
            dupes = con.execute(
                sa.text(
                    f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM {quoted(table)} "
                    f"WHERE {rows} GROUP BY {keys} HAVING count(*) > 1) d"
                )
            ).scalar()
            total += int(dupes or 0)
    except sa.exc.SQLAlchemyError:
        return None
    return total
