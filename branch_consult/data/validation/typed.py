"""Contract types in SQL: each column's typed value and its read faults, as the parser gives them.

Values the parser and DuckDB read identically (plain numbers, ISO dates and months,
empty markers) are typed in SQL; every other distinct value is handed to the parser's
own functions in Python, once, and joined back, so a messy cell ('1,234', '2026年4月',
'是') reads exactly as it does on the pandas path without loading the column.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from branch_consult.data.contract import Column, Table
from branch_consult.data.limits import Limits
from branch_consult.data.parsing import _EMPTY, _PARSERS, _fast_path
from branch_consult.data.validation.scan import ROW, Scan

#: the characters Python's str.strip() removes (the parser strips cells with it)
_WHITESPACE = "".join(
    chr(c) for c in (*range(9, 14), *range(28, 33), 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B))
) + "".join(chr(c) for c in (0x2028, 0x2029, 0x202F, 0x205F, 0x3000))
_WS = "'" + _WHITESPACE + "'"
_EMPTY_SQL = ", ".join("'" + e.replace("'", "''") + "'" for e in sorted(_EMPTY))

#: cells both readers turn into the same number (long exponents overflow: left to Python)
_NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,2})?"
#: (years pandas can hold: 1677-2262; outside them the parser decides)
_DATE = r"(1[7-9]|2[01])\d{2}-\d{2}-\d{2}([ T]\d{2}:\d{2}:\d{2})?"
_MONTH = r"\d{4}-(0[1-9]|1[0-2])"
#: distinct messy values of one column beyond which the pandas path is used instead
MAX_MESSY = 20_000

_INTEGER = (
    *("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"),
    *("UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"),
)
_FLOAT = ("FLOAT", "DOUBLE")
_TIMESTAMP = ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S")

_maps = itertools.count()


class Unsupported(Exception):
    """A column type or value the SQL path does not read like the parser: use the pandas path."""


def _numeric(dtype: str) -> bool:
    return dtype in _INTEGER or dtype in _FLOAT or dtype.startswith("DECIMAL")


@dataclass
class Typed:
    """SQL for one contract column: how empty it is and its parsed value, over the scan `r`."""

    col: Column
    raw: str  # the cell as read
    empty: str  # an empty cell ('', '-', NULL ...)
    parsed: str  # the parsed value before scaling and masking (NULL: empty or unreadable)
    dtype: str = ""
    mult: float = 1.0
    limit: int = 0  # longest text allowed


@dataclass
class TypedTable:
    """The typed relation of one table: per column i the raw cell raw<i>, the contract value
    v<i>, the read faults bad<i> (unreadable), inf<i>, frac<i>, long<i>, and num<i> (a
    number before whole-number masking); plus the source row."""

    spec: Table
    scan: Scan
    columns: dict[str, Typed]
    multipliers: dict[str, float]
    joins: list[str] = field(default_factory=list)

    def sql(self) -> str:
        """Staged SELECTs, so that no expression is repeated inside another."""
        cols = list(self.columns.values())
        idx = range(len(cols))
        keep = [ROW, *(f"raw{i}" for i in idx)]
        one = [f"r.{ROW} AS {ROW}"]
        for i, t in enumerate(cols):
            one += [f"{t.raw} AS raw{i}", f"{t.empty} AS e{i}", f"{t.parsed} AS p{i}"]
        two = [*keep]
        for i, t in enumerate(cols):
            two.append(f"(NOT e{i} AND p{i} IS NULL) AS bad{i}")
            if t.col.kind in ("int", "float", "money"):
                two.append(f"p{i} * {t.mult!r} AS s{i}" if t.mult != 1.0 else f"p{i} AS s{i}")
            elif t.col.kind == "date":
                two.append(f"date_trunc('day', p{i}) AS s{i}")
            else:
                two.append(f"p{i} AS s{i}")
        three = [*keep, *(f"bad{i}" for i in idx)]
        for i, t in enumerate(cols):
            if t.col.kind in ("int", "float", "money"):
                three += [
                    f"coalesce(isinf(s{i}), FALSE) AS inf{i}",
                    f"CASE WHEN isinf(s{i}) THEN NULL ELSE s{i} END AS num{i}",
                ]
            else:
                three += [f"FALSE AS inf{i}", f"s{i} AS num{i}"]
        four = [*keep, *(f"bad{i}" for i in idx), *(f"inf{i}" for i in idx)]
        for i, t in enumerate(cols):
            four.append(f"num{i}")
            if t.col.kind == "int":
                four += [
                    f"coalesce(num{i} <> round(num{i}), FALSE) AS frac{i}",
                    f"CAST(round(CASE WHEN num{i} <> round(num{i}) THEN NULL ELSE num{i} END) "
                    f"AS BIGINT) AS v{i}",
                ]
            else:
                four += [f"FALSE AS frac{i}", f"num{i} AS v{i}"]
            if t.col.kind in ("id", "text"):
                four.append(
                    f"coalesce(strlen(num{i}) > {t.limit} AND length(num{i}) > {t.limit}, FALSE) AS long{i}"
                )
            else:
                four.append(f"FALSE AS long{i}")
        sql = f"SELECT {', '.join(one)} FROM {self.scan.relation} r {' '.join(self.joins)}"
        for stage in (two, three, four):
            sql = f"SELECT {', '.join(stage)} FROM ({sql})"
        return f"({sql})"

    def index(self, name: str) -> int:
        return list(self.columns).index(name)


#: code points above 32 that str.strip() removes
_WIDE_WS = ", ".join(str(ord(c)) for c in _WHITESPACE if ord(c) > 32)
#: the longest empty marker ('null', '#n/a')
_EMPTY_LEN = max(len(e) for e in _EMPTY)


def _padded(raw: str) -> str:
    """Whether a cell starts or ends with whitespace (cheap: the full-set trim is slow)."""
    ends = (f"ord({raw})", f"ord(reverse({raw}))")
    return (
        "(" + " OR ".join(f"{e} <= 32 OR ({e} > 127 AND {e} IN ({_WIDE_WS}))" for e in ends) + ")"
    )


def _strip(raw: str) -> str:
    """Python's str.strip() of a non-empty cell."""
    return f"CASE WHEN {_padded(raw)} THEN trim({raw}, {_WS}) ELSE {raw} END"


def _empty(raw: str, dtype: str) -> str:
    if dtype == "VARCHAR":
        return (
            f"({raw} IS NULL OR {raw} = '' OR (strlen({raw}) <= {_EMPTY_LEN} AND lower({raw}) IN "
            f"({_EMPTY_SQL})) OR ({_padded(raw)} AND lower(trim({raw}, {_WS})) IN ({_EMPTY_SQL})))"
        )
    if dtype in _FLOAT:
        return f"({raw} IS NULL OR isnan({raw}))"
    return f"({raw} IS NULL)"


def _messy(
    scan: Scan, raw: str, where: str, col: Column, joins: list[str], arrow_type: pa.DataType
) -> str:
    """Parse the column's distinct messy values in Python; the SQL value of the parsed cell."""
    rows = scan.con.execute(
        f"SELECT DISTINCT {raw} FROM {scan.relation} r WHERE {where} LIMIT {MAX_MESSY + 1}"
    ).fetchall()
    if not rows:
        return "NULL"
    if len(rows) > MAX_MESSY:
        raise Unsupported(f"{col.name}: more than {MAX_MESSY:,} distinct values need parsing")
    values = [r[0] for r in rows]
    series = pd.Series(values, dtype=object)
    fast = _fast_path(series, col.kind) if col.kind != "bool" else None
    parsed: list[object] = (
        list(fast) if fast is not None else [_PARSERS[col.kind](v) for v in values]
    )
    if col.kind in ("date", "datetime"):
        stamps = pd.to_datetime(pd.Series(parsed, dtype=object), errors="coerce")
        if getattr(stamps.dt, "tz", None) is not None:
            raise Unsupported(f"{col.name}: dates with a time zone")
        parsed = [None if pd.isna(s) else s.to_pydatetime() for s in stamps]
    elif col.kind in ("int", "float", "money"):
        parsed = [_number(v) for v in parsed]
    name = f"_bc_map_{next(_maps)}"
    table = pa.table({"k": pa.array(values), "v": pa.array(parsed, type=arrow_type)})
    scan.con.register(name, table)
    alias = f"m{len(joins)}"
    joins.append(f"LEFT JOIN {name} {alias} ON {raw} = {alias}.k")
    return f"{alias}.v"


def _number(value: object) -> float | None:
    """A parsed number as a float, None for a missing one."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not pd.isna(value):
        return float(value)
    return None


def typed_table(
    scan: Scan, spec: Table, mapping: dict[str, str], mult: dict[str, float]
) -> TypedTable:
    """Typed SQL for every contract column present (`mapping`: contract name -> column as written)."""
    limits = Limits.from_env()
    joins: list[str] = []
    columns: dict[str, Typed] = {}
    raws = {name: 'r."' + written.replace('"', '""') + '"' for name, written in mapping.items()}
    plain = _plain_columns(scan, spec, mapping, raws)
    for col in spec.columns:
        if col.name not in mapping:
            continue
        written = mapping[col.name]
        raw = raws[col.name]
        dtype = scan.types[written]
        if col.name in plain:
            columns[col.name] = _plain_column(col, raw, dtype, mult.get(col.name, 1.0), limits)
            continue
        columns[col.name] = _typed_column(
            scan, col, raw, dtype, mult.get(col.name, 1.0), joins, limits
        )
    return TypedTable(spec, scan, columns, mult, joins)


def _plain_test(kind: str, raw: str) -> str | None:
    """SQL true for a text cell that needs no parsing beyond a cast (None: kind always parsed)."""
    if kind in ("id", "text"):
        marker = f"(strlen({raw}) <= {_EMPTY_LEN} AND lower({raw}) IN ({_EMPTY_SQL}))"
        return f"NOT ({raw} = '' OR {_padded(raw)} OR {marker})"
    if kind == "month":
        return f"regexp_full_match({raw}, '{_MONTH}')"
    if kind in ("int", "float", "money"):
        return f"regexp_full_match({raw}, '{_NUMBER}')"
    if kind in ("date", "datetime"):
        return f"(regexp_full_match({raw}, '{_DATE}') AND try_cast({raw} AS TIMESTAMP) IS NOT NULL)"
    return None


def _plain_columns(
    scan: Scan, spec: Table, mapping: dict[str, str], raws: dict[str, str]
) -> set[str]:
    """Text columns every cell of which is NULL or already clean: their typed value is a plain
    cast, so later passes cost what a bare scan costs.

    Each column is tested on its distinct values (a month or product column holds a handful
    among millions of rows; string tests per row cost several bare scans), except a table's
    single-column key, whose values are all distinct anyway.  One query, a column each."""
    tests: dict[str, str] = {}
    for col in spec.columns:
        if col.name in mapping and scan.types[mapping[col.name]] == "VARCHAR":
            test = _plain_test(col.kind, raws[col.name])
            if test is not None:
                tests[col.name] = test
    if not tests:
        return set()
    parts = []
    for n, t in tests.items():
        if spec.key == (n,):
            parts.append(f"(SELECT bool_and({raws[n]} IS NULL OR {t}) FROM {scan.relation} r)")
        else:
            test = _plain_test(spec.column(n).kind, "v")
            parts.append(
                f"(SELECT bool_and(v IS NULL OR {test}) FROM "
                f"(SELECT DISTINCT {raws[n]} AS v FROM {scan.relation} r))"
            )
    row = scan.con.execute(f"SELECT {', '.join(parts)}").fetchone()
    if row is None:
        return set()
    return {n for n, ok in zip(tests, row, strict=True) if ok is None or ok}


def _plain_column(col: Column, raw: str, dtype: str, mult: float, limits: Limits) -> Typed:
    kind = col.kind
    cast = {"int": "DOUBLE", "float": "DOUBLE", "money": "DOUBLE", "date": "TIMESTAMP"}
    cast["datetime"] = "TIMESTAMP"
    parsed = f"CAST({raw} AS {cast[kind]})" if kind in cast else raw
    limit = limits.id_chars if kind == "id" else limits.text_chars
    return Typed(col, raw, f"({raw} IS NULL)", parsed, dtype, mult, limit)


def _typed_column(
    scan: Scan, col: Column, raw: str, dtype: str, mult: float, joins: list[str], limits: Limits
) -> Typed:
    empty = _empty(raw, dtype)
    kind = col.kind

    def typed(parsed: str, limit: int = 0) -> Typed:
        return Typed(col, raw, empty, parsed, dtype, mult, limit)

    def messy(clean: str, arrow_type: pa.DataType) -> str:
        return _messy(scan, raw, f"NOT {empty} AND NOT {clean}", col, joins, arrow_type)

    if kind in ("id", "text"):
        limit = limits.id_chars if kind == "id" else limits.text_chars
        if dtype == "VARCHAR":
            return typed(f"CASE WHEN {empty} THEN NULL ELSE {_strip(raw)} END", limit)
        if dtype in _INTEGER:
            return typed(f"CAST({raw} AS VARCHAR)", limit)
        if dtype in _FLOAT:
            return typed(
                f"CASE WHEN {empty} THEN NULL WHEN isfinite({raw}) AND {raw} = trunc({raw}) "
                f"AND abs({raw}) < 1e15 THEN CAST(CAST({raw} AS BIGINT) AS VARCHAR) "
                f"ELSE CAST({raw} AS VARCHAR) END",
                limit,
            )
        raise Unsupported(f"{col.name}: {dtype} in a text column")
    if kind in ("int", "float", "money"):
        if _numeric(dtype):
            return typed(f"CASE WHEN {empty} THEN NULL ELSE CAST({raw} AS DOUBLE) END")
        if dtype == "VARCHAR":
            clean = f"regexp_full_match({raw}, '{_NUMBER}')"
            other = messy(clean, pa.float64())
            return typed(
                f"CASE WHEN {empty} THEN NULL WHEN {clean} THEN CAST({raw} AS DOUBLE) ELSE {other} END"
            )
        raise Unsupported(f"{col.name}: {dtype} in a number column")
    if kind in ("date", "datetime"):
        if dtype in _TIMESTAMP:
            return typed(f"CAST({raw} AS TIMESTAMP)")
        if dtype == "VARCHAR":
            clean = f"regexp_full_match({raw}, '{_DATE}')"
            other = messy(
                f"({clean} AND try_cast({raw} AS TIMESTAMP) IS NOT NULL)", pa.timestamp("us")
            )
            return typed(
                f"CASE WHEN {empty} THEN NULL "
                f"ELSE coalesce(CASE WHEN {clean} THEN try_cast({raw} AS TIMESTAMP) END, {other}) END"
            )
        raise Unsupported(f"{col.name}: {dtype} in a date column")
    if kind == "month":
        if dtype in _TIMESTAMP:
            return typed(f"strftime({raw}, '%Y-%m')")
        clean = f"regexp_full_match({raw}, '{_MONTH}')" if dtype == "VARCHAR" else "FALSE"
        other = messy(clean, pa.string())
        return typed(f"CASE WHEN {empty} THEN NULL WHEN {clean} THEN {raw} ELSE {other} END")
    if dtype == "BOOLEAN":
        return typed(raw)
    if dtype == "VARCHAR":
        return _text_flag(scan, col, raw, dtype, mult, joins)
    other = messy("FALSE", pa.bool_())
    return typed(f"CASE WHEN {empty} THEN NULL ELSE {other} END")


def _text_flag(
    scan: Scan, col: Column, raw: str, dtype: str, mult: float, joins: list[str]
) -> Typed:
    """A flag column written as text: whether each distinct value is empty, and the flag it
    reads as, found once and joined back, so no string test runs per row (a flag column
    holds a handful of values among millions of rows)."""
    empty = _empty("v", dtype)
    rows = scan.con.execute(
        f"SELECT v, {empty} FROM (SELECT DISTINCT {raw} AS v FROM {scan.relation} r) "
        f"WHERE v IS NOT NULL LIMIT {MAX_MESSY + 1 + len(_EMPTY)}"
    ).fetchall()
    values = [r[0] for r in rows]
    empties = [bool(r[1]) for r in rows]
    if len(values) - sum(empties) > MAX_MESSY:
        raise Unsupported(f"{col.name}: more than {MAX_MESSY:,} distinct values need parsing")
    parsed = [None if e else _PARSERS["bool"](v) for v, e in zip(values, empties, strict=True)]
    name = f"_bc_map_{next(_maps)}"
    table = pa.table(
        {
            "k": pa.array(values, pa.string()),
            "v": pa.array(parsed, pa.bool_()),
            "e": pa.array(empties, pa.bool_()),
        }
    )
    scan.con.register(name, table)
    alias = f"m{len(joins)}"
    joins.append(f"LEFT JOIN {name} {alias} ON {raw} = {alias}.k")
    # a NULL cell finds no row in the map: empty
    return Typed(col, raw, f"coalesce({alias}.e, TRUE)", f"{alias}.v", dtype, mult, 0)
