"""A dataset: validated contract tables from one source, loaded lazily and cached.

`open_dataset(location)` is the one entry point playbooks use.  Tables are read on
first use, typed, checked against their pandera schema and their references to other
tables, and cached per process keyed by source, modification version, table and
branch slice: a batch over 1,000 branches re-reads nothing it already has.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from branch_consult.data import trace
from branch_consult.data.contract import TABLES
from branch_consult.data.contract import table as table_spec
from branch_consult.data.parsed_cache import Parsed, parsed_key
from branch_consult.data.parsed_cache import entry as parsed_entry
from branch_consult.data.parsed_cache import load as load_parsed
from branch_consult.data.parsed_cache import store as store_parsed
from branch_consult.data.parsing import EMPTY_DTYPE, coerce_frame, settle_dtypes
from branch_consult.data.periods import stray_months, today
from branch_consult.data.problems import (
    DataProblems,
    Problem,
    empty_table_problem,
    examples_of,
    first_line,
    rows_of,
)
from branch_consult.data.requirements import playbook_needs
from branch_consult.data.schemas import check_table
from branch_consult.data.sources import RawTable, Source, _duck, open_source, text_columns

if TYPE_CHECKING:
    from branch_consult.data.validation import SqlValidation

#: (source kind, location, version, table, branches, filters): what a loaded table depends on
CacheKey = tuple[object, ...]
#: column filters of a read, e.g. (("month", ("2024-01", "2024-02")),)
Filters = tuple[tuple[str, tuple[str, ...]], ...]
Loaded = tuple[pd.DataFrame, tuple[Problem, ...]]

_CACHE: OrderedDict[CacheKey, Loaded] = OrderedDict()
_CACHE_SIZE = 48


def _cached(key: CacheKey, load: Callable[[], Loaded]) -> Loaded:
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    value = load()
    _CACHE[key] = value
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


#: tables that could not be read, so that each dependent table does not re-read and re-report them
_FAILED: dict[CacheKey, DataProblems] = {}


def clear_cache() -> None:
    """Forget every loaded table (tests, or after editing files in place)."""
    _CACHE.clear()
    _KEYS.clear()
    _KNOWN.clear()
    _FAILED.clear()


def sample_path() -> Path:
    """The committed synthetic sample bank (the default `--data`)."""
    env = os.environ.get("BRANCH_CONSULT_DATA")
    if env:
        return Path(env)
    from branch_consult.resources import sample_bank_dir

    return sample_bank_dir()


@dataclass
class ValidationReport:
    """Everything wrong with a source, table by table, and what it can be used for."""

    source: str
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    #: table -> the file or sheet it was read from
    inputs: dict[str, str] = field(default_factory=dict)
    #: file or sheet -> why it was not read
    ignored: dict[str, str] = field(default_factory=dict)
    #: playbook -> required tables the source lacks (only playbooks checked)
    missing_required: dict[str, list[str]] = field(default_factory=dict)
    #: playbook -> optional tables the source lacks (their sections are left out)
    missing_optional: dict[str, list[str]] = field(default_factory=dict)
    #: branches asked for (--branch) that the branches table does not have
    unknown_branches: list[str] = field(default_factory=list)

    @property
    def unusable(self) -> list[str]:
        return sorted({p.table for p in self.problems if p.severity == "error"})

    @property
    def ok(self) -> bool:
        return (
            not self.unusable
            and not self.unknown_branches
            and not any(self.missing_required.values())
        )

    def text(self) -> str:
        lines = [f"Data source: {self.source}"]
        if not self.inputs and not self.rows:
            lines.append(
                "  no contract table found (files or sheets must be named after a table, e.g. branches.csv)"
            )
        for name, n in self.rows.items():
            mark = "unusable" if name in self.unusable else "ok"
            origin = f"  from {self.inputs[name]}" if name in self.inputs else ""
            lines.append(f"  {name:<17} {n:>10,} rows  {mark}{origin}")
        for name in self.inputs:
            if name not in self.rows:
                lines.append(f"  {name:<17} {'-':>10}       unreadable  from {self.inputs[name]}")
        for item, why in self.ignored.items():
            lines.append(f"  ignored: {item} ({why})")
        if self.absent:
            lines.append(f"  not present: {', '.join(self.absent)}")
        for playbook in sorted(set(self.missing_required) | set(self.missing_optional)):
            req, opt = (
                self.missing_required.get(playbook, []),
                self.missing_optional.get(playbook, []),
            )
            state = f"cannot run: missing required table(s) {', '.join(req)}" if req else "can run"
            if opt:
                state += f"; sections left out without {', '.join(opt)}"
            lines.append(f"  playbook {playbook}: {state}")
        if self.unknown_branches:
            lines.append(
                f"  unknown branch(es): {', '.join(self.unknown_branches)} (not in the branches table)"
            )
        if self.problems:
            lines.append(f"{len(self.problems)} problem(s):")
            lines += [f"  [{p.severity}] {p.describe()}" for p in self.problems]
        elif self.ok:
            lines.append("No problems found.")
        return "\n".join(lines)


class Dataset:
    """Validated tables from one source, optionally restricted to some branches."""

    def __init__(
        self,
        source: Source,
        branch_ids: Sequence[str] | None = None,
        *,
        fingerprint: str | None = None,
        holdings_months: Mapping[str, int] | None = None,
    ):
        self.source = source
        self.branch_filter = tuple(branch_ids) if branch_ids else None
        # what a run's parent already learnt of this source (see `facts`), else learnt on first use
        self._given_fingerprint = fingerprint or None
        #: (table, column) -> (source version counted at, None when handed over; counts)
        self._month_counts: dict[tuple[str, str], tuple[str | None, dict[str, int]]] = {}
        if holdings_months:
            counts = {str(m): int(n) for m, n in holdings_months.items()}
            self._month_counts["holdings", "month"] = (None, counts)

    # ------------------------------------------------------------ identity
    @property
    def label(self) -> str:
        return self.source.label

    def tables(self) -> list[str]:
        return self.source.tables()

    def fingerprint(self) -> str:
        """Identifies the input data for provenance and result caches: source identity and version.

        Computed from the source's current version (a database's counts rows), or taken as
        given when a run's parent computed it (`open_dataset(..., fingerprint=...)`)."""
        if self._given_fingerprint is not None:
            return self._given_fingerprint
        trace.record("fingerprint", self.label)
        ident = getattr(self.source, "path", None) or getattr(self.source, "url", self.label)
        text = f"{self.source.kind}:{Path(str(ident)).name if self.source.kind != 'sql' else self.label}:{self.source.version()}"
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def pinned(self) -> Dataset:
        """This view with its fingerprint learnt now and then fixed: one computation that keys
        several results (a diagnostic and its bank context) looks at the source once."""
        if self._given_fingerprint is not None:
            return self
        view = Dataset(self.source, self.branch_filter, fingerprint=self.fingerprint())
        view._month_counts = self._month_counts
        return view

    def facts(self) -> dict[str, object]:
        """What a run's parent learnt of the source, so its kernel need not learn it again:
        keyword arguments of `open_dataset` (the fingerprint; holdings rows per month, if counted)."""
        known: dict[str, object] = {"fingerprint": self.fingerprint()}
        counted = self._month_counts.get(("holdings", "month"))
        if counted is not None:
            known["holdings_months"] = dict(
                sorted(counted[1].items())
            )  # one order, whoever counted
        return known

    def branch(self, branch_id: str | Sequence[str]) -> Dataset:
        """The same source seen through one branch (or a few)."""
        ids = [branch_id] if isinstance(branch_id, str) else list(branch_id)
        view = Dataset(self.source, ids, fingerprint=self._given_fingerprint)
        view._month_counts = self._month_counts  # bank-wide, shared by every view of the source
        return view

    def branch_ids(self) -> list[str]:
        return sorted(self.table("branches")["branch_id"].dropna().astype(str).tolist())

    def month_counts(self, name: str = "holdings", column: str = "month") -> dict[str, int]:
        """Rows per month of the whole table, across all branches even for a branch's view
        (a report's period is bank-wide); cheaply where the engine can. Raises DataProblems
        when some months cannot be real (after today, or far beyond the bulk of the data).
        Counted once per source version; counts a run's parent handed over are not counted again."""
        known = self._month_counts.get((name, column))
        if known is not None and known[0] is None:  # handed over by the run's parent
            return dict(known[1])
        version = self.source.version()
        if known is not None and known[0] == version:
            return dict(known[1])
        trace.record("months", f"{self.label} {name}.{column}")
        scan = self.scan(name) if name in self.tables() else None
        counts: dict[str, int] | None = None
        if scan is not None and column in TABLES[name].names:
            con, relation = scan
            try:
                rows = con.execute(
                    f'SELECT CAST("{column}" AS VARCHAR), COUNT(*) FROM {relation} WHERE "{column}" IS NOT NULL GROUP BY 1'
                ).fetchall()
            except duckdb.Error:
                rows = None
            if rows is not None and all(
                re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(m)) for m, _ in rows
            ):
                counts = {str(m): int(n) for m, n in rows}
        if counts is None and name in self.tables():
            pushed = self.source.value_counts(name, column)
            if pushed is not None and all(
                re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m in pushed
            ):
                counts = pushed
        if counts is None:
            values = Dataset(self.source).table(name)[column].dropna().astype(str)
            counts = {str(m): int(n) for m, n in values.value_counts().items()}
        strays = stray_months(counts)
        if strays:
            raise DataProblems(
                [
                    Problem(
                        self.label,
                        name,
                        f"{counts[m]:,} row(s) dated {m}: {why}",
                        column,
                        examples=(repr(m),),
                    )
                    for m, why in strays.items()
                ],
                headline=f"table {name} from {self.label} has months that cannot be real "
                "(`branch-consult validate` lists the rows)",
            )
        self._month_counts[name, column] = (version, counts)
        return dict(counts)

    def months(self, name: str = "holdings", column: str = "month") -> list[str]:
        """The months a table holds, sorted: from its month counts when they are already known
        (counted, or handed over by the run's parent), else its distinct values."""
        known = self._month_counts.get((name, column))
        if known is not None and known[0] in (None, self.source.version()):
            return sorted(known[1])
        return self.distinct(name, column)

    def distinct(self, name: str, column: str) -> list[str]:
        """Distinct values of one column (e.g. the months of holdings), cheaply when the engine can."""
        trace.record("distinct", f"{self.label} {name}.{column}")
        scan = self.scan(name) if name in self.tables() else None
        if scan is not None and column in TABLES[name].names:
            con, relation = scan
            rows = con.execute(
                f'SELECT DISTINCT "{column}" FROM {relation} WHERE "{column}" IS NOT NULL'
            ).fetchall()
            return sorted(str(r[0]) for r in rows)
        return sorted(self.table(name)[column].dropna().astype(str).unique().tolist())

    def scan(self, name: str) -> tuple[duckdb.DuckDBPyConnection, str] | None:
        """A DuckDB relation over the whole typed table, for aggregates where the data lives:
        the source's own (Parquet, DuckDB), or a CSV/Excel table's parsed copy (parsed
        now if it never was) when parsing found no error.  None: read it with `table`."""
        scan = self.source.duckdb_scan(name)
        origin = self._parse_origin(name) if scan is None else None
        if scan is not None or not origin:
            return scan
        key = parsed_key(origin)
        found = parsed_entry(key)
        if found is None:
            try:
                self._typed(name, [])  # parse and store it once
            except DataProblems:
                return None
            found = parsed_entry(key)
        if found is None or any(p.severity == "error" for p in found[1]):
            return None
        quoted = str(found[0]).replace("'", "''")
        return _duck().cursor(), f"read_parquet('{quoted}')"

    # ------------------------------------------------------------ loading
    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.table(name)

    def __contains__(self, name: object) -> bool:
        return name in self.tables()

    def table(
        self, name: str, branch_id: str | Sequence[str] | None = None, **only: Sequence[str] | str
    ) -> pd.DataFrame:
        """One validated table, sliced to the branches asked for and to `only` values
        (e.g. `month=["2026-09", "2026-10"]`, pushed down to the engine); raises DataProblems."""
        filters = tuple(
            sorted((k, (v,) if isinstance(v, str) else tuple(v)) for k, v in only.items())
        )
        unknown = [k for k, _ in filters if k not in TABLES[name].names] if name in TABLES else []
        if unknown:
            raise DataProblems(
                [
                    Problem(
                        self.label, name, f"cannot filter on unknown column(s) {', '.join(unknown)}"
                    )
                ]
            )
        frame, problems = self._load(name, self._branches(branch_id), filters)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise DataProblems(errors, headline=f"table {name} from {self.label} cannot be used")
        return settle_dtypes(frame).reset_index(drop=True)

    def _branches(self, branch_id: str | Sequence[str] | None) -> tuple[str, ...] | None:
        if branch_id is None:
            return self.branch_filter
        return (branch_id,) if isinstance(branch_id, str) else tuple(branch_id)

    def _load(
        self, name: str, branches: tuple[str, ...] | None, filters: Filters = ()
    ) -> tuple[pd.DataFrame, tuple[Problem, ...]]:
        table_spec(name)  # unknown names get the list of known ones
        key = self._cache_key(name, branches, filters)
        if key in _FAILED:
            raise _FAILED[key]
        try:
            return _cached(key, lambda: self._read(name, branches, filters))
        except DataProblems as exc:
            if len(_FAILED) > 64:
                _FAILED.clear()
            _FAILED[key] = exc
            raise

    def _cache_key(self, name: str, branches: tuple[str, ...] | None, filters: Filters) -> CacheKey:
        ident = str(getattr(self.source, "path", getattr(self.source, "url", self.label)))
        return (self.source.kind, ident, self.source.version(), name, branches, filters)

    def _where(self, name: str, branches: tuple[str, ...] | None) -> list[tuple[str, list[str]]]:
        """The key filter that slices a table to some branches (empty: whole table)."""
        spec = TABLES[name]
        if branches is None:
            return []
        if spec.branch_column:
            return [(spec.branch_column, list(branches))]
        if spec.branch_via:
            column, parent = spec.branch_via
            parent_keys = self.table(parent, list(branches))[TABLES[parent].key[0]]
            return [(column, parent_keys.astype(str).tolist())]
        if name == "targets":
            staff_ids = self.table("staff", list(branches))["staff_id"].astype(str).tolist()
            return [("id", [*branches, *staff_ids])]
        return []

    def _read(
        self, name: str, branches: tuple[str, ...] | None, filters: Filters = ()
    ) -> tuple[pd.DataFrame, tuple[Problem, ...]]:
        where = self._where(name, branches) + [(k, list(v)) for k, v in filters]
        typed_or_raw = self._typed(name, where)
        if isinstance(typed_or_raw, RawTable):  # no columns at all: its own problems say why
            return typed_or_raw.frame, tuple(typed_or_raw.problems)
        typed, problems, label = typed_or_raw.frame, typed_or_raw.problems, typed_or_raw.label
        whole_table_empty = typed_or_raw.whole_table_empty
        if len(typed) == 0:
            if whole_table_empty is None:
                whole_table_empty = not where or not self._has_rows(name)
            if whole_table_empty:
                problems.append(empty_table_problem(label, name))
        if not filters:
            problems += _stray_month_problems(typed, name, label)
        problems += _future_date_problems(typed, name, label)
        if not any(p.column is None and "missing required" in p.message for p in problems):
            problems += _not_again(check_table(typed, name, label), problems)
            problems += self._reference_problems(name, typed, label, branches)
        return typed, tuple(problems)

    def _typed(self, name: str, where: list[tuple[str, list[str]]]) -> _Typed | RawTable:
        """The typed rows `where` selects and the problems of reading and typing them (for a
        CSV or Excel table: of the whole table, as it is parsed whole); the raw table
        instead when it has no columns to type.

        A CSV or Excel table is parsed and typed whole once, then kept as Parquet
        (`parsed_cache`), so later slices, in this process or another, skip the parse.
        """
        origin = self._parse_origin(name)
        key = parsed_key(origin) if origin else None
        if key is not None:
            hit = load_parsed(key, where)
            if hit is not None:
                return _Typed(hit.frame, list(hit.problems), hit.label, hit.rows == 0)
        raw = self._raw(name, None if key else where)
        if raw.frame.empty and not raw.frame.columns.size:
            return raw
        typed, found = coerce_frame(
            raw.frame, TABLES[name], raw.multipliers, raw.label, raw.headers or None
        )
        problems = list(raw.problems) + found
        if key is not None:
            store_parsed(
                key, Parsed(typed, problems, len(raw.frame), raw.label), _slice_column(name)
            )
        if where and not raw.filtered:
            for column, values in where:
                typed = typed[typed[column].astype(str).isin([str(v) for v in values])]
        whole_table_empty = len(raw.frame) == 0 if not raw.filtered else None
        return _Typed(typed, problems, raw.label, whole_table_empty)

    def _parse_origin(self, name: str) -> str | None:
        try:
            return self.source.parse_origin(name)
        except DataProblems:
            return None  # the table's file is missing: reading it says so

    def _raw(self, name: str, where: list[tuple[str, list[str]]] | None) -> RawTable:
        try:
            return self.source.read(name, where)
        except DataProblems:
            raise
        except (
            Exception
        ) as exc:  # unreadable file, broken workbook, driver error: a message, not a traceback
            raise DataProblems(
                [
                    Problem(
                        self.label, name, f"cannot be read: {type(exc).__name__}: {first_line(exc)}"
                    )
                ],
                headline=f"table {name} from {self.label} cannot be read",
            ) from None

    # ------------------------------------------------------------ references
    def _missing(self, table: str, column: str, values: pd.Series) -> set[str] | None:
        """Which of `values` are not keys of `table.column` (None: that table is absent).

        Only the slice's distinct values are checked: against an already loaded table
        when there is one, else by an anti-join in DuckDB where the source allows it,
        so a branch's slice never loads a million keys into Python.
        """
        if table not in self.tables():
            return None
        try:
            return self._missing_keys(table, column, values)
        except DataProblems:  # the referenced table is unreadable: its own check reports that
            return None

    def _missing_keys(self, table: str, column: str, values: pd.Series) -> set[str] | None:
        distinct = {str(v) for v in pd.unique(values.dropna())}
        if not distinct:
            return set()
        full_key = self._cache_key(table, None, ())
        known = _KNOWN.get((full_key, column))
        if known is not None and not distinct - known.present - known.absent:
            return distinct & known.absent  # every value judged before: no scan
        scan = self.scan(table) if full_key not in _CACHE else None
        if scan is not None and column in TABLES[table].names:
            known = _KNOWN.setdefault((full_key, column), _KnownKeys())
            unseen = distinct - known.present - known.absent
            missing = self._scan_missing(scan, column, unseen)
            if missing is None:
                return None
            answer = (distinct & known.absent) | missing
            known.learn(unseen, missing)
            return answer
        frame, _ = self._load(table, None)
        if column not in frame.columns:
            return None
        known_keys = _cached_keys(full_key, frame, column)
        return distinct - known_keys

    @staticmethod
    def _scan_missing(
        scan: tuple[duckdb.DuckDBPyConnection, str], column: str, distinct: set[str]
    ) -> set[str] | None:
        """Which of `distinct` the scanned table's `column` lacks, by an anti-join in DuckDB."""
        con, relation = scan
        keys = sorted(distinct)
        con.register("_bc_refs", pd.DataFrame({"v": keys}))
        try:
            # on a text key, the keys' range lets the scan skip row groups that miss it
            ranged = column in text_columns(con, relation)
            within = f' AND r."{column}" BETWEEN ? AND ?' if ranged else ""
            rows = con.execute(
                f'SELECT v FROM _bc_refs t WHERE NOT EXISTS (SELECT 1 FROM {relation} r WHERE r."{column}" = t.v{within})',
                [keys[0], keys[-1]] if ranged else [],
            ).fetchall()
        except duckdb.Error:  # the referenced table is unreadable: its own check reports that
            return None
        finally:
            con.unregister("_bc_refs")
        return {r[0] for r in rows}

    def _reference_problems(
        self, name: str, frame: pd.DataFrame, label: str, branches: tuple[str, ...] | None
    ) -> list[Problem]:
        problems: list[Problem] = []
        checks: list[tuple[pd.DataFrame, str, str, str]] = []
        for col in TABLES[name].columns:
            if col.references and col.name in frame.columns:
                ref_table, ref_col = col.references.split(".")
                checks.append((frame, col.name, ref_table, ref_col))
        if name == "targets":
            for level, ref_table, ref_col in (
                ("staff", "staff", "staff_id"),
                ("branch", "branches", "branch_id"),
            ):
                checks.append((frame[frame["level"] == level], "id", ref_table, ref_col))
        for part, column, ref_table, ref_col in checks:
            if ref_table == name and branches is None:  # e.g. staff.manager_id -> staff
                missing: set[str] | None = {str(v) for v in pd.unique(part[column].dropna())} - set(
                    frame[ref_col].dropna().astype(str)
                )
            else:
                missing = self._missing(ref_table, ref_col, part[column])
            if missing:
                problems += _unknown_refs(
                    part, column, missing, f"{ref_table}.{ref_col}", label, name
                )
        return problems

    # ------------------------------------------------------------ validation
    def validate(
        self,
        tables: Iterable[str] | None = None,
        playbooks: Iterable[str] | None = None,
        *,
        engine: str = "auto",
        progress: bool = False,
    ) -> ValidationReport:
        """Read every table present and collect all problems (not just the first), list the
        files read and ignored, and say which playbooks lack which tables (`playbooks`:
        the ones to check, default all).

        `engine`: "auto" checks whole tables in DuckDB where the source allows it (memory
        flat in the bank's size) and the rest with pandas; "pandas" uses pandas only (the
        reference path). `progress`: a bar on a terminal, one line per table otherwise."""
        if engine not in ("auto", "pandas"):
            raise ValueError(f"unknown validation engine {engine!r}; expected auto or pandas")
        report = ValidationReport(self.label)
        report.problems += list(getattr(self.source, "conflicts", []))
        inputs = getattr(self.source, "inputs", None)
        report.inputs = dict(inputs()) if callable(inputs) else {}
        report.ignored = dict(getattr(self.source, "ignored", {}))
        present = self.tables()
        wanted = list(tables) if tables else present
        report.absent = [t for t in TABLES if t not in present]
        needs = playbook_needs()
        for playbook in list(playbooks) if playbooks else list(needs):
            if playbook not in needs:
                raise DataProblems(
                    [], headline=f"unknown playbook {playbook!r}; playbooks: {', '.join(needs)}"
                )
            report.missing_required[playbook] = [
                t for t in needs[playbook].required if t not in present
            ]
            report.missing_optional[playbook] = [
                t for t in needs[playbook].optional if t not in present
            ]
        if self.branch_filter and "branches" in present:
            try:
                known = set(Dataset(self.source).branch_ids())
                report.unknown_branches = [b for b in self.branch_filter if b not in known]
            except DataProblems:
                pass  # the branches table's own check reports it
        sql = None
        if engine == "auto" and self.branch_filter is None:
            from branch_consult.data.validation import SqlValidation

            sql = SqlValidation(self)
        try:
            self._validate_tables(report, wanted, sql, progress)
        finally:
            if sql is not None:
                sql.close()  # its temporary tables go with it
        return report

    def _validate_tables(
        self, report: ValidationReport, wanted: list[str], sql: SqlValidation | None, progress: bool
    ) -> None:
        from branch_consult.data.validation.progress import table_progress

        for name in table_progress(wanted, progress):
            checked = sql.validate(name) if sql is not None and name in TABLES else None
            if checked is not None:
                report.rows[name], found = checked
                report.problems += found
                continue
            try:
                frame, problems = self._load(name, self.branch_filter)
            except DataProblems as exc:
                report.problems += list(exc.problems)
                continue
            report.rows[name] = len(frame)
            report.problems += list(problems)
            if self.branch_filter and any(c.kind == "month" for c in TABLES[name].columns):
                try:
                    self.month_counts(name)
                except (
                    DataProblems
                ) as exc:  # a stray month elsewhere in the bank moves this branch's period too
                    report.problems += [p for p in exc.problems if p not in report.problems]

    def _has_rows(self, name: str) -> bool:
        """Whether a table has data rows; an unreadable table counts as having some (reading it says why)."""
        try:
            return self.source.has_rows(name)
        except DataProblems:
            raise
        except Exception:
            return True

    def preflight(self, playbook: str) -> None:
        """Refuse, before a playbook starts, data it cannot use: a required table missing or
        empty, an optional table present but empty, or months that cannot be real."""
        needs = playbook_needs().get(playbook)
        if needs is None:
            return
        present = self.tables()
        problems = [
            Problem(self.label, t, f"missing; playbook {playbook} requires it")
            for t in needs.required
            if t not in present
        ]
        for name in (*needs.required, *needs.optional):
            if name in present and not self._has_rows(name):
                problems.append(empty_table_problem(self.label, name))
        if problems:
            raise DataProblems(problems, headline=f"the data cannot be used for {playbook}")
        if "holdings" in (*needs.required, *needs.optional) and "holdings" in present:
            self.month_counts("holdings")


def _slice_column(name: str) -> str | None:
    """The column a branch's slice of a table is selected on (see `Dataset._where`)."""
    spec = TABLES[name]
    if spec.branch_column:
        return spec.branch_column
    if spec.branch_via:
        return spec.branch_via[0]
    return "id" if name == "targets" else None


@dataclass
class _Typed:
    """Typed rows of a table, what reading and typing found, where they came from."""

    frame: pd.DataFrame
    problems: list[Problem]
    label: str
    whole_table_empty: bool | None  # None: not known from this read


def _stray_month_problems(frame: pd.DataFrame, name: str, label: str) -> list[Problem]:
    """Rows dated in months that cannot be real (see `periods.stray_months`)."""
    problems: list[Problem] = []
    for col in TABLES[name].columns:
        if col.kind != "month" or col.name not in frame.columns or not len(frame):
            continue
        values = frame[col.name]
        counts = {
            str(m): int(n)
            for m, n in values.value_counts(dropna=True).items()
            if str(m) not in ("nan", "<NA>", "None")
        }
        for month, why in stray_months(counts).items():
            rows = (values.astype(str) == month).fillna(False).astype(bool)
            problems.append(
                Problem(
                    label,
                    name,
                    f"{counts[month]:,} row(s) dated {month}: {why}",
                    col.name,
                    rows_of(frame.index[rows.to_numpy()]),
                    (repr(month),),
                )
            )
    return problems


def _future_date_problems(frame: pd.DataFrame, name: str, label: str) -> list[Problem]:
    """Dates after today (data cannot come from the future), except where the contract allows it."""
    problems: list[Problem] = []
    end_of_today = pd.Timestamp(today()) + pd.Timedelta(days=1)
    for col in TABLES[name].columns:
        if col.kind not in ("date", "datetime") or col.future_ok or col.name not in frame.columns:
            continue
        values = frame[col.name]
        latest = values.max()
        if pd.isna(latest) or latest < end_of_today:  # one reduction for the usual, clean case
            continue
        late = (values >= end_of_today).fillna(False).astype(bool)
        if late.any():
            problems.append(
                Problem(
                    label,
                    name,
                    f"{int(late.sum())} value(s) after today "
                    f"({end_of_today - pd.Timedelta(days=1):%Y-%m-%d}): data cannot be dated in the future",
                    col.name,
                    rows_of(frame.index[late.to_numpy()]),
                    examples_of(f"{v:%Y-%m-%d}" for v in values[late]),
                )
            )
    return problems


def _not_again(schema_problems: list[Problem], parse_problems: list[Problem]) -> list[Problem]:
    """Drop 'empty value' reports for cells already reported as unreadable (same column and row)."""
    unreadable: dict[str | None, set[int]] = {}
    for p in parse_problems:
        if p.message.startswith("cannot read"):
            unreadable.setdefault(p.column, set()).update(p.rows)
    out: list[Problem] = []
    for p in schema_problems:
        seen = unreadable.get(p.column, set())
        if "empty value(s)" in p.message and seen and p.rows:
            rows = tuple(r for r in p.rows if r not in seen)
            if not rows:
                continue
            p = replace(
                p, rows=rows, message=f"{len(rows)} empty value(s) where a value is required"
            )
        out.append(p)
    return out


_KEYS: dict[tuple[CacheKey, str], set[str]] = {}


@dataclass
class _KnownKeys:
    """Values already looked up in a referenced table's key column (by an anti-join), so
    the next table of the same branch that refers to them (every table names the branch,
    most its staff) does not scan for them again."""

    present: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)

    #: values remembered per referenced column before starting afresh (memory stays small
    #: in a long batch process)
    LIMIT = 200_000

    def learn(self, looked_up: set[str], missing: set[str]) -> None:
        if len(self.present) + len(self.absent) + len(looked_up) > self.LIMIT:
            self.present, self.absent = set(), set()
        self.present |= looked_up - missing
        self.absent |= missing


#: (referenced table's cache key, column) -> what is known of its keys (per source version)
_KNOWN: dict[tuple[CacheKey, str], _KnownKeys] = {}


def _cached_keys(key: CacheKey, frame: pd.DataFrame, column: str) -> set[str]:
    """The key set of a loaded table, built once per cached table."""
    full = (key, column)
    if full not in _KEYS:
        if len(_KEYS) > 16:
            _KEYS.clear()
        _KEYS[full] = set(frame[column].dropna().astype(str))
    return _KEYS[full]


def _unknown_refs(
    frame: pd.DataFrame, column: str, missing: set[str], target: str, label: str, table: str
) -> list[Problem]:
    values = frame[column]
    bad = values.notna() & values.astype(str).isin(sorted(missing))
    if not bad.any():
        return []
    return [
        Problem(
            label,
            table,
            f"{int(bad.sum())} reference(s) to unknown {target}",
            column,
            rows_of(frame.index[bad.to_numpy()]),
            examples_of(values[bad].tolist()),
        )
    ]


def empty_table(name: str) -> pd.DataFrame:
    """A table with no rows but the contract's columns and types (for absent optional tables)."""
    return pd.DataFrame(
        {col.name: pd.Series(dtype=EMPTY_DTYPE[col.kind]) for col in TABLES[name].columns}
    )


def open_dataset(
    location: str | os.PathLike[str] | None = None,
    *,
    fingerprint: str | None = None,
    holdings_months: Mapping[str, int] | None = None,
) -> Dataset:
    """A dataset over a folder, workbook, DuckDB/SQLite file or SQLAlchemy URL (default: the sample).

    `fingerprint` and `holdings_months` are what a run's parent already learnt of the same
    location (`Dataset.facts`, handed to the kernel as the `_source_facts` parameter): taken
    as given instead of fingerprinting the source and counting its months again.
    """
    if location is None or str(location) == "":
        location = sample_path()
    source = open_source(location)
    trace.record("open", source.label)
    return Dataset(source, fingerprint=fingerprint, holdings_months=holdings_months)
