"""pandera schemas built from the contract, and their failures as readable problems.

One schema per table, validated lazily so every failure is reported together; the
failure table pandera returns is grouped into one `Problem` per column and check.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from branch_consult.data.contract import Column, Table
from branch_consult.data.contract import table as table_spec
from branch_consult.data.problems import Problem, examples_of, rows_of


def _checks(col: Column) -> list[pa.Check]:
    checks: list[pa.Check] = []
    if col.allowed is not None:
        checks.append(pa.Check.isin(list(col.allowed), name="allowed"))
    if col.min is not None:
        checks.append(pa.Check.ge(col.min, name="min"))
    if col.max is not None:
        checks.append(pa.Check.le(col.max, name="max"))
    return checks


@cache
def schema_for(name: str) -> pa.DataFrameSchema:
    """The pandera schema of one contract table (types are settled by parsing first)."""
    spec = table_spec(name)
    return pa.DataFrameSchema(
        {
            col.name: pa.Column(checks=_checks(col), nullable=col.nullable, required=col.required)
            for col in spec.columns
        },
        unique=list(spec.key),
        report_duplicates="all",
        name=name,
    )


def _message(spec: Table, column: str | None, check: str, count: int) -> str:
    col = spec.column(column) if column in spec.names else None
    if check == "allowed" and col is not None:
        return f"{count} unknown value(s); expected one of: {', '.join(col.allowed or ())}"
    if check == "min" and col is not None:
        what = "negative value(s)" if col.min == 0 else f"value(s) below {col.min:g}"
        return f"{count} {what}; expected ≥ {col.min:g}"
    if check == "max" and col is not None:
        return f"{count} value(s) above {col.max:g}; expected ≤ {col.max:g}"
    if check == "not_nullable":
        return f"{count} empty value(s) where a value is required"
    if "unique" in check or "duplicate" in check:
        return f"duplicate key ({', '.join(spec.key)}): each {spec.grain} must appear once"
    if check == "column_in_dataframe":
        return "required column is missing"
    return f"{count} value(s) fail check {check}"


_CHECK_NAMES = {
    "isin": "allowed",
    "greater_than_or_equal_to": "min",
    "less_than_or_equal_to": "max",
}


def check_table(frame: pd.DataFrame, name: str, source: str) -> list[Problem]:
    """Validate a typed frame (index = source row); every failure, grouped."""
    spec = table_spec(name)
    try:
        schema_for(name).validate(frame, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases
        problems: list[Problem] = []
        cases = cases.assign(
            column=cases["column"].astype(object).where(cases["column"].notna(), None)
        )
        reported_duplicates = False
        for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
            check = _CHECK_NAMES.get(str(check).split("(")[0], str(check))
            col = (
                None
                if column is None or str(column) in ("nan", "None") or str(column) == name
                else str(column)
            )
            if "unique" in check or "duplicate" in check:
                if reported_duplicates:
                    continue
                reported_duplicates = True
                col = ", ".join(spec.key)
                rows = rows_of(group["index"].dropna())
                dup = frame.loc[frame.index.isin(rows), list(spec.key)] if rows else frame.iloc[0:0]
                examples = examples_of(" / ".join(map(str, r)) for r in dup.itertuples(index=False))
                problems.append(
                    Problem(
                        source, name, _message(spec, None, "unique", len(rows)), col, rows, examples
                    )
                )
                continue
            rows = rows_of(group["index"].dropna())
            problems.append(
                Problem(
                    source,
                    name,
                    _message(spec, col, check, len(group)),
                    col,
                    rows,
                    examples_of(group["failure_case"].tolist()),
                )
            )
        return problems
    return []
