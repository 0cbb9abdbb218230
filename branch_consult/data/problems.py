"""Problems found in input data, collected rather than raised one at a time.

A consultant fixing a client extract wants every problem at once, each naming the
source, table, column and rows, and what was expected: never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from branch_consult.errors import BranchConsultError


@dataclass(frozen=True)
class Problem:
    """One kind of fault in one column of one table (possibly on many rows)."""

    source: str
    table: str
    message: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    examples: tuple[str, ...] = ()
    severity: str = "error"  # "error" makes the table unusable; "warning" does not
    #: rows in all when `rows` holds only the first of them (0: `rows` is complete)
    total_rows: int = 0

    def describe(self, max_rows: int = 8) -> str:
        where = f"{self.source} › {self.table}"
        if self.column:
            where += f" › {self.column}"
        text = f"{where}: {self.message}"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:max_rows])
            more = max(len(self.rows), self.total_rows) - max_rows
            text += f" (row{'s' if max(len(self.rows), self.total_rows) > 1 else ''} {shown}"
            text += f" and {more} more)" if more > 0 else ")"
        if self.examples:
            text += "; found: " + ", ".join(self.examples[:5])
        return text


def first_line(exc: BaseException) -> str:
    """An exception's message without the multi-line context some drivers append."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def rows_of(index: Iterable[object]) -> tuple[int, ...]:
    """Source row numbers from a frame index (loaders index frames by source row)."""
    out: list[int] = []
    for value in index:
        try:
            out.append(int(value))  # type: ignore[call-overload]  # any label; non-numbers are skipped below
        except (TypeError, ValueError):
            continue
    return tuple(sorted(set(out)))


def empty_table_problem(source: str, table: str) -> Problem:
    """A table with a header and no rows: one wording wherever it is found (parent, kernel, SQL)."""
    return Problem(
        source,
        table,
        "the table has a header but no data rows; fill it, or remove it if the data is not available",
    )


def examples_of(values: Iterable[object], limit: int = 5) -> tuple[str, ...]:
    """A few distinct offending values, quoted and shortened for a message."""
    seen: list[str] = []
    for value in values:
        text = repr(value) if isinstance(value, str) else str(value)
        if len(text) > 40:
            text = text[:37] + "..."
        if text not in seen:
            seen.append(text)
        if len(seen) >= limit:
            break
    return tuple(seen)


@dataclass
class DataProblems(BranchConsultError):
    """Raised when input data cannot be used; `str()` is a readable report."""

    problems: Sequence[Problem] = field(default_factory=list)
    headline: str = "the input data has problems"

    def __post_init__(self) -> None:
        super().__init__(self.report())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def report(self) -> str:
        lines = [f"{self.headline}:"] if self.problems else [self.headline]
        lines += [f"  - {p.describe()}" for p in self.problems]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.report()
