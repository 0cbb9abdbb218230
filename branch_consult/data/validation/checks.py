"""The contract's rules as SQL over a typed table: counts, the first rows, a few examples.

Each rule mirrors one check of the pandas path (parsing, schemas, dataset) and words
its problem identically; the order of the problems is the pandas path's too.  Only
counts and at most `ROW_LIMIT` row numbers per problem ever reach Python.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from branch_consult.data.contract import Column, Table
from branch_consult.data.limits import Limits
from branch_consult.data.parsing import _EXPECTED
from branch_consult.data.periods import stray_months, today
from branch_consult.data.problems import Problem, examples_of
from branch_consult.data.schemas import _message
from branch_consult.data.validation.scan import ROW
from branch_consult.data.validation.typed import TypedTable

#: row numbers kept per problem (the count in the message and in "and N more" stays exact)
ROW_LIMIT = 1000

#: how pandas prints an empty cell of each kind (the "found:" of an empty-value problem)
_NULL_TEXT = {"int": "<NA>", "bool": "<NA>", "date": "NaT", "datetime": "NaT"}

#: (table, column) -> SQL relation with one column `k` holding the keys, or None (not checked)
KeyLookup = Callable[[str, str], str | None]


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _says(before: str, after: str, thousands: bool = False) -> Callable[[int], str]:
    """A message with the count between `before` and `after`."""
    return lambda n: f"{before}{n:,}{after}" if thousands else f"{before}{n}{after}"


def _schema_says(spec: Table, column: str, check: str) -> Callable[[int], str]:
    """The pandas path's message for a failed schema check."""
    return lambda n: _message(spec, column, check, n)


@dataclass
class _Rule:
    column: str | None
    cond: str
    message: Callable[[int], str]
    shown: str | None  # SQL of the example values (None: fixed examples)
    fixed: tuple[str, ...] = ()


class TableChecks:
    """Runs every rule over one typed table and returns the problems, pandas-path order."""

    def __init__(self, typed: TypedTable, label: str, keys: KeyLookup, relation: str | None = None):
        self.t = typed
        self.label = label
        self.keys = keys
        self.con = typed.scan.con
        self.rel = relation or typed.sql()
        self.limits = Limits.from_env()
        self._census: dict[str, int] = {}

    def census(self, rules: Sequence[_Rule]) -> None:
        """Count every simple rule, the rows and the longest texts in one pass over the table."""
        parts = ["count(*)"] + [f"count(*) FILTER (WHERE {r.cond})" for r in rules]
        longs = [i for i, t in enumerate(self.t.columns.values()) if t.col.kind in ("id", "text")]
        parts += [f"max(length(v{i})) FILTER (WHERE long{i})" for i in longs]
        row = self.con.execute(f"SELECT {', '.join(parts)} FROM {self.rel} t").fetchone()
        values = [int(v or 0) for v in row] if row else [0] * len(parts)
        self._census = {"rows": values[0]}
        self._census.update({r.cond: n for r, n in zip(rules, values[1:], strict=False)})
        for i, n in zip(longs, values[1 + len(rules) :], strict=True):
            self._census[f"longest{i}"] = n

    # ------------------------------------------------------------ plumbing
    def _counts(self, conds: Sequence[str]) -> list[int]:
        if not conds:
            return []
        if all(c in self._census for c in conds):
            return [self._census[c] for c in conds]
        parts = ", ".join(f"count(*) FILTER (WHERE {c})" for c in conds)
        row = self.con.execute(f"SELECT {parts} FROM {self.rel} t").fetchone()
        return [int(v) for v in row] if row else [0] * len(conds)

    def _rows(self, cond: str) -> tuple[int, ...]:
        rows = self.con.execute(
            f"SELECT {ROW} FROM {self.rel} t WHERE {cond} ORDER BY {ROW} LIMIT {ROW_LIMIT}"
        ).fetchall()
        return tuple(int(r[0]) for r in rows)

    def _first_values(self, cond: str, shown: str, limit: int = 50) -> list[Any]:
        """Distinct values in order of their first row (what `examples_of` sees first)."""
        rows = self.con.execute(
            f"SELECT v FROM (SELECT {shown} AS v, min({ROW}) AS first FROM {self.rel} t "
            f"WHERE {cond} GROUP BY 1) ORDER BY first LIMIT {limit}"
        ).fetchall()
        return [r[0] for r in rows]

    def _problem(self, rule: _Rule, count: int) -> Problem:
        shown = rule.shown or "NULL"
        found = self.con.execute(
            f"SELECT {ROW}, {shown} FROM {self.rel} t WHERE {rule.cond} ORDER BY {ROW} "
            f"LIMIT {ROW_LIMIT}"
        ).fetchall()
        rows = tuple(int(r[0]) for r in found)
        examples = rule.fixed
        if rule.shown is not None:
            examples = examples_of(r[1] for r in found)
            if len(examples) < 5 and count > len(rows):  # later rows may hold other values
                examples = examples_of(self._first_values(rule.cond, rule.shown))
        return Problem(
            self.label,
            self.t.spec.name,
            rule.message(count),
            rule.column,
            rows,
            examples,
            total_rows=count if count > len(rows) else 0,
        )

    def _run(self, rules: list[_Rule]) -> list[Problem]:
        counts = self._counts([r.cond for r in rules])
        return [self._problem(r, n) for r, n in zip(rules, counts, strict=True) if n]

    def _i(self, name: str) -> int:
        return self.t.index(name)

    # ------------------------------------------------------------ the rules
    def reading(self) -> list[Problem]:
        """Cells the parser cannot read, infinite and fractional numbers, overlong text."""
        rules = self.reading_rules()
        longs = [
            (self._i(name), t.col)
            for name, t in self.t.columns.items()
            if t.col.kind in ("id", "text")
        ]
        found = self._run([r for r in rules if not r.cond.startswith("long")])
        long_problems = {i: self._too_long(i, col) for i, col in longs}
        out: list[Problem] = []
        for name in self.t.columns:  # the pandas path's order: column by column
            out += long_problems.get(self._i(name), [])
            out += [p for p in found if p.column == name]
        return out

    def reading_rules(self) -> list[_Rule]:
        rules: list[_Rule] = [
            _Rule(self.t.columns[n].col.name, f"long{self._i(n)}", str, None)
            for n in self.t.columns
            if self.t.columns[n].col.kind in ("id", "text")
        ]
        for name, typed in self.t.columns.items():
            i, col = self._i(name), typed.col
            if col.kind in ("id", "text"):
                continue
            rules.append(
                _Rule(
                    name,
                    f"bad{i}",
                    _says("cannot read ", f" value(s); expected {_EXPECTED[col.kind]}"),
                    f"raw{i}",
                )
            )
            if col.kind in ("int", "float", "money"):
                rules.append(
                    _Rule(
                        name,
                        f"inf{i}",
                        lambda n: (
                            f"cannot read {n} value(s); expected a finite "
                            "number (inf, Infinity or a number too large to hold is not an amount)"
                        ),
                        f"raw{i}",
                    )
                )
            if col.kind == "int":
                rules.append(
                    _Rule(name, f"frac{i}", lambda n: "expected a whole number", f"num{i}")
                )
        return rules

    def _too_long(self, i: int, col: Column) -> list[Problem]:
        limit = self.limits.id_chars if col.kind == "id" else self.limits.text_chars
        count, longest = self._counts([f"long{i}"])[0], self._census.get(f"longest{i}", 0)
        if not count:
            return []
        values = self.con.execute(
            f"SELECT v{i} FROM {self.rel} t WHERE long{i} ORDER BY {ROW} LIMIT 3"
        ).fetchall()
        examples = tuple(f"{v[0][:20]!r}… ({len(v[0]):,} characters)" for v in values)
        rows = self._rows(f"long{i}")
        return [
            Problem(
                self.label,
                self.t.spec.name,
                f"{count} value(s) longer than {limit:,} characters "
                f"(longest {longest:,}); expected {'an identifier' if col.kind == 'id' else 'a short text'}",
                col.name,
                rows,
                examples,
                total_rows=count if count > len(rows) else 0,
            )
        ]

    def row_count(self) -> int:
        if "rows" in self._census:
            return self._census["rows"]
        row = self.con.execute(f"SELECT count(*) FROM {self.rel} t").fetchone()
        return int(row[0]) if row else 0

    def stray_months(self) -> list[Problem]:
        problems: list[Problem] = []
        for name, typed in self.t.columns.items():
            if typed.col.kind != "month":
                continue
            i = self._i(name)
            counts = {
                str(m): int(n)
                for m, n in self.con.execute(
                    f"SELECT v{i}, count(*) FROM {self.rel} t WHERE v{i} IS NOT NULL GROUP BY 1"
                ).fetchall()
            }
            for month, why in stray_months(counts).items():
                cond = f"v{i} = {_sql_text(month)}"
                problems.append(
                    self._problem(
                        _Rule(
                            name,
                            cond,
                            _says("", f" row(s) dated {month}: {why}", thousands=True),
                            None,
                            (repr(month),),
                        ),
                        counts[month],
                    )
                )
        return problems

    def future_dates(self) -> list[Problem]:
        return self._run(self.future_rules())

    def future_rules(self) -> list[_Rule]:
        end = pd.Timestamp(today()) + pd.Timedelta(days=1)
        day = f"{end - pd.Timedelta(days=1):%Y-%m-%d}"
        rules = [
            _Rule(
                name,
                f"v{self._i(name)} >= TIMESTAMP '{end:%Y-%m-%d %H:%M:%S}'",
                lambda n: f"{n} value(s) after today ({day}): data cannot be dated in the future",
                f"strftime(v{self._i(name)}, '%Y-%m-%d')",
            )
            for name, typed in self.t.columns.items()
            if typed.col.kind in ("date", "datetime") and not typed.col.future_ok
        ]
        return rules

    def schema(self) -> list[Problem]:
        """Duplicate keys, then per column: empty required values, unknown values, min, max."""
        return self._duplicates() + self._run(self.schema_rules())

    def schema_rules(self) -> list[_Rule]:
        spec = self.t.spec
        rules: list[_Rule] = []
        for name, typed in self.t.columns.items():
            i, col = self._i(name), typed.col
            if not col.nullable:
                rules.append(
                    _Rule(
                        name,
                        f"v{i} IS NULL AND NOT bad{i} AND NOT inf{i}",
                        lambda n: _message(spec, None, "not_nullable", n),
                        None,
                        (_NULL_TEXT.get(col.kind, "nan"),),
                    )
                )
            if col.allowed is not None:
                allowed = ", ".join(_sql_text(a) for a in col.allowed)
                rules.append(
                    _Rule(
                        name,
                        f"v{i} IS NOT NULL AND v{i} NOT IN ({allowed})",
                        _schema_says(spec, name, "allowed"),
                        f"v{i}",
                    )
                )
            if col.min is not None:
                rules.append(
                    _Rule(
                        name,
                        f"v{i} < {col.min!r}",
                        _schema_says(spec, name, "min"),
                        f"v{i}",
                    )
                )
            if col.max is not None:
                rules.append(
                    _Rule(
                        name,
                        f"v{i} > {col.max!r}",
                        _schema_says(spec, name, "max"),
                        f"v{i}",
                    )
                )
        return rules

    def _key_text(self, name: str) -> str:
        i = self._i(name)
        kind = self.t.columns[name].col.kind
        if kind in ("date", "datetime"):
            return f"coalesce(strftime(v{i}, '%Y-%m-%d %H:%M:%S'), 'NaT')"
        if kind == "int":
            return f"coalesce(CAST(v{i} AS VARCHAR), '<NA>')"
        if kind in ("float", "money"):
            return f"coalesce(CAST(v{i} AS VARCHAR), 'nan')"
        return f"coalesce(CAST(v{i} AS VARCHAR), 'nan')"

    def _duplicates(self) -> list[Problem]:
        spec = self.t.spec
        key = [k for k in spec.key if k in self.t.columns]
        if len(key) != len(spec.key):
            return []
        cols = ", ".join(f"v{self._i(k)}" for k in key)
        dup = f"(SELECT {cols} FROM {self.rel} t GROUP BY ALL HAVING count(*) > 1)"
        found = self.con.execute(f"SELECT count(*) FROM {dup}").fetchone()
        if not found or not found[0]:
            return []
        on = " AND ".join(f"t.v{self._i(k)} IS NOT DISTINCT FROM d.v{self._i(k)}" for k in key)
        joined = f"(SELECT t.* FROM {self.rel} t JOIN {dup} d ON {on})"
        row = self.con.execute(f"SELECT count(*) FROM {joined}").fetchone()
        count = int(row[0]) if row else 0
        rows = tuple(
            int(r[0])
            for r in self.con.execute(
                f"SELECT {ROW} FROM {joined} ORDER BY {ROW} LIMIT {ROW_LIMIT}"
            ).fetchall()
        )
        text = " || ' / ' || ".join(self._key_text(k) for k in key)
        values = self.con.execute(
            f"SELECT v FROM (SELECT {text} AS v, min({ROW}) AS first FROM {joined} t GROUP BY 1) "
            "ORDER BY first LIMIT 50"
        ).fetchall()
        return [
            Problem(
                self.label,
                spec.name,
                _message(spec, None, "unique", count),
                ", ".join(spec.key),
                rows,
                examples_of(v[0] for v in values),
                total_rows=count if count > len(rows) else 0,
            )
        ]

    def references(self) -> list[Problem]:
        spec = self.t.spec
        checks: list[tuple[str, str, str, str]] = []  # column, extra condition, table, column
        for col in spec.columns:
            if col.references and col.name in self.t.columns:
                ref_table, ref_col = col.references.split(".")
                checks.append((col.name, "TRUE", ref_table, ref_col))
        if spec.name == "targets" and "level" in self.t.columns and "id" in self.t.columns:
            level = f"v{self._i('level')}"
            checks.append(("id", f"{level} = 'staff'", "staff", "staff_id"))
            checks.append(("id", f"{level} = 'branch'", "branches", "branch_id"))
        rules: list[_Rule] = []
        for column, extra, ref_table, ref_col in checks:
            keys = self.keys(ref_table, ref_col)
            if keys is None:
                continue
            i = self._i(column)
            cond = (
                f"v{i} IS NOT NULL AND {extra} AND NOT EXISTS "
                f"(SELECT 1 FROM {keys} k WHERE k.k = t.v{i})"
            )
            target = f"{ref_table}.{ref_col}"
            rules.append(
                _Rule(column, cond, _says("", f" reference(s) to unknown {target}"), f"v{i}")
            )
        return self._run(rules)
